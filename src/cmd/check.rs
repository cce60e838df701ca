//! `secctl check [--within D] [--crl-within D] [--prometheus FILE]`: expiry of every live
//! certificate, every CA generation in the trust bundle and every CRL in `crl.pem`, for
//! cron and monitoring (exit 1 when anything needs attention), optionally written as a
//! Prometheus textfile for node_exporter's textfile collector.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::cli::CheckArgs;
use crate::cmd::cert::days_left;
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::output::{fmt_time, Tone};
use crate::pki::ca::{self, Generation};
use crate::pki::fsio;
use crate::pki::store::{Record, Store};
use crate::term::cell;

pub use crate::ground::duration::{fmt_duration, parse_duration};
use crate::pki::validity::{self, RenewBefore};

/// The window `within` gives a certificate valid from `not_before` to `not_after`.
pub fn window_for(
    within: RenewBefore,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
) -> Duration {
    within.window(validity::lifetime(not_before, not_after))
}

/// `--within` as the summary line and JSON give it: `30d`, `12h`, `1/3`.
fn fmt_within(within: RenewBefore) -> String {
    match within {
        RenewBefore::Window(d) => fmt_duration(d),
        f @ RenewBefore::Fraction(..) => f.to_string(),
    }
}

/// `expired` (past), `expiring` (within the window) or `valid`, from the seconds left.
pub fn window_status(seconds_left: i64, within: Duration) -> &'static str {
    if seconds_left < 0 {
        "expired"
    } else if seconds_left < within.whole_seconds() {
        "expiring"
    } else {
        "valid"
    }
}

/// The status of a live certificate at `now`.
pub fn cert_status(
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    now: OffsetDateTime,
    within: Duration,
) -> &'static str {
    let left = (not_after - now).whole_seconds();
    if left >= 0 && now < not_before {
        "not-yet-valid"
    } else {
        window_status(left, within)
    }
}

/// The status of a CRL: `no-next-update`, `expired` (nextUpdate past), `stale` (a
/// revocation it does not list), `expiring` (nextUpdate within the window) or `valid`.
pub fn crl_status(seconds_left: Option<i64>, missing: usize, within: Duration) -> &'static str {
    match seconds_left {
        None => "no-next-update",
        Some(l) if l < 0 => "expired",
        _ if missing > 0 => "stale",
        Some(l) => window_status(l, within),
    }
}

/// One live certificate: the newest of its name, not revoked.
#[derive(Debug, Serialize)]
pub struct CertItem {
    /// Its name.
    pub name: String,
    /// node or client.
    pub kind: &'static str,
    /// Its role.
    pub role: String,
    /// Its serial.
    pub serial: String,
    /// Which CA generation issued it: current, previous or unknown.
    pub ca: &'static str,
    /// notAfter.
    #[serde(with = "crate::output::rfc3339s")]
    pub not_after: OffsetDateTime,
    /// Seconds from the check until notAfter (negative once expired).
    pub seconds_left: i64,
    /// Whole days left (negative once expired).
    pub days_left: i64,
    /// The window applied to it, in seconds (--within, or its fraction of the lifetime).
    pub window_seconds: i64,
    /// valid, expiring (within the window), expired or not-yet-valid.
    pub status: &'static str,
    /// Whether it makes the check fail.
    pub problem: bool,
}

/// One CA certificate of a generation whose root is in the trust bundle.
#[derive(Debug, Serialize, Clone)]
pub struct CaItem {
    /// The generation: `current`, or its directory name under `ca/previous/`.
    pub generation: String,
    /// Whether it is the generation that issues now.
    pub current: bool,
    /// root or intermediate.
    pub kind: &'static str,
    /// Subject.
    pub subject: String,
    /// Serial.
    pub serial: String,
    /// SHA-256 fingerprint.
    pub fingerprint: String,
    /// notAfter.
    #[serde(with = "crate::output::rfc3339s")]
    pub not_after: OffsetDateTime,
    /// Seconds until notAfter (negative once expired).
    pub seconds_left: i64,
    /// Whole days left (negative once expired).
    pub days_left: i64,
    /// Live certificates this generation issued (null where not counted: `ca show`).
    pub live_certificates: Option<usize>,
    /// The window applied to it, in seconds (--within, or its fraction of the lifetime).
    pub window_seconds: i64,
    /// valid, expiring (within the window) or expired.
    pub status: &'static str,
    /// Whether it makes the check fail: a current CA within the window, or a previous one
    /// within the window that still has live certificates.
    pub problem: bool,
}

/// One CRL of `crl.pem`.
#[derive(Debug, Serialize, Clone)]
pub struct CrlItem {
    /// Issuer subject.
    pub issuer: String,
    /// CRL number (decimal), null when it carries none.
    pub number: Option<String>,
    /// thisUpdate.
    #[serde(with = "crate::output::rfc3339s")]
    pub this_update: OffsetDateTime,
    /// nextUpdate (null: none, which peers treat as never fresh).
    #[serde(with = "crate::output::rfc3339s::option")]
    pub next_update: Option<OffsetDateTime>,
    /// Seconds until nextUpdate (negative once past; null without nextUpdate).
    pub seconds_left: Option<i64>,
    /// Whole days until nextUpdate (null without nextUpdate).
    pub days_left: Option<i64>,
    /// Revoked serials listed.
    pub entries: usize,
    /// Serials revoked in `revocations.log` (from this issuer, not expired) it does not list.
    pub missing_revocations: Vec<String>,
    /// valid, expiring (nextUpdate within the CRL window), expired, stale (a revocation it
    /// does not list) or no-next-update.
    pub status: &'static str,
    /// Whether it makes the check fail.
    pub problem: bool,
}

/// What `check -o json` prints.
#[derive(Debug, Serialize)]
struct Report {
    /// When the check ran.
    #[serde(with = "crate::output::rfc3339s")]
    at: OffsetDateTime,
    /// The window for certificates and CAs as given: `30d`, `12h`, or a fraction of each
    /// one's lifetime (`1/3`).
    within: String,
    /// The window for certificates and CAs, in seconds (null for a fraction: see each
    /// item's window_seconds).
    within_seconds: Option<i64>,
    /// The window for CRLs' nextUpdate, in seconds.
    crl_within_seconds: i64,
    /// Nothing needs attention.
    ok: bool,
    /// One line per problem.
    problems: Vec<String>,
    certificates: Vec<CertItem>,
    cas: Vec<CaItem>,
    crls: Vec<CrlItem>,
    /// The textfile written, if any.
    prometheus: Option<PathBuf>,
}

/// The newest record of every name (history and superseded certificates left out), in
/// name order.
pub fn newest_per_name(store: &Store) -> Result<Vec<Record>> {
    if store.indexed() {
        let mut out = Vec::new();
        for n in store.indexed_names()? {
            if let Some(r) = store.records_named(&n)?.pop() {
                out.push(r);
            }
        }
        return Ok(out);
    }
    let mut by: std::collections::BTreeMap<String, Vec<Record>> = Default::default();
    for r in store.records()? {
        by.entry(r.name.clone()).or_default().push(r);
    }
    Ok(by
        .into_values()
        .filter_map(|mut v| {
            v.sort_by_key(|r| r.not_before);
            v.pop()
        })
        .collect())
}

/// The CA certificates of every generation whose root is in `ca.crt` (roots and
/// intermediates), current first. `live` counts live certificates per issuing fingerprint
/// (None: not counted; a previous generation is then never a problem).
pub fn bundle_cas(
    store: &Store,
    gens: &[Generation],
    live: Option<&HashMap<String, usize>>,
    now: OffsetDateTime,
    within: RenewBefore,
) -> Result<Vec<CaItem>> {
    let bundle_path = store.path("ca.crt");
    let in_bundle: HashSet<String> =
        crate::verify::read_pem_or_der(store.files(), &bundle_path, "CERTIFICATE", "certificate")?
            .iter()
            .map(|d| crate::pki::inspect::fingerprint(d))
            .collect();
    let mut out = Vec::new();
    for g in gens
        .iter()
        .filter(|g| in_bundle.contains(&g.root.sha256_fingerprint))
    {
        let n = live.map(|l| l.get(&g.issuing.sha256_fingerprint).copied().unwrap_or(0));
        let mut certs = vec![("root", &g.root)];
        if g.issuing_stem == "intermediate" {
            certs.push(("intermediate", &g.issuing));
        }
        for (kind, c) in certs {
            let left = (c.not_after - now).whole_seconds();
            let window = window_for(within, c.not_before, c.not_after);
            let status = window_status(left, window);
            out.push(CaItem {
                generation: g.id(),
                current: g.current,
                kind,
                subject: c.subject.clone(),
                serial: c.serial.clone(),
                fingerprint: c.sha256_fingerprint.clone(),
                not_after: c.not_after,
                seconds_left: left,
                days_left: days_left(c.not_after, now),
                live_certificates: n,
                window_seconds: window.whole_seconds(),
                status,
                // A previous generation ends by design; it matters while it still has
                // live certificates (each also checked on its own).
                problem: status != "valid" && (g.current || n.unwrap_or(0) > 0),
            });
        }
    }
    Ok(out)
}

/// The CRLs in `crl.pem` (None: there is no `crl.pem`), each compared with the revocation
/// log: a revocation of a certificate that has not expired, issued by the CRL's issuer,
/// must be listed.
pub fn crl_items(
    store: &Store,
    gens: &[Generation],
    now: OffsetDateTime,
    within: Duration,
) -> Result<Option<Vec<CrlItem>>> {
    let path = store.path("crl.pem");
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(None);
    }
    let ders = crate::verify::read_pem_or_der(store.files(), &path, "X509 CRL", "CRL")?;
    // Revoked serials (of certificates not expired) by the subject of their issuing CA.
    let subject_of: HashMap<&str, &str> = gens
        .iter()
        .map(|g| {
            (
                g.issuing.sha256_fingerprint.as_str(),
                g.issuing.subject.as_str(),
            )
        })
        .collect();
    let mut revoked_by: HashMap<String, Vec<String>> = HashMap::new();
    for rv in crate::revocation::read_log(store)? {
        if let Some(r) = store.record(&rv.serial)? {
            if r.not_after > now {
                if let Some(s) = subject_of.get(r.issuer_fingerprint.as_str()) {
                    revoked_by.entry(s.to_string()).or_default().push(rv.serial);
                }
            }
        }
    }
    let mut out = Vec::new();
    for (i, der) in ders.iter().enumerate() {
        let (_, crl) = x509_parser::parse_x509_crl(der)
            .map_err(|e| Error::path(&path, format!("CRL {} cannot be parsed ({e})", i + 1)))?;
        let issuer = crl.issuer().to_string();
        let listed: HashSet<String> = crl
            .iter_revoked_certificates()
            .map(|e| {
                hex::encode(e.raw_serial())
                    .trim_start_matches("00")
                    .to_string()
            })
            .collect();
        let missing: Vec<String> = revoked_by
            .get(&issuer)
            .map(|v| {
                v.iter()
                    .filter(|s| !listed.contains(s.trim_start_matches("00")))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let next = crl.next_update().map(|t| t.to_datetime());
        let left = next.map(|n| (n - now).whole_seconds());
        let status = crl_status(left, missing.len(), within);
        out.push(CrlItem {
            issuer,
            number: crl.crl_number().map(|n| n.to_string()),
            this_update: crl.last_update().to_datetime(),
            next_update: next,
            seconds_left: left,
            days_left: next.map(|n| days_left(n, now)),
            entries: listed.len(),
            missing_revocations: missing,
            status,
            problem: status != "valid",
        });
    }
    Ok(Some(out))
}

/// Escape a label value for the Prometheus text format.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// `{k="v",...}` with the values escaped.
pub(crate) fn labels(pairs: &[(&str, &str)]) -> String {
    let inner: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", label(v)))
        .collect();
    format!("{{{}}}", inner.join(","))
}

/// One gauge family of the textfile: its HELP and TYPE lines, then a sample per row
/// (labels, value).
fn family(t: &mut String, name: &str, help: &str, rows: Vec<(String, String)>) {
    let _ = writeln!(t, "# HELP {name} {help}");
    let _ = writeln!(t, "# TYPE {name} gauge");
    for (l, v) in rows {
        let _ = writeln!(t, "{name}{l} {v}");
    }
}

/// The Prometheus textfile (text exposition format 0.0.4).
fn prometheus_text(r: &Report) -> String {
    let mut t = String::new();
    certificate_families(&mut t, &r.certificates);
    ca_families(&mut t, &r.cas);
    crl_families(&mut t, &r.crls);
    check_families(&mut t, r);
    t
}

/// The families of the live certificates.
fn certificate_families(t: &mut String, certificates: &[CertItem]) {
    let cert_labels = |c: &CertItem| {
        labels(&[
            ("name", &c.name),
            ("kind", c.kind),
            ("role", &c.role),
            ("serial", &c.serial),
            ("ca", c.ca),
        ])
    };
    family(
        t,
        "secctl_certificate_expiry_seconds",
        "Seconds from the check until notAfter of each live certificate (the newest of its name, not revoked); negative once expired.",
        certificates
            .iter()
            .map(|c| (cert_labels(c), c.seconds_left.to_string()))
            .collect(),
    );
    family(
        t,
        "secctl_certificate_not_after_timestamp_seconds",
        "notAfter of each live certificate as a Unix time (exact between runs: compare with time()).",
        certificates
            .iter()
            .map(|c| (cert_labels(c), c.not_after.unix_timestamp().to_string()))
            .collect(),
    );
    family(
        t,
        "secctl_certificate_window_seconds",
        "The window applied to each live certificate: --within, or its fraction of the certificate's lifetime.",
        certificates
            .iter()
            .map(|c| (cert_labels(c), c.window_seconds.to_string()))
            .collect(),
    );
}

/// The families of the CA certificates of the trust bundle's generations.
fn ca_families(t: &mut String, cas: &[CaItem]) {
    let ca_labels = |c: &CaItem| {
        labels(&[
            ("generation", &c.generation),
            ("kind", c.kind),
            ("subject", &c.subject),
            ("fingerprint", &c.fingerprint),
        ])
    };
    family(
        t,
        "secctl_ca_expiry_seconds",
        "Seconds from the check until notAfter of each CA certificate (root, intermediate) of the generations in the trust bundle; negative once expired.",
        cas.iter()
            .map(|c| (ca_labels(c), c.seconds_left.to_string()))
            .collect(),
    );
    family(
        t,
        "secctl_ca_not_after_timestamp_seconds",
        "notAfter of each CA certificate of the trust bundle's generations as a Unix time.",
        cas.iter()
            .map(|c| (ca_labels(c), c.not_after.unix_timestamp().to_string()))
            .collect(),
    );
    family(
        t,
        "secctl_ca_live_certificates",
        "Live certificates issued by each CA generation (on its issuing CA's series).",
        cas.iter()
            .filter(|c| {
                c.kind == "intermediate"
                    || !cas
                        .iter()
                        .any(|o| o.generation == c.generation && o.kind == "intermediate")
            })
            .map(|c| (ca_labels(c), c.live_certificates.unwrap_or(0).to_string()))
            .collect(),
    );
}

/// The families of the CRLs in crl.pem.
fn crl_families(t: &mut String, crls: &[CrlItem]) {
    let crl_labels = |c: &CrlItem| labels(&[("issuer", &c.issuer)]);
    family(
        t,
        "secctl_crl_next_update_seconds",
        "Seconds from the check until nextUpdate of each CRL in crl.pem; negative once past (peers then refuse it).",
        crls.iter()
            .filter_map(|c| c.seconds_left.map(|s| (crl_labels(c), s.to_string())))
            .collect(),
    );
    family(
        t,
        "secctl_crl_next_update_timestamp_seconds",
        "nextUpdate of each CRL in crl.pem as a Unix time.",
        crls.iter()
            .filter_map(|c| {
                c.next_update
                    .map(|n| (crl_labels(c), n.unix_timestamp().to_string()))
            })
            .collect(),
    );
    family(
        t,
        "secctl_crl_number",
        "CRL number of each CRL in crl.pem.",
        crls.iter()
            .filter_map(|c| c.number.as_ref().map(|n| (crl_labels(c), n.clone())))
            .collect(),
    );
    family(
        t,
        "secctl_crl_missing_revocations",
        "Revocations recorded in revocations.log that the CRL of their issuer does not list (crl.pem out of date: run secctl crl).",
        crls.iter()
            .map(|c| (crl_labels(c), c.missing_revocations.len().to_string()))
            .collect(),
    );
}

/// The families of the check itself: its verdict, its windows, when it ran.
fn check_families(t: &mut String, r: &Report) {
    family(
        t,
        "secctl_check_problems",
        "Problems found by the check: certificates, CAs or CRLs within the window, expired or stale.",
        vec![(String::new(), r.problems.len().to_string())],
    );
    family(
        t,
        "secctl_check_success",
        "1 when nothing needs attention, 0 otherwise (secctl check exits 1).",
        vec![(String::new(), u8::from(r.ok).to_string())],
    );
    family(
        t,
        "secctl_check_window_seconds",
        "The windows the check used: for certificates and CAs (--within; absent when it is a fraction of each lifetime) and for CRLs (--crl-within).",
        r.within_seconds
            .map(|w| (labels(&[("for", "certificates")]), w.to_string()))
            .into_iter()
            .chain([(labels(&[("for", "crls")]), r.crl_within_seconds.to_string())])
            .collect(),
    );
    family(
        t,
        "secctl_check_timestamp_seconds",
        "When the check ran, as a Unix time (alert when it grows old: the cron job stopped).",
        vec![(String::new(), r.at.unix_timestamp().to_string())],
    );
}

/// Write the textfile atomically (a temporary file in the same directory, renamed into
/// place, mode 0644), so node_exporter never reads half of one.
pub(crate) fn write_prometheus(path: &Path, text: &str) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if path.file_name().is_none() || path.as_os_str().to_string_lossy().ends_with('/') {
        return Err(Error::path(path, "is not a file name"));
    }
    if !dir.is_dir() {
        return Err(Error::path(dir, "no such directory (for --prometheus)"));
    }
    if path.is_dir() {
        return Err(Error::path(
            path,
            "is a directory (--prometheus takes a file)",
        ));
    }
    fsio::write_atomic(path, text.as_bytes(), 0o644)
}

/// Refuse a `--prometheus FILE` whose directory does not exist or that is a directory
/// (exit 2, before anything is done); note a name node_exporter would not read.
pub(crate) fn check_prometheus_file(p: &crate::output::Printer, f: &Path) -> Result<()> {
    let dir = match f.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(Error::path(dir, "no such directory (for --prometheus)"));
    }
    if f.is_dir() {
        return Err(Error::path(f, "is a directory (--prometheus takes a file)"));
    }
    if f.extension().is_none_or(|e| e != "prom") {
        p.note(&format!(
            "{}: node_exporter's textfile collector reads only files ending in .prom",
            f.display()
        ));
    }
    Ok(())
}

/// `secctl check`.
pub fn run(ctx: &Ctx, a: CheckArgs) -> Result<u8> {
    let store = &ctx.store;
    store.config()?;
    let p = &ctx.printer;
    if let Some(f) = &a.prometheus {
        // Checked before anything is read: bad input changes nothing.
        check_prometheus_file(p, f)?;
    }
    let now = crate::output::secs(OffsetDateTime::now_utc());
    let gens = ca::generations(store)?;
    let (certificates, live) = live_certificates(ctx, &gens, now, a.within)?;
    let cas = bundle_cas(store, &gens, Some(&live), now, a.within)?;
    let crls = crl_items(store, &gens, now, a.crl_within)?;
    let (mut problems, mut unlisted) =
        find_problems(store, &gens, now, &certificates, &cas, crls.as_deref());
    // The revoked canary that `probe` tries: once made, it is kept usable.
    if let Some(c) = crate::pki::canary::check(store, now)? {
        unlisted.push(c.clone());
        problems.push(c);
    }
    let report = Report {
        at: now,
        within: fmt_within(a.within),
        within_seconds: match a.within {
            RenewBefore::Window(d) => Some(d.whole_seconds()),
            RenewBefore::Fraction(..) => None,
        },
        crl_within_seconds: a.crl_within.whole_seconds(),
        ok: problems.is_empty(),
        problems,
        certificates,
        cas,
        crls: crls.unwrap_or_default(),
        prometheus: a.prometheus.clone(),
    };
    if let Some(f) = &a.prometheus {
        write_prometheus(f, &prometheus_text(&report))?;
    }
    let code = u8::from(!report.ok);
    if p.is_json() {
        p.json(&report)?;
        return Ok(code);
    }
    print_text(p, &report, &unlisted, &a)?;
    Ok(code)
}

/// The live certificates (the newest of each name, not revoked), with how many of them
/// are not expired per issuing CA fingerprint.
fn live_certificates(
    ctx: &Ctx,
    gens: &[Generation],
    now: OffsetDateTime,
    within: RenewBefore,
) -> Result<(Vec<CertItem>, HashMap<String, usize>)> {
    let store = &ctx.store;
    let retired = ca::retired_issuers(store);
    let revoked: HashSet<String> = crate::cmd::cert::revoked_set(ctx)?;
    let mut certificates = Vec::new();
    let mut live: HashMap<String, usize> = HashMap::new();
    for r in newest_per_name(store)? {
        if revoked.contains(&r.serial) {
            continue;
        }
        let left = (r.not_after - now).whole_seconds();
        let window = window_for(within, r.not_before, r.not_after);
        let status = cert_status(r.not_before, r.not_after, now, window);
        if left >= 0 {
            *live.entry(r.issuer_fingerprint.clone()).or_default() += 1;
        }
        certificates.push(CertItem {
            ca: crate::cmd::cert::ca_label(gens, &retired, &r.issuer_fingerprint),
            name: r.name,
            kind: r.kind.as_str(),
            role: r.role,
            serial: r.serial,
            not_after: r.not_after,
            seconds_left: left,
            days_left: days_left(r.not_after, now),
            window_seconds: window.whole_seconds(),
            status,
            problem: status != "valid",
        });
    }
    Ok((certificates, live))
}

/// `VERB TIME (in N days)`, or `PAST TIME (N days ago)` once `secs` is negative.
fn when(now: OffsetDateTime, secs: i64, t: OffsetDateTime, verb: &str, past: &str) -> String {
    if secs < 0 {
        format!("{past} {} ({} days ago)", fmt_time(t), -days_left(t, now))
    } else {
        format!("{verb} {} (in {} days)", fmt_time(t), days_left(t, now))
    }
}

/// Everything that needs attention, one line each: the certificates, the CAs and the CRLs
/// with a problem, then the problems that have no row in the text table. Returns all the
/// lines, and those without a row on their own (the text output names them on stderr).
fn find_problems(
    store: &Store,
    gens: &[Generation],
    now: OffsetDateTime,
    certificates: &[CertItem],
    cas: &[CaItem],
    crls: Option<&[CrlItem]>,
) -> (Vec<String>, Vec<String>) {
    let mut problems = Vec::new();
    let mut unlisted = Vec::new();
    for c in certificates.iter().filter(|c| c.problem) {
        let what = if c.status == "not-yet-valid" {
            "is not valid yet".to_string()
        } else {
            when(now, c.seconds_left, c.not_after, "expires", "expired")
        };
        problems.push(format!(
            "certificate {} ({} {}, serial {}) {what}",
            cell(&c.name),
            c.kind,
            cell(&c.role),
            c.serial
        ));
    }
    for c in cas.iter().filter(|c| c.problem) {
        problems.push(format!(
            "{} CA {} (generation {}{}) {}",
            c.kind,
            cell(&c.subject),
            c.generation,
            if c.current {
                String::new()
            } else {
                format!(", {} live certificates", c.live_certificates.unwrap_or(0))
            },
            when(now, c.seconds_left, c.not_after, "expires", "expired")
        ));
    }
    let crl_path = store.path("crl.pem");
    match crls {
        None => unlisted.push(format!(
            "{} does not exist: peers that check revocation refuse every certificate (run `secctl crl`)",
            crl_path.display()
        )),
        Some(list) => {
            for c in list.iter().filter(|c| c.problem) {
                let line = format!("CRL of {} {}", cell(&c.issuer), crl_problem(c, now));
                // A stale CRL has no row in the text table: it is a note, and counted once
                // (the notes are added to the problems below).
                if c.status == "stale" {
                    unlisted.push(line);
                } else {
                    problems.push(line);
                }
            }
            unlisted.extend(crls_missing(&crl_path, gens, list, now));
        }
    }
    // The trust handed out: a root the current root does not vouch for, a CRL no CA of the
    // state signed or whose number went back.
    unlisted.extend(
        crate::pki::audit::trust_findings(store)
            .into_iter()
            .map(|f| f.problem),
    );
    problems.extend(unlisted.iter().cloned());
    (problems, unlisted)
}

/// What is wrong with a CRL with a problem, after `CRL of ISSUER`.
fn crl_problem(c: &CrlItem, now: OffsetDateTime) -> String {
    match (c.status, c.next_update, c.seconds_left) {
        ("stale", _, _) => format!(
            "does not list {} revoked certificate(s) ({}): crl.pem is out of date (run `secctl crl`)",
            c.missing_revocations.len(),
            c.missing_revocations.join(", ")
        ),
        (_, Some(n), Some(s)) => format!(
            "{} (run `secctl crl`)",
            when(now, s, n, "has its next update at", "went past its next update at")
        ),
        _ => "has no nextUpdate".to_string(),
    }
}

/// Every CA that signs certificates (of the current generation, or of one whose root has
/// not expired) must have its CRL in the file: a line for each that has none.
fn crls_missing(
    crl_path: &Path,
    gens: &[Generation],
    list: &[CrlItem],
    now: OffsetDateTime,
) -> Vec<String> {
    let mut out = Vec::new();
    for g in gens.iter().filter(|g| g.current || g.root.not_after > now) {
        let mut need = vec![&g.issuing.subject];
        if g.issuing_stem == "intermediate" {
            need.push(&g.root.subject);
        }
        for s in need {
            if !list.iter().any(|c| &c.issuer == s) {
                out.push(format!(
                    "{} has no CRL of {} (generation {}): peers that check revocation refuse its certificates (run `secctl crl`)",
                    crl_path.display(),
                    cell(s),
                    g.id()
                ));
            }
        }
    }
    out
}

/// The text output: a summary line when all is well, else a table of what has a problem,
/// the problems without a row as notes, and the count.
fn print_text(
    p: &crate::output::Printer,
    report: &Report,
    unlisted: &[String],
    a: &CheckArgs,
) -> Result<()> {
    let summary = format!(
        "{} live certificate(s), {} CA certificate(s), {} CRL(s) checked; window {} (CRLs {})",
        report.certificates.len(),
        report.cas.len(),
        report.crls.len(),
        fmt_within(a.within),
        fmt_duration(a.crl_within)
    );
    if report.ok {
        return p.line(&format!("ok: {summary}: nothing needs attention"));
    }
    let rows = problem_rows(p, report);
    if !rows.is_empty() {
        p.table(&["WHAT", "NAME", "UNTIL", "DAYS LEFT", "STATUS"], &rows)?;
    }
    for line in unlisted {
        p.note(line);
    }
    p.line(&format!("{} problem(s): {summary}", report.problems.len()))
}

/// The table rows of the certificates, CAs and CRLs with a problem.
fn problem_rows(p: &crate::output::Printer, report: &Report) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    for c in report.certificates.iter().filter(|c| c.problem) {
        rows.push(vec![
            "certificate".into(),
            format!("{} ({} {})", cell(&c.name), c.kind, cell(&c.role)),
            fmt_time(c.not_after),
            c.days_left.to_string(),
            p.paint(c.status, tone(c.status)),
        ]);
    }
    for c in report.cas.iter().filter(|c| c.problem) {
        rows.push(vec![
            format!("{} CA", c.kind),
            format!("{} ({})", cell(&c.subject), c.generation),
            fmt_time(c.not_after),
            c.days_left.to_string(),
            p.paint(c.status, tone(c.status)),
        ]);
    }
    for c in report.crls.iter().filter(|c| c.problem) {
        rows.push(vec![
            "CRL".into(),
            cell(&c.issuer),
            c.next_update.map_or_else(|| "-".into(), fmt_time),
            c.days_left.map_or_else(|| "-".into(), |d| d.to_string()),
            p.paint(c.status, tone(c.status)),
        ]);
    }
    rows
}

fn tone(status: &str) -> Tone {
    match status {
        "valid" => Tone::Good,
        "expiring" | "not-yet-valid" => Tone::Warn,
        _ => Tone::Bad,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30d"), Ok(Duration::days(30)));
        assert_eq!(parse_duration("12h"), Ok(Duration::hours(12)));
        assert_eq!(parse_duration("90m"), Ok(Duration::minutes(90)));
        assert_eq!(parse_duration("3600s"), Ok(Duration::hours(1)));
        assert_eq!(parse_duration("2w"), Ok(Duration::days(14)));
        assert_eq!(parse_duration("1d12h"), Ok(Duration::hours(36)));
        assert_eq!(parse_duration("45"), Ok(Duration::days(45)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        for bad in [
            "",
            "d",
            "5x",
            "-3d",
            "3d4",
            "1.5d",
            "36501d",
            "99999999999999999999d",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(fmt_duration(Duration::days(30)), "30d");
        assert_eq!(fmt_duration(Duration::hours(36)), "36h");
        assert_eq!(fmt_duration(Duration::seconds(61)), "61s");
    }

    #[test]
    fn statuses_follow_the_windows() {
        let now = OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
        let w = Duration::days(30);
        let st = |before: i64, after: i64| {
            cert_status(
                now + Duration::days(before),
                now + Duration::days(after),
                now,
                w,
            )
        };
        assert_eq!(st(-1, 31), "valid");
        assert_eq!(st(-1, 29), "expiring");
        assert_eq!(st(-40, -1), "expired");
        assert_eq!(st(1, 100), "not-yet-valid");
        assert_eq!(window_status(0, Duration::ZERO), "valid");
        assert_eq!(window_status(-1, Duration::ZERO), "expired");
        let d = Duration::days(7).whole_seconds();
        assert_eq!(crl_status(Some(d), 0, Duration::days(7)), "valid");
        assert_eq!(crl_status(Some(d - 1), 0, Duration::days(7)), "expiring");
        assert_eq!(crl_status(Some(d), 1, Duration::days(7)), "stale");
        assert_eq!(crl_status(Some(-1), 1, Duration::days(7)), "expired");
        assert_eq!(crl_status(None, 0, Duration::days(7)), "no-next-update");
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(
            labels(&[("a", "x\\y\"z\nw"), ("b", "")]),
            "{a=\"x\\\\y\\\"z\\nw\",b=\"\"}"
        );
    }
}
