//! `probe --authz POLICY --as ROLE=CERT,KEY ...`: the authorization matrix of every target,
//! rules by callers, beside what the policy allows.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::output::{Printer, Tone};
use crate::pki::authz::Policy;
use crate::probe::authz::{Caller, Cell, Observed};
use crate::probe::{self, Config, TargetReport};
use crate::term::{cell, escape};

/// A role's certificate and key as given to `--as`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleCert {
    /// The role.
    pub role: String,
    /// The certificate file.
    pub cert: PathBuf,
    /// The key file.
    pub key: PathBuf,
}

/// Parse `ROLE=CERT,KEY`.
pub fn parse_as(s: &str) -> Result<RoleCert> {
    let bad = |why: &str| {
        Error::Usage(format!(
            "invalid --as {s:?}: {why} (expected ROLE=CERT,KEY)"
        ))
    };
    let (role, files) = s.split_once('=').ok_or_else(|| bad("no `=`"))?;
    let (cert, key) = files
        .split_once(',')
        .ok_or_else(|| bad("no `,` between CERT and KEY"))?;
    if cert.is_empty() || key.is_empty() {
        return Err(bad("empty file name"));
    }
    crate::pki::names::check_role(role).map_err(|e| bad(&e.to_string()))?;
    Ok(RoleCert {
        role: role.to_string(),
        cert: PathBuf::from(cert),
        key: PathBuf::from(key),
    })
}

/// The callers of the matrix: each `--as` role, whose certificate must hold that role
/// under the identity rule (in `trust_domain`), then no certificate. Every role the
/// policy names needs a caller: a role nobody holds cannot be checked.
pub fn callers(
    files: &crate::pki::fsio::StateDir,
    policy_file: &Path,
    policy: &Policy,
    given: &[RoleCert],
    trust_domain: &str,
) -> Result<Vec<Caller>> {
    let mut out: Vec<Caller> = Vec::new();
    for g in given {
        if out.iter().any(|c| c.role.as_deref() == Some(&g.role)) {
            return Err(Error::Usage(format!("--as {} given twice", g.role)));
        }
        let key = crate::tlsconf::load_certified_key(files, &g.cert, &g.key)?;
        let leaf = key
            .cert
            .first()
            .ok_or_else(|| Error::path(&g.cert, "holds no certificate"))?;
        match crate::pki::identity::establish(leaf.as_ref(), trust_domain) {
            Ok(id) if id.role == g.role => {}
            Ok(id) => {
                return Err(Error::path(
                    &g.cert,
                    format!(
                        "holds role {:?}, not {:?} (--as {}=...)",
                        id.role, g.role, g.role
                    ),
                ))
            }
            Err(why) => {
                return Err(Error::path(
                    &g.cert,
                    format!("has no role in trust domain {trust_domain}: {why}"),
                ))
            }
        }
        out.push(Caller {
            role: Some(g.role.clone()),
            key: Some(key),
        });
    }
    for role in policy.roles() {
        if !given.iter().any(|g| g.role == role) {
            return Err(Error::path(
                policy_file,
                format!(
                    "line {}: role {role:?} is held by no --as certificate (add --as {role}=CERT,KEY)",
                    policy.line_of_role(&role)
                ),
            ));
        }
    }
    out.push(Caller {
        role: None,
        key: None,
    });
    Ok(out)
}

/// One matrix to run: the target's configuration, the target, its policy and callers.
pub type Matrix = (Arc<Config>, probe::Target, Policy, Vec<Caller>);

/// Run the matrix of every report that has one (`jobs[i]` for `reports[i]`), in one
/// runtime, at most `concurrency` targets at once, and attach each to its report.
pub fn attach(
    reports: &mut [TargetReport],
    jobs: Vec<Option<Matrix>>,
    concurrency: usize,
) -> Result<()> {
    if jobs.iter().all(Option::is_none) {
        return Ok(());
    }
    let rt = crate::cmd::runtime()?;
    let cells = rt.block_on(async {
        let sem = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
        let handles: Vec<_> = jobs
            .into_iter()
            .map(|job| {
                let sem = sem.clone();
                job.map(|(cfg, target, policy, callers)| {
                    tokio::spawn(async move {
                        let _permit = sem.acquire_owned().await.ok();
                        probe::run::authz_matrix(cfg, target, &policy, &callers).await
                    })
                })
            })
            .collect();
        let mut out = Vec::with_capacity(handles.len());
        for h in handles {
            out.push(match h {
                Some(h) => Some(h.await),
                None => None,
            });
        }
        out
    });
    for (r, c) in reports.iter_mut().zip(cells) {
        if let Some(c) = c {
            r.authz = Some(c.map_err(Error::internal)?);
        }
    }
    Ok(())
}

/// The matrix as text: rows the rules' paths, columns the callers; a cell that differs
/// from the policy is marked, and each difference named below.
pub fn print_matrix(p: &Printer, cells: &[Cell]) -> Result<()> {
    let mut callers: Vec<String> = Vec::new();
    for c in cells {
        let who = c.role.clone().unwrap_or_else(|| "(no cert)".into());
        if !callers.contains(&who) {
            callers.push(who);
        }
    }
    let mut headers: Vec<String> = vec!["AUTHZ".into()];
    headers.extend(callers.iter().map(|c| c.to_uppercase()));
    let width = callers.len().max(1);
    let rows: Vec<Vec<String>> = cells
        .chunks(width)
        .map(|row| {
            let first = &row[0];
            let what = if first.grpc || first.method == "GET" {
                first.path.clone()
            } else {
                format!("{} {}", first.method, first.path)
            };
            let mut out = vec![cell(&what)];
            out.extend(row.iter().map(|c| {
                let word = c.observed.to_string();
                if c.agrees {
                    p.paint(&word, Tone::Good)
                } else if c.observed == Observed::NotChecked {
                    p.paint(&format!("{word}!"), Tone::Warn)
                } else {
                    p.paint(&format!("{word}!"), Tone::Bad)
                }
            }));
            out
        })
        .collect();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    p.table(&headers, &rows)?;
    let differ: Vec<&Cell> = cells.iter().filter(|c| !c.agrees).collect();
    if differ.is_empty() {
        return p.line(&format!(
            "authz: {} cells, {}",
            cells.len(),
            p.paint("all as the policy says", Tone::Good)
        ));
    }
    p.line(&format!(
        "authz: {} of {} cells differ from the policy (marked !):",
        differ.len(),
        cells.len()
    ))?;
    for c in differ {
        p.line(&format!(
            "  {} [{}]",
            p.paint(&escape(&c.difference()), Tone::Bad),
            escape(&c.evidence)
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_forms() {
        let r = parse_as("gitlab=a.crt,a.key").unwrap();
        assert_eq!(r.role, "gitlab");
        assert_eq!(r.cert, PathBuf::from("a.crt"));
        for bad in [
            "gitlab",
            "gitlab=a.crt",
            "=a,b",
            "gitlab=,b",
            "bad role=a,b",
        ] {
            let e = parse_as(bad).unwrap_err().to_string();
            assert!(e.contains("--as") && !e.contains('\n'), "{bad}: {e}");
        }
    }
}
