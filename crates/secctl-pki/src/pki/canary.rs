//! The revoked canary: a client certificate of the cluster's CA, role `canary`, that the CA
//! revoked (`secctl cert client canary --role canary && secctl revoke canary && secctl
//! crl`). Every CRL published since lists it, so a server that enforces revocation refuses
//! it; `probe` tries it as a fourth identity and reports a server that lets it in.

use std::path::PathBuf;

use crate::error::Result;
use crate::pki::store::Store;

/// The canary's name in the state directory.
pub const NAME: &str = "canary";

/// The canary's certificate and key in the state directory (`certs/canary/`), when its
/// latest certificate is revoked and both files are there; None otherwise (no canary, or
/// one that is not revoked: a certificate that is not revoked proves nothing).
pub fn files(store: &Store) -> Result<Option<(PathBuf, PathBuf)>> {
    let Some(latest) = store.records_named(NAME)?.pop() else {
        return Ok(None);
    };
    let revoked = crate::revocation::read_log(store)?
        .iter()
        .any(|r| r.serial.eq_ignore_ascii_case(&latest.serial));
    if !revoked {
        return Ok(None);
    }
    let dir = store.path("certs").join(NAME);
    let (crt, key) = (dir.join("canary.crt"), dir.join("canary.key"));
    Ok((crt.is_file() && key.is_file()).then_some((crt, key)))
}
