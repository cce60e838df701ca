//! The requests of the main port, and the registry of the protocols that make them: each
//! [`Call`] names its protocol (one file each, behind [`HttpProtocol`]) and its request.
//! A new protocol is its file, a variant here and its arm in [`Call::protocol`]; the
//! carriers (`http1.rs`, `h2.rs`) then make it like any other.

use super::grpc;
use super::http;
use super::protocol::{HttpProtocol, HttpRequest};

/// A request made over HTTP/1.1 or HTTP/2.
#[derive(Debug, Clone)]
pub enum Call {
    /// `GET path`: an answer still pending once the port answered gRPC on another stream
    /// is bounded by [`http::GRPC_GRACE`].
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
    /// The protocol of the call, and its request (the registration of a protocol's file).
    pub fn protocol(&self) -> (&'static dyn HttpProtocol, HttpRequest<'_>) {
        match self {
            Call::Get(p) => http::get(p),
            Call::Http(m, p) => http::request(m, p),
            Call::Grpc => grpc::health(),
            Call::Unary(p) => grpc::unary(p),
        }
    }

    /// The survey of the port on one HTTP/2 connection: a GET of every path, then the
    /// gRPC health check.
    pub fn survey(paths: &[String]) -> Vec<Call> {
        let mut calls: Vec<Call> = paths.iter().map(|p| Call::Get(p.clone())).collect();
        calls.push(Call::Grpc);
        calls
    }
}
