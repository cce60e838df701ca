//! Shared TLS material loading for `serve`, `probe` and live `verify` (rustls, ring only).

use std::path::Path;
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::RootCertStore;
use rustls_pki_types::{
    CertificateDer, CertificateRevocationListDer, PrivateKeyDer, PrivatePkcs8KeyDer,
};

use crate::error::{Error, Result};
use crate::pki::fsio::StateDir;
use crate::pki::pemfile;

/// The one crypto provider: ring.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

// Each loader reads a file below the state directory `files` without following a symbolic
// link there ([`StateDir::none`] for a command without one).

/// A certificate chain file (leaf first).
pub fn load_chain(files: &StateDir, path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    Ok(pemfile::read_in(files, path, "CERTIFICATE", "certificate")?
        .into_iter()
        .map(CertificateDer::from)
        .collect())
}

/// A PKCS#8 private key file (unencrypted PEM).
pub fn load_key(files: &StateDir, path: &Path) -> Result<PrivateKeyDer<'static>> {
    let text = zeroize::Zeroizing::new(files.read_text(path)?);
    if crate::pki::keys::is_age(text.as_bytes()) {
        return Err(Error::path(
            path,
            "key is age-encrypted; TLS keys must be plain PKCS#8 PEM",
        ));
    }
    let mut der = pemfile::blocks_of(
        &path.display().to_string(),
        &text,
        "PRIVATE KEY",
        "PKCS#8 private key",
    )?;
    let key = der.swap_remove(0);
    Ok(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)))
}

/// A trust bundle as a rustls root store; refuses a bundle with no usable CA.
pub fn load_roots(files: &StateDir, path: &Path) -> Result<Arc<RootCertStore>> {
    let mut roots = RootCertStore::empty();
    for (i, der) in pemfile::read_in(files, path, "CERTIFICATE", "certificate")?
        .into_iter()
        .enumerate()
    {
        roots.add(CertificateDer::from(der)).map_err(|e| {
            Error::path(
                path,
                format!("certificate {} is not a usable CA ({e})", i + 1),
            )
        })?;
    }
    Ok(Arc::new(roots))
}

/// CRLs from a PEM file.
pub fn load_crls(
    files: &StateDir,
    path: &Path,
) -> Result<Vec<CertificateRevocationListDer<'static>>> {
    Ok(pemfile::read_in(files, path, "X509 CRL", "CRL")?
        .into_iter()
        .map(CertificateRevocationListDer::from)
        .collect())
}

/// A client certificate and key for mTLS, checked to match.
pub fn load_certified_key(
    files: &StateDir,
    cert: &Path,
    key: &Path,
) -> Result<Arc<rustls::sign::CertifiedKey>> {
    let chain = load_chain(files, cert)?;
    let k = load_key(files, key)?;
    let ck = rustls::sign::CertifiedKey::from_der(chain, k, &provider())
        .map_err(|e| Error::path(key, format!("does not match {} ({e})", cert.display())))?;
    Ok(Arc::new(ck))
}

/// The identity in a peer's leaf certificate: (name, role, SPIFFE id).
pub fn identity(der: &[u8]) -> Option<(String, String, Option<String>)> {
    let info = crate::pki::inspect::CertInfo::from_der("peer", der).ok()?;
    Some((
        info.common_name?,
        info.role.unwrap_or_default(),
        info.spiffe_id,
    ))
}
