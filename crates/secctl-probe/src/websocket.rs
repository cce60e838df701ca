//! WebSocket (RFC 6455): the HTTP/1.1 upgrade of one path (`Upgrade: websocket`, a random
//! `Sec-WebSocket-Key`, version 13) and the reading of its answer. Served is `101` with the
//! `Sec-WebSocket-Accept` of the key (SHA-1 of the key and RFC 6455's GUID, base64): an
//! HTTP server that ignores the upgrade answers 200 or 404, which is not a WebSocket. A
//! refusal is read from the status as on the other HTTP rows (401, 403, 495, 496, and over
//! TLS 400), never from the server's words.

use std::time::Duration;

use base64::Engine as _;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};

use super::http::http_denial;
use super::http1::{not_http, write_and_read_head};
use super::observation::{Answer, Denial, Fate};
use super::transport::{secs, MaybeTls};

/// RFC 6455's GUID, appended to the key before hashing.
const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// A client's close frame (status 1000), masked with a zero key as RFC 6455 allows.
const CLOSE: [u8; 8] = [0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8];

/// A fresh `Sec-WebSocket-Key`: 16 random bytes, base64.
pub fn new_key() -> String {
    let mut k = [0u8; 16];
    let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut k);
    base64::engine::general_purpose::STANDARD.encode(k)
}

/// The `Sec-WebSocket-Accept` a server must answer `key` with.
pub fn accept_of(key: &str) -> String {
    let d = ring::digest::digest(
        &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
        format!("{key}{GUID}").as_bytes(),
    );
    base64::engine::general_purpose::STANDARD.encode(d.as_ref())
}

/// The upgrade request of `path` with `Host: host` and `key`.
pub fn upgrade_request(host: &str, path: &str, key: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: secctl-probe\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
}

/// Read a response head to the upgrade with `key`: the fate of the attempt.
pub fn judge_head(head: &[u8], key: &str, tls: bool) -> Fate {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let mut parts = lines.next().unwrap_or("").splitn(3, ' ');
    let (Some(v), Some(code)) = (parts.next(), parts.next()) else {
        return not_http(head);
    };
    let Some(code) = code
        .parse::<u16>()
        .ok()
        .filter(|c| v.starts_with("HTTP/1.") && (100..1000).contains(c))
    else {
        return not_http(head);
    };
    let header = |name: &str| {
        text.split("\r\n")
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().chars().take(200).collect::<String>())
    };
    let status = format!("{v} {code}");
    if code == 101 {
        return if header("sec-websocket-accept").as_deref() == Some(accept_of(key).as_str()) {
            Fate::Answer(Answer {
                code,
                grpc: false,
                location: None,
                denial: Denial::None,
                text: format!("{status} (WebSocket accepted)"),
            })
        } else {
            Fate::Other(format!(
                "not a WebSocket ({status} without the Sec-WebSocket-Accept of the key)"
            ))
        };
    }
    match http_denial(code, tls) {
        // Any other status: an HTTP server that did not take the upgrade.
        Denial::None => Fate::Other(format!(
            "not a WebSocket ({status}{})",
            header("location").map_or(String::new(), |l| format!(" -> {l}"))
        )),
        denial => Fate::Answer(Answer {
            code,
            grpc: false,
            location: None,
            denial,
            text: status,
        }),
    }
}

/// The WebSocket upgrade of `path` with `Host: host` on `s`: the response head (at most
/// 64 KiB) read within `timeout`, judged by [`judge_head`]; an upgrade accepted is closed
/// at once with a close frame.
pub async fn upgrade<S>(s: &mut S, host: &str, path: &str, timeout: Duration) -> Fate
where
    S: AsyncRead + AsyncWrite + Unpin + MaybeTls,
{
    let tls = s.is_tls();
    let key = new_key();
    let req = upgrade_request(host, path, &key);
    let work = async {
        let (mut buf, end) = write_and_read_head(s, req.as_bytes(), tls).await?;
        buf.truncate(end);
        Ok::<_, Fate>(buf)
    };
    let head = match tokio::time::timeout(timeout, work).await {
        Ok(Ok(h)) => h,
        Ok(Err(f)) => return f,
        Err(_) => {
            return Fate::Silent(format!(
                "no answer to the WebSocket upgrade within {}",
                secs(timeout)
            ))
        }
    };
    let f = judge_head(&head, &key, tls);
    if matches!(&f, Fate::Answer(a) if a.code == 101) {
        let _ = tokio::time::timeout(Duration::from_millis(200), s.write_all(&CLOSE)).await;
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_of_rfc6455_example() {
        // RFC 6455, section 1.3.
        assert_eq!(
            accept_of("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
        assert_eq!(new_key().len(), 24);
    }

    #[test]
    fn only_101_with_the_accept_is_served() {
        let key = "dGhlIHNhbXBsZSBub25jZQ==";
        let ok = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
        assert!(
            matches!(judge_head(ok, key, false), Fate::Answer(a) if a.code == 101 && a.denial == Denial::None)
        );
        let wrong = b"HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: AAAA";
        assert!(matches!(judge_head(wrong, key, true), Fate::Other(_)));
        for (head, tls, want) in [
            (&b"HTTP/1.1 200 OK"[..], true, None),
            (b"HTTP/1.1 404 Not Found", false, None),
            (b"HTTP/1.1 426 Upgrade Required", true, None),
            (b"HTTP/1.1 403 Forbidden", true, Some(Denial::Identity)),
            (b"HTTP/1.1 401 Unauthorized", false, Some(Denial::Identity)),
            (b"HTTP/1.1 400 Bad Request", true, Some(Denial::Identity)),
            (b"HTTP/1.1 400 Bad Request", false, Some(Denial::Refused)),
        ] {
            let f = judge_head(head, key, tls);
            match want {
                None => assert!(matches!(f, Fate::Other(_)), "{f:?}"),
                Some(d) => assert!(matches!(&f, Fate::Answer(a) if a.denial == d), "{f:?}"),
            }
        }
    }
}
