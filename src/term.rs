//! Text from a peer or a certificate, made safe for a terminal: the escaping lives on the
//! ground floor ([`crate::ground::escape`]) so that library code may use it too; the
//! printer and the commands use it from here.

pub use crate::ground::escape::{escape, escape_controls};

/// [`escape`] into an owned `String`, for table cells and `key: value` pairs.
pub fn cell(s: &str) -> String {
    escape(s).into_owned()
}
