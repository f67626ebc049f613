//! The one error type of every store.

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object does not exist.
    #[error("{kind} {name} not found")]
    NotFound {
        /// Resource kind.
        kind: String,
        /// Object name.
        name: String,
    },
    /// A create-only operation met an existing object.
    #[error("{kind} {name} already exists")]
    AlreadyExists {
        /// Resource kind.
        kind: String,
        /// Object name.
        name: String,
    },
    /// Another field manager owns fields this apply sets (use `--force-conflicts` to take them).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The object was refused as invalid, with the API server's message.
    #[error("invalid: {0}")]
    Invalid(String),
    /// The caller may not do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The store could not be reached, after retries.
    #[error("unavailable after {attempts} attempts: {message}")]
    Unavailable {
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        message: String,
    },
    /// The store's configuration (kubeconfig, directory) cannot be used.
    #[error("cannot use the store: {0}")]
    Config(String),
    /// A file of a directory store could not be read or written.
    #[error("{path}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The store cannot do this at all (a directory runs no pods).
    #[error("{0}")]
    Unsupported(String),
    /// A stored object is not a valid resource.
    #[error("{path}: {message}")]
    Corrupt {
        /// Where it is.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl StoreError {
    /// Whether the object was missing.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { .. })
    }
}
