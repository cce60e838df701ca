//! The PKI core: state directory, CA, issuance and inspection. Nothing here prints.

pub mod audit;
pub mod authz;
pub mod ca;
pub mod canary;
pub mod constraints;
pub mod csr;
pub mod delivery;
pub mod fsio;
pub mod identity;
pub mod import;
pub mod inspect;
pub mod issue;
pub mod keyfmt;
pub mod keys;
pub mod names;
pub mod p12;
pub mod pemfile;
pub mod spec;
pub mod store;
pub mod trust;
pub mod validity;
