//! The protocol exchanges of the probe: an HTTP/1.1 GET, HTTP/2 GET and gRPC health calls,
//! each bounded in time and size, and the reading of what went wrong.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};

/// Largest response head read (headers beyond that are hostile).
pub const MAX_HEAD: usize = 64 * 1024;

use super::observation::{Answer, Denial, Fate, Refusal};

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

/// Whether an answer is a refusal, from its status alone (never the server's text).
pub fn http_denial(code: u16, tls: bool) -> Denial {
    match code {
        401 | 403 | 495 | 496 => Denial::Identity,
        400 if tls => Denial::Identity,
        497 if !tls => Denial::TlsRequired,
        400 => Denial::Refused,
        _ => Denial::None,
    }
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

/// `GET path` over HTTP/1.1 with `Host: host`; reads the response head (at most 64 KiB).
pub async fn http1_get<S>(s: &mut S, host: &str, path: &str, timeout: Duration) -> Fate
where
    S: AsyncRead + AsyncWrite + Unpin + MaybeTls,
{
    http1_request(s, "GET", host, path, timeout).await
}

/// `METHOD path` over HTTP/1.1 with `Host: host` and no body; reads the response head (at
/// most 64 KiB); the status decides.
pub async fn http1_request<S>(
    s: &mut S,
    method: &str,
    host: &str,
    path: &str,
    timeout: Duration,
) -> Fate
where
    S: AsyncRead + AsyncWrite + Unpin + MaybeTls,
{
    let tls = s.is_tls();
    let length = if method == "GET" || method == "HEAD" {
        ""
    } else {
        "Content-Length: 0\r\n"
    };
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: secctl-probe\r\nAccept: */*\r\n{length}Connection: close\r\n\r\n"
    );
    let work = write_and_read_head(s, req.as_bytes(), tls);
    let (buf, end) = match tokio::time::timeout(timeout, work).await {
        Ok(Ok(x)) => x,
        Ok(Err(f)) => return f,
        Err(_) => return Fate::Silent(format!("no HTTP/1.1 answer within {}", secs(timeout))),
    };
    let Some((code, location, text)) = parse_head(&buf[..end]) else {
        return not_http(&buf);
    };
    // The status decides; the body (the server's words) is never read for a verdict.
    Fate::Answer(Answer {
        code,
        grpc: false,
        denial: http_denial(code, tls),
        location,
        text,
    })
}

/// Write an HTTP/1.1 request on `s` and read the response head: the bytes read and where
/// the head ends (before its blank line, or at the end when the server closed first); at
/// most `MAX_HEAD`. Bytes that cannot start an HTTP/1.x answer end it as [`not_http`].
/// Shared by plain requests and the WebSocket upgrade.
pub(crate) async fn write_and_read_head<S>(
    s: &mut S,
    req: &[u8],
    tls: bool,
) -> Result<(Vec<u8>, usize), Fate>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    if let Err(e) = s.write_all(req).await {
        return Err(alert_after_write_error(s, &e, tls).await);
    }
    let _ = s.flush().await;
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            return Ok((buf, end));
        }
        if buf.len() > MAX_HEAD {
            return Err(Fate::Other(format!(
                "response head larger than {} KiB",
                MAX_HEAD / 1024
            )));
        }
        match s.read(&mut chunk).await {
            Ok(0) if buf.is_empty() => return Err(Fate::Closed),
            Ok(0) => {
                let end = buf.len();
                return Ok((buf, end));
            }
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                if !b"HTTP/1.".starts_with(&buf[..buf.len().min(7)]) {
                    return Err(not_http(&buf));
                }
            }
            Err(e) => return Err(io_fate(&e, tls)),
        }
    }
}

/// Seconds for messages: `3s`, `0.5s`.
pub fn secs(d: Duration) -> String {
    format!("{}s", d.as_secs_f64())
}

/// Bytes that are not an HTTP/1.x answer: a TLS alert record is a TLS-only port's answer
/// to plaintext, anything else is not HTTP.
pub(crate) fn not_http(buf: &[u8]) -> Fate {
    if buf.first() == Some(&0x15) {
        Fate::Answer(Answer {
            code: 0,
            grpc: false,
            location: None,
            denial: Denial::TlsRequired,
            text: "answered with a TLS alert".into(),
        })
    } else {
        Fate::Other(format!("not HTTP (first bytes \"{}\")", printable(buf)))
    }
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

fn parse_head(head: &[u8]) -> Option<(u16, Option<String>, String)> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    let (Some(v), Some(code)) = (parts.next(), parts.next()) else {
        return None;
    };
    let code = code.parse::<u16>().ok()?;
    if !v.starts_with("HTTP/1.") || !(100..1000).contains(&code) {
        return None;
    }
    let location = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("location"))
        .map(|(_, v)| v.trim().chars().take(200).collect::<String>());
    let mut text = format!("{v} {code}");
    if let Some(l) = &location {
        text.push_str(&format!(" -> {l}"));
    }
    Some((code, location, text))
}

/// A request made over HTTP/2.
#[derive(Debug, Clone)]
pub enum Call {
    /// `GET path`: an answer still pending once the port answered gRPC on another stream
    /// is bounded by [`GRPC_GRACE`].
    Get(String),
    /// `grpc.health.v1.Health/Check`.
    Grpc,
    /// `METHOD path` without a body, for a verdict of its own (never cut short).
    Http(String, String),
    /// A unary gRPC call of the method `path` with an empty message, for a verdict of its
    /// own. An HTTP answer without grpc-status is returned as the HTTP answer it is.
    Unary(String),
}

impl Call {
    fn grpc(&self) -> bool {
        matches!(self, Call::Grpc | Call::Unary(_))
    }
}

/// Keeps the first bytes the server sent, to tell "answered HTTP/1.1" from other failures.
struct Sniff<S> {
    inner: S,
    seen: Arc<Mutex<Vec<u8>>>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Sniff<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = &r {
            if let Ok(mut seen) = self.seen.lock() {
                if seen.len() < 256 {
                    let new = &buf.filled()[before..];
                    let take = new.len().min(256 - seen.len());
                    seen.extend_from_slice(&new[..take]);
                }
            }
        }
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Sniff<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

fn h2_failure(e: &h2::Error, tls: bool, seen: &[u8]) -> Fate {
    if seen.starts_with(b"HTTP/1.") {
        let text = String::from_utf8_lossy(seen);
        let line = text.split("\r\n").next().unwrap_or("").to_string();
        let code = line
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse::<u16>().ok())
            .unwrap_or(0);
        if http_denial(code, false) == Denial::TlsRequired {
            return Fate::Answer(Answer {
                code,
                grpc: false,
                location: None,
                denial: Denial::TlsRequired,
                text: line,
            });
        }
        return Fate::Other(format!("answered HTTP/1.1 to the HTTP/2 preface ({line})"));
    }
    if seen.first() == Some(&0x15) {
        return not_http(seen);
    }
    if let Some(io) = e.get_io() {
        return io_fate(io, tls);
    }
    // The server spoke HTTP/2 and ended the stream (RST_STREAM) or the connection
    // (GOAWAY): no answer, and no evidence of admission or refusal either.
    if let (true, Some(r)) = (e.is_remote(), e.reason()) {
        if e.is_reset() {
            return Fate::Other(format!("HTTP/2 stream reset by the server ({r:?})"));
        }
        if e.is_go_away() {
            return Fate::Other(format!(
                "HTTP/2 connection closed by the server (GOAWAY {r:?})"
            ));
        }
    }
    if seen.is_empty() {
        return Fate::Closed;
    }
    Fate::Other(format!("not HTTP/2 ({e})"))
}

/// Make `calls` over one HTTP/2 connection (prior knowledge on plaintext, ALPN h2 on TLS),
/// with `:authority` `authority`.
pub async fn h2_calls<S>(
    io: S,
    authority: &str,
    tls: bool,
    calls: &[Call],
    timeout: Duration,
) -> Vec<Fate>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let seen = Arc::new(Mutex::new(Vec::new()));
    let io = Sniff {
        inner: io,
        seen: seen.clone(),
    };
    let sniffed = || seen.lock().map(|s| s.clone()).unwrap_or_default();
    let fail_all = |o: Fate| vec![o; calls.len()];
    let hs = h2::client::Builder::new()
        .max_header_list_size(MAX_HEAD as u32)
        .initial_window_size(1 << 20)
        .handshake::<_, Bytes>(io);
    let (client, conn) = match tokio::time::timeout(timeout, hs).await {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return fail_all(h2_failure(&e, tls, &sniffed())),
        Err(_) => {
            return fail_all(Fate::Silent(format!(
                "no HTTP/2 answer within {}",
                secs(timeout)
            )))
        }
    };
    let driver = tokio::spawn(async move {
        let _ = conn.await;
    });
    let scheme = if tls { "https" } else { "http" };
    // Set once the gRPC call got a gRPC answer: the port has shown what it is.
    let (grpc_seen, grpc_rx) = tokio::sync::watch::channel(false);
    let each = calls.iter().map(|call| {
        let mut grpc_rx = grpc_rx.clone();
        let grpc_seen = &grpc_seen;
        let sniffed = &sniffed;
        let client = client.clone();
        async move {
            let one = h2_call(client, call, scheme, authority, tls, sniffed);
            let bounded = async {
                match tokio::time::timeout(timeout, one).await {
                    Ok(Ok(o)) | Ok(Err(o)) => o,
                    Err(_) => Fate::Silent(format!("no HTTP/2 answer within {}", secs(timeout))),
                }
            };
            match call {
                Call::Grpc | Call::Unary(_) | Call::Http(..) => {
                    let o = bounded.await;
                    if matches!(&o, Fate::Answer(a) if a.grpc) {
                        let _ = grpc_seen.send(true);
                    }
                    o
                }
                Call::Get(path) => {
                    // Once a gRPC answer came on another stream, a GET still pending is waited
                    // for GRPC_GRACE more, then recorded as unanswered (not served, no
                    // evidence either way).
                    let grace = async {
                        if grpc_rx.wait_for(|seen| *seen).await.is_ok() {
                            tokio::time::sleep(GRPC_GRACE).await;
                        } else {
                            std::future::pending::<()>().await;
                        }
                    };
                    tokio::select! {
                        biased;
                        o = bounded => o,
                        () = grace => Fate::Unanswered(format!(
                            "no answer to GET {path} within {} ms of the gRPC answer on another \
                             stream",
                            GRPC_GRACE.as_millis()
                        )),
                    }
                }
            }
        }
    });
    // Every request goes out at once, each on a stream of its own: no answer waits on
    // another's.
    let out = join_all(each.collect()).await;
    driver.abort();
    out
}

/// One request of `h2_calls` on its own stream, and its answer (`Err`: how it failed).
async fn h2_call(
    client: h2::client::SendRequest<Bytes>,
    call: &Call,
    scheme: &str,
    authority: &str,
    tls: bool,
    sniffed: &(dyn Fn() -> Vec<u8> + Sync),
) -> Result<Fate, Fate> {
    let mut client = client
        .ready()
        .await
        .map_err(|e| h2_failure(&e, tls, &sniffed()))?;
    let req =
        request(call, scheme, authority).map_err(|e| Fate::Other(format!("bad request: {e}")))?;
    let end = !call.grpc();
    let (resp, mut send) = client
        .send_request(req, end)
        .map_err(|e| h2_failure(&e, tls, &sniffed()))?;
    // An empty HealthCheckRequest: no compression, length 0. A server may answer
    // (a refusal needs no body) and close the stream before it is sent: then its
    // answer is what counts, and the send error only when there is none.
    let send_error = if call.grpc() {
        send.send_data(Bytes::from_static(&[0, 0, 0, 0, 0]), true)
            .err()
    } else {
        None
    };
    let resp = resp
        .await
        .map_err(|e| h2_failure(send_error.as_ref().unwrap_or(&e), tls, &sniffed()))?;
    let status = resp.status().as_u16();
    let location = resp
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(|l| l.chars().take(200).collect::<String>());
    let header_status = grpc_status(resp.headers());
    let mut body = resp.into_body();
    // A gRPC status may come in the trailers, after the body; an HTTP answer is
    // judged by its status alone (its body, the server's words, is never read).
    let mut total = 0usize;
    if call.grpc() && header_status.is_none() {
        while let Some(chunk) = body.data().await {
            let chunk = chunk.map_err(|e| h2_failure(&e, tls, &sniffed()))?;
            total += chunk.len();
            let _ = body.flow_control().release_capacity(chunk.len());
            if total > 1 << 20 {
                return Err(Fate::Other("answer larger than 1 MiB".into()));
            }
        }
    }
    let http_answer = |text: String| {
        let mut text = text;
        if let Some(l) = &location {
            text.push_str(&format!(" -> {l}"));
        }
        Answer {
            code: status,
            grpc: false,
            denial: http_denial(status, tls),
            location: location.clone(),
            text,
        }
    };
    match call {
        Call::Get(_) | Call::Http(..) => Ok(Fate::Answer(http_answer(format!("HTTP/2 {status}")))),
        Call::Grpc | Call::Unary(_) => {
            let st = match header_status {
                Some(s) => Some(s),
                None => {
                    let trailers = body
                        .trailers()
                        .await
                        .map_err(|e| h2_failure(&e, tls, &sniffed()))?;
                    trailers.as_ref().and_then(grpc_status)
                }
            };
            match st {
                Some((code, msg)) => Ok(Fate::Answer(grpc_answer(code, &msg))),
                None => {
                    let a = http_answer(format!("HTTP/2 {status} without grpc-status"));
                    if a.denial == Denial::Identity || matches!(call, Call::Unary(_)) {
                        Ok(Fate::Answer(a))
                    } else {
                        Err(Fate::Other(format!("not gRPC ({})", a.text)))
                    }
                }
            }
        }
    }
}

/// A gRPC answer from its grpc-status and grpc-message.
fn grpc_answer(code: u16, msg: &str) -> Answer {
    Answer {
        code,
        grpc: true,
        denial: if code == 16 || code == 7 {
            Denial::Identity
        } else {
            Denial::None
        },
        location: None,
        text: format!(
            "grpc-status {code} {}{}",
            grpc_name(code),
            if msg.is_empty() {
                String::new()
            } else {
                format!(" ({msg})")
            }
        ),
    }
}

/// How long a GET still pending over HTTP/2 is waited for once a gRPC answer came on
/// another stream of the same connection. The GET went out before the gRPC call on the
/// same connection, so the server had read it first: by then no network round trip
/// remains, only the server's own handling. 20 ms covers an HTTP handler slower than a
/// health check by that much, and keeps a gRPC port's probe as fast as any other (grpcio
/// resets a stream it does not serve only after 100-900 ms). A GET still pending is
/// recorded as [`Fate::Unanswered`]: not served, and no evidence of admission or refusal.
pub const GRPC_GRACE: Duration = Duration::from_millis(20);

/// The HTTP/2 request of `call`.
fn request(call: &Call, scheme: &str, authority: &str) -> http::Result<http::Request<()>> {
    let (method, path, grpc) = match call {
        Call::Get(p) => ("GET", p.as_str(), false),
        Call::Grpc => ("POST", "/grpc.health.v1.Health/Check", true),
        Call::Http(m, p) => (m.as_str(), p.as_str(), false),
        Call::Unary(p) => ("POST", p.as_str(), true),
    };
    let b = http::Request::builder()
        .method(method)
        .uri(format!("{scheme}://{authority}{path}"))
        .header("user-agent", "secctl-probe");
    if grpc {
        b.header("content-type", "application/grpc")
            .header("te", "trailers")
            .body(())
    } else {
        b.body(())
    }
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

fn grpc_status(h: &http::HeaderMap) -> Option<(u16, String)> {
    let code = h
        .get("grpc-status")?
        .to_str()
        .ok()?
        .trim()
        .parse::<u16>()
        .ok()?;
    let msg = h
        .get("grpc-message")
        .and_then(|m| m.to_str().ok())
        .map(|m| m.chars().take(120).collect())
        .unwrap_or_default();
    Some((code, msg))
}

fn grpc_name(code: u16) -> &'static str {
    match code {
        0 => "OK",
        1 => "CANCELLED",
        2 => "UNKNOWN",
        3 => "INVALID_ARGUMENT",
        4 => "DEADLINE_EXCEEDED",
        5 => "NOT_FOUND",
        7 => "PERMISSION_DENIED",
        12 => "UNIMPLEMENTED",
        13 => "INTERNAL",
        14 => "UNAVAILABLE",
        16 => "UNAUTHENTICATED",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An h2c server on `io` that holds its answer to `GET /` until the gRPC call has
    /// arrived (at most `hold`), then answers it 200 if the call came, 503 if not; with
    /// `answer_get` false it never answers the GET. The gRPC call is answered at once with
    /// grpc-status 0 in the headers.
    async fn holding_server(io: tokio::io::DuplexStream, answer_get: bool, hold: Duration) {
        let mut conn = h2::server::handshake(io)
            .await
            .expect("h2 server handshake");
        let (grpc_tx, grpc_rx) = tokio::sync::watch::channel(false);
        let mut held = Vec::new();
        while let Some(r) = conn.accept().await {
            let Ok((req, mut respond)) = r else { break };
            if req.uri().path() == "/" {
                let mut rx = grpc_rx.clone();
                held.push(tokio::spawn(async move {
                    let came = tokio::time::timeout(hold, rx.wait_for(|c| *c))
                        .await
                        .is_ok();
                    if !answer_get {
                        std::future::pending::<()>().await;
                    }
                    let code = if came { 200 } else { 503 };
                    let resp = http::Response::builder().status(code).body(()).unwrap();
                    let _ = respond.send_response(resp, true);
                }));
            } else {
                let _ = grpc_tx.send(true);
                let resp = http::Response::builder()
                    .status(200)
                    .header("content-type", "application/grpc")
                    .header("grpc-status", "0")
                    .body(())
                    .unwrap();
                let _ = respond.send_response(resp, true);
            }
        }
    }

    fn calls() -> Vec<Call> {
        vec![Call::Get("/".into()), Call::Grpc]
    }

    /// The GET is answered 200 only if the gRPC call reached the server while the GET's
    /// answer was held: the requests went out at once, proven without a clock (a probe
    /// that waited for the GET first would see 503 after the hold).
    #[tokio::test]
    async fn requests_on_one_connection_do_not_wait_on_each_other() {
        let (client, server) = tokio::io::duplex(1 << 16);
        tokio::spawn(holding_server(server, true, Duration::from_secs(5)));
        let out = h2_calls(client, "x", false, &calls(), Duration::from_secs(10)).await;
        match &out[0] {
            Fate::Answer(a) => assert_eq!(a.code, 200, "{out:?}"),
            other => panic!("GET /: {other:?}"),
        }
        assert!(
            matches!(&out[1], Fate::Answer(a) if a.grpc && a.code == 0),
            "{out:?}"
        );
    }

    /// A server that resets every stream (RST_STREAM REFUSED_STREAM): every call ends at
    /// once with what was seen, neither an answer nor a refusal.
    #[tokio::test]
    async fn a_port_that_resets_every_stream_says_so() {
        let (client, server) = tokio::io::duplex(1 << 16);
        tokio::spawn(async move {
            let mut conn = h2::server::handshake(server).await.expect("handshake");
            while let Some(Ok((_req, mut respond))) = conn.accept().await {
                respond.send_reset(h2::Reason::REFUSED_STREAM);
            }
        });
        let out = h2_calls(client, "x", false, &calls(), Duration::from_secs(30)).await;
        for o in &out {
            assert!(
                matches!(o, Fate::Other(w) if w == "HTTP/2 stream reset by the server (REFUSED_STREAM)"),
                "{out:?}"
            );
        }
    }

    /// A server that answers the HTTP/2 preface in HTTP/1.1: the row says so (an
    /// HTTP/1.1 400 is not a refusal of anyone).
    #[tokio::test]
    async fn an_http1_answer_to_the_preface_is_named() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (client, mut server) = tokio::io::duplex(1 << 16);
        tokio::spawn(async move {
            let mut b = [0u8; 64];
            let _ = server.read(&mut b).await;
            let _ = server
                .write_all(
                    b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                )
                .await;
            let _ = server.shutdown().await;
        });
        let out = h2_calls(client, "x", false, &calls(), Duration::from_secs(30)).await;
        for o in &out {
            assert!(
                matches!(o, Fate::Other(w)
                    if w == "answered HTTP/1.1 to the HTTP/2 preface (HTTP/1.1 400 Bad Request)"),
                "{out:?}"
            );
        }
    }

    /// A GET the server never answers, on a port that answered gRPC on another stream:
    /// unanswered after the grace, long before the timeout, never a refusal.
    #[tokio::test]
    async fn a_pending_get_is_bounded_once_grpc_answered() {
        let (client, server) = tokio::io::duplex(1 << 16);
        tokio::spawn(holding_server(server, false, Duration::from_secs(5)));
        let out = h2_calls(client, "x", false, &calls(), Duration::from_secs(30)).await;
        assert!(
            matches!(&out[0], Fate::Unanswered(w) if w.starts_with("no answer to GET / within")),
            "{out:?}"
        );
        assert!(matches!(&out[1], Fate::Answer(a) if a.grpc), "{out:?}");
    }
}
