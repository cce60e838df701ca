//! Certificate signing requests (`cert sign`, apply's `csr:`): untrusted input from the
//! nodes. Parsing, signature checking, and the checks of what the CSR asks for.
#![no_main]
use libfuzzer_sys::fuzz_target;
use secctl::pki::csr;
use secctl::pki::issue::LeafSpec;
use secctl::pki::store::CertKind;

fuzz_target!(|data: &[u8]| {
    let Ok(c) = csr::parse("fuzz.csr", data) else {
        return;
    };
    for kind in [CertKind::Node, CertKind::Client] {
        let Ok(name) = c.name(None, kind) else {
            continue;
        };
        let hosts = match kind {
            CertKind::Node => vec![secctl::pki::names::parse_host("node.fuzz.example").unwrap()],
            CertKind::Client => vec![],
        };
        let spec = LeafSpec {
            name,
            kind,
            role: "fuzz".into(),
            hosts,
            valid_for: time::Duration::days(1),
            key_type: c.key_type,
        };
        let _ = c.check_for("Fuzz", "fuzz.local", &spec);
    }
    let _ = c.public_key();
});
