//! Inventories (YAML from pipelines and people).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = secctl::inventory::parse(std::path::Path::new("fuzz.yaml"), text);
    let _ = secctl::probe::parse_target(text);
});
