//! `secctl verify FILE`: offline verification, every check named.

use time::OffsetDateTime;

use crate::cli::VerifyArgs;
use crate::cmd::verify_report::{parse_time, print, untrusted_certs};
use crate::cmd::Ctx;
use crate::error::Result;
use crate::pki::names;
use crate::verify::{self, Request};

/// Run `verify`.
pub fn run(ctx: &Ctx, a: VerifyArgs) -> Result<u8> {
    let target = std::path::Path::new(&a.target);
    if !target.exists() && looks_like_endpoint(&a.target) {
        return super::verify_live::run(ctx, &a);
    }
    let at = match &a.at {
        Some(s) => parse_time(s)?,
        None => OffsetDateTime::now_utc(),
    };
    let host = a.host.as_deref().map(names::parse_host).transpose()?;
    if let Some(r) = &a.role {
        names::check_role(r)?;
    }
    let trust_domain =
        ctx.trust_domain(a.trust_domain.as_ref(), a.role.as_ref().map(|_| "--role"))?;
    let trust = ctx.trust(a.live.ca.as_ref(), a.crl.as_ref());
    let bundle_path = trust.require_bundle(ctx)?;
    let crl_path = trust.crl;
    let files = ctx.store.files();
    let chain = verify::read_chain(files, target)?;
    let bundle = verify::read_pem_or_der(files, &bundle_path, "CERTIFICATE", "certificate")?;
    let crls = match &crl_path {
        Some(p) => verify::read_pem_or_der(files, p, "X509 CRL", "CRL")?,
        None => vec![],
    };
    let untrusted = untrusted_certs(ctx, &a.untrusted)?;
    let cert_name = target.display().to_string();
    let bundle_name = bundle_path.display().to_string();
    let crl_name = crl_path.as_ref().map(|p| p.display().to_string());
    let report = verify::verify(&Request {
        cert_name: &cert_name,
        chain,
        bundle_name: &bundle_name,
        bundle,
        crl_name: crl_name.as_deref(),
        crls,
        host,
        role: a.role.clone(),
        trust_domain,
        usage: a.usage,
        at,
        untrusted,
        require_revocation: !a.no_revocation,
    })?;
    print(ctx, &cert_name, &report)
}

fn looks_like_endpoint(s: &str) -> bool {
    s.rsplit_once(':')
        .is_some_and(|(h, p)| !h.is_empty() && !h.contains('/') && p.parse::<u16>().is_ok())
}
