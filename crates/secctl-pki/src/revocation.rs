//! Revocation: the revocation log, and CRLs signed by each CA generation.
//!
//! `DIR/revocations.log` holds one line per revocation, `SERIAL REASON UNIX-TIME [ISSUER-SHA256]`, appended
//! under the state lock and fsynced. An append cut short by a crash leaves a last line
//! without its newline; it is ignored when read and cut off before the next append.
//! `DIR/crl.pem` holds one CRL per CA generation still trusted (and, with an intermediate,
//! an empty CRL signed by the root, which `-crl_check_all` and nginx's `ssl_crl` require);
//! `DIR/crl.json` keeps the last CRL number, which only grows.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom, Write};

use age::secrecy::SecretString;
use rcgen::{CertificateRevocationListParams, KeyIdMethod, RevocationReason, RevokedCertParams};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::error::{Error, Result};
use crate::pki::ca::{self, Generation};
use crate::pki::fsio::{self, PUBLIC_MODE};
use crate::pki::store::Store;

/// Why a certificate was revoked (RFC 5280 reason codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Reason {
    /// No reason given (the reason code is then left out of the CRL, as RFC 5280 asks).
    Unspecified,
    /// The private key leaked.
    KeyCompromise,
    /// The CA key leaked.
    CaCompromise,
    /// The subject changed organisation or role.
    AffiliationChanged,
    /// Replaced by a newer certificate.
    Superseded,
    /// The node or client is gone.
    CessationOfOperation,
    /// Temporarily on hold. Not offered: a revocation here is final (no "undo" removes a
    /// serial from the CRL), so a hold could never be lifted. Still read from older logs.
    CertificateHold,
    /// A privilege was withdrawn.
    PrivilegeWithdrawn,
}

impl Reason {
    /// The RFC 5280 name.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Unspecified => "unspecified",
            Reason::KeyCompromise => "keyCompromise",
            Reason::CaCompromise => "caCompromise",
            Reason::AffiliationChanged => "affiliationChanged",
            Reason::Superseded => "superseded",
            Reason::CessationOfOperation => "cessationOfOperation",
            Reason::CertificateHold => "certificateHold",
            Reason::PrivilegeWithdrawn => "privilegeWithdrawn",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [
            Reason::Unspecified,
            Reason::KeyCompromise,
            Reason::CaCompromise,
            Reason::AffiliationChanged,
            Reason::Superseded,
            Reason::CessationOfOperation,
            Reason::CertificateHold,
            Reason::PrivilegeWithdrawn,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }

    fn code(self) -> Option<RevocationReason> {
        Some(match self {
            Reason::Unspecified => return None,
            Reason::KeyCompromise => RevocationReason::KeyCompromise,
            Reason::CaCompromise => RevocationReason::CaCompromise,
            Reason::AffiliationChanged => RevocationReason::AffiliationChanged,
            Reason::Superseded => RevocationReason::Superseded,
            Reason::CessationOfOperation => RevocationReason::CessationOfOperation,
            Reason::CertificateHold => RevocationReason::CertificateHold,
            Reason::PrivilegeWithdrawn => RevocationReason::PrivilegeWithdrawn,
        })
    }
}

/// One revocation.
#[derive(Debug, Clone, Serialize)]
pub struct Revocation {
    /// Serial, lowercase hex.
    pub serial: String,
    /// Reason.
    pub reason: Reason,
    /// When it was revoked.
    #[serde(with = "crate::ground::timefmt::rfc3339s")]
    pub revoked_at: OffsetDateTime,
    /// SHA-256 fingerprint of the CA that issued it, when the revoking command knew it (the
    /// log's optional fourth field): `publish` then needs no read of its record, so a CRL
    /// of 10,000 entries is signed from one read of the log. None in older lines and for
    /// serials without a record; their issuer is then looked up.
    #[serde(skip)]
    pub issuer: Option<std::sync::Arc<str>>,
}

const LOG: &str = "revocations.log";
const CA_LOG: &str = "ca-revocations.log";

/// The complete lines of a log in the state directory (none when it does not exist): a last
/// line without its newline is an append cut short, not an entry yet.
fn read_lines(store: &Store, name: &str) -> Result<(std::path::PathBuf, String)> {
    let p = store.path(name);
    store.check_trusted()?;
    let bytes = match store
        .files()
        .open_nofollow(&p, rustix::fs::OFlags::RDONLY, 0)
    {
        Ok(mut f) => {
            let mut b = Vec::new();
            f.read_to_end(&mut b).map_err(|e| Error::read(&p, e))?;
            b
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((p, String::new())),
        Err(e) => return Err(Error::read(&p, e)),
    };
    let mut text = String::from_utf8(bytes).map_err(|_| Error::path(&p, "corrupted (not text)"))?;
    let keep = text.rfind('\n').map_or(0, |i| i + 1);
    text.truncate(keep);
    Ok((p, text))
}

/// The serial, reason and time that begin every line of both logs.
fn parse_head<'a>(
    f: &mut impl Iterator<Item = &'a str>,
) -> Option<(String, Reason, OffsetDateTime)> {
    let (serial, reason, t) = (f.next()?, f.next()?, f.next()?);
    if serial.is_empty() || serial.len() > 40 || !serial.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let reason = Reason::parse(reason)?;
    let revoked_at = OffsetDateTime::from_unix_timestamp(t.parse().ok()?).ok()?;
    Some((serial.to_string(), reason, revoked_at))
}

/// Every revocation, in order (at most one per serial).
pub fn read_log(store: &Store) -> Result<Vec<Revocation>> {
    let (p, text) = read_lines(store, LOG)?;
    let mut out = Vec::with_capacity(text.len() / 48);
    let mut last_fp: Option<std::sync::Arc<str>> = None;
    for (n, line) in text.lines().enumerate() {
        let bad = || Error::path(&p, format!("line {}: corrupted revocation entry", n + 1));
        let mut f = line.split(' ');
        let (serial, reason, revoked_at) = parse_head(&mut f).ok_or_else(bad)?;
        let issuer = match (f.next(), f.next()) {
            (None, _) => None,
            // Lines of one CA carry the same fingerprint: checked and kept once.
            (Some(fp), None) if last_fp.as_deref() == Some(fp) => last_fp.clone(),
            (Some(fp), None) if is_fingerprint(fp) => {
                last_fp = Some(std::sync::Arc::from(fp));
                last_fp.clone()
            }
            _ => return Err(bad()),
        };
        out.push(Revocation {
            serial,
            reason,
            revoked_at,
            issuer,
        });
    }
    Ok(out)
}

/// A revoked intermediate CA certificate (`revoke` of an intermediate, or `ca retire` of an
/// intermediate whose root stays trusted): listed in its root's CRL, and every certificate
/// it issued counts as revoked.
#[derive(Debug, Clone, Serialize)]
pub struct CaRevocation {
    /// Serial of the intermediate, lowercase hex.
    pub serial: String,
    /// Reason.
    pub reason: Reason,
    /// When it was revoked.
    #[serde(with = "crate::ground::timefmt::rfc3339s")]
    pub revoked_at: OffsetDateTime,
    /// SHA-256 fingerprint of the intermediate (the `issuer_fingerprint` of what it issued).
    pub sha256_fingerprint: String,
    /// SHA-256 fingerprint of the root that signed it (whose CRL lists it).
    pub root_fingerprint: String,
}

fn is_fingerprint(s: &str) -> bool {
    s.len() == 95
        && s.split(':')
            .all(|b| b.len() == 2 && b.bytes().all(|c| matches!(c, b'0'..=b'9' | b'A'..=b'F')))
}

/// Every revoked intermediate, from `DIR/ca-revocations.log` (one line each:
/// `SERIAL REASON UNIX-TIME SHA256 ROOT-SHA256`).
pub fn read_ca_log(store: &Store) -> Result<Vec<CaRevocation>> {
    let (p, text) = read_lines(store, CA_LOG)?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let bad = || Error::path(&p, format!("line {}: corrupted revocation entry", n + 1));
        let mut f = line.split(' ');
        let (serial, reason, revoked_at) = parse_head(&mut f).ok_or_else(bad)?;
        let (Some(fp), Some(root_fp), None) = (f.next(), f.next(), f.next()) else {
            return Err(bad());
        };
        if !is_fingerprint(fp) || !is_fingerprint(root_fp) {
            return Err(bad());
        }
        out.push(CaRevocation {
            serial,
            reason,
            revoked_at,
            sha256_fingerprint: fp.to_string(),
            root_fingerprint: root_fp.to_string(),
        });
    }
    Ok(out)
}

/// Append revocations (the caller holds the lock and has checked for duplicates).
pub fn append(store: &Store, revs: &[Revocation]) -> Result<()> {
    let mut lines = String::new();
    for r in revs {
        lines.push_str(&format!(
            "{} {} {}",
            r.serial,
            r.reason.as_str(),
            r.revoked_at.unix_timestamp()
        ));
        if let Some(fp) = r.issuer.as_deref().filter(|fp| is_fingerprint(fp)) {
            lines.push(' ');
            lines.push_str(fp);
        }
        lines.push('\n');
    }
    append_lines(store, LOG, &lines)
}

/// Append revoked intermediates (the caller holds the lock and has checked for duplicates).
pub fn append_ca(store: &Store, revs: &[CaRevocation]) -> Result<()> {
    let mut lines = String::new();
    for r in revs {
        lines.push_str(&format!(
            "{} {} {} {} {}\n",
            r.serial,
            r.reason.as_str(),
            r.revoked_at.unix_timestamp(),
            r.sha256_fingerprint,
            r.root_fingerprint
        ));
    }
    append_lines(store, CA_LOG, &lines)
}

fn append_lines(store: &Store, name: &str, lines: &str) -> Result<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let p = store.path(name);
    let ctx = |e| Error::io(format!("writing {}", p.display()), e);
    store.check_trusted()?;
    // Never through a symbolic link: the log is appended to, a link would redirect the write.
    let mut f = store
        .files()
        .open_nofollow(
            &p,
            rustix::fs::OFlags::RDWR | rustix::fs::OFlags::CREATE,
            PUBLIC_MODE,
        )
        .map_err(|e| match e.raw_os_error() {
            Some(n) if n == rustix::io::Errno::LOOP.raw_os_error() => Error::read(&p, e),
            _ => ctx(e),
        })?;
    // Cut off a torn last line left by a crash.
    let mut text = Vec::new();
    f.read_to_end(&mut text).map_err(ctx)?;
    if !text.is_empty() && !text.ends_with(b"\n") {
        let keep = text.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        f.set_len(keep as u64).map_err(ctx)?;
    }
    f.seek(SeekFrom::End(0)).map_err(ctx)?;
    f.write_all(lines.as_bytes()).map_err(ctx)?;
    f.sync_all().map_err(ctx)?;
    fsio::sync_dir(store.root())?;
    fsio::crash_point();
    Ok(())
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CrlState {
    number: u64,
}

/// The number of the CRLs published last (`DIR/crl.json`), `None` before the first.
pub fn last_number(store: &Store) -> Option<u64> {
    let text = std::fs::read_to_string(store.path("crl.json")).ok()?;
    serde_json::from_str::<CrlState>(&text)
        .ok()
        .map(|s| s.number)
}

/// One CRL written into `crl.pem`.
#[derive(Debug, Serialize)]
pub struct CrlInfo {
    /// Issuer subject.
    pub issuer: String,
    /// Number of revoked entries.
    pub entries: usize,
    /// Whether the issuer is the current generation.
    pub current: bool,
}

/// What `crl` wrote.
#[derive(Debug, Serialize)]
pub struct CrlReport {
    /// The file.
    pub path: std::path::PathBuf,
    /// CRL number.
    pub number: u64,
    /// thisUpdate.
    #[serde(with = "crate::ground::timefmt::rfc3339s")]
    pub this_update: OffsetDateTime,
    /// nextUpdate.
    #[serde(with = "crate::ground::timefmt::rfc3339s")]
    pub next_update: OffsetDateTime,
    /// The CRLs in the file.
    pub crls: Vec<CrlInfo>,
    /// Issues worth a note (a root key that is offline, ...).
    pub notes: Vec<String>,
}

/// Whether a generation's directory holds the root key (a generation made by `ca rotate
/// --intermediate-only` holds only a copy of the root certificate).
pub fn root_key_present(gen: &Generation) -> bool {
    std::fs::symlink_metadata(ca::existing_key_file(&gen.dir, "root")).is_ok()
}

fn fingerprint_of(gen: &Generation) -> &str {
    &gen.issuing.sha256_fingerprint
}

/// Create a CA in `store` ([`ca::init`]) and publish its first CRL, empty, so that peers
/// configured with `crl.pem` (and `verify`) have one before the first revocation. The
/// caller holds the lock.
pub fn init_ca(
    store: &Store,
    opts: &ca::InitOptions,
    passphrase: Option<&SecretString>,
    mode: ca::InitMode,
) -> Result<ca::InitReport> {
    let report = ca::init(store, opts, passphrase, mode)?;
    publish(store, passphrase, ca::INITIAL_CRL_DAYS, None)?;
    Ok(report)
}

/// Sign a CRL for every trusted CA generation (and the root above an intermediate) and write
/// `crl.pem` and the new CRL number. The caller holds the lock.
///
/// The root's CRL above an intermediate is signed with its own lifetime, `root_days` (by
/// default until the intermediate expires), while the root key is online; while it is offline
/// the root CRL already in `crl.pem` is kept as it is, so that `-crl_check_all` peers (nginx
/// `ssl_crl`, `openssl verify`) keep accepting valid certificates.
pub fn publish(
    store: &Store,
    passphrase: Option<&SecretString>,
    days: u32,
    root_days: Option<u32>,
) -> Result<CrlReport> {
    let now = OffsetDateTime::now_utc();
    let crl_path = store.path("crl.pem");
    let previous_pem = if std::fs::symlink_metadata(&crl_path).is_ok() {
        store.files().read_text(&crl_path)?
    } else {
        String::new()
    };
    let this_update = now - Duration::minutes(1);
    let next_update = now + Duration::days(i64::from(days));
    let gens: Vec<Generation> = ca::generations(store)?
        .into_iter()
        .filter(|g| g.current || g.root.not_after > now)
        .collect();
    let revs = read_log(store)?;
    let ca_revs = read_ca_log(store)?;
    let issuer_of = issuers_of(store, &revs)?;
    let state_path = store.path("crl.json");
    let number = read_crl_state(&state_path)?.number + 1;
    let mut signing = Signing {
        passphrase,
        this_update,
        number,
        pem: String::new(),
        crls: Vec::new(),
        notes: Vec::new(),
    };
    let mut roots_done: Vec<String> = Vec::new();
    for gen in &gens {
        signing.issuing_crl(gen, &revs, &issuer_of, next_update)?;
        // One CRL per root above an intermediate (generations made by `ca rotate
        // --intermediate-only` share their root): the intermediates it revoked.
        let root_fp = &gen.root.sha256_fingerprint;
        if gen.issuing_stem != "intermediate" || roots_done.contains(root_fp) {
            continue;
        }
        roots_done.push(root_fp.clone());
        let group: Vec<&Generation> = gens
            .iter()
            .filter(|g| g.issuing_stem == "intermediate" && &g.root.sha256_fingerprint == root_fp)
            .collect();
        let root_next = match root_days {
            Some(d) => now + Duration::days(i64::from(d)),
            None => group
                .iter()
                .map(|g| g.issuing.not_after)
                .max()
                .unwrap_or(now)
                .max(now + Duration::days(1)),
        };
        signing.root_crl(gen, &group, &ca_revs, root_next, &previous_pem)?;
    }
    let state_text = serde_json::to_string(&CrlState { number }).map_err(Error::internal)? + "\n";
    let path = store.path("crl.pem");
    let mut batch = store.batch();
    batch.write(&path, signing.pem.as_bytes(), PUBLIC_MODE)?;
    batch.write(&state_path, state_text.as_bytes(), PUBLIC_MODE)?;
    batch.commit()?;
    Ok(CrlReport {
        path,
        number,
        this_update,
        next_update,
        crls: signing.crls,
        notes: signing.notes,
    })
}

/// The issuer of each revoked serial: from the log line when it names it, else one record
/// read for that revocation (never a read of every record).
fn issuers_of(store: &Store, revs: &[Revocation]) -> Result<HashMap<String, String>> {
    let mut issuer_of: HashMap<String, String> = HashMap::new();
    for rev in revs {
        if rev.issuer.is_some() || issuer_of.contains_key(&rev.serial) {
            continue;
        }
        if let Some(r) = store.record(&rev.serial)? {
            issuer_of.insert(r.serial, r.issuer_fingerprint);
        }
    }
    Ok(issuer_of)
}

/// `crl.json` (the number of the CRLs published last), the default before the first.
fn read_crl_state(state_path: &std::path::Path) -> Result<CrlState> {
    match std::fs::read_to_string(state_path) {
        Ok(t) => serde_json::from_str(&t)
            .map_err(|e| Error::path(state_path, format!("corrupted ({e})"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(CrlState::default()),
        Err(e) => Err(Error::read(state_path, e)),
    }
}

/// A CRL entry for a revoked serial (hex).
fn revoked_entry(
    serial: &str,
    revoked_at: OffsetDateTime,
    reason: Reason,
) -> Result<RevokedCertParams> {
    Ok(RevokedCertParams {
        serial_number: rcgen::SerialNumber::from_slice(
            &hex::decode(serial).map_err(Error::internal)?,
        ),
        revocation_time: revoked_at,
        reason_code: reason.code(),
        invalidity_date: None,
    })
}

/// The CRLs of one `publish`, as they are signed: the text of `crl.pem` and what it holds.
struct Signing<'a> {
    passphrase: Option<&'a SecretString>,
    this_update: OffsetDateTime,
    number: u64,
    pem: String,
    crls: Vec<CrlInfo>,
    notes: Vec<String>,
}

impl Signing<'_> {
    /// The CRL of the issuing CA of `gen`: the revoked certificates it issued (and those
    /// whose issuer is not known, on the current generation's).
    fn issuing_crl(
        &mut self,
        gen: &Generation,
        revs: &[Revocation],
        issuer_of: &HashMap<String, String>,
        next_update: OffsetDateTime,
    ) -> Result<()> {
        let fp = fingerprint_of(gen);
        let mut entries = Vec::new();
        for r in revs {
            let issuer = r
                .issuer
                .as_deref()
                .or_else(|| issuer_of.get(&r.serial).map(String::as_str));
            let mine = match issuer {
                Some(f) => f == fp,
                None => gen.current,
            };
            if mine {
                entries.push(revoked_entry(&r.serial, r.revoked_at, r.reason)?);
            }
        }
        let signer = ca::load_signer(gen, false, self.passphrase)?;
        self.crls.push(CrlInfo {
            issuer: gen.issuing.subject.clone(),
            entries: entries.len(),
            current: gen.current,
        });
        self.pem.push_str(&sign_crl(
            &signer,
            entries,
            self.this_update,
            next_update,
            self.number,
        )?);
        Ok(())
    }

    /// The CRL of the root above the intermediate of `gen` (the generations sharing that
    /// root are `group`): the intermediates it revoked, valid until `root_next`. While the
    /// root key is offline, the root CRL of the previous `crl.pem` is kept as it is.
    fn root_crl(
        &mut self,
        gen: &Generation,
        group: &[&Generation],
        ca_revs: &[CaRevocation],
        root_next: OffsetDateTime,
        previous_pem: &str,
    ) -> Result<()> {
        let root_fp = &gen.root.sha256_fingerprint;
        let mut entries = Vec::new();
        for r in ca_revs.iter().filter(|r| &r.root_fingerprint == root_fp) {
            entries.push(revoked_entry(&r.serial, r.revoked_at, r.reason)?);
        }
        let n_entries = entries.len();
        // The root key lives in the generation that holds the root's key file (the current
        // one, or the one a full rotation moved it to).
        let holder = group
            .iter()
            .find(|g| root_key_present(g))
            .copied()
            .unwrap_or(gen);
        match ca::load_signer(holder, true, self.passphrase) {
            Ok(root) => {
                self.pem.push_str(&sign_crl(
                    &root,
                    entries,
                    self.this_update,
                    root_next,
                    self.number,
                )?);
                self.crls.push(CrlInfo {
                    issuer: gen.root.subject.clone(),
                    entries: n_entries,
                    current: gen.current,
                });
            }
            Err(Error::Input { input, problem }) if problem == "no such file" => {
                match previous_crl_of(previous_pem, &gen.root_pem) {
                    Some((block, next, listed)) => {
                        self.pem.push_str(&block);
                        self.crls.push(CrlInfo {
                            issuer: gen.root.subject.clone(),
                            entries: listed,
                            current: gen.current,
                        });
                        self.notes.push(format!(
                            "root key {input} is offline: the root CRL in crl.pem is kept as it is (next update {}; sign a new one with the root key online before then)",
                            crate::ground::timefmt::fmt_time(next)
                        ));
                    }
                    None => self.notes.push(format!(
                        "root key {input} is offline and crl.pem has no root CRL: peers that check the whole chain (nginx ssl_crl, openssl -crl_check_all) will refuse every certificate; bring the root key back and run `secctl crl`"
                    )),
                }
            }
            Err(e) => return Err(e),
        }
        Ok(())
    }
}

/// The PEM block of the CRL signed by the root `root_pem` in a previous `crl.pem`, with its
/// nextUpdate (the newest one, when there are several).
fn previous_crl_of(previous: &str, root_pem: &str) -> Option<(String, OffsetDateTime, usize)> {
    use x509_parser::prelude::*;
    let root_der = ::pem::parse(root_pem).ok()?;
    let (_, root) = X509Certificate::from_der(root_der.contents()).ok()?;
    let mut best: Option<(String, OffsetDateTime, OffsetDateTime, usize)> = None;
    for text in previous.split_inclusive("-----END X509 CRL-----\n") {
        let Some(start) = text.find("-----BEGIN X509 CRL-----") else {
            continue;
        };
        let text = &text[start..];
        let Ok(block) = ::pem::parse(text) else {
            continue;
        };
        if block.tag() != "X509 CRL" {
            continue;
        }
        let Ok((_, crl)) =
            x509_parser::revocation_list::CertificateRevocationList::from_der(block.contents())
        else {
            continue;
        };
        if crl.issuer().as_raw() != root.subject().as_raw()
            || crl.verify_signature(root.public_key()).is_err()
        {
            continue;
        }
        let this = crl.last_update().to_datetime();
        let Some(next) = crl.next_update().map(|t| t.to_datetime()) else {
            continue;
        };
        if best.as_ref().is_none_or(|b| this > b.1) {
            let listed = crl.iter_revoked_certificates().count();
            best = Some((text.to_string(), this, next, listed));
        }
    }
    best.map(|(b, _, n, l)| (b, n, l))
}

fn sign_crl(
    signer: &ca::IssuingCa,
    revoked: Vec<RevokedCertParams>,
    this_update: OffsetDateTime,
    next_update: OffsetDateTime,
    number: u64,
) -> Result<String> {
    let ski = signer
        .info
        .subject_key_id
        .as_deref()
        .and_then(|h| hex::decode(h).ok())
        .map(KeyIdMethod::PreSpecified)
        .unwrap_or(KeyIdMethod::Sha256);
    let params = CertificateRevocationListParams {
        this_update,
        next_update,
        crl_number: rcgen::SerialNumber::from(number),
        issuing_distribution_point: None,
        revoked_certs: revoked,
        key_identifier_method: ski,
    };
    let crl = params.signed_by(&signer.issuer).map_err(Error::internal)?;
    crl.pem().map_err(Error::internal)
}
