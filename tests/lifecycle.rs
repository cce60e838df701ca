//! Revocation, CRLs, renewal, CA rotation and offline verification, checked against OpenSSL.

mod common;

use common::*;
use serde::Deserialize;

fn p(env: &Env, rel: &str) -> String {
    env.pki().join(rel).display().to_string()
}
fn crt(env: &Env, n: &str) -> String {
    p(env, &format!("certs/{n}/{n}.crt"))
}

/// `openssl verify -crl_check_all` with the leaf file's own intermediate as untrusted.
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

#[test]
fn openssl_crl_check_refuses_exactly_the_revoked() {
    for inter in [false, true] {
        let env = Env::new();
        let mut init = vec!["ca", "init", "--name", "Prod"];
        if inter {
            init.push("--intermediate");
        }
        env.run(&init).ok();
        for n in ["a", "b", "c", "d"] {
            env.run(&["cert", "client", n, "--role", "gitlab"]).ok();
        }
        env.run(&["cert", "node", "n1", "--host", "n1"]).ok();
        // Before any revocation, `crl` publishes an empty but valid CRL.
        env.run(&["crl"]).ok();
        for n in ["a", "b", "c", "d", "n1"] {
            let r = openssl_crl_verify(&env, n);
            assert_eq!(r.code, 0, "inter={inter} {n}: {}{}", r.stdout, r.stderr);
        }
        env.run(&["--yes", "revoke", "b", "--reason", "keyCompromise"])
            .ok();
        env.run(&["--yes", "revoke", "n1", "--reason", "cessationOfOperation"])
            .ok();
        for (n, revoked) in [
            ("a", false),
            ("b", true),
            ("c", false),
            ("d", false),
            ("n1", true),
        ] {
            let r = openssl_crl_verify(&env, n);
            if revoked {
                assert_ne!(r.code, 0, "inter={inter}: revoked {n} accepted");
                assert!(
                    r.stdout.contains("certificate revoked")
                        || r.stderr.contains("certificate revoked"),
                    "{}{}",
                    r.stdout,
                    r.stderr
                );
            } else {
                assert_eq!(
                    r.code, 0,
                    "inter={inter}: {n} refused: {}{}",
                    r.stdout, r.stderr
                );
            }
        }
        // The CRL says what RFC 5280 asks: AKI, number, reasons, next update.
        let text = tool(
            "openssl",
            &["crl", "-in", &p(&env, "crl.pem"), "-noout", "-text"],
        )
        .ok()
        .stdout;
        for want in [
            "Authority Key Identifier",
            "CRL Number",
            "Key Compromise",
            "Cessation Of Operation",
            "Next Update",
        ] {
            assert!(text.contains(want), "CRL lacks {want}: {text}");
        }
        // openssl crl -verify against the issuing CA.
        let issuing = if inter {
            p(&env, "ca/intermediate.crt")
        } else {
            p(&env, "ca/root.crt")
        };
        let first_crl = std::fs::read_to_string(p(&env, "crl.pem")).unwrap();
        let first_crl = first_crl
            .split_inclusive("-----END X509 CRL-----\n")
            .next()
            .unwrap()
            .to_string();
        let f = env.write("first.crl", &first_crl);
        let r = tool(
            "openssl",
            &[
                "crl",
                "-in",
                f.to_str().unwrap(),
                "-CAfile",
                &issuing,
                "-noout",
                "-verify",
            ],
        );
        assert!(
            r.stderr.contains("verify OK") || r.stdout.contains("verify OK"),
            "{}{}",
            r.stdout,
            r.stderr
        );

        // cert list shows them revoked.
        let list = env.run(&["-o", "json", "cert", "list"]).ok().json();
        for i in list.as_array().unwrap() {
            let want = if ["b", "n1"].contains(&i["name"].as_str().unwrap()) {
                "revoked"
            } else {
                "valid"
            };
            assert_eq!(i["status"], want, "{i}");
        }
    }
}

#[derive(Deserialize)]
struct CrlOut {
    number: u64,
}

#[test]
fn revoke_semantics_and_crl_numbers() {
    let env = Env::new();
    env.run(&["ca", "init"]).ok();
    env.run(&["cert", "client", "c1", "--role", "r"]).ok();
    let before = snapshot(&env.pki());
    // No terminal, no --yes: refused, nothing changed.
    env.run(&["revoke", "c1"]).usage_error(&["--yes"]);
    env.run(&["--yes", "revoke", "nobody"])
        .usage_error(&["nobody", "no such certificate"]);
    env.run(&["--yes", "revoke", "c1", "--reason", "bogus"]);
    assert_eq!(before, snapshot(&env.pki()));

    let n1: CrlOut = serde_json::from_str(&env.run(&["-o", "json", "crl"]).ok().stdout).unwrap();
    let r = env
        .run(&["--yes", "-o", "json", "revoke", "c1"])
        .ok()
        .json();
    assert_eq!(r["revoked"][0]["name"], "c1");
    let n2 = r["crl"]["number"].as_u64().unwrap();
    assert!(
        n2 > n1.number,
        "CRL number must grow: {} then {n2}",
        n1.number
    );
    // Twice: a no-op with a message, exit 0, no new CRL.
    let before = snapshot(&env.pki());
    let again = env.run(&["--yes", "revoke", "c1"]).ok();
    assert!(again.stdout.contains("already revoked"), "{}", again.stdout);
    assert_eq!(before, snapshot(&env.pki()));
    let n3: CrlOut =
        serde_json::from_str(&env.run(&["-o", "json", "crl", "--days", "2"]).ok().stdout).unwrap();
    assert!(n3.number > n2);
}

#[test]
fn renew_reuse_key_and_revoke_old() {
    let env = Env::new();
    env.run(&["ca", "init"]).ok();
    env.run(&[
        "cert", "node", "n1", "--host", "n1.local", "--host", "10.1.1.1", "--role", "gitaly",
    ])
    .ok();
    let pubkey = |env: &Env| {
        tool(
            "openssl",
            &["x509", "-in", &crt(env, "n1"), "-noout", "-pubkey"],
        )
        .ok()
        .stdout
    };
    let serial = |env: &Env| {
        tool(
            "openssl",
            &["x509", "-in", &crt(env, "n1"), "-noout", "-serial"],
        )
        .ok()
        .stdout
    };
    let (k0, s0) = (pubkey(&env), serial(&env));
    env.run(&["cert", "renew", "n1", "--reuse-key"]).ok();
    let (k1, s1) = (pubkey(&env), serial(&env));
    assert_eq!(k0, k1, "--reuse-key kept the key");
    assert_ne!(s0, s1, "a new serial");
    let v = env
        .run(&["-o", "json", "cert", "renew", "n1", "--revoke-old"])
        .ok()
        .json();
    assert_eq!(v["old_revoked"], true);
    let (k2, _) = (pubkey(&env), serial(&env));
    assert_ne!(k1, k2, "a new key without --reuse-key");
    // Same identity: SANs, role, SPIFFE id.
    let t = tool(
        "openssl",
        &["x509", "-in", &crt(&env, "n1"), "-noout", "-text"],
    )
    .ok()
    .stdout;
    for want in [
        "DNS:n1.local",
        "IP Address:10.1.1.1",
        "URI:spiffe://secctl.local/gitaly/n1",
        "OU = gitaly",
    ] {
        assert!(t.contains(want), "{want}: {t}");
    }
    let statuses = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["-o", "json", "cert", "list"];
        a.extend_from_slice(args);
        env.run(&a)
            .ok()
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["status"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        statuses(&["--all"]),
        ["superseded", "revoked", "valid"],
        "oldest first: original (superseded by a newer one of its name), revoked, current"
    );
    // By default only the newest certificate of each name: the one that counts.
    assert_eq!(statuses(&[]), ["valid"]);
    // Filters: the current one, the superseded ones, a role, a kind.
    let only = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["-o", "json", "cert", "list"];
        a.extend_from_slice(args);
        env.run(&a)
            .ok()
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                format!(
                    "{} {}",
                    i["name"].as_str().unwrap(),
                    i["status"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(only(&["--status", "valid"]), ["n1 valid"]);
    assert_eq!(
        only(&["--status", "superseded", "--status", "revoked"]),
        ["n1 superseded", "n1 revoked"]
    );
    assert_eq!(
        only(&["--role", "gitaly", "--kind", "node", "--name", "n1"]).len(),
        1
    );
    assert_eq!(
        only(&["--role", "gitaly", "--kind", "node", "--name", "n1", "--all"]).len(),
        3
    );
    assert!(only(&["--role", "praefect"]).is_empty());
    assert!(only(&["--kind", "client"]).is_empty());
    let r = env.run(&["cert", "list", "--role", "praefect"]).ok();
    assert!(r.stderr.contains("no certificate matches"), "{}", r.stderr);
    env.run(&["cert", "renew", "ghost"]).usage_error(&["ghost"]);
}

#[test]
fn rotation_keeps_old_and_new_certificates_trusted() {
    for inter in [false, true] {
        let env = Env::new();
        let mut init = vec!["ca", "init", "--name", "Prod"];
        if inter {
            init.push("--intermediate");
        }
        env.run(&init).ok();
        env.run(&["cert", "node", "old", "--host", "old.local"])
            .ok();
        let r = env
            .run(&["--yes", "-o", "json", "ca", "rotate"])
            .ok()
            .json();
        assert_eq!(r["bundle"].as_array().unwrap().len(), 2);
        assert_eq!(r["to_renew"][0]["name"], "old");
        env.run(&["cert", "node", "new", "--host", "new.local"])
            .ok();
        env.run(&["crl"]).ok();
        for n in ["old", "new"] {
            let c = crt(&env, n);
            let r = tool(
                "openssl",
                &[
                    "verify",
                    "-CAfile",
                    &p(&env, "ca.crt"),
                    "-untrusted",
                    &c,
                    &c,
                ],
            );
            assert_eq!(r.code, 0, "inter={inter} {n}: {}{}", r.stdout, r.stderr);
            assert_eq!(
                openssl_crl_verify(&env, n).code,
                0,
                "inter={inter} {n} with CRLs"
            );
            env.run(&["verify", &c, "--usage", "server"]).ok();
        }
        // The new node's bundle holds both roots, so it trusts the old node and vice versa.
        let bundle = std::fs::read_to_string(p(&env, "certs/new/ca.crt")).unwrap();
        assert_eq!(bundle.matches("BEGIN CERTIFICATE").count(), 2);
        let list = env.run(&["-o", "json", "cert", "list"]).ok().json();
        let ca_of = |n: &str| {
            list.as_array()
                .unwrap()
                .iter()
                .find(|i| i["name"] == n)
                .unwrap()["ca"]
                .as_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(
            (ca_of("old"), ca_of("new")),
            ("previous".into(), "current".into())
        );
        // Revoking a certificate of the previous CA lands in that CA's CRL.
        env.run(&["--yes", "revoke", "old"]).ok();
        assert_ne!(
            openssl_crl_verify(&env, "old").code,
            0,
            "inter={inter}: revoked old cert accepted"
        );
        assert_eq!(openssl_crl_verify(&env, "new").code, 0);
        env.run(&["cert", "renew", "old"]).ok();
        assert_eq!(
            openssl_crl_verify(&env, "old").code,
            0,
            "renewed from the new CA"
        );
    }
}

/// (case, secctl arguments, openssl arguments, the checks secctl must name as failed).
type Case<'a> = (&'a str, Vec<String>, Vec<String>, Option<&'a [&'a str]>);

/// One row of the agreement table: secctl's verdict and the check it names, and openssl's.
#[test]
fn verify_agrees_with_openssl() {
    let env = Env::new();
    env.run(&["ca", "init", "--intermediate"]).ok();
    env.run(&[
        "cert",
        "node",
        "srv",
        "--host",
        "srv.local",
        "--role",
        "gitaly",
    ])
    .ok();
    env.run(&["cert", "client", "cli", "--role", "gitlab"]).ok();
    env.run(&["cert", "client", "bad", "--role", "gitlab"]).ok();
    env.run(&["--yes", "revoke", "bad"]).ok();
    let other = Env::new();
    other.run(&["ca", "init"]).ok();
    other
        .run(&[
            "cert",
            "node",
            "srv",
            "--host",
            "srv.local",
            "--role",
            "gitaly",
        ])
        .ok();

    let ca = p(&env, "ca.crt");
    let crl = p(&env, "crl.pem");
    let far_future = "2099-01-01T00:00:00Z";
    let past = "2001-01-01T00:00:00Z";
    // (case, secctl args, openssl args, expected secctl failed check or None)
    // At another time the CRL is out of its validity too: both checks fail, as in openssl.
    let cases: Vec<Case> = vec![
        (
            "good",
            vec![
                crt(&env, "srv"),
                "--host".into(),
                "srv.local".into(),
                "--usage".into(),
                "server".into(),
            ],
            vec![
                "-verify_hostname".into(),
                "srv.local".into(),
                "-purpose".into(),
                "sslserver".into(),
                crt(&env, "srv"),
            ],
            None,
        ),
        (
            "expired",
            vec![crt(&env, "srv"), "--at".into(), far_future.into()],
            vec!["-attime".into(), "4070908800".into(), crt(&env, "srv")],
            Some(&["validity", "revocation"]),
        ),
        (
            "not yet valid",
            vec![crt(&env, "srv"), "--at".into(), past.into()],
            vec!["-attime".into(), "978307200".into(), crt(&env, "srv")],
            Some(&["validity", "revocation"]),
        ),
        (
            "wrong host",
            vec![crt(&env, "srv"), "--host".into(), "evil.local".into()],
            vec![
                "-verify_hostname".into(),
                "evil.local".into(),
                crt(&env, "srv"),
            ],
            Some(&["host"]),
        ),
        (
            "revoked",
            vec![crt(&env, "bad")],
            vec![crt(&env, "bad")],
            Some(&["revocation"]),
        ),
        (
            "client as server",
            vec![crt(&env, "cli"), "--usage".into(), "server".into()],
            vec!["-purpose".into(), "sslserver".into(), crt(&env, "cli")],
            Some(&["usage"]),
        ),
    ];
    for (case, sargs, oargs, failed) in cases {
        let mut s: Vec<&str> = vec!["-o", "json", "verify", "--ca", &ca, "--crl", &crl];
        s.extend(sargs.iter().map(String::as_str));
        let r = env.run(&s);
        let leaf = oargs.last().unwrap().clone();
        let mut o: Vec<&str> = vec![
            "verify",
            "-crl_check_all",
            "-CAfile",
            &ca,
            "-CRLfile",
            &crl,
            "-untrusted",
            &leaf,
        ];
        o.extend(oargs.iter().map(String::as_str));
        let ossl = tool("openssl", &o);
        let v = r.json();
        match failed {
            None => {
                assert_eq!(
                    (r.code, ossl.code),
                    (0, 0),
                    "{case}: {}{}",
                    r.stdout,
                    ossl.stderr
                );
                assert_eq!(v["ok"], true);
            }
            Some(checks) => {
                assert_eq!(r.code, 1, "{case}: secctl should fail: {}", r.stdout);
                assert_ne!(ossl.code, 0, "{case}: openssl should fail: {}", ossl.stdout);
                let failed: Vec<&str> = v["checks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|c| c["ok"] == false)
                    .map(|c| c["check"].as_str().unwrap())
                    .collect();
                assert_eq!(failed, checks, "{case}");
            }
        }
    }
    // Another CA: both refuse (secctl names the chain check).
    let r = env.run(&["-o", "json", "verify", "--ca", &ca, &crt(&other, "srv")]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("not issued by a CA in"), "{}", r.stdout);
    let o = tool("openssl", &["verify", "-CAfile", &ca, &crt(&other, "srv")]);
    assert_ne!(o.code, 0);
    // Wrong role: openssl has no role check; the subject it prints shows the OU secctl reads.
    let r = env.run(&["verify", &crt(&env, "srv"), "--role", "praefect"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains("expected role praefect") && r.stdout.contains("OU=gitaly"),
        "{}",
        r.stdout
    );
    let subj = tool(
        "openssl",
        &["x509", "-in", &crt(&env, "srv"), "-noout", "-subject"],
    )
    .ok()
    .stdout;
    assert!(subj.contains("OU = gitaly"), "{subj}");
    env.run(&["verify", &crt(&env, "srv"), "--role", "gitaly"])
        .ok();
}

#[test]
fn verify_refuses_unusable_input() {
    let env = Env::new();
    env.run(&["ca", "init"]).ok();
    env.run(&["cert", "client", "c", "--role", "r"]).ok();
    env.run(&["crl"]).ok();
    let other = Env::new();
    other.run(&["ca", "init"]).ok();
    other.run(&["crl"]).ok();
    let c = crt(&env, "c");
    let ca = p(&env, "ca.crt");
    let garbage = env.write(
        "garbage.pem",
        "-----BEGIN X509 CRL-----\nnot base64 at all!!\n-----END X509 CRL-----\n",
    );
    let garbage = garbage.to_str().unwrap();
    let full = std::fs::read_to_string(p(&env, "crl.pem")).unwrap();
    let truncated = env.write("trunc.pem", &full[..full.len() / 2]);
    let notcert = env.write("notes.txt", "hello\n");
    let empty = env.write("empty.pem", "");
    let key_only = p(&env, "certs/c/c.key");
    let other_crl = p(&other, "crl.pem");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["verify", &c, "--ca", &ca, "--crl", garbage],
            "garbage.pem",
        ),
        (
            vec![
                "verify",
                &c,
                "--ca",
                &ca,
                "--crl",
                truncated.to_str().unwrap(),
            ],
            "trunc.pem",
        ),
        (
            vec!["verify", &c, "--ca", &ca, "--crl", &other_crl],
            "CRL from another CA",
        ),
        (vec!["verify", notcert.to_str().unwrap()], "notes.txt"),
        (vec!["verify", empty.to_str().unwrap()], "empty file"),
        (vec!["verify", &key_only], "no PEM certificate"),
        (vec!["verify", &c, "--ca", &c], "not a CA certificate"),
        (
            vec!["verify", &c, "--ca", &ca, "--at", "tomorrow"],
            "invalid --at",
        ),
        (vec!["verify", "/nonexistent/x.pem"], "/nonexistent/x.pem"),
        (
            vec!["verify", env.tmp.path().to_str().unwrap()],
            "directory",
        ),
    ];
    for (args, needle) in cases {
        env.run(&args).usage_error(&[needle]);
    }
}

fn revocation_of(r: &Run) -> (String, bool) {
    let v = r.json();
    let row = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "revocation")
        .unwrap_or_else(|| panic!("no revocation row: {v}"))
        .clone();
    assert_eq!(row["ok"], v["revocation"]["ok"], "{v}");
    (
        v["revocation"]["status"].as_str().unwrap().to_string(),
        row["ok"].as_bool().unwrap(),
    )
}

/// A revoked certificate is never `verified`: not with `--ca` alone, not without crl.pem,
/// not with a CRL past its nextUpdate, not with a CRL from another CA.
#[test]
fn verify_never_skips_revocation() {
    let env = Env::new();
    env.run(&["ca", "init", "--intermediate"]).ok();
    assert!(
        env.pki().join("crl.pem").exists(),
        "ca init publishes an empty CRL"
    );
    env.run(&["cert", "client", "good", "--role", "r"]).ok();
    env.run(&["cert", "client", "bad", "--role", "r"]).ok();
    env.run(&["--yes", "revoke", "bad", "--reason", "keyCompromise"])
        .ok();
    let ca = p(&env, "ca.crt");
    let (good, bad) = (crt(&env, "good"), crt(&env, "bad"));
    let json = |args: &[&str]| {
        let mut a = vec!["-o", "json", "verify"];
        a.extend_from_slice(args);
        env.run(&a)
    };
    // The state directory's crl.pem: revoked, with date and reason.
    let r = json(&[&bad]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(revocation_of(&r), ("revoked".into(), false));
    assert_eq!(r.json()["revocation"]["reason"], "keyCompromise");
    assert!(r.json()["revocation"]["revoked_at"].is_string());
    let r = json(&[&good]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(revocation_of(&r), ("ok".into(), true));
    // --ca alone (no --crl): not checked, which fails.
    for c in [&bad, &good] {
        let r = json(&[c, "--ca", &ca]);
        assert_eq!(r.code, 1, "{}", r.stdout);
        assert_eq!(revocation_of(&r), ("not checked".into(), false));
    }
    let t = env.run(&["verify", &bad, "--ca", &ca]);
    assert!(t.stdout.contains("revocation  NOT CHECKED"), "{}", t.stdout);
    assert!(!t.stdout.contains("\nverified"), "{}", t.stdout);
    // --no-revocation accepts the unknown status, never a revocation.
    let r = json(&[&good, "--ca", &ca, "--no-revocation"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(revocation_of(&r), ("not checked".into(), true));
    let r = json(&[&bad, "--no-revocation"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(revocation_of(&r), ("revoked".into(), false));
    // No crl.pem at all.
    let saved = std::fs::read(env.pki().join("crl.pem")).unwrap();
    std::fs::remove_file(env.pki().join("crl.pem")).unwrap();
    for c in [&bad, &good] {
        let r = json(&[c]);
        assert_eq!(r.code, 1, "{}", r.stdout);
        assert_eq!(revocation_of(&r), ("not checked".into(), false));
    }
    std::fs::write(env.pki().join("crl.pem"), &saved).unwrap();
    // Past nextUpdate (30 days): not checked for the good one, still revoked for the bad one.
    let later = (time::OffsetDateTime::now_utc() + time::Duration::days(40))
        .unix_timestamp()
        .to_string();
    let at = format!("@{later}");
    let r = json(&[&good, "--at", &at]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(revocation_of(&r), ("not checked".into(), false));
    assert!(r.stdout.contains("expired at"), "{}", r.stdout);
    assert!(r.stderr.contains("warning"), "{}", r.stderr);
    let o = tool(
        "openssl",
        &[
            "verify",
            "-crl_check_all",
            "-attime",
            &later,
            "-CAfile",
            &ca,
            "-untrusted",
            &good,
            "-CRLfile",
            &p(&env, "crl.pem"),
            &good,
        ],
    );
    assert_ne!(o.code, 0, "openssl accepts an expired CRL");
    let r = json(&[&bad, "--at", &at]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    // A CRL from another CA only: never verified.
    let other = Env::new();
    other.run(&["ca", "init"]).ok();
    for c in [&bad, &good] {
        let r = env.run(&["verify", c, "--crl", &p(&other, "crl.pem")]);
        assert_ne!(r.code, 0, "{}", r.stdout);
        assert!(!r.stdout.contains("verified"), "{}", r.stdout);
    }
    // A CRL close to its nextUpdate: verified, with a warning (and in `ca show`).
    env.run(&["crl", "--days", "3"]).ok();
    let r = json(&[&good]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stderr.contains("within 7 days"), "{}", r.stderr);
    assert!(!r.json()["warnings"].as_array().unwrap().is_empty());
    let s = env.run(&["ca", "show"]).ok();
    assert!(s.stderr.contains("within 7 days"), "{}", s.stderr);
}

/// The root key offline: `revoke` keeps the root's CRL in crl.pem (copied forward), so that
/// `openssl verify -crl_check_all` accepts a valid certificate and refuses the revoked one.
/// Back online, `crl --root-crl-days` signs a new root CRL with its own lifetime.
#[test]
fn root_crl_survives_an_offline_root_key() {
    let env = Env::new();
    env.run(&["ca", "init", "--intermediate"]).ok();
    env.run(&["cert", "client", "good", "--role", "r"]).ok();
    env.run(&["cert", "client", "bad", "--role", "r"]).ok();
    let key = env.pki().join("ca/root.key");
    let away = env.path("root.key.offline");
    std::fs::rename(&key, &away).unwrap();
    let r = env.run(&["--yes", "revoke", "bad"]).ok();
    assert!(
        r.stderr.contains("root CRL in crl.pem is kept"),
        "{}",
        r.stderr
    );
    for (n, ok) in [("good", true), ("bad", false)] {
        let o = openssl_crl_verify(&env, n);
        assert_eq!(o.code == 0, ok, "{n}: {}{}", o.stdout, o.stderr);
        let v = env.run(&["verify", &crt(&env, n)]);
        assert_eq!(v.code == 0, ok, "{n}: {}", v.stdout);
    }
    env.run(&["crl"]).ok();
    assert_eq!(openssl_crl_verify(&env, "good").code, 0);
    // Root key back: a root CRL with its own lifetime.
    std::fs::rename(&away, &key).unwrap();
    let c = env
        .run(&["-o", "json", "crl", "--root-crl-days", "3"])
        .ok()
        .json();
    assert_eq!(c["crls"].as_array().unwrap().len(), 2, "{c}");
    let s = env.run(&["ca", "show"]).ok();
    assert!(
        s.stderr.contains("Root CA") && s.stderr.contains("within 7 days"),
        "{}",
        s.stderr
    );
    assert_eq!(openssl_crl_verify(&env, "good").code, 0);
}

#[derive(Deserialize)]
struct VerifyReport {
    ok: bool,
    checks: Vec<VerifyCheck>,
    revocation: VerifyRevocation,
    findings: Vec<VerifyFinding>,
}
#[derive(Deserialize)]
struct VerifyCheck {
    check: String,
    ok: bool,
    detail: String,
}
#[derive(Deserialize)]
struct VerifyRevocation {
    status: String,
}
#[derive(Deserialize)]
struct VerifyFinding {
    depth: usize,
    subject: String,
    rule: String,
}

/// A file holding only the leaf verifies: its intermediate is found in the state directory
/// (the current generation's and, after `ca rotate`, the previous one's) or in `--untrusted`.
#[test]
fn verify_finds_intermediates_in_the_state_directory_and_untrusted() {
    let env = Env::new();
    env.run(&["ca", "init", "--intermediate"]).ok();
    env.run(&["cert", "node", "old", "--host", "old.local"])
        .ok();
    let leaf_only = |n: &str| {
        let out = env.path(&format!("{n}-leaf.pem"));
        tool(
            "openssl",
            &["x509", "-in", &crt(&env, n), "-out", out.to_str().unwrap()],
        )
        .ok();
        out.display().to_string()
    };
    let report = |args: &[&str]| -> (i32, VerifyReport) {
        let mut a = vec!["-o", "json", "verify"];
        a.extend_from_slice(args);
        let r = env.run(&a);
        (r.code, serde_json::from_str(&r.stdout).unwrap())
    };
    let old = leaf_only("old");
    let (code, v) = report(&[&old]);
    assert_eq!((code, v.ok), (0, true));
    assert_eq!(v.revocation.status, "ok");
    assert_eq!(
        v.checks
            .iter()
            .map(|c| c.check.as_str())
            .collect::<Vec<_>>(),
        ["validity", "chain", "revocation"]
    );
    env.run(&["--yes", "ca", "rotate"]).ok();
    env.run(&["cert", "node", "new", "--host", "new.local"])
        .ok();
    env.run(&["crl"]).ok();
    for f in [&old, &leaf_only("new")] {
        let (code, v) = report(&[f]);
        assert_eq!(
            code,
            0,
            "{f}: {:?}",
            v.checks.iter().map(|c| &c.detail).collect::<Vec<_>>()
        );
    }
    // Another state directory (no intermediates there): refused, unless --untrusted has it.
    let elsewhere = Env::new();
    let ca = p(&env, "ca.crt");
    let crl = p(&env, "crl.pem");
    let r = elsewhere.run(&["-o", "json", "verify", &old, "--ca", &ca, "--crl", &crl]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let v: VerifyReport = serde_json::from_str(&r.stdout).unwrap();
    let chain = v.checks.iter().find(|c| c.check == "chain").unwrap();
    assert!(
        !chain.ok && chain.detail.contains("not issued by a CA in"),
        "{}",
        chain.detail
    );
    let prev = std::fs::read_dir(env.pki().join("ca/previous"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .join("intermediate.crt");
    let r = elsewhere.run(&[
        "-o",
        "json",
        "verify",
        &old,
        "--ca",
        &ca,
        "--crl",
        &crl,
        "--untrusted",
        prev.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    // A CA certificate given as the leaf verifies: RFC 5280 has no rule against it (the
    // x509-limbo case rfc5280::ca-as-leaf); the intermediate chains to the root, and the
    // root's CRL covers it.
    let (code, v) = report(&[&p(&env, "ca/intermediate.crt")]);
    assert_eq!(
        (code, v.ok),
        (0, true),
        "{:?}",
        v.checks.iter().map(|c| &c.detail).collect::<Vec<_>>()
    );
    assert!(
        v.findings.is_empty(),
        "{:?}",
        v.findings
            .iter()
            .map(|f| (f.depth, &f.subject, &f.rule))
            .collect::<Vec<_>>()
    );
}

/// Issue #30: `cert renew --exec CMD` runs CMD once the renewed files are in place, with
/// them in SECCTL_CHANGED_FILES; a failing CMD is reported and exits 1, the files staying.
#[test]
fn renew_exec_runs_after_the_files_are_written() {
    let env = Env::new();
    env.run(&["ca", "init"]).ok();
    env.run(&["cert", "node", "n1", "--host", "n1.local", "--role", "web"])
        .ok();
    let fp = |env: &Env| {
        tool(
            "openssl",
            &[
                "x509",
                "-in",
                &crt(env, "n1"),
                "-noout",
                "-fingerprint",
                "-sha256",
            ],
        )
        .ok()
        .stdout
    };
    let before = fp(&env);
    // The command sees the new certificate (not the old one) in place.
    let r = env.run(&[
        "cert",
        "renew",
        "n1",
        "--exec",
        "openssl x509 -in \"$SECCTL_OUT_DIR/n1.crt\" -noout -fingerprint -sha256 > seen; echo \"$SECCTL_CHANGED_FILES\" > changed",
    ]);
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    assert!(r.stdout.contains("exec: ok (exited 0)"), "{}", r.stdout);
    let after = fp(&env);
    assert_ne!(before, after);
    assert_eq!(std::fs::read_to_string(env.path("seen")).unwrap(), after);
    let changed = std::fs::read_to_string(env.path("changed")).unwrap();
    let names: Vec<&str> = changed
        .lines()
        .map(|l| l.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(names, ["n1.crt", "n1.key", "ca.crt"], "{changed}");

    // A failing command: exit 1, reported, the renewed files in place.
    let r = env.run(&["-o", "json", "cert", "renew", "n1", "--exec", "exit 5"]);
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    let j = r.json();
    assert_eq!(j["exec"]["ok"], false);
    assert_eq!(j["exec"]["exit_code"], 5);
    let now = fp(&env);
    assert_ne!(now, after, "renewed all the same");
    let r = env.run(&["cert", "renew", "n1", "--exec", "exit 5"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("exec: FAILED (exited 5): the renewed files are in place"),
        "{}",
        r.stderr
    );
}

/// Issue #30: after `revoke NAME`, `cert client NAME` issues again without --force (the
/// revoked certificate is not a valid one); a valid one still needs --force.
#[test]
fn a_revoked_name_is_issued_again_without_force() {
    let env = Env::new();
    env.run(&["ca", "init"]).ok();
    env.run(&["cert", "client", "rails", "--role", "app"]).ok();
    env.run(&["cert", "client", "rails", "--role", "app"])
        .usage_error(&["already has a valid certificate", "--force"]);
    env.run(&["--yes", "revoke", "rails"]).ok();
    let r = env.run(&["cert", "client", "rails", "--role", "app"]);
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    env.run(&["cert", "client", "rails", "--role", "app"])
        .usage_error(&["already has a valid certificate"]);
}

/// A hook runs in a process group of its own: interrupting secctl (SIGINT, as Ctrl-C would)
/// ends the hook and what it started, and secctl exits 130.
#[test]
fn interrupting_secctl_ends_its_hook() {
    let env = Env::new();
    env.run(&["ca", "init"]).ok();
    env.run(&["cert", "node", "n1", "--host", "n1.local", "--role", "web"])
        .ok();
    let pidfile = env.path("hook.pid");
    let mut child = std::process::Command::new(bin())
        .current_dir(env.tmp.path())
        .arg("--dir")
        .arg(env.pki())
        .args(["cert", "renew", "n1", "--exec"])
        .arg(format!("sleep 60 & echo $! > {}; wait", pidfile.display()))
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let t = std::time::Instant::now();
    let pid = loop {
        if let Some(p) = std::fs::read_to_string(&pidfile)
            .ok()
            .and_then(|s| s.trim().parse::<u32>().ok())
        {
            break p;
        }
        assert!(
            t.elapsed() < std::time::Duration::from_secs(20),
            "the hook never ran"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    tool("kill", &["-INT", &child.id().to_string()]).ok();
    let st = child.wait().unwrap();
    assert_eq!(st.code(), Some(130), "{st:?}");
    let alive =
        || std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| !s.contains(") Z "));
    let t = std::time::Instant::now();
    while alive() && t.elapsed() < std::time::Duration::from_secs(5) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(!alive(), "the hook's child {pid} outlived secctl");
}
