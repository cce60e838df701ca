//! Redis (RESP): a PING, and the reading of its answer (any RESP reply, `-NOAUTH`
//! included, is Redis answering).

use super::observation::{Denial, Fate};
use super::protocol::{answer, Parsed, ServiceProtocol};
use super::transport::printable;

/// The protocol.
pub struct Redis;

impl ServiceProtocol for Redis {
    fn title(&self) -> &'static str {
        "Redis"
    }
    fn request(&self) -> Vec<u8> {
        REDIS_PING.to_vec()
    }
    fn parse(&self, buf: &[u8], _tls: bool) -> Parsed {
        parse_redis(buf)
    }
}

/// RESP `PING`.
pub const REDIS_PING: &[u8] = b"*1\r\n$4\r\nPING\r\n";

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
