//! CA compromise and retirement (issue #14): `ca rotate --intermediate-only`, `revoke` of an
//! intermediate, `ca retire`, bulk `revoke`. Checked against `openssl verify -crl_check_all`
//! (plain `cargo test`) and nginx with `ssl_crl` (ignored; `.ci/run` runs it).

mod common;

use common::*;
use serde_json::Value;

fn p(env: &Env, rel: &str) -> String {
    env.pki().join(rel).display().to_string()
}

fn crt(env: &Env, n: &str) -> String {
    p(env, &format!("certs/{n}/{n}.crt"))
}

/// `openssl verify -crl_check_all` of a delivered chain file against the state directory's
/// ca.crt and crl.pem.
fn openssl_crl_verify(env: &Env, name: &str) -> Run {
    let c = crt(env, name);
    tool(
        "openssl",
        &[
            "verify",
            "-crl_check_all",
            "-CAfile",
            &p(env, "ca.crt"),
            "-untrusted",
            &c,
            "-CRLfile",
            &p(env, "crl.pem"),
            &c,
        ],
    )
}

fn assert_refused_as_revoked(env: &Env, name: &str) {
    let r = openssl_crl_verify(env, name);
    assert_ne!(r.code, 0, "{name} accepted: {}", r.stdout);
    assert!(
        format!("{}{}", r.stdout, r.stderr).contains("certificate revoked"),
        "{name}: {}{}",
        r.stdout,
        r.stderr
    );
}

fn assert_accepted(env: &Env, name: &str) {
    let r = openssl_crl_verify(env, name);
    assert_eq!(r.code, 0, "{name} refused: {}{}", r.stdout, r.stderr);
}

fn json(env: &Env, args: &[&str]) -> Value {
    let mut a = vec!["-o", "json"];
    a.extend_from_slice(args);
    env.run(&a).ok().json()
}

/// name -> (status, reason) of every certificate in `cert list`, in list order.
fn statuses(env: &Env) -> Vec<(String, String, String)> {
    json(env, &["cert", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["name"].as_str().unwrap().to_string(),
                i["status"].as_str().unwrap().to_string(),
                i["revocation"]["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The serials a PEM file of CRLs lists, per CRL issuer (`openssl crl -text`).
fn crl_entries(env: &Env) -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(env.pki().join("crl.pem")).unwrap();
    let mut out = vec![];
    for block in text.split_inclusive("-----END X509 CRL-----\n") {
        if !block.contains("BEGIN X509 CRL") {
            continue;
        }
        let f = env.path("one.crl");
        std::fs::write(&f, block).unwrap();
        let r = tool(
            "openssl",
            &["crl", "-in", f.to_str().unwrap(), "-noout", "-text"],
        )
        .ok();
        let issuer = r
            .stdout
            .lines()
            .find_map(|l| l.trim().strip_prefix("Issuer: "))
            .unwrap()
            .to_string();
        let serials = r
            .stdout
            .lines()
            .filter_map(|l| l.trim().strip_prefix("Serial Number: "))
            .map(|s| s.to_ascii_lowercase())
            .collect();
        out.push((issuer, serials));
    }
    out
}

fn crl_number(env: &Env) -> u64 {
    json(env, &["crl"])["number"].as_u64().unwrap() // publishes one more
}

/// The whole compromise drill of the issue: a new intermediate from the same root, the old
/// one revoked (reason caCompromise): every leaf below it is refused by `openssl verify
/// -crl_check_all` and by `secctl verify`, `cert list` shows them revoked (issuer revoked),
/// re-issued leaves are accepted, and the revocation survives later `crl` runs.
#[test]
fn compromised_intermediate_is_revoked_with_everything_below_it() {
    let env = Env::new();
    env.run(&["ca", "init", "--name", "Prod", "--intermediate"])
        .ok();
    env.run(&["cert", "node", "n1", "--host", "n1.local"]).ok();
    env.run(&["cert", "client", "c1", "--role", "app"]).ok();
    env.run(&["cert", "client", "c2", "--role", "app"]).ok();
    env.run(&["cert", "renew", "c2"]).ok(); // two certificates of c2, both from the old one
    let bundle_before = std::fs::read(env.pki().join("ca.crt")).unwrap();
    let old_root = std::fs::read(env.pki().join("ca/root.crt")).unwrap();
    let old_inter = std::fs::read(env.pki().join("ca/intermediate.crt")).unwrap();

    let r = json(&env, &["--yes", "ca", "rotate", "--intermediate-only"]);
    assert_eq!(r["intermediate_only"], true);
    let gen = r["previous_generation"].as_str().unwrap().to_string();
    // Root and bundle unchanged; the old intermediate is a previous generation.
    assert_eq!(
        std::fs::read(env.pki().join("ca.crt")).unwrap(),
        bundle_before
    );
    assert_eq!(
        std::fs::read(env.pki().join("ca/root.crt")).unwrap(),
        old_root
    );
    let prev = env.pki().join(format!("ca/previous/{gen}"));
    assert_eq!(
        std::fs::read(prev.join("intermediate.crt")).unwrap(),
        old_inter
    );
    assert_eq!(mode(&prev.join("intermediate.key")), 0o600);
    assert!(
        !prev.join("root.key").exists(),
        "the root key is not copied"
    );
    assert_ne!(
        std::fs::read(env.pki().join("ca/intermediate.crt")).unwrap(),
        old_inter
    );
    assert_eq!(r["bundle"].as_array().unwrap().len(), 1);
    assert_eq!(
        r["root"]["sha256_fingerprint"],
        r["bundle"][0]["sha256_fingerprint"]
    );
    // Each name once: c2's older certificate is superseded, not a second entry.
    let mut to_renew: Vec<&str> = r["to_renew"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    to_renew.sort();
    assert_eq!(to_renew, ["c1", "c2", "n1"]);
    // During the roll, old and new leaves both verify.
    env.run(&["cert", "client", "fresh", "--role", "app"]).ok();
    for n in ["n1", "c1", "c2", "fresh"] {
        assert_accepted(&env, n);
    }

    // The root cannot be revoked, nor the intermediate that issues now: nothing changes.
    let before = snapshot(&env.pki());
    env.run(&["--yes", "revoke", &p(&env, "ca/root.crt")])
        .usage_error(&["ca/root.crt", "root CA certificate"]);
    env.run(&["--yes", "revoke", &p(&env, "ca/intermediate.crt")])
        .usage_error(&["ca/intermediate.crt", "--intermediate-only"]);
    assert_eq!(snapshot(&env.pki()), before);

    let number = crl_number(&env);
    let crl_before = std::fs::read(env.pki().join("crl.pem")).unwrap();
    let old_file = prev.join("intermediate.crt").display().to_string();
    let r = json(
        &env,
        &["--yes", "revoke", &old_file, "--reason", "caCompromise"],
    );
    assert_eq!(r["crl"]["number"].as_u64().unwrap(), number + 1);
    let item = &r["revoked_intermediates"][0];
    assert_eq!(item["generation"], gen.as_str());
    assert_eq!(item["certificates_below"], 4, "n1, c1 and both of c2: {r}");
    let inter_serial = item["serial"].as_str().unwrap().to_string();
    // The root's CRL lists it; the old intermediate's own CRL is still published.
    let entries = crl_entries(&env);
    let root_crl = entries.iter().find(|(i, _)| i.contains("Root CA")).unwrap();
    assert_eq!(root_crl.1, std::slice::from_ref(&inter_serial));
    assert_eq!(
        entries.len(),
        3,
        "new and old intermediate, one root: {entries:?}"
    );

    for n in ["n1", "c1", "c2"] {
        assert_refused_as_revoked(&env, n);
        let v = env.run(&["-o", "json", "verify", &crt(&env, n)]);
        assert_eq!(v.code, 1, "{n}: {}", v.stdout);
        assert_eq!(v.json()["revocation"]["status"], "revoked", "{n}");
    }
    assert_accepted(&env, "fresh");
    let st = statuses(&env);
    for (name, status, reason) in &st {
        if name == "fresh" {
            assert_eq!((status.as_str(), reason.as_str()), ("valid", ""));
        } else {
            assert_eq!(
                (status.as_str(), reason.as_str()),
                ("revoked", "caCompromise (issuer revoked)"),
                "{name}"
            );
        }
    }
    let show = json(&env, &["cert", "show", "c1"]);
    assert_eq!(show["status"], "revoked");
    assert_eq!(
        show["revocation"]["reason"],
        "caCompromise (issuer revoked)"
    );

    // Re-issue from the new intermediate: accepted.
    env.run(&["cert", "renew", "c1"]).ok();
    env.run(&["cert", "renew", "n1"]).ok();
    assert_accepted(&env, "c1");
    assert_accepted(&env, "n1");
    assert_refused_as_revoked(&env, "c2");
    // Later CRLs keep the revocation (it is stored, not a one-off CRL).
    env.run(&["crl"]).ok();
    env.run(&["--yes", "revoke", "fresh"]).ok();
    let root_crl = crl_entries(&env)
        .into_iter()
        .find(|(i, _)| i.contains("Root CA"))
        .unwrap();
    assert_eq!(root_crl.1, std::slice::from_ref(&inter_serial));
    assert_refused_as_revoked(&env, "c2");
    assert_accepted(&env, "c1");
    // Again, by serial prefix: already revoked, nothing to do.
    let r = env.run(&["--yes", "revoke", &inter_serial[..12]]).ok();
    assert!(r.stderr.contains("already revoked"), "{}", r.stderr);
    env.run(&["store", "check"]).ok();
    // A published CRL that lost the revoked intermediate (one from before it was revoked,
    // put back) is a finding of `store check`, and openssl, reading that CRL, lets the leaf
    // below the intermediate in: the check tells the truth the nodes would act on.
    std::fs::write(env.pki().join("crl.pem"), &crl_before).unwrap();
    let r = env.run(&["-o", "json", "store", "check"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let findings: Vec<String> = r.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["detail"].as_str().unwrap().to_string())
        .collect();
    assert!(
        findings.iter().any(|f| f
            == &format!("intermediate CA {inter_serial} is revoked (ca-revocations.log) but crl.pem does not list it (run `secctl crl`)")),
        "{findings:?}"
    );
    let v = openssl_crl_verify(&env, "c2");
    assert_eq!(
        v.code, 0,
        "the old CRL should let c2 in: {}{}",
        v.stdout, v.stderr
    );
    env.run(&["crl"]).ok();
    env.run(&["store", "check"]).ok();
    assert_refused_as_revoked(&env, "c2");
}

/// A CA without an intermediate has nothing to rotate alone; a root key that is offline
/// cannot sign a new intermediate, nor a root CRL listing a revoked one. Nothing changes.
#[test]
fn intermediate_rotation_and_revocation_refusals() {
    let env = Env::new();
    env.run(&["ca", "init"]).ok();
    let before = snapshot(&env.pki());
    env.run(&["--yes", "ca", "rotate", "--intermediate-only"])
        .usage_error(&["no intermediate", "ca rotate"]);
    assert_eq!(snapshot(&env.pki()), before);

    let env = Env::new();
    env.run(&["ca", "init", "--intermediate"]).ok();
    env.run(&["cert", "client", "c", "--role", "r"]).ok();
    let r = json(&env, &["--yes", "ca", "rotate", "--intermediate-only"]);
    let gen = r["previous_generation"].as_str().unwrap().to_string();
    let key = env.pki().join("ca/root.key");
    let away = env.path("root.key.offline");
    std::fs::rename(&key, &away).unwrap();
    let before = snapshot(&env.pki());
    env.run(&["--yes", "ca", "rotate", "--intermediate-only"])
        .usage_error(&["root.key", "root key"]);
    let old = format!("pki/ca/previous/{gen}/intermediate.crt");
    env.run(&["--yes", "revoke", "c", &old])
        .usage_error(&["intermediate.crt", "root key is offline"]);
    env.run(&["--yes", "ca", "retire", &gen])
        .usage_error(&[&gen, "root key is offline"]);
    assert_eq!(snapshot(&env.pki()), before);
    std::fs::rename(&away, &key).unwrap();
    // --days is cut to the root's end, with a note.
    let r = env
        .run(&[
            "--yes",
            "-o",
            "json",
            "ca",
            "rotate",
            "--intermediate-only",
            "--days",
            "36500",
        ])
        .ok();
    assert!(r.stderr.contains("cut to the root's end"), "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["intermediate"]["not_after"], v["root"]["not_after"]);
}

/// `ca retire` after a full rotation: refused (one line naming them) while live certificates
/// chain to the old CA, a superseded one not counted; `--force` lists them; afterwards the
/// old CA's certificates are refused against the new ca.crt and its CRL is gone from crl.pem;
/// its files are kept in the attic.
#[test]
fn retire_drops_a_previous_ca_from_the_bundle_and_the_crls() {
    for inter in [false, true] {
        let env = Env::new();
        let mut init = vec!["ca", "init", "--name", "Prod"];
        if inter {
            init.push("--intermediate");
        }
        env.run(&init).ok();
        env.run(&["cert", "client", "a", "--role", "r"]).ok();
        env.run(&["cert", "client", "b", "--role", "r"]).ok();
        let old_issuing = if inter {
            "ca/intermediate.crt"
        } else {
            "ca/root.crt"
        };
        let old_fp = tool(
            "openssl",
            &[
                "x509",
                "-in",
                &p(&env, old_issuing),
                "-noout",
                "-fingerprint",
                "-sha256",
            ],
        )
        .ok()
        .stdout;
        let old_fp = old_fp.trim().rsplit('=').next().unwrap().to_string();
        let r = json(&env, &["--yes", "ca", "rotate"]);
        let gen = r["previous_generation"].as_str().unwrap().to_string();
        assert_eq!(r["bundle"].as_array().unwrap().len(), 2);
        env.run(&["cert", "renew", "a"]).ok(); // a's old certificate is superseded now
        env.run(&["cert", "client", "new", "--role", "r"]).ok();
        env.run(&["crl"]).ok();
        let crls_before = crl_entries(&env).len();
        assert_accepted(&env, "b");

        let before = snapshot(&env.pki());
        env.run(&["--yes", "ca", "retire", &gen]).usage_error(&[
            &gen,
            "1 live certificate",
            "client b",
            "--force",
        ]);
        env.run(&["--yes", "ca", "retire", "current"])
            .usage_error(&["current", "cannot be retired"]);
        env.run(&["--yes", "ca", "retire", "20200101T000000Z"])
            .usage_error(&["no such CA generation", &gen]);
        env.run(&["ca", "retire", &gen, "--force"])
            .usage_error(&["--yes"]);
        assert_eq!(snapshot(&env.pki()), before, "inter={inter}");

        // By fingerprint prefix (colons as openssl prints them).
        let r = json(&env, &["--yes", "ca", "retire", &old_fp[..11], "--force"]);
        assert_eq!(r["generation"], gen.as_str());
        let live: Vec<&str> = r["live"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap())
            .collect();
        assert_eq!(live, ["b"], "inter={inter}");
        assert_eq!(r["root_removed"], true);
        assert_eq!(r["intermediate_revoked"], false);
        assert_eq!(r["bundle"].as_array().unwrap().len(), 1);
        let bundle = std::fs::read_to_string(env.pki().join("ca.crt")).unwrap();
        assert_eq!(bundle.matches("BEGIN CERTIFICATE").count(), 1);
        assert_eq!(
            bundle,
            std::fs::read_to_string(env.pki().join("ca/root.crt")).unwrap()
        );
        // The old CA's certificate: refused against the new bundle (with and without CRLs).
        let r = openssl_verify_chain(
            &env.pki().join("ca.crt"),
            &env.pki().join("certs/b/b.crt"),
            None,
        );
        assert_ne!(r.code, 0, "inter={inter}: {}", r.stdout);
        assert_ne!(openssl_crl_verify(&env, "b").code, 0);
        assert_eq!(
            env.run(&["verify", &crt(&env, "b")]).code,
            1,
            "inter={inter}"
        );
        assert_accepted(&env, "new");
        assert_accepted(&env, "a");
        // `cert list` says which CA made b: a retired one (not "unknown").
        let list = json(&env, &["cert", "list"]);
        let b = list
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == "b")
            .unwrap();
        assert_eq!(b["ca"], "retired", "inter={inter}: {b}");
        // Its CRL(s) are gone from crl.pem: only the current CA's are left.
        let entries = crl_entries(&env);
        assert_eq!(
            entries.len(),
            crls_before - if inter { 2 } else { 1 },
            "inter={inter}: {entries:?}"
        );
        let current: Vec<String> = ["ca/root.crt", "ca/intermediate.crt"]
            .iter()
            .filter(|f| env.pki().join(f).exists())
            .map(|f| subject(&env, f))
            .collect();
        for (issuer, _) in &entries {
            assert!(
                current.contains(issuer),
                "inter={inter}: a CRL of the retired CA remains: {issuer} (current: {current:?})"
            );
        }
        assert!(openssl_crl_verify_ok(&env));
        // Kept for audit in the attic, keys still 0600 in 0700 directories.
        let attic = env.pki().join(format!("attic/retired/{gen}"));
        assert!(attic.join("root.crt").is_file(), "inter={inter}");
        assert_eq!(mode(&attic.join("root.key")), 0o600);
        assert_eq!(mode(&attic) & 0o077, 0);
        assert!(!env.pki().join(format!("ca/previous/{gen}")).exists());
        // Gone: retiring it again is an unknown generation.
        env.run(&["--yes", "ca", "retire", &gen])
            .usage_error(&["no such CA generation"]);
        env.run(&["cert", "client", "later", "--role", "r"]).ok();
        assert_accepted(&env, "later");
    }
}

/// The subject of a certificate file in the state directory, as `openssl crl -text` prints
/// an issuer.
fn subject(env: &Env, rel: &str) -> String {
    let out = tool(
        "openssl",
        &["x509", "-in", &p(env, rel), "-noout", "-subject"],
    )
    .ok()
    .stdout;
    out.trim().strip_prefix("subject=").unwrap().to_string()
}

/// Every CRL in crl.pem is signed by a CA of the current generation (openssl crl -verify).
fn openssl_crl_verify_ok(env: &Env) -> bool {
    let mut cas = std::fs::read_to_string(env.pki().join("ca.crt")).unwrap();
    cas.push_str(
        &std::fs::read_to_string(env.pki().join("ca/intermediate.crt")).unwrap_or_default(),
    );
    let cafile = env.write("cas.pem", &cas);
    let text = std::fs::read_to_string(env.pki().join("crl.pem")).unwrap();
    text.split_inclusive("-----END X509 CRL-----\n")
        .filter(|b| b.contains("BEGIN X509 CRL"))
        .all(|b| {
            let f = env.write("one.crl", b);
            let r = tool(
                "openssl",
                &[
                    "crl",
                    "-in",
                    f.to_str().unwrap(),
                    "-CAfile",
                    cafile.to_str().unwrap(),
                    "-verify",
                    "-noout",
                ],
            );
            r.code == 0
        })
}

/// Retiring a generation made by `ca rotate --intermediate-only`: its root stays in ca.crt
/// (the current CA uses it), so its intermediate goes into the root's CRL
/// (cessationOfOperation) and its leaves are refused by CRL-checking peers.
#[test]
fn retiring_an_old_intermediate_revokes_it_under_the_shared_root() {
    let env = Env::new();
    env.run(&["ca", "init", "--intermediate"]).ok();
    env.run(&["cert", "client", "old", "--role", "r"]).ok();
    let bundle = std::fs::read(env.pki().join("ca.crt")).unwrap();
    let r = json(&env, &["--yes", "ca", "rotate", "--intermediate-only"]);
    let gen = r["previous_generation"].as_str().unwrap().to_string();
    env.run(&["cert", "client", "new", "--role", "r"]).ok();
    assert_accepted(&env, "old");
    let r = json(&env, &["--yes", "ca", "retire", &gen, "--force"]);
    assert_eq!(r["root_removed"], false);
    assert_eq!(r["intermediate_revoked"], true);
    assert_eq!(r["live"][0]["name"], "old");
    assert_eq!(std::fs::read(env.pki().join("ca.crt")).unwrap(), bundle);
    let o = openssl_crl_verify(&env, "old");
    assert_ne!(
        o.code, 0,
        "retired intermediate's leaf accepted: {}",
        o.stdout
    );
    assert_accepted(&env, "new");
    let entries = crl_entries(&env);
    assert_eq!(entries.len(), 2, "{entries:?}");
    let root = entries.iter().find(|(i, _)| i.contains("Root CA")).unwrap();
    assert_eq!(root.1.len(), 1);
    let st = statuses(&env);
    assert!(
        st.contains(&(
            "old".into(),
            "revoked".into(),
            "cessationOfOperation (issuer revoked)".into()
        )),
        "{st:?}"
    );
}

/// Bulk revocation: many targets (arguments, `--from FILE` with comments and blank lines,
/// `--from -`) in one call publish one CRL (number + 1) listing them all; a bad target among
/// many is exit 2 naming it, and nothing is revoked.
#[test]
fn bulk_revoke_is_all_or_nothing_with_one_crl() {
    let env = Env::new();
    env.run(&["ca", "init", "--intermediate"]).ok();
    let mut serials = vec![];
    for i in 0..12 {
        let r = json(&env, &["cert", "client", &format!("c{i}"), "--role", "r"]);
        serials.push(r["serial"].as_str().unwrap().to_string());
    }
    // A bad target among many, on the command line and in a file: nothing revoked.
    let before = snapshot(&env.pki());
    env.run(&["--yes", "revoke", "c0", "c1", "nobody", "c2"])
        .usage_error(&["nobody", "no such certificate"]);
    env.write("bad.txt", "# leaving\nc3\n\nc4\nc5x\n");
    env.run(&["--yes", "revoke", "c0", "--from", "bad.txt"])
        .usage_error(&["bad.txt line 5: c5x"]);
    env.run(&["--yes", "revoke", "--from", "missing.txt"])
        .usage_error(&["missing.txt", "no such file"]);
    env.write("empty.txt", "# nothing\n\n");
    env.run(&["--yes", "revoke", "--from", "empty.txt"])
        .usage_error(&["empty.txt", "no target"]);
    env.run(&["--yes", "revoke"]).usage_error(&["TARGET"]);
    assert_eq!(snapshot(&env.pki()), before);

    let number = crl_number(&env);
    // Names, a serial prefix, a certificate file, a file of targets; c1 named twice.
    env.write(
        "leaving.txt",
        &format!(
            "# decommissioned\nc3\n\n  c4  \n{}\n# c9 stays\nc1\n",
            serials[5]
        ),
    );
    let c2_file = crt(&env, "c2");
    let r = json(
        &env,
        &[
            "--yes",
            "revoke",
            "c0",
            "c1",
            &serials[6][..10],
            &c2_file,
            "--from",
            "leaving.txt",
            "--reason",
            "cessationOfOperation",
        ],
    );
    let mut got: Vec<String> = r["revoked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["serial"].as_str().unwrap().to_string())
        .collect();
    got.sort();
    let mut want: Vec<String> = [0, 1, 6, 2, 3, 4, 5]
        .iter()
        .map(|i| serials[*i].clone())
        .collect();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(r["crl"]["number"].as_u64().unwrap(), number + 1, "one CRL");
    let mut listed: Vec<String> = crl_entries(&env).into_iter().flat_map(|(_, s)| s).collect();
    listed.sort();
    assert_eq!(listed, want);
    for (i, serial) in serials.iter().enumerate() {
        let n = format!("c{i}");
        if want.contains(serial) {
            assert_refused_as_revoked(&env, &n);
        } else {
            assert_accepted(&env, &n);
        }
    }
    // From standard input; already revoked ones are reported as such.
    let mut c = std::process::Command::new(bin());
    c.current_dir(env.tmp.path())
        .args(["--dir", env.pki().to_str().unwrap(), "--yes", "-o", "json"])
        .args(["revoke", "--from", "-"])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"c7\nc8\nc0\n").unwrap();
    }
    let out = to_run(child.wait_with_output().unwrap()).ok();
    let v = out.json();
    assert_eq!(v["revoked"].as_array().unwrap().len(), 2);
    assert_eq!(v["already_revoked"][0]["name"], "c0");
    assert_eq!(v["crl"]["number"].as_u64().unwrap(), number + 2);
    let st = statuses(&env);
    let revoked = st.iter().filter(|(_, s, _)| s == "revoked").count();
    assert_eq!(revoked, 9);
}

/// nginx with `ssl_crl` and `ssl_verify_depth 2`: after `ca rotate --intermediate-only`,
/// the old intermediate revoked (caCompromise) and the certificates re-issued, every client
/// under the old intermediate is refused and those of the new one are admitted.
#[test]
#[ignore = "needs nginx and curl (apt-get install nginx curl); run by .ci/run"]
fn nginx_refuses_every_leaf_of_a_revoked_intermediate() {
    require(
        nginx_bin().is_some() && have("curl"),
        "nginx and curl (apt-get install nginx curl)",
    );
    let env = Env::new();
    env.run(&["ca", "init", "--name", "Prod", "--intermediate"])
        .ok();
    env.run(&["cert", "client", "c1", "--role", "app"]).ok();
    env.run(&["cert", "client", "c2", "--role", "app"]).ok();
    env.run(&["cert", "client", "stays-old", "--role", "app"])
        .ok();
    let r = json(&env, &["--yes", "ca", "rotate", "--intermediate-only"]);
    let gen = r["previous_generation"].as_str().unwrap().to_string();
    // Keep copies of the old leaves: renewal rewrites the delivered files.
    let keep = |n: &str| {
        for f in ["crt", "key"] {
            std::fs::copy(
                env.pki().join(format!("certs/{n}/{n}.{f}")),
                env.path(&format!("old-{n}.{f}")),
            )
            .unwrap();
        }
    };
    keep("c1");
    keep("c2");
    env.run(&[
        "--yes",
        "revoke",
        &p(&env, &format!("ca/previous/{gen}/intermediate.crt")),
        "--reason",
        "caCompromise",
    ])
    .ok();
    env.run(&["cert", "renew", "c1"]).ok();
    env.run(&["cert", "renew", "c2"]).ok();
    env.run(&["cert", "client", "brand-new", "--role", "app"])
        .ok();
    env.run(&["cert", "node", "web", "--host", "localhost"])
        .ok();
    let ca = p(&env, "ca.crt");
    let body = format!(
        "  ssl_certificate {};\n  ssl_certificate_key {};\n  ssl_client_certificate {ca};\n  \
         ssl_verify_client on;\n  ssl_verify_depth 2;\n  ssl_crl {};\n  \
         location / {{ return 200 \"hello $ssl_client_s_dn\\n\"; }}",
        crt(&env, "web"),
        p(&env, "certs/web/web.key"),
        p(&env, "crl.pem"),
    );
    let nginx = Nginx::start(&env.path("nginx"), &body);
    let url = format!("https://localhost:{}/", nginx.port);
    let get = |cert: &str, key: &str| curl(&url, &["--cacert", &ca, "--cert", cert, "--key", key]);
    for n in ["c1", "c2", "brand-new"] {
        let (code, body) = get(&crt(&env, n), &p(&env, &format!("certs/{n}/{n}.key")));
        assert_eq!(code, 200, "{n} (new intermediate) refused: {body}");
        assert!(body.contains(&format!("CN={n}")), "{body}");
    }
    for (cert, key) in [
        (env.path("old-c1.crt"), env.path("old-c1.key")),
        (env.path("old-c2.crt"), env.path("old-c2.key")),
        (
            env.pki().join("certs/stays-old/stays-old.crt"),
            env.pki().join("certs/stays-old/stays-old.key"),
        ),
    ] {
        let (code, body) = get(cert.to_str().unwrap(), key.to_str().unwrap());
        assert_eq!(
            code,
            400,
            "{} under the revoked intermediate accepted: {body}",
            cert.display()
        );
    }
    let log = std::fs::read_to_string(nginx.dir.join("error.log")).unwrap_or_default();
    assert!(
        log.contains("certificate revoked"),
        "nginx should say why: {log}"
    );
    // openssl agrees on the same files.
    assert_refused_as_revoked(&env, "stays-old");
    for n in ["c1", "c2", "brand-new", "web"] {
        assert_accepted(&env, n);
    }
    drop(nginx);
}

/// Issue #30: a superseded certificate of a retired CA that `revoke NAME` covered is not
/// "missing from the CRL" (the retired CA is trusted nowhere and publishes no CRL); a
/// revocation of the current CA's certificate missing from crl.pem still is.
#[test]
fn store_check_does_not_ask_a_retired_ca_to_list_its_revocations() {
    let env = Env::new();
    env.run(&["ca", "init", "--name", "Prod"]).ok();
    env.run(&["cert", "client", "rails", "--role", "app"]).ok();
    env.run(&["--yes", "ca", "rotate"]).ok();
    env.run(&["cert", "renew", "rails"]).ok();
    let gen = std::fs::read_dir(env.pki().join("ca/previous"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name()
        .into_string()
        .unwrap();
    env.run(&["--yes", "ca", "retire", &gen]).ok();
    env.run(&["--yes", "revoke", "rails"]).ok();
    let r = env.run(&["store", "check"]);
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("does not list"), "{}", r.stdout);
    assert_eq!(env.run(&["check"]).code, 0);

    // The current CA's revocation left out of crl.pem is still reported.
    let crl = env.pki().join("crl.pem");
    let before = std::fs::read(&crl).unwrap();
    env.run(&["cert", "client", "sidekiq", "--role", "app"])
        .ok();
    env.run(&["--yes", "revoke", "sidekiq"]).ok();
    std::fs::write(&crl, &before).unwrap();
    let r = env.run(&["store", "check"]);
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("crl.pem does not list it"),
        "{}",
        r.stdout
    );
}
