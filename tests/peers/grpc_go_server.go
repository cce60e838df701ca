// gRPC peer of the interop tests in Go (Debian golang-google-grpc-dev, built offline in
// GOPATH mode by tests/common/peers.rs): grpc.health.v1.Health/Check answers SERVING.
//
//	grpc_go_server PORT MODE CHAIN KEY CA
//
// MODE: insecure (plaintext), required (TLS, a client certificate verified against CA is
// required at the handshake), interceptor (TLS, a client certificate verified if given; a
// per-request interceptor answers UNAUTHENTICATED to a call without a verified one).
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io/ioutil"
	"net"
	"os"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

func verified(ctx context.Context) bool {
	p, ok := peer.FromContext(ctx)
	if !ok {
		return false
	}
	ti, ok := p.AuthInfo.(credentials.TLSInfo)
	return ok && len(ti.State.VerifiedChains) > 0
}

func main() {
	if len(os.Args) != 6 {
		fmt.Fprintln(os.Stderr, "usage: grpc_go_server PORT insecure|required|optional|interceptor CHAIN KEY CA")
		os.Exit(2)
	}
	port, mode, chain, key, ca := os.Args[1], os.Args[2], os.Args[3], os.Args[4], os.Args[5]
	var opts []grpc.ServerOption
	if mode != "insecure" {
		pair, err := tls.LoadX509KeyPair(chain, key)
		if err != nil {
			fmt.Println("bad key pair:", err)
			os.Exit(1)
		}
		pem, err := ioutil.ReadFile(ca)
		if err != nil {
			fmt.Println("bad CA:", err)
			os.Exit(1)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		auth := tls.RequireAndVerifyClientCert
		if mode == "interceptor" {
			auth = tls.VerifyClientCertIfGiven
			opts = append(opts, grpc.UnaryInterceptor(func(ctx context.Context, req interface{}, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (interface{}, error) {
				if !verified(ctx) {
					return nil, status.Error(codes.Unauthenticated, "a verified client certificate is required")
				}
				return h(ctx, req)
			}))
		} else if mode == "optional" {
			// A certificate asked for (the CA's names in the request), verified when
			// given, never required.
			auth = tls.VerifyClientCertIfGiven
		} else if mode != "required" {
			fmt.Println("unknown mode", mode)
			os.Exit(2)
		}
		cfg := &tls.Config{Certificates: []tls.Certificate{pair}, ClientCAs: pool, ClientAuth: auth, MinVersion: tls.VersionTLS12}
		opts = append(opts, grpc.Creds(credentials.NewTLS(cfg)))
	}
	lis, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		fmt.Println("Address already in use: cannot bind", port, err)
		os.Exit(1)
	}
	s := grpc.NewServer(opts...)
	healthpb.RegisterHealthServer(s, health.NewServer())
	fmt.Printf("listening on 127.0.0.1:%s (%s)\n", port, mode)
	if err := s.Serve(lis); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
}
