//! MQTT 3.1.1: a CONNECT, the reading of the CONNACK (return codes 4 and 5 refuse the
//! client), and a DISCONNECT after a plaintext answer.

use super::observation::{Denial, Fate};
use super::protocol::{answer, Parsed, ServiceProtocol};
use super::transport::printable;

/// The protocol.
pub struct Mqtt;

impl ServiceProtocol for Mqtt {
    fn title(&self) -> &'static str {
        "MQTT"
    }
    fn request(&self) -> Vec<u8> {
        mqtt_connect()
    }
    fn parse(&self, buf: &[u8], _tls: bool) -> Parsed {
        parse_mqtt(buf)
    }
    fn goodbye(&self) -> Option<&'static [u8]> {
        Some(&MQTT_DISCONNECT)
    }
}

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
