//! The probe's `nats`, `nats-tls`, `ws` and `wss` rows against real servers: Debian's
//! nats-server (2.9: the server speaks first, `INFO`, then TLS on the same connection) and a
//! python3-websockets echo server. Every test first establishes with a client of the
//! protocol what the server really does with each identity (none, valid, revoked, another
//! CA's): a Python NATS client (the standard library's socket and ssl: INFO, TLS after it,
//! CONNECT, PING, PONG; Debian has no NATS CLI) and python3-websockets' own client; then
//! asserts the probe's rows against it, field by field, run after run.
//!
//! Needs the servers: ignored by plain `cargo test`, run by `.ci/run` (which installs them)
//! with `cargo test --test interop_nats_ws -- --ignored`.
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
        .unwrap_or(10)
}

fn need_nats() {
    assert!(
        installed("nats-server"),
        "nats-server is not installed: see .ci/run"
    );
}

fn need_websockets() {
    let r = tool(PY, &["-c", "import websockets"]);
    assert_eq!(
        r.code, 0,
        "python3-websockets is not installed: see .ci/run: {}",
        r.stderr
    );
}

/// What the protocol's own client got with one identity: `Ok(())` served, `Err(why)`.
fn truth_line(r: &Run) -> Result<(), String> {
    let last = r.stdout.lines().last().unwrap_or("").to_string();
    if last == "ok" {
        Ok(())
    } else {
        Err(format!("{last} {}", r.stderr.trim()))
    }
}

/// The TLS alert the protocol's client reported (`error alert bad_certificate`), if any.
fn alert_of(why: &str) -> Option<String> {
    why.strip_prefix("error alert ")
        .map(|a| a.split_whitespace().next().unwrap_or("").to_string())
}

/// Probe `port` with `id` `repeat()` times: the rows of the first run, checked against
/// `exp` and `summary`; every run must give the same rows. Returns the messages of what
/// differs.
fn check(
    pki: &Pki,
    port: u16,
    id: Id,
    extra: &[&str],
    exp: &[Exp],
    summary: (&str, &str),
    ctx: &str,
) -> Vec<String> {
    let (code, first) = probe(pki, port, id, extra);
    let text = rows_text(&first);
    eprintln!("{ctx} with {id:?}: exit {code}\n{text}");
    let names: Vec<&str> = first["transports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["transport"].as_str().unwrap())
        .collect();
    let mut all = ORDER.to_vec();
    all.extend(SERVICES);
    assert_eq!(names, all, "{ctx}: the 17 rows in order");
    let mut bad = Vec::new();
    let c = format!("{ctx} {id:?}");
    for e in exp {
        bad.extend(check_row(&first, e, &c));
    }
    let got = (
        first["summary"]["encrypted"].as_str().unwrap_or("?"),
        first["summary"]["mtls"].as_str().unwrap_or("?"),
    );
    if got != summary {
        bad.push(format!("{c}: summary {got:?}, want {summary:?}"));
    }
    if code != 0 {
        bad.push(format!("{c}: probe exited {code}"));
    }
    if !bad.is_empty() {
        bad.push(format!("{c}: the rows were\n{text}"));
    }
    for n in 1..repeat() {
        let (code2, again) = probe(pki, port, id, extra);
        if (code2, &again["transports"], &again["summary"])
            != (code, &first["transports"], &first["summary"])
        {
            bad.push(format!(
                "{c}: run {n} differs from the first:\n{}\nthen\n{}",
                text,
                rows_text(&again)
            ));
            break;
        }
    }
    bad
}

/// Every row but `except` not served, and saying the server speaks first.
fn spoke_first_rows(except: &[&str]) -> Vec<Exp> {
    ORDER
        .iter()
        .chain(SERVICES.iter())
        .filter(|t| !except.contains(t))
        .map(|t| Exp::no_plain(t).detail(&["the server speaks first (\"INFO {"]))
        .collect()
}

/// `verify 127.0.0.1:PORT --crl pki/crl.pem --cert` of identity `id` (and `extra`): its exit
/// code and output.
fn verify(pki: &Pki, port: u16, id: Id, extra: &[&str]) -> Run {
    let crl = pki.crl();
    let mut args = vec!["verify".to_string()];
    args.extend(live_args(pki, port, id, &["--crl", &crl], extra));
    let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    pki.env.run(&a)
}

// ---------------------------------------------------------------------------------------
// NATS

#[test]
#[ignore = "needs nats-server (apt-get install nats-server); run by .ci/run"]
fn nats_plaintext() {
    need_nats();
    let pki = Pki::new();
    let n = nats(&pki, "nats-plain", None);
    // Ground truth: INFO without tls_required; CONNECT and PING answered PONG in plaintext,
    // whatever certificate the client holds (none is used).
    for id in IDS {
        let r = nats_check(&pki, n.port, id);
        assert!(
            r.stdout.starts_with("info tls_required=False"),
            "ground truth: {id:?}: {}{}",
            r.stdout,
            r.stderr
        );
        assert_eq!(truth_line(&r), Ok(()), "ground truth: {id:?}");
    }
    let mut bad = Vec::new();
    for id in IDS {
        let mut exp = spoke_first_rows(&["nats", "nats-tls"]);
        exp.push(Exp::plain("nats").detail(&["NATS 2.", ": PONG"]));
        exp.push(Exp::no_plain("nats-tls").detail(&["not tried: the server offers no TLS"]));
        bad.extend(check(
            &pki,
            n.port,
            id,
            &[],
            &exp,
            ("none", "none"),
            "nats plaintext",
        ));
    }
    // Plaintext content: --strict fails; verify finds no TLS and names what answered.
    let (code, _) = probe(&pki, n.port, NoCert, &["--strict"]);
    if code != 1 {
        bad.push(format!("probe --strict exited {code}, want 1"));
    }
    let r = verify(&pki, n.port, Valid, &[]);
    if r.code != 1 || !r.stdout.contains("nats (") {
        bad.push(format!(
            "verify exited {}, want 1 naming nats: {}{}",
            r.code, r.stdout, r.stderr
        ));
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// nats-server with `tls { ..., verify: true }`: INFO says tls_required and tls_verify; TLS
/// after it refuses a client without a certificate and another CA's, admits the valid one
/// and (no CRL in nats-server 2.9) the revoked one.
#[test]
#[ignore = "needs nats-server (apt-get install nats-server); run by .ci/run"]
fn nats_tls_verify() {
    need_nats();
    let pki = Pki::new();
    let n = nats(&pki, "nats-verify", Some(true));
    let mut truth = Vec::new();
    for id in IDS {
        let r = nats_check(&pki, n.port, id);
        assert!(
            r.stdout
                .starts_with("info tls_required=True tls_verify=True"),
            "ground truth: {id:?}: {}{}",
            r.stdout,
            r.stderr
        );
        truth.push((id, truth_line(&r)));
    }
    eprintln!("ground truth: {truth:?}");
    for (id, want_ok) in IDS.into_iter().zip([false, true, true, false]) {
        let got = &truth.iter().find(|(i, _)| *i == id).unwrap().1;
        assert_eq!(got.is_ok(), want_ok, "ground truth: {id:?}: {got:?}");
    }
    let mut bad = Vec::new();
    for (id, t) in &truth {
        let tls_row = match (id, t) {
            (NoCert, _) => Exp::unserved("nats-tls", "required", G::Null).detail(&["refused"]),
            (_, Ok(())) => Exp::tls("nats-tls", "required", G::Accepted).detail(&["PONG"]),
            (_, Err(why)) => {
                let alert = alert_of(why).unwrap_or_default();
                let alert: &'static str = Box::leak(alert.into_boxed_str());
                Exp::unserved("nats-tls", "required", G::Refused(alert))
            }
        };
        let mut exp = spoke_first_rows(&["nats", "nats-tls"]);
        exp.push(Exp::no_plain("nats").detail(&["refused: TLS required (NATS 2.", "tls_verify"]));
        exp.push(tls_row);
        // A TLS-only NATS port: encrypted all (it was none before these rows existed).
        bad.extend(check(
            &pki,
            n.port,
            *id,
            &[],
            &exp,
            ("all", "enforced"),
            "nats tls verify",
        ));
    }
    // The revoked canary: admitted where a certificate is demanded (nats-server 2.9 has no
    // CRL option; the Python client above got PONG with it): mtls unverified.
    let t = canary_admitted(&pki, n.port, "nats-tls", &mut bad);
    if !transport(&t, "nats-tls")["detail"]
        .as_str()
        .unwrap_or("")
        .contains("REVOKED canary admitted")
    {
        bad.push(format!(
            "canary: the nats-tls detail does not name it:\n{}",
            rows_text(&t)
        ));
    }
    if transport(&t, "nats")
        .get("revoked_client_accepted")
        .is_some()
    {
        bad.push("canary: the plaintext nats row carries revoked_client_accepted".into());
    }
    let (code, _) = probe(&pki, n.port, NoCert, &["--strict"]);
    if code != 0 {
        bad.push(format!("probe --strict exited {code}, want 0"));
    }
    // verify HOST:PORT: the chain comes from the TLS after the INFO; NATS is detected and
    // judges the given certificate (it exited 2 before: no TLS certificate seen).
    for (id, want, needle) in [
        (Valid, 0, "accepted: answered over nats-tls"),
        (Foreign, 1, "refused: alert bad_certificate (nats-tls)"),
    ] {
        let r = verify(&pki, n.port, id, &[]);
        if r.code != want || !r.stdout.contains(needle) {
            bad.push(format!(
                "verify --cert {id:?} exited {}, want {want} with {needle:?}: {}{}",
                r.code, r.stdout, r.stderr
            ));
        }
    }
    verify_protocol(
        &pki,
        n.port,
        "nats",
        "NATS answered over TLS (--protocol; nats-tls)",
        &mut bad,
    );
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// nats-server with `tls { }` and no verify: TLS required, no client certificate asked
/// for; every identity gets its PONG.
#[test]
#[ignore = "needs nats-server (apt-get install nats-server); run by .ci/run"]
fn nats_tls_without_verify() {
    need_nats();
    let pki = Pki::new();
    let n = nats(&pki, "nats-tls", Some(false));
    for id in IDS {
        let r = nats_check(&pki, n.port, id);
        assert!(
            r.stdout
                .starts_with("info tls_required=True tls_verify=False"),
            "ground truth: {id:?}: {}{}",
            r.stdout,
            r.stderr
        );
        assert_eq!(truth_line(&r), Ok(()), "ground truth: {id:?}");
    }
    let mut bad = Vec::new();
    for id in IDS {
        let given = if id == NoCert { G::Null } else { G::Accepted };
        let mut exp = spoke_first_rows(&["nats", "nats-tls"]);
        exp.push(Exp::no_plain("nats").detail(&["refused: TLS required (NATS 2."]));
        exp.push(Exp::tls("nats-tls", "none", given).detail(&["none PONG", "throwaway PONG"]));
        bad.extend(check(
            &pki,
            n.port,
            id,
            &[],
            &exp,
            ("all", "none"),
            "nats tls without verify",
        ));
    }
    let (code, _) = probe(&pki, n.port, NoCert, &["--strict"]);
    if code != 1 {
        bad.push(format!("probe --strict exited {code}, want 1 (mtls none)"));
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

// ---------------------------------------------------------------------------------------
// WebSocket

#[test]
#[ignore = "needs python3-websockets (apt-get install python3-websockets); run by .ci/run"]
fn websocket_plaintext() {
    need_websockets();
    let pki = Pki::new();
    let w = ws_server(&pki, "ws-plain", "plain");
    for id in IDS {
        let r = ws_check(&pki, w.port, "plain", id);
        assert_eq!(truth_line(&r), Ok(()), "ground truth: {id:?}");
    }
    let mut bad = Vec::new();
    for id in IDS {
        let exp = vec![
            // A GET without the upgrade is answered 426: HTTP, and plaintext content.
            Exp::plain("http1"),
            Exp::plain("ws").detail(&["101 (WebSocket accepted)"]),
            Exp::no_tls("wss").detail(&["not tried: no HTTP/1.1 answer over TLS"]),
            Exp::no_plain("nats").detail(&["not tried: the port answers HTTP"]),
        ];
        bad.extend(check(
            &pki,
            w.port,
            id,
            &[],
            &exp,
            ("none", "none"),
            "websocket plaintext",
        ));
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// python3-websockets over TLS with `ssl.CERT_REQUIRED`: the handshake refuses a client
/// without a certificate and another CA's; the valid and (Python's ssl checks no CRL here)
/// the revoked one get their echo.
#[test]
#[ignore = "needs python3-websockets (apt-get install python3-websockets); run by .ci/run"]
fn websocket_tls_client_certificate_required() {
    need_websockets();
    let pki = Pki::new();
    let w = ws_server(&pki, "wss-required", "required");
    let mut truth = Vec::new();
    for id in IDS {
        truth.push((id, truth_line(&ws_check(&pki, w.port, "tls", id))));
    }
    eprintln!("ground truth: {truth:?}");
    for ((id, got), want_ok) in truth.iter().zip([false, true, true, false]) {
        assert_eq!(got.is_ok(), want_ok, "ground truth: {id:?}: {got:?}");
    }
    let mut bad = Vec::new();
    for (id, t) in &truth {
        let wss = match (id, t) {
            (NoCert, _) => Exp::unserved("wss", "required", G::Null).detail(&["refused"]),
            (_, Ok(())) => {
                Exp::tls("wss", "required", G::Accepted).detail(&["101 (WebSocket accepted)"])
            }
            (_, Err(_)) => Exp::unserved("wss", "required", G::Refused("")),
        };
        let exp = vec![
            wss,
            Exp::no_plain("ws").detail(&["not tried: no HTTP/1.1 answer in plaintext"]),
            Exp::no_plain("nats"),
            Exp::no_tls("nats-tls"),
        ];
        bad.extend(check(
            &pki,
            w.port,
            *id,
            &[],
            &exp,
            ("all", "enforced"),
            "websocket tls required",
        ));
    }
    // The revoked canary gets its upgrade where a certificate is demanded: unverified.
    canary_admitted(&pki, w.port, "wss", &mut bad);
    verify_protocol(
        &pki,
        w.port,
        "ws",
        "WebSocket answered over TLS (--protocol; wss)",
        &mut bad,
    );
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// python3-websockets over TLS without client certificates: every identity's upgrade is
/// taken.
#[test]
#[ignore = "needs python3-websockets (apt-get install python3-websockets); run by .ci/run"]
fn websocket_tls_without_client_certificates() {
    need_websockets();
    let pki = Pki::new();
    let w = ws_server(&pki, "wss-open", "tls");
    for id in IDS {
        let r = ws_check(&pki, w.port, "tls", id);
        assert_eq!(truth_line(&r), Ok(()), "ground truth: {id:?}");
    }
    let mut bad = Vec::new();
    for id in IDS {
        let given = if id == NoCert { G::Null } else { G::Accepted };
        let exp = vec![Exp::tls("wss", "none", given).detail(&["none HTTP/1.1 101"])];
        bad.extend(check(
            &pki,
            w.port,
            id,
            &[],
            &exp,
            ("all", "none"),
            "websocket tls",
        ));
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The revoked canary as the only certificate (`--revoked-cert`): admitted on `row`, where
/// a certificate is demanded, so the probe must exit 0 with `revoked_client_accepted`
/// true there and `mtls` unverified; each miss is added to `bad`. The probe's JSON.
fn canary_admitted(pki: &Pki, port: u16, row: &str, bad: &mut Vec<String>) -> serde_json::Value {
    let (crt, key) = pki.id(Revoked).unwrap();
    let (code, t) = probe(
        pki,
        port,
        NoCert,
        &["--revoked-cert", &crt, "--revoked-key", &key],
    );
    if code != 0
        || transport(&t, row)["revoked_client_accepted"] != true
        || t["summary"]["mtls"] != "unverified"
    {
        bad.push(format!(
            "canary: exit {code}, want {row} revoked_client_accepted true and mtls unverified:\n{}",
            rows_text(&t)
        ));
    }
    t
}

/// `verify HOST:PORT --protocol PROTOCOL` with the valid certificate: exit 0 and `needle`
/// in its table; a miss is added to `bad`.
fn verify_protocol(pki: &Pki, port: u16, protocol: &str, needle: &str, bad: &mut Vec<String>) {
    let r = verify(pki, port, Valid, &["--protocol", protocol]);
    if r.code != 0 || !r.stdout.contains(needle) {
        bad.push(format!(
            "verify --protocol {protocol} exited {}: {}{}",
            r.code, r.stdout, r.stderr
        ));
    }
}
