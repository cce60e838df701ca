//! How to probe (`Config`, the `--strict` TLS posture) and what (`host:port` targets).

use std::sync::Arc;
use std::time::Duration;

use rustls::RootCertStore;

use crate::errors::ProbeError;

/// How to probe.
#[derive(Clone)]
pub struct Config {
    /// Trust bundle for `server_auth`.
    pub roots: Option<Arc<RootCertStore>>,
    /// The given client certificate (`--cert`), the third identity.
    pub client: Option<Arc<rustls::sign::CertifiedKey>>,
    /// The revoked canary (`--revoked-cert`): a fourth identity, listed by the CA's CRL.
    pub revoked: Option<Arc<rustls::sign::CertifiedKey>>,
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
pub fn parse_target(s: &str) -> Result<Target, ProbeError> {
    let bad = |why: &'static str| ProbeError::Target {
        target: s.to_string(),
        why,
    };
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
