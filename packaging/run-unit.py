#!/usr/bin/env python3
"""Run a secctl systemd unit's ExecStart as systemd would, without systemd (CI has no
systemd as PID 1): the command line read from the installed unit file, its Environment=
and EnvironmentFile= settings, %i, ${VAR} and $VAR expanded as systemd.service(5) says,
run as the unit's User= and Group= with no capabilities, no_new_privs, its UMask= and an
environment holding only what the unit sets (and PATH).

    run-unit.py UNIT-FILE [--instance NAME] [--set KEY=VALUE ...] [--background --log FILE]

--set overrides a variable after the unit's files are read (a test's state directory).
Prints the command it runs on stderr; exits with its code, or with --background prints its
PID and leaves it running, its output in --log FILE (the caller stops it by PID).
"""

import argparse
import os
import re
import shlex
import subprocess
import sys


def unit_settings(path):
    """The [Service] settings of a unit file: (key, value) in order (repeats kept)."""
    out, section = [], None
    with open(path) as f:
        for raw in f:
            line = raw.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1]
                continue
            if section == "Service" and "=" in line:
                k, v = line.split("=", 1)
                out.append((k.strip(), v.strip()))
    return out


def read_env_file(path, env):
    """KEY=value lines (no shell), as systemd reads an EnvironmentFile."""
    with open(path) as f:
        for raw in f:
            line = raw.strip()
            if not line or line[0] in "#;" or "=" not in line:
                continue
            k, v = line.split("=", 1)
            v = v.strip()
            if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
                v = v[1:-1]
            env[k.strip()] = v


def expand(words, env):
    """systemd's ExecStart expansion: ${VAR} within a word, $VAR alone splits on spaces."""
    out = []
    for w in words:
        m = re.fullmatch(r"\$([A-Za-z_][A-Za-z0-9_]*)", w)
        if m:
            out.extend(env.get(m.group(1), "").split())
            continue
        out.append(re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", lambda m: env.get(m.group(1), ""), w))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("unit")
    ap.add_argument("--instance", default="")
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--background", action="store_true")
    ap.add_argument("--log")
    a = ap.parse_args()
    settings = unit_settings(a.unit)
    spec = lambda v: v.replace("%i", a.instance).replace("%%", "%")
    env, user, group, umask, exec_start = {}, None, None, 0o022, None
    for k, v in settings:
        v = spec(v)
        if k == "Environment":
            for item in shlex.split(v):
                key, val = item.split("=", 1)
                env[key] = val
        elif k == "EnvironmentFile":
            optional = v.startswith("-")
            p = v[1:] if optional else v
            if os.path.exists(p):
                read_env_file(p, env)
            elif not optional:
                sys.exit(f"{a.unit}: EnvironmentFile {p} is missing")
        elif k == "User":
            user = v
        elif k == "Group":
            group = v
        elif k == "UMask":
            umask = int(v, 8)
        elif k == "ExecStart":
            exec_start = v
    if exec_start is None or user is None:
        sys.exit(f"{a.unit}: no ExecStart= or no User=")
    for item in a.set:
        key, val = item.split("=", 1)
        env[key] = val
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
    cmd = expand(shlex.split(exec_start), env)
    setpriv = ["setpriv", f"--reuid={user}", f"--regid={group or user}", "--init-groups",
               "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--"]
    print("run-unit: " + " ".join(shlex.quote(c) for c in cmd), file=sys.stderr)
    if a.background:
        log = open(a.log or os.devnull, "wb")
        p = subprocess.Popen(setpriv + cmd, env=env, preexec_fn=lambda: os.umask(umask),
                             cwd="/", start_new_session=True, stdin=subprocess.DEVNULL,
                             stdout=log, stderr=subprocess.STDOUT)
        print(p.pid)
        return 0
    p = subprocess.Popen(setpriv + cmd, env=env, preexec_fn=lambda: os.umask(umask), cwd="/")
    return p.wait()


if __name__ == "__main__":
    sys.exit(main())
