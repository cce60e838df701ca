//! `secctl verify FILE`: offline verification, every check named.

use time::OffsetDateTime;

use crate::cli::VerifyArgs;
use crate::cmd::Ctx;
use crate::error::{Error, Result, EXIT_CHECK_FAILED};
use crate::output::Tone;
use crate::pki::names;
use crate::term::{cell, escape};
use crate::verify::{self, Request, RevocationStatus};

/// Parse `--at`: RFC 3339, or `@` and Unix seconds.
pub fn parse_time(s: &str) -> Result<OffsetDateTime> {
    if let Some(secs) = s.strip_prefix('@') {
        let n: i64 = secs
            .parse()
            .map_err(|_| Error::Usage(format!("invalid --at {s:?}: expected @UNIX-SECONDS")))?;
        return OffsetDateTime::from_unix_timestamp(n)
            .map_err(|_| Error::Usage(format!("invalid --at {s:?}: out of range")));
    }
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).map_err(|_| {
        Error::Usage(format!(
            "invalid --at {s:?}: expected RFC 3339 (2027-01-01T00:00:00Z) or @UNIX-SECONDS"
        ))
    })
}

/// Run `verify`.
pub fn run(ctx: &Ctx, a: VerifyArgs) -> Result<u8> {
    let target = std::path::Path::new(&a.target);
    if !target.exists() && looks_like_endpoint(&a.target) {
        return super::verify_live::run(ctx, &a);
    }
    let at = match &a.at {
        Some(s) => parse_time(s)?,
        None => OffsetDateTime::now_utc(),
    };
    let host = a.host.as_deref().map(names::parse_host).transpose()?;
    if let Some(r) = &a.role {
        names::check_role(r)?;
    }
    let trust_domain =
        ctx.trust_domain(a.trust_domain.as_ref(), a.role.as_ref().map(|_| "--role"))?;
    let trust = ctx.trust(a.live.ca.as_ref(), a.crl.as_ref());
    let bundle_path = trust.require_bundle(ctx)?;
    let crl_path = trust.crl;
    let chain = verify::read_chain(target)?;
    let bundle = verify::read_pem_or_der(&bundle_path, "CERTIFICATE", "certificate")?;
    let crls = match &crl_path {
        Some(p) => verify::read_pem_or_der(p, "X509 CRL", "CRL")?,
        None => vec![],
    };
    let untrusted = untrusted_certs(ctx, &a.untrusted)?;
    let cert_name = target.display().to_string();
    let bundle_name = bundle_path.display().to_string();
    let crl_name = crl_path.as_ref().map(|p| p.display().to_string());
    let report = verify::verify(&Request {
        cert_name: &cert_name,
        chain,
        bundle_name: &bundle_name,
        bundle,
        crl_name: crl_name.as_deref(),
        crls,
        host,
        role: a.role.clone(),
        trust_domain,
        usage: a.usage,
        at,
        untrusted,
        require_revocation: !a.no_revocation,
    })?;
    print(ctx, &cert_name, &report)
}

/// The `--untrusted` bundles, then the state directory's intermediates: candidates for
/// the path.
pub(crate) fn untrusted_certs(ctx: &Ctx, files: &[std::path::PathBuf]) -> Result<Vec<Vec<u8>>> {
    let mut untrusted = Vec::new();
    for f in files {
        untrusted.extend(verify::read_pem_or_der(f, "CERTIFICATE", "certificate")?);
    }
    untrusted.extend(state_intermediates(ctx));
    Ok(untrusted)
}

/// The intermediates of every CA generation in the state directory (`ca/intermediate.crt`,
/// `ca/previous/*/intermediate.crt`), so that a leaf file without its chain still verifies.
/// Files that cannot be read are skipped: they are candidates, not input.
fn state_intermediates(ctx: &Ctx) -> Vec<Vec<u8>> {
    let ca_dir = ctx.store.ca_dir();
    let mut files = vec![ca_dir.join("intermediate.crt")];
    if let Ok(rd) = std::fs::read_dir(ca_dir.join("previous")) {
        let mut dirs: Vec<_> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        dirs.sort();
        files.extend(dirs.into_iter().map(|d| d.join("intermediate.crt")));
    }
    files
        .iter()
        .filter(|f| f.is_file())
        .filter_map(|f| verify::read_pem_or_der(f, "CERTIFICATE", "certificate").ok())
        .flatten()
        .collect()
}

pub(crate) fn print(ctx: &Ctx, name: &str, report: &verify::Report) -> Result<u8> {
    let p = &ctx.printer;
    for w in &report.warnings {
        p.note(&format!("warning: {}", escape(w)));
    }
    if p.is_json() {
        p.json(report)?;
    } else {
        let c = &report.certificate;
        p.line(&format!(
            "{}: {} (serial {})",
            escape(name),
            escape(&c.subject),
            escape(&c.serial)
        ))?;
        let rows: Vec<Vec<String>> = report
            .checks
            .iter()
            .map(|ch| {
                let result = if ch.check == "revocation" {
                    let r = &report.revocation;
                    match (r.status, r.ok) {
                        (RevocationStatus::Ok, _) => p.paint("ok", Tone::Good),
                        (RevocationStatus::Revoked, _) => p.paint("REVOKED", Tone::Bad),
                        (RevocationStatus::NotChecked, true) => p.paint("not checked", Tone::Warn),
                        (RevocationStatus::NotChecked, false) => p.paint("NOT CHECKED", Tone::Bad),
                    }
                } else if ch.ok {
                    p.paint("ok", Tone::Good)
                } else {
                    p.paint("FAILED", Tone::Bad)
                };
                vec![ch.check.to_string(), result, cell(&ch.detail)]
            })
            .collect();
        p.table(&["CHECK", "RESULT", "DETAIL"], &rows)?;
        // The chain row names the first broken rule; the others follow.
        if report.findings.len() > 1 {
            for f in &report.findings {
                p.line(&format!("  {}", escape(&f.to_string())))?;
            }
        }
        let failed: Vec<&str> = report
            .checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| c.check)
            .collect();
        if failed.is_empty() {
            p.line("verified")?;
        } else {
            p.line(&format!("NOT verified: {} failed", failed.join(", ")))?;
        }
    }
    Ok(if report.ok { 0 } else { EXIT_CHECK_FAILED })
}

fn looks_like_endpoint(s: &str) -> bool {
    s.rsplit_once(':')
        .is_some_and(|(h, p)| !h.is_empty() && !h.contains('/') && p.parse::<u16>().is_ok())
}
