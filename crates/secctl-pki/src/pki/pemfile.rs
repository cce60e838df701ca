//! Reading PEM blocks quickly: a CRL with 100,000 entries is 6.6 MB of base64, and a
//! line-by-line splitter with the `base64` crate's decoder is several times faster than
//! the generic `pem` parser. Truncated and garbled blocks are refused.

use base64::Engine;

/// One PEM block (certificates and CRLs only: key files are read by rcgen).
#[derive(Debug)]
pub struct Block {
    /// The label after `BEGIN `.
    pub tag: String,
    /// The decoded contents.
    pub der: Vec<u8>,
}

/// Every PEM block in `text` (text outside blocks is ignored, like OpenSSL does).
/// Errors are one-line descriptions without the input's name.
pub fn parse(text: &str) -> Result<Vec<Block>, String> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let line = line.trim_end();
        let Some(tag) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|t| t.strip_suffix("-----"))
        else {
            continue;
        };
        let end = format!("-----END {tag}-----");
        let mut b64 = String::new();
        let mut closed = false;
        for (_, l) in lines.by_ref() {
            let l = l.trim();
            if l == end {
                closed = true;
                break;
            }
            if l.starts_with("-----") {
                return Err(format!(
                    "PEM block \"{tag}\" at line {} is not closed before {l}",
                    n + 1
                ));
            }
            if l.contains(':') {
                // RFC 1421 headers (encrypted legacy keys): not something we read.
                return Err(format!("PEM block \"{tag}\" at line {} has headers", n + 1));
            }
            b64.push_str(l);
        }
        if !closed {
            return Err(format!(
                "PEM block \"{tag}\" at line {} is truncated (no END line)",
                n + 1
            ));
        }
        let der = base64::engine::general_purpose::STANDARD
            .decode(b64.as_bytes())
            .map_err(|e| {
                format!(
                    "PEM block \"{tag}\" at line {} is not valid base64 ({e})",
                    n + 1
                )
            })?;
        if der.is_empty() {
            return Err(format!("PEM block \"{tag}\" at line {} is empty", n + 1));
        }
        out.push(Block {
            tag: tag.to_string(),
            der,
        });
    }
    Ok(out)
}

/// The contents of every `tag` block of `text`; `input` names the source in errors, and
/// `what` says what was expected ("certificate", "CRL").
pub fn blocks_of(
    input: &str,
    text: &str,
    tag: &str,
    what: &str,
) -> crate::error::Result<Vec<Vec<u8>>> {
    let blocks = parse(text).map_err(|e| crate::error::Error::input(input, e))?;
    let out: Vec<Vec<u8>> = blocks
        .into_iter()
        .filter(|b| b.tag == tag)
        .map(|b| b.der)
        .collect();
    if out.is_empty() {
        return Err(crate::error::Error::input(
            input,
            format!("contains no PEM {what} (no \"{tag}\" block)"),
        ));
    }
    Ok(out)
}

/// Read a file of PEM `tag` blocks, or one DER object; refuses empty and binary non-DER files.
pub fn read_file(
    path: &std::path::Path,
    tag: &str,
    what: &str,
) -> crate::error::Result<Vec<Vec<u8>>> {
    let bytes = crate::pki::fsio::read_bytes(path)?;
    parse_file(path, bytes, tag, what)
}

/// [`read_file`] of a file that may be below the state directory `files` (read without
/// following a symbolic link there).
pub fn read_in(
    files: &crate::pki::fsio::StateDir,
    path: &std::path::Path,
    tag: &str,
    what: &str,
) -> crate::error::Result<Vec<Vec<u8>>> {
    parse_file(path, files.read_bytes(path)?, tag, what)
}

/// [`read_file`] of the bytes already read from `path`.
pub fn parse_file(
    path: &std::path::Path,
    bytes: Vec<u8>,
    tag: &str,
    what: &str,
) -> crate::error::Result<Vec<Vec<u8>>> {
    use crate::error::Error;
    if bytes.is_empty() {
        return Err(Error::path(path, "empty file"));
    }
    if bytes[0] == 0x30 {
        return Ok(vec![bytes]);
    }
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Error::path(path, format!("not a PEM or DER {what}")))?;
    blocks_of(&path.display().to_string(), text, tag, what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_refusals() {
        let ok = "junk\n-----BEGIN X-----\nAQID\nBA==\n-----END X-----\n-----BEGIN Y-----\nBQ==\n-----END Y-----\n";
        let b = parse(ok).unwrap();
        assert_eq!(
            (b[0].tag.as_str(), b[0].der.as_slice()),
            ("X", &[1u8, 2, 3, 4][..])
        );
        assert_eq!(b[1].tag, "Y");
        assert!(parse("-----BEGIN X-----\nAQID\n")
            .unwrap_err()
            .contains("truncated"));
        assert!(parse("-----BEGIN X-----\n!!!!\n-----END X-----\n")
            .unwrap_err()
            .contains("base64"));
        assert!(parse("-----BEGIN X-----\n-----END X-----\n")
            .unwrap_err()
            .contains("empty"));
        assert!(parse("-----BEGIN X-----\nAQID\n-----BEGIN Y-----\n")
            .unwrap_err()
            .contains("not closed"));
        assert!(parse("no pem here").unwrap().is_empty());
    }
}
