//! Key ceremony through the binary: split, combine, every refusal, and the backup round trip.
//! Custodian keys are made with the age library here; `interop_age.rs` uses Debian's age CLI.

mod common;

use common::*;

fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn split_and_combine_plain_shares() {
    let env = Env::new();
    let secret: Vec<u8> = (0..200u32).map(|i| (i * 7 + 3) as u8).collect();
    let f = env.path("secret.bin");
    std::fs::write(&f, &secret).unwrap();
    let v = env
        .run(&[
            "-o",
            "json",
            "key",
            "split",
            f.to_str().unwrap(),
            "--threshold",
            "3",
            "--shares",
            "5",
        ])
        .ok()
        .json();
    assert_eq!(v["threshold"], 3);
    let shares = files_in(&env.path("secret.bin.shares"));
    assert_eq!(shares.len(), 5);
    for s in &shares {
        assert_eq!(mode(std::path::Path::new(s)), 0o600, "{s}");
        let t = std::fs::read_to_string(s).unwrap();
        assert!(
            t.starts_with("-----BEGIN SECCTL SHARE-----\nVersion: 1\n"),
            "{t}"
        );
        for h in [
            "Split: ",
            "Threshold: 3",
            "Shares: 5",
            "Index: ",
            "Commitment: ",
            "Checksum: ",
        ] {
            assert!(t.contains(h), "{h}: {t}");
        }
    }
    // Any three, in any order.
    for (i, pick) in [[0, 1, 2], [4, 2, 0], [1, 3, 4]].iter().enumerate() {
        let out = env.path(&format!("r{i}.bin"));
        let mut args = vec!["key", "combine", "--out", out.to_str().unwrap()];
        args.extend(pick.iter().map(|&j| shares[j].as_str()));
        env.run(&args).ok();
        assert_eq!(std::fs::read(&out).unwrap(), secret);
        assert_eq!(mode(&out), 0o600);
    }
}

#[test]
fn every_refusal_is_one_line_and_writes_nothing() {
    let env = Env::new();
    let f = env.write("s.txt", "the secret\n");
    env.run(&[
        "key",
        "split",
        f.to_str().unwrap(),
        "--threshold",
        "3",
        "--shares",
        "4",
    ])
    .ok();
    let s = files_in(&env.path("s.txt.shares"));
    let f2 = env.write("t.txt", "another secret\n");
    env.run(&[
        "key",
        "split",
        f2.to_str().unwrap(),
        "--threshold",
        "3",
        "--shares",
        "4",
    ])
    .ok();
    let other = files_in(&env.path("t.txt.shares"));
    let out = env.path("out.bin");
    let o = out.to_str().unwrap();
    // Too few, saying how many more.
    env.run(&["key", "combine", "--out", o, &s[0], &s[1]])
        .usage_error(&["too few shares", "2 of the 3", "1 more"]);
    // Duplicate.
    env.run(&["key", "combine", "--out", o, &s[0], &s[1], &s[1]])
        .usage_error(&["duplicate share", "index 2"]);
    // Mixed splits.
    env.run(&["key", "combine", "--out", o, &s[0], &s[1], &other[2]])
        .usage_error(&["different splits"]);
    // A typo in one share: named.
    let mut t = std::fs::read_to_string(&s[2]).unwrap();
    let at = t.find("\n\n").unwrap() + 5;
    let c = t.remove(at);
    t.insert(at, if c == 'Q' { 'R' } else { 'Q' });
    let typo = env.write("typo.txt", &t);
    env.run(&[
        "key",
        "combine",
        "--out",
        o,
        &s[0],
        &s[1],
        typo.to_str().unwrap(),
    ])
    .usage_error(&["typo.txt", "checksum"]);
    // Truncated, empty, garbage, a directory, a missing file.
    let full = std::fs::read_to_string(&s[2]).unwrap();
    let trunc = env.write("trunc.txt", &full[..full.len() / 2]);
    env.run(&[
        "key",
        "combine",
        "--out",
        o,
        &s[0],
        &s[1],
        trunc.to_str().unwrap(),
    ])
    .usage_error(&["trunc.txt", "truncated"]);
    let empty = env.write("empty.txt", "");
    env.run(&[
        "key",
        "combine",
        "--out",
        o,
        &s[0],
        &s[1],
        empty.to_str().unwrap(),
    ])
    .usage_error(&["empty.txt", "empty"]);
    let garbage = env.write("garbage.txt", "hello world\n");
    env.run(&[
        "key",
        "combine",
        "--out",
        o,
        &s[0],
        &s[1],
        garbage.to_str().unwrap(),
    ])
    .usage_error(&["garbage.txt", "not a secctl share"]);
    env.run(&[
        "key",
        "combine",
        "--out",
        o,
        &s[0],
        &s[1],
        env.tmp.path().to_str().unwrap(),
    ])
    .usage_error(&["directory"]);
    env.run(&[
        "key",
        "combine",
        "--out",
        o,
        &s[0],
        &s[1],
        "/nonexistent/share",
    ])
    .usage_error(&["/nonexistent/share", "no such file"]);
    // A forged header (threshold edited and checksum recomputed is caught by the commitment).
    assert!(!out.exists(), "a refused combine wrote the output");
    // No shares and no terminal.
    env.run(&["key", "combine", "--out", o])
        .usage_error(&["no terminal"]);
    // Bad split parameters.
    env.run(&[
        "key",
        "split",
        f.to_str().unwrap(),
        "--threshold",
        "5",
        "--shares",
        "3",
        "--out",
        env.path("x").to_str().unwrap(),
    ])
    .usage_error(&["--threshold 5"]);
    assert_eq!(
        env.run(&[
            "key",
            "split",
            f.to_str().unwrap(),
            "--threshold",
            "1",
            "--shares",
            "3"
        ])
        .code,
        2
    );
    // Existing output directory with files: never overwritten.
    env.run(&[
        "key",
        "split",
        f.to_str().unwrap(),
        "--threshold",
        "2",
        "--shares",
        "3",
    ])
    .usage_error(&["s.txt.shares", "not an empty directory"]);
    // Existing secret output.
    env.write("exists.bin", "x");
    env.run(&[
        "key",
        "combine",
        "--out",
        env.path("exists.bin").to_str().unwrap(),
        &s[0],
        &s[1],
        &s[2],
    ])
    .usage_error(&["already exists"]);
}

#[test]
fn encrypted_shares_need_the_right_identity() {
    let env = Env::new();
    let custodians: Vec<(String, String)> = ["alice", "bob", "carol"]
        .iter()
        .map(|n| custodian(&env, n))
        .collect();
    let stranger = custodian(&env, "mallory");
    let f = env.write(
        "k.pem",
        "-----BEGIN PRIVATE KEY-----\nnot really\n-----END PRIVATE KEY-----\n",
    );
    let mut args = vec![
        "-o".to_string(),
        "json".into(),
        "key".into(),
        "split".into(),
        f.display().to_string(),
        "--threshold".into(),
        "2".into(),
        "--shares".into(),
        "3".into(),
    ];
    for (_, r) in &custodians {
        args.push("--recipient".into());
        args.push(r.clone());
    }
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let v = env.run(&a).ok().json();
    assert_eq!(v["encrypted"], true);
    let files: Vec<String> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    for p in &files {
        let t = std::fs::read_to_string(p).unwrap();
        assert!(t.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"), "{p}");
        assert!(!t.contains("SECCTL SHARE"));
    }
    let out = env.path("k2.pem");
    let o = out.to_str().unwrap();
    // Without identities; with a stranger's identity only.
    env.run(&["key", "combine", "--out", o, &files[0], &files[1]])
        .usage_error(&["encrypted", "--identity"]);
    env.run(&[
        "key",
        "combine",
        "--out",
        o,
        "-i",
        &stranger.0,
        &files[0],
        &files[1],
    ])
    .usage_error(&["none of the given identities"]);
    // Alice and carol together.
    env.run(&[
        "key",
        "combine",
        "--out",
        o,
        "-i",
        &custodians[0].0,
        "-i",
        &custodians[2].0,
        &files[0],
        &files[2],
    ])
    .ok();
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&f).unwrap());
    // Recipients count must match the shares.
    env.run(&[
        "key",
        "split",
        f.to_str().unwrap(),
        "--threshold",
        "2",
        "--shares",
        "4",
        "--recipient",
        &custodians[0].1,
        "--out",
        env.path("y").to_str().unwrap(),
    ])
    .usage_error(&["1 recipients for 4 shares"]);
    env.run(&[
        "key",
        "split",
        f.to_str().unwrap(),
        "--threshold",
        "2",
        "--shares",
        "2",
        "--recipient",
        "age1bogus",
        "--recipient",
        "x",
        "--out",
        env.path("z").to_str().unwrap(),
    ])
    .usage_error(&["--recipient #1", "invalid age recipient"]);
}

#[test]
fn backup_round_trip_restores_a_working_ca() {
    let env = Env::new();
    let pass = env.write("pass", "correct horse battery staple\n");
    let pass = pass.to_str().unwrap();
    env.run(&[
        "--passphrase-file",
        pass,
        "ca",
        "init",
        "--encrypt-key",
        "--intermediate",
    ])
    .ok();
    env.run(&[
        "--passphrase-file",
        pass,
        "cert",
        "node",
        "n1",
        "--host",
        "n1.local",
    ])
    .ok();
    let original_ca = std::fs::read(env.pki().join("ca.crt")).unwrap();
    let c: Vec<(String, String)> = ["a", "b", "c", "d"]
        .iter()
        .map(|n| custodian(&env, n))
        .collect();
    let shares_dir = env.path("custody");
    let mut args = vec![
        "-o",
        "json",
        "backup",
        "init",
        "--threshold",
        "3",
        "--shares",
        "4",
        "--out",
        shares_dir.to_str().unwrap(),
    ];
    for (_, r) in &c {
        args.extend_from_slice(&["--recipient", r]);
    }
    let v = env.run(&args).ok().json();
    let files: Vec<String> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    // Only the public half is in the state directory.
    let pubkey = std::fs::read_to_string(env.pki().join("backup.pub")).unwrap();
    assert!(pubkey.starts_with("age1"), "{pubkey}");
    let everything = snapshot(&env.pki());
    assert!(
        everything
            .values()
            .all(|(_, d)| !String::from_utf8_lossy(d).contains("AGE-SECRET-KEY")),
        "private backup key on disk"
    );
    // backup create needs no secret (no passphrase file here).
    let b = env.path("state.age");
    env.run(&["backup", "create", "--out", b.to_str().unwrap()])
        .ok();
    assert_eq!(mode(&b), 0o600);
    // Wipe, then restore with 3 shares.
    let before = snapshot(&env.pki());
    std::fs::remove_dir_all(env.pki()).unwrap();
    let target = env.pki();
    let t = target.to_str().unwrap();
    // Too few shares, and a non-empty target: refused, nothing written.
    env.run(&[
        "backup",
        "restore",
        b.to_str().unwrap(),
        "--to",
        t,
        "--share",
        &files[0],
        "--share",
        &files[1],
        "-i",
        &c[0].0,
        "-i",
        &c[1].0,
    ])
    .usage_error(&["too few shares", "1 more"]);
    assert!(!target.exists());
    let busy = env.path("busy");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("x"), "x").unwrap();
    env.run(&[
        "backup",
        "restore",
        b.to_str().unwrap(),
        "--to",
        busy.to_str().unwrap(),
        "--share",
        &files[0],
    ])
    .usage_error(&["not an empty directory"]);
    env.run(&[
        "backup",
        "restore",
        b.to_str().unwrap(),
        "--to",
        t,
        "--share",
        &files[0],
        "--share",
        &files[2],
        "--share",
        &files[3],
        "-i",
        &c[0].0,
        "-i",
        &c[2].0,
        "-i",
        &c[3].0,
    ])
    .ok();
    let after = snapshot(&env.pki());
    let strip = |s: &std::collections::BTreeMap<String, (u32, Vec<u8>)>| {
        s.iter()
            .filter(|(k, _)| k.as_str() != ".lock")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        strip(&before),
        strip(&after),
        "restored files, contents and modes are the originals"
    );
    // The restored CA issues a certificate that openssl accepts against the original ca.crt.
    env.run(&[
        "--passphrase-file",
        pass,
        "cert",
        "node",
        "n2",
        "--host",
        "n2.local",
    ])
    .ok();
    let orig = env.write("orig-ca.crt", &String::from_utf8(original_ca).unwrap());
    let n2 = env.pki().join("certs/n2/n2.crt").display().to_string();
    tool(
        "openssl",
        &[
            "verify",
            "-CAfile",
            orig.to_str().unwrap(),
            "-untrusted",
            &n2,
            &n2,
        ],
    )
    .ok();
}
