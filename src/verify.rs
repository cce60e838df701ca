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

/// The purpose a certificate must serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
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
    /// Expected role.
    pub role: Option<String>,
    /// Expected usage.
    pub usage: Option<Usage>,
    /// Verification time.
    pub at: OffsetDateTime,
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

/// The result of a verification.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The certificate input.
    pub input: String,
    /// The certificate, parsed.
    pub certificate: CertInfo,
    /// Verification time.
    #[serde(with = "::time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Every check made.
    pub checks: Vec<Check>,
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

/// A CRL, parsed lazily: webpki walks the entries only when looking a serial up, so a
/// CRL with 100,000 entries costs no allocation per entry.
struct Crl<'a> {
    list: webpki::CertRevocationList<'a>,
    /// DER of the issuer Name, tag included (comparable with a certificate's subject).
    issuer_raw: &'a [u8],
    issuer: String,
    this_update: OffsetDateTime,
    next_update: Option<OffsetDateTime>,
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

/// Verify. `Err` means the input cannot be used at all.
pub fn verify(req: &Request<'_>) -> Result<Report> {
    let leaf_der = req
        .chain
        .first()
        .ok_or_else(|| Error::input(req.cert_name, "contains no certificate"))?;
    let info = CertInfo::from_der(req.cert_name, leaf_der)?;
    let intermediates: Vec<CertificateDer<'_>> = req.chain[1..]
        .iter()
        .map(|d| CertificateDer::from(d.as_slice()))
        .collect();
    for (i, d) in req.chain[1..].iter().enumerate() {
        CertInfo::from_der(&format!("{} (certificate {})", req.cert_name, i + 2), d)?;
    }
    // Trust anchors: each must parse and be a CA.
    let mut anchor_infos = Vec::new();
    let bundle_ders: Vec<CertificateDer<'_>> = req
        .bundle
        .iter()
        .map(|d| CertificateDer::from(d.as_slice()))
        .collect();
    let mut anchors = Vec::new();
    for (i, d) in bundle_ders.iter().enumerate() {
        let ai = CertInfo::from_der(req.bundle_name, d)?;
        if !ai.is_ca {
            return Err(Error::input(
                req.bundle_name,
                format!(
                    "certificate {} ({}) is not a CA certificate",
                    i + 1,
                    ai.subject
                ),
            ));
        }
        anchors.push(webpki::anchor_from_trusted_cert(d).map_err(|e| {
            Error::input(
                req.bundle_name,
                format!("certificate {} unusable as trust anchor ({e:?})", i + 1),
            )
        })?);
        anchor_infos.push(ai);
    }
    if anchors.is_empty() {
        return Err(Error::input(req.bundle_name, "no CA certificate"));
    }
    // CRLs: each must parse and be signed by a CA of the bundle or the chain.
    let mut crls = Vec::new();
    if let Some(crl_name) = req.crl_name {
        let cas: Vec<X509Certificate<'_>> = req
            .bundle
            .iter()
            .chain(req.chain[1..].iter())
            .filter_map(|d| X509Certificate::from_der(d).ok().map(|(_, c)| c))
            .collect();
        // A CRL from a CA we do not know is ignored when the file has one of ours (a
        // `crl.pem` holds one CRL per CA generation), and refused when none is ours. The
        // signature of the CRL that decides is checked by webpki below.
        let mut foreign = None;
        for (i, der) in req.crls.iter().enumerate() {
            let bad =
                |why: String| Error::input(crl_name, format!("CRL {} is malformed ({why})", i + 1));
            let list = webpki::BorrowedCertRevocationList::from_der(der)
                .map_err(|e| bad(format!("{e:?}")))?;
            let (issuer_raw, this_update, next_update) =
                crl_header(der).ok_or_else(|| bad("unreadable header".into()))?;
            let issuer = X509Name::from_der(issuer_raw)
                .map(|(_, n)| n.to_string())
                .map_err(|e| bad(e.to_string()))?;
            if !cas.iter().any(|c| c.subject().as_raw() == issuer_raw) {
                foreign.get_or_insert(issuer);
                continue;
            }
            crls.push(Crl {
                list: list.into(),
                issuer_raw,
                issuer,
                this_update,
                next_update,
            });
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
    }

    let mut checks = Vec::new();
    let at = req.at;
    // validity
    let validity = if info.not_before > info.not_after {
        Check {
            check: "validity",
            ok: false,
            detail: format!(
                "never valid (not before {} is after not after {})",
                fmt(info.not_before),
                fmt(info.not_after)
            ),
        }
    } else if at < info.not_before {
        Check {
            check: "validity",
            ok: false,
            detail: format!("not valid before {}", fmt(info.not_before)),
        }
    } else if at > info.not_after {
        Check {
            check: "validity",
            ok: false,
            detail: format!("expired at {}", fmt(info.not_after)),
        }
    } else {
        Check {
            check: "validity",
            ok: true,
            detail: format!("valid {} .. {}", fmt(info.not_before), fmt(info.not_after)),
        }
    };
    checks.push(validity);
    // chain, at a time inside the leaf's validity so that this check is about the CAs.
    // (`max` then `min`, not `clamp`: a hostile certificate may end before it starts.)
    let t = at.max(info.not_before).min(info.not_after);
    let ee_der = CertificateDer::from(leaf_der.as_slice());
    let ee = EndEntityCert::try_from(&ee_der)
        .map_err(|e| Error::input(req.cert_name, format!("unusable certificate ({e:?})")))?;
    let chain = ee.verify_for_usage(
        ALGS,
        &anchors,
        &intermediates,
        unix(t),
        AnyUsage,
        None,
        None,
    );
    checks.push(match chain {
        Ok(path) => {
            let anchor_subject = anchor_infos
                .iter()
                .zip(bundle_ders.iter())
                .find(|(_, d)| {
                    webpki::anchor_from_trusted_cert(d).is_ok_and(|a| {
                        a.subject_public_key_info == path.anchor().subject_public_key_info
                    })
                })
                .map(|(i, _)| i.subject.clone())
                .unwrap_or_default();
            Check {
                check: "chain",
                ok: true,
                detail: format!("issued by {}, anchored at {anchor_subject}", info.issuer),
            }
        }
        Err(e) => Check {
            check: "chain",
            ok: false,
            detail: chain_error(&e, req.bundle_name),
        },
    });
    if let Some(u) = req.usage {
        let (want, name) = match u {
            Usage::Server => ("serverAuth", "server"),
            Usage::Client => ("clientAuth", "client"),
        };
        let ok =
            info.extended_key_usage.is_empty() || info.extended_key_usage.iter().any(|e| e == want);
        checks.push(Check {
            check: "usage",
            ok,
            detail: if ok {
                format!("{want} allowed")
            } else {
                format!(
                    "not usable as a TLS {name}: extended key usage is {}",
                    info.extended_key_usage.join(", ")
                )
            },
        });
    }
    if let Some(crl_name) = req.crl_name {
        let ctx = RevocationContext {
            crl_name,
            ee: &ee,
            anchors: &anchors,
            intermediates: &intermediates,
            time: unix(t),
        };
        checks.push(revocation_check(&ctx, &info, leaf_der, &crls, at)?);
    }
    if let Some(h) = &req.host {
        let name = match h {
            Host::Dns(d) => ServerName::try_from(d.as_str()).map(|n| n.to_owned()),
            Host::Ip(ip) => Ok(ServerName::IpAddress((*ip).into())),
        };
        let ok = match name {
            Ok(n) => ee.verify_is_valid_for_subject_name(&n).is_ok(),
            Err(_) => false,
        };
        let mut names = info.dns_names.clone();
        names.extend(info.ip_addresses.iter().cloned());
        checks.push(Check {
            check: "host",
            ok,
            detail: if ok {
                format!("{h} matches")
            } else {
                format!(
                    "{h} is not among the certificate's names ({})",
                    names.join(", ")
                )
            },
        });
    }
    if let Some(role) = &req.role {
        let ou = info.role.as_deref();
        let spiffe_role = info
            .spiffe_id
            .as_deref()
            .and_then(|s| s.strip_prefix("spiffe://"))
            .and_then(|s| s.split('/').nth(1));
        let ok = ou == Some(role.as_str()) && spiffe_role.is_none_or(|r| r == role);
        checks.push(Check {
            check: "role",
            ok,
            detail: if ok {
                format!("role {role}")
            } else {
                format!(
                    "expected role {role}, certificate has OU={} and SPIFFE id {}",
                    ou.unwrap_or("(none)"),
                    info.spiffe_id.as_deref().unwrap_or("(none)")
                )
            },
        });
    }
    let ok = checks.iter().all(|c| c.ok);
    Ok(Report {
        input: req.cert_name.to_string(),
        certificate: info,
        at,
        checks,
        ok,
    })
}

fn fmt(t: OffsetDateTime) -> String {
    crate::output::fmt_time(t)
}

fn chain_error(e: &webpki::Error, bundle: &str) -> String {
    use webpki::Error as E;
    match e {
        E::UnknownIssuer => format!("not issued by a CA in {bundle}"),
        E::CertExpired { .. } => "a CA certificate in the chain has expired".into(),
        E::CertNotValidYet { .. } => "a CA certificate in the chain is not yet valid".into(),
        E::CaUsedAsEndEntity => "the certificate is a CA certificate, not a leaf".into(),
        E::InvalidSignatureForPublicKey => "bad signature: not signed by the CA it names".into(),
        other => format!("chain rejected ({other:?})"),
    }
}

struct RevocationContext<'a, 'p> {
    crl_name: &'a str,
    ee: &'p EndEntityCert<'p>,
    anchors: &'p [rustls_pki_types::TrustAnchor<'p>],
    intermediates: &'p [CertificateDer<'p>],
    time: UnixTime,
}

fn revocation_check(
    ctx: &RevocationContext<'_, '_>,
    info: &CertInfo,
    leaf_der: &[u8],
    crls: &[Crl<'_>],
    at: OffsetDateTime,
) -> Result<Check> {
    let fail = |detail: String| {
        Ok(Check {
            check: "revocation",
            ok: false,
            detail,
        })
    };
    let (_, leaf) =
        X509Certificate::from_der(leaf_der).map_err(|e| Error::internal(e.to_string()))?;
    let Some(crl) = crls.iter().find(|c| c.issuer_raw == leaf.issuer().as_raw()) else {
        return fail(format!("no CRL from the issuer {}", info.issuer));
    };
    if at < crl.this_update {
        return fail(format!("CRL not valid before {}", fmt(crl.this_update)));
    }
    if let Some(next) = crl.next_update.filter(|n| at > *n) {
        return fail(format!(
            "CRL expired at {} (publish a new one with `secctl crl`)",
            fmt(next)
        ));
    }
    let lists = [&crl.list];
    let opts = webpki::RevocationOptionsBuilder::new(&lists)
        .map_err(|_| Error::internal("no CRL"))?
        .with_depth(webpki::RevocationCheckDepth::EndEntity)
        .with_status_policy(webpki::UnknownStatusPolicy::Deny)
        .with_expiration_policy(webpki::ExpirationPolicy::Ignore)
        .build();
    let r = ctx.ee.verify_for_usage(
        ALGS,
        ctx.anchors,
        ctx.intermediates,
        ctx.time,
        AnyUsage,
        Some(opts),
        None,
    );
    match r {
        Ok(_) => Ok(Check {
            check: "revocation",
            ok: true,
            detail: format!("not revoked (CRL of {})", crl.issuer),
        }),
        Err(webpki::Error::CertRevoked) => {
            let entry = crl.list.find_serial(leaf.raw_serial()).ok().flatten();
            let when = entry
                .as_ref()
                .and_then(|e| {
                    OffsetDateTime::from_unix_timestamp(e.revocation_date.as_secs() as i64).ok()
                })
                .map(fmt)
                .unwrap_or_else(|| "?".into());
            let reason = entry
                .and_then(|e| e.reason_code)
                .map(|c| format!(", reason {}", reason_name(c as u8)))
                .unwrap_or_default();
            fail(format!("revoked at {when}{reason}"))
        }
        Err(webpki::Error::InvalidCrlSignatureForPublicKey) => Err(Error::input(
            ctx.crl_name,
            format!("the CRL of {} is not signed by that CA's key", crl.issuer),
        )),
        Err(webpki::Error::UnknownRevocationStatus) => fail(format!(
            "the CRL of {} does not cover this certificate",
            crl.issuer
        )),
        Err(_) => fail("not checked: no valid chain to verify the CRL with".into()),
    }
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
