//! `secctl apply INVENTORY`: idempotent provisioning of a whole cluster.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::IsTerminal;
use std::path::PathBuf;

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::cli::ApplyArgs;
use crate::cmd::Ctx;
use crate::error::{Error, Result, EXIT_CHECK_FAILED};
use crate::inventory::{self, Item, Plan};
use crate::output::Tone;
use crate::pki::ca::{self, InitMode, InitOptions, IssuingCa};
use crate::pki::csr::{self, Csr};
use crate::pki::fsio;
use crate::pki::issue::{self, LeafSpec};
use crate::pki::store::{Config, KeySource, Record, Store};

/// What happens to one inventory item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Issued for the first time.
    Created,
    /// Issued again.
    Renewed,
    /// Left as it is.
    Unchanged,
    /// Could not be done (the rest went on).
    Failed,
}

/// The report line of one item.
#[derive(Debug, Serialize)]
pub struct ItemReport {
    /// Name.
    pub name: String,
    /// node or client.
    pub kind: &'static str,
    /// Role.
    pub role: String,
    /// What was (or, with --check, would be) done.
    pub action: Action,
    /// Why.
    pub detail: String,
    /// The serial in use: the new one when issued, else the current one (null when the
    /// name has none).
    pub serial: Option<String>,
}

#[derive(Serialize)]
struct Report {
    inventory: PathBuf,
    check: bool,
    ca_created: bool,
    items: Vec<ItemReport>,
    summary: BTreeMap<&'static str, usize>,
}

#[allow(clippy::too_many_arguments)]
fn decide(
    item: &Item,
    csr: Option<&Csr>,
    rec: Option<&Record>,
    issuer_fp: Option<&str>,
    out_dir: &std::path::Path,
    default_kt: crate::pki::keys::KeyType,
    renew_before: u32,
    now: OffsetDateTime,
) -> (Action, String) {
    let Some(r) = rec else {
        return (Action::Created, "not issued yet".into());
    };
    if r.kind != item.kind {
        return (
            Action::Renewed,
            format!(
                "kind changed ({} -> {})",
                r.kind.as_str(),
                item.kind.as_str()
            ),
        );
    }
    if r.role != item.role {
        return (
            Action::Renewed,
            format!("role changed ({} -> {})", r.role, item.role),
        );
    }
    let have: HashSet<String> = r.hosts.iter().cloned().collect();
    let want: HashSet<String> = item.hosts.iter().map(ToString::to_string).collect();
    if have != want {
        return (Action::Renewed, "hosts changed".into());
    }
    match (csr, r.key_source) {
        (Some(c), KeySource::External)
            if r.public_key_sha256.as_ref() != Some(&c.public_key_sha256) =>
        {
            return (
                Action::Renewed,
                format!("the key of {} is not the certified one", c.input),
            );
        }
        (Some(c), KeySource::Generated) => {
            return (
                Action::Renewed,
                format!("key now from {} (was generated here)", c.input),
            );
        }
        (None, KeySource::External) => {
            return (
                Action::Renewed,
                "key now generated here (was from a CSR)".into(),
            );
        }
        _ => {}
    }
    if csr.is_none() && r.key_type != item.key_type.unwrap_or(default_kt) {
        return (
            Action::Renewed,
            format!(
                "key type changed ({} -> {})",
                r.key_type,
                item.key_type.unwrap_or(default_kt)
            ),
        );
    }
    if issuer_fp.is_some_and(|fp| fp != r.issuer_fingerprint) {
        return (Action::Renewed, "issued by a previous CA".into());
    }
    if r.out_dir != out_dir {
        return (
            Action::Renewed,
            format!("output directory changed (was {})", r.out_dir.display()),
        );
    }
    if let Some(problem) = delivery_problem(r) {
        return (Action::Renewed, problem);
    }
    if r.not_after - now < Duration::days(i64::from(renew_before)) {
        return (Action::Renewed, format!("expires {}", r.not_after.date()));
    }
    (
        Action::Unchanged,
        format!("valid until {}", r.not_after.date()),
    )
}

/// Why the files in a record's output directory are not the ones it records (missing,
/// replaced, or a key that is not the certificate's, as a crash between renames leaves).
pub fn delivery_problem(r: &Record) -> Option<String> {
    let key = r.out_dir.join(format!("{}.key", r.name));
    let crt = r.out_dir.join(format!("{}.crt", r.name));
    // A certificate signed from a CSR has its key on the node: only the certificate is
    // delivered.
    let external = r.key_source == crate::pki::store::KeySource::External;
    let expected: &[&std::path::PathBuf] = if external { &[&crt] } else { &[&key, &crt] };
    for p in expected {
        if !p.is_file() {
            return Some(format!("{} is missing", p.display()));
        }
    }
    // The leaf's DER only: the fingerprint says whether it is the recorded certificate, and
    // the key check parses it.
    let der = match crate::pki::pemfile::read_file(&crt, "CERTIFICATE", "certificate") {
        Ok(mut blocks) => blocks.swap_remove(0),
        Err(_) => return Some(format!("{} is unreadable", crt.display())),
    };
    if crate::pki::inspect::fingerprint(&der) != r.sha256_fingerprint {
        return Some(format!("{} is not the recorded certificate", crt.display()));
    }
    if external {
        return None;
    }
    let matches = crate::pki::keys::load_private_key(&key, None)
        .and_then(|k| ca::check_key_matches(&key, &k, &der));
    if matches.is_err() {
        return Some(format!("{} does not match its certificate", key.display()));
    }
    None
}

/// Run `apply`.
pub fn run(ctx: &Ctx, a: ApplyArgs) -> Result<u8> {
    let plan = inventory::load(&a.inventory)?;
    let store = &ctx.store;
    let inv_name = a.inventory.display().to_string();
    let existing = if store.is_initialized() {
        Some(store.config()?)
    } else {
        None
    };
    if let Some(cfg) = &existing {
        if cfg.cluster != plan.cluster || cfg.trust_domain != plan.trust_domain {
            return Err(Error::input(
                &inv_name,
                format!(
                    "cluster {:?} / trust domain {:?} do not match the CA in {} ({:?} / {:?})",
                    plan.cluster,
                    plan.trust_domain,
                    store.name(),
                    cfg.cluster,
                    cfg.trust_domain
                ),
            ));
        }
    }
    let renew_before = a.renew_before.unwrap_or(plan.renew_before_days);
    let default_kt = existing
        .as_ref()
        .map(|c| c.key_type)
        .or(plan.key_type)
        .unwrap_or_default();
    let now = OffsetDateTime::now_utc();
    let out_dirs: Vec<PathBuf> = plan
        .items
        .iter()
        .map(|i| {
            let d = i
                .out
                .clone()
                .unwrap_or_else(|| store.path("certs").join(&i.name));
            std::path::absolute(&d).unwrap_or(d)
        })
        .collect();
    // Output directories another user could write are refused before anything is done
    // (exit 2 naming the first), not item by item.
    for d in &out_dirs {
        crate::pki::fsio::check_dir(d)?;
    }
    // CSRs made on the nodes: read, verified and matched against their items before
    // anything is done (exit 2 naming the inventory, the item and the CSR).
    let csrs = read_csrs(&inv_name, &plan)?;
    // Names the CA's constraints forbid, likewise.
    if existing.is_some() {
        let chain = ca::issuing_constraints(store)?;
        for it in &plan.items {
            chain
                .check(
                    &format!("{} {:?}", it.kind.as_str(), it.name),
                    &it.hosts,
                    &it.name,
                    &[issue::spiffe_id(&plan.trust_domain, &it.role, &it.name).as_str()],
                )
                .map_err(|e| Error::input(&inv_name, e.to_string()))?;
        }
    }

    let decisions = |store: &Store, issuer_fp: Option<&str>| -> Result<Vec<(Action, String)>> {
        let latest = latest_records(store)?;
        // Deciding reads and checks every delivered key and certificate: on every core.
        let pairs: Vec<(&Item, &PathBuf, Option<&Csr>)> = plan
            .items
            .iter()
            .zip(&out_dirs)
            .zip(&csrs)
            .map(|((i, d), c)| (i, d, c.as_ref()))
            .collect();
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let per = pairs.len().div_ceil(workers).max(64);
        let latest = &latest;
        Ok(std::thread::scope(|sc| {
            let hs: Vec<_> = pairs
                .chunks(per)
                .map(|part| {
                    let n = part.len();
                    let h = sc.spawn(move || {
                        part.iter()
                            .map(|(i, d, c)| {
                                decide(
                                    i,
                                    *c,
                                    latest.get(&i.name),
                                    issuer_fp,
                                    d,
                                    default_kt,
                                    renew_before,
                                    now,
                                )
                            })
                            .collect::<Vec<_>>()
                    });
                    (h, n)
                })
                .collect();
            hs.into_iter()
                .flat_map(|(h, n)| {
                    h.join().unwrap_or_else(|_| {
                        let e = (
                            Action::Failed,
                            "internal error: check thread panicked".into(),
                        );
                        vec![e; n]
                    })
                })
                .collect()
        }))
    };
    let current_fp = |store: &Store| -> Result<Option<String>> {
        Ok(ca::generations(store)?
            .into_iter()
            .find(|g| g.current)
            .map(|g| g.issuing.sha256_fingerprint))
    };

    if a.check {
        let fp = if existing.is_some() {
            current_fp(store)?
        } else {
            None
        };
        let d = decisions(store, fp.as_deref())?;
        let current = latest_records(store)?;
        let report = build_report(&a, &current, &plan, existing.is_none(), &d, &[]);
        print(ctx, &report)?;
        let pending = existing.is_none() || d.iter().any(|(act, _)| *act != Action::Unchanged);
        return Ok(if pending { EXIT_CHECK_FAILED } else { 0 });
    }

    // The passphrase is asked (or read) once, and only when there is something to sign.
    let mut passphrase = None;
    let needs_key = |cfg: Option<&Config>| cfg.is_some_and(|c| c.encrypted);
    if needs_key(existing.as_ref()) {
        let fp = current_fp(store)?;
        if decisions(store, fp.as_deref())?
            .iter()
            .any(|(a, _)| *a != Action::Unchanged)
        {
            passphrase = Some(ctx.passphrase(false)?);
        }
    }
    let _lock = store.lock()?;
    let ca_created = !store.is_initialized();
    if ca_created {
        ca::init(
            store,
            &InitOptions {
                cluster: plan.cluster.clone(),
                trust_domain: plan.trust_domain.clone(),
                key_type: plan.key_type.unwrap_or_default(),
                days: plan.ca_days,
                intermediate: plan.intermediate,
                name_constraints: Default::default(),
            },
            None,
            InitMode::Fresh,
        )?;
    }
    // A run killed half-way left temporary files in the output directories (the lock
    // cleared the state directory's); clear them before deciding.
    let mut seen = HashSet::new();
    for d in out_dirs.iter().filter(|d| seen.insert(*d)) {
        // Best effort: an output directory that cannot be read fails its own item below.
        let _ = fsio::remove_stale_temps(d);
    }
    let cfg = store.config()?;
    let fp = current_fp(store)?;
    let d = decisions(store, fp.as_deref())?;
    let work: Vec<usize> = (0..plan.items.len())
        .filter(|&i| d[i].0 != Action::Unchanged)
        .collect();
    let mut outcomes: Vec<Option<std::result::Result<String, String>>> =
        vec![None; plan.items.len()];
    if !work.is_empty() {
        let issuing = ctx.with_ca_key(&mut passphrase, |p| ca::load_issuing(store, p))?;
        drop(passphrase);
        let bar = if std::io::stderr().is_terminal() {
            let b = indicatif::ProgressBar::new(work.len() as u64);
            b.set_style(
                indicatif::ProgressStyle::with_template("issuing {bar:30} {pos}/{len} {elapsed}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b
        } else {
            indicatif::ProgressBar::hidden()
        };
        // Each worker signs its share of a chunk and stages the files into its own batch;
        // the batches commit together (one filesystem sync before and after the renames).
        for chunk in work.chunks(1024) {
            let done = issue_parallel(
                store, &cfg, &issuing, &plan, &csrs, &out_dirs, chunk, default_kt,
            );
            let (batches, items): (Vec<_>, Vec<_>) = done.into_iter().unzip();
            for (committed, items) in fsio::commit_all(batches).into_iter().zip(items) {
                for (idx, res) in items {
                    outcomes[idx] = Some(match (res, &committed) {
                        (Ok(serial), Ok(())) => Ok(serial),
                        (Ok(_), Err(e)) => Err(e.to_string()),
                        (Err(e), _) => Err(e),
                    });
                }
            }
            bar.inc(chunk.len() as u64);
        }
        bar.finish_and_clear();
    }
    let current = latest_records(store)?;
    let report = build_report(&a, &current, &plan, ca_created, &d, &outcomes);
    print(ctx, &report)?;
    Ok(if report.items.iter().any(|i| i.action == Action::Failed) {
        crate::error::EXIT_IO
    } else {
        0
    })
}

/// What one worker made: its batch of staged files, and per item the serial or the error.
type WorkerOutput = (
    fsio::Batch,
    Vec<(usize, std::result::Result<String, String>)>,
);

/// Sign and stage the items `idx` on every core. An item whose signing or staging fails
/// leaves nothing staged (its own small batch is dropped, removing its temporary files).
#[allow(clippy::too_many_arguments)]
fn issue_parallel(
    store: &Store,
    cfg: &Config,
    issuing: &IssuingCa,
    plan: &Plan,
    csrs: &[Option<Csr>],
    out_dirs: &[PathBuf],
    idx: &[usize],
    default_kt: crate::pki::keys::KeyType,
) -> Vec<WorkerOutput> {
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(idx.len().max(1));
    let per = idx.len().div_ceil(workers);
    let one = |i: usize, batch: &mut fsio::Batch| -> Result<String> {
        let it = &plan.items[i];
        let spec = LeafSpec {
            name: it.name.clone(),
            kind: it.kind,
            role: it.role.clone(),
            hosts: it.hosts.clone(),
            days: it.days,
            key_type: match &csrs[i] {
                Some(c) => c.key_type,
                None => it.key_type.unwrap_or(default_kt),
            },
        };
        let iss = match &csrs[i] {
            Some(c) => issue::issue_for_csr(cfg, issuing, &spec, &out_dirs[i], c)?,
            None => issue::issue(cfg, issuing, &spec, &out_dirs[i], None)?,
        };
        let mut mine = fsio::Batch::new();
        issue::stage(store, issuing, &iss, &mut mine)?;
        batch.append(mine)?;
        Ok(iss.record.serial.clone())
    };
    std::thread::scope(|sc| {
        let handles: Vec<_> = idx
            .chunks(per.max(1))
            .map(|part| {
                sc.spawn(move || {
                    let mut batch = fsio::Batch::new();
                    let items = part
                        .iter()
                        .map(|&i| (i, one(i, &mut batch).map_err(|e| e.to_string())))
                        .collect();
                    (batch, items)
                })
            })
            .collect();
        handles
            .into_iter()
            .zip(idx.chunks(per.max(1)))
            .map(|(h, part)| {
                h.join().unwrap_or_else(|_| {
                    let items = part
                        .iter()
                        .map(|&i| (i, Err("internal error: signing thread panicked".into())))
                        .collect();
                    (fsio::Batch::new(), items)
                })
            })
            .collect()
    })
}

/// The CSR of every item that has one (None for the others), each verified and checked
/// against its item: what it asks for must be what the item issues.
fn read_csrs(inv_name: &str, plan: &Plan) -> Result<Vec<Option<Csr>>> {
    plan.items
        .iter()
        .map(|it| {
            let Some(p) = &it.csr else { return Ok(None) };
            let wrap = |e: Error| {
                Error::input(inv_name, format!("{} {:?}: {e}", it.kind.as_str(), it.name))
            };
            let c = csr::read(p).map_err(wrap)?;
            c.name(Some(&it.name), it.kind).map_err(wrap)?;
            let spec = LeafSpec {
                name: it.name.clone(),
                kind: it.kind,
                role: it.role.clone(),
                hosts: it.hosts.clone(),
                days: it.days,
                key_type: c.key_type,
            };
            c.check_for(&plan.cluster, &plan.trust_domain, &spec)
                .map_err(wrap)?;
            Ok(Some(c))
        })
        .collect()
}

/// The newest certificate of each name that is not revoked.
fn latest_records(store: &Store) -> Result<HashMap<String, Record>> {
    let revoked: HashSet<String> = crate::revocation::read_log(store)?
        .into_iter()
        .map(|r| r.serial)
        .collect();
    let mut latest: HashMap<String, Record> = HashMap::new();
    if store.is_initialized() {
        for r in store.records()? {
            if !revoked.contains(&r.serial) {
                latest.insert(r.name.clone(), r); // records are sorted oldest first
            }
        }
    }
    Ok(latest)
}

fn build_report(
    a: &ApplyArgs,
    current: &HashMap<String, Record>,
    plan: &Plan,
    ca_created: bool,
    d: &[(Action, String)],
    outcomes: &[Option<std::result::Result<String, String>>],
) -> Report {
    // Every count, zeros included: a script reads `summary["failed"]`.
    let mut summary: BTreeMap<&'static str, usize> = ["created", "renewed", "unchanged", "failed"]
        .into_iter()
        .map(|k| (k, 0))
        .collect();
    let items: Vec<ItemReport> = plan
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let (mut action, mut detail) = d[i].clone();
            // The serial in use: the new one when issued, else the current one.
            let mut serial = current.get(&it.name).map(|r| r.serial.clone());
            match outcomes.get(i).cloned().flatten() {
                Some(Ok(s)) => serial = Some(s),
                Some(Err(e)) => {
                    action = Action::Failed;
                    detail = e;
                }
                None => {}
            }
            *summary
                .entry(match action {
                    Action::Created => "created",
                    Action::Renewed => "renewed",
                    Action::Unchanged => "unchanged",
                    Action::Failed => "failed",
                })
                .or_default() += 1;
            ItemReport {
                name: it.name.clone(),
                kind: it.kind.as_str(),
                role: it.role.clone(),
                action,
                detail,
                serial,
            }
        })
        .collect();
    Report {
        inventory: a.inventory.clone(),
        check: a.check,
        ca_created,
        items,
        summary,
    }
}

fn print(ctx: &Ctx, r: &Report) -> Result<()> {
    let p = &ctx.printer;
    if p.is_json() {
        return p.json(r);
    }
    if r.ca_created {
        p.line(if r.check {
            "CA: would be created"
        } else {
            "CA: created"
        })?;
    }
    let verb = |a: Action| -> (&'static str, Tone) {
        match (a, r.check) {
            (Action::Created, true) => ("create", Tone::Warn),
            (Action::Renewed, true) => ("renew", Tone::Warn),
            (Action::Created, false) => ("created", Tone::Good),
            (Action::Renewed, false) => ("renewed", Tone::Good),
            (Action::Unchanged, _) => ("unchanged", Tone::Plain),
            (Action::Failed, _) => ("FAILED", Tone::Bad),
        }
    };
    let rows: Vec<Vec<String>> = r
        .items
        .iter()
        .map(|i| {
            let (v, t) = verb(i.action);
            vec![
                i.name.clone(),
                i.kind.to_string(),
                i.role.clone(),
                p.paint(v, t),
                i.detail.clone(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        p.table(&["NAME", "KIND", "ROLE", "ACTION", "DETAIL"], &rows)?;
    }
    let n = |k: &str| r.summary.get(k).copied().unwrap_or(0);
    p.line(&format!(
        "{}{} created, {} renewed, {} unchanged, {} failed",
        if r.check { "would be: " } else { "" },
        n("created"),
        n("renewed"),
        n("unchanged"),
        n("failed")
    ))?;
    Ok(())
}
