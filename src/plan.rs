//! `apply`'s planner: from the inventory, the records read and what the executor observed
//! in the output directories, at a given time, the list of what to do per item and the
//! names to prune. Pure: no I/O, no printing; the executor in `cmd/apply.rs` observes,
//! plans, then carries the plan out.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use serde::Serialize;
use time::OffsetDateTime;

use crate::ground::timefmt::fmt_time;
use crate::inventory::Item;
use crate::pki::ca::BACKDATE;
use crate::pki::delivery::BundleState;
use crate::pki::keys::KeyType;
use crate::pki::store::{KeySource, Record};
use crate::pki::validity::{self, RenewBefore};

/// What to do with one inventory item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Issue a first certificate.
    Issue,
    /// Issue again (the detail says why).
    Renew,
    /// Leave as it is.
    Keep,
    /// Leave the certificate as it is and bring `ca.crt` to the current bundle.
    BundleOnly,
    /// Nothing can be decided (the detail says why).
    Fail,
}

/// One item's step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// What to do.
    pub act: Act,
    /// Why (the report's detail).
    pub detail: String,
}

/// A name the inventory no longer has, revoked and removed by `--prune`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// The plan: one step per inventory item, in inventory order, and the names to prune
/// (sorted by name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Per item.
    pub steps: Vec<Step>,
    /// With `--prune`.
    pub prune: Vec<Pruned>,
    /// `--check`: the executor writes nothing and reports what it would do.
    pub check: bool,
}

impl Plan {
    /// Items that are signed (issued or renewed), by index.
    pub fn signing(&self) -> Vec<usize> {
        (0..self.steps.len())
            .filter(|&i| matches!(self.steps[i].act, Act::Issue | Act::Renew))
            .collect()
    }

    /// Per item: whether `ca.crt` alone is written.
    pub fn bundle_writes(&self) -> Vec<bool> {
        self.steps
            .iter()
            .map(|s| s.act == Act::BundleOnly)
            .collect()
    }

    /// Whether anything is to be done (what `--check` exits 1 on; a CA to create counts).
    pub fn pending(&self, ca_missing: bool) -> bool {
        ca_missing || self.steps.iter().any(|s| s.act != Act::Keep) || !self.prune.is_empty()
    }

    /// Whether running it signs anything (certificates or a CRL): the CA key is needed.
    pub fn signs(&self) -> bool {
        !self.signing().is_empty() || !self.prune.is_empty()
    }
}

/// What the executor found in an item's output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disk {
    /// The first problem with the files the item's record delivered (missing, replaced, a
    /// key not the certificate's, a mode or owner the inventory does not want); `None`
    /// when they are in order or there is no record. `Err`: could not be observed.
    pub files: Result<Option<String>, String>,
    /// The state of its `ca.crt`.
    pub bundle: BundleState,
    /// Whether the directory exists.
    pub dir_exists: bool,
}

/// One record of a name the inventory no longer has, with what is on disk for it.
#[derive(Debug, Clone)]
pub struct StaleRecord {
    /// The record.
    pub record: Record,
    /// Whether `NAME.crt` exists in its output directory.
    pub crt_exists: bool,
    /// Whether `NAME.key` exists.
    pub key_exists: bool,
    /// Whether the certificate is the recorded one (Err: it is not, why) and the key is
    /// its key (Ok(false): it is not).
    pub pair: Result<bool, String>,
    /// The state of `ca.crt` in its output directory.
    pub ca_crt: BundleState,
}

/// The flags that shape the plan.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// `--check`.
    pub check: bool,
    /// `--bundle-only`: nothing issued, only bundles.
    pub bundle_only: bool,
    /// `--force`: a foreign `ca.crt` is replaced.
    pub force: bool,
    /// `--prune`.
    pub prune: bool,
    /// `--renew-before`, over the inventory's.
    pub renew_before: Option<RenewBefore>,
}

/// A CSR's key, as the planner compares it with the record's.
#[derive(Debug, Clone, Copy)]
pub struct CsrKey<'a> {
    /// Where the CSR came from, for the detail.
    pub input: &'a str,
    /// SHA-256 of its SubjectPublicKeyInfo.
    pub public_key_sha256: &'a str,
}

/// Everything the planner reads. The slices are per item, in inventory order.
pub struct Input<'a> {
    /// The inventory's items.
    pub items: &'a [Item],
    /// Their output directories (absolute).
    pub out_dirs: &'a [PathBuf],
    /// Their CSRs' keys (None: secctl makes the key).
    pub csrs: &'a [Option<CsrKey<'a>>],
    /// What is on disk for them.
    pub disk: &'a [Disk],
    /// The newest live record of each name.
    pub records: &'a HashMap<String, Record>,
    /// The current issuing CA's fingerprint (None: no CA yet).
    pub issuer_fp: Option<&'a str>,
    /// The key type when an item names none.
    pub default_kt: KeyType,
    /// The inventory's renewal window.
    pub inventory_renew: Option<RenewBefore>,
    /// Every record of each name the inventory no longer has (oldest first), observed;
    /// read only with `--prune`.
    pub stale: &'a HashMap<String, Vec<StaleRecord>>,
    /// The serials already revoked.
    pub revoked: &'a HashSet<String>,
    /// Now.
    pub now: OffsetDateTime,
}

/// Plan an `apply`.
pub fn plan(input: &Input, opts: &Options) -> Plan {
    let steps = (0..input.items.len())
        .map(|i| {
            let step = if opts.bundle_only {
                bundle_only_step(input, i)
            } else {
                decide(input, opts, i)
            };
            with_bundle(input, opts, i, step)
        })
        .collect();
    let prune = if opts.prune {
        plan_prune(input)
    } else {
        vec![]
    };
    Plan {
        steps,
        prune,
        check: opts.check,
    }
}

/// A time as the report gives it: in full when within two days of `now`, else the date.
pub fn until(t: OffsetDateTime, now: OffsetDateTime) -> String {
    if t - now < time::Duration::days(2) {
        fmt_time(t)
    } else {
        t.date().to_string()
    }
}

fn step(act: Act, detail: impl Into<String>) -> Step {
    Step {
        act,
        detail: detail.into(),
    }
}

/// A kept certificate whose directory exists and whose `ca.crt` is not the current bundle
/// (missing, an older bundle of this CA, or a foreign one with --force) gets the bundle.
fn with_bundle(input: &Input, opts: &Options, i: usize, s: Step) -> Step {
    let d = &input.disk[i];
    let stale_bundle = match &d.bundle {
        BundleState::Current => false,
        BundleState::Foreign(_) => opts.force,
        BundleState::Missing | BundleState::Ours => true,
    };
    if s.act == Act::Keep && stale_bundle && d.dir_exists {
        Step {
            act: Act::BundleOnly,
            ..s
        }
    } else {
        s
    }
}

/// With --bundle-only every certificate is left as it is; the detail says what it would
/// need.
fn bundle_only_step(input: &Input, i: usize) -> Step {
    match input.records.get(&input.items[i].name) {
        Some(r) => step(
            Act::Keep,
            format!(
                "certificate left as it is (--bundle-only), valid until {}",
                until(r.not_after, input.now)
            ),
        ),
        None => step(Act::Keep, "not issued yet (--bundle-only issues nothing)"),
    }
}

/// Issue, renew or keep one item.
fn decide(input: &Input, opts: &Options, i: usize) -> Step {
    let item = &input.items[i];
    let Some(r) = input.records.get(&item.name) else {
        return step(Act::Issue, "not issued yet");
    };
    if let Err(e) = &input.disk[i].files {
        return step(Act::Fail, e.clone());
    }
    if let Some(why) = identity_change(item, r) {
        return step(Act::Renew, why);
    }
    if let Some(why) = key_change(input, i, r) {
        return step(Act::Renew, why);
    }
    if input.issuer_fp.is_some_and(|fp| fp != r.issuer_fingerprint) {
        return step(Act::Renew, "issued by a previous CA");
    }
    if r.out_dir != input.out_dirs[i] {
        return step(
            Act::Renew,
            format!("output directory changed (was {})", r.out_dir.display()),
        );
    }
    if let Ok(Some(problem)) = &input.disk[i].files {
        return step(Act::Renew, problem.clone());
    }
    let renew_before = opts
        .renew_before
        .or(item.renew_before)
        .or(input.inventory_renew);
    lifetime_step(item, r, renew_before, input.now)
}

/// The kind, role or hosts the certificate carries are not the item's.
fn identity_change(item: &Item, r: &Record) -> Option<String> {
    if r.kind != item.kind {
        return Some(format!(
            "kind changed ({} -> {})",
            r.kind.as_str(),
            item.kind.as_str()
        ));
    }
    if r.role != item.role {
        return Some(format!("role changed ({} -> {})", r.role, item.role));
    }
    let have: HashSet<String> = r.hosts.iter().cloned().collect();
    let want: HashSet<String> = item.hosts.iter().map(ToString::to_string).collect();
    if have != want {
        return Some("hosts changed".into());
    }
    None
}

/// The certified key is not the one the item wants (its CSR's, or one of its key type).
fn key_change(input: &Input, i: usize, r: &Record) -> Option<String> {
    let item = &input.items[i];
    let csr = input.csrs[i];
    match (csr, r.key_source) {
        (Some(c), KeySource::External)
            if r.public_key_sha256.as_deref() != Some(c.public_key_sha256) =>
        {
            return Some(format!("the key of {} is not the certified one", c.input));
        }
        (Some(c), KeySource::Generated) => {
            return Some(format!("key now from {} (was generated here)", c.input));
        }
        (None, KeySource::External) => {
            return Some("key now generated here (was from a CSR)".into());
        }
        _ => {}
    }
    let want = item.key_type.unwrap_or(input.default_kt);
    if csr.is_none() && r.key_type != want {
        return Some(format!("key type changed ({} -> {want})", r.key_type));
    }
    None
}

/// Renew when the validity was shortened or the renewal window is reached, else keep.
fn lifetime_step(
    item: &Item,
    r: &Record,
    renew_before: Option<RenewBefore>,
    now: OffsetDateTime,
) -> Step {
    let lifetime = validity::lifetime(r.not_before, r.not_after);
    // A shorter validity in the inventory takes effect now: the certificate in place
    // outlives what a new one would (the point of moving to short-lived certificates).
    if r.not_after > now + item.valid_for + BACKDATE {
        return step(
            Act::Renew,
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
        return step(
            Act::Renew,
            format!(
                "expires {} (renewal window {})",
                until(r.not_after, now),
                validity::format_duration(window)
            ),
        );
    }
    step(
        Act::Keep,
        format!("valid until {}", until(r.not_after, now)),
    )
}

/// The names with live certificates that the inventory no longer has: what `--prune`
/// revokes (every unexpired, unrevoked certificate of the name) and removes (the delivered
/// key and certificate when they are the recorded ones; `ca.crt` when it is a bundle of
/// this CA and no certificate that stays shares the directory).
fn plan_prune(input: &Input) -> Vec<Pruned> {
    let keep: HashSet<&str> = input.items.iter().map(|i| i.name.as_str()).collect();
    let kept_dirs: HashSet<&PathBuf> = input
        .records
        .values()
        .filter(|r| keep.contains(r.name.as_str()))
        .map(|r| &r.out_dir)
        .collect();
    let mut gone: Vec<&Record> = input
        .records
        .values()
        .filter(|r| !keep.contains(r.name.as_str()))
        .collect();
    gone.sort_by(|a, b| a.name.cmp(&b.name));
    gone.into_iter()
        .map(|latest| {
            let recs = input.stale.get(&latest.name).map_or(&[][..], |v| &v[..]);
            prune_one(latest, recs, &kept_dirs, input.revoked, input.now)
        })
        .collect()
}

fn prune_one(
    latest: &Record,
    recs: &[StaleRecord],
    kept_dirs: &HashSet<&PathBuf>,
    revoked: &HashSet<String>,
    now: OffsetDateTime,
) -> Pruned {
    let mut p = Pruned {
        name: latest.name.clone(),
        kind: latest.kind.as_str(),
        role: latest.role.clone(),
        revoked: recs
            .iter()
            .map(|s| &s.record)
            .filter(|r| r.not_after > now && !revoked.contains(&r.serial))
            .map(|r| r.serial.clone())
            .collect(),
        removed: vec![],
        kept: vec![],
    };
    let mut dirs_seen = HashSet::new();
    for s in recs
        .iter()
        .rev()
        .filter(|s| !revoked.contains(&s.record.serial))
    {
        let r = &s.record;
        if !dirs_seen.insert(r.out_dir.clone()) {
            continue;
        }
        let crt = r.out_dir.join(format!("{}.crt", r.name));
        let key = r.out_dir.join(format!("{}.key", r.name));
        if !s.crt_exists && !s.key_exists {
            continue;
        }
        // Only what secctl delivered: the certificate must be the recorded one, the key
        // must be its key.
        match &s.pair {
            Ok(true) => {
                p.removed.push(crt);
                p.removed.push(key);
            }
            Ok(false) => {
                if s.crt_exists {
                    p.removed.push(crt);
                }
                if s.key_exists {
                    p.kept.push(format!(
                        "{}: not the key of the recorded certificate",
                        key.display()
                    ));
                }
            }
            Err(why) => p.kept.push(why.clone()),
        }
        let ca_crt = r.out_dir.join("ca.crt");
        if !kept_dirs.contains(&r.out_dir) {
            match &s.ca_crt {
                BundleState::Current | BundleState::Ours => p.removed.push(ca_crt),
                BundleState::Missing => {}
                BundleState::Foreign(why) => p.kept.push(format!("{}: {why}", ca_crt.display())),
            }
        }
    }
    p
}

#[cfg(test)]
mod tests {
    //! The planner as a table: inputs -> the actions planned.

    use super::*;
    use crate::pki::names::parse_host;
    use crate::pki::store::CertKind;
    use time::Duration;

    /// One item `n1` (node, role web, host n1.example, 90 days), its record issued 10 days
    /// ago by the current CA `FP1` into `/out/n1`, its files and `ca.crt` in order.
    struct Fx {
        items: Vec<Item>,
        out_dirs: Vec<PathBuf>,
        csr: Option<(String, String)>,
        disk: Vec<Disk>,
        records: HashMap<String, Record>,
        issuer_fp: Option<String>,
        stale: HashMap<String, Vec<StaleRecord>>,
        revoked: HashSet<String>,
        opts: Options,
        now: OffsetDateTime,
    }

    fn now() -> OffsetDateTime {
        time::macros::datetime!(2026-12-07 12:00 UTC)
    }

    fn record(name: &str, serial: &str, age_days: i64, life_days: i64) -> Record {
        let nb = now() - Duration::days(age_days) - BACKDATE;
        Record {
            serial: serial.into(),
            name: name.into(),
            kind: CertKind::Node,
            role: "web".into(),
            spiffe_id: format!("spiffe://c.local/web/{name}"),
            hosts: vec![format!("{name}.example")],
            key_type: KeyType::EcdsaP256,
            not_before: nb,
            not_after: nb + Duration::days(life_days) + BACKDATE,
            issuer_fingerprint: "FP1".into(),
            sha256_fingerprint: format!("SHA-{serial}"),
            out_dir: PathBuf::from(format!("/out/{name}")),
            key_source: KeySource::Generated,
            public_key_sha256: None,
        }
    }

    fn fx() -> Fx {
        let item = Item {
            name: "n1".into(),
            kind: CertKind::Node,
            role: "web".into(),
            hosts: vec![parse_host("n1.example").unwrap()],
            out: None,
            valid_for: Duration::days(90),
            renew_before: None,
            key_type: None,
            csr: None,
            owner: None,
            group: None,
            cert_mode: 0o644,
            key_mode: 0o600,
            crl: true,
            reload: None,
            line: 3,
        };
        Fx {
            items: vec![item],
            out_dirs: vec![PathBuf::from("/out/n1")],
            csr: None,
            disk: vec![Disk {
                files: Ok(None),
                bundle: BundleState::Current,
                dir_exists: true,
            }],
            records: [("n1".to_string(), record("n1", "01", 10, 90))].into(),
            issuer_fp: Some("FP1".into()),
            stale: HashMap::new(),
            revoked: HashSet::new(),
            opts: Options::default(),
            now: now(),
        }
    }

    fn run(f: &Fx) -> Plan {
        let csrs = [f.csr.as_ref().map(|(i, k)| CsrKey {
            input: i,
            public_key_sha256: k,
        })];
        let input = Input {
            items: &f.items,
            out_dirs: &f.out_dirs,
            csrs: &csrs,
            disk: &f.disk,
            records: &f.records,
            issuer_fp: f.issuer_fp.as_deref(),
            default_kt: KeyType::EcdsaP256,
            inventory_renew: None,
            stale: &f.stale,
            revoked: &f.revoked,
            now: f.now,
        };
        plan(&input, &f.opts)
    }

    /// A name `gone` the inventory no longer has: two records (`0a` revoked already, `0b`
    /// live) in `/out/gone`, whose files are the ones delivered.
    fn with_gone(f: &mut Fx) {
        let old = record("gone", "0a", 60, 90);
        let new = record("gone", "0b", 5, 90);
        f.records.insert("gone".into(), new.clone());
        f.revoked.insert("0a".into());
        let seen = |r: Record| StaleRecord {
            record: r,
            crt_exists: true,
            key_exists: true,
            pair: Ok(true),
            ca_crt: BundleState::Current,
        };
        f.stale.insert("gone".into(), vec![seen(old), seen(new)]);
    }

    type Setup = fn(&mut Fx);

    /// (case, setup, expected act, expected detail (a prefix)); each row also checks what
    /// --check would exit on, what is signed and which bundles are written.
    const TABLE: &[(&str, Setup, Act, &str)] = &[
        (
            "missing certificate: issue",
            |f| {
                f.records.clear();
            },
            Act::Issue,
            "not issued yet",
        ),
        (
            "revoked (no live record left): issue again",
            |f| {
                // live records exclude revoked ones; the old files stay on disk
                f.records.clear();
                f.disk[0].files = Ok(Some("ignored".into()));
            },
            Act::Issue,
            "not issued yet",
        ),
        ("valid: keep", |_| {}, Act::Keep, "valid until 2027-02-25"),
        (
            "within the renewal window: renew",
            |f| {
                f.records.insert("n1".into(), record("n1", "01", 80, 90));
            },
            Act::Renew,
            "expires 2026-12-17 (renewal window 30d)",
        ),
        (
            "--renew-before widens the window: renew",
            |f| {
                f.opts.renew_before = Some(RenewBefore::Window(Duration::days(85)));
            },
            Act::Renew,
            "expires 2027-02-25 (renewal window 85d)",
        ),
        (
            "hosts changed: reissue",
            |f| {
                f.items[0].hosts.push(parse_host("10.0.0.1").unwrap());
            },
            Act::Renew,
            "hosts changed",
        ),
        (
            "role changed: reissue",
            |f| {
                f.items[0].role = "db".into();
            },
            Act::Renew,
            "role changed (web -> db)",
        ),
        (
            "kind changed: reissue",
            |f| {
                f.items[0].kind = CertKind::Client;
            },
            Act::Renew,
            "kind changed (node -> client)",
        ),
        (
            "key type changed: reissue",
            |f| {
                f.items[0].key_type = Some(KeyType::Ed25519);
            },
            Act::Renew,
            "key type changed (ecdsa-p256 -> ed25519)",
        ),
        (
            "key now from a CSR: reissue",
            |f| {
                f.csr = Some(("n1.csr".into(), "AA:BB".into()));
            },
            Act::Renew,
            "key now from n1.csr (was generated here)",
        ),
        (
            "CA rotated: renew what the previous CA issued",
            |f| {
                f.issuer_fp = Some("FP2".into());
            },
            Act::Renew,
            "issued by a previous CA",
        ),
        (
            "output directory changed: reissue",
            |f| {
                f.out_dirs[0] = PathBuf::from("/srv/n1");
            },
            Act::Renew,
            "output directory changed (was /out/n1)",
        ),
        (
            "delivered files not the recorded ones: reissue",
            |f| {
                f.disk[0].files = Ok(Some("/out/n1/n1.key is missing".into()));
            },
            Act::Renew,
            "/out/n1/n1.key is missing",
        ),
        (
            "validity shortened: reissue",
            |f| {
                f.items[0].valid_for = Duration::days(30);
            },
            Act::Renew,
            "validity shortened (90d -> 30d)",
        ),
        (
            "output directory unreadable: fail",
            |f| {
                f.disk[0].files = Err("internal error: check thread panicked".into());
            },
            Act::Fail,
            "internal error",
        ),
        (
            "valid, older bundle of this CA: bundle only",
            |f| {
                f.disk[0].bundle = BundleState::Ours;
            },
            Act::BundleOnly,
            "valid until",
        ),
        (
            "valid, no ca.crt and no directory: keep",
            |f| {
                f.disk[0].bundle = BundleState::Missing;
                f.disk[0].dir_exists = false;
            },
            Act::Keep,
            "valid until",
        ),
        (
            "--bundle-only: renewal due but only the bundle",
            |f| {
                f.opts.bundle_only = true;
                f.issuer_fp = Some("FP2".into());
                f.disk[0].bundle = BundleState::Ours;
            },
            Act::BundleOnly,
            "certificate left as it is (--bundle-only), valid until",
        ),
        (
            "--bundle-only: nothing issued",
            |f| {
                f.opts.bundle_only = true;
                f.records.clear();
            },
            Act::Keep,
            "not issued yet (--bundle-only issues nothing)",
        ),
        (
            "foreign ca.crt without --force: left",
            |f| {
                f.disk[0].bundle = BundleState::Foreign("another CA's".into());
            },
            Act::Keep,
            "valid until",
        ),
        (
            "foreign ca.crt with --force: replaced",
            |f| {
                f.opts.force = true;
                f.disk[0].bundle = BundleState::Foreign("another CA's".into());
            },
            Act::BundleOnly,
            "valid until",
        ),
        (
            "--force does not renew a valid certificate",
            |f| {
                f.opts.force = true;
            },
            Act::Keep,
            "valid until",
        ),
        (
            "--check: the same plan, nothing to do",
            |f| {
                f.opts.check = true;
            },
            Act::Keep,
            "valid until",
        ),
        (
            "--check: the same plan, an issue pending",
            |f| {
                f.opts.check = true;
                f.records.clear();
            },
            Act::Issue,
            "not issued yet",
        ),
        (
            "--prune: the item itself is unaffected",
            |f| {
                f.opts.prune = true;
                with_gone(f);
            },
            Act::Keep,
            "valid until",
        ),
    ];

    #[test]
    fn table() {
        assert!(TABLE.len() >= 10);
        for (case, setup, act, detail) in TABLE {
            let mut f = fx();
            setup(&mut f);
            let p = run(&f);
            assert_eq!(p.steps.len(), 1, "{case}");
            assert_eq!(p.steps[0].act, *act, "{case}: {:?}", p.steps[0]);
            assert!(
                p.steps[0].detail.starts_with(detail),
                "{case}: detail {:?}, expected {detail:?}...",
                p.steps[0].detail
            );
            assert_eq!(p.check, f.opts.check, "{case}");
            // --check exits 1 exactly when there is something to do.
            assert_eq!(
                p.pending(false),
                *act != Act::Keep || !p.prune.is_empty(),
                "{case}"
            );
            assert_eq!(
                p.signing().is_empty(),
                !matches!(act, Act::Issue | Act::Renew),
                "{case}"
            );
            assert_eq!(p.bundle_writes(), vec![*act == Act::BundleOnly], "{case}");
        }
    }

    #[test]
    fn check_plans_nothing_but_a_missing_ca_is_pending() {
        let mut f = fx();
        f.opts.check = true;
        let p = run(&f);
        assert!(!p.pending(false));
        assert!(p.pending(true));
    }

    #[test]
    fn prune_revokes_live_serials_and_removes_delivered_files() {
        let mut f = fx();
        f.opts.prune = true;
        with_gone(&mut f);
        let p = run(&f);
        assert_eq!(
            p.prune,
            vec![Pruned {
                name: "gone".into(),
                kind: "node",
                role: "web".into(),
                revoked: vec!["0b".into()],
                removed: vec![
                    PathBuf::from("/out/gone/gone.crt"),
                    PathBuf::from("/out/gone/gone.key"),
                    PathBuf::from("/out/gone/ca.crt"),
                ],
                kept: vec![],
            }]
        );
        assert!(p.pending(false) && p.signs());
        // Without --prune the name is left alone.
        f.opts.prune = false;
        assert!(run(&f).prune.is_empty());
    }

    #[test]
    fn prune_keeps_what_secctl_did_not_deliver() {
        let mut f = fx();
        f.opts.prune = true;
        with_gone(&mut f);
        let recs = f.stale.get_mut("gone").unwrap();
        recs[1].pair = Ok(false);
        recs[1].ca_crt = BundleState::Foreign("not PEM".into());
        // A name sharing a directory with a kept one: its ca.crt stays.
        let p = run(&f);
        assert_eq!(
            p.prune[0].removed,
            vec![PathBuf::from("/out/gone/gone.crt")]
        );
        assert_eq!(
            p.prune[0].kept,
            vec![
                "/out/gone/gone.key: not the key of the recorded certificate".to_string(),
                "/out/gone/ca.crt: not PEM".to_string(),
            ]
        );
        f.records.get_mut("n1").unwrap().out_dir = PathBuf::from("/out/gone");
        f.out_dirs[0] = PathBuf::from("/out/gone");
        let p = run(&f);
        assert_eq!(p.prune[0].kept.len(), 1, "{:?}", p.prune[0].kept);
    }
}
