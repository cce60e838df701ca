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

mod service;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use rustls::server::danger::ClientCertVerifier;
use rustls::server::WebPkiClientVerifier;
use rustls::RootCertStore;
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer};
use serde::Serialize;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore};

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

/// What a connection may cost before it is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// Connections served at once; at it, a new connection takes the place of the oldest
    /// one that has not authenticated, or is closed at once when every one has.
    pub max_connections: usize,
    /// Deadline for the first byte, the TLS handshake, each request head (HTTP/1.1: from
    /// the moment the connection waits for it, keep-alive included) and each request body.
    #[serde(serialize_with = "secs")]
    pub header_timeout: Duration,
    /// A connection with no request in flight for this long is closed (HTTP/1.1, HTTP/2).
    #[serde(serialize_with = "secs")]
    pub idle_timeout: Duration,
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: DEFAULT_MAX_CONNECTIONS as usize,
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
        }
    }
}

/// Below the usual `ulimit -n` of 1024, with room for the listeners, the CRL and the runtime.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 768;
/// Largest request body accepted (the handlers need none: it is read, counted and dropped).
pub const MAX_BODY: u64 = 1 << 20;
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
    /// How often the certificate, key, bundle and CRL files are looked at for a change
    /// (None: only reloaded on request, see [`Server::reloader`]).
    pub watch_interval: Option<Duration>,
    /// Handshake policy.
    pub client_auth: ClientAuth,
    /// gRPC policy.
    pub grpc_auth: GrpcAuth,
    /// Roles allowed per request (empty: any).
    pub allow_roles: Vec<String>,
    /// The cluster's SPIFFE trust domain: roles are established under the identity rule
    /// (`pki::identity`) only with it.
    pub trust_domain: Option<String>,
    /// Plaintext only.
    pub insecure: bool,
    /// Log one line per connection.
    pub verbose: bool,
    /// Connection cap and timeouts.
    pub limits: Limits,
}

impl Options {
    /// Whether the handshake asks for (and verifies) client certificates: for
    /// `--client-auth optional|required` and for per-request checks.
    pub fn verifies_client_certs(&self) -> bool {
        !self.insecure
            && (self.client_auth != ClientAuth::None
                || self.grpc_auth == GrpcAuth::Mtls
                || !self.allow_roles.is_empty())
    }
}

/// Shared state of a running server.
pub struct State {
    opts: Options,
    /// The current TLS configuration; replaced at each reload.
    tls: RwLock<Option<Current>>,
    /// Connection slots (one per open connection, released once its socket is closed).
    slots: Arc<Semaphore>,
    /// The open connections that have not authenticated, oldest first.
    unauthenticated: Arc<Unauthenticated>,
    /// The versions of the watched files when the configuration in force was loaded.
    loaded: std::sync::Mutex<Vec<Option<FileVersion>>>,
    /// Wakes the watcher for a reload now (SIGHUP).
    reload: Arc<tokio::sync::Notify>,
}

/// The TLS configuration in force, the client certificate verifier inside it, and its
/// generation (one more at each reload).
#[derive(Clone)]
struct Current {
    acceptor: tokio_rustls::TlsAcceptor,
    verifier: Option<Arc<dyn ClientCertVerifier>>,
    generation: u64,
    /// What was loaded, for the log line of a reload.
    summary: String,
    /// The earliest nextUpdate of the CRLs loaded (None: no CRL, or none has one).
    crl_expires: Option<time::OffsetDateTime>,
}

/// A verified client certificate chain of an open connection, checked again against the
/// current verifier (the new CRL) when a request comes after a reload.
pub struct PeerChain {
    chain: Vec<CertificateDer<'static>>,
    /// The generation last checked against, and the outcome.
    checked: std::sync::Mutex<(u64, std::result::Result<(), String>)>,
}

impl State {
    /// Whether the connection's client certificate is still accepted by the verifier in
    /// force (the same for the generation it was verified with at the handshake).
    pub fn still_accepted(&self, peer: &PeerChain) -> std::result::Result<(), String> {
        let Some(cur) = self.tls.read().ok().and_then(|g| g.clone()) else {
            return Ok(());
        };
        let Ok(mut checked) = peer.checked.lock() else {
            return Err("internal error".into());
        };
        if checked.0 != cur.generation {
            let outcome = match (&cur.verifier, peer.chain.split_first()) {
                (Some(v), Some((ee, rest))) => v
                    .verify_client_cert(ee, rest, rustls_pki_types::UnixTime::now())
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                _ => Ok(()),
            };
            *checked = (cur.generation, outcome);
        }
        checked.1.clone()
    }
}

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
    let chain = tlsconf::load_chain(cert)?;
    let key_der = tlsconf::load_key(key)?;
    let leaf = chain
        .first()
        .and_then(|c| crate::pki::inspect::CertInfo::from_der("leaf", c.as_ref()).ok());
    let roots = if o.verifies_client_certs() {
        let ca = o.ca.as_ref().ok_or_else(|| {
            Error::Usage("client certificates need --ca BUNDLE to verify them against".into())
        })?;
        Some(tlsconf::load_roots(ca)?)
    } else {
        None
    };
    let (crls, crl_expires) = match (&roots, &o.crl) {
        (Some(_), Some(crl)) => {
            let crls = tlsconf::load_crls(crl)?;
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

type FileVersion = (u64, u64, u64, i64, i64, i64, i64);

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

/// Load everything again and swap the TLS configuration; on any error keep the one in
/// force. One log line either way. `seen`: the file versions stat'ed before loading.
fn reload(state: &State, why: Trigger, seen: Vec<Option<FileVersion>>) {
    if let Ok(mut l) = state.loaded.lock() {
        *l = seen;
    }
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
    let files = watched_files(&state.opts);
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
                reload(&state, Trigger::Signal, versions(&files));
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
        reload(&state, Trigger::FileChange, now);
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
        let loaded = versions(&watched_files(&opts));
        let tls = if opts.insecure {
            None
        } else {
            Some(build_tls(&opts, 0)?)
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

    /// A handle that asks the running server to reload its certificate, key, bundle and
    /// CRL now (what SIGHUP does).
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

/// The open connections that have not authenticated, by a number given in the order they
/// were accepted (so the first one is the oldest), each with the handle that closes it.
/// Registering, authenticating, closing and evicting are O(log n) under one short lock.
#[derive(Default)]
struct Unauthenticated {
    inner: std::sync::Mutex<Registry>,
}

#[derive(Default)]
struct Registry {
    next: u64,
    open: BTreeMap<u64, Arc<Notify>>,
}

impl Unauthenticated {
    fn lock(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new connection, not authenticated yet.
    fn register(self: &Arc<Self>) -> Conn {
        let evict = Arc::new(Notify::new());
        let mut r = self.lock();
        let id = r.next;
        r.next += 1;
        r.open.insert(id, evict.clone());
        Conn {
            id,
            evict,
            registry: self.clone(),
        }
    }

    /// Ask the oldest connection that has not authenticated to close (false: there is none).
    fn evict_oldest(&self) -> bool {
        let oldest = self.lock().open.pop_first();
        match oldest {
            Some((_, evict)) => {
                // Stored if the connection is not waiting yet: it closes when it looks.
                evict.notify_one();
                true
            }
            None => false,
        }
    }
}

/// An open connection's place among those the cap may close to admit a new one: there from
/// its accept until it authenticates or closes. It authenticates with a TLS handshake that
/// verified a client certificate; where serve verifies no client certificate
/// (`--client-auth none` without per-request checks, `--insecure`), with a request served.
pub struct Conn {
    id: u64,
    evict: Arc<Notify>,
    registry: Arc<Unauthenticated>,
}

impl Conn {
    /// The connection has authenticated: the cap no longer closes it for a new one.
    pub fn authenticated(&self) {
        self.registry.lock().open.remove(&self.id);
    }

    /// Resolves when the connection is closed to admit a new one.
    async fn evicted(&self) {
        self.evict.notified().await;
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.authenticated();
    }
}

fn log(state: &State, line: &str) {
    if state.opts.verbose {
        crate::output::log_line(line);
    }
}

/// Requests in flight on one connection and when the last one ended: what the idle timeout
/// looks at (bytes do not count: HTTP/2 PINGs or a trickled header keep nothing alive).
pub struct Activity {
    start: Instant,
    in_flight: AtomicUsize,
    last_ms: AtomicU64,
}

impl Activity {
    fn new() -> Arc<Activity> {
        Arc::new(Activity {
            start: Instant::now(),
            in_flight: AtomicUsize::new(0),
            last_ms: AtomicU64::new(0),
        })
    }

    /// Count a request in flight until the guard is dropped.
    pub fn begin(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(self.clone())
    }

    /// How long the connection has had no request in flight (None: one is in flight).
    fn idle_for(&self) -> Option<Duration> {
        if self.in_flight.load(Ordering::SeqCst) > 0 {
            return None;
        }
        let last = Duration::from_millis(self.last_ms.load(Ordering::SeqCst));
        Some(self.start.elapsed().saturating_sub(last))
    }

    /// Resolves once the connection has been idle for `limit`.
    async fn idle(&self, limit: Duration) {
        loop {
            match self.idle_for() {
                Some(d) if d >= limit => return,
                Some(d) => tokio::time::sleep(limit - d).await,
                None => tokio::time::sleep(limit).await,
            }
        }
    }
}

/// A request in flight (see [`Activity::begin`]).
pub struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let now = u64::try_from(self.0.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.0.last_ms.store(now, Ordering::SeqCst);
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
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
