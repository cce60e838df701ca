//! `cert sign`: CSRs made by `openssl req` on the "node" are certified with secctl's identity,
//! and `openssl verify` accepts the result; CSRs that are altered or ask for more than given
//! are refused. Name constraints (`ca init --permit-dns/--permit-ip`): OpenSSL refuses a leaf
//! made by hand outside them under the constrained intermediate, and secctl refuses to issue
//! one. Needs only openssl: runs in plain `cargo test`.

mod common;

use std::path::Path;

use common::*;

/// Run openssl and require success.
fn osl(args: &[&str]) -> Run {
    let r = tool("openssl", args);
    assert_eq!(r.code, 0, "openssl {args:?}: {}", r.stderr);
    r
}

/// `openssl req` a new key and CSR in `env`: `NAME.key`, `NAME.csr`. `newkey` is the
/// `-newkey` argument (`ec` with P-256 or P-384, `rsa:3072`, `ed25519`), `subj` the subject,
/// `san` an optional subjectAltName.
fn openssl_csr(env: &Env, name: &str, newkey: &str, subj: &str, san: Option<&str>) -> String {
    let key = env.path(&format!("{name}.key"));
    let csr = env.path(&format!("{name}.csr"));
    let mut args: Vec<String> = vec!["req".into(), "-new".into(), "-nodes".into()];
    match newkey {
        "p256" | "p384" => {
            args.extend([
                "-newkey".into(),
                "ec".into(),
                "-pkeyopt".into(),
                format!(
                    "ec_paramgen_curve:{}",
                    if newkey == "p256" { "P-256" } else { "P-384" }
                ),
            ]);
        }
        other => args.extend(["-newkey".into(), other.into()]),
    }
    args.extend([
        "-keyout".into(),
        key.display().to_string(),
        "-subj".into(),
        subj.into(),
        "-out".into(),
        csr.display().to_string(),
    ]);
    if let Some(s) = san {
        args.extend(["-addext".into(), format!("subjectAltName={s}")]);
    }
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    osl(&a);
    csr.display().to_string()
}

fn pubkey_of(args: &[&str]) -> String {
    osl(args).stdout
}

fn certs(env: &Env, name: &str) -> (String, String) {
    let crt = env.pki().join(format!("certs/{name}/{name}.crt"));
    (
        crt.display().to_string(),
        env.pki().join("ca.crt").display().to_string(),
    )
}

#[test]
fn openssl_csrs_are_certified_with_secctls_identity() {
    let env = Env::new();
    env.run(&["ca", "init", "--name", "Prod", "--intermediate"])
        .ok();
    // EC P-256 with SANs, RSA 3072, EC P-384 signed with SHA-256 (OpenSSL's default for
    // it: the certified key must still be P-384), Ed25519 client.
    // (name, key, SANs asked, --host values, kind, key_type recorded)
    type Case<'a> = (
        &'a str,
        &'a str,
        Option<&'a str>,
        &'a [&'a str],
        &'a str,
        &'a str,
    );
    let cases: &[Case] = &[
        (
            "n-ec",
            "p256",
            Some("DNS:n-ec.prod.example,IP:10.0.0.5"),
            &["n-ec.prod.example", "10.0.0.5"],
            "node",
            "ecdsa-p256",
        ),
        (
            "n-rsa",
            "rsa:3072",
            Some("DNS:n-rsa.prod.example"),
            &["n-rsa.prod.example", "127.0.0.1"],
            "node",
            "rsa",
        ),
        (
            "n-384",
            "p384",
            None,
            &["n-384.prod.example"],
            "node",
            "ecdsa-p384",
        ),
        ("c-ed", "ed25519", None, &[], "client", "ed25519"),
    ];
    for (name, newkey, san, hosts, kind, key_type) in cases {
        let csr = openssl_csr(&env, name, newkey, &format!("/CN={name}"), *san);
        let mut args = vec![
            "-o", "json", "cert", "sign", &csr, "--role", "db", "--kind", kind,
        ];
        for h in *hosts {
            args.extend(["--host", h]);
        }
        let out = env.run(&args).ok().json();
        assert_eq!(out["key_source"], "external", "{name}");
        assert_eq!(out["key_type"], *key_type, "{name}");
        assert!(out["files"]["key"].is_null(), "{name}: {out}");
        let (crt, ca) = certs(&env, name);
        // No key delivered: it never left the node.
        assert!(!env.pki().join(format!("certs/{name}/{name}.key")).exists());
        assert!(env.pki().join(format!("certs/{name}/ca.crt")).exists());
        // OpenSSL accepts it for its purpose.
        let purpose = if *kind == "node" {
            "sslserver"
        } else {
            "sslclient"
        };
        let v = openssl_verify_chain(Path::new(&ca), Path::new(&crt), Some(purpose));
        assert_eq!(v.code, 0, "{name}: {}{}", v.stdout, v.stderr);
        // The certified key is the CSR's, and the identity is secctl's.
        assert_eq!(
            pubkey_of(&["req", "-in", &csr, "-pubkey", "-noout"]),
            pubkey_of(&["x509", "-in", &crt, "-pubkey", "-noout"]),
            "{name}"
        );
        let text = osl(&[
            "x509", "-in", &crt, "-noout", "-text", "-nameopt", "RFC2253",
        ])
        .stdout;
        assert!(
            text.contains(&format!("Subject: CN={name},OU=db,O=Prod")),
            "{text}"
        );
        assert!(
            text.contains(&format!("URI:spiffe://prod.local/db/{name}")),
            "{text}"
        );
        if *kind == "client" {
            assert!(!text.contains("TLS Web Server Authentication"), "{text}");
        }
        for h in *hosts {
            assert!(text.contains(h), "{name} lacks {h}: {text}");
        }
        if *newkey == "p384" {
            assert!(
                text.contains("384 bit") && text.contains("secp384r1"),
                "{text}"
            );
        }
        if *newkey == "rsa:3072" {
            assert!(text.contains("3072 bit"), "{text}");
        }
        // secctl's own verifier agrees (chain, role).
        env.run(&["verify", &crt, "--role", "db"]).ok();
    }
    // Listed, shown, checked like any other.
    let list = env.run(&["-o", "json", "cert", "list"]).ok().json();
    let ext: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["key_source"] == "external")
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(ext.len(), 4, "{list}");
    let show = env.run(&["-o", "json", "cert", "show", "n-ec"]).ok().json();
    assert_eq!(show["record"]["key_source"], "external");
    // `store check` does not miss the key that was never here.
    env.run(&["store", "check"]).ok();
    // The name may come from --name when the CSR has no CN, and must agree when both.
    let csr = openssl_csr(&env, "nocn", "p256", "/O=Prod", None);
    env.run(&["cert", "sign", &csr, "--role", "db", "--kind", "client"])
        .usage_error(&["nocn.csr", "no CN", "--name"]);
    env.run(&[
        "cert", "sign", &csr, "--role", "db", "--kind", "client", "--name", "named",
    ])
    .ok();
    let csr = openssl_csr(&env, "cn", "p256", "/CN=cn", None);
    env.run(&[
        "cert", "sign", &csr, "--role", "db", "--kind", "client", "--name", "other",
    ])
    .usage_error(&["cn.csr", "CN is \"cn\"", "\"other\""]);
    // Revoked like any other: the CRL lists it and OpenSSL refuses it.
    env.run(&["--yes", "revoke", "n-ec"]).ok();
    let (crt, ca) = certs(&env, "n-ec");
    let crl = env.pki().join("crl.pem").display().to_string();
    let v = tool(
        "openssl",
        &[
            "verify",
            "-crl_check",
            "-CAfile",
            &ca,
            "-CRLfile",
            &crl,
            "-untrusted",
            &crt,
            &crt,
        ],
    );
    assert_ne!(v.code, 0, "a revoked CSR-issued certificate verified");
    assert!(
        v.stdout.contains("revoked") || v.stderr.contains("revoked"),
        "{}{}",
        v.stdout,
        v.stderr
    );
}

#[test]
fn bad_csrs_are_refused_and_change_nothing() {
    let env = Env::new();
    env.run(&["ca", "init", "--name", "Prod"]).ok();
    let good = openssl_csr(&env, "n1", "p256", "/CN=n1", Some("DNS:n1.prod.example"));
    let before = snapshot(&env.pki());

    // A signature that does not verify: the CN changed after signing ("n1" -> "n2").
    let der_path = env.path("n1.der");
    osl(&[
        "req",
        "-in",
        &good,
        "-outform",
        "DER",
        "-out",
        der_path.to_str().unwrap(),
    ]);
    let mut bytes = std::fs::read(&der_path).unwrap();
    let at = bytes.windows(2).position(|w| w == b"n1").unwrap();
    bytes[at + 1] = b'2';
    let bad = env.path("tampered.der");
    std::fs::write(&bad, &bytes).unwrap();
    // The tampering is real: OpenSSL refuses the signature too (`req -verify` says so, with
    // exit 0 in OpenSSL 3.0).
    let v = tool(
        "openssl",
        &[
            "req",
            "-inform",
            "DER",
            "-in",
            bad.to_str().unwrap(),
            "-verify",
            "-noout",
        ],
    );
    let said = format!("{}{}", v.stdout, v.stderr);
    assert!(
        said.contains("verify failure") && !said.contains("verify OK"),
        "openssl accepted the tampered CSR: {said}"
    );
    env.run(&[
        "cert",
        "sign",
        bad.to_str().unwrap(),
        "--role",
        "db",
        "--host",
        "n2.prod.example",
    ])
    .usage_error(&["tampered.der", "signature does not verify"]);

    // A SAN that was not given.
    let extra = openssl_csr(
        &env,
        "n3",
        "p256",
        "/CN=n3",
        Some("DNS:n3.prod.example,DNS:bank.example"),
    );
    env.run(&[
        "cert",
        "sign",
        &extra,
        "--role",
        "db",
        "--host",
        "n3.prod.example",
    ])
    .usage_error(&["n3.csr", "\"bank.example\"", "not among the hosts given"]);
    // An IP SAN that was not given.
    let ip = openssl_csr(&env, "n4", "p256", "/CN=n4", Some("IP:10.6.6.6"));
    env.run(&[
        "cert",
        "sign",
        &ip,
        "--role",
        "db",
        "--host",
        "n4.prod.example",
    ])
    .usage_error(&["10.6.6.6", "not among the hosts given"]);
    // Subject attributes secctl does not certify, or a different role.
    let subj = openssl_csr(&env, "n5", "p256", "/C=US/O=Prod/CN=n5", None);
    env.run(&[
        "cert",
        "sign",
        &subj,
        "--role",
        "db",
        "--host",
        "n5.prod.example",
    ])
    .usage_error(&["n5.csr", "C=\"US\""]);
    let ou = openssl_csr(&env, "n6", "p256", "/OU=admin/CN=n6", None);
    env.run(&[
        "cert",
        "sign",
        &ou,
        "--role",
        "db",
        "--host",
        "n6.prod.example",
    ])
    .usage_error(&["OU=\"admin\"", "role is \"db\""]);
    // Keys secctl does not certify.
    let small = openssl_csr(&env, "n7", "rsa:1024", "/CN=n7", None);
    env.run(&[
        "cert",
        "sign",
        &small,
        "--role",
        "db",
        "--host",
        "n7.prod.example",
    ])
    .usage_error(&["n7.csr", "1024 bits", "2048 to 8192"]);
    let p521 = env.path("n8.csr");
    osl(&[
        "req",
        "-new",
        "-nodes",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-521",
        "-keyout",
        env.path("n8.key").to_str().unwrap(),
        "-subj",
        "/CN=n8",
        "-out",
        p521.to_str().unwrap(),
    ]);
    env.run(&[
        "cert",
        "sign",
        p521.to_str().unwrap(),
        "--role",
        "db",
        "--host",
        "n8.prod.example",
    ])
    .usage_error(&["n8.csr", "secp521r1"]);
    // Asking to be a CA.
    let ca = env.path("n9.csr");
    osl(&[
        "req",
        "-new",
        "-nodes",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-keyout",
        env.path("n9.key").to_str().unwrap(),
        "-subj",
        "/CN=n9",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-out",
        ca.to_str().unwrap(),
    ]);
    env.run(&[
        "cert",
        "sign",
        ca.to_str().unwrap(),
        "--role",
        "db",
        "--host",
        "n9.prod.example",
    ])
    .usage_error(&["n9.csr", "CA:TRUE"]);
    // A client with hosts, a certificate file instead of a CSR, a missing file.
    env.run(&["cert", "sign", &good, "--role", "db", "--kind", "client"])
        .usage_error(&["n1.csr", "client certificate carries no host"]);
    env.run(&[
        "cert", "sign", &good, "--role", "db", "--kind", "client", "--host", "x",
    ])
    .usage_error(&["--host is for --kind node"]);
    assert_eq!(
        snapshot(&env.pki()),
        before,
        "a refused CSR changed the state directory"
    );
    env.run(&["cert", "node", "other", "--host", "other.example"])
        .ok();
    let crt = env.pki().join("certs/other/other.crt");
    let before = snapshot(&env.pki());
    env.run(&[
        "cert",
        "sign",
        crt.to_str().unwrap(),
        "--role",
        "db",
        "--host",
        "x",
    ])
    .usage_error(&["other.crt", "is a certificate, not a certificate request"]);
    env.run(&["cert", "sign", "missing.csr", "--role", "db", "--host", "x"])
        .usage_error(&["missing.csr"]);
    assert_eq!(
        snapshot(&env.pki()),
        before,
        "a refused CSR changed the state directory"
    );
    // And the good one is signed.
    env.run(&[
        "cert",
        "sign",
        &good,
        "--role",
        "db",
        "--host",
        "n1.prod.example",
    ])
    .ok();
}

#[test]
fn a_csr_issued_certificate_is_renewed_from_a_new_csr() {
    let env = Env::new();
    env.run(&["ca", "init", "--name", "Prod"]).ok();
    let csr = openssl_csr(&env, "n1", "p256", "/CN=n1", None);
    env.run(&[
        "cert",
        "sign",
        &csr,
        "--role",
        "db",
        "--host",
        "n1.prod.example",
    ])
    .ok();
    let before = snapshot(&env.pki());
    env.run(&["cert", "renew", "n1"])
        .usage_error(&["\"n1\"", "signed from a CSR", "--csr"]);
    env.run(&["cert", "renew", "n1", "--reuse-key"])
        .usage_error(&["\"n1\"", "signed from a CSR"]);
    assert_eq!(snapshot(&env.pki()), before);
    // A CSR for another name is not this certificate's.
    let other = openssl_csr(&env, "n2", "p256", "/CN=n2", None);
    env.run(&["cert", "renew", "n1", "--csr", &other])
        .usage_error(&["n2.csr", "CN is \"n2\"", "\"n1\""]);
    // The same key again (a node that keeps its key), then a new key.
    let same = env
        .run(&["-o", "json", "cert", "renew", "n1", "--csr", &csr])
        .ok()
        .json();
    assert_eq!(same["key_reused"], true, "{same}");
    let csr2 = env.path("n1-new.csr");
    osl(&[
        "req",
        "-new",
        "-nodes",
        "-newkey",
        "rsa:2048",
        "-keyout",
        env.path("n1-new.key").to_str().unwrap(),
        "-subj",
        "/CN=n1",
        "-out",
        csr2.to_str().unwrap(),
    ]);
    let new = env
        .run(&[
            "-o",
            "json",
            "cert",
            "renew",
            "n1",
            "--csr",
            csr2.to_str().unwrap(),
            "--revoke-old",
        ])
        .ok()
        .json();
    assert_eq!(new["key_reused"], false, "{new}");
    assert_eq!(new["certificate"]["key_source"], "external");
    assert_eq!(new["certificate"]["key_type"], "rsa");
    let (crt, ca) = certs(&env, "n1");
    let v = openssl_verify_chain(Path::new(&ca), Path::new(&crt), Some("sslserver"));
    assert_eq!(v.code, 0, "{}", v.stderr);
    assert_eq!(
        pubkey_of(&["req", "-in", csr2.to_str().unwrap(), "-pubkey", "-noout"]),
        pubkey_of(&["x509", "-in", &crt, "-pubkey", "-noout"])
    );
    // A centrally issued certificate may move to a key made on the node.
    env.run(&["cert", "node", "c1", "--host", "c1.prod.example"])
        .ok();
    let c1 = openssl_csr(&env, "c1", "p256", "/CN=c1", None);
    let r = env.run(&["cert", "renew", "c1", "--csr", &c1]).ok();
    assert!(
        r.stderr.contains("c1.key is from an earlier certificate"),
        "{}",
        r.stderr
    );
    env.run(&["store", "check"]).ok();
}

#[test]
fn apply_signs_csrs_from_the_inventory() {
    let env = Env::new();
    let a = openssl_csr(&env, "a1", "p256", "/CN=a1", Some("DNS:a1.prod.example"));
    let b = openssl_csr(&env, "b1", "ed25519", "/CN=b1", None);
    let inv = format!(
        "cluster: Prod\nnodes:\n  - name: a1\n    role: db\n    hosts: [a1.prod.example]\n    csr: {a}\n  - name: g1\n    role: db\n    hosts: [g1.prod.example]\nclients:\n  - name: b1\n    role: app\n    csr: {b}\n"
    );
    let inv = env.write("inv.yaml", &inv);
    let inv = inv.to_str().unwrap();
    let first = env.run(&["-o", "json", "apply", inv]).ok().json();
    assert_eq!(first["summary"]["created"], 3, "{first}");
    let (crt, ca) = certs(&env, "a1");
    assert_eq!(
        openssl_verify_chain(Path::new(&ca), Path::new(&crt), Some("sslserver")).code,
        0
    );
    assert!(!env.pki().join("certs/a1/a1.key").exists());
    assert!(env.pki().join("certs/g1/g1.key").exists());
    let list = env.run(&["-o", "json", "cert", "list"]).ok().json();
    for i in list.as_array().unwrap() {
        let want = if i["name"] == "g1" {
            "generated"
        } else {
            "external"
        };
        assert_eq!(i["key_source"], want, "{i}");
    }
    // Idempotent: nothing to do, and a delivered directory without a key is not a problem.
    let again = env.run(&["-o", "json", "apply", inv]).ok().json();
    assert_eq!(again["summary"]["unchanged"], 3, "{again}");
    env.run(&["apply", "--check", inv]).ok();
    env.run(&["store", "check"]).ok();
    // The node made a new key: its new CSR is signed.
    std::fs::remove_file(&a).unwrap();
    openssl_csr(&env, "a1", "p256", "/CN=a1", None);
    let renewed = env.run(&["-o", "json", "apply", inv]).ok().json();
    let a1 = renewed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "a1")
        .unwrap();
    assert_eq!(a1["action"], "renewed", "{renewed}");
    assert!(
        a1["detail"]
            .as_str()
            .unwrap()
            .contains("not the certified one"),
        "{a1}"
    );
    assert_eq!(renewed["summary"]["unchanged"], 2, "{renewed}");
    // A CSR asking for a SAN the inventory does not give: exit 2, nothing changed.
    openssl_csr(
        &env,
        "a1",
        "p256",
        "/CN=a1",
        Some("DNS:a1.prod.example,DNS:evil.example"),
    );
    let before = snapshot(&env.pki());
    env.run(&["apply", inv]).usage_error(&[
        "inv.yaml",
        "node \"a1\"",
        "a1.csr",
        "\"evil.example\"",
    ]);
    assert_eq!(snapshot(&env.pki()), before);
    // key_type and csr exclude each other.
    let both = env.write(
        "both.yaml",
        &format!("cluster: Prod\nclients:\n  - name: b1\n    role: app\n    key_type: ed25519\n    csr: {b}\n"),
    );
    env.run(&["apply", both.to_str().unwrap()]).usage_error(&[
        "both.yaml",
        "line",
        "key_type and csr",
    ]);
}

#[test]
fn name_constraints_bind_openssl_and_secctl() {
    let env = Env::new();
    let init = env
        .run(&[
            "-o",
            "json",
            "ca",
            "init",
            "--name",
            "Prod",
            "--intermediate",
            "--permit-dns",
            "prod.example",
            "--permit-ip",
            "10.0.0.0/8",
            "--exclude-dns",
            "bad.prod.example",
        ])
        .ok()
        .json();
    assert_eq!(
        init["name_constraints"]["permitted_dns"][0], "prod.example",
        "{init}"
    );
    // Critical, on the root and on the intermediate, as OpenSSL reads them.
    for f in ["root.crt", "intermediate.crt"] {
        let p = env.pki().join("ca").join(f);
        let t = osl(&["x509", "-in", p.to_str().unwrap(), "-noout", "-text"]).stdout;
        assert!(t.contains("X509v3 Name Constraints: critical"), "{f}: {t}");
        assert!(t.contains("DNS:prod.example"), "{f}: {t}");
        assert!(t.contains("IP:10.0.0.0/255.0.0.0"), "{f}: {t}");
        assert!(t.contains("Excluded:"), "{f}: {t}");
    }
    // Leaves made by hand with openssl under the constrained intermediate (its key is right
    // there): the one outside is refused by OpenSSL, the one inside accepted.
    let inter = env.pki().join("ca/intermediate.crt");
    let inter_key = env.pki().join("ca/intermediate.key");
    let hand = |name: &str, san: &str| -> String {
        let csr = openssl_csr(&env, name, "p256", &format!("/CN={name}"), None);
        let ext = env.write(
            &format!("{name}.ext"),
            &format!("subjectAltName={san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nauthorityKeyIdentifier=keyid\n"),
        );
        let crt = env.path(&format!("{name}.crt"));
        osl(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            inter.to_str().unwrap(),
            "-CAkey",
            inter_key.to_str().unwrap(),
            "-set_serial",
            "0x7e57",
            "-days",
            "30",
            "-extfile",
            ext.to_str().unwrap(),
            "-out",
            crt.to_str().unwrap(),
        ]);
        crt.display().to_string()
    };
    let ca = env.pki().join("ca.crt");
    let verify = |crt: &str| {
        tool(
            "openssl",
            &[
                "verify",
                "-CAfile",
                ca.to_str().unwrap(),
                "-untrusted",
                inter.to_str().unwrap(),
                "-purpose",
                "sslserver",
                crt,
            ],
        )
    };
    let inside = hand("inside", "DNS:web.prod.example,IP:10.1.2.3");
    let v = verify(&inside);
    assert_eq!(
        v.code, 0,
        "the in-constraint hand-made leaf must verify: {}{}",
        v.stdout, v.stderr
    );
    for (name, san) in [
        ("outside", "DNS:bank.example"),
        ("excluded", "DNS:x.bad.prod.example"),
        ("outside-ip", "DNS:web2.prod.example,IP:192.168.1.1"),
    ] {
        let crt = hand(name, san);
        let v = verify(&crt);
        assert_ne!(
            v.code, 0,
            "{name}: OpenSSL accepted a leaf outside the constraints"
        );
        let out = format!("{}{}", v.stdout, v.stderr);
        assert!(out.contains("subtree violation"), "{name}: {out}");
    }
    // secctl refuses to issue them, naming the host and the constraint, before signing.
    let before = snapshot(&env.pki());
    env.run(&["cert", "node", "outside", "--host", "bank.example"])
        .usage_error(&[
            "\"bank.example\"",
            "outside the permitted DNS subtrees (prod.example)",
        ]);
    env.run(&["cert", "node", "excluded", "--host", "x.bad.prod.example"])
        .usage_error(&[
            "\"x.bad.prod.example\"",
            "excluded subtree \"bad.prod.example\"",
        ]);
    env.run(&[
        "cert",
        "node",
        "ip",
        "--host",
        "web2.prod.example",
        "--host",
        "192.168.1.1",
    ])
    .usage_error(&["192.168.1.1", "10.0.0.0/8"]);
    env.run(&["cert", "client", "ci.runner", "--role", "ci"])
        .usage_error(&["\"ci.runner\"", "CN checked"]);
    let csr = openssl_csr(
        &env,
        "signed",
        "p256",
        "/CN=signed",
        Some("DNS:bank.example"),
    );
    env.run(&[
        "cert",
        "sign",
        &csr,
        "--role",
        "db",
        "--host",
        "bank.example",
    ])
    .usage_error(&["\"bank.example\"", "prod.example"]);
    let inv = env.write(
        "inv.yaml",
        "cluster: Prod\nnodes:\n  - name: ok\n    role: db\n    hosts: [ok.prod.example]\n  - name: evil\n    role: db\n    hosts: [bank.example]\n",
    );
    env.run(&["apply", inv.to_str().unwrap()]).usage_error(&[
        "inv.yaml",
        "node \"evil\"",
        "\"bank.example\"",
    ]);
    assert_eq!(
        snapshot(&env.pki()),
        before,
        "a refused name changed the state directory"
    );
    // What is inside is issued, and verifies.
    env.run(&[
        "cert",
        "node",
        "web",
        "--host",
        "web.prod.example",
        "--host",
        "10.0.0.9",
    ])
    .ok();
    env.run(&["cert", "client", "rails", "--role", "app"]).ok();
    let (crt, bundle) = certs(&env, "web");
    assert_eq!(
        openssl_verify_chain(Path::new(&bundle), Path::new(&crt), Some("sslserver")).code,
        0
    );
    // `ca show` shows them; a rotated CA keeps them.
    let show = env.run(&["ca", "show"]).ok().stdout;
    assert!(
        show.contains("permitted DNS prod.example, IP 10.0.0.0/8; excluded DNS bad.prod.example"),
        "{show}"
    );
    env.run(&["--yes", "ca", "rotate"]).ok();
    let show = env.run(&["-o", "json", "ca", "show"]).ok().json();
    for which in ["root", "intermediate"] {
        let nc = &show["name_constraints"][which];
        assert_eq!(
            nc["permitted_dns"],
            serde_json::json!(["prod.example"]),
            "{show}"
        );
        assert_eq!(
            nc["permitted_ip"],
            serde_json::json!(["10.0.0.0/8"]),
            "{show}"
        );
        assert_eq!(
            nc["excluded_dns"],
            serde_json::json!(["bad.prod.example"]),
            "{show}"
        );
    }
    env.run(&["cert", "node", "outside", "--host", "bank.example"])
        .usage_error(&["\"bank.example\""]);
    // Bad constraint values.
    let e2 = Env::new();
    e2.run(&["ca", "init", "--permit-ip", "10.0.0.1/8"])
        .usage_error(&["\"10.0.0.1/8\"", "10.0.0.0/8"]);
    e2.run(&["ca", "init", "--permit-dns", "*.prod.example"])
        .usage_error(&["\"*.prod.example\"", "wildcard"]);
    assert!(!e2.pki().join("secctl.json").exists());
}
