//! `ca import`: CAs made by `openssl req -x509` (RSA 4096, P-384; keys in PKCS#8, PKCS#1,
//! SEC1 and encrypted PKCS#8) adopted, then used: leaves verified by `openssl verify
//! -crl_check`, and nginx doing mTLS with them (ignored without nginx). Every refusal is
//! exit 2 with one line naming the file, and leaves the state directory as it was.

mod common;

use std::path::Path;

use common::{curl, have, mode, nginx_bin, require, snapshot, tool, Env, Nginx};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `openssl req -x509` root: (cert, key) files `NAME.crt`/`NAME.key` (PKCS#8, OpenSSL 3).
fn openssl_root(env: &Env, name: &str, newkey: &[&str], extra: &[&str]) -> (String, String) {
    let crt = env.path(&format!("{name}.crt"));
    let key = env.path(&format!("{name}.key"));
    let subj = format!("/O=Acme/CN={name}");
    let mut args = vec!["req", "-x509", "-nodes"];
    args.extend_from_slice(newkey);
    args.extend_from_slice(&[
        "-keyout",
        s(&key),
        "-out",
        s(&crt),
        "-days",
        "30",
        "-subj",
        &subj,
    ]);
    args.extend_from_slice(extra);
    tool("openssl", &args).ok();
    (s(&crt).to_string(), s(&key).to_string())
}

const RSA4096: &[&str] = &["-newkey", "rsa:4096"];
const P384: &[&str] = &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"];

/// An intermediate CA signed by `root` with openssl: (cert, key).
fn openssl_intermediate(env: &Env, name: &str, root: &(String, String)) -> (String, String) {
    let key = env.path(&format!("{name}.key"));
    let csr = env.path(&format!("{name}.csr"));
    let crt = env.path(&format!("{name}.crt"));
    let ext = env.write(
        &format!("{name}.ext"),
        "basicConstraints=critical,CA:true,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\n\
         subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
    );
    tool(
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
            s(&key),
            "-out",
            s(&csr),
            "-subj",
            &format!("/O=Acme/CN={name}"),
        ],
    )
    .ok();
    tool(
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            s(&csr),
            "-CA",
            &root.0,
            "-CAkey",
            &root.1,
            "-CAcreateserial",
            "-days",
            "20",
            "-extfile",
            s(&ext),
            "-out",
            s(&crt),
        ],
    )
    .ok();
    (s(&crt).to_string(), s(&key).to_string())
}

/// The files of the state directory, with their modes (what `ca init` lays out).
fn layout(pki: &Path) -> Vec<(String, u32)> {
    snapshot(pki)
        .into_iter()
        .filter(|(k, _)| {
            !k.starts_with("issued/") && !k.starts_with("certs/") && !k.starts_with("names/")
        })
        .map(|(k, (m, _))| (k, m & 0o777))
        .collect()
}

fn verify_leaf(env: &Env, name: &str) {
    let pki = env.pki();
    let crt = pki.join(format!("certs/{name}/{name}.crt"));
    let r = tool(
        "openssl",
        &[
            "verify",
            "-crl_check_all",
            "-CRLfile",
            s(&pki.join("crl.pem")),
            "-CAfile",
            s(&pki.join("ca.crt")),
            "-untrusted",
            s(&crt),
            s(&crt),
        ],
    );
    assert_eq!(r.code, 0, "{name}: {}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains(": OK"), "{}", r.stdout);
}

#[test]
fn openssl_rsa4096_and_p384_roots_are_adopted_and_issue_leaves_openssl_accepts() {
    // RSA 4096, key as PKCS#1 (`openssl rsa -traditional`).
    let env = Env::new();
    let (crt, key) = openssl_root(&env, "rsa-root", RSA4096, &[]);
    let pkcs1 = s(&env.path("rsa-root.pkcs1")).to_string();
    tool(
        "openssl",
        &["rsa", "-in", &key, "-traditional", "-out", &pkcs1],
    )
    .ok();
    assert!(std::fs::read_to_string(&pkcs1)
        .unwrap()
        .starts_with("-----BEGIN RSA PRIVATE KEY"));
    let j = env
        .run(&[
            "-o", "json", "ca", "import", "--cert", &crt, "--key", &pkcs1, "--name", "Acme",
        ])
        .ok()
        .json();
    assert_eq!(j["root_key_format"], "pkcs1");
    assert_eq!(j["root"]["key_type"], "rsa");
    assert_eq!(j["key_encrypted"], false);
    // The same files and modes as `ca init` lays out.
    let init = Env::new();
    init.run(&["ca", "init"]).ok();
    assert_eq!(layout(&env.pki()), layout(&init.pki()));
    assert_eq!(mode(&env.pki().join("ca/root.key")), 0o600);
    // The root is the one given, byte for byte in DER.
    let fp = |f: &str| {
        tool(
            "openssl",
            &["x509", "-noout", "-fingerprint", "-sha256", "-in", f],
        )
        .ok()
        .stdout
    };
    assert_eq!(fp(&crt), fp(s(&env.pki().join("ca.crt"))));
    env.run(&["ca", "show"]).ok();
    env.run(&["cert", "node", "n-ec", "--host", "localhost"])
        .ok();
    env.run(&[
        "cert",
        "node",
        "n-rsa",
        "--host",
        "localhost",
        "--key-type",
        "rsa-3072",
    ])
    .ok();
    for n in ["n-ec", "n-rsa"] {
        verify_leaf(&env, n);
        let t = tool(
            "openssl",
            &[
                "x509",
                "-noout",
                "-text",
                "-in",
                s(&env.pki().join(format!("certs/{n}/{n}.crt"))),
            ],
        )
        .ok();
        assert!(
            t.stdout
                .contains("Signature Algorithm: sha256WithRSAEncryption"),
            "{}",
            t.stdout
        );
    }
    // Revocation works with the adopted key: the CRL is signed by it.
    env.run(&["--yes", "revoke", "n-ec"]).ok();
    let r = common::openssl_crl_verify(&env.pki(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    // P-384, key as SEC1, then as encrypted PKCS#8 with the passphrase from a file, stored
    // encrypted (age) with another passphrase.
    for variant in ["sec1", "p8enc"] {
        let env = Env::new();
        let (crt, key) = openssl_root(&env, "ec-root", P384, &[]);
        let k = s(&env.path(&format!("ec-root.{variant}"))).to_string();
        let mut extra: Vec<String> = vec![];
        if variant == "sec1" {
            tool("openssl", &["ec", "-in", &key, "-out", &k]).ok();
        } else {
            let pw = env.write("old-pass", "old-passphrase\n");
            tool(
                "openssl",
                &[
                    "pkcs8",
                    "-topk8",
                    "-v2",
                    "aes-256-cbc",
                    "-in",
                    &key,
                    "-out",
                    &k,
                    "-passout",
                    &format!("file:{}", s(&pw)),
                ],
            )
            .ok();
            let store_pw = env.write("new-pass", "new-passphrase\n");
            extra = vec![
                "--key-passphrase-file".into(),
                s(&pw).into(),
                "--passphrase-file".into(),
                s(&store_pw).into(),
            ];
        }
        let mut args = vec!["-o", "json", "ca", "import", "--cert", &crt, "--key", &k];
        args.extend(extra.iter().map(String::as_str));
        let j = env.run(&args).ok().json();
        let want = if variant == "sec1" {
            "sec1"
        } else {
            "pkcs8-encrypted"
        };
        assert_eq!(j["root_key_format"], want);
        assert_eq!(j["root"]["key_type"], "ecdsa-p384");
        if variant == "p8enc" {
            assert!(env.pki().join("ca/root.key.age").exists());
            assert!(!env.pki().join("ca/root.key").exists());
            let pw = s(&env.path("new-pass")).to_string();
            env.run(&[
                "--passphrase-file",
                &pw,
                "cert",
                "node",
                "n",
                "--host",
                "localhost",
            ])
            .ok();
        } else {
            env.run(&["cert", "node", "n", "--host", "localhost"]).ok();
        }
        verify_leaf(&env, "n");
    }
}

#[test]
fn an_openssl_root_and_intermediate_are_adopted_and_the_intermediate_signs() {
    let env = Env::new();
    let root = openssl_root(&env, "root", P384, &[]);
    let inter = openssl_intermediate(&env, "issuing", &root);
    let j = env
        .run(&[
            "-o",
            "json",
            "ca",
            "import",
            "--cert",
            &root.0,
            "--key",
            &root.1,
            "--intermediate-cert",
            &inter.0,
            "--intermediate-key",
            &inter.1,
        ])
        .ok()
        .json();
    assert_eq!(j["intermediate"]["subject"], "O=Acme, CN=issuing");
    assert_eq!(j["intermediate_key_format"], "pkcs8");
    let init = Env::new();
    init.run(&["ca", "init", "--intermediate"]).ok();
    assert_eq!(layout(&env.pki()), layout(&init.pki()));
    env.run(&["cert", "client", "c", "--role", "ops"]).ok();
    let t = tool(
        "openssl",
        &[
            "x509",
            "-noout",
            "-issuer",
            "-in",
            s(&env.pki().join("certs/c/c.crt")),
        ],
    )
    .ok();
    assert!(t.stdout.contains("CN = issuing"), "{}", t.stdout);
    verify_leaf(&env, "c");
}

/// Run a refused import: exit 2, one line with every needle, the state directory (here
/// absent or holding a CA) exactly as before.
fn refused(env: &Env, args: &[&str], needles: &[&str]) {
    let before = snapshot(&env.pki());
    let existed = env.pki().exists();
    let mut a = vec!["ca", "import"];
    a.extend_from_slice(args);
    env.run(&a).usage_error(needles);
    assert_eq!(
        env.pki().exists(),
        existed,
        "{args:?} created the state directory"
    );
    assert!(
        before == snapshot(&env.pki()),
        "{args:?} changed the state directory"
    );
}

#[test]
fn bad_cas_and_keys_are_refused_and_nothing_is_written() {
    let env = Env::new();
    let (crt, key) = openssl_root(&env, "good", P384, &[]);
    let (other_crt, other_key) = openssl_root(&env, "other", P384, &[]);
    // A key that is not the certificate's.
    refused(
        &env,
        &["--cert", &crt, "--key", &other_key],
        &["other.key", "does not match", "good.crt"],
    );
    // Not a CA.
    let (leaf_crt, leaf_key) = openssl_root(
        &env,
        "leaf",
        P384,
        &["-addext", "basicConstraints=critical,CA:FALSE"],
    );
    refused(
        &env,
        &["--cert", &leaf_crt, "--key", &leaf_key],
        &["leaf.crt", "not a CA"],
    );
    // A CA whose keyUsage forbids signing certificates.
    let (ku_crt, ku_key) = openssl_root(
        &env,
        "ku",
        P384,
        &["-addext", "keyUsage=critical,digitalSignature"],
    );
    refused(
        &env,
        &["--cert", &ku_crt, "--key", &ku_key],
        &["ku.crt", "keyCertSign"],
    );
    // An intermediate signed by another root.
    let stray = openssl_intermediate(&env, "stray", &(other_crt.clone(), other_key.clone()));
    refused(
        &env,
        &[
            "--cert",
            &crt,
            "--key",
            &key,
            "--intermediate-cert",
            &stray.0,
            "--intermediate-key",
            &stray.1,
        ],
        &["stray.crt", "not signed by the root", "good.crt"],
    );
    // An RSA key ring will not sign with (1024 bits).
    let (weak_crt, weak_key) = openssl_root(&env, "weak", &["-newkey", "rsa:1024"], &[]);
    refused(
        &env,
        &["--cert", &weak_crt, "--key", &weak_key],
        &["weak.key", "1024 bits"],
    );
    // An expired CA (made with rcgen: OpenSSL 3.0 cannot backdate).
    let k = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut p = rcgen::CertificateParams::new(vec![]).unwrap();
    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    p.distinguished_name.push(rcgen::DnType::CommonName, "old");
    p.not_before = time::OffsetDateTime::now_utc() - time::Duration::days(60);
    p.not_after = time::OffsetDateTime::now_utc() - time::Duration::days(1);
    let old = p.self_signed(&k).unwrap();
    let old_crt = env.write("old.crt", &old.pem());
    let old_key = env.write("old.key", &k.serialize_pem());
    refused(
        &env,
        &["--cert", s(&old_crt), "--key", s(&old_key)],
        &["old.crt", "expired"],
    );
    // A legacy OpenSSL-encrypted PEM key: refused with the conversion command.
    let legacy = s(&env.path("legacy.key")).to_string();
    tool(
        "openssl",
        &[
            "ec",
            "-in",
            &key,
            "-aes256",
            "-passout",
            "pass:legacy-pass",
            "-out",
            &legacy,
        ],
    )
    .ok();
    assert!(std::fs::read_to_string(&legacy)
        .unwrap()
        .contains("Proc-Type: 4,ENCRYPTED"));
    refused(
        &env,
        &["--cert", &crt, "--key", &legacy],
        &["legacy.key", "openssl pkcs8 -topk8"],
    );
    // An encrypted PKCS#8 key: no terminal and no passphrase file, then a wrong passphrase.
    let p8 = s(&env.path("enc.p8")).to_string();
    tool(
        "openssl",
        &[
            "pkcs8",
            "-topk8",
            "-v2",
            "aes-256-cbc",
            "-in",
            &key,
            "-out",
            &p8,
            "-passout",
            "pass:right-pass",
        ],
    )
    .ok();
    refused(
        &env,
        &["--cert", &crt, "--key", &p8],
        &["enc.p8", "--key-passphrase-file"],
    );
    let wrong = env.write("wrong", "wrong-pass\n");
    std::fs::set_permissions(&wrong, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    refused(
        &env,
        &[
            "--cert",
            &crt,
            "--key",
            &p8,
            "--key-passphrase-file",
            s(&wrong),
        ],
        &["enc.p8", "wrong passphrase"],
    );
    // Not a key at all, and a certificate file with two certificates.
    refused(
        &env,
        &["--cert", &crt, "--key", &crt],
        &["good.crt", "no private key"],
    );
    let two = env.write(
        "two.crt",
        &(std::fs::read_to_string(&crt).unwrap() + &std::fs::read_to_string(&other_crt).unwrap()),
    );
    refused(
        &env,
        &["--cert", s(&two), "--key", &key],
        &["two.crt", "2 certificates"],
    );
    // An intermediate without its key is a usage error from the parser.
    assert_eq!(
        env.run(&[
            "ca",
            "import",
            "--cert",
            &crt,
            "--key",
            &key,
            "--intermediate-cert",
            &crt
        ])
        .code,
        2
    );
    assert!(!env.pki().exists());
    // A state directory that already has a CA.
    env.run(&["ca", "import", "--cert", &crt, "--key", &key])
        .ok();
    refused(
        &env,
        &["--cert", &other_crt, "--key", &other_key],
        &["already exists"],
    );
}

#[test]
#[ignore = "needs nginx and curl (apt-get install nginx curl); run by .ci/run"]
fn nginx_does_mtls_with_certificates_from_adopted_rsa4096_and_p384_cas() {
    require(
        nginx_bin().is_some() && have("curl"),
        "nginx and curl (apt-get install nginx curl)",
    );
    for (label, newkey) in [("rsa4096", RSA4096), ("p384", P384)] {
        let env = Env::new();
        let (crt, key) = openssl_root(&env, label, newkey, &[]);
        env.run(&["ca", "import", "--cert", &crt, "--key", &key])
            .ok();
        for kt in ["ecdsa-p256", "rsa-2048"] {
            let n = format!("n-{kt}");
            env.run(&["cert", "node", &n, "--host", "localhost", "--key-type", kt])
                .ok();
            env.run(&[
                "cert",
                "client",
                &format!("c-{kt}"),
                "--role",
                "ops",
                "--key-type",
                kt,
            ])
            .ok();
        }
        let p = |n: &str, f: &str| s(&env.pki().join(format!("certs/{n}/{n}.{f}"))).to_string();
        let ca = s(&env.pki().join("ca.crt")).to_string();
        let crl = s(&env.pki().join("crl.pem")).to_string();
        for kt in ["ecdsa-p256", "rsa-2048"] {
            let n = format!("n-{kt}");
            let body = format!(
                "  ssl_certificate {};\n  ssl_certificate_key {};\n  ssl_client_certificate {ca};\n  \
                 ssl_crl {crl};\n  ssl_verify_client on;\n  location / {{ return 200 \"ok $ssl_client_s_dn\\n\"; }}",
                p(&n, "crt"),
                p(&n, "key")
            );
            let nginx = Nginx::start(&env.path(&format!("nginx-{kt}")), &body);
            let url = format!("https://localhost:{}/", nginx.port);
            for ckt in ["ecdsa-p256", "rsa-2048"] {
                let c = format!("c-{ckt}");
                let (code, body) = curl(
                    &url,
                    &[
                        "--cacert",
                        &ca,
                        "--cert",
                        &p(&c, "crt"),
                        "--key",
                        &p(&c, "key"),
                    ],
                );
                assert_eq!(code, 200, "{label} server {kt} client {ckt}: {body}");
                assert!(body.contains(&format!("CN=c-{ckt}")), "{body}");
            }
            // Without a client certificate nginx refuses (400: no required SSL certificate).
            let (code, _) = curl(&url, &["--cacert", &ca]);
            assert_eq!(
                code, 400,
                "{label}: nginx admitted a client without a certificate"
            );
        }
    }
}
