//! Private key files: PEM PKCS#8, or age-encrypted (passphrase "fuzz").
#![no_main]
use libfuzzer_sys::fuzz_target;
use secctl::pki::keys;

fuzz_target!(|data: &[u8]| {
    let pass = age::secrecy::SecretString::from("fuzz".to_string());
    let _ = keys::parse_private_key(std::path::Path::new("fuzz.key"), data, Some(&pass));
});
