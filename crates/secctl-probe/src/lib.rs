//! `secctl probe`: classify every transport of a single port from real protocol exchanges
//! (the README's probe matrix). Plaintext HTTP/1.1, h2c and gRPC; the TLS handshake; HTTP/1.1,
//! HTTP/2 and gRPC over TLS, each with three client identities: none, a throwaway
//! certificate from a CA made in memory, and the given `--cert`; and a fourth when given,
//! the revoked canary (`--revoked-cert`), whose admission shows revocation not enforced.
//! Then the services' protocols (PostgreSQL, Redis, MQTT, NATS, whose server speaks first)
//! and the WebSocket upgrade, in plaintext and over TLS with the same identities.
//!
//! [`wire`] records what happened ([`observation`]), [`classify`] judges it: the verdicts
//! are a pure function of the observations. Every network step has a timeout; the whole
//! target has a deadline.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// The PKI core's modules, under the names this crate's files use (`crate::tlsconf`).
use secctl_pki::{pki, tlsconf};

pub mod authz;
pub mod call;
pub mod case;
pub mod classify;
pub mod config;
pub mod errors;
pub mod expect;
pub mod grpc;
pub mod h2;
pub mod http;
pub mod http1;
pub mod mqtt;
pub mod nats;
pub mod observation;
pub mod postgres;
pub mod protocol;
pub mod redis;
pub mod report;
pub mod row;
pub mod run;
pub mod services;
mod tls;
pub mod transport;
pub mod verdict;
pub mod verify;
pub mod websocket;
pub mod wire;

pub use config::{parse_target, Config, Policy, Target};
pub use errors::ProbeError;
pub use report::{Summary, TargetReport, Transport, TRANSPORTS};
pub use row::Row;
pub use run::{probe, probe_observed, probe_with_chain};
pub use tls::ServerAuthSeen;
pub use verdict::{ClientAuth, Encrypted, GivenCert, Mtls, ServerAuth};
