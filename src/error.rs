//! Typed errors, each with its exit code (see the README's exit-code table).

use std::path::Path;

/// Exit code for a check that found a problem (`verify` failed, `--strict`, `--check`).
pub const EXIT_CHECK_FAILED: u8 = 1;
/// Exit code for bad usage or bad input.
pub const EXIT_USAGE: u8 = 2;
/// Exit code for an I/O error (disk full, permission denied on the state directory).
pub const EXIT_IO: u8 = 3;
/// Exit code for an internal error (a bug).
pub const EXIT_INTERNAL: u8 = 4;

/// Every way a secctl command can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad usage: a flag combination, a name, a missing confirmation.
    #[error("{0}")]
    Usage(String),
    /// Bad input read from a file or a target: names the input and the problem.
    #[error("{input}: {problem}")]
    Input {
        /// The file, directory or target the problem is in.
        input: String,
        /// What is wrong with it.
        problem: String,
    },
    /// An I/O failure that is not the input's fault.
    #[error("{context}: {source}")]
    Io {
        /// What secctl was doing, and with which path.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A bug or an unexpected library failure.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) | Error::Input { .. } => EXIT_USAGE,
            Error::Io { .. } => EXIT_IO,
            Error::Internal(_) => EXIT_INTERNAL,
        }
    }

    /// A bad-input error about `input`.
    pub fn input(input: impl std::fmt::Display, problem: impl Into<String>) -> Self {
        Error::Input {
            input: input.to_string(),
            problem: problem.into(),
        }
    }

    /// A bad-input error about a path.
    pub fn path(path: &Path, problem: impl Into<String>) -> Self {
        Self::input(path.display(), problem)
    }

    /// An I/O error with what was being done.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    /// A read failure on `path`: a missing file, a directory, or an unreadable file is bad
    /// input (exit 2); anything else is an I/O error.
    pub fn read(path: &Path, source: std::io::Error) -> Self {
        use std::io::ErrorKind::*;
        // ELOOP: a symbolic link where secctl opens without following links.
        if source.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
            return Self::path(
                path,
                "is a symbolic link, which secctl does not follow in the state directory (or a loop of links)",
            );
        }
        match source.kind() {
            NotFound => Self::path(path, "no such file"),
            PermissionDenied => Self::path(path, "permission denied"),
            IsADirectory => Self::path(path, "is a directory, expected a file"),
            InvalidData => Self::path(path, "not valid UTF-8 text"),
            _ => Self::io(format!("reading {}", path.display()), source),
        }
    }

    /// An internal error from any displayable cause.
    pub fn internal(e: impl std::fmt::Display) -> Self {
        Error::Internal(e.to_string())
    }
}

/// Result type of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
