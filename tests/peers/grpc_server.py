#!/usr/bin/python3
"""gRPC peer of the interop tests (python3-grpcio, no generated code).

serve PORT required|insecure CHAIN KEY CA
    Answers grpc.health.v1.Health/Check with SERVING (status OK) on 127.0.0.1:PORT, over TLS
    with a required client certificate verified against CA, or in plaintext.
check PORT tls|insecure CA CERT|- KEY|-
    Calls Health/Check on localhost:PORT; prints "status OK" or "error CODE DETAILS".
"""
import sys
import time

import grpc

# HealthCheckResponse { status: SERVING (1) }, protobuf wire format.
SERVING = b"\x08\x01"
METHOD = "/grpc.health.v1.Health/Check"


def check(request, context):
    return SERVING


def serve(port, mode, chain, key, ca):
    from concurrent import futures

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    handler = grpc.method_handlers_generic_handler(
        "grpc.health.v1.Health",
        {"Check": grpc.unary_unary_rpc_method_handler(check)},
    )
    server.add_generic_rpc_handlers((handler,))
    addr = "127.0.0.1:%s" % port
    if mode == "insecure":
        bound = server.add_insecure_port(addr)
    else:
        creds = grpc.ssl_server_credentials(
            [(open(key, "rb").read(), open(chain, "rb").read())],
            root_certificates=open(ca, "rb").read(),
            require_client_auth=True,
        )
        bound = server.add_secure_port(addr, creds)
    if bound == 0:
        print("Address already in use: cannot bind %s" % addr, flush=True)
        sys.exit(1)
    server.start()
    print("listening on %s (%s)" % (addr, mode), flush=True)
    while True:
        time.sleep(3600)


def call(port, mode, ca, cert, key):
    if mode == "insecure":
        channel = grpc.insecure_channel("127.0.0.1:%s" % port)
    else:
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
    rpc = channel.unary_unary(METHOD)
    try:
        answer = rpc(b"", timeout=5)
        print("status OK %s" % answer.hex())
    except grpc.RpcError as e:
        print("error %s %s" % (e.code().name, e.details()))


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(*sys.argv[2:7])
    else:
        call(*sys.argv[2:7])
