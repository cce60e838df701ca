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
    /// The verdict.
    pub seen: Mutex<ServerAuthSeen>,
}

impl RecordingVerifier {
    /// With the bundle's roots (None: every server is untrusted).
    pub fn new(inner: Option<Arc<WebPkiServerVerifier>>, provider: Arc<CryptoProvider>) -> Self {
        RecordingVerifier {
            inner,
            provider,
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
        let verdict = match &self.inner {
            Some(v) => v.verify_server_cert(end_entity, intermediates, server_name, ocsp, now),
            None => Err(rustls::Error::General("no --ca bundle given".into())),
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
                    s.why = e.to_string();
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
