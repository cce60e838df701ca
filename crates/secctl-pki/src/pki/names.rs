//! Validation of the names that end up in paths, subjects and SPIFFE URIs.

use std::net::IpAddr;

use crate::error::{Error, Result};

/// Check a certificate name (node or client): it becomes a directory name, a CN and the last
/// segment of the SPIFFE id, so it must be safe in all three.
pub fn check_name(what: &str, name: &str) -> Result<()> {
    check_segment(what, name, 64)
}

/// Check a role given by a user (issuance, inventories, `--allow-role`): it becomes the OU
/// and a segment of the SPIFFE id, where case matters (`role/Praefect` and `role/praefect`
/// are two identities). Uppercase letters are refused with the lowercase spelling, rather
/// than silently changed: a role is written once and matched everywhere afterwards.
pub fn check_role(role: &str) -> Result<()> {
    check_role_chars(role)?;
    if role.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(Error::Usage(format!(
            "invalid role {role:?}: roles are lowercase (case matters in SPIFFE ids); use {:?}",
            role.to_ascii_lowercase()
        )));
    }
    Ok(())
}

/// The characters a role may have, any case: for roles read from existing certificates.
pub fn check_role_chars(role: &str) -> Result<()> {
    check_segment("role", role, 64)
}

fn check_segment(what: &str, s: &str, max: usize) -> Result<()> {
    let bad = |why: &str| Err(Error::Usage(format!("invalid {what} {s:?}: {why}")));
    if s.is_empty() {
        return bad("must not be empty");
    }
    if s.len() > max {
        return bad(&format!("longer than {max} characters"));
    }
    if s == "." || s == ".." {
        return bad("is a path component");
    }
    if !s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()) {
        return bad("must start with a letter or digit");
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return bad(&format!(
            "character {c:?} not allowed (use letters, digits, '-', '_' and '.')"
        ));
    }
    Ok(())
}

/// Check a SPIFFE trust domain: lowercase letters, digits, '.', '-' and '_' (SPIFFE-ID spec).
pub fn check_trust_domain(td: &str) -> Result<()> {
    let bad = |why: &str| Err(Error::Usage(format!("invalid trust domain {td:?}: {why}")));
    if td.is_empty() || td.len() > 255 {
        return bad("must have 1 to 255 characters");
    }
    if td.starts_with('.') || td.ends_with('.') || td.contains("..") {
        return bad("empty label");
    }
    if let Some(c) = td
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_')))
    {
        return bad(&format!(
            "character {c:?} not allowed (lowercase letters, digits, '.', '-', '_')"
        ));
    }
    Ok(())
}

/// Check a cluster (organization) name: free text, but one line of printable characters.
pub fn check_cluster_name(name: &str) -> Result<()> {
    if name.trim().is_empty() || name.len() > 64 {
        return Err(Error::Usage(format!(
            "invalid cluster name {name:?}: must have 1 to 64 characters"
        )));
    }
    if name.chars().any(|c| c.is_control()) {
        return Err(Error::Usage(format!(
            "invalid cluster name {name:?}: control characters are not allowed"
        )));
    }
    Ok(())
}

/// A subject alternative name given with `--host`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// A DNS name (optionally a `*.` wildcard).
    Dns(String),
    /// An IPv4 or IPv6 address.
    Ip(IpAddr),
}

impl std::fmt::Display for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Host::Dns(d) => f.write_str(d),
            Host::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

/// Parse a `--host` value: an IP address becomes an IP SAN, anything else must be a valid
/// DNS name (RFC 1123 labels of letters, digits and '-', no '_'; an optional leading `*.`).
pub fn parse_host(s: &str) -> Result<Host> {
    let t = s
        .strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .unwrap_or(s);
    if let Ok(ip) = t.parse::<IpAddr>() {
        return Ok(Host::Ip(ip));
    }
    let bad = |why: &str| Err(Error::Usage(format!("invalid host {s:?}: {why}")));
    let name = s.strip_suffix('.').unwrap_or(s).to_ascii_lowercase();
    if name.is_empty() || name.len() > 253 {
        return bad("a DNS name has 1 to 253 characters");
    }
    let body = name.strip_prefix("*.").unwrap_or(&name);
    for label in body.split('.') {
        if label.is_empty() || label.len() > 63 {
            return bad("each DNS label has 1 to 63 characters");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return bad("a DNS label cannot start or end with '-'");
        }
        if label.contains('_') {
            // RFC 5280 4.2.1.6: a dNSName is a host name; `verify` refuses such a SAN.
            return bad("'_' is not a host name character (a DNS SAN holds host names: letters, digits and '-')");
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return bad(&format!("character {c:?} not allowed in a DNS name"));
        }
    }
    if body
        .split('.')
        .all(|l| l.chars().all(|c| c.is_ascii_digit()))
    {
        return bad("looks like an IP address but is not a valid one");
    }
    Ok(Host::Dns(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["node-1", "gitaly_a.b", "n1", "A9"] {
            check_name("name", ok).unwrap();
        }
        for bad in [
            "",
            ".",
            "..",
            "-x",
            "a/b",
            "a b",
            "é",
            "x:y",
            &"a".repeat(65),
        ] {
            assert!(check_name("name", bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn trust_domains() {
        check_trust_domain("prod.example.com").unwrap();
        for bad in ["", "Prod", "a..b", ".a", "a/b", "a b"] {
            assert!(check_trust_domain(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn hosts() {
        assert_eq!(
            parse_host("127.0.0.1").unwrap(),
            Host::Ip("127.0.0.1".parse().unwrap())
        );
        assert_eq!(
            parse_host("[::1]").unwrap(),
            Host::Ip("::1".parse().unwrap())
        );
        assert_eq!(
            parse_host("Node1.Example.").unwrap(),
            Host::Dns("node1.example".into())
        );
        assert_eq!(parse_host("*.svc").unwrap(), Host::Dns("*.svc".into()));
        for bad in [
            "",
            "a..b",
            "-a.b",
            "a b",
            "999.1.1.1",
            "a/b",
            "x.*.y",
            "foo_bar.example",
        ] {
            assert!(parse_host(bad).is_err(), "{bad:?} accepted");
        }
    }
}
