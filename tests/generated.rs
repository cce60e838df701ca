//! The committed completions and man pages are what the binary generates (no drift), and
//! every command's help is stable enough to read.

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
