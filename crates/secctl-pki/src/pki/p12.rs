//! PKCS#12 files (`.p12`/`.pfx`) for Java, Windows and appliances, written by the
//! `p12-keystore` crate (RustCrypto's `pkcs5`/`pkcs12`/`cbc`/`des` underneath: no cipher,
//! KDF or MAC is implemented here).
//!
//! Modern profile (default): key and certificates encrypted with PBES2 (PBKDF2-HMAC-SHA-256,
//! AES-256-CBC), integrity MAC HMAC-SHA-256; what OpenSSL 3 and Java 17+ write and read.
//! Legacy profile (`--legacy`): pbeWithSHAAnd3-KeyTripleDES-CBC for key and certificates,
//! HMAC-SHA-1 MAC; what Java 8 before 8u301, Windows before Server 2019 and older appliances
//! read (OpenSSL 3 reads it with `-legacy`).

use age::secrecy::{ExposeSecret, SecretString};
use p12_keystore::{
    Certificate, EncryptionAlgorithm, KeyStore, KeyStoreEntry, MacAlgorithm, PrivateKey,
    PrivateKeyChain,
};
use rcgen::KeyPair;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// PBKDF2 and MAC iterations of the modern profile.
pub const MODERN_ITERATIONS: u32 = 100_000;
/// Iterations of the legacy profile (the PKCS#12 KDF with SHA-1).
pub const LEGACY_ITERATIONS: u32 = 10_000;

/// The algorithms of a profile, as reported in JSON.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Profile {
    /// "modern" or "legacy".
    pub name: &'static str,
    /// Encryption of the key and certificate bags.
    pub encryption: &'static str,
    /// Integrity MAC.
    pub mac: &'static str,
    /// KDF iterations.
    pub iterations: u32,
}

/// The profile used for `legacy`.
pub fn profile(legacy: bool) -> Profile {
    if legacy {
        Profile {
            name: "legacy",
            encryption: "pbeWithSHAAnd3-KeyTripleDES-CBC",
            mac: "hmac-sha1",
            iterations: LEGACY_ITERATIONS,
        }
    } else {
        Profile {
            name: "modern",
            encryption: "pbes2-pbkdf2-hmac-sha256-aes-256-cbc",
            mac: "hmac-sha256",
            iterations: MODERN_ITERATIONS,
        }
    }
}

/// A PKCS#12 file holding `key` with `chain` (leaf first, root last), under the
/// friendly name `alias`, protected by `passphrase`.
pub fn build(
    alias: &str,
    key: &KeyPair,
    chain: &[Vec<u8>],
    passphrase: &SecretString,
    legacy: bool,
) -> Result<Zeroizing<Vec<u8>>> {
    let leaf = chain
        .first()
        .ok_or_else(|| Error::internal("PKCS#12 without a certificate"))?;
    let certs = chain
        .iter()
        .map(|d| Certificate::from_der(d).map_err(Error::internal))
        .collect::<Result<Vec<_>>>()?;
    let der = Zeroizing::new(key.serialize_der());
    let pk = PrivateKey::from_der(&der).map_err(Error::internal)?;
    // localKeyId ties the key to its certificate: the leaf's SHA-1-sized SHA-256 prefix.
    let id = ring::digest::digest(&ring::digest::SHA256, leaf);
    let local_key_id = id.as_ref()[..20].to_vec();
    let mut ks = KeyStore::new();
    ks.add_entry(
        alias,
        KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(local_key_id, pk, certs)),
    );
    let p = profile(legacy);
    let (enc, mac) = if legacy {
        (
            EncryptionAlgorithm::PbeWithShaAnd3KeyTripleDesCbc,
            MacAlgorithm::HmacSha1,
        )
    } else {
        (
            EncryptionAlgorithm::PbeWithHmacSha256AndAes256,
            MacAlgorithm::HmacSha256,
        )
    };
    let out = ks
        .writer(passphrase.expose_secret())
        .encryption_algorithm(enc)
        .encryption_iterations(p.iterations)
        .mac_algorithm(mac)
        .mac_iterations(p.iterations)
        .write()
        .map_err(|e| Error::internal(format!("writing PKCS#12: {e}")))?;
    Ok(Zeroizing::new(out))
}
