//! The probe against real servers: apache2, haproxy, caddy, etcd, python grpcio, mosquitto,
//! redis, nginx and `secctl serve`, each configured variant by variant. Every test first
//! establishes with the server's own client what the server really does with each client
//! identity (none, valid, revoked, another CA's), then asserts the probe's rows field by field.
//!
//! Needs the servers: ignored by plain `cargo test`, run by `.ci/run` (which installs them)
//! with `cargo test --test interop_servers -- --ignored`.
#![allow(clippy::disallowed_macros)] // tests report what the servers did on stderr

mod common;

use common::peers::*;
use common::*;
