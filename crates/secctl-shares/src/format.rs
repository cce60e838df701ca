//! The share file: a self-describing ASCII-armored text that can be printed on paper.
//!
//! ```text
//! -----BEGIN SECCTL SHARE-----
//! Version: 1
//! Split: 3f2a91c0e4b7d215
//! Threshold: 3
//! Shares: 5
//! Index: 2
//! Commitment: 5be0...(SHA-256, 64 hex digits)
//! Checksum: 1a2b3c4d
//!
//! AqFz...(base64 of the share, 64 columns)
//! -----END SECCTL SHARE-----
//! ```
//!
//! `Checksum` (the first 4 bytes of SHA-256 over every field and the share) catches a typo in
//! that share alone. `Commitment` is SHA-256 over the split id and the salted secret, so
//! `combine` can tell a right reconstruction from a wrong one; the secret is split with 16
//! random bytes in front of it, so the commitment cannot be brute-forced from one share even
//! when the secret itself has little entropy.

use base64::Engine;
use zeroize::Zeroizing;

/// Armor lines.
pub const BEGIN: &str = "-----BEGIN SECCTL SHARE-----";
/// Armor lines.
pub const END: &str = "-----END SECCTL SHARE-----";

/// One parsed share.
#[derive(Clone)]
pub struct Share {
    /// Split identifier (8 bytes, hex).
    pub split: String,
    /// K.
    pub threshold: u8,
    /// N.
    pub shares: u8,
    /// This share's index (1..=N).
    pub index: u8,
    /// SHA-256 commitment to the salted secret.
    pub commitment: [u8; 32],
    /// The vsss share bytes: identifier, then one byte per secret byte.
    pub data: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Share")
            .field("split", &self.split)
            .field("threshold", &self.threshold)
            .field("shares", &self.shares)
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

fn checksum(s: &Share) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(format!("v1|{}|{}|{}|{}|", s.split, s.threshold, s.shares, s.index).as_bytes());
    ctx.update(&s.commitment);
    ctx.update(&s.data);
    hex::encode(&ctx.finish().as_ref()[..4])
}

/// The armored text of a share.
pub fn encode(s: &Share) -> Zeroizing<String> {
    let b64 = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(&*s.data));
    let mut out = Zeroizing::new(String::new());
    out.push_str(BEGIN);
    out.push('\n');
    out.push_str(&format!(
        "Version: 1\nSplit: {}\nThreshold: {}\nShares: {}\nIndex: {}\nCommitment: {}\nChecksum: {}\n\n",
        s.split,
        s.threshold,
        s.shares,
        s.index,
        hex::encode(s.commitment),
        checksum(s)
    ));
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(END);
    out.push('\n');
    out
}

/// Parse an armored share; errors are one line without the input's name.
pub fn decode(text: &str) -> Result<Share, String> {
    let start = text
        .find(BEGIN)
        .ok_or("not a secctl share (no BEGIN SECCTL SHARE line)")?;
    let rest = &text[start + BEGIN.len()..];
    let end = rest
        .find(END)
        .ok_or("truncated share (no END SECCTL SHARE line)")?;
    let body = &rest[..end];
    let mut fields = std::collections::HashMap::new();
    let mut b64 = Zeroizing::new(String::new());
    let mut in_payload = false;
    for line in body.lines().map(str::trim) {
        if line.is_empty() {
            if !fields.is_empty() {
                in_payload = true;
            }
            continue;
        }
        if !in_payload {
            let (k, v) = line
                .split_once(':')
                .ok_or(format!("malformed header line {line:?}"))?;
            if fields
                .insert(k.trim().to_string(), v.trim().to_string())
                .is_some()
            {
                return Err(format!("duplicate header {k:?}"));
            }
        } else {
            b64.push_str(line);
        }
    }
    let get = |k: &str| {
        fields
            .get(k)
            .cloned()
            .ok_or(format!("missing header {k:?}"))
    };
    if get("Version")? != "1" {
        return Err(format!(
            "unsupported share format version {}",
            get("Version")?
        ));
    }
    let num = |k: &str| -> Result<u8, String> {
        get(k)?
            .parse::<u8>()
            .map_err(|_| format!("header {k} is not a number from 1 to 255"))
    };
    let split = get("Split")?;
    if split.len() != 16 || !split.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err("header Split is not 16 hex digits".into());
    }
    let commitment: [u8; 32] = hex::decode(get("Commitment")?)
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or("header Commitment is not 64 hex digits")?;
    let data = Zeroizing::new(
        base64::engine::general_purpose::STANDARD
            .decode(b64.as_bytes())
            .map_err(|_| "the share's base64 lines are damaged (checksum cannot match)")?,
    );
    let share = Share {
        split: split.to_ascii_lowercase(),
        threshold: num("Threshold")?,
        shares: num("Shares")?,
        index: num("Index")?,
        commitment,
        data,
    };
    if checksum(&share) != get("Checksum")?.to_ascii_lowercase() {
        return Err("checksum mismatch: this share was mistyped or damaged".into());
    }
    if share.threshold < 2
        || share.threshold > share.shares
        || share.index == 0
        || share.index > share.shares
    {
        return Err(format!(
            "inconsistent header (threshold {}, shares {}, index {})",
            share.threshold, share.shares, share.index
        ));
    }
    if share.data.len() < 2 || share.data[0] != share.index {
        return Err("share data does not match its index".into());
    }
    Ok(share)
}
