//! Every command's `--help` is pinned by a snapshot under `tests/snapshots/help/` and ends
//! with an Examples section whose commands parse; global options stand under their own
//! heading. Regenerate the snapshots after a CLI change with one command:
//!
//!     SECCTL_BLESS=1 cargo test --test help
//!
//! (then review `git diff tests/snapshots/help`).

mod common;

use std::path::PathBuf;

use common::Env;

/// Every command path below `secctl` ("" for secctl itself), without clap's `help`.
fn command_paths() -> Vec<String> {
    fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        out.push(path.to_string());
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let p = if path.is_empty() {
                sub.get_name().to_string()
            } else {
                format!("{path} {}", sub.get_name())
            };
            walk(sub, &p, out);
        }
    }
    let mut out = Vec::new();
    walk(&secctl::cli::command(), "", &mut out);
    out
}

fn snapshot_file(path: &str) -> PathBuf {
    let name = if path.is_empty() {
        "secctl".to_string()
    } else {
        format!("secctl-{}", path.replace(' ', "-"))
    };
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots/help")
        .join(format!("{name}.txt"))
}

/// `secctl PATH --help` at a fixed width, with no SECCTL_* variable shown as set.
fn help(env: &Env, path: &str) -> String {
    let mut args: Vec<&str> = path.split_whitespace().collect();
    args.push("--help");
    let r = env.run_env(&args, &[("COLUMNS", "100"), ("SECCTL_INSECURE_DIRS", "")]);
    assert_eq!(r.code, 0, "secctl {path} --help: {}", r.stderr);
    r.stdout
}

#[test]
fn every_help_matches_its_snapshot_and_has_examples() {
    let bless = std::env::var_os("SECCTL_BLESS").is_some();
    let env = Env::new();
    let paths = command_paths();
    assert!(paths.len() > 20, "{paths:?}");
    let mut stale = Vec::new();
    for path in &paths {
        let text = help(&env, path);
        let examples = text.split("\nExamples:\n").nth(1).unwrap_or("");
        assert!(
            examples.starts_with("  ") && examples.contains("  secctl "),
            "`secctl {path} --help` has no Examples section:\n{text}"
        );
        assert!(
            text.contains("\nGlobal options:\n") && text.contains("--dir <DIR>"),
            "`secctl {path} --help` does not list the global options under their heading:\n{text}"
        );
        // The global options come after the command's own.
        let own = text.find("\nOptions:\n").expect("an Options heading");
        assert!(own < text.find("\nGlobal options:\n").unwrap(), "{text}");
        let file = snapshot_file(path);
        if bless {
            std::fs::write(&file, &text).unwrap();
            continue;
        }
        match std::fs::read_to_string(&file) {
            Ok(old) if old == text => {}
            _ => stale.push(file.display().to_string()),
        }
    }
    assert!(
        stale.is_empty(),
        "help snapshots differ or are missing (regenerate with `SECCTL_BLESS=1 cargo test --test help`): {stale:?}"
    );
    // No snapshot is left for a command that no longer exists.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/help");
    let expected: Vec<PathBuf> = paths.iter().map(|p| snapshot_file(p)).collect();
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        assert!(
            expected.contains(&e.path()),
            "{} is a snapshot of no command: remove it",
            e.path().display()
        );
    }
}

/// The words of one example line, as a shell would pass them (enough for the examples:
/// comments, redirections, `&&`, quotes and `VAR=value` prefixes).
fn words(line: &str) -> Vec<String> {
    let line = line.split(" #").next().unwrap();
    let line = line.split(" > ").next().unwrap();
    let line = line.split(" && ").next().unwrap();
    // Whitespace splits words, except inside single quotes.
    let mut out: Vec<String> = Vec::new();
    let (mut cur, mut quoted, mut any) = (String::new(), false, false);
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out.into_iter()
        .skip_while(|w| !w.starts_with("secctl"))
        .collect()
}

#[test]
fn every_example_parses() {
    let mut n = 0;
    // Examples `cli::parse_leaf` parses alone (each checked against the full parse).
    let mut alone = 0;
    for (path, text) in secctl::cli::EXAMPLES {
        // Commands continue over lines ending in a backslash; `#` lines are comments.
        let mut commands: Vec<String> = Vec::new();
        let mut cont = false;
        for line in text.lines() {
            assert!(
                line.len() <= 78,
                "example of `{path}` wider than an 80-column terminal: {line}"
            );
            let body = line.trim_end_matches('\\').trim_end();
            if cont {
                let last = commands.last_mut().unwrap();
                last.push(' ');
                last.push_str(body.trim_start());
            } else if !line.starts_with('#') {
                commands.push(body.to_string());
            }
            cont = line.ends_with('\\');
        }
        assert!(!commands.is_empty(), "`{path}` has only comments");
        for line in &commands {
            let w = words(line);
            assert_eq!(w.first().map(String::as_str), Some("secctl"), "{line}");
            if w.get(1).map(String::as_str) == Some("help") {
                continue;
            }
            let r = secctl::cli::command().try_get_matches_from(&w);
            assert!(
                r.is_ok(),
                "example of `{path}` does not parse: {line}\n{r:?}"
            );
            alone += usize::from(same_as_full_parse(&w));
            n += 1;
        }
    }
    assert!(n > 50, "only {n} examples");
    assert!(alone > 20, "only {alone} examples parsed alone");
    // Every command has examples, and every example belongs to a command.
    let paths = command_paths();
    for p in &paths {
        assert!(secctl::cli::examples(p).is_some(), "`{p}` has no examples");
    }
    for (p, _) in secctl::cli::EXAMPLES {
        assert!(paths.iter().any(|x| x == p), "examples of unknown `{p}`");
    }
}

#[test]
fn a_mistyped_subcommand_gets_the_suggestion_on_one_line() {
    let env = Env::new();
    let r = env.run(&["cert", "lst"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("unrecognized subcommand 'lst'")
            && r.stderr.contains("similar subcommand exists: 'list'"),
        "{}",
        r.stderr
    );
    let r = env.run(&["cert", "node", "n1", "--hots", "x"]);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("'--host'"), "{}", r.stderr);
}

#[test]
fn verify_is_not_described_as_offline_only() {
    let env = Env::new();
    let top = env.run(&["--help"]).ok().stdout;
    let line = top
        .lines()
        .find(|l| l.trim_start().starts_with("verify "))
        .unwrap();
    assert!(!line.contains("offline"), "{line}");
    assert!(line.contains("HOST:PORT"), "{line}");
}

/// `cli::parse_leaf` (the common commands parsed by themselves) gives what the full parse
/// gives, or nothing (the full parse then runs).
fn same_as_full_parse(words: &[String]) -> bool {
    use clap::FromArgMatches;
    let args: Vec<std::ffi::OsString> = words.iter().map(Into::into).collect();
    let full = secctl::cli::command()
        .try_get_matches_from(&args)
        .and_then(|m| secctl::cli::Cli::from_arg_matches(&m));
    match secctl::cli::parse_leaf(&args) {
        Some(leaf) => {
            let full = full.unwrap_or_else(|e| panic!("{words:?}: the full parse fails: {e}"));
            assert_eq!(format!("{leaf:?}"), format!("{full:?}"), "{words:?}");
            true
        }
        None => false,
    }
}

#[test]
fn the_common_commands_parsed_alone_parse_as_in_the_full_tree() {
    let w = |s: &str| -> Vec<String> { s.split(' ').map(String::from).collect() };
    // Parsed alone: global options before, between and after the command's words.
    for line in [
        "secctl cert node db1 --host db1.prod.local --host 10.0.0.7 --role praefect --force",
        "secctl --dir /x cert node db1 --host h",
        "secctl --dir=/x -o json cert --yes node db1 --host h --insecure-dirs",
        "secctl -o=json --etcd-timeout 2 ca init --name Prod",
        "secctl cert node db1 --host h --dir /y -o json",
        "secctl revoke db1 --yes",
        "secctl --store etcd://h:2379/p --etcd-ca ca.crt cert list",
    ] {
        assert!(same_as_full_parse(&w(line)), "{line}: not parsed alone");
    }
    // Left to the full parse: errors, help, version, other commands, an option of the
    // command before its name, `--`, a short option with its value attached.
    for line in [
        "secctl cert node db1",
        "secctl cert node --help",
        "secctl cert node -h",
        "secctl cert node -V",
        "secctl --version",
        "secctl cert show db1",
        "secctl crl",
        "secctl --host h cert node db1",
        "secctl cert node -- db1 --host h",
        "secctl -ojson cert list",
        "secctl cert node db1 --host h --dir /a --dir /b",
        "secctl --dir",
        "secctl",
        "secctl cert",
        "secctl cert nod db1 --host h",
    ] {
        assert!(!same_as_full_parse(&w(line)), "{line}: parsed alone");
    }
}

#[test]
fn version_alone_prints_what_clap_prints() {
    let env = Env::new();
    let clap = secctl::cli::command()
        .try_get_matches_from(["secctl", "--version"])
        .unwrap_err();
    assert_eq!(clap.kind(), clap::error::ErrorKind::DisplayVersion);
    for flag in ["--version", "-V"] {
        let r = env.run(&[flag]);
        assert_eq!((r.code, r.stdout.as_str()), (0, clap.to_string().as_str()));
        assert_eq!(r.stdout, format!("{}\n", secctl::cli::version_line()));
    }
}
