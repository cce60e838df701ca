#!/usr/bin/python3
"""gRPC client of the `serve --authz` tests (python3-grpcio, no generated code).

call PORT CA CERT|- KEY|- METHOD...
    Calls each METHOD (`/pkg.Service/Method`, unary, an empty request) on localhost:PORT
    over TLS, verifying the server against CA, with the client certificate CERT and key KEY
    or none ("-"), all on one channel. Prints one line per method:
    "METHOD CODE NAME DETAILS": the status number, its name (OK, UNAUTHENTICATED,
    PERMISSION_DENIED, UNIMPLEMENTED, ...) and the status message.
"""
import sys

import grpc


def call(port, ca, cert, key, methods):
    pair = {}
    if cert != "-":
        pair = {
            "private_key": open(key, "rb").read(),
            "certificate_chain": open(cert, "rb").read(),
        }
    creds = grpc.ssl_channel_credentials(root_certificates=open(ca, "rb").read(), **pair)
    channel = grpc.secure_channel(
        "localhost:%s" % port, creds, options=(("grpc.ssl_target_name_override", "localhost"),)
    )
    for method in methods:
        rpc = channel.unary_unary(method)
        try:
            rpc(b"", timeout=5)
            code, details = grpc.StatusCode.OK, ""
        except grpc.RpcError as e:
            code, details = e.code(), e.details() or ""
        print("%s %d %s %s" % (method, code.value[0], code.name, details), flush=True)
    channel.close()


if __name__ == "__main__":
    if len(sys.argv) < 7 or sys.argv[1] != "call":
        sys.exit(__doc__)
    call(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:])
