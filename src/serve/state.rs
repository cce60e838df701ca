//! The shared state of a running server, below both the accept loop (`serve`) and the
//! request handlers (`serve::service`): the options and limits, the TLS configuration in
//! force, the connections the cap may close, a connection's client chain and activity.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use rustls::server::danger::ClientCertVerifier;
use rustls_pki_types::CertificateDer;
use serde::Serialize;
use tokio::sync::{Notify, Semaphore};

use crate::pki::authz::Policy;

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
    /// (None: only reloaded on request, see [`super::Server::reloader`]).
    pub watch_interval: Option<Duration>,
    /// Handshake policy.
    pub client_auth: ClientAuth,
    /// gRPC policy.
    pub grpc_auth: GrpcAuth,
    /// Roles allowed per request (empty: any).
    pub allow_roles: Vec<String>,
    /// The authorization policy file (`--authz`): who may call which path or gRPC method,
    /// decided per request before the method is looked up (not with `allow_roles`).
    pub authz: Option<PathBuf>,
    /// The cluster's SPIFFE trust domain: roles are established under the identity rule
    /// (`pki::identity`) only with it.
    pub trust_domain: Option<String>,
    /// Plaintext only.
    pub insecure: bool,
    /// Log one line per connection.
    pub verbose: bool,
    /// Connection cap and timeouts.
    pub limits: Limits,
    /// The state directory the files may be in (read without following a symbolic link
    /// there).
    pub files: crate::pki::fsio::StateDir,
}

impl Options {
    /// Whether the handshake asks for (and verifies) client certificates: for
    /// `--client-auth optional|required` and for per-request checks.
    pub fn verifies_client_certs(&self) -> bool {
        !self.insecure
            && (self.client_auth != ClientAuth::None
                || self.grpc_auth == GrpcAuth::Mtls
                || !self.allow_roles.is_empty()
                || self.authz.is_some())
    }
}

/// Shared state of a running server.
pub struct State {
    pub(super) opts: Options,
    /// The current TLS configuration; replaced at each reload.
    pub(super) tls: RwLock<Option<Current>>,
    /// Connection slots (one per open connection, released once its socket is closed).
    pub(super) slots: Arc<Semaphore>,
    /// The open connections that have not authenticated, oldest first.
    pub(super) unauthenticated: Arc<Unauthenticated>,
    /// The versions of the watched files when the configuration in force was loaded.
    pub(super) loaded: std::sync::Mutex<Vec<Option<FileVersion>>>,
    /// Wakes the watcher for a reload now (SIGHUP).
    pub(super) reload: Arc<tokio::sync::Notify>,
    /// The authorization policy in force (None: no `--authz`); replaced at each reload
    /// that loads the file without error.
    pub(super) policy: RwLock<Option<Arc<Policy>>>,
}

/// The TLS configuration in force, the client certificate verifier inside it, and its
/// generation (one more at each reload).
#[derive(Clone)]
pub(super) struct Current {
    pub(super) acceptor: tokio_rustls::TlsAcceptor,
    pub(super) verifier: Option<Arc<dyn ClientCertVerifier>>,
    pub(super) generation: u64,
    /// What was loaded, for the log line of a reload.
    pub(super) summary: String,
    /// The earliest nextUpdate of the CRLs loaded (None: no CRL, or none has one).
    pub(super) crl_expires: Option<time::OffsetDateTime>,
}

/// A verified client certificate chain of an open connection, checked again against the
/// current verifier (the new CRL) when a request comes after a reload.
pub struct PeerChain {
    pub(super) chain: Vec<CertificateDer<'static>>,
    /// The generation last checked against, and the outcome.
    pub(super) checked: std::sync::Mutex<(u64, std::result::Result<(), String>)>,
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

/// What a watched file was when last looked at (device, inode, size, times).
pub(super) type FileVersion = (u64, u64, u64, i64, i64, i64, i64);

/// The open connections that have not authenticated, by a number given in the order they
/// were accepted (so the first one is the oldest), each with the handle that closes it.
/// Registering, authenticating, closing and evicting are O(log n) under one short lock.
#[derive(Default)]
pub(super) struct Unauthenticated {
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
    pub(super) fn register(self: &Arc<Self>) -> Conn {
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
    pub(super) fn evict_oldest(&self) -> bool {
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
    pub(super) async fn evicted(&self) {
        self.evict.notified().await;
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.authenticated();
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
    pub(super) fn new() -> Arc<Activity> {
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
    pub(super) fn idle_for(&self) -> Option<Duration> {
        if self.in_flight.load(Ordering::SeqCst) > 0 {
            return None;
        }
        let last = Duration::from_millis(self.last_ms.load(Ordering::SeqCst));
        Some(self.start.elapsed().saturating_sub(last))
    }

    /// Resolves once the connection has been idle for `limit`.
    pub(super) async fn idle(&self, limit: Duration) {
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
