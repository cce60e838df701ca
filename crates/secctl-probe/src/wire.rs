//! The network side of the probe: connections, handshakes and requests, recorded as
//! [`Observations`]. Nothing here decides a verdict.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::call::Call;
use super::config::{Config, Target};
use super::observation::{
    AdmittedBy, Attempt, Fate, Handshake, Identity, IdentityObs, LegacyVersion, Observations,
    Refusal, ServerCert, ServiceObs, WebSocketObs,
};
use super::services::{self, GreetingTls, Service};
use super::tls::{self, Prefixed, RecordWatch, TicketWatch, Watched};
use super::transport;
use super::websocket;
use super::{h2, http1};

/// An established TLS session, ready for a request.
pub type Session = Prefixed<TlsStream<Watched<TcpStream>>>;

/// A completed handshake: the session, and what the server showed of its verdict on the
/// client ([`Fate::Admitted`] with its evidence, or [`Fate::NoVerdict`]).
pub struct Opened {
    /// The session.
    pub session: Session,
    /// [`Fate::Admitted`] or [`Fate::NoVerdict`].
    pub verdict: Fate,
}

/// TLS versions to offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Versions {
    /// TLS 1.3 and 1.2.
    Any,
    /// TLS 1.2 only.
    Tls12,
}

/// What the client does on a fresh connection before its TLS handshake.
#[derive(Clone, Copy)]
enum Before<'a> {
    /// Nothing: TLS from the first byte.
    Nothing,
    /// Send the protocol's request for TLS, which its server must answer `S`
    /// (PostgreSQL's SSLRequest).
    Ask(&'a dyn services::ServiceProtocol, &'a [u8]),
    /// Read the greeting of a server that speaks first; it must offer TLS (NATS's `INFO`).
    Greeting(&'a dyn services::ServiceProtocol),
}

/// After the client-first services' plaintext exchanges ended, how much longer the
/// greeting connection (opened first) waits for a server that speaks first: a server that
/// speaks first (NATS's `INFO`, an SMTP banner) has sent its greeting on accepting it, and
/// by then the others had already read that greeting as their answer.
const GREETING_SLACK: std::time::Duration = std::time::Duration::from_millis(100);

/// Longest wait for a TLS 1.3 server's verdict on the client's certificate before a
/// request is sent.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(500);

/// What the first round has shown so far of the facts that decide whether the WebSocket
/// upgrade and the TLS 1.0/1.1 ClientHellos are made. Each fact only ever turns true as
/// the round goes on, so a step whose condition holds starts at once, before the round
/// ends; one whose condition still does not hold when the round ended is not made. The
/// decision is the one the finished first round would give: only its timing changes.
#[derive(Clone, Default)]
struct Facts {
    /// The plaintext HTTP/1.1 GETs ended: whether one was answered (other than by "TLS
    /// required"), and whether every one found the port unreachable.
    http1: Option<(bool, bool)>,
    /// The `tls` row of no certificate or of the throwaway one negotiated a version or was
    /// refused: the port speaks TLS.
    tls_spoken: bool,
    /// Some identity was answered over HTTP/1.1 over TLS, or refused by the handshake.
    https1: bool,
    /// The first round ended: what is not shown by now will not be.
    ended: bool,
}

/// [`Facts`] as the first round publishes them, for the steps waiting on them.
struct Early {
    tx: tokio::sync::watch::Sender<Facts>,
}

impl Default for Early {
    fn default() -> Early {
        Early {
            tx: tokio::sync::watch::Sender::new(Facts::default()),
        }
    }
}

impl Early {
    /// The plaintext HTTP/1.1 GETs ended with `fates`.
    fn http1(&self, fates: &[Fate]) {
        let answered = fates.iter().any(
            |f| matches!(f, Fate::Answer(a) if a.denial != super::observation::Denial::TlsRequired),
        );
        let unreachable = fates.iter().all(|f| matches!(f, Fate::Unreachable(_)));
        self.tx
            .send_modify(|e| e.http1 = Some((answered, unreachable)));
    }

    /// The `tls` row of identity `id` (as recorded so far).
    fn tls_row(&self, id: Identity, tls: &Attempt) {
        let refused = matches!(tls.fate, Fate::Refused(_));
        let spoken = matches!(id, Identity::NoCert | Identity::Throwaway)
            && (tls.hs.version.is_some() || refused);
        self.tx.send_if_modified(|e| {
            let before = (e.tls_spoken, e.https1);
            e.tls_spoken |= spoken;
            e.https1 |= refused;
            before != (e.tls_spoken, e.https1)
        });
    }

    /// One HTTP/1.1 GET over TLS ended.
    fn https1(&self, a: &Attempt) {
        if matches!(a.fate, Fate::Answer(_)) {
            self.tx
                .send_if_modified(|e| !std::mem::replace(&mut e.https1, true));
        }
    }

    /// The first round ended.
    fn first_round_ended(&self) {
        self.tx.send_modify(|e| e.ended = true);
    }

    /// The facts once `ready` holds of them.
    async fn wait(&self, ready: impl Fn(&Facts) -> bool) -> Facts {
        let mut rx = self.tx.subscribe();
        let r = rx.wait_for(|e| ready(e)).await.map(|e| e.clone());
        r.unwrap_or_else(|_| rx.borrow().clone())
    }

    /// Whether `fact` holds, once it does or the first round ended.
    async fn until(&self, fact: impl Fn(&Facts) -> bool) -> bool {
        fact(&self.wait(|e| e.ended || fact(e)).await)
    }
}

/// Probing one target.
pub struct Prober {
    cfg: Arc<Config>,
    target: Target,
    /// `Host` and `:authority`: the server name (or host) and the port.
    authority: String,
    sni: ServerName<'static>,
    /// Chain the server presented (first seen).
    chain: std::sync::Mutex<Vec<CertificateDer<'static>>>,
    /// webpki's verdicts on the chains seen.
    verdicts: Arc<tls::VerdictCache>,
    /// The verifier of the bundle (built once).
    webpki: Option<Arc<WebPkiServerVerifier>>,
    /// The key-exchange group the server chose last (see [`TicketWatch`]).
    kx: Arc<std::sync::Mutex<Option<rustls::NamedGroup>>>,
}

fn connect_words(e: &std::io::Error) -> String {
    let s = e.to_string();
    if s.contains("failed to lookup address") || s.contains("Name or service not known") {
        "name not resolved".into()
    } else {
        transport::io_words(e)
    }
}

impl Prober {
    /// A prober for `target` with `cfg`.
    pub fn new(cfg: Arc<Config>, target: Target) -> Prober {
        let name = cfg
            .servername
            .clone()
            .unwrap_or_else(|| target.host.clone());
        let authority = if name.contains(':') {
            format!("[{name}]:{}", target.port)
        } else {
            format!("{name}:{}", target.port)
        };
        let sni = ServerName::try_from(name)
            .unwrap_or_else(|_| ServerName::try_from("invalid.invalid").expect("static name"));
        let webpki = cfg.roots.as_ref().and_then(|r| {
            WebPkiServerVerifier::builder_with_provider(r.clone(), crate::tlsconf::provider())
                .build()
                .ok()
        });
        Prober {
            cfg,
            target,
            authority,
            sni,
            chain: std::sync::Mutex::new(Vec::new()),
            verdicts: Arc::default(),
            webpki,
            kx: Arc::default(),
        }
    }

    /// The chain the server presented, if any attempt saw one.
    pub fn chain(&self) -> Vec<CertificateDer<'static>> {
        self.chain.lock().map(|c| c.clone()).unwrap_or_default()
    }

    async fn tcp(&self) -> Result<TcpStream, Fate> {
        let t = &self.target;
        match tokio::time::timeout(
            self.cfg.timeout,
            TcpStream::connect((t.host.as_str(), t.port)),
        )
        .await
        {
            Ok(Ok(s)) => {
                let _ = s.set_nodelay(true);
                Ok(s)
            }
            Ok(Err(e)) => Err(Fate::Unreachable(connect_words(&e))),
            Err(_) => Err(Fate::Unreachable(format!(
                "no TCP connection within {}",
                transport::secs(self.cfg.timeout)
            ))),
        }
    }

    fn key(&self, id: Identity) -> Option<Arc<rustls::sign::CertifiedKey>> {
        match id {
            Identity::NoCert => None,
            Identity::Throwaway => tls::throwaway_identity(),
            Identity::Given => self.cfg.client.clone(),
            Identity::Revoked => self.cfg.revoked.clone(),
        }
    }

    /// A TLS handshake, then (TLS 1.3) waiting for the server's verdict on the client's
    /// certificate: a ticket or data admits, an alert or a close refuses, silence is no
    /// verdict. `Ok` is a session the server did not refuse, and what showed its verdict.
    pub async fn tls(
        &self,
        id: Identity,
        alpn: &[&[u8]],
        versions: Versions,
    ) -> (Result<Opened, Fate>, Handshake, Arc<RecordWatch>) {
        self.tls_with(id, alpn, versions, Before::Nothing).await
    }

    /// TLS after what the protocol has the client do first: a preamble answered `S`
    /// (PostgreSQL's SSLRequest) or the server's greeting (NATS's `INFO`).
    async fn tls_after(
        &self,
        id: Identity,
        alpn: &[&[u8]],
        before: Before<'_>,
    ) -> (Result<Opened, Fate>, Handshake, Arc<RecordWatch>) {
        self.tls_with(id, alpn, Versions::Any, before).await
    }

    /// A TLS handshake with identity `id` (after `before`), what it showed of the server,
    /// and its verdict on the client.
    async fn tls_with(
        &self,
        id: Identity,
        alpn: &[&[u8]],
        versions: Versions,
        before: Before<'_>,
    ) -> (Result<Opened, Fate>, Handshake, Arc<RecordWatch>) {
        let watch = Arc::new(RecordWatch::default());
        let mut hs = Handshake::default();
        let client = match self.client(id, alpn, versions) {
            Ok(c) => c,
            Err(f) => return (Err(f), hs, watch),
        };
        let mut tcp = match self.tcp().await {
            Ok(s) => s,
            Err(f) => return (Err(f), hs, watch),
        };
        let ready = match before {
            Before::Nothing => Ok(()),
            Before::Ask(proto, pre) => self.tls_request(&mut tcp, proto, pre).await,
            Before::Greeting(proto) => self.greeting_offers_tls(&mut tcp, proto).await,
        };
        if let Err(f) = ready {
            return (Err(f), hs, watch);
        }
        let io = Watched {
            inner: tcp,
            watch: watch.clone(),
        };
        let res = tokio::time::timeout(
            self.cfg.timeout,
            client.connector.connect(self.sni.clone(), io),
        )
        .await;
        hs.requested = client.resolver.requested.load(Ordering::SeqCst);
        self.record_server(&client.verifier, &mut hs);
        let mut stream = match res {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                // A refusal whose alert the failed read or write did not surface (the server
                // reset the connection right after it): the record watch read it.
                let fate = match (
                    transport::tls_fate(&e, true, hs.requested),
                    watch.plaintext_alert(),
                ) {
                    (Fate::NoTls(_), Some(a)) => transport::alert_fate(a, true, hs.requested),
                    (f, _) => f,
                };
                return (Err(fate), hs, watch);
            }
            Err(_) => {
                return (
                    Err(Fate::NoTls(format!(
                        "no TLS handshake within {}",
                        transport::secs(self.cfg.timeout)
                    ))),
                    hs,
                    watch,
                )
            }
        };
        negotiated(&stream, &mut hs);
        watch.handshake_done.store(true, Ordering::SeqCst);
        match self
            .await_verdict(&mut stream, &client.tickets, &watch, &hs)
            .await
        {
            Ok((prefix, admitted_by)) => (
                Ok(Opened {
                    session: Prefixed {
                        prefix,
                        inner: stream,
                    },
                    verdict: admitted_by.map_or(Fate::NoVerdict, Fate::Admitted),
                }),
                hs,
                watch,
            ),
            Err(f) => (Err(f), hs, watch),
        }
    }

    /// The client side of one handshake: a configuration that records the server's chain
    /// and whether a certificate was requested, and watches for session tickets.
    fn client(&self, id: Identity, alpn: &[&[u8]], versions: Versions) -> Result<Client, Fate> {
        let provider = crate::tlsconf::provider();
        let inner = self.webpki.clone();
        let verifier = Arc::new(tls::RecordingVerifier::new(
            inner,
            provider.clone(),
            self.verdicts.clone(),
        ));
        let resolver = Arc::new(tls::RecordingResolver::new(self.key(id)));
        let tickets = Arc::new(TicketWatch {
            kx: self.kx.clone(),
            ..TicketWatch::default()
        });
        let vs: &[&rustls::SupportedProtocolVersion] = match versions {
            Versions::Any => &[&rustls::version::TLS13, &rustls::version::TLS12],
            Versions::Tls12 => &[&rustls::version::TLS12],
        };
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(vs)
            .map_err(|e| Fate::NoTls(format!("TLS setup: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(verifier.clone())
            .with_client_cert_resolver(resolver.clone());
        config.alpn_protocols = alpn.iter().map(|a| a.to_vec()).collect();
        config.resumption = rustls::client::Resumption::store(tickets.clone());
        Ok(Client {
            connector: tokio_rustls::TlsConnector::from(Arc::new(config)),
            verifier,
            resolver,
            tickets,
        })
    }

    /// TLS negotiated in the protocol (PostgreSQL's SSLRequest): its request, and the one
    /// byte that answers it, read by the protocol.
    async fn tls_request(
        &self,
        tcp: &mut TcpStream,
        proto: &dyn services::ServiceProtocol,
        pre: &[u8],
    ) -> Result<(), Fate> {
        use tokio::io::AsyncWriteExt;
        let ask = async {
            tcp.write_all(pre).await?;
            let mut b = [0u8; 1];
            tcp.read_exact(&mut b).await?;
            Ok::<u8, std::io::Error>(b[0])
        };
        match tokio::time::timeout(self.cfg.timeout, ask).await {
            Ok(Ok(b)) => proto.tls_reply(b),
            Ok(Err(_)) => Err(Fate::Closed),
            Err(_) => Err(Fate::Silent(format!(
                "no answer to {} within {}",
                proto.tls_request_name(),
                transport::secs(self.cfg.timeout)
            ))),
        }
    }

    /// A server that speaks first: its greeting must offer TLS before the handshake.
    async fn greeting_offers_tls(
        &self,
        tcp: &mut TcpStream,
        proto: &dyn services::ServiceProtocol,
    ) -> Result<(), Fate> {
        match services::read_greeting(tcp, proto, self.cfg.timeout).await? {
            (GreetingTls::None, text) => Err(Fate::NoTls(format!(
                "the server offers no TLS in its greeting ({text})"
            ))),
            _ => Ok(()),
        }
    }

    /// The server's certificate as soon as it was presented (even when the handshake then
    /// failed), and the first chain seen for `verify HOST:PORT`.
    fn record_server(&self, verifier: &tls::RecordingVerifier, hs: &mut Handshake) {
        if let Ok(s) = verifier.seen.lock() {
            if let Some(leaf) = s.chain.first() {
                hs.server = ServerCert {
                    trusted: s.trusted,
                    why: s.why.clone(),
                    days_left: days_left(leaf),
                };
                if let Ok(mut c) = self.chain.lock() {
                    if c.is_empty() {
                        *c = s.chain.clone();
                    }
                }
            }
        }
    }

    /// The server's verdict on the client's half of the handshake: in TLS 1.2 the completed
    /// handshake; in TLS 1.3 a record after it (a session ticket: the server admitted the
    /// client), an alert (it refused), data, or a close. Silence for SETTLE is no verdict
    /// (None, then Fate::NoVerdict), not an admission: the session is still handed on, a
    /// request follows on every connection but the `tls` row's own, and a late alert still
    /// ends that request as a refusal. (No KeyUpdate is sent to provoke an answer: OpenSSL
    /// reports it to apache's mod_ssl as a new handshake, and apache then refuses requests
    /// at random.) Ok: the bytes read meanwhile and the evidence of admission.
    async fn await_verdict(
        &self,
        stream: &mut TlsStream<Watched<TcpStream>>,
        tickets: &TicketWatch,
        watch: &RecordWatch,
        hs: &Handshake,
    ) -> Result<(Vec<u8>, Option<AdmittedBy>), Fate> {
        let mut prefix = Vec::new();
        if hs.version.as_deref() != Some("TLSv1.3") {
            return Ok((prefix, Some(AdmittedBy::Finished)));
        }
        if tickets.seen.load(Ordering::SeqCst) {
            return Ok((prefix, Some(AdmittedBy::Ticket)));
        }
        let mut admitted_by = None;
        let mut buf = [0u8; 4096];
        let wait = self.cfg.timeout.min(SETTLE);
        tokio::select! {
            biased;
            r = stream.read(&mut buf) => match r {
                // Closed before any request: the server refused what it had just
                // admitted (etcd's CRL check, a gRPC server's silent refusal).
                Ok(0) => return Err(Fate::Refused(Refusal::ClosedAfterHandshake)),
                Ok(n) => {
                    prefix.extend_from_slice(&buf[..n]);
                    admitted_by = Some(AdmittedBy::Data);
                }
                Err(e) => {
                    return Err(match transport::tls_fate(&e, false, hs.requested) {
                        // A close without close_notify (or a reset) before any request.
                        Fate::Closed => Fate::Refused(Refusal::ClosedAfterHandshake),
                        f => f,
                    });
                }
            },
            _ = tickets.notify.notified() => admitted_by = Some(AdmittedBy::Ticket),
            _ = watch.record_notify.notified() => {
                admitted_by = Some(if tickets.seen.load(Ordering::SeqCst) {
                    AdmittedBy::Ticket
                } else {
                    AdmittedBy::Record
                });
            }
            _ = tokio::time::sleep(wait) => {}
        }
        Ok((prefix, admitted_by))
    }

    /// The `tls` attempt: the handshake and the server's verdict, no request.
    async fn tls_attempt(&self, id: Identity, versions: Versions) -> Attempt {
        let (r, hs, _) = self.tls(id, &[b"h2", b"http/1.1"], versions).await;
        Attempt {
            hs,
            fate: match r {
                Ok(o) => o.verdict,
                Err(f) => f,
            },
        }
    }

    /// A minimal ClientHello offering only `version` (0x0301 TLS 1.0, 0x0302 TLS 1.1), and
    /// the version of the ServerHello or the alert that answers it. No session follows.
    async fn legacy(&self, version: u16) -> LegacyVersion {
        use tokio::io::AsyncWriteExt;
        let name = if version == 0x0301 {
            "TLSv1.0"
        } else {
            "TLSv1.1"
        };
        let out = |accepted, detail: String| LegacyVersion {
            version: name.into(),
            accepted,
            detail,
        };
        let mut s = match self.tcp().await {
            Ok(s) => s,
            Err(f) => return out(None, super::classify::describe(&f)),
        };
        let hello = legacy_client_hello(version, self.sni_host());
        let work = async {
            s.write_all(&hello).await?;
            let mut head = [0u8; 5];
            s.read_exact(&mut head).await?;
            let len = u16::from_be_bytes([head[3], head[4]]) as usize;
            let mut body = vec![0u8; len.min(16 * 1024)];
            s.read_exact(&mut body).await?;
            Ok::<_, std::io::Error>((head, body))
        };
        match tokio::time::timeout(self.cfg.timeout, work).await {
            Ok(Ok((head, body)))
                if head[0] == 22 && body.first() == Some(&2) && body.len() >= 6 =>
            {
                let v = u16::from_be_bytes([body[4], body[5]]);
                if v == version {
                    out(Some(true), format!("{name} accepted"))
                } else {
                    out(
                        Some(false),
                        format!("{name} answered with version 0x{v:04x}"),
                    )
                }
            }
            Ok(Ok((head, body))) if head[0] == 21 && body.len() >= 2 => out(
                Some(false),
                format!(
                    "{name} refused: alert {}",
                    transport::alert_name(rustls::AlertDescription::from(body[1]))
                ),
            ),
            Ok(Ok(_)) => out(None, format!("{name}: not a TLS answer")),
            Ok(Err(_)) => out(Some(false), format!("{name} refused: closed")),
            Err(_) => out(None, format!("{name}: no answer")),
        }
    }

    /// The server name for SNI, when it is a DNS name.
    fn sni_host(&self) -> Option<String> {
        match &self.sni {
            ServerName::DnsName(d) => Some(d.as_ref().to_string()),
            _ => None,
        }
    }

    /// A TLS connection left idle after the handshake, for at most a second: how it ended
    /// (a close or an alert; [`Fate::Admitted`] by data; [`Fate::NoVerdict`] when it
    /// stayed open and silent).
    async fn idle(&self, id: Identity) -> Fate {
        let (r, _, _) = self.tls(id, &[b"h2", b"http/1.1"], Versions::Any).await;
        let mut s = match r {
            Ok(o) => o.session,
            Err(f) => return f,
        };
        if !s.prefix.is_empty() {
            return Fate::Admitted(AdmittedBy::Data);
        }
        let mut buf = [0u8; 1024];
        let wait = self.cfg.timeout.min(std::time::Duration::from_secs(1));
        match tokio::time::timeout(wait, s.inner.read(&mut buf)).await {
            Err(_) => Fate::NoVerdict,
            Ok(Ok(1..)) => Fate::Admitted(AdmittedBy::Data),
            Ok(Ok(0)) => Fate::Closed,
            Ok(Err(e)) => match transport::tls_fate(&e, false, true) {
                Fate::Refused(a) => Fate::Refused(a),
                _ => Fate::Closed,
            },
        }
    }

    /// HTTP/1.1 GET of `path` on an established session; a renegotiation request ends it.
    async fn get_on(&self, s: &mut Session, watch: &RecordWatch, path: &str) -> Fate {
        let get = http1::http1_get(s, &self.authority, path, self.cfg.timeout);
        tokio::select! {
            f = get => if watch.renegotiation.load(Ordering::SeqCst) {
                Fate::Renegotiation
            } else {
                f
            },
            _ = watch.notify.notified() => Fate::Renegotiation,
        }
    }

    /// HTTP/1.1 GET of `path` over a new TLS connection (ALPN http/1.1).
    async fn https1_get(&self, id: Identity, path: &str, versions: Versions) -> Attempt {
        let (r, hs, watch) = self.tls(id, &[b"http/1.1"], versions).await;
        let fate = match r {
            Err(f) => f,
            Ok(mut o) => self.get_on(&mut o.session, &watch, path).await,
        };
        Attempt { hs, fate }
    }

    /// `calls` over TLS as identity `id`, each answered on its own: all on one HTTP/2
    /// connection when the server chooses h2, else every HTTP call on an HTTP/1.1
    /// connection of its own (a gRPC call is then not made: the port offers no HTTP/2).
    /// A handshake the server refuses is every call's answer.
    pub async fn calls(&self, id: Identity, calls: &[Call]) -> Vec<Fate> {
        let (r, hs, _) = self.tls(id, &[b"h2", b"http/1.1"], Versions::Any).await;
        let opened = match r {
            Ok(o) => o,
            Err(f) => return vec![f; calls.len()],
        };
        if hs.alpn.as_deref() == Some("h2") {
            return h2::h2_calls(
                opened.session,
                &self.authority,
                true,
                calls,
                self.cfg.timeout,
            )
            .await;
        }
        drop(opened);
        let alpn = hs.alpn.as_deref().unwrap_or("none").to_string();
        let each = calls.iter().map(|call| {
            let alpn = &alpn;
            async move {
                let (proto, req) = call.protocol();
                if proto.needs_h2() {
                    return Fate::Other(format!(
                        "{} not called: the server chose no HTTP/2 (ALPN {alpn})",
                        proto.title()
                    ));
                }
                let (r, _, watch) = self.tls(id, &[b"http/1.1"], Versions::Any).await;
                match r {
                    Err(f) => f,
                    Ok(mut o) => {
                        let req = http1::http1_call(
                            &mut o.session,
                            proto,
                            req,
                            &self.authority,
                            self.cfg.timeout,
                        );
                        tokio::select! {
                            f = req => f,
                            _ = watch.notify.notified() => Fate::Renegotiation,
                        }
                    }
                }
            }
        });
        transport::join_all(each.collect()).await
    }

    /// HTTP/2 GETs of every path and the gRPC health check over one session.
    async fn h2_on(&self, s: Session, paths: &[String]) -> Vec<Fate> {
        let calls = Call::survey(paths);
        h2::h2_calls(s, &self.authority, true, &calls, self.cfg.timeout).await
    }

    /// Every TLS attempt of one identity. The handshake of the `tls` row (ALPN h2 and
    /// http/1.1) carries on with HTTP/2 when the server chose it, or with the HTTP/1.1 GET
    /// of the first path: one handshake fewer per identity.
    async fn identity(&self, id: Identity, paths: &[String], early: &Early) -> IdentityObs {
        let first = async {
            let (r, hs, _) = self.tls(id, &[b"h2", b"http/1.1"], Versions::Any).await;
            let tls = Attempt {
                hs: hs.clone(),
                fate: match &r {
                    Ok(o) => o.verdict.clone(),
                    Err(f) => f.clone(),
                },
            };
            early.tls_row(id, &tls);
            let h2_alpn = hs.alpn.as_deref() == Some("h2");
            let carried = match r {
                Err(f) => Carried::Failed(f),
                Ok(o) if h2_alpn => Carried::H2(self.h2_on(o.session, paths).await),
                Ok(_) => Carried::NoH2,
            };
            (tls, hs, carried)
        };
        // HTTP/1.1 on connections of its own, one per path.
        let https1 = transport::join_all(
            paths
                .iter()
                .map(|p| async move {
                    let a = self.https1_get(id, p, Versions::Any).await;
                    early.https1(&a);
                    a
                })
                .collect(),
        );
        let ((tls, hs, carried), https1) = tokio::join!(first, https1);
        let attempt = |fate: Fate| Attempt {
            hs: hs.clone(),
            fate,
        };
        let mut tls = tls;
        let (h2, grpcs) = match carried {
            Carried::H2(mut fates) => {
                // A refusal that came after the wait for the verdict (a loaded server) ends
                // the requests made over the `tls` row's connection: it is the handshake's.
                if tls.fate.handshake_completed() {
                    if let Some(r) = fates.iter().find(|f| matches!(f, Fate::Refused(_))) {
                        tls.fate = r.clone();
                    }
                }
                let grpc = fates.pop().unwrap_or(Fate::Closed);
                (fates.into_iter().map(attempt).collect(), attempt(grpc))
            }
            Carried::NoH2 => {
                // Offered h2 and http/1.1, the server did not choose h2.
                let no = Fate::Other(format!(
                    "HTTP/2 not offered (ALPN {})",
                    hs.alpn.as_deref().unwrap_or("none")
                ));
                (vec![attempt(no.clone()); paths.len()], attempt(no))
            }
            Carried::Failed(f) => (vec![attempt(f.clone()); paths.len()], attempt(f)),
        };
        // The `tls` row's fate as finally recorded (a late refusal included).
        early.tls_row(id, &tls);
        IdentityObs {
            tls,
            https1,
            h2,
            grpcs,
            idle: None,
        }
    }

    async fn plain(&self, paths: &[String], early: &Early) -> (Vec<Fate>, Vec<Fate>, Fate) {
        let http1 = async {
            let http1 = transport::join_all(
                paths
                    .iter()
                    .map(|p| async move {
                        match self.tcp().await {
                            Ok(mut s) => {
                                http1::http1_get(&mut s, &self.authority, p, self.cfg.timeout).await
                            }
                            Err(f) => f,
                        }
                    })
                    .collect(),
            )
            .await;
            early.http1(&http1);
            http1
        };
        let h2c = async {
            match self.tcp().await {
                Ok(s) => {
                    let calls = Call::survey(paths);
                    h2::h2_calls(s, &self.authority, false, &calls, self.cfg.timeout).await
                }
                Err(f) => vec![f; paths.len() + 1],
            }
        };
        let (http1, mut h2c) = tokio::join!(http1, h2c);
        let grpc = h2c.pop().unwrap_or(Fate::Closed);
        (http1, h2c, grpc)
    }

    /// Everything the probe does against the target. The WebSocket upgrade and the TLS
    /// 1.0/1.1 ClientHellos run alongside the first round, each started as soon as what the
    /// first round has shown makes it due (see `Early`); the service protocols and the
    /// idle connections follow the first round.
    pub async fn observe(&self) -> Observations {
        let paths = self.cfg.paths.clone();
        let early = Early::default();
        let main = async {
            let o = self.first_round(&paths, &early).await;
            early.first_round_ended();
            self.services_and_idles(o).await
        };
        let legacy = async {
            if early.until(|e| e.tls_spoken).await {
                let (v10, v11) = tokio::join!(self.legacy(0x0301), self.legacy(0x0302));
                vec![v10, v11]
            } else {
                vec![]
            }
        };
        let (mut o, websocket, legacy) = tokio::join!(main, self.websocket(&paths, &early), legacy);
        (o.websocket, o.legacy) = (Some(websocket), legacy);
        o
    }

    /// The first round: plaintext HTTP/1.1, h2c and gRPC; every identity over TLS; the TLS
    /// 1.2 handshake; then the TLS 1.2 retries of the paths every identity was denied.
    async fn first_round(&self, paths: &[String], early: &Early) -> Observations {
        let given = async {
            if self.cfg.client.is_some() {
                Some(self.identity(Identity::Given, paths, early).await)
            } else {
                None
            }
        };
        let revoked = async {
            if self.cfg.revoked.is_some() {
                Some(self.identity(Identity::Revoked, paths, early).await)
            } else {
                None
            }
        };
        let ((http1, h2c, grpc), none, throwaway, given, revoked, tls12) = tokio::join!(
            self.plain(paths, early),
            self.identity(Identity::NoCert, paths, early),
            self.identity(Identity::Throwaway, paths, early),
            given,
            revoked,
            self.tls_attempt(Identity::NoCert, Versions::Tls12)
        );
        // Paths every identity was denied without a certificate ever being requested: ask
        // again over TLS 1.2, where a server that wants a certificate for that path alone
        // says so by renegotiating.
        let mut renegotiation = Vec::new();
        let tls12_spoken = tls12.hs.version.is_some();
        if tls12_spoken {
            let retry: Vec<usize> = (0..paths.len())
                .filter(|&k| {
                    let denied = |i: &IdentityObs| {
                        i.https1.get(k).is_some_and(|a| {
                            super::classify::denied_by_status(&a.fate) && !a.hs.requested
                        })
                    };
                    denied(&none)
                        && denied(&throwaway)
                        && given.as_ref().is_none_or(denied)
                        && none.https1[k].hs.version.as_deref() != Some("TLSv1.2")
                })
                .collect();
            let attempts = transport::join_all(
                retry
                    .iter()
                    .map(|&k| self.https1_get(Identity::NoCert, &paths[k], Versions::Tls12))
                    .collect(),
            )
            .await;
            renegotiation = retry.into_iter().zip(attempts).collect();
        }
        Observations {
            paths: paths.to_vec(),
            http1,
            h2c,
            grpc,
            none,
            throwaway,
            given,
            revoked,
            tls12: Some(tls12),
            renegotiation,
            services: vec![],
            greeting: None,
            websocket: None,
            legacy: vec![],
        }
    }

    /// After the first round: the service protocols, then, for each identity admitted by
    /// the handshake and answered by no request over TLS (HTTP, gRPC or a service), whether
    /// a fresh connection is closed on the spot even when no request is made.
    async fn services_and_idles(&self, mut o: Observations) -> Observations {
        (o.services, o.greeting) = self.services(&o).await;
        let mut idles = Vec::new();
        for (k, id) in [
            Identity::NoCert,
            Identity::Throwaway,
            Identity::Given,
            Identity::Revoked,
        ]
        .into_iter()
        .enumerate()
        {
            let obs = match id {
                Identity::NoCert => Some(&o.none),
                Identity::Throwaway => Some(&o.throwaway),
                Identity::Given => o.given.as_ref(),
                Identity::Revoked => o.revoked.as_ref(),
            };
            if obs.is_some_and(silent_after_admission) && !service_answered(&o, k) {
                idles.push(id);
            }
        }
        let results = transport::join_all(idles.iter().map(|&id| self.idle(id)).collect()).await;
        for (id, f) in idles.into_iter().zip(results) {
            match id {
                Identity::NoCert => o.none.idle = Some(f),
                Identity::Throwaway => o.throwaway.idle = Some(f),
                Identity::Given => {
                    if let Some(g) = o.given.as_mut() {
                        g.idle = Some(f);
                    }
                }
                Identity::Revoked => {
                    if let Some(r) = o.revoked.as_mut() {
                        r.idle = Some(f);
                    }
                }
            }
        }
        o
    }

    /// The WebSocket upgrade of the first path: in plaintext on a port that answered
    /// HTTP/1.1 in plaintext; over TLS (ALPN http/1.1) with each identity on a port that
    /// answered HTTP/1.1 over TLS to some identity, or whose handshake refused one (without
    /// the certificate it wants, nothing shows whether it speaks HTTP: every identity tries,
    /// as on https1). A connection of its own each: the requests of the first round
    /// (`Connection: close`, HTTP/2 on the `tls` row's connection where the server chose
    /// it) cannot carry an upgrade without changing what they observe. Each part starts as
    /// soon as the first round has shown it due, or ends not tried when the first round
    /// ended without showing it.
    async fn websocket(&self, paths: &[String], early: &Early) -> WebSocketObs {
        let path = paths.first().cloned().unwrap_or_else(|| "/".into());
        let plain = async {
            // The plaintext GETs decide, and they are known before the round ends.
            let e = early.wait(|e| e.http1.is_some()).await;
            let (http1, unreachable) = e.http1.unwrap_or((false, false));
            if unreachable {
                Err("not tried: unreachable".to_string())
            } else if !http1 {
                Err("not tried: no HTTP/1.1 answer in plaintext".to_string())
            } else {
                Ok(match self.tcp().await {
                    Ok(mut s) => {
                        websocket::upgrade(&mut s, &self.authority, &path, self.cfg.timeout).await
                    }
                    Err(f) => f,
                })
            }
        };
        let tls = async {
            let e = early
                .wait(|e| e.http1.is_some() && (e.https1 || e.ended))
                .await;
            if e.http1.is_none_or(|(_, unreachable)| unreachable) {
                return (Err("not tried: unreachable".to_string()), None);
            }
            if !e.https1 {
                return (
                    Err("not tried: no HTTP/1.1 answer over TLS, no identity refused".to_string()),
                    None,
                );
            }
            let given = async {
                match self.cfg.client {
                    Some(_) => Some(self.wss(Identity::Given, &path).await),
                    None => None,
                }
            };
            let revoked = async {
                match self.cfg.revoked {
                    Some(_) => Some(self.wss(Identity::Revoked, &path).await),
                    None => None,
                }
            };
            let (n, t, g, r) = tokio::join!(
                self.wss(Identity::NoCert, &path),
                self.wss(Identity::Throwaway, &path),
                given,
                revoked
            );
            (Ok((n, t, g)), r)
        };
        let (plain, (tls, revoked)) = tokio::join!(plain, tls);
        WebSocketObs {
            path,
            plain,
            tls,
            revoked,
        }
    }

    /// The WebSocket upgrade of `path` over a new TLS connection (ALPN http/1.1); a
    /// renegotiation request ends it.
    async fn wss(&self, id: Identity, path: &str) -> Attempt {
        let (r, hs, watch) = self.tls(id, &[b"http/1.1"], Versions::Any).await;
        let fate = match r {
            Err(f) => f,
            Ok(mut o) => {
                let up =
                    websocket::upgrade(&mut o.session, &self.authority, path, self.cfg.timeout);
                tokio::select! {
                    f = up => if watch.renegotiation.load(Ordering::SeqCst) {
                        Fate::Renegotiation
                    } else {
                        f
                    },
                    _ = watch.notify.notified() => Fate::Renegotiation,
                }
            }
        };
        Attempt { hs, fate }
    }

    /// PostgreSQL, Redis, MQTT and NATS, each in plaintext and over TLS with the three
    /// identities, unless the first round showed the port speaks something else; and what
    /// the server said first on a connection where nothing was sent (a server that speaks
    /// first: see [`Observations::greeting`]).
    async fn services(&self, o: &Observations) -> (Vec<ServiceObs>, Option<String>) {
        let answered = |f: &Fate| matches!(f, Fate::Answer(_));
        let ids: Vec<&IdentityObs> = [&o.none, &o.throwaway]
            .into_iter()
            .chain(o.given.as_ref())
            .collect();
        let http_plain = o.http1.iter().chain(o.h2c.iter()).any(answered);
        let http_tls = ids.iter().any(|i| {
            i.https1
                .iter()
                .chain(i.h2.iter())
                .chain(std::iter::once(&i.grpcs))
                .any(|a| answered(&a.fate))
        });
        let tls_spoken = ids.iter().any(|i| {
            i.tls.hs.version.is_some()
                || i.tls.hs.server.trusted.is_some()
                || matches!(i.tls.fate, Fate::Refused(_))
        });
        // A server that refuses the ALPN protocols of the `tls` handshake (h2, http/1.1)
        // speaks TLS too, for another protocol (PostgreSQL 17's direct TLS).
        let alpn_refused = ids.iter().any(|i| i.tls.fate == Fate::NoCommonAlpn);
        let unreachable = o.http1.iter().all(|f| matches!(f, Fate::Unreachable(_)));
        let silent = o.http1.iter().all(|f| matches!(f, Fate::Silent(_)));
        let plain_skip = if unreachable {
            Some("not tried: unreachable")
        } else if http_plain {
            Some("not tried: the port answers HTTP")
        } else if tls_spoken {
            Some("not tried: the port speaks TLS")
        } else if silent {
            Some("not tried: the port stays silent")
        } else {
            None
        };
        let direct_skip = if !tls_spoken {
            Some("not tried: no TLS on this port")
        } else if http_tls {
            Some("not tried: the port answers HTTP over TLS")
        } else {
            None
        };
        let one = |svc: Service| async move {
            let plain = match plain_skip {
                Some(why) => Err(why.to_string()),
                None => Ok(self.service_plain(svc).await),
            };
            self.service_tls_part(svc, plain, tls_spoken, alpn_refused, http_tls, direct_skip)
                .await
        };
        // The greeting connection: NATS's plaintext attempt, which sends nothing before the
        // server has spoken. It is opened first and given up GREETING_SLACK after the
        // client-first exchanges ended, unless the server has said something on it.
        let (done_tx, done_rx) = tokio::sync::watch::channel(false);
        let heard = std::sync::Mutex::new(Vec::new());
        let greet = async {
            let plain = match plain_skip {
                Some(why) => Err(why.to_string()),
                None => {
                    let mut done_rx = done_rx.clone();
                    let cut = async {
                        let _ = done_rx.wait_for(|d| *d).await;
                        tokio::time::sleep(GREETING_SLACK).await;
                        if heard.lock().map(|h| !h.is_empty()).unwrap_or(false) {
                            std::future::pending::<()>().await;
                        }
                    };
                    tokio::select! {
                        r = self.service_greeted(Service::Nats, &heard) => Ok(r),
                        () = cut => Ok((
                            Fate::Silent(
                                "no greeting: the server does not speak first (nothing before \
                                 a request on a connection opened with the others)"
                                    .into(),
                            ),
                            None,
                        )),
                    }
                }
            };
            self.service_tls_part(
                Service::Nats,
                plain,
                tls_spoken,
                alpn_refused,
                http_tls,
                direct_skip,
            )
            .await
        };
        // The client-first protocols all at once, but Redis decides: PostgreSQL and MQTT
        // servers close at once on a PING, while Redis waits silently for the end of a line
        // that a startup or CONNECT never sends; when Redis answered, the other two are
        // dropped unfinished.
        let client_first = async {
            let redis = one(Service::Redis);
            let others = async { tokio::join!(one(Service::Postgres), one(Service::Mqtt)) };
            tokio::pin!(redis, others);
            let (redis, done) = tokio::select! {
                r = &mut redis => (r, None),
                o = &mut others => (redis.await, Some(o)),
            };
            let spoke = |o: &ServiceObs| {
                matches!(o.plain, Ok(Fate::Answer(_)))
                    || o.tls.as_ref().is_ok_and(|(n, t, g)| {
                        [Some(n), Some(t), g.as_ref()]
                            .into_iter()
                            .flatten()
                            .any(|a| matches!(a.fate, Fate::Answer(_)))
                    })
            };
            let (pg, mqtt) = if spoke(&redis) {
                let skip = |svc| ServiceObs {
                    service: svc,
                    plain: Err("not tried: the port speaks Redis".into()),
                    tls: Err("not tried: the port speaks Redis".into()),
                    revoked: None,
                    direct: None,
                    tls_direct: false,
                };
                (skip(Service::Postgres), skip(Service::Mqtt))
            } else {
                match done {
                    Some(o) => o,
                    None => others.await,
                }
            };
            let _ = done_tx.send(true);
            (pg, redis, mqtt)
        };
        // The greeting connection first: polled first, it connects first.
        let (nats, (pg, redis, mqtt)) = tokio::join!(greet, client_first);
        let greeting = heard
            .lock()
            .ok()
            .filter(|h| !h.is_empty() && !h2::server_preface(h))
            .map(|h| transport::printable(&first_line(&h)));
        (vec![pg, redis, mqtt, nats], greeting)
    }

    /// The TLS attempts of one service after its plaintext attempt (`plain`: its fate and,
    /// for a server that speaks first, what its greeting said of TLS; or why not tried).
    async fn service_tls_part(
        &self,
        svc: Service,
        plain: Result<(Fate, Option<GreetingTls>), String>,
        tls_spoken: bool,
        alpn_refused: bool,
        http_tls: bool,
        direct_skip: Option<&str>,
    ) -> ServiceObs {
        let proto = services::protocol(svc);
        let (mut direct, mut tls_direct, mut revoked) = (None, false, None);
        let tls = if proto.greets() {
            // TLS on the same connection after the greeting (NATS), only where the
            // plaintext greeting offered it.
            match &plain {
                Ok((_, Some(GreetingTls::Required | GreetingTls::Offered))) => {
                    let (all, r) = self.service_tls_all(svc, false).await;
                    revoked = r;
                    Ok(all)
                }
                Ok((_, Some(GreetingTls::None))) => Err(format!(
                    "not tried: the server offers no TLS in its {} greeting",
                    proto.title()
                )),
                Ok(_) => Err(format!(
                    "not tried: the port does not speak {}",
                    proto.title()
                )),
                Err(why) => Err(why.clone()),
            }
        } else {
            match proto.tls_request() {
                Some(_) => match &plain {
                    // TLS negotiated in the protocol (PostgreSQL's SSLRequest), only on a
                    // port that answered it in plaintext; then whether it also takes TLS
                    // from the first byte (PostgreSQL 17).
                    Ok((Fate::Answer(_), _)) => {
                        let ((all, r), d) = tokio::join!(
                            self.service_tls_all(svc, false),
                            self.service_tls(svc, Identity::NoCert, true)
                        );
                        direct = Some(d);
                        revoked = r;
                        Ok(all)
                    }
                    // A TLS port that answers no HTTP over TLS may be PostgreSQL 17's
                    // direct TLS (ALPN postgresql).
                    _ if (tls_spoken || alpn_refused) && !http_tls => {
                        tls_direct = true;
                        let (all, r) = self.service_tls_all(svc, true).await;
                        revoked = r;
                        Ok(all)
                    }
                    Ok(_) => Err(format!(
                        "not tried: the port does not speak {}",
                        proto.title()
                    )),
                    Err(why) => Err(why.clone()),
                },
                None => match direct_skip {
                    Some(why) => Err(why.to_string()),
                    None => {
                        let (all, r) = self.service_tls_all(svc, false).await;
                        revoked = r;
                        Ok(all)
                    }
                },
            }
        };
        ServiceObs {
            service: svc,
            plain: plain.map(|(f, _)| f),
            tls,
            revoked,
            direct,
            tls_direct,
        }
    }

    /// A client-first service in plaintext: its request, and how it ended.
    async fn service_plain(&self, svc: Service) -> (Fate, Option<GreetingTls>) {
        match self.tcp().await {
            Ok(mut s) => {
                let f = services::exchange(
                    &mut s,
                    &services::request_of(svc),
                    |b| services::parse_of(svc, b, false),
                    self.cfg.timeout,
                )
                .await;
                if let (Some(bye), Fate::Answer(_)) = (services::protocol(svc).goodbye(), &f) {
                    let _ = tokio::io::AsyncWriteExt::write_all(&mut s, bye).await;
                }
                (f, None)
            }
            Err(f) => (f, None),
        }
    }

    /// A service whose server speaks first, in plaintext: its greeting (the first bytes
    /// heard are kept in `heard`), then, unless the greeting demands TLS, its request.
    async fn service_greeted(
        &self,
        svc: Service,
        heard: &std::sync::Mutex<Vec<u8>>,
    ) -> (Fate, Option<GreetingTls>) {
        let proto = services::protocol(svc);
        let s = match self.tcp().await {
            Ok(s) => s,
            Err(f) => return (f, None),
        };
        let mut s = Heard { inner: s, heard };
        let (tls, text) = match services::read_greeting(&mut s, proto, self.cfg.timeout).await {
            Ok(g) => g,
            Err(f) => return (f, None),
        };
        if tls == GreetingTls::Required {
            // The protocol's own refusal of plaintext: nothing is sent.
            return (
                super::protocol::answer(0, super::observation::Denial::TlsRequired, text),
                Some(tls),
            );
        }
        let f = services::exchange(
            &mut s.inner,
            &services::request_of(svc),
            |b| services::parse_of(svc, b, false),
            self.cfg.timeout,
        )
        .await;
        (services::after_greeting(f, &text), Some(tls))
    }

    /// The three identities over TLS, and the revoked canary when given.
    async fn service_tls_all(
        &self,
        svc: Service,
        direct: bool,
    ) -> ((Attempt, Attempt, Option<Attempt>), Option<Attempt>) {
        let given = async {
            if self.cfg.client.is_some() {
                Some(self.service_tls(svc, Identity::Given, direct).await)
            } else {
                None
            }
        };
        let revoked = async {
            if self.cfg.revoked.is_some() {
                Some(self.service_tls(svc, Identity::Revoked, direct).await)
            } else {
                None
            }
        };
        let (n, t, g, r) = tokio::join!(
            self.service_tls(svc, Identity::NoCert, direct),
            self.service_tls(svc, Identity::Throwaway, direct),
            given,
            revoked
        );
        ((n, t, g), r)
    }

    /// One identity over TLS: a protocol that negotiates TLS itself (PostgreSQL's
    /// SSLRequest) asks first, unless `direct` (PostgreSQL 17: TLS from the first byte); a
    /// server that speaks first (NATS) greets first.
    async fn service_tls(&self, svc: Service, id: Identity, direct: bool) -> Attempt {
        let proto = services::protocol(svc);
        let before = match proto.tls_request() {
            _ if direct => Before::Nothing,
            Some(pre) => Before::Ask(proto, pre),
            None if proto.greets() => Before::Greeting(proto),
            None => Before::Nothing,
        };
        let (r, hs, _) = self.tls_after(id, proto.alpn(), before).await;
        let fate = match r {
            Err(f) => f,
            Ok(mut o) => {
                services::exchange(
                    &mut o.session,
                    &services::request_of(svc),
                    |b| services::parse_of(svc, b, true),
                    self.cfg.timeout,
                )
                .await
            }
        };
        Attempt { hs, fate }
    }
}

/// A plaintext stream that keeps the first bytes the server sent (at most 64).
struct Heard<'a, S> {
    inner: S,
    heard: &'a std::sync::Mutex<Vec<u8>>,
}

impl<S: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for Heard<'_, S> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = std::pin::Pin::new(&mut self.inner).poll_read(cx, buf);
        if let std::task::Poll::Ready(Ok(())) = &r {
            if let Ok(mut h) = self.heard.lock() {
                let new = &buf.filled()[before..];
                let take = new.len().min(64usize.saturating_sub(h.len()));
                h.extend_from_slice(&new[..take]);
            }
        }
        r
    }
}

/// The first line of `b` (its line end included), for a greeting in a detail.
fn first_line(b: &[u8]) -> Vec<u8> {
    match b.iter().position(|&c| c == b'\n') {
        Some(e) => b[..=e].to_vec(),
        None => b.to_vec(),
    }
}

/// A TLS 1.0/1.1 ClientHello: random, no session, common suites of that era (ECDHE and RSA
/// with AES-CBC), SNI, P-256/P-384 and uncompressed points. Only bytes: no key is made.
fn legacy_client_hello(version: u16, sni: Option<String>) -> Vec<u8> {
    let mut random = [0u8; 32];
    let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut random);
    let suites: [u16; 8] = [
        0xc009, 0xc00a, 0xc013, 0xc014, 0x002f, 0x0035, 0x000a, 0x00ff,
    ];
    let mut ext = Vec::new();
    if let Some(host) = sni {
        let h = host.as_bytes();
        let mut list = vec![0u8];
        list.extend_from_slice(&(h.len() as u16).to_be_bytes());
        list.extend_from_slice(h);
        ext.extend_from_slice(&0u16.to_be_bytes());
        ext.extend_from_slice(&((list.len() + 2) as u16).to_be_bytes());
        ext.extend_from_slice(&(list.len() as u16).to_be_bytes());
        ext.extend_from_slice(&list);
    }
    // supported_groups: secp256r1, secp384r1; ec_point_formats: uncompressed.
    ext.extend_from_slice(&[0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x17, 0x00, 0x18]);
    ext.extend_from_slice(&[0x00, 0x0b, 0x00, 0x02, 0x01, 0x00]);
    let mut body = Vec::new();
    body.extend_from_slice(&version.to_be_bytes());
    body.extend_from_slice(&random);
    body.push(0);
    body.extend_from_slice(&((suites.len() * 2) as u16).to_be_bytes());
    for c in suites {
        body.extend_from_slice(&c.to_be_bytes());
    }
    body.extend_from_slice(&[1, 0]);
    body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    body.extend_from_slice(&ext);
    let mut hs = vec![1u8];
    hs.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    hs.extend_from_slice(&body);
    let mut rec = vec![22u8, 0x03, 0x01];
    rec.extend_from_slice(&(hs.len() as u16).to_be_bytes());
    rec.extend_from_slice(&hs);
    rec
}

/// Whether a service answered identity `k` (0 none, 1 throwaway, 2 given, 3 the revoked
/// canary) over TLS.
fn service_answered(o: &Observations, k: usize) -> bool {
    o.services.iter().any(|s| {
        s.tls.as_ref().is_ok_and(|(n, t, g)| {
            let a = match k {
                0 => Some(n),
                1 => Some(t),
                2 => g.as_ref(),
                _ => s.revoked.as_ref(),
            };
            a.is_some_and(|a| matches!(a.fate, Fate::Answer(_)))
        })
    })
}

/// Admitted at the handshake, and no request over TLS got any answer.
fn silent_after_admission(i: &IdentityObs) -> bool {
    i.tls.fate.handshake_completed()
        && !i
            .https1
            .iter()
            .chain(i.h2.iter())
            .chain(std::iter::once(&i.grpcs))
            .any(|a| matches!(a.fate, Fate::Answer(_)))
}

/// What the `tls` row's connection carried after its handshake.
enum Carried {
    /// The HTTP/2 calls (paths, then gRPC).
    H2(Vec<Fate>),
    /// Nothing: the server did not choose h2.
    NoH2,
    /// Nothing: the handshake failed.
    Failed(Fate),
}

fn version_name(v: rustls::ProtocolVersion) -> String {
    match v {
        rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".into(),
        rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".into(),
        other => format!("{other:?}"),
    }
}

fn days_left(leaf: &CertificateDer<'_>) -> Option<i64> {
    use x509_parser::prelude::*;
    let (_, c) = X509Certificate::from_der(leaf.as_ref()).ok()?;
    let end = c.validity().not_after.timestamp();
    let now = ::time::OffsetDateTime::now_utc().unix_timestamp();
    // Rounded up: a certificate issued a second ago for 365 days "expires in 365 days".
    let left = end - now;
    Some(if left >= 0 {
        (left + 86_399) / 86_400
    } else {
        left.div_euclid(86_400)
    })
}

/// The client side of one handshake (see `Prober::client`).
struct Client {
    connector: tokio_rustls::TlsConnector,
    verifier: Arc<tls::RecordingVerifier>,
    resolver: Arc<tls::RecordingResolver>,
    tickets: Arc<TicketWatch>,
}

/// What the completed handshake negotiated.
fn negotiated(stream: &TlsStream<Watched<TcpStream>>, hs: &mut Handshake) {
    let (_, c) = stream.get_ref();
    hs.version = c.protocol_version().map(version_name);
    hs.cipher = c
        .negotiated_cipher_suite()
        .map(|s| format!("{:?}", s.suite()));
    hs.alpn = c
        .alpn_protocol()
        .map(|a| String::from_utf8_lossy(a).into_owned());
    hs.group = c
        .negotiated_key_exchange_group()
        .map(|g| format!("{:?}", g.name()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_of_a_greeting() {
        assert_eq!(first_line(b"220 a\r\n220 b\r\n"), b"220 a\r\n");
    }
}
