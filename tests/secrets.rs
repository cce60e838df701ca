//! Secrets stay secret. Every secctl run made through the test helpers (`Env::run`, used
//! by the whole suite) is scanned for the secrets present in its directory afterwards:
//! private key bodies, share bodies, age secret keys and passphrases, in stdout, stderr and
//! argv (`common::assert_no_secrets`). The tests here prove that scanner sees secrets, run
//! the secret-handling commands in text and JSON, check that no option takes a passphrase
//! on the command line, and watch (with strace) that key files are created 0600.

mod common;

use std::path::Path;

use common::{assert_no_secrets, secrets_under, tool, Env, Run};

const PASS: &str = "tr0ub4dor&3-correct-horse";

/// A state directory holding every kind of secret secctl makes, made with `-o output`.
fn secretful(output: &str) -> Env {
    let env = Env::new();
    let pass = env.write("pass.txt", &format!("{PASS}\n"));
    let pass = pass.to_str().unwrap().to_string();
    let dir = env.pki();
    let o = ["-o", output, "--passphrase-file", pass.as_str()];
    let run = |args: &[&str]| {
        let mut a = o.to_vec();
        a.extend_from_slice(args);
        env.run(&a).ok()
    };
    run(&[
        "ca",
        "init",
        "--name",
        "Sec",
        "--intermediate",
        "--encrypt-key",
    ]);
    run(&["cert", "node", "n1", "--host", "n1.sec.test"]);
    run(&["cert", "client", "c1", "--role", "ops"]);
    run(&["cert", "show", "n1"]);
    run(&["cert", "list"]);
    run(&["revoke", "c1", "--yes"]);
    run(&["crl"]);
    run(&["ca", "show"]);
    let shares = env.path("shares");
    run(&[
        "key",
        "split",
        "--threshold",
        "2",
        "--shares",
        "3",
        "--out",
        shares.to_str().unwrap(),
        dir.join("ca/root.key.age").to_str().unwrap(),
    ]);
    // Three custodians with age keys; the backup key's shares are encrypted to them.
    let ids: Vec<(String, String)> = ["ann", "bob", "cy"]
        .iter()
        .map(|n| common::custodian(&env, n))
        .collect();
    let bk = env.path("backup");
    let mut init = vec![
        "backup",
        "init",
        "--threshold",
        "2",
        "--shares",
        "3",
        "--out",
        bk.to_str().unwrap(),
    ];
    for (_, r) in &ids {
        init.extend_from_slice(&["--recipient", r]);
    }
    run(&init);
    let archive = env.path("archive.age");
    run(&["backup", "create", "--out", archive.to_str().unwrap()]);
    let made: Vec<String> = std::fs::read_dir(&bk)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    let share = |i: usize| {
        let mut m = made.clone();
        m.sort();
        m[i - 1].clone()
    };
    run(&[
        "backup",
        "restore",
        archive.to_str().unwrap(),
        "--share",
        &share(1),
        "--share",
        &share(3),
        "--identity",
        &ids[0].0,
        "--identity",
        &ids[2].0,
        "--to",
        env.path("restored").to_str().unwrap(),
    ]);
    run(&[
        "key",
        "combine",
        "--out",
        env.path("root.key.age").to_str().unwrap(),
        shares.join("share-2-of-3.txt").to_str().unwrap(),
        shares.join("share-3-of-3.txt").to_str().unwrap(),
    ]);
    run(&["verify", dir.join("certs/n1/n1.crt").to_str().unwrap()]);
    env
}

#[test]
fn secret_handling_commands_print_no_secret_in_text_or_json() {
    // Every run above went through Env::run, which scans its output; here the scanner
    // itself must have had secrets of every kind to look for.
    for output in ["text", "json"] {
        let env = secretful(output);
        let secrets = secrets_under(env.tmp.path());
        assert!(secrets.iter().any(|s| s == PASS), "passphrase not seen");
        let shares = std::fs::read_to_string(env.path("shares/share-1-of-3.txt")).unwrap();
        let body = shares.lines().rev().nth(1).unwrap().trim();
        assert!(secrets.iter().any(|s| s == body), "share body not seen");
        let key = std::fs::read_to_string(env.pki().join("certs/n1/n1.key")).unwrap();
        let line = key.lines().nth(1).unwrap();
        assert!(secrets.iter().any(|s| s == line), "key body not seen");
        assert!(
            secrets.iter().any(|s| s.starts_with("AGE-SECRET-KEY-")),
            "custodian keys not seen"
        );
        let restored = std::fs::read_to_string(env.path("restored/certs/n1/n1.key")).unwrap();
        assert_eq!(restored, key, "backup round trip");
        // The combined root key is the split one.
        assert_eq!(
            std::fs::read(env.path("root.key.age")).unwrap(),
            std::fs::read(env.pki().join("ca/root.key.age")).unwrap()
        );
    }
}

#[test]
fn the_scanner_fails_on_a_leak() {
    let env = Env::new();
    env.run(&["ca", "init"]).ok();
    env.run(&["cert", "node", "n1", "--host", "n1"]).ok();
    let key = std::fs::read_to_string(env.pki().join("certs/n1/n1.key")).unwrap();
    let leak = Run {
        code: 0,
        stdout: format!("debug: {}\n", key.lines().nth(1).unwrap()),
        stderr: String::new(),
    };
    let caught = std::panic::catch_unwind(|| assert_no_secrets(env.tmp.path(), &leak, &[]));
    assert!(caught.is_err(), "a printed key line went unnoticed");
    env.write("pass", "hunter2-hunter2\n");
    let argv = Run {
        code: 0,
        stdout: String::new(),
        stderr: String::new(),
    };
    let caught = std::panic::catch_unwind(|| {
        assert_no_secrets(env.tmp.path(), &argv, &["--x", "hunter2-hunter2"])
    });
    assert!(caught.is_err(), "a passphrase in argv went unnoticed");
}

#[test]
fn no_option_takes_a_secret_on_the_command_line() {
    // Every option of every subcommand, from the man pages generated from the clap model.
    let man = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let mut seen = 0;
    for e in std::fs::read_dir(&man).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        for word in text.split(|c: char| c.is_whitespace() || c == '[' || c == ']') {
            let w = word
                .replace("\\-", "-")
                .replace("\\fB", "")
                .replace("\\fR", "");
            if let Some(opt) = w.strip_prefix("--") {
                seen += 1;
                let opt = opt
                    .split(['=', '<', ','])
                    .next()
                    .unwrap()
                    .to_ascii_lowercase();
                for bad in ["passphrase", "password", "secret", "token"] {
                    assert!(
                        !opt.contains(bad) || opt.ends_with("-file"),
                        "option --{opt} would put a secret in argv"
                    );
                }
            }
        }
    }
    assert!(seen > 50, "read only {seen} options");
}

#[test]
#[ignore = "needs strace; run by .ci/run with --ignored"]
fn key_files_are_created_0600_before_the_first_byte() {
    common::require(common::have("strace"), "strace is not installed");
    let env = Env::new();
    env.run(&["ca", "init", "--intermediate"]).ok();
    let trace = env.path("trace");
    let r = tool(
        "strace",
        &[
            "-f",
            "-qq",
            "-e",
            "trace=open,openat,creat,chmod,fchmod,fchmodat,write",
            "-o",
            trace.to_str().unwrap(),
            common::bin(),
            "--dir",
            env.pki().to_str().unwrap(),
            "cert",
            "node",
            "n1",
            "--host",
            "n1.test",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = std::fs::read_to_string(&trace).unwrap();
    // Every file that becomes a key is created with O_CREAT|O_EXCL and mode 0600.
    let creates: Vec<&str> = t
        .lines()
        .filter(|l| l.contains("O_CREAT") && l.contains(".key."))
        .collect();
    assert!(!creates.is_empty(), "no key file creation traced:\n{t}");
    for l in &creates {
        assert!(
            l.contains("O_EXCL") && l.contains(", 0600)"),
            "key file created without mode 0600: {l}"
        );
    }
    // And no key is ever created any other way (plain open of a .key with O_CREAT).
    assert!(
        !t.lines()
            .any(|l| l.contains("O_CREAT") && l.contains(".key\"") && !l.contains(", 0600)")),
        "{t}"
    );
    let key = env.pki().join("certs/n1/n1.key");
    assert_eq!(common::mode(&key) & 0o777, 0o600);
    assert_eq!(common::mode(key.parent().unwrap()) & 0o777, 0o700);
}
