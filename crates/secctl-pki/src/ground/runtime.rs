//! The async runtime of the network code (probe, serve, verify HOST:PORT, the etcd store).

use crate::error::{Error, Result};

/// A tokio runtime for the network commands.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // The probe's futures are large in unoptimised builds (tests): room beyond tokio's
        // 2 MiB default, so no configuration depends on how deep one connection's state is.
        .thread_stack_size(8 << 20)
        .build()
        .map_err(|e| Error::io("starting the async runtime", e))
}
