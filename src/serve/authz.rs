//! `serve --authz FILE`: the policy's decision for one request, made before the method is
//! looked up, and what the caller and the `-v` log are told of it.
//!
//! The caller learns whether it is authenticated and whether it may call the path, never
//! whether a method exists: a refusal reads the same for a path that is served, one that is
//! not, one no rule covers and one whose rule leaves the caller's role out. The log line
//! says which rule decided.

use http::StatusCode;

use crate::pki::authz::{Decision, Policy};

/// A refused request: the gRPC status, the HTTP status and the message for the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Refusal {
    pub(super) grpc: u8,
    pub(super) http: StatusCode,
    pub(super) message: String,
}

/// The policy's decision for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Verdict {
    /// None: allowed, the request goes on to its handler.
    pub(super) refusal: Option<Refusal>,
    /// The decision for the `-v` log: `allow: rule at line 4 (/p.S/*) allows gitaly`, ...
    pub(super) log: String,
}

/// Decide a request for `path` whose caller has `role`: None without a verified client
/// certificate, `Some(Err(why))` for a certificate without a role under the identity rule.
pub(super) fn decide(
    policy: &Policy,
    path: &str,
    role: Option<&std::result::Result<String, String>>,
) -> Verdict {
    let role = match role {
        None => {
            return unauthenticated(
                "a verified client certificate is required".into(),
                "no verified client certificate".into(),
            )
        }
        Some(Err(why)) => {
            return unauthenticated(
                format!("the client certificate has no role: {why}"),
                format!("the certificate has no role: {why}"),
            )
        }
        Some(Ok(role)) => role.as_str(),
    };
    // One message for every refusal of an authenticated caller: a caller who may not call
    // a path learns nothing of it (served or not, covered by a rule or not).
    let denied = |why: String| Verdict {
        refusal: Some(Refusal {
            grpc: 7,
            http: StatusCode::FORBIDDEN,
            message: format!("permission denied: role {role:?} may not call {path}"),
        }),
        log: format!("deny: {why}"),
    };
    if let Some(why) = not_normal(path) {
        return denied(format!("{why}: denied to every role"));
    }
    match policy.decide(path, Some(role)) {
        Decision::Allow(r) => Verdict {
            refusal: None,
            log: format!("allow: rule at line {} ({}) allows {role}", r.line, r.path),
        },
        Decision::Denied(Some(r)) => denied(format!(
            "rule at line {} ({}) allows {}, not {role}",
            r.line,
            r.path,
            r.roles.join(", ")
        )),
        Decision::Denied(None) => denied("no rule covers the path".into()),
        // `decide` answers this only without a role, handled above.
        Decision::Unauthenticated => unauthenticated(
            "a verified client certificate is required".into(),
            "no role".into(),
        ),
    }
}

fn unauthenticated(message: String, why: String) -> Verdict {
    Verdict {
        refusal: Some(Refusal {
            grpc: 16,
            http: StatusCode::UNAUTHORIZED,
            message,
        }),
        log: format!("unauthenticated: {why}"),
    }
}

/// Why `path` is not in its normal form (None: it is). A server or proxy behind that
/// normalizes or decodes paths would serve another path than the one decided: `/pub/../admin`
/// or `/pub/%2e%2e/admin` is under a `/pub/*` rule as written, `/internal/%61llowed` escapes
/// the exact rule of `/internal/allowed` into a wildcard's. Such paths are denied to everyone.
fn not_normal(path: &str) -> Option<&'static str> {
    if !path.starts_with('/') {
        return Some("the path does not start with /");
    }
    if path.contains('\\') {
        return Some("a backslash in the path");
    }
    if path.contains("//") {
        return Some("an empty segment (//) in the path");
    }
    if path[1..].split('/').any(|s| s == "." || s == "..") {
        return Some("a dot segment (. or ..) in the path");
    }
    let b = path.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16);
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let decoded = match (
                b.get(i + 1).and_then(|&c| hex(c)),
                b.get(i + 2).and_then(|&c| hex(c)),
            ) {
                (Some(h), Some(l)) => (h * 16 + l) as u8,
                _ => return Some("a % that is no percent-escape in the path"),
            };
            if decoded.is_ascii_alphanumeric() || b"-._~/\\%".contains(&decoded) {
                return Some(
                    "a percent-escape of a character that needs none, or of / \\ or %, in the path",
                );
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        crate::pki::authz::parse(
            std::path::Path::new("p.yaml"),
            "authz:
  - path: /gitaly.RepositoryService/RepositoryExists
    roles: [praefect, gitlab]
  - path: /internal/*
    roles: [gitlab]
  - path: /internal/allowed
    roles: [gitaly]
",
        )
        .unwrap()
    }

    fn code(v: &Verdict) -> u8 {
        v.refusal.as_ref().map_or(0, |r| r.grpc)
    }

    #[test]
    fn decisions_and_what_the_caller_is_told() {
        let p = policy();
        let role = |r: &str| Ok::<String, String>(r.into());
        let gitlab = role("gitlab");
        let gitaly = role("gitaly");
        let none: Result<String, String> = Err("no SPIFFE id".into());
        let m = "/gitaly.RepositoryService/RepositoryExists";
        let v = decide(&p, m, Some(&gitlab));
        assert_eq!(code(&v), 0, "{v:?}");
        assert_eq!(v.log, format!("allow: rule at line 2 ({m}) allows gitlab"));
        assert_eq!(code(&decide(&p, m, None)), 16);
        let v = decide(&p, m, Some(&none));
        assert_eq!(code(&v), 16);
        assert!(v.refusal.unwrap().message.contains("no SPIFFE id"));
        // Denied by its rule, and by no rule: the same message.
        let a = decide(&p, m, Some(&gitaly));
        let b = decide(&p, "/gitaly.RepositoryService/Nope", Some(&gitaly));
        assert_eq!((code(&a), code(&b)), (7, 7));
        assert_eq!(
            a.refusal.as_ref().unwrap().message.replace(m, "X"),
            b.refusal
                .as_ref()
                .unwrap()
                .message
                .replace("/gitaly.RepositoryService/Nope", "X")
        );
        assert!(
            a.log.contains("line 2") && a.log.contains("not gitaly"),
            "{}",
            a.log
        );
        assert_eq!(b.log, "deny: no rule covers the path");
        assert_eq!(code(&decide(&p, "/internal/allowed", Some(&gitaly))), 0);
        assert_eq!(code(&decide(&p, "/internal/allowed", Some(&gitlab))), 7);
        assert_eq!(code(&decide(&p, "/internal/x", Some(&gitlab))), 0);
    }

    /// Paths a normalizing or decoding server behind would read as another path.
    #[test]
    fn paths_not_in_normal_form_are_denied_to_everyone() {
        let p = policy();
        let gitlab = Ok::<String, String>("gitlab".into());
        for path in [
            "/internal/../admin",
            "/internal/./x",
            "/internal//x",
            "/internal/%2e%2e/admin",
            "/internal/%2E%2E/admin",
            "/internal/%61llowed",
            "/internal/a%2fb",
            "/internal/%252e",
            "/internal/a\\b",
            "/internal/%zz",
            "/internal/%4",
            "*",
        ] {
            let v = decide(&p, path, Some(&gitlab));
            assert_eq!(code(&v), 7, "{path}: {v:?}");
            assert!(v.log.contains("denied to every role"), "{path}: {}", v.log);
        }
        // Escapes that are needed are kept; the path is then decided as written.
        assert_eq!(code(&decide(&p, "/internal/a%20b", Some(&gitlab))), 0);
        assert_eq!(code(&decide(&p, "/internal/", Some(&gitlab))), 7);
        assert_eq!(code(&decide(&p, "/internal/x/", Some(&gitlab))), 0);
    }
}
