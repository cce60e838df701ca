//! The committed completions and man pages are what the binary generates (no drift), and
//! every page renders without warnings (see also tests/help.rs).

mod common;

use common::*;

#[test]
fn committed_completions_are_current() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (shell, file) in [
        ("bash", "secctl.bash"),
        ("zsh", "_secctl"),
        ("fish", "secctl.fish"),
        ("powershell", "_secctl.ps1"),
        ("elvish", "secctl.elv"),
    ] {
        let env = Env::new();
        let out = env.run(&["completions", shell]).ok().stdout;
        let committed = std::fs::read_to_string(root.join("completions").join(file))
            .unwrap_or_else(|_| panic!("completions/{file} missing: run scripts/gen-docs.sh"));
        assert!(
            out == committed,
            "completions/{file} is stale: run scripts/gen-docs.sh"
        );
    }
}

#[test]
fn committed_man_pages_are_current() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let env = Env::new();
    let out = env.path("man");
    env.run(&["man", "--out", out.to_str().unwrap()]).ok();
    let fresh = snapshot(&out);
    let committed = snapshot(&root.join("man"));
    let names = |s: &std::collections::BTreeMap<String, (u32, Vec<u8>)>| {
        s.keys().cloned().collect::<Vec<_>>()
    };
    assert_eq!(
        names(&fresh),
        names(&committed),
        "man/ has other pages: run scripts/gen-docs.sh"
    );
    for (k, (_, v)) in &fresh {
        assert!(
            committed[k].1 == *v,
            "man/{k} is stale: run scripts/gen-docs.sh"
        );
    }
    assert!(fresh.contains_key("secctl-cert-node.1") && fresh.contains_key("secctl-ca-init.1"));
    let page = String::from_utf8(fresh["secctl.1"].1.clone()).unwrap();
    assert!(
        page.contains("EXIT STATUS"),
        "man page lacks the exit codes"
    );
}

/// Every committed man page has the sections a reader looks for, names no page that does
/// not exist, and renders with `man --warnings` without a single warning.
#[test]
fn man_pages_have_every_section_and_no_dangling_reference() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let pages = snapshot(&dir);
    assert!(pages.len() > 20);
    for (name, (_, text)) in &pages {
        let text = String::from_utf8(text.clone()).unwrap();
        for section in [
            ".SH NAME",
            ".SH SYNOPSIS",
            ".SH EXAMPLES",
            ".SH ENVIRONMENT",
            ".SH FILES",
            ".SH \"EXIT STATUS\"",
            ".SH \"SEE ALSO\"",
        ] {
            assert!(text.contains(section), "man/{name} lacks {section}");
        }
        assert!(
            !text.contains(".SH EXTRA"),
            "man/{name} has an EXTRA section"
        );
        // Every secctl page it refers to exists.
        for (i, _) in text.match_indices("secctl\\-") {
            let rest = &text[i..];
            let Some(end) = rest.find("(1)") else {
                continue;
            };
            let reference = rest[..end]
                .replace("\\fR", "")
                .replace("\\-", "-")
                .replace("\\fB", "");
            if reference
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-')
            {
                assert!(
                    pages.contains_key(&format!("{reference}.1")),
                    "man/{name} refers to {reference}(1), which does not exist"
                );
            }
        }
    }
}

#[test]
#[ignore = "needs man (man-db); run by .ci/run with --ignored"]
fn man_pages_render_without_warnings() {
    require(have("man"), "man (man-db) is not installed");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let out = std::process::Command::new("man")
            .args(["--warnings", "-E", "UTF-8", "-l"])
            .arg(e.path())
            .env("MANWIDTH", "80")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{}: {stderr}", e.path().display());
        assert!(
            stderr.trim().is_empty(),
            "man --warnings on {}: {stderr}",
            e.path().display()
        );
        assert!(stdout.contains("EXAMPLES"), "{}", e.path().display());
        n += 1;
    }
    assert!(n > 20, "only {n} pages");
}

/// Directory options complete directories and file arguments files (not the reverse).
#[test]
fn completions_know_directories_from_files() {
    let env = Env::new();
    let fish = env.run(&["completions", "fish"]).ok().stdout;
    let line = |sub: &str, long: &str| -> String {
        fish.lines()
            .find(|l| l.contains(sub) && l.contains(&format!(" -l {long} ")))
            .unwrap_or_else(|| panic!("no completion of --{long} for {sub}"))
            .to_string()
    };
    for (sub, long) in [
        ("__fish_secctl_needs_command", "dir"),
        ("__fish_seen_subcommand_from node", "out"),
        ("__fish_seen_subcommand_from split", "out"),
        ("__fish_seen_subcommand_from restore", "to"),
        ("__fish_secctl_using_subcommand man", "out"),
    ] {
        let l = line(sub, long);
        assert!(l.contains("__fish_complete_directories"), "{l}");
    }
    for (sub, long) in [
        ("__fish_secctl_needs_command", "passphrase-file"),
        ("__fish_seen_subcommand_from combine", "out"),
        ("__fish_seen_subcommand_from create", "out"),
        ("__fish_secctl_using_subcommand verify", "crl"),
    ] {
        let l = line(sub, long);
        assert!(
            l.contains(" -F") && !l.contains("__fish_complete_directories"),
            "{l}"
        );
    }
    let zsh = env.run(&["completions", "zsh"]).ok().stdout;
    assert!(
        zsh.contains("'--dir=[State directory (CA, records, issued certificates)]:DIR:_files -/'")
    );
}
