//! `secctl apply INVENTORY`: idempotent provisioning of a whole cluster.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::IsTerminal;
use std::path::PathBuf;

use serde::Serialize;
use time::OffsetDateTime;

use crate::cli::ApplyArgs;
use crate::cmd::cert::until;
use crate::cmd::Ctx;
use crate::error::{Error, Result, EXIT_CHECK_FAILED};
use crate::inventory::{self, Item, Plan};
use crate::output::Tone;
use crate::pki::ca::{self, InitMode, InitOptions, IssuingCa};
use crate::pki::csr::{self, Csr};
use crate::pki::delivery::{self, Bundle, BundleState, Delivery};
use crate::pki::fsio::{self, Owner};
use crate::pki::issue::{self, LeafSpec};
use crate::pki::store::{Config, KeySource, Record, Store};
use crate::pki::validity::{self, RenewBefore};
use crate::term::cell;

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
    /// Whether `ca.crt` alone was (with --check: would be) brought to the current bundle,
    /// the certificate staying as it is.
    pub bundle_written: bool,
}

#[derive(Serialize)]
struct Report {
    inventory: PathBuf,
    check: bool,
    bundle_only: bool,
    ca_created: bool,
    items: Vec<ItemReport>,
    /// Names the inventory no longer has (with --prune).
    pruned: Vec<Pruned>,
    summary: BTreeMap<&'static str, usize>,
}

/// A name the inventory no longer has, revoked and removed by `--prune`.
#[derive(Debug, Serialize)]
pub struct Pruned {
    /// Name.
    pub name: String,
    /// node or client.
    pub kind: &'static str,
    /// Role.
    pub role: String,
    /// The serials revoked (cessationOfOperation), or to revoke with --check.
    pub revoked: Vec<String>,
    /// The delivered files removed (or to remove).
    pub removed: Vec<PathBuf>,
    /// Files left in place, and why (not the ones secctl delivered).
    pub kept: Vec<String>,
}

#[allow(clippy::too_many_arguments)]
fn decide(
    item: &Item,
    csr: Option<&Csr>,
    rec: Option<&Record>,
    issuer_fp: Option<&str>,
    out_dir: &std::path::Path,
    default_kt: crate::pki::keys::KeyType,
    renew_before: Option<RenewBefore>,
    delivery: &Delivery,
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
    for (f, key) in [
        (format!("{}.key", r.name), true),
        (format!("{}.crt", r.name), false),
    ] {
        if let Some(m) = delivery.mismatch(&r.out_dir.join(f), key) {
            return (Action::Renewed, m);
        }
    }
    let lifetime = validity::lifetime(r.not_before, r.not_after);
    // A shorter validity in the inventory takes effect now: the certificate in place
    // outlives what a new one would (the point of moving to short-lived certificates).
    if r.not_after > now + item.valid_for + ca::BACKDATE {
        return (
            Action::Renewed,
            format!(
                "validity shortened ({} -> {})",
                validity::format_duration(lifetime),
                validity::format_duration(item.valid_for)
            ),
        );
    }
    let window = match renew_before {
        Some(rb) => rb.window(lifetime.min(item.valid_for)),
        None => RenewBefore::default_window(lifetime.min(item.valid_for)),
    };
    if r.not_after - now < window {
        return (
            Action::Renewed,
            format!(
                "expires {} (renewal window {})",
                until(r.not_after),
                validity::format_duration(window)
            ),
        );
    }
    (
        Action::Unchanged,
        format!("valid until {}", until(r.not_after)),
    )
}

/// Why the files in a record's output directory are not the ones it records (missing,
/// replaced, or a key that is not the certificate's, as a crash between renames leaves).
pub fn delivery_problem(r: &Record) -> Option<String> {
    let key = r.out_dir.join(format!("{}.key", r.name));
    let crt = r.out_dir.join(format!("{}.crt", r.name));
    // A certificate signed from a CSR has its key on the node: only the certificate is
    // delivered.
    let external = r.key_source == KeySource::External;
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

/// The owner, group and modes of every item, with names looked up: an unknown user or
/// group, or an owner other than yourself without root, is bad input (exit 2) naming the
/// inventory line.
fn deliveries(plan: &Plan, inv: &str) -> Result<Vec<Delivery>> {
    let me = rustix::process::geteuid().as_raw();
    let mut cache: HashMap<(bool, String), u32> = HashMap::new();
    let mut look = |group: bool, name: &str, line: u64| -> Result<u32> {
        if let Some(id) = cache.get(&(group, name.to_string())) {
            return Ok(*id);
        }
        let id = if group {
            delivery::lookup_group(name)
        } else {
            delivery::lookup_user(name)
        }
        .map_err(|e| Error::input(inv, format!("line {line}: {e}")))?;
        cache.insert((group, name.to_string()), id);
        Ok(id)
    };
    plan.items
        .iter()
        .map(|it| {
            let uid = match &it.owner {
                Some(o) => Some(look(false, o, it.line)?),
                None => None,
            };
            let gid = match &it.group {
                Some(g) => Some(look(true, g, it.line)?),
                None => None,
            };
            if let Some(u) = uid.filter(|u| *u != me && me != 0) {
                return Err(Error::input(
                    inv,
                    format!(
                        "line {}: {} {:?}: owner uid {u} needs root to set (you are uid {me})",
                        it.line,
                        it.kind.as_str(),
                        it.name
                    ),
                ));
            }
            Ok(Delivery {
                owner: Owner {
                    uid: uid.filter(|u| *u != me),
                    gid,
                },
                cert_mode: it.cert_mode,
                key_mode: it.key_mode,
            })
        })
        .collect()
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
        if plan.encrypt_key && !cfg.encrypted {
            ctx.printer.note(&format!(
                "warning: the inventory asks for ca.encrypt_key but the CA in {} was created with its keys in clear (apply does not re-encrypt an existing CA)",
                store.name()
            ));
        }
    } else if a.bundle_only {
        return Err(Error::input(
            &inv_name,
            format!(
                "--bundle-only: no CA in {} yet, so no bundle to distribute (run `secctl apply` without it first)",
                store.name()
            ),
        ));
    }
    let default_kt = existing
        .as_ref()
        .map(|c| c.key_type)
        .or(plan.key_type)
        .unwrap_or_default();
    let now = OffsetDateTime::now_utc();
    let out_dirs: Vec<PathBuf> = plan.items.iter().map(|i| plan.out_dir(i, store)).collect();
    // Output directories another user could write are refused before anything is done
    // (exit 2 naming the first), not item by item.
    for d in &out_dirs {
        crate::pki::fsio::check_dir(d)?;
    }
    let delivs = deliveries(&plan, &inv_name)?;
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
    // A `ca.crt` that is not a bundle of this CA is never replaced without --force
    // (exit 2 before anything is written).
    let bundle_states = |bundle: &Bundle| -> Result<Vec<BundleState>> {
        out_dirs
            .iter()
            .map(|d| bundle.check_replace(d, a.force))
            .collect()
    };
    let renew_before = |it: &Item| a.renew_before.or(it.renew_before).or(plan.renew_before);

    // `latest`: the newest live record of each name (read once by the caller).
    let decisions = |latest: &HashMap<String, Record>,
                     issuer_fp: Option<&str>|
     -> Result<Vec<(Action, String)>> {
        // Deciding reads and checks every delivered key and certificate: on every core.
        let triples: Vec<(&Item, (&PathBuf, &Delivery), Option<&Csr>)> = plan
            .items
            .iter()
            .zip(out_dirs.iter().zip(&delivs))
            .zip(&csrs)
            .map(|((i, dd), c)| (i, dd, c.as_ref()))
            .collect();
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let per = triples.len().div_ceil(workers).max(64);
        let renew_before = &renew_before;
        Ok(std::thread::scope(|sc| {
            let hs: Vec<_> = triples
                .chunks(per)
                .map(|part| {
                    let n = part.len();
                    let h = sc.spawn(move || {
                        part.iter()
                            .map(|(i, (d, dv), c)| {
                                decide(
                                    i,
                                    *c,
                                    latest.get(&i.name),
                                    issuer_fp,
                                    d,
                                    default_kt,
                                    renew_before(i),
                                    dv,
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
    let names: HashSet<&str> = plan.items.iter().map(|i| i.name.as_str()).collect();

    if a.check {
        let current = delivery::live_records(store)?;
        let (d, states, pruned) = if existing.is_some() {
            let bundle = Bundle::load(store)?;
            let states = bundle_states(&bundle)?;
            let d = if a.bundle_only {
                bundle_only_decisions(&plan, &current)
            } else {
                let fp = current_fp(store)?;
                decisions(&current, fp.as_deref())?
            };
            let pruned = if a.prune {
                prune_plan(store, &names, &bundle, now)?
            } else {
                vec![]
            };
            (d, states, pruned)
        } else {
            let d = decisions(&current, None)?;
            let n = d.len();
            (d, vec![BundleState::Missing; n], vec![])
        };
        let bundle_writes = bundle_pending(&d, &states, &out_dirs);
        let report = build_report(
            &a,
            &current,
            &plan,
            existing.is_none(),
            &d,
            &[],
            &bundle_writes,
            0,
            pruned,
        );
        print(ctx, &report)?;
        let pending = existing.is_none()
            || d.iter().any(|(act, _)| *act != Action::Unchanged)
            || bundle_writes.iter().any(|b| *b)
            || !report.pruned.is_empty();
        return Ok(if pending { EXIT_CHECK_FAILED } else { 0 });
    }

    // The passphrase is asked (or read) once, and only when there is something to sign:
    // a new CA to encrypt (the inventory's `ca.encrypt_key`, or a passphrase file given),
    // certificates to issue, or revocations to publish.
    let mut passphrase = None;
    let encrypt_new = existing.is_none() && (plan.encrypt_key || ctx.passphrase_file.is_some());
    if encrypt_new {
        if !plan.encrypt_key {
            ctx.printer.note(
                "a passphrase file is given: the new CA's keys are encrypted with it (as with ca.encrypt_key)",
            );
        }
        passphrase = Some(ctx.passphrase(true)?);
    } else if existing.as_ref().is_some_and(|c| c.encrypted) && !a.bundle_only {
        let fp = current_fp(store)?;
        let bundle = Bundle::load(store)?;
        let signs = decisions(&delivery::live_records(store)?, fp.as_deref())?
            .iter()
            .any(|(a, _)| *a != Action::Unchanged)
            || (a.prune && !prune_plan(store, &names, &bundle, now)?.is_empty());
        if signs {
            passphrase = Some(ctx.passphrase(false)?);
        }
    }
    let _lock = store.lock()?;
    let ca_created = !store.is_initialized();
    if ca_created {
        let _s = passphrase
            .as_ref()
            .map(|_| crate::output::Spinner::start("encrypting the CA key (scrypt)"));
        crate::revocation::init_ca(
            store,
            &InitOptions {
                cluster: plan.cluster.clone(),
                trust_domain: plan.trust_domain.clone(),
                key_type: plan.key_type.unwrap_or_default(),
                days: plan.ca_days,
                intermediate: plan.intermediate,
                name_constraints: Default::default(),
            },
            passphrase.as_ref(),
            InitMode::Fresh,
        )?;
    }
    let bundle = Bundle::load(store)?;
    let states = bundle_states(&bundle)?;
    // A run killed half-way left temporary files in the output directories (the lock
    // cleared the state directory's); clear them before deciding.
    let mut seen = HashSet::new();
    for d in out_dirs.iter().filter(|d| seen.insert(*d)) {
        // Best effort: an output directory that cannot be read fails its own item below.
        let _ = fsio::remove_stale_temps(d);
    }
    let cfg = store.config()?;
    let before = delivery::live_records(store)?;
    let d = if a.bundle_only {
        bundle_only_decisions(&plan, &before)
    } else {
        let fp = current_fp(store)?;
        decisions(&before, fp.as_deref())?
    };
    let work: Vec<usize> = (0..plan.items.len())
        .filter(|&i| d[i].0 != Action::Unchanged)
        .collect();
    let pruned = if a.prune {
        prune_plan(store, &names, &bundle, now)?
    } else {
        vec![]
    };
    let mut outcomes: Vec<Option<std::result::Result<String, String>>> =
        vec![None; plan.items.len()];
    let mut issuing = None;
    if !work.is_empty() {
        issuing = Some(ctx.with_ca_key(&mut passphrase, |p| ca::load_issuing(store, p))?);
    }
    // The bundle alone, where the certificate stays: after `ca rotate` (--bundle-only, step
    // 2 of a roll) or `ca retire`.
    let bundle_writes = bundle_pending(&d, &states, &out_dirs);
    // The records this run made (committed), newest last.
    let mut issued: Vec<Record> = Vec::new();
    if let (false, Some(issuing)) = (work.is_empty(), &issuing) {
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
                store, &cfg, issuing, &plan, &csrs, &out_dirs, &delivs, chunk, default_kt,
            );
            let (batches, items): (Vec<_>, Vec<_>) = done.into_iter().unzip();
            for (committed, items) in fsio::commit_all(batches).into_iter().zip(items) {
                for (idx, res) in items {
                    outcomes[idx] = Some(match (res, &committed) {
                        (Ok(rec), Ok(())) => {
                            let serial = rec.serial.clone();
                            issued.push(rec);
                            Ok(serial)
                        }
                        (Ok(_), Err(e)) => Err(e.to_string()),
                        (Err(e), _) => Err(e),
                    });
                }
            }
            bar.inc(chunk.len() as u64);
        }
        bar.finish_and_clear();
    }
    let mut bundle_failed: Vec<Option<String>> = vec![None; plan.items.len()];
    write_bundles(
        &bundle,
        &out_dirs,
        &delivs,
        &bundle_writes,
        &mut bundle_failed,
    );
    if !work.is_empty() || bundle_writes.iter().any(|b| *b) {
        // Its roots are this CA's from now on, even once a generation is retired.
        bundle.record_delivered(store)?;
    }
    // Revocations: pruned names (cessationOfOperation), and with --revoke-old the
    // certificates this run replaced (superseded); one CRL for all.
    let mut revs = Vec::new();
    for p in &pruned {
        for s in &p.revoked {
            revs.push(crate::revocation::Revocation {
                serial: s.clone(),
                reason: crate::revocation::Reason::CessationOfOperation,
                revoked_at: now,
            });
        }
    }
    if a.revoke_old {
        for (i, it) in plan.items.iter().enumerate() {
            if let (Some(Ok(_)), Some(old)) = (&outcomes[i], before.get(&it.name)) {
                if old.not_after > now {
                    revs.push(crate::revocation::Revocation {
                        serial: old.serial.clone(),
                        reason: crate::revocation::Reason::Superseded,
                        revoked_at: now,
                    });
                }
            }
        }
    }
    let revoked_now = !revs.is_empty();
    if revoked_now {
        // The CA is unlocked before anything is recorded: a wrong passphrase revokes nothing.
        ctx.with_ca_key(&mut passphrase, |p| ca::load_issuing_signer(store, p))?;
        crate::revocation::append(store, &revs)?;
        ctx.with_ca_key(&mut passphrase, |p| {
            crate::revocation::publish(store, p, ca::INITIAL_CRL_DAYS, None)
        })?;
    }
    drop(passphrase);
    let pruned = remove_pruned(store, pruned, &bundle);
    // Output directories of names outside the inventory get the new bundle too.
    // Nothing was issued or revoked with --bundle-only: the records read before still hold;
    // without revocations, they and the records this run made (each the newest of its
    // name) are the live ones; after revocations the records are read again.
    let current = if a.bundle_only {
        before
    } else if !revoked_now {
        let mut c = before;
        for r in issued {
            c.insert(r.name.clone(), r);
        }
        c
    } else {
        delivery::live_records(store)?
    };
    let others = delivery::refresh_bundles_with(store, &bundle, &out_dirs, Some(&current))?;
    for (dir, why) in &others.skipped {
        ctx.printer.note(&format!(
            "warning: {}: ca.crt left as it is ({why})",
            dir.join("ca.crt").display()
        ));
    }
    for (i, e) in bundle_failed.into_iter().enumerate() {
        if let Some(e) = e {
            outcomes[i] = Some(Err(e));
        }
    }
    let report = build_report(
        &a,
        &current,
        &plan,
        ca_created,
        &d,
        &outcomes,
        &bundle_writes,
        others.written.len(),
        pruned,
    );
    print(ctx, &report)?;
    Ok(if report.items.iter().any(|i| i.action == Action::Failed) {
        crate::error::EXIT_IO
    } else {
        0
    })
}

/// With --bundle-only every item is left as it is; the detail says what the certificate
/// would need.
fn bundle_only_decisions(plan: &Plan, latest: &HashMap<String, Record>) -> Vec<(Action, String)> {
    plan.items
        .iter()
        .map(|i| match latest.get(&i.name) {
            Some(r) => (
                Action::Unchanged,
                format!(
                    "certificate left as it is (--bundle-only), valid until {}",
                    until(r.not_after)
                ),
            ),
            None => (
                Action::Unchanged,
                "not issued yet (--bundle-only issues nothing)".into(),
            ),
        })
        .collect()
}

/// Which items get the bundle alone: their certificate stays, their directory exists, and
/// its `ca.crt` is not the current bundle (missing, an older bundle of this CA, or a
/// foreign one replaced with --force).
fn bundle_pending(d: &[(Action, String)], states: &[BundleState], dirs: &[PathBuf]) -> Vec<bool> {
    d.iter()
        .zip(states)
        .zip(dirs)
        .map(|(((act, _), st), dir)| {
            *act == Action::Unchanged && *st != BundleState::Current && dir.is_dir()
        })
        .collect()
}

/// Write the bundle into the directories marked in `which`, each with its item's owner
/// and mode; a failure is recorded for its item (the rest goes on).
fn write_bundles(
    bundle: &Bundle,
    dirs: &[PathBuf],
    delivs: &[Delivery],
    which: &[bool],
    failed: &mut [Option<String>],
) {
    let mut batch = fsio::Batch::new();
    let mut staged = Vec::new();
    let mut seen = HashSet::new();
    for (i, dir) in dirs.iter().enumerate() {
        if !which[i] || !seen.insert(dir) {
            continue;
        }
        let dv = &delivs[i];
        match batch.write_owned(
            &dir.join("ca.crt"),
            bundle.pem.as_bytes(),
            dv.cert_mode,
            dv.owner,
        ) {
            Ok(()) => staged.push(i),
            Err(e) => failed[i] = Some(e.to_string()),
        }
    }
    if let Err(e) = batch.commit() {
        for i in staged {
            failed[i] = Some(e.to_string());
        }
    }
}

/// The names with live certificates that the inventory no longer has: what `--prune`
/// revokes (every unexpired, unrevoked certificate of the name) and removes (the delivered
/// key and certificate when they are the recorded ones; `ca.crt` when it is a bundle of
/// this CA and no certificate that stays shares the directory).
fn prune_plan(
    store: &Store,
    keep: &HashSet<&str>,
    bundle: &Bundle,
    now: OffsetDateTime,
) -> Result<Vec<Pruned>> {
    let live = delivery::live_records(store)?;
    let revoked: HashSet<String> = crate::revocation::read_log(store)?
        .into_iter()
        .map(|r| r.serial)
        .collect();
    let kept_dirs: HashSet<&PathBuf> = live
        .values()
        .filter(|r| keep.contains(r.name.as_str()))
        .map(|r| &r.out_dir)
        .collect();
    let mut gone: Vec<&Record> = live
        .values()
        .filter(|r| !keep.contains(r.name.as_str()))
        .collect();
    gone.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = Vec::new();
    for latest in gone {
        let recs = store.records_named(&latest.name)?;
        let mut p = Pruned {
            name: latest.name.clone(),
            kind: latest.kind.as_str(),
            role: latest.role.clone(),
            revoked: recs
                .iter()
                .filter(|r| r.not_after > now && !revoked.contains(&r.serial))
                .map(|r| r.serial.clone())
                .collect(),
            removed: vec![],
            kept: vec![],
        };
        let mut dirs_seen = HashSet::new();
        for r in recs.iter().rev().filter(|r| !revoked.contains(&r.serial)) {
            if !dirs_seen.insert(r.out_dir.clone()) {
                continue;
            }
            let crt = r.out_dir.join(format!("{}.crt", r.name));
            let key = r.out_dir.join(format!("{}.key", r.name));
            if !crt.exists() && !key.exists() {
                continue;
            }
            // Only what secctl delivered: the certificate must be the recorded one, the
            // key must be its key.
            match delivered_pair(r) {
                Ok(true) => {
                    p.removed.push(crt);
                    p.removed.push(key);
                }
                Ok(false) => {
                    if crt.exists() {
                        p.removed.push(crt);
                    }
                    if key.exists() {
                        p.kept.push(format!(
                            "{}: not the key of the recorded certificate",
                            key.display()
                        ));
                    }
                }
                Err(why) => p.kept.push(why),
            }
            let ca_crt = r.out_dir.join("ca.crt");
            if !kept_dirs.contains(&r.out_dir) {
                match bundle.state(&ca_crt) {
                    BundleState::Current | BundleState::Ours => p.removed.push(ca_crt),
                    BundleState::Missing => {}
                    BundleState::Foreign(why) => {
                        p.kept.push(format!("{}: {why}", ca_crt.display()))
                    }
                }
            }
        }
        out.push(p);
    }
    Ok(out)
}

/// Whether a record's delivered certificate is the recorded one (Err: it is not, so
/// neither file is touched) and its key is that certificate's (Ok(false): the key is not).
fn delivered_pair(r: &Record) -> std::result::Result<bool, String> {
    let crt = r.out_dir.join(format!("{}.crt", r.name));
    let key = r.out_dir.join(format!("{}.key", r.name));
    let der = match crate::pki::pemfile::read_file(&crt, "CERTIFICATE", "certificate") {
        Ok(mut blocks) => blocks.swap_remove(0),
        Err(_) => return Err(format!("{}: missing or unreadable", crt.display())),
    };
    if crate::pki::inspect::fingerprint(&der) != r.sha256_fingerprint {
        return Err(format!(
            "{}: not the certificate secctl delivered (left with its key)",
            crt.display()
        ));
    }
    Ok(crate::pki::keys::load_private_key(&key, None)
        .and_then(|k| ca::check_key_matches(&key, &k, &der))
        .is_ok())
}

/// Remove the files `prune_plan` listed (their certificates are revoked by now), then the
/// directories left empty. A file that cannot be removed is reported as kept.
fn remove_pruned(store: &Store, mut pruned: Vec<Pruned>, _bundle: &Bundle) -> Vec<Pruned> {
    let _ = store;
    for p in &mut pruned {
        let mut removed = Vec::new();
        let mut dirs = Vec::new();
        for f in p.removed.drain(..) {
            match std::fs::remove_file(&f) {
                Ok(()) => {
                    if let Some(d) = f.parent() {
                        if !dirs.contains(&d.to_path_buf()) {
                            dirs.push(d.to_path_buf());
                        }
                    }
                    removed.push(f);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => p.kept.push(format!("{}: {e}", f.display())),
            }
        }
        for d in dirs {
            let _ = fsio::sync_dir(&d);
            // Only an empty directory goes (never anything secctl did not write).
            let _ = std::fs::remove_dir(&d);
        }
        p.removed = removed;
    }
    pruned
}

#[allow(clippy::too_many_arguments)]
fn build_report(
    a: &ApplyArgs,
    current: &HashMap<String, Record>,
    plan: &Plan,
    ca_created: bool,
    d: &[(Action, String)],
    outcomes: &[Option<std::result::Result<String, String>>],
    bundle_writes: &[bool],
    other_bundles: usize,
    pruned: Vec<Pruned>,
) -> Report {
    // Every count, zeros included: a script reads `summary["failed"]`.
    let mut summary: BTreeMap<&'static str, usize> = [
        "created",
        "renewed",
        "unchanged",
        "failed",
        "bundles_written",
        "pruned",
    ]
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
            let mut bundle_written = bundle_writes.get(i).copied().unwrap_or(false);
            match outcomes.get(i).cloned().flatten() {
                Some(Ok(s)) => serial = Some(s),
                Some(Err(e)) => {
                    action = Action::Failed;
                    detail = e;
                    bundle_written = false;
                }
                None => {}
            }
            if bundle_written && action == Action::Unchanged {
                detail = format!("{detail}; ca.crt brought to the current bundle");
            }
            *summary
                .entry(match action {
                    Action::Created => "created",
                    Action::Renewed => "renewed",
                    Action::Unchanged => "unchanged",
                    Action::Failed => "failed",
                })
                .or_default() += 1;
            if bundle_written {
                *summary.entry("bundles_written").or_default() += 1;
            }
            ItemReport {
                name: it.name.clone(),
                kind: it.kind.as_str(),
                role: it.role.clone(),
                action,
                detail,
                serial,
                bundle_written,
            }
        })
        .collect();
    *summary.entry("bundles_written").or_default() += other_bundles;
    summary.insert("pruned", pruned.len());
    Report {
        inventory: a.inventory.clone(),
        check: a.check,
        bundle_only: a.bundle_only,
        ca_created,
        items,
        pruned,
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
                cell(&i.name),
                i.kind.to_string(),
                cell(&i.role),
                p.paint(v, t),
                cell(&i.detail),
            ]
        })
        .collect();
    if !rows.is_empty() {
        p.table(&["NAME", "KIND", "ROLE", "ACTION", "DETAIL"], &rows)?;
    }
    for pr in &r.pruned {
        p.line(&format!(
            "{} {} {} (role {}): {} certificate(s) revoked (cessationOfOperation), {} file(s) removed",
            if r.check { "would prune" } else { "pruned" },
            pr.kind,
            cell(&pr.name),
            cell(&pr.role),
            pr.revoked.len(),
            pr.removed.len()
        ))?;
        for k in &pr.kept {
            p.line(&format!("  kept {}", cell(k)))?;
        }
    }
    let n = |k: &str| r.summary.get(k).copied().unwrap_or(0);
    p.line(&format!(
        "{}{} created, {} renewed, {} unchanged, {} failed, {} bundle(s) written, {} pruned",
        if r.check { "would be: " } else { "" },
        n("created"),
        n("renewed"),
        n("unchanged"),
        n("failed"),
        n("bundles_written"),
        n("pruned")
    ))?;
    Ok(())
}

/// What one worker made: its batch of staged files, and per item the serial or the error.
type WorkerOutput = (
    fsio::Batch,
    Vec<(usize, std::result::Result<Record, String>)>,
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
    delivs: &[Delivery],
    idx: &[usize],
    default_kt: crate::pki::keys::KeyType,
) -> Vec<WorkerOutput> {
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(idx.len().max(1));
    let per = idx.len().div_ceil(workers);
    let one = |i: usize, batch: &mut fsio::Batch| -> Result<Record> {
        let it = &plan.items[i];
        let spec = LeafSpec {
            name: it.name.clone(),
            kind: it.kind,
            role: it.role.clone(),
            hosts: it.hosts.clone(),
            valid_for: it.valid_for,
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
        issue::stage_delivered(store, &issuing.bundle_pem, &iss, &mut mine, &delivs[i])?;
        batch.append(mine)?;
        Ok(iss.record.clone())
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
                valid_for: it.valid_for,
                key_type: c.key_type,
            };
            c.check_for(&plan.cluster, &plan.trust_domain, &spec)
                .map_err(wrap)?;
            Ok(Some(c))
        })
        .collect()
}
