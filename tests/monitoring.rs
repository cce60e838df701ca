//! Issue #14, monitoring: `secctl check` (exit codes, findings, the Prometheus textfile
//! parsed here and by `promtool check metrics`), `cert list` as a day-2 view (newest per
//! name, DAYS LEFT, `--expiring-within` exit code) and `ca show`'s generations and CRLs.

mod common;

use std::collections::BTreeMap;

use common::*;

/// One sample of a textfile: metric name, labels, value.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// A strict parser of the Prometheus text format as secctl writes it: every sample's
/// family has HELP and TYPE lines before it, label values are quoted with `\\`, `\"` and
/// `\n` escapes, values are numbers.
fn parse_prometheus(text: &str) -> Vec<Sample> {
    assert!(text.ends_with('\n'), "no final newline");
    let mut help = std::collections::HashSet::new();
    let mut typed = std::collections::HashSet::new();
    let mut out = vec![];
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, h) = rest.split_once(' ').unwrap();
            assert!(!h.trim().is_empty(), "empty HELP for {name}");
            assert!(help.insert(name.to_string()), "HELP twice: {name}");
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, t) = rest.split_once(' ').unwrap();
            assert_eq!(t, "gauge", "{line}");
            assert!(help.contains(name), "TYPE before HELP: {line}");
            typed.insert(name.to_string());
            continue;
        }
        assert!(!line.starts_with('#') && !line.is_empty(), "{line:?}");
        let name_end = line.find(['{', ' ']).unwrap();
        let name = &line[..name_end];
        assert!(
            name.chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit()),
            "{name}"
        );
        assert!(typed.contains(name), "sample before its TYPE: {line}");
        let mut labels = BTreeMap::new();
        let mut rest = &line[name_end..];
        if let Some(r) = rest.strip_prefix('{') {
            let mut chars = r.char_indices().peekable();
            let mut key = String::new();
            loop {
                let (_, c) = chars.next().expect("unterminated labels");
                match c {
                    '}' => break,
                    ',' => {}
                    '=' => {
                        assert_eq!(chars.next().unwrap().1, '"');
                        let mut val = String::new();
                        loop {
                            let (_, c) = chars.next().expect("unterminated value");
                            match c {
                                '"' => break,
                                '\\' => match chars.next().unwrap().1 {
                                    'n' => val.push('\n'),
                                    '\\' => val.push('\\'),
                                    '"' => val.push('"'),
                                    o => panic!("bad escape \\{o} in {line}"),
                                },
                                '\n' => panic!("raw newline"),
                                c => val.push(c),
                            }
                        }
                        labels.insert(std::mem::take(&mut key), val);
                    }
                    c => key.push(c),
                }
            }
            let used = chars.peek().map_or(r.len(), |(i, _)| *i);
            rest = &r[used..];
        }
        let value: f64 = rest
            .strip_prefix(' ')
            .unwrap_or_else(|| panic!("{line}"))
            .parse()
            .unwrap_or_else(|e| panic!("{line}: {e}"));
        out.push(Sample {
            name: name.to_string(),
            labels,
            value,
        });
    }
    out
}

fn find<'a>(samples: &'a [Sample], name: &str, label: (&str, &str)) -> &'a Sample {
    samples
        .iter()
        .find(|s| s.name == name && s.labels.get(label.0).map(String::as_str) == Some(label.1))
        .unwrap_or_else(|| panic!("no {name} with {label:?}"))
}

fn metric(samples: &[Sample], name: &str) -> f64 {
    samples
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no {name}"))
        .value
}

/// A state directory with a root and intermediate, a node valid a year and a client valid
/// ten days (inside the default 30-day window).
fn pki() -> Env {
    let env = Env::new();
    env.run(&["ca", "init", "--name", "Prod", "--intermediate"])
        .ok();
    env.run(&[
        "cert", "node", "n1", "--host", "n1.local", "--role", "gitaly",
    ])
    .ok();
    env.run(&["cert", "client", "c1", "--role", "app", "--days", "10"])
        .ok();
    env
}

#[test]
fn check_names_what_expires_and_writes_a_textfile() {
    let env = pki();
    let prom = env.path("metrics/secctl.prom");
    std::fs::create_dir(env.path("metrics")).unwrap();
    let r = env.run(&["check", "--prometheus", prom.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("c1 (client app)") && r.stdout.contains("expiring"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("n1"), "{}", r.stdout);
    assert!(r.stdout.contains("1 problem(s)"), "{}", r.stdout);

    // The textfile: 0644, no temporary file left beside it, every family well formed.
    assert_eq!(mode(&prom), 0o644);
    let names: Vec<_> = std::fs::read_dir(env.path("metrics"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(names, ["secctl.prom"]);
    let s = parse_prometheus(&std::fs::read_to_string(&prom).unwrap());
    let c1 = find(&s, "secctl_certificate_expiry_seconds", ("name", "c1"));
    assert!(
        (9.0 * 86400.0..=10.0 * 86400.0).contains(&c1.value),
        "{c1:?}"
    );
    assert_eq!(c1.labels["role"], "app");
    assert_eq!(c1.labels["kind"], "client");
    assert_eq!(c1.labels["ca"], "current");
    let n1 = find(&s, "secctl_certificate_expiry_seconds", ("name", "n1"));
    assert!(n1.value > 364.0 * 86400.0, "{n1:?}");
    // The timestamp is the certificate's notAfter, as openssl reads it.
    let end = tool(
        "openssl",
        &[
            "x509",
            "-noout",
            "-enddate",
            "-dateopt",
            "iso_8601",
            "-in",
            env.pki().join("certs/n1/n1.crt").to_str().unwrap(),
        ],
    )
    .ok()
    .stdout;
    let ts = find(
        &s,
        "secctl_certificate_not_after_timestamp_seconds",
        ("name", "n1"),
    )
    .value as i64;
    let t = time::OffsetDateTime::from_unix_timestamp(ts).unwrap();
    let want = format!(
        "notAfter={:04}-{:02}-{:02} {:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    assert_eq!(end.trim(), want);
    let root = find(&s, "secctl_ca_expiry_seconds", ("kind", "root"));
    assert_eq!(root.labels["generation"], "current");
    assert!(root.value > 3600.0 * 86400.0);
    find(&s, "secctl_ca_expiry_seconds", ("kind", "intermediate"));
    let crls: Vec<_> = s
        .iter()
        .filter(|x| x.name == "secctl_crl_next_update_seconds")
        .collect();
    assert_eq!(crls.len(), 2, "intermediate's and root's CRL");
    assert!(crls
        .iter()
        .any(|c| c.labels["issuer"].contains("Intermediate") && c.value <= 30.0 * 86400.0));
    assert_eq!(metric(&s, "secctl_check_success"), 0.0);
    assert_eq!(metric(&s, "secctl_check_problems"), 1.0);
    assert_eq!(metric(&s, "secctl_crl_missing_revocations"), 0.0);

    // A shorter window: nothing to report, exit 0, the file replaced.
    let r = env.run(&[
        "check",
        "--within",
        "5d",
        "--prometheus",
        prom.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("ok: 2 live certificate(s)"),
        "{}",
        r.stdout
    );
    let s = parse_prometheus(&std::fs::read_to_string(&prom).unwrap());
    assert_eq!(metric(&s, "secctl_check_success"), 1.0);
    assert_eq!(metric(&s, "secctl_check_window_seconds"), 5.0 * 86400.0);

    // A revoked certificate is no longer live: not checked, not exported.
    env.run(&["--yes", "revoke", "c1"]).ok();
    let r = env.run(&["check", "--prometheus", prom.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    let text = std::fs::read_to_string(&prom).unwrap();
    assert!(!text.contains("name=\"c1\""), "{text}");
}

#[test]
fn check_finds_stale_and_expiring_crls_and_cas() {
    let env = pki();
    // crl.pem out of date: a revocation the published CRL does not list.
    let crl = env.pki().join("crl.pem");
    let before = std::fs::read(&crl).unwrap();
    env.run(&["--yes", "revoke", "c1"]).ok();
    std::fs::write(&crl, &before).unwrap();
    let v = env.run(&["-o", "json", "check"]);
    assert_eq!(v.code, 1);
    let j = v.json();
    let stale: Vec<_> = j["crls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "stale")
        .collect();
    assert_eq!(stale.len(), 1, "{j:#}");
    assert_eq!(stale[0]["missing_revocations"].as_array().unwrap().len(), 1);
    assert!(
        j["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p.as_str().unwrap().contains("out of date")),
        "{j:#}"
    );
    // Each problem counted once: the problems are distinct, and the text count is theirs.
    let problems: Vec<&str> = j["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    let mut distinct = problems.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), problems.len(), "{problems:#?}");
    let r = env.run(&["check"]);
    assert!(r.stderr.contains("crl.pem is out of date"), "{}", r.stderr);
    assert!(
        r.stdout
            .contains(&format!("{} problem(s):", problems.len())),
        "{}",
        r.stdout
    );
    // Republished: fine again.
    env.run(&["crl"]).ok();
    assert_eq!(env.run(&["check"]).code, 0);

    // A CRL whose nextUpdate is inside --crl-within (default 7 days).
    env.run(&["crl", "--days", "3"]).ok();
    let r = env.run(&["check"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains("CRL") && r.stdout.contains("expiring"),
        "{}",
        r.stdout
    );
    assert_eq!(env.run(&["check", "--crl-within", "2d"]).code, 0);

    // No crl.pem at all.
    std::fs::remove_file(&crl).unwrap();
    let r = env.run(&["check"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("crl.pem does not exist"), "{}", r.stderr);

    // A CA that ends inside the window (its certificates are capped to it).
    let env = Env::new();
    env.run(&["ca", "init", "--name", "Short", "--days", "20"])
        .ok();
    let j = env.run(&["-o", "json", "check"]).json();
    assert_eq!(j["ok"], false);
    let root = &j["cas"][0];
    assert_eq!(root["kind"], "root");
    assert_eq!(root["status"], "expiring");
    assert_eq!(root["problem"], true);
    let d = root["days_left"].as_i64().unwrap();
    assert!((19..=20).contains(&d), "{root}");
}

#[test]
fn check_refuses_bad_input_and_writes_nothing() {
    let env = pki();
    let before = snapshot(&env.pki());
    env.run(&["check", "--within", "5x"])
        .usage_error(&["--within", "5x"]);
    env.run(&["check", "--within=-3d"]).usage_error(&["-3d"]);
    env.run(&["check", "--prometheus", "nowhere/secctl.prom"])
        .usage_error(&["nowhere", "no such directory"]);
    std::fs::create_dir(env.path("adir")).unwrap();
    env.run(&["check", "--prometheus", "adir"])
        .usage_error(&["adir", "is a directory"]);
    assert!(!env.path("nowhere").exists());
    assert_eq!(before, snapshot(&env.pki()));
    let empty = Env::new();
    empty.run(&["check"]).usage_error(&["no CA in"]);
}

/// promtool, Prometheus's own checker, accepts the textfile.
#[test]
#[ignore = "needs promtool (apt-get install prometheus); run by .ci/run"]
fn promtool_accepts_the_textfile() {
    require(have("promtool"), "promtool (apt-get install prometheus)");
    let env = pki();
    env.run(&["--yes", "ca", "rotate"]).ok();
    let prom = env.path("secctl.prom");
    let r = env.run(&["check", "--prometheus", prom.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let o = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::fs::File::open(&prom).unwrap())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "promtool: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    // Lint messages (promtool prints them and exits 0 for some) would be findings too.
    assert!(
        o.stdout.is_empty() && o.stderr.is_empty(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn cert_list_is_a_day_2_view() {
    let env = pki();
    env.run(&["cert", "renew", "n1"]).ok();
    // Newest per name by default; history with --all.
    let names = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["-o", "json", "cert", "list"];
        a.extend_from_slice(args);
        env.run(&a)
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                format!(
                    "{} {}",
                    i["name"].as_str().unwrap(),
                    i["status"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(names(&[]), ["c1 expiring", "n1 valid"]);
    assert_eq!(
        names(&["--all"]),
        ["c1 expiring", "n1 superseded", "n1 valid"]
    );
    assert_eq!(names(&["--status", "superseded"]), ["n1 superseded"]);

    // DAYS LEFT, in text and JSON.
    let j = env
        .run(&["-o", "json", "cert", "list", "--name", "c1"])
        .json();
    assert_eq!(j[0]["days_left"], 9, "{j}");
    let t = env.run(&["cert", "list"]).ok().stdout;
    let header = t.lines().next().unwrap();
    assert!(header.contains("DAYS LEFT"), "{t}");
    let c1 = t.lines().find(|l| l.starts_with("c1 ")).unwrap();
    assert!(c1.split_whitespace().any(|w| w == "9"), "{c1}");

    // Without --expiring-within the exit code is 0 whatever is listed; with it, 1 when a
    // listed live certificate is within the window.
    assert_eq!(env.run(&["cert", "list"]).code, 0);
    let r = env.run(&["cert", "list", "--expiring-within", "30"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("1 live certificate(s) expiring within 30d"),
        "{}",
        r.stderr
    );
    assert_eq!(env.run(&["cert", "list", "--expiring-within", "5"]).code, 0);
    // One duration syntax with `check --within`: units, and a bare number is days. c1 ends
    // within 10 days (9 whole days left): within 2w, 240h and 10d, not within 8d, 192h
    // or 8d12h.
    for (w, code) in [
        ("2w", 1),
        ("240h", 1),
        ("10d", 1),
        ("8d", 0),
        ("192h", 0),
        ("8d12h", 0),
    ] {
        assert_eq!(
            env.run(&["cert", "list", "--expiring-within", w]).code,
            code,
            "--expiring-within {w}"
        );
    }
    env.run(&["cert", "list", "--expiring-within", "2x"])
        .usage_error(&["--expiring-within", "invalid duration"]);
    assert_eq!(
        env.run(&[
            "cert",
            "list",
            "--expiring-within",
            "30",
            "--role",
            "gitaly"
        ])
        .code,
        0
    );
    assert_eq!(
        env.run(&["-o", "json", "cert", "list", "--expiring-within", "400"])
            .code,
        1
    );
    // A revoked certificate is not live: no exit 1 for it.
    env.run(&["--yes", "revoke", "c1"]).ok();
    assert_eq!(
        env.run(&["cert", "list", "--expiring-within", "30"]).code,
        0
    );
}

#[test]
fn ca_show_lists_bundle_generations_and_crls() {
    let env = pki();
    env.run(&["--yes", "ca", "rotate"]).ok();
    let prev = std::fs::read_dir(env.pki().join("ca/previous"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name()
        .to_string_lossy()
        .to_string();
    let j = env.run(&["-o", "json", "ca", "show"]).ok().json();
    let gens: Vec<String> = j["bundle"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["generation"].as_str().unwrap(),
                c["kind"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        gens,
        [
            "current root".to_string(),
            "current intermediate".into(),
            format!("{prev} root"),
            format!("{prev} intermediate"),
        ]
    );
    let d = j["bundle"][0]["days_left"].as_i64().unwrap();
    assert!((3649..=3650).contains(&d), "{d}");
    assert_eq!(
        j["bundle"][0]["fingerprint"],
        j["root"]["sha256_fingerprint"]
    );
    let crls = j["crls"].as_array().unwrap();
    assert_eq!(crls.len(), 4, "two CRLs per generation");
    for c in crls {
        assert_eq!(c["number"], "2", "{c}");
        assert_eq!(c["status"], "valid");
    }
    let t = env.run(&["ca", "show"]).ok().stdout;
    assert!(t.contains("GENERATION") && t.contains(&prev), "{t}");
    assert!(t.contains("CRL ISSUER") && t.contains("NEXT UPDATE"), "{t}");
}

/// Issue #30: `--within` as a fraction of each certificate's lifetime, so short-lived
/// certificates do not fail the check forever under the 30-day default.
#[test]
fn check_within_a_fraction_fits_short_lived_certificates() {
    let env = Env::new();
    env.run(&["ca", "init", "--name", "Short"]).ok();
    env.run(&[
        "cert",
        "node",
        "fast",
        "--host",
        "fast.local",
        "--role",
        "web",
        "--valid-for",
        "15m",
    ])
    .ok();
    env.run(&[
        "cert",
        "node",
        "slow",
        "--host",
        "slow.local",
        "--role",
        "web",
        "--valid-for",
        "365d",
    ])
    .ok();
    env.run(&["crl"]).ok();

    // The 30-day default: the 15-minute certificate is always "expiring".
    let j = env.run(&["-o", "json", "check"]).json();
    assert_eq!(j["ok"], false, "{j:#}");
    let cert = |j: &serde_json::Value, n: &str| {
        j["certificates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(cert(&j, "fast")["status"], "expiring");
    assert_eq!(cert(&j, "slow")["status"], "valid");
    assert_eq!(j["within"], "30d");
    assert_eq!(j["within_seconds"], 30 * 86400);

    // A third of each lifetime: both fresh, exit 0, each with its own window.
    let prom = env.path("secctl.prom");
    let r = env.run(&[
        "-o",
        "json",
        "check",
        "--within",
        "1/3",
        "--prometheus",
        prom.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    let j = r.json();
    assert_eq!(j["within"], "1/3");
    assert!(j["within_seconds"].is_null());
    assert_eq!(cert(&j, "fast")["window_seconds"], 5 * 60);
    assert_eq!(cert(&j, "fast")["status"], "valid");
    assert_eq!(cert(&j, "slow")["window_seconds"], 365 * 86400 / 3);
    let s = parse_prometheus(&std::fs::read_to_string(&prom).unwrap());
    assert_eq!(
        find(&s, "secctl_certificate_window_seconds", ("name", "fast")).value,
        300.0
    );
    assert!(!s
        .iter()
        .any(|x| x.name == "secctl_check_window_seconds" && x.labels["for"] == "certificates"));
    assert_eq!(metric(&s, "secctl_check_success"), 1.0);

    let r = env.run(&["check", "--within", "1/3"]);
    assert!(r.stdout.contains("window 1/3"), "{}", r.stdout);

    for bad in ["0/3", "3/3", "1/0", "a/b", "1/3d"] {
        env.run(&["check", "--within", bad]).usage_error(&[bad]);
    }
}

/// Issue #30: `probe --prometheus FILE` against `secctl serve` demanding client
/// certificates, once without its CRL (the revoked canary admitted) and once with it:
/// per target and row, encrypted, mTLS enforced, untrusted and revoked clients admitted,
/// the server certificate's days left; `promtool check metrics` accepts the file.
#[test]
#[ignore = "needs promtool (apt-get install prometheus); run by .ci/run"]
fn probe_writes_a_textfile_promtool_accepts() {
    require(have("promtool"), "promtool (apt-get install prometheus)");
    let env = serve_pki();
    env.run(&["cert", "canary"]).ok();
    let prom = env.path("probe.prom");
    let p = prom.to_str().unwrap();
    let promtool = || {
        let o = std::process::Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(std::fs::File::open(&prom).unwrap())
            .output()
            .unwrap();
        assert!(
            o.status.success() && o.stdout.is_empty() && o.stderr.is_empty(),
            "promtool: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    };
    let value = |s: &[Sample], name: &str, transport: &str| {
        s.iter()
            .find(|x| {
                x.name == name && x.labels.get("transport").map(String::as_str) == Some(transport)
            })
            .unwrap_or_else(|| panic!("no {name}{{transport={transport}}}"))
            .value
    };

    // With the CRL: the canary refused, mTLS enforced.
    let s = Serve::start(&env, &["--name", "srv", "--client-auth", "required"]);
    let r = env.run(&[
        "probe",
        &s.addr,
        "--servername",
        "localhost",
        "--prometheus",
        p,
    ]);
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    promtool();
    let samples = parse_prometheus(&std::fs::read_to_string(&prom).unwrap());
    assert_eq!(value(&samples, "secctl_probe_encrypted", "tls"), 1.0);
    assert_eq!(value(&samples, "secctl_probe_encrypted", "http1"), 0.0);
    assert_eq!(value(&samples, "secctl_probe_mtls_enforced", "tls"), 1.0);
    assert_eq!(
        value(&samples, "secctl_probe_untrusted_client_accepted", "tls"),
        0.0
    );
    assert_eq!(
        value(&samples, "secctl_probe_revoked_client_accepted", "tls"),
        0.0
    );
    let days = value(&samples, "secctl_probe_server_cert_expiry_seconds", "tls") / 86400.0;
    assert!((363.0..=366.0).contains(&days), "{days}");
    assert_eq!(metric(&samples, "secctl_probe_target_mtls_enforced"), 1.0);
    assert_eq!(
        find(
            &samples,
            "secctl_probe_target_reachable",
            ("target", &s.addr)
        )
        .value,
        1.0
    );
    drop(s);

    // Without it: the canary admitted on every TLS row; the file replaced.
    let s = Serve::start(
        &env,
        &["--name", "srv", "--client-auth", "required", "--no-crl"],
    );
    let r = env.run(&[
        "probe",
        &s.addr,
        "--servername",
        "localhost",
        "--prometheus",
        p,
    ]);
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    promtool();
    let samples = parse_prometheus(&std::fs::read_to_string(&prom).unwrap());
    for row in ["tls", "https1", "h2"] {
        assert_eq!(
            value(&samples, "secctl_probe_revoked_client_accepted", row),
            1.0
        );
    }
    assert_eq!(metric(&samples, "secctl_probe_target_mtls_enforced"), 0.0);

    // Bad input: exit 2 before probing, nothing written.
    env.run(&["probe", &s.addr, "--prometheus", "nowhere/x.prom"])
        .usage_error(&["nowhere", "no such directory"]);
}
