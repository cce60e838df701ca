//! Private keys in the formats other tools write and read: PKCS#8 (`PRIVATE KEY`),
//! encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`, PBES2), PKCS#1 (`RSA PRIVATE KEY`) and SEC1
//! (`EC PRIVATE KEY`), PEM or DER. Everything is converted to PKCS#8 for ring (through
//! rcgen); the conversions are re-encodings of the same ASN.1 fields by RustCrypto's
//! `pkcs1`/`pkcs8`/`sec1` crates, the decryption is `pkcs8`'s PBES2 (no cipher or KDF here).

use std::path::Path;

use age::secrecy::{ExposeSecret, SecretString};
use pkcs8::der::{Decode, Encode};
use rcgen::KeyPair;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// id-ecPublicKey (RFC 5480).
const OID_EC_PUBLIC_KEY: pkcs8::ObjectIdentifier =
    pkcs8::ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// rsaEncryption (RFC 8017).
const OID_RSA_ENCRYPTION: pkcs8::ObjectIdentifier =
    pkcs8::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// The curves ring signs with.
const OID_P256: pkcs8::ObjectIdentifier =
    pkcs8::ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: pkcs8::ObjectIdentifier = pkcs8::ObjectIdentifier::new_unwrap("1.3.132.0.34");

/// The format a key was read in (reported by `ca import`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyFormat {
    /// PKCS#8 `PRIVATE KEY`.
    Pkcs8,
    /// PKCS#8 `ENCRYPTED PRIVATE KEY` (PBES2).
    Pkcs8Encrypted,
    /// PKCS#1 `RSA PRIVATE KEY`.
    Pkcs1,
    /// SEC1 `EC PRIVATE KEY`.
    Sec1,
    /// secctl's own age-encrypted PKCS#8 (`*.key.age`).
    Age,
}

/// How to convert a legacy OpenSSL-encrypted key, said in the refusal.
const LEGACY_HINT: &str = "is encrypted in the legacy OpenSSL PEM format (Proc-Type and DEK-Info headers), \
     which secctl does not read: convert it with `openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out KEY.p8` \
     (PBES2 ENCRYPTED PRIVATE KEY) and import that";

/// Read a private key in any supported format. `ask` is called (once) when the key is
/// encrypted, for its passphrase. Every refusal is one line naming `path`.
pub fn read_any_private_key(
    path: &Path,
    data: &[u8],
    ask: &mut dyn FnMut() -> Result<SecretString>,
) -> Result<(KeyPair, KeyFormat)> {
    if data.is_empty() {
        return Err(Error::path(path, "empty file"));
    }
    if crate::pki::keys::is_age(data) {
        let pass = ask()?;
        let plain = crate::pki::keys::decrypt_with_passphrase(path, data, &pass)?;
        let (key, _) = read_any_private_key(path, &plain, &mut || {
            Err(Error::path(path, "age file holds an encrypted key again"))
        })?;
        return Ok((key, KeyFormat::Age));
    }
    if data[0] == 0x30 {
        return from_der_guess(path, data);
    }
    let text = std::str::from_utf8(data)
        .map_err(|_| Error::path(path, "not a PEM or DER private key (binary data)"))?;
    let blocks = pem::parse_many(text)
        .map_err(|e| Error::path(path, format!("not a readable PEM file ({e})")))?;
    let mut keys: Vec<pem::Pem> = blocks
        .into_iter()
        .filter(|b| b.tag().ends_with("PRIVATE KEY"))
        .collect();
    let block = match keys.len() {
        0 => {
            return Err(Error::path(
                path,
                "holds no private key (expected a PEM PRIVATE KEY, ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block)",
            ))
        }
        1 => keys.remove(0),
        n => {
            for k in &mut keys {
                zeroize_pem(k);
            }
            return Err(Error::path(
                path,
                format!("holds {n} private keys: give a file with exactly one"),
            ));
        }
    };
    let mut block = block;
    let legacy = block
        .headers()
        .get("Proc-Type")
        .is_some_and(|v| v.contains("ENCRYPTED"))
        || block.headers().get("DEK-Info").is_some();
    let der = Zeroizing::new(block.contents().to_vec());
    let tag = block.tag().to_string();
    zeroize_pem(&mut block);
    if legacy {
        return Err(Error::path(path, LEGACY_HINT));
    }
    match tag.as_str() {
        "PRIVATE KEY" => Ok((from_pkcs8(path, &der)?, KeyFormat::Pkcs8)),
        "RSA PRIVATE KEY" => Ok((from_pkcs1(path, &der)?, KeyFormat::Pkcs1)),
        "EC PRIVATE KEY" => Ok((from_sec1(path, &der)?, KeyFormat::Sec1)),
        "ENCRYPTED PRIVATE KEY" => {
            let info = pkcs8::EncryptedPrivateKeyInfo::from_der(&der).map_err(|e| {
                Error::path(path, format!("not a valid ENCRYPTED PRIVATE KEY ({e})"))
            })?;
            let pass = ask()?;
            let doc = info.decrypt(pass.expose_secret().as_bytes()).map_err(|e| {
                Error::path(
                    path,
                    match e {
                        // A wrong key shows as bad CBC padding, which pkcs5 reports as either.
                        pkcs8::Error::EncryptedPrivateKey(
                            pkcs8::pkcs5::Error::DecryptFailed | pkcs8::pkcs5::Error::EncryptFailed,
                        ) => {
                            "wrong passphrase (the key could not be decrypted)".to_string()
                        }
                        pkcs8::Error::EncryptedPrivateKey(
                            pkcs8::pkcs5::Error::UnsupportedAlgorithm { .. },
                        ) => "encrypted with an algorithm secctl does not read (PBES2 with PBKDF2-HMAC-SHA-2 or scrypt and AES-CBC are read): re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc`".to_string(),
                        other => format!("cannot decrypt ({other})"),
                    },
                )
            })?;
            Ok((from_pkcs8(path, doc.as_bytes())?, KeyFormat::Pkcs8Encrypted))
        }
        other => Err(Error::path(
            path,
            format!("holds a \"{other}\" block, which is not a private key format secctl reads"),
        )),
    }
}

fn zeroize_pem(p: &mut pem::Pem) {
    let c = std::mem::replace(p, pem::Pem::new("X", Vec::new()));
    let mut contents = c.into_contents();
    zeroize::Zeroize::zeroize(&mut contents);
}

/// A DER key without a label: PKCS#8 (plain or encrypted is told apart by the parser),
/// else PKCS#1, else SEC1.
fn from_der_guess(path: &Path, der: &[u8]) -> Result<(KeyPair, KeyFormat)> {
    if pkcs8::PrivateKeyInfo::from_der(der).is_ok() {
        return Ok((from_pkcs8(path, der)?, KeyFormat::Pkcs8));
    }
    if rsa::pkcs1::RsaPrivateKey::from_der(der).is_ok() {
        return Ok((from_pkcs1(path, der)?, KeyFormat::Pkcs1));
    }
    if sec1::EcPrivateKey::from_der(der).is_ok() {
        return Ok((from_sec1(path, der)?, KeyFormat::Sec1));
    }
    if pkcs8::EncryptedPrivateKeyInfo::from_der(der).is_ok() {
        return Err(Error::path(
            path,
            "is an encrypted PKCS#8 key in DER: give it as PEM (openssl pkcs8 -topk8 -v2 aes-256-cbc writes one)",
        ));
    }
    Err(Error::path(
        path,
        "not a DER private key (neither PKCS#8, PKCS#1 nor SEC1)",
    ))
}

/// A PKCS#8 DER key as an rcgen key pair (ring): RSA 2048-8192 bits, ECDSA P-256/P-384,
/// Ed25519.
pub fn from_pkcs8(path: &Path, der: &[u8]) -> Result<KeyPair> {
    KeyPair::try_from(der).map_err(|_| {
        let what = match pkcs8::PrivateKeyInfo::from_der(der) {
            Err(e) => format!("not a valid PKCS#8 private key ({e})"),
            Ok(info) if info.algorithm.oid == OID_RSA_ENCRYPTION => {
                let bits = rsa::pkcs1::RsaPrivateKey::from_der(info.private_key)
                    .map(|k| k.modulus.as_bytes().len() * 8)
                    .unwrap_or(0);
                format!("RSA key of {bits} bits is not usable (RSA keys of 2048 to 8192 bits are)")
            }
            Ok(info) if info.algorithm.oid == OID_EC_PUBLIC_KEY => {
                "EC key on a curve secctl cannot sign with (P-256 and P-384 are supported), or without its public key".into()
            }
            Ok(info) => format!(
                "unsupported key algorithm {} (RSA, ECDSA P-256/P-384 and Ed25519 are supported)",
                info.algorithm.oid
            ),
        };
        Error::path(path, what)
    })
}

fn wrap_pkcs8(
    path: &Path,
    oid: pkcs8::ObjectIdentifier,
    params: Option<pkcs8::der::AnyRef<'_>>,
    inner: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let info = pkcs8::PrivateKeyInfo {
        algorithm: pkcs8::AlgorithmIdentifierRef {
            oid,
            parameters: params,
        },
        private_key: inner,
        public_key: None,
    };
    info.to_der()
        .map(Zeroizing::new)
        .map_err(|e| Error::path(path, format!("cannot re-encode the key as PKCS#8 ({e})")))
}

fn from_pkcs1(path: &Path, der: &[u8]) -> Result<KeyPair> {
    rsa::pkcs1::RsaPrivateKey::from_der(der)
        .map_err(|e| Error::path(path, format!("not a valid PKCS#1 RSA private key ({e})")))?;
    let p8 = wrap_pkcs8(
        path,
        OID_RSA_ENCRYPTION,
        Some(pkcs8::der::AnyRef::NULL),
        der,
    )?;
    from_pkcs8(path, &p8)
}

fn from_sec1(path: &Path, der: &[u8]) -> Result<KeyPair> {
    let k = sec1::EcPrivateKey::from_der(der)
        .map_err(|e| Error::path(path, format!("not a valid SEC1 EC private key ({e})")))?;
    let curve = k.parameters.and_then(|p| p.named_curve()).ok_or_else(|| {
        Error::path(
            path,
            "SEC1 key without a named curve: convert it with `openssl pkcs8 -topk8 -nocrypt`",
        )
    })?;
    if k.public_key.is_none() {
        return Err(Error::path(
            path,
            "SEC1 key without its public key: convert it with `openssl ec -in KEY -out KEY.full`",
        ));
    }
    let curve_der = curve
        .to_der()
        .map_err(|e| Error::path(path, format!("bad curve identifier ({e})")))?;
    let params = pkcs8::der::AnyRef::from_der(&curve_der)
        .map_err(|e| Error::path(path, format!("bad curve identifier ({e})")))?;
    let p8 = wrap_pkcs8(path, OID_EC_PUBLIC_KEY, Some(params), der)?;
    from_pkcs8(path, &p8)
}

/// The key as PKCS#1 `RSA PRIVATE KEY` PEM (RSA keys only); `name` names it in errors.
pub fn to_pkcs1_pem(name: &str, key: &KeyPair) -> Result<Zeroizing<String>> {
    let der = Zeroizing::new(key.serialize_der());
    let info = pkcs8::PrivateKeyInfo::from_der(&der)
        .map_err(|e| Error::input(name, format!("unreadable PKCS#8 key ({e})")))?;
    if info.algorithm.oid != OID_RSA_ENCRYPTION {
        return Err(Error::input(
            name,
            "is not an RSA key: PKCS#1 holds RSA keys only (use --sec1 for an EC key)",
        ));
    }
    Ok(pem_text("RSA PRIVATE KEY", info.private_key))
}

/// The key as SEC1 `EC PRIVATE KEY` PEM with its named curve, as OpenSSL writes it (EC keys
/// only); `name` names it in errors.
pub fn to_sec1_pem(name: &str, key: &KeyPair) -> Result<Zeroizing<String>> {
    let der = Zeroizing::new(key.serialize_der());
    let info = pkcs8::PrivateKeyInfo::from_der(&der)
        .map_err(|e| Error::input(name, format!("unreadable PKCS#8 key ({e})")))?;
    if info.algorithm.oid != OID_EC_PUBLIC_KEY {
        return Err(Error::input(
            name,
            "is not an EC key: SEC1 holds EC keys only (use --pkcs1 for an RSA key)",
        ));
    }
    let curve = info
        .algorithm
        .parameters_oid()
        .map_err(|e| Error::input(name, format!("EC key without a named curve ({e})")))?;
    if curve != OID_P256 && curve != OID_P384 {
        return Err(Error::input(
            name,
            format!("EC key on unknown curve {curve}"),
        ));
    }
    let mut ec = sec1::EcPrivateKey::from_der(info.private_key)
        .map_err(|e| Error::input(name, format!("unreadable EC key ({e})")))?;
    ec.parameters = Some(sec1::EcParameters::NamedCurve(curve));
    let out = Zeroizing::new(
        ec.to_der()
            .map_err(|e| Error::input(name, format!("cannot encode SEC1 ({e})")))?,
    );
    Ok(pem_text("EC PRIVATE KEY", &out))
}

fn pem_text(tag: &str, der: &[u8]) -> Zeroizing<String> {
    let block = pem::Pem::new(tag, der.to_vec());
    let text = Zeroizing::new(pem::encode_config(
        &block,
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    ));
    let mut contents = block.into_contents();
    zeroize::Zeroize::zeroize(&mut contents);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("k.pem")
    }

    #[test]
    fn sec1_round_trip_and_refusals() {
        let k = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap();
        let sec1 = to_sec1_pem("k", &k).unwrap();
        assert!(sec1.starts_with("-----BEGIN EC PRIVATE KEY-----"));
        let (back, fmt) =
            read_any_private_key(p(), sec1.as_bytes(), &mut || unreachable!()).unwrap();
        assert_eq!(fmt, KeyFormat::Sec1);
        assert_eq!(back.public_key_raw(), k.public_key_raw());
        assert!(to_pkcs1_pem("k", &k).is_err());
        let ed = KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
        assert!(to_sec1_pem("k", &ed).is_err());
    }

    #[test]
    fn legacy_and_empty_are_refused() {
        let legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        let e = read_any_private_key(p(), legacy.as_bytes(), &mut || unreachable!())
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("openssl pkcs8 -topk8"), "{e}");
        assert!(read_any_private_key(p(), b"", &mut || unreachable!()).is_err());
        assert!(read_any_private_key(p(), b"hello", &mut || unreachable!()).is_err());
    }
}
