//! `secctl apply` and `secctl probe --inventory`, run as a pipeline would: the real binary,
//! `-o json`, exit codes, and openssl checking what was written.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{mode, openssl_verify_chain, snapshot, tool, Env, Serve};

const INVENTORY: &str = "\
cluster: Gitaly Test
trust_domain: gitaly.test
ca:
  intermediate: true
defaults:
  key_type: ecdsa-p256
  days: 365
  renew_before_days: 30
nodes:
  - name: praefect-1
    role: praefect
    hosts: [praefect-1.gitaly.test, 10.0.0.1]
  - name: gitaly-1
    role: gitaly
    hosts: [gitaly-1.gitaly.test]
  - name: gitaly-2
    role: gitaly
    hosts: [gitaly-2.gitaly.test]
    key_type: ed25519
clients:
  - name: rails
    role: gitlab
";

fn apply(env: &Env, args: &[&str]) -> (i32, serde_json::Value) {
    let mut a = vec!["-o", "json", "apply"];
    a.extend_from_slice(args);
    let r = env.run(&a);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(
        [0, 1, 3].contains(&r.code),
        "apply exit {}: {}",
        r.code,
        r.stderr
    );
    (r.code, r.json())
}

/// name -> (action, detail) of an apply report.
fn actions(v: &serde_json::Value) -> BTreeMap<String, (String, String)> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["name"].as_str().unwrap().to_string(),
                (
                    i["action"].as_str().unwrap().to_string(),
                    i["detail"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect()
}

fn only(v: &serde_json::Value, action: &str) -> Vec<String> {
    actions(v)
        .into_iter()
        .filter(|(_, (a, _))| a == action)
        .map(|(n, _)| n)
        .collect()
}

/// openssl accepts `name`'s certificate against the bundle written beside it, and its key
/// is the certificate's.
fn openssl_accepts(dir: &Path, name: &str) {
    let crt = dir.join(format!("{name}.crt"));
    let key = dir.join(format!("{name}.key"));
    let r = openssl_verify_chain(&dir.join("ca.crt"), &crt, None);
    assert_eq!(r.code, 0, "openssl verify {name}: {}{}", r.stdout, r.stderr);
    let pub_of = |args: &[&str]| tool("openssl", args).ok().stdout;
    assert_eq!(
        pub_of(&["pkey", "-in", key.to_str().unwrap(), "-pubout"]),
        pub_of(&["x509", "-in", crt.to_str().unwrap(), "-noout", "-pubkey"]),
        "{name}: key does not match certificate"
    );
    assert_eq!(mode(&key) & 0o777, 0o600, "{name}.key mode");
}

fn subject(dir: &Path, name: &str) -> String {
    let crt = dir.join(format!("{name}.crt"));
    tool(
        "openssl",
        &[
            "x509",
            "-in",
            crt.to_str().unwrap(),
            "-noout",
            "-subject",
            "-ext",
            "subjectAltName",
        ],
    )
    .ok()
    .stdout
}

#[test]
fn apply_creates_everything_then_changes_nothing() {
    let env = Env::new();
    let inv = env.write("inv.yaml", INVENTORY);
    let inv = inv.to_str().unwrap();
    let (code, v) = apply(&env, &[inv]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["ca_created"], true);
    // Creating the CA publishes its (empty) CRL, so `verify` can check revocation at once.
    let crl = env.pki().join("crl.pem");
    assert!(crl.exists(), "apply created a CA without crl.pem");
    tool("openssl", &["crl", "-in", crl.to_str().unwrap(), "-noout"]).ok();
    assert_eq!(only(&v, "created").len(), 4, "{v}");
    assert_eq!(v["summary"]["created"], 4);
    let serials: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["serial"].as_str().unwrap())
        .collect();
    assert_eq!(serials.len(), 4);
    for n in ["praefect-1", "gitaly-1", "gitaly-2", "rails"] {
        openssl_accepts(&env.pki().join("certs").join(n), n);
    }
    let s = subject(&env.pki().join("certs/praefect-1"), "praefect-1");
    assert!(
        s.contains("OU = praefect") && s.contains("O = Gitaly Test"),
        "{s}"
    );
    assert!(
        s.contains("spiffe://gitaly.test/praefect/praefect-1"),
        "{s}"
    );
    assert!(s.contains("IP Address:10.0.0.1"), "{s}");
    // gitaly-2 asked for its own key type.
    let t = tool(
        "openssl",
        &[
            "x509",
            "-in",
            env.pki()
                .join("certs/gitaly-2/gitaly-2.crt")
                .to_str()
                .unwrap(),
            "-noout",
            "-text",
        ],
    )
    .ok()
    .stdout;
    assert!(t.contains("ED25519"), "{t}");

    // Idempotent: nothing pending, nothing written.
    let before = snapshot(&env.pki());
    let r = env.run(&["apply", "--check", inv]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let (code, v) = apply(&env, &[inv]);
    assert_eq!(code, 0);
    assert_eq!(v["ca_created"], false);
    assert_eq!(only(&v, "unchanged").len(), 4, "{v}");
    // An unchanged item carries the serial in use (issue #17), not null.
    assert!(v["items"][0]["serial"].is_string(), "{v}");
    assert_eq!(
        before,
        snapshot(&env.pki()),
        "an idempotent run wrote files"
    );
    // The human table says the same.
    let r = env.run(&["apply", inv]).ok();
    assert!(
        r.stdout
            .contains("0 created, 0 renewed, 4 unchanged, 0 failed"),
        "{}",
        r.stdout
    );
}

#[test]
fn check_changes_nothing_and_exits_1_when_work_is_pending() {
    let env = Env::new();
    let inv = env.write("inv.yaml", INVENTORY);
    let inv = inv.to_str().unwrap();
    // No CA yet: everything pending, nothing created (not even the state directory).
    let (code, v) = apply(&env, &["--check", inv]);
    assert_eq!(code, 1);
    assert_eq!(v["check"], true);
    assert_eq!(v["ca_created"], true);
    assert_eq!(only(&v, "created").len(), 4);
    assert!(!env.pki().exists(), "--check created the state directory");
    let r = env.run(&["apply", "--check", inv]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("CA: would be created"), "{}", r.stdout);
    assert!(r.stdout.contains("would be: 4 created"), "{}", r.stdout);

    apply(&env, &[inv]);
    let changed = INVENTORY.replace("[gitaly-1.gitaly.test]", "[gitaly-1.gitaly.test, 10.0.1.1]");
    env.write("inv.yaml", &changed);
    let before = snapshot(&env.pki());
    let (code, v) = apply(&env, &["--check", inv]);
    assert_eq!(code, 1);
    assert_eq!(
        actions(&v)["gitaly-1"],
        ("renewed".into(), "hosts changed".into())
    );
    assert_eq!(only(&v, "unchanged").len(), 3);
    assert_eq!(before, snapshot(&env.pki()), "--check wrote files");
}

#[test]
fn renews_what_changed_went_missing_or_expires_and_leaves_the_rest() {
    let env = Env::new();
    let inv = env.write("inv.yaml", INVENTORY);
    let inv = inv.to_str().unwrap();
    let (_, first) = apply(&env, &[inv]);
    let certs = env.pki().join("certs");
    let old_serial = |n: &str| {
        first["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == n)
            .unwrap()["serial"]
            .as_str()
            .unwrap()
            .to_string()
    };

    // Role of one node, hosts of another; the client's key deleted; gitaly-2's certificate
    // replaced by another node's (as a careless copy would).
    let changed = INVENTORY.replace("role: praefect", "role: gitaly").replace(
        "[gitaly-1.gitaly.test]",
        "[gitaly-1.gitaly.test, gitaly-1.internal]",
    );
    env.write("inv.yaml", &changed);
    std::fs::remove_file(certs.join("rails/rails.key")).unwrap();
    std::fs::copy(
        certs.join("gitaly-1/gitaly-1.crt"),
        certs.join("gitaly-2/gitaly-2.crt"),
    )
    .unwrap();
    let (code, v) = apply(&env, &[inv]);
    assert_eq!(code, 0, "{v}");
    let a = actions(&v);
    assert_eq!(
        a["praefect-1"],
        ("renewed".into(), "role changed (praefect -> gitaly)".into())
    );
    assert_eq!(a["gitaly-1"], ("renewed".into(), "hosts changed".into()));
    assert_eq!(a["rails"].0, "renewed");
    assert!(
        a["rails"].1.contains("rails.key is missing"),
        "{:?}",
        a["rails"]
    );
    assert_eq!(a["gitaly-2"].0, "renewed");
    assert!(
        a["gitaly-2"].1.contains("not the recorded certificate"),
        "{:?}",
        a["gitaly-2"]
    );
    for n in ["praefect-1", "gitaly-1", "gitaly-2", "rails"] {
        openssl_accepts(&certs.join(n), n);
        let new = actions(&v);
        assert!(new.contains_key(n));
    }
    assert_ne!(
        v["items"][0]["serial"].as_str().unwrap(),
        old_serial("praefect-1")
    );
    assert!(subject(&certs.join("praefect-1"), "praefect-1").contains("OU = gitaly"));
    assert!(subject(&certs.join("gitaly-1"), "gitaly-1").contains("gitaly-1.internal"));

    // A key swapped for another (valid) key is caught too.
    std::fs::copy(
        certs.join("gitaly-1/gitaly-1.key"),
        certs.join("rails/rails.key"),
    )
    .unwrap();
    let (_, v) = apply(&env, &[inv]);
    let a = actions(&v);
    assert!(
        a["rails"].1.contains("does not match its certificate"),
        "{:?}",
        a["rails"]
    );
    assert_eq!(only(&v, "unchanged").len(), 3);

    // Nothing expires within 30 days; everything does within 400.
    let (code, v) = apply(&env, &["--check", inv]);
    assert_eq!(code, 0, "{v}");
    let (code, v) = apply(&env, &["--check", "--renew-before", "400", inv]);
    assert_eq!(code, 1);
    assert_eq!(only(&v, "renewed").len(), 4);
    assert!(actions(&v)["rails"].1.starts_with("expires "), "{v}");
    let (_, v) = apply(&env, &["--renew-before", "400", inv]);
    assert_eq!(only(&v, "renewed").len(), 4);
    // The renewed certificates live a year; the next ordinary run leaves them.
    let (code, _) = apply(&env, &["--check", inv]);
    assert_eq!(code, 0);
}

#[test]
fn a_failing_item_is_reported_the_rest_is_done_and_the_next_run_converges() {
    let env = Env::new();
    let blocker = env.write("blocked", "a file where a directory is expected\n");
    let inv = INVENTORY.replace(
        "    hosts: [gitaly-1.gitaly.test]\n",
        &format!(
            "    hosts: [gitaly-1.gitaly.test]\n    out: {}\n",
            blocker.display()
        ),
    );
    let inv_path = env.write("inv.yaml", &inv);
    let inv_s = inv_path.to_str().unwrap();
    let (code, v) = apply(&env, &[inv_s]);
    assert_eq!(code, 3, "{v}");
    let a = actions(&v);
    assert_eq!(a["gitaly-1"].0, "failed");
    assert!(
        a["gitaly-1"].1.contains(blocker.to_str().unwrap())
            && a["gitaly-1"].1.contains("not a directory"),
        "{:?}",
        a["gitaly-1"]
    );
    assert_eq!(only(&v, "created").len(), 3);
    assert_eq!(v["summary"]["failed"], 1);
    // The failed item left no record behind.
    let r = env.run(&["-o", "json", "cert", "list"]).ok();
    assert!(!r.stdout.contains("\"gitaly-1\""), "{}", r.stdout);
    // The human report names it too, and exits non-zero.
    let r = env.run(&["apply", inv_s]);
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("FAILED"), "{}", r.stdout);

    // Fixed: the next run does only what is missing.
    std::fs::remove_file(&blocker).unwrap();
    let (code, v) = apply(&env, &[inv_s]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(only(&v, "created"), vec!["gitaly-1".to_string()]);
    assert_eq!(only(&v, "unchanged").len(), 3);
    openssl_accepts(&blocker, "gitaly-1");
}

#[test]
fn bad_inventories_name_the_line_and_change_nothing() {
    let env = Env::new();
    let good = env.write("good.yaml", INVENTORY);
    apply(&env, &[good.to_str().unwrap()]);
    let before = snapshot(&env.pki());
    let cases: &[(&str, String, &[&str])] = &[
        (
            "unknown field",
            INVENTORY.replace("    role: gitlab\n", "    role: gitlab\n    colour: blue\n"),
            &["line 23", "colour"],
        ),
        (
            "missing role",
            INVENTORY.replace("    role: gitlab\n", ""),
            &["line 21", "role"],
        ),
        (
            "bad host",
            INVENTORY.replace("10.0.0.1", "bad_host!"),
            &["line 12", "bad_host!"],
        ),
        (
            "duplicate name",
            INVENTORY.replace("name: gitaly-2", "name: gitaly-1"),
            &["line 16", "duplicate name \"gitaly-1\" (first at line 13)"],
        ),
        (
            "bad key type",
            INVENTORY.replace("key_type: ed25519", "key_type: rsa-1024"),
            &["line 19", "rsa-1024"],
        ),
        (
            "days zero",
            INVENTORY.replace("days: 365", "days: 0"),
            &["line 7", "defaults.days must be 1 to 36500, not 0"],
        ),
        (
            "a list where a map is expected",
            INVENTORY.replace("defaults:\n", "defaults:\n  - 1\n"),
            &["line"],
        ),
        ("not YAML", "cluster: [unclosed\n".to_string(), &["line"]),
        ("empty", String::new(), &["empty inventory"]),
        ("no cluster", "nodes: []\n".to_string(), &["cluster"]),
    ];
    for (what, text, needles) in cases {
        let p = env.write("bad.yaml", text);
        for args in [
            vec!["apply", p.to_str().unwrap()],
            vec!["apply", "--check", p.to_str().unwrap()],
            vec!["probe", "--inventory", p.to_str().unwrap()],
        ] {
            let r = env.run(&args);
            assert_eq!(r.code, 2, "{what}: {args:?}: {}{}", r.stdout, r.stderr);
            let mut n = needles.to_vec();
            n.push("bad.yaml");
            r.usage_error(&n);
        }
        assert_eq!(before, snapshot(&env.pki()), "{what}: state changed");
    }
    // Another cluster's inventory against this state directory.
    let other = env.write("other.yaml", &INVENTORY.replace("Gitaly Test", "Other"));
    env.run(&["apply", other.to_str().unwrap()])
        .usage_error(&["other.yaml", "do not match the CA"]);
    // A directory and a missing file.
    env.run(&["apply", env.tmp.path().to_str().unwrap()])
        .usage_error(&["is a directory"]);
    env.run(&["apply", "nope.yaml"]).usage_error(&["nope.yaml"]);
    assert_eq!(before, snapshot(&env.pki()));
}

#[test]
fn encrypted_ca_passphrase_is_read_once_and_only_when_needed() {
    let env = Env::new();
    let pass = env.write("pass", "correct horse battery staple\n");
    let pass = pass.to_str().unwrap();
    env.run(&[
        "--passphrase-file",
        pass,
        "ca",
        "init",
        "--name",
        "Gitaly Test",
        "--trust-domain",
        "gitaly.test",
        "--intermediate",
        "--encrypt-key",
    ])
    .ok();
    let inv = env.write("inv.yaml", INVENTORY);
    let inv = inv.to_str().unwrap();
    // Work pending, no terminal, no passphrase: a clear error, nothing written.
    let before = snapshot(&env.pki());
    env.run(&["apply", inv]).usage_error(&["passphrase"]);
    assert_eq!(before, snapshot(&env.pki()));
    let wrong = env.write("wrong", "not it\n");
    // Mode 0600, as a passphrase file should be (else a warning line precedes the error).
    std::fs::set_permissions(&wrong, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    env.run(&["--passphrase-file", wrong.to_str().unwrap(), "apply", inv])
        .usage_error(&["wrong passphrase"]);
    assert_eq!(before, snapshot(&env.pki()));
    let r = env
        .run(&["-o", "json", "--passphrase-file", pass, "apply", inv])
        .ok();
    assert_eq!(only(&r.json(), "created").len(), 4);
    assert!(!r.stdout.contains("correct horse") && !r.stderr.contains("correct horse"));
    // Nothing to sign: no passphrase needed.
    env.run(&["apply", inv]).ok();
}

#[test]
fn probe_inventory_names_each_difference_from_the_expectations() {
    let env = Env::new();
    let inv = "\
cluster: Synnax
nodes:
  - name: srv
    role: node
    hosts: [localhost, 127.0.0.1]
clients:
  - name: console
    role: console
";
    let p = env.write("inv.yaml", inv);
    apply(&env, &[p.to_str().unwrap()]);
    let strict = Serve::start(&env, &["--name", "srv", "--client-auth", "required"]);
    let lax = Serve::start(&env, &["--name", "srv", "--client-auth", "none"]);
    let probes = format!(
        "{inv}probe:
  - target: {strict}
    servername: localhost
    as: console
    expect: {{ encrypted: all, mtls: enforced }}
  - target: {lax}
    servername: localhost
    as: console
    expect: {{ encrypted: all, mtls: enforced }}
",
        strict = strict.addr,
        lax = lax.addr
    );
    let p = env.write("inv.yaml", &probes);
    let r = env.run(&["-o", "json", "probe", "--inventory", p.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v[0]["differences"], serde_json::json!([]), "{}", v[0]);
    assert_eq!(
        v[1]["differences"],
        serde_json::json!(["mtls is none, expected enforced"]),
        "{}",
        v[1]
    );
    let r = env.run(&["probe", "--inventory", p.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains(&format!(
            "{}: DIFFERS: mtls is none, expected enforced",
            lax.addr
        )),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(&format!("{}: as expected", strict.addr)));

    // Only the matching target: exit 0.
    let only_strict =
        probes[..probes.find(&format!("  - target: {}", lax.addr)).unwrap()].to_string();
    let p = env.write("inv.yaml", &only_strict);
    env.run(&["probe", "--inventory", p.to_str().unwrap()]).ok();
    // `as:` a client that was never issued.
    let p = env.write("inv.yaml", &only_strict.replace("as: console", "as: ghost"));
    env.run(&["probe", "--inventory", p.to_str().unwrap()])
        .usage_error(&["line 12", "`as: ghost` is not a client or node"]);
    // ... and one declared but not applied yet.
    let p = env.write(
        "inv.yaml",
        &only_strict.replace("as: console", "as: later").replace(
            "clients:\n",
            "clients:\n  - name: later\n    role: console\n",
        ),
    );
    env.run(&["probe", "--inventory", p.to_str().unwrap()])
        .usage_error(&["later", "no certificate issued for later yet"]);
}

#[test]
fn a_fleet_sized_run_stays_within_a_small_open_file_limit() {
    // 600 certificates are 3,000 staged files in one commit; with `ulimit -n 128` apply
    // must still succeed (bulk batches keep one open file per filesystem).
    let env = Env::new();
    let mut inv = String::from("cluster: Fleet\nnodes:\n");
    for i in 0..600 {
        inv.push_str(&format!(
            "  - name: e{i}\n    role: edge\n    hosts: [e{i}.fleet.test]\n"
        ));
    }
    let p = env.write("fleet.yaml", &inv);
    let script = format!(
        "ulimit -n 128 && exec '{}' --dir '{}' -o json apply '{}'",
        common::bin(),
        env.pki().display(),
        p.display()
    );
    let r = tool("sh", &["-c", &script]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["summary"]["created"], 600);
    openssl_accepts(&env.pki().join("certs/e599"), "e599");
    let (code, _) = apply(&env, &["--check", p.to_str().unwrap()]);
    assert_eq!(code, 0);
}

/// `apply` delivers `crl.pem` to nodes with the certificate mode (a changed mode is put
/// back, and `--check` counts it), and never hands a node an older CRL than it holds (a
/// state restored from an older backup): that item fails, the node's file stays.
#[test]
fn crl_delivery_restores_the_mode_and_refuses_a_rollback() {
    use std::os::unix::fs::PermissionsExt as _;
    let env = Env::new();
    let inv = env.write(
        "inv.yaml",
        "cluster: Prod\nnodes:\n  - name: n1\n    role: gitaly\n    hosts: [n1.example]\nclients:\n  - name: c1\n    role: gitlab\n",
    );
    let inv = inv.to_str().unwrap();
    env.run(&["apply", inv]).ok();
    let node_crl = env.pki().join("certs/n1/crl.pem");
    let state_crl = env.pki().join("crl.pem");
    assert_eq!(
        std::fs::read(&node_crl).unwrap(),
        std::fs::read(&state_crl).unwrap()
    );
    assert_eq!(mode(&node_crl), 0o644);

    // The mode changed on the node: --check says so, apply puts it back.
    std::fs::set_permissions(&node_crl, std::fs::Permissions::from_mode(0o600)).unwrap();
    let r = env.run(&["apply", "--check", inv]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains("crl.pem would be delivered"),
        "{}",
        r.stdout
    );
    env.run(&["apply", inv]).ok();
    assert_eq!(mode(&node_crl), 0o644);
    env.run(&["apply", "--check", inv]).ok();

    // A newer CRL reaches the node; then the state's crl.pem goes back to the older one.
    let older = std::fs::read(&state_crl).unwrap();
    env.run(&["--yes", "revoke", "c1"]).ok();
    env.run(&["apply", inv]).ok();
    let newer = std::fs::read(&node_crl).unwrap();
    assert_ne!(newer, older);
    std::fs::write(&state_crl, &older).unwrap();
    let r = env.run(&["apply", inv]);
    // A failed item: exit 3, as for any item apply could not complete.
    assert_eq!(r.code, 3, "{} {}", r.stdout, r.stderr);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(
        all.contains("crl.pem not delivered") && all.contains("back to"),
        "{all}"
    );
    assert_eq!(
        std::fs::read(&node_crl).unwrap(),
        newer,
        "the node kept its CRL"
    );
}
