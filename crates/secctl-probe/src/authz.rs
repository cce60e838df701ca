//! The authorization matrix: every rule of a policy called by every role's certificate and
//! by no certificate, and the server's answer set beside what the policy expects.
//!
//! Each call is the request the rule names: for an HTTP path its method (GET unless the
//! rule says otherwise), for a gRPC method a real unary call with an empty message, so the
//! answer is the server's authorization decision and not a proxy's view of a stray GET.
//! What an answer says is read from its status alone ([`observe`]), never from the
//! server's words: HTTP 401/403 (and 400/495/496 over TLS, nginx's refusals of a client
//! certificate), grpc-status 16/7, or a TLS refusal of the certificate deny; HTTP 404 and
//! grpc-status 12 say the path is absent; any other answer, INVALID_ARGUMENT and 5xx
//! included, got past authorization and allows. A call that could not be made is
//! `not-checked`, never a verdict. The calls are made by [`super::run::authz_matrix`].

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::call::Call;
use super::observation::{Denial, Fate};
use crate::pki::authz::{Policy, Rule};

/// What the policy says of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expected {
    /// The rule lists the role.
    Allow,
    /// The rule does not list the role, or there is no certificate.
    Deny,
}

/// What the server showed of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Observed {
    /// The call got past authorization (any answer that is not a refusal or "absent").
    Allow,
    /// Refused: HTTP 401/403 (400/495/496 over TLS), grpc-status 7/16, or the TLS layer
    /// refused the certificate.
    Deny,
    /// HTTP 404 or grpc-status 12 UNIMPLEMENTED: the server has no such path or method.
    Absent,
    /// The call could not be made or got no answer: no verdict.
    NotChecked,
}

impl std::fmt::Display for Observed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Observed::Allow => "allow",
            Observed::Deny => "deny",
            Observed::Absent => "absent",
            Observed::NotChecked => "not-checked",
        })
    }
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Expected::Allow => "allow",
            Expected::Deny => "deny",
        })
    }
}

/// One cell of the matrix: a rule's path called by one caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// The rule's path as written (`/prefix/*` for a wildcard rule).
    pub path: String,
    /// The path called (a wildcard rule's is a name under its prefix).
    pub called: String,
    /// The HTTP method (`POST` for a gRPC method).
    pub method: String,
    /// A gRPC method.
    pub grpc: bool,
    /// The caller's role; null: no certificate.
    pub role: Option<String>,
    /// The roles the rule allows.
    pub allowed: Vec<String>,
    /// What the policy says.
    pub expected: Expected,
    /// What the server showed.
    pub observed: Observed,
    /// What showed it: `HTTP/1.1 403`, `grpc-status 7 PERMISSION_DENIED`, a TLS refusal.
    pub evidence: String,
    /// Whether the server does what the policy says.
    pub agrees: bool,
}

impl Cell {
    /// The caller in words: `gitlab`, `no certificate`.
    pub fn who(&self) -> &str {
        self.role.as_deref().unwrap_or("no certificate")
    }

    /// How a cell that does not agree reads: "gitlab is allowed on /internal/allowed; the
    /// policy allows gitaly".
    pub fn difference(&self) -> String {
        let allowed = self.allowed.join(", ");
        let what = match self.observed {
            Observed::Allow => format!("{} is allowed on {}", self.who(), self.path),
            Observed::Deny => format!("{} is denied on {}", self.who(), self.path),
            Observed::Absent if self.expected == Expected::Deny => format!(
                "{} is not denied on {} (it reaches the {} lookup: absent)",
                self.who(),
                self.path,
                if self.grpc { "method" } else { "path" },
            ),
            Observed::Absent => format!("{} finds no {} (absent)", self.who(), self.path),
            Observed::NotChecked => {
                format!(
                    "{} on {} not checked ({})",
                    self.who(),
                    self.path,
                    self.evidence
                )
            }
        };
        format!("{what}; the policy allows {allowed}")
    }
}

/// A caller of the matrix: a role and its certificate, or no certificate.
#[derive(Clone)]
pub struct Caller {
    /// The role (None: no certificate).
    pub role: Option<String>,
    /// The certificate and key (None: no certificate).
    pub key: Option<Arc<rustls::sign::CertifiedKey>>,
}

/// What the policy expects of `rule` called by `role` (None: no certificate).
pub fn expected(rule: &Rule, role: Option<&str>) -> Expected {
    match role {
        Some(r) if rule.allows(r) => Expected::Allow,
        _ => Expected::Deny,
    }
}

/// Whether `observed` is what the policy expects. A wildcard rule is probed at a name
/// under its prefix that no server serves: an allowed caller meeting "absent" has passed
/// authorization, which is all the rule says.
pub fn agrees(rule: &Rule, expected: Expected, observed: Observed) -> bool {
    match (expected, observed) {
        (Expected::Allow, Observed::Allow) | (Expected::Deny, Observed::Deny) => true,
        (Expected::Allow, Observed::Absent) => rule.prefix().is_some(),
        _ => false,
    }
}

/// What one call's fate shows of authorization, and the evidence in words. A pure function
/// of the observation; the server's words are never read.
pub fn observe(f: &Fate) -> (Observed, String) {
    match f {
        Fate::Answer(a) if a.grpc => {
            let o = match a.code {
                7 | 16 => Observed::Deny,
                12 => Observed::Absent,
                _ => Observed::Allow,
            };
            (o, words(&a.text))
        }
        Fate::Answer(a) => {
            let o = match a.denial {
                Denial::Identity => Observed::Deny,
                // A TLS alert or nginx's 497 in answer to a request made over TLS: not an
                // answer to the request.
                Denial::TlsRequired => Observed::NotChecked,
                Denial::None | Denial::Refused if a.code == 404 => Observed::Absent,
                Denial::None | Denial::Refused => Observed::Allow,
            };
            (o, words(&a.text))
        }
        Fate::Refused(r) => (
            Observed::Deny,
            format!("TLS refused the client: {}", r.text()),
        ),
        Fate::Unreachable(w) => (Observed::NotChecked, format!("unreachable: {w}")),
        Fate::NoTls(w) => (Observed::NotChecked, format!("no TLS: {w}")),
        Fate::NoCommonAlpn => (
            Observed::NotChecked,
            "no TLS: the server refused every ALPN protocol offered".into(),
        ),
        Fate::Admitted(_) | Fate::NoVerdict => (Observed::NotChecked, "no request was made".into()),
        Fate::Renegotiation => (
            Observed::NotChecked,
            "the server asked to renegotiate instead of answering".into(),
        ),
        Fate::Closed => (
            Observed::NotChecked,
            "closed before an answer, without an alert".into(),
        ),
        Fate::Other(w) | Fate::Silent(w) | Fate::Unanswered(w) => (Observed::NotChecked, w.clone()),
    }
}

/// An answer as the evidence of a cell, kept short.
fn words(text: &str) -> String {
    text.chars().take(160).collect()
}

/// The call that checks `rule`.
pub fn call(rule: &Rule) -> Call {
    let path = rule.probe_path();
    if rule.grpc {
        Call::Unary(path)
    } else {
        Call::Http(rule.method.clone(), path)
    }
}

/// The cells of one caller from the fates of its calls (one per rule, in order).
pub fn cells(policy: &Policy, caller: Option<&str>, fates: &[Fate]) -> Vec<Cell> {
    policy
        .rules
        .iter()
        .zip(fates)
        .map(|(rule, fate)| {
            let (observed, evidence) = observe(fate);
            let expected = expected(rule, caller);
            Cell {
                path: rule.path.clone(),
                called: rule.probe_path(),
                method: rule.method.clone(),
                grpc: rule.grpc,
                role: caller.map(str::to_string),
                allowed: rule.roles.clone(),
                expected,
                observed,
                evidence,
                agrees: agrees(rule, expected, observed),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observation::{Answer, Refusal};

    fn answer(code: u16, grpc: bool, denial: Denial) -> Fate {
        Fate::Answer(Answer {
            code,
            grpc,
            location: None,
            denial,
            text: format!("{code}"),
        })
    }

    /// Every kind of answer, read from its status alone.
    #[test]
    fn answers_read_from_status() {
        let cases = [
            (answer(7, true, Denial::Identity), Observed::Deny),
            (answer(16, true, Denial::Identity), Observed::Deny),
            (answer(12, true, Denial::None), Observed::Absent),
            (answer(3, true, Denial::None), Observed::Allow),
            (answer(0, true, Denial::None), Observed::Allow),
            (answer(13, true, Denial::None), Observed::Allow),
            (answer(403, false, Denial::Identity), Observed::Deny),
            (answer(400, false, Denial::Identity), Observed::Deny),
            (answer(404, false, Denial::None), Observed::Absent),
            (answer(405, false, Denial::None), Observed::Allow),
            (answer(502, false, Denial::None), Observed::Allow),
            (answer(200, false, Denial::None), Observed::Allow),
            (answer(0, false, Denial::TlsRequired), Observed::NotChecked),
            (
                Fate::Refused(Refusal::Alert("certificate_required".into())),
                Observed::Deny,
            ),
            (Fate::Silent("x".into()), Observed::NotChecked),
            (Fate::Unanswered("x".into()), Observed::NotChecked),
            (Fate::Closed, Observed::NotChecked),
            (Fate::NoVerdict, Observed::NotChecked),
            (
                Fate::Other("HTTP/2 not offered".into()),
                Observed::NotChecked,
            ),
        ];
        for (fate, want) in cases {
            assert_eq!(observe(&fate).0, want, "{fate:?}");
        }
    }

    #[test]
    fn agreement() {
        let p = crate::pki::authz::parse(
            std::path::Path::new("p"),
            "authz:\n  - path: /a\n    roles: [x]\n  - path: /p.S/*\n    roles: [x]\n",
        )
        .unwrap();
        let (exact, wild) = (&p.rules[0], &p.rules[1]);
        assert!(agrees(exact, Expected::Allow, Observed::Allow));
        assert!(!agrees(exact, Expected::Allow, Observed::Absent));
        assert!(agrees(wild, Expected::Allow, Observed::Absent));
        assert!(!agrees(wild, Expected::Deny, Observed::Absent));
        assert!(!agrees(exact, Expected::Deny, Observed::NotChecked));
        assert!(!agrees(exact, Expected::Allow, Observed::NotChecked));
        assert_eq!(expected(exact, None), Expected::Deny);
        assert_eq!(expected(exact, Some("y")), Expected::Deny);
        let c = cells(
            &p,
            Some("y"),
            &[
                answer(200, false, Denial::None),
                answer(7, true, Denial::Identity),
            ],
        );
        assert!(!c[0].agrees && c[1].agrees);
        assert_eq!(c[0].difference(), "y is allowed on /a; the policy allows x");
        assert_eq!(c[1].called, "/p.S/SecctlAuthzProbe");
    }
}
