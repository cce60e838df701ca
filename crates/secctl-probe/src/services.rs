//! The cluster services' own protocols, for the probe: the registry of the protocols (one
//! file each, behind [`ServiceProtocol`]) and the exchange that sends a request and reads
//! the answer into a [`Fate`], bounded in time and size.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

pub use super::mqtt::{mqtt_connect, parse_mqtt, Mqtt, MQTT_DISCONNECT};
pub use super::nats::{parse_nats, parse_nats_info, Nats, NATS_CONNECT};
use super::observation::Fate;
pub use super::observation::Service;
pub use super::postgres::{parse_pg, pg_startup, Postgres, PG_SSL_REQUEST};
pub use super::protocol::{Greeting, GreetingTls, Parsed, ServiceProtocol, MAX_ANSWER};
pub use super::redis::{parse_redis, Redis, REDIS_PING};
use super::transport::{alert_after_write_error, io_fate, printable, secs, MaybeTls};

/// The protocol of a service (the registration of a protocol's file).
pub fn protocol(svc: Service) -> &'static dyn ServiceProtocol {
    match svc {
        Service::Postgres => &Postgres,
        Service::Redis => &Redis,
        Service::Mqtt => &Mqtt,
        Service::Nats => &Nats,
    }
}

/// Read the greeting of a server that speaks first, sending nothing (bounded by `timeout`
/// and 16 KiB): what it says of TLS and how it reads, or how the attempt ended.
pub async fn read_greeting<S>(
    s: &mut S,
    proto: &dyn ServiceProtocol,
    timeout: Duration,
) -> Result<(GreetingTls, String), Fate>
where
    S: AsyncRead + Unpin,
{
    let work = async {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            match proto.greeting(&buf) {
                Some(Greeting::Said { tls, text }) => return Ok((tls, text)),
                Some(Greeting::Not(f)) => return Err(f),
                None => {}
            }
            if buf.len() > MAX_ANSWER {
                return Err(Fate::Other("greeting larger than 16 KiB".into()));
            }
            match s.read(&mut chunk).await {
                Ok(0) if buf.is_empty() => return Err(Fate::Closed),
                Ok(0) => {
                    return Err(Fate::Other(format!(
                        "closed in the middle of a greeting (\"{}\")",
                        printable(&buf)
                    )))
                }
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                Err(e) => return Err(io_fate(&e, false)),
            }
        }
    };
    match tokio::time::timeout(timeout, work).await {
        Ok(r) => r,
        Err(_) => Err(Fate::Silent(format!(
            "no {} greeting within {}",
            proto.title(),
            secs(timeout)
        ))),
    }
}

/// An answer read after a greeting: the greeting's words first (`NATS 2.9.10: PONG`).
pub fn after_greeting(f: Fate, greeting: &str) -> Fate {
    match f {
        Fate::Answer(mut a) => {
            a.text = format!("{greeting}: {}", a.text);
            Fate::Answer(a)
        }
        f => f,
    }
}

/// Send `request`, read until `parse` decides (bounded by `timeout` and 16 KiB).
pub async fn exchange<S>(
    s: &mut S,
    request: &[u8],
    parse: impl Fn(&[u8]) -> Parsed,
    timeout: Duration,
) -> Fate
where
    S: AsyncRead + AsyncWrite + Unpin + MaybeTls,
{
    let tls = s.is_tls();
    let work = async {
        if let Err(e) = s.write_all(request).await {
            return alert_after_write_error(s, &e, tls).await;
        }
        let _ = s.flush().await;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(f) = parse(&buf) {
                return f;
            }
            s.quickack();
            if buf.len() > MAX_ANSWER {
                return Fate::Other("answer larger than 16 KiB".into());
            }
            match s.read(&mut chunk).await {
                Ok(0) if buf.is_empty() => return Fate::Closed,
                Ok(0) => {
                    return Fate::Other(format!(
                        "closed in the middle of an answer (\"{}\")",
                        printable(&buf)
                    ))
                }
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                Err(e) => return io_fate(&e, tls),
            }
        }
    };
    match tokio::time::timeout(timeout, work).await {
        Ok(f) => f,
        Err(_) => Fate::Silent(format!("no answer within {}", secs(timeout))),
    }
}

/// The request of a service.
pub fn request_of(svc: Service) -> Vec<u8> {
    protocol(svc).request()
}

/// Parse a service's answer (`tls`: over TLS).
pub fn parse_of(svc: Service, buf: &[u8], tls: bool) -> Parsed {
    protocol(svc).parse(buf, tls)
}
