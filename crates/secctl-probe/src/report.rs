//! The matrix of one target, as the JSON contract spells it: a row per transport and the
//! summary, each verdict typed ([`super::verdict`]).

use serde::{Deserialize, Serialize};

use super::row::Row;
use super::verdict::{ClientAuth, Encrypted, GivenCert, Mtls, ServerAuth};

/// One row of the matrix (the README's JSON contract).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Transport {
    /// http1, h2c, grpc, tls, https1, h2, grpcs, the services' rows, ws, wss, nats, nats-tls.
    pub transport: Row,
    /// The port answered this protocol with content (a refusal is not content).
    pub served: bool,
    /// Over TLS; null when not served.
    pub encrypted: Option<bool>,
    /// `https://...` when a plaintext answer only redirects to TLS.
    pub redirect: Option<String>,
    /// trusted, untrusted or none: the chain the server presented, against the bundle.
    pub server_auth: ServerAuth,
    /// required, per-request, optional or none.
    pub client_auth: ClientAuth,
    /// A certificate from an unknown CA was let in where a certificate is demanded.
    pub untrusted_client_accepted: bool,
    /// The revoked canary (`--revoked-cert`): Some(Some(true)) the server admitted a
    /// certificate its CA revoked, Some(Some(false)) refused it, Some(None) not established
    /// on this row (JSON null); absent without a canary and on plaintext rows.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub revoked_client_accepted: Option<Option<bool>>,
    /// What happened to `--cert`: accepted, `refused: ...`, `not checked: ...`; null
    /// without `--cert` and on plaintext rows.
    pub given_cert: Option<GivenCert>,
    /// Paths answered without a certificate on a transport that demands one elsewhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub open_paths: Vec<String>,
    /// `tls` row: the TLS versions the port accepts, newest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tls_versions: Vec<String>,
    /// `postgres-tls` row: whether the port takes TLS from the first byte (PostgreSQL 17's
    /// direct TLS, ALPN `postgresql`); absent when not tried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_tls: Option<bool>,
    /// `tls` row: days until the server certificate expires (negative: expired).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_days_left: Option<i64>,
    /// Every HTTP request the row made (each path, gRPC's method), identity by identity,
    /// and how it ended, typed: what scripts read instead of `detail`. Absent when the row
    /// made no HTTP request (the `tls` row, the services' rows).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<PathResult>,
    /// Version, cipher, ALPN, status codes, grpc-status, the refusal.
    pub detail: String,
}

impl Transport {
    /// The row reached the server's verdict on the client: something answered with content,
    /// or the server demanded a certificate (in the handshake or per request).
    pub fn reached(&self) -> bool {
        self.served || self.client_auth.demands_certificate()
    }

    /// A TLS session was had on the row: it served, or the server presented its
    /// certificate there (a refusal after that is still TLS). What `verify HOST:PORT`'s
    /// `tls` check reads of the protocol's handshake row.
    pub fn tls_seen(&self) -> bool {
        self.served || self.server_auth != ServerAuth::None
    }

    /// The row's protocol answered, content or refusal: served, refused per request, or a
    /// request answered with a status (refused to every identity alike included).
    pub fn spoke(&self) -> bool {
        self.served
            || self.client_auth == ClientAuth::PerRequest
            || self.paths.iter().any(|p| p.status.is_some())
    }
}

/// Which client identity made a request (`paths[].identity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PathIdentity {
    /// No certificate.
    None,
    /// The throwaway certificate (a CA made in memory for this run).
    Throwaway,
    /// The given `--cert`.
    Given,
    /// The revoked canary.
    Revoked,
}

/// How one request ended (`paths[].outcome`), read from the protocol alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// An application answer that is content (any status that is neither a refusal nor a
    /// redirect; gRPC: a grpc-status that is not 16 or 7).
    Answered,
    /// An HTTP 3xx with a `Location`.
    Redirect,
    /// Refused: a TLS alert or a close right after the handshake, a refusing status (HTTP
    /// 401/403/495/496, 400 over TLS, gRPC 16/7; in plaintext 400 and nginx's 497), or,
    /// without a certificate, a TLS 1.2 renegotiation asking for one.
    Refused,
    /// The connection was made and the request sent; no answer in this protocol (a close, a
    /// timeout, another protocol, a stream left pending).
    Unanswered,
    /// The request could not be made or answered with this identity: no TCP connection, no
    /// TLS session for a reason that is not the client's identity, a certificate asked for
    /// by renegotiation (rustls cannot answer it).
    NotChecked,
}

/// One request of a row with one identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathResult {
    /// The path requested (`/secure`), or the gRPC method called
    /// (`/grpc.health.v1.Health/Check`).
    pub path: String,
    /// none, throwaway, given or revoked.
    pub identity: PathIdentity,
    /// answered, redirect, refused, unanswered or not-checked.
    pub outcome: Outcome,
    /// The answer's code: the HTTP status, or the grpc-status where `grpc` is true; null
    /// when nothing answered in the protocol.
    pub status: Option<u16>,
    /// `status` is a grpc-status.
    pub grpc: bool,
    /// What showed it, in the details' vocabulary (`HTTP/1.1 403`, `alert unknown_ca`,
    /// `closed without answering`).
    pub evidence: String,
}

/// A field that is present (even as null) is Some.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<bool>>, D::Error> {
    Option::<bool>::deserialize(d).map(Some)
}

/// The summary of a target.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Summary {
    /// all, partial, none or unreachable.
    pub encrypted: Encrypted,
    /// enforced, partial, optional, unverified or none.
    pub mtls: Mtls,
}

/// The matrix of one target.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TargetReport {
    /// `host:port`.
    pub target: String,
    /// The seventeen rows, in the order of `Row::ALL` (docs/json.md).
    pub transports: Vec<Transport>,
    /// Summary.
    pub summary: Summary,
    /// With `--inventory`: how the target differs from its expectation (empty: as expected).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub differences: Option<Vec<String>>,
    /// TLS posture findings (versions below `--min-tls`, a certificate within
    /// `--warn-days` of expiry); `--strict` fails on any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// With `--authz`: the authorization matrix, rule by rule, caller by caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authz: Option<Vec<crate::authz::Cell>>,
}

impl TargetReport {
    /// Whether `--strict` is satisfied: everything encrypted, mTLS enforced, every server
    /// certificate seen trusted, the target reachable.
    pub fn strict_ok(&self) -> bool {
        self.summary.encrypted == Encrypted::All
            && self.summary.mtls == Mtls::Enforced
            && !self
                .transports
                .iter()
                .any(|t| t.server_auth == ServerAuth::Untrusted)
            && self.warnings.is_empty()
            && self.authz_differences().is_empty()
    }

    /// The cells of the authorization matrix that differ from the policy, in words.
    pub fn authz_differences(&self) -> Vec<String> {
        self.authz
            .iter()
            .flatten()
            .filter(|c| !c.agrees)
            .map(|c| c.difference())
            .collect()
    }

    /// Why `--strict` fails, in words.
    pub fn strict_failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self.summary.encrypted {
            Encrypted::All => {}
            Encrypted::Unreachable => out.push("unreachable".to_string()),
            Encrypted::Partial => out.push("plaintext content served".to_string()),
            other => out.push(format!("encrypted {other}")),
        }
        if self.summary.mtls != Mtls::Enforced {
            out.push(format!("mtls {}", self.summary.mtls));
        }
        if self
            .transports
            .iter()
            .any(|t| t.server_auth == ServerAuth::Untrusted)
        {
            out.push("untrusted server certificate".to_string());
        }
        let revoked: Vec<&str> = self
            .transports
            .iter()
            .filter(|t| t.revoked_client_accepted == Some(Some(true)))
            .map(|t| t.transport.as_str())
            .collect();
        if !revoked.is_empty() {
            out.push(format!(
                "revoked client certificate admitted on {}",
                revoked.join(", ")
            ));
        }
        out.extend(self.warnings.iter().cloned());
        let differ = self.authz_differences().len();
        if differ > 0 {
            let cells = self.authz.as_ref().map_or(0, Vec::len);
            out.push(format!(
                "{differ} of {cells} authz cells differ from the policy"
            ));
        }
        out
    }
}

/// The names of the rows, in order.
pub const TRANSPORTS: [Row; 17] = Row::ALL;

/// A protocol the probe checks and its rows: the unit of `probe --inventory` expectations
/// and of `verify HOST:PORT --protocol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProtocolRows {
    /// Its key in an inventory and on the command line (`http`).
    pub key: &'static str,
    /// Its name in messages (`HTTP`).
    pub name: &'static str,
    /// The rows where it answers in plaintext.
    pub plain: &'static [Row],
    /// The rows where it answers over TLS.
    pub tls: &'static [Row],
    /// The row whose handshake is its TLS session.
    pub handshake: Row,
}

/// Every protocol the probe speaks, with its rows.
pub const PROTOCOLS: [ProtocolRows; 7] = [
    ProtocolRows {
        key: "http",
        name: "HTTP",
        plain: &[Row::Http1, Row::H2c],
        tls: &[Row::Https1, Row::H2],
        handshake: Row::Tls,
    },
    ProtocolRows {
        key: "grpc",
        name: "gRPC",
        plain: &[Row::Grpc],
        tls: &[Row::Grpcs],
        handshake: Row::Tls,
    },
    ProtocolRows {
        key: "postgres",
        name: "PostgreSQL",
        plain: &[Row::Postgres],
        tls: &[Row::PostgresTls],
        handshake: Row::PostgresTls,
    },
    ProtocolRows {
        key: "redis",
        name: "Redis",
        plain: &[Row::Redis],
        tls: &[Row::RedisTls],
        handshake: Row::RedisTls,
    },
    ProtocolRows {
        key: "mqtt",
        name: "MQTT",
        plain: &[Row::Mqtt],
        tls: &[Row::MqttTls],
        handshake: Row::MqttTls,
    },
    ProtocolRows {
        key: "ws",
        name: "WebSocket",
        plain: &[Row::Ws],
        tls: &[Row::Wss],
        handshake: Row::Tls,
    },
    ProtocolRows {
        key: "nats",
        name: "NATS",
        plain: &[Row::Nats],
        tls: &[Row::NatsTls],
        handshake: Row::NatsTls,
    },
];

/// TLS alone, no application protocol: the `tls` row.
pub const TLS_ONLY: ProtocolRows = ProtocolRows {
    key: "tls",
    name: "TLS",
    plain: &[],
    tls: &[],
    handshake: Row::Tls,
};

/// The protocol of key `key` (`tls` included).
pub fn protocol_rows(key: &str) -> Option<ProtocolRows> {
    PROTOCOLS
        .into_iter()
        .chain([TLS_ONLY])
        .find(|p| p.key == key)
}
