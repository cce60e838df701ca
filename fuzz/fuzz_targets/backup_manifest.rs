//! Backup manifests: the decrypted plaintext of a backup (header line with the MAC, then
//! the JSON manifest) through the parsers `backup restore` runs, MAC check aside. Any input
//! must give a result or a one-line error, never a panic; a parsed manifest never plans a
//! path outside the target or a mode other than 0600, 0644 (files) and 0700 (directories).
#![no_main]
use libfuzzer_sys::fuzz_target;
use secctl::cmd::backup::{parse_manifest, split_sealed};

fuzz_target!(|data: &[u8]| {
    let body = match split_sealed(data) {
        Ok((_mac, body)) => body,
        Err(e) => {
            assert!(!e.contains('\n'));
            // Also feed the whole input as a manifest body.
            data
        }
    };
    match parse_manifest(body) {
        Ok((_, plan)) => {
            for (path, (mode, content)) in &plan {
                assert!(path.is_relative());
                assert!(path
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_))));
                match content {
                    None => assert_eq!(*mode, 0o700),
                    Some(_) => assert!(*mode == 0o600 || *mode == 0o644),
                }
            }
        }
        Err(e) => assert!(!e.contains('\n'), "multi-line error: {e:?}"),
    }
});
