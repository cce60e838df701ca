//! Custodians: age recipients (X25519 `age1...` or `ssh-ed25519`/`ssh-rsa` public keys) to
//! encrypt shares to, and identities (age key files, unencrypted SSH private keys) to
//! decrypt them with.

use std::io::{Read, Write};
use std::path::Path;

use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// A custodian's public key and the name shown in file names.
pub struct Custodian {
    /// The recipient.
    pub recipient: Box<dyn age::Recipient + Send>,
    /// A short, path-safe label (SSH comment, or the start of the key).
    pub label: String,
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

/// Parse one recipient string (`input` names where it came from, for messages).
pub fn parse_recipient(input: &str, s: &str) -> Result<Custodian> {
    let s = s.trim();
    if s.starts_with("age1") {
        let r: age::x25519::Recipient = s
            .parse()
            .map_err(|e| Error::input(input, format!("invalid age recipient {s:?} ({e})")))?;
        return Ok(Custodian {
            recipient: Box::new(r),
            label: safe_label(&s[..s.len().min(12)]),
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
        let label = if comment.is_empty() {
            format!("{kind}-{}", &key[key.len().saturating_sub(8)..])
        } else {
            comment.join("_")
        };
        return Ok(Custodian {
            recipient: Box::new(r),
            label: safe_label(&label),
        });
    }
    Err(Error::input(
        input,
        format!(
            "not an age (age1...) or SSH (ssh-ed25519 ...) public key: {:?}",
            &s[..s.len().min(24)]
        ),
    ))
}

/// Recipients from a file: one per line, `#` comments and blank lines ignored.
pub fn read_recipients_file(path: &Path) -> Result<Vec<Custodian>> {
    let text = crate::pki::fsio::read_text(path)?;
    let name = path.display().to_string();
    let out: Vec<Custodian> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .enumerate()
        .map(|(i, l)| parse_recipient(&format!("{name} line {}", i + 1), l))
        .collect::<Result<_>>()?;
    if out.is_empty() {
        return Err(Error::path(path, "contains no recipient"));
    }
    Ok(out)
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

/// Load an identity file: an age key file (`AGE-SECRET-KEY-1...` lines) or an unencrypted
/// OpenSSH private key.
pub fn load_identity(path: &Path) -> Result<Identities> {
    let data = Zeroizing::new(crate::pki::fsio::read_bytes(path)?);
    if data.is_empty() {
        return Err(Error::path(path, "empty identity file"));
    }
    if let Ok(f) = age::IdentityFile::from_buffer(&data[..]) {
        if let Ok(ids) = f.into_identities() {
            if !ids.is_empty() {
                return Ok(ids);
            }
        }
    }
    match age::ssh::Identity::from_buffer(&data[..], Some(path.display().to_string())) {
        Ok(age::ssh::Identity::Unencrypted(k)) => Ok(vec![Box::new(age::ssh::Identity::Unencrypted(k))]),
        Ok(age::ssh::Identity::Encrypted(_)) => Err(Error::path(
            path,
            "passphrase-protected SSH keys are not supported: use a copy without passphrase (ssh-keygen -p) or an age key",
        )),
        Ok(age::ssh::Identity::Unsupported(_)) => Err(Error::path(path, "unsupported SSH key type")),
        Err(_) => Err(Error::path(path, "not an age identity file or an OpenSSH private key")),
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
