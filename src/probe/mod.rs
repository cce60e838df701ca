//! `secctl probe`: classify every transport of a single port from real protocol exchanges
//! (the README's probe matrix). Plaintext HTTP/1.1, h2c and gRPC; the TLS handshake; HTTP/1.1,
//! HTTP/2 and gRPC over TLS, each with three client identities: none, a throwaway
//! certificate from a CA made in memory, and the given `--cert`.
//!
//! [`wire`] records what happened ([`observation`]), [`classify`] judges it: the verdicts
//! are a pure function of the observations. Every network step has a timeout; the whole
//! target has a deadline.

pub mod classify;
pub mod exchange;
pub mod expect;
pub mod observation;
pub mod services;
mod tls;
pub mod wire;

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::CertificateDer;
use rustls::RootCertStore;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
pub use tls::ServerAuthSeen;

/// How to probe.
#[derive(Clone)]
pub struct Config {
    /// Trust bundle for `server_auth`.
    pub roots: Option<Arc<RootCertStore>>,
    /// The given client certificate (`--cert`), the third identity.
    pub client: Option<Arc<rustls::sign::CertifiedKey>>,
    /// Paths requested over HTTP (`--path`; default `/`).
    pub paths: Vec<String>,
    /// SNI and name to verify (default: the target host).
    pub servername: Option<String>,
    /// Timeout of each network step.
    pub timeout: Duration,
    /// What `--strict` also holds the TLS posture to.
    pub policy: Policy,
}

/// The TLS posture `--strict` demands: `--min-tls` and `--warn-days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Lowest acceptable version: 0x0301 (1.0) .. 0x0304 (1.3).
    pub min_tls: u16,
    /// A server certificate expiring within this many days is a finding.
    pub warn_days: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            min_tls: 0x0303,
            warn_days: 30,
        }
    }
}

/// A `host:port` target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Host name or IP (without brackets).
    pub host: String,
    /// TCP port.
    pub port: u16,
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// Parse `host:port` or `[v6]:port`; refuse anything else with a clear message.
pub fn parse_target(s: &str) -> Result<Target> {
    let bad = |why: &str| Error::input(s, format!("not a HOST:PORT target ({why})"));
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, p) = rest
            .split_once("]:")
            .ok_or_else(|| bad("use [IPv6]:PORT"))?;
        h.parse::<std::net::Ipv6Addr>()
            .map_err(|_| bad("bad IPv6 address"))?;
        (h.to_string(), p)
    } else {
        let (h, p) = s.rsplit_once(':').ok_or_else(|| bad("missing :PORT"))?;
        if h.contains(':') {
            return Err(bad("IPv6 addresses go in brackets"));
        }
        if h.parse::<std::net::IpAddr>().is_err() {
            crate::pki::names::parse_host(h).map_err(|_| bad("bad host name"))?;
        }
        (h.to_string(), p)
    };
    let port: u16 = port.parse().map_err(|_| bad("port must be 1-65535"))?;
    if port == 0 {
        return Err(bad("port must be 1-65535"));
    }
    if host.is_empty() {
        return Err(bad("empty host"));
    }
    Ok(Target { host, port })
}

/// One row of the matrix (the README's JSON contract).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Transport {
    /// http1, h2c, grpc, tls, https1, h2, grpcs.
    pub transport: String,
    /// The port answered this protocol with content (a refusal is not content).
    pub served: bool,
    /// Over TLS; null when not served.
    pub encrypted: Option<bool>,
    /// `https://...` when a plaintext answer only redirects to TLS.
    pub redirect: Option<String>,
    /// trusted, untrusted or none: the chain the server presented, against the bundle.
    pub server_auth: String,
    /// required, per-request, optional or none.
    pub client_auth: String,
    /// A certificate from an unknown CA was let in where a certificate is demanded.
    pub untrusted_client_accepted: bool,
    /// What happened to `--cert`: accepted, `refused: ...`, `not checked: ...`; null
    /// without `--cert` and on plaintext rows.
    pub given_cert: Option<String>,
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
    /// Version, cipher, ALPN, status codes, grpc-status, the refusal.
    pub detail: String,
}

/// The summary of a target.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Summary {
    /// all, partial, none or unreachable.
    pub encrypted: String,
    /// enforced, partial, optional, unverified or none.
    pub mtls: String,
}

/// The matrix of one target.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TargetReport {
    /// `host:port`.
    pub target: String,
    /// Seven transports, in the README's order.
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
}

impl TargetReport {
    /// Whether `--strict` is satisfied: everything encrypted, mTLS enforced, every server
    /// certificate seen trusted, the target reachable.
    pub fn strict_ok(&self) -> bool {
        self.summary.encrypted == "all"
            && self.summary.mtls == "enforced"
            && !self.transports.iter().any(|t| t.server_auth == "untrusted")
            && self.warnings.is_empty()
    }

    /// Why `--strict` fails, in words.
    pub fn strict_failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self.summary.encrypted.as_str() {
            "all" => {}
            "unreachable" => out.push("unreachable".to_string()),
            "partial" => out.push("plaintext content served".to_string()),
            other => out.push(format!("encrypted {other}")),
        }
        if self.summary.mtls != "enforced" {
            out.push(format!("mtls {}", self.summary.mtls));
        }
        if self.transports.iter().any(|t| t.server_auth == "untrusted") {
            out.push("untrusted server certificate".to_string());
        }
        out.extend(self.warnings.iter().cloned());
        out
    }
}

/// The names of the rows, in order.
pub const TRANSPORTS: [&str; 13] = [
    "http1",
    "h2c",
    "grpc",
    "tls",
    "https1",
    "h2",
    "grpcs",
    "postgres",
    "postgres-tls",
    "redis",
    "redis-tls",
    "mqtt",
    "mqtt-tls",
];

/// Probe one target.
pub async fn probe(cfg: Arc<Config>, t: Target) -> TargetReport {
    probe_with_chain(cfg, t).await.0
}

/// Probe one target; also return the chain the server presented (empty: none seen).
pub async fn probe_with_chain(
    cfg: Arc<Config>,
    t: Target,
) -> (TargetReport, Vec<CertificateDer<'static>>) {
    // Connect, handshake, the TLS 1.3 verdict and the request each have the timeout; the
    // TLS 1.2 retries come after.
    // The service protocols come after that (at most four more steps).
    let deadline = cfg.timeout * 11 + Duration::from_secs(1);
    let target = t.to_string();
    let policy = cfg.policy;
    let prober = wire::Prober::new(cfg, t);
    match tokio::time::timeout(deadline, prober.observe()).await {
        Ok(obs) => {
            let (transports, summary) = classify::classify(&obs);
            let warnings = classify::posture(&transports, &policy);
            (
                TargetReport {
                    target,
                    transports,
                    summary,
                    differences: None,
                    warnings,
                },
                prober.chain(),
            )
        }
        Err(_) => {
            let transports: Vec<Transport> = TRANSPORTS
                .iter()
                .map(|n| Transport {
                    detail: format!("gave up after {}", exchange::secs(deadline)),
                    ..classify::row(n)
                })
                .collect();
            let summary = classify::summarize(&transports, false);
            (
                TargetReport {
                    target,
                    transports,
                    summary,
                    differences: None,
                    warnings: vec![],
                },
                prober.chain(),
            )
        }
    }
}
