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
use crate::sig::ALGS;
pub use crate::verify_crl::{crl_freshness_warnings, Revocation, RevocationStatus, CRL_WARN_DAYS};

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

/// Read a file of PEM blocks with `tag` (or one DER object), refusing empty and truncated
/// input; a file below the state directory `files` is read without following a symbolic
/// link there.
pub fn read_pem_or_der(
    files: &crate::pki::fsio::StateDir,
    path: &Path,
    tag: &str,
    what: &str,
) -> Result<Vec<Vec<u8>>> {
    crate::pki::pemfile::read_in(files, path, tag, what)
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
    let (crls, mut warnings) = match req.crl_name {
        Some(crl_name) => {
            crate::verify_crl::usable_crls(crl_name, req.bundle_name, &req.crls, &cands)?
        }
        None => (Vec::new(), Vec::new()),
    };
    // Certificates and CRLs carry whole seconds: a time between two seconds is the first
    // (RFC 5280 4.1.2.5 encodes validity to the second).
    let at = req.at.replace_nanosecond(0).unwrap_or(req.at);
    let mut checks = vec![validity_check(&info, at)];
    let chain = chain_check(req, at, &info, &leaf, leaf_der, &cands, &anchors);
    checks.push(chain.check);
    if let Some(u) = req.usage {
        checks.push(usage_check(&info, u));
    }
    let (revocation, crl_findings) = crate::verify_crl::revocation_check(
        req.crl_name,
        req.require_revocation,
        chain.path.as_deref(),
        &crls,
        at,
    );
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
    if let Some(n) = req.crl_name {
        warnings.extend(crl_freshness_warnings(n, &req.crls, at));
    }
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
        // A certificate that does not claim to be a CA at all (v3, neither CA:TRUE nor
        // keyCertSign) is a usage error: a leaf given as --ca (a self-signed server
        // certificate too). A root that breaks a rule (keyCertSign without
        // basicConstraints, v1) is kept, so that the profile check refuses it with its rule
        // (exit 1).
        let may_sign = c.is_ca()
            || c.key_usage()
                .ok()
                .flatten()
                .is_some_and(|k| k.value.key_cert_sign());
        if !may_sign && c.version() == X509Version::V3 {
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

/// The `chain` check, the path it found (leaf first) and the RFC 5280 findings on it.
struct ChainResult<'c, 'a> {
    check: Check,
    path: Option<Vec<&'c X509Certificate<'a>>>,
    findings: Vec<rfc5280::Finding>,
}

/// The chain, at a time inside the leaf's validity so that this check is about the CAs:
/// secctl's RFC 5280 path building and profile rules (every path found is judged by them,
/// until one satisfies them), then webpki as a second opinion on the path chosen.
fn chain_check<'c, 'a>(
    req: &Request<'_>,
    at: OffsetDateTime,
    info: &CertInfo,
    leaf: &'c X509Certificate<'a>,
    leaf_der: &[u8],
    cands: &'c [rfc5280::Candidate<'a>],
    anchors: &[rustls_pki_types::TrustAnchor<'_>],
) -> ChainResult<'c, 'a> {
    // (`max` then `min`, not `clamp`: a hostile certificate may end before it starts.)
    let t = at.max(info.not_before).min(info.not_after);
    let purpose = req.usage.map(|u| match u {
        Usage::Server => rfc5280::Purpose::Server,
        Usage::Client => rfc5280::Purpose::Client,
    });
    let path_of = |ix: &[usize]| -> Vec<&'c X509Certificate<'a>> {
        std::iter::once(leaf)
            .chain(ix.iter().map(|&i| &cands[i].cert))
            .collect()
    };
    let mut judged: Vec<(Vec<usize>, Vec<rfc5280::Finding>)> = Vec::new();
    let built = rfc5280::build_path_with(leaf, cands, &mut |ix| {
        let f = rfc5280::check_path(&path_of(ix), t, purpose);
        let ok = f.is_empty();
        judged.push((ix.to_vec(), f));
        ok
    })
    .map(|(ix, _)| ix);
    let path: Option<Vec<&X509Certificate<'_>>> = built.as_ref().ok().map(|ix| path_of(ix));
    let findings = match &built {
        Ok(ix) => judged
            .into_iter()
            .find(|(p, _)| p == ix)
            .map(|(_, f)| f)
            .unwrap_or_default(),
        // Without a path, the leaf's own defects (a signature algorithm mismatch, an
        // unsupported version) explain more than "no issuer".
        Err(_) => {
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
            // RFC 5280 does. The path was built and its signatures verified with webpki's
            // algorithms above; each certificate must still parse for webpki.
            Err(e) if e.starts_with(DEFERRED) => {
                match path.as_deref().and_then(|p| webpki_parse_failure(p)) {
                    Some(bad) => Check::new("chain", false, bad),
                    None => Check::new(
                        "chain",
                        true,
                        format!(
                            "issued by {}, anchored at {anchor_subject} ({} checked by secctl's RFC 5280 rules)",
                            info.issuer,
                            &e[DEFERRED.len()..]
                        ),
                    ),
                }
            }
            Err(e) => Check::new("chain", false, e),
        }
    };
    ChainResult {
        check,
        path,
        findings,
    }
}

/// The first certificate of the path (trust anchor excepted) that webpki's parser refuses.
fn webpki_parse_failure(path: &[&X509Certificate<'_>]) -> Option<String> {
    path[..path.len().saturating_sub(1)]
        .iter()
        .enumerate()
        .find_map(|(d, c)| {
            let der = CertificateDer::from(c.as_raw());
            EndEntityCert::try_from(&der)
                .err()
                .map(|e| format!("depth {d} ({}): unusable certificate ({e:?})", c.subject()))
        })
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
    let ee = match EndEntityCert::try_from(&ee_der) {
        Ok(ee) => ee,
        // webpki's name matching reads the certificate first: say so rather than "not
        // among the names" when it cannot.
        Err(e) => {
            return Check::new(
                "host",
                false,
                format!("{h} cannot be matched: the certificate is unusable ({e:?})"),
            )
        }
    };
    let ok = name.is_ok_and(|n| ee.verify_is_valid_for_subject_name(&n).is_ok());
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

/// webpki's refusal as the `chain` row says it, or [`DEFERRED`] and what secctl's RFC 5280
/// layer decides instead: name constraints (webpki refuses every directoryName and URI
/// constraint), a CA certificate as the end entity (RFC 5280 allows it), and any refusal of
/// a path through a self-issued intermediate (webpki counts it toward pathLenConstraint
/// against RFC 5280 6.1.4 (l), and its path building then reports whatever error ranks
/// highest among the paths it tried) or of a path whose names match only as RFC 5280 7.1
/// compares them (webpki compares bytes).
fn chain_error(e: &webpki::Error, bundle: &str, path: Option<&[&X509Certificate<'_>]>) -> String {
    use webpki::Error as E;
    let self_issued_inside = path.is_some_and(|p| {
        p.len() > 2 && p[1..p.len() - 1].iter().any(|c| rfc5280::is_self_issued(c))
    });
    // webpki chains by byte-identical names; RFC 5280 7.1 compares them after
    // normalisation (a PrintableString issuer and a UTF8String subject of the same text).
    let normalised_link = path.is_some_and(|p| {
        p.windows(2)
            .any(|w| w[0].issuer().as_raw() != w[1].subject().as_raw())
    });
    match e {
        E::NameConstraintViolation => format!("{DEFERRED}name constraints"),
        E::CaUsedAsEndEntity => format!("{DEFERRED}a CA certificate as the end entity"),
        _ if self_issued_inside => {
            format!("{DEFERRED}a path through a self-issued certificate")
        }
        _ if normalised_link => {
            format!("{DEFERRED}issuer names compared as RFC 5280 7.1 says")
        }
        E::UnknownIssuer => format!("not issued by a CA in {bundle}"),
        E::CertExpired { .. } => "a CA certificate in the chain has expired".into(),
        E::CertNotValidYet { .. } => "a CA certificate in the chain is not yet valid".into(),
        E::InvalidSignatureForPublicKey => "bad signature: not signed by the CA it names".into(),
        E::UnsupportedCriticalExtension => "unsupported critical extension".into(),
        E::UnsupportedCertVersion => "unsupported certificate version".into(),
        E::PathLenConstraintViolated => "path length constraint exceeded".into(),
        other => format!("chain rejected ({other:?})"),
    }
}

fn path_failure(f: &rfc5280::PathFailure, bundle: &str) -> String {
    use rfc5280::PathFailure as F;
    let f = &match f.clone() {
        F::UnknownIssuer { depth, issuer } if issuer.is_empty() => F::UnknownIssuer {
            depth,
            issuer: "(an empty name)".into(),
        },
        other => other,
    };
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
        F::Unsupported { depth, issuer, why } => format!(
            "depth {depth}: the signature by {issuer} cannot be accepted ({why})"
        ),
        F::TooLong => format!(
            "no path to {bundle} within {} certificates and {} signature checks",
            rfc5280::MAX_PATH,
            rfc5280::MAX_SIGNATURE_CHECKS
        ),
    }
}

/// Read and parse a certificate chain file for `verify`.
pub fn read_chain(files: &crate::pki::fsio::StateDir, path: &Path) -> Result<Vec<Vec<u8>>> {
    read_pem_or_der(files, path, "CERTIFICATE", "certificate")
}

/// Parse a leaf for messages.
pub fn leaf_info(name: &str, der: &[u8]) -> Result<CertInfo> {
    inspect::CertInfo::from_der(name, der)
}
