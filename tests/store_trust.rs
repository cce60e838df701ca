//! A node installs only what the CA vouches for (issue: trust nothing the shared state hands
//! out). Each attack is made as another writer of the state would make it, with openssl as
//! the attacker's tool, and `openssl verify` against what the node holds confirms the truth.

mod common;

use std::path::{Path, PathBuf};

use common::{attacker_ca, foreign_crl, snapshot, tool, Env};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A node directory (0700) in the test directory.
fn node(env: &Env) -> PathBuf {
    let d = env.path("node");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::set_permissions(&d, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    d
}

fn sha256_of(pem: &Path) -> String {
    let r = tool(
        "openssl",
        &["x509", "-in", s(pem), "-noout", "-fingerprint", "-sha256"],
    )
    .ok();
    r.stdout.trim().rsplit('=').next().unwrap().to_string()
}

fn verify(bundle: &Path, crt: &Path, crl: Option<&Path>) -> common::Run {
    let mut args = vec!["verify", "-CAfile", s(bundle), "-untrusted", s(crt)];
    if let Some(c) = crl {
        args.extend_from_slice(&["-crl_check", "-CRLfile", s(c)]);
    }
    args.push(s(crt));
    tool("openssl", &args)
}

#[test]
fn a_node_installs_only_roots_its_pins_or_their_endorsements_vouch_for() {
    let env = Env::new();
    env.run(&["ca", "init", "--name", "prod"]).ok();
    let node = node(&env);
    let bundle = node.join("ca.crt");
    // First fetch: trust on first use, said on stderr, pins written beside the bundle.
    let r = env.run(&["ca", "bundle", "--out", s(&bundle)]).ok();
    assert!(r.stderr.contains("first fetch"), "{}", r.stderr);
    let pins = std::fs::read_to_string(node.join("ca.crt.pins")).unwrap();
    assert_eq!(pins.lines().filter(|l| !l.starts_with('#')).count(), 1);

    // A rotation: the old root endorses the new one, so the pinned node takes it.
    let rot = env
        .run(&["-o", "json", "ca", "rotate", "--yes"])
        .ok()
        .json();
    assert_eq!(rot["endorsement"]["by_previous_root"], true, "{rot}");
    assert_eq!(rot["endorsement"]["of_previous_root"], true, "{rot}");
    let j = env
        .run(&["-o", "json", "ca", "bundle", "--out", s(&bundle)])
        .ok()
        .json();
    assert_eq!(j["trust"], "pinned");
    assert_eq!(j["certificates"], 2);
    env.run(&["cert", "client", "rails", "--role", "gitlab"])
        .ok();
    let rails = env.pki().join("certs/rails/rails.crt");
    verify(&bundle, &rails, None).ok();
    env.run(&["store", "check"]).ok();

    // Another writer appends its own root to ca.crt.
    let (evil_root, evil_client, _) = attacker_ca(&env, "/O=prod/CN=prod Root CA");
    let mut planted = std::fs::read_to_string(env.pki().join("ca.crt")).unwrap();
    planted.push_str(&std::fs::read_to_string(&evil_root).unwrap());
    std::fs::write(env.pki().join("ca.crt"), &planted).unwrap();
    let before = snapshot(&node);
    let fp = sha256_of(&evil_root).replace(':', "").to_lowercase();
    env.run(&["ca", "bundle", "--out", s(&bundle)])
        .usage_error(&["does not trust", &fp, "neither pinned nor endorsed"]);
    assert_eq!(
        snapshot(&node),
        before,
        "the refused fetch changed the node"
    );
    // What the node holds still refuses the attacker's client, and takes ours.
    let r = verify(&bundle, &evil_client, None);
    assert_ne!(
        r.code, 0,
        "openssl accepted the attacker's client: {}",
        r.stdout
    );
    verify(&bundle, &rails, None).ok();
    // The CA host's own check names the root.
    let r = env.run(&["store", "check"]);
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("does not endorse") && r.stdout.contains(&fp),
        "{}",
        r.stdout
    );
    // So does `check` (the cron and monitoring check).
    let r = env.run(&["check"]);
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("does not endorse") && r.stderr.contains(&fp),
        "{}",
        r.stderr
    );
    // A fake generation directory does not make it one of ours for store check either.
    let fake = env.pki().join("ca/previous/20200101T000000Z");
    std::fs::create_dir_all(&fake).unwrap();
    std::fs::copy(&evil_root, fake.join("root.crt")).unwrap();
    let r = env.run(&["store", "check"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains(&fp), "{}", r.stdout);
    std::fs::remove_dir_all(&fake).unwrap();

    // An operator who means it pins the root explicitly.
    env.run(&[
        "ca",
        "bundle",
        "--out",
        s(&bundle),
        "--pin",
        &sha256_of(&evil_root),
    ])
    .ok();
    verify(&bundle, &evil_client, None).ok();
}

#[test]
fn a_rotation_with_the_old_root_key_offline_needs_an_explicit_pin() {
    let env = Env::new();
    env.run(&["ca", "init", "--name", "prod", "--intermediate"])
        .ok();
    let node = node(&env);
    let bundle = node.join("ca.crt");
    env.run(&["ca", "bundle", "--out", s(&bundle)]).ok();
    // The root key goes offline (kept elsewhere, as an operator with an intermediate does).
    let key = env.pki().join("ca/root.key");
    let kept = env.path("root.key.offline");
    std::fs::rename(&key, &kept).unwrap();
    let rot = env
        .run(&["-o", "json", "ca", "rotate", "--yes"])
        .ok()
        .json();
    assert_eq!(rot["endorsement"]["by_previous_root"], false, "{rot}");
    assert!(rot["endorsement"]["missing_because"]
        .as_str()
        .unwrap()
        .contains("offline"));
    let before = snapshot(&node);
    env.run(&["ca", "bundle", "--out", s(&bundle)])
        .usage_error(&["neither pinned nor endorsed", "--pin"]);
    assert_eq!(snapshot(&node), before);
    let new_root = env.pki().join("ca/root.crt");
    env.run(&[
        "ca",
        "bundle",
        "--out",
        s(&bundle),
        "--pin",
        &sha256_of(&new_root),
    ])
    .ok();
    env.run(&["cert", "node", "n1", "--host", "n1.prod.example"])
        .ok();
    verify(&bundle, &env.pki().join("certs/n1/n1.crt"), None).ok();
}

#[test]
fn a_node_refuses_a_rolled_back_or_foreign_crl() {
    let env = Env::new();
    env.run(&["ca", "init", "--name", "prod"]).ok();
    let node = node(&env);
    let (bundle, crl) = (node.join("ca.crt"), node.join("crl.pem"));
    env.run(&["ca", "bundle", "--out", s(&bundle)]).ok();
    env.run(&["cert", "client", "rails", "--role", "gitlab"])
        .ok();
    let rails = env.pki().join("certs/rails/rails.crt");
    env.run(&["crl", "--out", s(&crl)]).ok();
    verify(&bundle, &rails, Some(&crl)).ok();
    let old = std::fs::read(env.pki().join("crl.pem")).unwrap();
    env.run(&["revoke", "rails", "--yes"]).ok();
    let j = env
        .run(&["-o", "json", "crl", "--out", s(&crl)])
        .ok()
        .json();
    let n = j["numbers"][0]["number"].as_u64().unwrap();
    let r = verify(&bundle, &rails, Some(&crl));
    assert_ne!(r.code, 0, "the revoked client verifies: {}", r.stdout);
    assert!(r.stdout.contains("revoked") || r.stderr.contains("revoked"));

    // Another writer puts the CRL from before the revocation back.
    std::fs::write(env.pki().join("crl.pem"), &old).unwrap();
    let before = snapshot(&node);
    env.run(&["crl", "--out", s(&crl)]).usage_error(&[
        "older than number",
        &n.to_string(),
        "rolled-back",
    ]);
    assert_eq!(snapshot(&node), before);
    assert_ne!(verify(&bundle, &rails, Some(&crl)).code, 0);
    let r = env.run(&["store", "check"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("put back"), "{}", r.stdout);

    // A CRL signed by the attacker's key under the CA's own name.
    let subject = tool(
        "openssl",
        &[
            "x509",
            "-in",
            s(&env.pki().join("ca/root.crt")),
            "-noout",
            "-subject",
            "-nameopt",
            "compat",
        ],
    )
    .ok()
    .stdout
    .trim()
    .trim_start_matches("subject=")
    .to_string();
    let (evil_root, _, _) = attacker_ca(&env, &subject);
    let evil = foreign_crl(&env, &evil_root, &env.path("evil-root.key"));
    std::fs::copy(&evil, env.pki().join("crl.pem")).unwrap();
    env.run(&["crl", "--out", s(&crl)])
        .usage_error(&["not signed by a CA this node trusts"]);
    assert_eq!(snapshot(&node), before);
    let r = env.run(&["store", "check"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("not signed by any CA of this state"),
        "{}",
        r.stdout
    );
    // openssl agrees: the foreign CRL does not verify against the node's bundle.
    let r = tool(
        "openssl",
        &[
            "crl",
            "-in",
            s(&evil),
            "-CAfile",
            s(&bundle),
            "-verify",
            "-noout",
        ],
    );
    // (openssl crl exits 0 either way: its verdict is the line it prints.)
    assert!(
        r.stderr.contains("verify failure") && !r.stderr.contains("verify OK"),
        "{}",
        r.stderr
    );

    // The CA republishes: the node takes the new CRL (a higher number).
    std::fs::write(env.pki().join("crl.pem"), "").unwrap();
    env.run(&["crl"]).ok();
    env.run(&["crl", "--out", s(&crl)]).ok();
    assert_ne!(verify(&bundle, &rails, Some(&crl)).code, 0);
    // Without the node's bundle there is nothing to check against.
    env.run(&["crl", "--out", s(&env.path("elsewhere-crl.pem"))])
        .usage_error(&["ca.crt", "no such file", "--ca"]);
}

#[test]
fn pkcs12_has_its_own_passphrase_never_the_ca_keys() {
    let env = Env::new();
    let ca_pass = env.write("ca.pass", "ca-passphrase-1\n");
    let own = env.write("p12.pass", "p12-passphrase-1\n");
    for p in [&ca_pass, &own] {
        std::fs::set_permissions(p, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    }
    env.run(&[
        "--passphrase-file",
        s(&ca_pass),
        "ca",
        "init",
        "--name",
        "prod",
        "--encrypt-key",
    ])
    .ok();
    env.run(&[
        "--passphrase-file",
        s(&ca_pass),
        "cert",
        "node",
        "n1",
        "--host",
        "n1.prod",
    ])
    .ok();
    let out = env.path("n1.p12");
    // `cert export n1 --p12 OUT` after the global options `global`, with `more`.
    let export = |global: &[&str], more: &[&str]| {
        let mut args = global.to_vec();
        args.extend(["cert", "export", "n1", "--p12", s(&out)]);
        args.extend(more);
        env.run(&args)
    };
    let with_ca_pass = ["--passphrase-file", s(&ca_pass)];
    let before = snapshot(env.tmp.path());
    // The CA passphrase file alone is not taken as the export passphrase.
    export(&with_ca_pass, &[]).usage_error(&["its own passphrase", "--p12-passphrase-file"]);
    // The CA passphrase as the PKCS#12 passphrase: refused, whether the CA passphrase file
    // is given (compared) or not (tried on the encrypted CA key).
    for global in [&with_ca_pass[..], &[]] {
        export(global, &["--p12-passphrase-file", s(&ca_pass)])
            .usage_error(&["is the CA key's passphrase"]);
    }
    assert_eq!(
        snapshot(env.tmp.path()),
        before,
        "a refused export wrote something"
    );
    export(&[], &["--p12-passphrase-file", s(&own)]).ok();
    // openssl opens it with its own passphrase, not with the CA's.
    let open_with = |pass: &Path| {
        let passin = format!("file:{}", s(pass));
        tool(
            "openssl",
            &["pkcs12", "-in", s(&out), "-nokeys", "-passin", &passin],
        )
    };
    let ok = open_with(&own);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stdout.contains("BEGIN CERTIFICATE"));
    let bad = open_with(&ca_pass);
    assert_ne!(bad.code, 0, "the .p12 opens with the CA passphrase");
}

#[test]
fn wildcards_and_mapped_addresses_are_checked_by_what_they_cover() {
    let env = Env::new();
    env.run(&[
        "ca",
        "init",
        "--name",
        "prod",
        "--permit-dns",
        "prod.example",
        "--exclude-dns",
        "bad.prod.example",
        "--permit-ip",
        "10.0.0.0/8",
        "--exclude-ip",
        "10.9.0.0/16",
    ])
    .ok();
    let before = snapshot(&env.pki());
    env.run(&["cert", "node", "w", "--host", "*.prod.example"])
        .usage_error(&["*.prod.example", "bad.prod.example", "excluded"]);
    env.run(&["cert", "node", "m", "--host", "::ffff:10.9.1.1"])
        .usage_error(&["::ffff:10.9.1.1", "10.9.1.1", "10.9.0.0/16"]);
    assert_eq!(snapshot(&env.pki()), before);
    // Names the wildcard cannot reach, and a mapped address in the permitted block, pass.
    env.run(&[
        "cert",
        "node",
        "ok",
        "--host",
        "*.web.prod.example",
        "--host",
        "::ffff:10.1.1.1",
    ])
    .ok();
}

#[test]
fn offline_verify_refuses_a_wildcard_that_covers_an_excluded_name_openssl_accepts() {
    let env = Env::new();
    let root_key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut rp = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    rp.distinguished_name = rcgen::DistinguishedName::new();
    rp.distinguished_name
        .push(rcgen::DnType::CommonName, "constrained root");
    rp.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    rp.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
    ];
    rp.name_constraints = Some(rcgen::NameConstraints {
        permitted_subtrees: vec![],
        excluded_subtrees: vec![rcgen::GeneralSubtree::DnsName("bad.prod.example".into())],
    });
    let root = rp.self_signed(&root_key).unwrap();
    let issuer = rcgen::Issuer::from_params(&rp, &root_key);
    let leaf_key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut lp = rcgen::CertificateParams::new(vec!["*.prod.example".to_string()]).unwrap();
    lp.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let leaf = lp.signed_by(&leaf_key, &issuer).unwrap();
    let root_p = env.write("root.crt", &root.pem());
    let leaf_p = env.write("leaf.crt", &leaf.pem());
    // openssl compares the '*' label literally and then matches the wildcard: it accepts.
    let r = tool(
        "openssl",
        &[
            "verify",
            "-CAfile",
            s(&root_p),
            "-verify_hostname",
            "bad.prod.example",
            s(&leaf_p),
        ],
    );
    assert_eq!(
        r.code, 0,
        "openssl refused it (this test shows the gap): {}",
        r.stderr
    );
    let r = env.run(&["verify", s(&leaf_p), "--ca", s(&root_p), "--no-revocation"]);
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    assert!(r.stdout.contains("bad.prod.example"), "{}", r.stdout);
}

#[test]
fn files_named_by_the_user_are_read_within_a_bound() {
    let env = Env::new();
    env.run(&["ca", "init", "--name", "prod"]).ok();
    let before = snapshot(&env.pki());
    env.run(&["cert", "sign", "/dev/zero", "--role", "app"])
        .usage_error(&["/dev/zero", "larger than 1 MiB"]);
    env.run(&["verify", "/dev/zero"])
        .usage_error(&["/dev/zero", "larger than"]);
    assert_eq!(snapshot(&env.pki()), before);
}

#[test]
fn state_directory_permissions_are_tightened_and_its_parents_checked() {
    let env = Env::new();
    env.run(&["ca", "init", "--name", "prod"]).ok();
    let pki = env.pki();
    std::fs::set_permissions(&pki, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let r = env.run(&["cert", "list"]).ok();
    assert!(r.stderr.contains("tightened to 0700"), "{}", r.stderr);
    assert_eq!(common::mode(&pki), 0o700);
    // A parent others can write (no sticky bit) is refused, naming the parent.
    let open = env.path("open");
    std::fs::create_dir_all(open.join("inner")).unwrap();
    std::fs::set_permissions(&open, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    let dir = open.join("inner/pki");
    let r = common::to_run(
        std::process::Command::new(common::bin())
            .args(["--dir", s(&dir), "ca", "init", "--name", "x"])
            .env("NO_COLOR", "1")
            .output()
            .unwrap(),
    );
    r.usage_error(&["parent", s(&open), "writable by others"]);
    assert!(!dir.exists());
    // A sticky parent (like /tmp) is fine.
    std::fs::set_permissions(&open, std::os::unix::fs::PermissionsExt::from_mode(0o1777)).unwrap();
    let r = common::to_run(
        std::process::Command::new(common::bin())
            .args(["--dir", s(&dir), "ca", "init", "--name", "x"])
            .env("NO_COLOR", "1")
            .output()
            .unwrap(),
    );
    r.ok();
    // An output directory others can write is refused for what a node installs.
    let shared = env.path("shared");
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::set_permissions(&shared, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    env.run(&["ca", "bundle", "--out", s(&shared.join("ca.crt"))])
        .usage_error(&["shared", "world-writable"]);
}
