//! What a probed server sends back: the HTTP/1.1 head parser, the HTTP/2 client and the
//! PostgreSQL/Redis/MQTT/NATS exchanges, fed the input as the server's bytes (in chunks of the
//! first byte's size).
#![no_main]
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use secctl::probe::call::Call;
use secctl::probe::transport::MaybeTls;
use secctl::probe::{h2, http1};
use secctl::probe::services::{self, Service};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A server that answers with fixed bytes, in chunks, then closes; writes are swallowed.
struct Canned {
    data: Vec<u8>,
    pos: usize,
    chunk: usize,
}

impl AsyncRead for Canned {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let n = self
            .chunk
            .min(buf.remaining())
            .min(self.data.len() - self.pos);
        let start = self.pos;
        buf.put_slice(&self.data[start..start + n]);
        self.pos += n;
        Poll::Ready(Ok(()))
    }
}
impl AsyncWrite for Canned {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        b: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(Ok(b.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
impl MaybeTls for Canned {
    fn is_tls(&self) -> bool {
        self.chunk % 2 == 0
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    // The service parsers (PostgreSQL, Redis, MQTT answers) on every prefix.
    for end in [rest.len().min(5), rest.len()] {
        let b = &rest[..end];
        let _ = services::parse_pg(b, first % 2 == 0);
        let _ = services::parse_redis(b);
        let _ = services::parse_mqtt(b);
        let _ = services::parse_nats(b, first % 2 == 0);
        let _ = services::parse_nats_info(b);
        let _ = secctl::probe::websocket::judge_head(b, "dGhlIHNhbXBsZSBub25jZQ==", first % 2 == 0);
    }
    let chunk = usize::from(first).max(1);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let t = Duration::from_millis(200);
        let mut s = Canned {
            data: rest.to_vec(),
            pos: 0,
            chunk,
        };
        let _ = http1::http1_get(&mut s, "node1:443", "/", t).await;
        // The same bytes as the answer to a WebSocket upgrade.
        let mut s = Canned {
            data: rest.to_vec(),
            pos: 0,
            chunk,
        };
        let _ = secctl::probe::websocket::upgrade(&mut s, "node1:443", "/", t).await;
        // The service exchanges: the same bytes as PostgreSQL's, Redis's and MQTT's answer.
        for svc in [
            Service::Postgres,
            Service::Redis,
            Service::Mqtt,
            Service::Nats,
        ] {
            let mut s = Canned {
                data: rest.to_vec(),
                pos: 0,
                chunk,
            };
            let tls = chunk % 2 == 0;
            let _ = services::exchange(
                &mut s,
                &services::request_of(svc),
                |b| services::parse_of(svc, b, tls),
                t,
            )
            .await;
        }
        let s = Canned {
            data: rest.to_vec(),
            pos: 0,
            chunk,
        };
        let _ = h2::h2_calls(
            s,
            "node1:443",
            chunk % 2 == 0,
            &[Call::Get("/".into()), Call::Grpc],
            t,
        )
        .await;
    });
});
