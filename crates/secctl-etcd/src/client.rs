//! A small client for etcd's v3 API through its JSON gateway (`POST /v3/kv/range`,
//! `/v3/kv/txn`, `/v3/lease/*`, `/v3/lock/*`), which every etcd 3.4+ member serves on its
//! client port. HTTP/1.1 by hyper, TLS (and client certificates) by rustls with ring: no
//! gRPC stack is pulled in for the handful of calls the store needs.
//!
//! Every call has a deadline; a member that refuses the connection or times out is left
//! for the next endpoint. When no member answers (or the cluster lost quorum and writes
//! time out), the error is an I/O error: exit 3.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpStream;

use crate::error::Error;
use crate::errors::{EtcdError, Result};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// How to reach the cluster.
#[derive(Debug, Clone)]
pub struct Endpoints {
    /// `host:port` of each member, tried in order (rotated per process).
    pub members: Vec<String>,
    /// mTLS to etcd: (CA bundle, client certificate, client key); plain HTTP without.
    pub tls: Option<TlsFiles>,
    /// Deadline of each call.
    pub timeout: Duration,
}

/// The files of `--etcd-ca`, `--etcd-cert`, `--etcd-key`.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// CA bundle that signs the members' certificates.
    pub ca: PathBuf,
    /// Client certificate and key (when etcd requires client certificates).
    pub client: Option<(PathBuf, PathBuf)>,
    /// The handle they are read through: a local state directory's when they may be in
    /// it (`store copy` from a directory), so no symbolic link there is followed; else
    /// [`crate::pki::fsio::StateDir::none`].
    pub files: crate::pki::fsio::StateDir,
}

/// One key as etcd returned it.
#[derive(Debug, Clone)]
pub struct Kv {
    /// The key.
    pub key: String,
    /// The value (empty for `keys_only`).
    pub value: Vec<u8>,
    /// Revision of its last change.
    pub mod_revision: i64,
}

/// A compare of a transaction.
#[derive(Debug, Clone)]
pub enum Cmp {
    /// The key's mod_revision equals this (it was not changed since it was read).
    ModRevision(String, i64),
    /// The key does not exist.
    Absent(String),
    /// The key exists (the lock this process holds).
    Present(String),
}

/// An operation of a transaction.
#[derive(Debug, Clone)]
pub enum Op {
    /// Put the value.
    Put(String, Vec<u8>),
    /// Delete the key.
    Delete(String),
}

/// A connection to the cluster.
#[derive(Clone)]
pub struct Client {
    ep: Endpoints,
    connector: Option<tokio_rustls::TlsConnector>,
    /// The member that answered last (tried first next time).
    current: Arc<std::sync::atomic::AtomicUsize>,
}

impl Client {
    /// Prepare a client (reads the TLS files; connects on the first call).
    pub fn new(ep: Endpoints) -> Result<Client> {
        let connector = match &ep.tls {
            None => None,
            Some(t) => {
                let files = &t.files;
                let roots = crate::tlsconf::load_roots(files, &t.ca)?;
                let b = rustls::ClientConfig::builder_with_provider(crate::tlsconf::provider())
                    .with_safe_default_protocol_versions()
                    .map_err(Error::internal)?
                    .with_root_certificates(roots);
                let cfg = match &t.client {
                    Some((c, k)) => b
                        .with_client_auth_cert(
                            crate::tlsconf::load_chain(files, c)?,
                            crate::tlsconf::load_key(files, k)?,
                        )
                        .map_err(|e| Error::input(c.display(), format!("{e}")))?,
                    None => b.with_no_client_auth(),
                };
                Some(tokio_rustls::TlsConnector::from(Arc::new(cfg)))
            }
        };
        // The members in the order given: the first answers unless it is down.
        let start = 0;
        Ok(Client {
            ep,
            connector,
            current: Arc::new(std::sync::atomic::AtomicUsize::new(start)),
        })
    }

    /// The endpoints, as the user wrote them (for messages).
    pub fn describe(&self) -> String {
        format!("etcd {}", self.ep.members.join(","))
    }

    fn unreachable(&self, why: String) -> EtcdError {
        EtcdError::cluster(
            format!(
                "{} (no member answered within {:?})",
                self.describe(),
                self.ep.timeout
            ),
            std::io::Error::new(std::io::ErrorKind::TimedOut, why),
        )
    }

    /// POST `body` to `path` on a member, trying each in turn; the JSON answer.
    pub async fn call(&self, path: &str, body: &Value) -> Result<Value> {
        use std::sync::atomic::Ordering;
        let n = self.ep.members.len();
        let first = self.current.load(Ordering::Relaxed);
        let mut last = String::new();
        for k in 0..n {
            let i = (first + k) % n;
            let member = &self.ep.members[i];
            match tokio::time::timeout(self.ep.timeout, self.post(member, path, body)).await {
                Ok(Ok((200, v))) => {
                    self.current.store(i, Ordering::Relaxed);
                    return Ok(v);
                }
                Ok(Ok((status, v))) => {
                    let msg = v["error"]
                        .as_str()
                        .or(v["message"].as_str())
                        .unwrap_or("")
                        .to_string();
                    // Not leader / no leader / timeouts: another member may do better.
                    last = format!("{member}: HTTP {status} {msg}");
                    if status < 500 && !msg.contains("leader") && !msg.contains("timed out") {
                        return Err(EtcdError::cluster(
                            format!("{}: {path}", self.describe()),
                            std::io::Error::other(last),
                        ));
                    }
                }
                Ok(Err(e)) => last = format!("{member}: {e}"),
                Err(_) => last = format!("{member}: no answer within {:?}", self.ep.timeout),
            }
        }
        Err(self.unreachable(last))
    }

    async fn post(&self, member: &str, path: &str, body: &Value) -> std::io::Result<(u16, Value)> {
        let tcp = TcpStream::connect(member).await?;
        let _ = tcp.set_nodelay(true);
        let bytes = Bytes::from(serde_json::to_vec(body).map_err(std::io::Error::other)?);
        let host = member.to_string();
        match &self.connector {
            None => send(TokioIo::new(tcp), &host, path, bytes).await,
            Some(c) => {
                let name = member.rsplit_once(':').map(|(h, _)| h).unwrap_or(member);
                let name = name.trim_start_matches('[').trim_end_matches(']');
                let sni = rustls::pki_types::ServerName::try_from(name.to_string())
                    .map_err(std::io::Error::other)?;
                let tls = c.connect(sni, tcp).await?;
                send(TokioIo::new(tls), &host, path, bytes).await
            }
        }
    }

    /// Every key under `prefix` (with values unless `keys_only`), at one revision; the
    /// revision of the read.
    pub async fn range_prefix(&self, prefix: &str, keys_only: bool) -> Result<(Vec<Kv>, i64)> {
        self.range_prefix_at(prefix, keys_only, 0)
            .await
            .map(|(kvs, rev, _)| (kvs, rev))
    }

    /// Every key under `prefix` at revision `at` (0: the current one), with the revision
    /// read and the cluster's id.
    pub async fn range_prefix_at(
        &self,
        prefix: &str,
        keys_only: bool,
        at: i64,
    ) -> Result<(Vec<Kv>, i64, String)> {
        let mut out = Vec::new();
        let end = prefix_end(prefix);
        let mut from = prefix.to_string();
        let mut rev = at;
        let mut cluster = String::new();
        loop {
            let mut req = json!({
                "key": B64.encode(&from),
                "range_end": B64.encode(&end),
                "limit": 2000,
                "keys_only": keys_only,
            });
            if rev > 0 {
                req["revision"] = json!(rev.to_string());
            }
            let v = self.call("/v3/kv/range", &req).await?;
            if rev == 0 {
                rev = int(&v["header"]["revision"]);
            }
            if cluster.is_empty() {
                cluster = v["header"]["cluster_id"].as_str().unwrap_or("").to_string();
            }
            let kvs = v["kvs"].as_array().cloned().unwrap_or_default();
            let more = v["more"].as_bool().unwrap_or(false);
            for kv in &kvs {
                out.push(parse_kv(kv)?);
            }
            match (more, out.last()) {
                (true, Some(last)) => from = format!("{}\0", last.key),
                _ => break,
            }
        }
        Ok((out, rev, cluster))
    }

    /// One key at revision `at`, if it exists.
    pub async fn get_at(&self, key: &str, at: i64) -> Result<Option<Kv>> {
        let req = json!({"key": B64.encode(key), "revision": at.to_string()});
        let v = self.call("/v3/kv/range", &req).await?;
        match v["kvs"].as_array().and_then(|a| a.first()) {
            Some(kv) => parse_kv(kv).map(Some),
            None => Ok(None),
        }
    }

    /// Run a transaction; Ok(None) when a compare failed (nothing was applied), else the
    /// revision it made (the mod_revision of every key it put).
    pub async fn txn(&self, cmps: &[Cmp], ops: &[Op]) -> Result<Option<i64>> {
        let compare: Vec<Value> = cmps
            .iter()
            .map(|c| match c {
                Cmp::ModRevision(k, r) => json!({
                    "key": B64.encode(k), "target": "MOD", "result": "EQUAL",
                    "mod_revision": r.to_string()
                }),
                Cmp::Absent(k) => json!({
                    "key": B64.encode(k), "target": "CREATE", "result": "EQUAL",
                    "create_revision": "0"
                }),
                Cmp::Present(k) => json!({
                    "key": B64.encode(k), "target": "CREATE", "result": "GREATER",
                    "create_revision": "0"
                }),
            })
            .collect();
        let success: Vec<Value> = ops
            .iter()
            .map(|o| match o {
                Op::Put(k, v) => {
                    json!({"request_put": {"key": B64.encode(k), "value": B64.encode(v)}})
                }
                Op::Delete(k) => json!({"request_delete_range": {"key": B64.encode(k)}}),
            })
            .collect();
        let v = self
            .call(
                "/v3/kv/txn",
                &json!({"compare": compare, "success": success}),
            )
            .await?;
        Ok(v["succeeded"]
            .as_bool()
            .unwrap_or(false)
            .then(|| int(&v["header"]["revision"])))
    }

    /// Grant a lease of `ttl` seconds; its id.
    pub async fn lease_grant(&self, ttl: i64) -> Result<i64> {
        let v = self.call("/v3/lease/grant", &json!({"TTL": ttl})).await?;
        Ok(int(&v["ID"]))
    }

    /// Keep a lease alive once.
    pub async fn lease_keepalive(&self, id: i64) -> Result<()> {
        self.call("/v3/lease/keepalive", &json!({"ID": id.to_string()}))
            .await
            .map(|_| ())
    }

    /// Revoke a lease (and the keys attached to it).
    pub async fn lease_revoke(&self, id: i64) -> Result<()> {
        self.call("/v3/lease/revoke", &json!({"ID": id.to_string()}))
            .await
            .map(|_| ())
    }

    /// Take the lock `name` with `lease` (waits while another holder has it); the key that
    /// proves ownership while it exists.
    pub async fn lock(&self, name: &str, lease: i64, wait: Duration) -> Result<String> {
        // The lock call blocks on the member until the lock is free: its own deadline.
        let body = json!({"name": B64.encode(name), "lease": lease.to_string()});
        let n = self.ep.members.len();
        let i = self.current.load(std::sync::atomic::Ordering::Relaxed) % n;
        let member = self.ep.members[i].clone();
        match tokio::time::timeout(wait, self.post(&member, "/v3/lock/lock", &body)).await {
            Ok(Ok((200, v))) => {
                let k = v["key"].as_str().unwrap_or("");
                let key = B64
                    .decode(k)
                    .map_err(|_| EtcdError::internal("etcd lock: key not base64"))?;
                Ok(String::from_utf8_lossy(&key).into_owned())
            }
            Ok(Ok((s, v))) => Err(EtcdError::cluster(
                format!("{}: taking the lock", self.describe()),
                std::io::Error::other(format!("HTTP {s} {v}")),
            )),
            Ok(Err(e)) => Err(EtcdError::cluster(
                format!("{}: taking the lock", self.describe()),
                e,
            )),
            Err(_) => Err(EtcdError::cluster(
                format!("{}: taking the lock", self.describe()),
                std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("not granted within {wait:?} (held by another writer, or no quorum)"),
                ),
            )),
        }
    }
}

async fn send<T>(
    io: TokioIo<T>,
    host: &str,
    path: &str,
    body: Bytes,
) -> std::io::Result<(u16, Value)>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut tx, conn) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(std::io::Error::other)?;
    let driver = tokio::spawn(async move {
        let _ = conn.await;
    });
    let req = http::Request::builder()
        .method("POST")
        .uri(path)
        .header("host", host)
        .header("content-type", "application/json")
        .body(Full::new(body))
        .map_err(std::io::Error::other)?;
    let resp = tx.send_request(req).await.map_err(std::io::Error::other)?;
    let status = resp.status().as_u16();
    // Answers are bounded: a range page is at most 2000 keys of the state.
    let body = http_body_util::Limited::new(resp.into_body(), 512 << 20)
        .collect()
        .await
        .map_err(std::io::Error::other)?
        .to_bytes();
    driver.abort();
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    Ok((status, v))
}

fn int(v: &Value) -> i64 {
    match v {
        Value::String(s) => s.parse().unwrap_or(0),
        Value::Number(n) => n.as_i64().unwrap_or(0),
        _ => 0,
    }
}

fn parse_kv(kv: &Value) -> Result<Kv> {
    let bad = || EtcdError::internal("etcd answered a key that is not base64");
    let key = B64
        .decode(kv["key"].as_str().unwrap_or(""))
        .map_err(|_| bad())?;
    let value = match kv["value"].as_str() {
        Some(v) => B64.decode(v).map_err(|_| bad())?,
        None => vec![],
    };
    Ok(Kv {
        key: String::from_utf8_lossy(&key).into_owned(),
        value,
        mod_revision: int(&kv["mod_revision"]),
    })
}

/// The end of the range of every key that starts with `prefix`.
pub fn prefix_end(prefix: &str) -> String {
    let mut b = prefix.as_bytes().to_vec();
    while let Some(last) = b.pop() {
        if last < 0x7f {
            b.push(last + 1);
            return String::from_utf8_lossy(&b).into_owned();
        }
    }
    "\0".to_string()
}
