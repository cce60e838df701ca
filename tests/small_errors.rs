//! Issue #17 (output share): the small errors a new user meets in the first hour, the text
//! output (times, table width, probe summary), and what JSON scripts read. The error cases
//! themselves (exit 2, the one stderr line naming the input, nothing changed) are case files
//! under `tests/cmd/` (`tests/cli_cases.rs`); what stays here needs code: JSON, files on
//! disk, widths, a held lock.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{bin, snapshot, Env};

fn ca(env: &Env) {
    env.run(&["ca", "init", "--name", "acme"]).ok();
}

/// RFC 3339 with whole seconds in UTC: `2026-12-24T18:55:42Z`.
fn is_seconds_time(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'Z'
        && s.chars()
            .enumerate()
            .all(|(i, c)| [4, 7, 10, 13, 16, 19].contains(&i) || c.is_ascii_digit())
}

/// Every string in `v` that looks like a time (starts with a 4-digit year and a `-`, has a
/// `T`) is RFC 3339 with whole seconds.
fn assert_times_in_seconds(v: &serde_json::Value) {
    match v {
        serde_json::Value::String(s) => {
            let b = s.as_bytes();
            if s.len() >= 19
                && b[..4].iter().all(u8::is_ascii_digit)
                && b[4] == b'-'
                && b[10] == b'T'
            {
                assert!(is_seconds_time(s), "not a whole-second UTC time: {s}");
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(assert_times_in_seconds),
        serde_json::Value::Object(o) => o.values().for_each(assert_times_in_seconds),
        _ => {}
    }
}

/// A short prefix is refused (`tests/cmd/cert-show-short-serial.toml`); a full one still
/// resolves, and a name is still a name.
#[test]
fn an_eight_digit_serial_prefix_resolves() {
    let env = Env::new();
    ca(&env);
    env.run(&["cert", "client", "c1", "--role", "app"]).ok();
    let before = snapshot(&env.pki());
    let serial = env.run(&["-o", "json", "cert", "show", "c1"]).ok().json()["record"]["serial"]
        .as_str()
        .unwrap()
        .to_string();
    let r = env.run(&["-o", "json", "cert", "show", &serial[..8]]).ok();
    assert_eq!(r.json()["record"]["name"], "c1");
    assert_eq!(snapshot(&env.pki()), before);
}

/// `revoke --reason certificateHold` is refused (`tests/cmd/revoke-certificate-hold.toml`)
/// and not offered in the help; a hold in an older log still reads.
#[test]
fn certificate_hold_is_not_offered_but_old_holds_are_still_read() {
    let env = Env::new();
    ca(&env);
    env.run(&["cert", "client", "c1", "--role", "app"]).ok();
    let help = env.run(&["revoke", "--help"]).ok().stdout;
    assert!(!help.contains("certificateHold"), "{help}");
    // A log written by an older version, with a hold, still reads.
    let serial = env.run(&["-o", "json", "cert", "show", "c1"]).ok().json()["record"]["serial"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(
        env.pki().join("revocations.log"),
        format!("{serial} certificateHold 1790000000\n"),
    )
    .unwrap();
    let v = env.run(&["-o", "json", "cert", "list"]).ok().json();
    assert_eq!(v[0]["status"], "revoked");
    assert_eq!(v[0]["revocation"]["reason"], "certificateHold");
    assert_eq!(v[0]["revocation"]["revoked_at"], "2026-09-21T14:13:20Z");
}

#[test]
fn revoked_records_carry_their_revocation_time_and_reason() {
    let env = Env::new();
    ca(&env);
    env.run(&["cert", "client", "c1", "--role", "app"]).ok();
    env.run(&["cert", "client", "c2", "--role", "app"]).ok();
    env.run(&["revoke", "c1", "--yes", "--reason", "keyCompromise"])
        .ok();
    let list = env.run(&["-o", "json", "cert", "list"]).ok().json();
    let by = |n: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == n)
            .unwrap()
            .clone()
    };
    let c1 = by("c1");
    assert_eq!(c1["status"], "revoked");
    assert_eq!(c1["revocation"]["reason"], "keyCompromise");
    assert!(is_seconds_time(
        c1["revocation"]["revoked_at"].as_str().unwrap()
    ));
    assert!(by("c2")["revocation"].is_null());
    let show = env.run(&["-o", "json", "cert", "show", "c1"]).ok().json();
    assert_eq!(show["revocation"], c1["revocation"]);
    let text = env.run(&["cert", "show", "c1"]).ok().stdout;
    assert!(
        text.lines()
            .any(|l| l.starts_with("revoked") && l.contains("keyCompromise")),
        "{text}"
    );
}

#[test]
fn times_have_whole_seconds_everywhere() {
    let env = Env::new();
    let init = env
        .run(&[
            "-o",
            "json",
            "ca",
            "init",
            "--name",
            "acme",
            "--intermediate",
        ])
        .ok()
        .json();
    // One name for the key's encryption, in `ca init` as in `ca show`.
    assert_eq!(init["key_encrypted"], false);
    assert!(init.get("encrypted").is_none(), "{init}");
    let show = env.run(&["-o", "json", "ca", "show"]).ok().json();
    assert_eq!(show["key_encrypted"], false);
    let issued = env
        .run(&["-o", "json", "cert", "client", "c1", "--role", "app"])
        .ok()
        .json();
    assert_times_in_seconds(&init);
    assert_times_in_seconds(&show);
    assert_times_in_seconds(&issued);
    assert_times_in_seconds(&env.run(&["-o", "json", "cert", "list"]).ok().json());
    let shown = env.run(&["-o", "json", "cert", "show", "c1"]).ok().json();
    assert_times_in_seconds(&shown);
    // The record says what the certificate says.
    assert_eq!(
        shown["record"]["not_before"],
        shown["certificate"]["not_before"]
    );
    assert_eq!(
        shown["record"]["not_after"],
        shown["certificate"]["not_after"]
    );
    // The record on disk too.
    let rec = std::fs::read_dir(env.pki().join("issued"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .unwrap();
    assert_times_in_seconds(&serde_json::from_slice(&std::fs::read(rec).unwrap()).unwrap());
    // Text: no fractional seconds.
    let text = env.run(&["cert", "show", "c1"]).ok().stdout;
    for l in text.lines().filter(|l| l.starts_with("not ")) {
        let t = l.split_whitespace().last().unwrap();
        assert!(is_seconds_time(t), "{l}");
    }
}

/// `20261224T185542Z`, optionally `-N`.
fn is_stamp(name: &str) -> bool {
    let s = name.split('-').next().unwrap();
    let b = s.as_bytes();
    s.len() == 16
        && b[8] == b'T'
        && b[15] == b'Z'
        && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit)
}

#[test]
fn attic_previous_and_backup_names_are_readable_utc_times() {
    let env = Env::new();
    ca(&env);
    env.run(&["ca", "rotate", "--yes"]).ok();
    env.run(&["ca", "rotate", "--yes"]).ok();
    let prev: Vec<String> = std::fs::read_dir(env.pki().join("ca/previous"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(prev.len(), 2, "{prev:?}");
    assert!(prev.iter().all(|n| is_stamp(n)), "{prev:?}");
    // Two rotations in one second get distinct names; the newest generation is current.
    let gens = env.run(&["-o", "json", "ca", "show"]).ok().json();
    assert_times_in_seconds(&gens);
    env.run(&["ca", "init", "--name", "acme", "--force", "--yes"])
        .ok();
    let attic: Vec<String> = std::fs::read_dir(env.pki().join("attic"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(attic.len(), 1);
    assert!(is_stamp(&attic[0]), "{attic:?}");
}

#[test]
fn tables_fit_80_columns_without_cutting_words_by_the_terminal() {
    let env = Env::new();
    ca(&env);
    let long = "a-rather-long-node-name-for-a-narrow-terminal";
    env.run(&[
        "cert",
        "node",
        long,
        "--role",
        "gitaly-storage-primary",
        "--host",
        "a-rather-long-node-name.example.internal",
    ])
    .ok();
    env.run(&["cert", "client", "c1", "--role", "admin"]).ok();
    let wide = env.run(&["cert", "list"]).ok().stdout;
    // Off a terminal nothing is cut: a script gets whole cells.
    assert!(wide.lines().any(|l| l.chars().count() > 80), "{wide}");
    assert!(wide.contains(long), "{wide}");
    let narrow = env
        .run_env(&["cert", "list"], &[("SECCTL_WIDTH", "80")])
        .ok()
        .stdout;
    for l in narrow.lines() {
        assert!(l.chars().count() <= 80, "{} > 80: {l:?}\n{narrow}", l.len());
    }
    let header = narrow.lines().next().unwrap();
    for h in [
        "NAME",
        "KIND",
        "ROLE",
        "SERIAL",
        "NOT AFTER",
        "DAYS LEFT",
        "CA",
        "STATUS",
    ] {
        assert!(header.contains(h), "{header}");
    }
    // The long name wraps inside its column (at its dashes), nothing is lost of it.
    let name_col: String = narrow
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("c1 "))
        .map(|l| l.split_whitespace().next().unwrap_or(""))
        .collect();
    assert_eq!(name_col, long, "{narrow}");
    // Key/value output wraps too (the fingerprint at its colons).
    let show = env
        .run_env(&["cert", "show", "c1"], &[("SECCTL_WIDTH", "60")])
        .ok()
        .stdout;
    assert!(show.lines().all(|l| l.chars().count() <= 60), "{show}");
    // COLUMNS is for terminals: a pipe is not cut by it.
    let piped = env
        .run_env(&["cert", "list"], &[("COLUMNS", "80")])
        .ok()
        .stdout;
    assert_eq!(piped, wide);
}

#[test]
fn probe_reads_a_targets_file_and_sums_up() {
    let env = Env::new();
    // Three closed ports on this host: every target is unreachable, quickly.
    let ports: Vec<u16> = (0..3).map(|_| common::free_port()).collect();
    let file = env.write(
        "targets.txt",
        &format!(
            "# the cluster\n127.0.0.1:{}\n\n  127.0.0.1:{}   # second\n",
            ports[0], ports[1]
        ),
    );
    let r = env.run(&[
        "probe",
        "--timeout",
        "2",
        "--targets-file",
        file.to_str().unwrap(),
        &format!("127.0.0.1:{}", ports[2]),
    ]);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let last = r.stdout.lines().last().unwrap();
    assert_eq!(
        last, "overall: 3 targets; encrypted: unreachable 3; mtls: none 3",
        "{}",
        r.stdout
    );
    for p in &ports {
        assert!(
            r.stdout.contains(&format!("127.0.0.1:{p}\n")),
            "{}",
            r.stdout
        );
    }
    let v = env
        .run(&[
            "-o",
            "json",
            "probe",
            "--timeout",
            "2",
            "--targets-file",
            file.to_str().unwrap(),
        ])
        .json();
    assert_eq!(v.as_array().unwrap().len(), 2);
    // A bad line and an empty file: tests/cmd/probe-targets-file-*.toml.
}

#[test]
fn apply_reports_every_count_and_current_serials() {
    let env = Env::new();
    let inv = env.write(
        "inv.yaml",
        "cluster: acme\nnodes:\n  - name: n1\n    role: gitaly\n    hosts: [n1.test]\nclients:\n  - name: c1\n    role: gitlab\n",
    );
    let i = inv.to_str().unwrap();
    let first = env.run(&["-o", "json", "apply", i]).ok().json();
    let s = &first["summary"];
    assert_eq!(
        (&s["created"], &s["renewed"], &s["unchanged"], &s["failed"]),
        (&2.into(), &0.into(), &0.into(), &0.into()),
        "{first}"
    );
    let second = env.run(&["-o", "json", "apply", i]).ok().json();
    let s = &second["summary"];
    assert_eq!(
        (&s["created"], &s["renewed"], &s["unchanged"], &s["failed"]),
        (&0.into(), &0.into(), &2.into(), &0.into()),
        "{second}"
    );
    for (a, b) in first["items"]
        .as_array()
        .unwrap()
        .iter()
        .zip(second["items"].as_array().unwrap())
    {
        assert_eq!(b["action"], "unchanged");
        assert!(b["serial"].is_string(), "{b}");
        assert_eq!(a["serial"], b["serial"]);
    }
    let check = env.run(&["-o", "json", "apply", "--check", i]).ok().json();
    assert_eq!(check["summary"]["failed"], 0);
    assert_eq!(check["items"][0]["serial"], first["items"][0]["serial"]);
}

#[test]
fn key_split_of_a_state_key_writes_outside_the_state_directory() {
    let env = Env::new();
    ca(&env);
    let key = env.pki().join("ca/root.key");
    let r = env
        .run(&[
            "-o",
            "json",
            "key",
            "split",
            "--threshold",
            "2",
            "--shares",
            "3",
            key.to_str().unwrap(),
        ])
        .ok();
    let v = r.json();
    for f in v["files"].as_array().unwrap() {
        let p = std::path::Path::new(f["path"].as_str().unwrap());
        let abs = env.tmp.path().join(p);
        assert!(
            !abs.starts_with(env.pki()),
            "share inside the state dir: {f}"
        );
        assert!(abs.exists(), "{f}");
    }
    assert!(env.path("root.key.shares").is_dir());
    // What to do with the original is said.
    assert!(
        r.stderr.contains("still in place") && r.stderr.contains("offline"),
        "{}",
        r.stderr
    );
    // A file elsewhere keeps the old default, beside it.
    let other = env.write("secret.txt", "s\n");
    env.run(&[
        "key",
        "split",
        "--threshold",
        "2",
        "--shares",
        "2",
        other.to_str().unwrap(),
    ])
    .ok();
    assert!(env.path("secret.txt.shares").is_dir());
}

#[test]
fn waiting_for_the_state_lock_says_who_holds_it() {
    let env = Env::new();
    ca(&env);
    // The first writer stops with the lock held (debug builds' pause point).
    let mut holder = Command::new(bin())
        .current_dir(env.tmp.path())
        .args([
            "--dir",
            env.pki().to_str().unwrap(),
            "cert",
            "client",
            "c1",
            "--role",
            "app",
        ])
        .env("SECCTL_TEST_PAUSE", "staged")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until it holds the lock (its temporary files are staged).
    let t0 = std::time::Instant::now();
    let staged = || {
        std::fs::read_dir(env.pki().join("issued"))
            .map(|d| d.count() > 0)
            .unwrap_or(false)
            || std::fs::read_dir(env.pki())
                .unwrap()
                .any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".tmp"))
    };
    while !staged() {
        assert!(
            t0.elapsed().as_secs() < 30,
            "the first writer never took the lock"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let mut waiter = Command::new(bin())
        .current_dir(env.tmp.path())
        .args([
            "--dir",
            env.pki().to_str().unwrap(),
            "cert",
            "client",
            "c2",
            "--role",
            "app",
        ])
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(waiter.stderr.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let _ = holder.kill();
    let _ = holder.wait();
    assert!(
        first.contains("waiting for the lock") && first.contains(&format!("PID {}", holder.id())),
        "{first}"
    );
    assert!(waiter.wait().unwrap().success());
}
