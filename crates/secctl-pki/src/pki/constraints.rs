//! Name constraints on the CA (RFC 5280 4.2.1.10): which DNS names and IP addresses the
//! certificates below it may carry, so that a leaked intermediate cannot sign for any name.
//!
//! `ca init --permit-dns/--permit-ip/--exclude-dns/--exclude-ip` writes them as a critical
//! nameConstraints extension on the root (and the intermediate); `ca rotate` reads them from
//! the current root and writes them again; every issuance checks the certificate's names
//! against the constraints of each CA above it before signing.
//!
//! The check is the one peers make (OpenSSL's `nc_match`, Go's `crypto/x509`):
//!
//! - a name form with permitted subtrees must match one of them; a name matching an excluded
//!   subtree is refused; a name form without any subtree is not constrained (so IP addresses
//!   are free when only DNS subtrees are given, and the other way round);
//! - DNS: `example.com` permits `example.com` and every name below it; `.example.com` permits
//!   only names below it; case is ignored;
//! - IP: the address must lie in the CIDR block (an IPv4 address never matches an IPv6
//!   block);
//! - URI (read from an existing CA, never written by secctl): the URI's host, as DNS above;
//! - a certificate without a DNS SAN has its CN checked as a DNS name when the CN looks like
//!   one (letters, digits, '-' and at least one '.'), as OpenSSL does.
//!
//! Subtrees of other forms (directoryName, email, ...) cannot be checked by secctl: a CA
//! carrying them is refused for issuance rather than trusted blindly.

use std::net::IpAddr;

use serde::{Serialize, Serializer};
use x509_parser::prelude::*;

use crate::error::{Error, Result};
use crate::pki::names::{self, Host};

/// An IP address block `ADDR/PREFIX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    /// The network address (host bits zero).
    pub addr: IpAddr,
    /// The prefix length.
    pub prefix: u8,
}

impl Cidr {
    /// Parse `ADDR/PREFIX`; host bits must be zero (`10.0.0.1/8` is refused with the block
    /// it probably means). A bare address is a block of one (/32 or /128).
    pub fn parse(s: &str) -> Result<Cidr> {
        let bad = |why: String| Error::Usage(format!("invalid IP block {s:?}: {why}"));
        let (a, p) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = a
            .parse()
            .map_err(|_| bad("not an IPv4 or IPv6 address".into()))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            None => max,
            Some(p) => match p.parse::<u8>() {
                Ok(n) if n <= max => n,
                _ => return Err(bad(format!("the prefix length must be 0 to {max}"))),
            },
        };
        let c = Cidr { addr, prefix };
        let net = c.network();
        if net != addr {
            return Err(bad(format!(
                "host bits are set (the block is {net}/{prefix})"
            )));
        }
        Ok(c)
    }

    fn bits(addr: IpAddr) -> (u128, u32) {
        match addr {
            IpAddr::V4(a) => (u128::from(u32::from(a)), 32),
            IpAddr::V6(a) => (u128::from(a), 128),
        }
    }

    fn mask(&self) -> u128 {
        let (_, width) = Self::bits(self.addr);
        let all = if width == 32 {
            u128::from(u32::MAX)
        } else {
            u128::MAX
        };
        if self.prefix == 0 {
            0
        } else {
            all & !(all >> u32::from(self.prefix))
        }
    }

    fn network(&self) -> IpAddr {
        let (v, _) = Self::bits(self.addr);
        let n = v & self.mask();
        match self.addr {
            IpAddr::V4(_) => IpAddr::V4(std::net::Ipv4Addr::from(n as u32)),
            IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::from(n)),
        }
    }

    /// Whether `ip` lies in this block (never across address families).
    pub fn contains(&self, ip: IpAddr) -> bool {
        if ip.is_ipv4() != self.addr.is_ipv4() {
            return false;
        }
        let (v, _) = Self::bits(ip);
        let (n, _) = Self::bits(self.addr);
        v & self.mask() == n & self.mask()
    }

    /// From a nameConstraints iPAddress (address then mask, 8 or 32 bytes). A mask that is
    /// not a prefix is refused.
    fn from_der(b: &[u8]) -> Option<Cidr> {
        let (addr, mask): (IpAddr, u128) = match b.len() {
            8 => (
                IpAddr::V4(std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3])),
                u128::from(u32::from_be_bytes([b[4], b[5], b[6], b[7]])),
            ),
            32 => {
                let a: [u8; 16] = b[..16].try_into().ok()?;
                let m: [u8; 16] = b[16..].try_into().ok()?;
                (IpAddr::from(a), u128::from_be_bytes(m))
            }
            _ => return None,
        };
        let width = if addr.is_ipv4() { 32 } else { 128 };
        let ones = mask.count_ones();
        let c = Cidr {
            addr,
            prefix: u8::try_from(ones).ok()?,
        };
        // Contiguous: the mask equals the one its number of ones makes.
        let shifted = if width == 32 { mask << 96 } else { mask };
        if shifted.leading_ones() != ones {
            return None;
        }
        Some(Cidr {
            addr: c.network(),
            ..c
        })
    }

    fn to_rcgen(self) -> rcgen::CidrSubnet {
        rcgen::CidrSubnet::from_addr_prefix(self.addr, self.prefix)
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl Serialize for Cidr {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The name constraints of one CA certificate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NameConstraints {
    /// DNS subtrees every DNS name must be in (none: DNS names are not constrained).
    pub permitted_dns: Vec<String>,
    /// IP blocks every IP address must be in (none: IP addresses are not constrained).
    pub permitted_ip: Vec<Cidr>,
    /// URI host subtrees (only from a CA secctl did not make).
    pub permitted_uri: Vec<String>,
    /// DNS subtrees no DNS name may be in.
    pub excluded_dns: Vec<String>,
    /// IP blocks no IP address may be in.
    pub excluded_ip: Vec<Cidr>,
    /// URI host subtrees no URI may be in (only from a CA secctl did not make).
    pub excluded_uri: Vec<String>,
    /// Subtrees of forms secctl cannot check (directoryName, email, ...), described.
    pub other: Vec<String>,
}

/// A DNS subtree given on the command line: a DNS name, optionally with a leading '.'
/// (only names below it), lowercase, no wildcard.
fn parse_dns_base(s: &str) -> Result<String> {
    let body = s.strip_prefix('.').unwrap_or(s);
    let bad = |why: &str| Error::Usage(format!("invalid DNS name constraint {s:?}: {why}"));
    if body.contains('*') {
        return Err(bad(
            "a constraint has no wildcard (\".example.com\" permits every name below example.com)",
        ));
    }
    match names::parse_host(body) {
        Ok(Host::Dns(d)) => Ok(if s.starts_with('.') {
            format!(".{d}")
        } else {
            d
        }),
        Ok(Host::Ip(_)) => Err(bad(
            "an IP address: use --permit-ip/--exclude-ip ADDR/PREFIX",
        )),
        Err(e) => Err(bad(&e.to_string())),
    }
}

/// Whether the DNS name `name` is within the subtree `base` (OpenSSL's `nc_dns`).
pub fn dns_within(name: &str, base: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    let base = base.to_ascii_lowercase();
    if base.is_empty() {
        return true;
    }
    if name.len() < base.len() {
        return false;
    }
    let (n, b) = (name.as_bytes(), base.as_bytes());
    if n[n.len() - b.len()..] != *b {
        return false;
    }
    n.len() == b.len() || b[0] == b'.' || n[n.len() - b.len() - 1] == b'.'
}

/// Whether a wildcard DNS name (`*.prod.example`) covers a name in the subtree `base` that
/// a literal comparison misses: `base` is one label more than the wildcard's suffix
/// (`bad.prod.example`), so the certificate would be accepted for a name the subtree
/// excludes (OpenSSL compares the `*` label literally, then matches the wildcard against
/// the host). A name without a leading `*.` covers nothing more than itself.
pub fn wildcard_covers(name: &str, base: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    let base = base.to_ascii_lowercase();
    let Some(suffix) = name.strip_prefix('*') else {
        return false;
    };
    if !suffix.starts_with('.') || base.starts_with('.') {
        return false;
    }
    base.strip_suffix(suffix)
        .is_some_and(|label| !label.is_empty() && !label.contains(['.', '*']))
}

/// Whether `name` (a DNS SAN, possibly a wildcard) is or could be a name in `base`.
pub fn dns_may_be_within(name: &str, base: &str) -> bool {
    dns_within(name, base) || wildcard_covers(name, base)
}

/// The addresses an IP SAN stands for: itself, and for an IPv4-mapped IPv6 address
/// (`::ffff:10.9.1.1`) the IPv4 address it carries, which is what a dual-stack peer
/// connects to.
pub fn ip_forms(ip: IpAddr) -> Vec<IpAddr> {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => vec![ip, IpAddr::V4(v4)],
            None => vec![ip],
        },
        IpAddr::V4(_) => vec![ip],
    }
}

/// Whether the host of URI `uri` is within `base` (OpenSSL's `nc_uri`): a leading '.'
/// means a name below it, else the same host. A URI without a host matches nothing.
fn uri_within(uri: &str, base: &str) -> bool {
    let Some((_, rest)) = uri.split_once("://") else {
        return false;
    };
    let host = rest.split(['/', ':', '?', '#']).next().unwrap_or("");
    if host.is_empty() {
        return false;
    }
    let (host, base) = (host.to_ascii_lowercase(), base.to_ascii_lowercase());
    if base.starts_with('.') {
        host.len() > base.len() && host.ends_with(&base)
    } else {
        host == base
    }
}

/// The CN as OpenSSL checks it against DNS constraints when a certificate has no DNS SAN:
/// only when it looks like a host name with at least one '.'.
fn cn_as_dns(cn: &str) -> Option<&str> {
    let cn = cn.strip_suffix('.').unwrap_or(cn);
    let ok = !cn.is_empty()
        && cn.contains('.')
        && cn
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && cn
            .split('.')
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'));
    ok.then_some(cn)
}

impl NameConstraints {
    /// From `ca init`'s flags; every value checked.
    pub fn from_flags(
        permit_dns: &[String],
        permit_ip: &[String],
        exclude_dns: &[String],
        exclude_ip: &[String],
    ) -> Result<NameConstraints> {
        let dns = |v: &[String]| {
            v.iter()
                .map(|s| parse_dns_base(s))
                .collect::<Result<Vec<_>>>()
        };
        let ip = |v: &[String]| v.iter().map(|s| Cidr::parse(s)).collect::<Result<Vec<_>>>();
        let mut nc = NameConstraints {
            permitted_dns: dns(permit_dns)?,
            permitted_ip: ip(permit_ip)?,
            excluded_dns: dns(exclude_dns)?,
            excluded_ip: ip(exclude_ip)?,
            ..Default::default()
        };
        for v in [&mut nc.permitted_dns, &mut nc.excluded_dns] {
            v.dedup();
        }
        nc.permitted_ip.dedup();
        nc.excluded_ip.dedup();
        Ok(nc)
    }

    /// Whether there is no constraint at all.
    pub fn is_empty(&self) -> bool {
        *self == NameConstraints::default()
    }

    /// The extension as rcgen writes it (critical).
    pub fn to_rcgen(&self) -> rcgen::NameConstraints {
        use rcgen::GeneralSubtree as G;
        let tree = |dns: &[String], ip: &[Cidr]| -> Vec<G> {
            dns.iter()
                .map(|d| G::DnsName(d.clone()))
                .chain(ip.iter().map(|c| G::IpAddress(c.to_rcgen())))
                .collect()
        };
        rcgen::NameConstraints {
            permitted_subtrees: tree(&self.permitted_dns, &self.permitted_ip),
            excluded_subtrees: tree(&self.excluded_dns, &self.excluded_ip),
        }
    }

    /// The constraints of a certificate (DER); None when it has no nameConstraints.
    /// `input` names the certificate in errors.
    pub fn of_cert(input: &str, der: &[u8]) -> Result<Option<NameConstraints>> {
        let (_, cert) = X509Certificate::from_der(der)
            .map_err(|e| Error::input(input, format!("not a valid X.509 certificate ({e})")))?;
        let ext = cert
            .name_constraints()
            .map_err(|e| Error::input(input, format!("malformed nameConstraints ({e})")))?;
        let Some(ext) = ext else { return Ok(None) };
        let mut nc = NameConstraints::default();
        let mut take = |subtrees: &Option<Vec<GeneralSubtree<'_>>>, permitted: bool| {
            for s in subtrees.iter().flatten() {
                let side = if permitted { "permitted" } else { "excluded" };
                match &s.base {
                    GeneralName::DNSName(d) => {
                        let v = if permitted {
                            &mut nc.permitted_dns
                        } else {
                            &mut nc.excluded_dns
                        };
                        v.push(d.to_string());
                    }
                    GeneralName::IPAddress(b) => match Cidr::from_der(b) {
                        Some(c) if permitted => nc.permitted_ip.push(c),
                        Some(c) => nc.excluded_ip.push(c),
                        None => nc.other.push(format!(
                            "{side} iPAddress {} (not a CIDR block)",
                            hex::encode(b)
                        )),
                    },
                    GeneralName::URI(u) => {
                        let v = if permitted {
                            &mut nc.permitted_uri
                        } else {
                            &mut nc.excluded_uri
                        };
                        v.push(u.to_string());
                    }
                    GeneralName::DirectoryName(n) => {
                        nc.other.push(format!("{side} directoryName {n}"))
                    }
                    GeneralName::RFC822Name(m) => nc.other.push(format!("{side} email {m:?}")),
                    other => nc.other.push(format!("{side} {other:?}")),
                }
            }
        };
        take(&ext.value.permitted_subtrees, true);
        take(&ext.value.excluded_subtrees, false);
        Ok(Some(nc))
    }

    /// A one-line description, for messages: `permitted DNS .prod.example, IP 10.0.0.0/8;
    /// excluded DNS bad.prod.example`.
    pub fn describe(&self) -> String {
        let side = |dns: &[String], ip: &[Cidr], uri: &[String]| {
            let mut parts = vec![];
            if !dns.is_empty() {
                parts.push(format!("DNS {}", dns.join(", ")));
            }
            if !ip.is_empty() {
                let v: Vec<String> = ip.iter().map(ToString::to_string).collect();
                parts.push(format!("IP {}", v.join(", ")));
            }
            if !uri.is_empty() {
                parts.push(format!("URI {}", uri.join(", ")));
            }
            parts.join(", ")
        };
        let mut out = vec![];
        let p = side(&self.permitted_dns, &self.permitted_ip, &self.permitted_uri);
        if !p.is_empty() {
            out.push(format!("permitted {p}"));
        }
        let e = side(&self.excluded_dns, &self.excluded_ip, &self.excluded_uri);
        if !e.is_empty() {
            out.push(format!("excluded {e}"));
        }
        if !self.other.is_empty() {
            out.push(self.other.join(", "));
        }
        out.join("; ")
    }

    /// Check the names a certificate would carry: its `hosts` (DNS and IP SANs), its CN
    /// (checked as a DNS name when it has no DNS SAN and looks like one) and its URI SANs.
    /// `Err` names the first name outside, and the constraint.
    pub fn check(
        &self,
        hosts: &[Host],
        cn: &str,
        uris: &[&str],
    ) -> std::result::Result<(), String> {
        if !self.other.is_empty() {
            return Err(format!(
                "the CA has name constraints secctl cannot check ({})",
                self.other.join(", ")
            ));
        }
        let dns_ok = |d: &str| -> std::result::Result<(), String> {
            if let Some(b) = self.excluded_dns.iter().find(|b| dns_within(d, b)) {
                return Err(format!("DNS name {d:?} is in the excluded subtree {b:?}"));
            }
            if let Some(b) = self.excluded_dns.iter().find(|b| wildcard_covers(d, b)) {
                return Err(format!(
                    "DNS name {d:?} covers {b:?}, which is excluded (a wildcard matches every name one label below it)"
                ));
            }
            if !self.permitted_dns.is_empty()
                && !self.permitted_dns.iter().any(|b| dns_within(d, b))
            {
                return Err(format!(
                    "DNS name {d:?} is outside the permitted DNS subtrees ({})",
                    self.permitted_dns.join(", ")
                ));
            }
            Ok(())
        };
        let mut has_dns = false;
        for h in hosts {
            match h {
                Host::Dns(d) => {
                    has_dns = true;
                    dns_ok(d)?;
                }
                Host::Ip(ip) => {
                    let forms = ip_forms(*ip);
                    if let Some((b, f)) = self
                        .excluded_ip
                        .iter()
                        .find_map(|b| forms.iter().find(|f| b.contains(**f)).map(|f| (b, f)))
                    {
                        return Err(if f == ip {
                            format!("IP address {ip} is in the excluded block {b}")
                        } else {
                            format!("IP address {ip} (the IPv4 address {f}) is in the excluded block {b}")
                        });
                    }
                    if !self.permitted_ip.is_empty()
                        && !self
                            .permitted_ip
                            .iter()
                            .any(|b| forms.iter().any(|f| b.contains(*f)))
                    {
                        let v: Vec<String> =
                            self.permitted_ip.iter().map(ToString::to_string).collect();
                        return Err(format!(
                            "IP address {ip} is outside the permitted IP blocks ({})",
                            v.join(", ")
                        ));
                    }
                }
            }
        }
        if !has_dns {
            if let Some(d) = cn_as_dns(cn) {
                dns_ok(d).map_err(|e| {
                    format!("{e} (a certificate without a DNS name has its CN checked as one, as OpenSSL does)")
                })?;
            }
        }
        for u in uris {
            if let Some(b) = self.excluded_uri.iter().find(|b| uri_within(u, b)) {
                return Err(format!("URI {u:?} is in the excluded URI subtree {b:?}"));
            }
            if !self.permitted_uri.is_empty()
                && !self.permitted_uri.iter().any(|b| uri_within(u, b))
            {
                return Err(format!(
                    "URI {u:?} is outside the permitted URI subtrees ({})",
                    self.permitted_uri.join(", ")
                ));
            }
        }
        Ok(())
    }
}

/// The constraints of every CA certificate above the leaves (root, then intermediate),
/// each with the certificate's file name; CAs without constraints are left out.
#[derive(Debug, Clone, Default)]
pub struct Chain(pub Vec<(String, NameConstraints)>);

impl Chain {
    /// Read the constraints of the CA certificates `ders` (named by `names`).
    pub fn of(certs: &[(String, Vec<u8>)]) -> Result<Chain> {
        let mut v = vec![];
        for (name, der) in certs {
            if let Some(nc) = NameConstraints::of_cert(name, der)? {
                v.push((name.clone(), nc));
            }
        }
        Ok(Chain(v))
    }

    /// Refuse names outside the constraints of any CA of the chain (exit 2, naming the
    /// name, the constraint and the CA certificate).
    pub fn check(&self, what: &str, hosts: &[Host], cn: &str, uris: &[&str]) -> Result<()> {
        for (ca, nc) in &self.0 {
            nc.check(hosts, cn, uris).map_err(|e| {
                Error::Usage(format!(
                    "{what}: {e}: the name constraints of {ca} forbid it; refusing to issue"
                ))
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_matching_is_openssls() {
        assert!(dns_within("prod.example", "prod.example"));
        assert!(dns_within("a.prod.example", "prod.example"));
        assert!(dns_within("A.Prod.Example.", "prod.example"));
        assert!(!dns_within("aprod.example", "prod.example"));
        assert!(!dns_within("prod.example", ".prod.example"));
        assert!(dns_within("a.prod.example", ".prod.example"));
        assert!(dns_within("*.prod.example", ".prod.example"));
        assert!(wildcard_covers("*.prod.example", "bad.prod.example"));
        assert!(!wildcard_covers("*.prod.example", "x.bad.prod.example"));
        assert!(!wildcard_covers("*.prod.example", ".bad.prod.example"));
        assert!(!wildcard_covers("web.prod.example", "bad.prod.example"));
        assert!(!wildcard_covers("*.prod.example", "prod.example"));
        assert!(!dns_within("example", "prod.example"));
        assert!(dns_within("anything", ""));
    }

    #[test]
    fn cidr() {
        let c = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(c.contains("10.1.2.3".parse().unwrap()));
        assert!(!c.contains("11.0.0.1".parse().unwrap()));
        assert!(!c.contains("::ffff:10.0.0.1".parse().unwrap()));
        assert!(Cidr::parse("10.0.0.1/8")
            .unwrap_err()
            .to_string()
            .contains("10.0.0.0/8"));
        assert!(Cidr::parse("10.0.0.0/33").is_err());
        assert!(Cidr::parse("x/8").is_err());
        let v6 = Cidr::parse("fd00::/8").unwrap();
        assert!(v6.contains("fd12::1".parse().unwrap()));
        assert_eq!(Cidr::parse("0.0.0.0/0").unwrap().mask(), 0);
        assert_eq!(Cidr::parse("1.2.3.4").unwrap().prefix, 32);
        // DER round trip through rcgen's encoding.
        for s in ["10.0.0.0/8", "192.168.1.0/24", "fd00::/8", "1.2.3.4/32"] {
            let c = Cidr::parse(s).unwrap();
            let b = match c.to_rcgen() {
                rcgen::CidrSubnet::V4(a, m) => [a.as_slice(), m.as_slice()].concat(),
                rcgen::CidrSubnet::V6(a, m) => [a.as_slice(), m.as_slice()].concat(),
            };
            assert_eq!(Cidr::from_der(&b), Some(c), "{s}");
        }
        assert_eq!(Cidr::from_der(&[10, 0, 0, 0, 255, 0, 255, 0]), None);
    }

    #[test]
    fn check_names() {
        let nc = NameConstraints::from_flags(
            &[".prod.example".into()],
            &["10.0.0.0/8".into()],
            &["bad.prod.example".into()],
            &["10.9.0.0/16".into()],
        )
        .unwrap();
        let h = |s: &str| names::parse_host(s).unwrap();
        nc.check(&[h("a.prod.example"), h("10.1.1.1")], "a", &[])
            .unwrap();
        for (hosts, cn, why) in [
            (vec![h("evil.example")], "n", "\"evil.example\" is outside"),
            (vec![h("prod.example")], "n", "\"prod.example\" is outside"),
            (
                vec![h("x.bad.prod.example")],
                "n",
                "excluded subtree \"bad.prod.example\"",
            ),
            (
                vec![h("a.prod.example"), h("192.168.0.1")],
                "n",
                "192.168.0.1 is outside",
            ),
            (vec![h("a.prod.example"), h("10.9.1.1")], "n", "10.9.0.0/16"),
            (vec![h("::1")], "n", "::1 is outside"),
            (vec![], "ci.evil.example", "CN checked"),
        ] {
            let e = nc.check(&hosts, cn, &[]).unwrap_err();
            assert!(e.contains(why), "{e}");
        }
        // A client named without a dot: its CN is no DNS name.
        nc.check(&[], "rails", &["spiffe://td/r/rails"]).unwrap();
        // DNS only: IP addresses are not constrained.
        let dns_only =
            NameConstraints::from_flags(&["prod.example".into()], &[], &[], &[]).unwrap();
        dns_only
            .check(&[h("prod.example"), h("8.8.8.8")], "n", &[])
            .unwrap();
        assert!(NameConstraints::from_flags(&["*.x".into()], &[], &[], &[]).is_err());
        assert!(NameConstraints::from_flags(&["10.0.0.1".into()], &[], &[], &[]).is_err());
    }

    #[test]
    fn written_constraints_read_back() {
        let nc = NameConstraints::from_flags(
            &[".prod.example".into(), "prod.example".into()],
            &["10.0.0.0/8".into(), "fd00::/8".into()],
            &["bad.prod.example".into()],
            &[],
        )
        .unwrap();
        let mut p = rcgen::CertificateParams::default();
        p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        p.name_constraints = Some(nc.to_rcgen());
        let key = rcgen::KeyPair::generate().unwrap();
        let der = p.self_signed(&key).unwrap().der().to_vec();
        assert_eq!(
            NameConstraints::of_cert("t", &der).unwrap(),
            Some(nc.clone())
        );
        let (_, c) = X509Certificate::from_der(&der).unwrap();
        assert!(c.name_constraints().unwrap().unwrap().critical);
        assert!(nc
            .describe()
            .contains("permitted DNS .prod.example, prod.example, IP 10.0.0.0/8"));
    }

    #[test]
    fn uris() {
        assert!(uri_within("spiffe://prod.example/r/n", "prod.example"));
        assert!(!uri_within("spiffe://prod.example/r/n", ".prod.example"));
        assert!(uri_within("spiffe://a.prod.example/r/n", ".prod.example"));
        assert!(!uri_within("urn:x", "prod.example"));
    }
}
