//! `secctl verify`: a chain, a trust bundle and a CRL, all from outside. The input is
//! split at the first two 0xff 0x00 markers into leaf, bundle and CRL.
#![no_main]
use libfuzzer_sys::fuzz_target;
use secctl::verify::{verify, Request, Usage};

fuzz_target!(|data: &[u8]| {
    let mut parts: Vec<&[u8]> = Vec::new();
    let mut rest = data;
    while parts.len() < 2 {
        let Some(p) = rest.windows(2).position(|w| w == [0xff, 0x00]) else {
            break;
        };
        parts.push(&rest[..p]);
        rest = &rest[p + 2..];
    }
    parts.push(rest);
    let leaf = parts.first().copied().unwrap_or_default().to_vec();
    let bundle = parts.get(1).map(|b| vec![b.to_vec()]).unwrap_or_default();
    let crls = parts.get(2).map(|c| vec![c.to_vec()]).unwrap_or_default();
    let req = Request {
        cert_name: "leaf",
        chain: vec![leaf],
        bundle_name: "bundle",
        bundle,
        crl_name: if crls.is_empty() { None } else { Some("crl") },
        crls,
        host: secctl::pki::names::parse_host("node1.example").ok(),
        role: Some("praefect".into()),
        trust_domain: Some("secctl.local".into()),
        usage: Some(Usage::Server),
        at: time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000),
        untrusted: vec![],
        require_revocation: true,
    };
    let _ = verify(&req);
});
