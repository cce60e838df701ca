//! NATS: the server speaks first, `INFO {json}\r\n` on every connection; `tls_required`
//! in it starts TLS on the same connection (the client's handshake right after the INFO),
//! `tls_verify` and `auth_required` are shown, never judged (the identities' handshakes and
//! answers show what the server does). Then `CONNECT {...}\r\nPING\r\n`, answered `PONG`
//! (served) or `-ERR` (a refusal, read from the protocol's frame, never from its text).

use super::observation::{Denial, Fate};
use super::protocol::{answer, Greeting, GreetingTls, Parsed, ServiceProtocol};
use super::transport::printable;

/// The protocol.
pub struct Nats;

impl ServiceProtocol for Nats {
    fn title(&self) -> &'static str {
        "NATS"
    }
    fn request(&self) -> Vec<u8> {
        NATS_CONNECT.to_vec()
    }
    fn parse(&self, buf: &[u8], tls: bool) -> Parsed {
        parse_nats(buf, tls)
    }
    fn greets(&self) -> bool {
        true
    }
    fn greeting(&self, buf: &[u8]) -> Option<Greeting> {
        parse_nats_info(buf)
    }
}

/// The client's CONNECT (no echo of `+OK`, no pedantic checks), then a PING whose PONG
/// shows the server took it.
pub const NATS_CONNECT: &[u8] = b"CONNECT {\"verbose\":false,\"pedantic\":false}\r\nPING\r\n";

/// The first line of `buf` (without its line end), when complete.
fn line(buf: &[u8]) -> Option<&[u8]> {
    let end = buf.iter().position(|&b| b == b'\n')?;
    let l = &buf[..end];
    Some(l.strip_suffix(b"\r").unwrap_or(l))
}

/// Whether `buf` starts with `op` (NATS operations are case-insensitive), or could still.
fn starts(buf: &[u8], op: &[u8]) -> (bool, bool) {
    let n = buf.len().min(op.len());
    let prefix = buf[..n].eq_ignore_ascii_case(&op[..n]);
    (
        prefix && buf.len() >= op.len(),
        prefix && buf.len() < op.len(),
    )
}

/// Read the server's `INFO {json}` greeting: what it says of TLS, and how it reads.
pub fn parse_nats_info(buf: &[u8]) -> Option<Greeting> {
    let not = || {
        Some(Greeting::Not(Fate::Other(format!(
            "not NATS (first bytes \"{}\")",
            printable(buf)
        ))))
    };
    match starts(buf, b"INFO ") {
        (true, _) => {}
        (false, true) => return None,
        (false, false) => return not(),
    }
    let l = line(buf)?;
    let info: serde_json::Value = match serde_json::from_slice(l[5..].trim_ascii()) {
        Ok(v @ serde_json::Value::Object(_)) => v,
        _ => {
            return Some(Greeting::Not(Fate::Other(
                "not NATS (INFO without a JSON object)".into(),
            )))
        }
    };
    let flag = |k: &str| info.get(k).and_then(|v| v.as_bool()) == Some(true);
    let version: String = info
        .get("version")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || ".-+_".contains(*c))
        .take(32)
        .collect();
    let tls = if flag("tls_required") {
        GreetingTls::Required
    } else if flag("tls_available") {
        GreetingTls::Offered
    } else {
        GreetingTls::None
    };
    let flags: Vec<&str> = [
        "tls_required",
        "tls_available",
        "tls_verify",
        "auth_required",
    ]
    .into_iter()
    .filter(|k| flag(k))
    .collect();
    let mut text = if version.is_empty() {
        "NATS".to_string()
    } else {
        format!("NATS {version}")
    };
    if !flags.is_empty() {
        text.push_str(&format!(", INFO {}", flags.join(" ")));
    }
    Some(Greeting::Said { tls, text })
}

/// Read the answer to CONNECT + PING: `PONG` is served; `-ERR` refuses (over TLS, this
/// client: the identities differ only by their certificate; in plaintext a refusal that
/// claims no reason). `+OK`, `PING` and a later `INFO` are skipped.
pub fn parse_nats(buf: &[u8], tls: bool) -> Parsed {
    let mut rest = buf;
    loop {
        let Some(l) = line(rest) else {
            // An incomplete line that cannot become a NATS operation is not NATS.
            let could = [&b"PONG"[..], b"-ERR", b"+OK", b"PING", b"INFO"]
                .iter()
                .any(|op| matches!(starts(rest, op), (true, _) | (_, true)));
            return if could || rest.is_empty() {
                None
            } else {
                Some(Fate::Other(format!(
                    "not NATS (answered \"{}\")",
                    printable(rest)
                )))
            };
        };
        let next = &rest[rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |e| e + 1)..];
        if starts(l, b"PONG").0 && l.len() == 4 {
            return Some(answer(0, Denial::None, "PONG".into()));
        }
        if starts(l, b"-ERR").0 {
            // Shown, never judged.
            let text: String = String::from_utf8_lossy(l).chars().take(120).collect();
            let denial = if tls {
                Denial::Identity
            } else {
                Denial::Refused
            };
            return Some(answer(0, denial, text));
        }
        let skip = starts(l, b"+OK").0 || starts(l, b"PING").0 || starts(l, b"INFO ").0;
        if !skip {
            return Some(Fate::Other(format!(
                "not NATS (answered \"{}\")",
                printable(l)
            )));
        }
        rest = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_says_tls() {
        let g = parse_nats_info(
            b"INFO {\"server_id\":\"X\",\"version\":\"2.9.10\",\"tls_required\":true,\"tls_verify\":true}\r\n",
        );
        assert_eq!(
            g,
            Some(Greeting::Said {
                tls: GreetingTls::Required,
                text: "NATS 2.9.10, INFO tls_required tls_verify".into()
            })
        );
        let g = parse_nats_info(b"INFO {\"version\":\"2.9.10\"}\r\n");
        assert!(
            matches!(g, Some(Greeting::Said { tls: GreetingTls::None, ref text }) if text == "NATS 2.9.10")
        );
        assert_eq!(parse_nats_info(b"IN"), None);
        assert_eq!(parse_nats_info(b"INFO {\"a\":"), None);
        assert!(matches!(
            parse_nats_info(b"220 mail.example ESMTP\r\n"),
            Some(Greeting::Not(Fate::Other(_)))
        ));
        assert!(matches!(
            parse_nats_info(b"INFO [1]\r\n"),
            Some(Greeting::Not(Fate::Other(_)))
        ));
    }

    #[test]
    fn answers() {
        assert!(
            matches!(parse_nats(b"PONG\r\n", false), Some(Fate::Answer(a)) if a.denial == Denial::None)
        );
        assert!(
            matches!(parse_nats(b"+OK\r\nINFO {}\r\nPONG\r\n", true), Some(Fate::Answer(a)) if a.denial == Denial::None)
        );
        assert!(
            matches!(parse_nats(b"-ERR 'Authorization Violation'\r\n", true), Some(Fate::Answer(a)) if a.denial == Denial::Identity)
        );
        assert!(
            matches!(parse_nats(b"-ERR 'x'\r\n", false), Some(Fate::Answer(a)) if a.denial == Denial::Refused)
        );
        assert_eq!(parse_nats(b"PO", false), None);
        assert!(matches!(
            parse_nats(b"HTTP/1.1 400", false),
            Some(Fate::Other(_))
        ));
        assert!(matches!(
            parse_nats(b"PONGX\r\n", false),
            Some(Fate::Other(_))
        ));
    }
}
