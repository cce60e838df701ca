//! `cert export`: PKCS#12 files and PKCS#1/SEC1 keys, read by real software: openssl
//! (`pkcs12 -info`, `-legacy`, `rsa -check`, `ec -check`), curl doing mTLS with a P12
//! client certificate against `secctl serve`, and keytool (ignored without a JRE).

mod common;

use common::{curl, have, mode, require, snapshot, tool, Env, Serve};

/// An export passphrase file (mode 0600) in the test directory.
fn pass(env: &Env, text: &str) -> String {
    let p = env.write("p12-pass", &format!("{text}\n"));
    std::fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    p.display().to_string()
}

fn file(env: &Env, rel: &str) -> String {
    env.path(rel).display().to_string()
}

/// The public key (PEM) of a key or certificate file, as openssl sees it.
fn pubkey(args: &[&str]) -> String {
    let r = tool("openssl", args).ok();
    assert!(r.stdout.contains("BEGIN PUBLIC KEY"), "{}", r.stdout);
    r.stdout
}

#[test]
fn modern_p12_is_read_by_openssl_with_the_chain_and_the_key() {
    let env = Env::new();
    env.run(&["ca", "init", "--name", "Prod", "--intermediate"])
        .ok();
    env.run(&["cert", "node", "n1", "--host", "localhost"]).ok();
    let pw = pass(&env, "export-pass-1");
    let out = file(&env, "n1.p12");
    let r = env
        .run(&[
            "-o",
            "json",
            "cert",
            "export",
            "n1",
            "--p12",
            &out,
            "--p12-passphrase-file",
            &pw,
        ])
        .ok();
    let j = r.json();
    assert_eq!(j["p12_profile"]["name"], "modern");
    assert_eq!(j["chain"].as_array().unwrap().len(), 3, "{j}");
    assert_eq!(mode(&env.path("n1.p12")), 0o600);

    let passin = format!("file:{pw}");
    let info = tool(
        "openssl",
        &[
            "pkcs12", "-info", "-nokeys", "-in", &out, "-passin", &passin,
        ],
    )
    .ok();
    let all = format!("{}{}", info.stdout, info.stderr);
    assert!(all.contains("MAC: sha256"), "{all}");
    assert!(
        all.contains("PBES2, PBKDF2, AES-256-CBC") && all.contains("PRF hmacWithSHA256"),
        "{all}"
    );
    assert!(
        all.contains("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC"),
        "{all}"
    );
    for cn in ["CN = n1", "Intermediate CA", "Root CA"] {
        assert!(
            all.lines()
                .any(|l| l.starts_with("subject=") && l.contains(cn)),
            "{cn} not in {all}"
        );
    }
    // The key inside is the delivered key.
    let keyout = file(&env, "from-p12.key");
    tool(
        "openssl",
        &[
            "pkcs12", "-in", &out, "-passin", &passin, "-nocerts", "-nodes", "-out", &keyout,
        ],
    )
    .ok();
    let delivered = file(&env, "pki/certs/n1/n1.key");
    assert_eq!(
        pubkey(&["pkey", "-in", &keyout, "-pubout"]),
        pubkey(&["pkey", "-in", &delivered, "-pubout"])
    );
    // A wrong passphrase fails the MAC check.
    let bad = env.write("bad-pass", "not-the-passphrase\n");
    let r = tool(
        "openssl",
        &[
            "pkcs12",
            "-info",
            "-nokeys",
            "-in",
            &out,
            "-passin",
            &format!("file:{}", bad.display()),
        ],
    );
    assert_ne!(r.code, 0, "openssl accepted a wrong passphrase");
}

#[test]
fn legacy_p12_opens_with_openssl_legacy() {
    let env = Env::new();
    env.run(&["ca", "init", "--key-type", "rsa-2048"]).ok();
    env.run(&["cert", "client", "c1", "--role", "ops"]).ok();
    let pw = pass(&env, "legacy-pass-1");
    let out = file(&env, "c1.pfx");
    env.run(&[
        "cert",
        "export",
        "c1",
        "--p12",
        &out,
        "--p12-passphrase-file",
        &pw,
        "--legacy",
    ])
    .ok();
    let info = tool(
        "openssl",
        &[
            "pkcs12",
            "-legacy",
            "-info",
            "-nokeys",
            "-in",
            &out,
            "-passin",
            &format!("file:{pw}"),
        ],
    )
    .ok();
    let all = format!("{}{}", info.stdout, info.stderr);
    assert!(all.contains("MAC: sha1"), "{all}");
    assert!(
        all.contains("Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC"),
        "{all}"
    );
    assert!(
        all.contains("subject=OU = ops, CN = c1") || all.contains("CN = c1"),
        "{all}"
    );
}

#[test]
fn pkcs1_and_sec1_keys_are_read_by_openssl_and_refused_for_the_wrong_type() {
    let env = Env::new();
    env.run(&["ca", "init"]).ok();
    env.run(&[
        "cert",
        "node",
        "r",
        "--host",
        "localhost",
        "--key-type",
        "rsa-2048",
    ])
    .ok();
    env.run(&[
        "cert",
        "node",
        "e",
        "--host",
        "localhost",
        "--key-type",
        "ecdsa-p384",
    ])
    .ok();
    env.run(&[
        "cert",
        "node",
        "d",
        "--host",
        "localhost",
        "--key-type",
        "ed25519",
    ])
    .ok();
    let rsa = file(&env, "r.rsa");
    env.run(&["cert", "export", "r", "--pkcs1", &rsa]).ok();
    assert_eq!(mode(&env.path("r.rsa")), 0o600);
    let text = std::fs::read_to_string(&rsa).unwrap();
    assert!(
        text.starts_with("-----BEGIN RSA PRIVATE KEY-----"),
        "{text}"
    );
    let chk = tool("openssl", &["rsa", "-check", "-noout", "-in", &rsa]).ok();
    assert!(chk.stdout.contains("RSA key ok"), "{}", chk.stdout);
    assert_eq!(
        pubkey(&["rsa", "-in", &rsa, "-pubout"]),
        pubkey(&[
            "x509",
            "-noout",
            "-pubkey",
            "-in",
            &file(&env, "pki/certs/r/r.crt")
        ])
    );
    let ec = file(&env, "e.ec");
    env.run(&["cert", "export", "e", "--sec1", &ec]).ok();
    let text = std::fs::read_to_string(&ec).unwrap();
    assert!(text.starts_with("-----BEGIN EC PRIVATE KEY-----"), "{text}");
    let chk = tool("openssl", &["ec", "-check", "-noout", "-text", "-in", &ec]).ok();
    assert!(chk.stdout.contains("NIST CURVE: P-384"), "{}", chk.stdout);
    assert_eq!(
        pubkey(&["ec", "-in", &ec, "-pubout"]),
        pubkey(&[
            "x509",
            "-noout",
            "-pubkey",
            "-in",
            &file(&env, "pki/certs/e/e.crt")
        ])
    );

    // Wrong key types, existing outputs, no passphrase without a terminal: exit 2, one
    // line, nothing written or changed.
    let short = env.write("short", "short\n");
    let before = snapshot(env.tmp.path());
    env.run(&["cert", "export", "e", "--pkcs1", &file(&env, "x.key")])
        .usage_error(&["e.key", "not an RSA key"]);
    env.run(&["cert", "export", "d", "--sec1", &file(&env, "x.key")])
        .usage_error(&["d.key", "not an EC key"]);
    env.run(&["cert", "export", "r", "--pkcs1", &rsa])
        .usage_error(&["r.rsa", "exists", "--force"]);
    env.run(&["cert", "export", "r", "--p12", &file(&env, "r.p12")])
        .usage_error(&["passphrase", "--p12-passphrase-file"]);
    env.run(&["cert", "export", "nosuch", "--sec1", &file(&env, "x.key")])
        .usage_error(&["nosuch"]);
    env.run(&["cert", "export", "e", "--sec1", &file(&env, "no/dir/x.key")])
        .usage_error(&["no/dir/x.key", "directory does not exist"]);
    env.run(&[
        "cert",
        "export",
        "e",
        "--p12",
        &file(&env, "e.p12"),
        "--p12-passphrase-file",
        short.to_str().unwrap(),
    ])
    .usage_error(&["short", "at least 8"]);
    let after = snapshot(env.tmp.path());
    let changed: Vec<_> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert!(changed.is_empty(), "a refused export changed {changed:?}");

    // A revoked certificate is not exported.
    env.run(&["--yes", "revoke", "e"]).ok();
    env.run(&["cert", "export", "e", "--sec1", &file(&env, "x.key")])
        .usage_error(&["revoked"]);
    // --force replaces.
    env.run(&["cert", "export", "r", "--pkcs1", &rsa, "--force"])
        .ok();
}

#[test]
fn curl_with_a_p12_client_certificate_does_mtls_against_serve() {
    require(have("curl"), "curl (apt-get install curl)");
    let env = common::serve_pki();
    let pw = pass(&env, "client-pass-1");
    let p12 = file(&env, "rails.p12");
    env.run(&[
        "cert",
        "export",
        "rails",
        "--p12",
        &p12,
        "--p12-passphrase-file",
        &pw,
    ])
    .ok();
    let s = Serve::start(&env, &["--name", "srv", "--client-auth", "required"]);
    let ca = file(&env, "pki/ca.crt");
    let url = format!("https://{}/", s.addr);
    let cert_arg = format!("{p12}:client-pass-1");
    let (code, body) = curl(
        &url,
        &["--cacert", &ca, "--cert-type", "P12", "--cert", &cert_arg],
    );
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("rails"), "{body}");
    // Without the certificate the handshake is refused: the P12 is what got it in.
    let (code, _) = curl(&url, &["--cacert", &ca]);
    assert_eq!(code, 0);
    // And with a wrong passphrase curl cannot use the file.
    let (code, _) = curl(
        &url,
        &[
            "--cacert",
            &ca,
            "--cert-type",
            "P12",
            "--cert",
            &format!("{p12}:wrong-pass"),
        ],
    );
    assert_eq!(code, 0);
}

#[test]
#[ignore = "needs keytool (apt-get install default-jre-headless); run by .ci/run"]
fn keytool_lists_the_modern_p12() {
    require(
        have("keytool"),
        "keytool (apt-get install default-jre-headless)",
    );
    let env = Env::new();
    env.run(&["ca", "init", "--intermediate"]).ok();
    for kt in ["ecdsa-p256", "rsa-2048"] {
        let name = format!("n-{kt}");
        env.run(&[
            "cert",
            "node",
            &name,
            "--host",
            "localhost",
            "--key-type",
            kt,
        ])
        .ok();
        let pw = pass(&env, "keytool-pass-1");
        let out = file(&env, &format!("{name}.p12"));
        env.run(&[
            "cert",
            "export",
            &name,
            "--p12",
            &out,
            "--p12-passphrase-file",
            &pw,
        ])
        .ok();
        let r = tool(
            "keytool",
            &[
                "-list",
                "-v",
                "-storetype",
                "PKCS12",
                "-keystore",
                &out,
                "-storepass:file",
                &pw,
            ],
        )
        .ok();
        assert!(
            r.stdout.contains("Entry type: PrivateKeyEntry"),
            "{}",
            r.stdout
        );
        assert!(
            r.stdout.contains("Certificate chain length: 3"),
            "{}",
            r.stdout
        );
        assert!(
            r.stdout.contains(&format!("Alias name: {name}")),
            "{}",
            r.stdout
        );
        let wrong = env.write("wrong", "wrong-pass-1\n");
        let r = tool(
            "keytool",
            &[
                "-list",
                "-storetype",
                "PKCS12",
                "-keystore",
                &out,
                "-storepass:file",
                wrong.to_str().unwrap(),
            ],
        );
        assert_ne!(r.code, 0, "keytool accepted a wrong passphrase");
    }
}
