//! Many secctl processes on one state directory at once: 8 issuers of 50 certificates
//! each, with `revoke` and `crl` running beside them. Nothing is lost, no serial repeats,
//! and the last CRL is one openssl accepts and lists every revocation.

mod common;

use std::collections::BTreeSet;
use std::sync::mpsc;

use common::{tool, Env};

const WORKERS: usize = 8;
const EACH: usize = 50;

fn norm(serial: &str) -> String {
    serial
        .trim()
        .trim_start_matches('0')
        .to_ascii_lowercase()
        .replace(':', "")
}

#[test]
fn eight_issuers_with_revoke_and_crl_beside_them() {
    let env = Env::new();
    env.run(&["ca", "init", "--name", "Busy"]).ok();
    let (tx, rx) = mpsc::channel::<String>();
    let revoked = std::thread::scope(|sc| {
        for w in 0..WORKERS {
            let tx = tx.clone();
            let env = &env;
            sc.spawn(move || {
                for i in 0..EACH {
                    let name = format!("w{w}-{i:02}");
                    let host = format!("{name}.busy.test");
                    let r = env.run(&["-o", "json", "cert", "node", &name, "--host", &host]);
                    assert_eq!(r.code, 0, "{name}: {}", r.stderr);
                    let serial = r.json()["serial"].as_str().unwrap().to_string();
                    // Every fifth certificate is revoked by the revoker thread.
                    if i % 5 == 0 {
                        tx.send(serial).unwrap();
                    }
                }
            });
        }
        drop(tx);
        // The revoker: revoke and publish while the issuers run.
        let revoker = sc.spawn(|| {
            let mut revoked = Vec::new();
            for serial in rx {
                let r = env.run(&["revoke", &serial, "--reason", "keyCompromise", "--yes"]);
                assert_eq!(r.code, 0, "revoke {serial}: {}", r.stderr);
                revoked.push(serial);
                if revoked.len() % 4 == 0 {
                    let r = env.run(&["crl"]);
                    assert_eq!(r.code, 0, "crl: {}", r.stderr);
                }
            }
            revoked
        });
        revoker.join().unwrap()
    });
    env.run(&["crl"]).ok();

    // 400 records, 400 distinct serials, every name present, each with its certificate.
    let list = env.run(&["-o", "json", "cert", "list"]).ok().json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), WORKERS * EACH);
    let serials: BTreeSet<String> = list
        .iter()
        .map(|c| c["serial"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(serials.len(), WORKERS * EACH, "repeated serials");
    let names: BTreeSet<String> = list
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), WORKERS * EACH);
    for s in &serials {
        // One file per record, the certificate inside it.
        assert!(env.pki().join(format!("issued/{s}.json")).is_file());
        assert!(!env.pki().join(format!("issued/{s}.crt")).exists());
    }
    // No index entry lost to a concurrent writer: every name's index file lists its serial,
    // and store check finds records, index, revocations, CRL and delivered files agreeing.
    let indexed = std::fs::read_dir(env.pki().join("names"))
        .unwrap()
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .count();
    assert_eq!(indexed, WORKERS * EACH);
    let r = env.run(&["store", "check"]);
    assert_eq!(r.code, 0, "store check: {}{}", r.stdout, r.stderr);
    let n_revoked = list.iter().filter(|c| c["status"] == "revoked").count();
    assert_eq!(n_revoked, revoked.len());
    assert_eq!(revoked.len(), WORKERS * EACH / 5);

    // The CRL verifies with openssl and lists every revocation.
    let crl = env.pki().join("crl.pem");
    let ca = env.pki().join("ca.crt");
    let r = common::openssl_crl_verify(&env.pki(), &["-text"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("verify OK"), "{}", r.stderr);
    let listed: BTreeSet<String> = r
        .stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Serial Number: "))
        .map(norm)
        .collect();
    let want: BTreeSet<String> = revoked.iter().map(|s| norm(s)).collect();
    assert_eq!(listed, want, "CRL does not list exactly the revocations");
    // And each revoked certificate fails openssl's CRL check; a kept one passes.
    let first_revoked = &revoked[0];
    let kept = serials.iter().find(|s| !revoked.contains(s)).unwrap();
    for (serial, ok) in [(first_revoked, false), (kept, true)] {
        let leaf = env.pki().join(format!("{serial}.crt"));
        let pem = env.run(&["cert", "show", serial, "--pem"]).ok().stdout;
        std::fs::write(&leaf, pem).unwrap();
        let r = tool(
            "openssl",
            &[
                "verify",
                "-crl_check",
                "-CAfile",
                ca.to_str().unwrap(),
                "-CRLfile",
                crl.to_str().unwrap(),
                leaf.to_str().unwrap(),
            ],
        );
        assert_eq!(r.code == 0, ok, "{serial}: {}{}", r.stdout, r.stderr);
    }
}
