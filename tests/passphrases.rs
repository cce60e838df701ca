//! Passphrases (issue #19, item 8): a passphrase file others can read is warned about, a
//! passphrase file on `ca init` always encrypts the key, whitespace is no passphrase, and
//! encrypted custodian identities are opened with their passphrase on a terminal (as the
//! age CLI does) and refused clearly without one.

mod common;

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use age::secrecy::SecretString;
use common::*;

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_passphrase_file_others_can_read_is_warned_about() {
    let env = Env::new();
    let pass = env.write("pass", "correct horse battery staple\n");
    chmod(&pass, 0o644);
    let r = env
        .run(&[
            "--passphrase-file",
            pass.to_str().unwrap(),
            "ca",
            "init",
            "--encrypt-key",
        ])
        .ok();
    let warn: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("readable by others"))
        .collect();
    assert_eq!(warn.len(), 1, "{}", r.stderr);
    assert!(
        warn[0].contains("pass") && warn[0].contains("0644") && warn[0].contains("chmod 600"),
        "{}",
        warn[0]
    );
    // Mode 0600: no warning.
    chmod(&pass, 0o600);
    let r = env
        .run(&[
            "--passphrase-file",
            pass.to_str().unwrap(),
            "cert",
            "node",
            "n1",
            "--host",
            "n1",
        ])
        .ok();
    assert!(!r.stderr.contains("readable"), "{}", r.stderr);
}

#[test]
fn a_passphrase_file_on_ca_init_encrypts_the_key() {
    for via_env in [false, true] {
        let env = Env::new();
        let pass = env.write("pass", "correct horse battery staple\n");
        chmod(&pass, 0o600);
        let p = pass.to_str().unwrap();
        // The attack: a passphrase was given but the CA key was written in clear.
        let r = if via_env {
            env.run_env(&["ca", "init"], &[("SECCTL_PASSPHRASE_FILE", p)])
        } else {
            env.run(&["--passphrase-file", p, "ca", "init"])
        }
        .ok();
        assert!(
            r.stderr.contains("the CA key is encrypted with it"),
            "{}",
            r.stderr
        );
        let ca = env.pki().join("ca");
        assert!(ca.join("root.key.age").exists(), "via_env={via_env}");
        assert!(!ca.join("root.key").exists(), "clear key written");
        let show = env.run(&["-o", "json", "ca", "show"]).ok().json();
        assert_eq!(show["key_encrypted"], true);
        // It really is the passphrase that opens it.
        env.run(&["cert", "node", "n1", "--host", "n1"])
            .usage_error(&["passphrase"]);
        env.run(&["--passphrase-file", p, "cert", "node", "n1", "--host", "n1"])
            .ok();
    }
}

#[test]
fn a_whitespace_passphrase_is_refused() {
    let env = Env::new();
    for (name, text) in [("spaces", "        \n"), ("tabs", "\t\t \t\t \t\t\n")] {
        let f = env.write(name, text);
        chmod(&f, 0o600);
        env.run(&[
            "--passphrase-file",
            f.to_str().unwrap(),
            "ca",
            "init",
            "--encrypt-key",
        ])
        .usage_error(&[name, "only whitespace"]);
        assert!(!env.pki().exists());
    }
}

/// An age identity file encrypted with a passphrase, as `age -p` makes it (the scrypt work
/// factor is lowered so that the unoptimised test binary opens it quickly).
fn encrypted_age_identity(env: &Env, name: &str, pass: &str) -> (String, String) {
    use age::secrecy::ExposeSecret;
    let id = age::x25519::Identity::generate();
    let mut r = age::scrypt::Recipient::new(SecretString::from(pass.to_string()));
    r.set_work_factor(10);
    let enc = age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient)).unwrap();
    let mut out = Vec::new();
    let armor =
        age::armor::ArmoredWriter::wrap_output(&mut out, age::armor::Format::AsciiArmor).unwrap();
    let mut w = enc.wrap_output(armor).unwrap();
    writeln!(w, "# an age identity").unwrap();
    writeln!(w, "{}", id.to_string().expose_secret()).unwrap();
    w.finish().and_then(|a| a.finish()).unwrap();
    let p = env.path(name);
    std::fs::write(&p, out).unwrap();
    (p.display().to_string(), id.to_public().to_string())
}

/// An OpenSSH ed25519 key with a passphrase: (private key file, public key line).
fn encrypted_ssh_key(env: &Env, name: &str, pass: &str) -> (String, String) {
    assert!(have("ssh-keygen"), "ssh-keygen is a required test peer");
    let p = env.path(name);
    tool(
        "ssh-keygen",
        &[
            "-q",
            "-t",
            "ed25519",
            "-N",
            pass,
            "-C",
            "bob",
            "-f",
            p.to_str().unwrap(),
        ],
    )
    .ok();
    let public = std::fs::read_to_string(p.with_extension("pub")).unwrap();
    (p.display().to_string(), public.trim().to_string())
}

/// A 2-of-2 split of `secret` to the two custodians: the share files.
fn split_to(env: &Env, secret: &str, a: &str, b: &str) -> Vec<String> {
    let s = env.write("secret.txt", secret);
    let out = env.path("shares");
    let v = env
        .run(&[
            "-o",
            "json",
            "key",
            "split",
            s.to_str().unwrap(),
            "--threshold",
            "2",
            "--shares",
            "2",
            "--out",
            out.to_str().unwrap(),
            "--recipient",
            a,
            "--recipient",
            b,
        ])
        .ok()
        .json();
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn encrypted_identities_without_a_terminal_are_refused_clearly() {
    let env = Env::new();
    let (age_id, age_pub) = encrypted_age_identity(&env, "alice.age", "alice passphrase");
    let (ssh_id, ssh_pub) = encrypted_ssh_key(&env, "bob_ed25519", "bob passphrase");
    let files = split_to(&env, "the secret\n", &age_pub, &ssh_pub);
    let out = env.path("restored");
    for id in [&age_id, &ssh_id] {
        let mut args = vec!["key", "combine"];
        args.extend(files.iter().map(String::as_str));
        args.extend_from_slice(&["--identity", id, "--out", out.to_str().unwrap()]);
        let name = Path::new(id).file_name().unwrap().to_str().unwrap();
        env.run(&args)
            .usage_error(&[name, "passphrase-protected", "no terminal"]);
        assert!(!out.exists());
    }
}

/// Run `cmd` in a detached tmux session (a real terminal), answer each prompt that
/// contains `prompt_i` with `answer_i`, wait for it to finish; returns the screen.
fn on_a_terminal(cmd: &str, answers: &[(&str, &str)], dir: &Path) -> String {
    assert!(
        have("tmux"),
        "tmux is a required test peer (terminal prompts)"
    );
    // A fresh server per call: reusing the socket of a server that is still shutting
    // down makes `new-session` fail with "server exited unexpectedly".
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let session = format!("secctl-pass-{}-{n}", std::process::id());
    let sock = dir.join(format!("tmux-{n}.sock"));
    let sock = sock.to_str().unwrap();
    let done = dir.join("done");
    let _ = std::fs::remove_file(&done);
    let wrapped = format!("{cmd}; echo $? > {}; sleep 60", done.display());
    tool(
        "tmux",
        &[
            "-S",
            sock,
            "new-session",
            "-d",
            "-x",
            "200",
            "-y",
            "30",
            "-s",
            &session,
            &wrapped,
        ],
    )
    .ok();
    let screen = || tool("tmux", &["-S", sock, "capture-pane", "-p", "-t", &session]).stdout;
    let wait_for = |what: &dyn Fn(&str) -> bool| {
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(60) {
            if what(&screen()) || done.exists() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let mut seen = 0;
    for (prompt, answer) in answers {
        wait_for(&|s: &str| s.matches(prompt).count() > seen);
        seen = screen().matches(prompt).count();
        tool(
            "tmux",
            &["-S", sock, "send-keys", "-t", &session, answer, "Enter"],
        )
        .ok();
    }
    wait_for(&|_| false);
    let s = screen();
    let _ = tool("tmux", &["-S", sock, "kill-server"]);
    let code = std::fs::read_to_string(&done).unwrap_or_default();
    format!("exit {}\n{s}", code.trim())
}

#[test]
fn encrypted_identities_prompt_for_their_passphrase_on_a_terminal() {
    let env = Env::new();
    let (age_id, age_pub) = encrypted_age_identity(&env, "alice.age", "alice passphrase");
    let (ssh_id, ssh_pub) = encrypted_ssh_key(&env, "bob_ed25519", "bob passphrase");
    let files = split_to(&env, "the secret\n", &age_pub, &ssh_pub);
    let out = env.path("restored");
    let cmd = format!(
        "{} key combine {} -i {age_id} -i {ssh_id} --out {}",
        bin(),
        files.join(" "),
        out.display()
    );
    let screen = on_a_terminal(
        &cmd,
        &[
            ("Passphrase for identity", "alice passphrase"),
            ("Passphrase for identity", "bob passphrase"),
        ],
        env.tmp.path(),
    );
    assert!(screen.starts_with("exit 0\n"), "{screen}");
    // Both shares were opened (2 of 2): each key's passphrase was asked and used (the
    // prompt of the first stays on the screen).
    assert!(
        screen.contains(&format!("Passphrase for identity {age_id}")),
        "{screen}"
    );
    assert!(
        !screen.contains("alice passphrase"),
        "passphrase echoed: {screen}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "the secret\n");
    assert_eq!(mode(&out), 0o600);

    // A wrong passphrase: a clear one-line refusal, nothing written.
    std::fs::remove_file(&out).unwrap();
    let screen = on_a_terminal(
        &cmd,
        &[("Passphrase for identity", "not it")],
        env.tmp.path(),
    );
    assert!(screen.starts_with("exit 2\n"), "{screen}");
    assert!(
        screen.contains("alice.age: wrong passphrase for the encrypted identity"),
        "{screen}"
    );
    assert!(!out.exists());
}
