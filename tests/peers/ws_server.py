#!/usr/bin/python3
"""A WebSocket echo server and client (Debian's python3-websockets) for secctl's probe tests.

serve PORT MODE CRT KEY CA
    MODE: plain (no TLS), tls (TLS, no client certificate asked for) or required (TLS,
    a client certificate from CA required at the handshake). Listens on 127.0.0.1:PORT
    and echoes every message.
check PORT MODE CA CERT KEY
    The ground truth: opens ws(s)://127.0.0.1:PORT/ (server name localhost, verified
    against CA; CERT and KEY, or -, the client certificate), sends a message and waits for
    its echo. Prints `ok`, or `error <exception type>: <message>`.
"""

import asyncio
import ssl
import sys

import websockets


async def echo(ws, path=None):
    async for message in ws:
        await ws.send(message)


async def serve(port, mode, crt, key, ca):
    ctx = None
    if mode != "plain":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(crt, key)
        if mode == "required":
            ctx.load_verify_locations(ca)
            ctx.verify_mode = ssl.CERT_REQUIRED
    async with websockets.serve(echo, "127.0.0.1", port, ssl=ctx):
        print(f"listening on 127.0.0.1:{port} ({mode})", flush=True)
        await asyncio.Future()


async def check(port, mode, ca, cert, key):
    ctx = None
    scheme = "ws"
    extra = {}
    if mode != "plain":
        scheme = "wss"
        ctx = ssl.create_default_context(cafile=ca)
        if cert != "-":
            ctx.load_cert_chain(cert, key)
        extra["server_hostname"] = "localhost"
    try:
        async with websockets.connect(
            f"{scheme}://127.0.0.1:{port}/", ssl=ctx, open_timeout=5, **extra
        ) as ws:
            await ws.send("secctl")
            got = await asyncio.wait_for(ws.recv(), 5)
            print("ok" if got == "secctl" else f"error echo: {got!r}")
    except Exception as e:  # the ground truth is whatever failed
        print(f"error {type(e).__name__}: {e}")


def main():
    if sys.argv[1] == "serve":
        asyncio.run(serve(int(sys.argv[2]), *sys.argv[3:7]))
    else:
        asyncio.run(check(int(sys.argv[2]), *sys.argv[3:7]))


if __name__ == "__main__":
    main()
