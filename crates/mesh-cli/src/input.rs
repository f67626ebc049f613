//! Reading inputs: files, directories (every `.json`/`.yaml`/`.yml` below, in name order) and `-`
//! for stdin; each file may hold several documents.

use std::io::Read;
use std::path::{Path, PathBuf};

use mesh_core::document::RawDocument;

/// One document and where it came from.
#[derive(Debug)]
pub struct Document {
    /// `file` for a one-document file, `file[i]` otherwise; `-` is stdin.
    pub label: String,
    /// The document.
    pub raw: RawDocument,
}

/// Why inputs could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// A path could not be read.
    #[error("cannot read {path}")]
    Read {
        /// The path.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A directory held no config file.
    #[error("{0}: no .json, .yaml or .yml file in this directory")]
    EmptyDirectory(String),
}

/// A file that was read but does not parse.
#[derive(Debug)]
pub struct Unparsable {
    /// The path.
    pub label: String,
    /// What is wrong.
    pub error: mesh_core::document::ParseError,
}

fn files_below(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), InputError> {
    let read = |source| InputError::Read {
        path: dir.display().to_string(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_below(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "json" | "yaml" | "yml"))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads every input named in `args` (with `stdin` for `-`).
pub fn read(args: &[String], stdin: &mut dyn Read) -> Result<(Vec<Document>, Vec<Unparsable>), InputError> {
    let mut sources: Vec<(String, Vec<u8>)> = Vec::new();
    for arg in args {
        if arg == "-" {
            let mut bytes = Vec::new();
            stdin.read_to_end(&mut bytes).map_err(|source| InputError::Read {
                path: "-".into(),
                source,
            })?;
            sources.push(("-".to_owned(), bytes));
            continue;
        }
        let path = Path::new(arg);
        if path.is_dir() {
            let mut files = Vec::new();
            files_below(path, &mut files)?;
            if files.is_empty() {
                return Err(InputError::EmptyDirectory(arg.clone()));
            }
            for f in files {
                let bytes = std::fs::read(&f).map_err(|source| InputError::Read {
                    path: f.display().to_string(),
                    source,
                })?;
                sources.push((f.display().to_string(), bytes));
            }
        } else {
            let bytes = std::fs::read(path).map_err(|source| InputError::Read {
                path: arg.clone(),
                source,
            })?;
            sources.push((arg.clone(), bytes));
        }
    }
    let mut docs = Vec::new();
    let mut bad = Vec::new();
    for (label, bytes) in sources {
        match mesh_core::document::split_some(&bytes) {
            Ok(raws) => {
                let several = raws.len() > 1;
                for (i, raw) in raws.into_iter().enumerate() {
                    let label = if several {
                        format!("{label}[{i}]")
                    } else {
                        label.clone()
                    };
                    docs.push(Document { label, raw });
                }
            }
            Err(error) => bad.push(Unparsable { label, error }),
        }
    }
    Ok((docs, bad))
}
