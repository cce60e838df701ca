//! Custodian recipients (issue #19, items 5 and 9): one custodian cannot hold two shares,
//! a repeated comment is warned about, and a recipients file that holds a secret key or
//! odd text is refused without quoting the secret and without a panic.

mod common;

use std::path::Path;

use common::*;

fn split_args<'a>(secret: &'a str, out: &'a str, n: &'a str) -> Vec<&'a str> {
    vec![
        "key",
        "split",
        secret,
        "--threshold",
        "2",
        "--shares",
        n,
        "--out",
        out,
    ]
}

fn ssh_key(env: &Env, name: &str, comment: &str) -> String {
    assert!(have("ssh-keygen"), "ssh-keygen is a required test peer");
    let p = env.path(name);
    tool(
        "ssh-keygen",
        &[
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            comment,
            "-f",
            p.to_str().unwrap(),
        ],
    )
    .ok();
    std::fs::read_to_string(p.with_extension("pub"))
        .unwrap()
        .trim()
        .to_string()
}

#[test]
fn the_same_recipient_twice_is_refused() {
    let env = Env::new();
    let secret = env.write("s.txt", "top secret\n");
    let (_, a) = custodian(&env, "a");
    let (_, b) = custodian(&env, "b");
    let out = env.path("out");
    let (s, o) = (secret.to_str().unwrap(), out.to_str().unwrap());
    // The attack: one custodian listed twice (once with a label, once without) would hold
    // 2 of a 2-of-3 split alone. Refused, naming both places, nothing written.
    let file = env.write(
        "custodians.txt",
        &format!("# custodians\n{a} alice\n{b} bob\n\n{a}\n"),
    );
    let mut args = split_args(s, o, "3");
    args.extend_from_slice(&["--recipients-file", file.to_str().unwrap()]);
    env.run(&args).usage_error(&[
        "custodians.txt line 2 and ",
        "custodians.txt line 5",
        "same custodian public key twice",
    ]);
    assert!(!out.exists());
    // Across --recipient and --recipients-file too.
    let one = env.write("one.txt", &format!("{b} bob\n"));
    let mut args = split_args(s, o, "3");
    args.extend_from_slice(&["--recipient", &a, "--recipient", &b]);
    args.extend_from_slice(&["--recipients-file", one.to_str().unwrap()]);
    env.run(&args)
        .usage_error(&["--recipient #2 and ", "one.txt line 1"]);
    assert!(!out.exists());
    // The same SSH key under two different comments is still one custodian.
    let k = ssh_key(&env, "k1", "carol@laptop");
    let body: Vec<&str> = k.split_whitespace().collect();
    let renamed = format!("{} {} dave@desk", body[0], body[1]);
    let mut args = split_args(s, o, "2");
    args.extend_from_slice(&["--recipient", &k, "--recipient", &renamed]);
    env.run(&args)
        .usage_error(&["--recipient #1 and --recipient #2", "twice"]);
    assert!(!out.exists());

    // `backup init` refuses it the same way, before writing backup.pub or any share.
    env.run(&["ca", "init"]).ok();
    let before = snapshot(&env.pki());
    env.run(&[
        "backup",
        "init",
        "--threshold",
        "2",
        "--shares",
        "2",
        "--out",
        o,
        "--recipient",
        &a,
        "--recipient",
        &a,
    ])
    .usage_error(&["--recipient #1 and --recipient #2"]);
    assert_eq!(before, snapshot(&env.pki()));
    assert!(!env.pki().join("backup.pub").exists());
    assert!(!out.exists());
}

#[test]
fn a_repeated_comment_is_warned_about_and_labels_name_files() {
    let env = Env::new();
    let secret = env.write("s.txt", "top secret\n");
    let out = env.path("out");
    let k1 = ssh_key(&env, "k1", "alice");
    let k2 = ssh_key(&env, "k2", "alice");
    let (id, a) = custodian(&env, "a");
    let file = env.write("c.txt", &format!("{k1}\n{k2}\n{a} erin\n"));
    let mut args = split_args(secret.to_str().unwrap(), out.to_str().unwrap(), "3");
    args.extend_from_slice(&["--recipients-file", file.to_str().unwrap()]);
    let r = env.run(&args).ok();
    // The warning, beside the note on what to do with the original file.
    let warn: Vec<&str> = r.stderr.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warn.len(), 1, "{}", r.stderr);
    assert!(
        warn[0].contains("c.txt line 1 and ")
            && warn[0].contains("c.txt line 2 carry")
            && warn[0].contains("same comment \"alice\""),
        "{}",
        r.stderr
    );
    // The label after an age key names its share file; the age CLI opens that share.
    let share = out.join("share-3-of-3-erin.age");
    assert!(share.exists(), "{:?}", std::fs::read_dir(&out).unwrap());
    assert!(
        have("age"),
        "the age CLI is a required test peer (apt-get install age)"
    );
    let d = tool("age", &["-d", "-i", &id, share.to_str().unwrap()]).ok();
    assert!(
        d.stdout.starts_with("-----BEGIN SECCTL SHARE-----"),
        "{}",
        d.stdout
    );
}

/// Every 8-character window of `secret` that is absent from `text`.
fn assert_no_part_of(secret: &str, text: &str) {
    let chars: Vec<char> = secret.chars().collect();
    for w in chars.windows(8) {
        let w: String = w.iter().collect();
        assert!(!text.contains(&w), "{w:?} of the secret in {text:?}");
    }
}

fn refused_without_leaking(env: &Env, file: &Path, secret: &str, needles: &[&str]) {
    let out = env.path("out");
    let s = env.write("s.txt", "x\n");
    let mut args = split_args(s.to_str().unwrap(), out.to_str().unwrap(), "2");
    args.extend_from_slice(&["--recipients-file", file.to_str().unwrap()]);
    let r = env.run(&args).usage_error(needles);
    assert_no_part_of(secret, &r.stderr);
    assert_no_part_of(secret, &r.stdout);
    assert!(!out.exists());
}

#[test]
fn a_secret_key_as_recipients_file_is_refused_without_quoting_it() {
    let env = Env::new();
    // An age identity file (age-keygen's layout: comments, then the secret key).
    let (id, _) = custodian(&env, "a");
    let text = std::fs::read_to_string(&id).unwrap();
    let secret = text
        .trim()
        .strip_prefix("AGE-SECRET-KEY-1")
        .unwrap()
        .to_string();
    refused_without_leaking(
        &env,
        Path::new(&id),
        &secret,
        &["a.key line 1", "secret key"],
    );
    // The same key after comments, and in lower case.
    let f = env.write(
        "keygen.txt",
        &format!(
            "# created: now\n# public key: age1xyz\n{}\n",
            text.trim().to_lowercase()
        ),
    );
    refused_without_leaking(
        &env,
        &f,
        &secret.to_lowercase(),
        &["keygen.txt line 3", "secret key"],
    );
    // An OpenSSH private key and a PEM private key: no line of their bodies is quoted.
    ssh_key(&env, "k1", "c");
    let ssh = std::fs::read_to_string(env.path("k1")).unwrap();
    let body: String = ssh.lines().filter(|l| !l.starts_with("---")).collect();
    refused_without_leaking(&env, &env.path("k1"), &body, &["k1 line 1"]);
    let pem = rcgen::KeyPair::generate().unwrap().serialize_pem();
    let f = env.write("pk.pem", &pem);
    let body: String = pem.lines().filter(|l| !l.starts_with("---")).collect();
    refused_without_leaking(&env, &f, &body, &["pk.pem line 1"]);
    // A bare base64 line (a key body pasted alone) is not quoted either.
    let f = env.write("b64.txt", &format!("{}\n", &body[..60]));
    refused_without_leaking(&env, &f, &body[..60], &["b64.txt line 1", "not quoted"]);
}

#[test]
fn a_multibyte_recipient_line_is_refused_not_a_panic() {
    let env = Env::new();
    // 23 ASCII characters then a 2-byte one: byte 24 falls inside it (the old panic).
    let f = env.write("mb.txt", "abcdefghijklmnopqrstuvwé\n");
    let out = env.path("out");
    let s = env.write("s.txt", "x\n");
    let mut args = split_args(s.to_str().unwrap(), out.to_str().unwrap(), "2");
    args.extend_from_slice(&["--recipients-file", f.to_str().unwrap()]);
    env.run(&args)
        .usage_error(&["mb.txt line 1", "not an age (age1...) or SSH"]);
    for line in [
        "名前名前名前名前名前名前名前名前名前",
        "age1é",
        "ssh-ed25519 ééé",
        "é\x1b[2J",
    ] {
        let f = env.write("mb2.txt", &format!("{line}\n"));
        let mut args = split_args(s.to_str().unwrap(), out.to_str().unwrap(), "2");
        args.extend_from_slice(&["--recipients-file", f.to_str().unwrap()]);
        let r = env.run(&args).usage_error(&["mb2.txt line 1"]);
        assert!(!r.stderr.contains('\x1b'), "{:?}", r.stderr);
    }
    env.run(&[
        "key",
        "split",
        s.to_str().unwrap(),
        "--threshold",
        "2",
        "--shares",
        "2",
        "--recipient",
        "ééééééééééééééééééééééééé",
    ])
    .usage_error(&["--recipient #1"]);
    assert!(!out.exists());
}
