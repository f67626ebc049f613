//! Naming inputs: files, directories (every `.json`/`.yaml`/`.yml` below, in name order) and `-`
//! for stdin. Each is read when its turn comes, so that a long run holds one input at a time.

use std::io::Read;
use std::path::{Path, PathBuf};

/// One input: a file, or stdin.
#[derive(Debug)]
pub struct Input {
    /// The path as given or found below a directory; `-` is stdin.
    pub label: String,
    /// The file, or `None` for stdin.
    path: Option<PathBuf>,
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

/// The inputs named in `args`, directories expanded.
pub fn inputs(args: &[String]) -> Result<Vec<Input>, InputError> {
    let mut inputs = Vec::new();
    for arg in args {
        let path = Path::new(arg);
        if arg == "-" {
            inputs.push(Input {
                label: "-".to_owned(),
                path: None,
            });
        } else if path.is_dir() {
            let mut files = Vec::new();
            files_below(path, &mut files)?;
            if files.is_empty() {
                return Err(InputError::EmptyDirectory(arg.clone()));
            }
            inputs.extend(files.into_iter().map(|f| Input {
                label: f.display().to_string(),
                path: Some(f),
            }));
        } else {
            inputs.push(Input {
                label: arg.clone(),
                path: Some(path.to_owned()),
            });
        }
    }
    Ok(inputs)
}

impl Input {
    /// The input's bytes (stdin is read to its end).
    pub fn read(&self, stdin: &mut dyn Read) -> Result<Vec<u8>, InputError> {
        let failed = |source| InputError::Read {
            path: self.label.clone(),
            source,
        };
        if let Some(path) = &self.path {
            return std::fs::read(path).map_err(failed);
        }
        let mut bytes = Vec::new();
        stdin.read_to_end(&mut bytes).map_err(failed)?;
        Ok(bytes)
    }
}
