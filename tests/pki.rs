//! The PKI core checked by OpenSSL (an independent verifier) through the real binary.

mod common;

use common::*;
use serde::Deserialize;

const KEY_TYPES: [&str; 3] = ["ecdsa-p256", "ecdsa-p384", "ed25519"];

fn init(env: &Env, key_type: &str, intermediate: bool) {
    let mut args = vec![
        "ca",
        "init",
        "--name",
        "Prod",
        "--trust-domain",
        "prod.example",
        "--key-type",
        key_type,
    ];
    if intermediate {
        args.push("--intermediate");
    }
    env.run(&args).ok();
}

fn cert_path(env: &Env, name: &str) -> String {
    env.pki()
        .join(format!("certs/{name}/{name}.crt"))
        .display()
        .to_string()
}
fn key_path(env: &Env, name: &str) -> String {
    env.pki()
        .join(format!("certs/{name}/{name}.key"))
        .display()
        .to_string()
}
fn bundle(env: &Env) -> String {
    env.pki().join("ca.crt").display().to_string()
}

fn openssl_verify(env: &Env, name: &str, purpose: &str) -> Run {
    let c = cert_path(env, name);
    openssl_verify_chain(
        std::path::Path::new(&bundle(env)),
        std::path::Path::new(&c),
        Some(purpose),
    )
}

fn text(cert: &str) -> String {
    tool("openssl", &["x509", "-in", cert, "-noout", "-text"])
        .ok()
        .stdout
}

#[test]
fn openssl_accepts_every_chain_for_every_key_type() {
    for kt in KEY_TYPES {
        for inter in [false, true] {
            let env = Env::new();
            init(&env, kt, inter);
            env.run(&[
                "cert",
                "node",
                "db1",
                "--host",
                "db1.prod.example",
                "--host",
                "10.0.0.7",
                "--host",
                "::1",
                "--role",
                "praefect",
            ])
            .ok();
            env.run(&["cert", "client", "rails", "--role", "gitlab"])
                .ok();

            let r = openssl_verify(&env, "db1", "sslserver");
            assert_eq!(r.code, 0, "{kt} inter={inter}: {}{}", r.stdout, r.stderr);
            assert!(
                openssl_verify(&env, "db1", "sslclient").code == 0,
                "{kt}: node as client"
            );
            assert!(
                openssl_verify(&env, "rails", "sslclient").code == 0,
                "{kt}: client"
            );
            let r = openssl_verify(&env, "rails", "sslserver");
            assert_ne!(
                r.code, 0,
                "{kt}: a client-only certificate must not verify as a server"
            );

            // Node certificate contents.
            let t = text(&cert_path(&env, "db1"));
            for want in [
                "OU = praefect",
                "CN = db1",
                "O = Prod",
                "URI:spiffe://prod.example/praefect/db1",
                "DNS:db1.prod.example",
                "IP Address:10.0.0.7",
                "IP Address:0:0:0:0:0:0:0:1",
                "TLS Web Server Authentication, TLS Web Client Authentication",
                "CA:FALSE",
            ] {
                assert!(t.contains(want), "{kt}: node text lacks {want:?}:\n{t}");
            }
            let t = text(&cert_path(&env, "rails"));
            assert!(t.contains("URI:spiffe://prod.example/gitlab/rails"), "{t}");
            assert!(t.contains("TLS Web Client Authentication"), "{t}");
            assert!(!t.contains("TLS Web Server Authentication"), "{t}");

            // The CA certificates say CA:TRUE with the right path length.
            let root = text(&env.pki().join("ca/root.crt").display().to_string());
            assert!(
                root.contains(if inter {
                    "CA:TRUE, pathlen:1"
                } else {
                    "CA:TRUE, pathlen:0"
                }),
                "{root}"
            );
            assert!(root.contains("Certificate Sign, CRL Sign"), "{root}");
            if inter {
                let i = text(&env.pki().join("ca/intermediate.crt").display().to_string());
                assert!(i.contains("CA:TRUE, pathlen:0"), "{i}");
            }

            // Each key matches its certificate.
            for n in ["db1", "rails"] {
                let a = tool("openssl", &["pkey", "-in", &key_path(&env, n), "-pubout"])
                    .ok()
                    .stdout;
                let b = tool(
                    "openssl",
                    &["x509", "-in", &cert_path(&env, n), "-noout", "-pubkey"],
                )
                .ok()
                .stdout;
                assert_eq!(a, b, "{kt}: key of {n} does not match its certificate");
            }
        }
    }
}

#[test]
fn keys_are_private_and_dirs_closed() {
    let env = Env::new();
    init(&env, "ecdsa-p256", true);
    env.run(&["cert", "node", "n1", "--host", "localhost"]).ok();
    let pki = env.pki();
    for d in ["", "ca", "issued", "certs", "certs/n1"] {
        assert_eq!(mode(&pki.join(d)), 0o700, "dir {d}");
    }
    for k in ["ca/root.key", "ca/intermediate.key", "certs/n1/n1.key"] {
        assert_eq!(mode(&pki.join(k)), 0o600, "{k}");
        let pem = std::fs::read_to_string(pki.join(k)).unwrap();
        assert!(
            pem.starts_with("-----BEGIN PRIVATE KEY-----"),
            "{k} is not PKCS#8"
        );
    }
    // No temporary files left behind.
    let snap = snapshot(&pki);
    assert!(
        snap.keys().all(|k| !k.ends_with(".tmp")),
        "{:?}",
        snap.keys()
    );
}

#[derive(Deserialize)]
struct Listed {
    name: String,
    kind: String,
    role: String,
    serial: String,
    spiffe_id: String,
    status: String,
    not_after: String,
}

#[test]
fn list_and_show_round_trip_identity() {
    let env = Env::new();
    init(&env, "ecdsa-p256", false);
    env.run(&[
        "cert", "node", "g1", "--host", "g1.local", "--role", "gitaly",
    ])
    .ok();
    env.run(&["cert", "client", "web", "--role", "gitlab", "--days", "10"])
        .ok();
    let items: Vec<Listed> =
        serde_json::from_str(&env.run(&["-o", "json", "cert", "list"]).ok().stdout).unwrap();
    assert_eq!(items.len(), 2);
    let g1 = items.iter().find(|i| i.name == "g1").unwrap();
    assert_eq!(
        (g1.kind.as_str(), g1.role.as_str(), g1.status.as_str()),
        ("node", "gitaly", "valid")
    );
    assert_eq!(g1.spiffe_id, "spiffe://prod.example/gitaly/g1");
    assert!(g1.not_after.starts_with("20"));
    let web = items.iter().find(|i| i.name == "web").unwrap();
    assert_eq!(
        web.status, "expiring",
        "10 days left is within the 30-day window"
    );
    // Serials: random, at least 64 bits, distinct, and the certificate's own serial.
    assert!(g1.serial.len() >= 16 && g1.serial != web.serial);
    let t = text(&cert_path(&env, "g1"));
    assert!(
        t.to_lowercase().replace(':', "").contains(&g1.serial),
        "{t}"
    );

    // Show by name, by serial prefix and by file all agree.
    for target in [
        g1.name.clone(),
        g1.serial[..10].to_string(),
        cert_path(&env, "g1"),
    ] {
        let v = env
            .run(&["-o", "json", "cert", "show", &target])
            .ok()
            .json();
        assert_eq!(v["certificate"]["role"], "gitaly", "{target}");
        assert_eq!(
            v["certificate"]["spiffe_id"],
            "spiffe://prod.example/gitaly/g1"
        );
        assert_eq!(v["certificate"]["common_name"], "g1");
        assert_eq!(v["record"]["serial"], g1.serial.as_str());
    }
    let text_out = env.run(&["cert", "list"]).ok().stdout;
    assert!(text_out.starts_with("NAME"), "{text_out}");
    assert!(!text_out.contains('\x1b'), "no colour without a terminal");
    env.run(&["cert", "show", "nope"])
        .usage_error(&["nope", "no such certificate"]);
}

#[test]
fn encrypted_ca_key_needs_the_passphrase() {
    let env = Env::new();
    let pass = env.write("pass", "correct horse battery\n");
    let pass = pass.to_str().unwrap();
    // No terminal and no passphrase source: refused, nothing created.
    env.run(&["ca", "init", "--encrypt-key"])
        .usage_error(&["--passphrase-file"]);
    assert!(!env.pki().exists());
    env.run(&[
        "--passphrase-file",
        pass,
        "ca",
        "init",
        "--encrypt-key",
        "--intermediate",
    ])
    .ok();
    let pki = env.pki();
    assert!(pki.join("ca/root.key.age").exists() && pki.join("ca/intermediate.key.age").exists());
    assert!(!pki.join("ca/root.key").exists());
    let armored = std::fs::read_to_string(pki.join("ca/root.key.age")).unwrap();
    assert!(armored.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
    assert!(!armored.contains("PRIVATE KEY"));
    let show = env.run(&["-o", "json", "ca", "show"]).ok().json();
    assert_eq!(show["key_encrypted"], true);

    // Without the passphrase, or with a wrong one: exit 2, nothing written.
    let before = snapshot(&pki);
    env.run(&["cert", "node", "n1", "--host", "n1"])
        .usage_error(&["passphrase"]);
    let wrong = env.write("wrong", "not the passphrase\n");
    // Mode 0600, as a passphrase file should be (else a warning line precedes the error).
    std::fs::set_permissions(&wrong, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    env.run(&[
        "--passphrase-file",
        wrong.to_str().unwrap(),
        "cert",
        "node",
        "n1",
        "--host",
        "n1",
    ])
    .usage_error(&["intermediate.key.age", "wrong passphrase"]);
    let empty = env.write("empty", "");
    env.run(&[
        "--passphrase-file",
        empty.to_str().unwrap(),
        "cert",
        "node",
        "n1",
        "--host",
        "n1",
    ])
    .usage_error(&["empty", "empty passphrase"]);
    assert_eq!(before, snapshot(&pki), "state changed by a refused command");

    // The environment variable works too, and the certificate verifies.
    env.run_env(
        &["cert", "node", "n1", "--host", "n1"],
        &[("SECCTL_PASSPHRASE_FILE", pass)],
    )
    .ok();
    assert_eq!(openssl_verify(&env, "n1", "sslserver").code, 0);
}

#[test]
fn refusals_are_one_line_and_change_nothing() {
    let env = Env::new();
    // Missing CA.
    env.run(&["cert", "node", "n1", "--host", "x"])
        .usage_error(&["no CA in", "ca init"]);
    env.run(&["cert", "list"]).usage_error(&["no CA in"]);
    env.run(&["ca", "show"]).usage_error(&["no CA in"]);
    assert!(
        !env.pki().exists(),
        "a refused command created the state directory"
    );

    init(&env, "ecdsa-p256", false);
    let before = snapshot(&env.pki());
    // Existing CA without --force, and with --force but no terminal and no --yes.
    env.run(&["ca", "init"])
        .usage_error(&["already exists", "--force"]);
    env.run(&["ca", "init", "--force"]).usage_error(&["--yes"]);
    // Bad names, roles, hosts, trust domains.
    env.run(&["cert", "node", "../evil", "--host", "x"])
        .usage_error(&["invalid node", "../evil"]);
    env.run(&["cert", "node", "ok", "--host", "bad host"])
        .usage_error(&["invalid host"]);
    env.run(&["cert", "node", "ok", "--host", "x", "--role", "a/b"])
        .usage_error(&["invalid role"]);
    env.run(&["cert", "client", "c 1", "--role", "r"])
        .usage_error(&["invalid client"]);
    env.run(&["cert", "client", "c1", "--role", ""])
        .usage_error(&["invalid role"]);
    env.run(&[
        "cert",
        "node",
        "ok",
        "--host",
        "x",
        "--out",
        env.path("pki/ca.crt").to_str().unwrap(),
    ])
    .usage_error(&["ca.crt", "not a directory"]);
    assert_eq!(before, snapshot(&env.pki()));
    let env2 = Env::new();
    env2.run(&["ca", "init", "--trust-domain", "Bad_Domain"])
        .usage_error(&["invalid trust domain"]);
    env2.run(&["ca", "init", "--name", "Ünïcode Name"])
        .usage_error(&["--trust-domain"]);
    assert!(!env2.pki().exists());

    // Clap usage errors also exit 2.
    assert_eq!(
        env.run(&["cert", "node", "n1"]).code,
        2,
        "--host is required"
    );
    assert_eq!(env.run(&["ca", "init", "--key-type", "rsa"]).code, 2);

    // A second certificate for a live name needs --force.
    env.run(&["cert", "node", "n1", "--host", "x"]).ok();
    env.run(&["cert", "node", "n1", "--host", "x"])
        .usage_error(&["already has a valid certificate", "--force"]);
    env.run(&["cert", "node", "n1", "--host", "x", "--force"])
        .ok();
}

#[test]
fn force_replaces_the_ca_and_keeps_the_old_one() {
    let env = Env::new();
    init(&env, "ecdsa-p256", false);
    env.run(&["cert", "node", "n1", "--host", "x"]).ok();
    env.run(&["cert", "node", "n2", "--host", "x"]).ok();
    env.run(&["--yes", "revoke", "n2"]).ok();
    let old_root = std::fs::read(env.pki().join("ca/root.crt")).unwrap();
    let r = env
        .run(&["--yes", "-o", "json", "ca", "init", "--force"])
        .ok()
        .json();
    let attic = std::path::PathBuf::from(r["replaced_into"].as_str().unwrap());
    assert_eq!(std::fs::read(attic.join("ca/root.crt")).unwrap(), old_root);
    assert!(attic.join("ca/root.key").exists() && attic.join("issued").exists());
    assert_ne!(
        std::fs::read(env.pki().join("ca/root.crt")).unwrap(),
        old_root
    );
    let items = env.run(&["-o", "json", "cert", "list"]).ok().json();
    assert_eq!(items.as_array().unwrap().len(), 0);
    // The old CA's revocations and name index went with it: the new CA's CRL lists nothing
    // it did not issue, and the state agrees with itself.
    assert!(attic.join("revocations.log").exists() && attic.join("names/n1").exists());
    env.run(&["store", "check"]).ok();
    env.run(&["crl"]).ok();
    let r = tool(
        "openssl",
        &[
            "crl",
            "-noout",
            "-text",
            "-in",
            env.pki().join("crl.pem").to_str().unwrap(),
        ],
    );
    assert!(r.stdout.contains("No Revoked Certificates"), "{}", r.stdout);
    let reused = env.run(&["cert", "node", "n2", "--host", "x"]).ok();
    assert!(
        reused.stdout.contains("issued node certificate"),
        "{}",
        reused.stdout
    );
    env.run(&["store", "check"]).ok();
}

#[test]
fn validity_is_capped_at_the_issuer() {
    let env = Env::new();
    env.run(&["ca", "init", "--days", "30"]).ok();
    let r = env.run(&[
        "-o", "json", "cert", "node", "n1", "--host", "x", "--days", "365",
    ]);
    assert!(r.stderr.contains("validity cut"), "{}", r.stderr);
    let v = r.ok().json();
    assert_eq!(v["validity_capped"], true);
    let root = env.run(&["-o", "json", "ca", "show"]).ok().json();
    assert_eq!(v["not_after"], root["root"]["not_after"]);
}

#[test]
fn concurrent_issuers_never_lose_or_reuse_a_record() {
    let env = Env::new();
    init(&env, "ecdsa-p256", false);
    let children: Vec<_> = (0..4)
        .map(|p| {
            let dir = env.pki();
            std::thread::spawn(move || {
                for i in 0..5 {
                    let o = std::process::Command::new(bin())
                        .args([
                            "--dir",
                            dir.to_str().unwrap(),
                            "cert",
                            "client",
                            &format!("c{p}-{i}"),
                            "--role",
                            "r",
                        ])
                        .output()
                        .unwrap();
                    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
                }
            })
        })
        .collect();
    for c in children {
        c.join().unwrap();
    }
    let items = env.run(&["-o", "json", "cert", "list"]).ok().json();
    let serials: std::collections::BTreeSet<String> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["serial"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(serials.len(), 20);
    let records = std::fs::read_dir(env.pki().join("issued")).unwrap().count();
    assert_eq!(
        records, 20,
        "one record file per serial, the certificate inside it"
    );
}

/// Every file under `dir`, relative, sorted.
fn tree(dir: &std::path::Path) -> Vec<String> {
    fn walk(root: &std::path::Path, d: &std::path::Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[test]
fn a_certificate_is_one_record_beside_the_files_the_node_needs() {
    let env = Env::new();
    init(&env, "ecdsa-p256", false);
    // (The first certificate of a CA also notes which bundle was delivered: once per CA.)
    env.run(&["cert", "node", "web0", "--host", "web0.prod.example"])
        .ok();
    let before = tree(&env.pki());
    let out = env
        .run(&[
            "-o",
            "json",
            "cert",
            "node",
            "db1",
            "--host",
            "db1.prod.example",
        ])
        .ok()
        .json();
    let serial = out["serial"].as_str().unwrap().to_string();
    let mut added: Vec<String> = tree(&env.pki())
        .into_iter()
        .filter(|f| !before.contains(f))
        .collect();
    added.sort();
    // What the node needs (key, chain, bundle), one record, the name's index entry.
    assert_eq!(
        added,
        vec![
            "certs/db1/ca.crt".to_string(),
            "certs/db1/db1.crt".into(),
            "certs/db1/db1.key".into(),
            format!("issued/{serial}.json"),
            "names/db1".into(),
        ]
    );
    // The record carries the certificate delivered; `cert show --pem` prints it, and
    // openssl accepts what it prints.
    let rec: serde_json::Value = serde_json::from_slice(
        &std::fs::read(env.pki().join(format!("issued/{serial}.json"))).unwrap(),
    )
    .unwrap();
    let recorded = rec["certificate"].as_str().unwrap().trim().to_string();
    let delivered = std::fs::read_to_string(cert_path(&env, "db1")).unwrap();
    assert!(
        delivered.starts_with(&recorded),
        "the record's certificate is not the delivered leaf"
    );
    let pem = env.run(&["cert", "show", &serial, "--pem"]).ok().stdout;
    assert_eq!(pem.trim(), recorded);
    let shown = env.path("shown.crt");
    std::fs::write(&shown, &pem).unwrap();
    let r = tool(
        "openssl",
        &["verify", "-CAfile", &bundle(&env), shown.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = tool(
        "openssl",
        &["x509", "-noout", "-serial", "-in", shown.to_str().unwrap()],
    );
    assert_eq!(
        r.stdout.trim().to_ascii_lowercase(),
        format!("serial={serial}")
    );
    // A renewal writes a new key and chain; the bundle already there is left as it is.
    use std::os::unix::fs::MetadataExt;
    let ino = |f: &str| std::fs::metadata(env.pki().join(f)).unwrap().ino();
    let (ca_before, crt_before) = (ino("certs/db1/ca.crt"), ino("certs/db1/db1.crt"));
    env.run(&["cert", "renew", "db1"]).ok();
    assert_eq!(
        ino("certs/db1/ca.crt"),
        ca_before,
        "an unchanged bundle was rewritten"
    );
    assert_ne!(ino("certs/db1/db1.crt"), crt_before);
    // A bundle that differs (here: damaged) is written again.
    std::fs::write(env.pki().join("certs/db1/ca.crt"), "damaged").unwrap();
    env.run(&["cert", "renew", "db1", "--force"]).ok();
    assert_eq!(
        std::fs::read(env.pki().join("certs/db1/ca.crt")).unwrap(),
        std::fs::read(env.pki().join("ca.crt")).unwrap()
    );
    let r = env.run(&["store", "check"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn records_of_an_earlier_version_with_the_certificate_beside_them_are_read() {
    let env = Env::new();
    init(&env, "ecdsa-p256", true);
    let out = env
        .run(&[
            "-o",
            "json",
            "cert",
            "node",
            "old1",
            "--host",
            "old1.prod.example",
        ])
        .ok()
        .json();
    let serial = out["serial"].as_str().unwrap().to_string();
    // The layout earlier versions wrote: the record without the certificate, the
    // certificate in issued/SERIAL.crt.
    let rec_path = env.pki().join(format!("issued/{serial}.json"));
    let mut rec: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&rec_path).unwrap()).unwrap();
    let pem = rec["certificate"].as_str().unwrap().to_string();
    rec.as_object_mut().unwrap().remove("certificate");
    std::fs::write(&rec_path, serde_json::to_vec_pretty(&rec).unwrap()).unwrap();
    let legacy = env.pki().join(format!("issued/{serial}.crt"));
    std::fs::write(&legacy, &pem).unwrap();
    let shown = env.run(&["-o", "json", "cert", "show", "old1"]).ok().json();
    assert_eq!(shown["status"], "valid", "{shown}");
    assert_eq!(
        shown["certificate"]["serial"]
            .as_str()
            .unwrap()
            .replace(':', "")
            .to_ascii_lowercase(),
        serial
    );
    assert_eq!(
        env.run(&["cert", "show", &serial, "--pem"])
            .ok()
            .stdout
            .trim(),
        pem.trim()
    );
    let r = env.run(&["store", "check"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // Renewing with the same key reads the old certificate to check the key against it.
    env.run(&["cert", "renew", "old1", "--reuse-key"]).ok();
    // A record whose certificate is neither inside nor beside it is a finding.
    std::fs::remove_file(&legacy).unwrap();
    let r = env.run(&["store", "check"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(&format!("issued/{serial}.json"))
            && r.stdout.contains("has no certificate"),
        "{}",
        r.stdout
    );
    let r = env.run(&["cert", "show", &serial]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("has no certificate"), "{}", r.stderr);
}

/// The revocation log names the issuer of each revocation (its fourth field), so `crl`
/// signs without reading a record per entry; a log without it (older lines) gives the same
/// CRL entries, per CA generation, as openssl reads them; a fourth field that is not a
/// fingerprint is a corrupted line (exit 2).
#[test]
fn the_revocation_log_names_issuers_and_older_lines_give_the_same_crl() {
    let env = Env::new();
    init(&env, "ecdsa-p256", false);
    env.run(&["cert", "client", "a", "--role", "r"]).ok();
    env.run(&["--yes", "ca", "rotate"]).ok();
    env.run(&["cert", "client", "b", "--role", "r"]).ok();
    env.run(&["--yes", "revoke", "a", "b"]).ok();
    let log = env.pki().join("revocations.log");
    let text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    for line in text.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        assert_eq!(f.len(), 4, "{line}");
        assert_eq!(f[3].len(), 95, "{line}");
    }
    // Each CRL of crl.pem with the serials it lists, as openssl reads them.
    let listed = || {
        let pem = std::fs::read_to_string(env.pki().join("crl.pem")).unwrap();
        let mut out = Vec::new();
        for block in pem.split_inclusive("-----END X509 CRL-----\n") {
            let mut c = std::process::Command::new("openssl")
                .args(["crl", "-noout", "-text"])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            std::io::Write::write_all(c.stdin.as_mut().unwrap(), block.as_bytes()).unwrap();
            let t = String::from_utf8(c.wait_with_output().unwrap().stdout).unwrap();
            let issuer = t
                .lines()
                .find(|l| l.contains("Issuer:"))
                .unwrap()
                .to_string();
            let mut serials: Vec<String> = t
                .lines()
                .filter_map(|l| l.trim().strip_prefix("Serial Number: "))
                .map(str::to_lowercase)
                .collect();
            serials.sort();
            out.push((issuer, serials));
        }
        out
    };
    let with_issuers = listed();
    assert_eq!(with_issuers.len(), 2, "{with_issuers:?}");
    assert!(
        with_issuers.iter().all(|(_, s)| s.len() == 1),
        "one revocation in each generation's CRL: {with_issuers:?}"
    );
    let older: String = text
        .lines()
        .map(|l| l.split(' ').take(3).collect::<Vec<_>>().join(" ") + "\n")
        .collect();
    std::fs::write(&log, older).unwrap();
    env.run(&["crl"]).ok();
    assert_eq!(listed(), with_issuers);
    std::fs::write(&log, text.replace('\n', " XX\n")).unwrap();
    env.run(&["crl"])
        .usage_error(&["revocations.log", "line 1: corrupted revocation entry"]);
}
