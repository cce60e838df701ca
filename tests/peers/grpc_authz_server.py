#!/usr/bin/python3
"""Gitaly-like gRPC peer of the authorization tests (python3-grpcio, no generated code).

serve PORT CHAIN KEY CA RULES.json
    TLS on 127.0.0.1:PORT, a client certificate required and verified against CA. Services:
      gitaly.RepositoryService/RepositoryExists: INVALID_ARGUMENT for an empty request (no
        repository named: the call got past authorization), OK otherwise;
      praefect.RefTransaction/VoteTransaction: OK.
    Every call, of any method, known or not, is first authorized by the caller's role (the
    OU of its certificate, cross-checked with the role of its SPIFFE URI SAN
    spiffe://TD/ROLE/NAME when the certificate has one) against RULES.json, an object
    {"/pkg.Service/Method" or "/pkg.Service/*": [roles]} decided exact rule first, else the
    longest wildcard prefix, else denied: a role not allowed gets PERMISSION_DENIED before
    the method is looked up; an allowed role calling a method the server does not have gets
    UNIMPLEMENTED. Each decision is logged on stdout.

A single GenericRpcHandler answers every method name with a handler that authorizes
first: grpcio's ServerInterceptor does not see the peer's certificate (its
HandlerCallDetails has only the method and metadata), the ServicerContext does.
"""
import json
import os
import ssl
import sys
import tempfile
import time

import grpc

# RepositoryExistsResponse { exists: false } and VoteTransactionResponse {} are both the
# empty message on the wire.
EMPTY = b""


def repository_exists(request, context):
    if not request:
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, "repository not set")
    return EMPTY


def vote_transaction(request, context):
    return EMPTY


METHODS = {
    "/gitaly.RepositoryService/RepositoryExists": repository_exists,
    "/praefect.RefTransaction/VoteTransaction": vote_transaction,
}


def decide(rules, method, role):
    """The roles allowed on `method`: the exact rule, else the longest wildcard prefix."""
    if method in rules:
        allowed = rules[method]
    else:
        best = None
        for path, roles in rules.items():
            if path.endswith("/*"):
                prefix = path[:-1]
                if method.startswith(prefix) and len(method) > len(prefix):
                    if best is None or len(prefix) > len(best[0]):
                        best = (prefix, roles)
        allowed = best[1] if best else []
    return role is not None and role in allowed


def peer_role(context):
    """The OU of the verified peer certificate (None without one), and why."""
    auth = context.auth_context()
    pems = auth.get("x509_pem_cert") or []
    if not pems:
        return None, "no client certificate"
    pem = pems[0].decode() if isinstance(pems[0], bytes) else pems[0]
    fd, path = tempfile.mkstemp(suffix=".pem")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(pem)
        cert = ssl._ssl._test_decode_cert(path)
    finally:
        os.unlink(path)
    ous = [v for rdn in cert.get("subject", ()) for (k, v) in rdn if k == "organizationalUnitName"]
    if len(ous) != 1:
        return None, "certificate has %d OUs" % len(ous)
    role = ous[0]
    uris = [v for (k, v) in cert.get("subjectAltName", ()) if k == "URI" and v.startswith("spiffe://")]
    for uri in uris:
        parts = uri[len("spiffe://"):].split("/")
        if len(parts) != 3 or parts[1] != role:
            return None, "OU %r but SPIFFE id %r" % (role, uri)
    return role, "OU=%s" % role


class Authorizing(grpc.GenericRpcHandler):
    def __init__(self, rules):
        self.rules = rules

    def service(self, details):
        method = details.method
        rules = self.rules

        def handle(request, context):
            role, why = peer_role(context)
            if not decide(rules, method, role):
                print("deny %s %s (%s)" % (method, role, why), flush=True)
                context.abort(
                    grpc.StatusCode.PERMISSION_DENIED,
                    "role %s may not call %s" % (role, method),
                )
            impl = METHODS.get(method)
            if impl is None:
                print("unimplemented %s %s" % (method, role), flush=True)
                context.abort(grpc.StatusCode.UNIMPLEMENTED, "unknown method %s" % method)
            print("allow %s %s" % (method, role), flush=True)
            return impl(request, context)

        # Raw bytes in and out: no generated code, the message is not decoded.
        return grpc.unary_unary_rpc_method_handler(handle)


def serve(port, chain, key, ca, rules_file):
    from concurrent import futures

    with open(rules_file) as f:
        rules = json.load(f)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    server.add_generic_rpc_handlers((Authorizing(rules),))
    addr = "127.0.0.1:%s" % port
    creds = grpc.ssl_server_credentials(
        [(open(key, "rb").read(), open(chain, "rb").read())],
        root_certificates=open(ca, "rb").read(),
        require_client_auth=True,
    )
    if server.add_secure_port(addr, creds) == 0:
        print("Address already in use: cannot bind %s" % addr, flush=True)
        sys.exit(1)
    server.start()
    print("listening on %s (rules %s)" % (addr, json.dumps(rules)), flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    if len(sys.argv) != 7 or sys.argv[1] != "serve":
        sys.exit(__doc__)
    serve(*sys.argv[2:7])
