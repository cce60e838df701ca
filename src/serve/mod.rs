//! `secctl serve`: a reference single-port node (Synnax RFC 0009). The first bytes of each
//! connection decide: a TLS ClientHello goes to TLS (ALPN h2 and http/1.1, client
//! certificates verified against the bundle and CRL when given); plaintext HTTP/1.1 gets a
//! 308 redirect to the https URL of the same port and path. Over TLS it serves HTTP/1.1,
//! HTTP/2 and gRPC `grpc.health.v1.Health/Check`. `--insecure` serves plaintext HTTP/1.1,
//! h2c and gRPC instead.
//!
//! Exhaustion limits (see [`Limits`]): a connection cap (at it, the oldest connection that
//! has not authenticated is closed to admit a new one; when every open connection has, the
//! new one is closed at once: see [`Conn`]), a deadline for the first byte, the TLS
//! handshake and each request head and body, an idle timeout for connections with no
//! request in flight (HTTP/1.1 and HTTP/2), bounded HTTP/2 streams, windows, frames and
//! header lists, and authorization before any byte of a request body is read. The
//! certificate, key, bundle and CRL are reloaded when their files change and on request
//! (SIGHUP); a reload that fails keeps the configuration in force; a CRL past its
//! nextUpdate is refused.
//!
//! `--authz FILE` decides every request by a policy ([`crate::pki::authz`]) before its
//! method is looked up; the policy is reloaded with the certificates (SIGHUP, a change of its
//! file), on its own: a policy that does not load keeps the one in force, and a certificate
//! reload never waits on the policy.

mod authz;
mod service;
mod state;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use rustls::server::danger::ClientCertVerifier;
use rustls::server::WebPkiClientVerifier;
use rustls::RootCertStore;
use rustls_pki_types::CertificateRevocationListDer;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use crate::error::{Error, Result};
use crate::pki::authz::Policy;
use crate::tlsconf;

pub use service::Identity;
pub use state::{
    Activity, ClientAuth, Conn, GrpcAuth, InFlight, Limits, Options, PeerChain, State,
    DEFAULT_MAX_CONNECTIONS, MAX_BODY,
};
use state::{Current, FileVersion, Unauthenticated};

/// HTTP/2 streams open at once per connection.
pub const MAX_STREAMS: u32 = 32;
/// HTTP/2 flow-control windows: what a peer may make us buffer per stream and per connection.
const STREAM_WINDOW: u32 = 64 * 1024;
const CONN_WINDOW: u32 = 256 * 1024;
/// HTTP/2 frame size, header list size and send buffer.
const MAX_FRAME: u32 = 16 * 1024;
const MAX_HEADER_LIST: u32 = 16 * 1024;
const MAX_SEND_BUF: usize = 64 * 1024;
/// HTTP/1.1 read buffer (the whole request head must fit) and header count.
const H1_MAX_BUF: usize = 32 * 1024;
const H1_MAX_HEADERS: usize = 64;

type WantsCert = rustls::ConfigBuilder<rustls::ServerConfig, rustls::server::WantsServerCert>;

fn server_config(
    o: &Options,
    roots: Option<&Arc<RootCertStore>>,
    crls: Vec<CertificateRevocationListDer<'static>>,
) -> Result<(WantsCert, Option<Arc<dyn ClientCertVerifier>>)> {
    let builder = rustls::ServerConfig::builder_with_provider(tlsconf::provider())
        .with_safe_default_protocol_versions()
        .map_err(Error::internal)?;
    Ok(match roots {
        Some(roots) => {
            let mut vb =
                WebPkiClientVerifier::builder_with_provider(roots.clone(), tlsconf::provider());
            if !crls.is_empty() {
                vb = vb.with_crls(crls);
            }
            if o.client_auth != ClientAuth::Required {
                vb = vb.allow_unauthenticated();
            }
            let v = vb
                .build()
                .map_err(|e| Error::Usage(format!("cannot verify client certificates: {e}")))?;
            (builder.with_client_cert_verifier(v.clone()), Some(v))
        }
        None => (builder.with_no_client_auth(), None),
    })
}

fn finish(mut cfg: rustls::ServerConfig) -> tokio_rustls::TlsAcceptor {
    cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    tokio_rustls::TlsAcceptor::from(Arc::new(cfg))
}

/// The highest CRL number among CRLs (None: none carries one).
fn crl_number(crls: &[CertificateRevocationListDer<'static>]) -> Option<String> {
    crls.iter()
        .filter_map(|d| {
            let (_, crl) = x509_parser::parse_x509_crl(d.as_ref()).ok()?;
            crl.crl_number().cloned()
        })
        .max()
        .map(|n| n.to_string())
}

/// Refuse a CRL file holding a CRL past its nextUpdate: it may lack every revocation made
/// since (an old CRL put back by whoever can write the file lets the revoked in again). At
/// start serve exits; at a reload the CRL in force stays. (A CRL that does not parse is
/// refused when the verifier is built; one without nextUpdate is taken as it is.) The
/// earliest nextUpdate otherwise.
fn refuse_stale(
    path: &Path,
    crls: &[CertificateRevocationListDer<'static>],
    now: time::OffsetDateTime,
) -> Result<Option<time::OffsetDateTime>> {
    let mut earliest: Option<time::OffsetDateTime> = None;
    for d in crls {
        let Ok((_, crl)) = x509_parser::parse_x509_crl(d.as_ref()) else {
            continue;
        };
        if let Some(next) = crl.next_update().map(|t| t.to_datetime()) {
            if next < now {
                return Err(Error::path(
                    path,
                    format!(
                        "the CRL of {} is past its nextUpdate ({}): refused (publish a new one with `secctl crl`)",
                        crl.issuer(),
                        crate::output::fmt_time(next)
                    ),
                ));
            }
            earliest = Some(earliest.map_or(next, |e| e.min(next)));
        }
    }
    Ok(earliest)
}

/// Load the certificate, key, client-verifying bundle and CRL from their files and build a
/// TLS configuration (a fresh session cache, so no session made before resumes past a
/// revocation). Everything or nothing: an unusable file is an error and changes nothing.
fn build_tls(o: &Options, generation: u64) -> Result<Current> {
    let (cert, key) = match (&o.cert, &o.key) {
        (Some(c), Some(k)) => (c, k),
        _ => {
            return Err(Error::Usage(
                "serve needs --cert and --key (or --insecure)".into(),
            ))
        }
    };
    let chain = tlsconf::load_chain(&o.files, cert)?;
    let key_der = tlsconf::load_key(&o.files, key)?;
    let leaf = chain
        .first()
        .and_then(|c| crate::pki::inspect::CertInfo::from_der("leaf", c.as_ref()).ok());
    let roots = if o.verifies_client_certs() {
        let ca = o.ca.as_ref().ok_or_else(|| {
            Error::Usage("client certificates need --ca BUNDLE to verify them against".into())
        })?;
        Some(tlsconf::load_roots(&o.files, ca)?)
    } else {
        None
    };
    let (crls, crl_expires) = match (&roots, &o.crl) {
        (Some(_), Some(crl)) => {
            let crls = tlsconf::load_crls(&o.files, crl)?;
            let expires = refuse_stale(crl, &crls, time::OffsetDateTime::now_utc())?;
            (crls, expires)
        }
        _ => (Vec::new(), None),
    };
    let mut summary = format!(
        "certificate {}{}",
        cert.display(),
        leaf.map(|l| format!(
            " (serial {}, until {})",
            l.serial,
            crate::output::fmt_time(l.not_after)
        ))
        .unwrap_or_default()
    );
    if let (Some(_), Some(p)) = (&roots, &o.crl) {
        summary.push_str(&format!(
            " and CRL {} (CRL number {}, {} CRL{})",
            p.display(),
            crl_number(&crls).unwrap_or_else(|| "none".into()),
            crls.len(),
            if crls.len() == 1 { "" } else { "s" }
        ));
    }
    let (builder, verifier) =
        server_config(o, roots.as_ref(), crls).map_err(|e| match (e, &o.crl) {
            (Error::Usage(m), Some(crl)) => Error::path(crl, m),
            (e, _) => e,
        })?;
    let cfg = builder
        .with_single_cert(chain, key_der)
        .map_err(|e| Error::path(key, format!("does not match {} ({e})", cert.display())))?;
    Ok(Current {
        acceptor: finish(cfg),
        verifier,
        generation,
        summary,
        crl_expires,
    })
}

/// What identifies a version of a file: device, inode, size, mtime and ctime.
fn file_version(p: &Path) -> std::io::Result<FileVersion> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(p)?;
    Ok((
        m.dev(),
        m.ino(),
        m.size(),
        m.mtime(),
        m.mtime_nsec(),
        m.ctime(),
        m.ctime_nsec(),
    ))
}

/// The files a TLS configuration is built from: certificate, key, and (when client
/// certificates are verified) the bundle and the CRL.
fn watched_files(o: &Options) -> Vec<PathBuf> {
    if o.insecure {
        return vec![];
    }
    let mut v: Vec<PathBuf> = [&o.cert, &o.key].into_iter().flatten().cloned().collect();
    if o.verifies_client_certs() {
        v.extend([&o.ca, &o.crl].into_iter().flatten().cloned());
    }
    v
}

fn versions(files: &[PathBuf]) -> Vec<Option<FileVersion>> {
    files.iter().map(|p| file_version(p).ok()).collect()
}

/// Everything watched: the files of the TLS configuration, then the policy file (if any).
fn all_watched(o: &Options) -> Vec<PathBuf> {
    let mut v = watched_files(o);
    v.extend(o.authz.iter().cloned());
    v
}

/// What a reload loads again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Parts {
    tls: bool,
    policy: bool,
}

/// Why a reload happens.
#[derive(Debug, Clone, Copy)]
enum Trigger {
    Signal,
    FileChange,
}

impl Trigger {
    fn as_str(self) -> &'static str {
        match self {
            Trigger::Signal => "on SIGHUP",
            Trigger::FileChange => "after a file change",
        }
    }
}

/// Load `parts` again: the TLS configuration (all or nothing: on any error the one in force
/// is kept) and the policy (the same), each with one log line either way. `seen`: the file
/// versions stat'ed before loading.
fn reload(state: &State, why: Trigger, seen: Vec<Option<FileVersion>>, parts: Parts) {
    if let Ok(mut l) = state.loaded.lock() {
        *l = seen;
    }
    if parts.tls {
        reload_tls(state, why);
    }
    if parts.policy {
        reload_policy(state, why);
    }
}

/// Load the policy file again; keep the policy in force when it does not load.
fn reload_policy(state: &State, why: Trigger) {
    let Some(path) = &state.opts.authz else {
        return;
    };
    match crate::pki::authz::load(path) {
        Ok(p) => {
            let line = format!(
                "serve: reloaded authorization policy {} ({}) {}",
                path.display(),
                rule_count(&p),
                why.as_str()
            );
            *state.policy.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(p));
            crate::output::log_line(&line);
        }
        Err(e) => crate::output::log_line(&format!(
            "serve: reload of the authorization policy {} failed, keeping the previous policy: {e}",
            why.as_str()
        )),
    }
}

/// "1 rule", "4 rules".
pub fn rule_count(p: &Policy) -> String {
    let n = p.rules.len();
    format!("{n} rule{}", if n == 1 { "" } else { "s" })
}

/// Load the TLS configuration again and swap it; on any error keep the one in force.
fn reload_tls(state: &State, why: Trigger) {
    if state.opts.insecure {
        crate::output::log_line(&format!(
            "serve: nothing to reload {} (--insecure serves no certificate)",
            why.as_str()
        ));
        return;
    }
    let generation = state
        .tls
        .read()
        .ok()
        .and_then(|g| g.as_ref().map(|c| c.generation + 1))
        .unwrap_or(0);
    match build_tls(&state.opts, generation) {
        Ok(current) => {
            let line = format!("serve: reloaded {} {}", current.summary, why.as_str());
            if let Ok(mut g) = state.tls.write() {
                *g = Some(current);
            }
            crate::output::log_line(&line);
        }
        Err(e) => crate::output::log_line(&format!(
            "serve: reload {} failed, keeping the previous certificate and CRL: {e}",
            why.as_str()
        )),
    }
}

/// Reload on request (SIGHUP), and, every `interval` when given, when a watched file has
/// changed since the configuration in force was loaded. A change is acted on once the
/// files have stopped changing for a moment (a renewal replaces key and certificate one
/// after the other); each change is logged once, a failed one too.
async fn watch(state: Arc<State>, interval: Option<Duration>) {
    let files = all_watched(&state.opts);
    // The TLS files come first, then the policy file.
    let n_tls = watched_files(&state.opts).len();
    // The generation whose CRL was said to have passed its nextUpdate.
    let mut said: Option<u64> = None;
    loop {
        let tick = async {
            match interval {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending::<()>().await,
            }
        };
        let in_force = state
            .tls
            .read()
            .ok()
            .and_then(|g| g.as_ref().map(|c| (c.generation, c.crl_expires)));
        let expiry = async {
            match in_force {
                Some((generation, Some(at))) if said != Some(generation) => {
                    // The wall clock is looked at again at least every minute (it may jump).
                    while let Ok(left) = Duration::try_from(at - time::OffsetDateTime::now_utc()) {
                        if left.is_zero() {
                            break;
                        }
                        tokio::time::sleep(left.min(Duration::from_secs(60))).await;
                    }
                    (generation, at)
                }
                _ => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = state.reload.notified() => {
                let parts = Parts { tls: true, policy: true };
                reload(&state, Trigger::Signal, versions(&files), parts);
                continue;
            }
            (generation, at) = expiry => {
                said = Some(generation);
                // Still applied: dropping it would let every revoked certificate in, and
                // refusing every client would take the node down; a newer one is loaded
                // as soon as its file changes.
                crate::output::log_line(&format!(
                    "serve: the CRL in force ({}) passed its nextUpdate ({}): still applied until a newer one is loaded (publish one with `secctl crl`)",
                    state.opts.crl.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
                    crate::output::fmt_time(at)
                ));
                continue;
            }
            _ = tick => {}
        }
        let mut now = versions(&files);
        let loaded = state.loaded.lock().map(|l| l.clone()).unwrap_or_default();
        if now == loaded {
            continue;
        }
        // Settle: the same versions twice, 200 ms apart.
        for _ in 0..25 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let again = versions(&files);
            if again == now {
                break;
            }
            now = again;
        }
        // Only what changed: a new policy does not rebuild the TLS configuration (nor drop
        // its session cache), a renewed certificate does not reread the policy.
        let changed = |a: usize, b: usize| now.get(a..b) != loaded.get(a..b);
        let parts = Parts {
            tls: changed(0, n_tls),
            policy: changed(n_tls, files.len()),
        };
        reload(&state, Trigger::FileChange, now, parts);
    }
}

/// A bound server, ready to run.
pub struct Server {
    listeners: Vec<TcpListener>,
    state: Arc<State>,
}

impl Server {
    /// Load the TLS material and bind every address.
    pub async fn bind(opts: Options) -> Result<Server> {
        if opts.limits.max_connections == 0 {
            return Err(Error::Usage("--max-connections must be at least 1".into()));
        }
        // Stat'ed before loading: a change while loading is seen by the next look.
        let loaded = versions(&all_watched(&opts));
        let tls = if opts.insecure {
            None
        } else {
            Some(build_tls(&opts, 0)?)
        };
        let policy = match &opts.authz {
            Some(p) => Some(Arc::new(crate::pki::authz::load(p)?)),
            None => None,
        };
        let mut listeners = Vec::with_capacity(opts.listen.len());
        for addr in &opts.listen {
            listeners.push(
                TcpListener::bind(addr)
                    .await
                    .map_err(|e| Error::input(addr, format!("cannot listen ({e})")))?,
            );
        }
        let slots = Arc::new(Semaphore::new(opts.limits.max_connections));
        Ok(Server {
            listeners,
            state: Arc::new(State {
                opts,
                tls: RwLock::new(tls),
                slots,
                unauthenticated: Arc::new(Unauthenticated::default()),
                loaded: std::sync::Mutex::new(loaded),
                reload: Arc::new(tokio::sync::Notify::new()),
                policy: RwLock::new(policy),
            }),
        })
    }

    /// The bound addresses.
    pub fn local_addrs(&self) -> Result<Vec<SocketAddr>> {
        self.listeners
            .iter()
            .map(|l| l.local_addr().map_err(|e| Error::io("local address", e)))
            .collect()
    }

    /// The authorization policy in force (None: no `--authz`).
    pub fn policy(&self) -> Option<Arc<Policy>> {
        self.state
            .policy
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// A handle that asks the running server to reload its certificate, key, bundle, CRL
    /// and policy now (what SIGHUP does).
    pub fn reloader(&self) -> Arc<tokio::sync::Notify> {
        self.state.reload.clone()
    }

    /// Serve until `shutdown` resolves; returns what it resolved to.
    pub async fn run<T>(self, shutdown: impl std::future::Future<Output = T>) -> Result<T> {
        let mut loops = Vec::new();
        loops.push(tokio::spawn(watch(
            self.state.clone(),
            self.state.opts.watch_interval,
        )));
        for listener in self.listeners {
            let state = self.state.clone();
            loops.push(tokio::spawn(async move {
                let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
                loop {
                    let Ok((stream, peer)) = listener.accept().await else {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    };
                    let Some(permit) = admit(&state).await else {
                        // Closed at once: a full server must not queue connections (each
                        // one an open descriptor) behind slow ones.
                        drop(stream);
                        log(
                            &state,
                            &format!(
                                "{peer}: closed: {} connections open, all authenticated (--max-connections)",
                                state.opts.limits.max_connections
                            ),
                        );
                        continue;
                    };
                    let conn = Arc::new(state.unauthenticated.register());
                    let state = state.clone();
                    tokio::spawn(async move {
                        tokio::select! {
                            _ = handle(state.clone(), stream, peer, port, conn.clone()) => {}
                            _ = conn.evicted() => log(
                                &state,
                                &format!(
                                    "{peer}: closed to admit a new connection: the oldest unauthenticated of {} open (--max-connections)",
                                    state.opts.limits.max_connections
                                ),
                            ),
                        }
                        // The socket is closed (dropped with the connection's future) before
                        // its slot is given back.
                        drop(conn);
                        drop(permit);
                    });
                }
            }));
        }
        let out = shutdown.await;
        for l in loops {
            l.abort();
        }
        Ok(out)
    }
}

/// How long a new connection waits for the slot of the connection closed to admit it.
const EVICTION_WAIT: Duration = Duration::from_secs(1);

/// A slot for a new connection: a free one, or, at the cap, the slot of the oldest open
/// connection that has not authenticated, once that one is closed (its descriptor freed, so
/// the cap still bounds descriptors). None: every open connection has authenticated.
async fn admit(state: &State) -> Option<tokio::sync::OwnedSemaphorePermit> {
    if let Ok(p) = state.slots.clone().try_acquire_owned() {
        return Some(p);
    }
    if !state.unauthenticated.evict_oldest() {
        return None;
    }
    tokio::time::timeout(EVICTION_WAIT, state.slots.clone().acquire_owned())
        .await
        .ok()
        .and_then(|r| r.ok())
}

fn log(state: &State, line: &str) {
    if state.opts.verbose {
        crate::output::log_line(line);
    }
}

fn h1_builder(l: &Limits) -> hyper::server::conn::http1::Builder {
    let mut b = hyper::server::conn::http1::Builder::new();
    b.timer(TokioTimer::new())
        .header_read_timeout(l.header_timeout)
        .max_buf_size(H1_MAX_BUF)
        .max_headers(H1_MAX_HEADERS);
    b
}

fn h2_builder() -> hyper::server::conn::http2::Builder<TokioExecutor> {
    let mut b = hyper::server::conn::http2::Builder::new(TokioExecutor::new());
    b.timer(TokioTimer::new())
        .max_concurrent_streams(MAX_STREAMS)
        .initial_stream_window_size(STREAM_WINDOW)
        .initial_connection_window_size(CONN_WINDOW)
        .adaptive_window(false)
        .max_frame_size(MAX_FRAME)
        .max_header_list_size(MAX_HEADER_LIST)
        .max_send_buf_size(MAX_SEND_BUF)
        .max_pending_accept_reset_streams(Some(20))
        .max_local_error_reset_streams(Some(64));
    b
}

fn auto_builder(l: &Limits) -> hyper_util::server::conn::auto::Builder<TokioExecutor> {
    let mut b = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    b.http1()
        .timer(TokioTimer::new())
        .header_read_timeout(l.header_timeout)
        .max_buf_size(H1_MAX_BUF)
        .max_headers(H1_MAX_HEADERS);
    b.http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(MAX_STREAMS)
        .initial_stream_window_size(STREAM_WINDOW)
        .initial_connection_window_size(CONN_WINDOW)
        .adaptive_window(false)
        .max_frame_size(MAX_FRAME)
        .max_header_list_size(MAX_HEADER_LIST)
        .max_send_buf_size(MAX_SEND_BUF)
        .max_pending_accept_reset_streams(Some(20))
        .max_local_error_reset_streams(Some(64));
    b
}

/// Drive a hyper connection until it ends or has been idle for the idle timeout; then ask
/// it to shut down gracefully (HTTP/2 GOAWAY) and drop it after one more second.
macro_rules! serve_watched {
    ($state:expr, $peer:expr, $act:expr, $conn:expr) => {{
        let conn = $conn;
        tokio::pin!(conn);
        let idle = $state.opts.limits.idle_timeout;
        tokio::select! {
            _ = conn.as_mut() => {}
            _ = $act.idle(idle) => {
                log(&$state, &format!("{}: idle for {}s: closed", $peer, idle.as_secs_f64()));
                conn.as_mut().graceful_shutdown();
                let _ = tokio::time::timeout(Duration::from_secs(1), conn).await;
            }
        }
    }};
}

async fn handle(
    state: Arc<State>,
    stream: TcpStream,
    peer: SocketAddr,
    port: u16,
    registered: Arc<Conn>,
) {
    let _ = stream.set_nodelay(true);
    let limits = state.opts.limits;
    let mut first = [0u8; 1];
    let n = match tokio::time::timeout(limits.header_timeout, stream.peek(&mut first)).await {
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
    let current = state.tls.read().ok().and_then(|g| g.clone());
    let act = Activity::new();
    match (current.map(|c| (c.acceptor, c.generation)), is_tls) {
        (Some((acceptor, generation)), true) => {
            let tls =
                match tokio::time::timeout(limits.header_timeout, acceptor.accept(stream)).await {
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
            // A client certificate here is one the verifier accepted.
            if conn.peer_certificates().is_some() {
                registered.authenticated();
            }
            let identity = conn
                .peer_certificates()
                .and_then(|c| c.first())
                .and_then(|c| Identity::of(c, state.opts.trust_domain.as_deref()));
            let peer_chain = conn.peer_certificates().map(|c| {
                Arc::new(PeerChain {
                    chain: c.to_vec(),
                    checked: std::sync::Mutex::new((generation, Ok(()))),
                })
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
                peer,
                identity,
                peer_chain,
                tls: true,
                activity: act.clone(),
                conn: registered,
            };
            let io = TokioIo::new(tls);
            if h2 {
                serve_watched!(state, peer, act, h2_builder().serve_connection(io, svc));
            } else {
                serve_watched!(
                    state,
                    peer,
                    act,
                    h1_builder(&limits).serve_connection(io, svc)
                );
            }
        }
        (Some(_), false) => {
            log(&state, &format!("{peer}: plaintext: redirecting to https"));
            let svc = service::Redirect {
                port,
                activity: act.clone(),
            };
            serve_watched!(
                state,
                peer,
                act,
                h1_builder(&limits).serve_connection(TokioIo::new(stream), svc)
            );
        }
        (None, _) => {
            log(&state, &format!("{peer}: plaintext (insecure mode)"));
            let svc = service::Svc {
                state: state.clone(),
                peer,
                identity: None,
                peer_chain: None,
                tls: false,
                activity: act.clone(),
                conn: registered,
            };
            let builder = auto_builder(&limits);
            serve_watched!(
                state,
                peer,
                act,
                builder.serve_connection(TokioIo::new(stream), svc)
            );
        }
    }
}
