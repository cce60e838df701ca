//! The certificate authority: creating a root (and intermediate), loading the issuer.

use std::fs;
use std::path::PathBuf;

use age::secrecy::SecretString;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::error::{Error, Result};
use crate::pki::fsio::{self, PUBLIC_MODE, SECRET_MODE};
use crate::pki::inspect::{self, CertInfo};
use crate::pki::keys::{self, KeyType};
use crate::pki::store::{Config, Store, CONFIG_FILE};

/// Backdating of `notBefore`, so that peers with a slightly slow clock accept a fresh
/// certificate.
pub const BACKDATE: Duration = Duration::minutes(5);

/// What `ca init` is asked to create.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// Cluster name (O of every subject).
    pub cluster: String,
    /// SPIFFE trust domain.
    pub trust_domain: String,
    /// Key type of the CA keys and default of issued certificates.
    pub key_type: KeyType,
    /// Validity of the root in days.
    pub days: u32,
    /// Create an issuing intermediate below the root.
    pub intermediate: bool,
}

/// A random serial number: 16 bytes, positive, no leading zero byte (>= 120 bits of entropy).
pub fn random_serial() -> Result<rcgen::SerialNumber> {
    let mut b = [0u8; 16];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut b)
        .map_err(|_| Error::internal("system random number generator failed"))?;
    b[0] = (b[0] & 0x7f).max(1);
    Ok(rcgen::SerialNumber::from_slice(&b))
}

fn ca_params(
    cn: String,
    cluster: &str,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    path_len: u8,
    has_parent: bool,
) -> Result<CertificateParams> {
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, cluster);
    dn.push(DnType::CommonName, cn);
    p.distinguished_name = dn;
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(path_len));
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    p.not_before = not_before;
    p.not_after = not_after;
    p.serial_number = Some(random_serial()?);
    p.use_authority_key_identifier_extension = has_parent;
    Ok(p)
}

/// Summary of a created CA, for the printer.
#[derive(Debug, Serialize)]
pub struct InitReport {
    /// The state directory.
    pub dir: PathBuf,
    /// The root certificate.
    pub root: CertInfo,
    /// The intermediate certificate, if any.
    pub intermediate: Option<CertInfo>,
    /// Whether the keys are passphrase-encrypted.
    pub encrypted: bool,
    /// Where a replaced CA was moved, with `--force`.
    pub replaced_into: Option<PathBuf>,
}

fn key_file(store: &Store, stem: &str, encrypted: bool) -> PathBuf {
    store.ca_dir().join(if encrypted {
        format!("{stem}.key.age")
    } else {
        format!("{stem}.key")
    })
}

/// Create a CA in `store`. The caller holds the lock and has already checked (or, with
/// `replace`, confirmed) an existing CA. All keys and certificates are made in memory
/// before the first file is written; the configuration file is written last.
pub fn init(
    store: &Store,
    opts: &InitOptions,
    passphrase: Option<&SecretString>,
    replace: bool,
) -> Result<InitReport> {
    let now = OffsetDateTime::now_utc();
    let not_before = now - BACKDATE;
    let root_after = now + Duration::days(i64::from(opts.days));

    let root_key = opts.key_type.generate()?;
    let root_params = ca_params(
        format!("{} Root CA", opts.cluster),
        &opts.cluster,
        not_before,
        root_after,
        u8::from(opts.intermediate),
        false,
    )?;
    let root_cert = root_params
        .self_signed(&root_key)
        .map_err(Error::internal)?;
    let root_pem = root_cert.pem();

    let inter = if opts.intermediate {
        let key = opts.key_type.generate()?;
        let params = ca_params(
            format!("{} Intermediate CA", opts.cluster),
            &opts.cluster,
            not_before,
            root_after,
            0,
            true,
        )?;
        let issuer = Issuer::from_params(&root_params, &root_key);
        let cert = params.signed_by(&key, &issuer).map_err(Error::internal)?;
        Some((key, cert.pem()))
    } else {
        None
    };
    let root_key_bytes = zeroize::Zeroizing::new(keys::encode_private_key(&root_key, passphrase)?);
    let inter_key_bytes = match &inter {
        Some((k, _)) => Some(zeroize::Zeroizing::new(keys::encode_private_key(
            k, passphrase,
        )?)),
        None => None,
    };

    let replaced_into = if replace {
        move_aside(store, now)?
    } else {
        None
    };

    let encrypted = passphrase.is_some();
    fsio::ensure_dir(&store.ca_dir())?;
    fsio::write_atomic(
        &key_file(store, "root", encrypted),
        &root_key_bytes,
        SECRET_MODE,
    )?;
    fsio::write_atomic(
        &store.ca_dir().join("root.crt"),
        root_pem.as_bytes(),
        PUBLIC_MODE,
    )?;
    if let (Some((_, pem)), Some(kb)) = (&inter, &inter_key_bytes) {
        fsio::write_atomic(&key_file(store, "intermediate", encrypted), kb, SECRET_MODE)?;
        fsio::write_atomic(
            &store.ca_dir().join("intermediate.crt"),
            pem.as_bytes(),
            PUBLIC_MODE,
        )?;
    }
    fsio::write_atomic(&store.path("ca.crt"), root_pem.as_bytes(), PUBLIC_MODE)?;
    store.write_config(&Config {
        version: 1,
        cluster: opts.cluster.clone(),
        trust_domain: opts.trust_domain.clone(),
        key_type: opts.key_type,
        intermediate: opts.intermediate,
        encrypted,
        created: now,
    })?;

    Ok(InitReport {
        dir: store.root().to_path_buf(),
        root: CertInfo::from_der("root.crt", root_cert.der())?,
        intermediate: match &inter {
            Some((_, pem)) => Some(cert_info_from_pem("intermediate.crt", pem)?),
            None => None,
        },
        encrypted,
        replaced_into,
    })
}

fn cert_info_from_pem(name: &str, pem: &str) -> Result<CertInfo> {
    let der = inspect::parse_pem_certs(name, pem)?.swap_remove(0);
    CertInfo::from_der(name, &der)
}

/// Move an existing CA and everything it issued into `attic/TIMESTAMP/` (never deleted:
/// `--force` must not destroy a key someone may still need).
fn move_aside(store: &Store, now: OffsetDateTime) -> Result<Option<PathBuf>> {
    let stamp = now.unix_timestamp();
    let attic = store
        .path("attic")
        .join(format!("{stamp}-{}", std::process::id()));
    let mut moved = false;
    for name in [
        CONFIG_FILE,
        "ca.crt",
        "ca",
        "issued",
        "certs",
        "crl.pem",
        "revoked",
    ] {
        let from = store.path(name);
        if from.symlink_metadata().is_ok() {
            fsio::ensure_dir(&attic)?;
            fs::rename(&from, attic.join(name))
                .map_err(|e| Error::io(format!("moving {} aside", from.display()), e))?;
            moved = true;
        }
    }
    Ok(moved.then_some(attic))
}

/// The CA that signs new certificates, loaded from the state directory.
pub struct IssuingCa {
    /// The rcgen issuer (subject, key identifier, signing key).
    pub issuer: Issuer<'static, KeyPair>,
    /// The issuing certificate, parsed.
    pub info: CertInfo,
    /// PEM of the issuing certificate when it is an intermediate (appended to leaf chains).
    pub intermediate_pem: Option<String>,
    /// PEM of the trust bundle (`ca.crt`).
    pub bundle_pem: String,
}

/// Whether a CA key file is encrypted, without reading secrets.
pub fn key_path(store: &Store, cfg: &Config) -> PathBuf {
    let stem = if cfg.intermediate {
        "intermediate"
    } else {
        "root"
    };
    key_file(store, stem, cfg.encrypted)
}

/// Load the issuing CA (the intermediate when there is one). The passphrase is needed when
/// the configuration says the keys are encrypted.
pub fn load_issuing(
    store: &Store,
    cfg: &Config,
    passphrase: Option<&SecretString>,
) -> Result<IssuingCa> {
    let stem = if cfg.intermediate {
        "intermediate"
    } else {
        "root"
    };
    let cert_path = store.ca_dir().join(format!("{stem}.crt"));
    let cert_pem = fsio::read_text(&cert_path)?;
    let der = inspect::parse_pem_certs(&cert_path.display().to_string(), &cert_pem)?.swap_remove(0);
    let info = CertInfo::from_der(&cert_path.display().to_string(), &der)?;
    if !info.is_ca {
        return Err(Error::path(
            &cert_path,
            "is not a CA certificate (basicConstraints CA:FALSE)",
        ));
    }
    let key_p = key_file(store, stem, cfg.encrypted);
    let key = keys::load_private_key(&key_p, passphrase)?;
    let der_cert = rustls_pki_types::CertificateDer::from(der.as_slice());
    check_key_matches(&key_p, &key, &der)?;
    let issuer = Issuer::from_ca_cert_der(&der_cert, key)
        .map_err(|e| Error::path(&cert_path, format!("unusable CA certificate ({e})")))?;
    let bundle_path = store.path("ca.crt");
    let bundle_pem = fsio::read_text(&bundle_path)?;
    Ok(IssuingCa {
        issuer,
        info,
        intermediate_pem: cfg.intermediate.then_some(cert_pem),
        bundle_pem,
    })
}

/// Refuse a key whose public half is not the certificate's.
pub fn check_key_matches(key_path: &std::path::Path, key: &KeyPair, cert_der: &[u8]) -> Result<()> {
    use x509_parser::prelude::*;
    let (_, cert) = X509Certificate::from_der(cert_der)
        .map_err(|e| Error::path(key_path, format!("certificate unreadable ({e})")))?;
    let spki_key = cert.public_key().subject_public_key.data.as_ref();
    if spki_key != key.public_key_raw() {
        return Err(Error::path(
            key_path,
            "private key does not match the CA certificate",
        ));
    }
    Ok(())
}
