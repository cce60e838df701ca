//! secctl's PKI core: the state directory and the store trait ([`pki::store`]), the CA
//! ([`pki::ca`]), issuance ([`pki::issue`]), CSRs ([`pki::csr`]), import and export, revocation
//! and CRLs ([`revocation`]), RFC 5280 path verification ([`verify`], [`rfc5280`]), the
//! rustls configurations made from the state ([`tlsconf`]), and the ground everything stands
//! on: typed errors with their exit codes ([`error`]), time formats, escaping, the async
//! runtime and the observer of progress ([`ground`]).
//!
//! It returns data and never prints: the binary (`secctl`) owns the command line and the
//! terminal, and hears of progress and lock waits through [`ground::observe`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod dn;
pub mod error;
pub mod ground;
pub mod pki;
pub mod revocation;
pub mod rfc5280;
pub mod sig;
pub mod tlsconf;
pub mod verify;
pub mod verify_crl;
