//! Reading certificates back: identity (name, role, SPIFFE id), SANs, usages, validity.

use std::path::Path;

use ::time::OffsetDateTime;
use serde::Serialize;
use x509_parser::prelude::*;

use crate::error::{Error, Result};

/// What secctl shows about a certificate, parsed from its DER.
#[derive(Debug, Clone, Serialize)]
pub struct CertInfo {
    /// Subject as an RFC 4514 string.
    pub subject: String,
    /// Issuer as an RFC 4514 string.
    pub issuer: String,
    /// Common name (the node or client name).
    pub common_name: Option<String>,
    /// Organizational unit (the role).
    pub role: Option<String>,
    /// Organization (the cluster name).
    pub organization: Option<String>,
    /// The `spiffe://` URI SAN, if any.
    pub spiffe_id: Option<String>,
    /// DNS SANs.
    pub dns_names: Vec<String>,
    /// IP SANs.
    pub ip_addresses: Vec<String>,
    /// Serial number, lowercase hex without separators.
    pub serial: String,
    /// Start of validity.
    #[serde(with = "crate::ground::timefmt::rfc3339s")]
    pub not_before: OffsetDateTime,
    /// End of validity.
    #[serde(with = "crate::ground::timefmt::rfc3339s")]
    pub not_after: OffsetDateTime,
    /// Whether basicConstraints says CA.
    pub is_ca: bool,
    /// Path length constraint of a CA.
    pub path_len: Option<u32>,
    /// Extended key usages: "serverAuth", "clientAuth", ...
    pub extended_key_usage: Vec<String>,
    /// Key algorithm: ecdsa-p256, ecdsa-p384, ed25519, rsa, or an OID.
    pub key_type: String,
    /// SHA-256 fingerprint of the DER, uppercase hex with colons (as `openssl x509 -fingerprint`).
    pub sha256_fingerprint: String,
    /// Subject key identifier, hex.
    pub subject_key_id: Option<String>,
    /// Authority key identifier, hex.
    pub authority_key_id: Option<String>,
}

/// SHA-256 fingerprint formatted like `openssl x509 -fingerprint -sha256`.
pub fn fingerprint(der: &[u8]) -> String {
    let d = ring::digest::digest(&ring::digest::SHA256, der);
    d.as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn asn1_to_time(t: ASN1Time) -> OffsetDateTime {
    t.to_datetime()
}

fn key_type_of(spki: &SubjectPublicKeyInfo<'_>) -> String {
    let alg = &spki.algorithm.algorithm;
    if *alg == oid_registry::OID_KEY_TYPE_EC_PUBLIC_KEY {
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.as_oid().ok());
        match curve {
            Some(c) if c == oid_registry::OID_EC_P256 => "ecdsa-p256".into(),
            Some(c) if c == oid_registry::OID_NIST_EC_P384 => "ecdsa-p384".into(),
            Some(c) => format!("ecdsa-{c}"),
            None => "ecdsa".into(),
        }
    } else if *alg == oid_registry::OID_SIG_ED25519 {
        "ed25519".into()
    } else if *alg == oid_registry::OID_PKCS1_RSAENCRYPTION {
        "rsa".into()
    } else {
        alg.to_id_string()
    }
}

impl CertInfo {
    /// Parse a DER certificate; `input` names it in errors.
    pub fn from_der(input: &str, der: &[u8]) -> Result<Self> {
        let (rest, cert) = X509Certificate::from_der(der)
            .map_err(|e| Error::input(input, format!("not a valid X.509 certificate ({e})")))?;
        if !rest.is_empty() {
            return Err(Error::input(input, "trailing data after the certificate"));
        }
        let first = |it: &mut dyn Iterator<Item = &AttributeTypeAndValue<'_>>| {
            it.next().and_then(|a| a.as_str().ok()).map(str::to_owned)
        };
        let subj = cert.subject();
        let mut info = CertInfo {
            subject: subj.to_string(),
            issuer: cert.issuer().to_string(),
            common_name: first(&mut subj.iter_common_name()),
            role: first(&mut subj.iter_organizational_unit()),
            organization: first(&mut subj.iter_organization()),
            spiffe_id: None,
            dns_names: vec![],
            ip_addresses: vec![],
            serial: hex::encode(cert.raw_serial()),
            not_before: asn1_to_time(cert.validity().not_before),
            not_after: asn1_to_time(cert.validity().not_after),
            is_ca: cert.is_ca(),
            path_len: None,
            extended_key_usage: vec![],
            key_type: key_type_of(cert.public_key()),
            sha256_fingerprint: fingerprint(der),
            subject_key_id: None,
            authority_key_id: None,
        };
        let bad =
            |e: X509Error| Error::input(input, format!("malformed certificate extension ({e})"));
        if let Some(bc) = cert.basic_constraints().map_err(bad)? {
            info.path_len = bc.value.path_len_constraint;
        }
        if let Some(san) = cert.subject_alternative_name().map_err(bad)? {
            for n in &san.value.general_names {
                match n {
                    GeneralName::DNSName(d) => info.dns_names.push(d.to_string()),
                    GeneralName::IPAddress(b) => info.ip_addresses.push(ip_to_string(b)),
                    GeneralName::URI(u) if u.starts_with("spiffe://") => {
                        info.spiffe_id = Some(u.to_string())
                    }
                    _ => {}
                }
            }
        }
        if let Some(eku) = cert.extended_key_usage().map_err(bad)? {
            info.extended_key_usage
                .extend(eku_names(eku.value).into_iter().map(String::from));
        }
        for ext in cert.extensions() {
            match ext.parsed_extension() {
                ParsedExtension::SubjectKeyIdentifier(k) => {
                    info.subject_key_id = Some(hex::encode(k.0))
                }
                ParsedExtension::AuthorityKeyIdentifier(a) => {
                    info.authority_key_id = a.key_identifier.as_ref().map(|k| hex::encode(k.0))
                }
                _ => {}
            }
        }
        Ok(info)
    }
}

/// The extended key usages of `e` that have a name, in the order RFC 5280 lists them
/// (other OIDs are left out).
pub(crate) fn eku_names(e: &ExtendedKeyUsage<'_>) -> Vec<&'static str> {
    [
        (e.server_auth, "serverAuth"),
        (e.client_auth, "clientAuth"),
        (e.code_signing, "codeSigning"),
        (e.email_protection, "emailProtection"),
        (e.time_stamping, "timeStamping"),
        (e.ocsp_signing, "OCSPSigning"),
        (e.any, "anyExtendedKeyUsage"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect()
}

fn ip_to_string(b: &[u8]) -> String {
    match b.len() {
        4 => std::net::Ipv4Addr::from(<[u8; 4]>::try_from(b).unwrap_or_default()).to_string(),
        16 => std::net::Ipv6Addr::from(<[u8; 16]>::try_from(b).unwrap_or_default()).to_string(),
        _ => hex::encode(b),
    }
}

/// Parse every `CERTIFICATE` block of a PEM text; `input` names the source in errors.
/// Refuses text with no certificate, a truncated block, or other block types only.
pub fn parse_pem_certs(input: &str, text: &str) -> Result<Vec<Vec<u8>>> {
    crate::pki::pemfile::blocks_of(input, text, "CERTIFICATE", "certificate")
}

/// [`read_cert_file`] of a file that may be below the state directory `files` (read
/// without following a symbolic link there).
pub fn read_cert_file_in(
    files: &crate::pki::fsio::StateDir,
    path: &Path,
) -> Result<(Vec<u8>, CertInfo)> {
    let name = path.display().to_string();
    let der =
        crate::pki::pemfile::read_in(files, path, "CERTIFICATE", "certificate")?.swap_remove(0);
    let info = CertInfo::from_der(&name, &der)?;
    Ok((der, info))
}

/// Read a certificate file (PEM, first certificate; or DER) and parse it.
pub fn read_cert_file(path: &Path) -> Result<(Vec<u8>, CertInfo)> {
    let name = path.display().to_string();
    let der = crate::pki::pemfile::read_file(path, "CERTIFICATE", "certificate")?.swap_remove(0);
    let info = CertInfo::from_der(&name, &der)?;
    Ok((der, info))
}
