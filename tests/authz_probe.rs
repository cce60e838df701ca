//! Issue #29: `probe --authz POLICY --as ROLE=CERT,KEY` and the inventory's `authz:` rules,
//! against a real server (`secctl serve --allow-role`), each cell confirmed by curl with
//! the same certificate in the same test (HTTP status; gRPC status from the answer's
//! headers and trailers).

mod common;

use common::{curl, serve_pki, tool, Env, Serve};

/// curl's answer to `path` on `addr` as the client `who` (None: no certificate): the HTTP
/// status, or for a gRPC call (`grpc`) the grpc-status.
fn truth(env: &Env, addr: &str, path: &str, who: Option<&str>, grpc: bool) -> u16 {
    let pki = env.pki();
    let ca = pki.join("ca.crt");
    let mut extra: Vec<String> = vec![
        "--cacert".into(),
        ca.to_str().unwrap().into(),
        "--http2".into(),
    ];
    if let Some(name) = who {
        let dir = pki.join("certs").join(name);
        extra.push("--cert".into());
        extra.push(dir.join(format!("{name}.crt")).to_str().unwrap().into());
        extra.push("--key".into());
        extra.push(dir.join(format!("{name}.key")).to_str().unwrap().into());
    }
    let url = format!("https://{}{path}", addr.replace("127.0.0.1", "localhost"));
    if !grpc {
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        return curl(&url, &extra).0;
    }
    let body = env.path("grpc-empty");
    std::fs::write(&body, [0u8; 5]).unwrap();
    let mut args: Vec<String> = vec![
        "--silent".into(),
        "--show-error".into(),
        "--max-time".into(),
        "10".into(),
        "--http2".into(),
        "-D".into(),
        "-".into(),
        "-o".into(),
        "/dev/null".into(),
        "-X".into(),
        "POST".into(),
        "-H".into(),
        "content-type: application/grpc".into(),
        "-H".into(),
        "te: trailers".into(),
        "--data-binary".into(),
        format!("@{}", body.display()),
    ];
    args.extend(extra);
    args.push(url);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // A server that refuses a call answers before it reads the message and resets the
    // stream; curl then sometimes loses the answer to the reset (exit 92). Asked again
    // without the message (the refusal is decided from the headers), it reads it.
    let without_body: Vec<&str> = args
        .iter()
        .filter(|a| **a != "--data-binary" && !a.starts_with('@'))
        .copied()
        .collect();
    let mut seen = Vec::new();
    for attempt in 0..4 {
        let r = tool("curl", if attempt < 2 { &args } else { &without_body });
        if let Some(code) = r
            .stdout
            .lines()
            .find_map(|l| l.strip_prefix("grpc-status:"))
            .and_then(|c| c.trim().parse().ok())
        {
            return code;
        }
        seen.push(format!("exit {}: {}", r.code, r.stderr.trim()));
    }
    panic!("no grpc-status from curl: {seen:?}")
}

/// How a status reads in the matrix (the probe's mapping, applied to curl's answer).
fn word(code: u16, grpc: bool) -> &'static str {
    match (grpc, code) {
        (true, 7 | 16) | (false, 401 | 403) => "deny",
        (true, 12) | (false, 404) => "absent",
        _ => "allow",
    }
}

fn as_args(env: &Env, who: &[(&str, &str)]) -> Vec<String> {
    let pki = env.pki();
    who.iter()
        .flat_map(|(role, name)| {
            let d = pki.join("certs").join(name);
            [
                "--as".to_string(),
                format!(
                    "{role}={},{}",
                    d.join(format!("{name}.crt")).display(),
                    d.join(format!("{name}.key")).display()
                ),
            ]
        })
        .collect()
}

const POLICY: &str = "authz:
  - path: /grpc.health.v1.Health/Check
    roles: [gitlab]
  - path: /repos
    roles: [gitlab]
  - path: /internal/*
    roles: [gitlab]
  - path: /gitaly.RepositoryService/*
    roles: [gitlab]
";

/// The matrix against a server that lets only gitlab in: every cell is what curl sees
/// with the same certificate, and agrees with a policy that says the same.
#[test]
fn the_matrix_is_what_curl_sees_and_agrees_with_the_policy() {
    let env = serve_pki();
    let s = Serve::start(&env, &["--name", "srv", "--allow-role", "gitlab"]);
    let policy = env.write("policy.yaml", POLICY);
    let mut args: Vec<String> = vec![
        "-o".into(),
        "json".into(),
        "probe".into(),
        s.addr.clone(),
        "--servername".into(),
        "localhost".into(),
        "--authz".into(),
        policy.to_str().unwrap().into(),
        "--strict".into(),
    ];
    args.extend(as_args(&env, &[("gitlab", "rails"), ("ops", "ops")]));
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = env.run(&a);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    let cells = v[0]["authz"].as_array().expect("authz cells");
    assert_eq!(cells.len(), 4 * 3, "{cells:?}");
    for c in cells {
        let path = c["called"].as_str().unwrap();
        let grpc = c["grpc"].as_bool().unwrap();
        let who = match c["role"].as_str() {
            Some("gitlab") => Some("rails"),
            Some("ops") => Some("ops"),
            None => None,
            other => panic!("role {other:?}"),
        };
        let code = truth(&env, &s.addr, path, who, grpc);
        assert_eq!(
            c["observed"].as_str().unwrap(),
            word(code, grpc),
            "{c} (curl: {code})"
        );
        assert_eq!(c["agrees"], true, "{c}");
        let expected = if c["role"] == "gitlab" {
            "allow"
        } else {
            "deny"
        };
        assert_eq!(c["expected"], expected, "{c}");
    }
    // The wildcard is probed under its prefix: gitlab meets "absent" (it got past
    // authorization), which agrees with a rule that allows it.
    let wild: Vec<_> = cells
        .iter()
        .filter(|c| c["path"] == "/internal/*")
        .collect();
    assert_eq!(wild[0]["called"], "/internal/secctl-authz-probe");
    // An unknown method under a gRPC wildcard: serve authorizes before it looks the method
    // up, so a role it does not let in is denied (7), not told the method is absent (12).
    let unknown: Vec<(&str, &str)> = cells
        .iter()
        .filter(|c| c["path"] == "/gitaly.RepositoryService/*")
        .map(|c| {
            (
                c["role"].as_str().unwrap_or("-"),
                c["observed"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        unknown,
        [("gitlab", "absent"), ("ops", "deny"), ("-", "deny")],
        "{cells:?}"
    );
    // The gRPC method was called as gRPC: its evidence is a grpc-status.
    let health = cells
        .iter()
        .find(|c| c["path"] == "/grpc.health.v1.Health/Check" && c["role"] == "gitlab")
        .unwrap();
    assert_eq!(health["evidence"], "grpc-status 0 OK");
}

/// A policy that lets one more role in than the server does: --strict exits 1, the JSON
/// has exactly that cell not agreeing, and the text names it.
#[test]
fn drift_is_one_cell_named() {
    let env = serve_pki();
    let s = Serve::start(&env, &["--name", "srv", "--allow-role", "gitlab"]);
    let policy = env.write(
        "policy.yaml",
        "authz:\n  - path: /repos\n    roles: [gitlab, ops]\n  - path: /grpc.health.v1.Health/Check\n    roles: [gitlab]\n",
    );
    let who = as_args(&env, &[("gitlab", "rails"), ("ops", "ops")]);
    let mut args: Vec<String> = vec![
        "probe".into(),
        s.addr.clone(),
        "--servername".into(),
        "localhost".into(),
        "--authz".into(),
        policy.to_str().unwrap().into(),
        "--strict".into(),
    ];
    args.extend(who);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let text = env.run(&a);
    assert_eq!(text.code, 1, "{}{}", text.stdout, text.stderr);
    assert!(
        text.stdout
            .contains("ops is denied on /repos; the policy allows gitlab, ops"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("1 of 6 authz cells differ"),
        "{}",
        text.stdout
    );
    let mut j = vec!["-o", "json"];
    j.extend(&a);
    let r = env.run(&j);
    assert_eq!(r.code, 1);
    let v = r.json();
    let differ: Vec<_> = v[0]["authz"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["agrees"] == false)
        .collect();
    assert_eq!(differ.len(), 1, "{differ:?}");
    assert_eq!(differ[0]["role"], "ops");
    assert_eq!(differ[0]["path"], "/repos");
    assert_eq!(differ[0]["observed"], "deny");
    assert_eq!(differ[0]["evidence"], "HTTP/2 403");
    // curl agrees that ops is refused there.
    assert_eq!(truth(&env, &s.addr, "/repos", Some("ops"), false), 403);

    // Two targets in one run (their matrices run side by side): each report has its own,
    // and only the server that lets ops in agrees on /repos for ops.
    let both = Serve::start(
        &env,
        &[
            "--name",
            "srv",
            "--allow-role",
            "gitlab",
            "--allow-role",
            "ops",
        ],
    );
    assert_eq!(truth(&env, &both.addr, "/repos", Some("ops"), false), 200);
    let mut two: Vec<&str> = vec!["-o", "json", "probe", &both.addr];
    two.extend(&a[1..]);
    let r = env.run(&two);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    let cell = |i: usize| {
        v[i]["authz"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["role"] == "ops" && c["path"] == "/repos")
            .cloned()
            .unwrap()
    };
    assert_eq!(v[0]["target"], both.addr.as_str());
    assert_eq!(cell(0)["observed"], "allow", "{v}");
    assert_eq!(cell(0)["agrees"], true, "{v}");
    assert_eq!(v[1]["target"], s.addr.as_str());
    assert_eq!(cell(1)["observed"], "deny", "{v}");
    assert_eq!(cell(1)["agrees"], false, "{v}");
}

/// Bad input: one line naming the file (and line) or the argument, exit 2, before anyone
/// is contacted (the target is a closed port: a probe would say "unreachable").
#[test]
fn bad_policy_and_callers_are_refused_before_probing() {
    let env = serve_pki();
    let port = common::free_port();
    let target = format!("127.0.0.1:{port}");
    let gl = as_args(&env, &[("gitlab", "rails")]);
    let ops_as_gitlab = as_args(&env, &[("gitlab", "ops")]);
    let run = |policy: &str, who: &[String]| {
        let f = env.write("p.yaml", policy);
        let mut a: Vec<String> = vec![
            "probe".into(),
            target.clone(),
            "--authz".into(),
            f.to_str().unwrap().into(),
        ];
        a.extend(who.iter().cloned());
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        env.run(&a)
    };
    run(
        "authz:\n  - path: /a\n    roles: [gitlab]\n    colour: red\n",
        &gl,
    )
    .usage_error(&["p.yaml", "line 4", "colour"]);
    run("authz:\n  - path: /a\n    roles: []\n", &gl).usage_error(&["p.yaml", "line 3"]);
    run("authz:\n  - path: a\n    roles: [gitlab]\n", &gl).usage_error(&[
        "p.yaml",
        "line 2",
        "must start with /",
    ]);
    run(
        "authz:\n  - path: /a\n    roles: [gitlab]\n  - path: /b\n    roles: [gitaly]\n",
        &gl,
    )
    .usage_error(&["p.yaml", "line 4", "\"gitaly\"", "no --as"]);
    run(
        "authz:\n  - path: /a\n    roles: [gitlab]\n",
        &ops_as_gitlab,
    )
    .usage_error(&["ops.crt", "holds role \"ops\", not \"gitlab\""]);
    run(
        "authz:\n  - path: /a\n    roles: [gitlab]\n",
        &["--as".into(), "gitlab".into()],
    )
    .usage_error(&["--as", "ROLE=CERT,KEY"]);
}

/// The inventory's `authz:` rules: each role calls with the certificate of an inventory
/// client of that role; a difference makes `probe --inventory` exit 1 and names the cell;
/// a role no client or node holds is refused with its line.
#[test]
fn inventory_authz_rules_are_checked_with_the_inventorys_clients() {
    let env = Env::new();
    let base = "\
cluster: Gitlab
nodes:
  - name: srv
    role: gitaly
    hosts: [localhost, 127.0.0.1]
clients:
  - name: rails
    role: gitlab
  - name: ops
    role: ops
";
    let inv = env.write("inv.yaml", base);
    env.run(&["apply", inv.to_str().unwrap()]).ok();
    let s = Serve::start(&env, &["--name", "srv", "--allow-role", "gitlab"]);
    let probe = |rules: &str| {
        let text = format!(
            "{base}probe:\n  - target: {}\n    servername: localhost\n    authz:\n{rules}",
            s.addr
        );
        let inv = env.write("inv.yaml", &text);
        env.run(&["-o", "json", "probe", "--inventory", inv.to_str().unwrap()])
    };
    let r = probe("      - path: /repos\n        roles: [gitlab]\n");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v[0]["differences"], serde_json::json!([]), "{v}");
    // Every role of the inventory (the policy's first, then clients' and nodes') and no
    // certificate.
    let cells = v[0]["authz"].as_array().unwrap();
    let roles: Vec<&serde_json::Value> = cells.iter().map(|c| &c["role"]).collect();
    assert_eq!(
        roles,
        [
            &serde_json::json!("gitlab"),
            &serde_json::json!("ops"),
            &serde_json::json!("gitaly"),
            &serde_json::Value::Null
        ],
        "{v}"
    );
    let r = probe("      - path: /repos\n        roles: [gitlab, ops]\n");
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(
        v[0]["differences"],
        serde_json::json!(["ops is denied on /repos; the policy allows gitlab, ops"])
    );
    probe("      - path: /repos\n        roles: [gitlab, praefect]\n").usage_error(&[
        "inv.yaml",
        "line 15",
        "\"praefect\"",
        "no client or node",
    ]);
}
