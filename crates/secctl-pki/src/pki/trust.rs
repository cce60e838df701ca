//! What a node may install from a shared state: only what the CA vouches for.
//!
//! Anyone who can write the state (another writer of the etcd prefix, a second local user
//! with write access) can put a root into `ca.crt` or an old CRL into `crl.pem`. A node that
//! fetches them therefore trusts nothing the state hands out by itself:
//!
//! - **Roots** are accepted when the node pins them (the pins it kept from its last fetch,
//!   the roots of the bundle it already holds, or a fingerprint the operator gives), or when
//!   a trusted root *endorses* them: an endorsement is a certificate of the new root's key
//!   signed by a trusted root's key, written by `ca rotate` into `ca/endorsements/` (the
//!   way TUF rotates a root by its predecessor). Endorsements chain: a root endorsed by an
//!   endorsed root is trusted too.
//! - **CRLs** must be signed by a CA the node trusts (a trusted root, or an intermediate a
//!   trusted root signed), must not be past their nextUpdate, and their CRL number never
//!   goes below the one this node installed last (kept beside the output).
//!
//! Endorsements go both ways at a rotation: the old root endorses the new one (what nodes
//! that pinned the old root need), and the new root endorses the old one (what `store
//! check` on the CA host needs to tell a previous generation of its own from a root someone
//! planted with a fake generation directory).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ::time::OffsetDateTime;
use rcgen::{BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer};
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::error::{Error, Result};
use crate::pki::fsio::{self, PUBLIC_MODE};
use crate::pki::inspect;

/// Directory of endorsements, under the CA directory (`ca/endorsements/`).
pub const ENDORSEMENTS_DIR: &str = "endorsements";

/// Upper bound on what secctl reads of a bundle, a CRL or a pin file.
const MAX_READ: u64 = 64 << 20;

/// The lower-case hex SHA-256 of DER bytes, without separators.
pub fn sha256_hex(der: &[u8]) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, der))
}

/// A fingerprint as the operator may write it: `sha256:`, colons, spaces and case do not
/// matter. `None` when it is not 64 hex digits.
pub fn normalize_fingerprint(s: &str) -> Option<String> {
    let s = s.trim();
    let s = s
        .strip_prefix("sha256:")
        .or_else(|| s.strip_prefix("SHA256:"))
        .unwrap_or(s);
    let hex: String = s
        .chars()
        .filter(|c| *c != ':' && !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    (hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit())).then_some(hex)
}

fn parse(der: &[u8]) -> Option<X509Certificate<'_>> {
    X509Certificate::from_der(der).ok().map(|(_, c)| c)
}

fn subject_line(der: &[u8]) -> String {
    parse(der).map_or_else(
        || "unreadable certificate".into(),
        |c| c.subject().to_string(),
    )
}

/// Whether `endorsement` certifies `root`'s key as a CA and is signed by `by`'s key.
fn endorses(endorsement: &[u8], root: &X509Certificate<'_>, by: &[u8]) -> bool {
    let (Some(e), Some(t)) = (parse(endorsement), parse(by)) else {
        return false;
    };
    e.public_key().raw == root.public_key().raw
        && e.is_ca()
        && e.issuer().as_raw() == t.subject().as_raw()
        && e.verify_signature(Some(t.public_key())).is_ok()
}

/// The roots of `bundle` that neither `anchors` hold (by certificate fingerprint) nor an
/// endorsement chain from them vouches for; each returned with its index in `bundle`.
/// Every root must also be self-signed: its own key vouches for its subject.
pub fn unvouched(bundle: &[Vec<u8>], anchors: &[Vec<u8>], endorsements: &[Vec<u8>]) -> Vec<usize> {
    let anchor_fps: Vec<String> = anchors.iter().map(|d| sha256_hex(d)).collect();
    let mut trusted: Vec<Vec<u8>> = anchors.to_vec();
    let mut pending: Vec<usize> = vec![];
    for (i, der) in bundle.iter().enumerate() {
        let self_signed = parse(der).is_some_and(|c| c.verify_signature(None).is_ok());
        if !self_signed || !anchor_fps.contains(&sha256_hex(der)) {
            pending.push(i);
        }
    }
    loop {
        let mut newly = None;
        for (n, &i) in pending.iter().enumerate() {
            let Some(root) = parse(&bundle[i]) else {
                continue;
            };
            if root.verify_signature(None).is_err() {
                continue;
            }
            if endorsements
                .iter()
                .any(|e| trusted.iter().any(|t| endorses(e, &root, t)))
            {
                newly = Some(n);
                break;
            }
        }
        match newly {
            Some(n) => {
                let i = pending.remove(n);
                trusted.push(bundle[i].clone());
            }
            None => return pending,
        }
    }
}

/// Every endorsement the state holds (`ca/endorsements/*.crt`); unreadable files are
/// skipped (an endorsement only ever adds trust that a signature proves).
pub fn endorsements(files: &fsio::StateDir, ca_dir: &Path) -> Vec<Vec<u8>> {
    let Ok(rd) = std::fs::read_dir(ca_dir.join(ENDORSEMENTS_DIR)) else {
        return vec![];
    };
    let mut paths: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "crt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| files.read_bytes_max(p, MAX_READ).ok())
        .filter_map(|b| String::from_utf8(b).ok())
        .filter_map(|t| inspect::parse_pem_certs("endorsement", &t).ok())
        .flatten()
        .collect()
}

/// Read at most `MAX_READ` (64 MiB) bytes of `path` (below the state directory `files` without
/// following a symbolic link there): more is refused, never read to the end.
pub fn read_limited(files: &fsio::StateDir, path: &Path) -> Result<Vec<u8>> {
    files.read_bytes_max(path, MAX_READ)
}

/// Sign an endorsement of `endorsed` (a root certificate, DER) with `signer` and write it
/// into `ca_dir/endorsements/`. `params` are the endorsed root's own parameters when the
/// caller has them (a cross-certificate with the same subject, what path builders use);
/// otherwise a subject naming the endorsed root is made.
pub fn write_endorsement(
    files: &fsio::StateDir,
    ca_dir: &Path,
    endorsed: &[u8],
    params: Option<&CertificateParams>,
    signer: &Issuer<'_, impl rcgen::SigningKey>,
    signer_der: &[u8],
    serial: rcgen::SerialNumber,
) -> Result<PathBuf> {
    let cert = parse(endorsed).ok_or_else(|| Error::internal("endorsed root unreadable"))?;
    let spki = rcgen::SubjectPublicKeyInfo::from_der(cert.public_key().raw).map_err(|e| {
        Error::input(
            cert.subject().to_string(),
            format!("cannot endorse this root's key ({e})"),
        )
    })?;
    let mut p = match params {
        Some(p) => p.clone(),
        None => {
            let mut p = CertificateParams::default();
            let mut dn = DistinguishedName::new();
            let cn = cert
                .subject()
                .iter_common_name()
                .next()
                .and_then(|a| a.as_str().ok())
                .unwrap_or("secctl root")
                .to_string();
            dn.push(DnType::CommonName, cn);
            if let Some(o) = cert
                .subject()
                .iter_organization()
                .next()
                .and_then(|a| a.as_str().ok())
            {
                dn.push(DnType::OrganizationName, o.to_string());
            }
            p.distinguished_name = dn;
            p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            p.key_usages = vec![
                rcgen::KeyUsagePurpose::KeyCertSign,
                rcgen::KeyUsagePurpose::CrlSign,
            ];
            p.not_before = cert.validity().not_before.to_datetime();
            p.not_after = cert.validity().not_after.to_datetime();
            p
        }
    };
    p.serial_number = Some(serial);
    p.use_authority_key_identifier_extension = true;
    let out = p.signed_by(&spki, signer).map_err(Error::internal)?;
    let dir = ca_dir.join(ENDORSEMENTS_DIR);
    files.ensure_dir(&dir)?;
    let path = dir.join(format!(
        "{}-by-{}.crt",
        &sha256_hex(endorsed)[..16],
        &sha256_hex(signer_der)[..16]
    ));
    fsio::write_atomic(&path, out.pem().as_bytes(), PUBLIC_MODE)?;
    Ok(path)
}

/// The roots a node trusts before a fetch, and where each came from.
#[derive(Debug, Default)]
pub struct Pins {
    /// Fingerprints (lower-case hex SHA-256 of the certificate).
    pub fingerprints: Vec<String>,
    /// Certificates known for some of them (the bundle the node holds).
    pub certs: Vec<Vec<u8>>,
    /// Where the pins came from, for the report: `pins file`, `installed bundle`, `--pin`.
    pub sources: Vec<&'static str>,
}

impl Pins {
    /// No pin at all: the first fetch, which trusts what it gets (and says so).
    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }
}

/// The pin file kept beside an installed bundle: `OUT.pins`.
pub fn pin_file(out: &Path) -> PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(".pins");
    PathBuf::from(s)
}

/// The CRL-number file kept beside an installed CRL: `OUT.numbers`.
pub fn numbers_file(out: &Path) -> PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(".numbers");
    PathBuf::from(s)
}

fn read_certs(files: &fsio::StateDir, path: &Path, what: &str) -> Result<Vec<Vec<u8>>> {
    let bytes = read_limited(files, path)?;
    let text = String::from_utf8(bytes).map_err(|_| Error::path(path, "not valid UTF-8 text"))?;
    inspect::parse_pem_certs(&path.display().to_string(), &text)
        .map_err(|e| Error::path(path, format!("{what} unreadable ({e})")))
}

/// The pins of a node whose bundle goes to `out`: the pin file beside it, else the roots of
/// the bundle already there; plus fingerprints given on the command line.
pub fn load_pins(files: &fsio::StateDir, out: &Path, given: &[String]) -> Result<Pins> {
    let mut pins = Pins::default();
    let pf = pin_file(out);
    if pf.exists() {
        let text = String::from_utf8(read_limited(files, &pf)?)
            .map_err(|_| Error::path(&pf, "not valid UTF-8 text"))?;
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let fp = normalize_fingerprint(line).ok_or_else(|| {
                Error::path(
                    &pf,
                    format!("line {}: not a SHA-256 fingerprint (64 hex digits)", n + 1),
                )
            })?;
            pins.fingerprints.push(fp);
        }
        pins.sources.push("pins file");
    }
    if out.exists() {
        let held = read_certs(files, out, "installed trust bundle")?;
        if !pf.exists() {
            pins.fingerprints.extend(held.iter().map(|d| sha256_hex(d)));
            pins.sources.push("installed bundle");
        }
        pins.certs = held;
    }
    for g in given {
        let fp = normalize_fingerprint(g).ok_or_else(|| {
            Error::Usage(format!(
                "--pin {g}: not a SHA-256 fingerprint (64 hex digits, colons allowed)"
            ))
        })?;
        pins.fingerprints.push(fp);
    }
    if !given.is_empty() {
        pins.sources.push("--pin");
    }
    pins.fingerprints.sort();
    pins.fingerprints.dedup();
    Ok(pins)
}

/// Check a bundle fetched from `from` against the node's pins: every root pinned or
/// endorsed by a pinned root. The error names the first root that is neither.
pub fn check_fetched_bundle(
    from: &str,
    bundle: &[Vec<u8>],
    pins: &Pins,
    endorsements: &[Vec<u8>],
) -> Result<()> {
    if bundle.is_empty() {
        return Err(Error::input(from, "the trust bundle holds no certificate"));
    }
    // Anchors: pinned certificates we hold, and pinned roots of the fetched bundle.
    let anchors: Vec<Vec<u8>> = pins
        .certs
        .iter()
        .chain(bundle.iter())
        .filter(|d| pins.fingerprints.contains(&sha256_hex(d)))
        .cloned()
        .collect();
    if let Some(&i) = unvouched(bundle, &anchors, endorsements).first() {
        return Err(Error::input(
            from,
            format!(
                "the trust bundle holds a root this node does not trust: {} (SHA-256 {}) is neither pinned \
                 nor endorsed by a pinned root; nothing installed (if the CA was replaced on purpose, \
                 pass --pin with its fingerprint from `secctl ca show` on the CA host)",
                subject_line(&bundle[i]),
                sha256_hex(&bundle[i])
            ),
        ));
    }
    Ok(())
}

/// The pin file's text for the roots of an installed bundle.
pub fn pin_file_text(bundle: &[Vec<u8>]) -> String {
    let mut s = String::from(
        "# Roots this node trusts (SHA-256 of the certificate), written by `secctl ca bundle --out`.\n\
         # A new root is installed only when one of these endorses it.\n",
    );
    for d in bundle {
        s.push_str(&format!("{}  # {}\n", sha256_hex(d), subject_line(d)));
    }
    s
}

/// One CRL of a fetched `crl.pem`, checked.
#[derive(Debug, Clone)]
pub struct CheckedCrl {
    /// Subject of the CA that signed it.
    pub issuer: String,
    /// SHA-256 (hex) of the signing CA's public key: the key of the numbers file.
    pub signer_key: String,
    /// The CRL number.
    pub number: u64,
    /// nextUpdate.
    pub next_update: OffsetDateTime,
}

/// Why a fetched CRL is refused (one per CRL of the file).
fn crl_problem(input: &str, what: impl Into<String>) -> Error {
    Error::input(input, what)
}

/// The CAs that may sign CRLs for a node trusting `roots`: the roots, and the intermediate
/// certificates of `candidates` that a root signed.
pub fn crl_signers(roots: &[Vec<u8>], candidates: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = roots.to_vec();
    for c in candidates {
        let Some(cert) = parse(c) else { continue };
        if !cert.is_ca() {
            continue;
        }
        let signed = roots.iter().any(|r| {
            parse(r).is_some_and(|r| {
                cert.issuer().as_raw() == r.subject().as_raw()
                    && cert.verify_signature(Some(r.public_key())).is_ok()
            })
        });
        if signed && !out.iter().any(|o| o == c) {
            out.push(c.clone());
        }
    }
    out
}

/// Check every CRL of `crls` (DER) fetched from `from`: signed by one of `signers`, not past
/// nextUpdate at `now`, number not below `last` (the numbers this node installed, by
/// signing key). Returns the checked CRLs in order.
pub fn check_fetched_crls(
    from: &str,
    crls: &[Vec<u8>],
    signers: &[Vec<u8>],
    last: &BTreeMap<String, u64>,
    now: OffsetDateTime,
) -> Result<Vec<CheckedCrl>> {
    use x509_parser::revocation_list::CertificateRevocationList;
    if crls.is_empty() {
        return Err(crl_problem(from, "holds no CRL"));
    }
    let mut out = vec![];
    for der in crls {
        let (_, crl) = CertificateRevocationList::from_der(der)
            .map_err(|e| crl_problem(from, format!("a CRL is unreadable ({e})")))?;
        let issuer = crl.issuer().to_string();
        let signer = signers.iter().filter_map(|s| parse(s)).find(|s| {
            s.subject().as_raw() == crl.issuer().as_raw()
                && crl.verify_signature(s.public_key()).is_ok()
        });
        let Some(signer) = signer else {
            return Err(crl_problem(
                from,
                format!(
                    "the CRL of {issuer} is not signed by a CA this node trusts (its signature does not verify \
                     with any root of the node's trust bundle or an intermediate they signed); nothing installed"
                ),
            ));
        };
        if let Ok(Some(ku)) = signer.key_usage() {
            if !ku.value.crl_sign() {
                return Err(crl_problem(
                    from,
                    format!("the CRL of {issuer} is signed by a CA whose keyUsage lacks cRLSign; nothing installed"),
                ));
            }
        }
        let next_update = crl
            .next_update()
            .map(|t| t.to_datetime())
            .ok_or_else(|| crl_problem(from, format!("the CRL of {issuer} has no nextUpdate")))?;
        if next_update <= now {
            return Err(crl_problem(
                from,
                format!(
                    "the CRL of {issuer} expired at {} (nextUpdate): the CA must publish a new one (`secctl crl`); nothing installed",
                    next_update.format(&::time::format_description::well_known::Rfc3339).unwrap_or_default()
                ),
            ));
        }
        let number = crl
            .crl_number()
            .and_then(|n| u64::try_from(n).ok())
            .ok_or_else(|| {
                crl_problem(
                    from,
                    format!("the CRL of {issuer} has no CRL number (or one above 2^64): its age cannot be told"),
                )
            })?;
        let signer_key = sha256_hex(signer.public_key().raw);
        if let Some(&seen) = last.get(&signer_key) {
            if number < seen {
                return Err(crl_problem(
                    from,
                    format!(
                        "the CRL of {issuer} is number {number}, older than number {seen} this node installed: \
                         refusing a rolled-back CRL (revocations would be undone); nothing installed"
                    ),
                ));
            }
        }
        out.push(CheckedCrl {
            issuer,
            signer_key,
            number,
            next_update,
        });
    }
    Ok(out)
}

/// The CRL numbers a node installed, from `OUT.numbers` (empty when there is none).
pub fn load_numbers(files: &fsio::StateDir, out: &Path) -> Result<BTreeMap<String, u64>> {
    let p = numbers_file(out);
    if !p.exists() {
        return Ok(BTreeMap::new());
    }
    let text = String::from_utf8(read_limited(files, &p)?)
        .map_err(|_| Error::path(&p, "not valid UTF-8 text"))?;
    let mut m = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut it = line.split_whitespace();
        let (Some(k), Some(v), None) = (it.next(), it.next(), it.next()) else {
            return Err(Error::path(
                &p,
                format!("line {}: expected `KEY-SHA256 NUMBER`", n + 1),
            ));
        };
        let v: u64 = v
            .parse()
            .map_err(|_| Error::path(&p, format!("line {}: not a CRL number", n + 1)))?;
        m.insert(k.to_string(), v);
    }
    Ok(m)
}

/// The numbers file's text after installing `crls` (numbers of other signers kept).
pub fn numbers_text(mut last: BTreeMap<String, u64>, crls: &[CheckedCrl]) -> String {
    for c in crls {
        let e = last.entry(c.signer_key.clone()).or_insert(c.number);
        *e = (*e).max(c.number);
    }
    let mut s = String::from(
        "# CRL numbers this node installed, by SHA-256 of the signing CA's key, written by `secctl crl --out`.\n\
         # A CRL with a lower number is refused.\n",
    );
    for (k, v) in last {
        s.push_str(&format!("{k} {v}\n"));
    }
    s
}

/// The CRL numbers of a PEM `crl.pem`, by signing key (the CRL's authorityKeyIdentifier,
/// hex; else its issuer's name): what a node holds, to refuse handing it an older one.
/// Unreadable CRLs and CRLs without a number are left out.
pub fn crl_numbers(pem: &[u8]) -> BTreeMap<String, (String, u64)> {
    use x509_parser::extensions::ParsedExtension;
    use x509_parser::revocation_list::CertificateRevocationList;
    let mut out = BTreeMap::new();
    let Ok(blocks) = ::pem::parse_many(pem) else {
        return out;
    };
    for b in blocks.iter().filter(|b| b.tag() == "X509 CRL") {
        let Ok((_, crl)) = CertificateRevocationList::from_der(b.contents()) else {
            continue;
        };
        let Some(number) = crl.crl_number().and_then(|n| u64::try_from(n).ok()) else {
            continue;
        };
        let issuer = crl.issuer().to_string();
        let aki = crl
            .extensions()
            .iter()
            .find_map(|e| match e.parsed_extension() {
                ParsedExtension::AuthorityKeyIdentifier(a) => {
                    a.key_identifier.as_ref().map(|k| hex::encode(k.0))
                }
                _ => None,
            });
        let key = aki.unwrap_or_else(|| format!("issuer:{issuer}"));
        let e = out.entry(key).or_insert((issuer, number));
        e.1 = e.1.max(number);
    }
    out
}

/// Why installing `new` over `have` (both PEM `crl.pem`) would roll a CRL back: a signing
/// key's CRL number in `new` below the one in `have`. None: no rollback.
pub fn crl_rollback(have: &[u8], new: &[u8]) -> Option<String> {
    let have = crl_numbers(have);
    let new = crl_numbers(new);
    new.iter().find_map(|(k, (issuer, n))| {
        let (_, m) = have.get(k)?;
        (n < m).then(|| {
            format!(
                "the CRL of {issuer} would go from number {m} back to {n} (revocations would be undone: \
                 a state restored from an older backup?)"
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{KeyPair, PKCS_ECDSA_P256_SHA256};

    fn serial(n: u8) -> rcgen::SerialNumber {
        rcgen::SerialNumber::from_slice(&[n, 1, 2, 3, 4, 5, 6, 7])
    }

    fn root(cn: &str) -> (CertificateParams, KeyPair, Vec<u8>) {
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
        let mut p = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, cn);
        p.distinguished_name = dn;
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let der = p.self_signed(&key).unwrap().der().to_vec();
        (p, key, der)
    }

    #[test]
    fn an_endorsed_root_is_trusted_a_planted_one_is_not() {
        let (op, ok, od) = root("old");
        let (np, nk, nd) = root("new");
        let (_, _, fd) = root("foreign");
        let old = Issuer::from_params(&op, &ok);
        let dir = tempfile::tempdir().unwrap();
        let files = fsio::StateDir::new(dir.path(), fsio::DirPolicy::STRICT);
        write_endorsement(&files, dir.path(), &nd, Some(&np), &old, &od, serial(1)).unwrap();
        let e = endorsements(&files, dir.path());
        assert_eq!(e.len(), 1);
        let bundle = vec![nd.clone(), od.clone()];
        assert!(unvouched(&bundle, std::slice::from_ref(&od), &e).is_empty());
        // Without the endorsement the new root is not trusted.
        assert_eq!(unvouched(&bundle, std::slice::from_ref(&od), &[]), vec![0]);
        // A foreign root stays untrusted, and cannot ride on an endorsement of another key.
        let bundle = vec![nd.clone(), od.clone(), fd.clone()];
        assert_eq!(unvouched(&bundle, std::slice::from_ref(&od), &e), vec![2]);
        // The foreign root endorsing the new one does not make the new one trusted for a
        // node that pinned only the foreign-free old root... and an endorsement signed by
        // an untrusted key never counts.
        let new = Issuer::from_params(&np, &nk);
        let d2 = tempfile::tempdir().unwrap();
        let files2 = fsio::StateDir::new(d2.path(), fsio::DirPolicy::STRICT);
        write_endorsement(&files2, d2.path(), &fd, None, &new, &nd, serial(2)).unwrap();
        let e2 = endorsements(&files2, d2.path());
        assert_eq!(
            unvouched(std::slice::from_ref(&fd), std::slice::from_ref(&od), &e2),
            vec![0]
        );
        // Chains: old -> new -> foreign (endorsed by new) is trusted from old.
        let all: Vec<Vec<u8>> = e.iter().chain(e2.iter()).cloned().collect();
        assert!(unvouched(&[fd, nd], std::slice::from_ref(&od), &all).is_empty());
    }

    #[test]
    fn fingerprints_are_normalized() {
        let h = "AB".repeat(32);
        let colons = (0..32).map(|_| "ab").collect::<Vec<_>>().join(":");
        assert_eq!(normalize_fingerprint(&h), Some("ab".repeat(32)));
        assert_eq!(
            normalize_fingerprint(&format!("sha256:{colons}")),
            Some("ab".repeat(32))
        );
        assert_eq!(normalize_fingerprint("abc"), None);
    }
}
