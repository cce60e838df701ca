//! What `verify FILE` and `verify HOST:PORT` share: `--at`, the candidate intermediates,
//! and the printing of a verification report (the checks table or JSON, the exit code).

use time::OffsetDateTime;

use crate::cmd::Ctx;
use crate::error::{Error, Result, EXIT_CHECK_FAILED};
use crate::output::Tone;
use crate::term::{cell, escape};
use crate::verify::{self, RevocationStatus};

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

/// The `--untrusted` bundles, then the state directory's intermediates: candidates for
/// the path.
pub fn untrusted_certs(ctx: &Ctx, files: &[std::path::PathBuf]) -> Result<Vec<Vec<u8>>> {
    let mut untrusted = Vec::new();
    for f in files {
        untrusted.extend(verify::read_pem_or_der(
            ctx.store.files(),
            f,
            "CERTIFICATE",
            "certificate",
        )?);
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
        .filter_map(|f| {
            verify::read_pem_or_der(ctx.store.files(), f, "CERTIFICATE", "certificate").ok()
        })
        .flatten()
        .collect()
}

/// Print a verification report (the checks table, or JSON) and return its exit code.
pub fn print(ctx: &Ctx, name: &str, report: &verify::Report) -> Result<u8> {
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
