#!/usr/bin/python3
"""A minimal NATS client (the Python standard library only) for secctl's probe tests: the
ground truth of what a NATS server does with a client, as a NATS client sees it.

nats_client.py PORT CA CERT KEY
    Connects to 127.0.0.1:PORT, reads the server's INFO, starts TLS on the same connection
    when INFO says tls_required (server name localhost, verified against CA; CERT and KEY,
    or -, the client certificate), sends CONNECT and PING and reads the answer. Prints one
    line `info tls_required=<bool> tls_verify=<bool>`, then `ok` (PONG), or
    `error alert <name>` (the TLS alert that refused the client), or `error <what>`.
"""

import json
import re
import socket
import ssl
import sys


def line(sock):
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = sock.recv(1)
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
        if len(buf) > 65536:
            raise ValueError("line too long")
    return buf.rstrip(b"\r\n").decode("utf-8", "replace")


def tls_error(e):
    m = re.search(r"alert ([a-z0-9 _]+)", str(e).lower())
    if m:
        return "error alert " + m.group(1).strip().replace(" ", "_")
    return f"error {type(e).__name__}: {e}"


def main():
    port, ca, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    info_line = line(sock)
    if not info_line.startswith("INFO "):
        print(f"error not NATS: {info_line[:40]!r}")
        return
    info = json.loads(info_line[5:])
    required = bool(info.get("tls_required"))
    print(f"info tls_required={required} tls_verify={bool(info.get('tls_verify'))}")
    if required:
        ctx = ssl.create_default_context(cafile=ca)
        if cert != "-":
            ctx.load_cert_chain(cert, key)
        try:
            sock = ctx.wrap_socket(sock, server_hostname="localhost")
        except (ssl.SSLError, OSError) as e:
            print(tls_error(e))
            return
    try:
        sock.sendall(b'CONNECT {"verbose":false,"pedantic":false}\r\nPING\r\n')
        while True:
            answer = line(sock)
            if answer == "PONG":
                print("ok")
                return
            if answer.startswith("-ERR"):
                print(f"error {answer}")
                return
    except (ssl.SSLError, OSError, ValueError) as e:
        print(tls_error(e))


if __name__ == "__main__":
    main()
