//! One contract held everywhere (docs/json.md, issue #28 item 3), against real servers
//! that refuse every identity alike or admit any certificate: lighttpd `auth.require` for a
//! user nobody is, nginx answering 403 (and 400) to everyone, stunnel `verifyChain = no` +
//! `requireCert = yes` in front of a small backend, and a grpc-go server that asks for a
//! certificate without demanding one. Each test first establishes what the server does with
//! its own client (curl, `openssl s_client`, the grpcio client), then asserts the rows, and
//! checks the field case in `tests/probe_cases/` recorded from the same server (`probe
//! --record`) still classifies like the live probe (set `SECCTL_RECORD_CASES=1` to rewrite
//! the files from the live servers).
//!
//! Needs the servers: ignored by plain `cargo test`, run by `.ci/run` (which installs them)
//! with `cargo test --test interop_contract -- --ignored`.
#![allow(clippy::disallowed_macros)] // tests report what the servers did on stderr

mod common;

use std::process::Command;

use common::peers::*;
use common::*;
use secctl::probe::case::Case;

use Id::*;

/// (served, client_auth, untrusted_client_accepted, given_cert) of a row.
fn verdict(m: &serde_json::Value, name: &str) -> (bool, String, bool, serde_json::Value) {
    let t = transport(m, name);
    (
        t["served"].as_bool().unwrap(),
        t["client_auth"].as_str().unwrap().to_string(),
        t["untrusted_client_accepted"].as_bool().unwrap(),
        t["given_cert"].clone(),
    )
}

/// The probe with `id` as `--cert`, recorded: the JSON target, and the case it recorded.
fn probe_recorded(pki: &Pki, port: u16, id: Id, name: &str) -> (i32, serde_json::Value, Case) {
    let file = pki.env.path(&format!("{name}.json"));
    let f = file.display().to_string();
    let (code, m) = probe(pki, port, id, &["--record", &f]);
    let text = std::fs::read_to_string(&file).unwrap();
    let case: Case = serde_json::from_str(&text).unwrap();
    eprintln!("{name}: exit {code}\n{}", rows_text(&m));
    (code, m, case)
}

/// `probe --strict` with `id`: its exit code.
fn strict(pki: &Pki, port: u16, id: Id) -> i32 {
    probe(pki, port, id, &["--strict"]).0
}

// ---------------------------------------------------------------------------------------
// lighttpd: auth.require for a user nobody is

fn lighttpd(pki: &Pki, name: &'static str) -> Peer {
    let dir = pki.dir(name);
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("index.html"), "ok\n").unwrap();
    let pem = pki.srv_pem();
    let ca = pki.ca();
    let d = dir.clone();
    launch(name, &dir, &["error.log"], move |port| {
        let conf = format!(
            "server.document-root = \"{docs}\"\nserver.port = {port}\nserver.bind = \"127.0.0.1\"\n\
             server.modules = (\"mod_openssl\", \"mod_auth\", \"mod_authn_file\")\n\
             server.errorlog = \"{d}/error.log\"\n\
             ssl.engine = \"enable\"\nssl.pemfile = \"{pem}\"\nssl.ca-file = \"{ca}\"\n\
             ssl.verifyclient.activate = \"enable\"\nssl.verifyclient.enforce = \"disable\"\n\
             ssl.verifyclient.depth = 3\nssl.verifyclient.username = \"SSL_CLIENT_S_DN_CN\"\n\
             auth.require = ( \"/\" => ( \"method\" => \"extern\", \"realm\" => \"secctl\", \
             \"require\" => \"user=nobody-has-this-name\" ) )\n",
            docs = docs.display(),
            d = d.display(),
        );
        let conf_path = d.join("lighttpd.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let mut c = Command::new(program("lighttpd"));
        c.arg("-D").arg("-f").arg(&conf_path);
        c
    })
}

#[test]
#[ignore = "needs lighttpd and lighttpd-mod-openssl (apt-get install lighttpd lighttpd-mod-openssl); run by .ci/run"]
fn lighttpd_auth_require_for_a_user_nobody_is_is_not_per_request() {
    for p in ["lighttpd", "curl", "openssl"] {
        assert!(installed(p), "{p} is not installed: see .ci/run");
    }
    let pki = Pki::new();
    let l = lighttpd(&pki, "lighttpd");
    // Ground truth: a certificate is requested, every handshake admitted, and every
    // request refused, with the valid certificate as without one.
    for id in [NoCert, Valid, Foreign] {
        let h = s_client(&pki, l.port, id, "", &[]);
        assert!(
            h.requested && h.alert.is_none(),
            "s_client {id:?}: {}",
            h.raw
        );
        for h2 in [false, true] {
            let g = get(&pki, l.port, "/", id, h2, &[]);
            assert_eq!(g.status, 401, "curl {id:?} h2={h2}: {g:?}\n{}", l.log());
        }
    }
    let (code, m, case) = probe_recorded(&pki, l.port, Valid, "lighttpd-valid");
    assert_eq!(code, 0);
    for t in ["https1", "h2"] {
        let (served, auth, untrusted, given) = verdict(&m, t);
        assert!(!served, "{t}: a refusal is not content: {m}");
        assert_eq!(
            auth, "optional",
            "{t}: refused alike is not per-request: {m}"
        );
        assert!(!untrusted);
        assert_eq!(
            given,
            "refused: HTTP/1.1 401".replace("1.1", if t == "h2" { "2" } else { "1.1" })
        );
        let paths = transport(&m, t)["paths"].as_array().unwrap();
        assert_eq!(paths.len(), 3, "{t}: {m}");
        for p in paths {
            assert_eq!(p["outcome"], "refused", "{p}");
            assert_eq!(p["status"], 401, "{p}");
        }
    }
    // The gRPC call is not answered by gRPC; a certificate was requested: optional.
    assert_eq!(verdict(&m, "grpcs").1, "optional", "{m}");
    assert_eq!(verdict(&m, "tls").1, "optional", "{m}");
    assert_eq!(
        m["summary"]["mtls"], "optional",
        "never enforced on refusals alike: {m}"
    );
    assert_eq!(strict(&pki, l.port, Valid), 1);
    same_as_field_case(
        &case,
        "refused_alike_with_the_given_certificate_is_not_per_request--lighttpd-auth-require-nobody",
        "lighttpd auth.require for a user nobody is, with a valid --cert",
        "lighttpd `ssl.verifyclient.activate = enable`, `enforce = disable`, `auth.require` \
         (`extern`, SSL_CLIENT_S_DN_CN) for a user nobody is: the handshake requests a \
         certificate and admits everybody, every request is answered 401, with the valid \
         certificate as without one (curl). Refused with and without the given certificate \
         alike is not per-request: nothing served, `optional`, mtls `optional` (was served / \
         per-request / enforced).",
    );
}

// ---------------------------------------------------------------------------------------
// nginx: 403, and 400, to everyone

fn nginx_refusing_all(status: u16, stem: &str, case: &str, note: &str) {
    for p in ["nginx", "curl", "openssl"] {
        assert!(installed(p), "{p} is not installed: see .ci/run");
    }
    let pki = Pki::new();
    let n = nginx(
        &pki,
        "nginx",
        &format!("ssl_verify_client optional;\nlocation / {{ return {status}; }}"),
    );
    for id in [NoCert, Valid] {
        let h = s_client(&pki, n.port, id, "", &[]);
        assert!(
            h.requested && h.alert.is_none(),
            "s_client {id:?}: {}",
            h.raw
        );
        for h2 in [false, true] {
            let g = get(&pki, n.port, "/", id, h2, &[]);
            assert_eq!(g.status, status, "curl {id:?} h2={h2}: {g:?}");
        }
    }
    let (code, m, rec) = probe_recorded(&pki, n.port, Valid, "nginx-valid");
    assert_eq!(code, 0);
    for t in ["https1", "h2", "grpcs"] {
        let (served, auth, untrusted, given) = verdict(&m, t);
        assert!(!served, "{t}: {m}");
        // Not per-request: the given certificate met the same refusal as none.
        assert_eq!(auth, "optional", "{t}: {m}");
        assert!(!untrusted, "{t}: {m}");
        assert!(
            given
                .as_str()
                .is_some_and(|g| g.starts_with("refused: ") && g.contains(&status.to_string())),
            "{t}: {given}"
        );
    }
    assert_eq!(m["summary"]["mtls"], "optional", "{m}");
    assert_eq!(m["summary"]["encrypted"], "all", "{m}");
    assert_eq!(strict(&pki, n.port, Valid), 1);
    same_as_field_case(&rec, stem, case, note);
}

#[test]
#[ignore = "needs nginx and curl (apt-get install nginx curl); run by .ci/run"]
fn nginx_403_to_everyone_is_not_per_request() {
    nginx_refusing_all(
        403,
        "refused_alike_with_the_given_certificate_is_not_per_request--nginx-403-to-everyone",
        "nginx return 403 to everyone, ssl_verify_client optional, with a valid --cert",
        "nginx `ssl_verify_client optional` and `return 403` for every request: the handshake \
         requests a certificate, every identity is answered 403 (curl). Not per-request, \
         nothing served, `optional`; the gRPC call meets the same 403, and a row whose \
         handshake requested a certificate is at least `optional` (grpcs was `none`).",
    );
}

#[test]
#[ignore = "needs nginx and curl (apt-get install nginx curl); run by .ci/run"]
fn nginx_400_to_everyone_over_tls_is_not_per_request() {
    nginx_refusing_all(
        400,
        "refused_alike_with_the_given_certificate_is_not_per_request--nginx-400-to-everyone",
        "nginx return 400 to everyone over TLS, ssl_verify_client optional, with a valid --cert",
        "nginx `ssl_verify_client optional` and `return 400` for every request. A 400 over \
         TLS is read as a refusal (nginx's answer to a missing or bad client certificate), \
         and a refusal of every identity alike, the valid certificate's too, is not \
         per-request: the 400 rule never widens per-request to a server that refuses \
         everything.",
    );
}

// ---------------------------------------------------------------------------------------
// stunnel: verifyChain = no, requireCert = yes

fn backend(pki: &Pki) -> Peer {
    let dir = pki.dir("backend");
    let www = dir.join("www");
    std::fs::create_dir_all(&www).unwrap();
    std::fs::write(www.join("index.html"), "ok\n").unwrap();
    launch("backend", &dir, &[], move |port| {
        let mut c = Command::new(PY);
        c.args([
            "-m",
            "http.server",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
        ])
        .arg("--directory")
        .arg(&www);
        c
    })
}

fn stunnel(pki: &Pki, backend: u16) -> Peer {
    let dir = pki.dir("stunnel");
    let (crt, key, ca) = (pki.srv_crt(), pki.srv_key(), pki.ca());
    let d = dir.clone();
    launch("stunnel", &dir, &[], move |port| {
        let conf = format!(
            "foreground = yes\npid =\n[https]\naccept = 127.0.0.1:{port}\n\
             connect = 127.0.0.1:{backend}\ncert = {crt}\nkey = {key}\nCAfile = {ca}\n\
             verifyChain = no\nrequireCert = yes\n"
        );
        let conf_path = d.join("stunnel.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let mut c = Command::new("stunnel");
        c.arg(&conf_path);
        c
    })
}

#[test]
#[ignore = "needs stunnel4 (apt-get install stunnel4); run by .ci/run"]
fn stunnel_that_admits_any_certificate_is_not_required() {
    for p in ["stunnel", "curl", "openssl"] {
        assert!(installed(p), "{p} is not installed: see .ci/run");
    }
    let pki = Pki::new();
    let b = backend(&pki);
    let s = stunnel(&pki, b.port);
    // Ground truth: no certificate is refused at the handshake; any certificate, another
    // CA's too, gets the backend's page.
    let h = s_client(&pki, s.port, NoCert, "", &[]);
    assert!(h.requested, "{}", h.raw);
    assert_eq!(
        h.alert.as_deref(),
        Some("certificate_required"),
        "{}",
        h.raw
    );
    assert_eq!(get(&pki, s.port, "/", NoCert, false, &[]).status, 0);
    for id in [Valid, Revoked, Foreign] {
        let g = get(&pki, s.port, "/", id, false, &[]);
        assert_eq!(g.status, 200, "curl {id:?}: {g:?}\n{}", s.log());
    }
    let (code, m, rec) = probe_recorded(&pki, s.port, Valid, "stunnel-valid");
    assert_eq!(code, 0);
    let (served, auth, untrusted, given) = verdict(&m, "tls");
    assert!(served);
    assert_eq!(auth, "optional", "the throwaway got in: not required: {m}");
    assert!(untrusted, "{m}");
    assert_eq!(given, "accepted");
    let (served, auth, untrusted, given) = verdict(&m, "https1");
    assert!(served && untrusted && given == "accepted", "{m}");
    assert_eq!(auth, "optional", "{m}");
    // No HTTP/2 behind stunnel: nothing answered, and not required either.
    for t in ["h2", "grpcs"] {
        let (served, auth, _, _) = verdict(&m, t);
        assert!(!served && auth == "optional", "{t}: {m}");
    }
    assert_eq!(m["summary"]["mtls"], "unverified", "{m}");
    assert_eq!(strict(&pki, s.port, NoCert), 1);
    same_as_field_case(
        &rec,
        "any_certificate_admitted_is_unverified_never_enforced--stunnel-verifychain-no",
        "stunnel verifyChain = no, requireCert = yes, with a valid --cert",
        "stunnel `verifyChain = no` + `requireCert = yes` in front of a plaintext HTTP/1.0 \
         backend: the handshake refuses a client without a certificate \
         (certificate_required) and admits any certificate, another CA's too (curl). The \
         tls row is `required` only when the handshake refuses none and the throwaway: here \
         `optional`, untrusted_client_accepted, mtls `unverified` (was `required`).",
    );
}

// ---------------------------------------------------------------------------------------
// grpc-go: a certificate requested, not demanded (python grpcio cannot: without
// require_client_auth it asks for no certificate at all)

#[test]
#[ignore = "needs golang-go, golang-google-grpc-dev and python3-grpcio; run by .ci/run"]
fn grpc_go_requesting_a_certificate_is_at_least_optional_on_grpcs() {
    let r = tool(PY, &["-c", "import grpc"]);
    assert_eq!(r.code, 0, "python3-grpcio is not installed: {}", r.stderr);
    let pki = Pki::new();
    let g = grpc_go(&pki, "grpc-go", "optional");
    // Ground truth: a certificate is requested; the call is answered with and without one.
    let h = s_client(&pki, g.port, NoCert, "", &["-alpn", "h2"]);
    assert!(h.requested && h.alert.is_none(), "{}", h.raw);
    for id in [NoCert, Valid] {
        let c = grpc_check(&pki, g.port, id, false);
        assert!(
            c.stdout.starts_with("status OK"),
            "{id:?}: {} {}",
            c.stdout,
            c.stderr
        );
    }
    let (code, m, rec) = probe_recorded(&pki, g.port, Valid, "grpc-go-optional");
    assert_eq!(code, 0);
    let (served, auth, untrusted, given) = verdict(&m, "grpcs");
    assert!(served && !untrusted && given == "accepted", "{m}");
    assert_eq!(auth, "optional", "{m}");
    let paths = transport(&m, "grpcs")["paths"].as_array().unwrap().clone();
    assert_eq!(paths.len(), 3, "{m}");
    // Verified when given: another CA's certificate (the throwaway) is refused.
    for p in &paths {
        assert_eq!(p["path"], "/grpc.health.v1.Health/Check");
        if p["identity"] == "throwaway" {
            assert_eq!(p["outcome"], "refused", "{p}");
            assert!(p["status"].is_null(), "{p}");
        } else {
            assert_eq!(p["outcome"], "answered", "{p}");
            assert_eq!(
                (p["status"].clone(), p["grpc"].clone()),
                (0.into(), true.into())
            );
        }
    }
    // The GETs the gRPC server does not serve: not served, still at least optional.
    for t in ["https1", "h2", "tls"] {
        assert_eq!(verdict(&m, t).1, "optional", "{t}: {m}");
    }
    assert_eq!(m["summary"]["mtls"], "optional", "{m}");
    same_as_field_case(
        &rec,
        "optional_and_optional_no_ca--grpc-go-verify-if-given",
        "grpc-go tls.VerifyClientCertIfGiven, with a valid --cert",
        "grpc-go with `ClientAuth: tls.VerifyClientCertIfGiven`: every handshake carries a \
         CertificateRequest, the health check is answered with and without a certificate \
         (the grpcio client). grpcs and every other TLS row that saw the request are at \
         least `optional`, never `none`.",
    );
}
