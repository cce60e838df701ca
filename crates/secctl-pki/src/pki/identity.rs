//! The one identity rule: who a certificate names and in which role. `serve --allow-role`
//! and `verify --role` both call [`establish`], so a certificate is never one role for the
//! server and another for the verifier.
//!
//! secctl issues `CN=NAME, OU=ROLE, O=CLUSTER` with the URI SAN
//! `spiffe://TRUST-DOMAIN/ROLE/NAME`. A certificate has a role only when all of this holds:
//!
//! - exactly one CN and exactly one OU in the subject (several OUs are refused: which one
//!   would be the role is a matter of opinion between programs);
//! - exactly one SPIFFE id among the URI SANs (as the SPIFFE X.509-SVID standard requires),
//!   of the form `spiffe://TRUST-DOMAIN/ROLE/NAME`: lowercase trust domain, two path
//!   segments of letters, digits, '-', '_' and '.', no query, fragment, port or user part;
//! - its trust domain is the cluster's (the state directory's, or the one given);
//! - its ROLE is the OU and its NAME the CN.
//!
//! Anything else has no role: the reason is returned, with every string taken from the
//! certificate quoted and escaped (`{:?}`), so it can be printed as it is.

use x509_parser::prelude::*;

use super::names;

/// A name and a role established by [`establish`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Established {
    /// The CN, also the SPIFFE id's last segment.
    pub name: String,
    /// The OU, also the SPIFFE id's first segment.
    pub role: String,
    /// The SPIFFE id.
    pub spiffe_id: String,
}

/// Establish the name and role of a certificate (DER) under the identity rule, for the
/// SPIFFE trust domain `trust_domain`. `Err` says why the certificate has no role.
pub fn establish(der: &[u8], trust_domain: &str) -> Result<Established, String> {
    let (_, cert) = X509Certificate::from_der(der)
        .map_err(|e| format!("not a valid X.509 certificate ({e})"))?;
    let subject = cert.subject();
    let strings = |it: &mut dyn Iterator<Item = &AttributeTypeAndValue<'_>>,
                   what: &str|
     -> Result<Vec<String>, String> {
        it.map(|a| {
            a.as_str()
                .map(str::to_owned)
                .map_err(|_| format!("its {what} is not a string"))
        })
        .collect()
    };
    let cns = strings(&mut subject.iter_common_name(), "CN")?;
    let ous = strings(&mut subject.iter_organizational_unit(), "OU")?;
    let name = match cns.as_slice() {
        [one] => one.clone(),
        [] => return Err("the certificate has no CN".into()),
        many => return Err(format!("the certificate has {} CNs: {many:?}", many.len())),
    };
    let role = match ous.as_slice() {
        [one] => one.clone(),
        [] => return Err("the certificate has no OU (role)".into()),
        many => {
            return Err(format!(
                "the certificate has {} OUs {many:?}: a role must be one OU",
                many.len()
            ))
        }
    };
    let san = cert
        .subject_alternative_name()
        .map_err(|e| format!("malformed subjectAltName ({e})"))?;
    let spiffe: Vec<&str> = san
        .iter()
        .flat_map(|s| s.value.general_names.iter())
        .filter_map(|n| match n {
            GeneralName::URI(u)
                if u.get(..9)
                    .is_some_and(|p| p.eq_ignore_ascii_case("spiffe://")) =>
            {
                Some(*u)
            }
            _ => None,
        })
        .collect();
    let id = match spiffe.as_slice() {
        [one] => *one,
        [] => return Err(format!("OU={role:?} but the certificate has no SPIFFE id")),
        many => {
            return Err(format!(
                "the certificate has {} SPIFFE ids {many:?}: an identity has one",
                many.len()
            ))
        }
    };
    let (td, id_role, id_name) = parse_spiffe(id)?;
    if td != trust_domain {
        return Err(format!(
            "SPIFFE id {id:?} is in trust domain {td:?}, not the cluster's {trust_domain:?}"
        ));
    }
    if id_role != role {
        return Err(format!(
            "OU={role:?} but SPIFFE id {id:?} names role {id_role:?}"
        ));
    }
    if id_name != name {
        return Err(format!(
            "CN={name:?} but SPIFFE id {id:?} names {id_name:?}"
        ));
    }
    Ok(Established {
        name,
        role,
        spiffe_id: id.to_string(),
    })
}

/// `spiffe://TD/ROLE/NAME` into its three parts, each checked as secctl issues them.
fn parse_spiffe(id: &str) -> Result<(&str, &str, &str), String> {
    let bad = |why: &str| {
        Err(format!(
            "SPIFFE id {id:?} is not spiffe://TRUST-DOMAIN/ROLE/NAME: {why}"
        ))
    };
    let Some(rest) = id.strip_prefix("spiffe://") else {
        return bad("the scheme must be lowercase \"spiffe\"");
    };
    let mut parts = rest.split('/');
    let (Some(td), Some(role), Some(name), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return bad("it needs exactly two path segments");
    };
    if names::check_trust_domain(td).is_err() {
        return bad("invalid trust domain");
    }
    if names::check_role_chars(role).is_err() || names::check_name("name", name).is_err() {
        return bad("invalid path segment");
    }
    Ok((td, role, name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, SanType};

    fn cert(cn: &[&str], ous: &[&str], uris: &[&str]) -> Vec<u8> {
        let mut p = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        for c in cn {
            dn.push(DnType::CommonName, *c);
        }
        // A DistinguishedName holds one value per type: the second OU goes in under the
        // same OID spelled as a custom type.
        for (i, ou) in ous.iter().enumerate() {
            let t = if i == 0 {
                DnType::OrganizationalUnitName
            } else {
                DnType::CustomDnType(vec![2, 5, 4, 11])
            };
            dn.push(t, *ou);
        }
        p.distinguished_name = dn;
        p.subject_alt_names = uris
            .iter()
            .map(|u| SanType::URI((*u).try_into().unwrap()))
            .collect();
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        p.self_signed(&key).unwrap().der().to_vec()
    }

    #[test]
    fn the_rule() {
        let td = "prod.local";
        let ok = cert(
            &["rails"],
            &["gitlab"],
            &["spiffe://prod.local/gitlab/rails"],
        );
        assert_eq!(
            establish(&ok, td).unwrap(),
            Established {
                name: "rails".into(),
                role: "gitlab".into(),
                spiffe_id: "spiffe://prod.local/gitlab/rails".into()
            }
        );
        for (c, why) in [
            (
                cert(
                    &["rails"],
                    &["gitlab"],
                    &["spiffe://other.local/gitlab/rails"],
                ),
                "trust domain \"other.local\"",
            ),
            (
                cert(
                    &["rails"],
                    &["gitlab"],
                    &["spiffe://prod.local/admin/rails"],
                ),
                "names role \"admin\"",
            ),
            (
                cert(&["rails"], &["gitlab"], &["spiffe://prod.local/gitlab/ops"]),
                "names \"ops\"",
            ),
            (
                cert(
                    &["rails"],
                    &["gitlab", "admin"],
                    &["spiffe://prod.local/gitlab/rails"],
                ),
                "2 OUs",
            ),
            (
                cert(&["rails"], &[], &["spiffe://prod.local/gitlab/rails"]),
                "no OU",
            ),
            (cert(&["rails"], &["gitlab"], &[]), "no SPIFFE id"),
            (
                cert(
                    &["rails"],
                    &["gitlab"],
                    &[
                        "spiffe://prod.local/gitlab/rails",
                        "spiffe://prod.local/admin/rails",
                    ],
                ),
                "2 SPIFFE ids",
            ),
            (
                cert(
                    &["rails"],
                    &["gitlab"],
                    &["SPIFFE://prod.local/gitlab/rails"],
                ),
                "lowercase",
            ),
            (
                cert(
                    &["rails"],
                    &["gitlab"],
                    &["spiffe://prod.local/gitlab/rails/x"],
                ),
                "two path segments",
            ),
            (
                cert(
                    &["rails"],
                    &["gitlab"],
                    &["spiffe://prod.local:1/gitlab/rails"],
                ),
                "invalid trust domain",
            ),
            (
                cert(
                    &["rails"],
                    &["git\u{1b}[2J"],
                    &["spiffe://prod.local/gitlab/rails"],
                ),
                "\\u{1b}",
            ),
            (
                cert(&[], &["gitlab"], &["spiffe://prod.local/gitlab/rails"]),
                "no CN",
            ),
        ] {
            let e = establish(&c, td).unwrap_err();
            assert!(e.contains(why), "{e:?} lacks {why:?}");
            assert!(!e.contains('\u{1b}'), "{e:?}");
        }
        assert!(establish(b"garbage", td).is_err());
    }
}
