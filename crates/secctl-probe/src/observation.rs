//! What the probe saw on the wire, as plain data: the network code fills these in and
//! [`super::classify`] judges them without touching a socket. Everything here
//! (de)serializes, so a live probe can be recorded (`probe --record`) and replayed as a
//! case of the classification table (`tests/probe_cases/`).

use serde::{Deserialize, Serialize};

use super::row::Row;

/// The client identity a TLS attempt presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    /// No certificate.
    NoCert,
    /// A certificate from a CA made in memory for this run (no server can trust it).
    Throwaway,
    /// The operator's `--cert`.
    Given,
    /// The revoked canary (`--revoked-cert`): a certificate of the cluster's CA that its
    /// CRL lists; a server that enforces revocation refuses it.
    Revoked,
}

/// What the server presented about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerCert {
    /// Some(true) trusted, Some(false) untrusted, None no certificate seen.
    pub trusted: Option<bool>,
    /// Why not trusted.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub why: String,
    /// Days until the server certificate expires (negative: expired).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
}

/// One TLS handshake.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handshake {
    /// Negotiated version (TLSv1.3), when the handshake completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Negotiated cipher suite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cipher: Option<String>,
    /// Negotiated ALPN protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alpn: Option<String>,
    /// Negotiated key exchange group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The server sent a CertificateRequest.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub requested: bool,
    /// The server's certificate, as soon as it was presented (even if the handshake then
    /// failed).
    #[serde(default, skip_serializing_if = "ServerCert::is_unseen")]
    pub server: ServerCert,
}

/// The evidence that a completed handshake was the server's verdict on the client. In TLS
/// 1.2 the server checks the client's certificate before its Finished; in TLS 1.3 the
/// client's certificate comes after the server's Finished, so the verdict is whatever the
/// server sends next (a session ticket, data, an alert or a close). Nothing at all is no
/// evidence: that is [`Fate::NoVerdict`], never an admission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdmittedBy {
    /// TLS 1.2: the server's Finished came after it checked the client's certificate.
    Finished,
    /// TLS 1.3: a session ticket after the client's certificate.
    Ticket,
    /// TLS 1.3: application data after the client's certificate.
    Data,
    /// TLS 1.3: a record after the client's certificate (neither a ticket, data nor an
    /// alert was read from it before the next step).
    Record,
}

impl AdmittedBy {
    /// How it reads in a detail line.
    pub fn text(self) -> &'static str {
        match self {
            AdmittedBy::Finished => "TLS 1.2 handshake completed",
            // One wording for the three: which of them arrives first is a race on the
            // server's side (an HTTP/2 server's SETTINGS and its tickets), and the rows of
            // one server must read the same every run.
            AdmittedBy::Ticket | AdmittedBy::Data | AdmittedBy::Record => {
                "a ticket or data after the client's certificate"
            }
        }
    }
}

/// How a detail line names [`Fate::NoVerdict`].
pub const NO_VERDICT: &str = "no verdict: nothing after the TLS 1.3 handshake within the wait";

/// Why an application answer is not content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Denial {
    /// Content (any status that is not a refusal).
    None,
    /// Refused: HTTP 401/403/495/496, gRPC UNAUTHENTICATED/PERMISSION_DENIED, and over TLS
    /// an HTTP 400 (nginx's answer to a missing or bad client certificate) or PostgreSQL's
    /// ErrorResponse before authentication. Read from the status alone, never from the
    /// server's text: the identities' requests differ only by the certificate, so a
    /// refusal of some and an answer to others is the certificate's doing, and a refusal
    /// of all is judged "denied with and without a certificate".
    Identity,
    /// A TLS-only port's answer to plaintext, shown by the protocol itself: a TLS alert
    /// record, or nginx's status 497.
    TlsRequired,
    /// Plaintext refused without naming why in the protocol (HTTP 400 Bad Request,
    /// PostgreSQL's ErrorResponse before authentication): no content, and no claim of why.
    Refused,
}

/// An application answer (HTTP status or grpc-status).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// HTTP status, or the grpc-status for gRPC.
    pub code: u16,
    /// A gRPC answer (grpc-status seen).
    pub grpc: bool,
    /// `Location` of an HTTP redirect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Whether (and why) this answer is a refusal.
    pub denial: Denial,
    /// How it reads: `HTTP/1.1 403`, `grpc-status 16 UNAUTHENTICATED`.
    pub text: String,
}

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    /// No TCP connection (refused, unresolvable, connect timeout).
    Unreachable(String),
    /// No TLS session: not TLS, a failure that is not about the client's identity, a timeout.
    NoTls(String),
    /// No TLS session: the server refused every ALPN protocol offered (PostgreSQL 17
    /// refuses a direct TLS handshake without ALPN `postgresql`): TLS is spoken there, for
    /// another protocol.
    NoCommonAlpn,
    /// The TLS layer refused the client's identity (or its absence): with an alert, in the
    /// handshake or, in TLS 1.3, right after the client's half of it; or by a close.
    Refused(Refusal),
    /// The handshake went through and the server showed it let the client in (the `tls`
    /// attempt, and an idle connection that carried data).
    Admitted(AdmittedBy),
    /// The TLS 1.3 handshake went through and the server sent nothing within the wait (no
    /// ticket, no data, no alert, no close): the handshake alone says nothing of its
    /// verdict on the client. Also an idle connection that simply stayed open.
    NoVerdict,
    /// The application protocol answered.
    Answer(Answer),
    /// The server asked to renegotiate (TLS 1.2 HelloRequest) instead of answering.
    Renegotiation,
    /// The connection was closed before any answer, without an alert.
    Closed,
    /// Something answered, but not this protocol.
    Other(String),
    /// Nothing in time.
    Silent(String),
    /// An HTTP/2 request left unanswered a short while after the same connection had shown
    /// what the port is (a gRPC answer on another stream; see `http::GRPC_GRACE`): not
    /// served, and never evidence of admission or refusal.
    Unanswered(String),
}

impl Fate {
    /// The handshake completed and no refusal followed (admitted, or no verdict yet).
    pub fn handshake_completed(&self) -> bool {
        matches!(self, Fate::Admitted(_) | Fate::NoVerdict)
    }
}

impl ServerCert {
    /// No certificate seen (nothing to record).
    pub fn is_unseen(&self) -> bool {
        *self == ServerCert::default()
    }
}

impl Handshake {
    /// Nothing of TLS seen (a plaintext attempt, or one that never reached TLS).
    pub fn is_empty(&self) -> bool {
        *self == Handshake::default()
    }
}

/// A connection attempt: its handshake (default for plaintext) and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    /// The TLS handshake.
    #[serde(default, skip_serializing_if = "Handshake::is_empty")]
    pub hs: Handshake,
    /// The end.
    pub fate: Fate,
}

impl Attempt {
    /// An attempt that ended with `fate` and showed nothing of TLS.
    pub fn bare(fate: Fate) -> Attempt {
        Attempt {
            hs: Handshake::default(),
            fate,
        }
    }
}

/// Every TLS attempt made with one identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityObs {
    /// Handshake with ALPN `h2, http/1.1`, then waiting for the server's verdict.
    pub tls: Attempt,
    /// HTTP/1.1 GET of each path (ALPN `http/1.1`).
    pub https1: Vec<Attempt>,
    /// HTTP/2 GET of each path (ALPN `h2`).
    pub h2: Vec<Attempt>,
    /// gRPC health check over HTTP/2.
    pub grpcs: Attempt,
    /// When the handshake admitted this identity but no request got an answer: a fresh
    /// connection left idle after the handshake, and how it ended (a server that refuses a
    /// certificate after its own TLS stack accepted it, as etcd does with its CRL, closes
    /// it at once; a service that does not speak HTTP keeps it open).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle: Option<Fate>,
}

/// How a refusal without an alert reads: the server closed a connection it had just
/// admitted, before any request.
pub const CLOSED_AFTER_HANDSHAKE: &str = "closed by the server right after the handshake";

/// How [`Fate::NoCommonAlpn`] reads.
pub const NO_ALPN: &str = "no common application protocol (ALPN)";

/// How the TLS layer refused the client's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// With this alert (its RFC 8446 name: `certificate_required`, `unknown_ca`).
    Alert(String),
    /// The server closed a connection it had just admitted, before any request and
    /// without an alert (etcd's CRL check after Go's handshake, grpcio's refusal).
    ClosedAfterHandshake,
}

impl Refusal {
    /// How it reads after `refused: `.
    pub fn text(&self) -> String {
        match self {
            Refusal::Alert(a) => format!("alert {a}"),
            Refusal::ClosedAfterHandshake => CLOSED_AFTER_HANDSHAKE.to_string(),
        }
    }
}

/// Everything seen of one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observations {
    /// The paths requested, in order.
    pub paths: Vec<String>,
    /// Plaintext HTTP/1.1 GET of each path.
    pub http1: Vec<Fate>,
    /// Plaintext HTTP/2 (prior knowledge) GET of each path.
    pub h2c: Vec<Fate>,
    /// Plaintext gRPC health check.
    pub grpc: Fate,
    /// TLS without a certificate.
    pub none: IdentityObs,
    /// TLS with the throwaway certificate.
    pub throwaway: IdentityObs,
    /// TLS with `--cert`, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given: Option<IdentityObs>,
    /// TLS with the revoked canary (`--revoked-cert`), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<IdentityObs>,
    /// A TLS 1.2-only handshake without a certificate (which versions are accepted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls12: Option<Attempt>,
    /// HTTP/1.1 over TLS 1.2, without a certificate, of the paths every identity was denied:
    /// (index of the path, attempt). Shows a server that asks for a certificate per request.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renegotiation: Vec<(usize, Attempt)>,
    /// The cluster services' protocols (PostgreSQL, Redis, MQTT, NATS), in that order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ServiceObs>,
    /// What the server said first on a connection where the probe sent nothing (its first
    /// line, at most 24 bytes, printable): a server that speaks first (NATS's `INFO`, an
    /// SMTP or FTP banner) speaks no protocol whose client speaks first (HTTP, TLS,
    /// PostgreSQL, Redis, MQTT). None: nothing before the probe's other exchanges ended, or
    /// an HTTP/2 server's SETTINGS frame (the server preface, which HTTP/2 lets a server
    /// send first: grpc-go's h2c server does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub greeting: Option<String>,
    /// The WebSocket upgrade of the first path, in plaintext and over TLS (tried only on a
    /// port that answers HTTP/1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub websocket: Option<WebSocketObs>,
    /// TLS 1.0 and 1.1, offered alone in a minimal ClientHello (rustls speaks neither).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legacy: Vec<LegacyVersion>,
}

/// What a port answered to a ClientHello of one old TLS version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyVersion {
    /// `TLSv1.0` or `TLSv1.1`.
    pub version: String,
    /// Some(true): a ServerHello of that version; Some(false): an alert or another
    /// version; None: no TLS answer.
    pub accepted: Option<bool>,
    /// What came back.
    pub detail: String,
}

/// One service protocol, in plaintext and over TLS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceObs {
    /// The protocol.
    pub service: Service,
    /// Plaintext: how the exchange ended, or why it was not tried.
    pub plain: Result<Fate, String>,
    /// Over TLS with each identity (none, throwaway, given), or why it was not tried.
    pub tls: Result<(Attempt, Attempt, Option<Attempt>), String>,
    /// Over TLS with the revoked canary, when given and TLS was tried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<Attempt>,
    /// PostgreSQL only: TLS from the first byte (PostgreSQL 17's direct TLS, ALPN
    /// `postgresql`) without a certificate, when `tls` went through an SSLRequest; when
    /// the port speaks only direct TLS, `tls` holds those attempts and this is None.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct: Option<Attempt>,
    /// PostgreSQL only: `tls` holds direct TLS attempts (no SSLRequest).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tls_direct: bool,
}

/// The WebSocket upgrade (`GET` with `Upgrade: websocket`) of one path, in plaintext and
/// over TLS. An answer is recorded only when it is the upgrade (`101` with the right
/// `Sec-WebSocket-Accept`) or a refusal (HTTP 401/403/495/496, a 400 over TLS); any other
/// status is not a WebSocket ([`Fate::Other`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebSocketObs {
    /// The path requested (the first `--path`).
    pub path: String,
    /// Plaintext: how the upgrade ended, or why it was not tried.
    pub plain: Result<Fate, String>,
    /// Over TLS (ALPN `http/1.1`) with each identity (none, throwaway, given), or why it
    /// was not tried.
    pub tls: Result<(Attempt, Attempt, Option<Attempt>), String>,
    /// Over TLS with the revoked canary, when given and TLS was tried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<Attempt>,
}

/// A cluster service's protocol the probe speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    /// PostgreSQL (frontend/backend protocol 3.0).
    Postgres,
    /// Redis (RESP).
    Redis,
    /// MQTT 3.1.1.
    Mqtt,
    /// NATS (the server speaks first, TLS on the same connection after its `INFO`).
    Nats,
}

impl Service {
    /// Its plaintext row.
    pub fn row(self) -> Row {
        match self {
            Service::Postgres => Row::Postgres,
            Service::Redis => Row::Redis,
            Service::Mqtt => Row::Mqtt,
            Service::Nats => Row::Nats,
        }
    }
    /// Its row over TLS.
    pub fn tls_row(self) -> Row {
        match self {
            Service::Postgres => Row::PostgresTls,
            Service::Redis => Row::RedisTls,
            Service::Mqtt => Row::MqttTls,
            Service::Nats => Row::NatsTls,
        }
    }
}
