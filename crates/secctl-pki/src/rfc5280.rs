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

use crate::sig::Signature;

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

/// Whether subject and issuer are the same name (RFC 5280 6.1: self-issued), compared as
/// RFC 5280 7.1 says.
pub fn is_self_issued(c: &X509Certificate<'_>) -> bool {
    crate::dn::names_equal(c.subject(), c.issuer())
}

/// Whether the certificate is self-issued and its signature verifies with its own key.
pub fn is_self_signed(c: &X509Certificate<'_>) -> bool {
    is_self_issued(c) && crate::sig::verify(c.public_key(), c.as_raw()) == Signature::Valid
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
    check_form(c, pos, &mut s);
    check_extensions(c, pos, &mut s);
    check_ca_status(c, pos, &mut s);
    check_name_constraints(c, pos, &mut s);
    check_purpose_and_key(c, pos, purpose, &mut s);
    check_ca_validity(c, pos, at, &mut s);
}

/// Size, version, serial number (but a trust anchor's), and the signature algorithm inside
/// and outside the signed part.
fn check_form(c: &X509Certificate<'_>, pos: Position, s: &mut Sink<'_>) {
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
    // A trust anchor is trusted for its name and key by the user's choice (RFC 5280 6.1.1
    // (d)), and roots in wide use have serial number 0 (Starfield Root G2).
    if pos != Position::Anchor {
        check_serial(c.raw_serial(), s);
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

/// The serial number: a positive integer of at most 20 octets (RFC 5280 4.1.2.2). `raw` is
/// the content of the INTEGER (two's complement, so a leading zero octet only makes room
/// for the sign and is not counted).
fn check_serial(raw: &[u8], s: &mut Sink<'_>) {
    let magnitude = match raw {
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => raw,
    };
    if raw.first().is_some_and(|b| b & 0x80 != 0) {
        s.push(
            "RFC 5280 4.1.2.2",
            "negative serial number (it MUST be a positive integer)",
        );
    } else if raw.iter().all(|&b| b == 0) {
        s.push(
            "RFC 5280 4.1.2.2",
            "serial number 0 (it MUST be a positive integer)",
        );
    } else if magnitude.len() > 20 {
        s.push(
            "RFC 5280 4.1.2.2",
            format!("serial number of {} octets (at most 20)", magnitude.len()),
        );
    }
}

/// Extensions: parse errors, duplicates, unknown critical ones, AKI/SKI, policyConstraints,
/// and the subjectAltName (critical beside an empty subject, DNS names in the preferred
/// name syntax).
fn check_extensions(c: &X509Certificate<'_>, pos: Position, s: &mut Sink<'_>) {
    let is_ca_pos = pos != Position::Leaf;
    let mut seen = std::collections::HashSet::new();
    let mut aki = None;
    let mut ski = None;
    let mut san = None;
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
            ParsedExtension::SubjectAlternativeName(n) => san = Some((e.critical, n)),
            ParsedExtension::PolicyConstraints(_) if !e.critical => s.push(
                "RFC 5280 4.2.1.11",
                "policyConstraints is not marked critical (it MUST be)",
            ),
            _ => {}
        }
    }
    check_key_identifiers(c, aki, ski, is_ca_pos, s);
    // (A CA with an empty subject is refused by its own rule, RFC 5280 4.1.2.6.)
    let empty_subject = !is_ca_pos && c.subject().iter().next().is_none();
    match san {
        Some((false, _)) if empty_subject => s.push(
            "RFC 5280 4.2.1.6",
            "empty subject with a subjectAltName that is not marked critical (it MUST be)",
        ),
        None if empty_subject => s.push(
            "RFC 5280 4.2.1.6",
            "empty subject and no subjectAltName: the certificate names nothing",
        ),
        _ => {}
    }
    for g in san.iter().flat_map(|(_, n)| n.general_names.iter()) {
        if let GeneralName::DNSName(d) = g {
            if !dns_san_syntax(d) {
                s.push(
                    "RFC 5280 4.2.1.6",
                    format!(
                        "DNS name {d:?} is not a host name in the preferred name syntax (letters, digits and '-' in labels of 1 to 63 characters; '*' only as the whole leftmost label)"
                    ),
                );
            }
        }
    }
}

/// AKI and SKI (RFC 5280 4.2.1.1, 4.2.1.2): never critical; a keyIdentifier in the AKI of
/// every certificate but a self-signed one, which may leave the AKI out; and a self-signed
/// certificate's AKI, when present, names its own key and nothing else (CA/B Forum BR
/// 7.1.2.1.3: a path builder that follows authorityCertIssuer or a keyIdentifier of
/// another key would look for an issuer that is not there).
fn check_key_identifiers(
    c: &X509Certificate<'_>,
    aki: Option<(bool, &x509_parser::extensions::AuthorityKeyIdentifier<'_>)>,
    ski: Option<(bool, &x509_parser::extensions::KeyIdentifier<'_>)>,
    is_ca_pos: bool,
    s: &mut Sink<'_>,
) {
    let self_signed = || is_self_signed(c);
    match aki {
        Some((true, _)) => s.push(
            "RFC 5280 4.2.1.1",
            "authorityKeyIdentifier is marked critical (it MUST NOT be)",
        ),
        Some((false, a)) if self_signed() => {
            match (&a.key_identifier, ski) {
                (None, _) => s.push(
                    "RFC 5280 4.2.1.1",
                    "the authorityKeyIdentifier of a self-signed certificate has no keyIdentifier",
                ),
                (Some(k), Some((_, own))) if k.0 != own.0 => s.push(
                    "CA/B Forum BR 7.1.2.1.3",
                    format!(
                        "the authorityKeyIdentifier of a self-signed certificate ({}) differs from its subjectKeyIdentifier ({})",
                        hex::encode(k.0),
                        hex::encode(own.0)
                    ),
                ),
                _ => {}
            }
            if a.authority_cert_issuer.is_some() || a.authority_cert_serial.is_some() {
                s.push(
                    "CA/B Forum BR 7.1.2.1.3",
                    "the authorityKeyIdentifier of a self-signed certificate carries authorityCertIssuer or authorityCertSerialNumber",
                );
            }
        }
        Some((false, a)) if a.key_identifier.is_none() => s.push(
            "RFC 5280 4.2.1.1",
            "authorityKeyIdentifier has no keyIdentifier",
        ),
        None if !self_signed() => s.push(
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

/// Whether a dNSName of a subjectAltName is in the preferred name syntax (RFC 5280 4.2.1.6,
/// RFC 1034 3.5 as relaxed by RFC 1123 2.1): labels of 1 to 63 letters, digits and hyphens,
/// not starting or ending with a hyphen, 253 characters at most; a wildcard only as the
/// whole leftmost label. (An underscore is not a host name character.)
pub fn dns_san_syntax(name: &str) -> bool {
    let body = name.strip_prefix("*.").unwrap_or(name);
    !name.is_empty()
        && name.len() <= 253
        && body.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
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
    }
    // (A CA certificate as the leaf is not refused: RFC 5280 has no rule against it, its
    // pathLenConstraint is then meaningless, and the host, usage and role rows still apply.)
    // keyUsage: checked when present (RFC 5280 6.1.4 (n)); a CA certificate without it is
    // not refused, as path validation does not refuse it.
    let ku = c.key_usage().ok().flatten();
    if is_ca_pos {
        if ku.as_ref().is_some_and(|k| !k.value.key_cert_sign()) {
            s.push(
                "RFC 5280 4.2.1.3",
                "CA certificate whose keyUsage lacks keyCertSign",
            );
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

/// Name constraints: only in CAs, well formed, with at least one subtree. (One that is not
/// marked critical, against RFC 5280 4.2.1.10, is enforced all the same and not refused: a
/// CA that left the critical bit out gains nothing from it.)
fn check_name_constraints(c: &X509Certificate<'_>, pos: Position, s: &mut Sink<'_>) {
    let is_ca = pos != Position::Leaf || c.is_ca();
    if let Ok(Some(nc)) = c.name_constraints() {
        if !is_ca {
            s.push(
                "RFC 5280 4.2.1.10",
                "nameConstraints in a certificate that is not a CA",
            );
        }
        let (p, e) = (&nc.value.permitted_subtrees, &nc.value.excluded_subtrees);
        if p.is_none() && e.is_none() {
            s.push(
                "RFC 5280 4.2.1.10",
                "nameConstraints with neither permittedSubtrees nor excludedSubtrees (an empty sequence MUST NOT be issued)",
            );
        }
        if p.as_ref().is_some_and(Vec::is_empty) || e.as_ref().is_some_and(Vec::is_empty) {
            s.push(
                "RFC 5280 4.2.1.10",
                "nameConstraints with an empty list of subtrees (GeneralSubtrees has at least one)",
            );
        }
        for st in p.iter().chain(e.iter()).flatten() {
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
    if let Some(why) = unaccepted_key(c.public_key()) {
        s.push("CA/B Forum BR 6.1.5", why);
    }
}

/// Why a public key is not one secctl accepts in a certificate (CA/Browser Forum 6.1.5 and
/// what TLS peers with ring, rustls or OpenSSL's defaults can use): RSA of at least 2048
/// bits, a whole number of bytes; ECDSA on P-256, P-384 or P-521 named curves; Ed25519 or
/// Ed448. DSA, other curves and explicit curve parameters are refused.
pub fn unaccepted_key(spki: &SubjectPublicKeyInfo<'_>) -> Option<String> {
    use x509_parser::public_key::PublicKey;
    const CURVES: &[(&str, &str)] = &[
        ("1.2.840.10045.3.1.7", "P-256"),
        ("1.3.132.0.34", "P-384"),
        ("1.3.132.0.35", "P-521"),
    ];
    let alg = spki.algorithm.algorithm.to_id_string();
    match spki.parsed() {
        Ok(PublicKey::RSA(k)) => {
            let m = k.modulus;
            let first = m.iter().position(|&b| b != 0).unwrap_or(m.len());
            let m = &m[first..];
            let bits = m
                .first()
                .map_or(0, |b| m.len() * 8 - b.leading_zeros() as usize);
            if bits < 2048 {
                Some(format!("RSA key of {bits} bits (at least 2048 required)"))
            } else if bits % 8 != 0 {
                Some(format!(
                    "RSA modulus of {bits} bits, not a whole number of bytes"
                ))
            } else {
                None
            }
        }
        Ok(PublicKey::EC(_)) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .filter(|p| p.tag() == x509_parser::asn1_rs::Tag::Oid)
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string());
            match curve {
                Some(c) if CURVES.iter().any(|(oid, _)| *oid == c) => None,
                Some(c) => Some(format!(
                    "ECDSA key on curve {c} (secctl accepts P-256, P-384 and P-521)"
                )),
                None => Some(
                    "ECDSA key with explicit curve parameters (secctl accepts the named curves P-256, P-384 and P-521)"
                        .into(),
                ),
            }
        }
        // Ed25519, Ed448.
        Ok(PublicKey::Unknown(_)) if alg == "1.3.101.112" || alg == "1.3.101.113" => None,
        Ok(PublicKey::DSA(_)) => Some("DSA key (secctl accepts RSA, ECDSA and EdDSA keys)".into()),
        _ => Some(format!(
            "public key of algorithm {alg} (secctl accepts RSA, ECDSA and EdDSA keys)"
        )),
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
        GeneralName::RFC822Name(e) if !email_constraint_syntax(e) => Some(format!(
            "invalid email constraint {e:?} (a mailbox, a host or a .domain)"
        )),
        GeneralName::Invalid(_, _) => Some("malformed name constraint".into()),
        _ => None,
    }
}

/// An rfc822Name constraint: a mailbox (one '@'), a host, or a domain with a leading period.
fn email_constraint_syntax(b: &str) -> bool {
    match b.split_once('@') {
        Some((local, host)) => !local.is_empty() && !host.is_empty() && !host.contains('@'),
        None => !b.is_empty(),
    }
}

/// An rfc822Name of a certificate: a local part and a host around exactly one '@'.
fn email_syntax(e: &str) -> bool {
    matches!(e.split_once('@'), Some((local, host)) if !local.is_empty() && !host.is_empty() && !host.contains('@'))
}

/// The names of a certificate that name constraints apply to, and the name forms secctl
/// does not evaluate that it has.
struct Names<'n, 'a> {
    dns: Vec<&'a str>,
    ips: Vec<&'a [u8]>,
    uris: Vec<&'a str>,
    emails: Vec<&'a str>,
    dirs: Vec<&'n X509Name<'a>>,
    other_forms: Vec<&'static str>,
}

fn names_of<'n, 'a>(c: &'n X509Certificate<'a>) -> Names<'n, 'a> {
    let mut n = Names {
        dns: vec![],
        ips: vec![],
        uris: vec![],
        emails: vec![],
        dirs: vec![],
        other_forms: vec![],
    };
    for e in c.extensions() {
        let ParsedExtension::SubjectAlternativeName(san) = e.parsed_extension() else {
            continue;
        };
        for g in &san.general_names {
            match g {
                GeneralName::DNSName(d) => n.dns.push(d),
                GeneralName::IPAddress(i) => n.ips.push(i),
                GeneralName::URI(u) => n.uris.push(u),
                GeneralName::RFC822Name(e) => n.emails.push(e),
                GeneralName::DirectoryName(d) => n.dirs.push(d),
                other => n.other_forms.push(form_of(other)),
            }
        }
    }
    n
}

/// The name form of a general name, as RFC 5280 4.2.1.6 calls it.
fn form_of(g: &GeneralName<'_>) -> &'static str {
    match g {
        GeneralName::OtherName(..) => "otherName",
        GeneralName::RFC822Name(_) => "rfc822Name",
        GeneralName::DNSName(_) => "dNSName",
        GeneralName::X400Address(_) => "x400Address",
        GeneralName::DirectoryName(_) => "directoryName",
        GeneralName::EDIPartyName(_) => "ediPartyName",
        GeneralName::URI(_) => "uniformResourceIdentifier",
        GeneralName::IPAddress(_) => "iPAddress",
        GeneralName::RegisteredID(_) => "registeredID",
        GeneralName::Invalid(..) => "malformed",
    }
}

/// Whether `s` ends with `suffix` preceded by a '.', ASCII case-insensitively.
fn below_ci(s: &str, suffix: &str) -> bool {
    let (sb, xb) = (s.as_bytes(), suffix.as_bytes());
    sb.len() > xb.len()
        && sb[sb.len() - xb.len()..].eq_ignore_ascii_case(xb)
        && sb[sb.len() - xb.len() - 1] == b'.'
}

fn dns_matches(name: &str, base: &str) -> bool {
    let name = name.trim_end_matches('.');
    base.is_empty() || name.eq_ignore_ascii_case(base) || below_ci(name, base)
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

/// Host of a URI (RFC 3986 authority without userinfo and port).
fn uri_host(uri: &str) -> Option<&str> {
    let rest = uri.split_once("://")?.1;
    let auth = rest.split(['/', '?', '#']).next()?;
    let auth = auth.rsplit_once('@').map_or(auth, |(_, h)| h);
    let host = if let Some(v6) = auth.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        auth.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

fn uri_matches(uri: &str, base: &str) -> bool {
    let Some(host) = uri_host(uri) else {
        return false;
    };
    match base.strip_prefix('.') {
        Some(b) => below_ci(host, b),
        None => host.eq_ignore_ascii_case(base),
    }
}

/// Whether a (well-formed) email address is within an rfc822Name subtree: that mailbox, all
/// mailboxes of that host, or of the hosts below a `.domain`. An asterisk is a character
/// like any other.
fn email_matches(email: &str, base: &str) -> bool {
    if !email_syntax(email) {
        return false;
    }
    if base.contains('@') {
        return email.eq_ignore_ascii_case(base);
    }
    let host = email.rsplit_once('@').map_or("", |(_, h)| h);
    match base.strip_prefix('.') {
        Some(b) => below_ci(host, b),
        None => host.eq_ignore_ascii_case(base),
    }
}

/// The subtrees of one name form among `trees`.
fn bases<'t, T>(
    trees: &'t [GeneralSubtree<'t>],
    pick: fn(&'t GeneralName<'t>) -> Option<T>,
) -> Vec<T> {
    trees.iter().filter_map(|t| pick(&t.base)).collect()
}

fn pick_dns<'t>(g: &'t GeneralName<'t>) -> Option<&'t str> {
    match g {
        GeneralName::DNSName(d) => Some(d),
        _ => None,
    }
}

fn pick_ip<'t>(g: &'t GeneralName<'t>) -> Option<&'t [u8]> {
    match g {
        GeneralName::IPAddress(b) => Some(b),
        _ => None,
    }
}

fn pick_uri<'t>(g: &'t GeneralName<'t>) -> Option<&'t str> {
    match g {
        GeneralName::URI(u) => Some(u),
        _ => None,
    }
}

fn pick_email<'t>(g: &'t GeneralName<'t>) -> Option<&'t str> {
    match g {
        GeneralName::RFC822Name(e) => Some(e),
        _ => None,
    }
}

fn pick_dir<'t>(g: &'t GeneralName<'t>) -> Option<&'t X509Name<'t>> {
    match g {
        GeneralName::DirectoryName(n) => Some(n),
        _ => None,
    }
}

/// Names of one form against the subtrees of that form: each name must be within one
/// permitted subtree (when there is any) and within no excluded one. Returns the violations.
fn judge<N: Copy + Show, B>(
    label: &str,
    names: &[N],
    permitted: &[B],
    excluded: &[B],
    within: impl Fn(N, &B) -> bool,
) -> Vec<String> {
    let mut out = Vec::new();
    for &n in names {
        if !permitted.is_empty() && !permitted.iter().any(|b| within(n, b)) {
            out.push(format!("{label} {} (not permitted)", show(n)));
        } else if excluded.iter().any(|b| within(n, b)) {
            out.push(format!("{label} {} (excluded)", show(n)));
        }
    }
    out
}

/// Most comparisons of a name with a subtree spent on one path (webpki's budget): a
/// certificate with thousands of names under a CA with thousands of constraints is refused
/// rather than checked for seconds.
pub const MAX_NAME_CONSTRAINT_CHECKS: usize = 250_000;

/// Check the names of `c` against the name constraints of a CA, spending `budget`
/// comparisons; `false` when the budget is exhausted (a finding says so).
fn check_names(
    c: &X509Certificate<'_>,
    nc: &x509_parser::extensions::NameConstraints<'_>,
    ca_subject: &str,
    budget: &mut usize,
    s: &mut Sink<'_>,
) -> bool {
    let names = names_of(c);
    let subject = c.subject();
    // Email addresses in the subject (emailAddress attribute) count as rfc822 names.
    let subject_emails: Vec<&str> = subject
        .iter_email()
        .filter_map(|a| a.as_str().ok())
        .collect();
    let mut emails = names.emails.clone();
    emails.extend(subject_emails);
    // directoryName constraints apply to a non-empty subject and to directoryName SANs.
    let mut dirs = names.dirs.clone();
    if subject.iter().next().is_some() {
        dirs.push(subject);
    }
    let permitted = nc.permitted_subtrees.as_deref().unwrap_or(&[]);
    let excluded = nc.excluded_subtrees.as_deref().unwrap_or(&[]);
    let cost = (names.dns.len() + names.ips.len() + names.uris.len() + emails.len() + dirs.len())
        * (permitted.len() + excluded.len());
    if cost > *budget {
        s.push(
            "secctl limit",
            format!(
                "over {MAX_NAME_CONSTRAINT_CHECKS} comparisons of names with the name constraints of {ca_subject}"
            ),
        );
        return false;
    }
    *budget -= cost;
    let mut violations = Vec::new();
    let (dp, de) = (bases(permitted, pick_dns), bases(excluded, pick_dns));
    violations.extend(judge("DNS name", &names.dns, &dp, &de, |n, b| {
        dns_matches(n, b)
    }));
    // A wildcard that could match a name of an excluded subtree is excluded (issuance
    // refuses it the same way: crate::pki::constraints::wildcard_covers).
    for n in names.dns.iter().filter(|n| n.starts_with('*')) {
        if let Some(b) = de
            .iter()
            .find(|b| crate::pki::constraints::wildcard_covers(n, b))
        {
            violations.push(format!(
                "DNS name {} (a wildcard that covers the excluded {b:?})",
                show(*n)
            ));
        }
    }
    let (ipp, ipe) = (bases(permitted, pick_ip), bases(excluded, pick_ip));
    violations.extend(judge("IP address", &names.ips, &ipp, &ipe, |n, b| {
        ip_matches(n, b)
    }));
    // An IPv4-mapped IPv6 address is also checked as the IPv4 address it carries.
    for n in names.ips.iter().copied() {
        let Ok(v6) = <[u8; 16]>::try_from(n) else {
            continue;
        };
        let Some(v4) = std::net::Ipv6Addr::from(v6).to_ipv4_mapped() else {
            continue;
        };
        let v4 = v4.octets();
        if ipe.iter().any(|b| ip_matches(&v4, b)) {
            violations.push(format!(
                "IP address {} (the IPv4 address {}) (excluded)",
                show(n),
                std::net::Ipv4Addr::from(v4)
            ));
        }
    }
    let (up, ue) = (bases(permitted, pick_uri), bases(excluded, pick_uri));
    violations.extend(judge("URI", &names.uris, &up, &ue, |n, b| {
        uri_matches(n, b)
    }));
    let (ep, ee) = (bases(permitted, pick_email), bases(excluded, pick_email));
    // A malformed address is within no subtree, and cannot be shown outside an excluded one.
    let (good, bad): (Vec<&str>, Vec<&str>) = emails.iter().partition(|e| email_syntax(e));
    if !ep.is_empty() || !ee.is_empty() {
        for e in bad {
            violations.push(format!(
                "email address {} (malformed: not a mailbox)",
                show(e)
            ));
        }
    }
    violations.extend(judge("email address", &good, &ep, &ee, |n, b| {
        email_matches(n, b)
    }));
    let (dp, de) = (bases(permitted, pick_dir), bases(excluded, pick_dir));
    violations.extend(judge("subject", &dirs, &dp, &de, |n, b| {
        crate::dn::name_within(n, b)
    }));
    for v in violations {
        s.push(
            "RFC 5280 4.2.1.10",
            format!("{v} violates the name constraints of {ca_subject}"),
        );
    }
    // Forms secctl does not evaluate: refused when the certificate has a name of that form
    // (RFC 5280 4.2.1.10 allows rejecting it), ignored when it has none, since a
    // constraint on a form restricts only the names of that form.
    let mut seen = Vec::new();
    for t in permitted.iter().chain(excluded) {
        let form = form_of(&t.base);
        if names.other_forms.contains(&form) && !seen.contains(&form) {
            seen.push(form);
            s.push(
                "RFC 5280 4.2.1.10",
                format!(
                    "the certificate has a name of the form {form}, which secctl cannot check against the {form} constraints of {ca_subject}"
                ),
            );
        }
    }
    true
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
/// constraints of every CA over the certificates below it, self-issued intermediates
/// excepted (RFC 5280 6.1.3 (b)), never over the CA itself.
pub fn check_path(
    path: &[&X509Certificate<'_>],
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
    let mut budget = MAX_NAME_CONSTRAINT_CHECKS;
    let mut exhausted = false;
    for (i, ca) in path.iter().enumerate().skip(1) {
        let mut s = Sink {
            depth: i,
            subject: subject_of(ca),
            out: &mut out,
        };
        if let Ok(Some(bc)) = ca.basic_constraints() {
            if let Some(max) = bc.value.path_len_constraint {
                // Intermediates below this CA that are not self-issued.
                let below = (1..i).filter(|&j| !is_self_issued(path[j])).count();
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
        if exhausted {
            continue;
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
                if !check_names(c, nc.value, &ca_subject, &mut budget, &mut sj) {
                    exhausted = true;
                    break;
                }
            }
        }
    }
    out
}

/// A CRL read without its entries (a CRL of 100,000 entries costs no allocation per entry):
/// what the signature covers, the header and the extensions.
pub struct CrlView<'a> {
    /// The whole CRL.
    pub der: &'a [u8],
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
            der,
            tbs_raw,
            signature_algorithm,
            signature_value,
            issuer_raw,
            this_update: this.to_datetime(),
            next_update,
            extensions,
        })
    }

    /// Whether `spki` (the issuer's key) verifies the signature, with the algorithms
    /// certificates are checked with ([`crate::sig::ALGS`]).
    pub fn verify_signature(&self, spki: &SubjectPublicKeyInfo<'_>) -> bool {
        crate::sig::verify(spki, self.der) == Signature::Valid
    }
}

/// Why a CRL of the certificate's issuer (name and key already established) does not cover
/// `cert` completely, by its issuingDistributionPoint (RFC 5280 5.2.5, 6.3.3 (b)): a CRL
/// without one covers every certificate of its issuer; one with it covers only the kind of
/// certificate it says, for every reason, directly (not an indirect CRL), and, when it names
/// a distribution point, only the certificates whose cRLDistributionPoints name it too.
/// `None` when it covers `cert`.
pub fn crl_scope_gap(crl: &CrlView<'_>, cert: &X509Certificate<'_>) -> Option<String> {
    let ext = crl
        .extensions
        .iter()
        .find(|e| e.oid.to_id_string() == "2.5.29.28")?;
    let ParsedExtension::IssuingDistributionPoint(idp) = ext.parsed_extension() else {
        return Some("its issuingDistributionPoint is malformed".into());
    };
    let is_ca = cert
        .basic_constraints()
        .ok()
        .flatten()
        .is_some_and(|b| b.value.ca);
    if idp.only_contains_attribute_certs {
        return Some("it lists attribute certificates only (onlyContainsAttributeCerts)".into());
    }
    if idp.indirect_crl {
        return Some("it is an indirect CRL, which secctl does not read".into());
    }
    if idp.only_some_reasons.is_some() {
        return Some("it covers some revocation reasons only (onlySomeReasons)".into());
    }
    if idp.only_contains_user_certs && is_ca {
        return Some(
            "it covers end-entity certificates only (onlyContainsUserCerts) and this is a CA certificate"
                .into(),
        );
    }
    if idp.only_contains_ca_certs && !is_ca {
        return Some("it covers CA certificates only (onlyContainsCACerts)".into());
    }
    use x509_parser::extensions::DistributionPointName as Dpn;
    let names = match &idp.distribution_point {
        None => return None,
        Some(Dpn::FullName(names)) => names,
        Some(Dpn::NameRelativeToCRLIssuer(_)) => {
            return Some(
                "its distribution point is a name relative to the CRL issuer, which secctl does not match".into(),
            )
        }
    };
    let cert_points = cert
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::CRLDistributionPoints(p) => Some(p),
            _ => None,
        });
    let covered = cert_points.is_some_and(|points| {
        points.iter().any(|p| {
            p.crl_issuer.is_none()
                && p.reasons.is_none()
                && matches!(&p.distribution_point, Some(Dpn::FullName(dp)) if dp.iter().any(|n| names.contains(n)))
        })
    });
    (!covered).then(|| {
        "it covers the certificates of one distribution point (issuingDistributionPoint), which the certificate's cRLDistributionPoints do not name".into()
    })
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
    /// Certificates of the right name exist, but the signature of the one at `depth` is of
    /// an algorithm, or by a key, that secctl does not accept.
    Unsupported {
        /// Depth of the certificate whose signature cannot be checked.
        depth: usize,
        /// The issuer name.
        issuer: String,
        /// What is not accepted: the signature algorithm (OID) or the issuer's key.
        why: String,
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

/// Most complete paths offered to the caller's judgement before giving up.
pub const MAX_PATHS_OFFERED: usize = 8;

/// Build a path from `leaf` to an anchor among `cands`, by issuer name (RFC 5280 7.1) and
/// verified signature (anchors tried first). Returns the indices of the candidates, leaf
/// excluded.
pub fn build_path(
    leaf: &X509Certificate<'_>,
    cands: &[Candidate<'_>],
) -> Result<Vec<usize>, PathFailure> {
    build_path_with(leaf, cands, &mut |_| true).map(|(p, _)| p)
}

/// Build paths as [`build_path`] does, offering each complete one to `accept` (the profile
/// check of the caller) until it accepts one: a path refused for its rules gives way to
/// another, as when an intermediate is cross-signed by two CAs and only one of its paths
/// satisfies the name constraints above it. Returns the accepted path and `true`, or the
/// first path found and `false` when `accept` took none of the (at most
/// [`MAX_PATHS_OFFERED`]) paths within the signature budget.
pub fn build_path_with(
    leaf: &X509Certificate<'_>,
    cands: &[Candidate<'_>],
    accept: &mut dyn FnMut(&[usize]) -> bool,
) -> Result<(Vec<usize>, bool), PathFailure> {
    let mut order: Vec<usize> = (0..cands.len()).collect();
    order.sort_by_key(|&i| !cands[i].anchor);
    let mut search = Search {
        cands,
        order,
        path: Vec::new(),
        worst: None,
        budget: MAX_SIGNATURE_CHECKS,
        offered: 0,
        first: None,
        accepted: false,
        checked: std::collections::HashMap::new(),
        accept,
    };
    search.extend(leaf, None);
    if search.accepted {
        Ok((search.path, true))
    } else if let Some(first) = search.first {
        Ok((first, false))
    } else {
        Err(search.worst.unwrap_or(PathFailure::TooLong))
    }
}

/// The state of a depth-first path search.
struct Search<'s, 'a> {
    cands: &'s [Candidate<'a>],
    order: Vec<usize>,
    path: Vec<usize>,
    worst: Option<PathFailure>,
    budget: usize,
    offered: usize,
    first: Option<Vec<usize>>,
    accepted: bool,
    /// Signatures already checked: (signed certificate, None for the leaf; candidate).
    checked: std::collections::HashMap<(Option<usize>, usize), Signature>,
    accept: &'s mut dyn FnMut(&[usize]) -> bool,
}

impl Search<'_, '_> {
    /// Whether the search is over (a path accepted, or no more to try).
    fn done(&self) -> bool {
        self.accepted || self.offered >= MAX_PATHS_OFFERED || self.budget == 0
    }

    /// Extend the path above `cur` (the candidate `cur_ix`, or the leaf). Returns when the
    /// search is over or every issuer of `cur` was tried.
    fn extend(&mut self, cur: &X509Certificate<'_>, cur_ix: Option<usize>) {
        let depth = self.path.len();
        if depth + 1 >= MAX_PATH || self.budget == 0 {
            note(&mut self.worst, PathFailure::TooLong);
            return;
        }
        let cands = self.cands;
        let mut named = false;
        let mut anchor_named = false;
        let mut unsupported = None;
        let mut invalid = false;
        for k in 0..self.order.len() {
            let i = self.order[k];
            let c = &cands[i];
            if self.path.contains(&i) || !crate::dn::names_equal(c.cert.subject(), cur.issuer()) {
                continue;
            }
            // The same certificate as `cur` (a root given in the chain too) is no issuer of itself.
            if c.cert.as_raw() == cur.as_raw() {
                continue;
            }
            // RFC 4158 loop detection: no two certificates with the same name and key in a path.
            let same = |x: &X509Certificate<'_>| {
                x.public_key().raw == c.cert.public_key().raw
                    && crate::dn::names_equal(x.subject(), c.cert.subject())
            };
            if self.path.iter().any(|&j| same(&cands[j].cert)) {
                continue;
            }
            named = true;
            anchor_named |= c.anchor;
            let verdict = match self.checked.get(&(cur_ix, i)) {
                Some(v) => *v,
                None => {
                    if self.budget == 0 {
                        note(&mut self.worst, PathFailure::TooLong);
                        return;
                    }
                    self.budget -= 1;
                    let v = crate::sig::verify(c.cert.public_key(), cur.as_raw());
                    self.checked.insert((cur_ix, i), v);
                    v
                }
            };
            match verdict {
                Signature::Valid => {}
                // A key secctl does not accept (an RSA key under 2048 bits) cannot verify:
                // say so rather than "another key".
                Signature::Invalid => match unaccepted_key(c.cert.public_key()) {
                    Some(why) => {
                        unsupported = Some(format!("its key: {why}"));
                        continue;
                    }
                    None => {
                        invalid = true;
                        continue;
                    }
                },
                Signature::Unsupported => {
                    unsupported = Some(match unaccepted_key(c.cert.public_key()) {
                        Some(why) => format!("its key: {why}"),
                        None => format!(
                            "signature algorithm {}; secctl verifies ECDSA P-256 and P-384, Ed25519, and RSA of 2048 to 8192 bits with SHA-2",
                            cur.signature_algorithm.algorithm.to_id_string()
                        ),
                    });
                    continue;
                }
            }
            self.path.push(i);
            if c.anchor {
                self.offered += 1;
                if (self.accept)(&self.path) {
                    self.accepted = true;
                    return;
                }
                if self.first.is_none() {
                    self.first = Some(self.path.clone());
                }
            } else {
                self.extend(&c.cert, Some(i));
                if self.accepted {
                    return;
                }
            }
            self.path.pop();
            if self.done() {
                return;
            }
        }
        let issuer = cur.issuer().to_string();
        let failure = match (named, unsupported) {
            (false, _) => PathFailure::UnknownIssuer { depth, issuer },
            (true, Some(why)) if !invalid => PathFailure::Unsupported { depth, issuer, why },
            _ => PathFailure::WrongKey {
                depth,
                issuer,
                anchor_named,
            },
        };
        note(&mut self.worst, failure);
    }
}

fn rank(f: &PathFailure) -> (usize, u8) {
    match f {
        PathFailure::UnknownIssuer { depth, .. } => (*depth, 0),
        PathFailure::WrongKey { depth, .. } | PathFailure::Unsupported { depth, .. } => (*depth, 1),
        PathFailure::TooLong => (MAX_PATH, 2),
    }
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
        assert_eq!(uri_host("https://u@[::1]:443/"), Some("::1"));
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
        check_path(
            &certs.iter().collect::<Vec<_>>(),
            OffsetDateTime::now_utc(),
            None,
        )
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
        // An asterisk is a character; a malformed address is within no subtree.
        assert!(email_matches("*@example.com", "*@example.com"));
        assert!(!email_matches("user@example.com", "*@example.com"));
        assert!(!email_matches("invalid@address@example.com", "example.com"));
        assert!(!email_constraint_syntax("invalid@invalid@example.com"));
        assert!(email_constraint_syntax(".example.com") && email_constraint_syntax("a@b"));
    }

    #[test]
    fn serial_numbers() {
        // (case, INTEGER content, refusal or None)
        let table: &[(&str, &[u8], Option<&str>)] = &[
            ("one", &[1], None),
            ("20 octets", &[0x7f; 20], None),
            (
                "20 octets with the sign octet",
                &[[0u8].as_slice(), &[0xff; 20]].concat(),
                None,
            ),
            ("zero", &[0], Some("serial number 0")),
            ("negative", &[0x80, 1], Some("negative serial number")),
            ("21 octets", &[0x7f; 21], Some("serial number of 21 octets")),
        ];
        for (case, raw, want) in table {
            let mut out = Vec::new();
            let mut s = Sink {
                depth: 0,
                subject: String::new(),
                out: &mut out,
            };
            check_serial(raw, &mut s);
            match want {
                None => assert!(out.is_empty(), "{case}: {out:?}"),
                Some(n) => assert!(
                    out.len() == 1 && out[0].detail.contains(n),
                    "{case}: {out:?}"
                ),
            }
        }
    }

    #[test]
    fn dns_names_in_the_preferred_name_syntax() {
        for ok in [
            "a.test",
            "*.example.com",
            "xn--bcher-kva.example",
            "8.8.8.8",
            "a-b.c",
        ] {
            assert!(dns_san_syntax(ok), "{ok}");
        }
        for bad in [
            "foo_bar.example.com",
            "*",
            "ba*.example.com",
            "foo.*.example.com",
            ".example.com",
            "a..b",
            "-a.b",
            "a b",
            "\u{1f61c}.example.com",
            "",
        ] {
            assert!(!dns_san_syntax(bad), "{bad:?} accepted");
        }
    }
}
