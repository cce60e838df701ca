//! The rules `verify` gained from the x509-limbo corpus, one case each, through
//! [`secctl_pki::verify::verify`] as `secctl verify` calls it: certificates made with rcgen
//! (raw extensions where rcgen cannot express the defect), CRLs made with rcgen or, for an
//! entry extension rcgen cannot write, assembled here and signed with rcgen's key.
//! `tests/x509_limbo.rs` runs the corpus itself; `tests/verify_rfc5280.rs` at the workspace
//! root runs the binary against openssl.

use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, CrlDistributionPoint,
    CrlIssuingDistributionPoint, CrlScope, CustomExtension, DistinguishedName, DnType, DnValue,
    ExtendedKeyUsagePurpose, GeneralSubtree, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose,
    NameConstraints, RevokedCertParams, SanType, SerialNumber, SigningKey,
};
use secctl_pki::verify::{self, Report, Request, RevocationStatus, Usage};
use time::{Duration, OffsetDateTime};
use x509_parser::prelude::FromDer;

/// A made certificate with its parameters and key, usable as an issuer.
struct Made {
    params: CertificateParams,
    key: KeyPair,
    der: Vec<u8>,
}

fn make_with(p: CertificateParams, key: KeyPair, by: Option<&Made>) -> Made {
    let cert = match by {
        None => p.self_signed(&key),
        Some(b) => p.signed_by(&key, &Issuer::from_params(&b.params, &b.key)),
    }
    .unwrap();
    Made {
        der: cert.der().to_vec(),
        params: p,
        key,
    }
}

fn make(p: CertificateParams, by: Option<&Made>) -> Made {
    make_with(p, KeyPair::generate().unwrap(), by)
}

fn dn(cn: &str) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    d.push(DnType::CommonName, cn);
    d
}

fn ca(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name = dn(cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.use_authority_key_identifier_extension = true;
    p
}

fn leaf(cn: &str, sans: &[&str]) -> CertificateParams {
    let mut p =
        CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    p.distinguished_name = dn(cn);
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    p.use_authority_key_identifier_extension = true;
    p
}

fn root() -> Made {
    make(ca("Root"), None)
}

/// Verify `leaf` (then `chain`) against `anchors`, with `crls` (`--no-revocation` when
/// none), at `at` (now when `None`), for a TLS server.
fn run_at(
    leaf: &Made,
    chain: &[&Made],
    anchors: &[&Made],
    crls: Vec<Vec<u8>>,
    at: Option<OffsetDateTime>,
) -> secctl_pki::error::Result<Report> {
    let has_crls = !crls.is_empty();
    verify::verify(&Request {
        cert_name: "leaf.pem",
        chain: std::iter::once(leaf)
            .chain(chain.iter().copied())
            .map(|m| m.der.clone())
            .collect(),
        bundle_name: "ca.pem",
        bundle: anchors.iter().map(|m| m.der.clone()).collect(),
        crl_name: has_crls.then_some("crl.pem"),
        crls,
        host: None,
        role: None,
        trust_domain: None,
        usage: Some(Usage::Server),
        at: at.unwrap_or_else(OffsetDateTime::now_utc),
        untrusted: vec![],
        require_revocation: has_crls,
    })
}

fn run(leaf: &Made, chain: &[&Made], anchors: &[&Made]) -> Report {
    run_at(leaf, chain, anchors, vec![], None).unwrap()
}

fn row<'r>(r: &'r Report, name: &str) -> &'r verify::Check {
    r.checks.iter().find(|c| c.check == name).unwrap()
}

/// The chain row passes.
fn assert_ok(case: &str, r: &Report) {
    let c = row(r, "chain");
    assert!(c.ok && r.ok, "{case}: {:?}", r.checks);
}

/// The chain row fails and names `needle`.
fn assert_refused(case: &str, r: &Report, needle: &str) {
    let c = row(r, "chain");
    assert!(
        !c.ok && c.detail.contains(needle),
        "{case}: want {needle:?}, got {:?}",
        c.detail
    );
}

/// A CA under `by` with these name constraints.
fn constrained(cn: &str, by: &Made, permitted: &[&str], excluded: &[&str]) -> Made {
    let mut p = ca(cn);
    let sub = |s: &&str| GeneralSubtree::DnsName(s.to_string());
    p.name_constraints = Some(NameConstraints {
        permitted_subtrees: permitted.iter().map(sub).collect(),
        excluded_subtrees: excluded.iter().map(sub).collect(),
    });
    make(p, Some(by))
}

#[test]
fn a_wildcard_san_under_name_constraints_it_could_violate_is_refused() {
    let r = root();
    /// (case, permitted, excluded, refusal or None)
    type Row<'a> = (&'a str, &'a [&'a str], &'a [&'a str], Option<&'a str>);
    let table: &[Row<'_>] = &[
        (
            "an excluded subtree the wildcard could match",
            &[],
            &["bar.example.com"],
            Some("a wildcard that covers the excluded \"bar.example.com\""),
        ),
        (
            "a permitted subtree narrower than the wildcard",
            &["foo.example.com"],
            &[],
            Some("DNS name \"*.example.com\" (not permitted)"),
        ),
        (
            "a permitted subtree above the wildcard",
            &["example.com"],
            &[],
            None,
        ),
        (
            "an excluded subtree above the wildcard",
            &[],
            &["example.com"],
            Some("(excluded)"),
        ),
    ];
    for (case, permitted, excluded, want) in table {
        let i = constrained("Inter", &r, permitted, excluded);
        let l = make(leaf("n1", &["*.example.com"]), Some(&i));
        let rep = run(&l, &[&i], &[&r]);
        match want {
            Some(needle) => assert_refused(case, &rep, needle),
            None => assert_ok(case, &rep),
        }
    }
}

#[test]
fn profile_rules_of_the_corpus() {
    let r = root();
    // policyConstraints (requireExplicitPolicy 0) not critical in an intermediate.
    let mut p = ca("Inter");
    p.custom_extensions = vec![CustomExtension::from_oid_content(
        &[2, 5, 29, 36],
        vec![0x30, 0x03, 0x80, 0x01, 0x00],
    )];
    let i = make(p, Some(&r));
    let l = make(leaf("n1", &["a.test"]), Some(&i));
    assert_refused(
        "non-critical policyConstraints",
        &run(&l, &[&i], &[&r]),
        "policyConstraints is not marked critical",
    );

    // An empty subject: the SAN must be critical (rcgen marks it so), and is refused when
    // it is not.
    let mut p = leaf("n1", &["a.test"]);
    p.distinguished_name = DistinguishedName::new();
    let l = make(p.clone(), Some(&r));
    assert_ok("empty subject, critical SAN", &run(&l, &[], &[&r]));
    p.subject_alt_names = vec![];
    // SAN { dNSName "a.test" }, not critical.
    let san = [0x30, 0x08, 0x82, 0x06, b'a', b'.', b't', b'e', b's', b't'];
    p.custom_extensions = vec![CustomExtension::from_oid_content(
        &[2, 5, 29, 17],
        san.to_vec(),
    )];
    let l = make(p, Some(&r));
    assert_refused(
        "empty subject, SAN not critical",
        &run(&l, &[], &[&r]),
        "empty subject with a subjectAltName that is not marked critical",
    );

    // An underscore in a DNS SAN.
    let l = make(leaf("n1", &["foo_bar.test"]), Some(&r));
    assert_refused(
        "underscore",
        &run(&l, &[], &[&r]),
        "DNS name \"foo_bar.test\" is not a host name",
    );

    // nameConstraints with neither subtree.
    let mut p = ca("Inter");
    let mut nc = CustomExtension::from_oid_content(&[2, 5, 29, 30], vec![0x30, 0x00]);
    nc.set_criticality(true);
    p.custom_extensions = vec![nc];
    let i = make(p, Some(&r));
    let l = make(leaf("n1", &["a.test"]), Some(&i));
    assert_refused(
        "empty nameConstraints",
        &run(&l, &[&i], &[&r]),
        "neither permittedSubtrees nor excludedSubtrees",
    );
}

#[test]
fn the_aki_of_a_self_signed_root_names_its_own_key_only() {
    // (case, AKI extension value, refusal)
    let keyid_ab = {
        let mut v = vec![0x30, 0x16, 0x80, 0x14];
        v.extend([0xab; 20]);
        v
    };
    let key = KeyPair::generate().unwrap();
    let own = ca("Root").key_identifier(&key);
    let own_serial = {
        let mut v = vec![0x30, own.len() as u8 + 5, 0x80, own.len() as u8];
        v.extend(&own);
        v.extend([0x82, 0x01, 0x01]);
        v
    };
    let table: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "another key's identifier",
            keyid_ab,
            "differs from its subjectKeyIdentifier",
        ),
        (
            "no keyIdentifier",
            vec![0x30, 0x03, 0x82, 0x01, 0x01],
            "self-signed certificate has no keyIdentifier",
        ),
        (
            "its own key's identifier and authorityCertSerialNumber",
            own_serial,
            "carries authorityCertIssuer or authorityCertSerialNumber",
        ),
    ];
    for (case, aki, needle) in table {
        let mut p = ca("Root");
        p.use_authority_key_identifier_extension = false;
        p.custom_extensions = vec![CustomExtension::from_oid_content(&[2, 5, 29, 35], aki)];
        let r = make_with(p, KeyPair::from_pem(&key.serialize_pem()).unwrap(), None);
        let l = make(leaf("n1", &["a.test"]), Some(&r));
        assert_refused(case, &run(&l, &[], &[&r]), needle);
    }
    // A self-signed root without AKI, or with its own key's: accepted.
    let mut p = ca("Root");
    p.use_authority_key_identifier_extension = false;
    let r = make(p, None);
    let l = make(leaf("n1", &["a.test"]), Some(&r));
    assert_ok("no AKI", &run(&l, &[], &[&r]));
    let r = root();
    let l = make(leaf("n1", &["a.test"]), Some(&r));
    assert_ok("own AKI", &run(&l, &[], &[&r]));
}

#[test]
fn keys_secctl_does_not_accept() {
    use secctl_pki::rfc5280::unaccepted_key;
    use x509_parser::x509::SubjectPublicKeyInfo;
    fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![tag];
        match body.len() {
            n if n < 128 => v.push(n as u8),
            n if n < 256 => v.extend([0x81, n as u8]),
            n => v.extend([0x82, (n >> 8) as u8, n as u8]),
        }
        v.extend_from_slice(body);
        v
    }
    let rsa = |modulus: &[u8]| {
        let alg = tlv(
            0x30,
            &[
                &tlv(
                    0x06,
                    &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
                )[..],
                &[0x05, 0x00],
            ]
            .concat(),
        );
        let key = tlv(0x30, &[tlv(0x02, modulus), tlv(0x02, &[1, 0, 1])].concat());
        tlv(
            0x30,
            &[alg, tlv(0x03, &[&[0u8][..], &key].concat())].concat(),
        )
    };
    let ec = |curve: &[u8]| {
        let alg = tlv(
            0x30,
            &[
                tlv(0x06, &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]),
                tlv(0x06, curve),
            ]
            .concat(),
        );
        let point = [&[0u8, 4][..], &[7u8; 64]].concat();
        tlv(0x30, &[alg, tlv(0x03, &point)].concat())
    };
    let modulus = |first: u8, rest: usize| [vec![first], vec![0x55; rest]].concat();
    // (case, SPKI DER, refusal or None)
    let table: Vec<(&str, Vec<u8>, Option<&str>)> = vec![
        (
            "RSA 2048",
            rsa(&[vec![0], modulus(0x80, 255)].concat()),
            None,
        ),
        (
            "RSA 2052: not a whole number of bytes",
            rsa(&modulus(0x0f, 256)),
            Some("RSA modulus of 2052 bits, not a whole number of bytes"),
        ),
        (
            "RSA 1024",
            rsa(&[vec![0], modulus(0x80, 127)].concat()),
            Some("RSA key of 1024 bits"),
        ),
        (
            "P-256",
            ec(&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]),
            None,
        ),
        (
            "P-192",
            ec(&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x01]),
            Some("ECDSA key on curve 1.2.840.10045.3.1.1"),
        ),
    ];
    for (case, der, want) in table {
        let (_, spki) = SubjectPublicKeyInfo::from_der(&der).unwrap();
        let got = unaccepted_key(&spki);
        match want {
            None => assert_eq!(got, None, "{case}"),
            Some(n) => assert!(
                got.as_deref().is_some_and(|g| g.contains(n)),
                "{case}: {got:?}"
            ),
        }
    }
}

#[test]
fn path_length_and_self_issued_certificates() {
    let r = root();
    // A pathLenConstraint in a CA certificate used as the leaf means nothing.
    let i = make(ca("Inter"), Some(&r));
    let mut p = ca("n1");
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    let l = make(p, Some(&i));
    assert_ok("pathLen in the leaf", &run(&l, &[&i], &[&r]));

    // A self-issued intermediate (a key rollover) does not count toward pathLenConstraint,
    // and is exempt from the name constraints above it (RFC 5280 6.1.4 (l), 6.1.3 (b)).
    let mut p = ca("Inter");
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    p.name_constraints = Some(NameConstraints {
        permitted_subtrees: vec![GeneralSubtree::DnsName("example.com".into())],
        excluded_subtrees: vec![],
    });
    let old = make(p, Some(&r));
    let mut p = ca("Inter");
    p.subject_alt_names = vec![SanType::DnsName("other.test".try_into().unwrap())];
    let new = make(p, Some(&old));
    let l = make(leaf("n1", &["a.example.com"]), Some(&new));
    let rep = run(&l, &[&new, &old], &[&r]);
    assert_ok("self-issued intermediate", &rep);
    assert!(
        row(&rep, "chain").detail.contains("self-issued"),
        "{:?}",
        row(&rep, "chain")
    );

    // A CA's name constraints do not apply to the CA itself.
    let mut p = ca("Inter");
    p.subject_alt_names = vec![SanType::DnsName("other.test".try_into().unwrap())];
    p.name_constraints = Some(NameConstraints {
        permitted_subtrees: vec![GeneralSubtree::DnsName("example.com".into())],
        excluded_subtrees: vec![],
    });
    let i = make(p, Some(&r));
    let l = make(leaf("n1", &["a.example.com"]), Some(&i));
    assert_ok("a CA's own names", &run(&l, &[&i], &[&r]));
}

#[test]
fn constraints_of_a_form_secctl_does_not_evaluate() {
    let r = root();
    // excludedSubtrees { otherName 1.2.3.4 "x" }, critical.
    let other = [
        0xa0, 0x0c, 0x06, 0x03, 0x2a, 0x03, 0x04, 0xa0, 0x05, 0x0c, 0x03, b'x', b'y', b'z',
    ];
    let subtree = [&[0x30, other.len() as u8][..], &other].concat();
    let excluded = [&[0xa1, subtree.len() as u8][..], &subtree].concat();
    let value = [&[0x30, excluded.len() as u8][..], &excluded].concat();
    let mut p = ca("Inter");
    let mut nc = CustomExtension::from_oid_content(&[2, 5, 29, 30], value);
    nc.set_criticality(true);
    p.custom_extensions = vec![nc];
    let i = make(p, Some(&r));
    let l = make(leaf("n1", &["a.test"]), Some(&i));
    assert_ok("no otherName in the leaf", &run(&l, &[&i], &[&r]));
    let mut p = leaf("n1", &["a.test"]);
    p.subject_alt_names.push(SanType::OtherName((
        vec![1, 2, 3, 4],
        rcgen::OtherNameValue::Utf8String("xyz".into()),
    )));
    let l = make(p, Some(&i));
    assert_refused(
        "an otherName in the leaf",
        &run(&l, &[&i], &[&r]),
        "a name of the form otherName",
    );
}

#[test]
fn a_time_between_two_seconds_is_the_first() {
    let r = root();
    let mut p = leaf("n1", &["a.test"]);
    let end = OffsetDateTime::from_unix_timestamp(1_711_929_600).unwrap();
    p.not_before = end - Duration::days(30);
    p.not_after = end;
    let l = make(p, Some(&r));
    let at = |d: Duration| run_at(&l, &[], &[&r], vec![], Some(end + d)).unwrap();
    assert!(row(&at(Duration::milliseconds(5)), "validity").ok);
    assert!(!row(&at(Duration::seconds(1)), "validity").ok);
}

#[test]
fn names_are_compared_as_rfc5280_says() {
    // The root's subject in PrintableString; the leaf names its issuer in UTF8String, in
    // another case and with other spaces; the CRL too.
    let mut p = ca("x");
    p.distinguished_name = DistinguishedName::new();
    p.distinguished_name.push(
        DnType::OrganizationName,
        DnValue::PrintableString("Prod".try_into().unwrap()),
    );
    p.distinguished_name.push(
        DnType::CommonName,
        DnValue::PrintableString("Root CA".try_into().unwrap()),
    );
    let r = make(p, None);
    let mut as_named = ca("x");
    as_named.distinguished_name = DistinguishedName::new();
    as_named
        .distinguished_name
        .push(DnType::OrganizationName, DnValue::Utf8String("PROD".into()));
    as_named
        .distinguished_name
        .push(DnType::CommonName, DnValue::Utf8String(" root  ca".into()));
    let issuer = Made {
        params: as_named,
        key: KeyPair::from_pem(&r.key.serialize_pem()).unwrap(),
        der: r.der.clone(),
    };
    let l = make(leaf("n1", &["a.test"]), Some(&issuer));
    let crl = crl_of(&issuer, &[], None);
    let rep = run_at(&l, &[], &[&r], vec![crl], None).unwrap();
    assert_ok("issuer named in another string type", &rep);
    assert_eq!(
        rep.revocation.status,
        RevocationStatus::Ok,
        "{:?}",
        rep.checks
    );

    // A directoryName constraint in PrintableString over a subject in UTF8String.
    let mut p = ca("Inter");
    p.name_constraints = Some(NameConstraints {
        permitted_subtrees: vec![GeneralSubtree::DirectoryName({
            let mut d = DistinguishedName::new();
            d.push(
                DnType::OrganizationName,
                DnValue::PrintableString("Prod".try_into().unwrap()),
            );
            d
        })],
        excluded_subtrees: vec![],
    });
    let i = make(p, Some(&r));
    let mut lp = leaf("n1", &["a.test"]);
    lp.distinguished_name = DistinguishedName::new();
    lp.distinguished_name
        .push(DnType::OrganizationName, DnValue::Utf8String("prod".into()));
    lp.distinguished_name.push(DnType::CommonName, "n1");
    let l = make(lp, Some(&i));
    assert_ok("directoryName constraint", &run(&l, &[&i], &[&r]));
}

#[test]
fn a_path_refused_for_its_rules_gives_way_to_another() {
    // Root A -> ICA_A (excludes bad.test) -> B' (SAN bad.test) -> leaf, and
    // Root B -> B'' (same name and key as B') -> leaf: B' violates ICA_A's constraints,
    // the path through B'' is valid (x509-limbo rfc5280::nc::nc-forbids-same-chain-ica).
    let ra = make(ca("Root A"), None);
    let rb = make(ca("Root B"), None);
    let ica = constrained("ICA A", &ra, &[], &["bad.test"]);
    let key_b = KeyPair::generate().unwrap();
    let mut pb = ca("B");
    pb.subject_alt_names = vec![SanType::DnsName("bad.test".try_into().unwrap())];
    let b1 = make_with(
        pb,
        KeyPair::from_pem(&key_b.serialize_pem()).unwrap(),
        Some(&ica),
    );
    let mut pb = ca("B");
    pb.subject_alt_names = vec![SanType::DnsName("z.test".try_into().unwrap())];
    let b2 = make_with(pb, key_b, Some(&rb));
    let l = make(leaf("n1", &["a.test"]), Some(&b1));
    let rep = run(&l, &[&b1, &ica, &b2], &[&ra, &rb]);
    assert_ok("the other path", &rep);
    assert!(row(&rep, "chain").detail.contains("anchored at CN=Root B"));
    // Without B'', the violation is the answer.
    assert_refused(
        "only the violating path",
        &run(&l, &[&b1, &ica], &[&ra, &rb]),
        "violates the name constraints of CN=ICA A",
    );
}

/// A CRL of `by` revoking `revoked`, with an optional issuingDistributionPoint.
fn crl_of(by: &Made, revoked: &[&Made], idp: Option<CrlIssuingDistributionPoint>) -> Vec<u8> {
    let now = OffsetDateTime::now_utc();
    let mut signer = by.params.clone();
    signer.key_usages = vec![];
    CertificateRevocationListParams {
        this_update: now - Duration::hours(1),
        next_update: now + Duration::days(1),
        crl_number: SerialNumber::from(1u64),
        issuing_distribution_point: idp,
        revoked_certs: revoked
            .iter()
            .map(|m| {
                let (_, c) = x509_parser::certificate::X509Certificate::from_der(&m.der).unwrap();
                RevokedCertParams {
                    serial_number: SerialNumber::from_slice(c.raw_serial()),
                    revocation_time: now - Duration::hours(2),
                    reason_code: None,
                    invalidity_date: None,
                }
            })
            .collect(),
        key_identifier_method: KeyIdMethod::Sha256,
    }
    .signed_by(&Issuer::from_params(&signer, &by.key))
    .unwrap()
    .der()
    .to_vec()
}

#[test]
fn a_crl_issuer_without_keyusage_and_one_unusable_crl_among_several() {
    let mut p = ca("Root");
    p.key_usages = vec![];
    let r = make(p, None);
    let l = make(leaf("n1", &["a.test"]), Some(&r));
    let good = crl_of(&r, &[], None);
    let rep = run_at(&l, &[], &[&r], vec![good.clone()], None).unwrap();
    assert_ok("CRL issuer without keyUsage", &rep);
    assert_eq!(rep.revocation.status, RevocationStatus::Ok);
    // A malformed CRL and a forged one (another key, the root's name) beside the good one:
    // warnings, and the good one is used.
    let forger = make(ca("Root"), None);
    let forged = crl_of(&forger, &[&l], None);
    let rep = run_at(
        &l,
        &[],
        &[&r],
        vec![r.der.clone(), forged.clone(), good],
        None,
    )
    .unwrap();
    assert_eq!(
        rep.revocation.status,
        RevocationStatus::Ok,
        "{:?}",
        rep.checks
    );
    assert!(
        rep.warnings
            .iter()
            .any(|w| w.contains("CRL 1 is malformed")),
        "{:?}",
        rep.warnings
    );
    // Alone, the forged CRL is still an error naming it (exit 2).
    let e = run_at(&l, &[], &[&r], vec![forged], None).unwrap_err();
    assert!(e.to_string().contains("not signed by that CA's key"), "{e}");
}

#[test]
fn a_crl_proves_not_revoked_only_when_complete_for_the_certificate() {
    let r = root();
    let i = make(ca("Inter"), Some(&r));
    let dp = |uri: &str| CrlDistributionPoint {
        uris: vec![uri.into()],
    };
    let mut lp = leaf("n1", &["a.test"]);
    lp.crl_distribution_points = vec![dp("http://crl.test/inter.crl")];
    let l = make(lp, Some(&i));
    let leaf_without_dp = make(leaf("n2", &["a.test"]), Some(&i));
    let inter_crl = |scope, uri: &str| {
        crl_of(
            &i,
            &[],
            Some(CrlIssuingDistributionPoint {
                distribution_point: dp(uri),
                scope,
            }),
        )
    };
    let status = |leaf: &Made, crls: Vec<Vec<u8>>| {
        let rep = run_at(leaf, &[&i], &[&r], crls, None).unwrap();
        (rep.revocation.status, rep.revocation.detail)
    };
    /// (case, leaf, CRL of the intermediate, CRL of the root, expected status, needle)
    type Row<'a> = (
        &'a str,
        &'a Made,
        Vec<u8>,
        Vec<u8>,
        RevocationStatus,
        &'a str,
    );
    let full_root = crl_of(&r, &[], None);
    let table: Vec<Row<'_>> = vec![
        (
            "full CRLs",
            &l,
            crl_of(&i, &[], None),
            full_root.clone(),
            RevocationStatus::Ok,
            "not revoked",
        ),
        (
            "the distribution point the leaf names",
            &l,
            inter_crl(None, "http://crl.test/inter.crl"),
            full_root.clone(),
            RevocationStatus::Ok,
            "not revoked",
        ),
        (
            "another distribution point",
            &l,
            inter_crl(None, "http://crl.test/other.crl"),
            full_root.clone(),
            RevocationStatus::NotChecked,
            "does not cover it",
        ),
        (
            "a distribution point, the leaf names none",
            &leaf_without_dp,
            inter_crl(None, "http://crl.test/inter.crl"),
            full_root.clone(),
            RevocationStatus::NotChecked,
            "does not cover it",
        ),
        (
            "CA certificates only, for a leaf",
            &l,
            inter_crl(Some(CrlScope::CaCertsOnly), "http://crl.test/inter.crl"),
            full_root.clone(),
            RevocationStatus::NotChecked,
            "onlyContainsCACerts",
        ),
        (
            "user certificates only, for the intermediate",
            &l,
            crl_of(&i, &[], None),
            crl_of(
                &r,
                &[],
                Some(CrlIssuingDistributionPoint {
                    distribution_point: dp("http://crl.test/root.crl"),
                    scope: Some(CrlScope::UserCertsOnly),
                }),
            ),
            RevocationStatus::NotChecked,
            "onlyContainsUserCerts",
        ),
        (
            "revoked in a CRL of another scope: revoked",
            &l,
            crl_of(
                &i,
                &[&l],
                Some(CrlIssuingDistributionPoint {
                    distribution_point: dp("http://crl.test/other.crl"),
                    scope: None,
                }),
            ),
            full_root.clone(),
            RevocationStatus::Revoked,
            "revoked at",
        ),
    ];
    for (case, leaf, inter, root_crl, want, needle) in table {
        let (got, detail) = status(leaf, vec![inter, root_crl]);
        assert!(
            got == want && detail.contains(needle),
            "{case}: {got:?} {detail}"
        );
    }
}

/// A CRL of `by`, assembled here because rcgen cannot write an entry extension: entries
/// (serial, whether that entry carries an unknown critical extension), signed with `by`'s
/// key (ECDSA P-256 with SHA-256, rcgen's default key).
fn crl_with_entry_extensions(by: &Made, entries: &[(&[u8], bool)]) -> Vec<u8> {
    fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![tag];
        match body.len() {
            n if n < 128 => v.push(n as u8),
            n if n < 256 => v.extend([0x81, n as u8]),
            n => v.extend([0x82, (n >> 8) as u8, n as u8]),
        }
        v.extend_from_slice(body);
        v
    }
    let (_, ca) = x509_parser::certificate::X509Certificate::from_der(&by.der).unwrap();
    let alg = tlv(
        0x30,
        &tlv(0x06, &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]),
    );
    let time = |t: OffsetDateTime| {
        let f = time::macros::format_description!(
            "[year repr:last_two][month][day][hour][minute][second]Z"
        );
        tlv(0x17, t.format(&f).unwrap().as_bytes())
    };
    let now = OffsetDateTime::now_utc();
    let mut revoked = Vec::new();
    for (serial, bad) in entries {
        let mut e = [tlv(0x02, serial), time(now - Duration::hours(2))].concat();
        if *bad {
            // Extension 1.2.3.4, critical, value NULL.
            let ext = tlv(
                0x30,
                &[
                    tlv(0x06, &[0x2a, 0x03, 0x04]),
                    vec![0x01, 0x01, 0xff],
                    tlv(0x04, &[0x05, 0x00]),
                ]
                .concat(),
            );
            e.extend(tlv(0x30, &ext));
        }
        revoked.extend(tlv(0x30, &e));
    }
    let number = tlv(
        0x30,
        &[
            tlv(0x06, &[0x55, 0x1d, 0x14]),
            tlv(0x04, &[0x02, 0x01, 0x01]),
        ]
        .concat(),
    );
    let tbs = tlv(
        0x30,
        &[
            vec![0x02, 0x01, 0x01],
            alg.clone(),
            ca.subject().as_raw().to_vec(),
            time(now - Duration::hours(1)),
            time(now + Duration::days(1)),
            tlv(0x30, &revoked),
            tlv(0xa0, &tlv(0x30, &number)),
        ]
        .concat(),
    );
    let sig = by.key.sign(&tbs).unwrap();
    tlv(
        0x30,
        &[tbs, alg, tlv(0x03, &[&[0u8][..], &sig].concat())].concat(),
    )
}

#[test]
fn an_entry_secctl_cannot_read_makes_the_crl_incomplete() {
    let r = root();
    let l = make(leaf("n1", &["a.test"]), Some(&r));
    let (_, c) = x509_parser::certificate::X509Certificate::from_der(&l.der).unwrap();
    let serial = c.raw_serial().to_vec();
    let status = |crl: Vec<u8>| run_at(&l, &[], &[&r], vec![crl], None).unwrap().revocation;
    // Assembled right: a clean CRL without the leaf is complete.
    let clean = status(crl_with_entry_extensions(&r, &[(&[0x42], false)]));
    assert_eq!(clean.status, RevocationStatus::Ok, "{}", clean.detail);
    // Another certificate's entry with an unknown critical extension: not checked (it used
    // to read as "not revoked").
    let other = status(crl_with_entry_extensions(&r, &[(&[0x42], true)]));
    assert_eq!(
        other.status,
        RevocationStatus::NotChecked,
        "{}",
        other.detail
    );
    assert!(
        other.detail.contains("an entry is unusable"),
        "{}",
        other.detail
    );
    // The leaf listed before it: revoked wins.
    let listed = status(crl_with_entry_extensions(
        &r,
        &[(&serial, false), (&[0x42], true)],
    ));
    assert_eq!(
        listed.status,
        RevocationStatus::Revoked,
        "{}",
        listed.detail
    );
}

#[test]
fn name_constraints_have_a_budget() {
    // 500 names under 600 constraints: 300,000 comparisons, over the budget of 250,000 (a
    // hostile pair is refused in milliseconds rather than checked for seconds).
    let r = root();
    let permitted: Vec<String> = (0..600).map(|n| format!("t{n}.test")).collect();
    let i = constrained(
        "Inter",
        &r,
        &permitted.iter().map(String::as_str).collect::<Vec<_>>(),
        &[],
    );
    let names: Vec<String> = (0..500).map(|n| format!("t{n}.test")).collect();
    let l = make(
        leaf("n1", &names.iter().map(String::as_str).collect::<Vec<_>>()),
        Some(&i),
    );
    let started = std::time::Instant::now();
    assert_refused(
        "over the budget",
        &run(&l, &[&i], &[&r]),
        "over 250000 comparisons of names with the name constraints of CN=Inter",
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // 100 names: within it, and permitted.
    let l = make(
        leaf(
            "n1",
            &names[..100].iter().map(String::as_str).collect::<Vec<_>>(),
        ),
        Some(&i),
    );
    assert_ok("within the budget", &run(&l, &[&i], &[&r]));
}

#[test]
fn a_root_that_breaks_a_rule_is_judged_a_leaf_given_as_ca_is_not() {
    // A root with keyCertSign and no basicConstraints: refused with the rule (exit 1).
    let mut p = ca("Root");
    p.is_ca = IsCa::NoCa;
    let r = make(p, None);
    let l = make(leaf("n1", &["a.test"]), Some(&r));
    let rep = run(&l, &[], &[&r]);
    assert!(!row(&rep, "chain").ok);
    assert!(
        rep.findings
            .iter()
            .any(|f| f.depth == 1 && f.detail.contains("not a CA: no basicConstraints")),
        "{:?}",
        rep.findings
    );
    // A self-signed server certificate given as --ca: a usage error (exit 2).
    let s = make(leaf("srv", &["a.test"]), None);
    let e = run_at(&s, &[], &[&s], vec![], None).unwrap_err();
    assert!(e.to_string().contains("is not a CA certificate"), "{e}");
}
