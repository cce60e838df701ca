//! Custodians: age recipients (X25519 `age1...` or `ssh-ed25519`/`ssh-rsa` public keys) to
//! encrypt shares to, and identities (age key files, SSH private keys, either possibly
//! passphrase-protected) to decrypt them with.

use std::io::{Read, Write};
use std::path::Path;

use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// A custodian's public key and the name shown in file names.
pub struct Custodian {
    /// The recipient.
    pub recipient: Box<dyn age::Recipient + Send>,
    /// A short, path-safe label (the label after the key, the SSH comment, or the start of
    /// the key).
    pub label: String,
    /// The public key in canonical form (`age1...`, or `ssh-ed25519 BASE64` without the
    /// comment): two custodians with the same key are one person holding two shares.
    pub key: String,
    /// Where the recipient came from (`--recipient #2`, `FILE line 3`), for messages.
    pub origin: String,
    /// The label as written after the key (SSH comment or `age1... alice`), if any.
    pub comment: Option<String>,
}

fn safe_label(s: &str) -> String {
    let t: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._@-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(32)
        .collect();
    t.trim_matches('_').to_string()
}

/// Whether a line looks like secret material: an age identity (`AGE-SECRET-KEY-1...`), a
/// PEM or OpenSSH private key, or a long run of base64 (the body of a key file). Such a line
/// is never quoted in a message.
pub fn looks_secret(s: &str) -> bool {
    let up = s.to_ascii_uppercase();
    if up.contains("AGE-SECRET-KEY-") || up.contains("PRIVATE KEY") || up.contains("AGE-PLUGIN-") {
        return true;
    }
    let mut run = 0usize;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || "+/=".contains(c) {
            run += 1;
            if run >= 32 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// A short, terminal-safe excerpt of a line that is not secret, for an error message: at
/// most 24 characters (cut on a character boundary), control characters escaped.
fn excerpt(s: &str) -> String {
    let cut: String = s.chars().take(24).collect();
    let more = if s.chars().count() > 24 { "..." } else { "" };
    format!("\"{}{more}\"", crate::ground::escape::escape(&cut))
}

/// Parse one recipient string: `age1... [LABEL]` or `ssh-ed25519 KEY [COMMENT]` (`input`
/// names where it came from, for messages). A line that looks like a secret key is refused
/// without being quoted.
pub fn parse_recipient(input: &str, s: &str) -> Result<Custodian> {
    let s = s.trim();
    if looks_secret_key(s) {
        return Err(Error::input(
            input,
            "this is a secret key, not a public key (not quoted here): give the custodian's \
             recipient (`age-keygen -y KEYFILE`, or the SSH .pub file) and keep the secret key \
             with its custodian",
        ));
    }
    if s.starts_with("age1") {
        let mut parts = s.split_whitespace();
        let key = parts.next().unwrap_or("");
        let comment: Vec<&str> = parts.collect();
        let r: age::x25519::Recipient = key.parse().map_err(|e| {
            Error::input(
                input,
                format!("invalid age recipient {} ({e})", excerpt(key)),
            )
        })?;
        let canonical = r.to_string();
        let comment = (!comment.is_empty()).then(|| comment.join(" "));
        let label = match &comment {
            Some(c) => safe_label(c),
            None => String::new(),
        };
        let label = if label.is_empty() {
            safe_label(&canonical.chars().take(12).collect::<String>())
        } else {
            label
        };
        return Ok(Custodian {
            recipient: Box::new(r),
            label,
            key: canonical,
            origin: input.to_string(),
            comment,
        });
    }
    if s.starts_with("ssh-") {
        let r: age::ssh::Recipient = s
            .parse()
            .map_err(|e| Error::input(input, format!("invalid SSH recipient ({e:?})")))?;
        let mut parts = s.split_whitespace();
        let kind = parts.next().unwrap_or("ssh");
        let key = parts.next().unwrap_or("");
        let comment: Vec<&str> = parts.collect();
        let comment = (!comment.is_empty()).then(|| comment.join(" "));
        let label = match &comment {
            Some(c) => c.replace(' ', "_"),
            None => {
                let tail: String = {
                    let n = key.chars().count();
                    key.chars().skip(n.saturating_sub(8)).collect()
                };
                format!("{kind}-{tail}")
            }
        };
        return Ok(Custodian {
            recipient: Box::new(r),
            label: safe_label(&label),
            key: format!("{kind} {key}"),
            origin: input.to_string(),
            comment,
        });
    }
    let shown = if looks_secret(s) {
        "(not quoted: it looks like key material)".to_string()
    } else {
        excerpt(s)
    };
    Err(Error::input(
        input,
        format!("not an age (age1...) or SSH (ssh-ed25519 ...) public key: {shown}"),
    ))
}

/// Whether a recipient line is a secret key outright (an age identity or a private key).
fn looks_secret_key(s: &str) -> bool {
    let up = s.to_ascii_uppercase();
    up.contains("AGE-SECRET-KEY-") || up.contains("PRIVATE KEY") || up.contains("AGE-PLUGIN-")
}

/// Recipients from text: one per line, `#` comments and blank lines ignored; `name`
/// names the source in messages (`NAME line N`, counting every line).
pub fn parse_recipients(name: &str, text: &str) -> Result<Vec<Custodian>> {
    let mut out = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let l = l.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        out.push(parse_recipient(&format!("{name} line {}", i + 1), l)?);
    }
    if out.is_empty() {
        return Err(Error::input(name, "contains no recipient"));
    }
    Ok(out)
}

/// Recipients from a file (see [`parse_recipients`]).
pub fn read_recipients_file(path: &Path) -> Result<Vec<Custodian>> {
    let text = crate::pki::fsio::read_text(path)?;
    parse_recipients(&path.display().to_string(), &text)
}

/// Check a set of custodians before anything is split: the same public key twice (one
/// person would hold two shares, and alone reach a lower threshold than intended) is
/// refused, naming both places; the same label (SSH comment) on two different keys is
/// returned as a warning (perhaps one person with two keys).
pub fn check_custodians(cs: &[Custodian]) -> Result<Vec<String>> {
    let mut warnings = Vec::new();
    for (j, b) in cs.iter().enumerate() {
        for a in &cs[..j] {
            if a.key == b.key {
                return Err(Error::input(
                    format!("{} and {}", a.origin, b.origin),
                    "the same custodian public key twice: one person would hold two shares; \
                     give one distinct recipient per share",
                ));
            }
        }
        if let Some(c) = &b.comment {
            if let Some(a) = cs[..j].iter().find(|a| a.comment.as_ref() == Some(c)) {
                warnings.push(format!(
                    "warning: {} and {} carry the same comment \"{}\" on different keys: \
                     make sure they are two different custodians",
                    a.origin,
                    b.origin,
                    crate::ground::escape::escape(c)
                ));
            }
        }
    }
    Ok(warnings)
}

/// age-encrypt `plain` to one recipient, ASCII-armored.
pub fn encrypt_to(c: &Custodian, plain: &[u8]) -> Result<Vec<u8>> {
    let enc =
        age::Encryptor::with_recipients(std::iter::once(&*c.recipient as &dyn age::Recipient))
            .map_err(Error::internal)?;
    let mut out = Vec::new();
    let armor = age::armor::ArmoredWriter::wrap_output(&mut out, age::armor::Format::AsciiArmor)
        .map_err(Error::internal)?;
    let mut w = enc.wrap_output(armor).map_err(Error::internal)?;
    w.write_all(plain).map_err(Error::internal)?;
    w.finish()
        .and_then(|a| a.finish())
        .map_err(Error::internal)?;
    Ok(out)
}

/// Identities loaded from files.
pub type Identities = Vec<Box<dyn age::Identity + Send + Sync>>;

/// Asks for the passphrase of an encrypted identity file (a terminal prompt in the CLI).
pub type AskPassphrase<'a> = &'a dyn Fn(&Path) -> Result<age::secrecy::SecretString>;

/// Load an identity file: an age key file (`AGE-SECRET-KEY-1...` lines), an OpenSSH private
/// key, or either of them encrypted with a passphrase (an age identity file made with
/// `age -p`, an OpenSSH key with a passphrase), whose passphrase `ask` supplies, as
/// `age -d -i` accepts them.
pub fn load_identity(path: &Path, ask: AskPassphrase<'_>) -> Result<Identities> {
    let data = Zeroizing::new(crate::pki::fsio::read_bytes(path)?);
    if data.is_empty() {
        return Err(Error::path(path, "empty identity file"));
    }
    if is_age(&data) {
        let dec = age::Decryptor::new(age::armor::ArmoredReader::new(&data[..]))
            .map_err(|e| Error::path(path, format!("not a readable age file ({e})")))?;
        if !dec.is_scrypt() {
            return Err(Error::path(
                path,
                "an age file encrypted to a key, not an identity file (or a passphrase-encrypted one)",
            ));
        }
        let mut id = age::scrypt::Identity::new(ask(path)?);
        // age's default bound derives from this machine's speed at the moment (a busy host
        // refuses files made on an idle one); allow up to N = 2^20 (1 GiB, a few seconds),
        // which covers what `age -p` makes.
        id.set_max_work_factor(20);
        let mut r = dec
            .decrypt(std::iter::once(&id as &dyn age::Identity))
            .map_err(|e| match e {
                age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
                    Error::path(path, "wrong passphrase for the encrypted identity")
                }
                e => Error::path(path, format!("cannot decrypt the identity ({e})")),
            })?;
        let mut plain = Zeroizing::new(Vec::new());
        r.read_to_end(&mut plain)
            .map_err(|e| Error::path(path, format!("corrupted encrypted identity ({e})")))?;
        return plain_identity(path, &plain, ask);
    }
    plain_identity(path, &data, ask)
}

fn plain_identity(path: &Path, data: &[u8], ask: AskPassphrase<'_>) -> Result<Identities> {
    if let Ok(f) = age::IdentityFile::from_buffer(data) {
        if let Ok(ids) = f.into_identities() {
            if !ids.is_empty() {
                return Ok(ids);
            }
        }
    }
    match age::ssh::Identity::from_buffer(data, Some(path.display().to_string())) {
        Ok(age::ssh::Identity::Unencrypted(k)) => {
            Ok(vec![Box::new(age::ssh::Identity::Unencrypted(k))])
        }
        Ok(age::ssh::Identity::Encrypted(k)) => {
            let key = k
                .decrypt(ask(path)?)
                .map_err(|_| Error::path(path, "wrong passphrase for the SSH key"))?;
            Ok(vec![Box::new(age::ssh::Identity::Unencrypted(key))])
        }
        Ok(age::ssh::Identity::Unsupported(_)) => {
            Err(Error::path(path, "unsupported SSH key type"))
        }
        Err(_) => Err(Error::path(
            path,
            "not an age identity file or an OpenSSH private key",
        )),
    }
}

/// Whether bytes are an age file.
pub fn is_age(data: &[u8]) -> bool {
    crate::pki::keys::is_age(data)
}

/// Decrypt an age file with any of the identities; `Ok(None)` when none opens it.
pub fn decrypt_with(
    input: &str,
    data: &[u8],
    ids: &Identities,
) -> Result<Option<Zeroizing<Vec<u8>>>> {
    let dec = age::Decryptor::new(age::armor::ArmoredReader::new(data))
        .map_err(|e| Error::input(input, format!("not a readable age file ({e})")))?;
    if dec.is_scrypt() {
        return Err(Error::input(
            input,
            "passphrase-encrypted age file: not a share or backup",
        ));
    }
    let r = dec.decrypt(ids.iter().map(|i| &**i as &dyn age::Identity));
    match r {
        Ok(mut reader) => {
            let mut out = Zeroizing::new(Vec::new());
            reader
                .read_to_end(&mut out)
                .map_err(|e| Error::input(input, format!("corrupted age file ({e})")))?;
            Ok(Some(out))
        }
        Err(age::DecryptError::NoMatchingKeys) => Ok(None),
        Err(e) => Err(Error::input(input, format!("cannot decrypt ({e})"))),
    }
}
