//! The probe's errors. A probe never fails for what a server does: that is an observation,
//! and unreachable or silent ports are verdicts. What can fail is the input, before
//! anyone is contacted; the binary turns it into its error (exit 2) in one place,
//! [`From<ProbeError>`] for the PKI core's `Error`.

use secctl_pki::error::{Error, EXIT_USAGE};

/// Every way the probe's own input can be refused.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// A target that is not `HOST:PORT` or `[IPv6]:PORT`.
    #[error("{target}: not a HOST:PORT target ({why})")]
    Target {
        /// The target as given.
        target: String,
        /// What is wrong with it.
        why: &'static str,
    },
}

impl ProbeError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            ProbeError::Target { .. } => EXIT_USAGE,
        }
    }
}

/// The binary's one mapping: the same message, the same exit class.
impl From<ProbeError> for Error {
    fn from(e: ProbeError) -> Error {
        match e {
            ProbeError::Target { target, why } => {
                Error::input(target, format!("not a HOST:PORT target ({why})"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_target_is_bad_input_with_the_same_message() {
        let e = ProbeError::Target {
            target: "example.org".into(),
            why: "missing :PORT",
        };
        let text = e.to_string();
        assert_eq!(text, "example.org: not a HOST:PORT target (missing :PORT)");
        assert_eq!(e.exit_code(), EXIT_USAGE);
        let mapped: Error = e.into();
        assert_eq!(mapped.exit_code(), EXIT_USAGE);
        assert_eq!(mapped.to_string(), text);
    }
}
