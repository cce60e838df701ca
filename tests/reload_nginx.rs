//! Issue #30, delivery: `apply` delivers `crl.pem` beside `ca.crt` to the nodes and runs
//! each node's `reload:` hook after its files changed, so that a revocation reaches a real
//! nginx (`ssl_crl` on the delivered file) in one `secctl revoke X && secctl apply`. A
//! failing hook makes the run exit 1, the other nodes delivered and reloaded all the same.
//!
//! Needs `nginx` and `curl`: ignored by plain `cargo test`, run by `.ci/run` with
//! `cargo test --test reload_nginx -- --ignored`.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;

/// nginx with a master process (SIGHUP reloads it as operators do), verifying clients
/// against the delivered `ca.crt` and `crl.pem` in `certs`.
fn start_node(dir: &Path, certs: &Path) -> Nginx {
    let c = certs.display();
    Nginx::start_master(
        dir,
        &format!(
            "  ssl_certificate {c}/web.crt;\n  ssl_certificate_key {c}/web.key;\n\
             ssl_client_certificate {c}/ca.crt;\n  ssl_crl {c}/crl.pem;\n\
             ssl_verify_client on;\n  ssl_verify_depth 3;\n\
             location = /hello {{ return 200 \"hello $ssl_client_s_dn\\n\"; }}"
        ),
    )
}

/// GET /hello as client `name` (its delivered files); the HTTP status, 0 when the
/// handshake failed.
fn hello(env: &Env, port: u16, name: &str) -> u16 {
    hello_from(port, name, &env.pki().join("certs").join(name))
}

/// GET /hello with the files of `name` in `dir`.
fn hello_from(port: u16, name: &str, dir: &Path) -> u16 {
    let (crt, key, ca) = (
        dir.join(format!("{name}.crt")),
        dir.join(format!("{name}.key")),
        dir.join("ca.crt"),
    );
    curl(
        &format!("https://localhost:{port}/hello"),
        &[
            "--resolve",
            &format!("localhost:{port}:127.0.0.1"),
            "--cacert",
            ca.to_str().unwrap(),
            "--cert",
            crt.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ],
    )
    .0
}

/// Wait (nginx reloads asynchronously: old workers finish first) until `name` gets `want`.
fn eventually(port: u16, name: &str, dir: &Path, want: impl Fn(u16) -> bool) -> u16 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let code = hello_from(port, name, dir);
        if want(code) || Instant::now() > deadline {
            return code;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn item<'a>(j: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    j["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("no item {name}: {j:#}"))
}

fn hook_runs(env: &Env) -> Vec<String> {
    std::fs::read_to_string(env.path("hooks.log"))
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
#[ignore = "needs nginx and curl; run by .ci/run"]
fn a_revocation_reaches_nginx_in_one_apply() {
    require(nginx_bin().is_some(), "nginx (apt-get install nginx)");
    require(have("curl"), "curl");
    let env = Env::new();
    let nginx_dir = env.path("nginx");
    let pid = nginx_dir.join("nginx.pid");
    // The hook logs what it was given (one line per run) and reloads nginx once it runs.
    let inv = format!(
        "\
cluster: Reload Test
trust_domain: reload.test
nodes:
  - name: api
    role: api
    hosts: [localhost]
    reload: 'echo \"api $(echo \"$SECCTL_CHANGED_FILES\" | tr \"\\n\" \" \")\" >> hooks.log; test ! -e fail-api'
  - name: web
    role: web
    hosts: [localhost, 127.0.0.1]
    reload: 'echo \"$SECCTL_NAME $(echo \"$SECCTL_CHANGED_FILES\" | tr \"\\n\" \" \")\" >> hooks.log; if test -e {p}; then kill -HUP \"$(cat {p})\"; fi'
clients:
  - name: rails
    role: app
  - name: sidekiq
    role: app
",
        p = pid.display()
    );
    env.write("inv.yaml", &inv);

    // First run: everything issued, crl.pem to the nodes (not to clients), both hooks run.
    let r = env.run(&["-o", "json", "apply", "inv.yaml"]);
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    let j = r.json();
    let certs = env.pki().join("certs");
    let state_crl = std::fs::read(env.pki().join("crl.pem")).unwrap();
    for n in ["api", "web"] {
        assert_eq!(
            std::fs::read(certs.join(n).join("crl.pem")).unwrap(),
            state_crl
        );
        assert_eq!(item(&j, n)["crl_written"], true);
        assert_eq!(item(&j, n)["reload"]["ok"], true, "{j:#}");
        assert_eq!(mode(&certs.join(n).join("crl.pem")), 0o644);
    }
    assert!(!certs.join("rails/crl.pem").exists());
    let runs = hook_runs(&env);
    assert_eq!(runs.len(), 2, "{runs:?}");
    let web_run = runs.iter().find(|l| l.starts_with("web ")).unwrap();
    for f in ["web.crt", "web.key", "ca.crt", "crl.pem"] {
        assert!(web_run.contains(&format!("/certs/web/{f}")), "{web_run}");
    }

    let node = start_node(&nginx_dir, &certs.join("web"));
    let port = node.port;
    assert_eq!(hello(&env, port, "rails"), 200, "{}", node.log());
    assert_eq!(hello(&env, port, "sidekiq"), 200);

    // Nothing changed: no delivery, no hook.
    let j = env.run(&["-o", "json", "apply", "inv.yaml"]).ok().json();
    assert_eq!(item(&j, "web")["reload"], serde_json::Value::Null);
    assert_eq!(j["summary"]["reloads_run"], 0);
    assert_eq!(hook_runs(&env).len(), 2);

    // revoke && apply: the new CRL delivered, nginx reloaded by the hook, rails's revoked
    // certificate refused (apply issues rails a new one, which is admitted).
    let keep = |n: &str| {
        let old = env.path(&format!("old-{n}"));
        std::fs::create_dir_all(&old).unwrap();
        for f in [format!("{n}.crt"), format!("{n}.key"), "ca.crt".into()] {
            std::fs::copy(certs.join(n).join(&f), old.join(&f)).unwrap();
        }
        old
    };
    let old_rails = keep("rails");
    env.run(&["--yes", "revoke", "rails"]).ok();
    // --check runs no hook.
    let r = env.run(&["apply", "--check", "inv.yaml"]);
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("crl.pem would be delivered"),
        "{}",
        r.stdout
    );
    assert_eq!(hook_runs(&env).len(), 2);
    let r = env.run(&["apply", "inv.yaml"]);
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    assert!(r.stdout.contains("crl.pem delivered"), "{}", r.stdout);
    assert!(r.stdout.contains("reload web: ok"), "{}", r.stdout);
    let runs = hook_runs(&env);
    assert_eq!(runs.len(), 4, "{runs:?}");
    assert!(
        runs[2..]
            .iter()
            .all(|l| l.contains("crl.pem") && !l.contains(".crt")),
        "only crl.pem changed: {runs:?}"
    );
    let code = eventually(port, "rails", &old_rails, |c| c != 200);
    assert!(
        code == 400 || code == 0,
        "revoked rails got {code}: {}",
        node.log()
    );
    assert_eq!(hello(&env, port, "sidekiq"), 200);
    assert_eq!(hello(&env, port, "rails"), 200, "rails's new certificate");

    // A failing hook: exit 1, reported; web still delivered and reloaded.
    env.write("fail-api", "");
    let old_sidekiq = keep("sidekiq");
    env.run(&["--yes", "revoke", "sidekiq"]).ok();
    let r = env.run(&["apply", "inv.yaml"]);
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("reload api: FAILED (exited 1"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("reload web: ok"), "{}", r.stdout);
    let state_crl = std::fs::read(env.pki().join("crl.pem")).unwrap();
    for n in ["api", "web"] {
        assert_eq!(
            std::fs::read(certs.join(n).join("crl.pem")).unwrap(),
            state_crl
        );
    }
    let code = eventually(port, "sidekiq", &old_sidekiq, |c| c != 200);
    assert!(code == 400 || code == 0, "revoked sidekiq got {code}");
    drop(node);
}
