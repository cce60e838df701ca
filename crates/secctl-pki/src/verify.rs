//! Offline verification of a certificate: chain to a trust bundle (rustls-webpki), validity,
//! extended key usage, revocation against CRLs, host name and role. Every check is reported
//! by name; unusable input is an error (exit 2), a failed check is a result (exit 1).

use std::path::Path;

use ::time::OffsetDateTime;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use serde::Serialize;
use webpki::{EndEntityCert, KeyPurposeIdIter};
use x509_parser::prelude::*;

use crate::error::{Error, Result};
use crate::pki::inspect::{self, CertInfo};
use crate::pki::names::Host;
use crate::rfc5280;

/// The purpose a certificate must serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Usage {
    /// TLS server (EKU serverAuth).
    Server,
    /// TLS client (EKU clientAuth).
    Client,
}

/// What to verify and against what.
pub struct Request<'a> {
    /// Name of the certificate input, for messages.
    pub cert_name: &'a str,
    /// The certificate then any intermediates sent with it (DER).
    pub chain: Vec<Vec<u8>>,
    /// Name of the bundle input.
    pub bundle_name: &'a str,
    /// Trust anchors (DER).
    pub bundle: Vec<Vec<u8>>,
    /// Name of the CRL input.
    pub crl_name: Option<&'a str>,
    /// CRLs (DER).
    pub crls: Vec<Vec<u8>>,
    /// Expected host.
    pub host: Option<Host>,
    /// Expected role (the identity rule of `pki::identity`).
    pub role: Option<String>,
    /// The cluster's SPIFFE trust domain, which the role check requires.
    pub trust_domain: Option<String>,
    /// Expected usage.
    pub usage: Option<Usage>,
    /// Verification time.
    pub at: OffsetDateTime,
    /// More certificates that may be intermediates (`--untrusted`, the state directory's
    /// CA generations); never trusted by themselves.
    pub untrusted: Vec<Vec<u8>>,
    /// Whether a revocation status that could not be established fails the verification
    /// (`false` with `--no-revocation`).
    pub require_revocation: bool,
}

/// The outcome of the revocation row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RevocationStatus {
    /// Every certificate of the path was looked up in a current CRL of its issuer.
    #[serde(rename = "ok")]
    Ok,
    /// A certificate of the path is revoked.
    #[serde(rename = "revoked")]
    Revoked,
    /// The status could not be established (no CRL, an expired or unacceptable one).
    #[serde(rename = "not checked")]
    NotChecked,
}

impl RevocationStatus {
    /// The word shown in the text table.
    pub fn as_str(self) -> &'static str {
        match self {
            RevocationStatus::Ok => "ok",
            RevocationStatus::Revoked => "revoked",
            RevocationStatus::NotChecked => "not checked",
        }
    }
}

/// One named check.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// chain, validity, usage, revocation, host, role.
    pub check: &'static str,
    /// Whether it passed.
    pub ok: bool,
    /// What was found.
    pub detail: String,
}

impl Check {
    /// A named check.
    pub fn new(check: &'static str, ok: bool, detail: impl Into<String>) -> Check {
        Check {
            check,
            ok,
            detail: detail.into(),
        }
    }
}

/// The revocation status of the path, with what decided it (the `revocation` row of
/// `checks` says the same in one line).
#[derive(Debug, Clone, Serialize)]
pub struct Revocation {
    /// ok, revoked or not checked.
    pub status: RevocationStatus,
    /// Whether this status fails the verification (`not checked` does, unless
    /// `--no-revocation`).
    pub ok: bool,
    /// What was found, or why it could not be checked.
    pub detail: String,
    /// When the certificate was revoked.
    #[serde(with = "crate::ground::timefmt::rfc3339s::option")]
    pub revoked_at: Option<OffsetDateTime>,
    /// The CRL reason code, when the CRL gives one.
    pub reason: Option<&'static str>,
    /// Depth of the revoked certificate (0 = the leaf).
    pub depth: Option<usize>,
}

/// The result of a verification.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The certificate input.
    pub input: String,
    /// The certificate, parsed.
    pub certificate: CertInfo,
    /// Verification time.
    #[serde(with = "crate::ground::timefmt::rfc3339s")]
    pub at: OffsetDateTime,
    /// Every check made.
    pub checks: Vec<Check>,
    /// The revocation status (also the `revocation` row of `checks`).
    pub revocation: Revocation,
    /// Every RFC 5280 rule the path or its CRLs break, naming the certificate (depth, subject).
    pub findings: Vec<rfc5280::Finding>,
    /// Things worth knowing that do not fail the verification (a CRL close to its nextUpdate).
    pub warnings: Vec<String>,
    /// All checks passed.
    pub ok: bool,
}

static ALGS: &[&dyn rustls_pki_types::SignatureVerificationAlgorithm] = &[
    webpki::ring::ECDSA_P256_SHA256,
    webpki::ring::ECDSA_P256_SHA384,
    webpki::ring::ECDSA_P384_SHA256,
    webpki::ring::ECDSA_P384_SHA384,
    webpki::ring::ED25519,
    webpki::ring::RSA_PKCS1_2048_8192_SHA256,
    webpki::ring::RSA_PKCS1_2048_8192_SHA384,
    webpki::ring::RSA_PKCS1_2048_8192_SHA512,
    webpki::ring::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
];

/// Accepts any extended key usage: the chain check is about signatures and CA rules only.
struct AnyUsage;
impl webpki::ExtendedKeyUsageValidator for AnyUsage {
    fn validate(&self, _iter: KeyPurposeIdIter<'_, '_>) -> Result<(), webpki::Error> {
        Ok(())
    }
}

fn unix(t: OffsetDateTime) -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        t.unix_timestamp().max(0) as u64
    ))
}

/// Read a file of PEM blocks with `tag` (or one DER object), refusing empty and truncated input.
pub fn read_pem_or_der(path: &Path, tag: &str, what: &str) -> Result<Vec<Vec<u8>>> {
    crate::pki::pemfile::read_file(path, tag, what)
}

/// A CRL of a CA we know: its header and extensions, and webpki's lazy view of its entries
/// (`Err` when webpki refuses it for a rule, e.g. an unsupported critical extension).
struct Crl<'a> {
    view: rfc5280::CrlView<'a>,
    list: std::result::Result<webpki::CertRevocationList<'a>, String>,
    /// DER of the issuer Name, tag included (comparable with a certificate's subject).
    issuer_raw: &'a [u8],
    issuer: String,
    this_update: OffsetDateTime,
    next_update: Option<OffsetDateTime>,
}

/// How many days before its nextUpdate a CRL is worth a warning.
pub const CRL_WARN_DAYS: i64 = 7;

/// Warnings about CRLs that are within [`CRL_WARN_DAYS`] of their nextUpdate or past it (DER
/// CRLs that do not parse are skipped: they are refused elsewhere).
pub fn crl_freshness_warnings(crl_name: &str, crls: &[Vec<u8>], at: OffsetDateTime) -> Vec<String> {
    let mut out = Vec::new();
    for der in crls {
        let Some((issuer_raw, _, next)) = crl_header(der) else {
            continue;
        };
        let issuer = X509Name::from_der(issuer_raw)
            .map(|(_, n)| n.to_string())
            .unwrap_or_default();
        match next {
            Some(n) if n < at => out.push(format!(
                "{crl_name}: the CRL of {issuer} expired at {} (publish a new one with `secctl crl`)",
                fmt(n)
            )),
            Some(n) if n - at <= ::time::Duration::days(CRL_WARN_DAYS) => out.push(format!(
                "{crl_name}: the CRL of {issuer} expires at {} (within {CRL_WARN_DAYS} days; publish a new one with `secctl crl`)",
                fmt(n)
            )),
            None => out.push(format!("{crl_name}: the CRL of {issuer} has no nextUpdate")),
            _ => {}
        }
    }
    out
}

/// Issuer, thisUpdate and nextUpdate from a CRL's TBS header, without reading its entries.
fn crl_header(der: &[u8]) -> Option<(&[u8], OffsetDateTime, Option<OffsetDateTime>)> {
    use x509_parser::asn1_rs::{Any, FromDer as _, Tag};
    let (_, outer) = Any::from_der(der).ok()?;
    let (_, tbs) = Any::from_der(outer.data).ok()?;
    let mut i = tbs.data;
    let (rest, first) = Any::from_der(i).ok()?;
    if first.tag() == Tag::Integer {
        i = rest;
    }
    let (rest, _sig_alg) = Any::from_der(i).ok()?;
    i = rest;
    let (rest, _issuer) = Any::from_der(i).ok()?;
    let issuer_raw = &i[..i.len() - rest.len()];
    let (rest, this) = ASN1Time::from_der(rest).ok()?;
    let next = ASN1Time::from_der(rest).ok().map(|(_, t)| t.to_datetime());
    Some((issuer_raw, this.to_datetime(), next))
}

fn parse_cert<'a>(name: &str, der: &'a [u8]) -> Result<X509Certificate<'a>> {
    // CertInfo::from_der gives the one-line message for input that is not a certificate.
    CertInfo::from_der(name, der)?;
    X509Certificate::from_der(der)
        .map(|(_, c)| c)
        .map_err(|e| Error::input(name, format!("not a certificate ({e})")))
}

/// Verify. `Err` means the input cannot be used at all (not a certificate, not a CRL).
pub fn verify(req: &Request<'_>) -> Result<Report> {
    let leaf_der = req
        .chain
        .first()
        .ok_or_else(|| Error::input(req.cert_name, "contains no certificate"))?;
    let info = CertInfo::from_der(req.cert_name, leaf_der)?;
    let leaf = parse_cert(req.cert_name, leaf_der)?;
    let (cands, anchors) = candidates(req)?;
    let crls = match req.crl_name {
        Some(crl_name) => usable_crls(req, crl_name, &cands)?,
        None => Vec::new(),
    };
    let at = req.at;
    let mut checks = vec![validity_check(&info, at)];
    let chain = chain_check(req, &info, &leaf, leaf_der, &cands, &anchors);
    checks.push(chain.check);
    if let Some(u) = req.usage {
        checks.push(usage_check(&info, u));
    }
    let (revocation, crl_findings) = revocation_check(req, chain.path.as_deref(), &crls, at);
    checks.push(Check::new(
        "revocation",
        revocation.ok,
        revocation.detail.clone(),
    ));
    if let Some(h) = &req.host {
        checks.push(host_check(&info, leaf_der, h));
    }
    if let Some(role) = &req.role {
        checks.push(role_check(req, leaf_der, role));
    }
    let warnings = match req.crl_name {
        Some(n) => crl_freshness_warnings(n, &req.crls, at),
        None => Vec::new(),
    };
    let ok = checks.iter().all(|c| c.ok);
    let mut findings = chain.findings;
    findings.extend(crl_findings);
    Ok(Report {
        input: req.cert_name.to_string(),
        certificate: info,
        at,
        checks,
        revocation,
        findings,
        warnings,
        ok,
    })
}

/// Candidate issuers: the bundle (anchors), then the chain file, `--untrusted` and the
/// state directory's intermediates (each certificate once); and the bundle as webpki's
/// trust anchors.
fn candidates<'a>(
    req: &'a Request<'_>,
) -> Result<(
    Vec<rfc5280::Candidate<'a>>,
    Vec<rustls_pki_types::TrustAnchor<'static>>,
)> {
    let mut cands: Vec<rfc5280::Candidate<'_>> = Vec::new();
    let mut anchors = Vec::new();
    for (i, d) in req.bundle.iter().enumerate() {
        let c = parse_cert(req.bundle_name, d)?;
        // A v3 certificate without CA:TRUE is a usage error (a leaf given as --ca); a v1
        // certificate is kept so that the profile check refuses it with its rule.
        if !c.is_ca() && c.version() == X509Version::V3 {
            return Err(Error::input(
                req.bundle_name,
                format!(
                    "certificate {} ({}) is not a CA certificate",
                    i + 1,
                    c.subject()
                ),
            ));
        }
        if let Ok(a) = webpki::anchor_from_trusted_cert(&CertificateDer::from(d.as_slice())) {
            anchors.push(a.to_owned());
        }
        cands.push(rfc5280::Candidate {
            cert: c,
            anchor: true,
        });
    }
    if cands.is_empty() {
        return Err(Error::input(req.bundle_name, "no CA certificate"));
    }
    for (i, d) in req.chain[1..].iter().enumerate() {
        let c = parse_cert(&format!("{} (certificate {})", req.cert_name, i + 2), d)?;
        push_unique(&mut cands, c);
    }
    for d in &req.untrusted {
        if let Ok((_, c)) = X509Certificate::from_der(d) {
            push_unique(&mut cands, c);
        }
    }
    Ok((cands, anchors))
}

/// The CRLs, each parsed; one whose issuer is a CA we know must be signed by it.
fn usable_crls<'a>(
    req: &'a Request<'_>,
    crl_name: &str,
    cands: &[rfc5280::Candidate<'_>],
) -> Result<Vec<Crl<'a>>> {
    let mut crls = Vec::new();
    let mut foreign = None;
    // A CRL under a known CA's name that none of the certificates of that name signed:
    // refused (a forgery) unless another CRL of that name is ours (a key rollover leaves
    // CRLs of the new key that the old certificates cannot check).
    let mut unverified = Vec::new();
    for (i, der) in req.crls.iter().enumerate() {
        let bad =
            |why: String| Error::input(crl_name, format!("CRL {} is malformed ({why})", i + 1));
        let view = rfc5280::CrlView::from_der(der).ok_or_else(|| bad("not a DER CRL".into()))?;
        // webpki reads the entries lazily; its structural errors make the input unusable,
        // its refusals of a rule ("Unsupported...") are reported as such.
        let list = match webpki::BorrowedCertRevocationList::from_der(der) {
            Ok(l) => Ok(webpki::CertRevocationList::from(l)),
            Err(e) if format!("{e:?}").starts_with("Unsupported") => Err(format!("{e:?}")),
            Err(e) => return Err(bad(format!("{e:?}"))),
        };
        let (issuer_raw, this_update, next_update) =
            (view.issuer_raw, view.this_update, view.next_update);
        let issuer = X509Name::from_der(issuer_raw)
            .map(|(_, n)| n.to_string())
            .map_err(|e| bad(e.to_string()))?;
        let named: Vec<&X509Certificate<'_>> = cands
            .iter()
            .map(|c| &c.cert)
            .filter(|c| c.subject().as_raw() == issuer_raw)
            .collect();
        if named.is_empty() {
            foreign.get_or_insert(issuer);
            continue;
        }
        if !named.iter().any(|c| view.verify_signature(c.public_key())) {
            unverified.push((issuer_raw, issuer));
            continue;
        }
        crls.push(Crl {
            view,
            list,
            issuer_raw,
            issuer,
            this_update,
            next_update,
        });
    }
    if let Some((_, issuer)) = unverified
        .iter()
        .find(|(raw, _)| !crls.iter().any(|c| c.issuer_raw == *raw))
    {
        return Err(Error::input(
            crl_name,
            format!("the CRL of {issuer} is not signed by that CA's key"),
        ));
    }
    if crls.is_empty() {
        return Err(Error::input(
            crl_name,
            format!(
                "CRL from another CA: issuer {} is not a CA in {} or the chain",
                foreign.unwrap_or_else(|| "(none)".into()),
                req.bundle_name
            ),
        ));
    }
    Ok(crls)
}

/// The `chain` check, the path it found (leaf first) and the RFC 5280 findings on it.
struct ChainResult<'c, 'a> {
    check: Check,
    path: Option<Vec<&'c X509Certificate<'a>>>,
    findings: Vec<rfc5280::Finding>,
}

/// The chain, at a time inside the leaf's validity so that this check is about the CAs:
/// secctl's RFC 5280 path building and profile rules, then webpki as a second opinion.
fn chain_check<'c, 'a>(
    req: &Request<'_>,
    info: &CertInfo,
    leaf: &'c X509Certificate<'a>,
    leaf_der: &[u8],
    cands: &'c [rfc5280::Candidate<'a>],
    anchors: &[rustls_pki_types::TrustAnchor<'_>],
) -> ChainResult<'c, 'a> {
    // (`max` then `min`, not `clamp`: a hostile certificate may end before it starts.)
    let t = req.at.max(info.not_before).min(info.not_after);
    let purpose = req.usage.map(|u| match u {
        Usage::Server => rfc5280::Purpose::Server,
        Usage::Client => rfc5280::Purpose::Client,
    });
    let built = rfc5280::build_path(leaf, cands);
    let path: Option<Vec<&X509Certificate<'_>>> = built.as_ref().ok().map(|ix| {
        std::iter::once(leaf)
            .chain(ix.iter().map(|&i| &cands[i].cert))
            .collect()
    });
    let findings = match &path {
        Some(p) => {
            let owned: Vec<X509Certificate<'_>> = p.iter().map(|c| (*c).clone()).collect();
            rfc5280::check_path(&owned, t, purpose)
        }
        // Without a path, the leaf's own defects (a signature algorithm mismatch, an
        // unsupported version) explain more than "no issuer".
        None => {
            let mut f = Vec::new();
            rfc5280::check_cert(leaf, 0, rfc5280::Position::Leaf, t, purpose, &mut f);
            f
        }
    };
    // webpki: signatures, path building and its own rules, as a second opinion, given the
    // intermediates of the path found (all candidates when none was: its error then names
    // the problem), so that a bundle of look-alikes cannot exhaust its budget.
    let intermediates: Vec<CertificateDer<'_>> = match &built {
        Ok(ix) => ix
            .iter()
            .filter(|&&i| !cands[i].anchor)
            .map(|&i| CertificateDer::from(cands[i].cert.as_raw()))
            .collect(),
        Err(_) => cands
            .iter()
            .filter(|c| !c.anchor)
            .map(|c| CertificateDer::from(c.cert.as_raw()))
            .collect(),
    };
    let ee_der = CertificateDer::from(leaf_der);
    let webpki_result = match EndEntityCert::try_from(&ee_der) {
        Ok(ee) => ee
            .verify_for_usage(ALGS, anchors, &intermediates, unix(t), AnyUsage, None, None)
            .map(|_| ())
            .map_err(|e| chain_error(&e, req.bundle_name, path.as_deref())),
        Err(e) => Err(format!("unusable certificate ({e:?})")),
    };
    let anchor_subject = path
        .as_ref()
        .and_then(|p| p.last())
        .map(|a| a.subject().to_string())
        .unwrap_or_default();
    let check = if let Some(first) = findings.first() {
        let more = if findings.len() > 1 {
            format!(" (and {} more)", findings.len() - 1)
        } else {
            String::new()
        };
        Check::new("chain", false, format!("{first}{more}"))
    } else if let Err(f) = &built {
        Check::new("chain", false, path_failure(f, req.bundle_name))
    } else {
        match webpki_result {
            Ok(()) => Check::new(
                "chain",
                true,
                format!("issued by {}, anchored at {anchor_subject}", info.issuer),
            ),
            // Rules secctl's profile layer checks itself, where webpki refuses more than
            // RFC 5280 does: name constraints (webpki refuses every directoryName and URI
            // constraint) and path length (RFC 5280 6.1.4 (l) does not count self-issued
            // intermediates). The path was built and its signatures verified above.
            Err(e) if e.starts_with(DEFERRED) => Check::new(
                "chain",
                true,
                format!(
                    "issued by {}, anchored at {anchor_subject} (name constraints and path length checked by secctl's RFC 5280 rules)",
                    info.issuer
                ),
            ),
            Err(e) => Check::new("chain", false, e),
        }
    };
    ChainResult {
        check,
        path,
        findings,
    }
}

/// The `usage` check: the extended key usage allows the purpose (or there is none).
fn usage_check(info: &CertInfo, u: Usage) -> Check {
    let (want, name) = match u {
        Usage::Server => ("serverAuth", "server"),
        Usage::Client => ("clientAuth", "client"),
    };
    let ok =
        info.extended_key_usage.is_empty() || info.extended_key_usage.iter().any(|e| e == want);
    Check::new(
        "usage",
        ok,
        if ok {
            format!("{want} allowed")
        } else {
            format!(
                "not usable as a TLS {name}: extended key usage is {}",
                info.extended_key_usage.join(", ")
            )
        },
    )
}

/// The `host` check, by webpki's name matching (wildcards, IP addresses).
fn host_check(info: &CertInfo, leaf_der: &[u8], h: &Host) -> Check {
    let name = match h {
        Host::Dns(d) => ServerName::try_from(d.as_str()).map(|n| n.to_owned()),
        Host::Ip(ip) => Ok(ServerName::IpAddress((*ip).into())),
    };
    let ee_der = CertificateDer::from(leaf_der);
    let ok = match (name, EndEntityCert::try_from(&ee_der)) {
        (Ok(n), Ok(ee)) => ee.verify_is_valid_for_subject_name(&n).is_ok(),
        _ => false,
    };
    let mut names = info.dns_names.clone();
    names.extend(info.ip_addresses.iter().cloned());
    Check::new(
        "host",
        ok,
        if ok {
            format!("{h} matches")
        } else {
            format!(
                "{h} is not among the certificate's names ({})",
                names.join(", ")
            )
        },
    )
}

/// The `role` check, by the identity rule (OU and the SPIFFE id in the trust domain).
fn role_check(req: &Request<'_>, leaf_der: &[u8], role: &str) -> Check {
    let found = match &req.trust_domain {
        Some(td) => crate::pki::identity::establish(leaf_der, td),
        None => Err("the cluster's trust domain is unknown (pass --trust-domain)".into()),
    };
    let (ok, detail) = match found {
        Ok(id) if id.role == role => (true, format!("role {role}")),
        Ok(id) => (
            false,
            format!(
                "expected role {role}, certificate has OU={} and SPIFFE id {}",
                id.role, id.spiffe_id
            ),
        ),
        Err(why) => (
            false,
            format!("expected role {role}, the certificate has none: {why}"),
        ),
    };
    Check::new("role", ok, detail)
}

fn push_unique<'a>(cands: &mut Vec<rfc5280::Candidate<'a>>, c: X509Certificate<'a>) {
    if !cands.iter().any(|x| x.cert.as_raw() == c.as_raw()) {
        cands.push(rfc5280::Candidate {
            cert: c,
            anchor: false,
        });
    }
}

fn validity_check(info: &CertInfo, at: OffsetDateTime) -> Check {
    if info.not_before > info.not_after {
        Check::new(
            "validity",
            false,
            format!(
                "never valid (not before {} is after not after {})",
                fmt(info.not_before),
                fmt(info.not_after)
            ),
        )
    } else if at < info.not_before {
        Check::new(
            "validity",
            false,
            format!("not valid before {}", fmt(info.not_before)),
        )
    } else if at > info.not_after {
        Check::new(
            "validity",
            false,
            format!("expired at {}", fmt(info.not_after)),
        )
    } else {
        Check::new(
            "validity",
            true,
            format!("valid {} .. {}", fmt(info.not_before), fmt(info.not_after)),
        )
    }
}

fn fmt(t: OffsetDateTime) -> String {
    crate::ground::timefmt::fmt_time(t)
}

/// Prefix of webpki refusals that the RFC 5280 layer decides instead.
const DEFERRED: &str = "deferred: ";

fn chain_error(e: &webpki::Error, bundle: &str, path: Option<&[&X509Certificate<'_>]>) -> String {
    use webpki::Error as E;
    let self_issued_inside = path.is_some_and(|p| {
        p.len() > 2 && p[1..p.len() - 1].iter().any(|c| rfc5280::is_self_issued(c))
    });
    match e {
        E::NameConstraintViolation => format!("{DEFERRED}name constraints"),
        E::PathLenConstraintViolated if self_issued_inside => format!("{DEFERRED}path length"),
        E::UnknownIssuer => format!("not issued by a CA in {bundle}"),
        E::CertExpired { .. } => "a CA certificate in the chain has expired".into(),
        E::CertNotValidYet { .. } => "a CA certificate in the chain is not yet valid".into(),
        E::CaUsedAsEndEntity => "the certificate is a CA certificate, not a leaf".into(),
        E::InvalidSignatureForPublicKey => "bad signature: not signed by the CA it names".into(),
        E::UnsupportedCriticalExtension => "unsupported critical extension".into(),
        E::UnsupportedCertVersion => "unsupported certificate version".into(),
        E::PathLenConstraintViolated => "path length constraint exceeded".into(),
        other => format!("chain rejected ({other:?})"),
    }
}

fn path_failure(f: &rfc5280::PathFailure, bundle: &str) -> String {
    use rfc5280::PathFailure as F;
    match f {
        F::UnknownIssuer { depth: 0, issuer } => format!(
            "not issued by a CA in {bundle}: no certificate named {issuer} in {bundle}, the file, --untrusted or the state directory"
        ),
        F::UnknownIssuer { depth, issuer } => format!(
            "incomplete chain: the issuer {issuer} of the certificate at depth {depth} is not in {bundle}, the file, --untrusted or the state directory"
        ),
        F::WrongKey {
            depth,
            issuer,
            anchor_named: true,
        } => format!(
            "depth {depth}: signed by a key that no certificate named {issuer} holds; {bundle} has a CA of that name with another key (a key rollover? pass the self-issued certificate of the new key with --untrusted)"
        ),
        F::WrongKey { depth, issuer, .. } => format!(
            "bad signature at depth {depth}: no certificate named {issuer} holds the key that signed it"
        ),
        F::TooLong => format!(
            "no path to {bundle} within {} certificates and {} signature checks",
            rfc5280::MAX_PATH,
            rfc5280::MAX_SIGNATURE_CHECKS
        ),
    }
}

/// The revocation row: `ok`, `revoked` or `not checked`, for every certificate of the path
/// but the trust anchor (as `openssl verify -crl_check_all`).
fn revocation_check(
    req: &Request<'_>,
    path: Option<&[&X509Certificate<'_>]>,
    crls: &[Crl<'_>],
    at: OffsetDateTime,
) -> (Revocation, Vec<rfc5280::Finding>) {
    let not_checked = |why: String| Revocation {
        status: RevocationStatus::NotChecked,
        ok: !req.require_revocation,
        detail: format!("not checked: {why}"),
        revoked_at: None,
        reason: None,
        depth: None,
    };
    let Some(crl_name) = req.crl_name else {
        return (
            not_checked(format!(
                "no CRL given (pass --crl FILE, publish {} with `secctl crl`, or accept with --no-revocation)",
                "DIR/crl.pem"
            )),
            vec![],
        );
    };
    let Some(path) = path else {
        return (
            not_checked("no chain to a trust anchor to check CRLs along".into()),
            vec![],
        );
    };
    let mut findings = Vec::new();
    let mut problems = Vec::new();
    let mut checked = Vec::new();
    for d in 0..path.len().saturating_sub(1) {
        let cert = path[d];
        let issuer = path[d + 1];
        let at_depth = format!("depth {d} ({})", cert.subject());
        let Some(crl) = crls.iter().find(|c| {
            c.issuer_raw == cert.issuer().as_raw() && c.view.verify_signature(issuer.public_key())
        }) else {
            problems.push(format!(
                "{at_depth}: no CRL from its issuer {} in {crl_name} [RFC 5280 6.3.3]",
                issuer.subject()
            ));
            continue;
        };
        // Revoked wins over every other finding: a revocation is never undone by a stale CRL.
        let mut unusable = None;
        let entry = match &crl.list {
            Ok(list) => list.find_serial(cert.raw_serial()).ok().flatten(),
            Err(why) => {
                unusable = Some(format!(
                    "{at_depth}: the CRL of {} is unusable ({why})",
                    crl.issuer
                ));
                None
            }
        };
        if let Some(e) = entry {
            let when = OffsetDateTime::from_unix_timestamp(e.revocation_date.as_secs() as i64)
                .unwrap_or(OffsetDateTime::UNIX_EPOCH);
            let reason = e.reason_code.map(|c| reason_name(c as u8));
            let subject = if d == 0 {
                String::new()
            } else {
                format!(" ({at_depth})")
            };
            let r = Revocation {
                status: RevocationStatus::Revoked,
                ok: false,
                detail: format!(
                    "revoked at {}{}{subject}",
                    fmt(when),
                    reason.map(|r| format!(", reason {r}")).unwrap_or_default()
                ),
                revoked_at: Some(when),
                reason,
                depth: Some(d),
            };
            return (r, findings);
        }
        let f = rfc5280::check_crl(&crl.view, issuer, d);
        match f.first() {
            // The named rule explains more than webpki's refusal of the same CRL.
            Some(first) => problems.push(format!(
                "{at_depth}: the CRL of {} is unacceptable: {} [{}]",
                crl.issuer, first.detail, first.rule
            )),
            None => problems.extend(unusable),
        }
        findings.extend(f);
        if at < crl.this_update {
            problems.push(format!(
                "{at_depth}: the CRL of {} is not valid before {} [RFC 5280 6.3.3]",
                crl.issuer,
                fmt(crl.this_update)
            ));
        } else if let Some(next) = crl.next_update.filter(|n| at > *n) {
            problems.push(format!(
                "{at_depth}: the CRL of {} expired at {} (publish a new one with `secctl crl`) [RFC 5280 6.3.3]",
                crl.issuer,
                fmt(next)
            ));
        }
        checked.push(crl.issuer.clone());
    }
    if let Some(first) = problems.first() {
        let more = if problems.len() > 1 {
            format!(" (and {} more)", problems.len() - 1)
        } else {
            String::new()
        };
        return (not_checked(format!("{first}{more}")), findings);
    }
    checked.dedup();
    let r = Revocation {
        status: RevocationStatus::Ok,
        ok: true,
        detail: format!("not revoked (CRL of {})", checked.join(", CRL of ")),
        revoked_at: None,
        reason: None,
        depth: None,
    };
    (r, findings)
}

fn reason_name(code: u8) -> &'static str {
    match code {
        0 => "unspecified",
        1 => "keyCompromise",
        2 => "caCompromise",
        3 => "affiliationChanged",
        4 => "superseded",
        5 => "cessationOfOperation",
        6 => "certificateHold",
        8 => "removeFromCRL",
        9 => "privilegeWithdrawn",
        10 => "aACompromise",
        _ => "unknown",
    }
}

/// Read and parse a certificate chain file for `verify`.
pub fn read_chain(path: &Path) -> Result<Vec<Vec<u8>>> {
    read_pem_or_der(path, "CERTIFICATE", "certificate")
}

/// Parse a leaf for messages.
pub fn leaf_info(name: &str, der: &[u8]) -> Result<CertInfo> {
    inspect::CertInfo::from_der(name, der)
}
