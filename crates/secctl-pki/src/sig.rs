//! Signatures of certificates and CRLs, checked with exactly the algorithms rustls-webpki is
//! given by `verify` (ring's implementations, through webpki's algorithm objects): the path
//! secctl builds itself, the self-signed test of a root and the signature of a CRL accept
//! the same algorithms, key types and key sizes as webpki's own path building.
//! No cryptography is implemented here.

use rustls_pki_types::SignatureVerificationAlgorithm;
use x509_parser::asn1_rs::{Any, FromDer as _, Tag};
use x509_parser::x509::SubjectPublicKeyInfo;

/// The signature algorithms `verify` accepts (webpki's ring implementations): ECDSA P-256 and
/// P-384, Ed25519, RSA PKCS#1 v1.5 and PSS with SHA-2 and keys of 2048 to 8192 bits.
pub static ALGS: &[&dyn SignatureVerificationAlgorithm] = &[
    webpki::ring::ECDSA_P256_SHA256,
    webpki::ring::ECDSA_P256_SHA384,
    webpki::ring::ECDSA_P384_SHA256,
    webpki::ring::ECDSA_P384_SHA384,
    webpki::ring::ED25519,
    webpki::ring::RSA_PKCS1_2048_8192_SHA256,
    webpki::ring::RSA_PKCS1_2048_8192_SHA384,
    webpki::ring::RSA_PKCS1_2048_8192_SHA512,
    webpki::ring::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
];

/// The outcome of checking one signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signature {
    /// The key verifies the signature.
    Valid,
    /// The algorithm is supported for this key and the signature does not verify (or the
    /// key is unusable for it, e.g. an RSA key under 2048 bits).
    Invalid,
    /// No accepted algorithm matches the signature algorithm and the key's type (DSA, an
    /// unsupported curve, explicit curve parameters, SHA-1, ...).
    Unsupported,
}

/// The signed parts of a certificate or a CRL: the signed data (tag included), the contents
/// of the outer signatureAlgorithm and the signature's bits. `None` when the DER is not a
/// SEQUENCE of those three (or the signature has unused bits).
pub fn signed_parts(der: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let (rest, outer) = Any::from_der(der).ok()?;
    if !rest.is_empty() || outer.tag() != Tag::Sequence {
        return None;
    }
    let body: &[u8] = outer.data;
    let (rest, _) = Any::from_der(body).ok()?;
    let tbs = &body[..body.len() - rest.len()];
    let (rest, alg) = Any::from_der(rest).ok()?;
    let (rest, sig) = Any::from_der(rest).ok()?;
    if !rest.is_empty() || alg.tag() != Tag::Sequence || sig.tag() != Tag::BitString {
        return None;
    }
    let (&unused, bits) = sig.data.split_first()?;
    (unused == 0).then_some((tbs, alg.data, bits))
}

/// The contents of a key's AlgorithmIdentifier and the key's bits.
fn spki_parts<'a>(spki: &SubjectPublicKeyInfo<'a>) -> Option<(&'a [u8], &'a [u8])> {
    let (_, seq) = Any::from_der(spki.raw).ok()?;
    let (rest, alg) = Any::from_der(seq.data).ok()?;
    let (_, key) = Any::from_der(rest).ok()?;
    let (&unused, bits) = key.data.split_first()?;
    (alg.tag() == Tag::Sequence && key.tag() == Tag::BitString && unused == 0)
        .then_some((alg.data, bits))
}

/// Check the signature of `signed_der` (a certificate or a CRL) with the key `issuer`.
pub fn verify(issuer: &SubjectPublicKeyInfo<'_>, signed_der: &[u8]) -> Signature {
    let Some((tbs, alg, sig)) = signed_parts(signed_der) else {
        return Signature::Invalid;
    };
    let Some((key_alg, key)) = spki_parts(issuer) else {
        return Signature::Unsupported;
    };
    let mut supported = false;
    for a in ALGS {
        if a.public_key_alg_id().as_ref() != key_alg || a.signature_alg_id().as_ref() != alg {
            continue;
        }
        supported = true;
        if a.verify_signature(key, tbs, sig).is_ok() {
            return Signature::Valid;
        }
    }
    if supported {
        Signature::Invalid
    } else {
        Signature::Unsupported
    }
}
