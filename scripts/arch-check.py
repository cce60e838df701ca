#!/usr/bin/env python3
"""Architecture check for secctl (issue 26): the layering holds, or CI fails.

Three rules, no allowlist:

1. No import cycle between files. For every Rust crate in the repository (the root `src/`
   and each `crates/*/src/`), the file-level import graph has an edge A -> B when file A
   refers to a module that lives in file B: through a `crate::`, `super::` or `self::`
   path (in a `use` statement, grouped or not, or inline in code such as
   `crate::output::fmt_time(..)`), or through a path that starts with the name of a child
   module (`use store::Store;` or `keyfmt::parse(..)` in the parent). A `mod foo;`
   declaration alone is not an edge. Every strongly connected component of more than one
   file is reported as a cycle, printed as a path.
2. Library layers never reach the binary's layers: the library crates under crates/ (the
   PKI core, the probe, the etcd store, shares), and the root package's src/shares/,
   src/plan.rs and src/inventory.rs must not import src/cli.rs, src/cmd/, src/output.rs or
   src/term.rs, directly or through another file. (A library crate cannot name the root
   package at all, Cargo sees to that; the rule keeps the root's library files honest.)
   A name the crate root re-exports from another crate (`pub use secctl_pki::{pki};`) is
   that crate's, not an edge to the root file.
3. No workspace member other than the root `secctl` package depends (directly or through
   non-dev dependencies) on clap, clap_complete, clap_mangen, indicatif or dialoguer
   (read from `cargo metadata`).

Usage: python3 scripts/arch-check.py [--self-test] [--root DIR] [--graph]
The normal run first runs the self-test (a tiny temporary crate with known cycles and
layer violations must be caught), so the check is proven able to fail. Exit 0 when
clean, 1 on findings, 2 when the check itself could not run.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

# The binary's layers and the library layers that must never import them (rule 2), as
# paths relative to the repository root; a path ending in "/" is a directory.
BINARY_LAYERS = ["src/cli.rs", "src/cmd/", "src/output.rs", "src/term.rs"]
LIBRARY_LAYERS = [
    "crates/",
    "src/shares/",
    "src/plan.rs",
    "src/inventory.rs",
]
# Crates only the binary (the root package) may depend on (rule 3).
BINARY_ONLY_CRATES = ["clap", "clap_complete", "clap_mangen", "indicatif", "dialoguer"]
ROOT_PACKAGE = "secctl"


# ---------------------------------------------------------------------------------------
# Lexing: identifiers and the punctuation paths are made of; comments, strings and
# character literals are dropped (a path in a doc comment or a message is no import).


# Attribute keys whose string value is a path (serde's field and container attributes).
PATH_KEYS = {
    "with",
    "serialize_with",
    "deserialize_with",
    "default",
    "skip_serializing_if",
    "from",
    "try_from",
    "into",
}


def lex(text):
    """Return the tokens of Rust source `text`: identifiers (`$crate` is one), `::`, and
    single punctuation characters. Comments, string/char literals and numbers are
    dropped; lifetimes are dropped."""
    toks = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c == '"' or (c in "bc" and text.startswith('"', i + 1)):
            start = i + (0 if c == '"' else 1)
            i = skip_string(text, start)
            # A path written as a string where an attribute takes one:
            # #[serde(with = "crate::output::rfc3339s")] imports crate::output.
            if c == '"' and len(toks) >= 2 and toks[-1] == "=" and toks[-2] in PATH_KEYS:
                lit = text[start + 1 : i - 1]
                if re.fullmatch(r"[A-Za-z_]\w*(::[A-Za-z_]\w*)+", lit):
                    for k, seg in enumerate(lit.split("::")):
                        toks += ["::", seg] if k else [seg]
        elif c in "rb" and re.match(r'(?:br|r|cr)#*"', text[i : i + 260]):
            m = re.match(r'(?:br|r|cr)(#*)"', text[i:])
            close = '"' + m.group(1)
            j = text.find(close, i + m.end())
            i = n if j < 0 else j + len(close)
        elif c == "b" and text.startswith("'", i + 1):
            i = skip_char(text, i + 1)
        elif c == "'":
            # A char literal ('a', '\n', '\u{1F600}', '\'') or a lifetime ('a, 'static).
            if text.startswith("\\", i + 1) or (i + 2 < n and text[i + 2] == "'"):
                i = skip_char(text, i)
            else:
                m = re.match(r"'[A-Za-z_][A-Za-z0-9_]*", text[i:])
                i += m.end() if m else 1
        elif c == "$" and text.startswith("$crate", i):
            toks.append("$crate")
            i += 6
        elif c.isalpha() or c == "_":
            m = re.match(r"(?:r#)?[A-Za-z_][A-Za-z0-9_]*", text[i:])
            word = m.group(0)
            toks.append(word[2:] if word.startswith("r#") else word)
            i += m.end()
        elif c.isdigit():
            m = re.match(r"[0-9][0-9A-Za-z_.]*", text[i:])
            i += m.end()
        elif text.startswith("::", i):
            toks.append("::")
            i += 2
        else:
            toks.append(c)
            i += 1
    return toks


def skip_string(text, i):
    """`text[i]` is the opening quote of a (non-raw) string; return the index after it."""
    i += 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == '"':
            return i + 1
        else:
            i += 1
    return i


def skip_char(text, i):
    """`text[i]` is the opening quote of a char literal; return the index after it."""
    i += 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == "'":
            return i + 1
        else:
            i += 1
    return i


# ---------------------------------------------------------------------------------------
# The module tree: which file (and which inline module in it) each module lives in.

KEYWORD_STARTS = {"crate", "$crate", "super", "self"}


class Module:
    """One module: the file it lives in, its parent, its child modules by name."""

    def __init__(self, name, file, parent, dir_for_children):
        self.name = name
        self.file = file
        self.parent = parent
        self.children = {}
        self.dir_for_children = dir_for_children

    def path(self):
        parts, m = [], self
        while m.parent is not None:
            parts.append(m.name)
            m = m.parent
        return "crate::" + "::".join(reversed(parts)) if parts else "crate"


class Crate:
    """The module tree of one crate root (lib.rs, main.rs, bin/*.rs) and its files."""

    def __init__(self, root_file):
        self.root_file = root_file
        self.files = {}  # file -> (tokens, top-level Module of the file)
        self.problems = []
        self.root = self.load(root_file, "crate", None, os.path.dirname(root_file))
        # Names the crate root imports from other crates (`pub use secctl_pki::{error,
        # pki};`, `pub use secctl_probe as probe;`): `crate::pki::..` then names another
        # crate, not a file of this one, and is no edge of the file graph.
        self.externs = set()
        for cur, kind, segs, name in walk(self, root_file):
            if (
                kind == "use"
                and cur is self.root
                and name is not None
                and segs[0] not in KEYWORD_STARTS
                and segs[0] not in self.root.children
            ):
                self.externs.add(name)

    def load(self, file, name, parent, child_dir):
        module = Module(name, file, parent, child_dir)
        if file in self.files:
            self.problems.append(f"{file}: loaded twice as a module (check #[path])")
            return module
        with open(file, encoding="utf-8") as f:
            toks = lex(f.read())
        self.files[file] = (toks, module)
        self.declare_children(file, toks, module)
        return module

    def declare_children(self, file, toks, top):
        """Find `mod NAME;` and `mod NAME { .. }` in a file, load the out-of-line ones."""
        stack = [(top, -1)]  # (inline module, brace depth where it ends)
        depth = 0
        pending_path = None
        i = 0
        while i < len(toks):
            t = toks[i]
            if t == "#" and toks[i + 1 : i + 3] == ["[", "path"]:
                # #[path = "file.rs"]: the literal was lexed away; read it from the source.
                pending_path = self.path_attr(file, i)
            if t == "{":
                depth += 1
            elif t == "}":
                depth -= 1
                if len(stack) > 1 and depth == stack[-1][1]:
                    stack.pop()
            elif t == "mod" and i + 2 < len(toks) and is_ident(toks[i + 1]):
                name, after = toks[i + 1], toks[i + 2]
                cur = stack[-1][0]
                if after == ";":
                    child_file = None
                    if pending_path:
                        child_file = os.path.normpath(
                            os.path.join(os.path.dirname(file), pending_path)
                        )
                    else:
                        for cand in (
                            os.path.join(cur.dir_for_children, name + ".rs"),
                            os.path.join(cur.dir_for_children, name, "mod.rs"),
                        ):
                            if os.path.isfile(cand):
                                child_file = cand
                                break
                    if child_file is None or not os.path.isfile(child_file):
                        self.problems.append(f"{file}: no file for `mod {name};`")
                    else:
                        base = os.path.basename(child_file)
                        if base == "mod.rs":
                            child_dir = os.path.dirname(child_file)
                        else:
                            child_dir = os.path.join(
                                os.path.dirname(child_file), base[: -len(".rs")]
                            )
                        cur.children[name] = self.load(child_file, name, cur, child_dir)
                    pending_path = None
                    i += 3
                    continue
                if after == "{":
                    inline = Module(
                        name, file, cur, os.path.join(cur.dir_for_children, name)
                    )
                    cur.children[name] = inline
                    stack.append((inline, depth))
                    depth += 1
                    pending_path = None
                    i += 3
                    continue
            elif t == ";":
                pending_path = None
            i += 1

    def path_attr(self, file, tok_index):
        # Rare enough to read the source again: the n-th `#[path = "..."]` of the file.
        with open(file, encoding="utf-8") as f:
            src = f.read()
        toks = self.files.get(file, (None,))[0] or lex(src)
        nth = sum(
            1
            for k in range(tok_index)
            if toks[k] == "#" and toks[k + 1 : k + 3] == ["[", "path"]
        )
        found = re.findall(r'#\s*\[\s*path\s*=\s*"([^"]+)"\s*\]', src)
        return found[nth] if nth < len(found) else None


def is_ident(t):
    return bool(re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", t))


# ---------------------------------------------------------------------------------------
# References: every module path a file uses, resolved to the file that module lives in.


def resolve(start, segs, aliases=None, externs=frozenset()):
    """Follow `segs` from module `start` as far as they name modules. Return the deepest
    module reached and how many segments named modules, or (None, 0) when the first
    segment names no module (an item, an extern crate, a local variable). `aliases` maps
    the names a module imported with `use` to the modules they name."""
    m = start
    k = 0
    while k < len(segs):
        s = segs[k]
        if s in ("crate", "$crate") and k == 0:
            while m.parent is not None:
                m = m.parent
            if k + 1 < len(segs) and segs[k + 1] in externs:
                return None, 0
        elif s == "super" and (k == 0 or segs[k - 1] == "super"):
            if m.parent is None:
                return None, 0
            m = m.parent
        elif s == "self" and k == 0:
            pass
        elif s in m.children:
            m = m.children[s]
        elif k == 0 and aliases and s in aliases.get(id(m), {}):
            m = aliases[id(m)][s]
        else:
            break
        k += 1
    if k == 0:
        return None, 0
    return m, k


def parse_use_tree(toks, i, prefix, out):
    """Parse a use tree at `toks[i]`, appending (path, name) to `out` for each path it
    imports: the segments, and the name it is known by (its `as` name or last segment;
    None for a glob, whose path is the prefix). Return the index after the tree."""
    segs = list(prefix)
    while i < len(toks):
        t = toks[i]
        if t == "::":
            i += 1
            continue
        if t == "{":
            i += 1
            while i < len(toks) and toks[i] != "}":
                if toks[i] == ",":
                    i += 1
                    continue
                i = parse_use_tree(toks, i, segs, out)
            return i + 1
        if t == "*":
            out.append((segs, None))
            return i + 1
        if is_ident(t) or t == "$crate":
            i += 1
            if t != "self" or not segs:
                segs = segs + [t]
                if i < len(toks) and toks[i] == "::":
                    continue
            name = segs[-1]
            if i + 1 < len(toks) and toks[i] == "as":
                name = toks[i + 1]
                i += 2
            out.append((segs, name))
            return i
        # Anything else ends the tree (`;`, `,`, `}`).
        return i
    return i


def walk(crate, file):
    """Yield (module in scope, kind, segments, imported name) for each `use` path
    (kind "use") and each path in code that may start at a module (kind "path")."""
    toks, top = crate.files[file]
    stack = [(top, -1)]
    depth = 0
    i = 0
    n = len(toks)
    while i < n:
        t = toks[i]
        cur = stack[-1][0]
        if t == "{":
            depth += 1
        elif t == "}":
            depth -= 1
            if len(stack) > 1 and depth == stack[-1][1]:
                stack.pop()
        elif t == "mod" and i + 2 < n and toks[i + 2] == "{" and is_ident(toks[i + 1]):
            child = cur.children.get(toks[i + 1])
            if child is not None and child.file == file:
                stack.append((child, depth))
            depth += 1
            i += 3
            continue
        elif t == "mod" and i + 2 < n and toks[i + 2] == ";":
            i += 3
            continue
        elif t == "use" and i + 1 < n and toks[i + 1] != "<":
            paths = []
            j = parse_use_tree(toks, i + 1, [], paths)
            for segs, name in paths:
                if segs and segs[0] != "::":
                    yield cur, "use", segs, name
            i = max(j, i + 1)
            continue
        elif (is_ident(t) or t == "$crate") and i + 1 < n and toks[i + 1] == "::":
            prev = toks[i - 1] if i else ""
            # The start of a path, not a later segment; `pub(in crate::x)` is no import.
            if prev != "::" and not (prev == "in" and i >= 2 and toks[i - 2] == "("):
                segs = [t]
                j = i + 1
                while j + 1 < n and toks[j] == "::" and is_ident(toks[j + 1]):
                    segs.append(toks[j + 1])
                    j += 2
                yield cur, "path", segs, None
                i = j
                continue
        i += 1


def references(crate, file):
    """Yield (target module, description) for each module path used in `file`: `use`
    paths, and paths in code that start at `crate`, `super`, `self`, a child module or a
    module the file imported by name (`use crate::pki::fsio;` then `fsio::read_text`)."""
    aliases = {}
    for cur, kind, segs, name in walk(crate, file):
        if kind == "use" and name is not None:
            target, k = resolve(cur, segs, externs=crate.externs)
            if target is not None and k == len(segs):
                aliases.setdefault(id(cur), {})[name] = target
    for cur, kind, segs, _ in walk(crate, file):
        if kind == "path" and not (
            segs[0] in KEYWORD_STARTS
            or segs[0] in cur.children
            or segs[0] in aliases.get(id(cur), {})
        ):
            continue
        target, _ = resolve(cur, segs, aliases, crate.externs)
        if target is not None:
            yield target, ("use " if kind == "use" else "") + "::".join(segs)


def crate_roots(repo):
    """The crate root files of the repository: src/ and crates/*/src/."""
    roots = []
    src_dirs = [os.path.join(repo, "src")]
    crates_dir = os.path.join(repo, "crates")
    if os.path.isdir(crates_dir):
        for name in sorted(os.listdir(crates_dir)):
            src_dirs.append(os.path.join(crates_dir, name, "src"))
    for src in src_dirs:
        for name in ("lib.rs", "main.rs"):
            if os.path.isfile(os.path.join(src, name)):
                roots.append(os.path.join(src, name))
        bin_dir = os.path.join(src, "bin")
        if os.path.isdir(bin_dir):
            for name in sorted(os.listdir(bin_dir)):
                p = os.path.join(bin_dir, name)
                if name.endswith(".rs"):
                    roots.append(p)
                elif os.path.isfile(os.path.join(p, "main.rs")):
                    roots.append(os.path.join(p, "main.rs"))
    return roots


def import_graph(repo):
    """Build the file graph of every crate: {file: {target file: [why, ...]}}, plus
    problems met while loading (a `mod` without a file)."""
    graph = {}
    problems = []
    for root in crate_roots(repo):
        crate = Crate(root)
        problems += crate.problems
        for file in crate.files:
            rel = os.path.relpath(file, repo)
            edges = graph.setdefault(rel, {})
            for target, why in references(crate, file):
                trel = os.path.relpath(target.file, repo)
                if trel != rel:
                    edges.setdefault(trel, []).append(why)
    return graph, problems


# ---------------------------------------------------------------------------------------
# Cycles: strongly connected components (Tarjan, iterative), each shown as a path.


def sccs(graph):
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = [0]
    nodes = sorted(set(graph) | {t for e in graph.values() for t in e})
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, {}))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph.get(w, {})))))
                    advanced = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return sorted(out, key=lambda c: (-len(c), c))


def cycle_path(graph, comp):
    """A closed walk through the component: the shortest cycle through its first file,
    then, for the files it misses, shortest cycles through them (so every file shows)."""
    members = set(comp)

    def shortest(a, b):
        # BFS from a to b within the component.
        prev = {a: None}
        queue = [a]
        for v in queue:
            for w in sorted(graph.get(v, {})):
                if w in members and w not in prev:
                    prev[w] = v
                    if w == b:
                        path = [w]
                        while prev[path[-1]] is not None:
                            path.append(prev[path[-1]])
                        return list(reversed(path))
                    queue.append(w)
        return None

    loops = []
    covered = set()
    for f in comp:
        if f in covered:
            continue
        best = None
        for w in sorted(graph.get(f, {})):
            if w in members:
                back = shortest(w, f) if w != f else [f]
                if back and (best is None or len(back) < len(best)):
                    best = [f] + back
        if best:
            loops.append(best)
            covered.update(best)
    return loops


def why(graph, a, b):
    """The references of file a to file b: the first three, and how many more."""
    reasons = list(dict.fromkeys(graph[a][b]))
    shown = ", ".join(reasons[:3])
    more = f" (+{len(reasons) - 3} more)" if len(reasons) > 3 else ""
    return f"{shown}{more}"


# ---------------------------------------------------------------------------------------
# Layers (rule 2).


def under(path, prefixes):
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in prefixes)


def layer_violations(graph, library=LIBRARY_LAYERS, binary=BINARY_LAYERS):
    """[(library file, binary file, chain, why)]: each library file that imports a file of
    the binary's layers, directly or through files outside the library layers (a library
    file reached on the way is reported on its own)."""
    found = []
    for a in sorted(graph):
        if not under(a, library):
            continue
        for x in sorted(graph[a]):
            if under(x, library):
                continue
            if under(x, binary):
                found.append((a, x, [a, x], why(graph, a, x)))
                continue
            # Through a shared file (x): the shortest way on to the binary's layers.
            prev = {x: None}
            queue = [x]
            hit = None
            for v in queue:
                for w in sorted(graph.get(v, {})):
                    if w in prev or under(w, library):
                        continue
                    prev[w] = v
                    if under(w, binary):
                        hit = w
                        break
                    queue.append(w)
                if hit:
                    break
            if hit:
                chain = [hit]
                while prev[chain[-1]] is not None:
                    chain.append(prev[chain[-1]])
                chain = [a] + list(reversed(chain))
                found.append((a, hit, chain, why(graph, a, x)))
    return found


# ---------------------------------------------------------------------------------------
# Dependencies of the workspace members (rule 3).


def cargo_metadata(repo):
    base = ["cargo", "metadata", "--format-version", "1"]
    last = None
    for cmd in (base + ["--offline"], base):
        try:
            r = subprocess.run(
                cmd, cwd=repo, capture_output=True, text=True, check=False, timeout=600
            )
        except (OSError, subprocess.TimeoutExpired) as e:
            last = str(e)
            continue
        if r.returncode == 0:
            return json.loads(r.stdout)
        last = r.stderr.strip().splitlines()[-1:] or [f"exit {r.returncode}"]
        last = last[0]
    raise RuntimeError(f"cargo metadata failed: {last}")


def binary_only_deps(meta, root_package=ROOT_PACKAGE, banned=BINARY_ONLY_CRATES):
    """[(member name, banned crate, chain of package names)] for each workspace member
    other than the root package that reaches a banned crate through non-dev deps."""
    pkgs = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in (meta.get("resolve") or {}).get("nodes", [])}
    found = []
    for member in meta["workspace_members"]:
        if pkgs[member]["name"] == root_package:
            continue
        prev = {member: None}
        queue = [member]
        for v in queue:
            for dep in nodes.get(v, {}).get("deps", []):
                kinds = [k.get("kind") for k in dep.get("dep_kinds", [{"kind": None}])]
                if all(k == "dev" for k in kinds):
                    continue
                w = dep["pkg"]
                if w in prev:
                    continue
                prev[w] = v
                queue.append(w)
        for w in prev:
            if w != member and pkgs[w]["name"] in banned:
                chain = [w]
                while prev[chain[-1]] is not None:
                    chain.append(prev[chain[-1]])
                names = [pkgs[c]["name"] for c in reversed(chain)]
                found.append((pkgs[member]["name"], pkgs[w]["name"], names))
    return sorted(found)


# ---------------------------------------------------------------------------------------
# The run.


def check(repo, out, with_metadata=True):
    """Run all rules on `repo`, writing findings to `out`; return the number of findings."""
    graph, problems = import_graph(repo)
    findings = 0
    for p in problems:
        out.write(f"arch-check: module tree: {p}\n")
        findings += 1
    edges = sum(len(e) for e in graph.values())
    out.write(f"arch-check: {len(graph)} files, {edges} file-to-file imports\n")

    comps = sccs(graph)
    for comp in comps:
        findings += 1
        out.write(f"arch-check: import cycle through {len(comp)} files:\n")
        for loop in cycle_path(graph, comp):
            steps = []
            for a, b in zip(loop, loop[1:]):
                steps.append(f"    {a} -> {b}   [{why(graph, a, b)}]")
            out.write("  " + " -> ".join(loop) + "\n")
            out.write("\n".join(steps) + "\n")
    if not comps:
        out.write("arch-check: no import cycle\n")

    layers = layer_violations(graph)
    for a, b, chain, reason in layers:
        findings += 1
        via = f" through {' -> '.join(chain)}" if len(chain) > 2 else ""
        out.write(f"arch-check: layer: {a} imports {b}{via}   [{reason}]\n")
    if not layers:
        out.write("arch-check: no library file imports cli, cmd, output or term\n")

    if with_metadata:
        meta = cargo_metadata(repo)
        deps = binary_only_deps(meta)
        for member, banned, chain in deps:
            findings += 1
            out.write(
                f"arch-check: crate {member} depends on {banned}: {' -> '.join(chain)}\n"
            )
        members = len(meta["workspace_members"])
        if not deps:
            out.write(
                f"arch-check: {members} workspace member(s); none but {ROOT_PACKAGE} "
                f"depends on {', '.join(BINARY_ONLY_CRATES)}\n"
            )
    return findings


SELF_TEST_FILES = {
    "Cargo.toml": '[package]\nname = "archtest"\nversion = "0.0.0"\nedition = "2021"\n',
    # lib.rs uses a child by its bare name (lib -> a); nothing refers back to lib.rs.
    "src/lib.rs": "pub mod a;\npub mod b;\npub mod c;\nmod ok;\npub mod pki;\n"
    "pub mod output;\npub mod ground;\npub mod alias;\npub fn run() { a::f(); }\n"
    "pub use serde as ext;\n",
    # The cycle a -> b -> c/mod.rs -> c/d.rs -> a, through each kind of reference:
    # a grouped use, a serde attribute's path, a self:: path to a child, a super:: path
    # (pki/store.rs below has an inline crate:: path, lib.rs a child's name).
    "src/a.rs": "use crate::{b::{self, G}, ok};\npub fn f() { let _ = b::G { x: 0 }; }\n",
    "src/b.rs": "#[derive(serde::Serialize)]\npub struct G {\n"
    "    #[serde(serialize_with = \"crate::c::h\")]\n    x: u8,\n}\n",
    "src/c/mod.rs": "pub mod d;\npub fn h<S: serde::Serializer>(_: &u8, s: S) -> Result<S::Ok, S::Error> {\n"
    "    self::d::k();\n    s.serialize_none()\n}\n",
    "src/c/d.rs": "pub fn k() { super::super::a::f(); }\n",
    # Paths in comments, strings, char literals and lifetimes are no imports: ok.rs is
    # in no cycle although its text names crate::a everywhere; `crate::ext` is another
    # crate re-exported by lib.rs, no edge to lib.rs.
    "src/ok.rs": "// use crate::a;\n/* crate::a::f() /* nested */ crate::a */\n"
    "pub fn s<'a>(x: &'a str) -> &'a str { let _c = '\"'; let _ = \"crate::a::f()\";\n"
    "    let _r = r#\"use crate::a;\"#; x }\n"
    "pub fn e() { let _ = crate::ext::de::IgnoredAny; }\n",
    # Layer rule: pki/store.rs imports the printer directly, pki/mod.rs through ground.rs.
    "src/pki/mod.rs": "pub mod store;\npub fn u() { crate::ground::v() }\n",
    "src/ground.rs": "pub fn v() { let _ = crate::output::fmt(); }\n",
    "src/pki/store.rs": "pub fn t() -> String { crate::output::fmt() }\n",
    # Modules imported by name, then used by that name: alias.rs -> pki/store.rs twice.
    "src/alias.rs": "use crate::pki;\nuse crate::pki::store as st;\n"
    "pub fn w() -> String { let _ = st::t(); pki::store::t() }\n",
    "src/output.rs": "pub fn fmt() -> String { String::new() }\n"
    "#[cfg(test)]\nmod tests {\n    use super::*;\n    #[test]\n    fn t() { fmt(); }\n}\n",
}


def self_test(out):
    """Build a tiny crate with a known cycle and a layer violation; the check must find
    exactly those. Return True when it does."""
    ok = True
    with tempfile.TemporaryDirectory(prefix="arch-check-") as tmp:
        for rel, text in SELF_TEST_FILES.items():
            p = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w", encoding="utf-8") as f:
                f.write(text)
        graph, problems = import_graph(tmp)
        comps = sccs(graph)
        want = [sorted(["src/a.rs", "src/b.rs", "src/c/mod.rs", "src/c/d.rs"])]
        if comps != want or problems:
            out.write(f"arch-check: self-test: cycles {comps} (problems {problems}), "
                      f"expected {want}\n")
            ok = False
        if "src/ok.rs" not in graph.get("src/a.rs", {}) or graph.get("src/ok.rs"):
            out.write(f"arch-check: self-test: ok.rs edges wrong: {graph.get('src/ok.rs')}\n")
            ok = False
        alias = graph.get("src/alias.rs", {})
        if not {"pki::store::t", "st::t"} <= set(alias.get("src/pki/store.rs", [])):
            out.write(f"arch-check: self-test: alias.rs edges wrong: {alias}\n")
            ok = False
        layers = [(a, b) for a, b, _, _ in layer_violations(graph, library=["src/pki/"])]
        if layers != [("src/pki/mod.rs", "src/output.rs"), ("src/pki/store.rs", "src/output.rs")]:
            out.write(f"arch-check: self-test: layer findings {layers}\n")
            ok = False
    # Rule 3 on a made-up metadata: lib-a reaches clap through mid (normal), lib-b has
    # indicatif only as a dev-dependency, the root package may have clap.
    def pkg(name):
        return {"id": name + " 1.0", "name": name}

    def dep(name, kind=None):
        return {"pkg": name + " 1.0", "dep_kinds": [{"kind": kind}]}

    meta = {
        "packages": [pkg(n) for n in ("secctl", "lib-a", "lib-b", "mid", "clap", "indicatif")],
        "workspace_members": ["secctl 1.0", "lib-a 1.0", "lib-b 1.0"],
        "resolve": {
            "nodes": [
                {"id": "secctl 1.0", "deps": [dep("clap"), dep("lib-a")]},
                {"id": "lib-a 1.0", "deps": [dep("mid")]},
                {"id": "mid 1.0", "deps": [dep("clap", "build")]},
                {"id": "lib-b 1.0", "deps": [dep("indicatif", "dev")]},
            ]
        },
    }
    got = binary_only_deps(meta)
    if got != [("lib-a", "clap", ["lib-a", "mid", "clap"])]:
        out.write(f"arch-check: self-test: dependency findings {got}\n")
        ok = False
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--self-test", action="store_true", help="run only the self-test")
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    ap.add_argument("--graph", action="store_true", help="print the file graph too")
    args = ap.parse_args()
    out = sys.stdout
    if not self_test(out):
        out.write("arch-check: SELF-TEST FAILED: the check cannot be trusted\n")
        return 2
    out.write("arch-check: self-test ok (a known cycle, layer import and dependency found)\n")
    if args.self_test:
        return 0
    repo = os.path.abspath(args.root)
    if args.graph:
        graph, _ = import_graph(repo)
        for a in sorted(graph):
            for b in sorted(graph[a]):
                out.write(f"{a} -> {b}   [{why(graph, a, b)}]\n")
    try:
        findings = check(repo, out)
    except RuntimeError as e:
        out.write(f"arch-check: {e}\n")
        return 2
    if findings:
        out.write(f"arch-check: FAILED: {findings} finding(s)\n")
        return 1
    out.write("arch-check: ok\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
