//! The revoked canary: a client certificate the CA revoked at once, found by `probe --dir`
//! and tried as a fourth identity. `secctl serve` with the CRL refuses it and without one
//! (`--no-crl`) admits it; `openssl s_client` with the canary confirms each in the same
//! test, then `probe` must say the same (`revoked_client_accepted`, the summary, `--strict`)
//! and `verify HOST:PORT --cert canary` must fail either way, naming which.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::*;

/// A state directory with server `srv`, client `rails` and the revoked canary.
fn pki_with_canary() -> Env {
    let env = serve_pki();
    env.run(&["cert", "canary"]).ok();
    env
}

/// The serial of the state directory's canary certificate, as openssl reads it.
fn canary_serial(env: &Env) -> String {
    let o = Command::new("openssl")
        .args(["x509", "-noout", "-serial", "-in"])
        .arg(env.pki().join("certs/canary/canary.crt"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout).trim().to_lowercase();
    out.trim_start_matches("serial=").to_string()
}

/// Ground truth from openssl: the canary chains to the trust bundle and the CRLs list it
/// (`openssl verify -crl_check` says "certificate revoked", error 23).
fn openssl_says_revoked(env: &Env) -> bool {
    let p = env.pki();
    let o = Command::new("openssl")
        .args(["verify", "-crl_check", "-CAfile"])
        .arg(p.join("ca.crt"))
        .arg("-CRLfile")
        .arg(p.join("crl.pem"))
        .arg(p.join("certs/canary/canary.crt"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);
    !o.status.success() && out.contains("error 23 ")
}

/// Ground truth: `openssl s_client` with the canary sends an HTTP request; whether the
/// server answered it.
fn openssl_answered(env: &Env, addr: &str) -> bool {
    let p = |rel: &str| env.pki().join(rel).display().to_string();
    let mut child = Command::new("timeout")
        .args(["5", "openssl", "s_client", "-connect", addr])
        .args(["-servername", "localhost", "-CAfile", &p("ca.crt")])
        .args(["-cert", &p("certs/canary/canary.crt")])
        .args(["-key", &p("certs/canary/canary.key"), "-ign_eof", "-quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    drop(stdin);
    let o = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&o.stdout).starts_with("HTTP/1.1 ")
}

fn probe(env: &Env, addr: &str, strict: bool) -> (i32, serde_json::Value, Run) {
    let mut args = vec!["-o", "json", "probe", addr, "--servername", "localhost"];
    if strict {
        args.push("--strict");
    }
    let r = env.run(&args);
    let v: serde_json::Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("probe JSON: {e}: {}{}", r.stdout, r.stderr));
    (r.code, v[0].clone(), r)
}

fn verify_canary(env: &Env, addr: &str) -> Run {
    let p = |rel: &str| env.pki().join(rel).display().to_string();
    env.run(&[
        "verify",
        addr,
        "--servername",
        "localhost",
        "--cert",
        &p("certs/canary/canary.crt"),
        "--key",
        &p("certs/canary/canary.key"),
    ])
}

#[test]
fn serve_with_its_crl_refuses_the_canary_and_the_probe_says_so() {
    let env = pki_with_canary();
    let s = Serve::start(&env, &["--name", "srv", "--client-auth", "required"]);
    assert!(
        !openssl_answered(&env, &s.addr),
        "ground truth: serve with the CRL answered the revoked canary"
    );
    let (code, t, _) = probe(&env, &s.addr, true);
    for row in ["tls", "https1", "h2"] {
        assert_eq!(
            transport(&t, row)["revoked_client_accepted"],
            false,
            "{row}: {t}"
        );
    }
    // Plaintext rows carry no canary verdict.
    assert!(transport(&t, "http1")
        .get("revoked_client_accepted")
        .is_none());
    assert_eq!(t["summary"]["mtls"], "enforced", "{t}");
    assert_eq!(code, 0, "--strict: {t}");
    let v = verify_canary(&env, &s.addr);
    assert_eq!(v.code, 1, "{}{}", v.stdout, v.stderr);
    assert!(
        v.stdout.contains("the server enforces revocation"),
        "{}",
        v.stdout
    );
}

#[test]
fn serve_without_a_crl_admits_the_canary_and_the_probe_names_it() {
    let env = pki_with_canary();
    let s = Serve::start(
        &env,
        &["--name", "srv", "--client-auth", "required", "--no-crl"],
    );
    assert!(
        openssl_answered(&env, &s.addr),
        "ground truth: serve --no-crl did not answer the revoked canary"
    );
    let (code, t, r) = probe(&env, &s.addr, true);
    for row in ["tls", "https1", "h2"] {
        let tr = transport(&t, row);
        assert_eq!(tr["revoked_client_accepted"], true, "{row}: {t}");
        assert!(
            tr["detail"]
                .as_str()
                .unwrap()
                .contains("REVOKED canary admitted"),
            "{row}: {t}"
        );
    }
    assert_eq!(t["summary"]["mtls"], "unverified", "{t}");
    assert_eq!(code, 1, "--strict must fail: {}", r.stderr);
    // The text form names the rows.
    let text = env.run(&["probe", &s.addr, "--servername", "localhost", "--strict"]);
    assert_eq!(text.code, 1);
    assert!(
        text.stdout
            .contains("revoked client certificate admitted on tls, https1, h2"),
        "{}",
        text.stdout
    );
    let v = verify_canary(&env, &s.addr);
    assert_eq!(v.code, 1, "{}{}", v.stdout, v.stderr);
    assert!(
        v.stdout.contains("REVOKED certificate admitted")
            && v.stdout.contains("the server does not enforce revocation"),
        "{}",
        v.stdout
    );
}

/// The canary this machine holds is judged by its own record: an older canary (on etcd,
/// another machine ran `cert canary` since) that is revoked and from the issuing CA is
/// still tried, and serve refuses it (openssl agrees).
#[test]
fn an_older_canary_on_this_machine_is_judged_by_its_own_record() {
    let env = pki_with_canary();
    let dir = env.pki().join("certs/canary");
    let old_crt = std::fs::read(dir.join("canary.crt")).unwrap();
    let old_key = std::fs::read(dir.join("canary.key")).unwrap();
    let old_serial = canary_serial(&env);
    env.run(&["cert", "canary", "--force"]).ok();
    std::fs::write(dir.join("canary.crt"), old_crt).unwrap();
    std::fs::write(dir.join("canary.key"), old_key).unwrap();
    assert_eq!(canary_serial(&env), old_serial);
    let s = Serve::start(&env, &["--name", "srv", "--client-auth", "required"]);
    assert!(!openssl_answered(&env, &s.addr), "ground truth");
    let (code, t, r) = probe(&env, &s.addr, true);
    assert_eq!(
        transport(&t, "tls")["revoked_client_accepted"],
        false,
        "{t}"
    );
    assert!(!r.stderr.contains("not tried"), "{}", r.stderr);
    assert_eq!(code, 0, "{t}");
}

/// `cert canary`: revoked before anything else sees it (openssl says so), kept as it is
/// when current, a new one with --force; `ca rotate` issues a new one from the new CA,
/// which serve refuses with its CRL and admits without one (so the refusal is the
/// revocation, not the issuer), each confirmed by openssl s_client.
#[test]
fn cert_canary_is_revoked_at_issuance_and_reissued_by_ca_rotate() {
    let env = serve_pki();
    let first = env.run(&["-o", "json", "cert", "canary"]).ok();
    let v: serde_json::Value = serde_json::from_str(&first.stdout).unwrap();
    assert_eq!(v["issued"], true, "{v}");
    assert_eq!(v["record"]["role"], "canary", "{v}");
    assert!(v["replaces"].is_null(), "{v}");
    let serial = canary_serial(&env);
    assert_eq!(v["record"]["serial"], serial.as_str(), "{v}");
    assert!(openssl_says_revoked(&env), "ground truth: not revoked");
    // Current: kept, nothing written.
    let crl_before = std::fs::read(env.pki().join("crl.pem")).unwrap();
    let again = env.run(&["cert", "canary"]).ok();
    assert!(again.stdout.contains("is current"), "{}", again.stdout);
    assert_eq!(canary_serial(&env), serial);
    assert_eq!(
        std::fs::read(env.pki().join("crl.pem")).unwrap(),
        crl_before
    );
    // --force: a new one, revoked too; it names the one it replaces.
    let forced = env.run(&["-o", "json", "cert", "canary", "--force"]).ok();
    let f: serde_json::Value = serde_json::from_str(&forced.stdout).unwrap();
    assert_eq!(f["replaces"], serial.as_str(), "{f}");
    let serial = canary_serial(&env);
    assert_ne!(f["replaces"], f["record"]["serial"], "{f}");
    assert!(
        openssl_says_revoked(&env),
        "ground truth: --force canary not revoked"
    );

    let rotated = env.run(&["--yes", "-o", "json", "ca", "rotate"]).ok();
    let r: serde_json::Value = serde_json::from_str(&rotated.stdout).unwrap();
    let new_serial = canary_serial(&env);
    assert_ne!(new_serial, serial, "rotate kept the old canary");
    assert_eq!(r["canary"]["serial"], new_serial.as_str(), "{r}");
    let shown = env.run(&["-o", "json", "ca", "show"]).ok();
    assert!(
        shown
            .stdout
            .contains(r["canary"]["issuer_fingerprint"].as_str().unwrap()),
        "the new canary is not from a CA of the state: {r}"
    );
    assert_ne!(
        r["canary"]["issuer_fingerprint"], v["record"]["issuer_fingerprint"],
        "the new canary comes from the old CA: {r}"
    );
    assert!(
        openssl_says_revoked(&env),
        "ground truth: rotated canary not revoked"
    );
    let text = env.run(&["--yes", "ca", "rotate"]).ok();
    assert!(
        text.stdout
            .contains("issued a new revoked canary from the new CA"),
        "{}",
        text.stdout
    );

    let s = Serve::start(&env, &["--name", "srv", "--client-auth", "required"]);
    assert!(
        !openssl_answered(&env, &s.addr),
        "ground truth: serve with the CRL answered the rotated canary"
    );
    let (code, t, _) = probe(&env, &s.addr, true);
    assert_eq!(
        transport(&t, "tls")["revoked_client_accepted"],
        false,
        "{t}"
    );
    assert_eq!(code, 0, "{t}");
    drop(s);
    let s = Serve::start(
        &env,
        &["--name", "srv", "--client-auth", "required", "--no-crl"],
    );
    assert!(
        openssl_answered(&env, &s.addr),
        "ground truth: serve --no-crl refused the rotated canary (not its revocation)"
    );
    let (code, t, _) = probe(&env, &s.addr, true);
    assert_eq!(transport(&t, "tls")["revoked_client_accepted"], true, "{t}");
    assert_eq!(code, 1, "{t}");
}

/// The canary's name and role are kept for `cert canary`: issuing, renewing or listing
/// them in an inventory any other way is exit 2 and changes nothing.
#[test]
fn the_canary_name_and_role_are_kept_for_cert_canary() {
    let env = serve_pki();
    let before = snapshot(&env.pki());
    env.run(&["cert", "client", "canary", "--role", "canary"])
        .usage_error(&["kept for the revoked canary", "secctl cert canary"]);
    env.run(&["cert", "client", "ops-1", "--role", "canary"])
        .usage_error(&["the role \"canary\""]);
    env.run(&["cert", "node", "canary", "--host", "canary.test"])
        .usage_error(&["the name \"canary\""]);
    assert_eq!(
        snapshot(&env.pki()),
        before,
        "a refused issuance changed the state"
    );
    env.run(&["cert", "canary"]).ok();
    let before = snapshot(&env.pki());
    env.run(&["cert", "renew", "canary"])
        .usage_error(&["not renewed", "cert canary --force"]);
    assert_eq!(
        snapshot(&env.pki()),
        before,
        "a refused renewal changed the state"
    );
    let inv = env.path("inv.yaml");
    std::fs::write(
        &inv,
        "cluster: Test\nclients:\n  - name: canary\n    role: canary\n    out: out/canary\n",
    )
    .unwrap();
    env.run(&["apply", "--check", inv.to_str().unwrap()])
        .usage_error(&["inv.yaml", "line 3", "kept for the revoked canary"]);
}

/// Every file of a directory tree with its contents.
fn snapshot(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// A canary whose revocation is not on record (a state directory from before `cert
/// canary`, where the recipe's `revoke` was skipped; simulated by taking its line out of
/// the revocation log) or whose key is gone is not tried, and probe says why.
#[test]
fn a_canary_that_is_not_revoked_is_not_used_and_explicit_flags_need_both() {
    let env = serve_pki();
    env.run(&["cert", "canary"]).ok();
    let log = env.pki().join("revocations.log");
    let serial = canary_serial(&env);
    let kept: String = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with(&serial))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&log, kept).unwrap();
    // `check` (the monitoring command) fails on it: the revocation test is gone.
    let c = env.run(&["-o", "json", "check", "--within", "1d"]);
    assert_eq!(c.code, 1, "{}{}", c.stdout, c.stderr);
    let v = c.json();
    assert!(
        v["problems"].as_array().unwrap().iter().any(|p| {
            let p = p.as_str().unwrap();
            p.contains("is not revoked")
                && p.contains("probe cannot tell whether servers enforce revocation")
        }),
        "{v}"
    );
    let s = Serve::start(&env, &["--name", "srv", "--client-auth", "required"]);
    let (_, t, r) = probe(&env, &s.addr, false);
    assert!(
        transport(&t, "tls")
            .get("revoked_client_accepted")
            .is_none(),
        "a canary that is not revoked proves nothing: {t}"
    );
    assert!(
        r.stderr.contains("is not revoked: not tried") && r.stderr.contains("secctl cert canary"),
        "{}",
        r.stderr
    );
    // `cert canary` replaces it with a revoked one and says the old one never was.
    let c = env.run(&["cert", "canary"]).ok();
    assert!(c.stderr.contains("was never revoked"), "{}", c.stderr);
    // A server reads its CRL at start: restarted, it has the one that lists the canary.
    drop(s);
    let s = Serve::start(&env, &["--name", "srv", "--client-auth", "required"]);
    let (_, t, r) = probe(&env, &s.addr, false);
    assert_eq!(
        transport(&t, "tls")["revoked_client_accepted"],
        false,
        "{t}"
    );
    assert!(!r.stderr.contains("not tried"), "{}", r.stderr);
    std::fs::remove_file(env.pki().join("certs/canary/canary.key")).unwrap();
    let (_, t, r) = probe(&env, &s.addr, false);
    assert!(
        transport(&t, "tls")
            .get("revoked_client_accepted")
            .is_none(),
        "{t}"
    );
    assert!(
        r.stderr.contains("its certificate or key is not in") && r.stderr.contains("not tried"),
        "{}",
        r.stderr
    );
    // The files are this machine's matter (on etcd they stay where they were made):
    // `check` of the state has nothing to say; `cert canary` makes new ones here.
    env.run(&["check", "--within", "1d"]).ok();
    env.run(&["cert", "canary"]).ok();
    let p = env.pki().join("certs/canary/canary.crt");
    env.run(&["probe", &s.addr, "--revoked-cert", p.to_str().unwrap()])
        .usage_error(&["--revoked-key"]);
}

/// `verify HOST:PORT` on a port that answers in plaintext: a failed check (exit 1, the
/// table, JSON with `certificate` null), not bad input; a port where nothing listens stays
/// exit 2. Ground truth: a plain TCP client gets an HTTP answer from the same port.
#[test]
fn verify_of_a_plaintext_port_fails_the_tls_check_with_exit_1() {
    use std::io::{Read, Write};
    let env = serve_pki();
    let s = Serve::start(&env, &["--insecure"]);
    let mut c = std::net::TcpStream::connect(&s.addr).unwrap();
    c.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    let _ = c.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 "), "ground truth: {answer:?}");
    let text = env.run(&["verify", &s.addr, "--servername", "localhost"]);
    assert_eq!(text.code, 1, "{}{}", text.stdout, text.stderr);
    assert!(
        text.stdout.contains("no TLS certificate")
            && text
                .stdout
                .contains("the port answered in plaintext: http1")
            && text.stdout.contains("NOT verified: tls failed"),
        "{}",
        text.stdout
    );
    let json = env.run(&["-o", "json", "verify", &s.addr, "--servername", "localhost"]);
    assert_eq!(json.code, 1, "{}", json.stderr);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(v["certificate"].is_null(), "{v}");
    assert_eq!(v["ok"], false);
    assert_eq!(v["checks"][0]["check"], "tls");
    assert_eq!(v["checks"][0]["ok"], false);
    // Nothing listening: still a target that cannot be checked (exit 2, one line).
    let port = free_port();
    let gone = env.run(&["verify", &format!("127.0.0.1:{port}"), "--timeout", "1"]);
    assert_eq!(gone.code, 2, "{}{}", gone.stdout, gone.stderr);
    assert_eq!(gone.stderr.lines().count(), 1, "{}", gone.stderr);
}
