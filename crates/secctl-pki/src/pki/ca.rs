//! The certificate authority: creating a root (and intermediate), loading the issuer.

use std::fs;
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::error::{Error, Result};
use crate::pki::constraints::{self, NameConstraints};
use crate::pki::fsio::{self, PUBLIC_MODE, SECRET_MODE};
use crate::pki::inspect::{self, CertInfo};
use crate::pki::keys::{self, KeyType};
use crate::pki::store::{Config, Store, CONFIG_FILE};

/// Backdating of `notBefore`, so that peers with a slightly slow clock accept a fresh
/// certificate.
pub const BACKDATE: Duration = Duration::minutes(5);

/// Days until nextUpdate of the CRL published by `ca init` and `ca rotate`.
pub const INITIAL_CRL_DAYS: u32 = 30;

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
    /// Name constraints written (critical) on the root and the intermediate; empty: none.
    pub name_constraints: NameConstraints,
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
    name_constraints: &NameConstraints,
) -> Result<CertificateParams> {
    let mut p = CertificateParams::default();
    let serial = random_serial()?;
    // Each CA generation gets a distinct name (a tag from its serial), so that after
    // `ca rotate` path building and CRL matching never confuse old and new CAs.
    let tag = hex::encode(&serial.to_bytes()[..4]);
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, cluster);
    dn.push(DnType::CommonName, format!("{cn} {tag}"));
    p.distinguished_name = dn;
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(path_len));
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    p.not_before = not_before;
    p.not_after = not_after;
    p.serial_number = Some(serial);
    p.use_authority_key_identifier_extension = has_parent;
    if !name_constraints.is_empty() {
        p.name_constraints = Some(name_constraints.to_rcgen());
    }
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
    /// Whether the keys are passphrase-encrypted (`key_encrypted`, as in `ca show`).
    #[serde(rename = "key_encrypted")]
    pub encrypted: bool,
    /// Where a replaced CA was moved, with `--force`.
    pub replaced_into: Option<PathBuf>,
    /// The name constraints written on the new CA certificates (null: none).
    pub name_constraints: Option<NameConstraints>,
    /// `ca rotate` only: whether the previous root endorsed the new one (what lets nodes
    /// that pinned the previous root accept the new one), or why not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endorsement: Option<Endorsement>,
}

/// How a rotation's new root is vouched for (see [`crate::pki::trust`]).
#[derive(Debug, Clone, Serialize)]
pub struct Endorsement {
    /// The previous root signed the new root's key: nodes that pinned it accept the new root.
    pub by_previous_root: bool,
    /// Why it did not (the previous root key offline, a key secctl cannot certify).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing_because: Option<String>,
    /// The new root signed the previous root's key: `store check` knows it as ours.
    pub of_previous_root: bool,
}

fn key_file(dir: &Path, stem: &str, encrypted: bool) -> PathBuf {
    dir.join(if encrypted {
        format!("{stem}.key.age")
    } else {
        format!("{stem}.key")
    })
}

/// The key file of `stem` in a CA directory: the `.age` one when it exists.
pub fn existing_key_file(dir: &Path, stem: &str) -> PathBuf {
    let enc = key_file(dir, stem, true);
    if enc.exists() {
        enc
    } else {
        key_file(dir, stem, false)
    }
}

/// What happens to a CA already in the state directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitMode {
    /// There is none.
    Fresh,
    /// `ca init --force`: move it and everything it issued to the attic.
    Replace,
    /// `ca rotate`: keep it as a previous generation, trusted in the bundle until it expires.
    Rotate,
}

/// Create a CA in `store`. The caller holds the lock and has already checked (or
/// confirmed) an existing CA. All keys and certificates are made in memory before the
/// first file is written; the configuration file is written last. Its first CRL is
/// published by `revocation::init_ca`, which the commands call.
pub fn init(
    store: &Store,
    opts: &InitOptions,
    passphrase: Option<&SecretString>,
    mode: InitMode,
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
        &opts.name_constraints,
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
            &opts.name_constraints,
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

    let replaced_into = match mode {
        InitMode::Replace => move_aside(store, now)?,
        _ => None,
    };
    let encrypted = passphrase.is_some();
    let ca_dir = store.ca_dir();
    let endorsement = match mode {
        InitMode::Rotate => Some(endorse_rotation(
            store.files(),
            &ca_dir,
            passphrase,
            &root_params,
            &root_key,
            root_cert.der(),
        )?),
        _ => None,
    };
    let mut bundle = root_pem.clone();
    if let InitMode::Rotate = mode {
        let prev = unused_dir(&ca_dir.join("previous"), now);
        store.files().ensure_dir(&prev)?;
        for name in [
            "root.crt",
            "root.key",
            "root.key.age",
            "intermediate.crt",
            "intermediate.key",
            "intermediate.key.age",
        ] {
            let from = ca_dir.join(name);
            if from.exists() {
                fs::rename(&from, prev.join(name))
                    .map_err(|e| Error::io(format!("moving {} aside", from.display()), e))?;
            }
        }
        fsio::sync_dir(&ca_dir)?;
        // The bundle keeps every previous root that has not expired (once each: generations
        // made by `ca rotate --intermediate-only` share their root).
        bundle.push_str(&previous_roots_pem(store, now)?);
    }
    store.files().ensure_dir(&ca_dir)?;
    let mut batch = store.batch();
    batch.write(
        &key_file(&ca_dir, "root", encrypted),
        &root_key_bytes,
        SECRET_MODE,
    )?;
    batch.write(&ca_dir.join("root.crt"), root_pem.as_bytes(), PUBLIC_MODE)?;
    if let (Some((_, pem)), Some(kb)) = (&inter, &inter_key_bytes) {
        batch.write(
            &key_file(&ca_dir, "intermediate", encrypted),
            kb,
            SECRET_MODE,
        )?;
        batch.write(
            &ca_dir.join("intermediate.crt"),
            pem.as_bytes(),
            PUBLIC_MODE,
        )?;
    }
    batch.write(&store.path("ca.crt"), bundle.as_bytes(), PUBLIC_MODE)?;
    batch.commit()?;
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
        name_constraints: (!opts.name_constraints.is_empty())
            .then(|| opts.name_constraints.clone()),
        endorsement,
    })
}

/// At a rotation, before the current generation moves aside: the current root endorses the
/// new root (when its key is online) and the new root endorses the current one, both
/// written into `ca/endorsements/`. A failure to endorse is reported, not fatal: nodes then
/// need `--pin` with the new root's fingerprint.
fn endorse_rotation(
    files: &fsio::StateDir,
    ca_dir: &Path,
    passphrase: Option<&SecretString>,
    new_params: &CertificateParams,
    new_key: &KeyPair,
    new_der: &[u8],
) -> Result<Endorsement> {
    use crate::pki::trust;
    let old = load_generation(files, ca_dir, true)?;
    let old_der = inspect::parse_pem_certs(
        &old.dir.join("root.crt").display().to_string(),
        &old.root_pem,
    )?
    .swap_remove(0);
    let new_issuer = Issuer::from_params(new_params, new_key);
    let of_previous_root = trust::write_endorsement(
        files,
        ca_dir,
        &old_der,
        None,
        &new_issuer,
        new_der,
        random_serial()?,
    )
    .is_ok();
    let root_key = existing_key_file(ca_dir, "root");
    let (by_previous_root, missing_because) = if fs::symlink_metadata(&root_key).is_err() {
        (
            false,
            Some(format!(
                "the previous root key ({}) is offline",
                root_key.display()
            )),
        )
    } else {
        let signer = load_signer(&old, true, passphrase)?;
        match trust::write_endorsement(
            files,
            ca_dir,
            new_der,
            Some(new_params),
            &signer.issuer,
            &old_der,
            random_serial()?,
        ) {
            Ok(_) => (true, None),
            Err(e) => (false, Some(e.to_string())),
        }
    };
    Ok(Endorsement {
        by_previous_root,
        missing_because,
        of_previous_root,
    })
}

fn cert_info_from_pem(name: &str, pem: &str) -> Result<CertInfo> {
    let der = inspect::parse_pem_certs(name, pem)?.swap_remove(0);
    CertInfo::from_der(name, &der)
}

/// A directory name under `parent` for `now` that is not taken yet: the UTC time
/// (`20261224T185542Z`), with `-2`, `-3`... when the same second was used already (the
/// caller holds the state lock). Names sort in time order.
fn unused_dir(parent: &Path, now: OffsetDateTime) -> PathBuf {
    let stamp = crate::ground::timefmt::file_stamp(now);
    let mut p = parent.join(&stamp);
    let mut n = 2;
    while p.symlink_metadata().is_ok() {
        p = parent.join(format!("{stamp}-{n}"));
        n += 1;
    }
    p
}

/// Move an existing CA and everything it issued into `attic/TIMESTAMP/` (never deleted:
/// `--force` must not destroy a key someone may still need).
fn move_aside(store: &Store, now: OffsetDateTime) -> Result<Option<PathBuf>> {
    let attic = unused_dir(&store.path("attic"), now);
    let mut moved = false;
    for name in [
        CONFIG_FILE,
        "ca.crt",
        "ca",
        "issued",
        "certs",
        "crl.pem",
        "revoked",
        "revocations.log",
        "ca-revocations.log",
        "names",
    ] {
        let from = store.path(name);
        if from.symlink_metadata().is_ok() {
            store.files().ensure_dir(&attic)?;
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
    /// The name constraints of the root and of the issuing certificate: what it may sign.
    pub name_constraints: constraints::Chain,
}

/// Path of the issuing CA's key file.
pub fn key_path(store: &Store, cfg: &Config) -> PathBuf {
    existing_key_file(&store.ca_dir(), issuing_stem(cfg))
}

fn issuing_stem(cfg: &Config) -> &'static str {
    if cfg.intermediate {
        "intermediate"
    } else {
        "root"
    }
}

/// One CA generation: the current one in `ca/`, or a previous one kept by `ca rotate` in
/// `ca/previous/*/`.
#[derive(Debug, Clone)]
pub struct Generation {
    /// Directory holding its certificates and keys.
    pub dir: PathBuf,
    /// Whether it is the one that issues now.
    pub current: bool,
    /// Its root certificate.
    pub root: CertInfo,
    /// PEM of the root.
    pub root_pem: String,
    /// The certificate that signs leaves (the intermediate when there is one).
    pub issuing: CertInfo,
    /// File stem of the issuing certificate ("root" or "intermediate").
    pub issuing_stem: &'static str,
    /// The state directory it was read from: its keys are read through it.
    files: fsio::StateDir,
}

impl Generation {
    /// The generation's id, as `ca retire` takes it: `current` for the one in `ca/`, else
    /// the name of its directory under `ca/previous/` (e.g. `20261224T185542Z`).
    pub fn id(&self) -> String {
        if self.current {
            "current".to_string()
        } else {
            self.dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        }
    }
}

/// The PEM of the roots of the previous generations that have not expired, newest first,
/// each root once.
fn previous_roots_pem(store: &Store, now: OffsetDateTime) -> Result<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = String::new();
    for g in generations(store)? {
        if g.root.not_after <= now || seen.contains(&g.root.sha256_fingerprint) {
            continue;
        }
        seen.push(g.root.sha256_fingerprint.clone());
        if !g.current {
            out.push_str(&g.root_pem);
        }
    }
    Ok(out)
}

/// The trust bundle the generations in `ca/` call for: the current root, then the root of
/// every previous generation that has not expired, each root once.
pub fn bundle_pem(store: &Store) -> Result<String> {
    let now = OffsetDateTime::now_utc();
    let gens = generations(store)?;
    let current = gens
        .iter()
        .find(|g| g.current)
        .ok_or_else(|| Error::path(&store.ca_dir().join("root.crt"), "no such file"))?;
    let mut out = current.root_pem.clone();
    out.push_str(&previous_roots_pem(store, now)?);
    Ok(out)
}

fn load_generation(files: &fsio::StateDir, dir: &Path, current: bool) -> Result<Generation> {
    let root_path = dir.join("root.crt");
    let root_pem = files.read_text(&root_path)?;
    // Parsed from the text just read (as `inspect::read_cert_file` would read it again).
    let root_der = crate::pki::pemfile::parse_file(
        &root_path,
        root_pem.as_bytes().to_vec(),
        "CERTIFICATE",
        "certificate",
    )?
    .swap_remove(0);
    let root = CertInfo::from_der(&root_path.display().to_string(), &root_der)?;
    let inter_path = dir.join("intermediate.crt");
    let (issuing, issuing_stem) = if inter_path.exists() {
        (
            inspect::read_cert_file_in(files, &inter_path)?.1,
            "intermediate",
        )
    } else {
        (root.clone(), "root")
    };
    Ok(Generation {
        dir: dir.to_path_buf(),
        current,
        root,
        root_pem,
        issuing,
        issuing_stem,
        files: files.clone(),
    })
}

/// The fingerprints of the certificates that signed leaves in the generations retired with
/// `ca retire` (kept in `attic/retired/ID/`); a generation that cannot be read is skipped.
pub fn retired_issuers(store: &Store) -> Vec<String> {
    let Ok(rd) = fs::read_dir(store.path("attic").join("retired")) else {
        return vec![];
    };
    rd.filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .filter_map(|p| load_generation(store.files(), &p, false).ok())
        .map(|g| g.issuing.sha256_fingerprint)
        .collect()
}

/// Every CA generation, current first, then previous ones newest first.
pub fn generations(store: &Store) -> Result<Vec<Generation>> {
    let mut out = vec![];
    if store.ca_dir().join("root.crt").exists() {
        out.push(load_generation(store.files(), &store.ca_dir(), true)?);
    }
    let prev = store.ca_dir().join("previous");
    if let Ok(rd) = fs::read_dir(&prev) {
        let mut dirs: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        dirs.reverse();
        for d in dirs {
            out.push(load_generation(store.files(), &d, false)?);
        }
    }
    Ok(out)
}

/// Load the signing side of one generation: the issuing CA (`root_only`: the root).
pub fn load_signer(
    gen: &Generation,
    root_only: bool,
    passphrase: Option<&SecretString>,
) -> Result<IssuingCa> {
    let stem = if root_only { "root" } else { gen.issuing_stem };
    let cert_path = gen.dir.join(format!("{stem}.crt"));
    let cert_pem = gen.files.read_text(&cert_path)?;
    let der = inspect::parse_pem_certs(&cert_path.display().to_string(), &cert_pem)?.swap_remove(0);
    let info = CertInfo::from_der(&cert_path.display().to_string(), &der)?;
    if !info.is_ca {
        return Err(Error::path(
            &cert_path,
            "is not a CA certificate (basicConstraints CA:FALSE)",
        ));
    }
    let key_p = existing_key_file(&gen.dir, stem);
    let key = keys::load_private_key_in(&gen.files, &key_p, passphrase)?;
    check_key_matches(&key_p, &key, &der)?;
    let mut chain = vec![];
    if stem != "root" {
        let root_path = gen.dir.join("root.crt");
        let root_der =
            crate::pki::pemfile::read_in(&gen.files, &root_path, "CERTIFICATE", "certificate")?
                .swap_remove(0);
        chain.push((root_path.display().to_string(), root_der));
    }
    chain.push((cert_path.display().to_string(), der.clone()));
    let name_constraints = constraints::Chain::of(&chain)?;
    let der_cert = rustls_pki_types::CertificateDer::from(der.as_slice());
    let issuer = Issuer::from_ca_cert_der(&der_cert, key)
        .map_err(|e| Error::path(&cert_path, format!("unusable CA certificate ({e})")))?;
    Ok(IssuingCa {
        issuer,
        info,
        intermediate_pem: (stem == "intermediate").then_some(cert_pem),
        bundle_pem: String::new(),
        name_constraints,
    })
}

/// Load the issuing CA (the intermediate when there is one) of the current generation,
/// with the trust bundle. The passphrase is needed when the keys are encrypted.
pub fn load_issuing(store: &Store, passphrase: Option<&SecretString>) -> Result<IssuingCa> {
    let gen = load_generation(store.files(), &store.ca_dir(), true)?;
    let mut ca = load_signer(&gen, false, passphrase)?;
    let bundle_path = store.path("ca.crt");
    ca.bundle_pem = store.files().read_text(&bundle_path)?;
    check_bundle(store, &bundle_path, &ca.bundle_pem)?;
    Ok(ca)
}

/// The issuing CA without the trust-bundle check (for revocation, which delivers no bundle
/// and must work even while `ca.crt` is being repaired).
pub fn load_issuing_signer(store: &Store, passphrase: Option<&SecretString>) -> Result<IssuingCa> {
    let gen = load_generation(store.files(), &store.ca_dir(), true)?;
    load_signer(&gen, false, passphrase)
}

/// Refuse a trust bundle holding a certificate that is not the root of one of the CA
/// generations the store records (`ca/root.crt`, `ca/previous/*/root.crt`): `ca.crt` is
/// delivered to every node as the roots it trusts, so a root appended by someone else
/// would make the whole cluster trust that someone.
pub fn check_bundle(store: &Store, bundle_path: &Path, bundle_pem: &str) -> Result<()> {
    let known: Vec<String> = generations(store)?
        .into_iter()
        .map(|g| g.root.sha256_fingerprint)
        .collect();
    let ders = inspect::parse_pem_certs(&bundle_path.display().to_string(), bundle_pem)?;
    for der in &ders {
        let fp = inspect::fingerprint(der);
        if !known.contains(&fp) {
            return Err(Error::path(
                bundle_path,
                format!(
                    "holds a certificate that is not the root of any CA generation of this state directory \
                     (SHA-256 {fp}): refusing to hand it out as trusted; remove it from the bundle"
                ),
            ));
        }
    }
    Ok(())
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

/// The name constraints of the current CA generation's root certificate (what `ca rotate`
/// writes again on the new CA); empty when it has none.
pub fn current_constraints(store: &Store) -> Result<NameConstraints> {
    let p = store.ca_dir().join("root.crt");
    let der = crate::pki::pemfile::read_in(store.files(), &p, "CERTIFICATE", "certificate")?
        .swap_remove(0);
    Ok(NameConstraints::of_cert(&p.display().to_string(), &der)?.unwrap_or_default())
}

/// The name constraints of the current generation's root and issuing certificates, read
/// without the CA key (to refuse a name before asking for a passphrase).
pub fn issuing_constraints(store: &Store) -> Result<constraints::Chain> {
    let gen = load_generation(store.files(), &store.ca_dir(), true)?;
    let mut certs = vec![];
    let mut stems = vec!["root"];
    if gen.issuing_stem != "root" {
        stems.push(gen.issuing_stem);
    }
    for stem in stems {
        let p = gen.dir.join(format!("{stem}.crt"));
        let der = crate::pki::pemfile::read_in(store.files(), &p, "CERTIFICATE", "certificate")?
            .swap_remove(0);
        certs.push((p.display().to_string(), der));
    }
    constraints::Chain::of(&certs)
}

/// What `ca rotate --intermediate-only` made.
#[derive(Debug)]
pub struct IntermediateRotation {
    /// The new intermediate.
    pub intermediate: CertInfo,
    /// The root that signed it (unchanged).
    pub root: CertInfo,
    /// Id of the generation the old intermediate now forms (`ca/previous/ID/`).
    pub previous_generation: String,
    /// Whether the validity asked for was cut to the root's end of validity.
    pub capped: bool,
}

/// `ca rotate --intermediate-only`: a new intermediate signed by the current root. The old
/// intermediate (certificate and key) moves to `ca/previous/TIMESTAMP/` with a copy of the
/// root certificate, so it stays a generation (its CRL published, its certificates
/// verifying) until it is retired; the root, its key and `ca.crt` stay as they are. The
/// caller holds the lock and publishes the CRL afterwards.
pub fn rotate_intermediate(
    store: &Store,
    cfg: &Config,
    key_type: KeyType,
    days: Option<u32>,
    passphrase: Option<&SecretString>,
) -> Result<IntermediateRotation> {
    let ca_dir = store.ca_dir();
    let gen = load_generation(store.files(), &ca_dir, true)?;
    if gen.issuing_stem != "intermediate" {
        return Err(Error::Usage(format!(
            "the CA in {} has no intermediate (it was created without --intermediate): rotate the whole CA with `secctl ca rotate`",
            store.name()
        )));
    }
    let root_key_path = existing_key_file(&ca_dir, "root");
    if std::fs::symlink_metadata(&root_key_path).is_err() {
        return Err(Error::path(
            &root_key_path,
            "no such file: a new intermediate is signed by the root key; bring it back online first",
        ));
    }
    let root = load_signer(&gen, true, passphrase)?;
    let now = OffsetDateTime::now_utc();
    let asked = days.map_or(gen.root.not_after, |d| now + Duration::days(i64::from(d)));
    let capped = asked > gen.root.not_after;
    let not_after = asked.min(gen.root.not_after);
    let key = key_type.generate()?;
    // The new intermediate carries the root's name constraints, as `ca init` and `ca
    // rotate` write them on both.
    let constraints = current_constraints(store)?;
    let params = ca_params(
        format!("{} Intermediate CA", cfg.cluster),
        &cfg.cluster,
        now - BACKDATE,
        not_after,
        0,
        true,
        &constraints,
    )?;
    let cert = params
        .signed_by(&key, &root.issuer)
        .map_err(Error::internal)?;
    let pem = cert.pem();
    let key_bytes = zeroize::Zeroizing::new(keys::encode_private_key(&key, passphrase)?);
    let intermediate = cert_info_from_pem("intermediate.crt", &pem)?;

    let prev = unused_dir(&ca_dir.join("previous"), now);
    store.files().ensure_dir(&prev)?;
    // The root certificate first: a generation directory is one with a root.crt.
    fsio::write_atomic(&prev.join("root.crt"), gen.root_pem.as_bytes(), PUBLIC_MODE)?;
    for name in [
        "intermediate.crt",
        "intermediate.key",
        "intermediate.key.age",
    ] {
        let from = ca_dir.join(name);
        if from.exists() {
            fs::rename(&from, prev.join(name))
                .map_err(|e| Error::io(format!("moving {} aside", from.display()), e))?;
        }
    }
    fsio::sync_dir(&prev)?;
    fsio::sync_dir(&ca_dir)?;
    let mut batch = store.batch();
    batch.write(
        &key_file(&ca_dir, "intermediate", passphrase.is_some()),
        &key_bytes,
        SECRET_MODE,
    )?;
    batch.write(
        &ca_dir.join("intermediate.crt"),
        pem.as_bytes(),
        PUBLIC_MODE,
    )?;
    batch.commit()?;
    Ok(IntermediateRotation {
        intermediate,
        root: gen.root,
        previous_generation: prev
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        capped,
    })
}

/// Find a previous generation by id (`ca/previous/ID`) or by a SHA-256 fingerprint prefix
/// (8+ hex digits, colons optional) of its issuing CA or of its root. Unknown, ambiguous
/// and the current generation are bad input.
pub fn find_generation(store: &Store, sel: &str) -> Result<Generation> {
    let gens = generations(store)?;
    if let Some(g) = gens.iter().find(|g| g.id() == sel) {
        return refuse_current(store, g.clone());
    }
    let hex: String = sel
        .chars()
        .filter(|c| *c != ':')
        .collect::<String>()
        .to_ascii_uppercase();
    let known = || {
        let ids: Vec<String> = gens.iter().filter(|g| !g.current).map(|g| g.id()).collect();
        if ids.is_empty() {
            "there is no previous generation".to_string()
        } else {
            format!("previous generations: {}", ids.join(", "))
        }
    };
    if hex.len() < 8 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Error::input(
            sel,
            format!(
                "no such CA generation (give a generation id or 8+ hex digits of a SHA-256 fingerprint; {})",
                known()
            ),
        ));
    }
    let bare = |fp: &str| fp.replace(':', "");
    // The issuing CA's fingerprint names one generation; a root's may name several.
    let by_issuing: Vec<&Generation> = gens
        .iter()
        .filter(|g| bare(&g.issuing.sha256_fingerprint).starts_with(&hex))
        .collect();
    let hits: Vec<&Generation> = if by_issuing.is_empty() {
        gens.iter()
            .filter(|g| bare(&g.root.sha256_fingerprint).starts_with(&hex))
            .collect()
    } else {
        by_issuing
    };
    match hits.as_slice() {
        [] => Err(Error::input(
            sel,
            format!(
                "no CA generation has a certificate with that fingerprint ({})",
                known()
            ),
        )),
        [g] => refuse_current(store, (*g).clone()),
        many => Err(Error::input(
            sel,
            format!(
                "fingerprint prefix matches {} generations ({}): give the generation id",
                many.len(),
                many.iter().map(|g| g.id()).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

fn refuse_current(store: &Store, g: Generation) -> Result<Generation> {
    if g.current {
        return Err(Error::input(
            g.id(),
            format!(
                "is the CA generation that issues now in {}: it cannot be retired (rotate first: `secctl ca rotate` or `ca rotate --intermediate-only`)",
                store.name()
            ),
        ));
    }
    Ok(g)
}

/// Move a retired generation's directory to `attic/retired/ID/` (kept for audit, never
/// deleted) and rewrite `ca.crt` without its root (unless another generation still uses
/// that root). The caller holds the lock and publishes the CRL afterwards.
pub fn retire(store: &Store, gen: &Generation) -> Result<PathBuf> {
    let attic = store.path("attic").join("retired");
    store.files().ensure_dir(&attic)?;
    let to = unused_dir_named(&attic, &gen.id());
    fs::rename(&gen.dir, &to).map_err(|e| {
        Error::io(
            format!("moving {} to {}", gen.dir.display(), to.display()),
            e,
        )
    })?;
    fsio::sync_dir(&attic)?;
    fsio::sync_dir(&store.ca_dir().join("previous"))?;
    let bundle = bundle_pem(store)?;
    fsio::write_atomic(&store.path("ca.crt"), bundle.as_bytes(), PUBLIC_MODE)?;
    Ok(to)
}

fn unused_dir_named(parent: &Path, name: &str) -> PathBuf {
    let mut p = parent.join(name);
    let mut n = 2;
    while p.symlink_metadata().is_ok() {
        p = parent.join(format!("{name}-{n}"));
        n += 1;
    }
    p
}
