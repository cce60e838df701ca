//! `secctl verify HOST:PORT`: a live handshake, then the offline checks on the presented chain.

use time::OffsetDateTime;

use crate::cli::VerifyArgs;
use crate::cmd::verify::{parse_time, print};
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::pki::names;
use crate::verify::{self, Request};

/// `verify HOST:PORT`: a live handshake, then the offline checks on the presented chain.
pub fn run(ctx: &Ctx, a: &VerifyArgs) -> Result<u8> {
    use crate::probe::{self, exchange_outcome_is_refusal};
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
    let (hs, accepted) = rt.block_on(async {
        let (res, hs) = probe::tls_connect(&cfg, &t, &[b"h2", b"http/1.1"], with_cert).await;
        let accepted = match res {
            Ok(stream) => {
                Ok(probe::first_answer(stream, &t, hs.alpn.as_deref(), cfg.timeout).await)
            }
            Err(o) => Err(o),
        };
        (hs, accepted)
    });
    if hs.server.chain.is_empty() {
        let why = match &accepted {
            Err(o) => o.to_string(),
            Ok(o) => o.to_string(),
        };
        return Err(Error::input(
            &t,
            format!("no TLS certificate from the server ({why})"),
        ));
    }
    let chain: Vec<Vec<u8>> = hs
        .server
        .chain
        .iter()
        .map(|c| c.as_ref().to_vec())
        .collect();
    let bundle = verify::read_pem_or_der(&bundle_path, "CERTIFICATE", "certificate")?;
    let crls = match &crl_path {
        Some(p) => verify::read_pem_or_der(p, "X509 CRL", "CRL")?,
        None => vec![],
    };
    let name = t.to_string();
    let bundle_name = bundle_path.display().to_string();
    let crl_name = crl_path.as_ref().map(|p| p.display().to_string());
    let mut report = verify::verify(&Request {
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
        untrusted: vec![],
        require_revocation: false,
    })?;
    report.checks.insert(
        0,
        verify::Check {
            check: "tls",
            ok: accepted.is_ok(),
            detail: match &accepted {
                Ok(_) => format!(
                    "{} {} alpn={}",
                    hs.version,
                    hs.cipher,
                    hs.alpn.as_deref().unwrap_or("none")
                ),
                Err(o) => format!("handshake failed: {o}"),
            },
        },
    );
    if with_cert {
        let (ok, detail) = match &accepted {
            _ if !hs.cert_requested => (
                false,
                "the server did not ask for a client certificate".to_string(),
            ),
            Ok(o) if exchange_outcome_is_refusal(o) => (false, format!("refused: {o}")),
            Ok(o) => (true, format!("accepted ({o})")),
            Err(o) => (false, format!("refused: {o}")),
        };
        report.checks.push(verify::Check {
            check: "client-cert",
            ok,
            detail,
        });
    }
    report.ok = report.checks.iter().all(|c| c.ok);
    print(ctx, &name, &report)
}
