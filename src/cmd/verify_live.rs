//! `secctl verify HOST:PORT`: the probe's observations of one server, then the offline
//! checks on the chain it presented. The given certificate counts as accepted only when the
//! server answered a request made with it (or, for a TLS service that does not speak HTTP,
//! admitted it at the TLS layer).

use std::sync::Arc;

use time::OffsetDateTime;

use crate::cli::VerifyArgs;
use crate::cmd::verify::{parse_time, print};
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::pki::names;
use crate::probe::{self, TargetReport};
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
    let at = match &a.at {
        Some(s) => parse_time(s)?,
        None => OffsetDateTime::now_utc(),
    };
    let with_cert = cfg.client.is_some();
    let rt = crate::cmd::runtime()?;
    let (report, chain) = rt.block_on(probe::probe_with_chain(Arc::new(cfg), t.clone()));
    let tls = row(&report, "tls");
    if chain.is_empty() {
        return Err(Error::input(
            &t,
            format!(
                "no TLS certificate from the server ({})",
                crate::term::escape(&tls.detail)
            ),
        ));
    }
    let chain: Vec<Vec<u8>> = chain.iter().map(|c| c.as_ref().to_vec()).collect();
    let bundle = verify::read_pem_or_der(&bundle_path, "CERTIFICATE", "certificate")?;
    let crls = match &crl_path {
        Some(p) => verify::read_pem_or_der(p, "X509 CRL", "CRL")?,
        None => vec![],
    };
    let untrusted = crate::cmd::verify::untrusted_certs(ctx, &a.untrusted)?;
    let name = t.to_string();
    let bundle_name = bundle_path.display().to_string();
    let crl_name = crl_path.as_ref().map(|p| p.display().to_string());
    let mut report_v = verify::verify(&Request {
        cert_name: &name,
        chain,
        bundle_name: &bundle_name,
        bundle,
        crl_name: crl_name.as_deref(),
        crls,
        host,
        role: a.role.clone(),
        usage: Some(verify::Usage::Server),
        at,
        untrusted,
        require_revocation: !a.no_revocation,
    })?;
    report_v.checks.insert(
        0,
        verify::Check {
            check: "tls",
            ok: tls.served,
            detail: tls.detail.clone(),
        },
    );
    if with_cert {
        let (ok, detail) = given_verdict(&report);
        report_v.checks.push(verify::Check {
            check: "client-cert",
            ok,
            detail,
        });
    }
    report_v.ok = report_v.checks.iter().all(|c| c.ok);
    print(ctx, &name, &report_v)
}

fn row<'a>(r: &'a TargetReport, name: &str) -> &'a probe::Transport {
    r.transports
        .iter()
        .find(|t| t.transport == name)
        .expect("the probe reports every transport")
}

/// Whether the given certificate was accepted, from the probe's rows: refused or not
/// checked anywhere fails; accepted needs an application answer over a TLS transport, or
/// the TLS layer's admission when no TLS transport speaks HTTP or gRPC.
pub fn given_verdict(r: &TargetReport) -> (bool, String) {
    let tls = row(r, "tls");
    // A certificate was asked for when any row's policy is not `none` (the tls row's is
    // `optional` or `required` exactly when the handshake carried a CertificateRequest).
    let requested = tls.client_auth != "none"
        || crate::probe::classify::TLS_APPS
            .iter()
            .any(|n| row(r, n).client_auth != "none");
    let apps: Vec<&probe::Transport> = crate::probe::classify::TLS_APPS
        .iter()
        .map(|n| row(r, n))
        .filter(|t| t.given_cert.is_some())
        .collect();
    // Refused anywhere (the TLS layer included) fails first, then a transport where it
    // could not be tried.
    let rows: Vec<&probe::Transport> = std::iter::once(tls).chain(apps.iter().copied()).collect();
    for (prefix, among) in [("refused", &rows[..]), ("not checked", &rows[1..])] {
        if let Some((t, g)) = among.iter().find_map(|t| {
            t.given_cert
                .as_deref()
                .filter(|g| g.starts_with(prefix))
                .map(|g| (t, g))
        }) {
            return (false, format!("{g} ({})", t.transport));
        }
    }
    if !requested {
        return (
            false,
            "the server did not ask for a client certificate".to_string(),
        );
    }
    if let Some(t) = apps
        .iter()
        .find(|t| t.served && t.given_cert.as_deref() == Some("accepted"))
    {
        return (true, format!("accepted: answered over {}", t.transport));
    }
    let any_app_served = crate::probe::classify::TLS_APPS
        .iter()
        .any(|n| row(r, n).served);
    match tls.given_cert.as_deref() {
        Some("accepted") if !any_app_served => (
            true,
            "accepted at the TLS layer (no protocol secctl speaks answered over TLS; the \
             server kept an idle connection open)"
                .to_string(),
        ),
        Some(g) => (
            false,
            format!("not checked: no answer with it ({g} at the TLS layer)"),
        ),
        None => (false, "not checked: no TLS session with it".to_string()),
    }
}
