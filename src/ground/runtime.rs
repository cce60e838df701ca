//! The async runtime of the network code (probe, serve, verify HOST:PORT, the etcd store).

use crate::error::{Error, Result};

/// A tokio runtime for the network commands.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("starting the async runtime", e))
}
