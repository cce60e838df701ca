//! Certificate signing requests (PKCS#10) made on the node: the key never leaves it, and
//! only its public half is certified (`cert sign`, `cert renew --csr`, `apply` with `csr:`).
//!
//! A CSR is untrusted input. It is accepted only when:
//!
//! - it parses completely (PEM `CERTIFICATE REQUEST` / `NEW CERTIFICATE REQUEST`, or DER)
//!   and its signature verifies with the key it carries (proof that the requester holds the
//!   private key), with a hash other than SHA-1;
//! - its key is ECDSA P-256 or P-384, Ed25519, or RSA of 2048 to 8192 bits;
//! - what it asks for is what secctl will certify anyway: its subject holds at most the CN
//!   (the name), the OU (the role) and the O (the cluster); its DNS and IP SANs are among
//!   the `--host`s given; a URI SAN is the SPIFFE id secctl issues; it does not ask to be a
//!   CA or for usages beyond the kind's. Anything else is refused, so a CSR cannot smuggle a
//!   name into the certificate: the certificate is built by secctl's own identity code
//!   ([`crate::pki::issue`]) from the name, role and hosts given, never from the CSR.
//!
//! Other requested extensions (keyUsage, subjectKeyIdentifier, ...) are not copied: secctl
//! sets the usages of the kind.

use std::net::IpAddr;
use std::path::Path;

use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::cri_attributes::ParsedCriAttribute;
use x509_parser::prelude::*;

use crate::error::{Error, Result};
use crate::pki::keys::KeyType;
use crate::pki::names::{self, Host};
use crate::pki::spec::{spiffe_id, LeafSpec};
use crate::pki::store::{CertKind, Config};

/// The smallest and largest RSA modulus certified.
pub const RSA_BITS: std::ops::RangeInclusive<usize> = 2048..=8192;

/// A parsed CSR whose signature verified.
#[derive(Debug, Clone)]
pub struct Csr {
    /// Where it came from (a file name), for messages.
    pub input: String,
    /// Its SubjectPublicKeyInfo (DER), certified as it is.
    pub spki_der: Vec<u8>,
    /// The raw public key (the SubjectPublicKeyInfo's bit string).
    raw_key: Vec<u8>,
    /// The key's algorithm.
    pub key_type: KeyType,
    /// The key, in words: `ecdsa-p256`, `rsa-3072`, ...
    pub key_desc: String,
    /// SHA-256 of `spki_der`, uppercase hex with colons (as records carry it).
    pub public_key_sha256: String,
    /// Subject attributes in order: (short name or OID, value).
    pub subject: Vec<(String, String)>,
    /// Requested DNS SANs.
    pub dns: Vec<String>,
    /// Requested IP SANs.
    pub ips: Vec<IpAddr>,
    /// Requested URI SANs.
    pub uris: Vec<String>,
    /// Requested SANs of other forms, described.
    pub other_sans: Vec<String>,
    /// Whether it asks for basicConstraints CA:TRUE.
    pub wants_ca: bool,
    /// Extended key usages it asks for, by name.
    pub ekus: Vec<String>,
}

/// Upper bound on a CSR file.
pub const MAX_CSR: u64 = 1 << 20;

fn bad(input: &str, why: impl Into<String>) -> Error {
    Error::input(input, why)
}

/// Read and check a CSR file (see [`parse`]); one below the state directory `files` is
/// read without following a symbolic link there.
pub fn read(files: &crate::pki::fsio::StateDir, path: &Path) -> Result<Csr> {
    // A CSR is a few hundred bytes; 1 MiB leaves room for any real one.
    let bytes = files.read_bytes_max(path, MAX_CSR)?;
    parse(&path.display().to_string(), &bytes)
}

/// Bits of an RSA modulus (big-endian, possibly with leading zero bytes).
fn modulus_bits(m: &[u8]) -> usize {
    let m: &[u8] = match m.iter().position(|b| *b != 0) {
        Some(i) => &m[i..],
        None => return 0,
    };
    8 * m.len() - m[0].leading_zeros() as usize
}

/// The key of a SubjectPublicKeyInfo, if secctl certifies it: (type, description).
fn key_of(input: &str, spki: &SubjectPublicKeyInfo<'_>) -> Result<(KeyType, String)> {
    use oid_registry::*;
    let alg = &spki.algorithm.algorithm;
    if *alg == OID_KEY_TYPE_EC_PUBLIC_KEY {
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.as_oid().ok());
        return match curve {
            Some(c) if c == OID_EC_P256 => Ok((KeyType::EcdsaP256, "ecdsa-p256".into())),
            Some(c) if c == OID_NIST_EC_P384 => Ok((KeyType::EcdsaP384, "ecdsa-p384".into())),
            Some(c) => Err(bad(
                input,
                format!(
                    "its key is on the elliptic curve {}, which secctl does not certify (P-256, P-384, Ed25519 or RSA 2048-8192)",
                    oid2sn(&c, oid_registry()).map_or_else(|_| c.to_id_string(), str::to_string)
                ),
            )),
            None => Err(bad(input, "its EC key names no curve")),
        };
    }
    if *alg == OID_SIG_ED25519 {
        return Ok((KeyType::Ed25519, "ed25519".into()));
    }
    if *alg == OID_PKCS1_RSAENCRYPTION {
        let bits = match spki.parsed() {
            Ok(x509_parser::public_key::PublicKey::RSA(k)) => modulus_bits(k.modulus),
            _ => return Err(bad(input, "its RSA public key is malformed")),
        };
        if !RSA_BITS.contains(&bits) {
            return Err(bad(
                input,
                format!(
                    "its RSA key has {bits} bits; secctl certifies RSA keys of {} to {} bits",
                    RSA_BITS.start(),
                    RSA_BITS.end()
                ),
            ));
        }
        return Ok((KeyType::Rsa, format!("rsa-{bits}")));
    }
    let name = oid2sn(alg, oid_registry()).map_or_else(|_| alg.to_id_string(), str::to_string);
    Err(bad(
        input,
        format!(
            "its key algorithm is {name}, which secctl does not certify (P-256, P-384, Ed25519 or RSA 2048-8192)"
        ),
    ))
}

/// Parse a CSR (PEM or DER) and verify its signature; `input` names it in messages. The
/// subject and SANs are read but not judged: [`Csr::check_request`] does that against what
/// is to be issued.
pub fn parse(input: &str, bytes: &[u8]) -> Result<Csr> {
    let der = request_der(input, bytes)?;
    let (rest, req) = X509CertificationRequest::from_der(&der).map_err(|e| {
        bad(
            input,
            format!("not a valid PKCS#10 certificate request ({e})"),
        )
    })?;
    if !rest.is_empty() {
        return Err(bad(input, "trailing data after the certificate request"));
    }
    let info = &req.certification_request_info;
    let spki = &info.subject_pki;
    let (key_type, key_desc) = key_of(input, spki)?;
    verify_signature(input, &req)?;
    let mut csr = Csr {
        input: input.to_string(),
        spki_der: spki.raw.to_vec(),
        raw_key: spki.subject_public_key.data.to_vec(),
        key_type,
        key_desc,
        public_key_sha256: crate::pki::inspect::fingerprint(spki.raw),
        subject: subject_of(input, &info.subject)?,
        dns: vec![],
        ips: vec![],
        uris: vec![],
        other_sans: vec![],
        wants_ca: false,
        ekus: vec![],
    };
    for attr in info.attributes() {
        let ParsedCriAttribute::ExtensionRequest(er) = attr.parsed_attribute() else {
            continue;
        };
        for ext in &er.extensions {
            csr.read_extension(ext)?;
        }
    }
    Ok(csr)
}

/// The DER of the one certificate request in `bytes` (DER, or a PEM text with one
/// `CERTIFICATE REQUEST` or `NEW CERTIFICATE REQUEST` block).
fn request_der(input: &str, bytes: &[u8]) -> Result<Vec<u8>> {
    if bytes.is_empty() {
        return Err(bad(input, "empty file"));
    }
    if bytes[0] == 0x30 {
        return Ok(bytes.to_vec());
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| bad(input, "not a PEM or DER certificate request"))?;
    let blocks = crate::pki::pemfile::parse(text).map_err(|e| bad(input, e))?;
    let mut reqs = blocks
        .into_iter()
        .filter(|b| b.tag == "CERTIFICATE REQUEST" || b.tag == "NEW CERTIFICATE REQUEST");
    match (reqs.next(), reqs.next()) {
        (Some(b), None) => Ok(b.der),
        (Some(_), Some(_)) => Err(bad(input, "holds more than one certificate request")),
        (None, _) if text.contains("-----BEGIN CERTIFICATE-----") => Err(bad(
            input,
            "is a certificate, not a certificate request (CSR)",
        )),
        (None, _) => Err(bad(
            input,
            "contains no PEM certificate request (no \"CERTIFICATE REQUEST\" block)",
        )),
    }
}

/// The request's signature verifies with the key it carries, with a hash other than SHA-1.
fn verify_signature(input: &str, req: &X509CertificationRequest<'_>) -> Result<()> {
    let sig = &req.signature_algorithm.algorithm;
    if *sig == oid_registry::OID_PKCS1_SHA1WITHRSA || *sig == oid_registry::OID_SHA1_WITH_RSA {
        return Err(bad(
            input,
            "it is signed with SHA-1, which proves nothing any more: make it again with SHA-256 (openssl req -sha256)",
        ));
    }
    req.verify_signature().map_err(|e| match e {
        X509Error::SignatureUnsupportedAlgorithm => bad(
            input,
            format!(
                "its signature algorithm {} is not supported",
                oid2sn(sig, oid_registry()).map_or_else(|_| sig.to_id_string(), str::to_string)
            ),
        ),
        _ => bad(
            input,
            "its signature does not verify: the request was altered, or was not signed by the key it carries",
        ),
    })
}

/// The subject's attributes in order: (short name or OID, value); each must be a string.
fn subject_of(input: &str, subject: &X509Name<'_>) -> Result<Vec<(String, String)>> {
    let mut out = vec![];
    for a in subject.iter_attributes() {
        let t = a.attr_type();
        let name = oid2abbrev(t, oid_registry()).map_or_else(|_| t.to_id_string(), str::to_string);
        let value = a.as_str().map(str::to_string).map_err(|_| {
            bad(
                input,
                format!("its subject attribute {name} is not a string"),
            )
        })?;
        out.push((name, value));
    }
    Ok(out)
}

impl Csr {
    /// Note what a requested extension asks for: SANs, CA, extended key usages (a
    /// malformed subjectAltName is refused; other extensions are not copied).
    fn read_extension(&mut self, ext: &X509Extension<'_>) -> Result<()> {
        match ext.parsed_extension() {
            ParsedExtension::SubjectAlternativeName(san) => {
                for n in &san.general_names {
                    self.read_san(n);
                }
            }
            ParsedExtension::BasicConstraints(bc) => self.wants_ca |= bc.ca,
            ParsedExtension::ExtendedKeyUsage(e) => {
                self.ekus.extend(
                    crate::pki::inspect::eku_names(e)
                        .into_iter()
                        .map(String::from),
                );
                self.ekus.extend(e.other.iter().map(|o| o.to_id_string()));
            }
            ParsedExtension::ParseError { error }
                if ext.oid == oid_registry::OID_X509_EXT_SUBJECT_ALT_NAME =>
            {
                return Err(bad(
                    &self.input,
                    format!("its subjectAltName is malformed ({error})"),
                ));
            }
            _ => {}
        }
        Ok(())
    }

    /// Note one requested SAN.
    fn read_san(&mut self, n: &GeneralName<'_>) {
        match n {
            GeneralName::DNSName(d) => self.dns.push(d.to_string()),
            GeneralName::IPAddress(b) => match b.len() {
                4 => self
                    .ips
                    .push(IpAddr::from(<[u8; 4]>::try_from(*b).unwrap_or_default())),
                16 => self
                    .ips
                    .push(IpAddr::from(<[u8; 16]>::try_from(*b).unwrap_or_default())),
                _ => self
                    .other_sans
                    .push(format!("IP address {}", hex::encode(b))),
            },
            GeneralName::URI(u) => self.uris.push(u.to_string()),
            GeneralName::RFC822Name(m) => self.other_sans.push(format!("email {m:?}")),
            GeneralName::DirectoryName(d) => self
                .other_sans
                .push(format!("directory name {:?}", d.to_string())),
            other => self.other_sans.push(format!("{other:?}")),
        }
    }
}

/// The public key of a CSR, as rcgen writes it into a certificate.
pub struct ExternalKey {
    raw: Vec<u8>,
    alg: &'static rcgen::SignatureAlgorithm,
}

impl rcgen::PublicKeyData for ExternalKey {
    fn der_bytes(&self) -> &[u8] {
        &self.raw
    }
    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        self.alg
    }
}

impl Csr {
    /// The CN it asks for, if any (several CNs are refused).
    pub fn common_name(&self) -> Result<Option<&str>> {
        let cns: Vec<&str> = self
            .subject
            .iter()
            .filter(|(t, _)| t == "CN")
            .map(|(_, v)| v.as_str())
            .collect();
        match cns.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one)),
            _ => Err(bad(
                &self.input,
                format!("its subject has {} CNs", cns.len()),
            )),
        }
    }

    /// The certificate's name: the CSR's CN, or `given` (`--name`); both must agree when
    /// both are there, and the name must be a valid secctl name.
    pub fn name(&self, given: Option<&str>, kind: CertKind) -> Result<String> {
        let cn = self.common_name()?;
        let name = match (cn, given) {
            (Some(c), Some(g)) if c != g => {
                return Err(bad(
                    &self.input,
                    format!("its CN is {c:?} but the name given is {g:?}"),
                ))
            }
            (Some(c), _) => c.to_string(),
            (None, Some(g)) => g.to_string(),
            (None, None) => {
                return Err(bad(
                    &self.input,
                    "its subject has no CN: give the name with --name",
                ))
            }
        };
        names::check_name(kind.as_str(), &name).map_err(|e| bad(&self.input, e.to_string()))?;
        Ok(name)
    }

    /// Refuse a request for anything but what `spec` issues in cluster `cfg`: subject
    /// attributes other than CN = name, OU = role, O = cluster; SANs other than the hosts
    /// and the SPIFFE id; CA:TRUE; usages beyond the kind's.
    pub fn check_request(&self, cfg: &Config, spec: &LeafSpec) -> Result<()> {
        self.check_for(&cfg.cluster, &cfg.trust_domain, spec)
    }

    /// [`Csr::check_request`] for a cluster and trust domain given as such (an inventory
    /// whose CA does not exist yet).
    pub fn check_for(&self, cluster: &str, trust_domain: &str, spec: &LeafSpec) -> Result<()> {
        let no = |why: String| Err(bad(&self.input, why));
        for (t, v) in &self.subject {
            let (want, what) = match t.as_str() {
                "CN" => (spec.name.as_str(), "name"),
                "OU" => (spec.role.as_str(), "role"),
                "O" => (cluster, "cluster"),
                _ => {
                    return no(format!(
                        "its subject asks for {t}={v:?}, which secctl does not certify (the subject is CN=NAME, OU=ROLE, O=CLUSTER): make the CSR with only a CN"
                    ))
                }
            };
            if v != want {
                return no(format!(
                    "its subject asks for {t}={v:?} but the {what} is {want:?}"
                ));
            }
        }
        if self.common_name()?.is_some_and(|c| c != spec.name) {
            return no(format!("its CN is not the name {:?}", spec.name));
        }
        if let Some(o) = self.other_sans.first() {
            return no(format!(
                "it asks for the subject alternative name {o}, which secctl does not certify"
            ));
        }
        let hosts = |h: &Host| spec.hosts.contains(h);
        let given = if spec.hosts.is_empty() {
            "none given".to_string()
        } else {
            spec.hosts
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        for d in &self.dns {
            let h = names::parse_host(d)
                .map_err(|e| bad(&self.input, format!("it asks for an invalid DNS name: {e}")))?;
            if spec.kind == CertKind::Client {
                return no(format!(
                    "it asks for the DNS name {d:?}, but a client certificate carries no host (use --kind node)"
                ));
            }
            if !hosts(&h) {
                return no(format!(
                    "it asks for the DNS name {d:?}, which is not among the hosts given ({given}): add --host {d} if the node is to have it"
                ));
            }
        }
        for ip in &self.ips {
            if spec.kind == CertKind::Client {
                return no(format!(
                    "it asks for the IP address {ip}, but a client certificate carries no host (use --kind node)"
                ));
            }
            if !hosts(&Host::Ip(*ip)) {
                return no(format!(
                    "it asks for the IP address {ip}, which is not among the hosts given ({given}): add --host {ip} if the node is to have it"
                ));
            }
        }
        let id = spiffe_id(trust_domain, &spec.role, &spec.name);
        for u in &self.uris {
            if *u != id {
                return no(format!(
                    "it asks for the URI {u:?}; the only URI secctl certifies is the identity {id:?}"
                ));
            }
        }
        if self.wants_ca {
            return no("it asks to be a CA (basicConstraints CA:TRUE)".into());
        }
        let allowed: &[&str] = match spec.kind {
            CertKind::Node => &["serverAuth", "clientAuth"],
            CertKind::Client => &["clientAuth"],
        };
        if let Some(e) = self.ekus.iter().find(|e| !allowed.contains(&e.as_str())) {
            return no(format!(
                "it asks for the extended key usage {e}, which a {} certificate does not get ({})",
                spec.kind.as_str(),
                allowed.join(", ")
            ));
        }
        Ok(())
    }

    /// The public key to certify.
    pub fn public_key(&self) -> Result<ExternalKey> {
        let alg: &'static rcgen::SignatureAlgorithm = match self.key_type {
            KeyType::EcdsaP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            KeyType::EcdsaP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
            KeyType::Ed25519 => &rcgen::PKCS_ED25519,
            // Written as rsaEncryption with NULL parameters, whatever the signature hash.
            KeyType::Rsa | KeyType::Rsa2048 | KeyType::Rsa3072 | KeyType::Rsa4096 => {
                &rcgen::PKCS_RSA_SHA256
            }
        };
        let key = ExternalKey {
            raw: self.raw_key.clone(),
            alg,
        };
        // The SubjectPublicKeyInfo rcgen will write must be the CSR's, byte for byte.
        if rcgen::PublicKeyData::subject_public_key_info(&key) != self.spki_der {
            return Err(bad(
                &self.input,
                "its SubjectPublicKeyInfo is not in the canonical DER form secctl certifies",
            ));
        }
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{CertificateParams, DnType, KeyPair, SanType};

    fn cfg() -> Config {
        Config {
            version: 1,
            cluster: "Prod".into(),
            trust_domain: "prod.local".into(),
            key_type: KeyType::EcdsaP256,
            intermediate: false,
            encrypted: false,
            created: ::time::OffsetDateTime::now_utc(),
        }
    }

    fn spec(kind: CertKind, hosts: &[&str]) -> LeafSpec {
        LeafSpec {
            name: "n1".into(),
            kind,
            role: "db".into(),
            hosts: hosts
                .iter()
                .map(|h| names::parse_host(h).unwrap())
                .collect(),
            valid_for: ::time::Duration::days(30),
            key_type: KeyType::EcdsaP256,
        }
    }

    fn make(
        alg: &'static rcgen::SignatureAlgorithm,
        f: impl FnOnce(&mut CertificateParams),
    ) -> Vec<u8> {
        let mut p = CertificateParams::default();
        p.distinguished_name = rcgen::DistinguishedName::new();
        p.distinguished_name.push(DnType::CommonName, "n1");
        f(&mut p);
        let key = KeyPair::generate_for(alg).unwrap();
        p.serialize_request(&key).unwrap().der().to_vec()
    }

    #[test]
    fn good_requests_and_their_keys() {
        for (alg, kt) in [
            (&rcgen::PKCS_ECDSA_P256_SHA256, KeyType::EcdsaP256),
            (&rcgen::PKCS_ECDSA_P384_SHA384, KeyType::EcdsaP384),
            (&rcgen::PKCS_ED25519, KeyType::Ed25519),
        ] {
            let der = make(alg, |p| {
                p.subject_alt_names = vec![SanType::DnsName("n1.prod".try_into().unwrap())]
            });
            let c = parse("t.csr", &der).unwrap();
            assert_eq!(c.key_type, kt);
            assert_eq!(c.name(None, CertKind::Node).unwrap(), "n1");
            c.check_request(&cfg(), &spec(CertKind::Node, &["n1.prod", "10.0.0.1"]))
                .unwrap();
            // The key written into a certificate is the CSR's, byte for byte.
            let k = c.public_key().unwrap();
            assert_eq!(
                rcgen::PublicKeyData::subject_public_key_info(&k),
                c.spki_der
            );
            // PEM too.
            let pem = ::pem::encode(&::pem::Pem::new("CERTIFICATE REQUEST", der.clone()));
            assert_eq!(parse("t.csr", pem.as_bytes()).unwrap().spki_der, c.spki_der);
        }
    }

    #[test]
    fn a_tampered_request_does_not_verify() {
        let der = make(&rcgen::PKCS_ECDSA_P256_SHA256, |_| {});
        // Change one byte of the CN ("n1" -> "n2") inside the signed part.
        let at = der.windows(2).position(|w| w == b"n1").unwrap();
        let mut t = der.clone();
        t[at + 1] = b'2';
        let e = parse("t.csr", &t).unwrap_err().to_string();
        assert!(e.contains("signature does not verify"), "{e}");
        assert!(parse("t.csr", &der).is_ok());
    }

    #[test]
    fn what_a_request_cannot_smuggle() {
        let c = cfg();
        for (f, s, why) in [
            (
                Box::new(|p: &mut CertificateParams| {
                    p.subject_alt_names = vec![SanType::DnsName("evil.example".try_into().unwrap())]
                }) as Box<dyn FnOnce(&mut CertificateParams)>,
                spec(CertKind::Node, &["n1.prod"]),
                "\"evil.example\", which is not among the hosts given (n1.prod)",
            ),
            (
                Box::new(|p: &mut CertificateParams| {
                    p.subject_alt_names = vec![SanType::IpAddress("10.9.9.9".parse().unwrap())]
                }),
                spec(CertKind::Node, &["n1.prod"]),
                "10.9.9.9",
            ),
            (
                Box::new(|p: &mut CertificateParams| {
                    p.subject_alt_names = vec![SanType::DnsName("n1.prod".try_into().unwrap())]
                }),
                spec(CertKind::Client, &[]),
                "a client certificate carries no host",
            ),
            (
                Box::new(|p: &mut CertificateParams| {
                    p.distinguished_name
                        .push(DnType::OrganizationalUnitName, "admin")
                }),
                spec(CertKind::Node, &["n1.prod"]),
                "OU=\"admin\" but the role is \"db\"",
            ),
            (
                Box::new(|p: &mut CertificateParams| {
                    p.distinguished_name.push(DnType::CountryName, "US")
                }),
                spec(CertKind::Node, &["n1.prod"]),
                "C=\"US\"",
            ),
            (
                Box::new(|p: &mut CertificateParams| {
                    p.subject_alt_names = vec![SanType::URI(
                        "spiffe://prod.local/admin/n1".try_into().unwrap(),
                    )]
                }),
                spec(CertKind::Node, &["n1.prod"]),
                "spiffe://prod.local/admin/n1",
            ),
            (
                Box::new(|p: &mut CertificateParams| {
                    p.subject_alt_names = vec![SanType::Rfc822Name("a@b.c".try_into().unwrap())]
                }),
                spec(CertKind::Node, &["n1.prod"]),
                "email",
            ),
            (
                Box::new(|p: &mut CertificateParams| {
                    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained)
                }),
                spec(CertKind::Node, &["n1.prod"]),
                "CA:TRUE",
            ),
            (
                Box::new(|p: &mut CertificateParams| {
                    p.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::CodeSigning]
                }),
                spec(CertKind::Node, &["n1.prod"]),
                "codeSigning",
            ),
            (
                Box::new(|p: &mut CertificateParams| {
                    p.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth]
                }),
                spec(CertKind::Client, &[]),
                "serverAuth",
            ),
        ] {
            let der = make(&rcgen::PKCS_ECDSA_P256_SHA256, f);
            let e = parse("t.csr", &der)
                .and_then(|r| r.check_request(&c, &s))
                .unwrap_err()
                .to_string();
            assert!(e.contains(why), "{e:?} lacks {why:?}");
            assert!(e.starts_with("t.csr: "), "{e}");
        }
        // The matching SPIFFE id, OU and O are fine.
        let der = make(&rcgen::PKCS_ECDSA_P256_SHA256, |p| {
            p.distinguished_name
                .push(DnType::OrganizationalUnitName, "db");
            p.distinguished_name.push(DnType::OrganizationName, "Prod");
            p.subject_alt_names = vec![SanType::URI(
                "spiffe://prod.local/db/n1".try_into().unwrap(),
            )];
        });
        parse("t.csr", &der)
            .unwrap()
            .check_request(&c, &spec(CertKind::Node, &["n1.prod"]))
            .unwrap();
    }

    #[test]
    fn names_and_garbage() {
        let der = make(&rcgen::PKCS_ECDSA_P256_SHA256, |_| {});
        let c = parse("t.csr", &der).unwrap();
        assert!(c
            .name(Some("other"), CertKind::Node)
            .unwrap_err()
            .to_string()
            .contains("\"other\""));
        assert_eq!(c.name(Some("n1"), CertKind::Node).unwrap(), "n1");
        let nocn = make(&rcgen::PKCS_ECDSA_P256_SHA256, |p| {
            p.distinguished_name = rcgen::DistinguishedName::new()
        });
        let c = parse("t.csr", &nocn).unwrap();
        assert!(c
            .name(None, CertKind::Node)
            .unwrap_err()
            .to_string()
            .contains("--name"));
        assert_eq!(c.name(Some("x"), CertKind::Node).unwrap(), "x");
        assert!(c.name(Some("a/b"), CertKind::Node).is_err());
        for g in [
            &b""[..],
            b"hello",
            b"\x30\x03\x02\x01\x01",
            b"-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n",
        ] {
            assert!(parse("t.csr", g).is_err());
        }
        assert_eq!(modulus_bits(&[0, 0x80, 0]), 16);
        assert_eq!(modulus_bits(&[0x01, 0]), 9);
    }
}
