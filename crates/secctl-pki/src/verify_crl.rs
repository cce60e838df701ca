//! The revocation row of `verify`: the CRLs given with `--crl`, which of them can be used,
//! and the status of every certificate of the path but the trust anchor.
//!
//! A CRL proves "not revoked" only when it is complete for the certificate: issued under the
//! certificate's issuer name (compared as RFC 5280 7.1 says) and signed by the key that
//! signed the certificate, current at the verification time, its scope
//! (issuingDistributionPoint) covering the certificate, every critical extension of the CRL
//! and every extension of its entries understood. Otherwise the certificate's status is
//! `not checked`, never `ok`. A listed serial is `revoked` whatever else is wrong with the
//! CRL: a revocation is never undone by a stale or partial CRL.

use ::time::OffsetDateTime;
use serde::Serialize;
use webpki::BorrowedCertRevocationList;
use x509_parser::prelude::*;

use crate::error::{Error, Result};
use crate::rfc5280;
use crate::sig::Signature;

/// The outcome of the revocation row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RevocationStatus {
    /// Every certificate of the path was looked up in a current CRL of its issuer that is
    /// complete for it.
    #[serde(rename = "ok")]
    Ok,
    /// A certificate of the path is revoked.
    #[serde(rename = "revoked")]
    Revoked,
    /// The status could not be established (no CRL, an expired, unacceptable or partial
    /// one).
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

/// A CRL of a CA we know, signature verified: its header and extensions, and webpki's lazy
/// view of its entries (`Err` when webpki refuses it for a rule, e.g. an unsupported
/// critical extension).
pub(crate) struct Crl<'a> {
    view: rfc5280::CrlView<'a>,
    list: std::result::Result<BorrowedCertRevocationList<'a>, String>,
    issuer_name: X509Name<'a>,
    issuer: String,
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

fn fmt(t: OffsetDateTime) -> String {
    crate::ground::timefmt::fmt_time(t)
}

/// Why one CRL of the file cannot be used.
enum Unusable {
    /// Not a CRL secctl can read.
    Malformed(String),
    /// Signed with an algorithm secctl does not verify.
    Unsupported(String),
    /// Under the name of a CA we know, and signed by none of the keys of that name.
    Unverified(String),
    /// From a CA that is in neither the bundle nor the path.
    Foreign(String),
}

/// The CRLs of `crl_name` that can be used: each parsed, its issuer a CA we know, signed by
/// that CA's key. A CRL that cannot be used does not make the others unusable: when at least
/// one is usable, the others are named in warnings (the certificates only they would cover
/// are then `not checked`). When none is, the input is an error (exit 2), naming why.
pub(crate) fn usable_crls<'a>(
    crl_name: &str,
    bundle_name: &str,
    ders: &'a [Vec<u8>],
    cands: &[rfc5280::Candidate<'_>],
) -> Result<(Vec<Crl<'a>>, Vec<String>)> {
    let mut crls = Vec::new();
    let mut unusable = Vec::new();
    for (i, der) in ders.iter().enumerate() {
        match read_crl(der, cands) {
            Ok(c) => crls.push(c),
            Err(u) => unusable.push((i + 1, u)),
        }
    }
    // A CRL of a known name that none of its certificates signed, beside a CRL of that name
    // that one did, is a CRL of another key of that CA (a key rollover): not worth a word.
    unusable.retain(|(_, u)| match u {
        Unusable::Unverified(issuer) => !crls.iter().any(|c| &c.issuer == issuer),
        _ => true,
    });
    let why = |n: usize, u: &Unusable| match u {
        Unusable::Malformed(why) => format!("CRL {n} is malformed ({why})"),
        Unusable::Unsupported(why) => format!("CRL {n} cannot be checked ({why})"),
        Unusable::Unverified(issuer) => {
            format!("the CRL of {issuer} is not signed by that CA's key")
        }
        Unusable::Foreign(issuer) => format!(
            "CRL from another CA: issuer {issuer} is not a CA in {bundle_name} or the chain"
        ),
    };
    if crls.is_empty() {
        // The most telling reason: a malformed CRL, then a forged one, then a foreign one.
        let rank = |u: &Unusable| match u {
            Unusable::Malformed(_) | Unusable::Unsupported(_) => 0,
            Unusable::Unverified(_) => 1,
            Unusable::Foreign(_) => 2,
        };
        let first = unusable.iter().min_by_key(|(_, u)| rank(u));
        let msg = match first {
            Some((n, u)) => why(*n, u),
            None => format!(
                "CRL from another CA: issuer (none) is not a CA in {bundle_name} or the chain"
            ),
        };
        return Err(Error::input(crl_name, msg));
    }
    let warnings = unusable
        .iter()
        .map(|(n, u)| format!("{crl_name}: {}; the other CRLs are used", why(*n, u)))
        .collect();
    Ok((crls, warnings))
}

fn read_crl<'a>(
    der: &'a [u8],
    cands: &[rfc5280::Candidate<'_>],
) -> std::result::Result<Crl<'a>, Unusable> {
    let view =
        rfc5280::CrlView::from_der(der).ok_or(Unusable::Malformed("not a DER CRL".into()))?;
    // webpki reads the entries lazily; its structural errors make the CRL unusable, its
    // refusals of a rule ("Unsupported...") are reported as such.
    let list = match BorrowedCertRevocationList::from_der(der) {
        Ok(l) => Ok(l),
        Err(e) if format!("{e:?}").starts_with("Unsupported") => Err(format!("{e:?}")),
        Err(e) => return Err(Unusable::Malformed(format!("{e:?}"))),
    };
    let (_, issuer_name) =
        X509Name::from_der(view.issuer_raw).map_err(|e| Unusable::Malformed(e.to_string()))?;
    let issuer = issuer_name.to_string();
    let named: Vec<&X509Certificate<'_>> = cands
        .iter()
        .map(|c| &c.cert)
        .filter(|c| crate::dn::names_equal(c.subject(), &issuer_name))
        .collect();
    if named.is_empty() {
        return Err(Unusable::Foreign(issuer));
    }
    let verdicts: Vec<Signature> = named
        .iter()
        .map(|c| crate::sig::verify(c.public_key(), der))
        .collect();
    if !verdicts.contains(&Signature::Valid) {
        if verdicts.iter().all(|v| *v == Signature::Unsupported) {
            return Err(Unusable::Unsupported(format!(
                "signed with algorithm {}, which secctl does not verify",
                view.signature_algorithm.algorithm.to_id_string()
            )));
        }
        return Err(Unusable::Unverified(issuer));
    }
    Ok(Crl {
        view,
        list,
        issuer_name,
        issuer,
    })
}

/// What one CRL says of one certificate.
enum Status {
    Revoked(Revocation),
    Complete,
    /// Why it cannot say, and the RFC 5280 findings on it.
    Incomplete(String, Vec<rfc5280::Finding>),
}

/// What `crl` (of `cert`'s issuer) says of `cert` at depth `d`, signed by `issuer`.
fn status(
    crl: &Crl<'_>,
    cert: &X509Certificate<'_>,
    issuer: &X509Certificate<'_>,
    d: usize,
    at: OffsetDateTime,
) -> Status {
    let at_depth = format!("depth {d} ({})", cert.subject());
    let of = &crl.issuer;
    // Every entry is read: an entry with an extension webpki cannot process (an indirect
    // CRL's certificateIssuer, an unknown critical one) makes the CRL incomplete, unless the
    // serial is found first (revoked wins).
    let entries = match &crl.list {
        Ok(list) => {
            let mut bad = None;
            for e in list {
                match e {
                    Ok(e) if e.serial_number == cert.raw_serial() => {
                        return Status::Revoked(revoked(&e, d, &at_depth));
                    }
                    Ok(_) => {}
                    Err(e) => {
                        bad = Some(format!("an entry is unusable ({e:?})"));
                        break;
                    }
                }
            }
            bad
        }
        Err(why) => Some(format!("unusable ({why})")),
    };
    let f = rfc5280::check_crl(&crl.view, issuer, d);
    if let Some(first) = f.first() {
        // The named rule explains more than webpki's refusal of the same CRL.
        let why = format!(
            "{at_depth}: the CRL of {of} is unacceptable: {} [{}]",
            first.detail, first.rule
        );
        return Status::Incomplete(why, f);
    }
    if let Some(why) = entries {
        return Status::Incomplete(format!("{at_depth}: the CRL of {of} is {why}"), f);
    }
    if let Some(gap) = rfc5280::crl_scope_gap(&crl.view, cert) {
        return Status::Incomplete(
            format!("{at_depth}: the CRL of {of} does not cover it: {gap} [RFC 5280 6.3.3]"),
            f,
        );
    }
    if at < crl.view.this_update {
        return Status::Incomplete(
            format!(
                "{at_depth}: the CRL of {of} is not valid before {} [RFC 5280 6.3.3]",
                fmt(crl.view.this_update)
            ),
            f,
        );
    }
    if let Some(next) = crl.view.next_update.filter(|n| at > *n) {
        return Status::Incomplete(
            format!(
                "{at_depth}: the CRL of {of} expired at {} (publish a new one with `secctl crl`) [RFC 5280 6.3.3]",
                fmt(next)
            ),
            f,
        );
    }
    Status::Complete
}

fn revoked(e: &webpki::BorrowedRevokedCert<'_>, d: usize, at_depth: &str) -> Revocation {
    let when = OffsetDateTime::from_unix_timestamp(e.revocation_date.as_secs() as i64)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let reason = e.reason_code.map(|c| reason_name(c as u8));
    let subject = if d == 0 {
        String::new()
    } else {
        format!(" ({at_depth})")
    };
    Revocation {
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
    }
}

/// The revocation row: `ok`, `revoked` or `not checked`, for every certificate of the path
/// but the trust anchor (as `openssl verify -crl_check_all`). `crl_name` is `None` without
/// `--crl`; `required` is false with `--no-revocation`.
pub(crate) fn revocation_check(
    crl_name: Option<&str>,
    required: bool,
    path: Option<&[&X509Certificate<'_>]>,
    crls: &[Crl<'_>],
    at: OffsetDateTime,
) -> (Revocation, Vec<rfc5280::Finding>) {
    let not_checked = |why: String| Revocation {
        status: RevocationStatus::NotChecked,
        ok: !required,
        detail: format!("not checked: {why}"),
        revoked_at: None,
        reason: None,
        depth: None,
    };
    let Some(crl_name) = crl_name else {
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
        let (cert, issuer) = (path[d], path[d + 1]);
        let mine: Vec<&Crl<'_>> = crls
            .iter()
            .filter(|c| {
                crate::dn::names_equal(&c.issuer_name, cert.issuer())
                    && c.view.verify_signature(issuer.public_key())
            })
            .collect();
        if mine.is_empty() {
            problems.push(format!(
                "depth {d} ({}): no CRL from its issuer {} in {crl_name} [RFC 5280 6.3.3]",
                cert.subject(),
                issuer.subject()
            ));
            continue;
        }
        // Revoked by any of them wins; else one complete CRL is enough; else the first
        // CRL's reason is the depth's.
        let mut complete = None;
        let mut first_gap = None;
        for crl in mine {
            match status(crl, cert, issuer, d, at) {
                Status::Revoked(r) => return (r, findings),
                Status::Complete => complete = complete.or(Some(crl.issuer.clone())),
                Status::Incomplete(why, f) => {
                    first_gap.get_or_insert((why, f));
                }
            }
        }
        match (complete, first_gap) {
            (Some(issuer), _) => checked.push(issuer),
            (None, Some((why, f))) => {
                problems.push(why);
                findings.extend(f);
            }
            (None, None) => {}
        }
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
