//! The probe's verdicts as data: one row per case met in the field, observations in,
//! rows and summary out, no sockets (`secctl::probe::classify`). The real servers behind
//! these cases are exercised by tests/live.rs, tests/interop_nginx.rs and
//! tests/interop_servers.rs.

#![allow(clippy::cloned_ref_to_slice_refs)]

use secctl::probe::classify::classify;
use secctl::probe::exchange::{alert_fate, http_denial};
use secctl::probe::observation::*;
use secctl::probe::{GivenCert, Mtls, ServerAuth, Summary, TargetReport, Transport};

// ---- building observations -------------------------------------------------------------

fn hs(version: &str, requested: bool) -> Handshake {
    Handshake {
        version: Some(version.into()),
        cipher: Some("TLS13_AES_256_GCM_SHA384".into()),
        alpn: None,
        group: None,
        requested,
        server: ServerCert {
            trusted: Some(true),
            why: String::new(),
            days_left: Some(364),
        },
    }
}

/// A handshake the server let the client through (the evidence is set per version by
/// [`attempt`]).
const ADMITTED: Fate = Fate::Admitted(AdmittedBy::Ticket);

/// What the field shows after a completed handshake: a TLS 1.3 server's session ticket
/// after the client's certificate, the TLS 1.2 Finished.
fn evidence(f: &Fate, version: &str) -> Fate {
    match (f, version) {
        (Fate::Admitted(_), "TLSv1.2") => Fate::Admitted(AdmittedBy::Finished),
        (Fate::Admitted(_), _) => Fate::Admitted(AdmittedBy::Ticket),
        (f, _) => f.clone(),
    }
}

/// A handshake refused with `alert` (the server's certificate was seen).
fn refused_hs(requested: bool) -> Handshake {
    Handshake {
        version: None,
        cipher: None,
        alpn: None,
        ..hs("", requested)
    }
}

fn http(code: u16, denial: Denial) -> Fate {
    Fate::Answer(Answer {
        code,
        grpc: false,
        location: None,
        denial,
        text: format!("HTTP/1.1 {code}"),
    })
}

fn ok200() -> Fate {
    http(200, Denial::None)
}

fn grpc(code: u16) -> Fate {
    Fate::Answer(Answer {
        code,
        grpc: true,
        location: None,
        denial: if code == 16 || code == 7 {
            Denial::Identity
        } else {
            Denial::None
        },
        text: format!("grpc-status {code}"),
    })
}

fn redirect(code: u16) -> Fate {
    Fate::Answer(Answer {
        code,
        grpc: false,
        location: Some("https://node1:8443/".into()),
        denial: Denial::None,
        text: format!("HTTP/1.1 {code}"),
    })
}

fn refused(alert: &str) -> Fate {
    Fate::Refused(alert.into())
}

fn closed() -> Fate {
    Fate::Closed
}

/// What one identity saw: `tls` is the handshake attempt's end, `app` the end of every
/// request on every path (and of the gRPC call), `requested` whether a certificate was
/// asked for, `version` of the handshakes.
#[derive(Clone)]
struct Id {
    tls: Fate,
    app: Vec<Fate>,
    grpc: Fate,
    requested: bool,
    version: &'static str,
    idle: Option<Fate>,
    /// A TLS 1.3 server that sends nothing after the handshake (no session ticket): the
    /// `tls` attempt ends in no verdict.
    silent: bool,
}

fn id(tls: Fate, app: &[Fate], grpc: Fate, requested: bool) -> Id {
    Id {
        tls,
        app: app.to_vec(),
        grpc,
        requested,
        version: "TLSv1.3",
        idle: None,
        silent: false,
    }
}

fn attempt(f: &Fate, requested: bool, version: &str) -> Attempt {
    let hs = match f {
        Fate::Refused(_) | Fate::Unreachable(_) | Fate::NoTls(_) => {
            if matches!(f, Fate::Refused(_)) {
                refused_hs(requested)
            } else {
                Handshake::default()
            }
        }
        _ => hs(version, requested),
    };
    Attempt {
        hs,
        fate: evidence(f, version),
    }
}

fn obs_of(i: &Id) -> IdentityObs {
    let mut tls = attempt(&i.tls, i.requested, i.version);
    if i.silent && matches!(tls.fate, Fate::Admitted(_)) {
        tls.fate = Fate::NoVerdict;
    }
    IdentityObs {
        tls,
        https1: i
            .app
            .iter()
            .map(|f| attempt(f, i.requested, i.version))
            .collect(),
        h2: i
            .app
            .iter()
            .map(|f| attempt(f, i.requested, i.version))
            .collect(),
        grpcs: attempt(&i.grpc, i.requested, i.version),
        idle: i.idle.clone(),
    }
}

struct Case {
    paths: Vec<String>,
    plain: Fate,
    h2c: Fate,
    none: Id,
    throwaway: Id,
    given: Option<Id>,
    tls12: Option<Fate>,
    renegotiation: Vec<(usize, Fate)>,
    services: Vec<ServiceObs>,
    legacy: Vec<LegacyVersion>,
}

fn case(none: Id, throwaway: Id, given: Option<Id>) -> Case {
    Case {
        paths: vec!["/".into()],
        plain: http(400, Denial::TlsRequired),
        h2c: Fate::Other("answered HTTP/1.1 to the HTTP/2 preface".into()),
        none,
        throwaway,
        given,
        tls12: None,
        renegotiation: vec![],
        services: vec![],
        legacy: vec![],
    }
}

impl Case {
    fn run(&self) -> (Vec<Transport>, Summary) {
        let o = Observations {
            paths: self.paths.clone(),
            http1: vec![self.plain.clone(); self.paths.len()],
            h2c: vec![self.h2c.clone(); self.paths.len()],
            grpc: self.h2c.clone(),
            none: obs_of(&self.none),
            throwaway: obs_of(&self.throwaway),
            given: self.given.as_ref().map(obs_of),
            tls12: self
                .tls12
                .as_ref()
                .map(|f| attempt(f, self.none.requested, "TLSv1.2")),
            renegotiation: self
                .renegotiation
                .iter()
                .map(|(k, f)| (*k, attempt(f, false, "TLSv1.2")))
                .collect(),
            services: self.services.clone(),
            legacy: self.legacy.clone(),
        };
        LAST.with(|l| *l.borrow_mut() = Some(o.clone()));
        classify(&o)
    }
}

thread_local! {
    /// The observations of the case this test thread ran last (for [`dump`]).
    static LAST: std::cell::RefCell<Option<Observations>> = const { std::cell::RefCell::new(None) };
}

/// With PROBE_CASES_DUMP=DIR, write the case last run as a data file of the table.
fn dump(name: &str) {
    let Ok(dir) = std::env::var("PROBE_CASES_DUMP") else {
        return;
    };
    let Some(o) = LAST.with(|l| l.borrow().clone()) else {
        return;
    };
    let test = std::thread::current()
        .name()
        .unwrap_or("case")
        .rsplit("::")
        .next()
        .unwrap_or("case")
        .to_string();
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let c = secctl::probe::case::Case::new(name, &test, o);
    let text = serde_json::to_string_pretty(&c).unwrap() + "\n";
    std::fs::write(format!("{dir}/{test}--{slug}.json"), text).unwrap();
}

// ---- checking rows ---------------------------------------------------------------------

#[derive(Debug)]
struct Want {
    transport: &'static str,
    served: bool,
    client_auth: &'static str,
    untrusted: bool,
    /// Prefix of given_cert; None for null.
    given: Option<&'static str>,
}

fn w(
    transport: &'static str,
    served: bool,
    client_auth: &'static str,
    untrusted: bool,
    given: Option<&'static str>,
) -> Want {
    Want {
        transport,
        served,
        client_auth,
        untrusted,
        given,
    }
}

fn check(name: &str, rows: &[Transport], summary: &Summary, wants: &[Want], enc: &str, mtls: &str) {
    dump(name);
    for want in wants {
        let r = rows
            .iter()
            .find(|r| r.transport == want.transport)
            .unwrap_or_else(|| panic!("{name}: no row {}", want.transport));
        let ctx = format!("{name}: row {} = {r:?}", want.transport);
        assert_eq!(r.served, want.served, "served; {ctx}");
        assert_eq!(
            r.client_auth.as_str(),
            want.client_auth,
            "client_auth; {ctx}"
        );
        assert_eq!(
            r.untrusted_client_accepted, want.untrusted,
            "untrusted; {ctx}"
        );
        match want.given {
            None => assert_eq!(r.given_cert, None, "given_cert; {ctx}"),
            Some(p) => assert!(
                r.given_cert
                    .as_ref()
                    .is_some_and(|g| g.to_string().starts_with(p)),
                "given_cert should start with {p:?}; {ctx}"
            ),
        }
        let tls = !["http1", "h2c", "grpc", "postgres", "redis", "mqtt"].contains(&want.transport);
        assert_eq!(
            r.encrypted,
            if r.served { Some(tls) } else { None },
            "encrypted; {ctx}"
        );
        assert!(!r.detail.contains("os error"), "raw OS error; {ctx}");
    }
    assert_eq!(
        summary.encrypted.as_str(),
        enc,
        "{name}: summary {summary:?}"
    );
    assert_eq!(summary.mtls.as_str(), mtls, "{name}: summary {summary:?}");
}

// ---- the table -------------------------------------------------------------------------

const NOT_GRPC: fn() -> Fate = || Fate::Other("not gRPC (HTTP/2 200 without grpc-status)".into());

#[test]
fn handshake_required_without_cert_is_required_not_none() {
    // etcd, grpcio, apache/haproxy/caddy `require`, `secctl serve --client-auth required`,
    // no --cert: the app rows are not reached, but mTLS is enforced (issue: "mtls none").
    let n = id(
        refused("certificate_required"),
        &[refused("certificate_required")],
        refused("certificate_required"),
        true,
    );
    let t = id(
        refused("unknown_ca"),
        &[refused("unknown_ca")],
        refused("unknown_ca"),
        true,
    );
    let (rows, s) = case(n, t, None).run();
    check(
        "required/no cert",
        &rows,
        &s,
        &[
            w("tls", true, "required", false, None),
            w("https1", false, "required", false, None),
            w("h2", false, "required", false, None),
            w("grpcs", false, "required", false, None),
            w("http1", false, "none", false, None),
        ],
        "all",
        "enforced",
    );
}

#[test]
fn required_with_valid_revoked_and_foreign_certs() {
    let n = id(
        refused("certificate_required"),
        &[refused("certificate_required")],
        refused("certificate_required"),
        true,
    );
    let t = id(
        refused("unknown_ca"),
        &[refused("unknown_ca")],
        refused("unknown_ca"),
        true,
    );
    let valid = id(ADMITTED, &[ok200()], grpc(0), true);
    let (rows, s) = case(n.clone(), t.clone(), Some(valid)).run();
    check(
        "required/valid",
        &rows,
        &s,
        &[
            w("tls", true, "required", false, Some("accepted")),
            w("https1", true, "required", false, Some("accepted")),
            w("h2", true, "required", false, Some("accepted")),
            w("grpcs", true, "required", false, Some("accepted")),
        ],
        "all",
        "enforced",
    );
    // A revoked certificate refused by TLS 1.3 after the handshake (apache, haproxy with
    // crl-file): "refused", never "accepted (received fatal alert)".
    let revoked = id(
        refused("certificate_revoked"),
        &[refused("certificate_revoked")],
        refused("certificate_revoked"),
        true,
    );
    let (rows, s) = case(n.clone(), t.clone(), Some(revoked)).run();
    check(
        "required/revoked",
        &rows,
        &s,
        &[
            w(
                "tls",
                true,
                "required",
                false,
                Some("refused: alert certificate_revoked"),
            ),
            w(
                "https1",
                false,
                "required",
                false,
                Some("refused: alert certificate_revoked"),
            ),
        ],
        "all",
        "enforced",
    );
    // From another CA (the new CA during a roll): refused, and still mTLS enforced.
    let foreign = id(
        refused("unknown_ca"),
        &[refused("unknown_ca")],
        refused("unknown_ca"),
        true,
    );
    let (rows, s) = case(n, t, Some(foreign)).run();
    check(
        "required/foreign",
        &rows,
        &s,
        &[w(
            "h2",
            false,
            "required",
            false,
            Some("refused: alert unknown_ca"),
        )],
        "all",
        "enforced",
    );
}

#[test]
fn any_certificate_admitted_is_unverified_never_enforced() {
    // haproxy `verify required ca-ignore-err all crt-ignore-err all`.
    let n = id(
        refused("certificate_required"),
        &[refused("certificate_required")],
        NOT_GRPC(),
        true,
    );
    let t = id(ADMITTED, &[ok200()], NOT_GRPC(), true);
    let (rows, s) = case(n, t, None).run();
    check(
        "ca-ignore-err",
        &rows,
        &s,
        &[
            w("tls", true, "required", true, None),
            w("https1", true, "required", true, None),
            w("grpcs", false, "none", false, None),
        ],
        "all",
        "unverified",
    );
    let tls = rows.iter().find(|r| r.transport == "tls").unwrap();
    assert!(
        tls.detail.contains("unknown CA is let in"),
        "{}",
        tls.detail
    );
}

#[test]
fn denied_with_and_without_certificate_is_not_per_request() {
    // apache `Require all denied`, no certificate ever requested.
    let n = id(ADMITTED, &[http(403, Denial::Identity)], NOT_GRPC(), false);
    let t = n.clone();
    let g = n.clone();
    let (rows, s) = case(n, t, Some(g)).run();
    check(
        "require all denied",
        &rows,
        &s,
        &[
            w("tls", true, "none", false, Some("accepted")),
            w("https1", true, "none", false, Some("refused: HTTP/1.1 403")),
        ],
        "all",
        "none",
    );
    let h1 = rows.iter().find(|r| r.transport == "https1").unwrap();
    assert!(
        h1.detail.contains("not by client certificate"),
        "{}",
        h1.detail
    );
}

#[test]
fn nginx_verify_on_is_per_request_and_enforced() {
    // nginx `ssl_verify_client on`: the handshake admits everybody (tls row optional),
    // HTTP 400 "No required SSL certificate was sent" without a valid certificate.
    let deny = http(400, Denial::Identity);
    let n = id(ADMITTED, &[deny.clone()], deny.clone(), true);
    let t = n.clone();
    let (rows, s) = case(n.clone(), t.clone(), None).run();
    check(
        "nginx on/no cert",
        &rows,
        &s,
        &[
            w("tls", true, "optional", false, None),
            w("https1", true, "per-request", false, None),
            w("h2", true, "per-request", false, None),
        ],
        "all",
        "enforced",
    );
    let valid = id(ADMITTED, &[ok200()], NOT_GRPC(), true);
    let (rows, s) = case(n.clone(), t.clone(), Some(valid)).run();
    check(
        "nginx on/valid",
        &rows,
        &s,
        &[w("https1", true, "per-request", false, Some("accepted"))],
        "all",
        "enforced",
    );
    // nginx answering 400 to a revoked certificate: refused, not "accepted (HTTP/2 400)".
    let revoked = id(ADMITTED, &[deny.clone()], deny, true);
    let (rows, s) = case(n, t, Some(revoked)).run();
    check(
        "nginx on/revoked",
        &rows,
        &s,
        &[
            w("tls", true, "optional", false, Some("accepted")),
            w(
                "https1",
                true,
                "per-request",
                false,
                Some("refused: HTTP/1.1 400"),
            ),
        ],
        "all",
        "enforced",
    );
}

#[test]
fn optional_and_optional_no_ca() {
    // Requested, verified if given (throwaway refused): optional.
    let n = id(ADMITTED, &[ok200()], grpc(0), true);
    let t = id(
        refused("unknown_ca"),
        &[refused("unknown_ca")],
        refused("unknown_ca"),
        true,
    );
    let (rows, s) = case(n.clone(), t, None).run();
    check(
        "optional",
        &rows,
        &s,
        &[
            w("tls", true, "optional", false, None),
            w("https1", true, "optional", false, None),
            w("grpcs", true, "optional", false, None),
        ],
        "all",
        "optional",
    );
    // nginx optional_no_ca: requested, everybody admitted: optional, not "unverified"
    // (nothing is demanded).
    let (rows, s) = case(n.clone(), n, None).run();
    check(
        "optional_no_ca",
        &rows,
        &s,
        &[w("https1", true, "optional", false, None)],
        "all",
        "optional",
    );
}

#[test]
fn no_client_auth() {
    let n = id(ADMITTED, &[ok200()], grpc(0), false);
    let (rows, s) = case(n.clone(), n.clone(), Some(n)).run();
    check(
        "none",
        &rows,
        &s,
        &[
            w("tls", true, "none", false, Some("accepted")),
            w("h2", true, "none", false, Some("accepted")),
        ],
        "all",
        "none",
    );
}

#[test]
fn grpc_per_request() {
    // A gRPC server checking the peer per RPC: UNAUTHENTICATED without a valid certificate.
    let n = id(ADMITTED, &[ok200()], grpc(16), true);
    let t = n.clone();
    let g = id(ADMITTED, &[ok200()], grpc(0), true);
    let (rows, s) = case(n, t, Some(g)).run();
    check(
        "grpc per request",
        &rows,
        &s,
        &[
            w("grpcs", true, "per-request", false, Some("accepted")),
            w("https1", true, "optional", false, Some("accepted")),
        ],
        "all",
        "partial",
    );
}

#[test]
fn tls_required_error_pages_are_refusals_not_plaintext() {
    // nginx/apache/Go answering plaintext on a TLS port: not content.
    let n = id(ADMITTED, &[ok200()], NOT_GRPC(), false);
    let mut c = case(n.clone(), n, None);
    c.plain = http(400, Denial::TlsRequired);
    let (rows, s) = c.run();
    check(
        "tls required page",
        &rows,
        &s,
        &[w("http1", false, "none", false, None)],
        "all",
        "none",
    );
    let h1 = rows.iter().find(|r| r.transport == "http1").unwrap();
    assert!(
        h1.detail.starts_with("refused: TLS required"),
        "{}",
        h1.detail
    );
    for (code, body, tls, want) in [
        (
            400,
            "<center>The plain HTTP request was sent to HTTPS port</center>",
            false,
            Denial::TlsRequired,
        ),
        (
            400,
            "You're speaking plain HTTP to an SSL-enabled server port.",
            false,
            Denial::TlsRequired,
        ),
        (
            400,
            "Client sent an HTTP request to an HTTPS server.\n",
            false,
            Denial::TlsRequired,
        ),
        (400, "Bad Request", false, Denial::None),
        (
            400,
            "<center>No required SSL certificate was sent</center>",
            true,
            Denial::Identity,
        ),
        (
            400,
            "<center>The SSL certificate error</center>",
            true,
            Denial::Identity,
        ),
        (400, "Bad Request", true, Denial::None),
        (403, "", true, Denial::Identity),
        (401, "", false, Denial::Identity),
        (495, "", true, Denial::Identity),
        (404, "not found", true, Denial::None),
        (421, "Misdirected Request", true, Denial::None),
    ] {
        assert_eq!(
            http_denial(code, body, tls),
            want,
            "{code} {body:?} tls={tls}"
        );
    }
}

#[test]
fn plaintext_redirects_on_http1_and_h2c() {
    // haproxy single-port split: 308 to https on http1 and h2c.
    let n = id(
        refused("certificate_required"),
        &[refused("certificate_required")],
        refused("certificate_required"),
        true,
    );
    let t = id(
        refused("unknown_ca"),
        &[refused("unknown_ca")],
        refused("unknown_ca"),
        true,
    );
    let mut c = case(n, t, None);
    c.plain = redirect(308);
    c.h2c = redirect(308);
    let (rows, s) = c.run();
    check(
        "split",
        &rows,
        &s,
        &[
            w("http1", true, "none", false, None),
            w("h2c", true, "none", false, None),
        ],
        "all",
        "enforced",
    );
    for n in ["http1", "h2c"] {
        let r = rows.iter().find(|r| r.transport == n).unwrap();
        assert_eq!(r.redirect.as_deref(), Some("https://node1:8443/"));
        assert_eq!(r.encrypted, Some(false));
    }
}

#[test]
fn plaintext_content_beside_enforced_tls_is_partial() {
    let n = id(
        refused("certificate_required"),
        &[refused("certificate_required")],
        refused("certificate_required"),
        true,
    );
    let t = n.clone();
    let mut c = case(n, t, None);
    c.plain = ok200();
    let (rows, s) = c.run();
    check(
        "plaintext too",
        &rows,
        &s,
        &[w("http1", true, "none", false, None)],
        "partial",
        "partial",
    );
}

#[test]
fn non_http_tls_services() {
    // mosquitto / redis with a required certificate: TLS row required, no HTTP invented;
    // with a valid certificate the service closes on the HTTP request: not served, and
    // not a refusal of the certificate.
    let n = id(
        refused("certificate_required"),
        &[refused("certificate_required")],
        refused("certificate_required"),
        true,
    );
    let t = id(
        refused("unknown_ca"),
        &[refused("unknown_ca")],
        refused("unknown_ca"),
        true,
    );
    let g = id(
        ADMITTED,
        &[closed()],
        Fate::Other("HTTP/2 not offered (ALPN none)".into()),
        true,
    );
    let mut c = case(n, t, Some(g));
    c.plain = Fate::Other("not HTTP (first bytes \"\\x20\\x02\")".into());
    let (rows, s) = c.run();
    let tls = rows.iter().find(|r| r.transport == "tls").unwrap();
    assert!(
        tls.detail.contains("application protocol not HTTP"),
        "{}",
        tls.detail
    );
    check(
        "mosquitto required/valid",
        &rows,
        &s,
        &[
            w("tls", true, "required", false, Some("accepted")),
            w("https1", false, "required", false, None),
            w("http1", false, "none", false, None),
        ],
        "all",
        "enforced",
    );
    // Without client authentication: the tls row alone, mtls none.
    let n = id(
        ADMITTED,
        &[closed()],
        Fate::Other("HTTP/2 not offered (ALPN none)".into()),
        false,
    );
    let mut c = case(n.clone(), n.clone(), Some(n));
    c.plain = closed();
    let (rows, s) = c.run();
    check(
        "redis no client auth",
        &rows,
        &s,
        &[
            w("tls", true, "none", false, Some("accepted")),
            w("https1", false, "none", false, None),
            w("h2", false, "none", false, None),
        ],
        "all",
        "none",
    );
    // tls-auth-clients optional.
    let n = id(ADMITTED, &[closed()], closed(), true);
    let t = id(
        refused("unknown_ca"),
        &[refused("unknown_ca")],
        refused("unknown_ca"),
        true,
    );
    let (rows, s) = case(n, t, None).run();
    check(
        "redis optional",
        &rows,
        &s,
        &[w("tls", true, "optional", false, None)],
        "all",
        "optional",
    );
}

#[test]
fn tls13_silence_after_the_handshake_is_no_verdict() {
    // A TLS 1.3 service that sends no session ticket (PostgreSQL's OpenSSL setup, servers
    // with tickets off) and speaks no protocol secctl knows: the client's certificate comes
    // after the server's Finished, so a completed handshake followed by silence says
    // nothing about it. Neither "accepted" for the given certificate nor "an unknown CA is
    // let in" for the throwaway one may be derived from it.
    let n = id(
        refused("certificate_required"),
        &[refused("certificate_required")],
        refused("certificate_required"),
        true,
    );
    let silent = |mut i: Id| {
        i.silent = true;
        i
    };
    let t = silent(id(ADMITTED, &[closed()], closed(), true));
    let g = silent(id(ADMITTED, &[closed()], closed(), true));
    let mut c = case(n.clone(), t, Some(g));
    c.plain = closed();
    let (rows, s) = c.run();
    check(
        "tls13 silent server",
        &rows,
        &s,
        &[w(
            "tls",
            true,
            "required",
            false,
            Some("not checked: no verdict"),
        )],
        "all",
        "enforced",
    );
    let tls = rows.iter().find(|r| r.transport == "tls").unwrap();
    assert!(
        tls.detail.contains("throwaway: admitted (no verdict"),
        "{}",
        tls.detail
    );
    // The same server, seen sending a session ticket after each certificate: admission
    // is evidence, the unknown CA's certificate is let in.
    let t = id(ADMITTED, &[closed()], closed(), true);
    let g = id(ADMITTED, &[closed()], closed(), true);
    let mut c = case(n.clone(), t, Some(g));
    c.plain = closed();
    let (rows, s) = c.run();
    check(
        "tls13 ticket",
        &rows,
        &s,
        &[w("tls", true, "required", true, Some("accepted"))],
        "all",
        "unverified",
    );
}

#[test]
fn per_location_renegotiation_tls12() {
    // apache per-<Location> SSLVerifyClient require over TLS 1.2: / is open, /secure makes
    // the server renegotiate, which rustls cannot answer: per-request, named, not "not served".
    let mut n = id(ADMITTED, &[ok200(), Fate::Renegotiation], NOT_GRPC(), false);
    n.version = "TLSv1.2";
    let t = n.clone();
    let g = n.clone();
    let mut c = case(n, t, Some(g));
    c.paths = vec!["/".into(), "/secure".into()];
    c.tls12 = Some(ADMITTED);
    let (rows, s) = c.run();
    check(
        "renegotiation",
        &rows,
        &s,
        &[w("https1", true, "per-request", false, Some("not checked"))],
        "all",
        "partial",
    );
    let h1 = rows.iter().find(|r| r.transport == "https1").unwrap();
    assert_eq!(h1.open_paths, vec!["/".to_string()]);
    assert!(h1.detail.contains("renegotiation"), "{}", h1.detail);
}

#[test]
fn per_location_post_handshake_auth_tls13() {
    // The same over TLS 1.3: apache answers 403 (rustls offers no post-handshake auth);
    // the TLS 1.2 retry of /secure shows the renegotiation: per-request, mechanism named.
    let n = id(
        ADMITTED,
        &[ok200(), http(403, Denial::Identity)],
        NOT_GRPC(),
        false,
    );
    let t = n.clone();
    let g = n.clone();
    let mut c = case(n, t, Some(g));
    c.paths = vec!["/".into(), "/secure".into()];
    c.tls12 = Some(ADMITTED);
    c.renegotiation = vec![(1, Fate::Renegotiation)];
    let (rows, s) = c.run();
    check(
        "post-handshake",
        &rows,
        &s,
        &[w("https1", true, "per-request", false, Some("not checked"))],
        "all",
        "partial",
    );
    let h1 = rows.iter().find(|r| r.transport == "https1").unwrap();
    assert!(h1.detail.contains("post-handshake"), "{}", h1.detail);
    // Only /secure probed: enforced.
    let n = id(ADMITTED, &[http(403, Denial::Identity)], NOT_GRPC(), false);
    let mut c = case(n.clone(), n, None);
    c.paths = vec!["/secure".into()];
    c.renegotiation = vec![(0, Fate::Renegotiation)];
    let (_, s) = c.run();
    dump("apache per-location require over TLS 1.3, only /secure probed");
    assert_eq!(s.mtls, Mtls::Enforced);
}

#[test]
fn refusal_by_close_when_a_certificate_answers() {
    // No alert, a close without a certificate, an answer with one: required, named.
    let n = id(ADMITTED, &[closed()], closed(), true);
    let t = n.clone();
    let g = id(ADMITTED, &[ok200()], NOT_GRPC(), true);
    let (rows, s) = case(n, t, Some(g)).run();
    check(
        "close",
        &rows,
        &s,
        &[w("https1", true, "required", false, Some("accepted"))],
        "all",
        "enforced",
    );
}

#[test]
fn unreachable_target() {
    let u = Fate::Unreachable("connection refused".into());
    let n = id(u.clone(), &[u.clone()], u.clone(), false);
    let mut c = case(n.clone(), n, None);
    c.plain = u.clone();
    c.h2c = u;
    let (rows, s) = c.run();
    check(
        "unreachable",
        &rows,
        &s,
        &[w("tls", false, "none", false, None)],
        "unreachable",
        "none",
    );
    let report = TargetReport {
        target: "127.0.0.1:1".into(),
        transports: rows,
        summary: s,
        differences: None,
        warnings: vec![],
    };
    assert!(!report.strict_ok());
    assert!(report.strict_failures().iter().any(|f| f == "unreachable"));
}

#[test]
fn untrusted_server_fails_strict() {
    let n = id(
        refused("certificate_required"),
        &[refused("certificate_required")],
        refused("certificate_required"),
        true,
    );
    let mut o = case(n.clone(), n, None);
    o.plain = closed();
    let (mut rows, s) = o.run();
    dump("required, plaintext closed");
    assert_eq!(s.mtls, Mtls::Enforced);
    let report = TargetReport {
        target: "x:1".into(),
        transports: rows.clone(),
        summary: s.clone(),
        differences: None,
        warnings: vec![],
    };
    assert!(report.strict_ok());
    for r in &mut rows {
        if r.server_auth == ServerAuth::Trusted {
            r.server_auth = ServerAuth::Untrusted;
        }
    }
    let report = TargetReport {
        target: "x:1".into(),
        transports: rows,
        summary: s,
        differences: None,
        warnings: vec![],
    };
    assert!(!report.strict_ok());
}

#[test]
fn server_identity_is_kept_after_a_refusal() {
    // TLS 1.2 refusal for lack of a certificate: the chain was presented first, so
    // server_auth is "trusted", not "none".
    let mut n = id(
        refused("handshake_failure"),
        &[refused("handshake_failure")],
        refused("handshake_failure"),
        true,
    );
    n.version = "TLSv1.2";
    let (rows, _) = case(n.clone(), n, None).run();
    dump("tls 1.2 refusal without a certificate, server chain seen first");
    for name in ["tls", "https1", "h2", "grpcs"] {
        let r = rows.iter().find(|r| r.transport == name).unwrap();
        assert_eq!(r.server_auth, ServerAuth::Trusted, "{r:?}");
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
        Fate::Refused("certificate_revoked".into())
    );
}

// ---- the cluster services (PostgreSQL, Redis, MQTT) ------------------------------------

use secctl::probe::services::{self, Service};

fn svc(
    service: Service,
    plain: Result<Fate, &str>,
    tls: Result<(Fate, Fate, Option<Fate>), &str>,
) -> ServiceObs {
    ServiceObs {
        service,
        plain: plain.map_err(|s| s.to_string()),
        tls: tls
            .map(|(n, t, g)| {
                (
                    attempt(&n, true, "TLSv1.3"),
                    attempt(&t, true, "TLSv1.3"),
                    g.map(|g| attempt(&g, true, "TLSv1.3")),
                )
            })
            .map_err(|s| s.to_string()),
        direct: None,
        tls_direct: false,
    }
}

fn pg_answer(text: &str, denial: Denial) -> Fate {
    Fate::Answer(Answer {
        code: 0,
        grpc: false,
        location: None,
        denial,
        text: text.into(),
    })
}

/// A port that speaks no HTTP and no direct TLS (PostgreSQL, plaintext Redis, MQTT).
fn quiet_port() -> Case {
    let n = id(
        Fate::NoTls("not TLS".into()),
        &[Fate::NoTls("not TLS".into())],
        Fate::NoTls("not TLS".into()),
        false,
    );
    let mut c = case(n.clone(), n.clone(), Some(n));
    c.plain = closed();
    c.h2c = closed();
    c
}

#[test]
fn postgres_hostssl_clientcert_verify_ca() {
    // pg_hba: `hostssl all all 127.0.0.1/32 trust clientcert=verify-ca`, `host ... reject`.
    let mut c = quiet_port();
    c.services = vec![
        svc(
            Service::Postgres,
            Ok(pg_answer(
                "PostgreSQL error 28000: no pg_hba.conf entry for host \"127.0.0.1\", user \"secctl_probe\", database \"secctl_probe\", no encryption",
                Denial::TlsRequired,
            )),
            Ok((
                pg_answer("PostgreSQL error 28000: connection requires a valid client certificate", Denial::Identity),
                refused("unknown_ca"),
                Some(pg_answer("PostgreSQL: authentication ok", Denial::None)),
            )),
        ),
        svc(Service::Redis, Ok(closed()), Err("not tried: no TLS on this port")),
        svc(Service::Mqtt, Ok(closed()), Err("not tried: no TLS on this port")),
    ];
    let (rows, s) = c.run();
    check(
        "postgres verify-ca",
        &rows,
        &s,
        &[
            w("postgres", false, "none", false, None),
            w("postgres-tls", true, "per-request", false, Some("accepted")),
            w("tls", false, "none", false, None),
        ],
        "all",
        "enforced",
    );
    // The same server accepting plaintext too: plaintext database content.
    let mut c = quiet_port();
    c.services = vec![
        svc(
            Service::Postgres,
            Ok(pg_answer(
                "PostgreSQL: SASL (SCRAM) requested",
                Denial::None,
            )),
            Ok((
                pg_answer("PostgreSQL: SASL (SCRAM) requested", Denial::None),
                refused("unknown_ca"),
                None,
            )),
        ),
        svc(Service::Redis, Ok(closed()), Err("not tried")),
        svc(Service::Mqtt, Ok(closed()), Err("not tried")),
    ];
    let (rows, s) = c.run();
    check(
        "postgres plaintext too",
        &rows,
        &s,
        &[
            w("postgres", true, "none", false, None),
            w("postgres-tls", true, "optional", false, None),
        ],
        "partial",
        "optional",
    );
}

/// The `postgres-tls` row of `c`, run.
fn pg_row(name: &str, c: &Case) -> Transport {
    let (rows, _) = c.run();
    dump(name);
    rows.into_iter()
        .find(|r| r.transport == "postgres-tls")
        .unwrap()
}

#[test]
fn postgres_direct_tls() {
    let verify_ca = || {
        svc(
            Service::Postgres,
            Ok(pg_answer(
                "PostgreSQL error 28000: no pg_hba.conf entry for host \"127.0.0.1\", user \"secctl_probe\", database \"secctl_probe\", no encryption",
                Denial::TlsRequired,
            )),
            Ok((
                pg_answer("PostgreSQL error 28000: connection requires a valid client certificate", Denial::Identity),
                refused("unknown_ca"),
                None,
            )),
        )
    };
    // PostgreSQL 17: the SSLRequest path and direct TLS with ALPN postgresql both work.
    let mut c = quiet_port();
    // The `tls` handshake (ALPN h2, http/1.1) is refused: no_application_protocol.
    let alpn = id(
        Fate::NoTls("no common application protocol (ALPN)".into()),
        &[Fate::NoTls("no common application protocol (ALPN)".into())],
        Fate::NoTls("no common application protocol (ALPN)".into()),
        false,
    );
    c.none = alpn.clone();
    c.throwaway = alpn;
    let mut pg = verify_ca();
    pg.direct = Some(attempt(
        &pg_answer(
            "PostgreSQL error 28000: connection requires a valid client certificate",
            Denial::Identity,
        ),
        true,
        "TLSv1.3",
    ));
    c.services = vec![
        pg,
        svc(Service::Redis, Ok(closed()), Err("not tried")),
        svc(Service::Mqtt, Ok(closed()), Err("not tried")),
    ];
    let r = pg_row(
        "postgres 17: SSLRequest and direct TLS (ALPN postgresql)",
        &c,
    );
    assert_eq!(r.direct_tls, Some(true), "{r:?}");
    assert!(r.detail.ends_with("; direct TLS (ALPN postgresql) spoken: none refused: PostgreSQL error 28000: connection requires a valid client certificate"), "{}", r.detail);
    assert_eq!((r.served, r.client_auth.as_str()), (true, "per-request"));
    // PostgreSQL 15/16: a direct ClientHello is not a startup packet; the server closes.
    let mut c = quiet_port();
    let mut pg = verify_ca();
    pg.direct = Some(Attempt::bare(Fate::NoTls(
        "closed during the TLS handshake".into(),
    )));
    c.services = vec![
        pg,
        svc(Service::Redis, Ok(closed()), Err("not tried")),
        svc(Service::Mqtt, Ok(closed()), Err("not tried")),
    ];
    let r = pg_row("postgres 15/16: no direct TLS", &c);
    assert_eq!(r.direct_tls, Some(false), "{r:?}");
    assert!(
        r.detail.ends_with(
            "; direct TLS (ALPN postgresql) not spoken: none closed during the TLS handshake"
        ),
        "{}",
        r.detail
    );
    // A port that speaks only direct TLS (a TLS-terminating proxy with ALPN postgresql,
    // requiring a certificate): the rows come from direct TLS.
    let mut c = quiet_port();
    c.services = vec![
        ServiceObs {
            tls_direct: true,
            ..svc(
                Service::Postgres,
                Ok(closed()),
                Ok((refused("certificate_required"), refused("unknown_ca"), None)),
            )
        },
        svc(Service::Redis, Ok(closed()), Err("not tried")),
        svc(Service::Mqtt, Ok(closed()), Err("not tried")),
    ];
    let r = pg_row("postgres: a port that speaks only direct TLS", &c);
    assert_eq!(r.direct_tls, Some(true), "{r:?}");
    assert_eq!(r.client_auth.as_str(), "required", "{r:?}");
    assert!(
        r.detail.starts_with("direct TLS (ALPN postgresql): "),
        "{}",
        r.detail
    );
    // Not tried: no field.
    let mut c = quiet_port();
    c.services = vec![
        svc(
            Service::Postgres,
            Ok(closed()),
            Err("not tried: the port does not speak PostgreSQL"),
        ),
        svc(Service::Redis, Ok(closed()), Err("not tried")),
        svc(Service::Mqtt, Ok(closed()), Err("not tried")),
    ];
    assert_eq!(pg_row("postgres: not spoken", &c).direct_tls, None);
}

#[test]
fn redis_and_mqtt() {
    // Plaintext Redis: content, no TLS.
    let mut c = quiet_port();
    c.services = vec![
        svc(
            Service::Postgres,
            Err("not tried: the port speaks Redis"),
            Err("not tried"),
        ),
        svc(
            Service::Redis,
            Ok(pg_answer("Redis: +PONG", Denial::None)),
            Err("not tried"),
        ),
        svc(
            Service::Mqtt,
            Err("not tried: the port speaks Redis"),
            Err("not tried"),
        ),
    ];
    let (rows, s) = c.run();
    check(
        "redis plain",
        &rows,
        &s,
        &[w("redis", true, "none", false, None)],
        "none",
        "none",
    );
    // -NOAUTH is still Redis answering in plaintext.
    assert!(matches!(
        services::parse_redis(b"-NOAUTH Authentication required.\r\n"),
        Some(Fate::Answer(_))
    ));
    // mosquitto `require_certificate true`: mqtt-tls required, the revoked one refused.
    let n = id(refused("certificate_required"), &[closed()], closed(), true);
    let mut c = case(n.clone(), n, None);
    c.plain = closed();
    c.services = vec![
        svc(
            Service::Postgres,
            Err("not tried: the port speaks TLS"),
            Err("not tried"),
        ),
        svc(
            Service::Redis,
            Err("not tried: the port speaks TLS"),
            Ok((
                refused("certificate_required"),
                refused("unknown_ca"),
                Some(refused("certificate_revoked")),
            )),
        ),
        svc(
            Service::Mqtt,
            Err("not tried: the port speaks TLS"),
            Ok((
                refused("certificate_required"),
                refused("unknown_ca"),
                Some(refused("certificate_revoked")),
            )),
        ),
    ];
    let (rows, s) = c.run();
    check(
        "mosquitto revoked",
        &rows,
        &s,
        &[w(
            "mqtt-tls",
            false,
            "required",
            false,
            Some("refused: alert certificate_revoked"),
        )],
        "all",
        "enforced",
    );
    // A broker that lets the throwaway in (no CA check): unverified.
    let n = id(refused("certificate_required"), &[closed()], closed(), true);
    let mut c = case(n.clone(), n, None);
    c.plain = closed();
    c.services = vec![
        svc(Service::Postgres, Err("not tried"), Err("not tried")),
        svc(
            Service::Redis,
            Err("not tried"),
            Ok((refused("certificate_required"), closed(), None)),
        ),
        svc(
            Service::Mqtt,
            Err("not tried"),
            Ok((
                refused("certificate_required"),
                pg_answer("MQTT CONNACK 0 (connection accepted)", Denial::None),
                None,
            )),
        ),
    ];
    let (rows, s) = c.run();
    check(
        "mqtt any ca",
        &rows,
        &s,
        &[w("mqtt-tls", true, "required", true, None)],
        "all",
        "unverified",
    );
}

#[test]
fn service_parsers_on_hostile_bytes() {
    // Complete answers.
    let mut auth = vec![b'R', 0, 0, 0, 8, 0, 0, 0, 10];
    assert!(matches!(
        services::parse_pg(&auth, false),
        Some(Fate::Answer(_))
    ));
    auth.truncate(6);
    assert_eq!(services::parse_pg(&auth, false), None, "needs more bytes");
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
    // The requests are well formed.
    let s = services::pg_startup();
    assert_eq!(
        u32::from_be_bytes([s[0], s[1], s[2], s[3]]) as usize,
        s.len()
    );
    let m = services::mqtt_connect();
    assert_eq!(m[1] as usize, m.len() - 2);
}

#[test]
fn refusal_by_a_close_right_after_the_handshake() {
    // etcd with --client-crl-file: Go's TLS stack admits the revoked certificate (session
    // ticket), then etcd closes the connection before any request. Never "accepted".
    let n = id(
        refused("certificate_required"),
        &[refused("certificate_required")],
        refused("certificate_required"),
        true,
    );
    let t = id(
        refused("bad_certificate"),
        &[refused("bad_certificate")],
        refused("bad_certificate"),
        true,
    );
    let mut revoked = id(ADMITTED, &[closed()], closed(), true);
    revoked.idle = Some(closed());
    let (rows, s) = case(n.clone(), t.clone(), Some(revoked)).run();
    check(
        "etcd revoked",
        &rows,
        &s,
        &[
            w(
                "tls",
                true,
                "required",
                false,
                Some("refused: closed by the server right after the handshake"),
            ),
            w("https1", false, "required", false, Some("refused: closed")),
        ],
        "all",
        "enforced",
    );
    // A TLS service that keeps an idle connection open (mosquitto, redis) and closes on an
    // HTTP request: accepted at the TLS layer, nothing invented.
    let mut valid = id(ADMITTED, &[closed()], closed(), true);
    valid.idle = Some(Fate::NoVerdict);
    let (rows, _) = case(n, t, Some(valid)).run();
    dump("mosquitto/redis: a valid certificate, the idle connection kept open");
    let tls = rows.iter().find(|r| r.transport == "tls").unwrap();
    assert_eq!(tls.given_cert, Some(GivenCert::Accepted), "{tls:?}");
}

#[test]
fn grpc_server_closing_without_alert() {
    // grpcio with require_client_auth: BoringSSL completes the client's handshake, then the
    // server closes without an alert. A close right after the handshake, before any request,
    // is a refusal of that identity: required, not "optional".
    let closed_after = || Fate::Refused("closed by the server right after the handshake".into());
    let n = id(closed_after(), &[closed_after()], closed_after(), true);
    let t = n.clone();
    let (rows, s) = case(n.clone(), t.clone(), None).run();
    check(
        "grpcio none",
        &rows,
        &s,
        &[
            w("tls", true, "required", false, None),
            w("grpcs", false, "required", false, None),
        ],
        "all",
        "enforced",
    );
    // With a valid certificate: answered over h2; its HTTP/1.1-only connection is closed
    // too, which is about the protocol (the same identity's tls handshake was admitted),
    // not a refusal of the certificate.
    let mut valid = id(ADMITTED, &[ok200()], grpc(0), true);
    valid.app = vec![closed_after()];
    let valid_obs = Id {
        grpc: grpc(0),
        ..valid
    };
    let mut c = case(n, t, Some(valid_obs));
    c.given.as_mut().unwrap().app = vec![closed_after()];
    let (rows, s) = c.run();
    dump("grpcio require_client_auth, a valid certificate");
    let grpcs = rows.iter().find(|r| r.transport == "grpcs").unwrap();
    assert_eq!(grpcs.given_cert, Some(GivenCert::Accepted), "{grpcs:?}");
    let https1 = rows.iter().find(|r| r.transport == "https1").unwrap();
    assert!(
        !https1.given_cert.as_ref().is_some_and(|g| g.is_refused()),
        "{https1:?}"
    );
    assert_eq!(s.mtls, Mtls::Enforced);
}

#[test]
fn tls_posture_versions_and_expiry() {
    use secctl::probe::classify::posture;
    use secctl::probe::Policy;
    let n = id(ADMITTED, &[ok200()], grpc(0), false);
    let mut c = case(n.clone(), n, None);
    c.tls12 = Some(ADMITTED);
    c.legacy = vec![
        LegacyVersion {
            version: "TLSv1.0".into(),
            accepted: Some(true),
            detail: "TLSv1.0 accepted".into(),
        },
        LegacyVersion {
            version: "TLSv1.1".into(),
            accepted: Some(false),
            detail: "TLSv1.1 refused: alert protocol_version".into(),
        },
    ];
    let (rows, _) = c.run();
    dump("TLS 1.3, 1.2 and 1.0 accepted, 1.1 refused");
    let tls = rows.iter().find(|r| r.transport == "tls").unwrap();
    assert_eq!(tls.tls_versions, ["TLSv1.3", "TLSv1.2", "TLSv1.0"]);
    assert_eq!(tls.cert_days_left, Some(364));
    let w = posture(&rows, &Policy::default());
    assert_eq!(w, ["accepts TLSv1.0 (below --min-tls 1.2)"]);
    let w = posture(
        &rows,
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
        &rows,
        &Policy {
            min_tls: 0x0304,
            warn_days: 30,
        },
    );
    assert_eq!(w, ["accepts TLSv1.2, TLSv1.0 (below --min-tls 1.3)"]);
}
