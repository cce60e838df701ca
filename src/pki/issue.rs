//! Issuing node and client certificates with the role-bearing identity of DESIGN.md.

use std::path::{Path, PathBuf};

use rcgen::{
    CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose, SanType,
};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::error::{Error, Result};
use crate::pki::ca::{random_serial, IssuingCa, BACKDATE};
use crate::pki::delivery::Delivery;
use crate::pki::fsio;
use crate::pki::inspect::CertInfo;
use crate::pki::keys::KeyType;
use crate::pki::names::{self, Host};
use crate::pki::store::{CertKind, Config, Record, Store};

/// Role given to node certificates issued without `--role`.
pub const DEFAULT_NODE_ROLE: &str = "node";

/// What to issue.
#[derive(Debug, Clone)]
pub struct LeafSpec {
    /// CN and last SPIFFE segment.
    pub name: String,
    /// Node (server + client) or client.
    pub kind: CertKind,
    /// OU and SPIFFE role segment.
    pub role: String,
    /// SANs (nodes only).
    pub hosts: Vec<Host>,
    /// Requested validity (capped at the issuer's end of validity), at least 5 minutes.
    pub valid_for: Duration,
    /// Key algorithm.
    pub key_type: KeyType,
}

impl LeafSpec {
    /// Check names and hosts before anything is generated.
    pub fn validate(&self) -> Result<()> {
        names::check_name(self.kind.as_str(), &self.name)?;
        names::check_role(&self.role)?;
        if self.kind == CertKind::Node && self.hosts.is_empty() {
            return Err(Error::Usage(format!(
                "node {:?} needs at least one --host (DNS name or IP address)",
                self.name
            )));
        }
        crate::pki::validity::check_validity(self.valid_for).map_err(Error::Usage)?;
        Ok(())
    }
}

/// SPIFFE id of an identity.
pub fn spiffe_id(trust_domain: &str, role: &str, name: &str) -> String {
    format!("spiffe://{trust_domain}/{role}/{name}")
}

/// A freshly issued certificate and its key, not yet written.
pub struct Issued {
    /// The record to store.
    pub record: Record,
    /// The private key. rcgen's `zeroize` feature only implements `Zeroize` for `KeyPair`
    /// (it wipes rcgen's PKCS#8 copy when called; there is no `Drop` doing it), so
    /// `Issued`'s own `Drop` calls it. The signing key inside ring's key pair object is not
    /// wiped: ring offers no way to (see README, State directory, "Secrets in the process").
    pub key: KeyPair,
    /// The leaf certificate alone.
    pub cert_pem: String,
    /// The leaf followed by the intermediate, if any: what a server presents.
    pub chain_pem: String,
    /// Set when the requested validity was cut to the issuer's.
    pub capped: bool,
}

impl Drop for Issued {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.key);
    }
}

/// Build and sign a leaf certificate in memory, with a new key or the given one.
pub fn issue(
    cfg: &Config,
    ca: &IssuingCa,
    spec: &LeafSpec,
    out_dir: &Path,
    key: Option<KeyPair>,
) -> Result<Issued> {
    spec.validate()?;
    // Whole seconds: the certificate carries seconds, and its record says the same.
    let now = crate::output::secs(OffsetDateTime::now_utc());
    let mut not_after = now + spec.valid_for;
    let capped = not_after > ca.info.not_after;
    if capped {
        not_after = ca.info.not_after;
    }
    if not_after <= now {
        return Err(Error::Usage(format!(
            "the issuing CA expired at {}; rotate it first",
            ca.info.not_after
        )));
    }
    let id = spiffe_id(&cfg.trust_domain, &spec.role, &spec.name);
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, cfg.cluster.as_str());
    dn.push(DnType::OrganizationalUnitName, spec.role.as_str());
    dn.push(DnType::CommonName, spec.name.as_str());
    p.distinguished_name = dn;
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = match spec.kind {
        CertKind::Node => vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ],
        CertKind::Client => vec![ExtendedKeyUsagePurpose::ClientAuth],
    };
    let mut sans = Vec::new();
    for h in &spec.hosts {
        sans.push(match h {
            Host::Dns(d) => SanType::DnsName(
                d.clone()
                    .try_into()
                    .map_err(|_| Error::Usage(format!("invalid host {d:?}")))?,
            ),
            Host::Ip(ip) => SanType::IpAddress(*ip),
        });
    }
    sans.push(SanType::URI(
        id.clone()
            .try_into()
            .map_err(|_| Error::Usage(format!("invalid SPIFFE id {id:?}")))?,
    ));
    p.subject_alt_names = sans;
    p.not_before = now - BACKDATE;
    p.not_after = not_after;
    let serial = random_serial()?;
    let serial_hex = hex::encode(serial.to_bytes());
    p.serial_number = Some(serial);
    p.use_authority_key_identifier_extension = true;

    let key = match key {
        Some(k) => k,
        None => spec.key_type.generate()?,
    };
    let cert = p.signed_by(&key, &ca.issuer).map_err(Error::internal)?;
    let cert_pem = cert.pem();
    let mut chain_pem = cert_pem.clone();
    if let Some(i) = &ca.intermediate_pem {
        chain_pem.push_str(i);
    }
    let record = Record {
        serial: serial_hex,
        name: spec.name.clone(),
        kind: spec.kind,
        role: spec.role.clone(),
        spiffe_id: id,
        hosts: spec.hosts.iter().map(ToString::to_string).collect(),
        key_type: spec.key_type,
        not_before: p.not_before,
        not_after,
        issuer_fingerprint: ca.info.sha256_fingerprint.clone(),
        sha256_fingerprint: crate::pki::inspect::fingerprint(cert.der()),
        out_dir: out_dir.to_path_buf(),
    };
    Ok(Issued {
        record,
        key,
        cert_pem,
        chain_pem,
        capped,
    })
}

/// Where `write` puts the files of an issued certificate.
#[derive(Debug, Clone, Serialize)]
pub struct Written {
    /// Private key, 0600.
    pub key: PathBuf,
    /// Certificate chain (leaf, then intermediate).
    pub cert: PathBuf,
    /// Trust bundle.
    pub ca: PathBuf,
}

/// Write key, chain and trust bundle into `out_dir` (0700), then the record.
pub fn write(store: &Store, ca: &IssuingCa, issued: &Issued) -> Result<Written> {
    let mut batch = fsio::Batch::new();
    let w = stage(store, ca, issued, &mut batch)?;
    batch.commit()?;
    Ok(w)
}

/// Stage an issued certificate into `batch`: the record (certificate, then the JSON that
/// marks it issued) first, then the key, certificate and CA bundle handed out. The batch
/// renames in this order, so a crash leaves at worst a record whose files were not
/// delivered (the next `apply` sees the mismatch and issues again) or a certificate
/// without a record that was never delivered (`Store::repair` removes it); never a
/// delivered certificate that the CA has no record of.
pub fn stage(
    store: &Store,
    ca: &IssuingCa,
    issued: &Issued,
    batch: &mut fsio::Batch,
) -> Result<Written> {
    stage_delivered(store, &ca.bundle_pem, issued, batch, &Delivery::default())
}

/// [`stage`] with the trust bundle `bundle_pem` and the owner and modes of `delivery`.
pub fn stage_delivered(
    store: &Store,
    bundle_pem: &str,
    issued: &Issued,
    batch: &mut fsio::Batch,
    delivery: &Delivery,
) -> Result<Written> {
    let dir = &issued.record.out_dir;
    fsio::ensure_dir(dir)?;
    delivery.prepare_dir(dir)?;
    let name = &issued.record.name;
    let w = Written {
        key: dir.join(format!("{name}.key")),
        cert: dir.join(format!("{name}.crt")),
        ca: dir.join("ca.crt"),
    };
    let key_pem = crate::pki::keys::pkcs8_pem(&issued.key)?;
    store.stage_record(batch, &issued.record, &issued.cert_pem)?;
    let o = delivery.owner;
    batch.write_owned(&w.key, key_pem.as_bytes(), delivery.key_mode, o)?;
    batch.write_owned(&w.cert, issued.chain_pem.as_bytes(), delivery.cert_mode, o)?;
    batch.write_owned(&w.ca, bundle_pem.as_bytes(), delivery.cert_mode, o)?;
    Ok(w)
}

/// Parse a stored record's certificate back (for `cert show`).
pub fn record_info(store: &Store, rec: &Record) -> Result<CertInfo> {
    let p = store.record_cert_path(&rec.serial);
    crate::pki::inspect::read_cert_file(&p).map(|(_, i)| i)
}
