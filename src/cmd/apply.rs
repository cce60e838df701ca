//! `secctl apply INVENTORY`: idempotent provisioning of a whole cluster.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::IsTerminal;
use std::path::PathBuf;

use serde::Serialize;
use time::OffsetDateTime;

use crate::cli::ApplyArgs;
use crate::cmd::Ctx;
use crate::error::{Error, Result, EXIT_CHECK_FAILED};
use crate::inventory::{self, Plan};
use crate::output::Tone;
use crate::pki::ca::{self, InitMode, InitOptions, IssuingCa};
use crate::pki::csr::{self, Csr};
use crate::pki::delivery::{self, Bundle, BundleState, Delivery};
use crate::pki::fsio::{self, Owner};
use crate::pki::issue::{self, LeafSpec};
use crate::pki::store::{Config, KeySource, Record, Store};
use crate::plan::{self, Act};
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
    /// Whether `crl.pem` was (with --check: would be) delivered: it differed from the
    /// state directory's.
    pub crl_written: bool,
    /// The item's `reload:` hook, when it ran (its files changed); null otherwise.
    pub reload: Option<crate::cmd::hook::HookReport>,
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

pub use crate::plan::Pruned;

/// Why the files in a record's output directory are not the ones it records (missing,
/// replaced, or a key that is not the certificate's, as a crash between renames leaves).
pub fn delivery_problem(files: &crate::pki::fsio::StateDir, r: &Record) -> Option<String> {
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
    let der = match crate::pki::pemfile::read_in(files, &crt, "CERTIFICATE", "certificate") {
        Ok(mut blocks) => blocks.swap_remove(0),
        Err(_) => return Some(format!("{} is unreadable", crt.display())),
    };
    if crate::pki::inspect::fingerprint(&der) != r.sha256_fingerprint {
        return Some(format!("{} is not the recorded certificate", crt.display()));
    }
    if external {
        return None;
    }
    let matches = crate::pki::keys::load_private_key_in(files, &key, None)
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

/// What every path of `apply` shares once the inventory is read and checked.
struct Setup<'a> {
    a: &'a ApplyArgs,
    inv: &'a Plan,
    out_dirs: Vec<PathBuf>,
    delivs: Vec<Delivery>,
    csrs: Vec<Option<Csr>>,
    default_kt: crate::pki::keys::KeyType,
    now: OffsetDateTime,
}

/// Run `apply`.
pub fn run(ctx: &Ctx, a: ApplyArgs) -> Result<u8> {
    let inv = inventory::load(&a.inventory)?;
    let store = &ctx.store;
    let inv_name = a.inventory.display().to_string();
    let existing = existing_config(ctx, &a, &inv, &inv_name)?;
    let default_kt = existing
        .as_ref()
        .map(|c| c.key_type)
        .or(inv.key_type)
        .unwrap_or_default();
    let now = OffsetDateTime::now_utc();
    let out_dirs: Vec<PathBuf> = inv.items.iter().map(|i| inv.out_dir(i, store)).collect();
    // Output directories another user could write are refused before anything is done
    // (exit 2 naming the first), not item by item.
    for d in &out_dirs {
        store.files().check_dir(d)?;
    }
    let delivs = deliveries(&inv, &inv_name)?;
    // CSRs made on the nodes: read, verified and matched against their items before
    // anything is done (exit 2 naming the inventory, the item and the CSR).
    let csrs = read_csrs(store.files(), &inv_name, &inv)?;
    // Names the CA's constraints forbid, likewise.
    if existing.is_some() {
        check_constraints(store, &inv, &inv_name)?;
    }
    let s = Setup {
        a: &a,
        inv: &inv,
        out_dirs,
        delivs,
        csrs,
        default_kt,
        now,
    };
    if a.check {
        return check_only(ctx, &s, existing.is_some());
    }
    execute(ctx, &s, existing)
}

/// The configuration of the CA already in the state directory (None: no CA yet), checked
/// against the inventory.
fn existing_config(ctx: &Ctx, a: &ApplyArgs, inv: &Plan, inv_name: &str) -> Result<Option<Config>> {
    let store = &ctx.store;
    let existing = if store.is_initialized() {
        Some(store.config()?)
    } else {
        None
    };
    if let Some(cfg) = &existing {
        if cfg.cluster != inv.cluster || cfg.trust_domain != inv.trust_domain {
            return Err(Error::input(
                inv_name,
                format!(
                    "cluster {:?} / trust domain {:?} do not match the CA in {} ({:?} / {:?})",
                    inv.cluster,
                    inv.trust_domain,
                    store.name(),
                    cfg.cluster,
                    cfg.trust_domain
                ),
            ));
        }
        if inv.encrypt_key && !cfg.encrypted {
            ctx.printer.note(&format!(
                "warning: the inventory asks for ca.encrypt_key but the CA in {} was created with its keys in clear (apply does not re-encrypt an existing CA)",
                store.name()
            ));
        }
    } else if a.bundle_only {
        return Err(Error::input(
            inv_name,
            format!(
                "--bundle-only: no CA in {} yet, so no bundle to distribute (run `secctl apply` without it first)",
                store.name()
            ),
        ));
    }
    Ok(existing)
}

/// Every item's names against the CA's name constraints (exit 2 naming the inventory).
fn check_constraints(store: &Store, inv: &Plan, inv_name: &str) -> Result<()> {
    let chain = ca::issuing_constraints(store)?;
    for it in &inv.items {
        chain
            .check(
                &format!("{} {:?}", it.kind.as_str(), it.name),
                &it.hosts,
                &it.name,
                &[issue::spiffe_id(&inv.trust_domain, &it.role, &it.name).as_str()],
            )
            .map_err(|e| Error::input(inv_name, e.to_string()))?;
    }
    Ok(())
}

/// The current issuing CA's fingerprint.
fn current_fp(store: &Store) -> Result<Option<String>> {
    Ok(ca::generations(store)?
        .into_iter()
        .find(|g| g.current)
        .map(|g| g.issuing.sha256_fingerprint))
}

impl Setup<'_> {
    /// The state of `ca.crt` in every output directory. A `ca.crt` that is not a bundle of
    /// this CA is never replaced without --force (exit 2 before anything is written).
    fn bundle_states(&self, bundle: &Bundle) -> Result<Vec<BundleState>> {
        self.out_dirs
            .iter()
            .map(|d| bundle.check_replace(d, self.a.force))
            .collect()
    }

    /// Observe the output directories (and, with --prune and a CA, the names to prune),
    /// then plan. `records`: the newest live record of each name; `fp`: the current
    /// issuing CA's fingerprint.
    fn plan(
        &self,
        store: &Store,
        records: &HashMap<String, Record>,
        states: Vec<BundleState>,
        fp: Option<String>,
        bundle: Option<&Bundle>,
    ) -> Result<plan::Plan> {
        let disk = if self.a.bundle_only {
            states
                .into_iter()
                .zip(&self.out_dirs)
                .map(|(bundle, d)| plan::Disk {
                    files: Ok(None),
                    bundle,
                    dir_exists: d.is_dir(),
                })
                .collect()
        } else {
            observe(store.files(), self, records, states)
        };
        let prune = self.a.prune && bundle.is_some();
        let (stale, revoked) = match bundle {
            Some(b) if prune => observe_stale(store, self.inv, records, b)?,
            _ => Default::default(),
        };
        let csrs: Vec<Option<plan::CsrKey>> = self
            .csrs
            .iter()
            .map(|c| {
                c.as_ref().map(|c| plan::CsrKey {
                    input: &c.input,
                    public_key_sha256: &c.public_key_sha256,
                })
            })
            .collect();
        let input = plan::Input {
            items: &self.inv.items,
            out_dirs: &self.out_dirs,
            csrs: &csrs,
            disk: &disk,
            records,
            issuer_fp: fp.as_deref(),
            default_kt: self.default_kt,
            inventory_renew: self.inv.renew_before,
            stale: &stale,
            revoked: &revoked,
            now: self.now,
        };
        let opts = plan::Options {
            check: self.a.check,
            bundle_only: self.a.bundle_only,
            force: self.a.force,
            prune,
            renew_before: self.a.renew_before,
        };
        Ok(plan::plan(&input, &opts))
    }
}

/// What is on disk for every item: the files its record delivered (read and checked on
/// every core), its `ca.crt` (`states`) and whether its directory exists.
fn observe(
    files: &crate::pki::fsio::StateDir,
    s: &Setup,
    records: &HashMap<String, Record>,
    states: Vec<BundleState>,
) -> Vec<plan::Disk> {
    let one = |i: usize| -> Option<String> {
        let r = records.get(&s.inv.items[i].name)?;
        if let Some(problem) = delivery_problem(files, r) {
            return Some(problem);
        }
        [
            (format!("{}.key", r.name), true),
            (format!("{}.crt", r.name), false),
        ]
        .into_iter()
        .find_map(|(f, key)| s.delivs[i].mismatch(&r.out_dir.join(f), key))
    };
    let idx: Vec<usize> = (0..s.inv.items.len()).collect();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let per = idx.len().div_ceil(workers).max(64);
    let files: Vec<std::result::Result<Option<String>, String>> = std::thread::scope(|sc| {
        let hs: Vec<_> = idx
            .chunks(per)
            .map(|part| {
                let one = &one;
                (
                    sc.spawn(move || part.iter().map(|&i| one(i)).collect::<Vec<_>>()),
                    part.len(),
                )
            })
            .collect();
        hs.into_iter()
            .flat_map(|(h, n)| match h.join() {
                Ok(v) => v.into_iter().map(Ok).collect::<Vec<_>>(),
                Err(_) => vec![Err("internal error: check thread panicked".to_string()); n],
            })
            .collect()
    });
    files
        .into_iter()
        .zip(states)
        .zip(&s.out_dirs)
        .map(|((files, bundle), d)| plan::Disk {
            files,
            bundle,
            dir_exists: d.is_dir(),
        })
        .collect()
}

/// Every record of each name to prune, by name.
type Stale = HashMap<String, Vec<plan::StaleRecord>>;

/// Every record of each name with a live certificate that the inventory no longer has,
/// with its delivered files as found, and the serials already revoked.
fn observe_stale(
    store: &Store,
    inv: &Plan,
    records: &HashMap<String, Record>,
    bundle: &Bundle,
) -> Result<(Stale, HashSet<String>)> {
    let revoked: HashSet<String> = crate::revocation::read_log(store)?
        .into_iter()
        .map(|r| r.serial)
        .collect();
    let keep: HashSet<&str> = inv.items.iter().map(|i| i.name.as_str()).collect();
    let mut gone: Vec<&str> = records
        .keys()
        .map(String::as_str)
        .filter(|n| !keep.contains(n))
        .collect();
    gone.sort_unstable();
    let mut stale = HashMap::new();
    for name in gone {
        let recs = store
            .records_named(name)?
            .into_iter()
            .map(|r| {
                let crt_exists = r.out_dir.join(format!("{}.crt", r.name)).exists();
                let key_exists = r.out_dir.join(format!("{}.key", r.name)).exists();
                let pair = if crt_exists || key_exists {
                    delivered_pair(store.files(), &r)
                } else {
                    Ok(false)
                };
                let ca_crt = bundle.state(&r.out_dir.join("ca.crt"));
                plan::StaleRecord {
                    record: r,
                    crt_exists,
                    key_exists,
                    pair,
                    ca_crt,
                }
            })
            .collect();
        stale.insert(name.to_string(), recs);
    }
    Ok((stale, revoked))
}

/// `apply --check`: plan and report, write nothing; exit 1 when there is work.
fn check_only(ctx: &Ctx, s: &Setup, existing: bool) -> Result<u8> {
    let store = &ctx.store;
    let current = delivery::live_records(store)?;
    let p = if existing {
        let bundle = Bundle::load(store)?;
        let states = s.bundle_states(&bundle)?;
        let fp = if s.a.bundle_only {
            None
        } else {
            current_fp(store)?
        };
        s.plan(store, &current, states, fp, Some(&bundle))?
    } else {
        let n = s.inv.items.len();
        s.plan(store, &current, vec![BundleState::Missing; n], None, None)?
    };
    let mut report = build_report(s.a, &current, s.inv, !existing, &p, &[], 0, p.prune.clone());
    // crl.pem that would be delivered: where it differs from the state directory's (no
    // hook runs with --check).
    let crls = std::fs::read(store.path("crl.pem")).ok();
    let mut crl_pending = 0;
    for (i, it) in report.items.iter_mut().enumerate() {
        let dir = &s.out_dirs[i];
        let differs = crls.as_ref().is_some_and(|crl| {
            s.inv.items[i].crl
                && p.steps[i].act != Act::Fail
                && (dir.is_dir() || matches!(p.steps[i].act, Act::Issue | Act::Renew))
                && (std::fs::read(dir.join("crl.pem")).ok().as_ref() != Some(crl)
                    || !delivered_as(&dir.join("crl.pem"), &s.delivs[i]))
        });
        if differs {
            it.crl_written = true;
            it.detail = format!("{}; crl.pem would be delivered", it.detail);
            crl_pending += 1;
        }
    }
    report.summary.insert("crls_written", crl_pending);
    print(ctx, &report)?;
    Ok(if p.pending(!existing) || crl_pending > 0 {
        EXIT_CHECK_FAILED
    } else {
        0
    })
}

/// The passphrase is asked (or read) once, and only when there is something to sign:
/// a new CA to encrypt (the inventory's `ca.encrypt_key`, or a passphrase file given),
/// certificates to issue, or revocations to publish.
fn passphrase_if_signing(
    ctx: &Ctx,
    s: &Setup,
    existing: Option<&Config>,
) -> Result<Option<age::secrecy::SecretString>> {
    let store = &ctx.store;
    let encrypt_new = existing.is_none() && (s.inv.encrypt_key || ctx.passphrase_file.is_some());
    if encrypt_new {
        if !s.inv.encrypt_key {
            ctx.printer.note(
                "a passphrase file is given: the new CA's keys are encrypted with it (as with ca.encrypt_key)",
            );
        }
        return Ok(Some(ctx.passphrase(true)?));
    }
    if existing.is_some_and(|c| c.encrypted) && !s.a.bundle_only {
        let fp = current_fp(store)?;
        let bundle = Bundle::load(store)?;
        let records = delivery::live_records(store)?;
        let n = s.inv.items.len();
        let p = s.plan(
            store,
            &records,
            vec![BundleState::Missing; n],
            fp,
            Some(&bundle),
        )?;
        if p.signs() {
            return Ok(Some(ctx.passphrase(false)?));
        }
    }
    Ok(None)
}

/// Create the CA the inventory describes.
fn create_ca(
    store: &Store,
    inv: &Plan,
    passphrase: Option<&age::secrecy::SecretString>,
) -> Result<()> {
    let _s = passphrase.map(|_| crate::output::Spinner::start("encrypting the CA key (scrypt)"));
    crate::revocation::init_ca(
        store,
        &InitOptions {
            cluster: inv.cluster.clone(),
            trust_domain: inv.trust_domain.clone(),
            key_type: inv.key_type.unwrap_or_default(),
            days: inv.ca_days,
            intermediate: inv.intermediate,
            name_constraints: Default::default(),
        },
        passphrase,
        InitMode::Fresh,
    )?;
    Ok(())
}

/// Per item: the serial issued, or why it failed (None: not issued).
type Outcomes = Vec<Option<std::result::Result<String, String>>>;

/// `apply`: plan under the lock, then carry the plan out.
fn execute(ctx: &Ctx, s: &Setup, existing: Option<Config>) -> Result<u8> {
    let store = &ctx.store;
    let mut passphrase = passphrase_if_signing(ctx, s, existing.as_ref())?;
    let _lock = store.lock()?;
    let ca_created = !store.is_initialized();
    if ca_created {
        create_ca(store, s.inv, passphrase.as_ref())?;
    }
    let bundle = Bundle::load(store)?;
    let states = s.bundle_states(&bundle)?;
    // A run killed half-way left temporary files in the output directories (the lock
    // cleared the state directory's); clear them before deciding.
    let mut seen = HashSet::new();
    for d in s.out_dirs.iter().filter(|d| seen.insert(*d)) {
        // Best effort: an output directory that cannot be read fails its own item below.
        let _ = fsio::remove_stale_temps(d);
    }
    let cfg = store.config()?;
    let before = delivery::live_records(store)?;
    let fp = if s.a.bundle_only {
        None
    } else {
        current_fp(store)?
    };
    let p = s.plan(store, &before, states, fp, Some(&bundle))?;
    let work = p.signing();
    let mut outcomes: Outcomes = vec![None; s.inv.items.len()];
    // The records this run made (committed), newest last.
    let mut issued: Vec<Record> = Vec::new();
    if !work.is_empty() {
        let issuing = ctx.with_ca_key(&mut passphrase, |p| ca::load_issuing(store, p))?;
        issue_all(store, &cfg, &issuing, s, &work, &mut outcomes, &mut issued);
    }
    // The bundle alone, where the certificate stays: after `ca rotate` (--bundle-only, step
    // 2 of a roll) or `ca retire`.
    let bundle_writes = p.bundle_writes();
    let mut bundle_failed: Vec<Option<String>> = vec![None; s.inv.items.len()];
    write_bundles(
        store,
        &bundle,
        &s.out_dirs,
        &s.delivs,
        &bundle_writes,
        &mut bundle_failed,
    );
    if !work.is_empty() || bundle_writes.iter().any(|b| *b) {
        // Its roots are this CA's from now on, even once a generation is retired.
        bundle.record_delivered(store)?;
    }
    let revs = revocations(s, &p.prune, &outcomes, &before);
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
    let pruned = remove_pruned(store, p.prune.clone(), &bundle);
    // Output directories of names outside the inventory get the new bundle too.
    // Nothing was issued or revoked with --bundle-only: the records read before still hold;
    // without revocations, they and the records this run made (each the newest of its
    // name) are the live ones; after revocations the records are read again.
    let current = if s.a.bundle_only {
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
    let others = delivery::refresh_bundles_with(store, &bundle, &s.out_dirs, Some(&current))?;
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
    // Every item's files are in place: crl.pem beside them, then the reload hooks.
    let crl_written = deliver_crls(store, s, &p, &mut outcomes);
    let reloads = run_reloads(s, &outcomes, &bundle_writes, &crl_written);
    let mut report = build_report(
        s.a,
        &current,
        s.inv,
        ca_created,
        &p,
        &outcomes,
        others.written.len(),
        pruned,
    );
    let mut reloads_failed = 0;
    for (i, it) in report.items.iter_mut().enumerate() {
        it.crl_written = crl_written[i];
        if it.crl_written {
            it.detail = format!("{}; crl.pem delivered", it.detail);
        }
        it.reload = reloads[i].clone();
        reloads_failed += usize::from(it.reload.as_ref().is_some_and(|r| !r.ok));
    }
    report
        .summary
        .insert("crls_written", crl_written.iter().filter(|w| **w).count());
    report
        .summary
        .insert("reloads_run", reloads.iter().flatten().count());
    report.summary.insert("reloads_failed", reloads_failed);
    print(ctx, &report)?;
    Ok(if report.items.iter().any(|i| i.action == Action::Failed) {
        crate::error::EXIT_IO
    } else if reloads_failed > 0 {
        1
    } else {
        0
    })
}

/// Whether the file at `path` has the mode and owner `dv` gives delivered certificates.
fn delivered_as(path: &std::path::Path, dv: &crate::pki::delivery::Delivery) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    let Ok(m) = std::fs::symlink_metadata(path) else {
        return false;
    };
    m.file_type().is_file()
        && m.mode() & 0o7777 == dv.cert_mode
        && dv.owner.uid.is_none_or(|u| u == m.uid())
        && dv.owner.gid.is_none_or(|g| g == m.gid())
}

/// Deliver the state directory's `crl.pem` into the output directory of every item that
/// takes it (`crl:`, on for nodes) and did not fail, where it differs (content, mode or
/// owner); atomically, with the item's owner and certificate mode. A CRL older than the
/// one the node holds (a CRL number going back) is not delivered and fails its items, as
/// does a write that fails. Per item: whether its `crl.pem` was written.
fn deliver_crls(store: &Store, s: &Setup, p: &plan::Plan, outcomes: &mut Outcomes) -> Vec<bool> {
    let n = s.inv.items.len();
    let mut written = vec![false; n];
    let Ok(crl) = std::fs::read(store.path("crl.pem")) else {
        return written;
    };
    let takes: Vec<usize> = (0..n)
        .filter(|&i| {
            s.inv.items[i].crl
                && p.steps[i].act != Act::Fail
                && !matches!(outcomes[i], Some(Err(_)))
                && s.out_dirs[i].is_dir()
        })
        .collect();
    let mut batch = store.batch();
    // Output directories staged (first item of each), and those that could not be.
    let mut staged: Vec<&PathBuf> = Vec::new();
    let mut failed: HashMap<&PathBuf, String> = HashMap::new();
    for &i in &takes {
        let dir = &s.out_dirs[i];
        if staged.contains(&dir) || failed.contains_key(dir) {
            continue;
        }
        let path = dir.join("crl.pem");
        let dv = &s.delivs[i];
        let have = std::fs::read(&path).ok();
        if have.as_ref() == Some(&crl) && delivered_as(&path, dv) {
            continue;
        }
        if let Some(why) = have
            .as_deref()
            .and_then(|h| crate::pki::trust::crl_rollback(h, &crl))
        {
            failed.insert(dir, why);
            continue;
        }
        match batch.write_owned(&path, &crl, dv.cert_mode, dv.owner) {
            Ok(()) => staged.push(dir),
            Err(e) => {
                failed.insert(dir, e.to_string());
            }
        }
    }
    if let Err(e) = batch.commit() {
        for d in staged.drain(..) {
            failed.insert(d, e.to_string());
        }
    }
    for &i in &takes {
        let dir = &s.out_dirs[i];
        if let Some(e) = failed.get(dir) {
            outcomes[i] = Some(Err(format!("crl.pem not delivered: {e}")));
        } else if staged.contains(&dir) {
            written[i] = true;
        }
    }
    written
}

/// Run the `reload:` hook of every item whose delivered files changed in this run (its
/// certificate and key issued, its `ca.crt` or `crl.pem` written) and that did not fail;
/// only once every item's files are in place.
fn run_reloads(
    s: &Setup,
    outcomes: &Outcomes,
    bundle_writes: &[bool],
    crl_written: &[bool],
) -> Vec<Option<crate::cmd::hook::HookReport>> {
    let mut out = vec![None; s.inv.items.len()];
    for (i, it) in s.inv.items.iter().enumerate() {
        let Some(cmd) = &it.reload else { continue };
        let dir = &s.out_dirs[i];
        let mut changed = Vec::new();
        match &outcomes[i] {
            Some(Err(_)) => continue,
            Some(Ok(_)) => {
                changed.push(dir.join(format!("{}.crt", it.name)));
                let key = dir.join(format!("{}.key", it.name));
                if key.exists() {
                    changed.push(key);
                }
                changed.push(dir.join("ca.crt"));
            }
            None if bundle_writes[i] => changed.push(dir.join("ca.crt")),
            None => {}
        }
        if crl_written[i] {
            changed.push(dir.join("crl.pem"));
        }
        if changed.is_empty() {
            continue;
        }
        out[i] = Some(crate::cmd::hook::run(
            cmd,
            &s.inv.base,
            &it.name,
            dir,
            &changed,
            crate::cmd::hook::TIMEOUT,
        ));
    }
    out
}

/// Sign the items `work` in chunks: each worker signs its share of a chunk and stages the
/// files into its own batch; the batches commit together (one filesystem sync before and
/// after the renames). The outcome of each item goes to `outcomes`, the records committed
/// to `issued`.
fn issue_all(
    store: &Store,
    cfg: &Config,
    issuing: &IssuingCa,
    s: &Setup,
    work: &[usize],
    outcomes: &mut Outcomes,
    issued: &mut Vec<Record>,
) {
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
    for chunk in work.chunks(1024) {
        let done = issue_parallel(
            store,
            cfg,
            issuing,
            s.inv,
            &s.csrs,
            &s.out_dirs,
            &s.delivs,
            chunk,
            s.default_kt,
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

/// Revocations: pruned names (cessationOfOperation), and with --revoke-old the
/// certificates this run replaced (superseded); one CRL for all.
fn revocations(
    s: &Setup,
    pruned: &[Pruned],
    outcomes: &Outcomes,
    before: &HashMap<String, Record>,
) -> Vec<crate::revocation::Revocation> {
    let now = s.now;
    let mut revs = Vec::new();
    for p in pruned {
        for serial in &p.revoked {
            revs.push(crate::revocation::Revocation {
                serial: serial.clone(),
                reason: crate::revocation::Reason::CessationOfOperation,
                revoked_at: now,
                issuer: None,
            });
        }
    }
    if s.a.revoke_old {
        for (i, it) in s.inv.items.iter().enumerate() {
            if let (Some(Ok(_)), Some(old)) = (&outcomes[i], before.get(&it.name)) {
                if old.not_after > now {
                    revs.push(crate::revocation::Revocation {
                        serial: old.serial.clone(),
                        reason: crate::revocation::Reason::Superseded,
                        revoked_at: now,
                        issuer: Some(old.issuer_fingerprint.as_str().into()),
                    });
                }
            }
        }
    }
    revs
}

/// Write the bundle into the directories marked in `which`, each with its item's owner
/// and mode; a failure is recorded for its item (the rest goes on).
fn write_bundles(
    store: &Store,
    bundle: &Bundle,
    dirs: &[PathBuf],
    delivs: &[Delivery],
    which: &[bool],
    failed: &mut [Option<String>],
) {
    let mut batch = store.batch();
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

/// Whether a record's delivered certificate is the recorded one (Err: it is not, so
/// neither file is touched) and its key is that certificate's (Ok(false): the key is not).
fn delivered_pair(
    files: &crate::pki::fsio::StateDir,
    r: &Record,
) -> std::result::Result<bool, String> {
    let crt = r.out_dir.join(format!("{}.crt", r.name));
    let key = r.out_dir.join(format!("{}.key", r.name));
    let der = match crate::pki::pemfile::read_in(files, &crt, "CERTIFICATE", "certificate") {
        Ok(mut blocks) => blocks.swap_remove(0),
        Err(_) => return Err(format!("{}: missing or unreadable", crt.display())),
    };
    if crate::pki::inspect::fingerprint(&der) != r.sha256_fingerprint {
        return Err(format!(
            "{}: not the certificate secctl delivered (left with its key)",
            crt.display()
        ));
    }
    Ok(crate::pki::keys::load_private_key_in(files, &key, None)
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
    p: &plan::Plan,
    outcomes: &[Option<std::result::Result<String, String>>],
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
        "crls_written",
        "reloads_run",
        "reloads_failed",
    ]
    .into_iter()
    .map(|k| (k, 0))
    .collect();
    let items: Vec<ItemReport> = plan
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let step = &p.steps[i];
            let mut action = match step.act {
                Act::Issue => Action::Created,
                Act::Renew => Action::Renewed,
                Act::Keep | Act::BundleOnly => Action::Unchanged,
                Act::Fail => Action::Failed,
            };
            let mut detail = step.detail.clone();
            // The serial in use: the new one when issued, else the current one.
            let mut serial = current.get(&it.name).map(|r| r.serial.clone());
            let mut bundle_written = step.act == Act::BundleOnly;
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
                crl_written: false,
                reload: None,
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
    for i in &r.items {
        let Some(h) = &i.reload else { continue };
        let line = format!(
            "reload {}: {} ({}; {} changed file(s))",
            cell(&i.name),
            if h.ok { "ok" } else { "FAILED" },
            h.detail,
            h.changed_files.len()
        );
        if h.ok {
            p.line(&line)?;
        } else {
            p.note(&line);
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
        let mut mine = store.batch();
        issue::stage_delivered(store, &issuing.bundle_pem, &iss, &mut mine, &delivs[i])?;
        batch.append(mine)?;
        Ok(iss.record.clone())
    };
    std::thread::scope(|sc| {
        let handles: Vec<_> = idx
            .chunks(per.max(1))
            .map(|part| {
                sc.spawn(move || {
                    let mut batch = store.batch();
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
                    (store.batch(), items)
                })
            })
            .collect()
    })
}

/// The CSR of every item that has one (None for the others), each verified and checked
/// against its item: what it asks for must be what the item issues.
fn read_csrs(
    files: &crate::pki::fsio::StateDir,
    inv_name: &str,
    plan: &Plan,
) -> Result<Vec<Option<Csr>>> {
    plan.items
        .iter()
        .map(|it| {
            let Some(p) = &it.csr else { return Ok(None) };
            let wrap = |e: Error| {
                Error::input(inv_name, format!("{} {:?}: {e}", it.kind.as_str(), it.name))
            };
            let c = csr::read(files, p).map_err(wrap)?;
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
