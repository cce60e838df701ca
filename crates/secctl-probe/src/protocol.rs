//! What the probe needs of a cluster service's protocol: the bytes it sends, how it reads
//! the answer, how TLS starts. Each protocol is one file that implements
//! [`ServiceProtocol`] (`postgres.rs`, `redis.rs`, `mqtt.rs`), registered in
//! [`super::services::protocol`]; the wire runs the exchanges and records a
//! [`super::observation::ServiceObs`], from which `classify` makes the protocol's two rows
//! (plaintext and over TLS).

use super::observation::{Answer, Denial, Fate};

/// Largest answer read.
pub const MAX_ANSWER: usize = 16 * 1024;

/// What a complete-enough answer says, or `None` when more bytes are needed.
pub type Parsed = Option<Fate>;

/// A cluster service's protocol, as the probe speaks it.
pub trait ServiceProtocol: Sync {
    /// The protocol's name in messages (`PostgreSQL`).
    fn title(&self) -> &'static str;
    /// The request sent on a fresh connection, in plaintext or over TLS.
    fn request(&self) -> Vec<u8>;
    /// Read the answer received so far. `tls`: over TLS (a refusal is then about the
    /// client's identity).
    fn parse(&self, buf: &[u8], tls: bool) -> Parsed;
    /// TLS negotiated in the protocol: the bytes that ask for it, answered with one byte
    /// `S` to go on (PostgreSQL's SSLRequest). Such a protocol is tried over TLS only on a
    /// port that answered it in plaintext, and also with TLS from the first byte. None:
    /// TLS from the first byte only.
    fn tls_request(&self) -> Option<&'static [u8]> {
        None
    }
    /// ALPN protocol names offered over TLS.
    fn alpn(&self) -> &'static [&'static [u8]] {
        &[]
    }
    /// Sent after a plaintext answer, to leave politely (MQTT's DISCONNECT).
    fn goodbye(&self) -> Option<&'static [u8]> {
        None
    }
}

/// An application answer that is not HTTP: the protocol's code, whether it refuses, and
/// how it reads.
pub fn answer(code: u16, denial: Denial, text: String) -> Fate {
    Fate::Answer(Answer {
        code,
        grpc: false,
        location: None,
        denial,
        text,
    })
}
