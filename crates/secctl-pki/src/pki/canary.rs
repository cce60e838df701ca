//! The revoked canary: a client certificate of the cluster's CA, role `canary`, revoked at
//! issuance (`secctl cert canary`). Every CRL published since lists it, so a server that
//! enforces revocation refuses it; `probe` tries it as a fourth identity and reports a
//! server that lets it in. `ca rotate` issues a new one under the new CA, so the canary
//! always comes from the CA that issues now (a canary of a CA a server no longer trusts
//! would be refused for its issuer, and that refusal would prove nothing about revocation).
//!
//! Its revocation is recorded before its certificate is written: a crash between the two
//! leaves a revoked serial with no certificate, never a canary that is not revoked.

use std::path::PathBuf;

use age::secrecy::SecretString;
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::error::{Error, Result};
use crate::pki::ca::{self, IssuingCa};
use crate::pki::issue::{self, LeafSpec, Written};
use crate::pki::store::{CertKind, Config, Record, Store};
use crate::revocation::{self, CrlReport, Reason, Revocation};

/// The canary's name in the state directory.
pub const NAME: &str = "canary";

/// The canary's role (OU and SPIFFE role segment): no policy should grant it anything.
pub const ROLE: &str = "canary";

/// How long a canary is asked to be valid (cut to the issuing CA's end of validity): it
/// must outlive the probes that use it, and being revoked it opens nothing meanwhile.
pub const VALIDITY_DAYS: i64 = 3650;

/// A canary that expires sooner than this is issued again by `cert canary`.
pub const RENEW_WITHIN_DAYS: i64 = 30;

/// The state directory's canary, as `probe` and `cert canary` see it.
#[derive(Debug)]
pub enum State {
    /// None was ever issued.
    Missing,
    /// The latest is not revoked (made by hand with `cert client canary` and never revoked):
    /// it proves nothing.
    NotRevoked(Record),
    /// The latest has expired (a server refuses it for that, not for its revocation).
    Expired(Record),
    /// The latest was issued by a CA that no longer issues (before a `ca rotate` that
    /// predates canary rotation, or after a restore).
    PreviousCa(Record),
    /// Its certificate or key file is gone.
    FilesMissing(Record),
    /// Revoked, current, from the issuing CA, files in place.
    Ready {
        /// Its record.
        record: Record,
        /// Certificate chain file.
        cert: PathBuf,
        /// Key file.
        key: PathBuf,
    },
}

/// What to run about a canary that cannot be used.
const FIX: &str = "run `secctl cert canary` to issue a revoked one";

impl State {
    /// Why this canary cannot be used; None when it is ready or absent.
    fn why(&self) -> Option<String> {
        Some(match self {
            State::Missing | State::Ready { .. } => return None,
            State::NotRevoked(r) => format!("canary (serial {}) is not revoked", r.serial),
            State::Expired(r) => format!("canary (serial {}) has expired", r.serial),
            State::PreviousCa(r) => format!(
                "canary (serial {}) comes from a CA that no longer issues",
                r.serial
            ),
            State::FilesMissing(r) => format!(
                "canary (serial {}): its certificate or key is not in {}",
                r.serial,
                r.out_dir.display()
            ),
        })
    }

    /// `probe`'s note about a canary it does not try, and what to run; None when it is
    /// ready or absent.
    pub fn problem(&self) -> Option<String> {
        self.why().map(|why| format!("{why}: not tried; {FIX}"))
    }
}

/// The canary's files in the state directory (`certs/canary/`).
fn paths(store: &Store) -> (PathBuf, PathBuf) {
    let dir = store.path("certs").join(NAME);
    (
        dir.join(format!("{NAME}.crt")),
        dir.join(format!("{NAME}.key")),
    )
}

/// Refuse the canary's name or role anywhere but `cert canary`: a certificate under them
/// that is not revoked would be a canary that proves nothing, or a credential that a policy
/// meant for nobody.
pub fn check_not_reserved(name: &str, role: &str) -> Result<()> {
    let what = if name == NAME {
        format!("the name {NAME:?}")
    } else if role == ROLE {
        format!("the role {ROLE:?}")
    } else {
        return Ok(());
    };
    Err(Error::Usage(format!(
        "{what} is kept for the revoked canary, which only `secctl cert canary` issues (revoked at issuance)"
    )))
}

/// `record` as a canary at `now`, judged from the state alone (its revocation, its end,
/// its issuer): Ok(record) when it can serve, else the state that says why not.
fn judge(store: &Store, record: Record, now: OffsetDateTime) -> Result<Result<Record, State>> {
    let revoked = revocation::read_log(store)?
        .iter()
        .any(|r| r.serial.eq_ignore_ascii_case(&record.serial));
    if !revoked {
        return Ok(Err(State::NotRevoked(record)));
    }
    if record.not_after <= now {
        return Ok(Err(State::Expired(record)));
    }
    let issuing = ca::generations(store)?
        .into_iter()
        .find(|g| g.current)
        .map(|g| g.issuing.sha256_fingerprint);
    if issuing.as_deref() != Some(record.issuer_fingerprint.as_str()) {
        return Ok(Err(State::PreviousCa(record)));
    }
    Ok(Ok(record))
}

/// The state of the canary at `now` on this machine: the certificate in `certs/canary/`
/// (it may be an older canary than the state's latest, e.g. on etcd after `cert canary`
/// on another machine: it is judged by its own record), else the state's latest canary,
/// whose files are missing here.
pub fn state(store: &Store, now: OffsetDateTime) -> Result<State> {
    let Some(latest) = store.records_named(NAME)?.pop() else {
        return Ok(State::Missing);
    };
    let (cert, key) = paths(store);
    let on_disk = if cert.is_file() && key.is_file() {
        let (_, info) = crate::pki::inspect::read_cert_file_in(store.files(), &cert)?;
        store.record(&info.serial)?
    } else {
        None
    };
    Ok(match on_disk {
        None => match judge(store, latest, now)? {
            Ok(record) => State::FilesMissing(record),
            Err(state) => state,
        },
        Some(record) => match judge(store, record, now)? {
            Ok(record) => State::Ready { record, cert, key },
            Err(state) => state,
        },
    })
}

/// What `check` reports of the state's canary (its latest; its files are a matter of the
/// machine that probes): why `probe` could not use it, or that it ends within
/// `RENEW_WITHIN_DAYS`; None when it is current or there is none (nobody asked for one).
pub fn check(store: &Store, now: OffsetDateTime) -> Result<Option<String>> {
    let Some(latest) = store.records_named(NAME)?.pop() else {
        return Ok(None);
    };
    Ok(match judge(store, latest, now)? {
        Err(state) => state.why().map(|why| {
            format!("{why}: probe cannot tell whether servers enforce revocation; {FIX}")
        }),
        Ok(r) if r.not_after - now < Duration::days(RENEW_WITHIN_DAYS) => Some(format!(
            "canary (serial {}) expires {}: {FIX}",
            r.serial,
            r.not_after.date()
        )),
        Ok(_) => None,
    })
}

/// Whether a ready canary needs no new one: from the issuing CA, revoked, and valid for
/// at least `RENEW_WITHIN_DAYS` more.
pub fn is_current(state: &State, now: OffsetDateTime) -> bool {
    matches!(state, State::Ready { record, .. }
        if record.not_after - now >= Duration::days(RENEW_WITHIN_DAYS))
}

/// What `mint` made.
#[derive(Debug, Serialize)]
pub struct Minted {
    /// The canary's record (serial, validity, issuer).
    pub record: Record,
    /// Where its files are.
    pub files: Written,
    /// The CRL published with it (it lists the canary).
    pub crl: CrlReport,
    /// Set when the validity was cut to the issuing CA's.
    pub validity_capped: bool,
}

/// Issue a new canary from `issuing` into `certs/canary/`, revoke it, and publish the CRLs
/// (nextUpdate in `crl_days`). The caller holds the state lock and has unlocked the CA.
pub fn mint(
    store: &Store,
    cfg: &Config,
    issuing: &IssuingCa,
    passphrase: Option<&SecretString>,
    crl_days: u32,
) -> Result<Minted> {
    let spec = LeafSpec {
        name: NAME.into(),
        kind: CertKind::Client,
        role: ROLE.into(),
        hosts: Vec::new(),
        valid_for: Duration::days(VALIDITY_DAYS),
        key_type: cfg.key_type,
    };
    let out_dir = store.path("certs").join(NAME);
    let issued = issue::issue(cfg, issuing, &spec, &out_dir, None)?;
    // Revoked before it exists on disk (see the module's comment).
    revocation::append(
        store,
        &[Revocation {
            serial: issued.record.serial.clone(),
            reason: Reason::Unspecified,
            revoked_at: OffsetDateTime::now_utc(),
            issuer: Some(issued.record.issuer_fingerprint.as_str().into()),
        }],
    )?;
    let files = issue::write(store, issuing, &issued)?;
    let crl = revocation::publish(store, passphrase, crl_days, None)?;
    Ok(Minted {
        record: issued.record.clone(),
        files,
        crl,
        validity_capped: issued.capped,
    })
}

/// After `ca rotate`: a new canary from the new issuing CA when the state directory had
/// one; None when it had none (nobody asked for a canary).
pub fn rotate(
    store: &Store,
    cfg: &Config,
    passphrase: Option<&SecretString>,
) -> Result<Option<Minted>> {
    if store.records_named(NAME)?.is_empty() {
        return Ok(None);
    }
    let issuing = ca::load_issuing(store, passphrase)?;
    mint(store, cfg, &issuing, passphrase, ca::INITIAL_CRL_DAYS).map(Some)
}
