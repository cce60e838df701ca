//! The cluster services' own protocols, for the probe: a PostgreSQL startup (after an
//! SSLRequest for TLS), a Redis PING and an MQTT 3.1.1 CONNECT. Each exchange is bounded in
//! time and size and reads the answer into a [`Fate`]; the parsers are pure functions.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::exchange::{printable, secs, MaybeTls};
pub use super::observation::Service;
use super::observation::{Answer, Denial, Fate};

/// Largest answer read.
const MAX_ANSWER: usize = 16 * 1024;

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

/// RESP `PING`.
pub const REDIS_PING: &[u8] = b"*1\r\n$4\r\nPING\r\n";

/// An MQTT 3.1.1 CONNECT: clean session, client id `secctl-probe`, keep-alive 10 s.
pub fn mqtt_connect() -> Vec<u8> {
    let id = b"secctl-probe";
    let mut var = vec![0, 4, b'M', b'Q', b'T', b'T', 4, 0x02, 0, 10];
    var.extend_from_slice(&(id.len() as u16).to_be_bytes());
    var.extend_from_slice(id);
    let mut m = vec![0x10, var.len() as u8];
    m.extend_from_slice(&var);
    m
}

/// MQTT DISCONNECT.
pub const MQTT_DISCONNECT: [u8; 2] = [0xe0, 0];

/// What a complete-enough answer says, or `None` when more bytes are needed.
pub type Parsed = Option<Fate>;

fn answer(code: u16, denial: Denial, text: String) -> Fate {
    Fate::Answer(Answer {
        code,
        grpc: false,
        location: None,
        denial,
        text,
    })
}

/// Read PostgreSQL's first answer to a StartupMessage. `tls`: over TLS (a certificate
/// refusal is then about the client's identity).
pub fn parse_pg(buf: &[u8], tls: bool) -> Parsed {
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
    Some(match kind {
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
        b'E' | b'N' => {
            let mut msg = String::new();
            let mut code = String::new();
            for field in body.split(|&b| b == 0) {
                match field.split_first() {
                    Some((b'M', m)) => msg = String::from_utf8_lossy(m).into_owned(),
                    Some((b'C', c)) => code = String::from_utf8_lossy(c).chars().take(8).collect(),
                    _ => {}
                }
            }
            let low = msg.to_ascii_lowercase();
            // "no pg_hba.conf entry for host ..., no encryption" or "pg_hba.conf rejects
            // connection for host ..., no encryption": only TLS would be let in.
            let denial = if !tls && low.contains("pg_hba.conf") && low.contains("no encryption") {
                Denial::TlsRequired
            } else if tls && low.contains("certificate") {
                Denial::Identity
            } else {
                Denial::None
            };
            let msg: String = msg.chars().take(200).collect();
            answer(0, denial, format!("PostgreSQL error {code}: {msg}"))
        }
        _ => answer(0, Denial::None, "PostgreSQL answered".into()),
    })
}

/// Read Redis's answer to PING.
pub fn parse_redis(buf: &[u8]) -> Parsed {
    let end = buf.windows(2).position(|w| w == b"\r\n");
    let Some(end) = end else {
        if buf.len() > 512 || buf.first().is_some_and(|c| !b"+-$*:_".contains(c)) {
            return Some(Fate::Other(format!(
                "not Redis (first bytes \"{}\")",
                printable(buf)
            )));
        }
        return None;
    };
    let line = String::from_utf8_lossy(&buf[..end]);
    let line: String = line.chars().take(120).collect();
    Some(match buf[0] {
        b'+' | b'$' | b'*' | b':' => answer(0, Denial::None, format!("Redis: {line}")),
        // NOAUTH and other errors still speak RESP: the port is Redis.
        b'-' => answer(0, Denial::None, format!("Redis: {line}")),
        _ => Fate::Other(format!("not Redis (first bytes \"{}\")", printable(buf))),
    })
}

/// Read an MQTT CONNACK.
pub fn parse_mqtt(buf: &[u8]) -> Parsed {
    let first = *buf.first()?;
    if first != 0x20 {
        return Some(Fate::Other(format!(
            "not MQTT (first bytes \"{}\")",
            printable(buf)
        )));
    }
    if buf.len() < 4 {
        return None;
    }
    if buf[1] != 2 {
        return Some(Fate::Other("not MQTT (malformed CONNACK)".into()));
    }
    let rc = buf[3];
    let (denial, what) = match rc {
        0 => (Denial::None, "connection accepted"),
        1 => (Denial::None, "unacceptable protocol version"),
        2 => (Denial::None, "identifier rejected"),
        3 => (Denial::None, "server unavailable"),
        4 => (Denial::Identity, "bad user name or password"),
        5 => (Denial::Identity, "not authorized"),
        _ => (Denial::None, "unknown return code"),
    };
    Some(answer(
        u16::from(rc),
        denial,
        format!("MQTT CONNACK {rc} ({what})"),
    ))
}

/// Send `request`, read until `parse` decides (bounded by `timeout` and 16 KiB).
pub async fn exchange<S>(
    s: &mut S,
    request: &[u8],
    parse: impl Fn(&[u8]) -> Parsed,
    timeout: Duration,
) -> Fate
where
    S: AsyncRead + AsyncWrite + Unpin + MaybeTls,
{
    let tls = s.is_tls();
    let work = async {
        if let Err(e) = s.write_all(request).await {
            return super::exchange::alert_after_write_error(s, &e, tls).await;
        }
        let _ = s.flush().await;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(f) = parse(&buf) {
                return f;
            }
            s.quickack();
            if buf.len() > MAX_ANSWER {
                return Fate::Other("answer larger than 16 KiB".into());
            }
            match s.read(&mut chunk).await {
                Ok(0) if buf.is_empty() => return Fate::Closed,
                Ok(0) => {
                    return Fate::Other(format!(
                        "closed in the middle of an answer (\"{}\")",
                        printable(&buf)
                    ))
                }
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                Err(e) => return super::exchange::io_fate(&e, tls),
            }
        }
    };
    match tokio::time::timeout(timeout, work).await {
        Ok(f) => f,
        Err(_) => Fate::Silent(format!("no answer within {}", secs(timeout))),
    }
}

/// The request and parser of a service (for `tls`: over TLS).
pub fn request_of(svc: Service) -> Vec<u8> {
    match svc {
        Service::Postgres => pg_startup(),
        Service::Redis => REDIS_PING.to_vec(),
        Service::Mqtt => mqtt_connect(),
    }
}

/// Parse a service's answer.
pub fn parse_of(svc: Service, buf: &[u8], tls: bool) -> Parsed {
    match svc {
        Service::Postgres => parse_pg(buf, tls),
        Service::Redis => parse_redis(buf),
        Service::Mqtt => parse_mqtt(buf),
    }
}
