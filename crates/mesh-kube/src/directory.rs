//! A manifests directory: one file per object, `<dir>/<namespace>/<kind>/<name>.yaml`, in the
//! YAML `mesh convert` prints.
//!
//! Writes go to a temporary file in the same folder, are synced, then renamed over the target,
//! so a crash never leaves a partial file. Every read-modify-write holds an exclusive lock on
//! `<dir>/<namespace>/<kind>/.<name>.lock` (`flock`), which serialises writers of one object
//! across threads and processes alike. Names are checked as Kubernetes names, so nothing
//! escapes the directory.
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
        Some(p) => Err(StoreError::Invalid(format!("{what} `{value}` {p}"))),
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

impl Directory {
    /// A store in `root` whose objects without a namespace go to `namespace`.
    pub fn new(root: impl Into<PathBuf>, namespace: impl Into<String>) -> Self {
        Self {
            root: root.into(),
            namespace: namespace.into(),
            cache: Arc::default(),
        }
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
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

    /// Takes the exclusive lock of `key`, creating its folder.
    fn lock(&self, key: &ObjectKey) -> Result<File, StoreError> {
        let folder = self.folder(&key.namespace, key.kind)?;
        fs::create_dir_all(&folder).map_err(io(&folder))?;
        let path = folder.join(format!(".{}.lock", key.name));
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
        let text = mesh_core::yaml::to_string(object).map_err(|e| StoreError::Invalid(e.to_string()))?;
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
            Some(b) if *b == object => return Ok(Applied::Unchanged),
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
                if let Some(v) = self.read(&f)?
                    && selector.matches(&v)
                {
                    out.push(v);
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

    async fn scale(&self, key: &ObjectKey, replicas: i32) -> Result<(), StoreError> {
        let (me, key) = (self.clone(), key.clone());
        blocking(move || me.modify(&key, |o| o["spec"]["replicas"] = json!(replicas))).await
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
