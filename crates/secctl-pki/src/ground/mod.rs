//! The ground floor: small pieces every layer may use. Time formatting and the serde
//! helpers for times ([`timefmt`]), the durations of the command line ([`duration`]),
//! escaping for a terminal ([`escape`]), the async runtime ([`runtime`]) and the observer of
//! long waits ([`observe`]). Nothing here imports a secctl module but [`crate::error`], so
//! the PKI core, the probe and the etcd backend use it without reaching the printer.

pub mod duration;
pub mod escape;
pub mod observe;
pub mod runtime;
pub mod timefmt;
