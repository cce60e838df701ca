//! Issue #17 on a real terminal (tmux): the paste ceremony of `key combine` never leaves a
//! share on the screen for the next custodian, and a wrong CA passphrase typed on a
//! terminal is asked again (three tries).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;

/// A program in a detached tmux session (80x40), driven by the test.
struct Tmux {
    sock: String,
    session: String,
    done: std::path::PathBuf,
}

impl Tmux {
    fn start(cmd: &str, dir: &Path) -> Tmux {
        assert!(
            have("tmux"),
            "tmux is a required test peer (terminal sessions)"
        );
        static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let session = format!("secctl-term-{}-{n}", std::process::id());
        let sock = dir
            .join(format!("tmux-{n}.sock"))
            .to_str()
            .unwrap()
            .to_string();
        let done = dir.join(format!("done-{n}"));
        let wrapped = format!("{cmd}; echo $? > {}; sleep 60", done.display());
        tool(
            "tmux",
            &[
                "-S",
                &sock,
                "new-session",
                "-d",
                "-x",
                "80",
                "-y",
                "40",
                "-s",
                &session,
                &wrapped,
            ],
        )
        .ok();
        Tmux {
            sock,
            session,
            done,
        }
    }

    /// The screen and its scrollback.
    fn screen(&self) -> String {
        tool(
            "tmux",
            &[
                "-S",
                &self.sock,
                "capture-pane",
                "-p",
                "-S",
                "-",
                "-t",
                &self.session,
            ],
        )
        .stdout
    }

    /// Wait until the screen shows `what` at least `times` times (or the program ended).
    fn wait_for(&self, what: &str, times: usize) -> String {
        let t0 = Instant::now();
        loop {
            let s = self.screen();
            if s.matches(what).count() >= times || self.done.exists() {
                return s;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(60),
                "timed out waiting for {what:?}:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Paste `text` as a terminal paste would deliver it.
    fn paste(&self, text: &str, dir: &Path) {
        let f = dir.join("paste.txt");
        std::fs::write(&f, text).unwrap();
        tool(
            "tmux",
            &["-S", &self.sock, "load-buffer", f.to_str().unwrap()],
        )
        .ok();
        tool(
            "tmux",
            &["-S", &self.sock, "paste-buffer", "-d", "-t", &self.session],
        )
        .ok();
        std::fs::remove_file(&f).unwrap();
    }

    /// Type a secret at a prompt that reads it without echo: first wait until the terminal
    /// has echo off (the prompt's text appears a moment before the program switches the
    /// mode, and the switch discards what was typed ahead, as it should).
    fn type_secret(&self, line: &str) {
        let tty = tool(
            "tmux",
            &[
                "-S",
                &self.sock,
                "display-message",
                "-p",
                "-t",
                &self.session,
                "#{pane_tty}",
            ],
        )
        .stdout
        .trim()
        .to_string();
        let t0 = Instant::now();
        loop {
            let st = tool("stty", &["-F", &tty, "-a"]).stdout;
            if st.split_whitespace().any(|w| w == "-echo") || self.done.exists() {
                break;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(60),
                "the terminal never turned echo off: {st}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        self.type_line(line);
    }

    fn type_line(&self, line: &str) {
        tool(
            "tmux",
            &[
                "-S",
                &self.sock,
                "send-keys",
                "-t",
                &self.session,
                line,
                "Enter",
            ],
        )
        .ok();
    }

    /// Wait for the end; the exit code and the last screen.
    fn finish(&self) -> (String, String) {
        let t0 = Instant::now();
        while !self.done.exists() && t0.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(100));
        }
        std::thread::sleep(Duration::from_millis(200));
        let code = std::fs::read_to_string(&self.done).unwrap_or_default();
        (code.trim().to_string(), self.screen())
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = tool("tmux", &["-S", &self.sock, "kill-server"]);
    }
}

/// The body lines of a share (between its BEGIN and END lines): what must not stay on
/// the screen.
fn share_body(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.starts_with("-----") && l.trim().len() >= 16)
        .map(str::to_string)
        .collect()
}

#[test]
fn the_paste_ceremony_leaves_no_share_on_the_screen() {
    let env = Env::new();
    let secret = env.write("secret", "the root key\n");
    let shares = env.path("shares");
    env.run(&[
        "key",
        "split",
        "--threshold",
        "2",
        "--shares",
        "3",
        "--out",
        shares.to_str().unwrap(),
        secret.to_str().unwrap(),
    ])
    .ok();
    let text = |i: u8| std::fs::read_to_string(shares.join(format!("share-{i}-of-3.txt"))).unwrap();
    let (s1, s3) = (text(1), text(3));
    assert!(!share_body(&s1).is_empty(), "{s1}");
    let out = env.path("restored");
    let t = Tmux::start(
        &format!("{} key combine --out {}", bin(), out.display()),
        env.tmp.path(),
    );
    t.wait_for("paste the first share", 1);
    t.paste(&s1, env.tmp.path());
    // After the first paste, the screen (and its scrollback) shows none of the share.
    let screen = t.wait_for("1 of 2 shares", 1);
    for l in share_body(&s1) {
        assert!(
            !screen.contains(&l),
            "share line {l:?} on the screen:\n{screen}"
        );
    }
    assert!(screen.contains("received"), "{screen}");
    t.paste(&s3, env.tmp.path());
    let (code, screen) = t.finish();
    assert_eq!(code, "0", "{screen}");
    for l in share_body(&s1).into_iter().chain(share_body(&s3)) {
        assert!(
            !screen.contains(&l),
            "share line {l:?} on the screen:\n{screen}"
        );
    }
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "the root key\n");
    // The terminal echoes again afterwards (the shell gets its terminal back as it was).
    let t = Tmux::start(
        &format!(
            "{} key combine --out {}; read x; echo got-$x",
            bin(),
            env.path("r2").display()
        ),
        env.tmp.path(),
    );
    t.wait_for("paste the first share", 1);
    t.type_line("");
    // Ctrl-D ends the ceremony; the read that follows must echo what is typed.
    tool(
        "tmux",
        &["-S", &t.sock, "send-keys", "-t", &t.session, "C-d"],
    )
    .ok();
    t.wait_for("not enough", 1);
    t.type_line("visible");
    let s = t.wait_for("got-visible", 1);
    assert!(
        s.matches("visible").count() >= 2,
        "typed text not echoed:\n{s}"
    );
}

#[test]
fn a_wrong_ca_passphrase_on_a_terminal_is_asked_again() {
    let env = Env::new();
    let pass = env.write("pass", "correct horse battery staple\n");
    std::fs::set_permissions(&pass, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    env.run(&[
        "--passphrase-file",
        pass.to_str().unwrap(),
        "ca",
        "init",
        "--name",
        "acme",
        "--encrypt-key",
    ])
    .ok();
    let cmd = format!(
        "{} --dir {} cert client c1 --role app",
        bin(),
        env.pki().display()
    );
    // Wrong, then right: issued.
    let t = Tmux::start(&cmd, env.tmp.path());
    t.wait_for("CA key passphrase", 1);
    t.type_secret("not the passphrase");
    t.wait_for("try again (2 of 3)", 1);
    t.wait_for("CA key passphrase", 2);
    t.type_secret("correct horse battery staple");
    let (code, screen) = t.finish();
    assert_eq!(code, "0", "{screen}");
    assert!(screen.contains("issued client certificate"), "{screen}");
    assert!(!screen.contains("battery"), "passphrase echoed:\n{screen}");
    // Three wrong: refused, nothing issued.
    let before = snapshot(&env.pki());
    let cmd = format!(
        "{} --dir {} cert client c2 --role app",
        bin(),
        env.pki().display()
    );
    let t = Tmux::start(&cmd, env.tmp.path());
    for i in 1..=3 {
        t.wait_for("CA key passphrase", i);
        t.type_secret("wrong");
    }
    let (code, screen) = t.finish();
    assert_eq!(code, "2", "{screen}");
    assert!(screen.contains("try again (3 of 3)"), "{screen}");
    assert!(
        screen.contains("error: ") && screen.contains("wrong passphrase"),
        "{screen}"
    );
    assert_eq!(snapshot(&env.pki()), before);
}

#[test]
fn the_p12_export_passphrase_is_asked_twice_and_opens_the_file() {
    let env = Env::new();
    env.run(&["ca", "init"]).ok();
    env.run(&["cert", "client", "c1", "--role", "app"]).ok();
    let out = env.path("c1.p12");
    let cmd = format!(
        "{} --dir {} cert export c1 --p12 {}",
        bin(),
        env.pki().display(),
        out.display()
    );
    let t = Tmux::start(&cmd, env.tmp.path());
    t.wait_for("PKCS#12 export passphrase", 1);
    t.type_secret("typed export passphrase");
    t.wait_for("Repeat the passphrase", 1);
    t.type_secret("typed export passphrase");
    let (code, screen) = t.finish();
    assert_eq!(code, "0", "{screen}");
    assert!(screen.contains("exported client \"c1\""), "{screen}");
    assert!(
        !screen.contains("typed export"),
        "passphrase echoed:\n{screen}"
    );
    // The typed passphrase is the one that opens the file.
    let r = tool(
        "openssl",
        &[
            "pkcs12",
            "-info",
            "-nokeys",
            "-in",
            out.to_str().unwrap(),
            "-passin",
            "pass:typed export passphrase",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn an_encrypted_key_is_imported_with_its_passphrase_typed_on_a_terminal() {
    let env = Env::new();
    let (crt, key, p8) = (env.path("r.crt"), env.path("r.key"), env.path("r.p8"));
    tool(
        "openssl",
        &[
            "req",
            "-x509",
            "-nodes",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-keyout",
            key.to_str().unwrap(),
            "-out",
            crt.to_str().unwrap(),
            "-days",
            "30",
            "-subj",
            "/CN=Typed Root",
        ],
    )
    .ok();
    tool(
        "openssl",
        &[
            "pkcs8",
            "-topk8",
            "-v2",
            "aes-256-cbc",
            "-in",
            key.to_str().unwrap(),
            "-out",
            p8.to_str().unwrap(),
            "-passout",
            "pass:old key passphrase",
        ],
    )
    .ok();
    let cmd = format!(
        "{} --dir {} ca import --cert {} --key {}",
        bin(),
        env.pki().display(),
        crt.display(),
        p8.display()
    );
    let t = Tmux::start(&cmd, env.tmp.path());
    t.wait_for("Passphrase of", 1);
    t.type_secret("old key passphrase");
    let (code, screen) = t.finish();
    assert_eq!(code, "0", "{screen}");
    assert!(screen.contains("imported CA into"), "{screen}");
    assert!(!screen.contains("old key"), "passphrase echoed:\n{screen}");
    env.run(&["cert", "node", "n", "--host", "localhost"]).ok();
}
