//! `secctl store check [--repair]`: the state directory's parts checked against each other:
//! every record with its certificate, the name index with the records, the revocation log
//! with the records and the published CRL, the delivered files with the current records.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::cmd::Ctx;
use crate::error::Result;
use crate::output::Tone;
use crate::pki::inspect;
use crate::pki::store::{is_serial, Record, Store};
use crate::revocation::{CaRevocation, Revocation};

/// One disagreement.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Finding {
    /// records, index, revocations, crl, delivered, writer.
    pub part: &'static str,
    /// What disagrees, in words.
    pub detail: String,
}

/// What `store check` found.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Records read.
    pub records: usize,
    /// Names in the index.
    pub names: usize,
    /// Revocations in the log.
    pub revocations: usize,
    /// Delivered certificates checked (the newest record of each name, unless revoked).
    pub delivered: usize,
    /// `--repair`: what the locked repair removed or rebuilt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repaired: Option<String>,
    /// Every disagreement (empty: all agree).
    pub findings: Vec<Finding>,
}

/// Run `store check`.
pub fn check(ctx: &Ctx, repair: bool) -> Result<u8> {
    let store = &ctx.store;
    store.config()?;
    let repaired = if repair {
        let before = writer_left(store);
        let _lock = store.lock()?;
        // Temporary files of dead writers and certificates never recorded (never handed
        // out: a record precedes every delivery), then the index from the records.
        let removed = store.repair()?;
        let names = store.rebuild_index()?;
        let killed = match before {
            Some(pid) => format!("a writer (pid {pid}) had been killed; "),
            None => String::new(),
        };
        Some(format!(
            "{killed}{removed} leftover files removed, index rebuilt ({names} names)"
        ))
    } else {
        None
    };
    let mut report = inspect_store(store)?;
    report.repaired = repaired;
    let p = &ctx.printer;
    if p.is_json() {
        p.json(&report)?;
    } else {
        if let Some(r) = &report.repaired {
            p.line(&format!("repaired: {r}"))?;
        }
        p.line(&format!(
            "{} records, {} names, {} revocations, {} delivered certificates checked",
            report.records, report.names, report.revocations, report.delivered
        ))?;
        for f in &report.findings {
            p.line(&format!(
                "{} {}: {}",
                p.paint("DISAGREES", Tone::Bad),
                f.part,
                crate::term::escape(&f.detail)
            ))?;
        }
        if report.findings.is_empty() {
            p.line(&p.paint(
                "records, index, revocations, CRL and delivered files agree",
                Tone::Good,
            ))?;
        }
    }
    Ok(if report.findings.is_empty() { 0 } else { 1 })
}

/// The PID in `.writing` when its process is gone (a killed writer).
fn writer_left(store: &Store) -> Option<u32> {
    let text = std::fs::read_to_string(store.path(".writing")).ok()?;
    let pid: u32 = text.trim().parse().ok()?;
    (!std::path::Path::new(&format!("/proc/{pid}")).exists()).then_some(pid)
}

/// The disagreements found so far.
#[derive(Default)]
struct Findings(Vec<Finding>);

impl Findings {
    fn bad(&mut self, part: &'static str, detail: String) {
        self.0.push(Finding { part, detail });
    }
}

/// Check every part against the others (reads everything: this is the one command that
/// scans the whole directory on purpose).
pub fn inspect_store(store: &Store) -> Result<Report> {
    let mut findings = Findings::default();
    if let Some(pid) = writer_left(store) {
        findings.bad(
            "writer",
            format!("a writer (pid {pid}) was killed and nothing has repaired the directory since (run `secctl store check --repair`)"),
        );
    }
    let records = check_records(store, &mut findings);
    let by_name = serials_by_name(&records);
    let indexed = read_index(store);
    check_index(store, &records, &by_name, &indexed, &mut findings);
    // The trust handed out: roots the current root vouches for, CRLs of this state's CAs.
    for f in crate::pki::audit::trust_findings(store) {
        findings.bad(f.area, f.problem);
    }
    let revs = crate::revocation::read_log(store)?;
    check_revocations(&revs, &records, &mut findings);
    let ca_revs = crate::revocation::read_ca_log(store)?;
    check_crl(store, &records, &revs, &ca_revs, &mut findings);
    let delivered = check_delivered(store, &records, &by_name, &indexed, &revs, &mut findings);
    let mut findings = findings.0;
    findings.sort_by(|a, b| (a.part, &a.detail).cmp(&(b.part, &b.detail)));
    Ok(Report {
        records: records.len(),
        names: indexed.len(),
        revocations: revs.len(),
        delivered,
        repaired: None,
        findings,
    })
}

/// Records and their certificates: every `issued/SERIAL.json` read once, with the
/// certificate it carries (or, for a record of an earlier version, the `SERIAL.crt`
/// beside it); returns the records that are named by their serial.
fn check_records(store: &Store, findings: &mut Findings) -> Vec<Record> {
    let (json, crt) = issued_files(store);
    let mut records: Vec<Record> = Vec::new();
    for s in &json {
        match store.record_and_cert(s) {
            Ok(Some((r, cert))) if &r.serial == s => {
                match cert {
                    Ok((der, info)) => {
                        if inspect::fingerprint(&der) != r.sha256_fingerprint
                            || info.serial != r.serial
                        {
                            findings.bad(
                                "records",
                                format!(
                                    "the certificate in issued/{}.json is not the one its record describes",
                                    r.serial
                                ),
                            );
                        }
                    }
                    Err(e) => findings.bad("records", e.to_string()),
                }
                records.push(r);
            }
            Ok(Some((r, _))) => findings.bad(
                "records",
                format!("issued/{s}.json records serial {}", r.serial),
            ),
            Ok(None) => findings.bad(
                "records",
                format!("issued/{s}.json is not named by a serial"),
            ),
            Err(e) => findings.bad("records", e.to_string()),
        }
    }
    for s in crt.difference(&json) {
        findings.bad("records", format!("issued/{s}.crt has no record"));
    }
    records
}

/// The stems of the `.json` and the `.crt` files in `issued/`.
fn issued_files(store: &Store) -> (HashSet<String>, HashSet<String>) {
    let mut json = HashSet::new();
    let mut crt = HashSet::new();
    if let Ok(rd) = std::fs::read_dir(store.issued_dir()) {
        for ent in rd.flatten() {
            let n = ent.file_name().to_string_lossy().into_owned();
            if let Some(s) = n.strip_suffix(".json") {
                json.insert(s.to_string());
            } else if let Some(s) = n.strip_suffix(".crt") {
                crt.insert(s.to_string());
            }
        }
    }
    (json, crt)
}

/// The serials of each name, as the records tell them.
fn serials_by_name(records: &[Record]) -> BTreeMap<&str, Vec<&str>> {
    let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in records {
        by_name
            .entry(r.name.as_str())
            .or_default()
            .push(r.serial.as_str());
    }
    by_name
}

/// The name index as it is on disk: each `names/NAME` file's lines.
fn read_index(store: &Store) -> HashMap<String, Vec<String>> {
    let mut indexed: HashMap<String, Vec<String>> = HashMap::new();
    if let Ok(rd) = std::fs::read_dir(store.names_dir()) {
        for ent in rd.flatten() {
            let n = ent.file_name().to_string_lossy().into_owned();
            if n.starts_with('.') {
                continue;
            }
            let text = store.files().read_text(&ent.path()).unwrap_or_default();
            indexed.insert(n, text.lines().map(str::to_string).collect());
        }
    }
    indexed
}

/// The name index against the records, both ways.
fn check_index(
    store: &Store,
    records: &[Record],
    by_name: &BTreeMap<&str, Vec<&str>>,
    indexed: &HashMap<String, Vec<String>>,
    findings: &mut Findings,
) {
    if !store.indexed() && !records.is_empty() {
        findings.bad(
            "index",
            "the name index is not built yet (any writing command builds it)".into(),
        );
        return;
    }
    for (name, serials) in by_name {
        let have = indexed.get(*name);
        for s in serials {
            if !have.is_some_and(|h| h.iter().any(|x| x == s)) {
                findings.bad("index", format!("names/{name} does not list {s}"));
            }
        }
    }
    for (name, serials) in indexed {
        for s in serials {
            let ok = is_serial(s)
                && by_name
                    .get(name.as_str())
                    .is_some_and(|v| v.contains(&s.as_str()));
            if !ok {
                findings.bad(
                    "index",
                    format!("names/{name} lists {s:?}, which is not a record of {name}"),
                );
            }
        }
    }
}

/// Revocations: every one a record.
fn check_revocations(revs: &[Revocation], records: &[Record], findings: &mut Findings) {
    let serials: HashSet<&str> = records.iter().map(|r| r.serial.as_str()).collect();
    for rv in revs {
        if !serials.contains(rv.serial.as_str()) {
            findings.bad(
                "revocations",
                format!("revocations.log names {}, which has no record", rv.serial),
            );
        }
    }
}

/// Revocations in the published CRL: every revoked certificate still current, and every
/// revoked intermediate (`ca-revocations.log`) while its root is still trusted, or nodes
/// checking CRLs would accept its leaves.
fn check_crl(
    store: &Store,
    records: &[Record],
    revs: &[Revocation],
    ca_revs: &[CaRevocation],
    findings: &mut Findings,
) {
    if revs.is_empty() && ca_revs.is_empty() {
        return;
    }
    let listed = match crate::verify::read_pem_or_der(
        store.files(),
        &store.path("crl.pem"),
        "X509 CRL",
        "CRL",
    ) {
        Ok(ders) => crl_serials(&ders),
        Err(e) => return findings.bad("crl", e.to_string()),
    };
    let now = time::OffsetDateTime::now_utc();
    // A retired CA is trusted nowhere and publishes no CRL any more: its certificates (a
    // superseded one that `revoke NAME` covered) are refused without being listed.
    let retired: HashSet<String> = crate::pki::ca::retired_issuers(store).into_iter().collect();
    for rv in revs {
        let current = records
            .iter()
            .find(|r| r.serial == rv.serial)
            .is_some_and(|r| r.not_after > now && !retired.contains(&r.issuer_fingerprint));
        if current && !listed.contains(rv.serial.trim_start_matches("00")) {
            findings.bad(
                "crl",
                format!(
                    "{} is revoked but crl.pem does not list it (run `secctl crl`)",
                    rv.serial
                ),
            );
        }
    }
    let live_roots: HashSet<String> = crate::pki::ca::generations(store)
        .unwrap_or_default()
        .into_iter()
        .filter(|g| g.root.not_after > now)
        .map(|g| g.root.sha256_fingerprint)
        .collect();
    for cr in ca_revs {
        if live_roots.contains(&cr.root_fingerprint)
            && !listed.contains(cr.serial.trim_start_matches("00"))
        {
            findings.bad(
                "crl",
                format!(
                    "intermediate CA {} is revoked (ca-revocations.log) but crl.pem does not list it (run `secctl crl`)",
                    cr.serial
                ),
            );
        }
    }
}

/// The serials the CRLs `ders` list, in hex without leading zero bytes.
fn crl_serials(ders: &[Vec<u8>]) -> HashSet<String> {
    let mut listed = HashSet::new();
    for d in ders {
        if let Ok((_, crl)) = x509_parser::parse_x509_crl(d) {
            for e in crl.iter_revoked_certificates() {
                listed.insert(
                    hex::encode(e.raw_serial())
                        .trim_start_matches("00")
                        .to_string(),
                );
            }
        }
    }
    listed
}

/// Delivered files: the newest record of each name, unless revoked, has its files where
/// it was delivered. Returns how many deliveries were checked.
fn check_delivered(
    store: &Store,
    records: &[Record],
    by_name: &BTreeMap<&str, Vec<&str>>,
    indexed: &HashMap<String, Vec<String>>,
    revs: &[Revocation],
    findings: &mut Findings,
) -> usize {
    let revoked: HashSet<&str> = revs.iter().map(|r| r.serial.as_str()).collect();
    let mut delivered = 0;
    for (name, serials) in by_name {
        let newest = newest_record(records, serials, indexed.get(*name));
        if let Some(r) = newest.filter(|r| !revoked.contains(r.serial.as_str())) {
            // On etcd, delivered files live on the machine that issued them: a directory
            // this machine does not have was delivered elsewhere, not lost.
            if store.is_shared() && !r.out_dir.exists() {
                continue;
            }
            delivered += 1;
            if let Some(why) = crate::cmd::apply::delivery_problem(store.files(), r) {
                findings.bad("delivered", format!("{} ({}): {why}", r.name, r.serial));
            }
        }
    }
    delivered
}

/// The newest of a name's records (`serials`): last in issuance order (the index's order
/// `index`, which tells apart certificates of the same second, when it lists them all),
/// else the latest notBefore.
fn newest_record<'r>(
    records: &'r [Record],
    serials: &[&str],
    index: Option<&Vec<String>>,
) -> Option<&'r Record> {
    let order: Vec<&str> = match index {
        Some(ix) if serials.iter().all(|s| ix.iter().any(|x| x == s)) => ix
            .iter()
            .map(String::as_str)
            .filter(|s| serials.contains(s))
            .collect(),
        _ => {
            let mut v: Vec<&Record> = serials
                .iter()
                .filter_map(|s| records.iter().find(|r| r.serial == *s))
                .collect();
            v.sort_by_key(|r| r.not_before);
            v.iter().map(|r| r.serial.as_str()).collect()
        }
    };
    order
        .last()
        .and_then(|s| records.iter().find(|r| r.serial == *s))
}

/// `opts` with the TLS files to etcd read through the first of `states` that holds the CA
/// bundle (`--etcd-ca DIR/ca.crt` of the source or of `--dir`), so that no symbolic link
/// there is followed; as named when none holds it.
fn tls_through(
    opts: &crate::etcd::Options,
    states: &[&crate::pki::fsio::StateDir],
) -> crate::etcd::Options {
    let mut opts = opts.clone();
    if let Some(t) = &mut opts.tls {
        if let Some(s) = states.iter().find(|s| s.contains(&t.ca)) {
            t.files = (*s).clone();
        }
    }
    opts
}

/// `secctl store copy --from A --to B`: a state directory to etcd or back.
pub fn copy(ctx: &Ctx, from: &str, to: &str, opts: &crate::etcd::Options) -> Result<u8> {
    use crate::error::Error;
    use crate::etcd::{copy_tree, Session, StoreUrl};
    let (n, what) = match (from.starts_with("etcd://"), to.starts_with("etcd://")) {
        (false, true) => {
            let url = StoreUrl::parse(to)?;
            let src = Store::new(from, opts.dirs);
            opts.dirs.check_dir(std::path::Path::new(from))?;
            src.config()?;
            // The source's lock: no writer changes it while it is read.
            let lock = src.lock()?;
            if let Some(rel) = crate::etcd::plaintext_key(std::path::Path::new(from))? {
                return Err(Error::input(
                    url.display(),
                    format!(
                        "refusing to store the plaintext key {rel} of {from} on etcd: CA keys \
                         on etcd must be encrypted (see docs/etcd-store.md); \
                         nothing was written"
                    ),
                ));
            }
            let session = Session::open(
                &url,
                &tls_through(opts, &[ctx.store.files(), src.files()]),
                true,
            )?;
            if session.keys() > 0 {
                return Err(Error::input(
                    url.display(),
                    format!(
                        "already holds a state ({} keys): copy only into an empty prefix",
                        session.keys()
                    ),
                ));
            }
            let n = copy_tree(std::path::Path::new(from), session.dir(), opts.dirs)?;
            drop(lock);
            session.finish()?;
            (n, url.display())
        }
        (true, false) => {
            let url = StoreUrl::parse(from)?;
            let dest = std::path::Path::new(to);
            if std::fs::read_dir(dest).is_ok_and(|mut d| d.next().is_some()) {
                return Err(Error::input(
                    to,
                    "not empty: copy only into a new or empty directory",
                ));
            }
            let session = Session::open(&url, &tls_through(opts, &[ctx.store.files()]), false)?;
            if session.keys() == 0 {
                return Err(Error::input(url.display(), "holds no state"));
            }
            let n = copy_tree(session.dir(), dest, opts.dirs)?;
            session.finish()?;
            (n, to.to_string())
        }
        _ => {
            return Err(Error::Usage(
                "store copy: one side must be a directory and the other an etcd:// address".into(),
            ))
        }
    };
    if ctx.printer.is_json() {
        ctx.printer
            .json(&serde_json::json!({"copied": n, "from": from, "to": what}))?;
    } else {
        ctx.printer
            .line(&format!("copied {n} files of state from {from} to {what}"))?;
    }
    Ok(0)
}
