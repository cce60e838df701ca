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

/// What one request got.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The protocol answered: an HTTP status or a grpc-status.
    Answer {
        /// HTTP status, or grpc-status for gRPC.
        code: u16,
        /// Refused for lack of (or a wrong) identity: 401/403, grpc 16/7.
        denied: bool,
        /// `Location` of an HTTP answer.
        location: Option<String>,
        /// Human text.
        text: String,
    },
    /// The TLS layer refused us: an alert in the handshake or right after it (TLS 1.3
    /// refuses a missing certificate after the client's handshake is done), or a close
    /// before any answer.
    TlsRefused(String),
    /// Nothing usable: timeout, closed, garbage, another protocol.
    NoAnswer(String),
}

impl Outcome {
    /// Whether the protocol answered.
    pub fn is_answer(&self) -> bool {
        matches!(self, Outcome::Answer { .. })
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Answer { text, .. } => f.write_str(text),
            Outcome::TlsRefused(s) => write!(f, "refused by TLS ({s})"),
            Outcome::NoAnswer(s) => f.write_str(s),
        }
    }
}

/// Map an I/O error from a TLS stream: alerts from the server are refusals.
pub fn tls_error(e: &std::io::Error, in_handshake: bool) -> Outcome {
    if let Some(re) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return match re {
            rustls::Error::AlertReceived(a) if refuses_identity(*a) => {
                Outcome::TlsRefused(format!("alert {a:?}"))
            }
            rustls::Error::AlertReceived(rustls::AlertDescription::NoApplicationProtocol) => {
                Outcome::NoAnswer("no common ALPN protocol".into())
            }
            rustls::Error::AlertReceived(a) => Outcome::NoAnswer(format!("TLS alert {a:?}")),
            rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. }
                if in_handshake =>
            {
                Outcome::NoAnswer(format!("not TLS ({re})"))
            }
            other => Outcome::NoAnswer(format!("TLS: {other}")),
        };
    }
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof
        | std::io::ErrorKind::ConnectionReset
        | std::io::ErrorKind::BrokenPipe
            if !in_handshake =>
        {
            Outcome::TlsRefused(format!("closed after the handshake: {e}"))
        }
        std::io::ErrorKind::UnexpectedEof => {
            Outcome::NoAnswer("closed during the TLS handshake".into())
        }
        _ => Outcome::NoAnswer(format!("{e}")),
    }
}

/// Alerts with which a server refuses the client's identity (or its absence).
fn refuses_identity(a: rustls::AlertDescription) -> bool {
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
            | A::HandshakeFailure
            | A::DecryptError
    )
}

fn io_outcome(e: &std::io::Error, tls: bool) -> Outcome {
    if tls {
        tls_error(e, false)
    } else {
        Outcome::NoAnswer(e.to_string())
    }
}

fn printable(b: &[u8]) -> String {
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

/// Whether a stream is TLS (for error classification).
pub trait MaybeTls {
    /// True for TLS streams.
    fn is_tls(&self) -> bool;
}
impl MaybeTls for tokio::net::TcpStream {
    fn is_tls(&self) -> bool {
        false
    }
}
impl<S> MaybeTls for tokio_rustls::client::TlsStream<S> {
    fn is_tls(&self) -> bool {
        true
    }
}

/// `GET /` over HTTP/1.1; reads the response head (at most 64 KiB).
pub async fn http1_get<S>(s: &mut S, authority: &str, timeout: Duration) -> Outcome
where
    S: AsyncRead + AsyncWrite + Unpin + MaybeTls,
{
    let tls = s.is_tls();
    let req = format!(
        "GET / HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: secctl-probe\r\nAccept: */*\r\nConnection: close\r\n\r\n"
    );
    let work = async {
        if let Err(e) = s.write_all(req.as_bytes()).await {
            return io_outcome(&e, tls);
        }
        let _ = s.flush().await;
        let mut buf = Vec::with_capacity(4096);
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(end) = find(&buf, b"\r\n\r\n") {
                return parse_head(&buf[..end]);
            }
            if buf.len() > MAX_HEAD {
                return Outcome::NoAnswer(format!(
                    "response head larger than {} KiB",
                    MAX_HEAD / 1024
                ));
            }
            match s.read(&mut chunk).await {
                Ok(0) if buf.is_empty() => {
                    return if tls {
                        Outcome::TlsRefused("closed without answering".into())
                    } else {
                        Outcome::NoAnswer("closed without answering".into())
                    }
                }
                Ok(0) => {
                    if buf.starts_with(b"HTTP/1.") {
                        return parse_head(&buf);
                    }
                    return not_http(&buf);
                }
                Ok(n) => {
                    buf.extend_from_slice(&chunk[..n]);
                    if !buf.is_empty() && !b"HTTP/1.".starts_with(&buf[..buf.len().min(7)]) {
                        return not_http(&buf);
                    }
                }
                Err(e) => return io_outcome(&e, tls),
            }
        }
    };
    match tokio::time::timeout(timeout, work).await {
        Ok(o) => o,
        Err(_) => Outcome::NoAnswer(format!("no complete HTTP/1.1 answer within {timeout:?}")),
    }
}

fn not_http(buf: &[u8]) -> Outcome {
    if buf.first() == Some(&0x15) {
        Outcome::NoAnswer("answered with a TLS alert: the port expects TLS".into())
    } else {
        Outcome::NoAnswer(format!("not HTTP/1.1 (first bytes \"{}\")", printable(buf)))
    }
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

fn parse_head(head: &[u8]) -> Outcome {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    let (Some(v), Some(code)) = (parts.next(), parts.next()) else {
        return not_http(head);
    };
    let Ok(code) = code.parse::<u16>() else {
        return not_http(head);
    };
    if !v.starts_with("HTTP/1.") {
        return not_http(head);
    }
    let location = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("location"))
        .map(|(_, v)| v.trim().to_string());
    let mut text = format!("{v} {code}");
    if let Some(l) = &location {
        text.push_str(&format!(" -> {l}"));
    }
    Outcome::Answer {
        code,
        denied: code == 401 || code == 403,
        location,
        text,
    }
}

/// A request made over HTTP/2.
#[derive(Debug, Clone, Copy)]
pub enum Call {
    /// `GET /`.
    Get,
    /// `grpc.health.v1.Health/Check`.
    Grpc,
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
                if seen.len() < 64 {
                    let new = &buf.filled()[before..];
                    let take = new.len().min(64 - seen.len());
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

fn h2_failure(e: &h2::Error, tls: bool, seen: &[u8]) -> Outcome {
    if seen.starts_with(b"HTTP/1.") {
        let line = String::from_utf8_lossy(seen);
        let line = line.split("\r\n").next().unwrap_or("");
        return Outcome::NoAnswer(format!("answered HTTP/1.1 to the HTTP/2 preface ({line})"));
    }
    if seen.is_empty() && !tls {
        return Outcome::NoAnswer("closed without answering the HTTP/2 preface".into());
    }
    if let Some(io) = e.get_io() {
        return io_outcome(io, tls);
    }
    if seen.is_empty() {
        return Outcome::TlsRefused(format!("closed before any HTTP/2 frame ({e})"));
    }
    if !seen.is_empty() && seen[0] == 0x15 {
        return Outcome::NoAnswer("answered with a TLS alert: the port expects TLS".into());
    }
    Outcome::NoAnswer(format!("HTTP/2: {e}"))
}

/// Make `calls` over one HTTP/2 connection (prior knowledge on plaintext, ALPN h2 on TLS).
pub async fn h2_calls<S>(
    io: S,
    authority: &str,
    tls: bool,
    calls: &[Call],
    timeout: Duration,
) -> Vec<Outcome>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let seen = Arc::new(Mutex::new(Vec::new()));
    let io = Sniff {
        inner: io,
        seen: seen.clone(),
    };
    let sniffed = || seen.lock().map(|s| s.clone()).unwrap_or_default();
    let fail_all = |o: Outcome| vec![o; calls.len()];
    let hs = h2::client::Builder::new()
        .max_header_list_size(MAX_HEAD as u32)
        .initial_window_size(1 << 20)
        .handshake::<_, Bytes>(io);
    let (client, conn) = match tokio::time::timeout(timeout, hs).await {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return fail_all(h2_failure(&e, tls, &sniffed())),
        Err(_) => return fail_all(Outcome::NoAnswer("HTTP/2 handshake timed out".into())),
    };
    let driver = tokio::spawn(async move {
        let _ = conn.await;
    });
    let scheme = if tls { "https" } else { "http" };
    let mut out = Vec::new();
    for call in calls {
        let one = async {
            let mut client = client
                .clone()
                .ready()
                .await
                .map_err(|e| h2_failure(&e, tls, &sniffed()))?;
            let req = match call {
                Call::Get => http::Request::get(format!("{scheme}://{authority}/"))
                    .header("user-agent", "secctl-probe")
                    .body(()),
                Call::Grpc => http::Request::post(format!(
                    "{scheme}://{authority}/grpc.health.v1.Health/Check"
                ))
                .header("content-type", "application/grpc")
                .header("te", "trailers")
                .header("user-agent", "secctl-probe")
                .body(()),
            }
            .map_err(|e| Outcome::NoAnswer(format!("bad request: {e}")))?;
            let end = matches!(call, Call::Get);
            let (resp, mut send) = client
                .send_request(req, end)
                .map_err(|e| h2_failure(&e, tls, &sniffed()))?;
            if let Call::Grpc = call {
                // An empty HealthCheckRequest: no compression, length 0.
                send.send_data(Bytes::from_static(&[0, 0, 0, 0, 0]), true)
                    .map_err(|e| h2_failure(&e, tls, &sniffed()))?;
            }
            let resp = resp.await.map_err(|e| h2_failure(&e, tls, &sniffed()))?;
            let status = resp.status().as_u16();
            match call {
                Call::Get => Ok(Outcome::Answer {
                    code: status,
                    denied: status == 401 || status == 403,
                    location: None,
                    text: format!("HTTP/2 {status}"),
                }),
                Call::Grpc => {
                    let header_status = grpc_status(resp.headers());
                    let st = match header_status {
                        Some(s) => Some(s),
                        None => {
                            let mut body = resp.into_body();
                            let mut total = 0usize;
                            while let Some(chunk) = body.data().await {
                                let chunk = chunk.map_err(|e| h2_failure(&e, tls, &sniffed()))?;
                                total += chunk.len();
                                let _ = body.flow_control().release_capacity(chunk.len());
                                if total > 1 << 20 {
                                    return Err(Outcome::NoAnswer(
                                        "gRPC answer larger than 1 MiB".into(),
                                    ));
                                }
                            }
                            let trailers = body
                                .trailers()
                                .await
                                .map_err(|e| h2_failure(&e, tls, &sniffed()))?;
                            trailers.as_ref().and_then(grpc_status)
                        }
                    };
                    match st {
                        Some((code, msg)) => Ok(Outcome::Answer {
                            code,
                            denied: code == 16 || code == 7,
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
                        }),
                        None => Err(Outcome::NoAnswer(format!(
                            "HTTP/2 {status} without grpc-status: not gRPC"
                        ))),
                    }
                }
            }
        };
        let o = match tokio::time::timeout(timeout, one).await {
            Ok(Ok(o)) | Ok(Err(o)) => o,
            Err(_) => Outcome::NoAnswer(format!("no HTTP/2 answer within {timeout:?}")),
        };
        out.push(o);
    }
    driver.abort();
    out
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
