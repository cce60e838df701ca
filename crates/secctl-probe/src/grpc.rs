//! gRPC calls of the main port, over HTTP/2 only: the health check
//! (`grpc.health.v1.Health/Check`) for the survey, and a unary call of any method for
//! `probe --authz`, each with an empty message; the answer is its `grpc-status`, in the
//! head or in the trailers. grpc-status 16 UNAUTHENTICATED and 7 PERMISSION_DENIED refuse
//! (the grpc-message is only shown, never read for a verdict).

use super::http::answer as http_answer;
use super::observation::{Answer, Denial, Fate};
use super::protocol::{Head, HttpProtocol, HttpRequest, Reading, Role};

/// gRPC.
pub struct Grpc;

/// The method of the health check.
pub const HEALTH: &str = "/grpc.health.v1.Health/Check";

/// The health check, for the survey: an HTTP answer without grpc-status is no gRPC (unless
/// it refuses the client's identity).
pub fn health() -> (&'static dyn HttpProtocol, HttpRequest<'static>) {
    let r = HttpRequest {
        method: "POST",
        path: HEALTH,
        role: Role::Survey,
    };
    (&Grpc, r)
}

/// A unary call of the method `path`, for a verdict of its own: an HTTP answer without
/// grpc-status is returned as the HTTP answer it is.
pub fn unary(path: &str) -> (&'static dyn HttpProtocol, HttpRequest<'_>) {
    let r = HttpRequest {
        method: "POST",
        path,
        role: Role::Verdict,
    };
    (&Grpc, r)
}

impl HttpProtocol for Grpc {
    fn title(&self) -> &'static str {
        "gRPC"
    }
    fn needs_h2(&self) -> bool {
        true
    }
    fn fields(&self) -> &'static [(&'static str, &'static str)] {
        &[("content-type", "application/grpc"), ("te", "trailers")]
    }
    /// An empty message (HealthCheckRequest, or any method's): no compression, length 0.
    fn body(&self) -> Option<&'static [u8]> {
        Some(&[0, 0, 0, 0, 0])
    }
    /// A grpc-status in the head (a trailers-only answer) decides; else the trailers do.
    fn read_head(&self, _: Role, _: &Head, fields: &http::HeaderMap, _: bool) -> Reading {
        match grpc_status(fields) {
            Some((code, msg)) => Reading::Done(Ok(Fate::Answer(grpc_answer(code, &msg)))),
            None => Reading::Trailers,
        }
    }
    fn read_trailers(
        &self,
        role: Role,
        head: &Head,
        trailers: Option<&http::HeaderMap>,
        tls: bool,
    ) -> Result<Fate, Fate> {
        match trailers.and_then(grpc_status) {
            Some((code, msg)) => Ok(Fate::Answer(grpc_answer(code, &msg))),
            None => {
                let a = http_answer(head, " without grpc-status", tls);
                if a.denial == Denial::Identity || role == Role::Verdict {
                    Ok(Fate::Answer(a))
                } else {
                    Err(Fate::Other(format!("not gRPC ({})", a.text)))
                }
            }
        }
    }
}

/// A gRPC answer from its grpc-status and grpc-message.
fn grpc_answer(code: u16, msg: &str) -> Answer {
    Answer {
        code,
        grpc: true,
        denial: if code == 16 || code == 7 {
            Denial::Identity
        } else {
            Denial::None
        },
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
    }
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
