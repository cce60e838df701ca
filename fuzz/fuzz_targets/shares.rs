//! Share files: the armor, then combining what decodes (up to four shares, split at
//! blank-line-separated armors in one input).
#![no_main]
use libfuzzer_sys::fuzz_target;
use secctl::shares::{combine, format};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut shares = Vec::new();
    for (i, part) in text.split("\n\n").take(4).enumerate() {
        if let Ok(s) = format::decode(part) {
            // Re-encoding what decoded must decode to the same share.
            let again = format::decode(&format::encode(&s)).expect("re-encoded share decodes");
            assert_eq!(again.index, s.index);
            shares.push((format!("share{i}"), s));
        }
    }
    let _ = combine(&shares);
});
