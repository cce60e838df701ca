//! What the probe needs of a cluster service's protocol: the bytes it sends, how it reads
//! the answer, how TLS starts, and (a server that speaks first) how it reads the greeting.
//! Each protocol is one file that implements [`ServiceProtocol`] (`postgres.rs`,
//! `redis.rs`, `mqtt.rs`, `nats.rs`), registered in
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
    /// The server speaks first (NATS's `INFO`): on every connection its greeting is read
    /// (bounded in time and size) before anything is sent, and says whether TLS follows on
    /// the same connection. Such a protocol is tried over TLS only where its plaintext
    /// greeting offered TLS. False: the client speaks first.
    fn greets(&self) -> bool {
        false
    }
    /// Read the greeting received so far (`None`: more bytes needed). Only called when
    /// [`ServiceProtocol::greets`].
    fn greeting(&self, _buf: &[u8]) -> Option<Greeting> {
        None
    }
}

/// What a server's greeting says of TLS on the same connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GreetingTls {
    /// Nothing: plaintext only.
    None,
    /// TLS may follow, plaintext is taken too.
    Offered,
    /// TLS must follow: the server takes nothing else (a refusal of plaintext, shown by
    /// the protocol itself).
    Required,
}

/// A server's greeting, read before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Greeting {
    /// The protocol's greeting: what it says of TLS, and how it reads in a detail
    /// (`NATS 2.9.10, INFO tls_required`).
    Said {
        /// TLS on the same connection.
        tls: GreetingTls,
        /// How it reads.
        text: String,
    },
    /// Not this protocol's greeting: how the attempt ends.
    Not(Fate),
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
