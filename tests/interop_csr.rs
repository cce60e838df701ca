//! CSRs and name constraints against real peers beyond OpenSSL's command line:
//!
//! - Go's `crypto/x509` makes a CSR (a tiny Go program built by the test), secctl signs it,
//!   and Go verifies the certificate; Go refuses a leaf made by hand outside the CA's name
//!   constraints.
//! - nginx serves a certificate signed from a CSR (with the key made on the "node") and
//!   curl accepts it; nginx verifies a client certificate signed from a CSR; curl refuses
//!   an nginx serving a hand-made leaf outside the name constraints.
//!
//! Needs `go` (apt-get install golang-go), `nginx` and `curl`: ignored by plain `cargo test`,
//! run by `.ci/run` (which installs them) with `cargo test --test interop_csr -- --ignored`.

mod common;

use std::process::Command;

use common::*;

fn osl(args: &[&str]) -> Run {
    let r = tool("openssl", args);
    assert_eq!(r.code, 0, "openssl {args:?}: {}", r.stderr);
    r
}

/// A P-256 key and CSR made by `openssl req` in `env`: (key, csr).
fn openssl_csr(env: &Env, name: &str, newkey: &[&str], san: Option<&str>) -> (String, String) {
    let key = env.path(&format!("{name}.key")).display().to_string();
    let csr = env.path(&format!("{name}.csr")).display().to_string();
    let subj = format!("/CN={name}");
    let mut args = vec!["req", "-new", "-nodes"];
    args.extend_from_slice(newkey);
    args.extend(["-keyout", &key, "-subj", &subj, "-out", &csr]);
    let ext;
    if let Some(s) = san {
        ext = format!("subjectAltName={s}");
        args.extend(["-addext", &ext]);
    }
    osl(&args);
    (key, csr)
}

const P256: &[&str] = &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];

/// A leaf made by hand with openssl under the state directory's intermediate (its key is in
/// `pki/ca/`), for `san`; returns the chain file (leaf, intermediate) and the key.
fn hand_made_leaf(env: &Env, name: &str, san: &str) -> (String, String) {
    let (key, csr) = openssl_csr(env, name, P256, None);
    let inter = env.pki().join("ca/intermediate.crt");
    let inter_key = env.pki().join("ca/intermediate.key");
    let ext = env.write(
        &format!("{name}.ext"),
        &format!(
            "subjectAltName={san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n\
             extendedKeyUsage=serverAuth,clientAuth\nauthorityKeyIdentifier=keyid\n"
        ),
    );
    let leaf = env.path(&format!("{name}.leaf.crt"));
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
        leaf.to_str().unwrap(),
    ]);
    let chain = std::fs::read_to_string(&leaf).unwrap() + &std::fs::read_to_string(&inter).unwrap();
    let p = env.write(&format!("{name}.chain.crt"), &chain);
    (p.display().to_string(), key)
}

const GO_TOOL: &str = r#"package main

// csrtool: make a CSR with crypto/x509, or verify a chain with it.
import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"net"
	"os"
)

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}

func main() {
	switch os.Args[1] {
	case "csr": // csr KEY CSR CN DNS IP
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		check(err)
		tmpl := &x509.CertificateRequest{
			Subject:     pkix.Name{CommonName: os.Args[4]},
			DNSNames:    []string{os.Args[5]},
			IPAddresses: []net.IP{net.ParseIP(os.Args[6])},
		}
		der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, key)
		check(err)
		kder, err := x509.MarshalPKCS8PrivateKey(key)
		check(err)
		check(os.WriteFile(os.Args[2], pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0600))
		check(os.WriteFile(os.Args[3], pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}), 0644))
	case "verify": // verify BUNDLE CHAIN DNSNAME
		roots := x509.NewCertPool()
		b, err := os.ReadFile(os.Args[2])
		check(err)
		if !roots.AppendCertsFromPEM(b) {
			check(fmt.Errorf("no roots in %s", os.Args[2]))
		}
		rest, err := os.ReadFile(os.Args[3])
		check(err)
		var leaf *x509.Certificate
		inter := x509.NewCertPool()
		for {
			var blk *pem.Block
			blk, rest = pem.Decode(rest)
			if blk == nil {
				break
			}
			c, err := x509.ParseCertificate(blk.Bytes)
			check(err)
			if leaf == nil {
				leaf = c
			} else {
				inter.AddCert(c)
			}
		}
		_, err = leaf.Verify(x509.VerifyOptions{
			Roots: roots, Intermediates: inter, DNSName: os.Args[4],
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		})
		if err != nil {
			fmt.Println("REFUSED:", err)
			os.Exit(1)
		}
		fmt.Println("OK", leaf.Subject.String(), leaf.URIs)
	}
}
"#;

#[test]
#[ignore = "needs go (apt-get install golang-go); run by .ci/run"]
fn go_makes_a_csr_secctl_signs_it_and_go_verifies() {
    assert!(
        have("go"),
        "needs go (apt-get install golang-go); run by .ci/run"
    );
    let env = Env::new();
    let src = env.write("csrtool.go", GO_TOOL);
    let bin = env.path("csrtool");
    let b = Command::new("go")
        .args(["build", "-o"])
        .arg(&bin)
        .arg(&src)
        .env("GOTOOLCHAIN", "local")
        .env("GOCACHE", env.path("gocache"))
        .env("GO111MODULE", "off")
        .output()
        .unwrap();
    assert!(
        b.status.success(),
        "go build: {}",
        String::from_utf8_lossy(&b.stderr)
    );
    let go = |args: &[&str]| to_run(Command::new(&bin).args(args).output().unwrap());

    env.run(&[
        "ca",
        "init",
        "--name",
        "Prod",
        "--intermediate",
        "--permit-dns",
        "prod.example",
        "--permit-ip",
        "10.0.0.0/8",
    ])
    .ok();
    let (key, csr) = (env.path("g1.key"), env.path("g1.csr"));
    let made = go(&[
        "csr",
        key.to_str().unwrap(),
        csr.to_str().unwrap(),
        "g1",
        "g1.prod.example",
        "10.0.0.7",
    ]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    // The SANs Go put in the CSR must be given as hosts: one missing is refused.
    env.run(&[
        "cert",
        "sign",
        csr.to_str().unwrap(),
        "--role",
        "db",
        "--host",
        "g1.prod.example",
    ])
    .usage_error(&["g1.csr", "10.0.0.7", "not among the hosts given"]);
    let out = env
        .run(&[
            "-o",
            "json",
            "cert",
            "sign",
            csr.to_str().unwrap(),
            "--role",
            "db",
            "--host",
            "g1.prod.example",
            "--host",
            "10.0.0.7",
        ])
        .ok()
        .json();
    assert_eq!(out["key_source"], "external");
    let chain = env.pki().join("certs/g1/g1.crt");
    let bundle = env.pki().join("ca.crt");
    let v = go(&[
        "verify",
        bundle.to_str().unwrap(),
        chain.to_str().unwrap(),
        "g1.prod.example",
    ]);
    assert_eq!(
        v.code, 0,
        "Go refused the certificate: {}{}",
        v.stdout, v.stderr
    );
    assert!(v.stdout.contains("CN=g1,OU=db,O=Prod"), "{}", v.stdout);
    assert!(
        v.stdout.contains("spiffe://prod.local/db/g1"),
        "{}",
        v.stdout
    );
    // The certified key is the one Go made.
    assert_eq!(
        osl(&["pkey", "-in", key.to_str().unwrap(), "-pubout"]).stdout,
        osl(&["x509", "-in", chain.to_str().unwrap(), "-noout", "-pubkey"]).stdout
    );
    // Go enforces the name constraints secctl wrote: a leaf made by hand outside them is
    // refused, one inside accepted.
    let (inside, _) = hand_made_leaf(&env, "inside", "DNS:web.prod.example");
    let v = go(&[
        "verify",
        bundle.to_str().unwrap(),
        &inside,
        "web.prod.example",
    ]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    let (outside, _) = hand_made_leaf(&env, "outside", "DNS:bank.example");
    let v = go(&["verify", bundle.to_str().unwrap(), &outside, "bank.example"]);
    assert_eq!(
        v.code, 1,
        "Go accepted a leaf outside the constraints: {}{}",
        v.stdout, v.stderr
    );
    assert!(v.stdout.contains("not permitted"), "{}", v.stdout);
}

#[test]
#[ignore = "needs nginx and curl (apt-get install nginx curl); run by .ci/run"]
fn nginx_and_curl_with_csr_certificates_and_name_constraints() {
    assert!(
        nginx_bin().is_some() && have("curl"),
        "needs nginx and curl (apt-get install nginx curl); run by .ci/run"
    );
    let env = Env::new();
    env.run(&[
        "ca",
        "init",
        "--name",
        "Prod",
        "--intermediate",
        "--permit-dns",
        "localhost",
        "--permit-ip",
        "127.0.0.0/8",
    ])
    .ok();
    // The server key and the client key are made on the "nodes"; only CSRs come to the CA.
    let (srv_key, srv_csr) = openssl_csr(
        &env,
        "web",
        &["-newkey", "rsa:3072"],
        Some("DNS:localhost,IP:127.0.0.1"),
    );
    env.run(&[
        "cert",
        "sign",
        &srv_csr,
        "--role",
        "web",
        "--host",
        "localhost",
        "--host",
        "127.0.0.1",
    ])
    .ok();
    let (cli_key, cli_csr) = openssl_csr(&env, "rails", &["-newkey", "ed25519"], None);
    env.run(&[
        "cert", "sign", &cli_csr, "--kind", "client", "--role", "gitlab",
    ])
    .ok();
    let srv_crt = env.pki().join("certs/web/web.crt").display().to_string();
    let cli_crt = env
        .pki()
        .join("certs/rails/rails.crt")
        .display()
        .to_string();
    let ca = env.pki().join("ca.crt").display().to_string();
    let body = format!(
        "  ssl_certificate {srv_crt};\n  ssl_certificate_key {srv_key};\n  ssl_client_certificate {ca};\n  \
         ssl_verify_client on;\n  ssl_verify_depth 3;\n  location / {{ return 200 \"hello $ssl_client_s_dn\\n\"; }}"
    );
    let nginx = Nginx::start(&env.path("nginx"), &body);
    let url = format!("https://localhost:{}/", nginx.port);
    let (code, text) = curl(
        &url,
        &["--cacert", &ca, "--cert", &cli_crt, "--key", &cli_key],
    );
    assert_eq!(
        code, 200,
        "curl with the CSR-made client against the CSR-made server: {text}"
    );
    assert!(
        text.contains("OU=gitlab") && text.contains("CN=rails"),
        "{text}"
    );
    // Without a client certificate nginx refuses (the 200 above was the client's doing).
    let (code, _) = curl(&url, &["--cacert", &ca]);
    assert_eq!(code, 400);
    drop(nginx);

    // A leaf made by hand under the constrained intermediate, for a name outside the
    // constraints: curl (OpenSSL) refuses the server; the same made for a name inside is
    // accepted, so the refusal is the constraint's.
    for (name, host, ok) in [
        ("inside", "a.localhost", true),
        ("outside", "evil.test", false),
    ] {
        let (chain, key) = hand_made_leaf(&env, name, &format!("DNS:{host}"));
        let body = format!(
            "  ssl_certificate {chain};\n  ssl_certificate_key {key};\n  location / {{ return 200 \"ok\\n\"; }}"
        );
        let nginx = Nginx::start(&env.path(&format!("nginx-{name}")), &body);
        let resolve = format!("{host}:{}:127.0.0.1", nginx.port);
        let url = format!("https://{host}:{}/", nginx.port);
        let r = tool(
            "curl",
            &[
                "--silent",
                "--show-error",
                "--max-time",
                "10",
                "--resolve",
                &resolve,
                "--cacert",
                &ca,
                &url,
            ],
        );
        if ok {
            assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        } else {
            assert_ne!(
                r.code, 0,
                "curl accepted a leaf outside the name constraints"
            );
            assert!(
                r.stderr.contains("subtree violation"),
                "{name}: {}",
                r.stderr
            );
        }
        drop(nginx);
    }
    // And secctl would not have issued it.
    env.run(&["cert", "node", "evil", "--host", "evil.test"])
        .usage_error(&["\"evil.test\"", "localhost"]);
}
