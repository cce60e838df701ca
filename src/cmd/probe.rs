//! `secctl probe HOST:PORT...`: the transport matrix of every target.

use std::io::IsTerminal;
use std::sync::Arc;

use crate::cli::{LiveArgs, ProbeArgs};
use crate::cmd::Ctx;
use crate::error::{Result, EXIT_CHECK_FAILED};
use crate::output::{Printer, Tone};
use crate::probe::{self, Config, Encrypted, GivenCert, Mtls, ServerAuth, TargetReport};
use crate::term::{cell, escape};

/// Build the probe configuration from the live options (bundle, client certificate).
pub fn config(ctx: &Ctx, a: &LiveArgs) -> Result<Config> {
    let ca = ctx.trust(a.ca.as_ref(), None).bundle;
    let files = ctx.store.files();
    let roots = ca
        .as_deref()
        .map(|p| crate::tlsconf::load_roots(files, p))
        .transpose()?;
    let client = match (&a.cert, &a.key) {
        (Some(c), Some(k)) => Some(crate::tlsconf::load_certified_key(files, c, k)?),
        _ => None,
    };
    let mut paths = Vec::new();
    for p in &a.paths {
        if !p.starts_with('/') || p.chars().any(|c| c.is_ascii_control() || c == ' ') {
            return Err(crate::error::Error::Usage(format!(
                "invalid --path {p:?}: expected an absolute path such as /secure"
            )));
        }
        paths.push(p.clone());
    }
    if paths.is_empty() {
        paths.push("/".into());
    }
    let min_tls = match a.min_tls.as_str() {
        "1.0" => 0x0301,
        "1.1" => 0x0302,
        "1.3" => 0x0304,
        _ => 0x0303,
    };
    Ok(Config {
        roots,
        client,
        revoked: None,
        servername: a.servername.clone(),
        timeout: crate::cmd::timeout_arg(a.timeout)?,
        paths,
        policy: crate::probe::Policy {
            min_tls,
            warn_days: i64::from(a.warn_days),
        },
    })
}

/// The revoked canary: `--revoked-cert/--revoked-key`, else the state directory's
/// (`certs/canary/`) when it is revoked, unexpired and from the issuing CA; a canary that
/// is none of these is not tried, and a note says why.
fn canary(ctx: &Ctx, a: &ProbeArgs) -> Result<Option<Arc<rustls::sign::CertifiedKey>>> {
    use crate::pki::canary::{self, State};
    if let (Some(c), Some(k)) = (&a.revoked_cert, &a.revoked_key) {
        return crate::tlsconf::load_certified_key(ctx.store.files(), c, k).map(Some);
    }
    if !ctx.store.is_initialized() {
        return Ok(None);
    }
    let state = canary::state(&ctx.store, time::OffsetDateTime::now_utc())?;
    if let Some(problem) = state.problem() {
        ctx.printer
            .note(&format!("{}: {problem}", ctx.store.name()));
    }
    let State::Ready { cert, key, .. } = state else {
        return Ok(None);
    };
    crate::tlsconf::load_certified_key(ctx.store.files(), &cert, &key).map(Some)
}

/// Probe targets concurrently (at most `concurrency` at once), in input order.
pub fn probe_all(
    cfg: Config,
    targets: Vec<probe::Target>,
    concurrency: usize,
) -> Result<Vec<TargetReport>> {
    let cfg = Arc::new(cfg);
    probe_each(
        targets.into_iter().map(|t| (cfg.clone(), t)).collect(),
        concurrency,
    )
}

/// Probe targets, each with its own configuration.
pub fn probe_each(
    targets: Vec<(Arc<Config>, probe::Target)>,
    concurrency: usize,
) -> Result<Vec<TargetReport>> {
    // One target: a single-threaded runtime (no cross-thread wake-ups on the critical
    // path); many: all cores.
    let rt = if targets.len() == 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| crate::error::Error::io("starting the async runtime", e))?
    } else {
        crate::cmd::runtime()?
    };
    let bar = if targets.len() > 1 && std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(targets.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("probing {bar:30} {pos}/{len} {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let out =
        rt.block_on(async {
            let sem = Arc::new(tokio::sync::Semaphore::new(concurrency));
            let mut handles = Vec::with_capacity(targets.len());
            for (cfg, t) in targets {
                // The permit first, then the task: at most `concurrency` probes exist at once
                // (a probe's state is large; 10,000 spawned up front held a gigabyte).
                let permit = sem.clone().acquire_owned().await;
                let bar = bar.clone();
                handles.push(tokio::spawn(async move {
                    let _permit = permit;
                    let r = probe::probe(cfg, t).await;
                    bar.inc(1);
                    r
                }));
            }
            let mut out = Vec::with_capacity(handles.len());
            for h in handles {
                // Every target has its report, in order: `--inventory` pairs them with their
                // expectations.
                out.push(h.await.map_err(|e| {
                    crate::error::Error::internal(format!("a probe task failed: {e}"))
                })?);
            }
            Ok::<_, crate::error::Error>(out)
        });
    bar.finish_and_clear();
    out
}

/// Print reports as a table per target (text) or the JSON contract.
pub fn print_reports(p: &Printer, reports: &[TargetReport]) -> Result<()> {
    if p.is_json() {
        return p.json(reports);
    }
    for (i, r) in reports.iter().enumerate() {
        if i > 0 {
            p.line("")?;
        }
        p.line(&escape(&r.target))?;
        let yes_no = |b: bool, good: bool| {
            p.paint(
                if b { "yes" } else { "no" },
                if b == good { Tone::Good } else { Tone::Plain },
            )
        };
        let rows: Vec<Vec<String>> = r
            .transports
            .iter()
            .map(|t| {
                let enc = if !t.served {
                    "-".to_string()
                } else if t.encrypted == Some(true) {
                    p.paint("yes", Tone::Good)
                } else if t.redirect.is_some() {
                    p.paint("redirect", Tone::Good)
                } else {
                    p.paint("NO", Tone::Bad)
                };
                let reached = t.reached();
                let auth_tone = match t.client_auth {
                    _ if t.untrusted_client_accepted => Tone::Bad,
                    a if a.demands_certificate() && t.open_paths.is_empty() => Tone::Good,
                    _ if !reached => Tone::Plain,
                    _ => Tone::Warn,
                };
                let mut client_auth = cell(t.client_auth.as_str());
                if t.untrusted_client_accepted {
                    client_auth.push_str(" (ANY CA)");
                }
                let given = match &t.given_cert {
                    None => "-".to_string(),
                    Some(GivenCert::Accepted) => p.paint("accepted", Tone::Good),
                    Some(g) => p.paint(g.word(), Tone::Bad),
                };
                vec![
                    cell(t.transport.as_str()),
                    yes_no(t.served, true),
                    enc,
                    if reached {
                        p.paint(
                            t.server_auth.as_str(),
                            if t.server_auth == ServerAuth::Trusted {
                                Tone::Good
                            } else {
                                Tone::Warn
                            },
                        )
                    } else {
                        "-".into()
                    },
                    if reached {
                        p.paint(&client_auth, auth_tone)
                    } else {
                        "-".into()
                    },
                    given,
                    cell(&t.detail),
                ]
            })
            .collect();
        p.table(
            &[
                "TRANSPORT",
                "SERVED",
                "ENCRYPTED",
                "SERVER AUTH",
                "CLIENT AUTH",
                "GIVEN CERT",
                "DETAIL",
            ],
            &rows,
        )?;
        let tone = |ok: bool| if ok { Tone::Good } else { Tone::Bad };
        p.line(&format!(
            "summary: encrypted {}, mtls {}",
            p.paint(
                r.summary.encrypted.as_str(),
                tone(r.summary.encrypted == Encrypted::All)
            ),
            p.paint(
                r.summary.mtls.as_str(),
                tone(r.summary.mtls == Mtls::Enforced)
            )
        ))?;
        if let Some(g) = r
            .transports
            .iter()
            .filter_map(|t| t.given_cert.as_ref())
            .find(|g| !g.is_accepted())
        {
            p.line(&format!(
                "given certificate: {}",
                p.paint(&escape(&g.to_string()), Tone::Bad)
            ))?;
        }
        for w in &r.warnings {
            p.line(&format!("warning: {}", p.paint(&escape(w), Tone::Warn)))?;
        }
        if let Some(cells) = &r.authz {
            crate::cmd::probe_authz::print_matrix(p, cells)?;
        }
    }
    Ok(())
}

/// Targets from a file: one HOST:PORT per line; blank lines and everything after a `#`
/// are skipped. A bad line is bad input naming the file and the line.
pub fn read_targets_file(f: &std::path::Path) -> Result<Vec<probe::Target>> {
    let text = crate::pki::fsio::read_text(f)?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let t = line.split('#').next().unwrap_or("").trim();
        if t.is_empty() {
            continue;
        }
        out.push(
            probe::parse_target(t)
                .map_err(|e| crate::error::Error::path(f, format!("line {}: {}", n + 1, e)))?,
        );
    }
    Ok(out)
}

/// With more than one target, a last line counting the targets by summary (text only).
pub fn print_overall(p: &Printer, reports: &[TargetReport]) -> Result<()> {
    if p.is_json() || reports.len() < 2 {
        return Ok(());
    }
    let count = |f: &dyn Fn(&TargetReport) -> &str| {
        let mut m: std::collections::BTreeMap<String, usize> = Default::default();
        for r in reports {
            *m.entry(escape(f(r)).into_owned()).or_default() += 1;
        }
        m.into_iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    p.line("")?;
    p.line(&format!(
        "overall: {} targets; encrypted: {}; mtls: {}",
        reports.len(),
        count(&|r| r.summary.encrypted.as_str()),
        count(&|r| r.summary.mtls.as_str())
    ))
}

/// Run `probe`.
pub fn run(ctx: &Ctx, a: ProbeArgs) -> Result<u8> {
    if let Some(f) = &a.prometheus {
        crate::cmd::check::check_prometheus_file(&ctx.printer, f)?;
    }
    if let Some(inv) = &a.inventory {
        return run_inventory(ctx, &a, inv);
    }
    let mut targets = a
        .targets
        .iter()
        .map(|t| probe::parse_target(t))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    if let Some(f) = &a.targets_file {
        targets.extend(read_targets_file(f)?);
    }
    if targets.is_empty() {
        return Err(crate::error::Error::Usage(
            "no targets: give HOST:PORT arguments or a --targets-file with at least one".into(),
        ));
    }
    let mut cfg = config(ctx, &a.live)?;
    let authz = authz_callers(ctx, &a)?;
    cfg.revoked = canary(ctx, &a)?;
    let mut reports = match &a.record {
        Some(file) => vec![record(cfg.clone(), targets.clone(), file)?],
        None => probe_all(cfg.clone(), targets.clone(), a.concurrency as usize)?,
    };
    if let Some((policy, callers)) = &authz {
        let shared = Arc::new(cfg.clone());
        let jobs = targets
            .iter()
            .map(|t| Some((shared.clone(), t.clone(), policy.clone(), callers.clone())))
            .collect();
        crate::cmd::probe_authz::attach(&mut reports, jobs, a.concurrency as usize)?;
    }
    if let Some(f) = &a.prometheus {
        crate::cmd::probe_prom::write(f, &reports)?;
    }
    print_reports(&ctx.printer, &reports)?;
    print_overall(&ctx.printer, &reports)?;
    if a.strict && reports.iter().any(|r| !r.strict_ok()) {
        // Each cell of a matrix that differs, named on stderr in every output mode.
        for r in &reports {
            for d in r.authz_differences() {
                ctx.printer
                    .note(&format!("{}: --strict: {d}", escape(&r.target)));
            }
        }
        if !ctx.printer.is_json() {
            for r in reports.iter().filter(|r| !r.strict_ok()) {
                ctx.printer.line(&format!(
                    "{}: --strict failed: {}",
                    escape(&r.target),
                    escape(&r.strict_failures().join(", "))
                ))?;
            }
        }
        return Ok(EXIT_CHECK_FAILED);
    }
    Ok(0)
}

/// `--authz FILE --as ROLE=CERT,KEY...`: the policy and its callers (None without
/// `--authz`). Read before any probing: bad input changes nothing and contacts no one.
fn authz_callers(
    ctx: &Ctx,
    a: &ProbeArgs,
) -> Result<Option<(crate::pki::authz::Policy, Vec<crate::probe::authz::Caller>)>> {
    let Some(file) = &a.authz else {
        return Ok(None);
    };
    let policy = crate::pki::authz::load(file)?;
    let given = a
        .as_roles
        .iter()
        .map(|s| crate::cmd::probe_authz::parse_as(s))
        .collect::<Result<Vec<_>>>()?;
    let td = ctx
        .trust_domain(a.trust_domain.as_ref(), Some("--authz"))?
        .unwrap_or_default();
    let callers = crate::cmd::probe_authz::callers(ctx.store.files(), file, &policy, &given, &td)?;
    Ok(Some((policy, callers)))
}

/// `probe --record FILE`: probe the one target and save its observations with the rows
/// they classify to (a case of the classification table), then report as usual.
fn record(
    cfg: Config,
    targets: Vec<probe::Target>,
    file: &std::path::Path,
) -> Result<TargetReport> {
    let [target] = <[probe::Target; 1]>::try_from(targets).map_err(|t| {
        crate::error::Error::Usage(format!(
            "--record saves one target's observations; {} targets given",
            t.len()
        ))
    })?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| crate::error::Error::io("starting the async runtime", e))?;
    let (report, _, observations) =
        rt.block_on(probe::probe_observed(Arc::new(cfg), target.clone()));
    let observations = observations.ok_or_else(|| {
        crate::error::Error::input(
            &target,
            "the probe gave up at its deadline: no observations to record",
        )
    })?;
    let case = probe::case::Case::new(
        &target.to_string(),
        "recorded by secctl probe --record",
        observations,
    );
    let mut text = serde_json::to_string_pretty(&case)
        .map_err(|e| crate::error::Error::internal(format!("recording the probe: {e}")))?;
    text.push('\n');
    crate::pki::fsio::write_atomic(file, text.as_bytes(), 0o644)?;
    Ok(report)
}

/// `probe --inventory F`: probe every target of the inventory and compare with its
/// expectation (and its `authz:` rules); exit 1 when any differs, naming the difference.
fn run_inventory(ctx: &Ctx, a: &ProbeArgs, inv: &std::path::Path) -> Result<u8> {
    let plan = crate::inventory::load(inv)?;
    if !a.targets.is_empty() {
        return Err(crate::error::Error::Usage(
            "give targets or --inventory, not both".into(),
        ));
    }
    if a.authz.is_some() {
        return Err(crate::error::Error::Usage(
            "--authz with --inventory: the inventory's probe entries carry their own `authz:` rules".into(),
        ));
    }
    let mut base = config(ctx, &a.live)?;
    base.revoked = canary(ctx, a)?;
    let mut keys = InventoryKeys {
        inv,
        files: ctx.store.files(),
        records: if ctx.store.is_initialized() {
            ctx.store.records()?
        } else {
            vec![]
        },
        loaded: Default::default(),
    };
    let mut jobs = Vec::new();
    let mut matrices = Vec::new();
    for p in &plan.probes {
        let mut cfg = base.clone();
        if let Some(s) = &p.servername {
            cfg.servername = Some(s.clone());
        }
        if let Some(name) = &p.as_client {
            cfg.client = Some(keys.of(name, "as")?);
        }
        // Every key is loaded before anyone is contacted: bad input changes nothing.
        matrices.push(match &p.authz {
            Some(check) => {
                let mut callers = Vec::new();
                for (role, name, named) in &check.holders {
                    // A role the rules do not name is called when its key is here (a node
                    // whose key never left it cannot be).
                    let key = match keys.of(name, "authz") {
                        Ok(k) => k,
                        Err(_) if !named => continue,
                        Err(e) => return Err(e),
                    };
                    callers.push(crate::probe::authz::Caller {
                        role: Some(role.clone()),
                        key: Some(key),
                    });
                }
                callers.push(crate::probe::authz::Caller {
                    role: None,
                    key: None,
                });
                Some((check.policy.clone(), callers))
            }
            None => None,
        });
        jobs.push((Arc::new(cfg), p.target.clone()));
    }
    let mut reports = probe_each(jobs.clone(), a.concurrency as usize)?;
    let matrices = jobs
        .into_iter()
        .zip(matrices)
        .map(|((cfg, t), m)| m.map(|(policy, callers)| (cfg, t, policy, callers)))
        .collect();
    crate::cmd::probe_authz::attach(&mut reports, matrices, a.concurrency as usize)?;
    let failed = compare_inventory(&mut reports, &plan.probes);
    if let Some(f) = &a.prometheus {
        crate::cmd::probe_prom::write(f, &reports)?;
    }
    print_reports(&ctx.printer, &reports)?;
    print_overall(&ctx.printer, &reports)?;
    if !ctx.printer.is_json() {
        for r in &reports {
            match r.differences.as_deref() {
                Some([]) | None => ctx
                    .printer
                    .line(&format!("{}: as expected", escape(&r.target)))?,
                Some(d) => ctx.printer.line(&format!(
                    "{}: DIFFERS: {}",
                    escape(&r.target),
                    escape(&d.join("; "))
                ))?,
            }
        }
    }
    Ok(
        if failed || (a.strict && reports.iter().any(|r| !r.strict_ok())) {
            EXIT_CHECK_FAILED
        } else {
            0
        },
    )
}

/// The keys of the inventory's clients and nodes, from their records in the state
/// directory, each loaded once.
struct InventoryKeys<'a> {
    inv: &'a std::path::Path,
    /// The state directory the keys are read from.
    files: &'a crate::pki::fsio::StateDir,
    records: Vec<crate::pki::store::Record>,
    loaded: std::collections::HashMap<String, Arc<rustls::sign::CertifiedKey>>,
}

impl InventoryKeys<'_> {
    /// The certificate and key of `name` (for the inventory key `field`).
    fn of(&mut self, name: &str, field: &str) -> Result<Arc<rustls::sign::CertifiedKey>> {
        if let Some(k) = self.loaded.get(name) {
            return Ok(k.clone());
        }
        let inv = self.inv.display();
        let rec = self.records.iter().rfind(|r| r.name == name).ok_or_else(|| {
            crate::error::Error::input(
                &inv,
                format!("`{field}: {name}`: no certificate issued for {name} yet (run `secctl apply` first)"),
            )
        })?;
        if rec.key_source == crate::pki::store::KeySource::External {
            return Err(crate::error::Error::input(
                &inv,
                format!("`{field}: {name}`: its certificate was signed from a CSR and its key is on the node, not here: probe as a client whose key secctl delivered"),
            ));
        }
        let k = crate::tlsconf::load_certified_key(
            self.files,
            &rec.out_dir.join(format!("{name}.crt")),
            &rec.out_dir.join(format!("{name}.key")),
        )?;
        self.loaded.insert(name.to_string(), k.clone());
        Ok(k)
    }
}

/// Set each report's differences from its expectation and its authorization rules;
/// whether any differs.
fn compare_inventory(
    reports: &mut [TargetReport],
    probes: &[crate::inventory::ProbeTarget],
) -> bool {
    let mut failed = false;
    for (r, p) in reports.iter_mut().zip(probes) {
        let expect = &p.expect;
        let mut diffs = Vec::new();
        if let Some(e) = &expect.encrypted {
            if r.summary.encrypted.as_str() != e {
                diffs.push(format!(
                    "encrypted is {}, expected {e}",
                    r.summary.encrypted
                ));
            }
        }
        if let Some(m) = &expect.mtls {
            if r.summary.mtls.as_str() != m {
                diffs.push(format!("mtls is {}, expected {m}", r.summary.mtls));
            }
        }
        for (proto, e) in expect.protocols() {
            diffs.extend(crate::probe::expect::differences(r, proto, e));
        }
        diffs.extend(r.authz_differences());
        failed |= !diffs.is_empty();
        r.differences = Some(diffs);
    }
    failed
}
