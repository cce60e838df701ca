//! `secctl cert node|client|list|show`.

use std::path::Path;

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::cli::{CertCommand, IssueArgs, ListArgs};
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::output::{fmt_time, Tone};
use crate::pki::ca;
use crate::pki::inspect::{self, CertInfo};
use crate::pki::issue::{self, LeafSpec, Written};
use crate::pki::names;
use crate::pki::store::{CertKind, Record};

/// Dispatch `cert` subcommands.
pub fn run(ctx: &Ctx, cmd: CertCommand) -> Result<u8> {
    match cmd {
        CertCommand::Node(a) => {
            let hosts = a
                .hosts
                .iter()
                .map(|h| names::parse_host(h))
                .collect::<Result<Vec<_>>>()?;
            issue_cmd(ctx, CertKind::Node, a.name, a.role, hosts, a.issue)
        }
        CertCommand::Client(a) => issue_cmd(ctx, CertKind::Client, a.name, a.role, vec![], a.issue),
        CertCommand::List(a) => list(ctx, &a),
        CertCommand::Show { target } => show(ctx, &target),
    }
}

/// Status of a certificate at a time.
pub fn status(
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    now: OffsetDateTime,
    within_days: u32,
) -> &'static str {
    if now > not_after {
        "expired"
    } else if now < not_before {
        "not-yet-valid"
    } else if not_after - now < Duration::days(i64::from(within_days)) {
        "expiring"
    } else {
        "valid"
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
}

fn issue_cmd(
    ctx: &Ctx,
    kind: CertKind,
    name: String,
    role: String,
    hosts: Vec<names::Host>,
    a: IssueArgs,
) -> Result<u8> {
    let store = &ctx.store;
    let cfg = store.config()?;
    let spec = LeafSpec {
        name,
        kind,
        role,
        hosts,
        days: a.days,
        key_type: a.key_type.unwrap_or(cfg.key_type),
    };
    spec.validate()?;
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
        if let Some(r) = store
            .records()?
            .into_iter()
            .rfind(|r| r.name == spec.name && r.not_after > now)
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
    let passphrase = if cfg.encrypted {
        Some(ctx.passphrase(false)?)
    } else {
        None
    };
    let _lock = store.lock()?;
    check_existing()?;
    let issuing = ca::load_issuing(store, &cfg, passphrase.as_ref())?;
    drop(passphrase);
    let issued = issue::issue(&cfg, &issuing, &spec, &out_dir)?;
    let files = issue::write(store, &issuing, &issued)?;
    let p = &ctx.printer;
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
        })?;
    } else {
        p.line(&format!(
            "issued {} certificate {:?} (role {}), serial {}, valid until {}",
            r.kind.as_str(),
            r.name,
            r.role,
            r.serial,
            r.not_after.date()
        ))?;
        p.kv(&[
            ("identity", r.spiffe_id.clone()),
            ("key", files.key.display().to_string()),
            ("cert", files.cert.display().to_string()),
            ("ca", files.ca.display().to_string()),
        ])?;
    }
    Ok(0)
}

#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(flatten)]
    record: &'a Record,
    status: &'static str,
}

fn list(ctx: &Ctx, a: &ListArgs) -> Result<u8> {
    let store = &ctx.store;
    store.config()?;
    let recs = store.records()?;
    let now = OffsetDateTime::now_utc();
    let items: Vec<ListItem> = recs
        .iter()
        .map(|r| ListItem {
            record: r,
            status: status(r.not_before, r.not_after, now, a.expiring_within),
        })
        .collect();
    let p = &ctx.printer;
    if p.is_json() {
        return p.json(&items).map(|_| 0);
    }
    if items.is_empty() {
        p.note("no certificates issued yet");
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            vec![
                i.record.name.clone(),
                i.record.kind.as_str().to_string(),
                i.record.role.clone(),
                i.record.serial.clone(),
                i.record.not_after.date().to_string(),
                p.paint(i.status, tone(i.status)),
            ]
        })
        .collect();
    p.table(
        &["NAME", "KIND", "ROLE", "SERIAL", "NOT AFTER", "STATUS"],
        &rows,
    )?;
    Ok(0)
}

#[derive(Serialize)]
struct ShowReport {
    record: Option<Record>,
    certificate: CertInfo,
    status: &'static str,
}

/// Find a record by serial (full or a unique prefix of 8+ hex digits) or by name (latest).
fn find_record(ctx: &Ctx, target: &str) -> Result<Option<Record>> {
    let recs = ctx.store.records()?;
    let t = target.to_ascii_lowercase().replace(':', "");
    if t.len() >= 8 && t.chars().all(|c| c.is_ascii_hexdigit()) {
        let hits: Vec<&Record> = recs.iter().filter(|r| r.serial.starts_with(&t)).collect();
        match hits.len() {
            0 => {}
            1 => return Ok(Some(hits[0].clone())),
            n => {
                return Err(Error::input(
                    target,
                    format!("serial prefix matches {n} certificates; give more digits"),
                ))
            }
        }
    }
    Ok(recs.into_iter().rfind(|r| r.name == target))
}

fn show(ctx: &Ctx, target: &str) -> Result<u8> {
    let path = Path::new(target);
    let (record, info) = if path.exists() {
        let (_, info) = inspect::read_cert_file(path)?;
        let rec = if ctx.store.is_initialized() {
            ctx.store
                .records()?
                .into_iter()
                .find(|r| r.serial == info.serial)
        } else {
            None
        };
        (rec, info)
    } else {
        ctx.store.config()?;
        match find_record(ctx, target)? {
            Some(r) => {
                let info = issue::record_info(&ctx.store, &r)?;
                (Some(r), info)
            }
            None => {
                return Err(Error::input(
                    target,
                    format!(
                        "no such certificate name, serial or file in {}",
                        ctx.store.root().display()
                    ),
                ))
            }
        }
    };
    let st = status(
        info.not_before,
        info.not_after,
        OffsetDateTime::now_utc(),
        30,
    );
    let p = &ctx.printer;
    let rep = ShowReport {
        record,
        certificate: info,
        status: st,
    };
    if p.is_json() {
        return p.json(&rep).map(|_| 0);
    }
    let c = &rep.certificate;
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    let mut sans: Vec<String> = c.dns_names.clone();
    sans.extend(c.ip_addresses.iter().cloned());
    p.kv(&[
        ("name", opt(&c.common_name)),
        ("role", opt(&c.role)),
        ("cluster", opt(&c.organization)),
        ("spiffe id", opt(&c.spiffe_id)),
        ("subject", c.subject.clone()),
        ("issuer", c.issuer.clone()),
        ("serial", c.serial.clone()),
        (
            "hosts",
            if sans.is_empty() {
                "-".into()
            } else {
                sans.join(", ")
            },
        ),
        ("usage", c.extended_key_usage.join(", ")),
        ("key type", c.key_type.clone()),
        ("not before", fmt_time(c.not_before)),
        ("not after", fmt_time(c.not_after)),
        ("status", p.paint(st, tone(st))),
        ("sha256", c.sha256_fingerprint.clone()),
    ])?;
    Ok(0)
}
