//! No import cycle between the files of the probe (`src/probe/`) and of `verify` and
//! `probe` in `src/cmd/`: each file's `super::`/`crate::` references (and a `mod.rs`'s
//! paths into its children) are edges, and the graph must have no cycle, so a shared piece
//! always lives below the files that use it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`probe::wire`, `cmd::verify`) -> source text without comments.
fn files() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(root.join("probe")).unwrap() {
        let p = e.unwrap().path();
        let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
        let module = if stem == "mod" {
            "probe".to_string()
        } else {
            format!("probe::{stem}")
        };
        out.insert(module, strip(&std::fs::read_to_string(&p).unwrap()));
    }
    for stem in ["probe", "verify", "verify_live", "verify_report"] {
        let p = root.join(format!("cmd/{stem}.rs"));
        out.insert(
            format!("cmd::{stem}"),
            strip(&std::fs::read_to_string(&p).unwrap()),
        );
    }
    out
}

fn strip(src: &str) -> String {
    let src = match src.find("#[cfg(test)]") {
        Some(i) => &src[..i],
        None => src,
    };
    src.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Identifiers following `prefix` (`super::`, `crate::probe::`), including each item of a
/// brace group (`super::{a, b::c}` gives a and b).
fn names_after(src: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = src;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().last();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let id: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                out.push(id);
            }
        } else {
            out.push(
                rest.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect(),
            );
        }
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let files = files();
    let mut g = BTreeMap::new();
    for (m, src) in &files {
        let (parent, _) = m.rsplit_once("::").unwrap_or(("", m));
        let mut deps = BTreeSet::new();
        let mut add = |base: &str, name: &str| {
            let child = format!("{base}::{name}");
            if files.contains_key(&child) {
                deps.insert(child);
            } else if files.contains_key(base) {
                deps.insert(base.to_string());
            }
        };
        let is_mod = m == "probe";
        let sup = if is_mod { "" } else { parent };
        for n in names_after(src, "super::") {
            add(sup, &n);
        }
        for n in names_after(src, "crate::probe::") {
            add("probe", &n);
        }
        for n in names_after(src, "crate::cmd::") {
            add("cmd", &n);
        }
        for n in names_after(src, "crate::probe") {
            if n.is_empty() {
                deps.insert("probe".to_string());
            }
        }
        if is_mod {
            for child in files.keys().filter_map(|k| k.strip_prefix("probe::")) {
                if src.contains(&format!("{child}::")) {
                    deps.insert(format!("probe::{child}"));
                }
            }
        }
        deps.remove(m);
        g.insert(m.clone(), deps);
    }
    g
}

/// A cycle of the graph, if any.
fn cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        g: &BTreeMap<String, BTreeSet<String>>,
        v: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == v) {
            let mut c = path[i..].to_vec();
            c.push(v.to_string());
            return Some(c);
        }
        if done.contains(v) {
            return None;
        }
        path.push(v.to_string());
        for w in g.get(v).into_iter().flatten() {
            if let Some(c) = visit(g, w, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(v.to_string());
        None
    }
    let mut done = BTreeSet::new();
    g.keys()
        .find_map(|v| visit(g, v, &mut Vec::new(), &mut done))
}

#[test]
fn no_import_cycle_between_the_probe_and_verify_files() {
    let g = graph();
    // The graph is really read: the probe's layers are there.
    assert!(g["probe::wire"].contains("probe::exchange"), "{g:?}");
    assert!(g["probe::classify"].contains("probe::observation"), "{g:?}");
    assert!(g["cmd::verify_live"].contains("probe::verify"), "{g:?}");
    if let Some(c) = cycle(&g) {
        panic!("import cycle: {}", c.join(" -> "));
    }
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let mut g = graph();
    g.get_mut("probe::observation")
        .unwrap()
        .insert("probe::classify".to_string());
    assert!(cycle(&g).is_some());
}

#[test]
fn the_probe_knows_neither_the_command_line_nor_the_printer() {
    // The probe returns data (rows, observations, verdicts); `cmd` prints them. This keeps
    // src/probe ready to be a library crate of its own (no clap, indicatif, dialoguer or
    // output layer below it).
    for (m, src) in files().iter().filter(|(m, _)| m.starts_with("probe")) {
        for banned in [
            "crate::cli",
            "crate::cmd",
            "crate::output",
            "clap::",
            "indicatif::",
            "dialoguer::",
        ] {
            assert!(!src.contains(banned), "{m} uses {banned}");
        }
    }
}
