//! The probe's verdicts as data. Every case met in the field is a file under
//! `tests/probe_cases/`: the observations of one target in, the rows and summary they
//! classify to out (`secctl::probe::case::Case`), judged with no sockets by
//! `secctl::probe::classify`. `secctl probe --record FILE` writes such a file from a live
//! probe, so adding the case a user reported is adding a file (tests/probe_record.rs).
//! The real servers behind these cases are exercised by tests/live.rs,
//! tests/interop_nginx.rs and tests/interop_servers.rs.
//!
//! Below the table: the readers of the wire (alerts, HTTP refusal pages, the services'
//! answers), the TLS posture and `--strict`, and `verify HOST:PORT`'s verdict on the given
//! certificate, which reads the same typed rows.

use std::path::PathBuf;

use secctl::probe::case::Case;
use secctl::probe::classify::posture;
use secctl::probe::http::http_denial;
use secctl::probe::observation::{Denial, Fate, Refusal};
use secctl::probe::report::{protocol_rows, ProtocolRows};
use secctl::probe::services;
use secctl::probe::transport::alert_fate;
use secctl::probe::verify::{detect, given_verdict, protocol_check, Chosen, GivenVerdict};
use secctl::probe::{Policy, ServerAuth, TargetReport};

// ---- the table -------------------------------------------------------------------------

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/probe_cases")
}

/// Every case file, by name.
fn cases() -> Vec<(String, Case)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).unwrap();
            let case: Case = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("tests/probe_cases/{name}.json: {e}"));
            (name, case)
        })
        .collect()
}

/// The case of file `tests/probe_cases/<stem>.json`.
fn case(stem: &str) -> Case {
    cases()
        .into_iter()
        .find(|(n, _)| n == stem)
        .unwrap_or_else(|| panic!("no case {stem}"))
        .1
}

#[test]
fn every_field_case_classifies_to_its_rows() {
    let all = cases();
    assert!(all.len() >= 40, "{} cases", all.len());
    let mut failures = Vec::new();
    for (name, c) in &all {
        if std::env::var_os("SECCTL_BLESS").is_some() && !c.mismatches().is_empty() {
            // Rewrite the expected rows from the classifier (after a deliberate change:
            // review the diff of tests/probe_cases/).
            let again = Case::new(&c.case, &c.note, c.observations.clone());
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/probe_cases")
                .join(format!("{name}.json"));
            let mut text = serde_json::to_string_pretty(&again).unwrap();
            text.push('\n');
            std::fs::write(&path, text).unwrap();
            continue;
        }
        for m in c.mismatches() {
            failures.push(format!("{name}: {m}"));
        }
        // What a file holds survives a round trip (nothing is lost in (de)serializing).
        let again: Case = serde_json::from_str(&serde_json::to_string(c).unwrap()).unwrap();
        assert_eq!(&again, c, "{name}: round trip");
        // Invariants of every row.
        for r in &c.transports {
            let plaintext = [
                "http1", "h2c", "grpc", "postgres", "redis", "mqtt", "ws", "nats",
            ]
            .contains(&r.transport.as_str());
            assert_eq!(
                r.encrypted,
                r.served.then_some(!plaintext),
                "{name}: encrypted of {r:?}"
            );
            assert!(!r.detail.contains("os error"), "{name}: raw OS error {r:?}");
            if r.given_cert.is_some() {
                assert!(
                    c.observations.given.is_some()
                        || c.observations
                            .services
                            .iter()
                            .any(|s| s.tls.as_ref().is_ok_and(|t| t.2.is_some())),
                    "{name}: given_cert without a --cert: {r:?}"
                );
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---- verify HOST:PORT: the given certificate, from the same rows -----------------------

#[test]
fn verify_judges_the_given_certificate_from_the_typed_rows() {
    let rows = |key: &str| -> ProtocolRows { protocol_rows(key).unwrap() };
    let (http, tls, mqtt) = (rows("http"), rows("tls"), rows("mqtt"));
    let (nats, ws) = (rows("nats"), rows("ws"));
    for (stem, p, ok, detail) in [
        (
            "required_with_valid_revoked_and_foreign_certs--required-valid",
            http,
            true,
            "accepted: answered over https1",
        ),
        (
            "required_with_valid_revoked_and_foreign_certs--required-revoked",
            http,
            false,
            "refused: alert certificate_revoked (tls)",
        ),
        (
            "refused_alike_with_the_given_certificate_is_not_per_request--nginx-on-revoked",
            http,
            false,
            "refused: HTTP/1.1 400 (https1)",
        ),
        (
            "no_client_auth--none",
            http,
            false,
            "the server did not ask for a client certificate",
        ),
        (
            "refusal_by_a_close_right_after_the_handshake--etcd-revoked",
            http,
            false,
            "refused: closed by the server right after the handshake (tls)",
        ),
        // A TLS 1.3 server silent after the handshake: no verdict, never "accepted".
        (
            "tls13_silence_after_the_handshake_is_no_verdict--tls13-silent-server",
            tls,
            false,
            "not checked: no verdict: nothing after the TLS 1.3 handshake within the wait",
        ),
        (
            "non_http_tls_services--mosquitto-required-valid",
            tls,
            true,
            "accepted at the TLS layer (no protocol secctl speaks was checked; the server \
             let it in: a TLS 1.2 Finished, or a session ticket or data after it in TLS 1.3)",
        ),
        (
            "non_http_tls_services--mosquitto-required-valid",
            http,
            false,
            "not checked: HTTP did not answer with it (accepted)",
        ),
        (
            "redis_and_mqtt--mosquitto-revoked",
            mqtt,
            false,
            "refused: alert certificate_revoked (mqtt-tls)",
        ),
        // TLS after NATS's INFO: the given certificate is judged on nats-tls, whose
        // handshake is its own (the `tls` row saw only the INFO).
        (
            "nats-server--tls-verify--a-valid-certificate-and-the-revoked-canary",
            nats,
            true,
            "accepted: answered over nats-tls",
        ),
        (
            "nats-server--tls-without-verify",
            nats,
            false,
            "the server did not ask for a client certificate",
        ),
        (
            "websocket-python--tls-client-certificate-required--a-valid-certificate-and-the-revoked-canary",
            ws,
            true,
            "accepted: answered over wss",
        ),
    ] {
        let c = case(stem);
        let v = given_verdict(&c.transports, p).unwrap_or(GivenVerdict::NoSession);
        assert_eq!((v.ok(), v.detail().as_str()), (ok, detail), "{stem}: {v:?}");
    }
}

#[test]
fn verify_detects_the_protocol_and_checks_it_answered() {
    for (stem, key, check) in [
        (
            "postgres_hostssl_clientcert_verify_ca--postgres-verify-ca",
            "postgres",
            Some((
                true,
                "PostgreSQL answered over TLS (detected; postgres-tls)",
            )),
        ),
        (
            "redis_and_mqtt--mqtt-any-ca",
            "mqtt",
            Some((true, "MQTT answered over TLS (detected; mqtt-tls)")),
        ),
        (
            "grpc_per_request--grpc-per-request",
            "http",
            Some((true, "HTTP answered over TLS (detected; https1)")),
        ),
        // Nothing secctl speaks answered over TLS: plain TLS, nothing to claim.
        (
            "non_http_tls_services--mosquitto-required-valid",
            "tls",
            None,
        ),
        ("redis_and_mqtt--redis-plain", "tls", None),
        (
            "nats-server--tls-verify--a-valid-certificate-and-the-revoked-canary",
            "nats",
            Some((true, "NATS answered over TLS (detected; nats-tls)")),
        ),
        // WebSocket over TLS, and HTTP too (426 to a GET without the upgrade): HTTP first.
        (
            "websocket-python--tls-no-client-certificate",
            "http",
            Some((true, "HTTP answered over TLS (detected; https1)")),
        ),
        // Plaintext NATS, a banner: nothing over TLS.
        ("nats-server--plaintext", "tls", None),
        ("server_speaks_first--smtp-banner", "tls", None),
    ] {
        let c = case(stem);
        let p = detect(&c.transports);
        assert_eq!(p.key, key, "{stem}");
        let got = protocol_check(&c.transports, p, Chosen::Detected);
        assert_eq!(
            got.as_ref().map(|(ok, d)| (*ok, d.as_str())),
            check,
            "{stem}"
        );
    }
    // TLS after NATS's INFO, refused to every identity the probe had: the `tls` row saw no
    // handshake, nats-tls is the only row that saw the server's TLS: NATS is detected, and
    // did not answer.
    let c = case("nats-server--tls-verify--no-certificate--the-revoked-canary-admitted");
    let p = detect(&c.transports);
    assert_eq!(p.key, "nats");
    let (ok, detail) = protocol_check(&c.transports, p, Chosen::Detected).unwrap();
    assert!(!ok);
    assert!(
        detail.starts_with("NATS did not answer over TLS: TLSv1.3"),
        "{detail}"
    );
    // Asked for a protocol that did not answer: the check fails with the row's detail.
    let c = case("non_http_tls_services--mosquitto-required-valid");
    let (ok, detail) =
        protocol_check(&c.transports, protocol_rows("grpc").unwrap(), Chosen::Asked).unwrap();
    assert!(!ok);
    assert!(
        detail.starts_with("gRPC did not answer over TLS: "),
        "{detail}"
    );
    let tls = protocol_check(&c.transports, protocol_rows("tls").unwrap(), Chosen::Asked);
    assert_eq!(
        tls,
        Some((
            true,
            "TLS only: no application protocol checked (--protocol tls)".to_string()
        ))
    );
}

// ---- --strict and the TLS posture ------------------------------------------------------

fn report(c: &Case) -> TargetReport {
    TargetReport {
        target: "x:1".into(),
        transports: c.transports.clone(),
        summary: c.summary.clone(),
        differences: None,
        warnings: vec![],
        authz: None,
    }
}

#[test]
fn strict_fails_on_an_unreachable_target_and_an_untrusted_server() {
    let r = report(&case("unreachable_target--unreachable"));
    assert!(!r.strict_ok());
    assert!(r.strict_failures().iter().any(|f| f == "unreachable"));
    let mut r = report(&case(
        "untrusted_server_fails_strict--required--plaintext-closed",
    ));
    assert!(r.strict_ok(), "{:?}", r.strict_failures());
    for t in &mut r.transports {
        if t.server_auth == ServerAuth::Trusted {
            t.server_auth = ServerAuth::Untrusted;
        }
    }
    assert!(!r.strict_ok());
    assert!(r
        .strict_failures()
        .iter()
        .any(|f| f == "untrusted server certificate"));
}

#[test]
fn tls_posture_versions_and_expiry() {
    let c = case("tls_posture_versions_and_expiry--tls-1-3--1-2-and-1-0-accepted--1-1-refused");
    let rows = &c.transports;
    let tls = rows.iter().find(|r| r.transport == "tls").unwrap();
    assert_eq!(tls.tls_versions, ["TLSv1.3", "TLSv1.2", "TLSv1.0"]);
    assert_eq!(tls.cert_days_left, Some(364));
    let w = posture(rows, &Policy::default());
    assert_eq!(w, ["accepts TLSv1.0 (below --min-tls 1.2)"]);
    let w = posture(
        rows,
        &Policy {
            min_tls: 0x0301,
            warn_days: 400,
        },
    );
    assert_eq!(
        w,
        ["server certificate expires in 364 days (--warn-days 400)"]
    );
    let w = posture(
        rows,
        &Policy {
            min_tls: 0x0304,
            warn_days: 30,
        },
    );
    assert_eq!(w, ["accepts TLSv1.2, TLSv1.0 (below --min-tls 1.3)"]);
}

// ---- reading the wire ------------------------------------------------------------------

#[test]
fn http_refusals_are_read_from_the_status_never_from_the_text() {
    // Over TLS, a 400 is a refusal like 401/403/495/496: nginx answers a missing or bad
    // client certificate so, and the other identities' answers tell a refusal of the
    // certificate from a refusal of everybody. In plaintext, 497 is nginx's own status for
    // plaintext on a TLS port; a 400 is a refusal that claims nothing (no content).
    for (code, tls, want) in [
        (400, false, Denial::Refused),
        (497, false, Denial::TlsRequired),
        (400, true, Denial::Identity),
        (403, true, Denial::Identity),
        (401, false, Denial::Identity),
        (495, true, Denial::Identity),
        (496, true, Denial::Identity),
        (404, true, Denial::None),
        (421, true, Denial::None),
        (200, false, Denial::None),
    ] {
        assert_eq!(http_denial(code, tls), want, "{code} tls={tls}");
    }
}

#[test]
fn alerts_that_refuse_an_identity() {
    use rustls::AlertDescription as A;
    for (a, in_hs, requested, refused) in [
        (A::CertificateRequired, false, true, true),
        (A::UnknownCA, true, true, true),
        (A::CertificateRevoked, false, true, true),
        (A::BadCertificate, true, true, true),
        (A::AccessDenied, false, false, true),
        // OpenSSL's TLS 1.2 answer to a missing certificate, after a CertificateRequest.
        (A::HandshakeFailure, true, true, true),
        // Without a CertificateRequest it is about something else (no common cipher).
        (A::HandshakeFailure, true, false, false),
        (A::ProtocolVersion, true, false, false),
        (A::InternalError, false, true, false),
    ] {
        let f = alert_fate(a, in_hs, requested);
        assert_eq!(
            matches!(f, Fate::Refused(_)),
            refused,
            "{a:?} in_hs={in_hs} requested={requested}: {f:?}"
        );
    }
    assert_eq!(
        alert_fate(A::CertificateRevoked, false, true),
        Fate::Refused(Refusal::Alert("certificate_revoked".into()))
    );
}

#[test]
fn service_parsers_on_hostile_bytes() {
    // -NOAUTH is still Redis answering in plaintext.
    assert!(matches!(
        services::parse_redis(b"-NOAUTH Authentication required.\r\n"),
        Some(Fate::Answer(_))
    ));
    // Complete answers.
    let mut auth = vec![b'R', 0, 0, 0, 8, 0, 0, 0, 10];
    assert!(matches!(
        services::parse_pg(&auth, false),
        Some(Fate::Answer(_))
    ));
    auth.truncate(6);
    assert_eq!(services::parse_pg(&auth, false), None, "needs more bytes");
    // Served only on an authentication request or a ParameterStatus; a notice first is
    // read past; anything else first is no answer to the startup (not served, no refusal).
    let msg = |kind: u8, body: &[u8]| {
        let mut m = vec![kind];
        m.extend_from_slice(&((body.len() + 4) as u32).to_be_bytes());
        m.extend_from_slice(body);
        m
    };
    let status = msg(b'S', b"server_version\x0017\x00");
    assert!(matches!(
        services::parse_pg(&status, false),
        Some(Fate::Answer(a)) if a.denial == Denial::None
    ));
    let notice = msg(b'N', b"SNOTICE\x00Mhello\x00\x00");
    assert_eq!(
        services::parse_pg(&notice, false),
        None,
        "waits past a notice"
    );
    let mut then_auth = notice.clone();
    then_auth.extend(msg(b'R', &[0, 0, 0, 0]));
    assert!(matches!(
        services::parse_pg(&then_auth, false),
        Some(Fate::Answer(a)) if a.denial == Denial::None
    ));
    for kind in [b'K', b'v'] {
        assert!(matches!(
            services::parse_pg(&msg(kind, &[0, 0, 0, 0, 0, 0, 0, 0]), false),
            Some(Fate::Other(_))
        ));
    }
    // A 1 GiB length field is refused at once, not waited for.
    let huge = [b'E', 0x40, 0, 0, 0];
    assert!(matches!(
        services::parse_pg(&huge, false),
        Some(Fate::Other(_))
    ));
    assert!(matches!(
        services::parse_pg(b"HTTP/1.1 400", false),
        Some(Fate::Other(_))
    ));
    // An ErrorResponse before any authentication request is a refusal, whatever it says:
    // pgbouncer's `client_tls_sslmode = require` answers a plaintext startup with 08P01
    // "SSL required", PostgreSQL's pg_hba.conf with 28000; over TLS it refuses this client.
    let error = |code: &str, msg: &str| {
        let mut body = Vec::new();
        for (k, v) in [(b'S', "FATAL"), (b'C', code), (b'M', msg)] {
            body.push(k);
            body.extend_from_slice(v.as_bytes());
            body.push(0);
        }
        body.push(0);
        let mut m = vec![b'E'];
        m.extend_from_slice(&((body.len() + 4) as u32).to_be_bytes());
        m.extend_from_slice(&body);
        m
    };
    for msg in [
        "SSL required",
        "anything at all",
        "no pg_hba.conf entry, no encryption",
    ] {
        let plain = services::parse_pg(&error("08P01", msg), false);
        assert!(
            matches!(&plain, Some(Fate::Answer(a)) if a.denial == Denial::Refused && a.text.contains("08P01")),
            "{plain:?}"
        );
        let tls = services::parse_pg(&error("28000", msg), true);
        assert!(
            matches!(&tls, Some(Fate::Answer(a)) if a.denial == Denial::Identity),
            "{tls:?}"
        );
    }
    assert!(
        matches!(services::parse_mqtt(&[0x20, 2, 0, 5]), Some(Fate::Answer(a)) if a.denial == Denial::Identity)
    );
    assert!(matches!(
        services::parse_mqtt(&[0x20, 200, 0, 0]),
        Some(Fate::Other(_))
    ));
    assert!(matches!(
        services::parse_mqtt(b"-ERR"),
        Some(Fate::Other(_))
    ));
    assert_eq!(services::parse_redis(b"+PO"), None);
    assert!(matches!(
        services::parse_redis(&[0u8; 600]),
        Some(Fate::Other(_))
    ));
    assert!(matches!(
        services::parse_redis(b"\x15\x03\x03"),
        Some(Fate::Other(_))
    ));
    // NATS: the server's INFO says what follows; PONG is served, -ERR refuses (over TLS
    // this client), whatever its text; a banner or an HTTP answer is not NATS.
    use secctl::probe::services::{Greeting, GreetingTls};
    assert!(matches!(
        services::parse_nats_info(b"INFO {\"tls_required\":true}\r\n"),
        Some(Greeting::Said {
            tls: GreetingTls::Required,
            ..
        })
    ));
    assert_eq!(services::parse_nats_info(b"INF"), None);
    assert!(matches!(
        services::parse_nats_info(b"220 smtp ready\r\n"),
        Some(Greeting::Not(_))
    ));
    assert!(matches!(
        services::parse_nats_info(b"INFO not json\r\n"),
        Some(Greeting::Not(_))
    ));
    for msg in ["'Authorization Violation'", "'anything at all'"] {
        let line = format!("-ERR {msg}\r\n");
        assert!(
            matches!(services::parse_nats(line.as_bytes(), true), Some(Fate::Answer(a)) if a.denial == Denial::Identity)
        );
        assert!(
            matches!(services::parse_nats(line.as_bytes(), false), Some(Fate::Answer(a)) if a.denial == Denial::Refused)
        );
    }
    assert!(
        matches!(services::parse_nats(b"PONG\r\n", true), Some(Fate::Answer(a)) if a.denial == Denial::None)
    );
    assert!(matches!(
        services::parse_nats(b"HTTP/1.1 400 Bad Request\r\n", false),
        Some(Fate::Other(_))
    ));
    // The requests are well formed.
    let s = services::pg_startup();
    assert_eq!(
        u32::from_be_bytes([s[0], s[1], s[2], s[3]]) as usize,
        s.len()
    );
    let m = services::mqtt_connect();
    assert_eq!(m[1] as usize, m.len() - 2);
}
