#!/usr/bin/env python3
"""Check the links of the documentation: every relative Markdown link in README.md and
docs/ (recursively) must name a file or directory that exists, and every #anchor must be a
heading (GitHub's anchor rules) or an explicit id/name of the file it points into.

Usage: python3 scripts/check-doc-links.py [FILE.md...]   (default: README.md and docs/**/*.md)
Exit 0 when every link resolves, 1 otherwise (one line per broken link: file:line: why).
"""

import os
import re
import sys
import unicodedata

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

# [text](target) or ![alt](target); the target ends at whitespace (an optional "title"
# follows) or at the closing parenthesis. Nested brackets in the text are not supported.
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
HTML_ID = re.compile(r"""<[^>]+\b(?:id|name)\s*=\s*["']([^"']+)["']""")
FENCE = re.compile(r"^\s*(```|~~~)")


def strip_code_spans(line):
    """The line without `code spans` (a link inside one is not a link)."""
    return re.sub(r"(`+)(?:(?!\1).)+?\1", "", line)


def slug(text):
    """GitHub's anchor for a heading: lowercase, markup and punctuation removed (hyphens
    and underscores kept), spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links: keep their text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    text = text.replace("`", "").lower()
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch in "-_ " or cat[0] in "LN" or cat == "Mn":
            out.append("-" if ch == " " else ch)
    return "".join(out)


def lines_outside_code(path):
    """(line number, text) of the lines outside fenced code blocks."""
    fence = None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = FENCE.match(line)
            if m:
                if fence is None:
                    fence = m.group(1)
                elif m.group(1) == fence:
                    fence = None
                continue
            if fence is None:
                yield n, line.rstrip("\n")


_anchors = {}


def anchors(path):
    if path not in _anchors:
        found, seen = set(), {}
        for _, line in lines_outside_code(path):
            m = HEADING.match(line)
            if m:
                base = slug(m.group(2))
                k = seen.get(base, 0)
                seen[base] = k + 1
                found.add(base if k == 0 else f"{base}-{k}")
            for i in HTML_ID.findall(line):
                found.add(i)
        _anchors[path] = found
    return _anchors[path]


def check(path):
    errors = []
    rel = os.path.relpath(path, ROOT)
    for n, line in lines_outside_code(path):
        for target in LINK.findall(strip_code_spans(line)):
            if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
                continue  # http:, https:, mailto: ... are not checked (no network)
            file_part, _, anchor = target.partition("#")
            if file_part:
                dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part))
                if not os.path.exists(dest):
                    errors.append(f"{rel}:{n}: {target}: no such file {os.path.relpath(dest, ROOT)}")
                    continue
            else:
                dest = path
            if anchor:
                if not dest.endswith(".md") or os.path.isdir(dest):
                    errors.append(f"{rel}:{n}: {target}: an anchor into a file that is not Markdown")
                elif anchor not in anchors(dest):
                    errors.append(
                        f"{rel}:{n}: {target}: no heading or id #{anchor} in {os.path.relpath(dest, ROOT)}"
                    )
    return errors


def main(argv):
    if argv:
        files = [os.path.abspath(a) for a in argv]
    else:
        files = [os.path.join(ROOT, "README.md")]
        for d, _, names in os.walk(os.path.join(ROOT, "docs")):
            files += [os.path.join(d, x) for x in sorted(names) if x.endswith(".md")]
    errors, links = [], 0
    for f in files:
        errors += check(f)
        links += sum(len(LINK.findall(strip_code_spans(l))) for _, l in lines_outside_code(f))
    for e in errors:
        print(e)
    if errors:
        print(f"check-doc-links: {len(errors)} broken of {links} links in {len(files)} files")
        return 1
    print(f"check-doc-links: {links} links in {len(files)} files, all resolve")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
