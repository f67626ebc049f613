//! The three kinds of Pulsar component, and their names.

/// The three kinds of Pulsar component.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A Pulsar Function.
    Function,
    /// A source connector.
    Source,
    /// A sink connector.
    Sink,
}

impl Kind {
    /// Every kind, in the order mesh handles them.
    pub const ALL: [Self; 3] = [Self::Function, Self::Source, Self::Sink];

    /// Plural lower case, as a `FunctionMesh` lists its members: `functions`, `sources`, `sinks`.
    pub fn plural(self) -> &'static str {
        match self {
            Self::Function => "functions",
            Self::Source => "sources",
            Self::Sink => "sinks",
        }
    }

    /// Capitalised, as in Pulsar's messages and the CR kind: `Function`, `Source`, `Sink`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Function => "Function",
            Self::Source => "Source",
            Self::Sink => "Sink",
        }
    }

    /// Lower case: `function`, `source`, `sink`.
    pub fn lower(self) -> &'static str {
        match self {
            Self::Function => "function",
            Self::Source => "source",
            Self::Sink => "sink",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not `function`, `source` or `sink`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown kind `{0}`: use function, source or sink")]
pub struct UnknownKind(pub String);

impl std::str::FromStr for Kind {
    type Err = UnknownKind;

    /// Reads the lower-case name (`function`, `source`, `sink`), as paths and flags spell it.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.lower() == s)
            .ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_their_lower_case_names_only() {
        for k in Kind::ALL {
            assert_eq!(k.lower().parse::<Kind>(), Ok(k));
            assert!(k.as_str().parse::<Kind>().is_err());
        }
        assert_eq!(
            "gadget".parse::<Kind>().unwrap_err().to_string(),
            "unknown kind `gadget`: use function, source or sink"
        );
    }
}
