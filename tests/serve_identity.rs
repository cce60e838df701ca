//! Issue #19, item 10: one identity rule for `serve --allow-role` and `verify --role`, and
//! the CRL applied by `serve` whenever it verifies client certificates (an explicit `--ca`
//! included), reloaded when the file changes. Clients are real (`curl`).

mod common;

use std::time::{Duration, Instant};

use common::*;

fn cert_of(env: &Env, n: &str) -> (String, String) {
    let d = env.pki().join("certs").join(n);
    (
        d.join(format!("{n}.crt")).display().to_string(),
        d.join(format!("{n}.key")).display().to_string(),
    )
}

/// GET https://ADDR/ with a client certificate; (status, body). Status 0: the handshake
/// (or the connection) failed.
fn get(env: &Env, addr: &str, client: Option<&(String, String)>) -> (u16, String) {
    let ca = env.pki().join("ca.crt").display().to_string();
    let mut extra = vec!["--cacert".to_string(), ca];
    if let Some((c, k)) = client {
        extra.extend(["--cert".into(), c.clone(), "--key".into(), k.clone()]);
    }
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    curl(&format!("https://{addr}/"), &extra)
}

fn trust_domain(env: &Env) -> String {
    let cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.pki().join("secctl.json")).unwrap())
            .unwrap();
    cfg["trust_domain"].as_str().unwrap().to_string()
}

/// A client certificate signed by the state directory's own CA (so it verifies), with the
/// given CN, OUs and URI SANs: what someone able to get a certificate issued with a chosen
/// subject (or a CA shared between clusters) would present.
fn forge(env: &Env, file: &str, cn: &str, ous: &[&str], uris: &[&str]) -> (String, String) {
    use rcgen::{
        CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose, SanType, SerialNumber,
    };
    let pki = env.pki();
    let ca_pem = std::fs::read_to_string(pki.join("ca/root.crt")).unwrap();
    let ca_key =
        KeyPair::from_pem(&std::fs::read_to_string(pki.join("ca/root.key")).unwrap()).unwrap();
    let issuer = Issuer::from_ca_cert_pem(&ca_pem, ca_key).unwrap();
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    for (i, ou) in ous.iter().enumerate() {
        // One value per type in rcgen's DistinguishedName: the second OU under the same OID
        // spelled as a custom type.
        let t = if i == 0 {
            DnType::OrganizationalUnitName
        } else {
            DnType::CustomDnType(vec![2, 5, 4, 11])
        };
        dn.push(t, *ou);
    }
    dn.push(DnType::OrganizationName, "Prod");
    p.distinguished_name = dn;
    p.subject_alt_names = uris
        .iter()
        .map(|u| SanType::URI((*u).try_into().unwrap()))
        .collect();
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    p.use_authority_key_identifier_extension = true;
    let now = time::OffsetDateTime::now_utc();
    p.not_before = now - time::Duration::hours(1);
    p.not_after = now + time::Duration::days(30);
    let mut serial = [0u8; 16];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut serial).unwrap();
    serial[0] &= 0x7f;
    serial[0] |= 0x01;
    p.serial_number = Some(SerialNumber::from_slice(&serial));
    let cert = p.signed_by(&key, &issuer).unwrap();
    let crt = env.write(&format!("{file}.crt"), &cert.pem());
    let k = env.write(&format!("{file}.key"), &key.serialize_pem());
    (crt.display().to_string(), k.display().to_string())
}

/// A certificate whose SPIFFE id names another trust domain or another role than its OU,
/// or that has two OUs, verifies (our CA signed it) but has no role: `serve --allow-role`
/// answers 403 and `verify --role` fails the role row. Before the identity rule, serve read
/// the first OU only and let all three in.
#[test]
fn spiffe_id_and_ou_must_agree_in_serve_and_verify() {
    let env = serve_pki();
    let td = trust_domain(&env);
    let good = forge(
        &env,
        "good",
        "good",
        &["gitlab"],
        &[&format!("spiffe://{td}/gitlab/good")],
    );
    let other_td = forge(
        &env,
        "other-td",
        "intruder",
        &["gitlab"],
        &["spiffe://other.example/gitlab/intruder"],
    );
    let other_role = forge(
        &env,
        "other-role",
        "intruder",
        &["gitlab"],
        &[&format!("spiffe://{td}/admin/intruder")],
    );
    let two_ous = forge(
        &env,
        "two-ous",
        "intruder",
        &["gitlab", "admin"],
        &[&format!("spiffe://{td}/gitlab/intruder")],
    );
    let no_spiffe = forge(&env, "no-spiffe", "intruder", &["gitlab"], &[]);
    let refused = [
        (&other_td, "trust domain \"other.example\""),
        (&other_role, "names role \"admin\""),
        (&two_ous, "2 OUs"),
        (&no_spiffe, "no SPIFFE id"),
    ];

    let s = Serve::start(&env, &["--name", "srv", "--allow-role", "gitlab"]);
    let (st, body) = get(&env, &s.addr, Some(&good));
    assert_eq!(st, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["role"], "gitlab", "{v}");
    assert_eq!(get(&env, &s.addr, Some(&cert_of(&env, "rails"))).0, 200);
    assert_eq!(get(&env, &s.addr, Some(&cert_of(&env, "ops"))).0, 403);
    for (c, why) in &refused {
        let (st, body) = get(&env, &s.addr, Some(c));
        assert_eq!(st, 403, "{}: {body}", c.0);
        assert!(
            body.contains("has no role") && body.contains(why),
            "{}: {body}",
            c.0
        );
    }
    // Without --allow-role everyone verified is let in, and the answer says who has no role.
    let s2 = Serve::start(&env, &["--name", "srv"]);
    let (st, body) = get(&env, &s2.addr, Some(&other_role));
    assert_eq!(st, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["role"], serde_json::Value::Null, "{v}");
    assert!(v["role_error"].as_str().unwrap().contains("admin"), "{v}");

    // verify --role: the same rule.
    let role_row = |crt: &str| {
        let r = env.run(&["-o", "json", "verify", crt, "--role", "gitlab"]);
        let v = r.json();
        let row = v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == "role")
            .unwrap()
            .clone();
        (r.code, row)
    };
    let (code, row) = role_row(&good.0);
    assert_eq!((code, &row["ok"]), (0, &serde_json::json!(true)), "{row}");
    for (c, why) in &refused {
        let (code, row) = role_row(&c.0);
        assert_eq!(code, 1, "{}: {row}", c.0);
        assert_eq!(row["ok"], false, "{row}");
        assert!(row["detail"].as_str().unwrap().contains(why), "{row}");
        // Every other check passes: only the role is wrong.
        let r = env.run(&["-o", "json", "verify", &c.0]);
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    }
    // The trust domain can be named; a wrong one refuses the genuine certificate too.
    let r = env.run(&[
        "verify",
        &good.0,
        "--role",
        "gitlab",
        "--trust-domain",
        "other.example",
    ]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("not the cluster's"), "{}", r.stdout);
    // Without a state directory the trust domain must be given.
    let bare = Env::new();
    let ca = env.pki().join("ca.crt").display().to_string();
    bare.run(&["verify", &good.0, "--ca", &ca, "--role", "gitlab"])
        .usage_error(&["--role", "--trust-domain"]);
    bare.run(&[
        "verify",
        &good.0,
        "--ca",
        &ca,
        "--no-revocation",
        "--role",
        "gitlab",
        "--trust-domain",
        &td,
    ])
    .ok();
}

/// `serve --ca BUNDLE` used to drop the state directory's CRL: a revoked client got 200.
/// Now the default CRL applies with an explicit --ca too; --no-crl is the explicit way out
/// (and shows what the attack looked like).
#[test]
fn revoked_client_is_refused_with_an_explicit_ca() {
    let env = serve_pki();
    env.run(&["--yes", "revoke", "rails"]).ok();
    let ca = env.pki().join("ca.crt").display().to_string();
    let rails = cert_of(&env, "rails");
    let ops = cert_of(&env, "ops");
    for auth in ["required", "optional"] {
        let s = Serve::start(&env, &["--name", "srv", "--ca", &ca, "--client-auth", auth]);
        let (st, body) = get(&env, &s.addr, Some(&rails));
        assert_eq!(st, 0, "{auth}: revoked client admitted: {body}");
        assert_eq!(get(&env, &s.addr, Some(&ops)).0, 200, "{auth}");
    }
    // The attack, reproduced with the CRL switched off on purpose.
    let s = Serve::start(&env, &["--name", "srv", "--ca", &ca, "--no-crl"]);
    assert_eq!(get(&env, &s.addr, Some(&rails)).0, 200);
    // A bundle without any CRL to go with it is refused at start, saying what to do.
    let bare = Env::new();
    let (crt, key) = cert_of(&env, "srv");
    bare.run(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--cert",
        &crt,
        "--key",
        &key,
        "--ca",
        &ca,
    ])
    .usage_error(&["without a CRL", "--crl", "--no-crl"]);
    // --allow-role without a state directory needs the trust domain.
    bare.run(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--cert",
        &crt,
        "--key",
        &key,
        "--ca",
        &ca,
        "--no-crl",
        "--allow-role",
        "gitlab",
    ])
    .usage_error(&["--allow-role", "--trust-domain"]);
}

/// The logs (stderr) of every `serve` started in `env`.
fn serve_logs(env: &Env) -> String {
    let mut all = String::new();
    for e in std::fs::read_dir(env.tmp.path()).unwrap().flatten() {
        let n = e.file_name().to_string_lossy().to_string();
        if n.starts_with("serve-") && n.ends_with(".log") {
            all += &std::fs::read_to_string(e.path()).unwrap();
        }
    }
    all
}

/// Poll until `f` holds or `limit` passes; the time it took.
fn within(limit: Duration, mut f: impl FnMut() -> bool) -> Option<Duration> {
    let t = Instant::now();
    while t.elapsed() < limit {
        if f() {
            return Some(t.elapsed());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

/// A revocation made after `serve` started is applied to the next connection within a
/// couple of seconds, without a restart; a broken CRL file keeps the previous CRL.
#[test]
fn revocation_after_start_is_applied_without_restart() {
    let env = serve_pki();
    let rails = cert_of(&env, "rails");
    let ops = cert_of(&env, "ops");
    // The default CRL (DIR/crl.pem), rewritten by `secctl revoke`.
    let s = Serve::start(&env, &["--name", "srv", "--client-auth", "required"]);
    assert_eq!(get(&env, &s.addr, Some(&rails)).0, 200);
    env.run(&["--yes", "revoke", "rails"]).ok();
    let took = within(Duration::from_secs(5), || {
        get(&env, &s.addr, Some(&rails)).0 == 0
    })
    .expect("the revocation was not applied within 5 s");
    assert!(took < Duration::from_secs(4), "took {took:?}");
    assert_eq!(get(&env, &s.addr, Some(&ops)).0, 200);
    let log = serve_logs(&env);
    assert!(
        log.contains("serve: reloaded certificate") && log.contains("crl.pem (CRL number 2"),
        "{log}"
    );

    // A --crl file of our own: replaced by a broken one, the previous CRL stays in force.
    let crl = env.path("copy.pem");
    std::fs::copy(env.pki().join("crl.pem"), &crl).unwrap();
    let s = Serve::start(
        &env,
        &[
            "--name",
            "srv",
            "--crl",
            crl.to_str().unwrap(),
            "--client-auth",
            "required",
        ],
    );
    assert_eq!(get(&env, &s.addr, Some(&rails)).0, 0);
    std::fs::write(&crl, "-----BEGIN X509 CRL-----\ngarbage\n").unwrap();
    within(Duration::from_secs(5), || {
        serve_logs(&env).contains("keeping the previous certificate and CRL")
    })
    .expect("no log line about the unusable CRL");
    assert_eq!(get(&env, &s.addr, Some(&rails)).0, 0, "revoked admitted");
    assert_eq!(get(&env, &s.addr, Some(&ops)).0, 200);
    let log = serve_logs(&env);
    assert_eq!(
        log.matches("keeping the previous certificate and CRL")
            .count(),
        1,
        "logged once per change: {log}"
    );
}

/// One HTTP/1.1 request on an open connection: the status line and the body (read up to
/// Content-Length).
async fn exchange<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    s: &mut S,
) -> (String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = s.read(&mut chunk).await.unwrap();
        assert!(n > 0, "closed: {}", String::from_utf8_lossy(&buf));
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).to_string();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let len: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            if body.len() >= len {
                return (head.lines().next().unwrap().to_string(), body.to_string());
            }
        }
    }
}

/// A connection opened (and its certificate verified) before a revocation does not keep
/// the revoked client in: its next request is checked against the reloaded CRL and
/// refused (403, connection closed). Before, a keep-alive connection kept going.
#[test]
fn an_open_connection_is_checked_again_after_a_reload() {
    let env = serve_pki();
    let s = Serve::start(&env, &["--name", "srv", "--client-auth", "required"]);
    // The test reads the files as a client on another machine would: not as the state's.
    let files = secctl::pki::fsio::StateDir::none();
    let roots = secctl::tlsconf::load_roots(&files, &env.pki().join("ca.crt")).unwrap();
    let (crt, key) = cert_of(&env, "rails");
    let mut cfg = rustls::ClientConfig::builder_with_provider(secctl::tlsconf::provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_client_auth_cert(
            secctl::tlsconf::load_chain(&files, std::path::Path::new(&crt)).unwrap(),
            secctl::tlsconf::load_key(&files, std::path::Path::new(&key)).unwrap(),
        )
        .unwrap();
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut conn = rt.block_on(async {
        let tcp = tokio::net::TcpStream::connect(&s.addr).await.unwrap();
        tokio_rustls::TlsConnector::from(std::sync::Arc::new(cfg))
            .connect(
                rustls_pki_types::ServerName::try_from("127.0.0.1").unwrap(),
                tcp,
            )
            .await
            .unwrap()
    });
    let (line, _) = rt.block_on(exchange(&mut conn));
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    env.run(&["--yes", "revoke", "rails"]).ok();
    within(Duration::from_secs(5), || {
        serve_logs(&env).contains("crl.pem (CRL number 2")
    })
    .expect("the CRL was not reloaded");
    let (line, body) = rt.block_on(exchange(&mut conn));
    assert!(line.starts_with("HTTP/1.1 403"), "{line} {body}");
    assert!(
        body.contains("no longer accepted") && body.to_lowercase().contains("revoked"),
        "{body}"
    );
    // And the connection is closed.
    let n = rt.block_on(async {
        use tokio::io::AsyncReadExt;
        let mut b = [0u8; 16];
        tokio::time::timeout(Duration::from_secs(2), conn.read(&mut b))
            .await
            .expect("still open")
            .unwrap_or(0)
    });
    assert_eq!(n, 0);
}
