//! `secctl cert node|client|list|show`.

use std::path::Path;

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::cli::{CertCommand, IssueArgs, ListArgs, ListKind, RenewArgs, SignArgs};
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::output::{fmt_time, Tone};
use crate::pki::ca;
use crate::pki::csr::{self, Csr};
use crate::pki::delivery::{self, Bundle};
use crate::pki::inspect::{self, CertInfo};
use crate::pki::issue::{self, LeafSpec, Written};
use crate::pki::names;
use crate::pki::store::{CertKind, KeySource, Record};
use crate::pki::validity::{self, format_duration};
use crate::revocation;
use crate::term::cell;

/// Dispatch `cert` subcommands.
pub fn run(ctx: &Ctx, cmd: CertCommand) -> Result<u8> {
    match cmd {
        CertCommand::Node(a) => {
            let hosts = a
                .hosts
                .iter()
                .map(|h| names::parse_host(h))
                .collect::<Result<Vec<_>>>()?;
            issue_cmd(ctx, CertKind::Node, a.name, a.role, hosts, a.issue, None)
        }
        CertCommand::Client(a) => {
            issue_cmd(ctx, CertKind::Client, a.name, a.role, vec![], a.issue, None)
        }
        CertCommand::Sign(a) => sign_cmd(ctx, a),
        CertCommand::List(a) => list(ctx, &a),
        CertCommand::Show { target, pem } => show(ctx, &target, pem),
        CertCommand::Renew(a) => renew(ctx, a),
        CertCommand::Canary(a) => crate::cmd::canary::run(ctx, &a),
        CertCommand::Export(_) => unreachable!("cmd::dispatch runs `cert export`"),
    }
}

/// Status of a certificate at a time.
pub fn status(
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    now: OffsetDateTime,
    within: Duration,
) -> &'static str {
    if now > not_after {
        "expired"
    } else if now < not_before {
        "not-yet-valid"
    } else if not_after - now < within {
        "expiring"
    } else {
        "valid"
    }
}

/// Whole days from `now` until `not_after`, rounded down: 0 in the last day, negative once
/// expired (-1 during the first day after).
pub fn days_left(not_after: OffsetDateTime, now: OffsetDateTime) -> i64 {
    (not_after - now).whole_seconds().div_euclid(86_400)
}

/// An end of validity for a message: the date, or the time too when it is within two days
/// (a 15-minute certificate's date says nothing).
pub fn until(t: OffsetDateTime) -> String {
    if t - OffsetDateTime::now_utc() < Duration::days(2) {
        fmt_time(t)
    } else {
        t.date().to_string()
    }
}

fn tone(status: &str) -> Tone {
    match status {
        "valid" => Tone::Good,
        "expiring" | "not-yet-valid" => Tone::Warn,
        _ => Tone::Bad,
    }
}

#[derive(Serialize)]
struct IssueReport<'a> {
    #[serde(flatten)]
    record: &'a Record,
    files: Written,
    validity_capped: bool,
    /// The lifetime asked for, as a duration (`90d`, `15m`).
    valid_for: String,
    /// Other output directories whose `ca.crt` was brought to the current bundle.
    bundles_refreshed: Vec<std::path::PathBuf>,
}

/// After an issuance into `written`: bring the `ca.crt` of every other live output
/// directory to the current bundle when it changed, and say so.
fn refresh_others(ctx: &Ctx, bundle: &Bundle, written: &Path) -> Result<Vec<std::path::PathBuf>> {
    let r = delivery::refresh_bundles(&ctx.store, bundle, &[written.to_path_buf()])?;
    let p = &ctx.printer;
    if !r.written.is_empty() {
        p.note(&format!(
            "the trust bundle changed: ca.crt refreshed in {} other output director{}",
            r.written.len(),
            if r.written.len() == 1 { "y" } else { "ies" }
        ));
    }
    for (d, why) in &r.skipped {
        p.note(&format!(
            "warning: {}: ca.crt left as it is ({why})",
            d.join("ca.crt").display()
        ));
    }
    Ok(r.written)
}

/// `cert sign CSR`: the key of a CSR made on the node, certified with secctl's identity.
fn sign_cmd(ctx: &Ctx, a: SignArgs) -> Result<u8> {
    let store = &ctx.store;
    store.config()?;
    let kind = match a.kind {
        ListKind::Node => CertKind::Node,
        ListKind::Client => CertKind::Client,
    };
    if kind == CertKind::Client && !a.hosts.is_empty() {
        return Err(Error::Usage(
            "a client certificate carries no host: --host is for --kind node".into(),
        ));
    }
    let hosts = a
        .hosts
        .iter()
        .map(|h| names::parse_host(h))
        .collect::<Result<Vec<_>>>()?;
    let req = csr::read(ctx.store.files(), &a.csr)?;
    let name = req.name(a.name.as_deref(), kind)?;
    let issue = IssueArgs {
        days: a.days,
        valid_for: a.valid_for,
        key_type: None,
        out: a.out,
        force: a.force,
    };
    issue_cmd(ctx, kind, name, a.role, hosts, issue, Some(req))
}

fn issue_cmd(
    ctx: &Ctx,
    kind: CertKind,
    name: String,
    role: String,
    hosts: Vec<names::Host>,
    a: IssueArgs,
    req: Option<Csr>,
) -> Result<u8> {
    let store = &ctx.store;
    let cfg = store.config()?;
    let spec = LeafSpec {
        name,
        kind,
        role,
        hosts,
        valid_for: a.validity(),
        key_type: match &req {
            Some(r) => r.key_type,
            None => a.key_type.unwrap_or(cfg.key_type),
        },
    };
    spec.validate()?;
    crate::pki::canary::check_not_reserved(&spec.name, &spec.role)?;
    if let Some(r) = &req {
        r.check_request(&cfg, &spec)?;
    }
    // Names outside the CA's constraints are refused before a passphrase is asked.
    issue::check_constraints_early(store, &cfg, &spec)?;
    let out_dir = a
        .out
        .unwrap_or_else(|| store.path("certs").join(&spec.name));
    if out_dir.exists() && !out_dir.is_dir() {
        return Err(Error::path(&out_dir, "exists and is not a directory"));
    }
    let check_existing = || -> Result<()> {
        if a.force {
            return Ok(());
        }
        let now = OffsetDateTime::now_utc();
        // A revoked certificate is not a valid one: issuing again needs no --force.
        let revoked = revoked_set(ctx)?;
        if let Some(r) = store
            .records_named(&spec.name)?
            .into_iter()
            .rfind(|r| r.not_after > now && !revoked.contains(&r.serial))
        {
            return Err(Error::Usage(format!(
                "{} {:?} already has a valid certificate (serial {}, until {}); pass --force to issue another",
                r.kind.as_str(),
                r.name,
                r.serial,
                r.not_after.date()
            )));
        }
        Ok(())
    };
    check_existing()?;
    let mut passphrase = ctx.ca_passphrase(&cfg)?;
    let _lock = store.lock()?;
    check_existing()?;
    let issuing = ctx.with_ca_key(&mut passphrase, |p| ca::load_issuing(store, p))?;
    drop(passphrase);
    let bundle = Bundle::new(store, issuing.bundle_pem.clone())?;
    bundle.check_replace(&out_dir, a.force)?;
    let issued = match &req {
        Some(r) => issue::issue_for_csr(&cfg, &issuing, &spec, &out_dir, r)?,
        None => issue::issue(&cfg, &issuing, &spec, &out_dir, None)?,
    };
    let files = issue::write(store, &issuing, &issued)?;
    bundle.record_delivered(store)?;
    let abs_out = std::path::absolute(&out_dir).unwrap_or(out_dir.clone());
    let bundles_refreshed = refresh_others(ctx, &bundle, &abs_out)?;
    let p = &ctx.printer;
    if let Some(r) = &req {
        stale_key_note(ctx, &issued.record, r);
    }
    if issued.capped {
        p.note(&format!(
            "validity cut to the issuing CA's end of validity ({})",
            issuing.info.not_after
        ));
    }
    let r = &issued.record;
    if p.is_json() {
        p.json(&IssueReport {
            record: r,
            files,
            validity_capped: issued.capped,
            valid_for: format_duration(spec.valid_for),
            bundles_refreshed,
        })?;
    } else {
        if let Some(q) = &req {
            p.line(&format!(
                "signed {} ({}): the key stays on the node",
                cell(&q.input),
                q.key_desc
            ))?;
        }
        p.line(&format!(
            "issued {} certificate {:?} (role {}), serial {}, valid until {}",
            r.kind.as_str(),
            r.name,
            r.role,
            r.serial,
            until(r.not_after)
        ))?;
        p.kv(&[
            ("identity", r.spiffe_id.clone()),
            ("key", key_cell(&files)),
            ("cert", files.cert.display().to_string()),
            ("ca", files.ca.display().to_string()),
        ])?;
    }
    Ok(0)
}

/// The key line of the text output: its path, or where it is when it is external.
fn key_cell(files: &Written) -> String {
    files.key.as_ref().map_or_else(
        || "external (made on the node from its CSR; not delivered)".into(),
        |k| k.display().to_string(),
    )
}

/// A key file left in the output directory by an earlier certificate of the name is not
/// this certificate's: say so (it is not removed: a key is never deleted behind the user).
fn stale_key_note(ctx: &Ctx, r: &Record, req: &Csr) {
    let old = r.out_dir.join(format!("{}.key", r.name));
    if old.exists() {
        ctx.printer.note(&format!(
            "warning: {} is from an earlier certificate and does not belong to this one (its key is the one of {}): remove it",
            old.display(),
            req.input
        ));
    }
}

#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(flatten)]
    record: &'a Record,
    status: &'static str,
    /// Whole days until notAfter (negative once expired).
    days_left: i64,
    ca: &'static str,
    /// When and why it was revoked; null when it was not.
    revocation: Option<RevocationInfo>,
}

/// When and why a certificate was revoked, as `cert list/show -o json` report it.
#[derive(Serialize, Clone)]
pub struct RevocationInfo {
    /// When it was revoked.
    #[serde(with = "crate::output::rfc3339s")]
    pub revoked_at: OffsetDateTime,
    /// The RFC 5280 reason; `REASON (issuer revoked)` when the intermediate CA that issued
    /// it was revoked.
    pub reason: String,
}

/// Every revocation: of certificates by serial, and of intermediate CAs by fingerprint (a
/// certificate whose issuer was revoked counts as revoked).
pub struct Revocations {
    by_serial: std::collections::HashMap<String, RevocationInfo>,
    by_issuer: std::collections::HashMap<String, RevocationInfo>,
}

impl Revocations {
    /// Whether, when and why the certificate of `r` is revoked: its own revocation, else
    /// its issuing intermediate's.
    pub fn of(&self, r: &Record) -> Option<&RevocationInfo> {
        self.by_serial
            .get(&r.serial)
            .or_else(|| self.by_issuer.get(&r.issuer_fingerprint))
    }
}

/// Every revocation (`revocations.log` and `ca-revocations.log`).
pub fn revocations(ctx: &Ctx) -> Result<Revocations> {
    let by_serial = revocation::read_log(&ctx.store)?
        .into_iter()
        .map(|r| {
            (
                r.serial,
                RevocationInfo {
                    revoked_at: r.revoked_at,
                    reason: r.reason.as_str().to_string(),
                },
            )
        })
        .collect();
    let by_issuer = revocation::read_ca_log(&ctx.store)?
        .into_iter()
        .map(|r| {
            (
                r.sha256_fingerprint,
                RevocationInfo {
                    revoked_at: r.revoked_at,
                    reason: format!("{} (issuer revoked)", r.reason.as_str()),
                },
            )
        })
        .collect();
    Ok(Revocations {
        by_serial,
        by_issuer,
    })
}

fn list(ctx: &Ctx, a: &ListArgs) -> Result<u8> {
    let listing = Listing::read(ctx, a)?;
    let p = &ctx.printer;
    let within_text = crate::ground::duration::fmt_duration(listing.within);
    // With --expiring-within, a listed live certificate within the window (or past it)
    // makes the exit code 1.
    let exit = |attention: usize| u8::from(a.expiring_within.is_some() && attention > 0);
    let attention = if p.is_json() {
        list_json(p, &listing)?
    } else {
        let shown = list_text(p, &listing)?;
        if shown.rows == 0 {
            let filtered =
                a.role.is_some() || a.kind.is_some() || a.name.is_some() || !a.statuses.is_empty();
            p.note(if filtered {
                "no certificate matches"
            } else {
                "no certificates issued yet"
            });
            return Ok(0);
        }
        if shown.old > 0 {
            p.note(&format!(
                "{} certificate(s) still from a previous CA: renew them before that CA leaves the bundle",
                shown.old
            ));
        }
        shown.attention
    };
    if exit(attention) == 1 {
        p.note(&format!(
            "{attention} live certificate(s) expiring within {within_text} or expired"
        ));
    }
    Ok(exit(attention))
}

/// What `cert list` lists, read name by name, oldest first within a name: a certificate
/// is superseded when a newer one has its name. From the index, names come sorted and each
/// name's records are read when it is its turn, so JSON is written as it is read (a
/// stream: one item per line). A directory no writer has indexed yet: every record read
/// once, grouped by name (`preload`).
struct Listing<'a> {
    store: &'a crate::pki::store::Store,
    a: &'a ListArgs,
    revoked: Revocations,
    gens: Vec<ca::Generation>,
    retired: Vec<String>,
    now: OffsetDateTime,
    /// `--expiring-within`, 30 days when not given.
    within: Duration,
    /// Superseded certificates are history: shown with --all (or when asked for by
    /// status).
    history: bool,
    preload: std::collections::BTreeMap<String, Vec<Record>>,
    names: Vec<String>,
}

impl<'a> Listing<'a> {
    fn read(ctx: &'a Ctx, a: &'a ListArgs) -> Result<Self> {
        let store = &ctx.store;
        store.config()?;
        let revoked = revocations(ctx)?;
        let gens = ca::generations(store)?;
        let retired = ca::retired_issuers(store);
        let now = OffsetDateTime::now_utc();
        let mut preload: std::collections::BTreeMap<String, Vec<Record>> = Default::default();
        let names: Vec<String> = match &a.name {
            Some(n) => vec![n.clone()],
            None if store.indexed() => store.indexed_names()?,
            None => {
                for r in store.records()? {
                    preload.entry(r.name.clone()).or_default().push(r);
                }
                preload.keys().cloned().collect()
            }
        };
        Ok(Listing {
            store,
            a,
            revoked,
            gens,
            retired,
            now,
            within: a.expiring_within.unwrap_or(Duration::days(30)),
            history: a.all || a.statuses.iter().any(|s| s == "superseded"),
            preload,
            names,
        })
    }

    /// Whether `--role`, `--kind` and `--status` let a record with `status` through.
    fn keep(&self, r: &Record, status: &str) -> bool {
        let a = self.a;
        a.role.as_ref().is_none_or(|x| &r.role == x)
            && a.kind.is_none_or(|k| {
                r.kind
                    == match k {
                        crate::cli::ListKind::Node => crate::pki::store::CertKind::Node,
                        crate::cli::ListKind::Client => crate::pki::store::CertKind::Client,
                    }
            })
            && (a.statuses.is_empty() || a.statuses.iter().any(|s| s == status))
    }

    /// The records of `name` to list, each with its status.
    fn records_of(&self, name: &str) -> Result<Vec<(Record, &'static str)>> {
        let recs = match self.preload.get(name) {
            Some(v) => v.clone(),
            None => self.store.records_named(name)?,
        };
        // Oldest first (issuance order from the index for certificates of the same
        // second): all but the last are superseded.
        let last = recs.len().saturating_sub(1);
        Ok(recs
            .into_iter()
            .enumerate()
            .filter(|(i, _)| self.history || *i == last)
            .map(|(i, r)| {
                let st = if self.revoked.of(&r).is_some() {
                    "revoked"
                } else if i < last {
                    "superseded"
                } else {
                    status(r.not_before, r.not_after, self.now, self.within)
                };
                (r, st)
            })
            .filter(|(r, st)| self.keep(r, st))
            .collect())
    }

    fn ca(&self, r: &Record) -> &'static str {
        ca_label(&self.gens, &self.retired, &r.issuer_fingerprint)
    }
}

/// `cert list -o json`: a JSON array, one item a line, written as the records are read.
/// Returns how many listed certificates are expiring or expired.
fn list_json(p: &crate::output::Printer, listing: &Listing) -> Result<usize> {
    let mut attention = 0usize;
    let mut first = true;
    p.line("[")?;
    for name in &listing.names {
        for (r, st) in listing.records_of(name)? {
            if matches!(st, "expiring" | "expired") {
                attention += 1;
            }
            let item = ListItem {
                record: &r,
                status: st,
                days_left: days_left(r.not_after, listing.now),
                ca: listing.ca(&r),
                revocation: listing.revoked.of(&r).cloned(),
            };
            let s = serde_json::to_string(&item).map_err(Error::internal)?;
            p.line(&format!("{}{s}", if first { "  " } else { ", " }))?;
            first = false;
        }
    }
    p.line("]")?;
    Ok(attention)
}

/// What the text listing showed.
struct Shown {
    /// Rows listed.
    rows: usize,
    /// Live certificates from a CA generation other than the current one.
    old: usize,
    /// Certificates expiring or expired.
    attention: usize,
}

/// `cert list` as a table: a page of PAGE rows at a time (columns sized per page), so the
/// first lines of a long listing come out before the last records are read.
fn list_text(p: &crate::output::Printer, listing: &Listing) -> Result<Shown> {
    const PAGE: usize = 1000;
    const HEADERS: [&str; 8] = [
        "NAME",
        "KIND",
        "ROLE",
        "SERIAL",
        "NOT AFTER",
        "DAYS LEFT",
        "CA",
        "STATUS",
    ];
    let mut shown = Shown {
        rows: 0,
        old: 0,
        attention: 0,
    };
    let mut header = true;
    let mut page: Vec<Vec<String>> = Vec::new();
    let flush = |page: &mut Vec<Vec<String>>, header: &mut bool| -> Result<()> {
        if !page.is_empty() {
            p.table_page(&HEADERS, page, *header)?;
            *header = false;
            page.clear();
        }
        Ok(())
    };
    for name in &listing.names {
        for (r, st) in listing.records_of(name)? {
            let ca = listing.ca(&r);
            if ca != "current" && matches!(st, "valid" | "expiring") {
                shown.old += 1;
            }
            if matches!(st, "expiring" | "expired") {
                shown.attention += 1;
            }
            page.push(vec![
                cell(&r.name),
                r.kind.as_str().to_string(),
                cell(&r.role),
                cell(&r.serial),
                r.not_after.date().to_string(),
                days_left(r.not_after, listing.now).to_string(),
                ca.to_string(),
                p.paint(st, tone(st)),
            ]);
            shown.rows += 1;
        }
        if page.len() >= PAGE {
            flush(&mut page, &mut header)?;
        }
    }
    flush(&mut page, &mut header)?;
    Ok(shown)
}

/// Which CA generation issued a certificate: "current", "previous", "retired" (`ca
/// retire`; `retired` holds their issuers' fingerprints) or "unknown".
pub fn ca_label(gens: &[ca::Generation], retired: &[String], issuer_fp: &str) -> &'static str {
    match gens
        .iter()
        .find(|g| g.issuing.sha256_fingerprint == issuer_fp)
    {
        Some(g) if g.current => "current",
        Some(_) => "previous",
        None if retired.iter().any(|f| f == issuer_fp) => "retired",
        None => "unknown",
    }
}

/// Serials of revoked certificates.
pub fn revoked_set(ctx: &Ctx) -> Result<std::collections::HashSet<String>> {
    Ok(revocation::read_log(&ctx.store)?
        .into_iter()
        .map(|r| r.serial)
        .collect())
}

#[derive(Serialize)]
struct ShowReport {
    record: Option<Record>,
    certificate: CertInfo,
    status: &'static str,
    /// When and why it was revoked; null when it was not.
    revocation: Option<RevocationInfo>,
}

/// Resolve a target to records: a certificate file (its serial), a serial or a unique
/// serial prefix of 8+ hex digits, or a name (all its records, oldest first). Unknown
/// targets are bad input.
pub fn resolve(ctx: &Ctx, target: &str) -> Result<Vec<Record>> {
    let store = &ctx.store;
    let path = Path::new(target);
    if path.exists() {
        let (_, info) = inspect::read_cert_file_in(ctx.store.files(), path)?;
        return match store.record(&info.serial)? {
            Some(r) => Ok(vec![r]),
            None => Err(Error::path(
                path,
                format!(
                    "serial {} was not issued from {}",
                    info.serial,
                    ctx.store.name()
                ),
            )),
        };
    }
    let t = target.to_ascii_lowercase().replace(':', "");
    // A whole serial: one file read.
    if let Some(r) = store.record(&t)? {
        return Ok(vec![r]);
    }
    let hexlike = !t.is_empty() && t.chars().all(|c| c.is_ascii_hexdigit());
    if hexlike && t.len() >= 8 {
        // A prefix: the file names of the records, none parsed.
        let hits: Vec<String> = store
            .serials()?
            .into_iter()
            .filter(|s| s.starts_with(&t))
            .collect();
        match hits.len() {
            0 => {}
            1 => {
                if let Some(r) = store.record(&hits[0])? {
                    return Ok(vec![r]);
                }
            }
            n => {
                return Err(Error::input(
                    target,
                    format!("serial prefix matches {n} certificates; give more digits"),
                ))
            }
        }
    }
    let named: Vec<Record> = if crate::pki::names::check_name("name", target).is_ok() {
        store.records_named(target)?
    } else {
        vec![]
    };
    if named.is_empty() && hexlike && t.len() < 8 {
        return Err(Error::input(
            target,
            format!(
                "no certificate of that name in {}; if it is a serial prefix, give at least 8 hex digits",
                ctx.store.name()
            ),
        ));
    }
    if named.is_empty() {
        return Err(Error::input(
            target,
            format!(
                "no such certificate name, serial or file in {}",
                ctx.store.name()
            ),
        ));
    }
    Ok(named)
}

fn show(ctx: &Ctx, target: &str, pem: bool) -> Result<u8> {
    let path = Path::new(target);
    if pem {
        // The certificate as the CA recorded it (a file is shown as its first certificate).
        let text = if path.exists() {
            let (der, _) = inspect::read_cert_file_in(ctx.store.files(), path)?;
            ::pem::encode(&::pem::Pem::new("CERTIFICATE", der))
        } else {
            ctx.store.config()?;
            let r = resolve(ctx, target)?
                .pop()
                .ok_or_else(|| Error::internal("empty resolution"))?;
            ctx.store.record_cert_pem(&r.serial)?
        };
        ctx.printer.line(text.trim_end())?;
        return Ok(0);
    }
    let (record, info) = if path.exists() {
        let info = inspect::read_cert_file_in(ctx.store.files(), path)?.1;
        let rec = if ctx.store.is_initialized() {
            ctx.store.record(&info.serial)?
        } else {
            None
        };
        (rec, info)
    } else {
        ctx.store.config()?;
        let r = resolve(ctx, target)?
            .pop()
            .ok_or_else(|| Error::internal("empty resolution"))?;
        let info = issue::record_info(&ctx.store, &r)?;
        (Some(r), info)
    };
    let revocation = match &record {
        Some(r) => revocations(ctx)?.of(r).cloned(),
        None => None,
    };
    let st = if revocation.is_some() {
        "revoked"
    } else {
        status(
            info.not_before,
            info.not_after,
            OffsetDateTime::now_utc(),
            Duration::days(30),
        )
    };
    let p = &ctx.printer;
    let rep = ShowReport {
        record,
        certificate: info,
        status: st,
        revocation,
    };
    if p.is_json() {
        return p.json(&rep).map(|_| 0);
    }
    let c = &rep.certificate;
    // Everything below but the status word comes from the certificate: escaped, so a
    // newline in an OU cannot forge a `status valid` line.
    let opt = |o: &Option<String>| o.as_deref().map_or_else(|| "-".into(), cell);
    let mut sans: Vec<String> = c.dns_names.clone();
    sans.extend(c.ip_addresses.iter().cloned());
    p.kv(&[
        ("name", opt(&c.common_name)),
        ("role", opt(&c.role)),
        ("cluster", opt(&c.organization)),
        ("spiffe id", opt(&c.spiffe_id)),
        ("subject", cell(&c.subject)),
        ("issuer", cell(&c.issuer)),
        ("serial", cell(&c.serial)),
        (
            "hosts",
            if sans.is_empty() {
                "-".into()
            } else {
                sans.iter().map(|s| cell(s)).collect::<Vec<_>>().join(", ")
            },
        ),
        ("usage", c.extended_key_usage.join(", ")),
        ("key type", cell(&c.key_type)),
        ("not before", fmt_time(c.not_before)),
        ("not after", fmt_time(c.not_after)),
        ("status", p.paint(st, tone(st))),
        (
            "revoked",
            rep.revocation.as_ref().map_or_else(
                || "-".into(),
                |r| format!("{} ({})", fmt_time(r.revoked_at), r.reason),
            ),
        ),
        ("sha256", c.sha256_fingerprint.clone()),
    ])?;
    Ok(0)
}

fn renew(ctx: &Ctx, a: RenewArgs) -> Result<u8> {
    let store = &ctx.store;
    let cfg = store.config()?;
    let old = resolve(ctx, &a.target)?
        .pop()
        .ok_or_else(|| Error::internal("empty resolution"))?;
    if old.name == crate::pki::canary::NAME {
        return Err(Error::Usage(
            "the revoked canary is not renewed (a renewal would not be revoked): `secctl cert canary --force` issues another".into(),
        ));
    }
    let (req, spec) = renewal_spec(store, &cfg, &a, &old)?;
    let key = if a.reuse_key {
        let kp = old.out_dir.join(format!("{}.key", old.name));
        let key = crate::pki::keys::load_private_key_in(ctx.store.files(), &kp, None)?;
        let (der, _) = store.record_cert(&old.serial)?;
        ca::check_key_matches(&kp, &key, &der)?;
        Some(key)
    } else {
        None
    };
    let mut passphrase = ctx.ca_passphrase(&cfg)?;
    let _lock = store.lock()?;
    let issuing = ctx.with_ca_key(&mut passphrase, |p| ca::load_issuing(store, p))?;
    let bundle = Bundle::new(store, issuing.bundle_pem.clone())?;
    bundle.check_replace(&old.out_dir, a.force)?;
    let issued = match &req {
        Some(r) => issue::issue_for_csr(&cfg, &issuing, &spec, &old.out_dir, r)?,
        None => issue::issue(&cfg, &issuing, &spec, &old.out_dir, key)?,
    };
    let files = issue::write(store, &issuing, &issued)?;
    bundle.record_delivered(store)?;
    let bundles_refreshed = refresh_others(ctx, &bundle, &old.out_dir)?;
    if let Some(r) = &req {
        if old.key_source == KeySource::Generated {
            stale_key_note(ctx, &issued.record, r);
        }
    }
    // Whether the new certificate is for the old key: observed from the keys themselves.
    let key_reused = match (&old.public_key_sha256, &issued.record.public_key_sha256) {
        (Some(a), Some(b)) => a == b,
        _ => a.reuse_key,
    };
    let crl = if a.revoke_old {
        revoke_superseded(ctx, &old, &mut passphrase)?
    } else {
        None
    };
    drop(_lock);
    // The files are in place (and the CRL published): now the command, if any.
    let exec = a.exec.as_deref().map(|cmd| exec_renewed(cmd, &old, &files));
    let code = u8::from(exec.as_ref().is_some_and(|h| !h.ok));
    report_renewal(
        &ctx.printer,
        Renewal {
            old: &old,
            issued: &issued,
            files,
            valid_for: format_duration(spec.valid_for),
            bundles_refreshed,
            from_csr: req.is_some(),
            key_reused,
            crl,
            exec,
        },
    )?;
    Ok(code)
}

/// The certificate that renews `old`: its names, kind, role and hosts, the lifetime of
/// `old` unless told otherwise, and the key type of the CSR when one is given (read here,
/// checked against the name and the policy). A certificate signed from a CSR is renewed
/// only from a new CSR.
fn renewal_spec(
    store: &crate::pki::store::Store,
    cfg: &crate::pki::store::Config,
    a: &RenewArgs,
    old: &Record,
) -> Result<(Option<Csr>, LeafSpec)> {
    let hosts = old
        .hosts
        .iter()
        .map(|h| names::parse_host(h))
        .collect::<Result<Vec<_>>>()?;
    let req = match &a.csr {
        Some(p) => Some(csr::read(store.files(), p)?),
        None => None,
    };
    if old.key_source == KeySource::External && req.is_none() {
        return Err(Error::Usage(format!(
            "{} {:?} (serial {}) was signed from a CSR: its key is on the node, not here; renewing it needs a new CSR: secctl cert renew {} --csr FILE",
            old.kind.as_str(),
            old.name,
            old.serial,
            old.name
        )));
    }
    let spec = LeafSpec {
        name: old.name.clone(),
        kind: old.kind,
        role: old.role.clone(),
        hosts,
        // Renewal keeps the lifetime of the certificate it replaces unless told otherwise.
        valid_for: crate::cli::validity_of(a.days, a.valid_for)
            .unwrap_or_else(|| validity::lifetime(old.not_before, old.not_after)),
        key_type: req.as_ref().map_or(old.key_type, |r| r.key_type),
    };
    spec.validate()?;
    if let Some(r) = &req {
        r.name(Some(&old.name), old.kind)?;
        r.check_request(cfg, &spec)?;
    }
    issue::check_constraints_early(store, cfg, &spec)?;
    Ok((req, spec))
}

/// `--revoke-old`: revoke `old` as superseded (unless it already is) and publish the CRL.
fn revoke_superseded(
    ctx: &Ctx,
    old: &Record,
    passphrase: &mut Option<age::secrecy::SecretString>,
) -> Result<Option<revocation::CrlReport>> {
    if revoked_set(ctx)?.contains(&old.serial) {
        return Ok(None);
    }
    let store = &ctx.store;
    revocation::append(
        store,
        &[revocation::Revocation {
            serial: old.serial.clone(),
            reason: revocation::Reason::Superseded,
            revoked_at: OffsetDateTime::now_utc(),
            issuer: Some(old.issuer_fingerprint.as_str().into()),
        }],
    )?;
    Ok(Some(ctx.with_ca_key(passphrase, |p| {
        revocation::publish(store, p, 30, None)
    })?))
}

/// `--exec CMD` after a renewal, given the files it changed.
fn exec_renewed(cmd: &str, old: &Record, files: &Written) -> crate::cmd::hook::HookReport {
    let mut changed = vec![files.cert.clone()];
    changed.extend(files.key.clone());
    changed.push(files.ca.clone());
    let cwd = std::env::current_dir().unwrap_or_else(|_| old.out_dir.clone());
    crate::cmd::hook::run(
        cmd,
        &cwd,
        &old.name,
        &old.out_dir,
        &changed,
        crate::cmd::hook::TIMEOUT,
    )
}

/// What a renewal did, for its report.
struct Renewal<'a> {
    old: &'a Record,
    issued: &'a issue::Issued,
    files: Written,
    /// The lifetime asked for, as a duration.
    valid_for: String,
    bundles_refreshed: Vec<std::path::PathBuf>,
    from_csr: bool,
    key_reused: bool,
    /// The CRL published for `--revoke-old`.
    crl: Option<revocation::CrlReport>,
    exec: Option<crate::cmd::hook::HookReport>,
}

/// Report a renewal, as JSON or as text.
fn report_renewal(p: &crate::output::Printer, n: Renewal) -> Result<()> {
    let (old, r) = (n.old, &n.issued.record);
    if p.is_json() {
        return p.json(&serde_json::json!({
            "renewed": old.serial,
            "old_revoked": n.crl.is_some(),
            "key_reused": n.key_reused,
            "exec": n.exec,
            "certificate": IssueReport {
                record: r,
                files: n.files,
                validity_capped: n.issued.capped,
                valid_for: n.valid_for,
                bundles_refreshed: n.bundles_refreshed,
            },
        }));
    }
    p.line(&format!(
        "renewed {} {:?}: serial {} -> {}, valid until {}{}",
        r.kind.as_str(),
        r.name,
        old.serial,
        r.serial,
        until(r.not_after),
        match (n.from_csr, n.key_reused) {
            (true, true) => " (the node's same key, from its CSR)",
            (true, false) => " (the node's new key, from its CSR)",
            (false, true) => " (same key)",
            (false, false) => " (new key)",
        }
    ))?;
    p.kv(&[
        ("key", key_cell(&n.files)),
        ("cert", n.files.cert.display().to_string()),
        ("ca", n.files.ca.display().to_string()),
    ])?;
    if let Some(c) = &n.crl {
        p.line(&format!(
            "revoked {} (superseded); CRL {} published to {}",
            old.serial,
            c.number,
            c.path.display()
        ))?;
    }
    if let Some(h) = &n.exec {
        let line = format!(
            "exec: {} ({})",
            if h.ok { "ok" } else { "FAILED" },
            h.detail
        );
        if h.ok {
            p.line(&line)?;
        } else {
            p.note(&format!("{line}: the renewed files are in place"));
        }
    }
    Ok(())
}
