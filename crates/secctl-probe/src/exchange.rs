//! The probe's exchanges under the names the fuzz target, the tests and the binary use:
//! only re-exports. The pieces live in `transport.rs` (how an attempt fails, shared by
//! every protocol), `http1.rs` and `h2.rs` (the carriers), `call.rs` (the requests and
//! their protocols), `http.rs` and `grpc.rs` (the protocols).

pub use super::call::Call;
pub use super::h2::h2_calls;
pub use super::http::{http_denial, GRPC_GRACE};
pub use super::http1::{http1_get, http1_request, MAX_HEAD};
pub use super::transport::{
    alert_after_write_error, alert_fate, alert_name, io_fate, io_words, printable, secs, tls_fate,
    MaybeTls,
};
