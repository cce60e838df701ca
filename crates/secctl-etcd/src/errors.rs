//! The etcd backend's errors, each with its exit class; the binary turns them into its
//! error (and so its exit code) in one place, [`From<EtcdError>`] for the PKI core's
//! `Error`.

use secctl_pki::error::{Error, EXIT_INTERNAL, EXIT_IO, EXIT_USAGE};

/// Every way the etcd store can fail.
#[derive(Debug, thiserror::Error)]
pub enum EtcdError {
    /// A `--store` address secctl does not take (exit 2).
    #[error("{url}: {problem}")]
    Url {
        /// The address as given.
        url: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A key under the prefix whose value secctl did not write, or cannot use (exit 2).
    #[error("{key}: {problem}")]
    Value {
        /// The key (or the file it would become).
        key: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The cluster: no member answered, a request failed, the lock or a key changed under
    /// this writer (exit 3; a re-run starts from etcd again).
    #[error("{context}: {source}")]
    Cluster {
        /// What secctl was doing.
        context: String,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// The local working copy of the state (the PKI core's error, with its own class).
    #[error(transparent)]
    State(#[from] Error),
    /// A bug or an unexpected library failure (exit 4).
    #[error("internal error: {0}")]
    Internal(String),
}

impl EtcdError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            EtcdError::Url { .. } | EtcdError::Value { .. } => EXIT_USAGE,
            EtcdError::Cluster { .. } => EXIT_IO,
            EtcdError::State(e) => e.exit_code(),
            EtcdError::Internal(_) => EXIT_INTERNAL,
        }
    }

    /// A failure of the cluster while doing `context`.
    pub fn cluster(context: impl Into<String>, source: std::io::Error) -> Self {
        EtcdError::Cluster {
            context: context.into(),
            source,
        }
    }

    /// A key whose value cannot be used.
    pub fn value(key: impl std::fmt::Display, problem: impl Into<String>) -> Self {
        EtcdError::Value {
            key: key.to_string(),
            problem: problem.into(),
        }
    }

    /// An internal error from any displayable cause.
    pub fn internal(e: impl std::fmt::Display) -> Self {
        EtcdError::Internal(e.to_string())
    }
}

/// The binary's one mapping: the same message, the same exit class.
impl From<EtcdError> for Error {
    fn from(e: EtcdError) -> Error {
        match e {
            EtcdError::Url { url, problem } => Error::input(url, problem),
            EtcdError::Value { key, problem } => Error::input(key, problem),
            EtcdError::Cluster { context, source } => Error::io(context, source),
            EtcdError::State(e) => e,
            EtcdError::Internal(s) => Error::Internal(s),
        }
    }
}

/// The etcd backend's result.
pub type Result<T, E = EtcdError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_class_keeps_its_exit_code_and_message_through_the_mapping() {
        let cases = [
            (
                EtcdError::Url {
                    url: "etcd://x".into(),
                    problem: "no /PREFIX".into(),
                },
                EXIT_USAGE,
            ),
            (
                EtcdError::value("/p/ca.crt", "not a state value"),
                EXIT_USAGE,
            ),
            (
                EtcdError::cluster("no member answered", std::io::Error::other("refused")),
                EXIT_IO,
            ),
            (EtcdError::State(Error::Usage("bad".into())), EXIT_USAGE),
            (EtcdError::internal("lost"), EXIT_INTERNAL),
        ];
        for (e, code) in cases {
            let text = e.to_string();
            assert_eq!(e.exit_code(), code, "{text}");
            let mapped: Error = e.into();
            assert_eq!(mapped.exit_code(), code, "{text}");
            assert_eq!(mapped.to_string(), text);
        }
    }
}
