//! `probe --record FILE` against `secctl serve`: the recorded observations classify to
//! exactly the rows the live probe reported, so a case met in the field becomes a case of
//! the table (tests/probe_cases/) by saving one file.

mod common;

use common::*;
use secctl::probe::case::Case;
use secctl::probe::{Summary, Transport};

#[test]
fn recorded_observations_classify_to_the_live_rows() {
    let env = serve_pki();
    let cert = env
        .pki()
        .join("certs/rails/rails.crt")
        .display()
        .to_string();
    let key = env
        .pki()
        .join("certs/rails/rails.key")
        .display()
        .to_string();
    for (k, mode) in [
        &["--name", "srv"][..],
        &["--name", "srv", "--client-auth", "required"][..],
    ]
    .into_iter()
    .enumerate()
    {
        let s = Serve::start(&env, mode);
        let file = env.path(&format!("case-{k}.json")).display().to_string();
        let (_, live) = probe_json(
            &env,
            &[
                &s.addr,
                "--timeout",
                "2",
                "--cert",
                &cert,
                "--key",
                &key,
                "--record",
                &file,
            ],
        );
        let text = std::fs::read_to_string(&file).unwrap();
        let case: Case = serde_json::from_str(&text).unwrap();
        assert_eq!(case.case, s.addr, "{mode:?}");
        assert!(
            case.mismatches().is_empty(),
            "{mode:?}: {:?}",
            case.mismatches()
        );
        let rows: Vec<Transport> = serde_json::from_value(live["transports"].clone()).unwrap();
        let summary: Summary = serde_json::from_value(live["summary"].clone()).unwrap();
        assert_eq!(case.transports, rows, "{mode:?}");
        assert_eq!(case.summary, summary, "{mode:?}");
        // What the file says is what was recorded, byte for byte, after a round trip.
        let again = serde_json::to_string_pretty(&case).unwrap() + "\n";
        assert_eq!(again, text);
    }
}

#[test]
fn record_takes_one_target() {
    let env = Env::new();
    let file = env.path("case.json").display().to_string();
    let r = env.run(&["probe", "127.0.0.1:1", "127.0.0.1:2", "--record", &file]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--record"), "{}", r.stderr);
    assert!(!std::path::Path::new(&file).exists());
}
