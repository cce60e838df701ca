//! The x509-limbo corpus (C2SP/x509-limbo, `tests/x509-limbo/limbo.json`, Apache-2.0, see
//! the LICENSE and README beside it) run through the verification `secctl verify CERT` makes:
//! [`secctl_pki::verify::verify`], given what the command line gives it (the peer certificate
//! and its intermediates as the certificate file, the trusted certificates as `--ca`, the
//! CRLs as `--crl`, or `--no-revocation` when the testcase has none, `--at` the validation
//! time, `--host` the expected peer name, `--usage` server or client).
//!
//! Testcases that secctl's design puts out of scope are listed with their reason in
//! `tests/x509-limbo/exceptions.json` (`out_of_scope`), as are the known disagreements in
//! scope (`known_refusals`: they count against the agreement) and the testcases whose input
//! secctl refuses as unusable, exit 2, instead of judging it, exit 1 (`unusable_input`). The
//! test fails on any false accept in scope, on a false refusal or an exit 2 the file does not
//! name, on a listed id the corpus no longer has, and when the agreement falls below 95%. It
//! prints the agreement and every disagreement
//! (`cargo test -p secctl-pki --test x509_limbo -- --nocapture`).

#![allow(clippy::disallowed_macros)] // the summary goes to stdout, shown with --nocapture

use std::collections::BTreeMap;

use secctl_pki::pki::{names, pemfile};
use secctl_pki::verify::{self, Request, Usage};
use serde::Deserialize;
use time::OffsetDateTime;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/x509-limbo");

/// The agreement below which the test fails.
const MIN_AGREEMENT: f64 = 0.95;

#[derive(Deserialize)]
struct Limbo {
    testcases: Vec<Testcase>,
}

#[derive(Deserialize)]
struct PeerName {
    kind: String,
    value: String,
}

#[derive(Deserialize)]
struct Testcase {
    id: String,
    validation_kind: String,
    trusted_certs: Vec<String>,
    untrusted_intermediates: Vec<String>,
    peer_certificate: String,
    validation_time: Option<String>,
    expected_peer_name: Option<PeerName>,
    expected_result: String,
    crls: Vec<String>,
}

#[derive(Deserialize)]
struct Exceptions {
    /// Testcases not run: id and why secctl's design puts them out of scope.
    out_of_scope: BTreeMap<String, String>,
    /// Testcases run and counted, where secctl refuses what the corpus expects to succeed,
    /// with the reason.
    known_refusals: BTreeMap<String, String>,
    /// Testcases whose input secctl refuses as unusable (exit 2) rather than judging it
    /// (exit 1), with the reason: a well-formed certificate that is not acceptable exits 1.
    unusable_input: BTreeMap<String, String>,
}

/// What `secctl verify` concluded.
#[derive(Debug)]
enum Verdict {
    /// Exit 0.
    Accept,
    /// Exit 1: the failed checks.
    Refuse(String),
    /// Exit 2: the input was refused as unusable.
    Error(String),
}

fn pems(what: &str, text: &str, tag: &str) -> Vec<Vec<u8>> {
    pemfile::blocks_of(what, text, tag, tag).unwrap_or_else(|e| panic!("{what}: {e}"))
}

fn run(tc: &Testcase) -> Verdict {
    let mut chain = pems("peer", &tc.peer_certificate, "CERTIFICATE");
    for p in &tc.untrusted_intermediates {
        chain.extend(pems("intermediate", p, "CERTIFICATE"));
    }
    let bundle: Vec<Vec<u8>> = tc
        .trusted_certs
        .iter()
        .flat_map(|p| pems("trusted", p, "CERTIFICATE"))
        .collect();
    let crls: Vec<Vec<u8>> = tc
        .crls
        .iter()
        .flat_map(|p| pems("crl", p, "X509 CRL"))
        .collect();
    let at = match &tc.validation_time {
        Some(t) => OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|e| panic!("{}: validation time {t}: {e}", tc.id)),
        None => OffsetDateTime::now_utc(),
    };
    // `--host` is parsed by the command line before verification: a name it refuses is an
    // exit 2 of its own.
    let host = match &tc.expected_peer_name {
        Some(p) if p.kind == "DNS" || p.kind == "IP" => match names::parse_host(&p.value) {
            Ok(h) => Some(h),
            Err(e) => return Verdict::Error(format!("--host: {e}")),
        },
        _ => None,
    };
    let usage = match tc.validation_kind.as_str() {
        "SERVER" => Usage::Server,
        _ => Usage::Client,
    };
    let has_crls = !crls.is_empty();
    let req = Request {
        cert_name: "peer.pem",
        chain,
        bundle_name: "trusted.pem",
        bundle,
        crl_name: has_crls.then_some("crls.pem"),
        crls,
        host,
        role: None,
        trust_domain: None,
        usage: Some(usage),
        at,
        untrusted: vec![],
        require_revocation: has_crls,
    };
    match verify::verify(&req) {
        Ok(r) if r.ok => Verdict::Accept,
        Ok(r) => Verdict::Refuse(
            r.checks
                .iter()
                .filter(|c| !c.ok)
                .map(|c| format!("{}: {}", c.check, c.detail))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Err(e) => Verdict::Error(e.to_string()),
    }
}

#[test]
fn x509_limbo_agreement() {
    let limbo: Limbo =
        serde_json::from_slice(&std::fs::read(format!("{DIR}/limbo.json")).unwrap()).unwrap();
    let exceptions: Exceptions =
        serde_json::from_slice(&std::fs::read(format!("{DIR}/exceptions.json")).unwrap()).unwrap();
    let ids: std::collections::HashSet<&str> =
        limbo.testcases.iter().map(|t| t.id.as_str()).collect();
    let stale: Vec<&String> = exceptions
        .out_of_scope
        .keys()
        .chain(exceptions.known_refusals.keys())
        .chain(exceptions.unusable_input.keys())
        .filter(|id| !ids.contains(id.as_str()))
        .collect();

    // SECCTL_LIMBO_VERBOSE=1: every testcase's verdict and time.
    let verbose = std::env::var_os("SECCTL_LIMBO_VERBOSE").is_some();
    let mut agree = 0usize;
    let mut in_scope = 0usize;
    let mut false_accepts = Vec::new();
    let mut false_refusals = Vec::new();
    let mut unlisted_refusals = Vec::new();
    let mut errors = Vec::new();
    let mut unlisted_errors = Vec::new();
    for tc in &limbo.testcases {
        if exceptions.out_of_scope.contains_key(&tc.id) {
            continue;
        }
        in_scope += 1;
        let started = std::time::Instant::now();
        let verdict = run(tc);
        if verbose {
            println!(
                "{} [{} ms] expected {}: {verdict:?}",
                tc.id,
                started.elapsed().as_millis(),
                tc.expected_result
            );
        }
        if let Verdict::Error(e) = &verdict {
            errors.push(format!("{}: {e}", tc.id));
            if !exceptions.unusable_input.contains_key(&tc.id) {
                unlisted_errors.push(tc.id.clone());
            }
        }
        match (tc.expected_result.as_str(), &verdict) {
            ("SUCCESS", Verdict::Accept) | ("FAILURE", Verdict::Refuse(_) | Verdict::Error(_)) => {
                agree += 1
            }
            ("FAILURE", Verdict::Accept) => false_accepts.push(tc.id.clone()),
            (_, Verdict::Refuse(why) | Verdict::Error(why)) => {
                false_refusals.push(format!("{}: {why}", tc.id));
                if !exceptions.known_refusals.contains_key(&tc.id) {
                    unlisted_refusals.push(tc.id.clone());
                }
            }
            (other, _) => panic!("{}: expected_result {other}", tc.id),
        }
    }
    let rate = agree as f64 / in_scope as f64;
    println!(
        "x509-limbo: {agree} of {in_scope} testcases in scope agree ({:.1}%); {} out of scope",
        rate * 100.0,
        exceptions.out_of_scope.len()
    );
    println!("false accepts ({}):", false_accepts.len());
    for f in &false_accepts {
        println!("  {f}");
    }
    println!("false refusals ({}):", false_refusals.len());
    for f in &false_refusals {
        println!("  {f}");
    }
    println!("refused as unusable input, exit 2 ({}):", errors.len());
    for e in &errors {
        println!("  {e}");
    }
    assert!(
        stale.is_empty(),
        "exceptions.json names unknown ids: {stale:?}"
    );
    assert!(
        false_accepts.is_empty(),
        "false accepts in scope: {false_accepts:?}"
    );
    assert!(
        unlisted_refusals.is_empty(),
        "false refusals not named in exceptions.json: {unlisted_refusals:?}"
    );
    assert!(
        unlisted_errors.is_empty(),
        "refused as unusable input (exit 2) but not named in exceptions.json: {unlisted_errors:?}"
    );
    assert!(
        rate >= MIN_AGREEMENT,
        "agreement {:.1}% is below {:.0}%",
        rate * 100.0,
        MIN_AGREEMENT * 100.0
    );
}
