#!/usr/bin/env python3
"""Function length check for secctl (issue 26, item 8): no function over 150 lines.

A function's length is counted in lines from the line of its `fn` keyword to the line of
its closing brace, both included. The source is first stripped of comments (line, block,
nested block, doc comments), string literals (plain, byte, C, raw with any number of
`#`) and character literals (a lifetime such as `'a` is not one), each replaced by
spaces so that line numbers stay; braces are then counted from the function's body
opening brace to its match. A declaration without a body (`fn f();` in a trait) and a
function pointer type (`fn(u8) -> u8`) are not functions here.

Checked: every `.rs` file under `src/` and `crates/*/src/`. The one allow-list: the
functions inside an inline `#[cfg(test)]` module (`#[cfg(test)] mod tests { .. }`) are
listed but not held to the limit. Integration tests, benches, examples and fuzz targets
are outside the rule.

Usage: python3 scripts/fn-length.py [--root DIR] [--limit N] [--top N] [--self-test]
Prints the `--top` longest functions (default 10), longest first, as
`LINES path:line name`, then every function over the limit. The normal run first runs a
self-test (a sample with a function over the limit, braces in strings, chars and
comments, and a test module) so the check is proven able to fail. Exit 0 when no checked
function is over the limit, 1 when one is, 2 when the check itself could not run.
"""

import argparse
import glob
import os
import re
import sys

LIMIT = 150

RAW_STRING = re.compile(r'(?:br|cr|r)(#*)"')
CHAR_LITERAL = re.compile(r"'(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F_]*\}|.)|[^\\'\n])'")
FN_NAME = re.compile(r"(?<![A-Za-z0-9_#])fn\s+(?:r#)?([A-Za-z_][A-Za-z0-9_]*)")
TEST_MOD = re.compile(
    r"#\s*\[\s*cfg\s*\(\s*test\s*\)\s*\]\s*(?:#\s*\[[^\]]*\]\s*)*"
    r"(?:pub(?:\s*\([^)]*\))?\s+)?mod\s+[A-Za-z_][A-Za-z0-9_]*\s*\{"
)


def blank(s):
    """`s` with every character but newlines replaced by a space."""
    return re.sub(r"[^\n]", " ", s)


def is_ident(c):
    return c.isalnum() or c == "_"


def strip(text):
    """Return `text` with comments, string literals and char literals blanked out (same
    length, same line breaks), so that braces and `fn` in them do not count."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        prev = text[i - 1] if i else ""
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
        elif c in "rbc" and not is_ident(prev) and RAW_STRING.match(text, i):
            m = RAW_STRING.match(text, i)
            close = '"' + m.group(1)
            j = text.find(close, m.end())
            j = n if j < 0 else j + len(close)
        elif c == '"':
            j = i + 1
            while j < n:
                if text[j] == "\\":
                    j += 2
                elif text[j] == '"':
                    j += 1
                    break
                else:
                    j += 1
        elif c == "'" and CHAR_LITERAL.match(text, i):
            j = CHAR_LITERAL.match(text, i).end()
        else:
            out.append(c)
            i += 1
            continue
        j = min(j, n)
        out.append(blank(text[i:j]))
        i = j
    return "".join(out)


def matching_brace(code, open_at):
    """Index of the `}` closing the `{` at `open_at`, or None when unbalanced."""
    depth = 0
    for k in range(open_at, len(code)):
        if code[k] == "{":
            depth += 1
        elif code[k] == "}":
            depth -= 1
            if depth == 0:
                return k
    return None


def body_start(code, after):
    """From the end of `fn name`, the index of the body's `{`, or None for a declaration
    without a body (`;` first). Parentheses and brackets (`[u8; 4]`) are skipped."""
    depth = 0
    for k in range(after, len(code)):
        ch = code[k]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0 and ch == "{":
            return k
        elif depth == 0 and ch == ";":
            return None
    return None


def functions(text):
    """Yield (name, first line, last line, in a test module) for each function with a
    body in Rust source `text`; lines are 1-based."""
    code = strip(text)
    starts = [0]
    for k, ch in enumerate(code):
        if ch == "\n":
            starts.append(k + 1)

    def line_of(pos):
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    test_ranges = []
    for m in TEST_MOD.finditer(code):
        end = matching_brace(code, m.end() - 1)
        test_ranges.append((m.start(), len(code) if end is None else end))
    for m in FN_NAME.finditer(code):
        open_at = body_start(code, m.end())
        if open_at is None:
            continue
        close_at = matching_brace(code, open_at)
        if close_at is None:
            raise ValueError(f"unbalanced braces in the body of fn {m.group(1)}")
        in_test = any(a <= m.start() <= b for a, b in test_ranges)
        yield m.group(1), line_of(m.start()), line_of(close_at), in_test


def source_files(root):
    files = glob.glob(os.path.join(root, "src", "**", "*.rs"), recursive=True)
    files += glob.glob(os.path.join(root, "crates", "*", "src", "**", "*.rs"), recursive=True)
    return sorted(files)


def measure(root):
    """All functions of the checked files as (lines, path, line, name, in test module)."""
    found = []
    for path in source_files(root):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        rel = os.path.relpath(path, root)
        try:
            for name, first, last, in_test in functions(text):
                found.append((last - first + 1, rel, first, name, in_test))
        except ValueError as e:
            raise ValueError(f"{rel}: {e}") from None
    found.sort(key=lambda r: (-r[0], r[1], r[2]))
    return found


SAMPLE = '''
// fn commented_out() { {{{ }
/* block /* nested fn x() { */ { */
#[cfg(test)]
mod tests {
    fn long_test() {
FILLER
    }
}
trait T { fn declared(&self) -> [u8; 4]; }
fn pointer(f: fn(u8) -> u8) -> u8 { f(1) }
fn long_one<'a>(s: &'a str) -> char {
    let _ = "}}} fn fake() {";
    let _ = r#"" { "#;
    let _ = b'{';
    let _ = '}';
    let _ = '\\'';
FILLER
    '{'
}
fn after() {}
'''


def self_test():
    """The check must find the long function, skip the strings, chars, comments,
    declarations and pointer types, and exempt the test module."""
    text = SAMPLE.replace("FILLER", "\n".join("    let _x = 1;" for _ in range(LIMIT)))
    got = {name: (first, last, t) for name, first, last, t in functions(text)}
    problems = []
    if set(got) != {"long_test", "pointer", "long_one", "after"}:
        problems.append(f"functions found: {sorted(got)}")
    else:
        first, last, in_test = got["long_one"]
        if last - first + 1 != LIMIT + 8 or in_test:
            problems.append(f"long_one measured {last - first + 1} lines (test: {in_test})")
        if not got["long_test"][2] or got["pointer"][2]:
            problems.append("the #[cfg(test)] module was not told apart")
        if got["after"][1] - got["after"][0] != 0:
            problems.append("a one-line function is not one line")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    ap.add_argument("--limit", type=int, default=LIMIT)
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--self-test", action="store_true", help="only run the self-test")
    args = ap.parse_args()

    problems = self_test()
    if problems:
        for p in problems:
            print(f"fn-length self-test failed: {p}", file=sys.stderr)
        return 2
    if args.self_test:
        print("fn-length self-test ok")
        return 0
    root = os.path.normpath(args.root)
    try:
        found = measure(root)
    except (OSError, ValueError) as e:
        print(f"fn-length: {e}", file=sys.stderr)
        return 2
    if not found:
        print(f"fn-length: no Rust function found under {root}", file=sys.stderr)
        return 2
    checked = [r for r in found if not r[4]]
    print(f"the {args.top} longest functions ({len(checked)} checked in src/ and crates/*/src/):")
    for lines, rel, line, name, _ in checked[: args.top]:
        print(f"{lines:5} {rel}:{line} {name}")
    exempt = [r for r in found if r[4] and r[0] > args.limit]
    for lines, rel, line, name, _ in exempt:
        print(f"  (allowed: {lines} lines, #[cfg(test)] module) {rel}:{line} {name}")
    over = [r for r in checked if r[0] > args.limit]
    if over:
        print(f"FAIL: {len(over)} function(s) over {args.limit} lines:")
        for lines, rel, line, name, _ in over:
            print(f"  {rel}:{line} {name}: {lines} lines")
        return 1
    print(f"ok: no function over {args.limit} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
