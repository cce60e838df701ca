//! `secctl verify HOST:PORT`: the probe's observations of one server, then the offline
//! checks on the chain it presented. The given certificate counts as accepted only when the
//! server answered a request made with it (or, for a TLS service that does not speak HTTP,
//! admitted it at the TLS layer).

use std::sync::Arc;

use time::OffsetDateTime;

use crate::cli::{Protocol, VerifyArgs};
use crate::cmd::verify_report::{parse_time, print, untrusted_certs};
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::pki::names;
use crate::probe::report::{protocol_rows, ProtocolRows, TLS_ONLY};
use crate::probe::verify::{detect, given_verdict, protocol_check, Chosen, GivenVerdict};
use crate::probe::{self, Row, TargetReport};
use crate::verify::{self, Request};

/// Run `verify HOST:PORT`.
pub fn run(ctx: &Ctx, a: &VerifyArgs) -> Result<u8> {
    let t = probe::parse_target(&a.target)?;
    let cfg = crate::cmd::probe::config(ctx, &a.live)?;
    let trust = ctx.trust(a.live.ca.as_ref(), a.crl.as_ref());
    let bundle_path = trust.require_bundle(ctx)?;
    let crl_path = trust.crl;
    let host = match &a.host {
        Some(h) => Some(names::parse_host(h)?),
        None => names::parse_host(a.live.servername.as_deref().unwrap_or(&t.host)).ok(),
    };
    if let Some(r) = &a.role {
        names::check_role(r)?;
    }
    let trust_domain =
        ctx.trust_domain(a.trust_domain.as_ref(), a.role.as_ref().map(|_| "--role"))?;
    let at = match &a.at {
        Some(s) => parse_time(s)?,
        None => OffsetDateTime::now_utc(),
    };
    let with_cert = cfg.client.is_some();
    // One target: a single-threaded runtime, as `probe` uses for one (no cross-thread
    // wake-ups on the critical path, no worker threads to start).
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("starting the async runtime", e))?;
    let (report, chain) = rt.block_on(probe::probe_with_chain(Arc::new(cfg), t.clone()));
    // The protocol checked: the one asked for, or (auto) the one the port answered over
    // TLS; plain TLS when none answered.
    let (proto, chosen) = match a.protocol {
        Protocol::Auto => (detect(&report.transports), Chosen::Detected),
        asked => (rows(asked), Chosen::Asked),
    };
    let tls = row(&report, proto.handshake);
    if chain.is_empty() {
        // A port that answered something else (plaintext HTTP, Redis, ...) failed the
        // check; one that answered nothing at all is a target that cannot be checked.
        if report.transports.iter().any(|t| t.served) {
            return no_tls(ctx, &t.to_string(), &report, at);
        }
        return Err(Error::input(
            &t,
            format!(
                "no TLS certificate from the server ({})",
                crate::term::escape(&row(&report, Row::Tls).detail)
            ),
        ));
    }
    let chain: Vec<Vec<u8>> = chain.iter().map(|c| c.as_ref().to_vec()).collect();
    let files = ctx.store.files();
    let bundle = verify::read_pem_or_der(files, &bundle_path, "CERTIFICATE", "certificate")?;
    let crls = match &crl_path {
        Some(p) => verify::read_pem_or_der(files, p, "X509 CRL", "CRL")?,
        None => vec![],
    };
    let untrusted = untrusted_certs(ctx, &a.untrusted)?;
    let name = t.to_string();
    let bundle_name = bundle_path.display().to_string();
    let crl_name = crl_path.as_ref().map(|p| p.display().to_string());
    let mut report_v = verify::verify(&Request {
        cert_name: &name,
        chain,
        bundle_name: &bundle_name,
        bundle: bundle.clone(),
        crl_name: crl_name.as_deref(),
        crls: crls.clone(),
        host,
        role: a.role.clone(),
        trust_domain,
        usage: Some(verify::Usage::Server),
        at,
        untrusted,
        require_revocation: !a.no_revocation,
    })?;
    report_v.checks.insert(
        0,
        verify::Check {
            check: "tls",
            ok: tls.tls_seen(),
            detail: format!("{} ({})", tls.detail, tls.transport),
        },
    );
    if let Some((ok, detail)) = protocol_check(&report.transports, proto, chosen) {
        report_v.checks.insert(
            1,
            verify::Check {
                check: "protocol",
                ok,
                detail,
            },
        );
    }
    if with_cert {
        let v = given_verdict(&report.transports, proto).unwrap_or(GivenVerdict::NoSession);
        let revoked = match (&a.live.cert, crls.is_empty()) {
            (Some(c), false) => {
                client_revocation(files, c, &bundle_name, &crl_name, &bundle, &crls, at)
            }
            _ => None,
        };
        report_v.checks.push(client_check(&v, revoked.as_deref()));
    }
    report_v.ok = report_v.checks.iter().all(|c| c.ok);
    print(ctx, &name, &report_v)
}

/// The `client-cert` check. A certificate the CRL lists fails it either way: admitted, the
/// server does not enforce revocation (the finding); refused, it does, and the certificate
/// is no use to its holder.
fn client_check(v: &GivenVerdict, revoked: Option<&str>) -> verify::Check {
    let detail = match revoked {
        None => return verify::Check::new("client-cert", v.ok(), v.detail()),
        Some(why) if v.ok() => format!(
            "REVOKED certificate admitted ({}): the CRL lists it ({why}); the server does not \
             enforce revocation",
            v.detail()
        ),
        Some(why) => match v {
            GivenVerdict::Failed { given, .. } if given.is_refused() => format!(
                "{}: the CRL lists it ({why}); the server enforces revocation",
                v.detail()
            ),
            _ => format!("{} (the CRL lists it: {why})", v.detail()),
        },
    };
    verify::Check::new("client-cert", false, detail)
}

/// Whether the CRLs list the given client certificate (or a CA above it): what the
/// revocation check said, when it is `revoked`; None when not revoked or not established.
fn client_revocation(
    files: &crate::pki::fsio::StateDir,
    cert: &std::path::Path,
    bundle_name: &str,
    crl_name: &Option<String>,
    bundle: &[Vec<u8>],
    crls: &[Vec<u8>],
    at: OffsetDateTime,
) -> Option<String> {
    let chain = verify::read_pem_or_der(files, cert, "CERTIFICATE", "certificate").ok()?;
    let cert_name = cert.display().to_string();
    let r = verify::verify(&Request {
        cert_name: &cert_name,
        chain,
        bundle_name,
        bundle: bundle.to_vec(),
        crl_name: crl_name.as_deref(),
        crls: crls.to_vec(),
        host: None,
        role: None,
        trust_domain: None,
        usage: Some(verify::Usage::Client),
        at,
        untrusted: vec![],
        require_revocation: true,
    })
    .ok()?;
    (r.revocation.status == verify::RevocationStatus::Revoked).then_some(r.revocation.detail)
}

/// `verify HOST:PORT` on a port that answers, but not over TLS: the `tls` check fails,
/// naming what the port served instead; exit 1 with the table (JSON: `certificate` null).
fn no_tls(ctx: &Ctx, name: &str, report: &TargetReport, at: OffsetDateTime) -> Result<u8> {
    let served: Vec<String> = report
        .transports
        .iter()
        .filter(|t| t.served)
        .map(|t| format!("{} ({})", t.transport, t.detail))
        .collect();
    let tls = row(report, Row::Tls);
    let checks = vec![verify::Check::new(
        "tls",
        false,
        format!(
            "no TLS: {}; the port answered in plaintext: {}",
            tls.detail,
            served.join("; ")
        ),
    )];
    let p = &ctx.printer;
    if p.is_json() {
        p.json(&serde_json::json!({
            "input": name,
            "certificate": null,
            "at": crate::ground::timefmt::fmt_time(at),
            "checks": checks,
            "revocation": {
                "status": "not checked",
                "ok": false,
                "detail": "no certificate: the port does not speak TLS",
                "revoked_at": null,
                "reason": null,
                "depth": null,
            },
            "findings": [],
            "warnings": [],
            "ok": false,
        }))?;
    } else {
        p.line(&format!(
            "{}: no TLS certificate",
            crate::term::escape(name)
        ))?;
        let rows = vec![vec![
            "tls".to_string(),
            p.paint("FAILED", crate::output::Tone::Bad),
            crate::term::cell(&checks[0].detail),
        ]];
        p.table(&["CHECK", "RESULT", "DETAIL"], &rows)?;
        p.line("NOT verified: tls failed")?;
    }
    Ok(crate::error::EXIT_CHECK_FAILED)
}

fn row(r: &TargetReport, name: Row) -> &probe::Transport {
    r.transports
        .iter()
        .find(|t| t.transport == name)
        .expect("the probe reports every transport")
}

/// The rows of a protocol named by `--protocol` (plain TLS for `tls`).
fn rows(p: Protocol) -> ProtocolRows {
    let key = match p {
        Protocol::Http => "http",
        Protocol::Grpc => "grpc",
        Protocol::Postgres => "postgres",
        Protocol::Redis => "redis",
        Protocol::Mqtt => "mqtt",
        Protocol::Ws => "ws",
        Protocol::Nats => "nats",
        Protocol::Tls | Protocol::Auto => "tls",
    };
    protocol_rows(key).unwrap_or(TLS_ONLY)
}
