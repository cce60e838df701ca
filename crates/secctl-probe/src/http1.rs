//! HTTP/1.1, the carrier of one request per connection: the request's bytes (`Host`,
//! `Connection: close`), and the reading of the response head (at most 64 KiB) into a
//! [`Head`] that the request's protocol reads. The body is never read. Bytes that cannot
//! start an HTTP/1.x answer are named (`not_http`). The WebSocket upgrade
//! (`websocket.rs`) writes its own request and reads its head here too.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::http;
use super::observation::{Answer, Denial, Fate};
use super::protocol::{Head, HttpProtocol, HttpRequest, Reading};
use super::transport::{alert_after_write_error, io_fate, printable, secs, MaybeTls};

/// Largest response head read (headers beyond that are hostile).
pub const MAX_HEAD: usize = 64 * 1024;

/// `GET path` over HTTP/1.1 with `Host: host`; reads the response head (at most 64 KiB).
pub async fn http1_get<S>(s: &mut S, host: &str, path: &str, timeout: Duration) -> Fate
where
    S: AsyncRead + AsyncWrite + Unpin + MaybeTls,
{
    let (proto, req) = http::get(path);
    http1_call(s, proto, req, host, timeout).await
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
    let (proto, req) = http::request(method, path);
    http1_call(s, proto, req, host, timeout).await
}

/// The request `req` of `proto` over HTTP/1.1 with `Host: host`; reads the response head
/// (at most 64 KiB), which `proto` reads (a protocol whose answer is in the trailers is
/// given none: the body is not read).
pub async fn http1_call<S>(
    s: &mut S,
    proto: &dyn HttpProtocol,
    req: HttpRequest<'_>,
    host: &str,
    timeout: Duration,
) -> Fate
where
    S: AsyncRead + AsyncWrite + Unpin + MaybeTls,
{
    let tls = s.is_tls();
    let bytes = request_bytes(proto, &req, host);
    let work = write_and_read_head(s, &bytes, tls);
    let (buf, end) = match tokio::time::timeout(timeout, work).await {
        Ok(Ok(x)) => x,
        Ok(Err(f)) => return f,
        Err(_) => return Fate::Silent(format!("no HTTP/1.1 answer within {}", secs(timeout))),
    };
    let Some((head, fields)) = parse_head(&buf[..end]) else {
        return not_http(&buf);
    };
    // The head decides; the body (the server's words) is never read for a verdict.
    let read = match proto.read_head(req.role, &head, &fields, tls) {
        Reading::Done(r) => r,
        Reading::Trailers => proto.read_trailers(req.role, &head, None, tls),
    };
    match read {
        Ok(f) | Err(f) => f,
    }
}

/// The bytes of `req` over HTTP/1.1: `Connection: close`, and a `Content-Length` unless
/// the method is GET or HEAD.
fn request_bytes(proto: &dyn HttpProtocol, req: &HttpRequest<'_>, host: &str) -> Vec<u8> {
    let HttpRequest { method, path, .. } = *req;
    let body = proto.body().unwrap_or_default();
    let length = if proto.body().is_none() && (method == "GET" || method == "HEAD") {
        String::new()
    } else {
        format!("Content-Length: {}\r\n", body.len())
    };
    let fields: String = proto
        .fields()
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    let mut out = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: secctl-probe\r\nAccept: */*\r\n{fields}{length}Connection: close\r\n\r\n"
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
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

/// The status line and the fields of a response head (`None`: not an HTTP/1.x status
/// line). `Location` is taken as written (trimmed, at most 200 characters); the fields
/// that make a valid HTTP field are kept for the protocol.
fn parse_head(head: &[u8]) -> Option<(Head, ::http::HeaderMap)> {
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
    let pairs = lines.filter_map(|l| l.split_once(':'));
    let location = pairs
        .clone()
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("location"))
        .map(|(_, v)| v.trim().chars().take(200).collect::<String>());
    let mut fields = ::http::HeaderMap::new();
    for (k, v) in pairs {
        let name = ::http::HeaderName::from_bytes(k.trim().as_bytes());
        let value = ::http::HeaderValue::from_str(v.trim());
        if let (Ok(name), Ok(value)) = (name, value) {
            if fields.try_append(name, value).is_err() {
                break;
            }
        }
    }
    let head = Head {
        version: v.to_string(),
        status: code,
        location,
    };
    Some((head, fields))
}
