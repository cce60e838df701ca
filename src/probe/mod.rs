//! `secctl probe`: classify every transport of a single port from real protocol exchanges
//! (DESIGN.md's probe matrix). Plaintext HTTP/1.1, h2c and gRPC; TLS with ALPN h2 and
//! http/1.1; HTTP/1.1, HTTP/2 and gRPC over TLS, once without and once with the client
//! certificate. Every network step has a timeout; the whole target has a deadline.

pub mod exchange;
mod tls;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::ServerName;
use rustls::RootCertStore;
use serde::{Deserialize, Serialize};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use crate::error::{Error, Result};
use exchange::{Call, Outcome};
pub use tls::ServerAuthSeen;

/// How to probe.
#[derive(Clone)]
pub struct Config {
    /// Trust bundle for `server_auth`.
    pub roots: Option<Arc<RootCertStore>>,
    /// Client certificate for the second pass.
    pub client: Option<Arc<rustls::sign::CertifiedKey>>,
    /// SNI and name to verify (default: the target host).
    pub servername: Option<String>,
    /// Timeout of each network step.
    pub timeout: Duration,
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

/// One row of the matrix (DESIGN.md's JSON contract).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Transport {
    /// http1, h2c, grpc, tls, https1, h2, grpcs.
    pub transport: String,
    /// The port answered this protocol.
    pub served: bool,
    /// Over TLS.
    pub encrypted: bool,
    /// `https://...` when http1 answered only with a redirect to TLS.
    pub redirect: Option<String>,
    /// trusted, untrusted or none.
    pub server_auth: String,
    /// required, per-request, optional or none.
    pub client_auth: String,
    /// Version, cipher, ALPN, status codes, grpc-status, errors.
    pub detail: String,
}

/// The summary of a target.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Summary {
    /// all, partial or none.
    pub encrypted: String,
    /// enforced, partial or none.
    pub mtls: String,
}

/// The matrix of one target.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TargetReport {
    /// `host:port`.
    pub target: String,
    /// Seven transports, in DESIGN.md's order.
    pub transports: Vec<Transport>,
    /// Summary.
    pub summary: Summary,
    /// With `--inventory`: how the target differs from its expectation (empty: as expected).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub differences: Option<Vec<String>>,
}

impl TargetReport {
    /// Whether `--strict` is satisfied: everything encrypted and mTLS enforced.
    pub fn strict_ok(&self) -> bool {
        self.summary.encrypted == "all" && self.summary.mtls == "enforced"
    }
}

fn server_name(cfg: &Config, t: &Target) -> ServerName<'static> {
    let name = cfg.servername.clone().unwrap_or_else(|| t.host.clone());
    ServerName::try_from(name)
        .unwrap_or_else(|_| ServerName::try_from("invalid.invalid").expect("static name"))
}

async fn connect(t: &Target, timeout: Duration) -> std::result::Result<TcpStream, String> {
    match tokio::time::timeout(timeout, TcpStream::connect((t.host.as_str(), t.port))).await {
        Ok(Ok(s)) => {
            let _ = s.set_nodelay(true);
            Ok(s)
        }
        Ok(Err(e)) => Err(format!("connect: {e}")),
        Err(_) => Err("connect timed out".into()),
    }
}

/// What one TLS handshake showed.
#[derive(Debug, Clone, Default)]
pub struct Handshake {
    /// TLS version, e.g. TLSv1_3.
    pub version: String,
    /// Cipher suite.
    pub cipher: String,
    /// ALPN chosen.
    pub alpn: Option<String>,
    /// The server asked for a client certificate.
    pub cert_requested: bool,
    /// Server chain verdict.
    pub server: ServerAuthSeen,
}

/// A TLS connection attempt: the stream, or an outcome saying why not.
pub async fn tls_connect(
    cfg: &Config,
    t: &Target,
    alpn: &[&[u8]],
    with_cert: bool,
) -> (
    std::result::Result<TlsStream<TcpStream>, Outcome>,
    Handshake,
) {
    let provider = crate::tlsconf::provider();
    let inner = cfg.roots.as_ref().and_then(|r| {
        WebPkiServerVerifier::builder_with_provider(r.clone(), provider.clone())
            .build()
            .ok()
    });
    let verifier = Arc::new(tls::RecordingVerifier::new(inner, provider.clone()));
    let resolver = Arc::new(tls::RecordingResolver::new(if with_cert {
        cfg.client.clone()
    } else {
        None
    }));
    let mut hs = Handshake::default();
    let config = match rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
    {
        Ok(b) => b
            .dangerous()
            .with_custom_certificate_verifier(verifier.clone())
            .with_client_cert_resolver(resolver.clone()),
        Err(e) => return (Err(Outcome::NoAnswer(format!("TLS setup: {e}"))), hs),
    };
    let mut config = config;
    config.alpn_protocols = alpn.iter().map(|a| a.to_vec()).collect();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = match connect(t, cfg.timeout).await {
        Ok(s) => s,
        Err(e) => return (Err(Outcome::NoAnswer(e)), hs),
    };
    let res = tokio::time::timeout(cfg.timeout, connector.connect(server_name(cfg, t), tcp)).await;
    hs.cert_requested = resolver.requested.load(Ordering::SeqCst);
    if let Ok(s) = verifier.seen.lock() {
        hs.server = s.clone();
    }
    match res {
        Ok(Ok(stream)) => {
            let (_, c) = stream.get_ref();
            hs.version = c
                .protocol_version()
                .map(|v| format!("{v:?}"))
                .unwrap_or_default();
            hs.cipher = c
                .negotiated_cipher_suite()
                .map(|s| format!("{:?}", s.suite()))
                .unwrap_or_default();
            hs.alpn = c
                .alpn_protocol()
                .map(|a| String::from_utf8_lossy(a).into_owned());
            (Ok(stream), hs)
        }
        Ok(Err(e)) => (Err(exchange::tls_error(&e, true)), hs),
        Err(_) => (Err(Outcome::NoAnswer("TLS handshake timed out".into())), hs),
    }
}

/// Results of one TLS pass (without or with the client certificate).
struct Pass {
    tls: std::result::Result<(), Outcome>,
    hs: Handshake,
    https1: (Outcome, Option<Handshake>),
    h2: (Outcome, Option<Handshake>),
    grpcs: (Outcome, Option<Handshake>),
}

async fn tls_pass(cfg: &Config, t: &Target, with_cert: bool) -> Pass {
    let authority = t.to_string();
    // The handshake offering both protocols, and one offering only http/1.1, at once: most
    // servers pick h2 on the first, so the second carries the HTTP/1.1 request.
    let ((c1, hs), (c2, hs2)) = tokio::join!(
        tls_connect(cfg, t, &[b"h2", b"http/1.1"], with_cert),
        tls_connect(cfg, t, &[b"http/1.1"], with_cert)
    );
    let stream = match c1 {
        Ok(s) => s,
        Err(o) => {
            return Pass {
                tls: Err(o.clone()),
                hs: hs.clone(),
                https1: (o.clone(), None),
                h2: (o.clone(), None),
                grpcs: (o, None),
            }
        }
    };
    let (https1, h2, grpcs);
    if hs.alpn.as_deref() == Some("h2") {
        let calls = exchange::h2_calls(
            stream,
            &authority,
            true,
            &[Call::Get, Call::Grpc],
            cfg.timeout,
        );
        let h1 = async {
            match c2 {
                Ok(mut s) => (
                    exchange::http1_get(&mut s, &authority, cfg.timeout).await,
                    Some(hs2),
                ),
                Err(o) => (o, Some(hs2)),
            }
        };
        let (mut r, h1) = tokio::join!(calls, h1);
        https1 = h1;
        grpcs = (r.pop().unwrap_or_else(missing), Some(hs.clone()));
        h2 = (r.pop().unwrap_or_else(missing), Some(hs.clone()));
    } else {
        drop(c2);
        let mut s = stream;
        let h1 = exchange::http1_get(&mut s, &authority, cfg.timeout);
        let h2_conn = tls_connect(cfg, t, &[b"h2"], with_cert);
        let (h1, (c3, hs3)) = tokio::join!(h1, h2_conn);
        https1 = (h1, Some(hs.clone()));
        match c3 {
            Ok(s3) if hs3.alpn.as_deref() == Some("h2") => {
                let mut r =
                    exchange::h2_calls(s3, &authority, true, &[Call::Get, Call::Grpc], cfg.timeout)
                        .await;
                grpcs = (r.pop().unwrap_or_else(missing), Some(hs3.clone()));
                h2 = (r.pop().unwrap_or_else(missing), Some(hs3));
            }
            Ok(_) => {
                let o = Outcome::NoAnswer(format!(
                    "the server does not offer h2 (ALPN {})",
                    hs3.alpn.as_deref().unwrap_or("none")
                ));
                h2 = (o.clone(), Some(hs3.clone()));
                grpcs = (o, Some(hs3));
            }
            Err(o) => {
                h2 = (o.clone(), Some(hs3.clone()));
                grpcs = (o, Some(hs3));
            }
        }
    }
    Pass {
        tls: Ok(()),
        hs,
        https1,
        h2,
        grpcs,
    }
}

/// Make one request (h2 GET or HTTP/1.1 GET by ALPN) on an established TLS stream.
pub async fn first_answer(
    stream: TlsStream<TcpStream>,
    t: &Target,
    alpn: Option<&str>,
    timeout: Duration,
) -> Outcome {
    let authority = t.to_string();
    if alpn == Some("h2") {
        exchange::h2_calls(stream, &authority, true, &[Call::Get], timeout)
            .await
            .pop()
            .unwrap_or_else(missing)
    } else {
        let mut s = stream;
        exchange::http1_get(&mut s, &authority, timeout).await
    }
}

/// Whether an outcome is a refusal of the caller (TLS alert/close, 401/403, gRPC 16/7).
pub fn exchange_outcome_is_refusal(o: &Outcome) -> bool {
    matches!(
        o,
        Outcome::TlsRefused(_) | Outcome::Answer { denied: true, .. }
    )
}

fn missing() -> Outcome {
    Outcome::NoAnswer("no answer".into())
}

fn row(
    name: &str,
    served: bool,
    encrypted: bool,
    server_auth: &str,
    client_auth: &str,
    detail: String,
) -> Transport {
    Transport {
        transport: name.into(),
        served,
        encrypted,
        redirect: None,
        server_auth: server_auth.into(),
        client_auth: client_auth.into(),
        detail,
    }
}

fn server_auth_of(hs: Option<&Handshake>) -> &'static str {
    match hs.and_then(|h| h.server.trusted) {
        Some(true) => "trusted",
        Some(false) => "untrusted",
        None => "none",
    }
}

fn hs_detail(hs: &Handshake) -> String {
    let mut d = format!("{} {}", hs.version, hs.cipher);
    if let Some(a) = &hs.alpn {
        d.push_str(&format!(" alpn={a}"));
    }
    if hs.server.trusted == Some(false) {
        d.push_str(&format!(
            "; server certificate untrusted: {}",
            hs.server.why
        ));
    }
    d
}

/// Classify one TLS application transport from the pass without and with a certificate.
fn classify(
    name: &str,
    no: &(Outcome, Option<Handshake>),
    with: Option<&(Outcome, Option<Handshake>)>,
) -> Transport {
    let requested = no.1.as_ref().is_some_and(|h| h.cert_requested);
    let served = no.0.is_answer() || with.is_some_and(|w| w.0.is_answer());
    let hs =
        no.1.as_ref()
            .filter(|h| !h.version.is_empty())
            .or(with.and_then(|w| w.1.as_ref()));
    let mut detail = match hs {
        Some(h) if !h.version.is_empty() => format!("{}; ", hs_detail(h)),
        _ => String::new(),
    };
    detail.push_str(&format!("without client cert: {}", no.0));
    if let Some(w) = with {
        detail.push_str(&format!("; with client cert: {}", w.0));
    }
    let client_auth = match (&no.0, with.map(|w| &w.0)) {
        (Outcome::TlsRefused(_), _) => "required",
        (Outcome::Answer { denied: true, .. }, _) => "per-request",
        // A 4xx without the certificate and a success with it (nginx answers 400 "No
        // required SSL certificate was sent" with `ssl_verify_client on`): refused per request.
        (
            Outcome::Answer {
                code: 400..=499, ..
            },
            Some(Outcome::Answer {
                code: 200..=399, ..
            }),
        ) => "per-request",
        (Outcome::Answer { .. }, _) if requested => "optional",
        (Outcome::Answer { .. }, _) => "none",
        (Outcome::NoAnswer(_), Some(Outcome::Answer { .. })) => "required",
        (Outcome::NoAnswer(_), _) => "none",
    };
    let served_auth = if served || matches!(no.0, Outcome::TlsRefused(_)) {
        server_auth_of(hs)
    } else {
        "none"
    };
    row(
        name,
        served,
        true,
        served_auth,
        if served { client_auth } else { "none" },
        detail,
    )
}

/// Probe one target.
pub async fn probe(cfg: Arc<Config>, t: Target) -> TargetReport {
    let deadline = cfg.timeout * 3 + Duration::from_secs(1);
    let target = t.to_string();
    match tokio::time::timeout(deadline, probe_inner(cfg.clone(), t)).await {
        Ok(r) => r,
        Err(_) => {
            let names = ["http1", "h2c", "grpc", "tls", "https1", "h2", "grpcs"];
            TargetReport {
                target,
                transports: names
                    .iter()
                    .map(|n| {
                        row(
                            n,
                            false,
                            n.len() > 4 || *n == "tls" || *n == "h2",
                            "none",
                            "none",
                            format!("gave up after {deadline:?}"),
                        )
                    })
                    .collect(),
                summary: Summary {
                    encrypted: "none".into(),
                    mtls: "none".into(),
                },
                differences: None,
            }
        }
    }
}

async fn probe_inner(cfg: Arc<Config>, t: Target) -> TargetReport {
    let authority = t.to_string();
    let plain = async {
        let http1 = async {
            match connect(&t, cfg.timeout).await {
                Ok(mut s) => exchange::http1_get(&mut s, &authority, cfg.timeout).await,
                Err(e) => Outcome::NoAnswer(e),
            }
        };
        let h2c = async {
            match connect(&t, cfg.timeout).await {
                Ok(s) => exchange::h2_calls(s, &authority, false, &[Call::Get], cfg.timeout)
                    .await
                    .pop()
                    .unwrap_or_else(missing),
                Err(e) => Outcome::NoAnswer(e),
            }
        };
        let grpc = async {
            match connect(&t, cfg.timeout).await {
                Ok(s) => exchange::h2_calls(s, &authority, false, &[Call::Grpc], cfg.timeout)
                    .await
                    .pop()
                    .unwrap_or_else(missing),
                Err(e) => Outcome::NoAnswer(e),
            }
        };
        tokio::join!(http1, h2c, grpc)
    };
    let no_cert = tls_pass(&cfg, &t, false);
    let with_cert = async {
        if cfg.client.is_some() {
            Some(tls_pass(&cfg, &t, true).await)
        } else {
            None
        }
    };
    let ((http1, h2c, grpc), no, with) = tokio::join!(plain, no_cert, with_cert);

    let mut rows = Vec::new();
    // http1: a redirect to https is not content.
    let mut r = row(
        "http1",
        http1.is_answer(),
        false,
        "none",
        "none",
        http1.to_string(),
    );
    if let Outcome::Answer {
        location: Some(loc),
        code,
        ..
    } = &http1
    {
        if (300..400).contains(code) && loc.starts_with("https://") {
            r.redirect = Some(loc.clone());
        }
    }
    rows.push(r);
    rows.push(row(
        "h2c",
        h2c.is_answer(),
        false,
        "none",
        "none",
        h2c.to_string(),
    ));
    rows.push(row(
        "grpc",
        grpc.is_answer(),
        false,
        "none",
        "none",
        grpc.to_string(),
    ));

    // tls: the handshake itself.
    let with_ref = with.as_ref();
    let tls_served = no.tls.is_ok()
        || matches!(no.tls, Err(Outcome::TlsRefused(_)))
        || with_ref.is_some_and(|w| w.tls.is_ok());
    let refused_without = [&no.https1.0, &no.h2.0, &no.grpcs.0]
        .iter()
        .any(|o| matches!(o, Outcome::TlsRefused(_)));
    let tls_client_auth = if !tls_served {
        "none"
    } else if refused_without {
        "required"
    } else if no.hs.cert_requested {
        "optional"
    } else {
        "none"
    };
    let tls_detail = match (&no.tls, with_ref) {
        (Ok(()), _) => format!(
            "{}; client certificate {}",
            hs_detail(&no.hs),
            if no.hs.cert_requested {
                "requested"
            } else {
                "not requested"
            }
        ),
        (Err(o), Some(w)) if w.tls.is_ok() => {
            format!("{}; without client cert: {o}", hs_detail(&w.hs))
        }
        (Err(o), _) => o.to_string(),
    };
    let tls_hs = if no.tls.is_ok() {
        Some(&no.hs)
    } else {
        with_ref.map(|w| &w.hs)
    };
    rows.push(row(
        "tls",
        tls_served,
        true,
        if tls_served {
            server_auth_of(tls_hs)
        } else {
            "none"
        },
        tls_client_auth,
        tls_detail,
    ));
    rows.push(classify("https1", &no.https1, with_ref.map(|w| &w.https1)));
    rows.push(classify("h2", &no.h2, with_ref.map(|w| &w.h2)));
    rows.push(classify("grpcs", &no.grpcs, with_ref.map(|w| &w.grpcs)));

    let summary = summarize(&rows);
    TargetReport {
        target: authority,
        transports: rows,
        summary,
        differences: None,
    }
}

/// DESIGN.md's summary: a plaintext redirect is not content.
pub fn summarize(rows: &[Transport]) -> Summary {
    let get = |n: &str| rows.iter().find(|r| r.transport == n);
    let plaintext_content = ["http1", "h2c", "grpc"]
        .iter()
        .filter_map(|n| get(n))
        .any(|r| r.served && r.redirect.is_none());
    let tls_apps: Vec<&Transport> = ["https1", "h2", "grpcs"]
        .iter()
        .filter_map(|n| get(n))
        .filter(|r| r.served)
        .collect();
    let tls_served = !tls_apps.is_empty() || get("tls").is_some_and(|r| r.served);
    let encrypted = match (plaintext_content, tls_served) {
        (false, true) => "all",
        (true, true) => "partial",
        _ => "none",
    };
    let enforced = tls_apps
        .iter()
        .filter(|r| matches!(r.client_auth.as_str(), "required" | "per-request"))
        .count();
    let mtls = if enforced == 0 {
        "none"
    } else if enforced == tls_apps.len() && !plaintext_content {
        "enforced"
    } else {
        "partial"
    };
    Summary {
        encrypted: encrypted.into(),
        mtls: mtls.into(),
    }
}
