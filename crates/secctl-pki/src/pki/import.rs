//! `ca import`: adopting an existing CA (made by OpenSSL, step, cfssl, another secctl...).
//! Everything is read and checked in memory first (keys match their certificates, the
//! certificates are CAs, valid now, the intermediate is signed by the root, and the CA can
//! really sign a certificate and a CRL with ring); then the same layout `ca init` writes is
//! written. A refusal leaves the state directory as it was.

use std::path::{Path, PathBuf};

use ::time::OffsetDateTime;
use age::secrecy::SecretString;
use rcgen::{CertificateParams, DnType, Issuer, KeyPair};
use serde::Serialize;
use x509_parser::prelude::{FromDer, X509Certificate, X509Name};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::pki::ca::{InitReport, INITIAL_CRL_DAYS};
use crate::pki::fsio::{self, PUBLIC_MODE, SECRET_MODE};
use crate::pki::inspect::CertInfo;
use crate::pki::keyfmt::{self, KeyFormat};
use crate::pki::keys::{self, KeyType};
use crate::pki::store::{Config, Store};

/// One CA certificate with its key, read and matched.
pub struct CaPair {
    /// Where the certificate came from.
    pub cert_path: PathBuf,
    /// Where the key came from.
    pub key_path: PathBuf,
    /// The certificate.
    pub der: Vec<u8>,
    /// The key.
    pub key: KeyPair,
    /// The format the key was in.
    pub format: KeyFormat,
}

/// Read a CA certificate file (exactly one certificate, PEM or DER) and its key file (any
/// format `keyfmt` reads; `ask` gives the passphrase of an encrypted one), and check that
/// the key is the certificate's.
pub fn read_pair(
    cert_path: &Path,
    key_path: &Path,
    ask: &mut dyn FnMut(&Path) -> Result<SecretString>,
) -> Result<CaPair> {
    let mut certs = crate::pki::pemfile::read_file(cert_path, "CERTIFICATE", "certificate")?;
    if certs.len() != 1 {
        return Err(Error::path(
            cert_path,
            format!(
                "holds {} certificates: give each CA certificate in its own file",
                certs.len()
            ),
        ));
    }
    let der = certs.remove(0);
    CertInfo::from_der(&cert_path.display().to_string(), &der)?;
    let data = Zeroizing::new(fsio::read_bytes(key_path)?);
    let (key, format) = keyfmt::read_any_private_key(key_path, &data, &mut || ask(key_path))?;
    let (_, cert) = X509Certificate::from_der(&der)
        .map_err(|e| Error::path(cert_path, format!("not a valid X.509 certificate ({e})")))?;
    if cert.public_key().subject_public_key.data.as_ref() != key.public_key_raw() {
        return Err(Error::path(
            key_path,
            format!(
                "private key does not match the certificate {}",
                cert_path.display()
            ),
        ));
    }
    Ok(CaPair {
        cert_path: cert_path.to_path_buf(),
        key_path: key_path.to_path_buf(),
        der,
        key,
        format,
    })
}

/// Refuse a certificate that cannot act as a CA now: basicConstraints CA:TRUE, keyUsage
/// (when present) with keyCertSign and cRLSign, valid at `now`. Returns its path length
/// constraint.
fn check_ca_cert(
    path: &Path,
    cert: &X509Certificate<'_>,
    now: OffsetDateTime,
) -> Result<Option<u32>> {
    let bc = cert
        .basic_constraints()
        .map_err(|e| Error::path(path, format!("unreadable basicConstraints ({e})")))?;
    let path_len = match bc {
        Some(b) if b.value.ca => b.value.path_len_constraint,
        _ => {
            return Err(Error::path(
                path,
                "is not a CA certificate (basicConstraints CA:TRUE is missing)",
            ))
        }
    };
    if let Some(ku) = cert
        .key_usage()
        .map_err(|e| Error::path(path, format!("unreadable keyUsage ({e})")))?
    {
        if !ku.value.key_cert_sign() {
            return Err(Error::path(
                path,
                "is not a CA certificate (its keyUsage lacks keyCertSign)",
            ));
        }
        if !ku.value.crl_sign() {
            return Err(Error::path(
                path,
                "its keyUsage lacks cRLSign: secctl signs CRLs with the issuing CA, give a CA that may",
            ));
        }
    }
    let nb = cert.validity().not_before.to_datetime();
    let na = cert.validity().not_after.to_datetime();
    if na <= now {
        return Err(Error::path(
            path,
            format!(
                "the CA certificate expired on {}",
                crate::ground::timefmt::fmt_time(na)
            ),
        ));
    }
    if nb > now {
        return Err(Error::path(
            path,
            format!(
                "the CA certificate is not valid before {}",
                crate::ground::timefmt::fmt_time(nb)
            ),
        ));
    }
    Ok(path_len)
}

/// Sign a throwaway certificate and an empty CRL with `pair`'s key as issuer, and check the
/// certificate's signature against the CA's public key: the CA can sign with ring.
fn trial_sign(pair: &CaPair) -> Result<()> {
    let key = KeyPair::try_from(pair.key.serialize_der().as_slice())
        .map_err(|e| Error::path(&pair.key_path, format!("unusable key ({e})")))?;
    let der = rustls_pki_types::CertificateDer::from(pair.der.as_slice());
    let issuer = Issuer::from_ca_cert_der(&der, key)
        .map_err(|e| Error::path(&pair.cert_path, format!("unusable CA certificate ({e})")))?;
    let mut p = CertificateParams::default();
    p.distinguished_name
        .push(DnType::CommonName, "secctl import check");
    let leaf_key = KeyType::EcdsaP256.generate()?;
    let leaf = p.signed_by(&leaf_key, &issuer).map_err(|e| {
        Error::path(
            &pair.key_path,
            format!("cannot sign a certificate with this CA ({e})"),
        )
    })?;
    let (_, ca) = X509Certificate::from_der(&pair.der).map_err(Error::internal)?;
    let (_, l) = X509Certificate::from_der(leaf.der()).map_err(Error::internal)?;
    l.verify_signature(Some(ca.public_key())).map_err(|e| {
        Error::path(
            &pair.key_path,
            format!("a certificate signed with this key does not verify ({e})"),
        )
    })?;
    let now = OffsetDateTime::now_utc();
    rcgen::CertificateRevocationListParams {
        this_update: now,
        next_update: now + ::time::Duration::days(1),
        crl_number: rcgen::SerialNumber::from(1u64),
        issuing_distribution_point: None,
        revoked_certs: vec![],
        key_identifier_method: rcgen::KeyIdMethod::Sha256,
    }
    .signed_by(&issuer)
    .map_err(|e| {
        Error::path(
            &pair.cert_path,
            format!("cannot sign a CRL with this CA ({e})"),
        )
    })?;
    Ok(())
}

/// Whether two names are the same: the same DER, or the same attributes and values once
/// decoded (one tool may write a PrintableString where another writes a UTF8String).
fn same_name(a: &X509Name<'_>, b: &X509Name<'_>) -> bool {
    a.as_raw() == b.as_raw() || a.to_string() == b.to_string()
}

/// Check a root (and intermediate) for adoption; nothing is written.
pub fn check(root: &CaPair, inter: Option<&CaPair>, now: OffsetDateTime) -> Result<()> {
    let (_, rc) = X509Certificate::from_der(&root.der).map_err(Error::internal)?;
    let root_len = check_ca_cert(&root.cert_path, &rc, now)?;
    if !same_name(rc.subject(), rc.issuer()) || rc.verify_signature(None).is_err() {
        return Err(Error::path(
            &root.cert_path,
            "is not a self-signed root: give the root as --cert and the CA below it as --intermediate-cert/--intermediate-key",
        ));
    }
    trial_sign(root)?;
    if let Some(i) = inter {
        let (_, ic) = X509Certificate::from_der(&i.der).map_err(Error::internal)?;
        check_ca_cert(&i.cert_path, &ic, now)?;
        if !same_name(ic.issuer(), rc.subject())
            || ic.verify_signature(Some(rc.public_key())).is_err()
        {
            return Err(Error::path(
                &i.cert_path,
                format!("is not signed by the root {}", root.cert_path.display()),
            ));
        }
        if root_len == Some(0) {
            return Err(Error::path(
                &root.cert_path,
                "has pathLenConstraint 0: certificates below its intermediate would be refused",
            ));
        }
        trial_sign(i)?;
    }
    Ok(())
}

/// What `ca import` reports: the `ca init` report and how the keys were read.
#[derive(Debug, Serialize)]
pub struct ImportReport {
    /// As `ca init -o json`.
    #[serde(flatten)]
    pub created: InitReport,
    /// Format of the imported root key file.
    pub root_key_format: KeyFormat,
    /// Format of the imported intermediate key file, if any.
    pub intermediate_key_format: Option<KeyFormat>,
    /// Key type of issued certificates when `--key-type` is not given.
    pub default_key_type: KeyType,
}

fn pem_cert(der: &[u8]) -> String {
    pem::encode_config(
        &pem::Pem::new("CERTIFICATE", der.to_vec()),
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}

/// Write an adopted CA into `store` (fresh: the caller holds the lock and has checked that
/// no CA is there), in the layout of `ca init`, then the initial empty CRL.
pub fn write(
    store: &Store,
    cluster: &str,
    trust_domain: &str,
    default_key_type: KeyType,
    root: &CaPair,
    inter: Option<&CaPair>,
    passphrase: Option<&SecretString>,
) -> Result<ImportReport> {
    let now = OffsetDateTime::now_utc();
    let encrypted = passphrase.is_some();
    let suffix = if encrypted { ".key.age" } else { ".key" };
    let root_key = Zeroizing::new(keys::encode_private_key(&root.key, passphrase)?);
    let inter_key = match inter {
        Some(i) => Some(Zeroizing::new(keys::encode_private_key(
            &i.key, passphrase,
        )?)),
        None => None,
    };
    let root_pem = pem_cert(&root.der);
    let ca_dir = store.ca_dir();
    store.files().ensure_dir(&ca_dir)?;
    let mut batch = store.batch();
    batch.write(
        &ca_dir.join(format!("root{suffix}")),
        &root_key,
        SECRET_MODE,
    )?;
    batch.write(&ca_dir.join("root.crt"), root_pem.as_bytes(), PUBLIC_MODE)?;
    if let (Some(i), Some(k)) = (inter, &inter_key) {
        batch.write(
            &ca_dir.join(format!("intermediate{suffix}")),
            k,
            SECRET_MODE,
        )?;
        batch.write(
            &ca_dir.join("intermediate.crt"),
            pem_cert(&i.der).as_bytes(),
            PUBLIC_MODE,
        )?;
    }
    batch.write(&store.path("ca.crt"), root_pem.as_bytes(), PUBLIC_MODE)?;
    batch.commit()?;
    store.write_config(&Config {
        version: 1,
        cluster: cluster.to_string(),
        trust_domain: trust_domain.to_string(),
        key_type: default_key_type,
        intermediate: inter.is_some(),
        encrypted,
        created: now,
    })?;
    crate::revocation::publish(store, passphrase, INITIAL_CRL_DAYS, None)?;
    Ok(ImportReport {
        created: InitReport {
            dir: store.root().to_path_buf(),
            root: CertInfo::from_der("root.crt", &root.der)?,
            intermediate: match inter {
                Some(i) => Some(CertInfo::from_der("intermediate.crt", &i.der)?),
                None => None,
            },
            encrypted,
            replaced_into: None,
            // Constraints the imported CA carries are enforced on every issuance.
            name_constraints: Some(crate::pki::ca::current_constraints(store)?)
                .filter(|c| !c.is_empty()),
            endorsement: None,
        },
        root_key_format: root.format,
        intermediate_key_format: inter.map(|i| i.format),
        default_key_type,
    })
}
