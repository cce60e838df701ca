//! The malformed-input corpus: every command that reads outside data, fed truncated,
//! garbage, mismatched, hostile or misplaced input. Each case must end with exit 2, exactly
//! one line on stderr that names the input and the problem, no panic, and the state
//! directory byte-for-byte unchanged. Inputs are made by the test (from a real CA, with
//! openssl where a real peer makes them), plus the regressions the fuzzers found
//! (`tests/malformed/`).

mod common;

use std::path::{Path, PathBuf};

use common::{snapshot, tool, Env};

struct Corpus {
    env: Env,
    other: Env,
    bad: PathBuf,
}

impl Corpus {
    fn new() -> Self {
        let env = Env::new();
        env.run(&["ca", "init", "--name", "Prod", "--intermediate"])
            .ok();
        env.run(&[
            "cert",
            "node",
            "n1",
            "--host",
            "n1.prod.test",
            "--host",
            "127.0.0.1",
            "--role",
            "praefect",
        ])
        .ok();
        env.run(&["cert", "client", "c1", "--role", "gitlab"]).ok();
        env.run(&["revoke", "c1", "--yes"]).ok();
        env.run(&["crl"]).ok();
        // A second, unrelated CA.
        let other = Env::new();
        other.run(&["ca", "init", "--name", "Other"]).ok();
        other.run(&["cert", "node", "o1", "--host", "o1.test"]).ok();
        other.run(&["crl"]).ok();
        // Two splits of two secrets, for share cases.
        std::fs::write(env.path("secret-a"), b"first secret\n").unwrap();
        std::fs::write(env.path("secret-b"), b"second secret\n").unwrap();
        for s in ["a", "b"] {
            env.run(&[
                "key",
                "split",
                "--threshold",
                "2",
                "--shares",
                "3",
                "--out",
                env.path(&format!("shares-{s}")).to_str().unwrap(),
                env.path(&format!("secret-{s}")).to_str().unwrap(),
            ])
            .ok();
        }
        let bad = env.path("bad");
        std::fs::create_dir(&bad).unwrap();
        Corpus { env, other, bad }
    }

    fn p(&self, rel: &str) -> String {
        self.env.path(rel).to_str().unwrap().to_string()
    }

    /// Write a bad input file; return its path.
    fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let p = self.bad.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_string()
    }

    fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.env.path(rel)).unwrap()
    }

    fn share(&self, split: &str, i: usize) -> String {
        self.p(&format!("shares-{split}/share-{i}-of-3.txt"))
    }
}

struct Case {
    what: &'static str,
    args: Vec<String>,
    /// Strings stderr must contain (besides the one-line form).
    needles: Vec<String>,
}

fn case(what: &'static str, args: &[&str], needles: &[&str]) -> Case {
    Case {
        what,
        args: args.iter().map(|s| s.to_string()).collect(),
        needles: needles.iter().map(|s| s.to_string()).collect(),
    }
}

/// DER of a PEM certificate file, by openssl.
fn der_of(c: &Corpus, pem: &str) -> Vec<u8> {
    let out = c.bad.join("leaf.der");
    tool(
        "openssl",
        &[
            "x509",
            "-in",
            pem,
            "-outform",
            "DER",
            "-out",
            out.to_str().unwrap(),
        ],
    )
    .ok();
    std::fs::read(out).unwrap()
}

fn cases(c: &Corpus) -> Vec<Case> {
    let leaf = c.read("pki/certs/n1/n1.crt");
    let leaf_text = String::from_utf8(leaf.clone()).unwrap();
    let key = c.read("pki/certs/n1/n1.key");
    let leaf_der = der_of(c, &c.p("pki/certs/n1/n1.crt"));
    let ca = c.p("pki/ca.crt");
    let crl = c.read("pki/crl.pem");
    let share1 = std::fs::read_to_string(c.share("a", 1)).unwrap();
    let n1crt = c.p("pki/certs/n1/n1.crt");
    let n1key = c.p("pki/certs/n1/n1.key");

    // Certificates.
    let empty = c.file("empty.crt", b"");
    let truncated_pem = c.file("truncated.crt", &leaf[..leaf.len() / 2]);
    let garbage_der = c.file("garbage.der", [0x30u8, 0x82, 0xff, 0xff, 1, 2, 3, 4, 5]);
    let truncated_der = c.file("truncated.der", &leaf_der[..leaf_der.len() - 40]);
    let key_not_cert = c.file("key-as-cert.crt", &key);
    let binary = c.file("binary.crt", [0u8, 159, 146, 150, 0xff, 0xfe]);
    let wrong_block = c.file(
        "wrong-block.crt",
        leaf_text.replace("CERTIFICATE", "CERTIFICATE REQUEST"),
    );
    let dir_as_file = c.bad.join("a-directory.crt");
    std::fs::create_dir(&dir_as_file).unwrap();
    let dir_as_file = dir_as_file.to_str().unwrap().to_string();
    // CRLs.
    let other_crl = c.other.pki().join("crl.pem").to_str().unwrap().to_string();
    let truncated_crl = c.file("truncated-crl.pem", &crl[..crl.len() - 30]);
    let forged_crl = forge_crl(c);
    // Keys.
    let other_key = c
        .other
        .pki()
        .join("certs/o1/o1.key")
        .to_str()
        .unwrap()
        .to_string();
    let truncated_key = c.file("truncated.key", &key[..key.len() / 2]);
    let garbage_key = c.file(
        "garbage.key",
        "-----BEGIN PRIVATE KEY-----\nAAAAAAAA\n-----END PRIVATE KEY-----\n",
    );
    let empty_key = c.file("empty.key", b"");
    let cert_as_key = n1crt.clone();
    let fake_age_key = c.file("fake.key", "age-encryption.org/v1\n-> X25519 garbage\n");
    // Shares.
    let truncated_share = c.file("truncated.share", &share1[..share1.len() / 2]);
    let flipped = {
        // Change one base64 character inside the body.
        let mut lines: Vec<String> = share1.lines().map(String::from).collect();
        let i = lines.len() / 2;
        let ch = if lines[i].starts_with('A') { "B" } else { "A" };
        lines[i].replace_range(0..1, ch);
        c.file("flipped.share", lines.join("\n") + "\n")
    };
    let empty_share = c.file("empty.share", b"");
    let garbage_share = c.file("garbage.share", "hello, I am not a share\n");
    let no_end = c.file(
        "no-end.share",
        share1.replace("-----END SECCTL SHARE-----", ""),
    );
    let fake_age_share = c.file("fake-age.share", "age-encryption.org/v1\n-> nothing\n");
    // Inventories.
    let inv = |name: &str, text: &str| c.file(name, text);
    let deep = "cluster: ".to_string() + &"[".repeat(10_000) + &"]".repeat(10_000) + "\n";
    let out = c.p("bad/restored");

    let mut v = vec![
        // verify: the certificate.
        case(
            "truncated PEM",
            &["verify", &truncated_pem],
            &["truncated.crt"],
        ),
        case("garbage DER", &["verify", &garbage_der], &["garbage.der"]),
        case(
            "truncated DER",
            &["verify", &truncated_der],
            &["truncated.der"],
        ),
        case(
            "a key where a certificate is expected",
            &["verify", &key_not_cert],
            &["key-as-cert.crt", "certificate"],
        ),
        case("binary non-DER", &["verify", &binary], &["binary.crt"]),
        case(
            "CSR instead of certificate",
            &["verify", &wrong_block],
            &["wrong-block.crt"],
        ),
        case(
            "directory as certificate",
            &["verify", &dir_as_file],
            &["a-directory.crt", "directory"],
        ),
        // verify: the bundle and the CRL.
        case(
            "truncated bundle",
            &["verify", &n1crt, "--ca", &truncated_pem],
            &["truncated.crt"],
        ),
        case(
            "CRL from another CA",
            &["verify", &n1crt, "--ca", &ca, "--crl", &other_crl],
            &["crl.pem", "another CA"],
        ),
        case(
            "truncated CRL",
            &["verify", &n1crt, "--ca", &ca, "--crl", &truncated_crl],
            &["truncated-crl.pem"],
        ),
        case(
            "CRL forged under our CA's exact name with another key",
            &["verify", &n1crt, "--ca", &ca, "--crl", &forged_crl],
            &["forged.crl", "not signed by that CA's key"],
        ),
        // cert show.
        case(
            "cert show truncated PEM",
            &["cert", "show", &truncated_pem],
            &["truncated.crt"],
        ),
        case(
            "cert show garbage DER",
            &["cert", "show", &garbage_der],
            &["garbage.der"],
        ),
        // Keys with certificates (client identity of probe / live verify, serve).
        case(
            "key of another certificate",
            &[
                "probe",
                "127.0.0.1:9",
                "--cert",
                &n1crt,
                "--key",
                &other_key,
            ],
            &["o1.key", "does not match"],
        ),
        case(
            "truncated key",
            &[
                "probe",
                "127.0.0.1:9",
                "--cert",
                &n1crt,
                "--key",
                &truncated_key,
            ],
            &["truncated.key"],
        ),
        case(
            "garbage key",
            &[
                "probe",
                "127.0.0.1:9",
                "--cert",
                &n1crt,
                "--key",
                &garbage_key,
            ],
            &["garbage.key"],
        ),
        case(
            "empty key",
            &[
                "probe",
                "127.0.0.1:9",
                "--cert",
                &n1crt,
                "--key",
                &empty_key,
            ],
            &["empty.key"],
        ),
        case(
            "certificate as key",
            &[
                "probe",
                "127.0.0.1:9",
                "--cert",
                &n1crt,
                "--key",
                &cert_as_key,
            ],
            &["n1.crt"],
        ),
        case(
            "fake age key",
            &[
                "probe",
                "127.0.0.1:9",
                "--cert",
                &n1crt,
                "--key",
                &fake_age_key,
            ],
            &["fake.key"],
        ),
        case(
            "serve with another CA's key",
            &[
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--cert",
                &n1crt,
                "--key",
                &other_key,
            ],
            &["o1.key", "does not match"],
        ),
        case(
            "serve with a truncated certificate",
            &[
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--cert",
                &truncated_pem,
                "--key",
                &n1key,
            ],
            &["truncated.crt"],
        ),
        case(
            "live verify with a garbage key",
            &[
                "verify",
                "127.0.0.1:9",
                "--cert",
                &n1crt,
                "--key",
                &garbage_key,
            ],
            &["garbage.key"],
        ),
        // HOST:PORT.
        // Shares.
        case(
            "one share of two",
            &["key", "combine", "--out", &out, &c.share("a", 1)],
            &["2"],
        ),
        case(
            "mixed splits",
            &[
                "key",
                "combine",
                "--out",
                &out,
                &c.share("a", 1),
                &c.share("b", 2),
            ],
            &["share-2-of-3.txt"],
        ),
        case(
            "the same share twice",
            &[
                "key",
                "combine",
                "--out",
                &out,
                &c.share("a", 1),
                &c.share("a", 1),
            ],
            &["share-1-of-3.txt"],
        ),
        case(
            "truncated share",
            &[
                "key",
                "combine",
                "--out",
                &out,
                &truncated_share,
                &c.share("a", 2),
            ],
            &["truncated.share"],
        ),
        case(
            "share with a flipped character",
            &["key", "combine", "--out", &out, &flipped, &c.share("a", 2)],
            &["flipped.share"],
        ),
        case(
            "empty share",
            &[
                "key",
                "combine",
                "--out",
                &out,
                &empty_share,
                &c.share("a", 2),
            ],
            &["empty.share"],
        ),
        case(
            "garbage share",
            &[
                "key",
                "combine",
                "--out",
                &out,
                &garbage_share,
                &c.share("a", 2),
            ],
            &["garbage.share"],
        ),
        case(
            "share without END line",
            &["key", "combine", "--out", &out, &no_end, &c.share("a", 2)],
            &["no-end.share"],
        ),
        case(
            "age share without identity",
            &[
                "key",
                "combine",
                "--out",
                &out,
                &fake_age_share,
                &c.share("a", 2),
            ],
            &["fake-age.share"],
        ),
        case(
            "directory as share",
            &[
                "key",
                "combine",
                "--out",
                &out,
                &dir_as_file,
                &c.share("a", 2),
            ],
            &["a-directory.crt"],
        ),
        case(
            "missing share",
            &[
                "key",
                "combine",
                "--out",
                &out,
                "nope.share",
                &c.share("a", 2),
            ],
            &["nope.share"],
        ),
        // Backups.
        case(
            "restore a garbage archive",
            &[
                "backup",
                "restore",
                &garbage_share,
                "--share",
                &c.share("a", 1),
                "--share",
                &c.share("a", 2),
                "--to",
                &out,
            ],
            &["garbage.share"],
        ),
        case(
            "restore an empty archive",
            &[
                "backup",
                "restore",
                &empty,
                "--share",
                &c.share("a", 1),
                "--share",
                &c.share("a", 2),
                "--to",
                &out,
            ],
            &["empty.crt"],
        ),
        // Inventories.
        case(
            "inventory: 10,000 nested lists",
            &["apply", &inv("deep.yaml", &deep)],
            &["deep.yaml"],
        ),
        case(
            "inventory: binary",
            &["apply", &c.file("binary.yaml", [0xffu8, 0xfe, 0, 1])],
            &["binary.yaml"],
        ),
        case(
            "inventory: directory",
            &["apply", &dir_as_file],
            &["a-directory.crt", "directory"],
        ),
    ];
    // Unreadable files: only where permissions are enforced (not as root).
    let locked = c.file("locked.crt", &leaf);
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_err() {
        v.push(case(
            "unreadable certificate",
            &["verify", &locked],
            &["locked.crt", "permission denied"],
        ));
        v.push(case(
            "unreadable inventory",
            &["apply", &locked],
            &["locked.crt", "permission denied"],
        ));
    }
    v
}

/// A CRL whose issuer name is exactly our issuing CA's (the intermediate that signed the
/// leaves), signed by an impostor's key (openssl ca).
fn forge_crl(c: &Corpus) -> String {
    let d = c.bad.join("forge");
    std::fs::create_dir(&d).unwrap();
    let p = |n: &str| d.join(n).to_str().unwrap().to_string();
    let subject = tool(
        "openssl",
        &[
            "x509",
            "-in",
            &c.p("pki/ca/intermediate.crt"),
            "-noout",
            "-subject",
            "-nameopt",
            "compat",
        ],
    )
    .ok()
    .stdout;
    let subject = subject.trim().trim_start_matches("subject=").to_string();
    tool(
        "openssl",
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            &p("f.key"),
        ],
    )
    .ok();
    tool(
        "openssl",
        &[
            "req",
            "-new",
            "-x509",
            "-key",
            &p("f.key"),
            "-subj",
            &subject,
            "-days",
            "30",
            "-out",
            &p("f.crt"),
        ],
    )
    .ok();
    std::fs::write(
        d.join("ca.cnf"),
        format!(
            "[ca]\ndefault_ca=d\n[d]\ndatabase={}\ncrlnumber={}\ndefault_md=sha256\ndefault_crl_days=30\n",
            p("index.txt"),
            p("crlnumber")
        ),
    )
    .unwrap();
    std::fs::write(d.join("index.txt"), "").unwrap();
    std::fs::write(d.join("crlnumber"), "01\n").unwrap();
    let out = c.bad.join("forged.crl").to_str().unwrap().to_string();
    tool(
        "openssl",
        &[
            "ca",
            "-config",
            &p("ca.cnf"),
            "-gencrl",
            "-keyfile",
            &p("f.key"),
            "-cert",
            &p("f.crt"),
            "-out",
            &out,
        ],
    )
    .ok();
    out
}

fn fuzz(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/malformed")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

#[test]
fn every_malformed_input_is_refused_cleanly_and_changes_nothing() {
    let c = Corpus::new();
    let cases = cases(&c);
    // The plain one-line cases (no fixture beyond a CA and a file) are case files under
    // tests/cmd/ (tests/cli_cases.rs); what stays here needs the shared corpus.
    assert!(cases.len() >= 38, "corpus has {} inputs", cases.len());
    let mut failures = Vec::new();
    for k in &cases {
        let before = snapshot(&c.env.pki());
        let other_before = snapshot(&c.other.pki());
        let args: Vec<&str> = k.args.iter().map(String::as_str).collect();
        let r = c.env.run_env(&args, &[("SECCTL_TEST_NO_TTY", "1")]);
        let lines: Vec<&str> = r.stderr.lines().collect();
        let mut why = Vec::new();
        if r.code != 2 {
            why.push(format!("exit {}", r.code));
        }
        if lines.len() != 1 || !lines[0].starts_with("secctl: error: ") {
            why.push(format!("stderr not one error line: {:?}", r.stderr));
        }
        if r.stderr.contains("panicked") || r.stderr.contains("RUST_BACKTRACE") {
            why.push("panic".into());
        }
        for n in &k.needles {
            if !r.stderr.contains(n.as_str()) {
                why.push(format!("stderr lacks {n:?}"));
            }
        }
        if before != snapshot(&c.env.pki()) || other_before != snapshot(&c.other.pki()) {
            why.push("state directory changed".into());
        }
        if c.env.path("bad/restored").exists() {
            why.push("output written".into());
        }
        if !why.is_empty() {
            failures.push(format!(
                "{}: {} [{}]",
                k.what,
                why.join("; "),
                r.stderr.trim()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} inputs mishandled:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Found by the `verify` fuzzer: a certificate whose notBefore is after its notAfter made
/// `verify` panic. It is a failed check (exit 1), reported as never valid.
#[test]
fn fuzz_regression_certificate_that_ends_before_it_starts() {
    let env = Env::new();
    let r = env.run(&[
        "-o",
        "json",
        "verify",
        &fuzz("fuzz-verify-never-valid-leaf.der"),
        "--ca",
        &fuzz("fuzz-verify-never-valid-bundle.der"),
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    assert!(r.stdout.contains("never valid"), "{}", r.stdout);
}
