//! Private key files: PEM PKCS#8, or age-encrypted (passphrase "fuzz"); and every format
//! `ca import` reads (PKCS#1, SEC1, encrypted PKCS#8, DER).
#![no_main]
use libfuzzer_sys::fuzz_target;
use secctl::pki::{keyfmt, keys};

fuzz_target!(|data: &[u8]| {
    let pass = age::secrecy::SecretString::from("fuzz".to_string());
    let path = std::path::Path::new("fuzz.key");
    let _ = keys::parse_private_key(path, data, Some(&pass));
    let _ = keyfmt::read_any_private_key(path, data, &mut || Ok(pass.clone()));
});
