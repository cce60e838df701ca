//! `secctl cert canary`: issue the revoked canary that `probe` tries as a fourth identity.

use serde::Serialize;
use time::OffsetDateTime;

use crate::cli::CanaryArgs;
use crate::cmd::Ctx;
use crate::error::Result;
use crate::output::fmt_time;
use crate::pki::ca;
use crate::pki::canary::{self, Minted, State};
use crate::pki::store::Record;

/// `cert canary -o json` when the current canary was kept.
#[derive(Serialize)]
struct Kept<'a> {
    issued: bool,
    record: &'a Record,
}

/// `cert canary -o json` when a canary was issued.
#[derive(Serialize)]
struct Issued<'a> {
    issued: bool,
    #[serde(flatten)]
    minted: &'a Minted,
    /// The canary it replaces (serial), if there was one.
    replaces: Option<&'a str>,
}

/// `secctl cert canary [--force] [--crl-days N]`.
pub fn run(ctx: &Ctx, a: &CanaryArgs) -> Result<u8> {
    let store = &ctx.store;
    let cfg = store.config()?;
    let now = OffsetDateTime::now_utc();
    let before = canary::state(store, now)?;
    if !a.force && canary::is_current(&before, now) {
        return kept(ctx, &before);
    }
    let mut passphrase = ctx.ca_passphrase(&cfg)?;
    let _lock = store.lock()?;
    let issuing = ctx.with_ca_key(&mut passphrase, |p| ca::load_issuing(store, p))?;
    let minted = canary::mint(store, &cfg, &issuing, passphrase.as_ref(), a.crl_days)?;
    drop(passphrase);
    let replaces = match &before {
        State::Missing => None,
        State::NotRevoked(r)
        | State::Expired(r)
        | State::PreviousCa(r)
        | State::FilesMissing(r)
        | State::Ready { record: r, .. } => Some(r.serial.as_str()),
    };
    let p = &ctx.printer;
    if p.is_json() {
        p.json(&Issued {
            issued: true,
            minted: &minted,
            replaces,
        })?;
        return Ok(0);
    }
    if let State::NotRevoked(r) = &before {
        p.note(&format!(
            "the previous canary (serial {}) was never revoked: `secctl revoke {}` if it is still anywhere",
            r.serial, r.serial
        ));
    }
    if minted.validity_capped {
        p.note("validity cut to the issuing CA's end of validity");
    }
    let r = &minted.record;
    p.line(&format!(
        "issued the revoked canary, serial {}, valid until {}; CRL number {} lists it",
        r.serial,
        fmt_time(r.not_after),
        minted.crl.number
    ))?;
    p.kv(&[
        ("cert", minted.files.cert.display().to_string()),
        (
            "key",
            minted
                .files
                .key
                .as_ref()
                .map(|k| k.display().to_string())
                .unwrap_or_default(),
        ),
        ("crl", minted.crl.path.display().to_string()),
        (
            "next",
            "deliver crl.pem to the servers (`secctl apply`), then `secctl probe` tries the canary"
                .into(),
        ),
    ])?;
    Ok(0)
}

/// The current canary is kept (no --force).
fn kept(ctx: &Ctx, state: &State) -> Result<u8> {
    let State::Ready { record, cert, .. } = state else {
        return Err(crate::error::Error::internal(
            "kept a canary that is not ready",
        ));
    };
    let p = &ctx.printer;
    if p.is_json() {
        p.json(&Kept {
            issued: false,
            record,
        })?;
        return Ok(0);
    }
    p.line(&format!(
        "the revoked canary is current (serial {}, valid until {}, {}): nothing to do; --force issues another",
        record.serial,
        fmt_time(record.not_after),
        cert.display()
    ))?;
    Ok(0)
}
