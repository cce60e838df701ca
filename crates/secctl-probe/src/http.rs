//! Plain HTTP requests of the main port (`GET` of each path for the survey, any method for
//! `probe --authz`), over HTTP/1.1 or HTTP/2: the status decides, the body (the server's
//! words) is never read.

use std::time::Duration;

use super::observation::{Answer, Denial, Fate};
use super::protocol::{Head, HttpProtocol, HttpRequest, Reading, Role};

/// Plain HTTP.
pub struct Http;

/// How long a GET still pending over HTTP/2 is waited for once a gRPC answer came on
/// another stream of the same connection. The GET went out before the gRPC call on the
/// same connection, so the server had read it first: by then no network round trip
/// remains, only the server's own handling. 20 ms covers an HTTP handler slower than a
/// health check by that much, and keeps a gRPC port's probe as fast as any other (grpcio
/// resets a stream it does not serve only after 100-900 ms). A GET still pending is
/// recorded as [`Fate::Unanswered`]: not served, and no evidence of admission or refusal.
pub const GRPC_GRACE: Duration = Duration::from_millis(20);

/// `GET path`, for the survey.
pub fn get(path: &str) -> (&'static dyn HttpProtocol, HttpRequest<'_>) {
    let r = HttpRequest {
        method: "GET",
        path,
        role: Role::Survey,
    };
    (&Http, r)
}

/// `METHOD path` without a body, for a verdict of its own.
pub fn request<'a>(method: &'a str, path: &'a str) -> (&'static dyn HttpProtocol, HttpRequest<'a>) {
    let r = HttpRequest {
        method,
        path,
        role: Role::Verdict,
    };
    (&Http, r)
}

impl HttpProtocol for Http {
    fn title(&self) -> &'static str {
        "HTTP"
    }
    /// A GET of the survey is waited for [`GRPC_GRACE`] more once the port answered gRPC
    /// on another stream, then recorded as unanswered (not served, no evidence either way).
    fn grace(&self, role: Role) -> Option<Duration> {
        (role == Role::Survey).then_some(GRPC_GRACE)
    }
    fn read_head(&self, _: Role, head: &Head, _: &http::HeaderMap, tls: bool) -> Reading {
        Reading::Done(Ok(Fate::Answer(answer(head, "", tls))))
    }
    fn read_trailers(
        &self,
        _: Role,
        head: &Head,
        _: Option<&http::HeaderMap>,
        tls: bool,
    ) -> Result<Fate, Fate> {
        Ok(Fate::Answer(answer(head, "", tls)))
    }
}

/// An HTTP answer from its head: its status decides (see [`http_denial`]); it reads
/// `HTTP/2 403`, then `words`, then ` -> location`.
pub fn answer(head: &Head, words: &str, tls: bool) -> Answer {
    let mut text = format!("{} {}{words}", head.version, head.status);
    if let Some(l) = &head.location {
        text.push_str(&format!(" -> {l}"));
    }
    Answer {
        code: head.status,
        grpc: false,
        denial: http_denial(head.status, tls),
        location: head.location.clone(),
        text,
    }
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
