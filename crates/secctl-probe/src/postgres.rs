//! PostgreSQL (frontend/backend protocol 3.0): a StartupMessage, TLS after an SSLRequest
//! or from the first byte (PostgreSQL 17, ALPN `postgresql`), and the reading of the first
//! answer (an authentication request is served; an ErrorResponse first is a refusal).

use super::observation::{Denial, Fate};
use super::protocol::{answer, Parsed, ServiceProtocol, MAX_ANSWER};
use super::transport::printable;

/// The protocol.
pub struct Postgres;

impl ServiceProtocol for Postgres {
    fn title(&self) -> &'static str {
        "PostgreSQL"
    }
    fn request(&self) -> Vec<u8> {
        pg_startup()
    }
    fn parse(&self, buf: &[u8], tls: bool) -> Parsed {
        parse_pg(buf, tls)
    }
    fn tls_request(&self) -> Option<&'static [u8]> {
        Some(&PG_SSL_REQUEST)
    }
    fn tls_request_name(&self) -> &'static str {
        "the SSLRequest"
    }
    fn tls_reply(&self, byte: u8) -> Result<(), Fate> {
        match byte {
            b'S' => Ok(()),
            b'N' => Err(Fate::NoTls(
                "the server declines TLS (SSLRequest answered N)".into(),
            )),
            b => Err(Fate::Other(format!(
                "not PostgreSQL (SSLRequest answered 0x{b:02x})"
            ))),
        }
    }
    fn alpn(&self) -> &'static [&'static [u8]] {
        &[b"postgresql"]
    }
}

/// PostgreSQL's SSLRequest: length 8, code 80877103.
pub const PG_SSL_REQUEST: [u8; 8] = [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];

/// A PostgreSQL StartupMessage (protocol 3.0) for user and database `secctl_probe`.
pub fn pg_startup() -> Vec<u8> {
    let mut body = vec![0, 3, 0, 0];
    for (k, v) in [
        ("user", "secctl_probe"),
        ("database", "secctl_probe"),
        ("application_name", "secctl-probe"),
    ] {
        body.extend_from_slice(k.as_bytes());
        body.push(0);
        body.extend_from_slice(v.as_bytes());
        body.push(0);
    }
    body.push(0);
    let mut m = ((body.len() + 4) as u32).to_be_bytes().to_vec();
    m.extend_from_slice(&body);
    m
}

/// Read PostgreSQL's first answer to a StartupMessage. `tls`: over TLS (a certificate
/// refusal is then about the client's identity). PostgreSQL is served only when the
/// startup is answered by an authentication request (`R`) or a ParameterStatus (`S`); an
/// ErrorResponse (`E`) first is a refusal, whatever its SQLSTATE or text; a NoticeResponse
/// (`N`) is skipped (it says nothing of the startup); any other message first
/// (BackendKeyData, NegotiateProtocolVersion) is PostgreSQL that answered neither way:
/// not served, and no refusal claimed.
pub fn parse_pg(buf: &[u8], tls: bool) -> Parsed {
    let mut buf = buf;
    loop {
        let kind = *buf.first()?;
        if !matches!(kind, b'R' | b'E' | b'N' | b'S' | b'K' | b'v') {
            return Some(Fate::Other(format!(
                "not PostgreSQL (first bytes \"{}\")",
                printable(buf)
            )));
        }
        if buf.len() < 5 {
            return None;
        }
        let len = u32::from_be_bytes([buf[1], buf[2], buf[3], buf[4]]) as usize;
        if !(4..=MAX_ANSWER).contains(&len) {
            return Some(Fate::Other(format!(
                "not PostgreSQL (message length {len})"
            )));
        }
        if buf.len() < 1 + len {
            return None;
        }
        let body = &buf[5..1 + len];
        return Some(match kind {
            b'R' => {
                let code = body
                    .get(..4)
                    .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                    .unwrap_or(u32::MAX);
                let what = match code {
                    0 => "authentication ok",
                    3 => "password requested",
                    5 => "MD5 password requested",
                    10 => "SASL (SCRAM) requested",
                    _ => "authentication requested",
                };
                answer(0, Denial::None, format!("PostgreSQL: {what}"))
            }
            // A notice before the answer: read on.
            b'N' => {
                buf = &buf[1 + len..];
                continue;
            }
            b'E' => {
                let mut msg = String::new();
                let mut code = String::new();
                for field in body.split(|&b| b == 0) {
                    match field.split_first() {
                        Some((b'M', m)) => msg = String::from_utf8_lossy(m).into_owned(),
                        Some((b'C', c)) => {
                            code = String::from_utf8_lossy(c).chars().take(8).collect()
                        }
                        _ => {}
                    }
                }
                // An ErrorResponse before any authentication request is a refusal: of this
                // client over TLS (the identities differ only by their certificate), of
                // plaintext otherwise. Its SQLSTATE and text are shown, never judged.
                let denial = if tls {
                    Denial::Identity
                } else {
                    Denial::Refused
                };
                let msg: String = msg.chars().take(200).collect();
                answer(0, denial, format!("PostgreSQL error {code}: {msg}"))
            }
            b'S' => answer(0, Denial::None, "PostgreSQL: parameter status".into()),
            other => Fate::Other(format!(
                "PostgreSQL answered '{}' first: neither an authentication request nor a \
                 ParameterStatus",
                other as char
            )),
        });
    }
}
