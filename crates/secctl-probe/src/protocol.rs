//! What the probe needs of a protocol, in two traits.
//!
//! [`ServiceProtocol`]: a cluster service's protocol, one request and one answer per
//! connection: the bytes it sends, how it reads the answer, how TLS starts, and (a server
//! that speaks first) how it reads the greeting. Each protocol is one file that implements
//! it (`postgres.rs`, `redis.rs`, `mqtt.rs`, `nats.rs`), registered in
//! [`super::services::protocol`]; the wire runs the exchanges and records a
//! [`super::observation::ServiceObs`], from which `classify` makes the protocol's two rows
//! (plaintext and over TLS).
//!
//! [`HttpProtocol`]: an application protocol of the main port carried by HTTP (plain HTTP
//! requests in `http.rs`, gRPC calls in `grpc.rs`): the request it puts on a stream and
//! how its answer reads. It is carried by HTTP/1.1 (`http1.rs`, a connection per request)
//! or HTTP/2 (`h2.rs`, every request of a connection at once, each on its own stream);
//! the carriers own the framing and the connection, the protocol the meaning. Each
//! protocol is one file, registered by a variant of [`super::call::Call`] and its arm in
//! [`super::call::Call::protocol`].

use std::time::Duration;

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
    /// The request for TLS in messages (`the SSLRequest`).
    fn tls_request_name(&self) -> &'static str {
        "the request for TLS"
    }
    /// Read the one byte that answers [`ServiceProtocol::tls_request`]: `Ok` to go on with
    /// the handshake (`S`), else how the attempt ends.
    fn tls_reply(&self, byte: u8) -> Result<(), Fate> {
        match byte {
            b'S' => Ok(()),
            b => Err(Fate::Other(format!(
                "not {} (answered 0x{b:02x})",
                self.title()
            ))),
        }
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

/// What a request of the main port is made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The probe's survey of the port (a GET of each path, the gRPC health check): what
    /// the port serves, and to whom.
    Survey,
    /// A verdict of its own (`probe --authz`): never cut short, and any answer is returned
    /// as the answer it is.
    Verdict,
}

/// A request of the main port, whatever carries it.
#[derive(Debug, Clone, Copy)]
pub struct HttpRequest<'a> {
    /// Its method (`GET`, `POST`).
    pub method: &'a str,
    /// Its path (`/`, `/grpc.health.v1.Health/Check`).
    pub path: &'a str,
    /// What it is made for.
    pub role: Role,
}

/// The head of an HTTP answer, as its carrier read it.
#[derive(Debug, Clone)]
pub struct Head {
    /// The version as the answer reads (`HTTP/1.1`, `HTTP/2`).
    pub version: String,
    /// The status.
    pub status: u16,
    /// The `Location` field (at most 200 characters).
    pub location: Option<String>,
}

/// What an answer's head says.
#[derive(Debug)]
pub enum Reading {
    /// The answer: how the request ended (`Err`: it failed).
    Done(Result<Fate, Fate>),
    /// The trailers decide: the carrier reads the body (bounded, never looked at) and the
    /// trailers, then calls [`HttpProtocol::read_trailers`].
    Trailers,
}

/// An application protocol of the main port carried by HTTP: the request it puts on a
/// stream, and how its answer reads. The verdicts come from statuses and codes, never from
/// the server's words.
pub trait HttpProtocol: Sync {
    /// The protocol's name in messages (`gRPC`).
    fn title(&self) -> &'static str;
    /// Carried only by HTTP/2 (gRPC): over an HTTP/1.1 connection it is not made.
    fn needs_h2(&self) -> bool {
        false
    }
    /// Fields of the request beyond `user-agent`, in order (HTTP/2).
    fn fields(&self) -> &'static [(&'static str, &'static str)] {
        &[]
    }
    /// The body sent after the head. `None`: the head ends the request.
    fn body(&self) -> Option<&'static [u8]> {
        None
    }
    /// How much longer an answer still pending is waited for, once another stream of the
    /// same HTTP/2 connection showed what the port is (a gRPC answer). `None`: as long as
    /// the timeout allows.
    fn grace(&self, _role: Role) -> Option<Duration> {
        None
    }
    /// Read an answer's head and its fields (`tls`: over TLS, a refusal is then about the
    /// client's identity).
    fn read_head(&self, role: Role, head: &Head, fields: &http::HeaderMap, tls: bool) -> Reading;
    /// Read the trailers (none: the stream ended without) of an answer whose head asked
    /// for them.
    fn read_trailers(
        &self,
        role: Role,
        head: &Head,
        trailers: Option<&http::HeaderMap>,
        tls: bool,
    ) -> Result<Fate, Fate>;
}
