//! The RFC 5280 profile checks that rustls-webpki does not make: trust anchors checked like
//! every other CA, extension criticality, AKI/SKI presence, key usage, path length with
//! self-issued certificates, name constraints of every form secctl meets (DNS, IP, URI,
//! directoryName), and the extensions of CRLs.
//!
//! Everything here is pure: certificates in, [`Finding`]s out. Signatures are verified by
//! x509-parser (ring) when a path is built by name; no cryptography is implemented here.

use std::net::IpAddr;

use ::time::OffsetDateTime;
use serde::Serialize;
use x509_parser::extensions::{GeneralName, GeneralSubtree, ParsedExtension};
use x509_parser::prelude::*;

/// One refusal: which certificate (depth in the path, 0 = the leaf, and subject), which rule,
/// and what was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Depth in the path (0 = the leaf); for a CRL, the depth of the certificate it covers.
    pub depth: usize,
    /// Subject of the certificate (or issuer of the CRL).
    pub subject: String,
    /// The rule, e.g. "RFC 5280 4.2.1.9".
    pub rule: &'static str,
    /// What was found.
    pub detail: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let subject = if self.subject.is_empty() {
            "empty subject"
        } else {
            &self.subject
        };
        write!(
            f,
            "depth {} ({}): {} [{}]",
            self.depth, subject, self.detail, self.rule
        )
    }
}

/// The place of a certificate in a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// The end-entity certificate (depth 0).
    Leaf,
    /// A CA between the leaf and the trust anchor.
    Intermediate,
    /// The trust anchor (from the bundle).
    Anchor,
}

/// The TLS purpose asked for, when any (EKU of intermediates is checked against it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// serverAuth.
    Server,
    /// clientAuth.
    Client,
}

/// Extensions whose meaning secctl (or webpki) processes; any other critical one is refused.
const KNOWN_CRITICAL: &[&str] = &[
    "2.5.29.19", // basicConstraints
    "2.5.29.15", // keyUsage
    "2.5.29.37", // extKeyUsage
    "2.5.29.17", // subjectAltName
    "2.5.29.30", // nameConstraints
    "2.5.29.35", // authorityKeyIdentifier (criticality refused by its own rule)
    "2.5.29.14", // subjectKeyIdentifier (idem)
];

/// CRL extensions secctl processes: CRL number, AKI, issuing distribution point, delta CRL
/// indicator (refused by its own rule).
const KNOWN_CRL_CRITICAL: &[&str] = &["2.5.29.20", "2.5.29.35", "2.5.29.28"];

/// Largest certificate accepted (the DER length limit of rustls-webpki).
pub const MAX_CERT_LEN: usize = 0xffff;

/// Subject as RFC 4514 text.
pub fn subject_of(c: &X509Certificate<'_>) -> String {
    c.subject().to_string()
}

/// Whether subject and issuer are the same name (RFC 5280 6.1: self-issued).
pub fn is_self_issued(c: &X509Certificate<'_>) -> bool {
    c.subject().as_raw() == c.issuer().as_raw()
}

/// Whether the certificate is self-issued and its signature verifies with its own key.
pub fn is_self_signed(c: &X509Certificate<'_>) -> bool {
    is_self_issued(c) && c.verify_signature(None).is_ok()
}

struct Sink<'a> {
    depth: usize,
    subject: String,
    out: &'a mut Vec<Finding>,
}

impl Sink<'_> {
    fn push(&mut self, rule: &'static str, detail: impl Into<String>) {
        self.out.push(Finding {
            depth: self.depth,
            subject: self.subject.clone(),
            rule,
            detail: detail.into(),
        });
    }
}

fn fmt_time(t: OffsetDateTime) -> String {
    crate::ground::timefmt::fmt_time(t)
}

fn same_alg(a: &AlgorithmIdentifier<'_>, b: &AlgorithmIdentifier<'_>) -> bool {
    a.algorithm == b.algorithm
        && a.parameters.as_ref().map(|p| (p.tag(), p.data))
            == b.parameters.as_ref().map(|p| (p.tag(), p.data))
}

/// The checks of one certificate by itself, at time `at` (CAs only: the leaf's validity is
/// its own row of the report): its form, its extensions, its CA status, its name
/// constraints, its purpose and key, and a CA's validity.
pub fn check_cert(
    c: &X509Certificate<'_>,
    depth: usize,
    pos: Position,
    at: OffsetDateTime,
    purpose: Option<Purpose>,
    out: &mut Vec<Finding>,
) {
    let mut s = Sink {
        depth,
        subject: subject_of(c),
        out,
    };
    check_form(c, &mut s);
    check_extensions(c, pos, &mut s);
    check_ca_status(c, pos, &mut s);
    check_name_constraints(c, pos, &mut s);
    check_purpose_and_key(c, pos, purpose, &mut s);
    check_ca_validity(c, pos, at, &mut s);
}

/// Size, version, and the signature algorithm inside and outside the signed part.
fn check_form(c: &X509Certificate<'_>, s: &mut Sink<'_>) {
    if c.as_raw().len() > MAX_CERT_LEN {
        s.push(
            "secctl limit",
            format!(
                "certificate of {} bytes (over the 64 KiB limit webpki and secctl accept)",
                c.as_raw().len()
            ),
        );
    }
    if c.version() != X509Version::V3 {
        s.push(
            "RFC 5280 4.1.2.1",
            format!(
                "version {} certificate: secctl accepts only v3 (usage, names and CA status are extensions)",
                c.version().0 + 1
            ),
        );
    }
    if !same_alg(&c.signature_algorithm, &c.tbs_certificate.signature) {
        s.push(
            "RFC 5280 4.1.1.2",
            format!(
                "signature algorithm {} differs from the one inside the signed part ({})",
                c.signature_algorithm.algorithm, c.tbs_certificate.signature.algorithm
            ),
        );
    }
}

/// Extensions: parse errors, duplicates, unknown critical ones, AKI/SKI.
fn check_extensions(c: &X509Certificate<'_>, pos: Position, s: &mut Sink<'_>) {
    let is_ca_pos = pos != Position::Leaf;
    let mut seen = std::collections::HashSet::new();
    let mut aki = None;
    let mut ski = None;
    for e in c.extensions() {
        let oid = e.oid.to_id_string();
        if !seen.insert(oid.clone()) {
            s.push(
                "RFC 5280 4.2",
                format!("extension {oid} appears more than once"),
            );
        }
        if let ParsedExtension::ParseError { error } = e.parsed_extension() {
            s.push(
                "RFC 5280 4.2",
                format!("extension {oid} is malformed ({error})"),
            );
        }
        if e.critical && !KNOWN_CRITICAL.contains(&oid.as_str()) {
            s.push(
                "RFC 5280 4.2",
                format!("unsupported critical extension {oid}"),
            );
        }
        match e.parsed_extension() {
            ParsedExtension::AuthorityKeyIdentifier(a) => aki = Some((e.critical, a)),
            ParsedExtension::SubjectKeyIdentifier(k) => ski = Some((e.critical, k)),
            _ => {}
        }
    }
    match aki {
        Some((true, _)) => s.push(
            "RFC 5280 4.2.1.1",
            "authorityKeyIdentifier is marked critical (it MUST NOT be)",
        ),
        Some((false, a)) if a.key_identifier.is_none() && pos != Position::Anchor => s.push(
            "RFC 5280 4.2.1.1",
            "authorityKeyIdentifier has no keyIdentifier",
        ),
        None if pos != Position::Anchor && !is_self_signed(c) => s.push(
            "RFC 5280 4.2.1.1",
            "no authorityKeyIdentifier (required in every certificate but a self-signed root)",
        ),
        _ => {}
    }
    match ski {
        Some((true, _)) => s.push(
            "RFC 5280 4.2.1.2",
            "subjectKeyIdentifier is marked critical (it MUST NOT be)",
        ),
        None if is_ca_pos => s.push(
            "RFC 5280 4.2.1.2",
            "CA certificate without subjectKeyIdentifier",
        ),
        _ => {}
    }
}

/// basicConstraints, keyUsage and the subject of a CA (and a CA used as the leaf).
fn check_ca_status(c: &X509Certificate<'_>, pos: Position, s: &mut Sink<'_>) {
    let is_ca_pos = pos != Position::Leaf;
    // basicConstraints.
    let bc = c.basic_constraints().ok().flatten();
    let bc_ca = bc.as_ref().is_some_and(|b| b.value.ca);
    if is_ca_pos {
        match bc {
            None => s.push(
                "RFC 5280 4.2.1.9",
                "not a CA: no basicConstraints extension",
            ),
            Some(b) if !b.value.ca => {
                s.push("RFC 5280 4.2.1.9", "not a CA: basicConstraints CA:FALSE")
            }
            Some(b) if !b.critical => s.push(
                "RFC 5280 4.2.1.9",
                "basicConstraints of a CA is not marked critical",
            ),
            _ => {}
        }
    } else if bc_ca {
        s.push(
            "RFC 5280 4.2.1.9",
            "a CA certificate (basicConstraints CA:TRUE) used as the leaf",
        );
    }
    // keyUsage.
    let ku = c.key_usage().ok().flatten();
    if is_ca_pos {
        match ku {
            None => s.push(
                "RFC 5280 4.2.1.3",
                "CA certificate without keyUsage (keyCertSign required)",
            ),
            Some(k) if !k.value.key_cert_sign() => s.push(
                "RFC 5280 4.2.1.3",
                "CA certificate whose keyUsage lacks keyCertSign",
            ),
            _ => {}
        }
    } else if ku.is_some_and(|k| k.value.key_cert_sign()) && !bc_ca {
        s.push(
            "RFC 5280 4.2.1.3",
            "keyUsage keyCertSign in a certificate that is not a CA",
        );
    }
    // Subject.
    if is_ca_pos && c.subject().iter().next().is_none() {
        s.push("RFC 5280 4.1.2.6", "CA certificate with an empty subject");
    }
}

/// Name constraints: only in CAs, critical, well formed.
fn check_name_constraints(c: &X509Certificate<'_>, pos: Position, s: &mut Sink<'_>) {
    let is_ca_pos = pos != Position::Leaf;
    if let Ok(Some(nc)) = c.name_constraints() {
        if !is_ca_pos {
            s.push(
                "RFC 5280 4.2.1.10",
                "nameConstraints in a certificate that is not a CA",
            );
        }
        if !nc.critical {
            s.push(
                "RFC 5280 4.2.1.10",
                "nameConstraints is not marked critical",
            );
        }
        let all = nc
            .value
            .permitted_subtrees
            .iter()
            .chain(nc.value.excluded_subtrees.iter())
            .flatten();
        for st in all {
            if let Some(why) = invalid_constraint(st) {
                s.push("RFC 5280 4.2.1.10", why);
            }
        }
    } else if c.name_constraints().is_err() {
        s.push("RFC 5280 4.2.1.10", "nameConstraints is malformed");
    }
}

/// An intermediate's extendedKeyUsage against the purpose, and the RSA key size.
fn check_purpose_and_key(
    c: &X509Certificate<'_>,
    pos: Position,
    purpose: Option<Purpose>,
    s: &mut Sink<'_>,
) {
    // EKU of a CA, when present, must allow the purpose (CA/Browser Forum 7.1.2.2).
    if pos == Position::Intermediate {
        if let (Some(p), Ok(Some(eku))) = (purpose, c.extended_key_usage()) {
            let e = eku.value;
            let ok = e.any
                || match p {
                    Purpose::Server => e.server_auth,
                    Purpose::Client => e.client_auth,
                };
            if !ok {
                s.push(
                    "CA/B Forum BR 7.1.2.2",
                    format!(
                        "intermediate's extendedKeyUsage does not allow {}",
                        match p {
                            Purpose::Server => "serverAuth",
                            Purpose::Client => "clientAuth",
                        }
                    ),
                );
            }
        }
    }
    // RSA keys of at least 2048 bits (CA/Browser Forum 6.1.5).
    if let Ok(x509_parser::public_key::PublicKey::RSA(k)) = c.public_key().parsed() {
        if k.key_size() < 2048 {
            s.push(
                "CA/B Forum BR 6.1.5",
                format!("RSA key of {} bits (at least 2048 required)", k.key_size()),
            );
        }
    }
}

/// Validity of every CA, trust anchors included (RFC 5280 6.1.3 (a)(2)).
fn check_ca_validity(c: &X509Certificate<'_>, pos: Position, at: OffsetDateTime, s: &mut Sink<'_>) {
    let is_ca_pos = pos != Position::Leaf;
    if is_ca_pos {
        let nb = c.validity().not_before.to_datetime();
        let na = c.validity().not_after.to_datetime();
        if at < nb {
            s.push(
                "RFC 5280 6.1.3",
                format!("CA certificate not valid before {}", fmt_time(nb)),
            );
        } else if at > na {
            s.push(
                "RFC 5280 6.1.3",
                format!(
                    "{} expired at {}",
                    if pos == Position::Anchor {
                        "trust anchor"
                    } else {
                        "CA certificate"
                    },
                    fmt_time(na)
                ),
            );
        }
    }
}

fn invalid_constraint(st: &GeneralSubtree<'_>) -> Option<String> {
    match &st.base {
        GeneralName::DNSName(d) => {
            if d.starts_with('.') || d.ends_with('.') || d.contains("..") || d.contains('*') {
                Some(format!(
                    "invalid DNS name constraint {d:?} (a dNSName constraint has no leading period)"
                ))
            } else {
                None
            }
        }
        GeneralName::IPAddress(b) if b.len() != 8 && b.len() != 32 => Some(format!(
            "invalid IP address constraint ({} bytes, expected address and mask: 8 or 32)",
            b.len()
        )),
        GeneralName::URI("") => Some("empty URI constraint".into()),
        GeneralName::Invalid(_, _) => Some("malformed name constraint".into()),
        _ => None,
    }
}

/// The names of a certificate that name constraints apply to.
struct Names<'a> {
    dns: Vec<&'a str>,
    ips: Vec<&'a [u8]>,
    uris: Vec<&'a str>,
    emails: Vec<&'a str>,
}

fn names_of<'a>(c: &'a X509Certificate<'a>) -> Names<'a> {
    let mut n = Names {
        dns: vec![],
        ips: vec![],
        uris: vec![],
        emails: vec![],
    };
    if let Ok(Some(san)) = c.subject_alternative_name() {
        for g in &san.value.general_names {
            match g {
                GeneralName::DNSName(d) => n.dns.push(d),
                GeneralName::IPAddress(i) => n.ips.push(i),
                GeneralName::URI(u) => n.uris.push(u),
                GeneralName::RFC822Name(e) => n.emails.push(e),
                _ => {}
            }
        }
    }
    n
}

fn dns_matches(name: &str, base: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let base = base.to_ascii_lowercase();
    if base.is_empty() {
        return true;
    }
    name == base || name.ends_with(&format!(".{base}"))
}

fn ip_matches(name: &[u8], base: &[u8]) -> bool {
    if base.len() != name.len() * 2 {
        return false;
    }
    let (addr, mask) = base.split_at(name.len());
    name.iter()
        .zip(addr)
        .zip(mask)
        .all(|((n, a), m)| n & m == a & m)
}

/// Host of a URI (RFC 3986 authority without userinfo and port), lowercased.
fn uri_host(uri: &str) -> Option<String> {
    let rest = uri.split_once("://")?.1;
    let auth = rest.split(['/', '?', '#']).next()?;
    let auth = auth.rsplit_once('@').map_or(auth, |(_, h)| h);
    let host = if let Some(v6) = auth.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        auth.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

fn uri_matches(uri: &str, base: &str) -> bool {
    let Some(host) = uri_host(uri) else {
        return false;
    };
    let base = base.to_ascii_lowercase();
    match base.strip_prefix('.') {
        Some(b) => host.ends_with(&format!(".{b}")),
        None => host == base,
    }
}

fn email_matches(email: &str, base: &str) -> bool {
    let email = email.to_ascii_lowercase();
    let base = base.to_ascii_lowercase();
    if base.contains('@') {
        return email == base;
    }
    let host = email.rsplit_once('@').map_or("", |(_, h)| h);
    match base.strip_prefix('.') {
        Some(b) => host.ends_with(&format!(".{b}")),
        None => host == base,
    }
}

/// Whether `subject` lies below the directoryName `base`: its first RDNs are base's RDNs.
fn dn_within(subject: &X509Name<'_>, base: &X509Name<'_>) -> bool {
    let s: Vec<_> = subject.iter().collect();
    let b: Vec<_> = base.iter().collect();
    if b.len() > s.len() {
        return false;
    }
    b.iter().zip(s.iter()).all(|(br, sr)| {
        let bv: Vec<_> = br.iter().collect();
        let sv: Vec<_> = sr.iter().collect();
        bv.len() == sv.len()
            && bv.iter().all(|ba| {
                sv.iter().any(|sa| {
                    ba.attr_type() == sa.attr_type()
                        && match (ba.as_str(), sa.as_str()) {
                            (Ok(x), Ok(y)) => x.trim().eq_ignore_ascii_case(y.trim()),
                            _ => ba.attr_value().data == sa.attr_value().data,
                        }
                })
            })
    })
}

/// Check the names of `c` against the name constraints of a CA.
fn check_names(
    c: &X509Certificate<'_>,
    nc: &x509_parser::extensions::NameConstraints<'_>,
    ca_subject: &str,
    s: &mut Sink<'_>,
) {
    let names = names_of(c);
    let subject = c.subject();
    let has_subject = subject.iter().next().is_some();
    // Email addresses in the subject (emailAddress attribute) count as rfc822 names.
    let subject_emails: Vec<String> = subject
        .iter_email()
        .filter_map(|a| a.as_str().ok().map(str::to_string))
        .collect();
    let permitted = nc.permitted_subtrees.as_deref().unwrap_or(&[]);
    let excluded = nc.excluded_subtrees.as_deref().unwrap_or(&[]);
    let mut violation = |what: String| {
        s.push(
            "RFC 5280 4.2.1.10",
            format!("{what} violates the name constraints of {ca_subject}"),
        )
    };
    // For each name form: a name must match one permitted subtree of its form (when there is
    // any of that form) and none of the excluded.
    macro_rules! form {
        ($names:expr, $pat:path, $matches:expr, $label:literal) => {
            let perm: Vec<_> = permitted
                .iter()
                .filter_map(|t| match &t.base {
                    $pat(b) => Some(b),
                    _ => None,
                })
                .collect();
            let excl: Vec<_> = excluded
                .iter()
                .filter_map(|t| match &t.base {
                    $pat(b) => Some(b),
                    _ => None,
                })
                .collect();
            for n in $names {
                if !perm.is_empty() && !perm.iter().any(|b| $matches(n, b)) {
                    violation(format!("{} {} (not permitted)", $label, show(n)));
                } else if excl.iter().any(|b| $matches(n, b)) {
                    violation(format!("{} {} (excluded)", $label, show(n)));
                }
            }
        };
    }
    form!(
        names.dns.iter().copied(),
        GeneralName::DNSName,
        |n: &str, b: &&&str| dns_matches(n, b),
        "DNS name"
    );
    // A wildcard that could match a name of an excluded subtree is excluded (issuance
    // refuses it the same way: crate::pki::constraints::wildcard_covers).
    for n in names.dns.iter().copied() {
        let hit = excluded.iter().find_map(|t| match &t.base {
            GeneralName::DNSName(b) if crate::pki::constraints::wildcard_covers(n, b) => Some(*b),
            _ => None,
        });
        if let Some(b) = hit {
            violation(format!(
                "DNS name {} (a wildcard that covers the excluded {b:?})",
                show(n)
            ));
        }
    }
    form!(
        names.ips.iter().copied(),
        GeneralName::IPAddress,
        |n: &[u8], b: &&&[u8]| ip_matches(n, b),
        "IP address"
    );
    // An IPv4-mapped IPv6 address is also checked as the IPv4 address it carries.
    for n in names.ips.iter().copied() {
        let Ok(v6) = <[u8; 16]>::try_from(n) else {
            continue;
        };
        let Some(v4) = std::net::Ipv6Addr::from(v6).to_ipv4_mapped() else {
            continue;
        };
        let v4 = v4.octets();
        if excluded
            .iter()
            .any(|t| matches!(&t.base, GeneralName::IPAddress(b) if ip_matches(&v4, b)))
        {
            violation(format!(
                "IP address {} (the IPv4 address {}) (excluded)",
                show(n),
                std::net::Ipv4Addr::from(v4)
            ));
        }
    }
    form!(
        names.uris.iter().copied(),
        GeneralName::URI,
        |n: &str, b: &&&str| uri_matches(n, b),
        "URI"
    );
    form!(
        names
            .emails
            .iter()
            .copied()
            .chain(subject_emails.iter().map(String::as_str)),
        GeneralName::RFC822Name,
        |n: &str, b: &&&str| email_matches(n, b),
        "email address"
    );
    if has_subject {
        let subj = [subject];
        form!(
            subj.iter().copied(),
            GeneralName::DirectoryName,
            |n: &X509Name<'_>, b: &&X509Name<'_>| dn_within(n, b),
            "subject"
        );
    }
    // Forms secctl does not evaluate: refuse rather than ignore (RFC 5280 4.2.1.10 allows
    // either processing or rejecting).
    for t in permitted.iter().chain(excluded) {
        match &t.base {
            GeneralName::DNSName(_)
            | GeneralName::IPAddress(_)
            | GeneralName::URI(_)
            | GeneralName::RFC822Name(_)
            | GeneralName::DirectoryName(_) => {}
            other => s.push(
                "RFC 5280 4.2.1.10",
                format!("name constraint of an unsupported form ({other:?}) in {ca_subject}"),
            ),
        }
    }
}

trait Show {
    fn show(&self) -> String;
}
impl Show for &str {
    fn show(&self) -> String {
        format!("{self:?}")
    }
}
impl Show for &[u8] {
    fn show(&self) -> String {
        match self.len() {
            4 => IpAddr::from(<[u8; 4]>::try_from(*self).unwrap_or_default()).to_string(),
            16 => IpAddr::from(<[u8; 16]>::try_from(*self).unwrap_or_default()).to_string(),
            _ => hex::encode(self),
        }
    }
}
impl Show for &X509Name<'_> {
    fn show(&self) -> String {
        format!("{:?}", self.to_string())
    }
}
fn show<T: Show>(t: T) -> String {
    t.show()
}

/// The checks of a whole path, leaf first and trust anchor last: every certificate by itself,
/// then path length (self-issued intermediates not counted, RFC 5280 6.1.4 (l)) and the name
/// constraints of every CA over the certificates below it (RFC 5280 6.1.3 (b)).
pub fn check_path(
    path: &[X509Certificate<'_>],
    at: OffsetDateTime,
    purpose: Option<Purpose>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let last = path.len().saturating_sub(1);
    for (d, c) in path.iter().enumerate() {
        let pos = if d == 0 {
            Position::Leaf
        } else if d == last {
            Position::Anchor
        } else {
            Position::Intermediate
        };
        check_cert(c, d, pos, at, purpose, &mut out);
    }
    for (i, ca) in path.iter().enumerate().skip(1) {
        let mut s = Sink {
            depth: i,
            subject: subject_of(ca),
            out: &mut out,
        };
        if let Ok(Some(bc)) = ca.basic_constraints() {
            if let Some(max) = bc.value.path_len_constraint {
                // Intermediates below this CA that are not self-issued.
                let below = (1..i).filter(|&j| !is_self_issued(&path[j])).count();
                if below > max as usize {
                    s.push(
                        "RFC 5280 4.2.1.9",
                        format!(
                            "pathLenConstraint {max} exceeded: {below} intermediate(s) below it"
                        ),
                    );
                }
            }
        }
        if let Ok(Some(nc)) = ca.name_constraints() {
            let ca_subject = subject_of(ca);
            for (j, c) in path.iter().enumerate().take(i) {
                if j > 0 && is_self_issued(c) {
                    continue;
                }
                let mut sj = Sink {
                    depth: j,
                    subject: subject_of(c),
                    out: s.out,
                };
                check_names(c, nc.value, &ca_subject, &mut sj);
            }
        }
    }
    out
}

/// A CRL read without its entries (a CRL of 100,000 entries costs no allocation per entry):
/// what the signature covers, the header and the extensions.
pub struct CrlView<'a> {
    /// The signed part (tbsCertList), tag included.
    pub tbs_raw: &'a [u8],
    /// The outer signature algorithm.
    pub signature_algorithm: AlgorithmIdentifier<'a>,
    /// The signature.
    pub signature_value: x509_parser::asn1_rs::BitString<'a>,
    /// The issuer Name, tag included.
    pub issuer_raw: &'a [u8],
    /// thisUpdate.
    pub this_update: OffsetDateTime,
    /// nextUpdate.
    pub next_update: Option<OffsetDateTime>,
    /// crlExtensions.
    pub extensions: Vec<X509Extension<'a>>,
}

impl<'a> CrlView<'a> {
    /// Read a DER CRL; `None` when it is not one (or has trailing data).
    pub fn from_der(der: &'a [u8]) -> Option<CrlView<'a>> {
        use x509_parser::asn1_rs::{Any, BitString, Class, FromDer as _, Tag};
        let (rest, outer) = Any::from_der(der).ok()?;
        if !rest.is_empty() || outer.tag() != Tag::Sequence {
            return None;
        }
        let body = outer.data;
        let (rest, tbs) = Any::from_der(body).ok()?;
        let tbs_raw = &body[..body.len() - rest.len()];
        let (rest, signature_algorithm) = AlgorithmIdentifier::from_der(rest).ok()?;
        let (rest, signature_value) = BitString::from_der(rest).ok()?;
        if !rest.is_empty() || tbs.tag() != Tag::Sequence {
            return None;
        }
        let mut i = tbs.data;
        let (rest, first) = Any::from_der(i).ok()?;
        if first.tag() == Tag::Integer {
            i = rest;
        }
        let (rest, _alg) = AlgorithmIdentifier::from_der(i).ok()?;
        i = rest;
        let (rest, issuer) = Any::from_der(i).ok()?;
        if issuer.tag() != Tag::Sequence {
            return None;
        }
        let issuer_raw = &i[..i.len() - rest.len()];
        let (mut i, this) = ASN1Time::from_der(rest).ok()?;
        let mut next_update = None;
        if let Ok((rest, t)) = ASN1Time::from_der(i) {
            next_update = Some(t.to_datetime());
            i = rest;
        }
        let mut extensions = Vec::new();
        while !i.is_empty() {
            let (rest, any) = Any::from_der(i).ok()?;
            i = rest;
            if any.tag() == Tag::Sequence && any.class() == Class::Universal {
                continue; // revokedCertificates: looked up lazily by webpki
            }
            if any.class() != Class::ContextSpecific || any.tag() != Tag(0) {
                return None;
            }
            let (rest, seq) = Any::from_der(any.data).ok()?;
            if !rest.is_empty() || seq.tag() != Tag::Sequence {
                return None;
            }
            let mut e = seq.data;
            while !e.is_empty() {
                let (rest, ext) = X509Extension::from_der(e).ok()?;
                extensions.push(ext);
                e = rest;
            }
        }
        Some(CrlView {
            tbs_raw,
            signature_algorithm,
            signature_value,
            issuer_raw,
            this_update: this.to_datetime(),
            next_update,
            extensions,
        })
    }

    /// Whether `spki` (the issuer's key) verifies the signature (ring, through x509-parser).
    pub fn verify_signature(&self, spki: &SubjectPublicKeyInfo<'_>) -> bool {
        x509_parser::verify::verify_signature(
            spki,
            &self.signature_algorithm,
            &self.signature_value,
            self.tbs_raw,
        )
        .is_ok()
    }
}

/// The checks of a CRL against the CA that signed it: the issuer may sign CRLs (keyUsage
/// cRLSign), the CRL has a non-critical CRL number, no unknown critical extension, is not a
/// delta CRL. `depth` is the depth of the certificate the CRL is used for.
pub fn check_crl(crl: &CrlView<'_>, issuer: &X509Certificate<'_>, depth: usize) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut s = Sink {
        depth,
        subject: subject_of(issuer),
        out: &mut out,
    };
    if let Ok(Some(k)) = issuer.key_usage() {
        if !k.value.crl_sign() {
            s.push(
                "RFC 5280 4.2.1.3",
                "the CRL's issuer may not sign CRLs (keyUsage lacks cRLSign)",
            );
        }
    }
    let mut number = None;
    for e in &crl.extensions {
        let oid = e.oid.to_id_string();
        if oid == "2.5.29.20" {
            number = Some(e.critical);
        }
        if oid == "2.5.29.27" {
            s.push("RFC 5280 5.2.4", "delta CRLs are not supported");
        }
        if e.critical && !KNOWN_CRL_CRITICAL.contains(&oid.as_str()) {
            s.push(
                "RFC 5280 5.2",
                format!("CRL with an unsupported critical extension {oid}"),
            );
        }
    }
    match number {
        None => s.push("RFC 5280 5.2.3", "CRL without a CRL number"),
        Some(true) => s.push("RFC 5280 5.2.3", "the CRL number is marked critical"),
        Some(false) => {}
    }
    out
}

/// Why no path from a leaf to a trust anchor could be built by name and signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathFailure {
    /// No certificate anywhere bears the issuer name of the one at `depth`.
    UnknownIssuer {
        /// Depth of the certificate whose issuer is missing.
        depth: usize,
        /// Its issuer name.
        issuer: String,
    },
    /// Certificates of the right name exist, but none holds the key that signed the one at
    /// `depth`.
    WrongKey {
        /// Depth of the certificate whose signature no candidate verifies.
        depth: usize,
        /// The issuer name.
        issuer: String,
        /// Whether the candidate with that name is a trust anchor (a key rollover).
        anchor_named: bool,
    },
    /// The path grew longer than allowed, or building it took more signature checks than
    /// allowed (a hostile bundle of look-alike certificates).
    TooLong,
}

/// A certificate that may issue: from the trust bundle (anchor) or not.
pub struct Candidate<'a> {
    /// The certificate.
    pub cert: X509Certificate<'a>,
    /// Whether it is a trust anchor.
    pub anchor: bool,
}

/// Longest path tried (leaf and anchor included).
pub const MAX_PATH: usize = 8;

/// Most signature checks spent building one path (webpki has a similar budget).
pub const MAX_SIGNATURE_CHECKS: usize = 200;

/// Build a path from `leaf` to an anchor among `cands`, by issuer name and verified signature
/// (anchors tried first). Returns the indices of the candidates, leaf excluded.
pub fn build_path(
    leaf: &X509Certificate<'_>,
    cands: &[Candidate<'_>],
) -> Result<Vec<usize>, PathFailure> {
    let mut order: Vec<usize> = (0..cands.len()).collect();
    order.sort_by_key(|&i| !cands[i].anchor);
    let mut path = Vec::new();
    let mut worst: Option<PathFailure> = None;
    let mut budget = MAX_SIGNATURE_CHECKS;
    if extend(leaf, cands, &order, &mut path, &mut worst, &mut budget) {
        Ok(path)
    } else {
        Err(worst.unwrap_or(PathFailure::TooLong))
    }
}

fn rank(f: &PathFailure) -> (usize, u8) {
    match f {
        PathFailure::UnknownIssuer { depth, .. } => (*depth, 0),
        PathFailure::WrongKey { depth, .. } => (*depth, 1),
        PathFailure::TooLong => (MAX_PATH, 2),
    }
}

fn extend(
    cur: &X509Certificate<'_>,
    cands: &[Candidate<'_>],
    order: &[usize],
    path: &mut Vec<usize>,
    worst: &mut Option<PathFailure>,
    budget: &mut usize,
) -> bool {
    let depth = path.len();
    if depth + 1 >= MAX_PATH || *budget == 0 {
        note(worst, PathFailure::TooLong);
        return false;
    }
    let mut named = false;
    let mut anchor_named = false;
    for &i in order {
        let c = &cands[i];
        if c.cert.subject().as_raw() != cur.issuer().as_raw() || path.contains(&i) {
            continue;
        }
        // The same certificate as `cur` (a root given in the chain too) is no issuer of itself.
        if c.cert.as_raw() == cur.as_raw() {
            continue;
        }
        // RFC 4158 loop detection: no two certificates with the same name and key in a path.
        let same = |x: &X509Certificate<'_>| {
            x.subject().as_raw() == c.cert.subject().as_raw()
                && x.public_key().raw == c.cert.public_key().raw
        };
        if path.iter().any(|&j| same(&cands[j].cert)) {
            continue;
        }
        named = true;
        anchor_named |= c.anchor;
        if *budget == 0 {
            note(worst, PathFailure::TooLong);
            return false;
        }
        *budget -= 1;
        if cur.verify_signature(Some(c.cert.public_key())).is_err() {
            continue;
        }
        path.push(i);
        if c.anchor || extend(&c.cert, cands, order, path, worst, budget) {
            return true;
        }
        path.pop();
    }
    let issuer = cur.issuer().to_string();
    if !named {
        note(worst, PathFailure::UnknownIssuer { depth, issuer });
    } else {
        note(
            worst,
            PathFailure::WrongKey {
                depth,
                issuer,
                anchor_named,
            },
        );
    }
    false
}

fn note(worst: &mut Option<PathFailure>, f: PathFailure) {
    if worst.as_ref().is_none_or(|w| rank(&f) > rank(w)) {
        *worst = Some(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_constraints() {
        for (name, base, ok) in [
            ("a.example.com", "example.com", true),
            ("example.com", "example.com", true),
            ("badexample.com", "example.com", false),
            ("a.example.org", "example.com", false),
            ("anything", "", true),
            ("A.Example.COM", "example.com", true),
        ] {
            assert_eq!(dns_matches(name, base), ok, "{name} {base}");
        }
    }

    #[test]
    fn ip_and_uri_constraints() {
        assert!(ip_matches(&[10, 1, 2, 3], &[10, 0, 0, 0, 255, 0, 0, 0]));
        assert!(!ip_matches(&[11, 1, 2, 3], &[10, 0, 0, 0, 255, 0, 0, 0]));
        assert!(!ip_matches(&[10, 1, 2, 3], &[0; 32]));
        assert!(uri_matches("spiffe://prod.local/gitaly/n1", "prod.local"));
        assert!(!uri_matches("spiffe://prod.local/gitaly/n1", ".prod.local"));
        assert!(uri_matches("https://a.prod.local:8443/x", ".prod.local"));
        assert!(!uri_matches("spiffe://evil.local/x", "prod.local"));
        assert!(!uri_matches("not a uri", "prod.local"));
        assert_eq!(uri_host("https://u@[::1]:443/"), Some("::1".into()));
    }

    /// One certificate of a test chain: name, CA or not, pathLenConstraint.
    type Link<'a> = (&'a str, bool, Option<u8>);

    /// A chain made with rcgen, leaf first, each certificate signed by the next.
    fn chain(specs: &[Link<'_>]) -> Vec<Vec<u8>> {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
        let mut made: Vec<(CertificateParams, KeyPair)> = Vec::new();
        let mut ders = Vec::new();
        for (name, ca, path_len) in specs.iter().rev() {
            let mut p = CertificateParams::new(vec![format!("{name}.test")]).unwrap();
            p.distinguished_name.push(DnType::CommonName, *name);
            p.is_ca = match (ca, path_len) {
                (true, Some(n)) => IsCa::Ca(BasicConstraints::Constrained(*n)),
                (true, None) => IsCa::Ca(BasicConstraints::Unconstrained),
                _ => IsCa::ExplicitNoCa,
            };
            if *ca {
                p.key_usages = vec![
                    rcgen::KeyUsagePurpose::KeyCertSign,
                    rcgen::KeyUsagePurpose::CrlSign,
                ];
            }
            p.use_authority_key_identifier_extension = !made.is_empty();
            let key = KeyPair::generate().unwrap();
            let cert = match made.last() {
                None => p.self_signed(&key).unwrap(),
                Some((ip, ik)) => p.signed_by(&key, &Issuer::from_params(ip, ik)).unwrap(),
            };
            ders.push(cert.der().to_vec());
            made.push((p, key));
        }
        ders.reverse();
        ders
    }

    fn findings_of(specs: &[Link<'_>]) -> Vec<Finding> {
        let ders = chain(specs);
        let certs: Vec<X509Certificate<'_>> = ders
            .iter()
            .map(|d| X509Certificate::from_der(d).unwrap().1)
            .collect();
        check_path(&certs, OffsetDateTime::now_utc(), None)
    }

    #[test]
    fn path_length_does_not_count_self_issued() {
        // (case, chain leaf first, expected rule of the first finding)
        type Row<'a> = (&'a str, &'a [Link<'a>], Option<&'a str>);
        let table: &[Row<'_>] = &[
            (
                "root only above a leaf",
                &[("n1", false, None), ("Root", true, Some(0))],
                None,
            ),
            (
                "pathLen 0 above an intermediate",
                &[
                    ("n1", false, None),
                    ("Inter", true, None),
                    ("Root", true, Some(0)),
                ],
                Some("RFC 5280 4.2.1.9"),
            ),
            (
                "pathLen 0 above a self-issued key rollover",
                &[
                    ("n1", false, None),
                    ("Root", true, None),
                    ("Root", true, Some(0)),
                ],
                None,
            ),
            (
                "pathLen 1 above two intermediates",
                &[
                    ("n1", false, None),
                    ("I2", true, None),
                    ("I1", true, None),
                    ("Root", true, Some(1)),
                ],
                Some("RFC 5280 4.2.1.9"),
            ),
        ];
        for (case, specs, want) in table {
            let f = findings_of(specs);
            assert_eq!(f.first().map(|f| f.rule), *want, "{case}: {f:?}");
        }
    }

    #[test]
    fn crl_view_reads_header_extensions_and_signature_without_entries() {
        use rcgen::{
            CertificateParams, CertificateRevocationListParams, IsCa, Issuer, KeyIdMethod, KeyPair,
            KeyUsagePurpose, RevokedCertParams, SerialNumber,
        };
        let key = KeyPair::generate().unwrap();
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.is_ca = IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign];
        let ca_der = p.self_signed(&key).unwrap().der().to_vec();
        let (_, ca) = X509Certificate::from_der(&ca_der).unwrap();
        let now = OffsetDateTime::now_utc();
        let mut signer = p.clone();
        signer.key_usages = vec![];
        let crl = CertificateRevocationListParams {
            this_update: now,
            next_update: now + ::time::Duration::days(1),
            crl_number: SerialNumber::from(9u64),
            issuing_distribution_point: None,
            revoked_certs: (0..50u64)
                .map(|n| RevokedCertParams {
                    serial_number: SerialNumber::from(n + 1),
                    revocation_time: now,
                    reason_code: None,
                    invalidity_date: None,
                })
                .collect(),
            key_identifier_method: KeyIdMethod::Sha256,
        }
        .signed_by(&Issuer::from_params(&signer, &key))
        .unwrap();
        let der = crl.der().to_vec();
        let view = CrlView::from_der(&der).unwrap();
        assert_eq!(view.issuer_raw, ca.subject().as_raw());
        assert!(view.next_update.is_some());
        assert!(view.verify_signature(ca.public_key()));
        // (case, findings' rules): the issuer lacks cRLSign; the CRL number is there.
        let f = check_crl(&view, &ca, 0);
        assert_eq!(
            f.iter().map(|f| f.rule).collect::<Vec<_>>(),
            ["RFC 5280 4.2.1.3"],
            "{f:?}"
        );
        // Tampered, truncated or with trailing bytes: refused or unverifiable.
        let mut bad = der.clone();
        let n = bad.len();
        bad[n - 5] ^= 1;
        assert!(CrlView::from_der(&bad).is_none_or(|v| !v.verify_signature(ca.public_key())));
        assert!(CrlView::from_der(&der[..der.len() - 1]).is_none());
        let mut long = der.clone();
        long.push(0);
        assert!(CrlView::from_der(&long).is_none());
        assert!(
            CrlView::from_der(&ca_der).is_none(),
            "a certificate is no CRL"
        );
    }

    #[test]
    fn email_constraints() {
        assert!(email_matches("a@example.com", "example.com"));
        assert!(email_matches("a@x.example.com", ".example.com"));
        assert!(!email_matches("a@example.com", ".example.com"));
        assert!(email_matches("a@example.com", "a@example.com"));
    }
}
