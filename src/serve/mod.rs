//! `secctl serve`: a reference single-port node (Synnax RFC 0009). The first bytes of each
//! connection decide: a TLS ClientHello goes to TLS (ALPN h2 and http/1.1, client
//! certificates verified against the bundle and CRL when given); plaintext HTTP/1.1 gets a
//! 308 redirect to the https URL of the same port and path. Over TLS it serves HTTP/1.1,
//! HTTP/2 and gRPC `grpc.health.v1.Health/Check`. `--insecure` serves plaintext HTTP/1.1,
//! h2c and gRPC instead.

mod service;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::server::WebPkiClientVerifier;
use serde::Serialize;
use tokio::net::{TcpListener, TcpStream};

use crate::error::{Error, Result};
use crate::tlsconf;

pub use service::Identity;

/// How the TLS handshake treats client certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ClientAuth {
    /// Never ask for one.
    None,
    /// Ask; verify it if given; let everyone in.
    Optional,
    /// Refuse the handshake without a valid one.
    Required,
}

/// Per-request authentication of gRPC calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum GrpcAuth {
    /// Anyone.
    None,
    /// Status 16 UNAUTHENTICATED without a verified client certificate.
    Mtls,
}

/// Everything `serve` needs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Addresses to listen on (port 0: an ephemeral port), all served alike.
    pub listen: Vec<SocketAddr>,
    /// Server chain and key (not with `insecure`).
    pub cert: Option<PathBuf>,
    /// Server key.
    pub key: Option<PathBuf>,
    /// Bundle that verifies client certificates.
    pub ca: Option<PathBuf>,
    /// CRL checked for client certificates.
    pub crl: Option<PathBuf>,
    /// Handshake policy.
    pub client_auth: ClientAuth,
    /// gRPC policy.
    pub grpc_auth: GrpcAuth,
    /// Roles allowed per request (empty: any).
    pub allow_roles: Vec<String>,
    /// Plaintext only.
    pub insecure: bool,
    /// Log one line per connection.
    pub verbose: bool,
}

/// Shared state of a running server.
pub struct State {
    opts: Options,
    tls: Option<tokio_rustls::TlsAcceptor>,
}

fn build_tls(o: &Options) -> Result<tokio_rustls::TlsAcceptor> {
    let (cert, key) = match (&o.cert, &o.key) {
        (Some(c), Some(k)) => (c, k),
        _ => {
            return Err(Error::Usage(
                "serve needs --cert and --key (or --insecure)".into(),
            ))
        }
    };
    let chain = tlsconf::load_chain(cert)?;
    let key_der = tlsconf::load_key(key)?;
    // Asking for a certificate is needed for per-request checks too.
    let wants_certs = o.client_auth != ClientAuth::None
        || o.grpc_auth == GrpcAuth::Mtls
        || !o.allow_roles.is_empty();
    let builder = rustls::ServerConfig::builder_with_provider(tlsconf::provider())
        .with_safe_default_protocol_versions()
        .map_err(Error::internal)?;
    let builder = if wants_certs {
        let ca = o.ca.as_ref().ok_or_else(|| {
            Error::Usage("client certificates need --ca BUNDLE to verify them against".into())
        })?;
        let roots = tlsconf::load_roots(ca)?;
        let mut vb = WebPkiClientVerifier::builder_with_provider(roots, tlsconf::provider());
        if let Some(crl) = &o.crl {
            vb = vb.with_crls(tlsconf::load_crls(crl)?);
        }
        if o.client_auth != ClientAuth::Required {
            vb = vb.allow_unauthenticated();
        }
        let v = vb
            .build()
            .map_err(|e| Error::Usage(format!("cannot verify client certificates: {e}")))?;
        builder.with_client_cert_verifier(v)
    } else {
        builder.with_no_client_auth()
    };
    let mut cfg = builder
        .with_single_cert(chain, key_der)
        .map_err(|e| Error::path(key, format!("does not match {} ({e})", cert.display())))?;
    cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(cfg)))
}

/// A bound server, ready to run.
pub struct Server {
    listeners: Vec<TcpListener>,
    state: Arc<State>,
}

impl Server {
    /// Load the TLS material and bind every address.
    pub async fn bind(opts: Options) -> Result<Server> {
        let tls = if opts.insecure {
            None
        } else {
            Some(build_tls(&opts)?)
        };
        let mut listeners = Vec::with_capacity(opts.listen.len());
        for addr in &opts.listen {
            listeners.push(
                TcpListener::bind(addr)
                    .await
                    .map_err(|e| Error::input(addr, format!("cannot listen ({e})")))?,
            );
        }
        Ok(Server {
            listeners,
            state: Arc::new(State { opts, tls }),
        })
    }

    /// The bound addresses.
    pub fn local_addrs(&self) -> Result<Vec<SocketAddr>> {
        self.listeners
            .iter()
            .map(|l| l.local_addr().map_err(|e| Error::io("local address", e)))
            .collect()
    }

    /// Serve until `shutdown` resolves.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()>) -> Result<()> {
        let mut loops = Vec::new();
        for listener in self.listeners {
            let state = self.state.clone();
            loops.push(tokio::spawn(async move {
                let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
                loop {
                    match listener.accept().await {
                        Ok((stream, peer)) => {
                            tokio::spawn(handle(state.clone(), stream, peer, port));
                        }
                        Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                    }
                }
            }));
        }
        shutdown.await;
        for l in loops {
            l.abort();
        }
        Ok(())
    }
}

fn log(state: &State, line: &str) {
    if state.opts.verbose {
        crate::output::log_line(line);
    }
}

async fn handle(state: Arc<State>, stream: TcpStream, peer: SocketAddr, port: u16) {
    let _ = stream.set_nodelay(true);
    let mut first = [0u8; 1];
    let n = match tokio::time::timeout(Duration::from_secs(10), stream.peek(&mut first)).await {
        Ok(Ok(n)) => n,
        _ => {
            log(
                &state,
                &format!("{peer}: closed or silent before the first byte"),
            );
            return;
        }
    };
    if n == 0 {
        return;
    }
    let is_tls = first[0] == 0x16;
    match (&state.tls, is_tls) {
        (Some(acceptor), true) => {
            let tls = match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream))
                .await
            {
                Ok(Ok(s)) => s,
                Ok(Err(e)) => {
                    log(&state, &format!("{peer}: TLS handshake failed: {e}"));
                    return;
                }
                Err(_) => {
                    log(&state, &format!("{peer}: TLS handshake timed out"));
                    return;
                }
            };
            let (_, conn) = tls.get_ref();
            let identity = conn
                .peer_certificates()
                .and_then(|c| c.first())
                .and_then(|c| tlsconf::identity(c))
                .map(|(name, role, spiffe)| Identity {
                    name,
                    role,
                    spiffe_id: spiffe,
                });
            let h2 = conn.alpn_protocol() == Some(b"h2");
            log(
                &state,
                &format!(
                    "{peer}: TLS {} {} identity={}",
                    conn.protocol_version()
                        .map(|v| format!("{v:?}"))
                        .unwrap_or_default(),
                    if h2 { "h2" } else { "http/1.1" },
                    identity
                        .as_ref()
                        .map_or("anonymous".to_string(), |i| format!(
                            "{}/{}",
                            i.role, i.name
                        ))
                ),
            );
            let svc = service::Svc {
                state: state.clone(),
                identity,
                tls: true,
            };
            let io = TokioIo::new(tls);
            let _ = if h2 {
                hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                    .max_header_list_size(64 * 1024)
                    .serve_connection(io, svc)
                    .await
            } else {
                hyper::server::conn::http1::Builder::new()
                    .max_buf_size(64 * 1024)
                    .serve_connection(io, svc)
                    .await
            };
        }
        (Some(_), false) => {
            log(&state, &format!("{peer}: plaintext: redirecting to https"));
            let svc = service::Redirect { port };
            let _ = hyper::server::conn::http1::Builder::new()
                .max_buf_size(64 * 1024)
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        }
        (None, _) => {
            log(&state, &format!("{peer}: plaintext (insecure mode)"));
            let svc = service::Svc {
                state: state.clone(),
                identity: None,
                tls: false,
            };
            let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        }
    }
}
