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
    #[error("conflict")]
    Conflict(#[source] ApiStatus),
    /// The object was refused as invalid.
    #[error("invalid")]
    Invalid(#[source] Refusal),
    /// The caller may not do this.
    #[error("forbidden")]
    Forbidden(#[source] ApiStatus),
    /// The store could not be reached or did not answer, after retries.
    #[error("unavailable after {attempts} attempts")]
    Unavailable {
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        #[source]
        last: Transient,
    },
    /// The store's configuration (kubeconfig, in-cluster settings) cannot be used.
    #[error(
        "cannot use the store{}",
        .kubeconfig.as_ref().map(|p| format!(" (kubeconfig {})", p.display())).unwrap_or_default()
    )]
    Config {
        /// The kubeconfig file named, if one was.
        kubeconfig: Option<std::path::PathBuf>,
        /// Why.
        #[source]
        source: kube::Error,
    },
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
    /// A create failed part-way (the cause); what it had written was deleted again, so nothing
    /// of it is kept.
    #[error("create undone ({undone} deleted again)")]
    Undone {
        /// The objects deleted again, `Kind name`, joined by `, `.
        undone: String,
        /// Why the create failed.
        #[source]
        cause: Box<StoreError>,
    },
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
        matches!(self.cause(), Self::NotFound { .. })
    }

    /// The failure itself: the cause of an [`StoreError::Undone`], else this error.
    pub fn cause(&self) -> &Self {
        match self {
            Self::Undone { cause, .. } => cause.cause(),
            other => other,
        }
    }
}

/// The API server's `Status` answer to a call it refused, shown as its message (with the code
/// and reason when the code is not one a store maps to its own variant).
#[derive(Debug, thiserror::Error)]
#[error("{}", describe(.0))]
pub struct ApiStatus(pub Box<kube::core::Status>);

impl ApiStatus {
    /// The HTTP status code the API server answered.
    pub fn code(&self) -> u16 {
        self.0.code
    }

    /// The API server's message.
    pub fn message(&self) -> &str {
        &self.0.message
    }
}

fn describe(s: &kube::core::Status) -> String {
    match s.code {
        400 | 401 | 403 | 404 | 409 | 422 if !s.message.is_empty() => s.message.clone(),
        code if s.message.is_empty() => format!("{code} {}", s.reason),
        code => format!("{code} {}: {}", s.reason, s.message),
    }
}

/// Why a store refused an object as invalid.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// The API server refused it.
    #[error(transparent)]
    Api(ApiStatus),
    /// The API server has no such namespace or resource type.
    #[error(
        "the namespace or the resource type does not exist (does the namespace exist, and are \
         mesh's CRDs installed? `mesh install-crds`)"
    )]
    NoNamespaceOrType(#[source] ApiStatus),
    /// A rule of the store itself (names, the kinds it keeps, numbers it cannot keep exactly).
    #[error("{0}")]
    Rule(String),
    /// The object is not the JSON shape of a Kubernetes object.
    #[error(transparent)]
    Shape(#[from] serde_json::Error),
    /// The object cannot be written as YAML (too deep or too large for a reader).
    #[error(transparent)]
    Yaml(#[from] mesh_core::yaml::Error),
}

/// The last failure of a call that was tried until its attempts ran out, or that failed in a
/// way no retry mends.
#[derive(Debug, thiserror::Error)]
pub enum Transient {
    /// The API server answered with a status worth retrying (429, 5xx).
    #[error(transparent)]
    Status(ApiStatus),
    /// The connection to the API server failed.
    #[error("cannot reach the API server")]
    Connection(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// No answer within the call's time limit.
    #[error("no answer within {0:?}")]
    TimedOut(std::time::Duration),
    /// The client failed on its own side (a response it could not read, a request it could not
    /// build).
    #[error("the Kubernetes client failed")]
    Client(#[source] kube::Error),
    /// A CRD was applied but the API server did not report it Established in time.
    #[error("CRD {name} is not Established after {wait:?}")]
    NotEstablished {
        /// The CRD.
        name: String,
        /// How long mesh waited.
        wait: std::time::Duration,
    },
}

impl StoreError {
    /// An object refused by a rule of the store itself.
    pub fn rule(reason: impl Into<String>) -> Self {
        Self::Invalid(Refusal::Rule(reason.into()))
    }
}
