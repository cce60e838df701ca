//! Recipients files (`--recipients-file`): any text parses or is refused, never a panic; an
//! error never quotes a secret key line, never holds a control character, and duplicate
//! detection runs on whatever parsed.
#![no_main]
use libfuzzer_sys::fuzz_target;
use secctl::shares::custody;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match custody::parse_recipients("fuzz", text) {
        Ok(cs) => {
            assert!(!cs.is_empty());
            for c in &cs {
                assert!(c.label.len() <= 32, "{:?}", c.label);
                assert!(c.key.starts_with("age1") || c.key.starts_with("ssh-"));
            }
            let _ = custody::check_custodians(&cs);
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(!msg.to_ascii_uppercase().contains("AGE-SECRET-KEY-"), "{msg}");
            assert!(!msg.chars().any(char::is_control), "{msg:?}");
        }
    }
});
