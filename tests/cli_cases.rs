//! CLI behaviour as data (issue 26, item 6): every case file under `tests/cmd/` runs the real
//! binary once, in a fresh temporary directory, and pins its exit code, stdout and stderr.
//! The format is described in `tests/cmd/README.md`. After a deliberate change of wording,
//! rewrite the expected outputs with one command:
//!
//!     SECCTL_BLESS=1 cargo test --test cli_cases
//!
//! (then review `git diff tests/cmd`: wildcards are kept where the new text still matches).

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{assert_no_secrets, bin, snapshot, to_run, Run};

/// One case file, as written.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// secctl commands run first (each must exit 0), in the same directory and state.
    #[serde(default)]
    setup: Vec<Words>,
    /// Files created before the setup, relative to the temporary directory.
    #[serde(default)]
    files: Vec<FileSpec>,
    /// Extra environment (every `SECCTL_*` variable of the caller is removed first).
    #[serde(default)]
    env: BTreeMap<String, String>,
    args: Words,
    stdin: Option<String>,
    code: i32,
    #[serde(default)]
    stdout: String,
    #[serde(default)]
    stderr: String,
    /// The state directory is byte-for-byte the same after the command; default: `code == 2`.
    state_unchanged: Option<bool>,
}

/// A command line: a string split at whitespace, or a list of words (for words with spaces).
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Words {
    Line(String),
    List(Vec<String>),
}

impl Words {
    fn get(&self, tmp: &Path) -> Vec<String> {
        let words: Vec<String> = match self {
            Words::Line(l) => l.split_whitespace().map(String::from).collect(),
            Words::List(v) => v.clone(),
        };
        let t = tmp.to_str().unwrap();
        words.into_iter().map(|w| w.replace("[TMP]", t)).collect()
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    path: String,
    #[serde(default)]
    content: String,
    mode: Option<u32>,
}

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cmd")
}

/// `tests/cmd/NAME.toml`, for messages.
fn rel(p: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

/// Every `.toml` file under `dir`, sorted.
fn case_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            case_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        } else {
            assert!(
                p.file_name().is_some_and(|n| n == "README.md"),
                "{} is not a case: case files end in .toml",
                p.display()
            );
        }
    }
}

/// Run secctl as the cases do: `--dir <tmp>/pki`, the temporary directory as the working
/// directory, no colour, the C locale, no `SECCTL_*` from the caller, stdin null unless given.
fn run(tmp: &Path, args: &[String], env: &BTreeMap<String, String>, stdin: Option<&str>) -> Run {
    let mut c = Command::new(bin());
    c.current_dir(tmp)
        .arg("--dir")
        .arg(tmp.join("pki"))
        .args(args);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("SECCTL_") {
            c.env_remove(k);
        }
    }
    c.env("NO_COLOR", "1")
        .env("LC_ALL", "C")
        .env_remove("CLICOLOR_FORCE")
        .envs(env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    let mut child = c.spawn().unwrap();
    if let Some(input) = stdin {
        // A command that does not read its input may close it first: that is not a failure.
        let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    }
    let r = to_run(child.wait_with_output().unwrap());
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_no_secrets(tmp, &r, &words);
    r
}

/// `[TMP]` for the temporary directory, wherever it appears in the output.
fn normalize(text: &str, tmp: &Path) -> String {
    let mut s = text.to_string();
    if let Ok(real) = tmp.canonicalize() {
        s = s.replace(real.to_str().unwrap(), "[TMP]");
    }
    s.replace(tmp.to_str().unwrap(), "[TMP]")
}

/// One line against one pattern line: `[..]` matches any text within the line.
fn line_matches(pat: &str, line: &str) -> bool {
    let parts: Vec<&str> = pat.split("[..]").collect();
    if parts.len() == 1 {
        return pat == line;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !line.starts_with(first) || line.len() < first.len() + last.len() || !line.ends_with(last) {
        return false;
    }
    let mut rest = &line[first.len()..line.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

/// Lines against pattern lines: a line `...` matches any number of lines (none too).
fn lines_match(pat: &[&str], act: &[&str]) -> bool {
    match pat.split_first() {
        None => act.is_empty(),
        Some((&"...", rest)) => (0..=act.len()).any(|k| lines_match(rest, &act[k..])),
        Some((p, rest)) => act
            .split_first()
            .is_some_and(|(a, more)| line_matches(p, a) && lines_match(rest, more)),
    }
}

/// Whether `actual` matches the expected text (the final newline counts).
fn text_matches(expected: &str, actual: &str) -> bool {
    let pat: Vec<&str> = expected.split('\n').collect();
    let act: Vec<&str> = actual.split('\n').collect();
    lines_match(&pat, &act)
}

/// The blessed text: the old pattern when it still matches; line by line when no `...`
/// and the line counts agree (a pattern line kept where it matches); otherwise the new text.
fn bless_text(expected: &str, actual: &str) -> String {
    if text_matches(expected, actual) {
        return expected.to_string();
    }
    let pat: Vec<&str> = expected.split('\n').collect();
    let act: Vec<&str> = actual.split('\n').collect();
    if pat.len() == act.len() && !pat.contains(&"...") {
        return pat
            .iter()
            .zip(&act)
            .map(|(p, a)| if line_matches(p, a) { *p } else { *a })
            .collect::<Vec<_>>()
            .join("\n");
    }
    actual.to_string()
}

/// A TOML value for `text`: a multi-line literal string (no escapes) where it can be.
fn toml_text(text: &str) -> String {
    if text.is_empty() {
        "\"\"".to_string()
    } else if !text.contains("'''") && !text.contains('\r') && !text.starts_with('\n') {
        format!("'''\n{text}'''")
    } else {
        toml::Value::String(text.to_string()).to_string()
    }
}

/// Replace the value of top-level `key` in a case file's text (or add the key before the
/// first table), leaving comments and every other line as they are.
fn set_key(src: &str, key: &str, value: &str) -> String {
    let lines: Vec<&str> = src.split_inclusive('\n').collect();
    let prefix = format!("{key} = ");
    let Some(start) = lines.iter().position(|l| l.starts_with(&prefix)) else {
        let mut at = lines
            .iter()
            .position(|l| l.starts_with('['))
            .unwrap_or(lines.len());
        while at > 0 && lines[at - 1].trim().is_empty() {
            at -= 1;
        }
        let mut out: String = lines[..at].concat();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out += &format!("{prefix}{value}\n");
        out += &lines[at..].concat();
        return out;
    };
    let first = &lines[start][prefix.len()..];
    let mut end = start + 1;
    for delim in ["'''", "\"\"\""] {
        if let Some(after) = first.strip_prefix(delim) {
            if !after.trim_end().ends_with(delim) || after.trim_end().len() < 3 {
                end = start
                    + 1
                    + lines[start + 1..]
                        .iter()
                        .position(|l| l.trim_end().ends_with(delim))
                        .expect("an unterminated multi-line string")
                    + 1;
            }
        }
    }
    format!(
        "{}{prefix}{value}\n{}",
        lines[..start].concat(),
        lines[end..].concat()
    )
}

/// Run one case; `Err` says what differs.
fn check(path: &Path, bless: bool, changed: &mut Vec<String>) -> Result<(), String> {
    let src = std::fs::read_to_string(path).unwrap();
    let case: Case = toml::from_str(&src).map_err(|e| format!("not a case file: {e}"))?;
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    for f in &case.files {
        let p = t.join(&f.path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, &f.content).unwrap();
        if let Some(m) = f.mode {
            std::fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(m)).unwrap();
        }
    }
    for s in &case.setup {
        let args = s.get(t);
        let r = run(t, &args, &case.env, None);
        if r.code != 0 {
            return Err(format!(
                "setup `secctl {}` exited {}: {}",
                args.join(" "),
                r.code,
                r.stderr
            ));
        }
    }
    let before = snapshot(&t.join("pki"));
    let r = run(t, &case.args.get(t), &case.env, case.stdin.as_deref());
    let after = snapshot(&t.join("pki"));
    let stdout = normalize(&r.stdout, t);
    let stderr = normalize(&r.stderr, t);
    let mut why = Vec::new();
    if r.code != case.code {
        why.push(format!("exit {} (expected {})", r.code, case.code));
    }
    for (name, want, got) in [
        ("stdout", &case.stdout, &stdout),
        ("stderr", &case.stderr, &stderr),
    ] {
        if !text_matches(want, got) {
            why.push(format!(
                "{name} differs\n--- expected\n{want}--- actual\n{got}---"
            ));
        }
    }
    if case.state_unchanged.unwrap_or(case.code == 2) && before != after {
        let diff: Vec<&String> = before
            .keys()
            .chain(after.keys())
            .filter(|k| before.get(*k) != after.get(*k))
            .collect();
        why.push(format!("the state directory changed: {diff:?}"));
    }
    if why.is_empty() {
        return Ok(());
    }
    if bless {
        let mut text = src.clone();
        if r.code != case.code {
            text = set_key(&text, "code", &r.code.to_string());
        }
        let out = bless_text(&case.stdout, &stdout);
        if out != case.stdout {
            text = set_key(&text, "stdout", &toml_text(&out));
        }
        let err = bless_text(&case.stderr, &stderr);
        if err != case.stderr {
            text = set_key(&text, "stderr", &toml_text(&err));
        }
        if text != src {
            std::fs::write(path, &text).unwrap();
            changed.push(rel(path));
        }
        // A changed state directory is not blessed away: it is reported below.
        why.retain(|w| w.starts_with("the state directory"));
        if why.is_empty() {
            return Ok(());
        }
    }
    Err(why.join("\n"))
}

#[test]
fn every_case_under_tests_cmd() {
    let bless = std::env::var_os("SECCTL_BLESS").is_some();
    let mut files = Vec::new();
    case_files(&cases_dir(), &mut files);
    assert!(files.len() >= 25, "only {} cases", files.len());
    let mut failures = Vec::new();
    let mut changed = Vec::new();
    for f in &files {
        if let Err(why) = check(f, bless, &mut changed) {
            failures.push(format!("{}: {why}", rel(f)));
        }
    }
    // Straight to stderr, past the test harness's capture, so a passing bless still says
    // which files it rewrote.
    let mut err = std::io::stderr();
    for c in &changed {
        writeln!(err, "blessed {c}").unwrap();
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed (after a deliberate change: `SECCTL_BLESS=1 cargo test --test cli_cases`, then review `git diff tests/cmd`):\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

#[test]
fn patterns() {
    assert!(line_matches("a [..] c", "a b c"));
    assert!(line_matches("[..]", ""));
    assert!(line_matches("x[..]y[..]z", "xyz"));
    assert!(!line_matches("x[..]y[..]z", "xzy"));
    assert!(!line_matches("ab[..]ba", "aba"));
    assert!(text_matches("a\n...\nz\n", "a\nz\n"));
    assert!(text_matches("a\n...\nz\n", "a\nb\nc\nz\n"));
    assert!(!text_matches("a\n", "a"));
    assert!(!text_matches("", "a\n"));
    assert_eq!(
        bless_text("one [..]\ntwo\n", "one 1\nthree\n"),
        "one [..]\nthree\n"
    );
    let src = "# c\nargs = \"x\"\ncode = 2\nstderr = '''\nold\n'''\n\n[[files]]\npath = \"f\"\n";
    let out = set_key(src, "stderr", &toml_text("new\n"));
    assert_eq!(
        out,
        "# c\nargs = \"x\"\ncode = 2\nstderr = '''\nnew\n'''\n\n[[files]]\npath = \"f\"\n"
    );
    let out = set_key(&out, "stdout", &toml_text(""));
    assert!(out.contains("stdout = \"\"\n\n[[files]]"), "{out}");
    let single = set_key("stderr = \"a\"\ncode = 1\n", "stderr", "\"b\"");
    assert_eq!(single, "stderr = \"b\"\ncode = 1\n");
}
