//! RFC 5280 path validation of `secctl verify FILE`, as a table: every row builds a trust
//! bundle, a leaf file, an optional `--untrusted` bundle and CRLs (rcgen, and openssl where
//! rcgen cannot express the defect), then asserts secctl's verdict (exit code and the reason
//! it names) AND the verdict of `openssl verify -x509_strict -crl_check_all` on the same
//! files. Where RFC 5280 and openssl differ, the row's `note` says which rule secctl follows
//! and why.

#![allow(clippy::disallowed_macros)] // the summary line goes to stderr

mod common;

use std::path::Path;

use common::{tool, Env};
use rcgen::{
    CertificateParams, CertificateRevocationListParams, CustomExtension, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose,
    RevokedCertParams, SanType, SerialNumber,
};
use time::{Duration, OffsetDateTime};

/// Key algorithms of the rows.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Alg {
    P256,
    Ed25519,
    Rsa,
}

/// RSA keys made once by openssl (ring cannot generate RSA keys).
struct Keys {
    rsa: Vec<String>,
    rsa1024_spki: Vec<u8>,
}

fn keys(dir: &Path) -> Keys {
    let mut rsa = Vec::new();
    for i in 0..4 {
        let p = dir.join(format!("rsa{i}.key"));
        tool(
            "openssl",
            &[
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
                "-out",
                p.to_str().unwrap(),
            ],
        )
        .ok();
        rsa.push(std::fs::read_to_string(&p).unwrap());
    }
    let p = dir.join("rsa1024.key");
    tool(
        "openssl",
        &[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:1024",
            "-out",
            p.to_str().unwrap(),
        ],
    )
    .ok();
    let spki = dir.join("rsa1024.spki");
    tool(
        "openssl",
        &[
            "pkey",
            "-in",
            p.to_str().unwrap(),
            "-pubout",
            "-outform",
            "DER",
            "-out",
            spki.to_str().unwrap(),
        ],
    )
    .ok();
    Keys {
        rsa,
        rsa1024_spki: std::fs::read(spki).unwrap(),
    }
}

static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn new_key(alg: Alg, k: &Keys) -> KeyPair {
    match alg {
        Alg::P256 => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap(),
        Alg::Ed25519 => KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap(),
        Alg::Rsa => {
            let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            KeyPair::from_pem(&k.rsa[n % k.rsa.len()]).unwrap()
        }
    }
}

/// A certificate being designed: every extension secctl's rules look at is explicit.
#[derive(Clone)]
struct Spec {
    cn: String,
    org: Option<String>,
    ca: bool,
    /// basicConstraints: None = absent; Some((critical, path_len)).
    bc: Option<(bool, Option<u8>)>,
    /// keyUsage: None = absent.
    ku: Option<Vec<KeyUsagePurpose>>,
    eku: Vec<ExtendedKeyUsagePurpose>,
    /// subjectKeyIdentifier: None = absent; Some(critical).
    ski: Option<bool>,
    /// authorityKeyIdentifier: None = absent; Some(critical).
    aki: Option<bool>,
    sans: Vec<SanType>,
    /// nameConstraints extension value (DER), and whether it is critical.
    nc: Option<(bool, Vec<u8>)>,
    /// Unknown critical extension.
    unknown_critical: bool,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    big: bool,
    empty_subject: bool,
}

impl Spec {
    fn ca(cn: &str) -> Spec {
        let now = OffsetDateTime::now_utc();
        Spec {
            cn: cn.into(),
            org: Some("Prod".into()),
            ca: true,
            bc: Some((true, None)),
            ku: Some(vec![
                KeyUsagePurpose::KeyCertSign,
                KeyUsagePurpose::CrlSign,
                KeyUsagePurpose::DigitalSignature,
            ]),
            eku: vec![],
            ski: Some(false),
            aki: Some(false),
            sans: vec![],
            nc: None,
            unknown_critical: false,
            not_before: now - Duration::days(1),
            not_after: now + Duration::days(3650),
            big: false,
            empty_subject: false,
        }
    }
    fn leaf(cn: &str) -> Spec {
        Spec {
            ca: false,
            bc: None,
            ku: Some(vec![KeyUsagePurpose::DigitalSignature]),
            eku: vec![
                ExtendedKeyUsagePurpose::ServerAuth,
                ExtendedKeyUsagePurpose::ClientAuth,
            ],
            sans: vec![
                SanType::DnsName(format!("{cn}.prod.test").try_into().unwrap()),
                SanType::URI(format!("spiffe://prod.test/node/{cn}").try_into().unwrap()),
            ],
            not_after: OffsetDateTime::now_utc() + Duration::days(365),
            ..Spec::ca(cn)
        }
    }
}

/// A made certificate with its key, usable as an issuer.
struct Made {
    params: CertificateParams,
    key: KeyPair,
    id: Vec<u8>,
    der: Vec<u8>,
}

impl Made {
    fn pem(&self) -> String {
        pem_of("CERTIFICATE", &self.der)
    }
}

fn pem_of(tag: &str, der: &[u8]) -> String {
    use base64::Engine;
    let b = base64::engine::general_purpose::STANDARD.encode(der);
    let mut s = format!("-----BEGIN {tag}-----\n");
    for chunk in b.as_bytes().chunks(64) {
        s.push_str(std::str::from_utf8(chunk).unwrap());
        s.push('\n');
    }
    s.push_str(&format!("-----END {tag}-----\n"));
    s
}

fn der_len(n: usize) -> Vec<u8> {
    if n < 128 {
        vec![n as u8]
    } else if n < 256 {
        vec![0x81, n as u8]
    } else {
        vec![0x82, (n >> 8) as u8, n as u8]
    }
}

fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    v.extend(der_len(body.len()));
    v.extend_from_slice(body);
    v
}

fn random_id() -> Vec<u8> {
    let mut b = [0u8; 20];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut b).unwrap();
    b.to_vec()
}

fn params_of(s: &Spec, issuer_id: Option<&[u8]>, id: &[u8]) -> CertificateParams {
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    if !s.empty_subject {
        if let Some(o) = &s.org {
            dn.push(DnType::OrganizationName, o.as_str());
        }
        dn.push(DnType::CommonName, s.cn.as_str());
    }
    p.distinguished_name = dn;
    p.is_ca = IsCa::NoCa;
    p.key_usages = s.ku.clone().unwrap_or_default();
    p.extended_key_usages = s.eku.clone();
    p.subject_alt_names = s.sans.clone();
    p.not_before = s.not_before;
    p.not_after = s.not_after;
    p.use_authority_key_identifier_extension = false;
    p.key_identifier_method = KeyIdMethod::PreSpecified(id.to_vec());
    let mut serial = random_id();
    serial[0] &= 0x7f;
    serial[0] |= 1;
    p.serial_number = Some(SerialNumber::from_slice(&serial[..16]));
    let mut ext = |oid: &[u64], critical: bool, content: Vec<u8>| {
        let mut e = CustomExtension::from_oid_content(oid, content);
        e.set_criticality(critical);
        p.custom_extensions.push(e);
    };
    if let Some((critical, path_len)) = s.bc {
        let mut body = vec![];
        if s.ca {
            body.extend([0x01, 0x01, 0xff]);
            if let Some(n) = path_len {
                body.extend([0x02, 0x01, n]);
            }
        }
        ext(&[2, 5, 29, 19], critical, tlv(0x30, &body));
    }
    if let Some(critical) = s.ski {
        ext(&[2, 5, 29, 14], critical, tlv(0x04, id));
    }
    if let (Some(critical), Some(iid)) = (s.aki, issuer_id) {
        ext(&[2, 5, 29, 35], critical, tlv(0x30, &tlv(0x80, iid)));
    }
    if let Some((critical, der)) = &s.nc {
        ext(&[2, 5, 29, 30], *critical, der.clone());
    }
    if s.unknown_critical {
        ext(&[1, 3, 6, 1, 4, 1, 55555, 1], true, vec![0x05, 0x00]);
    }
    if s.big {
        ext(
            &[1, 3, 6, 1, 4, 1, 55555, 2],
            false,
            tlv(0x04, &vec![b'x'; 70 * 1024]),
        );
    }
    p
}

/// Self-signed root.
fn root(s: &Spec, alg: Alg, k: &Keys) -> Made {
    let key = new_key(alg, k);
    let id = random_id();
    let params = params_of(s, Some(&id), &id);
    let der = params.self_signed(&key).unwrap().der().to_vec();
    Made {
        params,
        key,
        id,
        der,
    }
}

/// Signed by `by`.
fn issue(s: &Spec, alg: Alg, k: &Keys, by: &Made) -> Made {
    let key = new_key(alg, k);
    issue_with(s, key, by)
}

fn issue_with(s: &Spec, key: KeyPair, by: &Made) -> Made {
    let id = random_id();
    let params = params_of(s, Some(&by.id), &id);
    let issuer = Issuer::from_params(&by.params, &by.key);
    let der = params.signed_by(&key, &issuer).unwrap().der().to_vec();
    Made {
        params,
        key,
        id,
        der,
    }
}

/// A CRL of `by` revoking `revoked`, valid from `from` to `until` (days from now).
fn crl(by: &Made, revoked: &[&Made], from: i64, until: i64) -> String {
    let now = OffsetDateTime::now_utc();
    let mut p = by.params.clone();
    p.key_usages = vec![]; // rcgen refuses issuers without cRLSign; that rule is secctl's to check
    let issuer = Issuer::from_params(&p, &by.key);
    let revoked_certs = revoked
        .iter()
        .map(|m| RevokedCertParams {
            serial_number: m.params.serial_number.clone().unwrap(),
            revocation_time: now - Duration::hours(1),
            reason_code: Some(rcgen::RevocationReason::KeyCompromise),
            invalidity_date: None,
        })
        .collect();
    let params = CertificateRevocationListParams {
        this_update: now + Duration::days(from),
        next_update: now + Duration::days(until),
        crl_number: SerialNumber::from(7u64),
        issuing_distribution_point: None,
        revoked_certs,
        key_identifier_method: KeyIdMethod::PreSpecified(by.id.clone()),
    };
    params.signed_by(&issuer).unwrap().pem().unwrap()
}

fn ok_crl(by: &Made) -> String {
    crl(by, &[], -1, 30)
}

/// A CRL made by `openssl ca -gencrl` with `crl_ext` lines (e.g. a critical CRL number, or
/// none at all), which rcgen cannot express.
fn openssl_crl(dir: &Path, by: &Made, number: Option<&str>, ext: &str) -> String {
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let d = dir.join(format!("ossl-ca-{n}"));
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("ca.pem"), by.pem()).unwrap();
    std::fs::write(d.join("ca.key"), by.key.serialize_pem()).unwrap();
    std::fs::write(d.join("index.txt"), "").unwrap();
    let mut conf = format!(
        "[ca]\ndefault_ca = c\n[c]\ndatabase = {d}/index.txt\ncertificate = {d}/ca.pem\nprivate_key = {d}/ca.key\ndefault_md = sha256\ndefault_crl_days = 30\ncrl_extensions = crl_ext\n",
        d = d.display()
    );
    if let Some(num) = number {
        std::fs::write(d.join("crlnumber"), format!("{num}\n")).unwrap();
        conf.push_str(&format!("crlnumber = {}/crlnumber\n", d.display()));
    }
    conf.push_str(&format!("[crl_ext]\n{ext}\n"));
    std::fs::write(d.join("ca.cnf"), conf).unwrap();
    let out = d.join("crl.pem");
    let r = tool(
        "openssl",
        &[
            "ca",
            "-gencrl",
            "-config",
            d.join("ca.cnf").to_str().unwrap(),
            "-out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "openssl ca -gencrl: {}", r.stderr);
    std::fs::read_to_string(out).unwrap()
}

/// A v1 certificate (no extensions at all) signed by `by`, made by `openssl x509 -req`.
fn openssl_v1_leaf(dir: &Path, by: &Made) -> String {
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let d = dir.join(format!("ossl-v1-{n}"));
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("ca.pem"), by.pem()).unwrap();
    std::fs::write(d.join("ca.key"), by.key.serialize_pem()).unwrap();
    let s = |p: &str| d.join(p).to_str().unwrap().to_string();
    tool(
        "openssl",
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &s("leaf.key"),
            "-subj",
            "/O=Prod/CN=v1",
            "-out",
            &s("leaf.csr"),
        ],
    )
    .ok();
    let r = tool(
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            &s("leaf.csr"),
            "-CA",
            &s("ca.pem"),
            "-CAkey",
            &s("ca.key"),
            "-set_serial",
            "4242",
            "-days",
            "30",
            "-out",
            &s("leaf.pem"),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // OpenSSL 3 adds SKI/AKI (making v3) unless told not to: drop them by re-signing
    // without extensions when the output is not v1.
    let text = tool(
        "openssl",
        &["x509", "-in", &s("leaf.pem"), "-noout", "-text"],
    )
    .ok()
    .stdout;
    if !text.contains("Version: 1") {
        std::fs::write(d.join("empty.cnf"), "[v1]\n").unwrap();
        let r = tool(
            "openssl",
            &[
                "x509",
                "-req",
                "-in",
                &s("leaf.csr"),
                "-CA",
                &s("ca.pem"),
                "-CAkey",
                &s("ca.key"),
                "-set_serial",
                "4242",
                "-days",
                "30",
                "-extfile",
                &s("empty.cnf"),
                "-extensions",
                "v1",
                "-out",
                &s("leaf.pem"),
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    std::fs::read_to_string(d.join("leaf.pem")).unwrap()
}

/// The outer signatureAlgorithm changed (TBS left alone): ecdsa-with-SHA256 -> SHA384.
fn sig_alg_mismatch(der: &[u8]) -> Vec<u8> {
    let oid = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
    let pos = der.windows(oid.len()).rposition(|w| w == oid).unwrap();
    let mut out = der.to_vec();
    out[pos + oid.len() - 1] = 0x03;
    out
}

/// One row of the table.
struct Case {
    name: String,
    bundle: Vec<String>,
    /// Leaf first, then intermediates sent with it.
    chain: Vec<String>,
    untrusted: Vec<String>,
    /// None: no --crl at all.
    crls: Option<Vec<String>>,
    args: Vec<String>,
    /// Expected secctl exit code and a substring of its answer.
    code: i32,
    needle: String,
    /// Whether `openssl verify -x509_strict -crl_check_all` accepts.
    openssl_ok: bool,
    /// Why secctl and openssl differ (required when they do).
    note: &'static str,
}

fn case(name: impl Into<String>, bundle: &Made, chain: &[&Made], crls: Vec<String>) -> Case {
    Case {
        name: name.into(),
        bundle: vec![bundle.pem()],
        chain: chain.iter().map(|m| m.pem()).collect(),
        untrusted: vec![],
        crls: Some(crls),
        args: vec![],
        code: 0,
        needle: "ok=true".into(),
        openssl_ok: true,
        note: "",
    }
}

impl Case {
    fn refused(mut self, needle: &str) -> Case {
        self.code = 1;
        self.needle = needle.into();
        self.openssl_ok = false;
        self
    }
    fn openssl(mut self, ok: bool, note: &'static str) -> Case {
        self.openssl_ok = ok;
        self.note = note;
        self
    }
    fn args(mut self, a: &[&str]) -> Case {
        self.args.extend(a.iter().map(|s| s.to_string()));
        self
    }
}

/// A defect of one certificate: (row name, how the spec is changed, the reason secctl gives).
type Defect = (&'static str, Box<dyn Fn(&mut Spec)>, &'static str);

/// Good chains and every rule, for one key algorithm.
fn rows(alg: Alg, k: &Keys, dir: &Path) -> Vec<Case> {
    let a = format!("{alg:?}");
    let mut out = Vec::new();
    let r = root(&Spec::ca("Root"), alg, k);
    let i = issue(&Spec::ca("Inter"), alg, k, &r);
    let l = issue(&Spec::leaf("n1"), alg, k, &i);
    let crls = || vec![ok_crl(&i), ok_crl(&r)];

    // Good paths: depth 1, 2, 3; the intermediate in the file, in --untrusted, missing.
    let l1 = issue(&Spec::leaf("n1"), alg, k, &r);
    out.push(case(
        format!("{a} good depth 1"),
        &r,
        &[&l1],
        vec![ok_crl(&r)],
    ));
    out.push(case(format!("{a} good depth 2"), &r, &[&l, &i], crls()));
    let i2 = issue(&Spec::ca("Inter2"), alg, k, &i);
    let l3 = issue(&Spec::leaf("n1"), alg, k, &i2);
    out.push(case(
        format!("{a} good depth 3"),
        &r,
        &[&l3, &i2, &i],
        vec![ok_crl(&i2), ok_crl(&i), ok_crl(&r)],
    ));
    let mut c = case(
        format!("{a} intermediate in --untrusted"),
        &r,
        &[&l],
        crls(),
    );
    c.untrusted = vec![i.pem()];
    out.push(c);
    out.push(
        case(format!("{a} intermediate missing"), &r, &[&l], crls())
            .refused("not issued by a CA in"),
    );
    out.push(case(format!("{a} usage server"), &r, &[&l, &i], crls()).args(&["--usage", "server"]));

    // Trust anchors.
    let mut s = Spec::ca("Root");
    s.not_before = OffsetDateTime::now_utc() - Duration::days(400);
    s.not_after = OffsetDateTime::now_utc() - Duration::days(1);
    let re = root(&s, alg, k);
    let mut ls = Spec::leaf("n1");
    ls.not_before = OffsetDateTime::now_utc() - Duration::days(2);
    let le = issue(&ls, alg, k, &re);
    out.push(
        case(format!("{a} expired root"), &re, &[&le], vec![ok_crl(&re)])
            .refused("depth 1 (O=Prod, CN=Root): trust anchor expired"),
    );
    let mut s = Spec::ca("Root");
    s.not_before = OffsetDateTime::now_utc() + Duration::days(2);
    let rf = root(&s, alg, k);
    let lf = issue(&Spec::leaf("n1"), alg, k, &rf);
    out.push(
        case(
            format!("{a} root not yet valid"),
            &rf,
            &[&lf],
            vec![ok_crl(&rf)],
        )
        .refused("CA certificate not valid before"),
    );
    let anchor_rows: Vec<Defect> = vec![
        (
            "root with unknown critical extension",
            Box::new(|s: &mut Spec| s.unknown_critical = true),
            "unsupported critical extension 1.3.6.1.4.1.55555.1",
        ),
        (
            "root basicConstraints not critical",
            Box::new(|s: &mut Spec| s.bc = Some((false, None))),
            "basicConstraints of a CA is not marked critical",
        ),
        (
            "root keyUsage without keyCertSign",
            Box::new(|s: &mut Spec| {
                s.ku = Some(vec![
                    KeyUsagePurpose::CrlSign,
                    KeyUsagePurpose::DigitalSignature,
                ])
            }),
            "keyUsage lacks keyCertSign",
        ),
        (
            "root with empty subject",
            Box::new(|s: &mut Spec| s.empty_subject = true),
            "CA certificate with an empty subject",
        ),
        (
            "root without SKI",
            Box::new(|s: &mut Spec| s.ski = None),
            "CA certificate without subjectKeyIdentifier",
        ),
        (
            "root with critical SKI",
            Box::new(|s: &mut Spec| s.ski = Some(true)),
            "subjectKeyIdentifier is marked critical",
        ),
        (
            "root with critical AKI",
            Box::new(|s: &mut Spec| s.aki = Some(true)),
            "authorityKeyIdentifier is marked critical",
        ),
    ];
    for (name, f, needle) in anchor_rows {
        let mut s = Spec::ca("Root");
        f(&mut s);
        let rb = root(&s, alg, k);
        // At depth 1 (the leaf's issuer) and at depth 2 (above an intermediate).
        let lb = issue(&Spec::leaf("n1"), alg, k, &rb);
        out.push(
            case(
                format!("{a} {name}, depth 1"),
                &rb,
                &[&lb],
                vec![ok_crl(&rb)],
            )
            .refused(needle),
        );
        let ib = issue(&Spec::ca("Inter"), alg, k, &rb);
        let lb = issue(&Spec::leaf("n1"), alg, k, &ib);
        out.push(
            case(
                format!("{a} {name}, depth 2"),
                &rb,
                &[&lb, &ib],
                vec![ok_crl(&ib), ok_crl(&rb)],
            )
            .refused(needle),
        );
    }

    // A root without basicConstraints (self-signed, keyCertSign) is a CA certificate that
    // breaks a rule: refused with the rule (exit 1), not as unusable input. (A leaf given as
    // --ca is a usage error, exit 2: tests/cmd/verify-leaf-as-bundle.toml.)
    let mut s = Spec::ca("Root");
    s.bc = None;
    let rb = root(&s, alg, k);
    let lb = issue(&Spec::leaf("n1"), alg, k, &rb);
    out.push(
        case(
            format!("{a} root without basicConstraints"),
            &rb,
            &[&lb],
            vec![ok_crl(&rb)],
        )
        .refused("depth 1 (O=Prod, CN=Root): not a CA: no basicConstraints"),
    );
    // keyUsage is checked when present (RFC 5280 6.1.4 (n)): a CA without it is accepted,
    // as a CRL issuer without it is (6.3.3 (f)).
    for (name, on_root) in [("root", true), ("intermediate", false)] {
        let mut rs = Spec::ca("Root");
        let mut is = Spec::ca("Inter");
        if on_root {
            rs.ku = None;
        } else {
            is.ku = None;
        }
        let rk = root(&rs, alg, k);
        let ik = issue(&is, alg, k, &rk);
        let lk = issue(&Spec::leaf("n1"), alg, k, &ik);
        out.push(
            case(
                format!("{a} {name} without keyUsage"),
                &rk,
                &[&lk, &ik],
                vec![ok_crl(&ik), ok_crl(&rk)],
            )
            .openssl(
                false,
                "RFC 5280 6.1.4 (n) and 6.3.3 (f) check keyUsage only when present; openssl -x509_strict refuses a CA certificate without it",
            ),
        );
    }
    // nameConstraints not marked critical: enforced all the same (a CA that left the bit
    // out gains nothing), satisfied here.
    let mut is = Spec::ca("Inter");
    is.nc = Some((false, nc(&[dns_sub("prod.test")], &[])));
    let inc = issue(&is, alg, k, &r);
    let lnc = issue(&Spec::leaf("n1"), alg, k, &inc);
    out.push(case(
        format!("{a} intermediate nameConstraints not critical, satisfied"),
        &r,
        &[&lnc, &inc],
        vec![ok_crl(&inc), ok_crl(&r)],
    ));
    let mut is = Spec::ca("Inter");
    is.nc = Some((false, nc(&[dns_sub("other.test")], &[])));
    let inc = issue(&is, alg, k, &r);
    let lnc = issue(&Spec::leaf("n1"), alg, k, &inc);
    out.push(
        case(
            format!("{a} intermediate nameConstraints not critical, violated"),
            &r,
            &[&lnc, &inc],
            vec![ok_crl(&inc), ok_crl(&r)],
        )
        .refused("violates the name constraints of O=Prod, CN=Inter"),
    );

    // Intermediates.
    let inter_rows: Vec<Defect> = vec![
        (
            "intermediate with unknown critical extension",
            Box::new(|s: &mut Spec| s.unknown_critical = true),
            "depth 1 (O=Prod, CN=Inter): unsupported critical extension",
        ),
        (
            "intermediate basicConstraints not critical",
            Box::new(|s: &mut Spec| s.bc = Some((false, None))),
            "basicConstraints of a CA is not marked critical",
        ),
        (
            "intermediate without basicConstraints",
            Box::new(|s: &mut Spec| s.bc = None),
            "not a CA: no basicConstraints",
        ),
        (
            "intermediate keyUsage without keyCertSign",
            Box::new(|s: &mut Spec| {
                s.ku = Some(vec![
                    KeyUsagePurpose::CrlSign,
                    KeyUsagePurpose::DigitalSignature,
                ])
            }),
            "keyUsage lacks keyCertSign",
        ),
        (
            "intermediate without AKI",
            Box::new(|s: &mut Spec| s.aki = None),
            "depth 1 (O=Prod, CN=Inter): no authorityKeyIdentifier",
        ),
        (
            "intermediate with critical AKI",
            Box::new(|s: &mut Spec| s.aki = Some(true)),
            "authorityKeyIdentifier is marked critical",
        ),
        (
            "intermediate without SKI",
            Box::new(|s: &mut Spec| s.ski = None),
            "CA certificate without subjectKeyIdentifier",
        ),
        (
            "intermediate with critical SKI",
            Box::new(|s: &mut Spec| s.ski = Some(true)),
            "subjectKeyIdentifier is marked critical",
        ),
        (
            "intermediate with empty subject",
            Box::new(|s: &mut Spec| s.empty_subject = true),
            "depth 1 (empty subject): CA certificate with an empty subject",
        ),
        (
            "expired intermediate",
            Box::new(|s: &mut Spec| {
                s.not_before = OffsetDateTime::now_utc() - Duration::days(100);
                s.not_after = OffsetDateTime::now_utc() - Duration::days(1);
            }),
            "depth 1 (O=Prod, CN=Inter): CA certificate expired at",
        ),
        (
            "intermediate with extendedKeyUsage clientAuth only, --usage server",
            Box::new(|s: &mut Spec| s.eku = vec![ExtendedKeyUsagePurpose::ClientAuth]),
            "intermediate's extendedKeyUsage does not allow serverAuth",
        ),
    ];
    for (name, f, needle) in inter_rows {
        let mut s = Spec::ca("Inter");
        f(&mut s);
        let ib = issue(&s, alg, k, &r);
        let mut ls = Spec::leaf("n1");
        if name.starts_with("expired") {
            ls.not_before = OffsetDateTime::now_utc() - Duration::days(2);
        }
        let lb = issue(&ls, alg, k, &ib);
        let mut c = case(
            format!("{a} {name}"),
            &r,
            &[&lb, &ib],
            vec![ok_crl(&ib), ok_crl(&r)],
        )
        .refused(needle);
        if name.contains("--usage server") {
            c = c.args(&["--usage", "server"]);
        }
        out.push(c);
    }
    // Path length: root pathlen 0 above an intermediate.
    let mut s = Spec::ca("Root");
    s.bc = Some((true, Some(0)));
    let r0 = root(&s, alg, k);
    let i0 = issue(&Spec::ca("Inter"), alg, k, &r0);
    let l0 = issue(&Spec::leaf("n1"), alg, k, &i0);
    out.push(
        case(
            format!("{a} pathLenConstraint 0 exceeded"),
            &r0,
            &[&l0, &i0],
            vec![ok_crl(&i0), ok_crl(&r0)],
        )
        .refused("pathLenConstraint 0 exceeded"),
    );
    // Key rollover: a self-issued certificate (same name, new key, signed by the old key)
    // between the root and the leaf; pathLen 0 does not count it (RFC 5280 6.1.4 (l)).
    let mut rs = Spec::ca("Root");
    rs.bc = Some((true, Some(0)));
    let rr = root(&rs, alg, k);
    let roll = issue(&Spec::ca("Root"), alg, k, &rr);
    let lr = issue(&Spec::leaf("n1"), alg, k, &roll);
    let roll_crls = vec![ok_crl(&roll), ok_crl(&rr)];
    out.push(
        case(
            format!("{a} self-issued key rollover in the file"),
            &rr,
            &[&lr, &roll],
            roll_crls.clone(),
        )
        .openssl(true, ""),
    );
    out.push(
        case(
            format!("{a} self-issued key rollover missing"),
            &rr,
            &[&lr],
            roll_crls,
        )
        .refused("a key rollover? pass the self-issued certificate"),
    );

    // Leaves.
    let leaf_rows: Vec<Defect> = vec![
        (
            "leaf with unknown critical extension",
            Box::new(|s: &mut Spec| s.unknown_critical = true),
            "depth 0 (O=Prod, CN=n1): unsupported critical extension",
        ),
        (
            "leaf without AKI",
            Box::new(|s: &mut Spec| s.aki = None),
            "depth 0 (O=Prod, CN=n1): no authorityKeyIdentifier",
        ),
        (
            "leaf with critical AKI",
            Box::new(|s: &mut Spec| s.aki = Some(true)),
            "authorityKeyIdentifier is marked critical",
        ),
        (
            "leaf with critical SKI",
            Box::new(|s: &mut Spec| s.ski = Some(true)),
            "subjectKeyIdentifier is marked critical",
        ),
        (
            "leaf with keyCertSign",
            Box::new(|s: &mut Spec| {
                s.ku = Some(vec![
                    KeyUsagePurpose::DigitalSignature,
                    KeyUsagePurpose::KeyCertSign,
                ])
            }),
            "keyCertSign in a certificate that is not a CA",
        ),
        (
            "leaf with nameConstraints",
            Box::new(|s: &mut Spec| s.nc = Some((true, nc(&[dns_sub("prod.test")], &[])))),
            "nameConstraints in a certificate that is not a CA",
        ),
        (
            "expired leaf",
            Box::new(|s: &mut Spec| {
                s.not_before = OffsetDateTime::now_utc() - Duration::days(10);
                s.not_after = OffsetDateTime::now_utc() - Duration::days(1);
            }),
            "expired at",
        ),
        (
            "leaf not yet valid",
            Box::new(|s: &mut Spec| {
                s.not_before = OffsetDateTime::now_utc() + Duration::days(1);
            }),
            "not valid before",
        ),
    ];
    for (name, f, needle) in leaf_rows {
        let mut s = Spec::leaf("n1");
        f(&mut s);
        let lb = issue(&s, alg, k, &i);
        let mut c = case(format!("{a} {name}"), &r, &[&lb, &i], crls()).refused(needle);
        if name == "leaf with nameConstraints" {
            c = c.openssl(
                true,
                "RFC 5280 4.2.1.10: nameConstraints MUST be used only in a CA certificate; openssl ignores it in a leaf",
            );
        }
        out.push(c);
    }
    // A leaf signed by another key under the intermediate's exact name.
    let forger = issue(&Spec::ca("Inter"), alg, k, &r);
    let lforged = issue(&Spec::leaf("n1"), alg, k, &forger);
    out.push(
        case(
            format!("{a} leaf signed by another key"),
            &r,
            &[&lforged, &i],
            crls(),
        )
        .refused("bad signature at depth 0"),
    );
    // A leaf that is a CA: RFC 5280 has no rule against it (webpki's CaUsedAsEndEntity is
    // left to secctl's rules); the host and usage rows still apply.
    let lca = issue(&Spec::ca("n1"), alg, k, &i);
    out.push(case(
        format!("{a} CA certificate as the leaf"),
        &r,
        &[&lca, &i],
        crls(),
    ));
    // A leaf over 64 KiB.
    let mut s = Spec::leaf("n1");
    s.big = true;
    let lbig = issue(&s, alg, k, &i);
    out.push(
        case(format!("{a} leaf over 64 KiB"), &r, &[&lbig, &i], crls())
            .refused("over the 64 KiB limit")
            .openssl(
                true,
                "webpki refuses certificates over 64 KiB (a DoS guard); openssl has no such limit",
            ),
    );

    // Name constraints, on the intermediate (depth 1) and on the root (depth 2).
    let nc_rows: Vec<(&str, Vec<u8>, Vec<SanType>, bool)> = vec![
        (
            "DNS permitted, satisfied",
            nc(&[dns_sub("prod.test")], &[]),
            vec![dns("a.prod.test")],
            true,
        ),
        (
            "DNS permitted, violated",
            nc(&[dns_sub("prod.test")], &[]),
            vec![dns("a.evil.test")],
            false,
        ),
        (
            "DNS excluded, violated",
            nc(&[], &[dns_sub("bad.prod.test")]),
            vec![dns("x.bad.prod.test")],
            false,
        ),
        (
            "IP permitted, satisfied",
            nc(&[ip_sub([10, 0, 0, 0], 8)], &[]),
            vec![ip("10.1.2.3")],
            true,
        ),
        (
            "IP permitted, violated",
            nc(&[ip_sub([10, 0, 0, 0], 8)], &[]),
            vec![ip("192.168.1.1")],
            false,
        ),
        (
            "IP excluded, violated",
            nc(&[], &[ip_sub([10, 9, 0, 0], 16)]),
            vec![ip("10.9.1.1")],
            false,
        ),
        (
            "URI permitted, satisfied",
            nc(&[dns_sub("prod.test"), uri_sub("prod.test")], &[]),
            vec![dns("a.prod.test"), uri("spiffe://prod.test/node/a")],
            true,
        ),
        (
            "URI permitted, violated",
            nc(&[uri_sub("prod.test")], &[]),
            vec![uri("spiffe://evil.test/node/a")],
            false,
        ),
        (
            "directoryName permitted, satisfied",
            nc(&[dn_sub("Prod")], &[]),
            vec![dns("a.prod.test")],
            true,
        ),
        (
            "directoryName excluded, violated",
            nc(&[], &[dn_sub("Prod")]),
            vec![dns("a.prod.test")],
            false,
        ),
    ];
    for (depth_name, on_root) in [("intermediate", false), ("root", true)] {
        for (name, constraints, sans, ok) in &nc_rows {
            let mut rs = Spec::ca("Root");
            let mut is = Spec::ca("Inter");
            if on_root {
                rs.nc = Some((true, constraints.clone()));
            } else {
                is.nc = Some((true, constraints.clone()));
            }
            let rn = root(&rs, alg, k);
            let inn = issue(&is, alg, k, &rn);
            let mut ls = Spec::leaf("n1");
            ls.sans = sans.clone();
            let ln = issue(&ls, alg, k, &inn);
            let mut c = case(
                format!("{a} nameConstraints on the {depth_name}: {name}"),
                &rn,
                &[&ln, &inn],
                vec![ok_crl(&inn), ok_crl(&rn)],
            );
            if !ok {
                c = c.refused("violates the name constraints of");
            }
            out.push(c);
        }
    }
    // directoryName permitted, violated: the leaf's O is another.
    let mut is = Spec::ca("Inter");
    is.nc = Some((true, nc(&[dn_sub("Prod")], &[])));
    let inn = issue(&is, alg, k, &r);
    let mut ls = Spec::leaf("n1");
    ls.org = Some("Evil".into());
    let ln = issue(&ls, alg, k, &inn);
    out.push(
        case(
            format!("{a} nameConstraints: directoryName permitted, violated"),
            &r,
            &[&ln, &inn],
            vec![ok_crl(&inn), ok_crl(&r)],
        )
        .refused("subject \"O=Evil, CN=n1\" (not permitted)"),
    );
    // A DNS constraint with a leading period: invalid in a dNSName.
    let mut is = Spec::ca("Inter");
    is.nc = Some((true, nc(&[dns_sub(".prod.test")], &[])));
    let inn = issue(&is, alg, k, &r);
    let ln = issue(&Spec::leaf("n1"), alg, k, &inn);
    out.push(
        case(
            format!("{a} nameConstraints: DNS name with a leading period"),
            &r,
            &[&ln, &inn],
            vec![ok_crl(&inn), ok_crl(&r)],
        )
        .refused("invalid DNS name constraint \".prod.test\"")
        .openssl(
            true,
            "RFC 5280 4.2.1.10: a dNSName constraint is a DNS name (no leading period, unlike URI and rfc822Name); openssl reads it as 'subdomains of'",
        ),
    );

    // Revocation.
    out.push(
        case(
            format!("{a} leaf revoked"),
            &r,
            &[&l, &i],
            vec![crl(&i, &[&l], -1, 30), ok_crl(&r)],
        )
        .refused("revoked at"),
    );
    out.push(
        case(
            format!("{a} intermediate revoked by the root"),
            &r,
            &[&l, &i],
            vec![ok_crl(&i), crl(&r, &[&i], -1, 30)],
        )
        .refused("revoked at"),
    );
    out.push(
        case(format!("{a} no CRL at all"), &r, &[&l, &i], vec![])
            .refused("revocation")
            .openssl(false, ""),
    );
    let mut c =
        case(format!("{a} no --crl"), &r, &[&l, &i], vec![]).refused("not checked: no CRL given");
    c.crls = None;
    out.push(c);
    let mut c = case(format!("{a} no --crl, --no-revocation"), &r, &[&l, &i], vec![])
        .args(&["--no-revocation"])
        .openssl(
            false,
            "--no-revocation accepts an unknown revocation status on purpose; openssl -crl_check_all has no such switch",
        );
    c.crls = None;
    out.push(c);
    out.push(
        case(
            format!("{a} revoked, --no-revocation"),
            &r,
            &[&l, &i],
            vec![crl(&i, &[&l], -1, 30), ok_crl(&r)],
        )
        .args(&["--no-revocation"])
        .refused("revoked at"),
    );
    out.push(
        case(format!("{a} no root CRL"), &r, &[&l, &i], vec![ok_crl(&i)])
            .refused("depth 1 (O=Prod, CN=Inter): no CRL from its issuer O=Prod, CN=Root"),
    );
    out.push(
        case(
            format!("{a} no intermediate CRL"),
            &r,
            &[&l, &i],
            vec![ok_crl(&r)],
        )
        .refused("depth 0 (O=Prod, CN=n1): no CRL from its issuer O=Prod, CN=Inter"),
    );
    out.push(
        case(
            format!("{a} CRL past nextUpdate"),
            &r,
            &[&l, &i],
            vec![crl(&i, &[], -10, -1), ok_crl(&r)],
        )
        .refused("expired at"),
    );
    out.push(
        case(
            format!("{a} CRL not yet valid"),
            &r,
            &[&l, &i],
            vec![crl(&i, &[], 1, 30), ok_crl(&r)],
        )
        .refused("not valid before"),
    );
    let other = root(&Spec::ca("Other"), alg, k);
    let mut c = case(
        format!("{a} CRL from another CA only"),
        &r,
        &[&l, &i],
        vec![ok_crl(&other)],
    );
    c.code = 2;
    c.needle = "CRL from another CA".into();
    c.openssl_ok = false;
    out.push(c);
    // CRL issuer without cRLSign.
    let mut is = Spec::ca("Inter");
    is.ku = Some(vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ]);
    let inn = issue(&is, alg, k, &r);
    let ln = issue(&Spec::leaf("n1"), alg, k, &inn);
    out.push(
        case(
            format!("{a} CRL signed by a CA without cRLSign"),
            &r,
            &[&ln, &inn],
            vec![ok_crl(&inn), ok_crl(&r)],
        )
        .refused("keyUsage lacks cRLSign"),
    );
    let _ = dir;
    out
}

/// nameConstraints DER from GeneralName DERs (each wrapped in a GeneralSubtree).
fn nc(permitted: &[Vec<u8>], excluded: &[Vec<u8>]) -> Vec<u8> {
    let subtrees =
        |names: &[Vec<u8>]| -> Vec<u8> { names.iter().flat_map(|n| tlv(0x30, n)).collect() };
    let mut body = Vec::new();
    if !permitted.is_empty() {
        body.extend(tlv(0xa0, &subtrees(permitted)));
    }
    if !excluded.is_empty() {
        body.extend(tlv(0xa1, &subtrees(excluded)));
    }
    tlv(0x30, &body)
}
fn dns_sub(s: &str) -> Vec<u8> {
    tlv(0x82, s.as_bytes())
}
fn uri_sub(s: &str) -> Vec<u8> {
    tlv(0x86, s.as_bytes())
}
fn ip_sub(addr: [u8; 4], prefix: u32) -> Vec<u8> {
    let mask = (u32::MAX.checked_shl(32 - prefix).unwrap_or(0)).to_be_bytes();
    let mut b = addr.to_vec();
    b.extend(mask);
    tlv(0x87, &b)
}
fn dn_sub(org: &str) -> Vec<u8> {
    // [4] EXPLICIT Name: SEQUENCE { SET { SEQUENCE { O, UTF8String } } }
    let atv = tlv(
        0x30,
        &[
            vec![0x06, 0x03, 0x55, 0x04, 0x0a],
            tlv(0x0c, org.as_bytes()),
        ]
        .concat(),
    );
    tlv(0xa4, &tlv(0x30, &tlv(0x31, &atv)))
}
fn dns(s: &str) -> SanType {
    SanType::DnsName(s.try_into().unwrap())
}
fn uri(s: &str) -> SanType {
    SanType::URI(s.try_into().unwrap())
}
fn ip(s: &str) -> SanType {
    SanType::IpAddress(s.parse().unwrap())
}

/// Rows that only openssl can build (P-256).
fn openssl_rows(k: &Keys, dir: &Path) -> Vec<Case> {
    let mut out = Vec::new();
    let alg = Alg::P256;
    let r = root(&Spec::ca("Root"), alg, k);
    let i = issue(&Spec::ca("Inter"), alg, k, &r);
    let l = issue(&Spec::leaf("n1"), alg, k, &i);
    out.push(
        case("P256 CRL without a CRL number", &r, &[&l, &i], vec![
            openssl_crl(dir, &i, None, "authorityKeyIdentifier=keyid:always"),
            ok_crl(&r),
        ])
        .refused("CRL without a CRL number")
        .openssl(true, "RFC 5280 5.2.3: conforming CRL issuers MUST include the CRL number; openssl does not require it"),
    );
    out.push(
        case(
            "P256 CRL with a critical CRL number",
            &r,
            &[&l, &i],
            vec![
                openssl_crl(
                    dir,
                    &i,
                    None,
                    "authorityKeyIdentifier=keyid:always\n2.5.29.20=critical,ASN1:INTEGER:5",
                ),
                ok_crl(&r),
            ],
        )
        .refused("the CRL number is marked critical"),
    );
    out.push(
        case(
            "P256 CRL with an unknown critical extension",
            &r,
            &[&l, &i],
            vec![
                openssl_crl(
                    dir,
                    &i,
                    Some("05"),
                    "authorityKeyIdentifier=keyid:always\n1.3.6.1.4.1.55555.9=critical,ASN1:NULL",
                ),
                ok_crl(&r),
            ],
        )
        .refused("CRL with an unsupported critical extension"),
    );
    out.push(case(
        "P256 CRL made by openssl ca",
        &r,
        &[&l, &i],
        vec![
            openssl_crl(dir, &i, Some("05"), "authorityKeyIdentifier=keyid:always"),
            ok_crl(&r),
        ],
    ));
    // v1 leaf.
    let v1 = openssl_v1_leaf(dir, &i);
    let mut c = case("P256 v1 leaf", &r, &[&i], vec![ok_crl(&i), ok_crl(&r)])
        .refused("version 1 certificate")
        .openssl(
            true,
            "secctl accepts only v3 certificates (webpki refuses v1; usage, names and CA status are extensions); openssl -x509_strict accepts a v1 leaf",
        );
    c.chain.insert(0, v1);
    out.push(c);
    // Signature algorithm of the outer certificate differs from the TBS one.
    let mut m = issue(&Spec::leaf("n1"), alg, k, &i);
    m.der = sig_alg_mismatch(&m.der);
    out.push(
        case(
            "P256 signature algorithm mismatch",
            &r,
            &[&m, &i],
            vec![ok_crl(&i), ok_crl(&r)],
        )
        .refused("differs from the one inside the signed part"),
    );
    // RSA 1024 leaf under an EC intermediate.
    let spki = rcgen::SubjectPublicKeyInfo::from_der(&k.rsa1024_spki).unwrap();
    let id = random_id();
    let params = params_of(&Spec::leaf("n1"), Some(&i.id), &id);
    let issuer = Issuer::from_params(&i.params, &i.key);
    let der = params.signed_by(&spki, &issuer).unwrap().der().to_vec();
    let mut c = case("P256 leaf with an RSA 1024 key", &r, &[&i], vec![ok_crl(&i), ok_crl(&r)])
        .refused("RSA key of 1024 bits")
        .openssl(
            true,
            "CA/Browser Forum BR 6.1.5: RSA keys of at least 2048 bits (webpki's RSA algorithms start at 2048); openssl verify checks key sizes only with -auth_level",
        );
    c.chain.insert(0, pem_of("CERTIFICATE", &der));
    out.push(c);
    // A hostile --untrusted bundle: 60 look-alike intermediates (the right name, other keys).
    let look_alikes: Vec<Made> = (0..60)
        .map(|_| issue(&Spec::ca("Inter"), alg, k, &r))
        .collect();
    let mut c = case(
        "P256 60 look-alike intermediates, none the issuer",
        &r,
        &[&l],
        vec![ok_crl(&r)],
    )
    .refused("bad signature at depth 0");
    c.untrusted = look_alikes.iter().map(Made::pem).collect();
    out.push(c);
    let mut c = case(
        "P256 60 look-alike intermediates and the issuer",
        &r,
        &[&l],
        vec![ok_crl(&i), ok_crl(&r)],
    );
    c.untrusted = look_alikes.iter().map(Made::pem).collect();
    c.untrusted.push(i.pem());
    out.push(c);
    // Fixed time with --at / -attime: valid then, expired later.
    let at = (OffsetDateTime::now_utc() + Duration::days(400)).unix_timestamp();
    out.push(
        case(
            "P256 --at after the leaf expired",
            &r,
            &[&l, &i],
            vec![ok_crl(&i), ok_crl(&r)],
        )
        .args(&["--at", &format!("@{at}")])
        .refused("expired at"),
    );
    out
}

/// With `SECCTL_FUZZ_CORPUS=DIR`, write the row as an input of the `verify` fuzz target
/// (leaf DER, 0xff 0x00, first bundle certificate, 0xff 0x00, first CRL), named by its SHA-1
/// as libFuzzer names corpus files.
fn write_fuzz_input(c: &Case) {
    let Some(dir) = std::env::var_os("SECCTL_FUZZ_CORPUS") else {
        return;
    };
    let der = |p: &str| pem::parse(p).unwrap().into_contents();
    let mut data = der(&c.chain[0]);
    data.extend([0xff, 0x00]);
    data.extend(der(&c.bundle[0]));
    if let Some(crl) = c.crls.as_ref().and_then(|v| v.first()) {
        data.extend([0xff, 0x00]);
        data.extend(der(crl));
    }
    let name = hex::encode(ring::digest::digest(
        &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
        &data,
    ));
    std::fs::write(Path::new(&dir).join(name), data).unwrap();
}

struct Outcome {
    code: i32,
    text: String,
    openssl_ok: bool,
    openssl_text: String,
}

fn run_case(env: &Env, n: usize, c: &Case) -> Outcome {
    let d = env.path(&format!("case{n}"));
    std::fs::create_dir_all(&d).unwrap();
    let w = |name: &str, content: &str| {
        let p = d.join(name);
        std::fs::write(&p, content).unwrap();
        p.to_str().unwrap().to_string()
    };
    let bundle = w("ca.pem", &c.bundle.concat());
    let chain = w("chain.pem", &c.chain.concat());
    let leaf_only = w("leaf.pem", &c.chain[0]);
    let mut untrusted_all: Vec<String> = c.chain[1..].to_vec();
    untrusted_all.extend(c.untrusted.iter().cloned());
    let untrusted = w("untrusted.pem", &c.untrusted.concat());
    let untrusted_all = w("untrusted-all.pem", &untrusted_all.concat());
    let crl = c.crls.as_ref().map(|v| w("crl.pem", &v.concat()));
    let mut args: Vec<String> = vec![
        "-o".into(),
        "json".into(),
        "verify".into(),
        chain.clone(),
        "--ca".into(),
        bundle.clone(),
    ];
    if let Some(crl) = &crl {
        if !c.crls.as_ref().unwrap().is_empty() {
            args.extend(["--crl".into(), crl.clone()]);
        }
    }
    if !c.untrusted.is_empty() {
        args.extend(["--untrusted".into(), untrusted.clone()]);
    }
    args.extend(c.args.iter().cloned());
    write_fuzz_input(c);
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = env.run(&argv);
    assert!(!r.stderr.contains("panicked"), "{}: {}", c.name, r.stderr);
    // openssl on the same files.
    let mut o: Vec<String> = vec![
        "verify".into(),
        "-x509_strict".into(),
        "-crl_check_all".into(),
        "-CAfile".into(),
        bundle,
    ];
    if c.chain.len() > 1 || !c.untrusted.is_empty() {
        o.extend(["-untrusted".into(), untrusted_all]);
    }
    if let Some(crls) = &c.crls {
        if !crls.is_empty() {
            o.extend(["-CRLfile".into(), crl.unwrap()]);
        }
    }
    let mut it = c.args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--at" => {
                let t = it.next().unwrap().trim_start_matches('@').to_string();
                o.extend(["-attime".into(), t]);
            }
            "--usage" => {
                let u = it.next().unwrap();
                o.extend([
                    "-purpose".into(),
                    if u == "server" {
                        "sslserver"
                    } else {
                        "sslclient"
                    }
                    .into(),
                ]);
            }
            _ => {}
        }
    }
    o.push(leaf_only);
    let ov: Vec<&str> = o.iter().map(String::as_str).collect();
    let ossl = tool("openssl", &ov);
    // A summary of the JSON report: the verdict and every failed check with its detail.
    let summary = match serde_json::from_str::<serde_json::Value>(&r.stdout) {
        Ok(v) => {
            let mut t = format!("ok={}", v["ok"]);
            for ch in v["checks"].as_array().into_iter().flatten() {
                if ch["ok"] == false {
                    t.push_str(&format!(
                        "; {} FAILED: {}",
                        ch["check"].as_str().unwrap_or(""),
                        ch["detail"].as_str().unwrap_or("")
                    ));
                }
            }
            t
        }
        Err(_) => r.stdout.clone(),
    };
    Outcome {
        code: r.code,
        text: format!("{summary} {}", r.stderr),
        openssl_ok: ossl.code == 0,
        openssl_text: format!("{}{}", ossl.stdout, ossl.stderr),
    }
}

#[test]
fn verify_follows_rfc5280_and_agrees_with_openssl() {
    let env = Env::new();
    let k = keys(env.tmp.path());
    let mut cases = Vec::new();
    for alg in [Alg::P256, Alg::Ed25519, Alg::Rsa] {
        cases.extend(rows(alg, &k, env.tmp.path()));
    }
    cases.extend(openssl_rows(&k, env.tmp.path()));
    let mut failures = Vec::new();
    let mut differ = Vec::new();
    for (n, c) in cases.iter().enumerate() {
        let o = run_case(&env, n, c);
        if o.code != c.code || !o.text.contains(&c.needle) {
            failures.push(format!(
                "{}: secctl exit {} (want {} with {:?}): {}",
                c.name, o.code, c.code, c.needle, o.text
            ));
        }
        if o.openssl_ok != c.openssl_ok {
            failures.push(format!(
                "{}: openssl {} (want {}): {}",
                c.name,
                if o.openssl_ok { "accepts" } else { "refuses" },
                if c.openssl_ok { "accepts" } else { "refuses" },
                o.openssl_text.trim()
            ));
        }
        let secctl_ok = c.code == 0;
        if secctl_ok != c.openssl_ok {
            differ.push(c.name.clone());
            if c.note.is_empty() {
                failures.push(format!(
                    "{}: secctl and openssl differ without a note",
                    c.name
                ));
            }
        }
    }
    eprintln!(
        "verify_rfc5280: {} cases, {} where openssl differs (each with a note): {}",
        cases.len(),
        differ.len(),
        differ.join("; ")
    );
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(cases.len() >= 120, "only {} cases", cases.len());
}

/// Subjects are untrusted text: an escape sequence in a CA's or a leaf's name never reaches
/// the terminal raw (text output), and every finding still names the certificate.
#[test]
fn hostile_names_are_escaped_in_text_output() {
    let env = Env::new();
    let k = Keys {
        rsa: vec![],
        rsa1024_spki: vec![],
    };
    let mut rs = Spec::ca("Root\u{1b}[2J");
    rs.ski = None; // a finding at depth 1 that names the hostile subject
    let r = root(&rs, Alg::P256, &k);
    let l = issue(&Spec::leaf("n1\u{1b}[32m verified"), Alg::P256, &k, &r);
    let ca = env.write("ca.pem", &r.pem());
    let leaf = env.write("leaf.pem", &l.pem());
    let crl = env.write("crl.pem", &ok_crl(&r));
    let out = env.run(&[
        "verify",
        leaf.to_str().unwrap(),
        "--ca",
        ca.to_str().unwrap(),
        "--crl",
        crl.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(!out.stdout.contains('\u{1b}'), "{:?}", out.stdout);
    assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);
    assert!(out.stdout.contains("depth 1"), "{}", out.stdout);
}
