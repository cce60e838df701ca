//! Issue #14 (issuance half): durations and short-lived certificates, the staged CA roll
//! (`apply --bundle-only`), `--prune`, an encrypted CA from the inventory, relative `out:`,
//! `ca.crt` never replaced without `--force`, and owner/group/mode of delivered files.
//! The real binary, `-o json`, and openssl judging what was written.

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use common::{mode, openssl_verify_chain, snapshot, tool, Env};

const INVENTORY: &str = "\
cluster: Roll Test
trust_domain: roll.test
defaults:
  valid_for: 30d
nodes:
  - name: node-a
    role: gitaly
    hosts: [localhost, 127.0.0.1]
  - name: node-b
    role: gitaly
    hosts: [localhost, 127.0.0.1]
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
        [0, 1].contains(&r.code),
        "apply exit {}: {}",
        r.code,
        r.stderr
    );
    (r.code, r.json())
}

fn actions(v: &serde_json::Value) -> BTreeMap<String, String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["name"].as_str().unwrap().to_string(),
                i["action"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn certs_in(pem: &Path) -> usize {
    std::fs::read_to_string(pem)
        .unwrap()
        .matches("-----BEGIN CERTIFICATE-----")
        .count()
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// `openssl verify -attime` of a leaf against its bundle.
fn verify_at(dir: &Path, name: &str, at: time::OffsetDateTime) -> common::Run {
    let crt = dir.join(format!("{name}.crt"));
    let ca = dir.join("ca.crt");
    let t = at.unix_timestamp().to_string();
    tool(
        "openssl",
        &[
            "verify",
            "-attime",
            &t,
            "-CAfile",
            ca.to_str().unwrap(),
            crt.to_str().unwrap(),
        ],
    )
}

#[test]
fn a_15_minute_certificate_verifies_now_is_refused_16_minutes_later_and_renew_keeps_its_lifetime() {
    let env = Env::new();
    env.run(&["ca", "init", "--name", "Short"]).ok();
    let r = env
        .run(&[
            "-o",
            "json",
            "cert",
            "node",
            "gitaly-1",
            "--host",
            "localhost",
            "--valid-for",
            "15m",
        ])
        .ok();
    let v = r.json();
    assert_eq!(v["valid_for"], "15m", "{v}");
    let dir = env.pki().join("certs/gitaly-1");
    let now = time::OffsetDateTime::now_utc();
    let ok = verify_at(&dir, "gitaly-1", now);
    assert_eq!(ok.code, 0, "{} {}", ok.stdout, ok.stderr);
    let late = verify_at(&dir, "gitaly-1", now + time::Duration::minutes(16));
    assert_ne!(late.code, 0, "accepted 16 minutes later: {}", late.stdout);
    assert!(
        (late.stdout.clone() + &late.stderr).contains("certificate has expired"),
        "{} {}",
        late.stdout,
        late.stderr
    );
    // 14 minutes later it is still good: the lifetime is 15 minutes, not less.
    assert_eq!(
        verify_at(&dir, "gitaly-1", now + time::Duration::minutes(14)).code,
        0
    );
    // The certificate's own dates: notAfter - notBefore is 15 minutes plus the 5-minute
    // backdate, as openssl reads them.
    let dates = |p: &Path| -> (i64, i64) {
        let r = tool(
            "openssl",
            &[
                "x509",
                "-noout",
                "-dates",
                "-dateopt",
                "iso_8601",
                "-in",
                p.to_str().unwrap(),
            ],
        )
        .ok();
        let get = |k: &str| {
            let l = r.stdout.lines().find(|l| l.starts_with(k)).unwrap();
            let t = l[k.len()..].trim().replace(' ', "T");
            time::OffsetDateTime::parse(&t, &time::format_description::well_known::Rfc3339)
                .unwrap()
                .unix_timestamp()
        };
        (get("notBefore="), get("notAfter="))
    };
    let (nb, na) = dates(&dir.join("gitaly-1.crt"));
    assert_eq!(na - nb, 20 * 60, "15m + 5m backdate");
    // Renewal keeps the lifetime (it used to give 365 days).
    let r = env
        .run(&["-o", "json", "cert", "renew", "gitaly-1"])
        .ok()
        .json();
    assert_eq!(r["certificate"]["valid_for"], "15m", "{r}");
    let (nb2, na2) = dates(&dir.join("gitaly-1.crt"));
    assert_eq!(na2 - nb2, 20 * 60);
    assert!(verify_at(&dir, "gitaly-1", now + time::Duration::minutes(16)).code != 0);
    // An explicit --valid-for on renew wins.
    let r = env
        .run(&[
            "-o",
            "json",
            "cert",
            "renew",
            "gitaly-1",
            "--valid-for",
            "1h30m",
        ])
        .ok()
        .json();
    assert_eq!(r["certificate"]["valid_for"], "1h30m", "{r}");
    let (nb3, na3) = dates(&dir.join("gitaly-1.crt"));
    assert_eq!(na3 - nb3, 95 * 60);
}

#[test]
fn validity_flags_refuse_bad_durations_with_one_line() {
    let env = Env::new();
    env.run(&[
        "ca",
        "init",
        "--name",
        "Roll Test",
        "--trust-domain",
        "roll.test",
    ])
    .ok();
    let before = snapshot(&env.pki());
    for (args, needle) in [
        (vec!["--valid-for", "4m"], "at least 5m"),
        (vec!["--valid-for", "0m"], "at least 5m"),
        (vec!["--valid-for", "90"], "unit is missing"),
        (vec!["--valid-for", "1w"], "unknown unit"),
        (vec!["--valid-for", "36501d"], "at most 36500d"),
        (
            vec!["--days", "1", "--valid-for", "1h"],
            "cannot be used with",
        ),
    ] {
        let mut a = vec!["cert", "client", "c1", "--role", "r"];
        a.extend(args.iter());
        let r = env.run(&a);
        assert_eq!(r.code, 2, "{a:?}: {}", r.stderr);
        assert!(r.stderr.contains(needle), "{a:?}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"));
    }
    assert_eq!(
        before,
        snapshot(&env.pki()),
        "a refused command wrote something"
    );
    // The inventory: the same parser, the line named.
    for (field, needle) in [
        ("  valid_for: 2m\n", "at least 5m"),
        ("  valid_for: 10\n", "unit is missing"),
        ("  valid_for: 1d\n  days: 3\n", "conflict"),
        ("  renew_before: 5/3\n", "fraction"),
        (
            "  valid_for: 30d\n  renew_before: 40d\n",
            "not shorter than its validity",
        ),
        ("  key_mode: \"0644\"\n", "readable by every user"),
        ("  mode: \"0666\"\n", "world-writable"),
        ("  owner: no-such-user-secctl\n", "no such user"),
    ] {
        let inv = INVENTORY.replace("  valid_for: 30d\n", field);
        let p = env.write("bad.yaml", &inv);
        let r = env.run(&["apply", p.to_str().unwrap()]);
        assert_eq!(r.code, 2, "{field}: {}", r.stdout);
        r.usage_error(&["bad.yaml", "line ", needle]);
    }
    assert_eq!(before, snapshot(&env.pki()));
}

#[test]
fn a_staged_roll_distributes_the_bundle_first_then_renews() {
    let env = Env::new();
    let inv = env.write("inv.yaml", INVENTORY);
    let inv = inv.to_str().unwrap();
    let (code, v) = apply(&env, &[inv]);
    assert_eq!(code, 0, "{v}");
    let dir = |n: &str| env.pki().join("certs").join(n);
    let serials = |v: &serde_json::Value| -> BTreeMap<String, String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["name"].as_str().unwrap().to_string(),
                    i["serial"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let first = serials(&v);
    env.run(&["--yes", "ca", "rotate"]).ok();
    // Step 2: --check says bundles are pending; --bundle-only writes them and nothing else.
    let (code, v) = apply(&env, &["--check", "--bundle-only", inv]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["summary"]["bundles_written"], 3, "{v}");
    let crt_before: Vec<Vec<u8>> = ["node-a", "node-b", "rails"]
        .iter()
        .map(|n| std::fs::read(dir(n).join(format!("{n}.crt"))).unwrap())
        .collect();
    let (code, v) = apply(&env, &["--bundle-only", inv]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["bundle_only"], true);
    assert_eq!(v["summary"]["bundles_written"], 3, "{v}");
    assert_eq!(v["summary"]["unchanged"], 3, "{v}");
    assert_eq!(serials(&v), first, "--bundle-only changed a certificate");
    for (i, n) in ["node-a", "node-b", "rails"].iter().enumerate() {
        assert_eq!(certs_in(&dir(n).join("ca.crt")), 2, "{n}: old + new roots");
        assert_eq!(
            std::fs::read(dir(n).join("ca.crt")).unwrap(),
            std::fs::read(env.pki().join("ca.crt")).unwrap()
        );
        assert_eq!(
            std::fs::read(dir(n).join(format!("{n}.crt"))).unwrap(),
            crt_before[i],
            "{n}: certificate rewritten by --bundle-only"
        );
        // The old certificate still verifies against the new bundle.
        openssl_verify_chain(
            &dir(n).join("ca.crt"),
            &dir(n).join(format!("{n}.crt")),
            None,
        )
        .ok();
    }
    // Idempotent.
    let (code, v) = apply(&env, &["--check", "--bundle-only", inv]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["summary"]["bundles_written"], 0);
    // Step 3: a plain apply renews everything from the new CA.
    let (code, v) = apply(&env, &["--check", inv]);
    assert_eq!(code, 1);
    let (code, v2) = apply(&env, &[inv]);
    assert_eq!(code, 0, "{v2}");
    assert!(actions(&v2).values().all(|a| a == "renewed"), "{v2} {v}");
    for n in ["node-a", "node-b", "rails"] {
        openssl_verify_chain(
            &dir(n).join("ca.crt"),
            &dir(n).join(format!("{n}.crt")),
            None,
        )
        .ok();
    }
    // --bundle-only needs a CA, and conflicts with --prune.
    let fresh = Env::new();
    let p = fresh.write("inv.yaml", INVENTORY);
    fresh
        .run(&["apply", "--bundle-only", p.to_str().unwrap()])
        .usage_error(&["--bundle-only", "no CA"]);
    assert!(!fresh.pki().join("secctl.json").exists());
    let r = fresh.run(&["apply", "--bundle-only", "--prune", p.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn cert_renew_after_a_rotation_refreshes_the_bundle_of_every_output_directory() {
    let env = Env::new();
    env.run(&["ca", "init", "--name", "Refresh"]).ok();
    for n in ["n1", "n2", "n3"] {
        env.run(&["cert", "node", n, "--host", "localhost"]).ok();
    }
    let other_out = env.path("elsewhere");
    env.run(&[
        "cert",
        "client",
        "c1",
        "--role",
        "r",
        "--out",
        other_out.to_str().unwrap(),
    ])
    .ok();
    let d = |n: &str| env.pki().join("certs").join(n);
    // A file someone else put at n3's ca.crt (another CA's root) is left alone.
    let foreign = Env::new();
    foreign.run(&["ca", "init", "--name", "Foreign"]).ok();
    std::fs::copy(foreign.pki().join("ca.crt"), d("n3").join("ca.crt")).unwrap();
    env.run(&["--yes", "ca", "rotate"]).ok();
    let r = env.run(&["-o", "json", "cert", "renew", "n1"]).ok();
    let v = r.json();
    let refreshed: Vec<String> = v["certificate"]["bundles_refreshed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    assert_eq!(refreshed.len(), 2, "{v}");
    assert!(
        r.stderr.contains("n3/ca.crt: ca.crt left as it is"),
        "{}",
        r.stderr
    );
    for dir in [d("n1"), d("n2"), other_out.clone()] {
        assert_eq!(certs_in(&dir.join("ca.crt")), 2, "{}", dir.display());
    }
    assert_eq!(certs_in(&d("n3").join("ca.crt")), 1);
    // n2's old certificate and n1's new one both verify against n2's refreshed bundle.
    openssl_verify_chain(&d("n2").join("ca.crt"), &d("n2").join("n2.crt"), None).ok();
    openssl_verify_chain(&d("n2").join("ca.crt"), &d("n1").join("n1.crt"), None).ok();
    // Nothing changed since: the next issuance refreshes nothing.
    let v = env.run(&["-o", "json", "cert", "renew", "n2"]).ok().json();
    assert_eq!(v["certificate"]["bundles_refreshed"], serde_json::json!([]));
}

#[test]
fn an_existing_foreign_ca_crt_is_never_replaced_without_force() {
    let env = Env::new();
    env.run(&["ca", "init", "--name", "Mine"]).ok();
    let foreign = Env::new();
    foreign.run(&["ca", "init", "--name", "Foreign"]).ok();
    let out = env.path("shared-tls");
    std::fs::create_dir(&out).unwrap();
    std::fs::set_permissions(&out, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    std::fs::copy(foreign.pki().join("ca.crt"), out.join("ca.crt")).unwrap();
    let theirs = std::fs::read(out.join("ca.crt")).unwrap();
    let out_s = out.to_str().unwrap();
    let before = snapshot(&env.pki());
    env.run(&["cert", "node", "n1", "--host", "localhost", "--out", out_s])
        .usage_error(&["ca.crt", "not a trust bundle of this CA", "--force"]);
    assert_eq!(std::fs::read(out.join("ca.crt")).unwrap(), theirs);
    assert!(!out.join("n1.key").exists() && !out.join("n1.crt").exists());
    assert_eq!(
        before,
        snapshot(&env.pki()),
        "state changed by a refused issuance"
    );
    // apply too, before anything is written.
    let inv = INVENTORY.replace(
        "    hosts: [localhost, 127.0.0.1]\n  - name: node-b",
        &format!("    hosts: [localhost, 127.0.0.1]\n    out: {out_s}\n  - name: node-b"),
    );
    let inv = inv.replace(
        "cluster: Roll Test\ntrust_domain: roll.test",
        "cluster: Mine",
    );
    let p = env.write("inv.yaml", &inv);
    env.run(&["apply", p.to_str().unwrap()])
        .usage_error(&["ca.crt", "--force"]);
    assert_eq!(before, snapshot(&env.pki()));
    assert_eq!(std::fs::read(out.join("ca.crt")).unwrap(), theirs);
    // A file that is not PEM at all counts as foreign too.
    std::fs::write(out.join("ca.crt"), "not a certificate\n").unwrap();
    env.run(&["cert", "node", "n1", "--host", "localhost", "--out", out_s])
        .usage_error(&["not a PEM certificate bundle"]);
    // --force replaces it.
    env.run(&[
        "cert",
        "node",
        "n1",
        "--host",
        "localhost",
        "--out",
        out_s,
        "--force",
    ])
    .ok();
    openssl_verify_chain(&out.join("ca.crt"), &out.join("n1.crt"), None).ok();
    // An older bundle of this CA (after a rotation, the bundle grows) is not "different".
    env.run(&["--yes", "ca", "rotate"]).ok();
    env.run(&[
        "cert",
        "node",
        "n1",
        "--host",
        "localhost",
        "--out",
        out_s,
        "--force",
    ])
    .ok();
    assert_eq!(certs_in(&out.join("ca.crt")), 2);
}

#[test]
fn prune_revokes_and_removes_only_what_secctl_delivered() {
    let env = Env::new();
    let p = env.write("inv.yaml", INVENTORY);
    let inv = p.to_str().unwrap();
    assert_eq!(apply(&env, &[inv]).0, 0);
    let gone = env.pki().join("certs/node-b");
    let serial_b = env
        .run(&["-o", "json", "cert", "show", "node-b"])
        .ok()
        .json()["record"]["serial"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(gone.join("notes.txt"), "the operator's own file\n").unwrap();
    // node-b leaves the inventory.
    let smaller = INVENTORY.replace(
        "  - name: node-b\n    role: gitaly\n    hosts: [localhost, 127.0.0.1]\n",
        "",
    );
    std::fs::write(&p, smaller).unwrap();
    // Without --prune it is kept (and not reported).
    let (code, v) = apply(&env, &["--check", inv]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["summary"]["pruned"], 0);
    // --check --prune lists it and exits 1, changing nothing.
    let before = snapshot(&env.pki());
    let (code, v) = apply(&env, &["--check", "--prune", inv]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["summary"]["pruned"], 1, "{v}");
    assert_eq!(v["pruned"][0]["name"], "node-b");
    assert_eq!(v["pruned"][0]["revoked"][0], serial_b.as_str());
    assert_eq!(before, snapshot(&env.pki()));
    assert!(gone.join("node-b.key").exists());
    // --prune: revoked (cessationOfOperation), delivered files removed, the rest kept.
    let (code, v) = apply(&env, &["--prune", inv]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["summary"]["pruned"], 1, "{v}");
    for f in ["node-b.key", "node-b.crt", "ca.crt"] {
        assert!(!gone.join(f).exists(), "{f} left behind");
    }
    assert!(
        gone.join("notes.txt").exists(),
        "an unknown file was deleted"
    );
    let show = env
        .run(&["-o", "json", "cert", "show", &serial_b])
        .ok()
        .json();
    assert_eq!(show["status"], "revoked", "{show}");
    assert_eq!(show["revocation"]["reason"], "cessationOfOperation");
    // The published CRL lists it: openssl refuses the pruned certificate.
    let pem = env.path("pruned.crt");
    let text = env.run(&["cert", "show", &serial_b, "--pem"]).ok().stdout;
    std::fs::write(&pem, text).unwrap();
    let ca = env.pki().join("ca.crt");
    let crl = env.pki().join("crl.pem");
    let r = tool(
        "openssl",
        &[
            "verify",
            "-crl_check",
            "-CAfile",
            ca.to_str().unwrap(),
            "-CRLfile",
            crl.to_str().unwrap(),
            pem.to_str().unwrap(),
        ],
    );
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains("revoked") || r.stderr.contains("revoked"),
        "{}",
        r.stderr
    );
    // The others are untouched, and the next --check --prune has nothing to do.
    let (code, v) = apply(&env, &["--check", "--prune", inv]);
    assert_eq!(code, 0, "{v}");
    // A replaced certificate in a pruned name's directory is not deleted.
    std::fs::write(&p, INVENTORY).unwrap();
    assert_eq!(apply(&env, &[inv]).0, 0);
    let foreign = Env::new();
    foreign.run(&["ca", "init", "--name", "Foreign"]).ok();
    foreign.run(&["cert", "node", "node-b", "--host", "x"]).ok();
    std::fs::copy(
        foreign.pki().join("certs/node-b/node-b.crt"),
        gone.join("node-b.crt"),
    )
    .unwrap();
    std::fs::write(
        &p,
        INVENTORY.replace(
            "  - name: node-b\n    role: gitaly\n    hosts: [localhost, 127.0.0.1]\n",
            "",
        ),
    )
    .unwrap();
    let (code, v) = apply(&env, &["--prune", inv]);
    assert_eq!(code, 0, "{v}");
    assert!(gone.join("node-b.crt").exists() && gone.join("node-b.key").exists());
    assert!(
        v["pruned"][0]["kept"][0]
            .as_str()
            .unwrap()
            .contains("not the certificate secctl delivered"),
        "{v}"
    );
}

#[test]
fn relative_out_follows_the_inventory_file_not_the_working_directory() {
    let env = Env::new();
    std::fs::create_dir(env.path("site")).unwrap();
    let inv = INVENTORY.replace(
        "    hosts: [localhost, 127.0.0.1]\n  - name: node-b",
        "    hosts: [localhost, 127.0.0.1]\n    out: tls/node-a\n  - name: node-b",
    );
    let p = env.write("site/inv.yaml", &inv);
    // Env runs from its temporary directory: the inventory is in site/.
    let (code, _) = apply(&env, &[p.to_str().unwrap()]);
    assert_eq!(code, 0);
    let out = env.path("site/tls/node-a");
    assert!(out.join("node-a.crt").exists());
    assert!(!env.path("tls").exists());
    // From another directory, --check has nothing to do.
    let o = std::process::Command::new(common::bin())
        .current_dir("/")
        .args([
            "--dir",
            env.pki().to_str().unwrap(),
            "-o",
            "json",
            "apply",
            "--check",
        ])
        .arg(&p)
        .env("NO_COLOR", "1")
        .env_remove("SECCTL_PASSPHRASE_FILE")
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[test]
fn apply_encrypts_a_new_ca_when_the_inventory_or_a_passphrase_file_asks() {
    for (extra, file) in [
        ("ca:\n  encrypt_key: true\n", true),
        ("", true),
        ("ca:\n  encrypt_key: true\n", false),
    ] {
        let env = Env::new();
        let pass = env.write("pass", "correct horse battery\n");
        std::fs::set_permissions(&pass, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .unwrap();
        let inv = INVENTORY.replace("defaults:\n", &format!("{extra}defaults:\n"));
        let p = env.write("inv.yaml", &inv);
        let mut args = vec![];
        if file {
            args.extend(["--passphrase-file", pass.to_str().unwrap()]);
        }
        args.extend(["-o", "json", "apply", p.to_str().unwrap()]);
        let r = env.run(&args);
        if !file {
            // No terminal and no passphrase file: refused, nothing created.
            assert_eq!(r.code, 2, "{}", r.stderr);
            assert!(r.stderr.contains("passphrase"), "{}", r.stderr);
            assert!(!env.pki().join("secctl.json").exists());
            continue;
        }
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(env.pki().join("ca/root.key.age").exists());
        assert!(!env.pki().join("ca/root.key").exists(), "a CA key in clear");
        let show = env.run(&["-o", "json", "ca", "show"]).ok().json();
        assert_eq!(show["key_encrypted"], true);
        // The next run signs with the same passphrase; without it, it cannot.
        std::fs::write(&p, inv.replace("  - name: rails\n", "  - name: rails2\n")).unwrap();
        let r = env.run(&["apply", p.to_str().unwrap()]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        let r = env.run(&[
            "--passphrase-file",
            pass.to_str().unwrap(),
            "apply",
            p.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
}

#[test]
fn delivered_files_take_owner_group_and_mode_from_the_inventory() {
    let env = Env::new();
    let root = rustix::process::geteuid().is_root();
    // The delivery directory's parents must let its owner through (as /etc/... would).
    let perm = |p: &Path, m: u32| {
        std::fs::set_permissions(p, std::os::unix::fs::PermissionsExt::from_mode(m)).unwrap()
    };
    perm(env.tmp.path(), 0o711);
    std::fs::create_dir(env.path("deliver")).unwrap();
    perm(&env.path("deliver"), 0o711);
    let out = env.path("deliver/node-a");
    // As root: hand the files to nobody/nogroup (numeric ids work too). Otherwise only
    // the modes can be tested (chown to another user needs root).
    let (owner, group) = if root {
        ("    owner: nobody\n    group: \"65534\"\n", "")
    } else {
        ("", "")
    };
    let inv = INVENTORY.replace(
        "    hosts: [localhost, 127.0.0.1]\n  - name: node-b",
        &format!(
            "    hosts: [localhost, 127.0.0.1]\n    out: {}\n{owner}{group}    mode: \"0640\"\n    key_mode: \"0640\"\n  - name: node-b",
            out.display()
        ),
    );
    let p = env.write("inv.yaml", &inv);
    assert_eq!(apply(&env, &[p.to_str().unwrap()]).0, 0);
    let d = out;
    assert_eq!(mode(&d.join("node-a.key")), 0o640);
    assert_eq!(mode(&d.join("node-a.crt")), 0o640);
    assert_eq!(mode(&d.join("ca.crt")), 0o640);
    if root {
        for f in ["node-a.key", "node-a.crt", "ca.crt"] {
            let m = std::fs::metadata(d.join(f)).unwrap();
            assert_eq!((m.uid(), m.gid()), (65534, 65534), "{f}");
        }
        // The directory stays root's (so it is still trusted) with the group let in.
        let m = std::fs::metadata(&d).unwrap();
        assert_eq!((m.uid(), m.gid(), m.mode() & 0o777), (0, 65534, 0o750));
        // nobody can read its key (openssl run as nobody through setpriv, when present).
        if Path::new("/usr/bin/setpriv").exists() {
            let r = tool(
                "setpriv",
                &[
                    "--reuid=65534",
                    "--regid=65534",
                    "--clear-groups",
                    "openssl",
                    "pkey",
                    "-noout",
                    "-in",
                    d.join("node-a.key").to_str().unwrap(),
                ],
            );
            assert_eq!(r.code, 0, "{}", r.stderr);
        }
    }
    // Defaults elsewhere: 0600 key, 0644 certificate.
    let b = env.pki().join("certs/node-b");
    assert_eq!(mode(&b.join("node-b.key")), 0o600);
    assert_eq!(mode(&b.join("node-b.crt")), 0o644);
    // A run after someone loosened the key: the delivery is redone.
    std::fs::set_permissions(
        b.join("node-b.key"),
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .unwrap();
    let (code, v) = apply(&env, &["--check", p.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(actions(&v)["node-b"], "renewed", "{v}");
    assert_eq!(apply(&env, &[p.to_str().unwrap()]).0, 0);
    assert_eq!(mode(&b.join("node-b.key")), 0o600);
    let (code, _) = apply(&env, &["--check", p.to_str().unwrap()]);
    assert_eq!(code, 0);
}

#[test]
fn renew_before_takes_a_duration_or_a_fraction_of_the_lifetime() {
    let env = Env::new();
    let p = env.write("inv.yaml", INVENTORY);
    let inv = p.to_str().unwrap();
    assert_eq!(apply(&env, &[inv]).0, 0);
    // 30-day certificates, just issued (a few seconds less than 30 days left): a 2/3
    // window (20 days) or 29/30 (29 days) has nothing to do; 31 days (or 720 hours, the
    // whole lifetime) renews them all.
    for (rb, code) in [
        ("2/3", 0),
        ("29/30", 0),
        ("31d", 1),
        ("31", 1),
        ("719h", 0),
        ("720h", 1),
    ] {
        let (c, v) = apply(&env, &["--check", "--renew-before", rb, inv]);
        assert_eq!(c, code, "--renew-before {rb}: {v}");
    }
    // In the inventory too.
    std::fs::write(
        &p,
        INVENTORY.replace(
            "  valid_for: 30d\n",
            "  valid_for: 30d\n  renew_before: 2/3\n",
        ),
    )
    .unwrap();
    assert_eq!(apply(&env, &["--check", inv]).0, 0);
    // Shortening the validity takes effect at once (the point of short-lived certs).
    std::fs::write(
        &p,
        INVENTORY.replace("  valid_for: 30d\n", "  valid_for: 1d\n"),
    )
    .unwrap();
    let (code, v) = apply(&env, &["--check", inv]);
    assert_eq!(code, 1);
    let detail = v["items"][0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("validity shortened (30d -> 1d)"),
        "{detail}"
    );
    let _ = rfc3339(time::OffsetDateTime::now_utc());
}

#[test]
fn a_bundle_from_before_a_retired_ca_is_still_ours_and_replaced_without_force() {
    let env = Env::new();
    let p = env.write("inv.yaml", INVENTORY);
    let inv = p.to_str().unwrap();
    assert_eq!(apply(&env, &[inv]).0, 0);
    env.run(&["--yes", "ca", "rotate"]).ok();
    assert_eq!(apply(&env, &["--bundle-only", inv]).0, 0);
    assert_eq!(apply(&env, &[inv]).0, 0);
    let d = env.pki().join("certs/node-a");
    assert_eq!(certs_in(&d.join("ca.crt")), 2);
    // What retiring the previous CA leaves: its generation gone from the state directory,
    // the bundle holding the new root alone.
    let prev = env.pki().join("ca/previous");
    std::fs::rename(&prev, env.path("retired")).unwrap();
    std::fs::copy(env.pki().join("ca/root.crt"), env.pki().join("ca.crt")).unwrap();
    // The two-root ca.crt in every directory is an older bundle of this CA (its roots were
    // delivered by secctl): replaced without --force.
    let (code, v) = apply(&env, &["--check", inv]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["summary"]["bundles_written"], 3, "{v}");
    let (code, v) = apply(&env, &[inv]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["summary"]["bundles_written"], 3, "{v}");
    assert_eq!(certs_in(&d.join("ca.crt")), 1);
    openssl_verify_chain(&d.join("ca.crt"), &d.join("node-a.crt"), None).ok();
}
