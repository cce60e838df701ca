//! What the wire and every protocol share of the transport: whether a stream is TLS
//! ([`MaybeTls`]), how a read, a write or a TLS error ends an attempt (TLS alerts and OS
//! errors in the probe's words), and small helpers of bounded exchanges (seconds and
//! first bytes in messages, running requests concurrently). It knows no protocol: the
//! protocols' files and `wire.rs` sit above it.

use std::task::Poll;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};

use super::observation::{Fate, Refusal};

/// The name TLS gives an alert (RFC 8446 section 6): `certificate_required`, `unknown_ca`.
pub fn alert_name(a: rustls::AlertDescription) -> String {
    use rustls::AlertDescription as A;
    let s = match a {
        A::CloseNotify => "close_notify",
        A::UnexpectedMessage => "unexpected_message",
        A::BadRecordMac => "bad_record_mac",
        A::RecordOverflow => "record_overflow",
        A::HandshakeFailure => "handshake_failure",
        A::BadCertificate => "bad_certificate",
        A::UnsupportedCertificate => "unsupported_certificate",
        A::CertificateRevoked => "certificate_revoked",
        A::CertificateExpired => "certificate_expired",
        A::CertificateUnknown => "certificate_unknown",
        A::IllegalParameter => "illegal_parameter",
        A::UnknownCA => "unknown_ca",
        A::AccessDenied => "access_denied",
        A::DecodeError => "decode_error",
        A::DecryptError => "decrypt_error",
        A::ProtocolVersion => "protocol_version",
        A::InsufficientSecurity => "insufficient_security",
        A::InternalError => "internal_error",
        A::InappropriateFallback => "inappropriate_fallback",
        A::UserCanceled => "user_canceled",
        A::NoRenegotiation => "no_renegotiation",
        A::MissingExtension => "missing_extension",
        A::UnsupportedExtension => "unsupported_extension",
        A::UnrecognisedName => "unrecognized_name",
        A::CertificateRequired => "certificate_required",
        A::NoApplicationProtocol => "no_application_protocol",
        other => return format!("alert {}", u8::from(other)),
    };
    s.to_string()
}

/// Alerts with which a server refuses the client's identity (or its absence). With a
/// CertificateRequest on the wire, `handshake_failure` and `decrypt_error` are also that
/// (OpenSSL's answer to a missing certificate in TLS 1.2 is `handshake_failure`).
fn refuses_identity(a: rustls::AlertDescription, requested: bool) -> bool {
    use rustls::AlertDescription as A;
    matches!(
        a,
        A::CertificateRequired
            | A::BadCertificate
            | A::UnsupportedCertificate
            | A::CertificateRevoked
            | A::CertificateExpired
            | A::CertificateUnknown
            | A::UnknownCA
            | A::AccessDenied
    ) || (requested && matches!(a, A::HandshakeFailure | A::DecryptError))
}

/// An OS error in the probe's words (no raw `os error N`).
pub fn io_words(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::ConnectionRefused => "connection refused".into(),
        K::ConnectionReset => "connection reset".into(),
        K::ConnectionAborted => "connection aborted".into(),
        K::BrokenPipe => "connection closed while sending".into(),
        K::UnexpectedEof => "closed without answering".into(),
        K::TimedOut => "timed out".into(),
        K::AddrNotAvailable => "address not available".into(),
        K::PermissionDenied => "permission denied".into(),
        K::HostUnreachable => "host unreachable".into(),
        K::NetworkUnreachable => "network unreachable".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}

/// How a TLS stream error ends an attempt. `in_handshake`: before the handshake completed;
/// `requested`: the server had sent a CertificateRequest.
pub fn tls_fate(e: &std::io::Error, in_handshake: bool, requested: bool) -> Fate {
    if let Some(re) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return match re {
            rustls::Error::AlertReceived(a) => alert_fate(*a, in_handshake, requested),
            rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. }
                if in_handshake =>
            {
                Fate::NoTls("not TLS".into())
            }
            other if in_handshake => Fate::NoTls(format!("TLS handshake failed: {other}")),
            other => Fate::Other(format!("TLS error: {other}")),
        };
    }
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof if in_handshake => {
            Fate::NoTls("closed during the TLS handshake".into())
        }
        std::io::ErrorKind::UnexpectedEof => Fate::Closed,
        _ if in_handshake => Fate::NoTls(format!("{} during the TLS handshake", io_words(e))),
        std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe => Fate::Closed,
        _ => Fate::Other(io_words(e)),
    }
}

/// How an alert from the server ends an attempt.
pub fn alert_fate(a: rustls::AlertDescription, in_handshake: bool, requested: bool) -> Fate {
    match a {
        a if refuses_identity(a, requested) => Fate::Refused(Refusal::Alert(alert_name(a))),
        rustls::AlertDescription::NoApplicationProtocol => Fate::NoCommonAlpn,
        a if in_handshake => Fate::NoTls(format!("handshake refused: alert {}", alert_name(a))),
        a => Fate::Other(format!("alert {}", alert_name(a))),
    }
}

/// How a read or write error ends an exchange: over TLS by [`tls_fate`], in plaintext a
/// close or the error in words.
pub fn io_fate(e: &std::io::Error, tls: bool) -> Fate {
    if tls {
        tls_fate(e, false, false)
    } else {
        match e.kind() {
            std::io::ErrorKind::UnexpectedEof
            | std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::BrokenPipe => Fate::Closed,
            _ => Fate::Other(io_words(e)),
        }
    }
}

/// After a failed write (the server refused and closed while the request was on its way),
/// what the server had sent first: its alert is still in the receive queue.
pub async fn alert_after_write_error<S>(s: &mut S, e: &std::io::Error, tls: bool) -> Fate
where
    S: AsyncRead + Unpin,
{
    if tls {
        let mut b = [0u8; 512];
        if let Ok(Err(re)) = tokio::time::timeout(Duration::from_millis(200), s.read(&mut b)).await
        {
            if let f @ Fate::Refused(_) = tls_fate(&re, false, true) {
                return f;
            }
        }
    }
    io_fate(e, tls)
}

/// Whether a stream is TLS (for error classification).
pub trait MaybeTls {
    /// True for TLS streams.
    fn is_tls(&self) -> bool;
    /// Acknowledge the server's next segments at once (TCP_QUICKACK), before waiting for a
    /// small answer: a server with Nagle on that still has unacknowledged data in flight
    /// (TLS 1.3 session tickets) holds its answer until our delayed ACK, up to 40 ms.
    fn quickack(&self) {}
}
impl MaybeTls for tokio::net::TcpStream {
    fn is_tls(&self) -> bool {
        false
    }
    fn quickack(&self) {
        let _ = rustix::net::sockopt::set_tcp_quickack(self, true);
    }
}
impl<S: MaybeTls> MaybeTls for tokio_rustls::client::TlsStream<S> {
    fn is_tls(&self) -> bool {
        true
    }
    fn quickack(&self) {
        self.get_ref().0.quickack()
    }
}
impl<S: MaybeTls> MaybeTls for super::tls::Prefixed<S> {
    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
    fn quickack(&self) {
        self.inner.quickack()
    }
}
impl<S: MaybeTls> MaybeTls for super::tls::Watched<S> {
    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
    fn quickack(&self) {
        self.inner.quickack()
    }
}

/// The first bytes of an answer, printable ASCII kept, the rest escaped.
pub fn printable(b: &[u8]) -> String {
    b.iter()
        .take(24)
        .map(|&c| {
            if (0x20..0x7f).contains(&c) {
                (c as char).to_string()
            } else {
                format!("\\x{c:02x}")
            }
        })
        .collect()
}

/// Seconds for messages: `3s`, `0.5s`.
pub fn secs(d: Duration) -> String {
    format!("{}s", d.as_secs_f64())
}

/// Run `fs` concurrently, results in order.
pub(crate) async fn join_all<F: std::future::Future>(fs: Vec<F>) -> Vec<F::Output> {
    let mut set = Vec::with_capacity(fs.len());
    for f in fs {
        set.push(Box::pin(f));
    }
    let mut out: Vec<Option<F::Output>> = (0..set.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in set.iter_mut().enumerate() {
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    Poll::Ready(v) => out[i] = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    out.into_iter().flatten().collect()
}
