//! Every command's `-o json` output, validated against its published schema in
//! `docs/schemas/` (issue #17). The validator is a small structural one driven by the
//! schema files (type, enum, properties, required, additionalProperties: false, items,
//! format: date-time): the subset of JSON Schema the files use; an unknown keyword in a
//! schema fails the test, so the files cannot drift past what is checked.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::Value;

use common::{free_port, Env, Serve};

fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schemas")
}

const KEYWORDS: &[&str] = &[
    "$schema",
    "title",
    "description",
    "type",
    "enum",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "format",
];

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        other => panic!("unknown type {other:?} in a schema"),
    }
}

/// RFC 3339 in UTC with whole seconds, as secctl writes every time.
fn is_time(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 20
        && s.chars().enumerate().all(|(i, c)| match i {
            4 | 7 => c == '-',
            10 => c == 'T',
            13 | 16 => c == ':',
            19 => c == 'Z',
            _ => c.is_ascii_digit(),
        })
        && &b[5..7] <= b"12".as_slice()
}

fn validate(schema: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
    let s = schema.as_object().expect("a schema is an object");
    for k in s.keys() {
        assert!(
            KEYWORDS.contains(&k.as_str()),
            "unsupported keyword {k:?} at {at}"
        );
    }
    if let Some(t) = s.get("type") {
        let ok = match t {
            Value::String(t) => type_ok(t, v),
            Value::Array(ts) => ts.iter().any(|t| type_ok(t.as_str().unwrap(), v)),
            _ => panic!("bad type at {at}"),
        };
        if !ok {
            errs.push(format!("{at}: {v} is not of type {t}"));
            return;
        }
    }
    if let Some(Value::Array(e)) = s.get("enum") {
        if !v.is_null() && !e.contains(v) {
            errs.push(format!("{at}: {v} is not one of {e:?}"));
        }
    }
    if s.get("format").and_then(Value::as_str) == Some("date-time") {
        if let Some(t) = v.as_str() {
            if !is_time(t) {
                errs.push(format!(
                    "{at}: {t:?} is not an RFC 3339 time in whole seconds"
                ));
            }
        }
    }
    if let Value::Object(o) = v {
        let props = s.get("properties").and_then(Value::as_object);
        if let Some(Value::Array(req)) = s.get("required") {
            for r in req {
                if !o.contains_key(r.as_str().unwrap()) {
                    errs.push(format!("{at}: missing required {r}"));
                }
            }
        }
        for (k, x) in o {
            match props.and_then(|p| p.get(k)) {
                Some(ps) => validate(ps, x, &format!("{at}.{k}"), errs),
                None if s.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    errs.push(format!("{at}: unexpected property {k:?}"))
                }
                None => {}
            }
        }
    }
    if let (Value::Array(a), Some(items)) = (v, s.get("items")) {
        for (i, x) in a.iter().enumerate() {
            validate(items, x, &format!("{at}[{i}]"), errs);
        }
    }
}

static USED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// Run a command with `-o json` and check its output against `docs/schemas/NAME.json`.
fn check(env: &Env, name: &str, args: &[&str]) -> Value {
    let mut a = vec!["-o", "json"];
    a.extend_from_slice(args);
    let r = env.run(&a);
    assert!(
        r.code == 0 || r.code == 1,
        "{args:?} failed ({}): {}",
        r.code,
        r.stderr
    );
    let v = r.json();
    // Samples for (re)writing the schemas by hand: SECCTL_SCHEMA_SAMPLES=DIR.
    if let Some(d) = std::env::var_os("SECCTL_SCHEMA_SAMPLES") {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        std::fs::write(Path::new(&d).join(format!("{name}-{n}.json")), &r.stdout).unwrap();
    }
    let path = schema_dir().join(format!("{name}.json"));
    let schema: Value = serde_json::from_slice(
        &std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap();
    let mut errs = vec![];
    validate(&schema, &v, "$", &mut errs);
    assert!(
        errs.is_empty() || std::env::var_os("SECCTL_SCHEMA_SAMPLES").is_some(),
        "{args:?} does not match docs/schemas/{name}.json:\n{}\n{v:#}",
        errs.join("\n")
    );
    USED.lock().unwrap().insert(name.to_string());
    v
}

#[test]
fn the_validator_rejects_what_does_not_match() {
    let schema: Value =
        serde_json::from_slice(&std::fs::read(schema_dir().join("apply.json")).unwrap()).unwrap();
    let bad = serde_json::json!({
        "inventory": "inv.yaml", "check": false, "ca_created": true,
        "items": [{"name": "n", "kind": "node", "role": "r", "action": "exploded",
                   "detail": "", "serial": null, "extra": 1}],
        "summary": {"created": 1, "renewed": 0, "unchanged": 0}
    });
    let mut errs = vec![];
    validate(&schema, &bad, "$", &mut errs);
    let all = errs.join("\n");
    assert!(all.contains("exploded"), "{all}");
    assert!(all.contains("\"extra\""), "{all}");
    assert!(all.contains("missing required \"failed\""), "{all}");
    assert!(!is_time("2026-12-24T18:55:42.940035909Z"));
    assert!(is_time("2026-12-24T18:55:42Z"));
}

#[test]
fn every_command_output_matches_its_schema() {
    let env = Env::new();
    check(
        &env,
        "ca-init",
        &["ca", "init", "--name", "acme", "--intermediate"],
    );
    check(&env, "ca-show", &["ca", "show"]);
    check(
        &env,
        "cert-issue",
        &[
            "cert",
            "node",
            "n1",
            "--role",
            "gitaly",
            "--host",
            "n1.test",
            "--host",
            "127.0.0.1",
        ],
    );
    check(
        &env,
        "cert-issue",
        &["cert", "client", "c1", "--role", "app"],
    );
    check(
        &env,
        "cert-issue",
        &["cert", "client", "c2", "--role", "app"],
    );
    check(&env, "cert-renew", &["cert", "renew", "c1", "--revoke-old"]);
    check(&env, "cert-renew", &["cert", "renew", "n1", "--reuse-key"]);
    check(
        &env,
        "cert-renew",
        &["cert", "renew", "n1", "--exec", "true"],
    );
    check(
        &env,
        "revoke",
        &["revoke", "c2", "--yes", "--reason", "keyCompromise"],
    );
    check(&env, "revoke", &["revoke", "c2", "--yes"]);
    check(&env, "crl", &["crl"]);
    // A node fetches its trust bundle first: the CRL is checked against it.
    let out = env.path("ca.crt");
    check(
        &env,
        "ca-bundle",
        &["ca", "bundle", "--out", out.to_str().unwrap()],
    );
    let out = env.path("fetched-crl.pem");
    check(&env, "crl-copy", &["crl", "--out", out.to_str().unwrap()]);
    check(&env, "ca-bundle", &["ca", "bundle"]);
    let list = check(&env, "cert-list", &["cert", "list", "--all"]);
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|i| !i["revocation"].is_null()));
    check(&env, "cert-show", &["cert", "show", "c2"]);
    check(&env, "cert-show", &["cert", "show", "n1"]);
    check(&env, "cert-show", &["cert", "show", "pki/certs/n1/n1.crt"]);
    let pw = env.write("p12.pass", "export-pass-1\n");
    std::fs::set_permissions(&pw, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let exp = check(
        &env,
        "cert-export",
        &[
            "cert",
            "export",
            "n1",
            "--p12",
            "n1.p12",
            "--p12-passphrase-file",
            pw.to_str().unwrap(),
            "--sec1",
            "n1.ec",
        ],
    );
    assert_eq!(exp["p12_profile"]["name"], "modern");
    check(
        &env,
        "cert-export",
        &["cert", "export", "n1", "--sec1", "n1b.ec"],
    );
    let imp = Env::new();
    let (crt, key) = (imp.path("root.crt"), imp.path("root.key"));
    common::tool(
        "openssl",
        &[
            "req",
            "-x509",
            "-nodes",
            "-newkey",
            "rsa:2048",
            "-keyout",
            key.to_str().unwrap(),
            "-out",
            crt.to_str().unwrap(),
            "-days",
            "30",
            "-subj",
            "/CN=Imported Root",
        ],
    )
    .ok();
    check(
        &imp,
        "ca-import",
        &[
            "ca",
            "import",
            "--cert",
            crt.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ],
    );
    check(
        &env,
        "verify",
        &[
            "verify",
            "pki/certs/n1/n1.crt",
            "--host",
            "n1.test",
            "--role",
            "gitaly",
        ],
    );
    check(&env, "verify", &["verify", "pki/certs/c2/c2.crt"]);
    check(&env, "check", &["check"]);
    let c = check(&env, "cert-canary", &["cert", "canary"]);
    assert_eq!(c["issued"], true);
    let kept = check(&env, "cert-canary", &["cert", "canary"]);
    assert_eq!(kept["issued"], false);
    let forced = check(&env, "cert-canary", &["cert", "canary", "--force"]);
    assert_eq!(forced["replaces"], c["record"]["serial"]);
    let r = check(&env, "ca-rotate", &["ca", "rotate", "--yes"]);
    assert_eq!(r["canary"]["role"], "canary", "{r}");
    check(&env, "ca-show", &["ca", "show"]);
    check(&env, "cert-list", &["cert", "list"]);
    check(&env, "cert-list", &["cert", "list", "--all"]);
    // Problems of every kind: a certificate inside the window, a stale CRL.
    let crl = env.pki().join("crl.pem");
    let before = std::fs::read(&crl).unwrap();
    check(&env, "revoke", &["revoke", "n1", "--yes"]);
    std::fs::write(&crl, before).unwrap();
    let v = check(&env, "check", &["check", "--within", "400d"]);
    assert_eq!(v["ok"], false);
    assert!(v["crls"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["status"] == "stale"));
    check(&env, "crl", &["crl"]);
    // A compromised intermediate: a new one from the same root, the old one revoked (with
    // every certificate it issued), then a full rotation and the old generation retired.
    check(
        &env,
        "cert-issue",
        &["cert", "node", "under-old", "--host", "under-old.example"],
    );
    let r = check(
        &env,
        "ca-rotate",
        &["ca", "rotate", "--yes", "--intermediate-only"],
    );
    let prev = r["previous_generation"].as_str().unwrap().to_string();
    let old_inter = format!("pki/ca/previous/{prev}/intermediate.crt");
    let r = check(
        &env,
        "revoke",
        &["revoke", "--yes", &old_inter, "--reason", "caCompromise"],
    );
    assert_eq!(r["revoked_intermediates"][0]["generation"], prev.as_str());
    check(&env, "ca-rotate", &["ca", "rotate", "--yes"]);
    check(&env, "ca-show", &["ca", "show"]);
    let list = check(&env, "cert-list", &["cert", "list", "--all"]);
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["revocation"]["reason"] == "caCompromise (issuer revoked)"));
    let r = check(&env, "ca-retire", &["ca", "retire", "--yes", &prev]);
    assert_eq!(r["intermediate_revoked"], true);

    // Shares and backups, with age custodians made by the age crate.
    env.write("secret", "s3cret\n");
    let split = check(
        &env,
        "key-split",
        &[
            "key",
            "split",
            "--threshold",
            "2",
            "--shares",
            "3",
            "secret",
        ],
    );
    let files: Vec<String> = split["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    check(
        &env,
        "key-combine",
        &["key", "combine", &files[0], &files[2], "--out", "restored"],
    );
    let (id_a, pub_a) = common::custodian(&env, "alice");
    let (id_b, pub_b) = common::custodian(&env, "bob");
    let ra = format!("{pub_a} alice");
    let rb = format!("{pub_b} bob");
    let init = check(
        &env,
        "backup-init",
        &[
            "backup",
            "init",
            "--threshold",
            "2",
            "--shares",
            "2",
            "--recipient",
            &ra,
            "--recipient",
            &rb,
            "--out",
            "bshares",
        ],
    );
    let shares: Vec<String> = init["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    check(
        &env,
        "backup-create",
        &["backup", "create", "--out", "b.age"],
    );
    check(
        &env,
        "backup-restore",
        &[
            "backup",
            "restore",
            "b.age",
            "--share",
            &shares[0],
            "--share",
            &shares[1],
            "-i",
            &id_a,
            "-i",
            &id_b,
            "--to",
            "restored-state",
        ],
    );

    // apply: first run, second run (unchanged), --check.
    let env2 = Env::new();
    let inv = env2.write(
        "inv.yaml",
        "cluster: other\nnodes:\n  - name: a1\n    role: gitaly\n    hosts: [a1.test]\nclients:\n  - name: b1\n    role: app\n",
    );
    let inv = inv.to_str().unwrap();
    check(&env2, "apply", &["apply", "--check", inv]);
    check(&env2, "apply", &["apply", inv]);
    check(&env2, "apply", &["apply", inv]);
    check(&env2, "apply", &["apply", "--check", inv]);
    // A staged roll, then a prune (with the certificates it replaced revoked).
    env2.run(&["--yes", "ca", "rotate"]).ok();
    check(&env2, "apply", &["apply", "--check", "--bundle-only", inv]);
    check(&env2, "apply", &["apply", "--bundle-only", inv]);
    std::fs::write(
        inv,
        "cluster: other\nnodes:\n  - name: a1\n    role: gitaly\n    hosts: [a1.test]\n    valid_for: 15m\n",
    )
    .unwrap();
    check(&env2, "apply", &["apply", "--check", "--prune", inv]);
    let v = check(&env2, "apply", &["apply", "--prune", "--revoke-old", inv]);
    assert_eq!(v["summary"]["pruned"], 1, "{v}");
    assert_eq!(v["pruned"][0]["name"], "b1", "{v}");
    let v = check(
        &env2,
        "cert-issue",
        &[
            "cert",
            "client",
            "c9",
            "--role",
            "app",
            "--valid-for",
            "1h30m",
        ],
    );
    assert_eq!(v["valid_for"], "1h30m");

    // probe and live verify against secctl's own server, and an unreachable target.
    let srv = Serve::start(&env, &["--name", "n1"]);
    let cert = "pki/certs/n1/n1.crt";
    let key = "pki/certs/n1/n1.key";
    check(
        &env,
        "probe",
        &["probe", &srv.addr, "--cert", cert, "--key", key],
    );
    let closed = format!("127.0.0.1:{}", free_port());
    check(
        &env,
        "probe",
        &["probe", &srv.addr, &closed, "--timeout", "2"],
    );
    // The authorization matrix: an HTTP path and a gRPC method, one role and no certificate.
    let role = String::from_utf8(
        std::process::Command::new("openssl")
            .args(["x509", "-noout", "-subject", "-nameopt", "multiline", "-in"])
            .arg(env.path(cert))
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .lines()
    .find_map(|l| {
        l.trim()
            .strip_prefix("organizationalUnitName")
            .map(|v| v.trim_start_matches([' ', '=']).trim().to_string())
    })
    .expect("n1 has an OU");
    let policy = env.write(
        "authz.yaml",
        &format!("authz:\n  - path: /x\n    roles: [{role}]\n  - path: /grpc.health.v1.Health/Check\n    roles: [{role}]\n"),
    );
    let v = check(
        &env,
        "probe",
        &[
            "probe",
            &srv.addr,
            "--authz",
            policy.to_str().unwrap(),
            "--as",
            &format!("{role}={cert},{key}"),
        ],
    );
    assert_eq!(v[0]["authz"].as_array().map(Vec::len), Some(4), "{v}");
    check(&env, "verify", &["verify", &srv.addr, "--host", "n1.test"]);

    // Name constraints and certificates signed from CSRs made by openssl.
    let env3 = Env::new();
    let init = check(
        &env3,
        "ca-init",
        &[
            "ca",
            "init",
            "--intermediate",
            "--permit-dns",
            "prod.example",
            "--permit-ip",
            "10.0.0.0/8",
            "--exclude-dns",
            "bad.prod.example",
        ],
    );
    assert!(!init["name_constraints"].is_null());
    let show = check(&env3, "ca-show", &["ca", "show"]);
    assert!(!show["name_constraints"]["intermediate"].is_null());
    let csr = |name: &str| {
        let p = env3.path(&format!("{name}.csr"));
        let r = common::tool(
            "openssl",
            &[
                "req",
                "-new",
                "-nodes",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-keyout",
                env3.path(&format!("{name}.key")).to_str().unwrap(),
                "-subj",
                &format!("/CN={name}"),
                "-out",
                p.to_str().unwrap(),
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        p.display().to_string()
    };
    let s1 = csr("s1");
    let signed = check(
        &env3,
        "cert-issue",
        &[
            "cert",
            "sign",
            &s1,
            "--role",
            "db",
            "--host",
            "s1.prod.example",
        ],
    );
    assert_eq!(signed["key_source"], "external");
    let s1b = csr("s1");
    check(&env3, "cert-renew", &["cert", "renew", "s1", "--csr", &s1b]);
    check(&env3, "cert-show", &["cert", "show", "s1"]);
    check(&env3, "cert-list", &["cert", "list"]);
    check(&env3, "ca-rotate", &["ca", "rotate", "--yes"]);

    // Every published schema was exercised.
    let published: BTreeSet<String> = std::fs::read_dir(schema_dir())
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "json").then(|| p.file_stem()?.to_str().map(String::from))?
        })
        .collect();
    assert_eq!(*USED.lock().unwrap(), published);
}

/// docs/json.md's complete probe document: every row of the code (`Row::ALL`, in order),
/// every field the schema allows and requires, and exactly what the classifier makes of
/// the field case it names today.
#[test]
fn the_probe_sample_in_docs_is_complete_and_what_the_code_emits() {
    use secctl::probe::case::Case;
    use secctl::probe::classify::classify;
    use secctl::probe::Row;

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/json.md")).unwrap();
    let marker = "<!-- probe-sample: ";
    let at = doc.find(marker).expect("docs/json.md has a probe sample");
    let rest = &doc[at + marker.len()..];
    let (stem, rest) = rest.split_once(" -->").unwrap();
    let body = rest
        .split_once("```json\n")
        .and_then(|(_, b)| b.split_once("\n```"))
        .map(|(b, _)| b)
        .expect("a ```json block after the marker");
    let sample: Value = serde_json::from_str(body).expect("the sample parses");
    if std::env::var_os("SECCTL_BLESS").is_some() {
        let case: Case = serde_json::from_str(
            &std::fs::read_to_string(root.join(format!("tests/probe_cases/{stem}.json"))).unwrap(),
        )
        .unwrap();
        let (transports, summary) = classify(&case.observations);
        // Rewrite the block from the classification (after a change of the rows).
        let report = vec![secctl::probe::TargetReport {
            target: sample[0]["target"].as_str().unwrap().to_string(),
            transports: transports.clone(),
            summary,
            differences: None,
            warnings: vec![],
            authz: None,
        }];
        let text = serde_json::to_string_pretty(&report).unwrap();
        let new_doc = doc.replacen(body, &text, 1);
        std::fs::write(root.join("docs/json.md"), new_doc).unwrap();
        return;
    }
    // The schema.
    let schema: Value =
        serde_json::from_slice(&std::fs::read(schema_dir().join("probe.json")).unwrap()).unwrap();
    let mut errs = vec![];
    validate(&schema, &sample, "$", &mut errs);
    assert!(errs.is_empty(), "{}", errs.join("\n"));
    // Every row, in the code's order.
    let rows = sample[0]["transports"].as_array().unwrap();
    let names: Vec<&str> = rows
        .iter()
        .map(|t| t["transport"].as_str().unwrap())
        .collect();
    let code: Vec<&str> = Row::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(
        names, code,
        "docs/json.md's sample lists every row in order"
    );
    // Every row has every required field; together they show every field a row of this
    // server has (paths, tls_versions, revoked_client_accepted among them).
    let row_schema = &schema["items"]["properties"]["transports"]["items"];
    let required: Vec<&str> = row_schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    for t in rows {
        for r in &required {
            assert!(t.get(*r).is_some(), "{r} missing from {t}");
        }
    }
    for shown in [
        "paths",
        "tls_versions",
        "cert_days_left",
        "revoked_client_accepted",
    ] {
        assert!(
            rows.iter().any(|t| t.get(shown).is_some()),
            "the sample shows no {shown}"
        );
    }
    // What the code emits for the case the sample names.
    let case: Case = serde_json::from_str(
        &std::fs::read_to_string(root.join(format!("tests/probe_cases/{stem}.json"))).unwrap(),
    )
    .unwrap();
    let (transports, summary) = classify(&case.observations);
    assert_eq!(
        sample[0]["transports"],
        serde_json::to_value(&transports).unwrap(),
        "docs/json.md's sample is not what the classifier makes of {stem}: regenerate it"
    );
    assert_eq!(sample[0]["summary"], serde_json::to_value(summary).unwrap());
    // The prose says how many rows.
    assert!(
        doc.contains(&format!("[{} rows]", Row::ALL.len())),
        "docs/json.md's row count"
    );
}
