//! `probe --authz` (issue #29) against real servers that authorize by the role of the client
//! certificate (its OU): nginx (`map $ssl_client_s_dn`, per-location allow lists), haproxy
//! (`ssl_c_s_dn(OU)` ACLs) and a Gitaly-like python grpcio server
//! (`tests/peers/grpc_authz_server.py`, an authorizing generic handler). Every test first
//! takes the authorization matrix from the server's own client (curl, the python grpcio
//! client `tests/peers/grpc_authz_client.py`), role by role and path by path, asserts it is
//! the matrix the server was configured for, then asserts the probe's `authz` cells equal it
//! cell by cell (observed, expected, agrees, method, evidence), and what `--strict` says.
//!
//! The roles are `gitlab` (`rails`), `praefect` (`praefect1`) and `gitaly` (`gitaly1`), client
//! certificates of the Prod CA (with an intermediate) issued by the real binary.
//!
//! The tests with servers are ignored by plain `cargo test`, run by `.ci/run` (which installs
//! the servers) with `cargo test --test authz_servers -- --ignored`; the policy errors need
//! no server and run with plain `cargo test`.
#![allow(clippy::disallowed_macros)] // tests report the ground truth they took on stderr

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::peers::*;
use common::*;
use serde_json::Value;

// ---------------------------------------------------------------------------------------
// The policy

/// One rule of a policy, as the test writes it into POLICY.yaml.
#[derive(Clone, Copy, Debug)]
struct Rule {
    path: &'static str,
    /// `method:` of an HTTP rule (None: not written, GET).
    method: Option<&'static str>,
    roles: &'static [&'static str],
}

impl Rule {
    const fn new(path: &'static str, roles: &'static [&'static str]) -> Rule {
        Rule {
            path,
            method: None,
            roles,
        }
    }
    const fn post(path: &'static str, roles: &'static [&'static str]) -> Rule {
        Rule {
            path,
            method: Some("POST"),
            roles,
        }
    }
    fn grpc(&self) -> bool {
        // `/pkg.Service/Method`: the first segment names a service with its package.
        let rest = &self.path[1..];
        rest.split_once('/')
            .is_some_and(|(svc, _)| svc.contains('.') && !rest[svc.len() + 1..].contains('/'))
    }
    fn wildcard(&self) -> bool {
        self.path.ends_with("/*")
    }
    /// The method of the probe's call: the rule's, GET by default, POST for gRPC.
    fn call_method(&self) -> &'static str {
        if self.grpc() {
            "POST"
        } else {
            self.method.unwrap_or("GET")
        }
    }
    /// The path the probe calls (the contract's `probe_path()`).
    fn probe_path(&self) -> String {
        match self.path.strip_suffix('*') {
            Some(p) if self.grpc() => format!("{p}SecctlAuthzProbe"),
            Some(p) => format!("{p}secctl-authz-probe"),
            None => self.path.to_string(),
        }
    }
    /// What the policy expects for `role` (None: no certificate).
    fn expected(&self, role: Option<&str>) -> &'static str {
        match role {
            Some(r) if self.roles.contains(&r) => "allow",
            _ => "deny",
        }
    }
    /// Whether an observation agrees with the policy (absent is fine where a wildcard allows:
    /// the probe's name under the prefix is served by nobody).
    fn agrees(&self, role: Option<&str>, observed: &str) -> bool {
        let expected = self.expected(role);
        observed == expected || (self.wildcard() && expected == "allow" && observed == "absent")
    }
}

fn policy_yaml(rules: &[Rule]) -> String {
    let mut y = String::from("authz:\n");
    for r in rules {
        y.push_str(&format!("  - path: {}\n", r.path));
        if let Some(m) = r.method {
            y.push_str(&format!("    method: {m}\n"));
        }
        y.push_str(&format!("    roles: [{}]\n", r.roles.join(", ")));
    }
    y
}

/// The roles and the names of their certificates.
const ROLES: [(&str, &str); 3] = [
    ("gitlab", "rails"),
    ("praefect", "praefect1"),
    ("gitaly", "gitaly1"),
];

/// Every caller of a cell: each role, then no certificate.
fn callers() -> Vec<Option<&'static str>> {
    ROLES.iter().map(|(r, _)| Some(*r)).chain([None]).collect()
}

/// The HTTP policy nginx and haproxy are configured for: an exact path for two roles, an
/// exact POST-only path under a prefix whose wildcard rule allows another role.
const HTTP_POLICY: [Rule; 3] = [
    Rule::new("/api/v4/projects", &["gitlab", "praefect"]),
    Rule::post("/internal/allowed", &["gitaly"]),
    Rule::new("/internal/*", &["gitlab"]),
];

/// The gRPC policy of the Gitaly-like server.
const GRPC_POLICY: [Rule; 4] = [
    Rule::new(
        "/gitaly.RepositoryService/RepositoryExists",
        &["praefect", "gitlab"],
    ),
    Rule::new("/gitaly.RepositoryService/*", &["praefect"]),
    Rule::new("/praefect.RefTransaction/VoteTransaction", &["gitaly"]),
    Rule::new("/praefect.RefTransaction/*", &["gitaly"]),
];

// ---------------------------------------------------------------------------------------
// The PKI

/// The interop PKI (Prod CA with an intermediate, server `srv`, `rails` as gitlab, ...) plus
/// `praefect1` (praefect) and `gitaly1` (gitaly), all issued by the real binary.
fn role_pki() -> Pki {
    let pki = Pki::new();
    for (role, name) in &ROLES[1..] {
        pki.env.run(&["cert", "client", name, "--role", role]).ok();
    }
    for (role, name) in ROLES {
        let crt = pki.file(name, "crt");
        let r = tool(
            "openssl",
            &[
                "x509",
                "-in",
                &crt,
                "-noout",
                "-subject",
                "-ext",
                "subjectAltName",
            ],
        )
        .ok();
        assert!(
            r.stdout.contains(&format!("OU = {role}"))
                && r.stdout.contains(&format!("/{role}/{name}")),
            "{name}: {}",
            r.stdout
        );
    }
    pki
}

fn cert_of(pki: &Pki, role: &str) -> (String, String) {
    let name = ROLES.iter().find(|(r, _)| *r == role).unwrap().1;
    (pki.file(name, "crt"), pki.file(name, "key"))
}

// ---------------------------------------------------------------------------------------
// Ground truth

/// What the server's own client saw of one cell: allow, deny, absent or not-checked, and
/// what it saw (`HTTP 403`, `grpc-status 7 PERMISSION_DENIED`, a TLS refusal).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Obs {
    observed: &'static str,
    evidence: String,
    /// The HTTP status or the grpc status code (None: no answer).
    code: Option<u16>,
    /// The call was refused at the TLS handshake.
    tls_refusal: bool,
}

/// The ground truth of a server: (rule path, role) -> what the client saw.
type Truth = BTreeMap<(String, Option<String>), Obs>;

/// The contract's HTTP mapping of a status (curl's: 0 when no answer).
fn http_obs(status: u16, err: &str) -> Obs {
    let observed = match status {
        400 | 401 | 403 | 495 | 496 => "deny",
        404 => "absent",
        0 if err.contains("alert") || err.contains("handshake") => "deny",
        0 => "not-checked",
        _ => "allow",
    };
    Obs {
        observed,
        evidence: if status == 0 {
            err.trim().to_string()
        } else {
            format!("HTTP {status}")
        },
        code: (status != 0).then_some(status),
        tls_refusal: status == 0 && observed == "deny",
    }
}

/// curl `METHOD https://localhost:PORT{path}` (127.0.0.1) as `role` (None: no certificate)
/// over HTTP/1.1 or HTTP/2 only: (status, curl's error message); status 0 without answer.
fn curl_call(
    pki: &Pki,
    port: u16,
    method: &str,
    path: &str,
    role: Option<&str>,
    h2: bool,
) -> (u16, String) {
    let url = format!("https://localhost:{port}{path}");
    let resolve = format!("localhost:{port}:127.0.0.1");
    let ca = pki.ca();
    let mut args: Vec<String> = [
        "--silent",
        "--show-error",
        "--max-time",
        "10",
        "--output",
        "/dev/null",
        "--write-out",
        "%{http_code}",
        "--resolve",
        &resolve,
        "--cacert",
        &ca,
        "--request",
        method,
        if h2 { "--http2" } else { "--http1.1" },
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if method == "POST" {
        args.extend(["--header".into(), "Content-Length: 0".into()]);
    }
    if let Some(r) = role {
        let (c, k) = cert_of(pki, r);
        args.extend(["--cert".into(), c, "--key".into(), k]);
    }
    args.push(url);
    let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    let r = tool("curl", &a);
    (r.stdout.trim().parse().unwrap_or(0), r.stderr)
}

/// curl's matrix of `rules`: every rule's probe path with its method, as every role and
/// without a certificate, over HTTP/1.1 (the truth) and HTTP/2 (which must answer the same
/// status wherever it answers).
fn curl_truth(pki: &Pki, port: u16, rules: &[Rule]) -> Truth {
    let mut t = Truth::new();
    for rule in rules {
        for role in callers() {
            let path = rule.probe_path();
            let (s1, e1) = curl_call(pki, port, rule.call_method(), &path, role, false);
            let (s2, e2) = curl_call(pki, port, rule.call_method(), &path, role, true);
            assert!(
                s2 == s1 || s2 == 0 && s1 == 0,
                "ground truth: curl {} {path} as {role:?}: HTTP/1.1 {s1} ({e1}) but HTTP/2 {s2} ({e2})",
                rule.call_method()
            );
            t.insert(
                (rule.path.to_string(), role.map(str::to_string)),
                http_obs(s1, &e1),
            );
        }
    }
    t
}

/// The python grpcio client's matrix of `rules`: each role calls every rule's probe path.
/// Without a certificate the handshake is refused: the client sees UNAVAILABLE (the server
/// closes without an alert), and the server's log says why.
fn grpc_truth(pki: &Pki, server: &Peer, rules: &[Rule]) -> Truth {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/grpc_authz_client.py");
    let mut t = Truth::new();
    for role in callers() {
        let (c, k) = role.map_or(("-".into(), "-".into()), |r| cert_of(pki, r));
        let mut cmd = Command::new("timeout");
        cmd.args(["60", PY])
            .arg(&script)
            .args([&server.port.to_string(), &pki.ca(), &c, &k]);
        for r in rules {
            cmd.arg(r.probe_path());
        }
        let out = to_run(cmd.stdin(std::process::Stdio::null()).output().unwrap());
        let v: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "ground truth: grpc client as {role:?}: {e}: {} {}",
                out.stdout, out.stderr
            )
        });
        for r in rules {
            let a = &v[r.probe_path()];
            let code = a["code"].as_u64().unwrap() as u16;
            let name = a["name"].as_str().unwrap().to_string();
            let details = a["details"].as_str().unwrap_or("");
            let refused = code == 14 && server.log().contains("peer did not return a certificate");
            let observed = match code {
                7 | 16 => "deny",
                12 => "absent",
                14 if refused => "deny",
                14 | 4 => "not-checked",
                _ => "allow",
            };
            t.insert(
                (r.path.to_string(), role.map(str::to_string)),
                Obs {
                    observed,
                    evidence: if refused {
                        format!("TLS refusal ({details})")
                    } else {
                        format!("grpc-status {code} {name}")
                    },
                    code: (!refused).then_some(code),
                    tls_refusal: refused,
                },
            );
        }
    }
    t
}

/// The matrix, one line per rule, for the test's output and failure messages.
fn truth_text(name: &str, rules: &[Rule], t: &Truth) -> String {
    let mut s = format!("{name}:\n");
    for r in rules {
        s.push_str(&format!("  {:4} {:45}", r.call_method(), r.path));
        for role in callers() {
            let o = &t[&(r.path.to_string(), role.map(str::to_string))];
            let code = o.code.map_or("tls".to_string(), |c| c.to_string());
            s.push_str(&format!(
                " {}={}({code})",
                role.unwrap_or("none"),
                o.observed
            ));
        }
        s.push('\n');
    }
    s
}

/// Assert the ground truth is `want`: per rule, the observations of gitlab, praefect,
/// gitaly and no certificate (the server does what the test configured).
fn assert_truth(name: &str, rules: &[Rule], t: &Truth, want: &[[&str; 4]]) {
    let text = truth_text(name, rules, t);
    eprintln!("ground truth of {text}");
    for (r, w) in rules.iter().zip(want) {
        for (role, w) in callers().into_iter().zip(w) {
            let o = &t[&(r.path.to_string(), role.map(str::to_string))];
            assert_eq!(
                o.observed, *w,
                "ground truth of {name}: {} as {role:?}: {o:?}\n{text}",
                r.path
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// The probe

/// `secctl probe 127.0.0.1:PORT --ca CA --servername localhost --timeout 3 --authz POLICY
/// --as ROLE=CERT,KEY` for every role, and `extra`.
fn probe_args(pki: &Pki, port: u16, policy: &Path, extra: &[&str]) -> Vec<String> {
    let mut more = vec!["--authz".to_string(), policy.display().to_string()];
    for (role, _) in ROLES {
        let (c, k) = cert_of(pki, role);
        more.extend(["--as".into(), format!("{role}={c},{k}")]);
    }
    let more: Vec<&str> = more.iter().map(String::as_str).collect();
    live_args(pki, port, Id::NoCert, &more, extra)
}

fn write_policy(pki: &Pki, name: &str, rules: &[Rule]) -> std::path::PathBuf {
    pki.env.write(name, &policy_yaml(rules))
}

/// `-o json probe ... --authz`: exit code and the first target's `authz` cells.
fn probe_cells(pki: &Pki, port: u16, policy: &Path) -> (i32, Vec<Value>) {
    let a = probe_args(pki, port, policy, &[]);
    let a: Vec<&str> = a.iter().map(|s| s.as_str()).collect();
    let (code, target) = probe_json(&pki.env, &a);
    let cells = target["authz"]
        .as_array()
        .unwrap_or_else(|| panic!("no `authz` array in the target report: {target}"))
        .clone();
    (code, cells)
}

fn cell_text(c: &Value) -> String {
    format!(
        "{} {} as {}: expected {} observed {} agrees {} ({})",
        c["method"].as_str().unwrap_or("?"),
        c["path"].as_str().unwrap_or("?"),
        c["role"].as_str().unwrap_or("<no certificate>"),
        c["expected"],
        c["observed"],
        c["agrees"],
        c["evidence"].as_str().unwrap_or("?")
    )
}

/// Every difference between the probe's cells and the ground truth, one message each: one
/// cell per rule and caller (its `path` the rule's path or the name the probe called under a
/// wildcard), its method, the policy's expectation, the observation and its evidence, and
/// whether it agrees.
fn compare(rules: &[Rule], cells: &[Value], truth: &Truth) -> Vec<String> {
    let mut bad = Vec::new();
    let want = rules.len() * callers().len();
    if cells.len() != want {
        bad.push(format!(
            "{} cells, want {want} ({} rules x {} roles and no certificate)",
            cells.len(),
            rules.len(),
            ROLES.len()
        ));
    }
    for rule in rules {
        for role in callers() {
            let who = role.unwrap_or("<no certificate>");
            let ctx = format!("{} as {who}", rule.path);
            let found: Vec<&Value> = cells
                .iter()
                .filter(|c| {
                    let p = c["path"].as_str().unwrap_or("");
                    (p == rule.path || p == rule.probe_path()) && c["role"].as_str() == role
                })
                .collect();
            let c = match found.as_slice() {
                [c] => *c,
                [] => {
                    bad.push(format!("{ctx}: no cell"));
                    continue;
                }
                many => {
                    bad.push(format!("{ctx}: {} cells", many.len()));
                    continue;
                }
            };
            // `called` (beyond the contract): the name the probe called.
            if let Some(called) = c.get("called") {
                if *called != rule.probe_path() {
                    bad.push(format!(
                        "{ctx}: called {called}, want {}",
                        rule.probe_path()
                    ));
                }
            }
            if role.is_none() && !c["role"].is_null() {
                bad.push(format!("{ctx}: role is {}, want null", c["role"]));
            }
            let t = &truth[&(rule.path.to_string(), role.map(str::to_string))];
            let expected = rule.expected(role);
            let agrees = rule.agrees(role, t.observed);
            let mut want = |what: &str, ok: bool, wanted: String| {
                if !ok {
                    bad.push(format!(
                        "{ctx}: {what}: the probe's cell is [{}], want {wanted}",
                        cell_text(c)
                    ));
                }
            };
            want(
                "method",
                c["method"] == rule.call_method(),
                rule.call_method().into(),
            );
            want(
                "expected",
                c["expected"] == expected,
                format!("expected {expected}"),
            );
            want(
                "observed",
                c["observed"] == t.observed,
                format!("observed {} like the client ({})", t.observed, t.evidence),
            );
            want("agrees", c["agrees"] == agrees, format!("agrees {agrees}"));
            // The probe's own cell is consistent, whatever it observed.
            if let (Some(o), Some(a)) = (c["observed"].as_str(), c["agrees"].as_bool()) {
                want(
                    "agrees of its own observation",
                    a == rule.agrees(role, o),
                    format!("agrees {}", rule.agrees(role, o)),
                );
            }
            let ev = c["evidence"].as_str().unwrap_or("");
            let ev_ok = match t.code {
                _ if t.tls_refusal => {
                    !ev.is_empty() && !ev.starts_with("HTTP") && !ev.starts_with("grpc-status")
                }
                Some(code) if rule.grpc() => ev.contains(&format!("grpc-status {code}")),
                Some(code) => ev.starts_with("HTTP/") && ev.contains(&format!(" {code}")),
                None => true,
            };
            want("evidence", ev_ok, format!("evidence of {}", t.evidence));
        }
    }
    bad
}

/// Run the probe and compare (cells, `--strict`) with the ground truth; `drift`: the one
/// (path, role) the server allows against the policy.
fn check_probe(
    name: &str,
    pki: &Pki,
    port: u16,
    rules: &[Rule],
    truth: &Truth,
    drift: Option<(&str, &str)>,
) {
    let policy = write_policy(pki, &format!("{}.yaml", name.replace(' ', "-")), rules);
    let (code, cells) = probe_cells(pki, port, &policy);
    let text: Vec<String> = cells.iter().map(cell_text).collect();
    eprintln!("probe of {name} (exit {code}):\n  {}", text.join("\n  "));
    let mut bad = compare(rules, &cells, truth);
    if code != 0 {
        bad.push(format!("probe without --strict exited {code}"));
    }
    // The ground truth disagrees with the policy exactly at the drift.
    let disagree: Vec<(String, Option<String>)> = rules
        .iter()
        .flat_map(|r| {
            callers().into_iter().filter_map(move |role| {
                let o = &truth[&(r.path.to_string(), role.map(str::to_string))];
                (!r.agrees(role, o.observed))
                    .then(|| (r.path.to_string(), role.map(str::to_string)))
            })
        })
        .collect();
    let want: Vec<(String, Option<String>)> = drift
        .map(|(p, r)| (p.to_string(), Some(r.to_string())))
        .into_iter()
        .collect();
    assert_eq!(
        disagree,
        want,
        "ground truth of {name}: the cells that disagree with the policy\n{}",
        truth_text(name, rules, truth)
    );
    let false_cells: Vec<&Value> = cells.iter().filter(|c| c["agrees"] == false).collect();
    if false_cells.len() != want.len() {
        bad.push(format!(
            "{} cells with agrees false, want {}: {:?}",
            false_cells.len(),
            want.len(),
            false_cells.iter().map(|c| cell_text(c)).collect::<Vec<_>>()
        ));
    }
    // --strict: exit 1 exactly when a cell disagrees (the servers enforce mTLS, serve no
    // plaintext, present a trusted chain: no other strict finding), naming each such cell
    // on stderr; in text and in JSON (where stdout stays the JSON document).
    for json in [false, true] {
        let a = probe_args(pki, port, &policy, &["--strict"]);
        let mut args: Vec<&str> = if json { vec!["-o", "json"] } else { vec![] };
        args.push("probe");
        args.extend(a.iter().map(|s| s.as_str()));
        let r = pki.env.run(&args);
        let mode = if json {
            "-o json probe --strict"
        } else {
            "probe --strict"
        };
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        eprintln!(
            "{mode} of {name}: exit {}\nstdout:\n{}stderr:\n{}",
            r.code,
            if json { "(JSON)\n" } else { &r.stdout },
            r.stderr
        );
        let want_code = if drift.is_some() { 1 } else { 0 };
        if r.code != want_code {
            bad.push(format!(
                "{mode} exited {}, want {want_code}: {}",
                r.code, r.stderr
            ));
        }
        if json {
            match serde_json::from_str::<Value>(&r.stdout) {
                Ok(v) => {
                    let n = v[0]["authz"]
                        .as_array()
                        .map_or(0, |c| c.iter().filter(|c| c["agrees"] == false).count());
                    if n != usize::from(drift.is_some()) {
                        bad.push(format!("{mode}: {n} cells with agrees false"));
                    }
                }
                Err(e) => bad.push(format!("{mode}: stdout is not JSON ({e})")),
            }
        }
        strict_names(mode, &r, rules, drift, &mut bad);
    }
    assert!(
        bad.is_empty(),
        "{name}: the probe differs from the ground truth:\n{}\n{}",
        bad.join("\n"),
        truth_text(name, rules, truth)
    );
}

/// What `--strict` said of the disagreeing cells: exactly one stderr line naming the drift's
/// role, its path (or the name called under it) and the roles the policy allows; no line
/// naming a rule's path without a drift.
fn strict_names(
    mode: &str,
    r: &Run,
    rules: &[Rule],
    drift: Option<(&str, &str)>,
    bad: &mut Vec<String>,
) {
    let names_a_rule = |l: &str| {
        rules
            .iter()
            .any(|ru| l.contains(ru.path) || l.contains(&ru.probe_path()))
    };
    let named: Vec<&str> = r.stderr.lines().filter(|l| names_a_rule(l)).collect();
    // Where the message went instead (text mode prints the matrix on stdout).
    let elsewhere: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| names_a_rule(l) && l.contains("the policy allows"))
        .collect();
    match drift {
        Some((path, role)) => {
            let rule = rules.iter().find(|r| r.path == path).unwrap();
            let ok = named.len() == 1
                && named[0].contains(role)
                && (named[0].contains(path) || named[0].contains(&rule.probe_path()))
                && rule.roles.iter().all(|r| named[0].contains(r));
            if !ok {
                bad.push(format!(
                    "{mode}: stderr names {named:?}, want one line naming {role} on {path} and \
                     the roles the policy allows ({:?}); stdout has {elsewhere:?}",
                    rule.roles
                ));
            }
        }
        None => {
            if !named.is_empty() {
                bad.push(format!("{mode}: stderr names cells: {named:?}"));
            }
        }
    }
}

fn need(progs: &[&str]) {
    for p in progs {
        assert!(installed(p), "{p} is not installed: see .ci/run");
    }
}

// ---------------------------------------------------------------------------------------
// nginx

/// nginx with `ssl_verify_client on` (TLS only, HTTP/2 too), the role the OU of the verified
/// client certificate, and per-location allow lists (one `map` of the role per location):
/// `= /api/v4/projects` (`projects`), `= /internal/allowed` (`allowed`, POST only: 405 for
/// other methods), `/internal/` (`internal`, files under DIR/www/internal: 404 for a name
/// that is not there). `allow` maps a location to its allowed roles.
fn nginx_authz(pki: &Pki, name: &str, allow: &[(&str, &[&str])]) -> Peer {
    let dir = pki.dir(name);
    let www = dir.join("www/internal");
    std::fs::create_dir_all(&www).unwrap();
    std::fs::write(www.join("check"), "check\n").unwrap();
    let d = dir.display().to_string();
    let maps: String = allow
        .iter()
        .map(|(loc, roles)| {
            let rs: String = roles.iter().map(|r| format!(" {r} 1;")).collect();
            format!(" map $role $may_{loc} {{ default 0;{rs} }}\n")
        })
        .collect();
    let (crt, key, ca) = (pki.srv_crt(), pki.srv_key(), pki.ca());
    let bin = nginx_bin().expect("nginx is not installed (apt-get install nginx)");
    launch("nginx", &dir, &["error.log"], move |port| {
        let conf = format!(
            "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log {d}/error.log info;\n\
             events {{ worker_connections 64; }}\n\
             http {{\n access_log off;\n client_body_temp_path {d}/body;\n proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fcgi;\n uwsgi_temp_path {d}/uwsgi;\n scgi_temp_path {d}/scgi;\n\
             # The role: the OU of the verified client certificate (RFC 2253 subject).\n\
             map $ssl_client_s_dn $role {{ default \"\"; \"~(^|,)OU=(?<ou>[^,]+)(,|$)\" $ou; }}\n\
             {maps}\
             server {{\n  listen 127.0.0.1:{port} ssl http2;\n  ssl_certificate {crt};\n  \
             ssl_certificate_key {key};\n  ssl_client_certificate {ca};\n  ssl_verify_depth 3;\n  \
             ssl_verify_client on;\n  root {d}/www;\n\
             location = /api/v4/projects {{ if ($may_projects = 0) {{ return 403; }} return 200 \"projects for $role\\n\"; }}\n\
             location = /internal/allowed {{ if ($may_allowed = 0) {{ return 403; }} \
             if ($request_method != POST) {{ return 405; }} return 200 \"allowed for $role\\n\"; }}\n\
             location /internal/ {{ if ($may_internal = 0) {{ return 403; }} }}\n\
             location / {{ return 404; }}\n }}\n}}\n"
        );
        let conf_path = format!("{d}/nginx.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let mut c = Command::new(&bin);
        c.args(["-p", &d, "-e", &format!("{d}/error.log"), "-c", &conf_path]);
        c
    })
}

/// The matrix of HTTP_POLICY as nginx enforces it: without a certificate nginx answers 400
/// ("No required SSL certificate was sent") over TLS.
const NGINX_TRUTH: [[&str; 4]; 3] = [
    // gitlab, praefect, gitaly, none
    ["allow", "allow", "deny", "deny"],
    ["deny", "deny", "allow", "deny"],
    ["absent", "deny", "deny", "deny"],
];

#[test]
#[ignore = "needs nginx and curl (apt-get install nginx curl); run by .ci/run"]
fn nginx_per_location_roles() {
    need(&["nginx", "curl", "openssl"]);
    let pki = role_pki();
    let n = nginx_authz(
        &pki,
        "nginx",
        &[
            ("projects", &["gitlab", "praefect"]),
            ("allowed", &["gitaly"]),
            ("internal", &["gitlab"]),
        ],
    );
    let t = curl_truth(&pki, n.port, &HTTP_POLICY);
    assert_truth("nginx", &HTTP_POLICY, &t, &NGINX_TRUTH);
    // The file under the prefix is served to gitlab alone; GET on the POST-only path is
    // refused with 405 to gitaly (authorized), 403 to the others.
    for (role, want) in [("gitlab", 200), ("praefect", 403), ("gitaly", 403)] {
        let (s, e) = curl_call(&pki, n.port, "GET", "/internal/check", Some(role), false);
        assert_eq!(s, want, "ground truth: GET /internal/check as {role}: {e}");
    }
    for (role, want) in [("gitlab", 403), ("praefect", 403), ("gitaly", 405)] {
        let (s, e) = curl_call(&pki, n.port, "GET", "/internal/allowed", Some(role), false);
        assert_eq!(
            s, want,
            "ground truth: GET /internal/allowed as {role}: {e}"
        );
    }
    check_probe("nginx", &pki, n.port, &HTTP_POLICY, &t, None);
}

#[test]
#[ignore = "needs nginx and curl (apt-get install nginx curl); run by .ci/run"]
fn nginx_drift_one_extra_role() {
    need(&["nginx", "curl", "openssl"]);
    let pki = role_pki();
    // The same server with praefect also allowed on /internal/allowed.
    let n = nginx_authz(
        &pki,
        "nginx-drift",
        &[
            ("projects", &["gitlab", "praefect"]),
            ("allowed", &["gitaly", "praefect"]),
            ("internal", &["gitlab"]),
        ],
    );
    let t = curl_truth(&pki, n.port, &HTTP_POLICY);
    let mut want = NGINX_TRUTH;
    want[1][1] = "allow";
    assert_truth("nginx with drift", &HTTP_POLICY, &t, &want);
    check_probe(
        "nginx with drift",
        &pki,
        n.port,
        &HTTP_POLICY,
        &t,
        Some(("/internal/allowed", "praefect")),
    );
}

/// nginx configured by `secctl authz nginx` from the policy itself (`ssl_verify_client
/// optional`: the rendered locations answer 401 without a verified certificate): curl's
/// ground truth is the policy, cell for cell, and the probe finds no drift.
#[test]
#[ignore = "needs nginx and curl (apt-get install nginx curl); run by .ci/run"]
fn nginx_rendered_by_secctl_enforces_the_policy() {
    need(&["nginx", "curl", "openssl"]);
    let pki = role_pki();
    let policy = write_policy(&pki, "rendered.yaml", &HTTP_POLICY);
    let part = |p: &str| {
        pki.env
            .run(&[
                "authz",
                "nginx",
                policy.to_str().unwrap(),
                "--pass",
                "return 200 \"ok\\n\";",
                "--part",
                p,
            ])
            .ok()
            .stdout
    };
    let (http, server) = (part("http"), part("server"));
    assert!(http.contains("map $ssl_client_s_dn $secctl_role"), "{http}");
    let dir = pki.dir("nginx-rendered");
    let d = dir.display().to_string();
    let (crt, key, ca) = (pki.srv_crt(), pki.srv_key(), pki.ca());
    let bin = nginx_bin().expect("nginx is not installed (apt-get install nginx)");
    let n = launch("nginx", &dir, &["error.log"], move |port| {
        let conf = format!(
            "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log {d}/error.log info;\n\
             events {{ worker_connections 64; }}\n\
             http {{\n access_log off;\n client_body_temp_path {d}/body;\n proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fcgi;\n uwsgi_temp_path {d}/uwsgi;\n scgi_temp_path {d}/scgi;\n\
             {http}\n\
             server {{\n  listen 127.0.0.1:{port} ssl http2;\n  ssl_certificate {crt};\n  \
             ssl_certificate_key {key};\n  ssl_client_certificate {ca};\n  ssl_verify_depth 3;\n  \
             ssl_verify_client optional;\n{server}\n }}\n}}\n"
        );
        let conf_path = format!("{d}/nginx.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let mut c = Command::new(&bin);
        c.args(["-p", &d, "-e", &format!("{d}/error.log"), "-c", &conf_path]);
        c
    });
    let t = curl_truth(&pki, n.port, &HTTP_POLICY);
    // Exactly the policy: each role allowed where listed (200: the rendered locations pass
    // every method), denied elsewhere; no certificate: 401.
    assert_truth(
        "nginx rendered",
        &HTTP_POLICY,
        &t,
        &[
            ["allow", "allow", "deny", "deny"],
            ["deny", "deny", "allow", "deny"],
            ["allow", "deny", "deny", "deny"],
        ],
    );
    let (s, e) = curl_call(
        &pki,
        n.port,
        "GET",
        "/not/in/the/policy",
        Some("gitlab"),
        false,
    );
    assert_eq!(s, 403, "a path no rule covers: {e}");
    check_probe("nginx rendered", &pki, n.port, &HTTP_POLICY, &t, None);
}

// ---------------------------------------------------------------------------------------
// haproxy

/// haproxy with `verify required` (TLS 1.3: a client without a certificate gets the
/// certificate_required alert) and ACLs on `ssl_c_s_dn(OU)`: per path, `http-request deny`
/// (403) unless the OU is allowed, then `http-request return` (200 on the exact paths, 405
/// on /internal/allowed for a method but POST, 200 for the file /internal/check, 404 for
/// anything else). `internal`: the roles allowed under /internal/.
fn haproxy_authz(pki: &Pki, name: &str, internal: &[&str]) -> Peer {
    let under: String = internal.iter().map(|r| format!(" !as_{r}")).collect();
    haproxy(
        pki,
        name,
        &format!(
            "frontend fe\n  mode http\n  bind 127.0.0.1:@PORT@ ssl crt @CRT@ ca-file @CA@ \
             verify required alpn h2,http/1.1\n\
             acl as_gitlab ssl_c_s_dn(OU) -m str gitlab\n\
             acl as_praefect ssl_c_s_dn(OU) -m str praefect\n\
             acl as_gitaly ssl_c_s_dn(OU) -m str gitaly\n\
             acl at_projects path /api/v4/projects\n\
             acl at_allowed path /internal/allowed\n\
             acl under_internal path_beg /internal/\n\
             http-request deny if at_projects !as_gitlab !as_praefect\n\
             http-request return status 200 content-type text/plain string projects if at_projects\n\
             http-request deny if at_allowed !as_gitaly\n\
             http-request return status 405 if at_allowed !METH_POST\n\
             http-request return status 200 content-type text/plain string allowed if at_allowed\n\
             http-request deny if under_internal{under}\n\
             http-request return status 200 content-type text/plain string check if {{ path /internal/check }}\n\
             http-request return status 404\n"
        ),
    )
}

/// The matrix of HTTP_POLICY as haproxy enforces it: without a certificate, the handshake.
const HAPROXY_TRUTH: [[&str; 4]; 3] = [
    ["allow", "allow", "deny", "deny"],
    ["deny", "deny", "allow", "deny"],
    ["absent", "deny", "deny", "deny"],
];

#[test]
#[ignore = "needs haproxy and curl (apt-get install haproxy curl); run by .ci/run"]
fn haproxy_ou_acls() {
    need(&["haproxy", "curl", "openssl"]);
    let pki = role_pki();
    let h = haproxy_authz(&pki, "haproxy", &["gitlab"]);
    let t = curl_truth(&pki, h.port, &HTTP_POLICY);
    assert_truth("haproxy", &HTTP_POLICY, &t, &HAPROXY_TRUTH);
    for r in HTTP_POLICY {
        let o = &t[&(r.path.to_string(), None)];
        assert!(
            o.tls_refusal && o.evidence.contains("certificate required"),
            "ground truth: haproxy refuses a client without a certificate at the handshake: {o:?}"
        );
    }
    for (role, want) in [("gitlab", 200), ("praefect", 403), ("gitaly", 403)] {
        let (s, e) = curl_call(&pki, h.port, "GET", "/internal/check", Some(role), false);
        assert_eq!(s, want, "ground truth: GET /internal/check as {role}: {e}");
    }
    for (role, want) in [("gitlab", 403), ("praefect", 403), ("gitaly", 405)] {
        let (s, e) = curl_call(&pki, h.port, "GET", "/internal/allowed", Some(role), false);
        assert_eq!(
            s, want,
            "ground truth: GET /internal/allowed as {role}: {e}"
        );
    }
    check_probe("haproxy", &pki, h.port, &HTTP_POLICY, &t, None);
}

/// A role the policy denies under a wildcard is let through by the server: the name the
/// probe calls under the prefix is not found (404, `absent`), which excuses only an allowed
/// role: the cell disagrees.
#[test]
#[ignore = "needs haproxy and curl (apt-get install haproxy curl); run by .ci/run"]
fn haproxy_drift_under_a_wildcard() {
    need(&["haproxy", "curl", "openssl"]);
    let pki = role_pki();
    let h = haproxy_authz(&pki, "haproxy-drift", &["gitlab", "praefect"]);
    let t = curl_truth(&pki, h.port, &HTTP_POLICY);
    let mut want = HAPROXY_TRUTH;
    want[2][1] = "absent";
    assert_truth("haproxy with drift", &HTTP_POLICY, &t, &want);
    check_probe(
        "haproxy with drift",
        &pki,
        h.port,
        &HTTP_POLICY,
        &t,
        Some(("/internal/*", "praefect")),
    );
}

// ---------------------------------------------------------------------------------------
// python grpcio, Gitaly-like

/// python3-grpcio for Debian's python.
fn need_grpcio() {
    let r = tool(PY, &["-c", "import grpc"]);
    assert_eq!(
        r.code, 0,
        "python3-grpcio is not installed: see .ci/run: {}",
        r.stderr
    );
}

/// tests/peers/grpc_authz_server.py, a client certificate required, authorizing by `rules`.
fn grpcio_authz(pki: &Pki, name: &str, rules: &[Rule]) -> Peer {
    let dir = pki.dir(name);
    let map: serde_json::Map<String, Value> = rules
        .iter()
        .map(|r| (r.path.to_string(), Value::from(r.roles.to_vec())))
        .collect();
    let rules_file = dir.join("rules.json");
    std::fs::write(&rules_file, Value::Object(map).to_string()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/grpc_authz_server.py");
    let (crt, key, ca) = (pki.srv_crt(), pki.srv_key(), pki.ca());
    launch("grpcio", &dir, &[], move |port| {
        let mut c = Command::new(PY);
        c.arg(&script)
            .args(["serve", &port.to_string(), &crt, &key, &ca])
            .arg(&rules_file);
        c
    })
}

/// The matrix of GRPC_POLICY as the server enforces it: RepositoryExists answers
/// INVALID_ARGUMENT to an allowed role (an empty request names no repository),
/// VoteTransaction OK, the probe's name under a service UNIMPLEMENTED to an allowed role;
/// PERMISSION_DENIED to the others; the handshake refuses a client without a certificate.
const GRPC_TRUTH: [[&str; 4]; 4] = [
    ["allow", "allow", "deny", "deny"],
    ["deny", "absent", "deny", "deny"],
    ["deny", "deny", "allow", "deny"],
    ["deny", "deny", "absent", "deny"],
];

fn grpc_codes(t: &Truth) -> Vec<u16> {
    let mut v: Vec<u16> = t.values().filter_map(|o| o.code).collect();
    v.sort();
    v.dedup();
    v
}

#[test]
#[ignore = "needs python3-grpcio (apt-get install python3-grpcio); run by .ci/run"]
fn grpcio_gitaly_like_roles() {
    need_grpcio();
    let pki = role_pki();
    let g = grpcio_authz(&pki, "grpc", &GRPC_POLICY);
    let t = grpc_truth(&pki, &g, &GRPC_POLICY);
    assert_truth("grpcio", &GRPC_POLICY, &t, &GRPC_TRUTH);
    // OK, INVALID_ARGUMENT, PERMISSION_DENIED and UNIMPLEMENTED all occur.
    assert_eq!(
        grpc_codes(&t),
        [0, 3, 7, 12],
        "{}",
        truth_text("grpcio", &GRPC_POLICY, &t)
    );
    check_probe("grpcio", &pki, g.port, &GRPC_POLICY, &t, None);
    eprintln!("server log:\n{}", g.log());
}

#[test]
#[ignore = "needs python3-grpcio (apt-get install python3-grpcio); run by .ci/run"]
fn grpcio_drift_one_extra_role() {
    need_grpcio();
    let pki = role_pki();
    // The server also lets praefect vote.
    let mut served = GRPC_POLICY;
    served[2] = Rule::new(
        "/praefect.RefTransaction/VoteTransaction",
        &["gitaly", "praefect"],
    );
    let g = grpcio_authz(&pki, "grpc-drift", &served);
    let t = grpc_truth(&pki, &g, &GRPC_POLICY);
    let mut want = GRPC_TRUTH;
    want[2][1] = "allow";
    assert_truth("grpcio with drift", &GRPC_POLICY, &t, &want);
    check_probe(
        "grpcio with drift",
        &pki,
        g.port,
        &GRPC_POLICY,
        &t,
        Some(("/praefect.RefTransaction/VoteTransaction", "praefect")),
    );
}

// ---------------------------------------------------------------------------------------
// Policy errors: exit 2 before any connection, one line naming the file and the line.

#[test]
fn policy_errors_name_file_and_line() {
    let env = Env::new();
    env.run(&["ca", "init", "--name", "Prod"]).ok();
    env.run(&["cert", "client", "rails", "--role", "gitlab"])
        .ok();
    let crt = env.pki().join("certs/rails/rails.crt");
    let key = env.pki().join("certs/rails/rails.key");
    let ca = env.pki().join("ca.crt");
    let as_gitlab = format!("gitlab={},{}", crt.display(), key.display());
    // Nothing listens there: a probe that connected before reading its policy would say so.
    let target = format!("127.0.0.1:{}", free_port());
    let cases: [(&str, &str, &[&str]); 6] = [
        (
            "unknown-key.yaml",
            "authz:\n  - path: /api/v4/projects\n    roles: [gitlab]\n    colour: red\n",
            &["line 4", "colour"],
        ),
        (
            "empty-roles.yaml",
            "authz:\n  - path: /api/v4/projects\n    roles: [gitlab]\n  - path: /internal/*\n    roles: []\n",
            &["line 5"],
        ),
        (
            "relative-path.yaml",
            "authz:\n  - path: /api/v4/projects\n    roles: [gitlab]\n  - path: internal/allowed\n    roles: [gitlab]\n",
            &["line 4", "internal/allowed"],
        ),
        (
            "bad-yaml.yaml",
            "authz:\n  - path: /api/v4/projects\n    roles: [gitlab\n",
            &["line"],
        ),
        // A role no --as provides: the rule's line, the role.
        (
            "nobody-holds.yaml",
            "authz:\n  - path: /api/v4/projects\n    roles: [gitlab]\n  - {path: /internal/*, roles: [gitlab, ops]}\n",
            &["line 4", "ops"],
        ),
        (
            "nobody-holds-grpc.yaml",
            "authz:\n  - path: /gitaly.RepositoryService/RepositoryExists\n    roles: [gitlab]\n  - path: /praefect.RefTransaction/*\n    roles: [gitaly]\n",
            &["gitaly"],
        ),
    ];
    for (file, text, needles) in cases {
        let p = env.write(file, text);
        let ps = p.display().to_string();
        let r = env.run(&[
            "probe",
            &target,
            "--ca",
            ca.to_str().unwrap(),
            "--timeout",
            "3",
            "--authz",
            &ps,
            "--as",
            &as_gitlab,
        ]);
        eprintln!("{file}: exit {} {}", r.code, r.stderr.trim());
        let mut n: Vec<&str> = vec![file];
        n.extend_from_slice(needles);
        let r = r.usage_error(&n);
        assert!(
            !r.stderr.contains(&target),
            "{file}: the probe connected before reading its policy: {}",
            r.stderr
        );
        // The role nobody holds is named on the line of its rule: lines 4 or 5 of the
        // block-style rule of the gRPC file.
        if file == "nobody-holds-grpc.yaml" {
            assert!(
                r.stderr.contains("line 4") || r.stderr.contains("line 5"),
                "{file}: {}",
                r.stderr
            );
        }
    }
    // A policy file that is not there.
    let missing = env.path("missing.yaml").display().to_string();
    env.run(&[
        "probe",
        &target,
        "--ca",
        ca.to_str().unwrap(),
        "--authz",
        &missing,
        "--as",
        &as_gitlab,
    ])
    .usage_error(&["missing.yaml"]);
}
