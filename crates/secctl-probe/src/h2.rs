//! HTTP/2, the carrier of every request of a connection at once, each on its own stream
//! (prior knowledge on plaintext, ALPN h2 over TLS): the connection's preface, the request
//! of each call as its protocol describes it, the reading of its answer's head, body and
//! trailers as its protocol asks, and what a failed connection or stream shows (an
//! HTTP/1.1 answer to the preface, a TLS alert, a reset).

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::call::Call;
use super::http::http_denial;
use super::http1::{not_http, MAX_HEAD};
use super::observation::{Answer, Denial, Fate};
use super::protocol::{Head, HttpProtocol, HttpRequest, Reading};
use super::transport::{io_fate, join_all, secs};

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
            let (proto, req) = call.protocol();
            match proto.grace(req.role) {
                None => {
                    let o = bounded.await;
                    if matches!(&o, Fate::Answer(a) if a.grpc) {
                        let _ = grpc_seen.send(true);
                    }
                    o
                }
                Some(grace) => {
                    // Once a gRPC answer came on another stream, a request still pending is
                    // waited for `grace` more, then recorded as unanswered (not served, no
                    // evidence either way).
                    let wait = async {
                        if grpc_rx.wait_for(|seen| *seen).await.is_ok() {
                            tokio::time::sleep(grace).await;
                        } else {
                            std::future::pending::<()>().await;
                        }
                    };
                    tokio::select! {
                        biased;
                        o = bounded => o,
                        () = wait => Fate::Unanswered(format!(
                            "no answer to {} {} within {} ms of the gRPC answer on another \
                             stream",
                            req.method,
                            req.path,
                            grace.as_millis()
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
    let (proto, req) = call.protocol();
    let mut client = client
        .ready()
        .await
        .map_err(|e| h2_failure(&e, tls, &sniffed()))?;
    let request = request(proto, &req, scheme, authority)
        .map_err(|e| Fate::Other(format!("bad request: {e}")))?;
    let body = proto.body();
    let (resp, mut send) = client
        .send_request(request, body.is_none())
        .map_err(|e| h2_failure(&e, tls, &sniffed()))?;
    // A server may answer (a refusal needs no body) and close the stream before the body
    // is sent: then its answer is what counts, and the send error only when there is none.
    let send_error = body.and_then(|b| send.send_data(Bytes::from_static(b), true).err());
    let resp = resp
        .await
        .map_err(|e| h2_failure(send_error.as_ref().unwrap_or(&e), tls, &sniffed()))?;
    let head = Head {
        version: "HTTP/2".into(),
        status: resp.status().as_u16(),
        location: resp
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(|l| l.chars().take(200).collect::<String>()),
    };
    match proto.read_head(req.role, &head, resp.headers(), tls) {
        Reading::Done(r) => r,
        Reading::Trailers => {
            // The answer is in the trailers, after the body; the body (the server's words)
            // is read only to reach them, bounded, and never looked at.
            let mut body = resp.into_body();
            let mut total = 0usize;
            while let Some(chunk) = body.data().await {
                let chunk = chunk.map_err(|e| h2_failure(&e, tls, &sniffed()))?;
                total += chunk.len();
                let _ = body.flow_control().release_capacity(chunk.len());
                if total > 1 << 20 {
                    return Err(Fate::Other("answer larger than 1 MiB".into()));
                }
            }
            let trailers = body
                .trailers()
                .await
                .map_err(|e| h2_failure(&e, tls, &sniffed()))?;
            proto.read_trailers(req.role, &head, trailers.as_ref(), tls)
        }
    }
}

/// The HTTP/2 request of `req`: its method and path, `user-agent`, then the protocol's
/// fields.
fn request(
    proto: &dyn HttpProtocol,
    req: &HttpRequest<'_>,
    scheme: &str,
    authority: &str,
) -> http::Result<http::Request<()>> {
    let mut b = http::Request::builder()
        .method(req.method)
        .uri(format!("{scheme}://{authority}{}", req.path))
        .header("user-agent", "secctl-probe");
    for (k, v) in proto.fields() {
        b = b.header(*k, *v);
    }
    b.body(())
}

/// Whether `b` starts with an HTTP/2 SETTINGS frame on stream 0 (not an ACK): the server
/// preface, which HTTP/2 lets a server send before the client's (grpc-go's h2c server
/// does). Such a server has not spoken first in the sense of a greeting: it speaks HTTP/2.
pub fn server_preface(b: &[u8]) -> bool {
    b.len() >= 9 && {
        let len = u32::from_be_bytes([0, b[0], b[1], b[2]]);
        let stream = u32::from_be_bytes([b[5], b[6], b[7], b[8]]) & 0x7fff_ffff;
        b[3] == 0x04 && b[4] & 0x01 == 0 && stream == 0 && len.is_multiple_of(6) && len <= 16_384
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

    #[test]
    fn an_http2_server_preface_is_no_greeting() {
        // grpc-go's h2c server: SETTINGS (one setting, 6 bytes) on stream 0 at once.
        let settings = b"\x00\x00\x06\x04\x00\x00\x00\x00\x00\x00\x05\x00\x00\x40\x00";
        assert!(server_preface(settings));
        assert!(server_preface(b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"));
        // A SETTINGS ACK, another frame type, a stream other than 0, a banner: not it.
        assert!(!server_preface(b"\x00\x00\x00\x04\x01\x00\x00\x00\x00"));
        assert!(!server_preface(b"\x00\x00\x06\x01\x00\x00\x00\x00\x00"));
        assert!(!server_preface(b"\x00\x00\x06\x04\x00\x00\x00\x00\x01"));
        assert!(!server_preface(b"INFO {\"server_id\":\"N\"}\r\n"));
        assert!(!server_preface(b"220 mail"));
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
