//! A manifests directory: one file per object, `<dir>/<namespace>/<kind>/<name>.yaml`, in the
//! YAML `mesh convert` prints.
//!
//! On disk:
//!
//! ```text
//! <dir>/<namespace>/<kind>/<name>.yaml            one object, as `mesh convert` prints it
//! <dir>/<namespace>/<kind>/.mesh.lock             the folder's lock (empty; flock only)
//! <dir>/<namespace>/<kind>/.<name>.yaml.tmp-P-N   a write in progress by process P
//! ```
//!
//! `<kind>` is `function`, `source`, `sink`, `functionmesh` or `secret`. Writes go to a temporary
//! file in the same folder, are synced, then renamed over the target, so a crash never leaves a
//! partial file; [`Directory::clean`] removes the temporary files a crashed writer left. Every
//! read-modify-write holds the folder's exclusive lock (`flock`), which serialises writers across
//! threads and processes alike, and leaves one lock file per folder, not one per object. Names
//! are checked as Kubernetes names, so nothing escapes the directory.
//!
//! A file that does not parse (edited by hand, say) is skipped with a warning when listing, its
//! own read answers [`StoreError::Corrupt`], and it can still be deleted: one bad file never
//! stops the others from being listed or deleted. mesh itself never writes one: the YAML writer
//! refuses what its reader could not read back ([`mesh_core::yaml::Error`]).
//!
//! Parsed objects are cached by file identity (device, inode, size, modification time, read
//! from the open file): every write replaces the inode, so a change by any process is seen, and
//! a repeated read of an unchanged file skips the YAML parse.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{Read as _, Write as _};
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Value, json};

use crate::{Applied, ApplyOptions, ObjectKey, ResourceKind, Selector, Store, StoreError};

/// A manifests directory as a [`Store`].
#[derive(Clone, Debug)]
pub struct Directory {
    root: PathBuf,
    namespace: String,
    cache: Arc<Mutex<HashMap<PathBuf, (Stamp, Value)>>>,
}

/// What identifies one version of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: i64,
    mtime_nsec: i64,
}

impl Stamp {
    fn of(m: &fs::Metadata) -> Self {
        Self {
            dev: m.dev(),
            ino: m.ino(),
            len: m.len(),
            mtime: m.mtime(),
            mtime_nsec: m.mtime_nsec(),
        }
    }
}

/// Cached objects at most; past it the cache starts over.
const CACHE_ENTRIES: usize = 4096;

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn check_name(what: &str, value: &str, dots: bool) -> Result<(), StoreError> {
    let problem = mesh_core::validate::k8s::subdomain_problem(value)
        .or_else(|| (!dots && value.contains('.')).then(|| "must not contain `.`".to_owned()));
    match problem {
        Some(p) => Err(StoreError::rule(format!("{what} `{value}` {p}"))),
        None => Ok(()),
    }
}

/// Runs blocking file work off the async executor.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| StoreError::Io {
        path: String::new(),
        source: std::io::Error::other(e.to_string()),
    })?
}

/// The lock file of a folder.
pub const LOCK_FILE: &str = ".mesh.lock";
/// How old a crashed writer's leftover must be before [`Directory::clean`] removes it; no write
/// takes nearly that long.
pub const STALE_AFTER: std::time::Duration = std::time::Duration::from_mins(5);

/// Whether `name` is a temporary file of [`Directory::write`]: `.<name>.yaml.tmp-<pid>-<n>`.
fn is_temp_file(name: &str) -> bool {
    let Some((stem, suffix)) = name.rsplit_once(".yaml.tmp-") else {
        return false;
    };
    let numbers = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    stem.len() > 1
        && stem.starts_with('.')
        && suffix
            .split_once('-')
            .is_some_and(|(pid, n)| numbers(pid) && numbers(n))
}

/// Whether `name` is a per-object lock file of earlier versions: `.<name>.lock`.
fn is_object_lock(name: &str) -> bool {
    name != LOCK_FILE
        && name
            .strip_prefix('.')
            .and_then(|n| n.strip_suffix(".lock"))
            .is_some_and(|n| check_name("name", n, true).is_ok())
}

impl Directory {
    /// A store in `root` whose objects without a namespace go to `namespace`.
    pub fn new(root: impl Into<PathBuf>, namespace: impl Into<String>) -> Self {
        Self {
            root: root.into(),
            namespace: namespace.into(),
            cache: Arc::default(),
        }
    }

    fn folder(&self, namespace: &str, kind: ResourceKind) -> Result<PathBuf, StoreError> {
        check_name("namespace", namespace, false)?;
        Ok(self.root.join(namespace).join(kind.lower()))
    }

    /// The file of `key`.
    pub fn path(&self, key: &ObjectKey) -> Result<PathBuf, StoreError> {
        check_name("name", &key.name, true)?;
        Ok(self
            .folder(&key.namespace, key.kind)?
            .join(format!("{}.yaml", key.name)))
    }

    /// Removes what crashed writers left behind, when it is older than [`STALE_AFTER`]: this
    /// store's temporary files (`.<name>.yaml.tmp-<pid>-<n>`), and the per-object lock files of
    /// earlier versions (`.<name>.lock`) that no one holds. Nothing else is touched. Answers how
    /// many files it removed.
    pub fn clean(&self) -> Result<usize, StoreError> {
        let mut removed = 0;
        let Ok(namespaces) = fs::read_dir(&self.root) else {
            return Ok(0);
        };
        for ns in namespaces.flatten() {
            for kind in ResourceKind::ALL {
                let folder = ns.path().join(kind.lower());
                let Ok(entries) = fs::read_dir(&folder) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let name = entry.file_name();
                    let Some(name) = name.to_str() else { continue };
                    let old = entry
                        .metadata()
                        .and_then(|m| m.modified())
                        .is_ok_and(|t| t.elapsed().is_ok_and(|age| age >= STALE_AFTER));
                    if !old || !entry.file_type().is_ok_and(|t| t.is_file()) {
                        continue;
                    }
                    let path = entry.path();
                    if is_temp_file(name) {
                        fs::remove_file(&path).map_err(io(&path))?;
                        removed += 1;
                    } else if is_object_lock(name) {
                        // Held by a writer of an earlier version: leave it.
                        let Ok(file) = File::options().write(true).open(&path) else {
                            continue;
                        };
                        if file.try_lock().is_ok() {
                            fs::remove_file(&path).map_err(io(&path))?;
                            removed += 1;
                        }
                    }
                }
            }
        }
        Ok(removed)
    }

    /// Takes the exclusive lock of `key`'s folder, creating the folder.
    fn lock(&self, key: &ObjectKey) -> Result<File, StoreError> {
        let folder = self.folder(&key.namespace, key.kind)?;
        fs::create_dir_all(&folder).map_err(io(&folder))?;
        let path = folder.join(LOCK_FILE);
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io(&path))?;
        file.lock().map_err(io(&path))?;
        Ok(file)
    }

    fn read(&self, path: &Path) -> Result<Option<Value>, StoreError> {
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(path)(e)),
        };
        let stamp = Stamp::of(&file.metadata().map_err(io(path))?);
        let cache = || self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((s, v)) = cache().get(path)
            && *s == stamp
        {
            return Ok(Some(v.clone()));
        }
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io(path))?;
        let value = mesh_core::document::parse_one::<Value>(&bytes).map_err(|d| StoreError::Corrupt {
            path: path.display().to_string(),
            message: d.to_string().trim_end().to_owned(),
        })?;
        let mut c = cache();
        if c.len() >= CACHE_ENTRIES {
            c.clear();
        }
        c.insert(path.to_owned(), (stamp, value.clone()));
        Ok(Some(value))
    }

    fn write(path: &Path, object: &Value) -> Result<(), StoreError> {
        let text = mesh_core::yaml::to_string(object).map_err(|e| StoreError::Invalid(e.into()))?;
        let folder = path.parent().unwrap_or(Path::new("."));
        let tmp = folder.join(format!(
            ".{}.tmp-{}-{}",
            path.file_name().and_then(|n| n.to_str()).unwrap_or("object"),
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let result = (|| {
            let mut f = File::create(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
            fs::rename(&tmp, path)?;
            // Make the rename itself durable.
            if let Ok(dir) = File::open(folder) {
                let _ = dir.sync_all();
            }
            Ok(())
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result.map_err(io(path))
    }

    /// `object` with its namespace set and without a status (the operator's).
    fn prepared(object: &Value, key: &ObjectKey) -> Value {
        let mut o = object.clone();
        o["metadata"]["namespace"] = json!(key.namespace);
        if let Some(m) = o.as_object_mut() {
            m.remove("status");
        }
        o
    }

    fn apply_sync(&self, object: &Value, options: ApplyOptions) -> Result<Applied, StoreError> {
        let key = ObjectKey::of(object, &self.namespace)?;
        let path = self.path(&key)?;
        let mut object = Self::prepared(object, &key);
        let _lock = self.lock(&key)?;
        let before = self.read(&path)?;
        if let Some(status) = before.as_ref().and_then(|b| b.get("status")) {
            object["status"] = status.clone();
        }
        let applied = match &before {
            None => Applied::Created,
            // Numbers by value: `1.50` from a JSON body is the `1.5` read back from YAML.
            Some(b) if mesh_core::document::same_value(b, &object) => return Ok(Applied::Unchanged),
            Some(_) => Applied::Updated,
        };
        if !options.dry_run {
            Self::write(&path, &object)?;
        }
        Ok(applied)
    }

    fn create_sync(&self, object: &Value, options: ApplyOptions) -> Result<(), StoreError> {
        let key = ObjectKey::of(object, &self.namespace)?;
        let path = self.path(&key)?;
        let object = Self::prepared(object, &key);
        let _lock = self.lock(&key)?;
        if path.exists() {
            return Err(StoreError::AlreadyExists {
                kind: key.kind.as_str().to_owned(),
                name: key.name,
            });
        }
        if !options.dry_run {
            Self::write(&path, &object)?;
        }
        Ok(())
    }

    fn not_found(key: &ObjectKey) -> StoreError {
        StoreError::NotFound {
            kind: key.kind.as_str().to_owned(),
            name: key.name.clone(),
        }
    }

    fn list_sync(&self, kind: ResourceKind, selector: &Selector) -> Result<Vec<Value>, StoreError> {
        let namespaces: Vec<String> = match &selector.namespace {
            Some(ns) => vec![ns.clone()],
            None => match fs::read_dir(&self.root) {
                Ok(entries) => entries
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .filter_map(|e| e.file_name().into_string().ok())
                    .filter(|n| check_name("namespace", n, false).is_ok())
                    .collect(),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
                Err(e) => return Err(io(&self.root)(e)),
            },
        };
        let mut out = Vec::new();
        for ns in namespaces {
            let folder = self.folder(&ns, kind)?;
            let mut files: Vec<PathBuf> = match fs::read_dir(&folder) {
                Ok(entries) => entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| {
                        p.extension().is_some_and(|x| x == "yaml")
                            && p.file_name()
                                .and_then(|n| n.to_str())
                                .is_some_and(|n| !n.starts_with('.'))
                    })
                    .collect(),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io(&folder)(e)),
            };
            files.sort();
            for f in files {
                match self.read(&f) {
                    Ok(Some(v)) if selector.matches(&v) => out.push(v),
                    Ok(_) => {}
                    // One unreadable file (edited by hand, say) must not hide every other
                    // object: it is reported and skipped; get answers its error, delete removes it.
                    Err(e @ StoreError::Corrupt { .. }) => {
                        tracing::warn!(error = %e, "skipping an unreadable object in the store");
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(out)
    }

    fn delete_sync(&self, key: &ObjectKey) -> Result<(), StoreError> {
        let path = self.path(key)?;
        let _lock = self.lock(key)?;
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Self::not_found(key)),
            Err(e) => Err(io(&path)(e)),
        }
    }

    /// Changes the object at `key` in place, holding its lock from the read to the write, so that
    /// concurrent changes (from any thread or process) never overwrite one another.
    pub fn modify(&self, key: &ObjectKey, change: impl FnOnce(&mut Value)) -> Result<(), StoreError> {
        let path = self.path(key)?;
        let _lock = self.lock(key)?;
        let mut object = self.read(&path)?.ok_or_else(|| Self::not_found(key))?;
        change(&mut object);
        Self::write(&path, &object)
    }
}

impl Store for Directory {
    fn default_namespace(&self) -> &str {
        &self.namespace
    }

    async fn apply(&self, object: &Value, options: ApplyOptions) -> Result<Applied, StoreError> {
        let (me, object) = (self.clone(), object.clone());
        blocking(move || me.apply_sync(&object, options)).await
    }

    async fn create(&self, object: &Value, options: ApplyOptions) -> Result<(), StoreError> {
        let (me, object) = (self.clone(), object.clone());
        blocking(move || me.create_sync(&object, options)).await
    }

    async fn get(&self, key: &ObjectKey) -> Result<Value, StoreError> {
        let path = self.path(key)?;
        let (me, key) = (self.clone(), key.clone());
        blocking(move || me.read(&path)?.ok_or_else(|| Self::not_found(&key))).await
    }

    async fn list(&self, kind: ResourceKind, selector: &Selector) -> Result<Vec<Value>, StoreError> {
        let (me, selector) = (self.clone(), selector.clone());
        blocking(move || me.list_sync(kind, &selector)).await
    }

    async fn delete(&self, key: &ObjectKey) -> Result<(), StoreError> {
        let (me, key) = (self.clone(), key.clone());
        blocking(move || me.delete_sync(&key)).await
    }

    async fn restart_instance(&self, _pods: &Selector, ordinal: i32) -> Result<String, StoreError> {
        Err(StoreError::Unsupported(format!(
            "a directory store runs no pods, so instance {ordinal} cannot be restarted alone; \
             restart the whole component, or serve from a cluster (--store kube)"
        )))
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let root = self.root.clone();
        blocking(move || fs::create_dir_all(&root).map_err(io(&root))).await
    }
}
