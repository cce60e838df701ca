//! The request handlers of `serve`: JSON identity on HTTP, gRPC health with per-request
//! authentication and authorization by role (`--allow-role`) or by policy (`--authz`), and
//! the plaintext redirect.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode};
use http_body_util::BodyExt;
use hyper::body::{Frame, Incoming};

use super::state::{Activity, Conn, GrpcAuth, PeerChain, State, MAX_BODY};

/// The caller's identity from a verified client certificate.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Identity {
    /// CN.
    pub name: String,
    /// The (first) OU, as the certificate says: shown in the log line.
    pub role: String,
    /// SPIFFE id.
    pub spiffe_id: Option<String>,
    /// The role under the identity rule (`pki::identity`), or why there is none: what
    /// `--allow-role` and `--authz` check.
    #[serde(skip)]
    pub established: std::result::Result<String, String>,
}

impl Identity {
    /// The identity in a verified peer certificate (None without a CN), its role established
    /// for the trust domain `td`.
    pub fn of(der: &[u8], td: Option<&str>) -> Option<Identity> {
        let (name, role, spiffe_id) = crate::tlsconf::identity(der)?;
        let established = match td {
            Some(td) => crate::pki::identity::establish(der, td).map(|e| e.role),
            None => Err("the cluster's trust domain is unknown".into()),
        };
        Some(Identity {
            name,
            role,
            spiffe_id,
            established,
        })
    }
}

/// A response body: some bytes, then optional trailers (gRPC needs them).
pub struct Body {
    data: Option<Bytes>,
    trailers: Option<HeaderMap>,
}

impl Body {
    fn full(b: impl Into<Bytes>) -> Self {
        Body {
            data: Some(b.into()),
            trailers: None,
        }
    }
    fn empty() -> Self {
        Body {
            data: None,
            trailers: None,
        }
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if let Some(d) = self.data.take() {
            return Poll::Ready(Some(Ok(Frame::data(d))));
        }
        if let Some(t) = self.trailers.take() {
            return Poll::Ready(Some(Ok(Frame::trailers(t))));
        }
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none() && self.trailers.is_none()
    }
}

type Fut = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

/// The service behind TLS (or plaintext with `--insecure`).
#[derive(Clone)]
pub struct Svc {
    pub(super) state: Arc<State>,
    /// The client's address, for the log.
    pub(super) peer: SocketAddr,
    pub(super) identity: Option<Identity>,
    /// The verified client chain, checked again after a CRL reload.
    pub(super) peer_chain: Option<Arc<PeerChain>>,
    pub(super) tls: bool,
    pub(super) activity: Arc<Activity>,
    /// The connection's place among those the cap may close; it leaves once a request is
    /// served.
    pub(super) conn: Arc<Conn>,
}

const HEALTH_CHECK: &str = "/grpc.health.v1.Health/Check";

fn grpc_error(code: u8, msg: &str) -> Response<Body> {
    let mut r = Response::new(Body::empty());
    let h = r.headers_mut();
    h.insert("content-type", HeaderValue::from_static("application/grpc"));
    h.insert("grpc-status", HeaderValue::from(u16::from(code)));
    if let Ok(v) = HeaderValue::from_str(msg) {
        h.insert("grpc-message", v);
    }
    r
}

impl Svc {
    /// 16 without a verified identity when one is needed, 7 for a role not allowed or a
    /// certificate that has no role under the identity rule.
    fn authorize(&self, needs_identity: bool) -> Result<(), (u8, String)> {
        let roles = &self.state.opts.allow_roles;
        match &self.identity {
            None if needs_identity || !roles.is_empty() => {
                Err((16, "a verified client certificate is required".into()))
            }
            Some(id) if !roles.is_empty() => match &id.established {
                Ok(role) if roles.contains(role) => Ok(()),
                Ok(role) => Err((
                    7,
                    format!(
                        "role {role:?} is not allowed (allowed: {})",
                        roles.join(", ")
                    ),
                )),
                Err(why) => Err((7, format!("the certificate has no role: {why}"))),
            },
            _ => Ok(()),
        }
    }

    async fn handle(self, req: Request<Incoming>) -> Response<Body> {
        let is_grpc = req
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/grpc"));
        let h2 = req.version() == http::Version::HTTP_2;
        let path = req.uri().path().to_string();
        // A connection verified before a CRL reload: its certificate must still pass.
        if let Some(Err(why)) = self
            .peer_chain
            .as_ref()
            .map(|p| self.state.still_accepted(p))
        {
            let msg = format!("the client certificate is no longer accepted: {why}");
            let mut r = if is_grpc {
                grpc_error(16, &msg)
            } else {
                status(StatusCode::FORBIDDEN, &format!("{msg}\n"))
            };
            if !h2 {
                r.headers_mut()
                    .insert("connection", HeaderValue::from_static("close"));
            }
            return r;
        }
        // Everything is decided before a byte of the body is read: a refused caller gets
        // its answer and the body is never read (HTTP/1.1 then closes the connection,
        // HTTP/2 resets the stream).
        if is_grpc && !h2 {
            return status(
                StatusCode::HTTP_VERSION_NOT_SUPPORTED,
                "gRPC needs HTTP/2\n",
            );
        }
        // With a policy, authorization comes before the method is looked up: a caller not
        // allowed meets the same refusal whether the method exists or not.
        let policy = self
            .state
            .policy
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(policy) = policy {
            let established = self.identity.as_ref().map(|i| &i.established);
            let verdict = super::authz::decide(&policy, &path, established);
            if self.state.opts.verbose {
                crate::output::log_line(&format!(
                    "{}: {} {path} {} role={}: authz {}",
                    self.peer,
                    req.method(),
                    if h2 { "h2" } else { "http/1.1" },
                    established
                        .and_then(|e| e.as_ref().ok())
                        .map_or("-", String::as_str),
                    verdict.log
                ));
            }
            if let Some(r) = verdict.refusal {
                return if is_grpc {
                    grpc_error(r.grpc, &r.message)
                } else {
                    status(r.http, &format!("{}\n", r.message))
                };
            }
            if is_grpc && path != HEALTH_CHECK {
                return grpc_error(12, "only grpc.health.v1.Health/Check is served");
            }
        } else if is_grpc {
            // Authorization first: a caller that may not call learns nothing of which
            // methods exist.
            if let Err((code, msg)) = self.authorize(self.state.opts.grpc_auth == GrpcAuth::Mtls) {
                return grpc_error(code, &msg);
            }
            if path != HEALTH_CHECK {
                return grpc_error(12, "only grpc.health.v1.Health/Check is served");
            }
        } else if let Err((code, msg)) = self.authorize(false) {
            let st = if code == 16 {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::FORBIDDEN
            };
            return status(st, &format!("{msg}\n"));
        }
        // Authorized: read (and bound) the body, then drop it; no handler needs it.
        if let Err(st) = drain(req, self.state.opts.limits.header_timeout).await {
            return match st {
                StatusCode::PAYLOAD_TOO_LARGE => status(st, "request body too large\n"),
                StatusCode::REQUEST_TIMEOUT => status(st, "request body not received in time\n"),
                _ => status(st, "request body unreadable\n"),
            };
        }
        // Authorized and read: a request served. Where serve verifies client certificates
        // only a verified one authenticates (an anonymous request proves nothing: a flood
        // of them must not hold the cap against certificate holders); elsewhere a request
        // served is the only sign there is.
        if !self.state.opts.verifies_client_certs() {
            self.conn.authenticated();
        }
        if is_grpc {
            // HealthCheckResponse { status: SERVING (1) }, length-prefixed, uncompressed.
            let mut r = Response::new(Body {
                data: Some(Bytes::from_static(&[0, 0, 0, 0, 2, 0x08, 0x01])),
                trailers: Some({
                    let mut t = HeaderMap::new();
                    t.insert("grpc-status", HeaderValue::from_static("0"));
                    t
                }),
            });
            r.headers_mut()
                .insert("content-type", HeaderValue::from_static("application/grpc"));
            return r;
        }
        let established = self.identity.as_ref().map(|i| i.established.clone());
        let doc = serde_json::json!({
            "authenticated": self.identity.is_some(),
            "name": self.identity.as_ref().map(|i| i.name.clone()),
            "role": established.as_ref().and_then(|e| e.as_ref().ok()),
            "role_error": established.as_ref().and_then(|e| e.as_ref().err()),
            "spiffe_id": self.identity.as_ref().and_then(|i| i.spiffe_id.clone()),
            "protocol": if h2 { "h2" } else { "http/1.1" },
            "tls": self.tls,
            "path": path,
        });
        let mut r = Response::new(Body::full(doc.to_string() + "\n"));
        r.headers_mut()
            .insert("content-type", HeaderValue::from_static("application/json"));
        r
    }
}

/// Read a request body to its end and drop it: at most [`MAX_BODY`] bytes (a larger
/// Content-Length is refused unread), within `deadline`.
async fn drain(req: Request<Incoming>, deadline: Duration) -> Result<(), StatusCode> {
    let declared = req
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY) {
        return Err(StatusCode::PAYLOAD_TOO_LARGE);
    }
    let mut body = req.into_body();
    let read = async {
        let mut n: u64 = 0;
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|_| StatusCode::BAD_REQUEST)?;
            if let Some(d) = frame.data_ref() {
                n += d.len() as u64;
                if n > MAX_BODY {
                    return Err(StatusCode::PAYLOAD_TOO_LARGE);
                }
            }
        }
        Ok(())
    };
    tokio::time::timeout(deadline, read)
        .await
        .unwrap_or(Err(StatusCode::REQUEST_TIMEOUT))
}

fn status(code: StatusCode, text: &str) -> Response<Body> {
    let mut r = Response::new(Body::full(text.to_string()));
    *r.status_mut() = code;
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("text/plain"));
    r
}

impl hyper::service::Service<Request<Incoming>> for Svc {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Fut;

    fn call(&self, req: Request<Incoming>) -> Fut {
        let me = self.clone();
        let in_flight = self.activity.begin();
        Box::pin(async move {
            let r = me.handle(req).await;
            drop(in_flight);
            Ok(r)
        })
    }
}

/// Plaintext HTTP/1.1 on the TLS port: 308 to the https URL of the same port and path.
#[derive(Clone)]
pub struct Redirect {
    pub(super) port: u16,
    pub(super) activity: Arc<Activity>,
}

impl hyper::service::Service<Request<Incoming>> for Redirect {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Fut;

    fn call(&self, req: Request<Incoming>) -> Fut {
        let host = req
            .headers()
            .get("host")
            .and_then(|h| h.to_str().ok())
            .map(strip_port)
            .filter(|h| {
                !h.is_empty()
                    && h.chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".-[]:".contains(c))
            })
            .unwrap_or("localhost")
            .to_string();
        let path = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let location = format!("https://{host}:{}{path}", self.port);
        let in_flight = self.activity.begin();
        Box::pin(async move {
            drop(in_flight);
            let mut r = Response::new(Body::full(format!("use {location}\n")));
            *r.status_mut() = StatusCode::PERMANENT_REDIRECT;
            if let Ok(v) = HeaderValue::from_str(&location) {
                r.headers_mut().insert("location", v);
            }
            r.headers_mut()
                .insert("connection", HeaderValue::from_static("close"));
            Ok(r)
        })
    }
}

fn strip_port(h: &str) -> &str {
    if let Some(rest) = h.strip_prefix('[') {
        // [v6]:port
        return rest.split(']').next().map_or(h, |v6| &h[..v6.len() + 2]);
    }
    h.rsplit_once(':').map_or(h, |(host, _)| host)
}
