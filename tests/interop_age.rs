//! Shares encrypted to custodians made by Debian's `age-keygen` and `ssh-keygen` open with
//! the `age` command-line tool (so they are real age files), and `combine` takes the same
//! identity files. Ignored by plain `cargo test`; `.ci/run` installs age and openssh-client
//! and runs it with `--ignored`.

mod common;

use common::*;

#[test]
#[ignore = "needs age, age-keygen and ssh-keygen (apt-get install age openssh-client); run by .ci/run"]
fn age_cli_opens_shares_and_combine_takes_its_keys() {
    for t in ["age", "age-keygen", "ssh-keygen"] {
        assert!(have(t), "{t} is not installed");
    }
    let env = Env::new();
    let p = |n: &str| env.path(n).display().to_string();
    tool("age-keygen", &["-o", &p("alice.txt")]).ok();
    tool("age-keygen", &["-o", &p("bob.txt")]).ok();
    tool(
        "ssh-keygen",
        &[
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "carol@ops",
            "-f",
            &p("carol"),
        ],
    )
    .ok();
    let r_alice = tool("age-keygen", &["-y", &p("alice.txt")])
        .ok()
        .stdout
        .trim()
        .to_string();
    let r_bob = tool("age-keygen", &["-y", &p("bob.txt")])
        .ok()
        .stdout
        .trim()
        .to_string();
    let r_carol = std::fs::read_to_string(p("carol.pub"))
        .unwrap()
        .trim()
        .to_string();
    let secret = env.write("ca.key", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----\n");
    let v = env
        .run(&[
            "-o",
            "json",
            "key",
            "split",
            secret.to_str().unwrap(),
            "--threshold",
            "2",
            "--shares",
            "3",
            "--recipient",
            &r_alice,
            "--recipient",
            &r_bob,
            "--recipient",
            &r_carol,
        ])
        .ok()
        .json();
    let files: Vec<String> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert!(
        files[2].contains("carol@ops"),
        "custodian named in the file: {files:?}"
    );
    // The age CLI decrypts each share with its custodian's key, and only with it.
    for (file, key) in files.iter().zip([p("alice.txt"), p("bob.txt"), p("carol")]) {
        let r = tool("age", &["-d", "-i", &key, file]).ok();
        assert!(
            r.stdout.starts_with("-----BEGIN SECCTL SHARE-----"),
            "{}",
            r.stdout
        );
    }
    assert_ne!(
        tool("age", &["-d", "-i", &p("bob.txt"), &files[0]]).code,
        0,
        "bob must not open alice's share"
    );
    // combine with an age key file and an OpenSSH private key.
    let out = env.path("restored.key");
    env.run(&[
        "key",
        "combine",
        &files[0],
        &files[2],
        "-i",
        &p("alice.txt"),
        "-i",
        &p("carol"),
        "--out",
        out.to_str().unwrap(),
    ])
    .ok();
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read(&secret).unwrap()
    );
    // A decrypted (plain) share from the age CLI combines with an encrypted one.
    let plain = tool("age", &["-d", "-i", &p("bob.txt"), &files[1]])
        .ok()
        .stdout;
    let plain_path = env.write("bob-share.txt", &plain);
    let out2 = env.path("restored2.key");
    env.run(&[
        "key",
        "combine",
        plain_path.to_str().unwrap(),
        &files[0],
        "-i",
        &p("alice.txt"),
        "--out",
        out2.to_str().unwrap(),
    ])
    .ok();
    assert_eq!(
        std::fs::read(&out2).unwrap(),
        std::fs::read(&secret).unwrap()
    );
    // The backup archive is an age file the CLI can open once the key is restored.
    env.run(&["ca", "init"]).ok();
    let shares_dir = env.path("bk");
    let v = env
        .run(&[
            "-o",
            "json",
            "backup",
            "init",
            "--threshold",
            "2",
            "--shares",
            "3",
            "--out",
            shares_dir.to_str().unwrap(),
            "--recipient",
            &r_alice,
            "--recipient",
            &r_bob,
            "--recipient",
            &r_carol,
        ])
        .ok()
        .json();
    let bfiles: Vec<String> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    let backup = env.path("b.age");
    env.run(&["backup", "create", "--out", backup.to_str().unwrap()])
        .ok();
    let key = env.path("backup-key.txt");
    env.run(&[
        "key",
        "combine",
        &bfiles[0],
        &bfiles[1],
        "-i",
        &p("alice.txt"),
        "-i",
        &p("bob.txt"),
        "--out",
        key.to_str().unwrap(),
    ])
    .ok();
    let r = tool(
        "age",
        &["-d", "-i", key.to_str().unwrap(), backup.to_str().unwrap()],
    )
    .ok();
    assert!(
        r.stdout.contains("\"format\":\"secctl-backup\""),
        "age CLI opened the backup"
    );
}
