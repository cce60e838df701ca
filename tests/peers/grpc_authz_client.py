#!/usr/bin/python3
"""Ground-truth gRPC client of the authorization tests (python3-grpcio).

grpc_authz_client.py PORT CA CERT|- KEY|- METHOD...
    Calls each METHOD (/pkg.Service/Method) on localhost:PORT over TLS (trusting CA, with the
    client certificate CERT and its KEY, or none for -) as a unary call with an empty
    message, and prints one JSON object: {METHOD: {"code": N, "name": "...", "details":
    "..."}}, N the grpc status code (0 OK). Each call gets a fresh channel (a refused
    handshake does not stick to the next call).
"""
import json
import sys

import grpc


def call(port, ca, cert, key, method):
    pair = {}
    if cert != "-":
        pair = {
            "private_key": open(key, "rb").read(),
            "certificate_chain": open(cert, "rb").read(),
        }
    creds = grpc.ssl_channel_credentials(root_certificates=open(ca, "rb").read(), **pair)
    with grpc.secure_channel("localhost:%s" % port, creds) as channel:
        rpc = channel.unary_unary(method)
        try:
            rpc(b"", timeout=5)
            code, details = grpc.StatusCode.OK, ""
        except grpc.RpcError as e:
            code, details = e.code(), e.details() or ""
    return {"code": code.value[0], "name": code.name, "details": details}


def main(port, ca, cert, key, *methods):
    out = {m: call(port, ca, cert, key, m) for m in methods}
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    main(*sys.argv[1:])
