//! TLS client side of the probe: a verifier that records (instead of enforcing) whether the
//! server chain is trusted, and a client-certificate resolver that records whether the
//! server asked for a certificate.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ResolvesClientCert, WebPkiServerVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

/// What the verifier saw.
#[derive(Debug, Clone, Default)]
pub struct ServerAuthSeen {
    /// Some(true) trusted, Some(false) untrusted, None not reached.
    pub trusted: Option<bool>,
    /// Why not trusted.
    pub why: String,
    /// The chain the server presented.
    pub chain: Vec<CertificateDer<'static>>,
}

/// Records the verdict of webpki on the server chain and lets the handshake go on, so an
/// untrusted server can still be classified.
#[derive(Debug)]
pub struct RecordingVerifier {
    inner: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
    cache: Arc<VerdictCache>,
    /// The verdict.
    pub seen: Mutex<ServerAuthSeen>,
}

/// webpki's verdicts on the chains one probe saw (every connection to a server sees the
/// same chain, for the same name, at the same time: one path validation is enough).
#[derive(Debug, Default)]
pub struct VerdictCache {
    entries: Mutex<Vec<(ChainDer, Result<(), String>)>>,
}

/// A presented chain, leaf first (DER).
type ChainDer = Vec<Vec<u8>>;

impl RecordingVerifier {
    /// With the bundle's roots (None: every server is untrusted), sharing `cache` with the
    /// other connections of the probe.
    pub fn new(
        inner: Option<Arc<WebPkiServerVerifier>>,
        provider: Arc<CryptoProvider>,
        cache: Arc<VerdictCache>,
    ) -> Self {
        RecordingVerifier {
            inner,
            provider,
            cache,
            seen: Mutex::new(ServerAuthSeen::default()),
        }
    }
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let key: Vec<Vec<u8>> = std::iter::once(end_entity)
            .chain(intermediates.iter())
            .map(|c| c.as_ref().to_vec())
            .collect();
        let cached = self
            .cache
            .entries
            .lock()
            .ok()
            .and_then(|e| e.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()));
        let verdict = match cached {
            Some(v) => v,
            None => {
                let v = match &self.inner {
                    Some(v) => v
                        .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                    None => Err("no --ca bundle given".to_string()),
                };
                if let Ok(mut e) = self.cache.entries.lock() {
                    e.push((key, v.clone()));
                }
                v
            }
        };
        if let Ok(mut s) = self.seen.lock() {
            s.chain = std::iter::once(end_entity)
                .chain(intermediates.iter())
                .map(|c| c.clone().into_owned())
                .collect();
            match verdict {
                Ok(_) => s.trusted = Some(true),
                Err(e) => {
                    s.trusted = Some(false);
                    s.why = e;
                }
            }
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Offers the client certificate (if any) and records whether the server asked for one.
#[derive(Debug)]
pub struct RecordingResolver {
    key: Option<Arc<rustls::sign::CertifiedKey>>,
    /// The server sent a CertificateRequest.
    pub requested: AtomicBool,
}

impl RecordingResolver {
    /// With or without a certificate to present.
    pub fn new(key: Option<Arc<rustls::sign::CertifiedKey>>) -> Self {
        RecordingResolver {
            key,
            requested: AtomicBool::new(false),
        }
    }
}

impl ResolvesClientCert for RecordingResolver {
    fn resolve(
        &self,
        _hints: &[&[u8]],
        _schemes: &[SignatureScheme],
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        self.requested.store(true, Ordering::SeqCst);
        self.key.clone()
    }

    fn has_certs(&self) -> bool {
        true
    }
}

/// A session store that keeps nothing (no resumption: a resumed session would skip the
/// client-certificate check) but tells when the server sent a TLS 1.3 ticket. OpenSSL, Go
/// and rustls servers send tickets only after they accepted the client's Finished (and its
/// certificate): a ticket is the server's word that the handshake, identity included, went
/// through.
///
/// It does keep one thing, shared by the connections of one target: the key-exchange group
/// of the last completed TLS 1.3 handshake, which a later ClientHello offers its key share
/// for. A server that accepts only a group other than the client's first (gRPC core:
/// P-256 only) otherwise answers every ClientHello with a HelloRetryRequest, a round trip
/// more per connection. No session state: the group is the one the server chose anyway.
#[derive(Debug, Default)]
pub struct TicketWatch {
    /// A ticket arrived.
    pub seen: AtomicBool,
    /// Woken when a ticket arrives.
    pub notify: tokio::sync::Notify,
    /// The group the server chose last (shared by the connections of one target).
    pub kx: Arc<Mutex<Option<rustls::NamedGroup>>>,
}

impl rustls::client::ClientSessionStore for TicketWatch {
    fn set_kx_hint(&self, _: ServerName<'static>, group: rustls::NamedGroup) {
        if let Ok(mut k) = self.kx.lock() {
            *k = Some(group);
        }
    }
    fn kx_hint(&self, _: &ServerName<'_>) -> Option<rustls::NamedGroup> {
        self.kx.lock().ok().and_then(|k| *k)
    }
    fn set_tls12_session(
        &self,
        _: ServerName<'static>,
        _: rustls::client::Tls12ClientSessionValue,
    ) {
    }
    fn tls12_session(&self, _: &ServerName<'_>) -> Option<rustls::client::Tls12ClientSessionValue> {
        None
    }
    fn remove_tls12_session(&self, _: &ServerName<'static>) {}
    fn insert_tls13_ticket(
        &self,
        _: ServerName<'static>,
        _: rustls::client::Tls13ClientSessionValue,
    ) {
        self.seen.store(true, Ordering::SeqCst);
        self.notify.notify_one();
    }
    fn take_tls13_ticket(
        &self,
        _: &ServerName<'static>,
    ) -> Option<rustls::client::Tls13ClientSessionValue> {
        None
    }
}

/// Watches the TLS record headers the server sends (they are plaintext in every version):
/// a handshake record after a TLS 1.2 handshake is a HelloRequest, the server asking to
/// renegotiate (how TLS 1.2 servers ask for a client certificate per request). Records are
/// only delimited, never decrypted.
#[derive(Debug, Default)]
pub struct RecordWatch {
    /// Set by the prober once its handshake is complete.
    pub handshake_done: AtomicBool,
    /// A handshake record arrived after that.
    pub renegotiation: AtomicBool,
    /// Woken when it does.
    pub notify: tokio::sync::Notify,
    /// Complete records received after the handshake.
    pub records_after: std::sync::atomic::AtomicUsize,
    /// Woken when one completes.
    pub record_notify: tokio::sync::Notify,
    state: Mutex<RecordState>,
}

#[derive(Debug, Default)]
struct RecordState {
    header: Vec<u8>,
    body_left: usize,
    /// Type of the record being skipped.
    kind: u8,
    /// The server sent ChangeCipherSpec (TLS 1.2: what follows is encrypted).
    ccs: bool,
    /// Body of a plaintext alert record.
    alert: Vec<u8>,
    /// A plaintext alert the server sent during the handshake (level, description).
    seen_alert: Option<u8>,
}

impl RecordWatch {
    /// Account for bytes read from the server.
    pub fn feed(&self, mut bytes: &[u8]) {
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        while !bytes.is_empty() {
            if st.body_left > 0 {
                let n = st.body_left.min(bytes.len());
                if st.kind == 21 && !st.ccs && st.alert.len() < 2 {
                    let take = n.min(2 - st.alert.len());
                    st.alert.extend_from_slice(&bytes[..take]);
                    if st.alert.len() == 2 && st.seen_alert.is_none() {
                        st.seen_alert = Some(st.alert[1]);
                    }
                }
                st.body_left -= n;
                bytes = &bytes[n..];
                if st.body_left == 0 && self.handshake_done.load(Ordering::SeqCst) {
                    self.records_after.fetch_add(1, Ordering::SeqCst);
                    self.record_notify.notify_one();
                }
                continue;
            }
            let need = 5 - st.header.len();
            let n = need.min(bytes.len());
            st.header.extend_from_slice(&bytes[..n]);
            bytes = &bytes[n..];
            if st.header.len() == 5 {
                let kind = st.header[0];
                st.body_left = u16::from_be_bytes([st.header[3], st.header[4]]) as usize;
                st.header.clear();
                st.kind = kind;
                st.alert.clear();
                if kind == 20 {
                    st.ccs = true;
                }
                if kind == 22 && self.handshake_done.load(Ordering::SeqCst) {
                    self.renegotiation.store(true, Ordering::SeqCst);
                    self.notify.notify_one();
                }
            }
        }
    }
}

impl RecordWatch {
    /// The description of a plaintext alert the server sent before encryption started
    /// (TLS 1.2 handshake refusals), if one was seen.
    pub fn plaintext_alert(&self) -> Option<rustls::AlertDescription> {
        self.state
            .lock()
            .ok()
            .and_then(|s| s.seen_alert)
            .map(rustls::AlertDescription::from)
    }
}

/// A TCP stream whose incoming bytes go through a [`RecordWatch`].
pub struct Watched<S> {
    /// The stream.
    pub inner: S,
    /// The watch.
    pub watch: Arc<RecordWatch>,
}

impl Watched<tokio::net::TcpStream> {
    /// After a failed write or a reset (the server refused the handshake and closed while
    /// the client's flight was on its way), read what it had sent before: its alert is still
    /// in the receive queue. A direct non-blocking recv: tokio's `try_read` would not look
    /// without a readiness event.
    fn drain(&self) {
        let mut buf = [0u8; 4096];
        for _ in 0..16 {
            match rustix::net::recv(&self.inner, &mut buf, rustix::net::RecvFlags::DONTWAIT) {
                Ok((n, _)) if n > 0 => self.watch.feed(&buf[..n]),
                _ => break,
            }
        }
    }
}

impl tokio::io::AsyncRead for Watched<tokio::net::TcpStream> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = std::pin::Pin::new(&mut self.inner).poll_read(cx, buf);
        match &r {
            std::task::Poll::Ready(Ok(())) => self.watch.feed(&buf.filled()[before..]),
            std::task::Poll::Ready(Err(_)) => self.drain(),
            std::task::Poll::Pending => {}
        }
        r
    }
}

impl tokio::io::AsyncWrite for Watched<tokio::net::TcpStream> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let r = std::pin::Pin::new(&mut self.inner).poll_write(cx, buf);
        if let std::task::Poll::Ready(Err(_)) = &r {
            self.drain();
        }
        r
    }
    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A stream that first yields bytes already read from it (read while waiting for the
/// server's verdict on the handshake), then the stream itself.
pub struct Prefixed<S> {
    /// Bytes to yield first.
    pub prefix: Vec<u8>,
    /// The stream.
    pub inner: S,
}

impl<S: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for Prefixed<S> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        if !self.prefix.is_empty() {
            let n = self.prefix.len().min(buf.remaining());
            buf.put_slice(&self.prefix[..n]);
            self.prefix.drain(..n);
            return std::task::Poll::Ready(Ok(()));
        }
        std::pin::Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for Prefixed<S> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A client identity from a CA made in memory for this process and never written anywhere:
/// a certificate no server can have a reason to trust. A server that lets it in where a
/// certificate is demanded does not verify client certificates.
pub fn throwaway_identity() -> Option<Arc<rustls::sign::CertifiedKey>> {
    static ID: std::sync::OnceLock<Option<Arc<rustls::sign::CertifiedKey>>> =
        std::sync::OnceLock::new();
    ID.get_or_init(|| {
        use rcgen::{
            BasicConstraints, CertificateParams, DistinguishedName, DnType,
            ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
        };
        let mut tag = [0u8; 6];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut tag).ok()?;
        let tag = hex::encode(tag);
        let ca_key = KeyPair::generate().ok()?;
        let mut ca = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(
            DnType::CommonName,
            format!("secctl probe throwaway CA {tag}"),
        );
        ca.distinguished_name = dn;
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_cert = ca.self_signed(&ca_key).ok()?;
        let issuer = rcgen::Issuer::new(ca, ca_key);
        let leaf_key = KeyPair::generate().ok()?;
        let mut leaf = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, format!("secctl probe throwaway {tag}"));
        leaf.distinguished_name = dn;
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let leaf_cert = leaf.signed_by(&leaf_key, &issuer).ok()?;
        let key_der = rustls::pki_types::PrivateKeyDer::Pkcs8(
            rustls::pki_types::PrivatePkcs8KeyDer::from(leaf_key.serialize_der()),
        );
        let signer = rustls::crypto::ring::sign::any_supported_type(&key_der).ok()?;
        Some(Arc::new(rustls::sign::CertifiedKey::new(
            vec![leaf_cert.der().clone(), ca_cert.der().clone()],
            signer,
        )))
    })
    .clone()
}
