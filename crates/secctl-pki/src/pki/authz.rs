//! Who may call what: an authorization policy of rules, each naming an HTTP path or a gRPC
//! method and the roles allowed to call it. The role of a caller is the one the identity
//! rule ([`super::identity::establish`]) gives its certificate.
//!
//! The same schema is read from a policy file (`authz:` at the top) and from a probe entry
//! of the inventory:
//!
//! ```yaml
//! authz:
//!   - path: /gitaly.RepositoryService/RepositoryExists
//!     roles: [praefect, gitlab]
//!   - path: /praefect.RefTransaction/*
//!     roles: [gitaly]
//!   - path: /internal/allowed
//!     method: POST
//!     roles: [gitaly]
//! ```
//!
//! A path is exact (`/a/b`) or a prefix ending in `/*` (`/pkg.Service/*`, `/prefix/*`). A path
//! of two segments whose first names a service with its package (`/pkg.Service/Method`) is a
//! gRPC method; `grpc: false` or `grpc: true` says so explicitly. The rule of a request is
//! the exact rule of its path, else the wildcard rule with the longest prefix; a path no rule
//! covers is denied to everyone.

use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::error::{Error, Result};

/// A policy file: `authz:` and its rules.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    authz: Vec<RuleSpec>,
}

/// One rule as written, with the lines of its fields for messages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// The path or gRPC method.
    pub path: Spanned<String>,
    /// The roles allowed.
    pub roles: Spanned<Vec<Spanned<String>>>,
    /// The HTTP method the probe uses (default `GET`); not for gRPC methods.
    #[serde(default)]
    pub method: Option<Spanned<String>>,
    /// Whether the path is a gRPC method [inferred from its form].
    #[serde(default)]
    pub grpc: Option<bool>,
}

/// A validated rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The path as written (`/pkg.Service/Method`, `/prefix/*`).
    pub path: String,
    /// The roles allowed, in the order written.
    pub roles: Vec<String>,
    /// The HTTP method (`GET` unless the rule says otherwise; `POST` for gRPC).
    pub method: String,
    /// A gRPC method.
    pub grpc: bool,
    /// The line of the rule in its file (0 when not read from a file).
    pub line: usize,
}

impl Rule {
    /// The prefix of a wildcard rule (`/prefix/` of `/prefix/*`), or `None` when exact.
    pub fn prefix(&self) -> Option<&str> {
        self.path.strip_suffix('*')
    }

    /// Whether the rule covers `path` (exactly, or under its prefix).
    pub fn covers(&self, path: &str) -> bool {
        match self.prefix() {
            Some(p) => path.starts_with(p) && path.len() > p.len(),
            None => path == self.path,
        }
    }

    /// Whether `role` may call what this rule covers.
    pub fn allows(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    /// The path a probe calls to check this rule: the path itself, or for a wildcard a
    /// name under its prefix that no server serves (an allowed caller then meets the
    /// server's "not found", a denied one its refusal).
    pub fn probe_path(&self) -> String {
        match self.prefix() {
            Some(p) if self.grpc => format!("{p}SecctlAuthzProbe"),
            Some(p) => format!("{p}secctl-authz-probe"),
            None => self.path.clone(),
        }
    }
}

/// A policy: its rules in the order written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// The rules.
    pub rules: Vec<Rule>,
}

/// What a policy says of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision<'a> {
    /// The caller's role is allowed by this rule.
    Allow(&'a Rule),
    /// The caller has no role (no verified certificate, or no role under the identity rule).
    Unauthenticated,
    /// The caller's role is not allowed by this rule (None: no rule covers the path).
    Denied(Option<&'a Rule>),
}

impl Policy {
    /// The rule of `path`: its exact rule, else the wildcard rule with the longest prefix.
    pub fn rule_for(&self, path: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.prefix().is_none() && r.path == path)
            .or_else(|| {
                self.rules
                    .iter()
                    .filter(|r| r.prefix().is_some() && r.covers(path))
                    .max_by_key(|r| r.path.len())
            })
    }

    /// Decide a request for `path` by a caller of `role` (None: no role).
    pub fn decide(&self, path: &str, role: Option<&str>) -> Decision<'_> {
        let Some(role) = role else {
            return Decision::Unauthenticated;
        };
        match self.rule_for(path) {
            Some(r) if r.allows(role) => Decision::Allow(r),
            r => Decision::Denied(r),
        }
    }

    /// Every role the policy names, sorted, once each.
    pub fn roles(&self) -> Vec<String> {
        let mut v: Vec<String> = self.rules.iter().flat_map(|r| r.roles.clone()).collect();
        v.sort();
        v.dedup();
        v
    }

    /// The first line at which `role` is named (for "a role nobody holds").
    pub fn line_of_role(&self, role: &str) -> usize {
        self.rules
            .iter()
            .find(|r| r.allows(role))
            .map(|r| r.line)
            .unwrap_or(0)
    }
}

/// Largest policy file read.
const MAX_BYTES: u64 = 4 << 20;

/// Read a policy file; every problem names the file and its line.
pub fn load(path: &Path) -> Result<Policy> {
    let meta = std::fs::metadata(path).map_err(|e| Error::read(path, e))?;
    if meta.is_dir() {
        return Err(Error::path(path, "is a directory, expected a policy file"));
    }
    if meta.len() > MAX_BYTES {
        return Err(Error::path(path, "larger than 4 MiB"));
    }
    let text = std::fs::read_to_string(path).map_err(|e| Error::read(path, e))?;
    parse(path, &text)
}

/// Parse policy text; `path` names it in messages.
pub fn parse(path: &Path, text: &str) -> Result<Policy> {
    if text.trim().is_empty() {
        return Err(Error::path(
            path,
            "empty policy (expected `authz:` and its rules)",
        ));
    }
    let file: PolicyFile = serde_saphyr::from_str(text).map_err(|e| {
        let msg = e.to_string();
        let first = msg.lines().next().unwrap_or("invalid YAML").trim();
        let first = first.strip_prefix("error: ").unwrap_or(first).to_string();
        match e.location() {
            Some(l) if !first.contains("line") => {
                Error::path(path, format!("line {}: {first}", l.line()))
            }
            _ => Error::path(path, first),
        }
    })?;
    validate(&file.authz).map_err(|(line, msg)| Error::path(path, format!("line {line}: {msg}")))
}

/// Check rules as written: a path with a leading `/`, `*` only as a last `/*`, at least one
/// role and each a valid role name, a method only on an HTTP rule, no path twice.
/// `Err((line, problem))`.
pub fn validate(specs: &[RuleSpec]) -> std::result::Result<Policy, (usize, String)> {
    if specs.is_empty() {
        return Err((1, "`authz:` has no rules".into()));
    }
    let mut rules: Vec<Rule> = Vec::with_capacity(specs.len());
    for s in specs {
        let line = s.path.referenced.line() as usize;
        let path = s.path.value.trim().to_string();
        check_path(&path).map_err(|m| (line, m))?;
        if let Some(prev) = rules.iter().find(|r| r.path == path) {
            return Err((
                line,
                format!("path {path:?} has a rule already (line {})", prev.line),
            ));
        }
        let roles_line = s.roles.referenced.line() as usize;
        if s.roles.value.is_empty() {
            return Err((
                roles_line,
                format!("rule for {path:?} allows no role (an empty `roles:`); a path nobody may call needs no rule: it is denied"),
            ));
        }
        let mut roles = Vec::new();
        for r in &s.roles.value {
            let role = r.value.trim();
            crate::pki::names::check_role(role)
                .map_err(|e| (r.referenced.line() as usize, e.to_string()))?;
            if !roles.iter().any(|x: &String| x == role) {
                roles.push(role.to_string());
            }
        }
        let grpc = s.grpc.unwrap_or_else(|| looks_grpc(&path));
        let method = match &s.method {
            Some(m) if grpc => {
                return Err((
                    m.referenced.line() as usize,
                    format!(
                    "{path:?} is a gRPC method: it is called with POST, `method:` does not apply"
                ),
                ))
            }
            Some(m) => {
                let v = m.value.trim().to_ascii_uppercase();
                if v.is_empty() || !v.bytes().all(|b| b.is_ascii_uppercase()) || v.len() > 16 {
                    return Err((
                        m.referenced.line() as usize,
                        format!(
                            "method {:?} is not an HTTP method (GET, POST, ...)",
                            m.value
                        ),
                    ));
                }
                v
            }
            None if grpc => "POST".into(),
            None => "GET".into(),
        };
        rules.push(Rule {
            path,
            roles,
            method,
            grpc,
            line,
        });
    }
    Ok(Policy { rules })
}

fn check_path(path: &str) -> std::result::Result<(), String> {
    if !path.starts_with('/') {
        return Err(format!("path {path:?} must start with /"));
    }
    if path.len() > 1024 {
        return Err("path longer than 1024 characters".into());
    }
    if let Some(i) = path.find('*') {
        if i != path.len() - 1 || !path.ends_with("/*") {
            return Err(format!(
                "path {path:?}: `*` only as the last segment (`/prefix/*`, `/pkg.Service/*`)"
            ));
        }
    }
    if let Some(c) = path
        .chars()
        .find(|c| c.is_control() || c.is_whitespace() || matches!(c, '?' | '#'))
    {
        return Err(format!(
            "path {path:?} holds {c:?}: a rule names a path, without query or fragment"
        ));
    }
    Ok(())
}

/// `/pkg.Service/Method` (or `/pkg.Service/*`): two segments, the first a dotted service
/// name of identifier characters.
pub fn looks_grpc(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    let Some((service, method)) = rest.split_once('/') else {
        return false;
    };
    let ident = |s: &str| {
        !s.is_empty()
            && s.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    service.contains('.') && service.split('.').all(ident) && (method == "*" || ident(method))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(text: &str) -> Result<Policy> {
        parse(Path::new("p.yaml"), text)
    }

    const GITALY: &str = "authz:
  - path: /gitaly.RepositoryService/RepositoryExists
    roles: [praefect, gitlab]
  - path: /praefect.RefTransaction/*
    roles: [gitaly]
  - path: /internal/*
    roles: [gitlab]
  - path: /internal/allowed
    method: post
    roles: [gitaly]
";

    #[test]
    fn rules_are_read_and_decided() {
        let p = policy(GITALY).unwrap();
        assert_eq!(p.rules.len(), 4);
        assert!(p.rules[0].grpc && p.rules[0].method == "POST");
        assert!(!p.rules[2].grpc && p.rules[2].method == "GET");
        assert_eq!(p.rules[3].method, "POST");
        assert_eq!(p.rules[1].line, 4);
        let d = |path, role| p.decide(path, role);
        assert!(matches!(
            d("/gitaly.RepositoryService/RepositoryExists", Some("gitlab")),
            Decision::Allow(_)
        ));
        assert!(matches!(
            d("/gitaly.RepositoryService/RepositoryExists", Some("gitaly")),
            Decision::Denied(Some(_))
        ));
        assert!(matches!(
            d("/praefect.RefTransaction/VoteTransaction", Some("gitaly")),
            Decision::Allow(_)
        ));
        // The exact rule wins over the wildcard that also covers the path.
        assert!(matches!(
            d("/internal/allowed", Some("gitaly")),
            Decision::Allow(_)
        ));
        assert!(matches!(
            d("/internal/allowed", Some("gitlab")),
            Decision::Denied(Some(_))
        ));
        assert!(matches!(
            d("/internal/other", Some("gitlab")),
            Decision::Allow(_)
        ));
        // The prefix itself is not under it; an uncovered path is denied to everyone.
        assert!(matches!(
            d("/internal/", Some("gitlab")),
            Decision::Denied(None)
        ));
        assert!(matches!(
            d("/elsewhere", Some("gitlab")),
            Decision::Denied(None)
        ));
        assert_eq!(d("/internal/other", None), Decision::Unauthenticated);
        assert_eq!(p.roles(), ["gitaly", "gitlab", "praefect"]);
        assert_eq!(
            p.rules[1].probe_path(),
            "/praefect.RefTransaction/SecctlAuthzProbe"
        );
        assert_eq!(p.rules[2].probe_path(), "/internal/secctl-authz-probe");
    }

    #[test]
    fn grpc_form() {
        assert!(looks_grpc("/pkg.Service/Method"));
        assert!(looks_grpc("/a.b.C/*"));
        assert!(!looks_grpc("/Service/Method"));
        assert!(!looks_grpc("/api.v1/x/y"));
        assert!(!looks_grpc("/internal/allowed"));
        assert!(!looks_grpc("/a.b/index.html"));
    }

    /// Each bad policy: one message naming the file and the line of the problem.
    #[test]
    fn bad_policies_name_file_and_line() {
        let cases = [
            (
                "authz:\n  - path: /a\n    roles: [x]\n    colour: red\n",
                "line 4",
                "colour",
            ),
            (
                "authz:\n  - path: /a\n    roles: []\n",
                "line 3",
                "allows no role",
            ),
            (
                "authz:\n  - path: a/b\n    roles: [x]\n",
                "line 2",
                "must start with /",
            ),
            (
                "authz:\n  - path: /a/*/b\n    roles: [x]\n",
                "line 2",
                "last segment",
            ),
            (
                "authz:\n  - path: /a\n    roles: [\"bad role\"]\n",
                "line 3",
                "invalid role",
            ),
            (
                "authz:\n  - path: /a\n    roles: [Gitlab]\n",
                "line 3",
                "lowercase",
            ),
            (
                "authz:\n  - path: /a\n    roles: [x]\n  - path: /a\n    roles: [y]\n",
                "line 4",
                "rule already (line 2)",
            ),
            (
                "authz:\n  - path: /p.S/M\n    method: GET\n    roles: [x]\n",
                "line 3",
                "gRPC method",
            ),
            (
                "authz:\n  - path: /a\n    method: \"G T\"\n    roles: [x]\n",
                "line 3",
                "not an HTTP method",
            ),
            ("rules: []\n", "line 1", "rules"),
            ("authz: []\n", "line 1", "no rules"),
        ];
        for (text, line, what) in cases {
            let e = policy(text).unwrap_err().to_string();
            assert!(e.starts_with("p.yaml: "), "{text:?}: {e}");
            assert!(e.contains(line) && e.contains(what), "{text:?}: {e}");
            assert!(!e.contains('\n'), "{text:?}: {e}");
        }
        assert!(policy("").unwrap_err().to_string().contains("empty policy"));
    }
}
