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

/// The last guard on the error line: a word that is an age secret key
/// (`AGE-SECRET-KEY-1...`) or a long mixed-case base64 run (the body of a private key) is
/// replaced by `[redacted]`, whatever message quoted it. Messages are written not to quote
/// such lines in the first place (see `shares::custody::looks_secret`).
pub fn redact_secrets(s: &str) -> std::borrow::Cow<'_, str> {
    /// `20261224T185542Z`: the name `ca rotate` gives a generation's directory.
    fn is_stamp(seg: &str) -> bool {
        let b = seg.as_bytes();
        b.len() == 16
            && b[8] == b'T'
            && b[15] == b'Z'
            && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit)
    }
    fn secret_word(w: &str) -> bool {
        if w.to_ascii_uppercase().contains("AGE-SECRET-KEY-") {
            return true;
        }
        let mut run = String::new();
        let mut best = false;
        for c in w.chars().chain(std::iter::once(' ')) {
            if c.is_ascii_alphanumeric() || "+/=".contains(c) {
                run.push(c);
            } else {
                // A CA generation's directory (`ca/previous/20261224T185542Z/`, and the
                // attic's) is a time stamp, not key material: it does not count.
                let counted: String = run
                    .split('/')
                    .filter(|seg| !is_stamp(seg))
                    .collect::<Vec<_>>()
                    .join("/");
                best |= counted.len() >= 40
                    && counted.chars().any(|c| c.is_ascii_uppercase())
                    && counted.chars().any(|c| c.is_ascii_lowercase())
                    && counted.chars().any(|c| c.is_ascii_digit());
                run.clear();
            }
        }
        best
    }
    if !s.split_whitespace().any(secret_word) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if secret_word(word) {
            out.push_str("[redacted]");
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in s.chars() {
        if c.is_whitespace() {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    std::borrow::Cow::Owned(out)
}

/// Result type of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::redact_secrets;

    #[test]
    fn secret_words_are_redacted_and_the_rest_kept() {
        let key = "AGE-SECRET-KEY-1QYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQS";
        let m = format!("f line 3: invalid \"{key}\" here");
        assert_eq!(redact_secrets(&m), "f line 3: invalid [redacted] here");
        let b64 = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg7Xf1";
        assert_eq!(redact_secrets(&format!("x: {b64}")), "x: [redacted]");
        // Hex digests, fingerprints, paths and age recipients stay.
        for keep in [
            "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
            "/tmp/.tmpAbc123/pki/ca/root.key: wrong passphrase",
            "pki/ca/previous/20261224T185542Z/intermediate.crt: is the root CA certificate",
            "/tmp/.tmpAbc123/pki/attic/retired/20261224T185542Z/root.key",
            "age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq",
        ] {
            assert_eq!(redact_secrets(keep), keep);
        }
    }
}
