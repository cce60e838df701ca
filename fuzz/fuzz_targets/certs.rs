//! PEM files of certificates, and certificates themselves (`cert show`, `verify`, `ca`).
#![no_main]
use libfuzzer_sys::fuzz_target;
use secctl::pki::{inspect, pemfile};

fuzz_target!(|data: &[u8]| {
    // As DER.
    let _ = inspect::CertInfo::from_der("fuzz", data);
    // As PEM text.
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = pemfile::parse(text);
        if let Ok(ders) = inspect::parse_pem_certs("fuzz", text) {
            for der in ders {
                let _ = inspect::CertInfo::from_der("fuzz", &der);
            }
        }
    }
});
