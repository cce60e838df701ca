//! The name index and `secctl store check`: lookups read a bounded number of files however
//! many certificates were issued, a writer killed at any step leaves a directory that the
//! next locked run repairs, and `store check` finds each kind of disagreement.

mod common;

use common::*;

fn inventory(n: usize) -> String {
    let mut s = String::from("cluster: Fleet\nnodes:\n");
    for i in 0..n {
        s.push_str(&format!(
            "  - {{ name: n{i}, role: web, hosts: [n{i}.fleet.example] }}\n"
        ));
    }
    s
}

/// `store check -o json`: (exit code, the findings as "part: detail").
fn check(env: &Env, extra: &[&str]) -> (i32, Vec<String>) {
    let mut args = vec!["-o", "json", "store", "check"];
    args.extend_from_slice(extra);
    let r = env.run(&args);
    assert!(r.code == 0 || r.code == 1, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}: {}",
                f["part"].as_str().unwrap(),
                f["detail"].as_str().unwrap()
            )
        })
        .collect();
    (r.code, f)
}

fn serial_of(env: &Env, name: &str) -> String {
    let v = env.run(&["-o", "json", "cert", "show", name]).ok().json();
    v["record"]["serial"]
        .as_str()
        .or_else(|| v["serial"].as_str())
        .or_else(|| v["certificate"]["serial"].as_str())
        .unwrap_or_else(|| panic!("no serial in {v}"))
        .to_string()
}

#[test]
fn store_check_finds_each_disagreement_and_repairs_the_index() {
    let env = Env::new();
    let inv = env.write("inv.yaml", &inventory(20));
    env.run(&["apply", inv.to_str().unwrap()]).ok();
    env.run(&["--yes", "revoke", "n3"]).ok();
    assert_eq!(check(&env, &[]), (0, vec![]));
    let pki = env.pki();
    // The index lists every serial of a name (one renewal: two serials).
    env.run(&["cert", "renew", "n4"]).ok();
    let idx = std::fs::read_to_string(pki.join("names/n4")).unwrap();
    assert_eq!(idx.lines().count(), 2, "{idx}");
    assert_eq!(check(&env, &[]), (0, vec![]));

    let s5 = serial_of(&env, "n5");
    // 1. An index file lost.
    std::fs::remove_file(pki.join("names/n5")).unwrap();
    // 2. A certificate without a record (as an earlier version, which wrote a record's
    //    certificate beside it first, could leave).
    std::fs::copy(
        pki.join("certs/n6/n6.crt"),
        pki.join("issued/0123456789abcdef0123456789abcdef.crt"),
    )
    .unwrap();
    // 2b. A record that carries another certificate than the one it describes.
    let s6 = serial_of(&env, "n6");
    let rec6 = pki.join(format!("issued/{s6}.json"));
    let kept6 = std::fs::read(&rec6).unwrap();
    let other = env.run(&["cert", "show", "n10", "--pem"]).ok().stdout;
    let mut v: serde_json::Value = serde_json::from_slice(&kept6).unwrap();
    assert!(v["certificate"]
        .as_str()
        .unwrap()
        .contains("BEGIN CERTIFICATE"));
    v["certificate"] = serde_json::Value::String(other + "\n");
    std::fs::write(&rec6, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    // 3. A revocation the CRL does not list (the CRL from before it put back).
    let crl = std::fs::read(pki.join("crl.pem")).unwrap();
    env.run(&["--yes", "revoke", "n7"]).ok();
    std::fs::write(pki.join("crl.pem"), &crl).unwrap();
    // 4. A delivered certificate replaced by another one.
    std::fs::copy(pki.join("certs/n9/n9.crt"), pki.join("certs/n8/n8.crt")).unwrap();
    let s7 = serial_of(&env, "n7");
    let (code, mut f) = check(&env, &[]);
    assert_eq!(code, 1);
    let pkis = pki.display().to_string();
    // The CRL put back is also named as such: its number is below the one published last.
    let rolled = f
        .iter()
        .position(|l| {
            l.starts_with(&format!("crl: {pkis}/crl.pem: the CRL of "))
                && l.contains("is number 2, below number 3 published last")
        })
        .unwrap_or_else(|| panic!("no rolled-back CRL finding: {f:?}"));
    f.remove(rolled);
    assert_eq!(
        f,
        vec![
            format!("crl: {s7} is revoked but crl.pem does not list it (run `secctl crl`)"),
            format!(
                "delivered: n8 ({}): {pkis}/certs/n8/n8.crt is not the recorded certificate",
                serial_of(&env, "n8")
            ),
            format!("index: names/n5 does not list {s5}"),
            "records: issued/0123456789abcdef0123456789abcdef.crt has no record".to_string(),
            format!(
                "records: the certificate in issued/{s6}.json is not the one its record describes"
            ),
        ]
    );
    // The lookup by name still finds n5 once the index is rebuilt; --repair removes the
    // orphan and rebuilds the index, the rest is for the operator.
    let (code, f) = check(&env, &["--repair"]);
    assert_eq!(code, 1);
    assert_eq!(f.len(), 4, "{f:?}");
    assert!(pki.join("names/n5").exists());
    std::fs::write(&rec6, &kept6).unwrap();
    env.run(&["crl"]).ok();
    env.run(&["cert", "renew", "n8"]).ok();
    assert_eq!(check(&env, &[]), (0, vec![]));
}

#[test]
fn a_writer_killed_at_any_step_is_repaired_by_the_next_locked_run() {
    // cert node and revoke stopped after each durable write, in a directory with records.
    let env = Env::new();
    let inv = env.write("inv.yaml", &inventory(30));
    env.run(&["apply", inv.to_str().unwrap()]).ok();
    let mut steps_node = 0;
    for step in 1.. {
        let name = format!("k{step}");
        let r = env.run_env(
            &["cert", "node", &name, "--host", "k.fleet.example"],
            &[("SECCTL_TEST_ABORT_AFTER_RENAMES", &step.to_string())],
        );
        if r.code == 0 {
            steps_node = step - 1;
            break;
        }
        assert!(step < 20, "cert node never finished");
        // Killed: store check says a writer was killed; the next locked run repairs.
        let (code, f) = check(&env, &[]);
        assert_eq!(code, 1, "step {step}");
        assert!(
            f.iter().any(|x| x.starts_with("writer: ")),
            "step {step}: {f:?}"
        );
        let (_, f) = check(&env, &["--repair"]);
        // What is left is the truth: a record whose files were not all delivered.
        assert!(
            f.iter()
                .all(|x| x.starts_with(&format!("delivered: {name} "))),
            "step {step}: {f:?}"
        );
        // A re-run converges: the name is either unknown (killed before its record) or
        // renewed.
        let again = env.run(&["cert", "node", &name, "--host", "k.fleet.example"]);
        if again.code != 0 {
            env.run(&["cert", "renew", &name]).ok();
        }
        assert_eq!(check(&env, &[]), (0, vec![]), "step {step}");
    }
    assert!(
        steps_node >= 5,
        "cert node made {steps_node} durable writes"
    );
    let mut steps_revoke = 0;
    for step in 1.. {
        let name = format!("n{step}");
        let r = env.run_env(
            &["--yes", "revoke", &name],
            &[("SECCTL_TEST_ABORT_AFTER_RENAMES", &step.to_string())],
        );
        if r.code == 0 {
            steps_revoke = step - 1;
            break;
        }
        assert!(step < 20, "revoke never finished");
        let (_, f) = check(&env, &["--repair"]);
        assert!(
            f.iter().all(|x| x.starts_with("crl: ")),
            "step {step}: {f:?}"
        );
        env.run(&["crl"]).ok();
        assert_eq!(check(&env, &[]), (0, vec![]), "step {step}");
    }
    assert!(
        steps_revoke >= 2,
        "revoke made {steps_revoke} durable writes"
    );
}

/// Files under `issued/` and `names/` a command opens (from strace).
fn opened_records(env: &Env, args: &[&str]) -> usize {
    let trace = env.path("trace.txt");
    let mut a = vec![
        "-f".to_string(),
        "-e".into(),
        "trace=open,openat,openat2".into(),
        "-o".into(),
        trace.display().to_string(),
        bin().to_string(),
        "--dir".into(),
        env.pki().display().to_string(),
    ];
    a.extend(args.iter().map(|s| s.to_string()));
    let out = std::process::Command::new("strace")
        .args(&a)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t = std::fs::read_to_string(&trace).unwrap();
    t.lines()
        .filter(|l| l.contains("issued/") || l.contains("names/"))
        .count()
}

#[test]
#[ignore = "needs strace (apt-get install strace); run by .ci/run"]
fn lookups_open_a_bounded_number_of_files() {
    assert!(have("strace"), "strace is required");
    let env = Env::new();
    let inv = env.write("inv.yaml", &inventory(2000));
    env.run(&["apply", inv.to_str().unwrap()]).ok();
    let serial = serial_of(&env, "n1500");
    for args in [
        vec!["cert", "node", "fresh-1", "--host", "f.fleet.example"],
        vec!["cert", "client", "fresh-2", "--role", "web"],
        vec!["cert", "show", "n1200"],
        vec!["cert", "show", serial.as_str()],
        vec!["--yes", "revoke", "n1300"],
        vec!["cert", "renew", "n1400"],
        vec!["crl"],
    ] {
        let n = opened_records(&env, &args);
        assert!(n <= 30, "{args:?} opened {n} record files (2,000 issued)");
    }
    // The count sees record reads: listing every certificate reads every record.
    let n = opened_records(&env, &["cert", "list"]);
    assert!(n >= 2000, "cert list opened {n} record files");
}

#[test]
fn an_inventory_of_100000_nodes_is_accepted_and_an_alias_bomb_still_is_not() {
    let text = inventory(100_000);
    let plan = secctl::inventory::parse(std::path::Path::new("fleet.yaml"), &text)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(plan.items.len(), 100_000);
    // One node map repeated through 60,000 aliases (420 kB expanding to 480,000 nodes):
    // still refused, the error says why.
    let mut bomb =
        String::from("cluster: Fleet\nnodes:\n  - &n {name: a, role: r, hosts: [h.example]}\n");
    for _ in 0..60_000 {
        bomb.push_str("  - *n\n");
    }
    let e = match secctl::inventory::parse(std::path::Path::new("bomb.yaml"), &bomb) {
        Ok(_) => panic!("an alias bomb was accepted"),
        Err(e) => e.to_string(),
    };
    assert!(e.contains("the YAML expands beyond its size"), "{e}");
    assert!(e.starts_with("bomb.yaml"), "{e}");
}
