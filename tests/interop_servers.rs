//! The probe against real servers: apache2, haproxy, caddy, etcd, python grpcio, grpc-go, mosquitto,
//! redis, nginx and `secctl serve`, each configured variant by variant. Every test first
//! establishes with the server's own client what the server really does with each client
//! identity (none, valid, revoked, another CA's), then asserts the probe's rows field by field.
//!
//! Needs the servers: ignored by plain `cargo test`, run by `.ci/run` (which installs them)
//! with `cargo test --test interop_servers -- --ignored`.
#![allow(clippy::disallowed_macros)] // tests report what the servers did on stderr

mod common;

use common::peers::*;
use common::*;

use Id::*;

/// How many times each probe runs; every run must give the same rows.
fn repeat() -> usize {
    std::env::var("SECCTL_INTEROP_REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20)
}

/// A server variant under test: the rows the contract implies for what its own client
/// showed, identity by identity.
struct Case<'a> {
    name: &'a str,
    pki: &'a Pki,
    port: u16,
    /// Extra probe options (`--path`).
    extra: &'a [&'a str],
    rows: &'a dyn Fn(Id) -> Vec<Exp>,
    /// summary.encrypted, summary.mtls
    summary: (&'a str, &'a str),
    /// The identities whose `--cert` the server refuses with the same status as no
    /// certificate: refused alike, which the probe cannot tell from a server that refuses
    /// everyone, so their rows are not per-request and the summary's mtls is `optional`.
    refused_alike: &'a [Id],
    /// Exit code of `probe --strict` (without a client certificate).
    strict: i32,
    /// Exit codes of `verify HOST:PORT --cert` for Valid, Revoked, Foreign.
    verify: [i32; 3],
    /// The service the TLS port speaks, if not HTTP.
    service: Service<'a>,
}

/// What a port speaks besides HTTP: the one service row it serves (`mqtt-tls`,
/// `redis-tls`), asserted like the others; every other service row is not served.
#[derive(Clone, Copy)]
enum Service<'a> {
    NoService,
    Speaks(&'a dyn Fn(Id) -> Exp),
}

/// Append the ten rows after the seven expected for `service` with identity `id`.
fn service_rows(exp: &mut Vec<Exp>, id: Id, service: Service) {
    for t in SERVICES {
        exp.push(match service {
            Service::Speaks(row) if row(id).transport == t => row(id),
            _ => Exp::not_spoken(t),
        });
    }
}

fn run(c: &Case) {
    let mut bad: Vec<String> = Vec::new();
    for id in IDS {
        let ctx = format!("{id:?}");
        let (code, first) = probe(c.pki, c.port, id, c.extra);
        let text = rows_text(&first);
        eprintln!("{} with {id:?}: exit {code}\n{text}", c.name);
        let names: Vec<&str> = first["transports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["transport"].as_str().unwrap())
            .collect();
        // The seven HTTP/TLS rows first; a probe that also tries the services (PostgreSQL,
        // Redis, MQTT) lists their rows after them, in this order.
        assert!(names.len() >= 7, "{}: rows {names:?}", c.name);
        assert_eq!(names[..7], ORDER, "{}: row order", c.name);
        if names.len() > 7 {
            assert_eq!(names[7..], SERVICES, "{}: row order", c.name);
        }
        assert_eq!(first["target"], format!("127.0.0.1:{}", c.port));
        let mut exp = (c.rows)(id);
        assert!(exp.len() >= 7, "the test gives every row");
        if names.len() > 7 {
            service_rows(&mut exp, id, c.service);
        }
        let before = bad.len();
        for e in &exp {
            bad.extend(check_row(&first, e, &ctx));
        }
        let summary = (
            first["summary"]["encrypted"].as_str().unwrap_or("?"),
            first["summary"]["mtls"].as_str().unwrap_or("?"),
        );
        let want = if c.refused_alike.contains(&id) {
            (c.summary.0, "optional")
        } else {
            c.summary
        };
        if summary != want {
            bad.push(format!("{ctx}: summary {summary:?}, want {want:?}"));
        }
        if code != 0 {
            bad.push(format!("{ctx}: probe without --strict exited {code}"));
        }
        if bad.len() > before {
            bad.push(format!("{ctx}: the rows were\n{text}"));
        }
        for n in 1..repeat() {
            let (code2, again) = probe(c.pki, c.port, id, c.extra);
            if (code2, &again["transports"], &again["summary"])
                != (code, &first["transports"], &first["summary"])
            {
                bad.push(format!(
                    "{ctx}: run {n} differs from the first (exit {code2}, first {code}): {}",
                    differences(&first, &again)
                ));
                break;
            }
        }
    }
    canary(c, &mut bad);
    let mut strict = c.extra.to_vec();
    strict.push("--strict");
    let (code, _) = probe(c.pki, c.port, NoCert, &strict);
    if code != c.strict {
        bad.push(format!("probe --strict exited {code}, want {}", c.strict));
    }
    for (id, want) in [Valid, Revoked, Foreign].into_iter().zip(c.verify) {
        let (crt, key) = c.pki.id(id).unwrap();
        let target = format!("127.0.0.1:{}", c.port);
        let ca = c.pki.ca();
        let crl = c.pki.crl();
        let r = c.pki.env.run(&[
            "verify",
            &target,
            "--ca",
            &ca,
            "--servername",
            "localhost",
            "--timeout",
            "3",
            "--crl",
            &crl,
            "--cert",
            &crt,
            "--key",
            &key,
        ]);
        if r.code != want {
            bad.push(format!(
                "verify --cert {id:?} exited {}, want {want}: {}{}",
                r.code, r.stdout, r.stderr
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{}: the probe differs from the server's ground truth:\n{}",
        c.name,
        bad.join("\n")
    );
}

/// The revoked certificate as the canary (`--revoked-cert`, no `--cert`): on each TLS row,
/// `revoked_client_accepted` is what the rows with it as `--cert` said of it (asserted
/// against the server's own client above), and a server that admits it where a certificate
/// is demanded is not `enforced` but `unverified`.
fn canary(c: &Case, bad: &mut Vec<String>) {
    let (crt, key) = c.pki.id(Revoked).unwrap();
    let mut extra = c.extra.to_vec();
    extra.extend(["--revoked-cert", &crt, "--revoked-key", &key]);
    let (code, t) = probe(c.pki, c.port, NoCert, &extra);
    eprintln!(
        "{} with the revoked canary: exit {code}\n{}",
        c.name,
        rows_text(&t)
    );
    if code != 0 {
        bad.push(format!("canary: probe exited {code}"));
    }
    let mut exp = (c.rows)(Revoked);
    if t["transports"].as_array().map_or(0, |a| a.len()) > 7 {
        service_rows(&mut exp, Revoked, c.service);
    }
    let mut admitted_where_demanded = false;
    for e in &exp {
        let row = transport(&t, e.transport);
        let got = row.get("revoked_client_accepted");
        let ok = match canary_expected(e) {
            Some(v) if v == "absent" => got.is_none(),
            Some(v) => got == Some(&v),
            None => got.is_some_and(|g| g != true),
        };
        if !ok {
            bad.push(format!(
                "canary: {} revoked_client_accepted is {got:?}, want {:?} (given_cert with it: {:?})",
                e.transport,
                canary_expected(e),
                e.given
            ));
        }
        if got == Some(&serde_json::Value::Bool(true))
            && ["required", "per-request"].contains(&row["client_auth"].as_str().unwrap_or(""))
        {
            admitted_where_demanded = true;
            if !row["detail"]
                .as_str()
                .unwrap_or("")
                .contains("REVOKED canary admitted")
            {
                bad.push(format!("canary: {} detail does not name it", e.transport));
            }
        }
    }
    let want = if admitted_where_demanded {
        "unverified"
    } else {
        c.summary.1
    };
    if t["summary"]["mtls"] != want {
        bad.push(format!(
            "canary: summary mtls {}, want {want}:\n{}",
            t["summary"]["mtls"],
            rows_text(&t)
        ));
    }
}

/// The fields (transport.field or summary) that differ between two runs, with both values.
fn differences(a: &serde_json::Value, b: &serde_json::Value) -> String {
    let mut out = Vec::new();
    let (ta, tb) = (&a["transports"], &b["transports"]);
    let n = ta.as_array().map_or(0, |v| v.len());
    for i in 0..n {
        let (ra, rb) = (&ta[i], &tb[i]);
        let t = ra["transport"].as_str().unwrap_or("?");
        for (k, v) in ra.as_object().into_iter().flatten() {
            if rb[k] != *v {
                out.push(format!("{t}.{k}: {v} then {}", rb[k]));
            }
        }
    }
    if a["summary"] != b["summary"] {
        out.push(format!("summary: {} then {}", a["summary"], b["summary"]));
    }
    out.join("; ")
}

// ---------------------------------------------------------------------------------------
// Ground truth helpers

/// curl over HTTP/1.1 and HTTP/2 at `path`: the status for NoCert, Valid, Revoked, Foreign
/// (0: refused at the handshake or closed), each answered over the version asked for.
fn http_truth(pki: &Pki, port: u16, path: &str, h1: [u16; 4], h2: [u16; 4]) {
    for (id, (w1, w2)) in IDS.into_iter().zip(h1.into_iter().zip(h2)) {
        for (is_h2, want) in [(false, w1), (true, w2)] {
            let g = get(pki, port, path, id, is_h2, &[]);
            assert_eq!(
                g.status, want,
                "ground truth: curl {path} {id:?} h2={is_h2}: {g:?}"
            );
            if want != 0 {
                let v = if is_h2 { "2" } else { "1.1" };
                assert_eq!(g.version, v, "ground truth: curl {path} {id:?}: {g:?}");
            }
        }
    }
}

/// `openssl s_client` for NoCert, Valid, Revoked, Foreign: whether a certificate is
/// requested in the handshake, the alert each got (None: admitted, or closed silently),
/// and the TLS version.
fn hs_truth(pki: &Pki, port: u16, requested: bool, alerts: [Option<&str>; 4], version: &str) {
    for (id, want) in IDS.into_iter().zip(alerts) {
        let h = s_client(pki, port, id, "", &[]);
        assert_eq!(
            h.requested, requested,
            "ground truth: s_client {id:?} certificate request: {}",
            h.raw
        );
        assert_eq!(
            h.alert.as_deref(),
            want,
            "ground truth: s_client {id:?} alert: {}",
            h.raw
        );
        assert!(
            h.version.starts_with(version),
            "ground truth: s_client {id:?} version {:?}, want {version}",
            h.version
        );
    }
}

/// Plaintext on the port: curl's status for HTTP/1.1 and for h2c (prior knowledge).
fn plain_truth(port: u16, h1: u16, h2c: u16) -> (String, String) {
    let (c1, b1) = curl_plain(port, &["-i"]);
    assert_eq!(c1, h1, "ground truth: plaintext HTTP/1.1: {b1}");
    let (c2, b2) = curl_plain(port, &["-i", "--http2-prior-knowledge"]);
    assert_eq!(c2, h2c, "ground truth: plaintext h2c: {b2}");
    (b1, b2)
}

/// python3-grpcio for Debian's python.
fn need_grpcio() {
    let r = tool(PY, &["-c", "import grpc"]);
    assert_eq!(
        r.code, 0,
        "python3-grpcio is not installed: see .ci/run: {}",
        r.stderr
    );
}

fn need(progs: &[&str]) {
    for p in progs {
        assert!(installed(p), "{p} is not installed: see .ci/run");
    }
}

/// The three plaintext rows of a TLS-only port.
fn tls_only() -> Vec<Exp> {
    PLAIN.iter().map(|t| Exp::no_plain(t)).collect()
}

/// A port whose handshake refuses a client without a certificate (and the throwaway).
/// `admits`: the identities the handshake lets in; `serves`: the application transports
/// that answered them; `refusal`: what `given_cert` says for a refused identity.
fn required(id: Id, admits: &[Id], serves: &[&str], refusal: impl Fn(Id) -> G) -> Vec<Exp> {
    let mut rows = tls_only();
    let in_ = admits.contains(&id);
    let given = match id {
        NoCert => G::Null,
        _ if in_ => G::Accepted,
        _ => refusal(id),
    };
    rows.push(Exp::tls("tls", "required", given));
    for t in APPS {
        rows.push(required_row(t, id, admits, serves.contains(&t), &refusal));
    }
    rows
}

/// One application row `t` over a port whose handshake refuses a client without a
/// certificate; `serves`: `t` answered the admitted identities.
fn required_row(
    t: &'static str,
    id: Id,
    admits: &[Id],
    serves: bool,
    refusal: &dyn Fn(Id) -> G,
) -> Exp {
    match (id, admits.contains(&id), serves) {
        (NoCert, _, _) => Exp::unserved(t, "required", G::Null).detail(&["refused"]),
        (_, true, true) => Exp::tls(t, "required", G::Accepted),
        (_, true, false) => Exp::unserved(t, "required", G::Null),
        (_, false, _) => Exp::unserved(t, "required", refusal(id)),
    }
}

// ---------------------------------------------------------------------------------------
// nginx

const NGINX: &str = "needs nginx and curl (apt-get install nginx curl); run by .ci/run";
const OK: &str = "location / { return 200 \"ok\\n\"; }";

#[test]
#[ignore = "needs nginx and curl (apt-get install nginx curl); run by .ci/run"]
fn nginx_verify_client_on_with_crl() {
    need(&["nginx", "curl", "openssl"]);
    let _ = NGINX;
    let pki = Pki::new();
    let crl = pki.crl();
    let n = nginx(
        &pki,
        "nginx",
        &format!("ssl_verify_client on;\nssl_crl {crl};\n{OK}"),
    );
    // nginx 1.22 speaks TLS 1.2 by default; it admits every handshake and answers 400.
    hs_truth(&pki, n.port, true, [None; 4], "TLSv1.2");
    http_truth(
        &pki,
        n.port,
        "/",
        [400, 200, 400, 400],
        [400, 200, 400, 400],
    );
    let (b, _) = plain_truth(n.port, 400, 0);
    assert!(
        b.contains("plain HTTP request was sent to HTTPS port"),
        "{b}"
    );
    let rows = |id: Id| {
        let mut r = tls_only();
        let tls_given = if id == NoCert { G::Null } else { G::Accepted };
        r.push(Exp::tls("tls", "optional", tls_given).detail(&["TLSv1.2"]));
        // Without a certificate and with the throwaway: 400 where a certificate is
        // requested, per-request (nothing served without --cert: a refusal is not
        // content). The revoked and the foreign certificate get the same 400 as none:
        // refused alike, which a server refusing everyone would also show: not
        // per-request, optional.
        let (auth, app) = match id {
            NoCert => ("per-request", G::Null),
            Valid => ("per-request", G::Accepted),
            _ => ("optional", G::Refused("400")),
        };
        for t in ["https1", "h2"] {
            r.push(if id == Valid {
                Exp::tls(t, auth, app)
            } else {
                Exp::unserved(t, auth, app)
            });
        }
        // The gRPC call meets the same 400; nothing answers it in gRPC.
        let grpc = match id {
            NoCert | Valid => G::Null,
            _ => G::Refused("400"),
        };
        r.push(Exp::unserved("grpcs", auth, grpc));
        r
    };
    run(&Case {
        name: "nginx ssl_verify_client on",
        pki: &pki,
        port: n.port,
        extra: &[],
        rows: &rows,
        summary: ("all", "enforced"),
        refused_alike: &[Revoked, Foreign],
        strict: 0,
        service: Service::NoService,
        verify: [0, 1, 1],
    });
}

#[test]
#[ignore = "needs nginx and curl (apt-get install nginx curl); run by .ci/run"]
fn nginx_verify_client_optional() {
    need(&["nginx", "curl", "openssl"]);
    let pki = Pki::new();
    let n = nginx(&pki, "nginx", &format!("ssl_verify_client optional;\n{OK}"));
    hs_truth(&pki, n.port, true, [None; 4], "TLSv1.2");
    // No CRL configured: the revoked client gets in; another CA's gets 400.
    http_truth(
        &pki,
        n.port,
        "/",
        [200, 200, 200, 400],
        [200, 200, 200, 400],
    );
    plain_truth(n.port, 400, 0);
    let rows = |id: Id| {
        let mut r = tls_only();
        let tls_given = if id == NoCert { G::Null } else { G::Accepted };
        r.push(Exp::tls("tls", "optional", tls_given));
        let app = match id {
            NoCert => G::Null,
            Foreign => G::Refused("400"),
            _ => G::Accepted,
        };
        r.push(Exp::tls("https1", "optional", app));
        r.push(Exp::tls("h2", "optional", app));
        let grpc = match id {
            NoCert => G::Null,
            Foreign => G::Refused("400"),
            _ => G::Null,
        };
        // A certificate requested: at least optional, even where gRPC never answered.
        r.push(Exp::unserved("grpcs", "optional", grpc));
        r
    };
    run(&Case {
        name: "nginx ssl_verify_client optional",
        pki: &pki,
        port: n.port,
        extra: &[],
        rows: &rows,
        summary: ("all", "optional"),
        refused_alike: &[],
        strict: 1,
        service: Service::NoService,
        verify: [0, 1, 1],
    });
}

#[test]
#[ignore = "needs nginx and curl (apt-get install nginx curl); run by .ci/run"]
fn nginx_verify_client_optional_no_ca() {
    need(&["nginx", "curl", "openssl"]);
    let pki = Pki::new();
    let n = nginx(
        &pki,
        "nginx",
        &format!("ssl_verify_client optional_no_ca;\n{OK}"),
    );
    hs_truth(&pki, n.port, true, [None; 4], "TLSv1.2");
    // Everyone gets in, another CA's client too.
    http_truth(&pki, n.port, "/", [200; 4], [200; 4]);
    plain_truth(n.port, 400, 0);
    let rows = |id: Id| {
        let mut r = tls_only();
        let g = if id == NoCert { G::Null } else { G::Accepted };
        r.push(Exp::tls("tls", "optional", g));
        r.push(Exp::tls("https1", "optional", g));
        r.push(Exp::tls("h2", "optional", g));
        // A certificate requested: at least optional, even where gRPC never answered.
        r.push(Exp::unserved("grpcs", "optional", G::Null));
        r
    };
    run(&Case {
        name: "nginx ssl_verify_client optional_no_ca",
        pki: &pki,
        port: n.port,
        extra: &[],
        rows: &rows,
        summary: ("all", "optional"),
        refused_alike: &[],
        strict: 1,
        service: Service::NoService,
        verify: [0, 1, 0],
    });
}

#[test]
#[ignore = "needs nginx and curl (apt-get install nginx curl); run by .ci/run"]
fn nginx_per_location() {
    need(&["nginx", "curl", "openssl"]);
    let pki = Pki::new();
    let n = nginx(
        &pki,
        "nginx",
        &format!(
            "ssl_verify_client optional;\n{OK}\nlocation /secure {{\n  \
             if ($ssl_client_verify != SUCCESS) {{ return 403; }}\n  return 200 \"secure\\n\";\n}}"
        ),
    );
    hs_truth(&pki, n.port, true, [None; 4], "TLSv1.2");
    http_truth(
        &pki,
        n.port,
        "/",
        [200, 200, 200, 400],
        [200, 200, 200, 400],
    );
    http_truth(
        &pki,
        n.port,
        "/secure",
        [403, 200, 200, 400],
        [403, 200, 200, 400],
    );
    let rows = |id: Id| {
        let mut r = tls_only();
        let tls_given = if id == NoCert { G::Null } else { G::Accepted };
        r.push(Exp::tls("tls", "optional", tls_given));
        let app = match id {
            NoCert => G::Null,
            Foreign => G::Refused("400"),
            _ => G::Accepted,
        };
        r.push(Exp::tls("https1", "per-request", app).detail(&["/secure"]));
        r.push(Exp::tls("h2", "per-request", app).detail(&["/secure"]));
        let grpc = match id {
            NoCert => G::Null,
            Foreign => G::Refused("400"),
            _ => G::Null,
        };
        // A certificate requested: at least optional, even where gRPC never answered.
        r.push(Exp::unserved("grpcs", "optional", grpc));
        r
    };
    run(&Case {
        name: "nginx per-location",
        pki: &pki,
        port: n.port,
        extra: &["--path", "/", "--path", "/secure"],
        rows: &rows,
        summary: ("all", "partial"),
        refused_alike: &[],
        strict: 1,
        service: Service::NoService,
        verify: [0, 1, 1],
    });
}

// ---------------------------------------------------------------------------------------
// apache2

/// `given_cert` of a certificate an OpenSSL server refused at the handshake, by the alert.
fn openssl_refusal(id: Id) -> G {
    match id {
        Revoked => G::Refused("certificate_revoked"),
        Foreign => G::Refused("unknown_ca"),
        _ => G::Null,
    }
}

fn apache_global_require(tls12: bool) {
    need(&["apache2", "curl", "openssl"]);
    let pki = Pki::new();
    let crl = pki.crl();
    let proto = if tls12 { "SSLProtocol TLSv1.2\n" } else { "" };
    let a = apache(
        &pki,
        "apache",
        &format!(
            "{proto}SSLVerifyClient require\nSSLCARevocationFile {crl}\nSSLCARevocationCheck chain"
        ),
    );
    let (none_alert, version) = if tls12 {
        ("handshake_failure", "TLSv1.2")
    } else {
        ("certificate_required", "TLSv1.3")
    };
    hs_truth(
        &pki,
        a.port,
        true,
        [
            Some(none_alert),
            None,
            Some("certificate_revoked"),
            Some("unknown_ca"),
        ],
        version,
    );
    http_truth(&pki, a.port, "/", [0, 200, 0, 0], [0, 200, 0, 0]);
    let (b, _) = plain_truth(a.port, 400, 0);
    assert!(
        b.contains("speaking plain HTTP to an SSL-enabled server port"),
        "{b}"
    );
    let rows = |id: Id| required(id, &[Valid], &["https1", "h2"], openssl_refusal);
    run(&Case {
        name: if tls12 {
            "apache2 TLS 1.2 SSLVerifyClient require"
        } else {
            "apache2 SSLVerifyClient require"
        },
        pki: &pki,
        port: a.port,
        extra: &[],
        rows: &rows,
        summary: ("all", "enforced"),
        refused_alike: &[],
        strict: 0,
        service: Service::NoService,
        verify: [0, 1, 1],
    });
}

#[test]
#[ignore = "needs apache2 and curl (apt-get install apache2 curl); run by .ci/run"]
fn apache_verify_client_require_with_crl() {
    apache_global_require(false);
}

#[test]
#[ignore = "needs apache2 and curl (apt-get install apache2 curl); run by .ci/run"]
fn apache_tls12_verify_client_require_with_crl() {
    apache_global_require(true);
}

#[test]
#[ignore = "needs apache2 and curl (apt-get install apache2 curl); run by .ci/run"]
fn apache_verify_client_optional() {
    need(&["apache2", "curl", "openssl"]);
    let pki = Pki::new();
    let a = apache(&pki, "apache", "SSLVerifyClient optional");
    // Another CA's certificate is refused at the handshake; no CRL: the revoked one gets in.
    hs_truth(
        &pki,
        a.port,
        true,
        [None, None, None, Some("unknown_ca")],
        "TLSv1.3",
    );
    http_truth(&pki, a.port, "/", [200, 200, 200, 0], [200, 200, 200, 0]);
    plain_truth(a.port, 400, 0);
    let rows = |id: Id| {
        let g = match id {
            NoCert => G::Null,
            Foreign => G::Refused("unknown_ca"),
            _ => G::Accepted,
        };
        let mut r = tls_only();
        r.push(Exp::tls("tls", "optional", g));
        r.push(Exp::tls("https1", "optional", g));
        r.push(Exp::tls("h2", "optional", g));
        let grpc = if g == G::Accepted { G::Null } else { g };
        // A certificate requested: at least optional, even where gRPC never answered.
        r.push(Exp::unserved("grpcs", "optional", grpc));
        r
    };
    run(&Case {
        name: "apache2 SSLVerifyClient optional",
        pki: &pki,
        port: a.port,
        extra: &[],
        rows: &rows,
        summary: ("all", "optional"),
        refused_alike: &[],
        strict: 1,
        service: Service::NoService,
        verify: [0, 1, 1],
    });
}

fn apache_per_location(tls12: bool) {
    need(&["apache2", "curl", "openssl"]);
    let pki = Pki::new();
    let proto = if tls12 { "SSLProtocol TLSv1.2\n" } else { "" };
    let a = apache(
        &pki,
        "apache",
        &format!("{proto}<Location /secure>\n  SSLVerifyClient require\n</Location>"),
    );
    let version = if tls12 { "TLSv1.2" } else { "TLSv1.3" };
    // No certificate request in the handshake: apache asks on /secure only, by
    // renegotiation (TLS 1.2) or post-handshake authentication (TLS 1.3).
    hs_truth(&pki, a.port, false, [None; 4], version);
    http_truth(&pki, a.port, "/", [200; 4], [200; 4]);
    for (id, want) in IDS.into_iter().zip([0, 200, 200, 0]) {
        let g = get(&pki, a.port, "/secure", id, false, &[]);
        assert_eq!(g.status, want, "ground truth: /secure {id:?}: {g:?}");
        // HTTP/2 cannot renegotiate: apache resets the stream (HTTP_1_1_REQUIRED) and curl
        // retries over HTTP/1.1.
        let g2 = get(&pki, a.port, "/secure", id, true, &[]);
        assert_eq!(g2.status, want, "ground truth: /secure h2 {id:?}: {g2:?}");
        if want != 0 {
            assert_eq!(g2.version, "1.1", "ground truth: /secure h2 {id:?}: {g2:?}");
        }
    }
    plain_truth(a.port, 400, 0);
    let rows = |id: Id| {
        let (tls, g) = if id == NoCert {
            (G::Null, G::Null)
        } else {
            (G::Accepted, G::NotChecked)
        };
        let mut r = tls_only();
        // The handshake admits every certificate (none is asked for).
        r.push(Exp::tls("tls", "none", tls));
        // Over HTTP/1.1 a client without post-handshake auth / renegotiation gets 403.
        r.push(Exp::tls("https1", "per-request", g).detail(&["/secure"]));
        // Over HTTP/2 no certificate is ever asked for: /secure resets every stream
        // (HTTP_1_1_REQUIRED), / admits everyone.
        r.push(Exp::tls("h2", "none", g).detail(&["/secure"]));
        // No gRPC answer (404 without grpc-status): nothing answered, nothing to say.
        r.push(Exp::unserved("grpcs", "none", G::Null));
        r
    };
    run(&Case {
        name: if tls12 {
            "apache2 TLS 1.2 <Location /secure> SSLVerifyClient require (renegotiation)"
        } else {
            "apache2 <Location /secure> SSLVerifyClient require (post-handshake auth)"
        },
        pki: &pki,
        port: a.port,
        extra: &["--path", "/", "--path", "/secure"],
        rows: &rows,
        summary: ("all", "partial"),
        refused_alike: &[],
        strict: 1,
        service: Service::NoService,
        verify: [1, 1, 1],
    });
}

#[test]
#[ignore = "needs apache2 and curl (apt-get install apache2 curl); run by .ci/run"]
fn apache_per_location_post_handshake_auth() {
    apache_per_location(false);
}

#[test]
#[ignore = "needs apache2 and curl (apt-get install apache2 curl); run by .ci/run"]
fn apache_per_location_renegotiation_tls12() {
    apache_per_location(true);
}

#[test]
#[ignore = "needs apache2 and curl (apt-get install apache2 curl); run by .ci/run"]
fn apache_require_all_denied() {
    need(&["apache2", "curl", "openssl"]);
    let pki = Pki::new();
    let a = apache(
        &pki,
        "apache",
        "<Location />\n  Require all denied\n</Location>",
    );
    hs_truth(&pki, a.port, false, [None; 4], "TLSv1.3");
    http_truth(&pki, a.port, "/", [403; 4], [403; 4]);
    let rows = |id: Id| {
        let (tls, app) = if id == NoCert {
            (G::Null, G::Null)
        } else {
            (G::Accepted, G::Refused("403"))
        };
        let mut r = tls_only();
        r.push(Exp::tls("tls", "none", tls));
        // 403 to every identity: a refusal is not content, nothing served.
        r.push(Exp::unserved("https1", "none", app));
        r.push(Exp::unserved("h2", "none", app));
        r.push(Exp::unserved("grpcs", "none", app));
        r
    };
    run(&Case {
        name: "apache2 Require all denied",
        pki: &pki,
        port: a.port,
        extra: &[],
        rows: &rows,
        summary: ("all", "none"),
        refused_alike: &[],
        strict: 1,
        service: Service::NoService,
        verify: [1, 1, 1],
    });
}

// ---------------------------------------------------------------------------------------
// haproxy

const HAPROXY_OK: &str = "  http-request return status 200 content-type text/plain string ok\n";

fn haproxy_bind(pki: &Pki, verify: &str) -> Peer {
    haproxy(
        pki,
        "haproxy",
        &format!(
            "frontend fe\n  mode http\n  bind 127.0.0.1:@PORT@ ssl crt @CRT@ ca-file @CA@ \
             {verify} alpn h2,http/1.1\n{HAPROXY_OK}"
        ),
    )
}

#[test]
#[ignore = "needs haproxy and curl (apt-get install haproxy curl); run by .ci/run"]
fn haproxy_verify_optional() {
    need(&["haproxy", "curl", "openssl"]);
    let pki = Pki::new();
    let h = haproxy_bind(&pki, "verify optional");
    hs_truth(
        &pki,
        h.port,
        true,
        [None, None, None, Some("unknown_ca")],
        "TLSv1.3",
    );
    http_truth(&pki, h.port, "/", [200, 200, 200, 0], [200, 200, 200, 0]);
    plain_truth(h.port, 0, 0);
    let rows = |id: Id| {
        let g = match id {
            NoCert => G::Null,
            Foreign => G::Refused("unknown_ca"),
            _ => G::Accepted,
        };
        let mut r = tls_only();
        r.push(Exp::tls("tls", "optional", g));
        r.push(Exp::tls("https1", "optional", g));
        r.push(Exp::tls("h2", "optional", g));
        let grpc = if g == G::Accepted { G::Null } else { g };
        // A certificate requested: at least optional, even where gRPC never answered.
        r.push(Exp::unserved("grpcs", "optional", grpc));
        r
    };
    run(&Case {
        name: "haproxy verify optional",
        pki: &pki,
        port: h.port,
        extra: &[],
        rows: &rows,
        summary: ("all", "optional"),
        refused_alike: &[],
        strict: 1,
        service: Service::NoService,
        verify: [0, 1, 1],
    });
}

#[test]
#[ignore = "needs haproxy and curl (apt-get install haproxy curl); run by .ci/run"]
fn haproxy_verify_required_with_crl() {
    need(&["haproxy", "curl", "openssl"]);
    let pki = Pki::new();
    let h = haproxy_bind(&pki, "verify required crl-file @CRL@");
    hs_truth(
        &pki,
        h.port,
        true,
        [
            Some("certificate_required"),
            None,
            Some("certificate_revoked"),
            Some("unknown_ca"),
        ],
        "TLSv1.3",
    );
    http_truth(&pki, h.port, "/", [0, 200, 0, 0], [0, 200, 0, 0]);
    plain_truth(h.port, 0, 0);
    let rows = |id: Id| required(id, &[Valid], &["https1", "h2"], openssl_refusal);
    run(&Case {
        name: "haproxy verify required crl-file",
        pki: &pki,
        port: h.port,
        extra: &[],
        rows: &rows,
        summary: ("all", "enforced"),
        refused_alike: &[],
        strict: 0,
        service: Service::NoService,
        verify: [0, 1, 1],
    });
}

#[test]
#[ignore = "needs haproxy and curl (apt-get install haproxy curl); run by .ci/run"]
fn haproxy_verify_required_ignoring_errors() {
    need(&["haproxy", "curl", "openssl"]);
    let pki = Pki::new();
    let h = haproxy_bind(&pki, "verify required ca-ignore-err all crt-ignore-err all");
    // A certificate is required, but any certificate will do: another CA's gets in.
    hs_truth(
        &pki,
        h.port,
        true,
        [Some("certificate_required"), None, None, None],
        "TLSv1.3",
    );
    http_truth(&pki, h.port, "/", [0, 200, 200, 200], [0, 200, 200, 200]);
    let rows = |id: Id| {
        let g = if id == NoCert { G::Null } else { G::Accepted };
        let mut r = tls_only();
        // A certificate is demanded and any will do: `required` needs the throwaway
        // refused too, so `optional` with the untrusted certificate accepted.
        r.push(Exp::tls("tls", "optional", g).untrusted());
        // The throwaway gets content: served even without --cert.
        for t in ["https1", "h2"] {
            r.push(Exp::tls(t, "optional", g).untrusted());
        }
        // No gRPC answer for anyone: nobody got into gRPC; the handshake let the
        // throwaway in, so not required either.
        r.push(Exp::unserved("grpcs", "optional", G::Null));
        r
    };
    run(&Case {
        name: "haproxy verify required ca-ignore-err all crt-ignore-err all",
        pki: &pki,
        port: h.port,
        extra: &[],
        rows: &rows,
        summary: ("all", "unverified"),
        refused_alike: &[],
        strict: 1,
        service: Service::NoService,
        verify: [0, 1, 0],
    });
}

#[test]
#[ignore = "needs haproxy and curl (apt-get install haproxy curl); run by .ci/run"]
fn haproxy_single_port_tls_or_redirect() {
    need(&["haproxy", "curl", "openssl"]);
    let pki = Pki::new();
    // One bind: a ClientHello goes to the TLS frontend, anything else to a plaintext HTTP
    // frontend that only redirects to https.
    let h = haproxy(
        &pki,
        "haproxy",
        &format!(
            "frontend split\n  mode tcp\n  bind 127.0.0.1:@PORT@\n  tcp-request inspect-delay 5s\n  \
             tcp-request content accept if {{ req.ssl_hello_type 1 }}\n  \
             tcp-request content accept if {{ req.len gt 0 }}\n  \
             use_backend to_tls if {{ req.ssl_hello_type 1 }}\n  default_backend to_plain\n\
             backend to_tls\n  mode tcp\n  server tls abns@tls-@PORT@ send-proxy-v2\n\
             backend to_plain\n  mode tcp\n  server plain abns@plain-@PORT@ send-proxy-v2\n\
             frontend tls\n  mode http\n  bind abns@tls-@PORT@ accept-proxy ssl crt @CRT@ \
             ca-file @CA@ verify required crl-file @CRL@ alpn h2,http/1.1\n{HAPROXY_OK}\
             frontend plain\n  mode http\n  bind abns@plain-@PORT@ accept-proxy\n  \
             http-request redirect scheme https code 308\n"
        ),
    );
    hs_truth(
        &pki,
        h.port,
        true,
        [
            Some("certificate_required"),
            None,
            Some("certificate_revoked"),
            Some("unknown_ca"),
        ],
        "TLSv1.3",
    );
    http_truth(&pki, h.port, "/", [0, 200, 0, 0], [0, 200, 0, 0]);
    let (b1, b2) = plain_truth(h.port, 308, 308);
    for b in [b1, b2] {
        assert!(b.contains("location: https://"), "{b}");
    }
    let rows = |id: Id| {
        let mut r = required(id, &[Valid], &["https1", "h2"], openssl_refusal);
        r[0] = Exp::redirect("http1");
        r[1] = Exp::redirect("h2c");
        r
    };
    run(&Case {
        name: "haproxy single port: TLS or a redirect to https",
        pki: &pki,
        port: h.port,
        extra: &[],
        rows: &rows,
        summary: ("all", "enforced"),
        refused_alike: &[],
        strict: 0,
        service: Service::NoService,
        verify: [0, 1, 1],
    });
}

// ---------------------------------------------------------------------------------------
// caddy (Go: alerts are bad_certificate, only the `refused` prefix is asserted)

#[test]
#[ignore = "needs caddy and curl (apt-get install caddy curl); run by .ci/run"]
fn caddy_require_and_verify() {
    need(&["caddy", "curl", "openssl"]);
    let pki = Pki::new();
    let c = caddy(&pki, "caddy", "require_and_verify");
    // caddy has no CRL: the revoked client gets in.
    hs_truth(
        &pki,
        c.port,
        true,
        [Some("bad_certificate"), None, None, Some("bad_certificate")],
        "TLSv1.3",
    );
    http_truth(&pki, c.port, "/", [0, 200, 200, 0], [0, 200, 200, 0]);
    let (b, _) = plain_truth(c.port, 400, 0);
    assert!(
        b.contains("Client sent an HTTP request to an HTTPS server"),
        "{b}"
    );
    let rows = |id: Id| required(id, &[Valid, Revoked], &["https1", "h2"], |_| G::Refused(""));
    run(&Case {
        name: "caddy client_auth require_and_verify",
        pki: &pki,
        port: c.port,
        extra: &[],
        rows: &rows,
        summary: ("all", "enforced"),
        refused_alike: &[],
        strict: 0,
        service: Service::NoService,
        verify: [0, 1, 1],
    });
}

#[test]
#[ignore = "needs caddy and curl (apt-get install caddy curl); run by .ci/run"]
fn caddy_verify_if_given() {
    need(&["caddy", "curl", "openssl"]);
    let pki = Pki::new();
    let c = caddy(&pki, "caddy", "verify_if_given");
    hs_truth(
        &pki,
        c.port,
        true,
        [None, None, None, Some("bad_certificate")],
        "TLSv1.3",
    );
    http_truth(&pki, c.port, "/", [200, 200, 200, 0], [200, 200, 200, 0]);
    plain_truth(c.port, 400, 0);
    let rows = |id: Id| {
        let g = match id {
            NoCert => G::Null,
            Foreign => G::Refused(""),
            _ => G::Accepted,
        };
        let mut r = tls_only();
        r.push(Exp::tls("tls", "optional", g));
        r.push(Exp::tls("https1", "optional", g));
        r.push(Exp::tls("h2", "optional", g));
        let grpc = if g == G::Accepted { G::Null } else { g };
        // A certificate requested: at least optional, even where gRPC never answered.
        r.push(Exp::unserved("grpcs", "optional", grpc));
        r
    };
    run(&Case {
        name: "caddy client_auth verify_if_given",
        pki: &pki,
        port: c.port,
        extra: &[],
        rows: &rows,
        summary: ("all", "optional"),
        refused_alike: &[],
        strict: 1,
        service: Service::NoService,
        verify: [0, 1, 1],
    });
}

// ---------------------------------------------------------------------------------------
// etcd (Go: client certificate required at the handshake, CRL checked after it)

#[test]
#[ignore = "needs etcd and etcdctl (apt-get install etcd-server etcd-client); run by .ci/run"]
fn etcd_client_cert_auth_with_crl() {
    need(&["etcd", "etcdctl", "curl", "openssl"]);
    let pki = Pki::new();
    let e = etcd(&pki, "etcd");
    // Go refuses no certificate and another CA's with bad_certificate; the revoked one
    // completes the handshake and is then closed (etcd checks its CRL after the handshake).
    hs_truth(
        &pki,
        e.port,
        true,
        [Some("bad_certificate"), None, None, Some("bad_certificate")],
        "TLSv1.3",
    );
    for (id, ok) in IDS.into_iter().zip([false, true, false, false]) {
        let r = etcdctl_health(&pki, e.port, id);
        assert_eq!(
            r.code == 0,
            ok,
            "ground truth: etcdctl {id:?}: {} {}",
            r.stdout,
            r.stderr
        );
        let g = grpc_check(&pki, e.port, id, false);
        assert_eq!(
            g.stdout.starts_with("status OK"),
            ok,
            "ground truth: grpc Health/Check {id:?}: {} {}",
            g.stdout,
            g.stderr
        );
    }
    // Its HTTP gateway answers 404 at / (content, not a refusal).
    http_truth(&pki, e.port, "/", [0, 404, 0, 0], [0, 404, 0, 0]);
    plain_truth(e.port, 0, 0);
    // The revoked certificate completes the handshake and is closed right after it, without
    // an alert: anything but "accepted" tells the truth.
    let refusal = |id: Id| {
        if id == Revoked {
            G::NotAccepted
        } else {
            G::Refused("")
        }
    };
    let rows = |id: Id| required(id, &[Valid], &["https1", "h2", "grpcs"], refusal);
    run(&Case {
        name: "etcd --client-cert-auth --client-crl-file",
        pki: &pki,
        port: e.port,
        extra: &[],
        rows: &rows,
        summary: ("all", "enforced"),
        refused_alike: &[],
        strict: 0,
        service: Service::NoService,
        verify: [0, 1, 1],
    });
}

// ---------------------------------------------------------------------------------------
// python grpcio

#[test]
#[ignore = "needs python3-grpcio (apt-get install python3-grpcio); run by .ci/run"]
fn grpcio_required_client_auth() {
    need(&["curl", "openssl"]);
    need_grpcio();
    let pki = Pki::new();
    let g = grpcio(&pki, "grpc", "required");
    // grpcio has no CRL: the revoked client gets in. Refusals close without an alert.
    for (id, ok) in IDS.into_iter().zip([false, true, true, false]) {
        let r = grpc_check(&pki, g.port, id, false);
        assert_eq!(
            r.stdout.starts_with("status OK"),
            ok,
            "ground truth: grpc Health/Check {id:?}: {} {}",
            r.stdout,
            r.stderr
        );
    }
    hs_truth(&pki, g.port, true, [None; 4], "TLSv1.3");
    // ALPN h2 only: no HTTP/1.1.
    http_truth(&pki, g.port, "/", [0; 4], [0, 200, 200, 0]);
    plain_truth(g.port, 0, 0);
    let rows = |id: Id| required(id, &[Valid, Revoked], &["h2", "grpcs"], |_| G::Refused(""));
    run(&Case {
        name: "grpcio require_client_auth",
        pki: &pki,
        port: g.port,
        extra: &[],
        rows: &rows,
        summary: ("all", "enforced"),
        refused_alike: &[],
        strict: 0,
        service: Service::NoService,
        verify: [0, 1, 1],
    });
}

#[test]
#[ignore = "needs python3-grpcio (apt-get install python3-grpcio); run by .ci/run"]
fn grpcio_insecure() {
    need(&["curl", "openssl"]);
    need_grpcio();
    let pki = Pki::new();
    let g = grpcio(&pki, "grpc", "insecure");
    let r = grpc_check(&pki, g.port, NoCert, true);
    assert!(
        r.stdout.starts_with("status OK"),
        "ground truth: {} {}",
        r.stdout,
        r.stderr
    );
    let h = s_client(&pki, g.port, NoCert, "", &[]);
    assert!(!h.completed, "ground truth: no TLS: {}", h.raw);
    let (_, b) = plain_truth(g.port, 0, 200);
    assert!(b.contains("grpc-status"), "{b}");
    let rows = |_id: Id| {
        let mut r = vec![
            Exp::no_plain("http1"),
            Exp::plain("h2c"),
            Exp::plain("grpc").detail(&["grpc-status 0"]),
        ];
        r.push(Exp::no_tls("tls"));
        for t in APPS {
            r.push(Exp::no_tls(t));
        }
        r
    };
    run(&Case {
        name: "grpcio insecure",
        pki: &pki,
        port: g.port,
        extra: &[],
        rows: &rows,
        summary: ("none", "none"),
        refused_alike: &[],
        strict: 1,
        service: Service::NoService,
        verify: [1, 1, 1],
    });
}

// ---------------------------------------------------------------------------------------
// grpc-go (tests/peers/grpc_go_server.go, built offline against golang-google-grpc-dev)

/// The gRPC ground truth of `port`: the python client's Health/Check with each identity
/// succeeds exactly for `ok` (NoCert, Valid, Revoked, Foreign).
fn grpc_truth(pki: &Pki, port: u16, ok: [bool; 4]) {
    for (id, ok) in IDS.into_iter().zip(ok) {
        let r = grpc_check(pki, port, id, false);
        assert_eq!(
            r.stdout.starts_with("status OK"),
            ok,
            "ground truth: grpc Health/Check {id:?}: {} {}",
            r.stdout,
            r.stderr
        );
    }
}

#[test]
#[ignore = "needs golang-go and golang-google-grpc-dev (apt-get install golang-google-grpc-dev); run by .ci/run"]
fn grpc_go_required_client_auth() {
    need(&["go", "curl", "openssl"]);
    need_grpcio();
    let pki = Pki::new();
    let g = grpc_go(&pki, "grpc-go", "required");
    // Go has no CRL here: the revoked client gets in; no certificate and another CA's are
    // refused at the handshake with bad_certificate.
    grpc_truth(&pki, g.port, [false, true, true, false]);
    hs_truth(
        &pki,
        g.port,
        true,
        [Some("bad_certificate"), None, None, Some("bad_certificate")],
        "TLSv1.3",
    );
    plain_truth(g.port, 0, 0);
    let rows = |id: Id| {
        required(id, &[Valid, Revoked], &["grpcs"], |_| {
            G::Refused("bad_certificate")
        })
    };
    run(&Case {
        name: "grpc-go RequireAndVerifyClientCert",
        pki: &pki,
        port: g.port,
        extra: &[],
        rows: &rows,
        summary: ("all", "enforced"),
        refused_alike: &[],
        strict: 0,
        service: Service::NoService,
        verify: [0, 1, 1],
    });
}

#[test]
#[ignore = "needs golang-go and golang-google-grpc-dev (apt-get install golang-google-grpc-dev); run by .ci/run"]
fn grpc_go_insecure() {
    need(&["go", "curl", "openssl"]);
    need_grpcio();
    let pki = Pki::new();
    let g = grpc_go(&pki, "grpc-go", "insecure");
    let r = grpc_check(&pki, g.port, NoCert, true);
    assert!(
        r.stdout.starts_with("status OK"),
        "ground truth: {} {}",
        r.stdout,
        r.stderr
    );
    let h = s_client(&pki, g.port, NoCert, "", &[]);
    assert!(!h.completed, "ground truth: no TLS: {}", h.raw);
    let rows = |_id: Id| {
        let mut r = vec![
            Exp::no_plain("http1"),
            // grpc-go resets a GET it does not serve: not served.
            Exp::no_plain("h2c"),
            Exp::plain("grpc").detail(&["grpc-status 0"]),
        ];
        r.push(Exp::no_tls("tls"));
        for t in APPS {
            r.push(Exp::no_tls(t));
        }
        r
    };
    run(&Case {
        name: "grpc-go insecure",
        pki: &pki,
        port: g.port,
        extra: &[],
        rows: &rows,
        summary: ("none", "none"),
        refused_alike: &[],
        strict: 1,
        service: Service::NoService,
        verify: [1, 1, 1],
    });
}

#[test]
#[ignore = "needs golang-go and golang-google-grpc-dev (apt-get install golang-google-grpc-dev); run by .ci/run"]
fn grpc_go_interceptor_per_request() {
    need(&["go", "curl", "openssl"]);
    need_grpcio();
    let pki = Pki::new();
    let g = grpc_go(&pki, "grpc-go", "interceptor");
    // VerifyClientCertIfGiven: another CA's certificate is refused at the handshake, no
    // certificate gets through it and is answered UNAUTHENTICATED by the interceptor.
    grpc_truth(&pki, g.port, [false, true, true, false]);
    let r = grpc_check(&pki, g.port, NoCert, false);
    assert!(
        r.stdout.contains("UNAUTHENTICATED"),
        "ground truth: {} {}",
        r.stdout,
        r.stderr
    );
    hs_truth(
        &pki,
        g.port,
        true,
        [None, None, None, Some("bad_certificate")],
        "TLSv1.3",
    );
    let rows = |id: Id| {
        let g = match id {
            NoCert => G::Null,
            Foreign => G::Refused("bad_certificate"),
            _ => G::Accepted,
        };
        let mut r = tls_only();
        r.push(Exp::tls("tls", "optional", g));
        // No HTTP answer over TLS (grpc-go resets a GET): not served.
        // A certificate requested: at least optional.
        let unserved = |t| Exp {
            given: if id == Foreign { g } else { G::Null },
            ..Exp::unserved(t, "optional", G::Null)
        };
        r.push(unserved("https1"));
        r.push(unserved("h2"));
        // Served only where a certificate got an answer (a refusal is not content).
        r.push(match id {
            Valid | Revoked => Exp::tls("grpcs", "per-request", g),
            _ => Exp::unserved("grpcs", "per-request", g),
        });
        r
    };
    run(&Case {
        name: "grpc-go VerifyClientCertIfGiven + UNAUTHENTICATED interceptor",
        pki: &pki,
        port: g.port,
        extra: &[],
        rows: &rows,
        summary: ("all", "enforced"),
        refused_alike: &[],
        strict: 0,
        service: Service::NoService,
        verify: [0, 1, 1],
    });
}

// ---------------------------------------------------------------------------------------
// mosquitto and redis: TLS services that do not speak HTTP

#[test]
#[ignore = "needs mosquitto (apt-get install mosquitto mosquitto-clients); run by .ci/run"]
fn mosquitto_require_certificate_with_crl() {
    need(&["mosquitto", "mosquitto_pub", "openssl"]);
    let pki = Pki::new();
    let m = mosquitto(&pki, "mosquitto", true);
    for (id, ok) in IDS.into_iter().zip([false, true, false, false]) {
        let r = mqtt_pub(&pki, m.port, id);
        assert_eq!(
            r.code == 0,
            ok,
            "ground truth: mosquitto_pub {id:?}: {}",
            r.stderr
        );
    }
    hs_truth(
        &pki,
        m.port,
        true,
        [
            Some("certificate_required"),
            None,
            Some("certificate_revoked"),
            Some("unknown_ca"),
        ],
        "TLSv1.3",
    );
    let rows = |id: Id| required(id, &[Valid], &[], openssl_refusal);
    let svc = |id: Id| required_row("mqtt-tls", id, &[Valid], true, &openssl_refusal);
    run(&Case {
        name: "mosquitto require_certificate true + crlfile",
        pki: &pki,
        port: m.port,
        extra: &[],
        rows: &rows,
        summary: ("all", "enforced"),
        refused_alike: &[],
        strict: 0,
        service: Service::Speaks(&svc),
        verify: [0, 1, 1],
    });
}

#[test]
#[ignore = "needs mosquitto (apt-get install mosquitto mosquitto-clients); run by .ci/run"]
fn mosquitto_no_certificate() {
    need(&["mosquitto", "mosquitto_pub", "openssl"]);
    let pki = Pki::new();
    let m = mosquitto(&pki, "mosquitto", false);
    for id in IDS {
        let r = mqtt_pub(&pki, m.port, id);
        assert_eq!(
            r.code, 0,
            "ground truth: mosquitto_pub {id:?}: {}",
            r.stderr
        );
    }
    hs_truth(&pki, m.port, false, [None; 4], "TLSv1.3");
    let rows = |id: Id| {
        let (tls, app) = if id == NoCert {
            (G::Null, G::Null)
        } else {
            (G::Accepted, G::Null)
        };
        let mut r = tls_only();
        r.push(Exp::tls("tls", "none", tls));
        for t in APPS {
            r.push(Exp::unserved(t, "none", app));
        }
        r
    };
    let svc = |id: Id| {
        let g = if id == NoCert { G::Null } else { G::Accepted };
        Exp::tls("mqtt-tls", "none", g)
    };
    run(&Case {
        name: "mosquitto require_certificate false",
        pki: &pki,
        port: m.port,
        extra: &[],
        rows: &rows,
        summary: ("all", "none"),
        refused_alike: &[],
        strict: 1,
        service: Service::Speaks(&svc),
        verify: [1, 1, 1],
    });
}

#[test]
#[ignore = "needs redis (apt-get install redis-server redis-tools); run by .ci/run"]
fn redis_tls_auth_clients_yes() {
    need(&["redis-server", "redis-cli", "openssl"]);
    let pki = Pki::new();
    let r = redis(&pki, "redis", "yes");
    // redis has no CRL: the revoked client gets in.
    for (id, ok) in IDS.into_iter().zip([false, true, true, false]) {
        let p = redis_ping(&pki, r.port, id);
        assert_eq!(
            p.stdout.trim() == "PONG",
            ok,
            "ground truth: redis-cli {id:?}: {}",
            p.stderr
        );
    }
    hs_truth(
        &pki,
        r.port,
        true,
        [Some("certificate_required"), None, None, Some("unknown_ca")],
        "TLSv1.3",
    );
    let rows = |id: Id| required(id, &[Valid, Revoked], &[], openssl_refusal);
    let svc = |id: Id| required_row("redis-tls", id, &[Valid, Revoked], true, &openssl_refusal);
    run(&Case {
        name: "redis tls-auth-clients yes",
        pki: &pki,
        port: r.port,
        extra: &[],
        rows: &rows,
        summary: ("all", "enforced"),
        refused_alike: &[],
        strict: 0,
        service: Service::Speaks(&svc),
        verify: [0, 1, 1],
    });
}

#[test]
#[ignore = "needs redis (apt-get install redis-server redis-tools); run by .ci/run"]
fn redis_tls_auth_clients_optional() {
    need(&["redis-server", "redis-cli", "openssl"]);
    let pki = Pki::new();
    let r = redis(&pki, "redis", "optional");
    for (id, ok) in IDS.into_iter().zip([true, true, true, false]) {
        let p = redis_ping(&pki, r.port, id);
        assert_eq!(
            p.stdout.trim() == "PONG",
            ok,
            "ground truth: redis-cli {id:?}: {}",
            p.stderr
        );
    }
    hs_truth(
        &pki,
        r.port,
        true,
        [None, None, None, Some("unknown_ca")],
        "TLSv1.3",
    );
    let rows = |id: Id| {
        let tls = match id {
            NoCert => G::Null,
            Foreign => G::Refused("unknown_ca"),
            _ => G::Accepted,
        };
        let app = if tls == G::Accepted { G::Null } else { tls };
        let mut r = tls_only();
        r.push(Exp::tls("tls", "optional", tls));
        // A certificate requested: at least optional on every TLS row.
        for t in APPS {
            r.push(Exp::unserved(t, "optional", app));
        }
        r
    };
    let svc = |id: Id| {
        let g = match id {
            NoCert => G::Null,
            Foreign => G::Refused("unknown_ca"),
            _ => G::Accepted,
        };
        Exp::tls("redis-tls", "optional", g)
    };
    run(&Case {
        name: "redis tls-auth-clients optional",
        pki: &pki,
        port: r.port,
        extra: &[],
        rows: &rows,
        summary: ("all", "optional"),
        refused_alike: &[],
        strict: 1,
        service: Service::Speaks(&svc),
        verify: [0, 1, 1],
    });
}

/// Plaintext Redis and MQTT (redis-cli and mosquitto_pub confirm the ground truth), and an
/// EdgeX-style inventory stating per protocol whether TLS and a client certificate are
/// required: `probe --inventory` names each drift and exits 1.
#[test]
#[ignore = "needs redis and mosquitto (apt-get install redis-server redis-tools mosquitto mosquitto-clients); run by .ci/run"]
fn plaintext_services_and_inventory_expectations() {
    need(&[
        "redis-server",
        "redis-cli",
        "mosquitto",
        "mosquitto_pub",
        "openssl",
    ]);
    let pki = Pki::new();
    let rp = redis_plain(&pki, "redis-plain");
    let mp = mosquitto_plain(&pki, "mqtt-plain");
    let ry = redis(&pki, "redis-yes", "yes");
    let ro = redis(&pki, "redis-optional", "optional");
    // Ground truth: both plaintext services answer their own clients without TLS.
    let ping = tool_timeout(
        "redis-cli",
        &["-h", "127.0.0.1", "-p", &rp.port.to_string(), "PING"],
    );
    assert_eq!(ping.stdout.trim(), "PONG", "ground truth: {}", ping.stderr);
    let publ = tool_timeout(
        "mosquitto_pub",
        &[
            "-h",
            "127.0.0.1",
            "-p",
            &mp.port.to_string(),
            "-t",
            "t",
            "-m",
            "m",
            "-q",
            "1",
        ],
    );
    assert_eq!(publ.code, 0, "ground truth: {}", publ.stderr);
    for (port, svc) in [(rp.port, "redis"), (mp.port, "mqtt")] {
        let (code, m) = probe(&pki, port, NoCert, &[]);
        assert_eq!(code, 0, "{m}");
        let row = transport(&m, svc);
        assert_eq!(row["served"], true, "{svc}: {m}");
        assert_eq!(row["encrypted"], false, "{svc}: {m}");
        for other in ["http1", "h2c", "grpc", "tls", "postgres", "redis", "mqtt"] {
            if other != svc {
                assert_eq!(transport(&m, other)["served"], false, "{svc}: {other}: {m}");
            }
        }
        assert_eq!(transport(&m, &format!("{svc}-tls"))["served"], false, "{m}");
        assert_eq!(m["summary"]["encrypted"], "none", "{svc}: {m}");
        let (code, _) = probe(&pki, port, NoCert, &["--strict"]);
        assert_eq!(code, 1, "{svc}: plaintext content fails --strict");
    }
    // The redis-cli ground truth of the two TLS servers is asserted by their own tests
    // above (yes: no certificate refused; optional: admitted).
    let inv = pki.env.path("edgex.yaml");
    let redis_tls = "{ redis: { tls: required, client_cert: required } }";
    std::fs::write(
        &inv,
        format!(
            "cluster: Prod\nca: {{ intermediate: true }}\nclients:\n  - {{ name: edge-core, role: edgex }}\n\
             probe:\n\
             \x20 - target: 127.0.0.1:{}\n    servername: localhost\n    expect: {redis_tls}\n\
             \x20 - target: 127.0.0.1:{}\n    servername: localhost\n    as: edge-core\n    expect: {redis_tls}\n\
             \x20 - target: 127.0.0.1:{}\n    servername: localhost\n    expect: {redis_tls}\n\
             \x20 - target: 127.0.0.1:{}\n    servername: localhost\n    expect: {redis_tls}\n\
             \x20 - target: 127.0.0.1:{}\n    servername: localhost\n    expect: {{ mqtt: {{ tls: none }} }}\n\
             \x20 - target: 127.0.0.1:{}\n    servername: localhost\n    expect: {{ mqtt: {{ tls: optional }} }}\n",
            ry.port, ry.port, ro.port, rp.port, mp.port, mp.port
        ),
    )
    .unwrap();
    let ca = pki.ca();
    // The client the inventory probes as (`as: edge-core`), issued by the same CA.
    pki.env.run(&["apply", &inv.display().to_string()]).ok();
    let r = pki.env.run(&[
        "-o",
        "json",
        "probe",
        "--inventory",
        &inv.display().to_string(),
        "--ca",
        &ca,
        "--timeout",
        "3",
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    let diffs: Vec<Vec<String>> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            t["differences"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_str().unwrap().to_string())
                .collect()
        })
        .collect();
    assert_eq!(
        diffs,
        vec![
            vec![],
            vec![],
            vec!["redis: client_cert is optional on redis-tls, expected required".to_string()],
            vec!["redis: not served over TLS, expected TLS required".to_string()],
            vec![],
            vec!["mqtt: not served over TLS, expected TLS optional".to_string()],
        ],
        "{v}"
    );
    // The text form names the drift per target.
    let r = pki.env.run(&[
        "probe",
        "--inventory",
        &inv.display().to_string(),
        "--ca",
        &ca,
        "--timeout",
        "3",
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains(&format!(
            "127.0.0.1:{}: DIFFERS: redis: client_cert is optional on redis-tls, expected required",
            ro.port
        )),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains(&format!("127.0.0.1:{}: as expected", ry.port)),
        "{}",
        r.stdout
    );
}

// ---------------------------------------------------------------------------------------
// secctl serve (rustls): TLS and a plaintext redirect on one port

fn serve(pki: &Pki, client_auth: &str) -> (Serve, u16) {
    let s = Serve::start(&pki.env, &["--name", "srv", "--client-auth", client_auth]);
    let port = s.addr.rsplit(':').next().unwrap().parse().unwrap();
    (s, port)
}

fn serve_plain_truth(port: u16) {
    let (b, _) = plain_truth(port, 308, 0);
    assert!(b.contains("location: https://"), "{b}");
}

#[test]
#[ignore = "needs curl and openssl (apt-get install curl openssl); run by .ci/run"]
fn serve_client_auth_none() {
    let pki = Pki::new();
    let (_s, port) = serve(&pki, "none");
    hs_truth(&pki, port, false, [None; 4], "TLSv1.3");
    http_truth(&pki, port, "/", [200; 4], [200; 4]);
    serve_plain_truth(port);
    let rows = |id: Id| {
        let g = if id == NoCert { G::Null } else { G::Accepted };
        let mut r = vec![
            Exp::redirect("http1"),
            Exp::no_plain("h2c"),
            Exp::no_plain("grpc"),
        ];
        r.push(Exp::tls("tls", "none", g));
        for t in APPS {
            r.push(Exp::tls(t, "none", g));
        }
        r
    };
    run(&Case {
        name: "secctl serve --client-auth none",
        pki: &pki,
        port,
        extra: &[],
        rows: &rows,
        summary: ("all", "none"),
        refused_alike: &[],
        strict: 1,
        service: Service::NoService,
        verify: [1, 1, 1],
    });
}

#[test]
#[ignore = "needs curl and openssl (apt-get install curl openssl); run by .ci/run"]
fn serve_client_auth_optional() {
    let pki = Pki::new();
    let (_s, port) = serve(&pki, "optional");
    hs_truth(
        &pki,
        port,
        true,
        [None, None, Some("certificate_revoked"), Some("unknown_ca")],
        "TLSv1.3",
    );
    http_truth(&pki, port, "/", [200, 200, 0, 0], [200, 200, 0, 0]);
    serve_plain_truth(port);
    let rows = |id: Id| {
        let g = match id {
            NoCert => G::Null,
            Valid => G::Accepted,
            _ => openssl_refusal(id),
        };
        let mut r = vec![
            Exp::redirect("http1"),
            Exp::no_plain("h2c"),
            Exp::no_plain("grpc"),
        ];
        r.push(Exp::tls("tls", "optional", g));
        for t in APPS {
            r.push(Exp::tls(t, "optional", g));
        }
        r
    };
    run(&Case {
        name: "secctl serve --client-auth optional",
        pki: &pki,
        port,
        extra: &[],
        rows: &rows,
        summary: ("all", "optional"),
        refused_alike: &[],
        strict: 1,
        service: Service::NoService,
        verify: [0, 1, 1],
    });
}

#[test]
#[ignore = "needs curl and openssl (apt-get install curl openssl); run by .ci/run"]
fn serve_client_auth_required() {
    let pki = Pki::new();
    let (_s, port) = serve(&pki, "required");
    hs_truth(
        &pki,
        port,
        true,
        [
            Some("certificate_required"),
            None,
            Some("certificate_revoked"),
            Some("unknown_ca"),
        ],
        "TLSv1.3",
    );
    http_truth(&pki, port, "/", [0, 200, 0, 0], [0, 200, 0, 0]);
    serve_plain_truth(port);
    let rows = |id: Id| {
        let mut r = required(id, &[Valid], &APPS, openssl_refusal);
        r[0] = Exp::redirect("http1");
        r
    };
    run(&Case {
        name: "secctl serve --client-auth required",
        pki: &pki,
        port,
        extra: &[],
        rows: &rows,
        summary: ("all", "enforced"),
        refused_alike: &[],
        strict: 0,
        service: Service::NoService,
        verify: [0, 1, 1],
    });
}
