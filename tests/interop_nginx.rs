//! nginx from Debian accepts secctl certificates for mutual TLS and refuses others.
//!
//! Needs `nginx` and `curl`: ignored by plain `cargo test`, run by `.ci/run` (which installs
//! them) with `cargo test --test interop_nginx -- --ignored`.

mod common;

use common::*;

const NEEDS: &str = "needs nginx and curl (apt-get install nginx curl); run by .ci/run";

fn issue(env: &Env, args: &[&str]) {
    env.run(args).ok();
}

#[test]
#[ignore = "needs nginx and curl (apt-get install nginx curl); run by .ci/run"]
fn nginx_mtls_accepts_secctl_client_and_refuses_others() {
    assert!(nginx_bin().is_some() && have("curl"), "{NEEDS}");
    let env = Env::new();
    issue(&env, &["ca", "init", "--name", "Prod", "--intermediate"]);
    issue(
        &env,
        &[
            "cert",
            "node",
            "web1",
            "--host",
            "localhost",
            "--host",
            "127.0.0.1",
            "--role",
            "praefect",
        ],
    );
    issue(&env, &["cert", "client", "rails", "--role", "gitlab"]);
    issue(
        &env,
        &[
            "cert", "node", "gitaly1", "--host", "gitaly1", "--role", "gitaly",
        ],
    );
    // A client from another CA.
    let other = Env::new();
    other.run(&["ca", "init", "--name", "Other"]).ok();
    other
        .run(&["cert", "client", "mallory", "--role", "gitlab"])
        .ok();

    let c = |e: &Env, n: &str, f: &str| {
        e.pki()
            .join(format!("certs/{n}/{n}.{f}"))
            .display()
            .to_string()
    };
    let ca = env.pki().join("ca.crt").display().to_string();
    let body = format!(
        "  ssl_certificate {};\n  ssl_certificate_key {};\n  ssl_client_certificate {ca};\n  \
         ssl_verify_client on;\n  ssl_verify_depth 3;\n  \
         location / {{ return 200 \"hello $ssl_client_s_dn\\n\"; }}",
        c(&env, "web1", "crt"),
        c(&env, "web1", "key"),
    );
    let nginx = Nginx::start(&env.path("nginx"), &body);
    let url = format!("https://localhost:{}/", nginx.port);
    let ip_url = format!("https://127.0.0.1:{}/", nginx.port);

    // curl checks the server chain and hostname against our ca.crt (both SANs) and nginx
    // checks the client chain through the intermediate.
    for u in [&url, &ip_url] {
        let (code, body) = curl(
            u,
            &[
                "--cacert",
                &ca,
                "--cert",
                &c(&env, "rails", "crt"),
                "--key",
                &c(&env, "rails", "key"),
            ],
        );
        assert_eq!(code, 200, "good client refused at {u}: {body}");
        assert!(
            body.contains("OU=gitlab") && body.contains("CN=rails"),
            "{body}"
        );
    }
    // A node certificate is a client certificate too.
    let (code, body) = curl(
        &url,
        &[
            "--cacert",
            &ca,
            "--cert",
            &c(&env, "gitaly1", "crt"),
            "--key",
            &c(&env, "gitaly1", "key"),
        ],
    );
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("OU=gitaly"), "{body}");

    // Another CA's client and no client certificate: refused.
    let (code, body) = curl(
        &url,
        &[
            "--cacert",
            &ca,
            "--cert",
            &c(&other, "mallory", "crt"),
            "--key",
            &c(&other, "mallory", "key"),
        ],
    );
    assert_eq!(code, 400, "foreign client accepted: {body}");
    assert!(
        body.contains("certificate error") || body.contains("SSL certificate"),
        "{body}"
    );
    let (code, body) = curl(&url, &["--cacert", &ca]);
    assert_eq!(code, 400, "{body}");
    assert!(body.contains("No required SSL certificate"), "{body}");

    // The server certificate does not verify against another CA's bundle.
    let other_ca = other.pki().join("ca.crt").display().to_string();
    let (code, _) = curl(
        &url,
        &[
            "--cacert",
            &other_ca,
            "--cert",
            &c(&env, "rails", "crt"),
            "--key",
            &c(&env, "rails", "key"),
        ],
    );
    assert_eq!(
        code, 0,
        "curl accepted a server certificate from another CA"
    );
    drop(nginx);
}

#[test]
#[ignore = "needs nginx and curl (apt-get install nginx curl); run by .ci/run"]
fn nginx_serves_every_key_type() {
    assert!(nginx_bin().is_some() && have("curl"), "{NEEDS}");
    for kt in ["ecdsa-p256", "ecdsa-p384", "ed25519"] {
        let env = Env::new();
        issue(&env, &["ca", "init", "--key-type", kt]);
        issue(&env, &["cert", "node", "n", "--host", "localhost"]);
        issue(&env, &["cert", "client", "c", "--role", "ops"]);
        let p = |n: &str, f: &str| {
            env.pki()
                .join(format!("certs/{n}/{n}.{f}"))
                .display()
                .to_string()
        };
        let ca = env.pki().join("ca.crt").display().to_string();
        let body = format!(
            "  ssl_certificate {};\n  ssl_certificate_key {};\n  ssl_client_certificate {ca};\n  \
             ssl_verify_client on;\n  location / {{ return 200 \"ok $ssl_client_s_dn\\n\"; }}",
            p("n", "crt"),
            p("n", "key")
        );
        let nginx = Nginx::start(&env.path("nginx"), &body);
        let (code, body) = curl(
            &format!("https://localhost:{}/", nginx.port),
            &[
                "--cacert",
                &ca,
                "--cert",
                &p("c", "crt"),
                "--key",
                &p("c", "key"),
            ],
        );
        assert_eq!(code, 200, "{kt}: {body}");
        assert!(body.contains("OU=ops"), "{kt}: {body}");
    }
}

#[test]
#[ignore = "needs nginx and curl (apt-get install nginx curl); run by .ci/run"]
fn nginx_ssl_crl_refuses_a_revoked_client() {
    assert!(nginx_bin().is_some() && have("curl"), "{NEEDS}");
    let env = Env::new();
    // With an intermediate: nginx's ssl_crl checks the whole chain, so the root's CRL is needed too.
    issue(&env, &["ca", "init", "--name", "Prod", "--intermediate"]);
    issue(&env, &["cert", "node", "web1", "--host", "localhost"]);
    issue(&env, &["cert", "client", "good", "--role", "gitlab"]);
    issue(&env, &["cert", "client", "stolen", "--role", "gitlab"]);
    issue(
        &env,
        &["--yes", "revoke", "stolen", "--reason", "keyCompromise"],
    );
    let c = |n: &str, f: &str| {
        env.pki()
            .join(format!("certs/{n}/{n}.{f}"))
            .display()
            .to_string()
    };
    let ca = env.pki().join("ca.crt").display().to_string();
    let crl = env.pki().join("crl.pem").display().to_string();
    let body = format!(
        "  ssl_certificate {};\n  ssl_certificate_key {};\n  ssl_client_certificate {ca};\n  \
         ssl_crl {crl};\n  ssl_verify_client on;\n  ssl_verify_depth 3;\n  \
         location / {{ return 200 \"hello $ssl_client_s_dn\\n\"; }}",
        c("web1", "crt"),
        c("web1", "key"),
    );
    let nginx = Nginx::start(&env.path("nginx"), &body);
    let url = format!("https://localhost:{}/", nginx.port);
    let (code, body) = curl(
        &url,
        &[
            "--cacert",
            &ca,
            "--cert",
            &c("good", "crt"),
            "--key",
            &c("good", "key"),
        ],
    );
    assert_eq!(code, 200, "good client refused: {body}");
    assert!(body.contains("CN=good"), "{body}");
    let (code, body) = curl(
        &url,
        &[
            "--cacert",
            &ca,
            "--cert",
            &c("stolen", "crt"),
            "--key",
            &c("stolen", "key"),
        ],
    );
    assert_eq!(code, 400, "revoked client accepted: {body}");
    assert!(
        body.contains("certificate error") || body.contains("SSL certificate"),
        "{body}"
    );
    let log = std::fs::read_to_string(nginx.dir.join("error.log")).unwrap_or_default();
    assert!(
        log.contains("certificate revoked"),
        "nginx log should say why: {log}"
    );
}

/// The root key moved offline after `ca init --intermediate`: `revoke` keeps the root's CRL
/// (copied forward) in crl.pem, so nginx `ssl_crl` (which checks the whole chain) still
/// admits a valid client and refuses the revoked one; `openssl verify -crl_check_all` and
/// `secctl verify` agree.
#[test]
#[ignore = "needs nginx and curl (apt-get install nginx curl); run by .ci/run"]
fn nginx_ssl_crl_after_the_root_key_went_offline() {
    assert!(nginx_bin().is_some() && have("curl"), "{NEEDS}");
    let env = Env::new();
    issue(&env, &["ca", "init", "--name", "Prod", "--intermediate"]);
    issue(&env, &["cert", "node", "web1", "--host", "localhost"]);
    issue(&env, &["cert", "client", "good", "--role", "gitlab"]);
    issue(&env, &["cert", "client", "stolen", "--role", "gitlab"]);
    // The root key leaves the machine (kept by its custodians).
    let offline = env.path("root.key.offline");
    std::fs::rename(env.pki().join("ca/root.key"), &offline).unwrap();
    let r = env
        .run(&["--yes", "revoke", "stolen", "--reason", "keyCompromise"])
        .ok();
    assert!(r.stderr.contains("offline"), "{}", r.stderr);
    let crl = env.pki().join("crl.pem");
    let text = std::fs::read_to_string(&crl).unwrap();
    assert_eq!(text.matches("BEGIN X509 CRL").count(), 2, "{text}");
    let c = |n: &str, f: &str| {
        env.pki()
            .join(format!("certs/{n}/{n}.{f}"))
            .display()
            .to_string()
    };
    let ca = env.pki().join("ca.crt").display().to_string();
    let crl = crl.display().to_string();
    for (n, ok) in [("good", true), ("stolen", false)] {
        let o = tool(
            "openssl",
            &[
                "verify",
                "-crl_check_all",
                "-CAfile",
                &ca,
                "-untrusted",
                &c(n, "crt"),
                "-CRLfile",
                &crl,
                &c(n, "crt"),
            ],
        );
        assert_eq!(o.code == 0, ok, "openssl {n}: {}{}", o.stdout, o.stderr);
        let v = env.run(&["verify", &c(n, "crt")]);
        assert_eq!(v.code == 0, ok, "secctl {n}: {}", v.stdout);
    }
    let body = format!(
        "  ssl_certificate {};\n  ssl_certificate_key {};\n  ssl_client_certificate {ca};\n  \
         ssl_crl {crl};\n  ssl_verify_client on;\n  ssl_verify_depth 3;\n  \
         location / {{ return 200 \"hello $ssl_client_s_dn\\n\"; }}",
        c("web1", "crt"),
        c("web1", "key"),
    );
    let nginx = Nginx::start(&env.path("nginx"), &body);
    let url = format!("https://localhost:{}/", nginx.port);
    let get = |n: &str| {
        curl(
            &url,
            &[
                "--cacert",
                &ca,
                "--cert",
                &c(n, "crt"),
                "--key",
                &c(n, "key"),
            ],
        )
    };
    let (code, body) = get("good");
    assert_eq!(
        code, 200,
        "valid client refused after the root went offline: {body}"
    );
    assert!(body.contains("CN=good"), "{body}");
    let (code, body) = get("stolen");
    assert_eq!(code, 400, "revoked client accepted: {body}");
    let log = std::fs::read_to_string(nginx.dir.join("error.log")).unwrap_or_default();
    assert!(log.contains("certificate revoked"), "{log}");
    assert!(!log.contains("unable to get certificate CRL"), "{log}");
}

/// nginx on one port: `ssl_verify_client optional`, plaintext HTTP redirected with
/// `error_page 497`, and 403 without a verified client certificate: the probe's matrix.
#[test]
#[ignore = "needs nginx and curl (apt-get install nginx curl); run by .ci/run"]
fn probe_classifies_nginx_per_request_mtls() {
    assert!(nginx_bin().is_some() && have("curl"), "{NEEDS}");
    let env = Env::new();
    issue(&env, &["ca", "init", "--name", "Prod"]);
    issue(
        &env,
        &[
            "cert",
            "node",
            "web1",
            "--host",
            "localhost",
            "--host",
            "127.0.0.1",
        ],
    );
    issue(&env, &["cert", "client", "rails", "--role", "gitlab"]);
    let c = |n: &str, f: &str| {
        env.pki()
            .join(format!("certs/{n}/{n}.{f}"))
            .display()
            .to_string()
    };
    let ca = env.pki().join("ca.crt").display().to_string();
    let body = format!(
        "  ssl_certificate {};\n  ssl_certificate_key {};\n  ssl_client_certificate {ca};\n  \
         ssl_verify_client optional;\n  error_page 497 =301 https://$host:$server_port$request_uri;\n  \
         location / {{\n    if ($ssl_client_verify != SUCCESS) {{ return 403; }}\n    return 200 \"hello $ssl_client_s_dn\\n\";\n  }}",
        c("web1", "crt"),
        c("web1", "key"),
    );
    // `listen ... ssl http2` works on every nginx (Debian 12 has 1.22, before `http2 on;`).
    let nginx = Nginx::start_with(&env.path("nginx"), "ssl http2", &body);
    let addr = format!("127.0.0.1:{}", nginx.port);
    let (code, m) = probe_json(
        &env,
        &[
            &addr,
            "--cert",
            &c("rails", "crt"),
            "--key",
            &c("rails", "key"),
            "--timeout",
            "3",
        ],
    );
    assert_eq!(code, 0);
    expect_row(&m, "http1", true, "none", "none");
    let redirect = transport(&m, "http1")["redirect"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        redirect.starts_with("https://") && redirect.contains(&nginx.port.to_string()),
        "{m}"
    );
    // A plaintext HTTP/2 preface gets an HTTP/1.1 error from nginx: not served.
    expect_row(&m, "h2c", false, "none", "none");
    expect_row(&m, "grpc", false, "none", "none");
    expect_row(&m, "tls", true, "trusted", "optional");
    expect_row(&m, "https1", true, "trusted", "per-request");
    let d = transport(&m, "https1")["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        d.contains("none refused: HTTP/1.1 403")
            && d.contains("throwaway refused: HTTP/1.1 400")
            && d.contains("given HTTP/1.1 200"),
        "{d}"
    );
    expect_row(&m, "h2", true, "trusted", "per-request");
    let d = transport(&m, "h2")["detail"].as_str().unwrap().to_string();
    assert!(
        d.contains("none refused: HTTP/2 403") && d.contains("given HTTP/2 200"),
        "{d}"
    );
    for t in ["tls", "https1", "h2"] {
        assert_eq!(transport(&m, t)["given_cert"], "accepted", "{t}: {m}");
        assert_eq!(
            transport(&m, t)["untrusted_client_accepted"],
            false,
            "{t}: {m}"
        );
    }

    // `ssl_verify_client on`: nginx answers 400 without a certificate, after the handshake.
    drop(nginx);
    let body_on = body.replace("ssl_verify_client optional", "ssl_verify_client on");
    let nginx = Nginx::start_with(&env.path("nginx-on"), "ssl http2", &body_on);
    let addr = format!("127.0.0.1:{}", nginx.port);
    let (code, m2) = probe_json(
        &env,
        &[
            &addr,
            "--cert",
            &c("rails", "crt"),
            "--key",
            &c("rails", "key"),
            "--strict",
        ],
    );
    expect_row(&m2, "https1", true, "trusted", "per-request");
    expect_row(&m2, "h2", true, "trusted", "per-request");
    assert!(
        transport(&m2, "https1")["detail"]
            .as_str()
            .unwrap()
            .contains("none refused: HTTP/1.1 400"),
        "{m2}"
    );
    // The tls row says what the handshake did: nginx requests a certificate and admits
    // every client; the refusal is nginx's, per request.
    expect_row(&m2, "tls", true, "trusted", "optional");
    assert_eq!(code, 0, "strict: everything encrypted and enforced: {m2}");
    // nginx is no gRPC server: a 200 without grpc-status is not gRPC, nothing served.
    // The gRPC call is refused per request like the GET (403 without a certificate, 400
    // with the throwaway) where a certificate is requested: per-request, not `none`. The
    // server certificate was presented, so server_auth is known although nothing
    // answered gRPC.
    expect_row(&m, "grpcs", false, "trusted", "per-request");
    assert_eq!(m["summary"]["encrypted"], "all", "{m}");
    assert_eq!(m["summary"]["mtls"], "enforced", "{m}");
}

#[test]
#[ignore = "needs nginx and openssl (apt-get install nginx openssl); run by .ci/run"]
fn probe_reports_the_tls_versions_nginx_accepts() {
    assert!(nginx_bin().is_some() && have("openssl"), "{NEEDS}");
    let env = Env::new();
    issue(&env, &["ca", "init", "--name", "Prod"]);
    issue(
        &env,
        &[
            "cert",
            "node",
            "web1",
            "--host",
            "localhost",
            "--host",
            "127.0.0.1",
        ],
    );
    let crt = env.pki().join("certs/web1/web1.crt").display().to_string();
    let key = env.pki().join("certs/web1/web1.key").display().to_string();
    let ca = env.pki().join("ca.crt").display().to_string();
    let versions = |protocols: &str, ciphers: &str| {
        let body = format!(
            "  ssl_certificate {crt};\n  ssl_certificate_key {key};\n  ssl_protocols {protocols};\n  \
             ssl_ciphers {ciphers};\n  location / {{ return 200 \"ok\\n\"; }}"
        );
        let nginx = Nginx::start_with(
            &env.path(&format!("nginx-{}", protocols.len())),
            "ssl",
            &body,
        );
        let addr = format!("127.0.0.1:{}", nginx.port);
        // Ground truth: openssl s_client offering exactly one version.
        let truth: Vec<&str> = [("-tls1_3", "TLSv1.3"), ("-tls1_2", "TLSv1.2"), ("-tls1_1", "TLSv1.1"), ("-tls1", "TLSv1.0")]
            .into_iter()
            .filter(|(flag, _)| {
                let r = tool(
                    "sh",
                    &[
                        "-c",
                        &format!(
                            "echo | openssl s_client -connect {addr} {flag} -cipher 'ALL:@SECLEVEL=0' 2>&1"
                        ),
                    ],
                );
                r.stdout.contains("Cipher is") && !r.stdout.contains("Cipher is (NONE)")
            })
            .map(|(_, v)| v)
            .collect();
        let (code, m) = probe_json(
            &env,
            &[&addr, "--ca", &ca, "--servername", "localhost", "--strict"],
        );
        let tls = transport(&m, "tls");
        let got: Vec<String> = tls["tls_versions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        assert_eq!(got, truth, "{m}");
        (code, m, got)
    };
    // Old versions enabled (and the ciphers they need): reported, and --strict refuses them.
    let (code, m, got) = versions("TLSv1 TLSv1.1 TLSv1.2", "ALL:@SECLEVEL=0");
    assert!(
        got.contains(&"TLSv1.0".to_string()) && got.contains(&"TLSv1.1".to_string()),
        "{m}"
    );
    assert_eq!(code, 1, "{m}");
    assert!(
        m["warnings"][0]
            .as_str()
            .unwrap_or("")
            .contains("below --min-tls 1.2"),
        "{m}"
    );
    // TLS 1.3 only.
    let (_, m, got) = versions("TLSv1.3", "HIGH");
    assert_eq!(got, ["TLSv1.3"], "{m}");
    assert!(m.get("warnings").is_none(), "{m}");
}
