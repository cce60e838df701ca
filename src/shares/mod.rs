//! Shamir K-of-N secret sharing over GF(256) with a split id, a per-share checksum and a
//! commitment to the secret: the `secctl-shares` crate (`crates/secctl-shares`), re-exported
//! here, and the age encryption of shares to custodians ([`custody`]).

pub use secctl_shares::*;

pub mod custody;
