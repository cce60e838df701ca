//! The PKI core: state directory, CA, issuance and inspection. Nothing here prints.

pub mod ca;
pub mod delivery;
pub mod fsio;
pub mod identity;
pub mod inspect;
pub mod issue;
pub mod keys;
pub mod names;
pub mod pemfile;
pub mod store;
pub mod validity;
