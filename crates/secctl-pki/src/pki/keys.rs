//! Key types, key generation and private-key files (PKCS#8 PEM, or age/scrypt-encrypted).

use std::io::{Read, Write};
use std::path::Path;

use age::secrecy::SecretString;
use rcgen::KeyPair;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The key algorithms secctl can generate (ring cannot generate RSA keys: the `rsa` crate
/// makes them, ring signs with them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum KeyType {
    /// ECDSA on NIST P-256 with SHA-256 (the default; every TLS stack accepts it).
    #[default]
    EcdsaP256,
    /// ECDSA on NIST P-384 with SHA-384.
    EcdsaP384,
    /// Ed25519 (OpenSSL 1.1.1+, Go, rustls; not every browser or appliance).
    Ed25519,
    /// RSA of any size from 2048 to 8192 bits made on the node and certified from its CSR
    /// (`cert sign`); the sized variants below are the ones secctl generates itself.
    Rsa,
    /// RSA 2048 bits, signing with PKCS#1 v1.5 SHA-256 (for peers that speak only RSA).
    #[serde(rename = "rsa-2048")]
    Rsa2048,
    /// RSA 3072 bits.
    #[serde(rename = "rsa-3072")]
    Rsa3072,
    /// RSA 4096 bits.
    #[serde(rename = "rsa-4096")]
    Rsa4096,
}

impl KeyType {
    /// The name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::EcdsaP256 => "ecdsa-p256",
            KeyType::EcdsaP384 => "ecdsa-p384",
            KeyType::Ed25519 => "ed25519",
            KeyType::Rsa => "rsa",
            KeyType::Rsa2048 => "rsa-2048",
            KeyType::Rsa3072 => "rsa-3072",
            KeyType::Rsa4096 => "rsa-4096",
        }
    }

    /// Generate a fresh key pair of this type (`Rsa`, a node's own key of any size: refused).
    pub fn generate(self) -> Result<KeyPair> {
        let alg = match self {
            KeyType::EcdsaP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            KeyType::EcdsaP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
            KeyType::Ed25519 => &rcgen::PKCS_ED25519,
            KeyType::Rsa2048 => return generate_rsa(2048),
            KeyType::Rsa3072 => return generate_rsa(3072),
            KeyType::Rsa4096 => return generate_rsa(4096),
            KeyType::Rsa => {
                return Err(Error::Usage(
                    "key type rsa names an RSA key made on the node (a CSR, `secctl cert sign`); to have secctl make one, pick rsa-2048, rsa-3072 or rsa-4096"
                        .into(),
                ))
            }
        };
        KeyPair::generate_for(alg).map_err(Error::internal)
    }
}

impl std::fmt::Display for KeyType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The bytes of a private-key file: PKCS#8 PEM, or that PEM age-encrypted (ASCII armor)
/// with a passphrase (scrypt) when `passphrase` is given.
pub fn encode_private_key(key: &KeyPair, passphrase: Option<&SecretString>) -> Result<Vec<u8>> {
    let pem = pkcs8_pem(key)?;
    match passphrase {
        None => Ok(pem.as_bytes().to_vec()),
        Some(p) => encrypt_with_passphrase(pem.as_bytes(), p),
    }
}

/// DER prefix of ring's Ed25519 PKCS#8 v2 document (RFC 5958 `OneAsymmetricKey` with the
/// public key), up to the 32-byte seed.
const ED25519_V2_PREFIX: [u8; 16] = [
    0x30, 0x51, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];
/// DER prefix of the RFC 8410 PKCS#8 v1 form, which OpenSSL 3.0 requires.
const ED25519_V1_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// The private key as PKCS#8 PEM that OpenSSL, Go and rustls all read. ring writes Ed25519
/// keys as PKCS#8 v2 (with the public key), which OpenSSL 3.0 refuses ("unsupported"), so
/// those are re-encoded as the RFC 8410 v1 form: the same seed, without the public key.
pub fn pkcs8_pem(key: &KeyPair) -> Result<Zeroizing<String>> {
    let der = Zeroizing::new(key.serialize_der());
    let der: Zeroizing<Vec<u8>> = if der.starts_with(&ED25519_V2_PREFIX) {
        let seed = der
            .get(16..48)
            .ok_or_else(|| Error::internal("unexpected Ed25519 PKCS#8 layout"))?;
        let mut v1 = Zeroizing::new(Vec::with_capacity(48));
        v1.extend_from_slice(&ED25519_V1_PREFIX);
        v1.extend_from_slice(seed);
        v1
    } else {
        der
    };
    let block = pem::Pem::new("PRIVATE KEY", der.to_vec());
    let text = Zeroizing::new(pem::encode_config(
        &block,
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    ));
    let mut contents = block.into_contents();
    zeroize::Zeroize::zeroize(&mut contents);
    Ok(text)
}

/// age-encrypt `plain` to a passphrase, ASCII-armored.
pub fn encrypt_with_passphrase(plain: &[u8], passphrase: &SecretString) -> Result<Vec<u8>> {
    let enc = age::Encryptor::with_user_passphrase(passphrase.clone());
    let mut out = Vec::new();
    let armor = age::armor::ArmoredWriter::wrap_output(&mut out, age::armor::Format::AsciiArmor)
        .map_err(Error::internal)?;
    let mut w = enc.wrap_output(armor).map_err(Error::internal)?;
    w.write_all(plain).map_err(Error::internal)?;
    w.finish()
        .and_then(|a| a.finish())
        .map_err(Error::internal)?;
    Ok(out)
}

/// Decrypt an age file (armored or binary) made with a passphrase.
pub fn decrypt_with_passphrase(
    path: &Path,
    data: &[u8],
    passphrase: &SecretString,
) -> Result<Zeroizing<Vec<u8>>> {
    let reader = age::armor::ArmoredReader::new(data);
    let dec = age::Decryptor::new(reader)
        .map_err(|e| Error::path(path, format!("not a readable age file ({e})")))?;
    if !dec.is_scrypt() {
        return Err(Error::path(path, "age file is not passphrase-encrypted"));
    }
    let id = age::scrypt::Identity::new(passphrase.clone());
    let mut r = dec
        .decrypt(std::iter::once(&id as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::DecryptionFailed
            | age::DecryptError::NoMatchingKeys
            | age::DecryptError::KeyDecryptionFailed => {
                Error::path(path, "wrong passphrase (the key could not be decrypted)")
            }
            other => Error::path(path, format!("cannot decrypt: {other}")),
        })?;
    let mut out = Zeroizing::new(Vec::new());
    r.read_to_end(&mut out)
        .map_err(|e| Error::path(path, format!("corrupted age file ({e})")))?;
    Ok(out)
}

/// Load a private key from a PEM or `.age` file.
pub fn load_private_key(path: &Path, passphrase: Option<&SecretString>) -> Result<KeyPair> {
    let data = Zeroizing::new(crate::pki::fsio::read_bytes(path)?);
    parse_private_key(path, &data, passphrase)
}

/// [`load_private_key`] of a file that may be below the state directory `files` (read
/// without following a symbolic link there).
pub fn load_private_key_in(
    files: &crate::pki::fsio::StateDir,
    path: &Path,
    passphrase: Option<&SecretString>,
) -> Result<KeyPair> {
    let data = Zeroizing::new(files.read_bytes(path)?);
    parse_private_key(path, &data, passphrase)
}

/// Parse a private key from the bytes of a PEM or `.age` file; `path` names it in messages.
pub fn parse_private_key(
    path: &Path,
    data: &[u8],
    passphrase: Option<&SecretString>,
) -> Result<KeyPair> {
    let plain = if is_age(data) {
        let p = passphrase
            .ok_or_else(|| Error::path(path, "key is encrypted and no passphrase was given"))?;
        decrypt_with_passphrase(path, data, p)?
    } else {
        Zeroizing::new(data.to_vec())
    };
    let text = std::str::from_utf8(&plain)
        .map_err(|_| Error::path(path, "not a PEM private key (binary data)"))?;
    KeyPair::from_pem(text)
        .map_err(|e| Error::path(path, format!("not a usable PKCS#8 private key ({e})")))
}

/// Whether a file's bytes are an age file (armored or binary).
pub fn is_age(data: &[u8]) -> bool {
    data.starts_with(b"age-encryption.org/")
        || data.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----")
}

/// Generate an RSA key of `bits` with the `rsa` crate (ring cannot generate RSA keys); the
/// key is handed to ring as PKCS#8, and everything it signs is signed by ring.
pub fn generate_rsa(bits: usize) -> Result<KeyPair> {
    use rsa::pkcs8::EncodePrivateKey;
    let mut rng = rsa::rand_core::OsRng;
    let key = rsa::RsaPrivateKey::new(&mut rng, bits).map_err(Error::internal)?;
    let doc = key.to_pkcs8_der().map_err(Error::internal)?;
    KeyPair::from_pkcs8_der_and_sign_algo(
        &rustls_pki_types::PrivatePkcs8KeyDer::from(doc.as_bytes()),
        &rcgen::PKCS_RSA_SHA256,
    )
    .map_err(Error::internal)
}
