//! Distinguished names compared as RFC 5280 7.1 says: RDN by RDN, the attributes of an RDN
//! as a set, and the values of string attributes after the basics of the LDAP string
//! preparation of RFC 4518 (transcoded to Unicode whatever their ASN.1 string type, so that a
//! PrintableString and a UTF8String of the same text are equal; case folded; leading and
//! trailing spaces removed and inner runs of spaces reduced to one). Values of other types
//! are equal only byte for byte.
//!
//! Used wherever a path is built or checked by name: an issuer matched with a subject, a
//! self-issued certificate, the issuer of a CRL, and directoryName name constraints.

use x509_parser::asn1_rs::{Any, Tag};
use x509_parser::prelude::*;
use x509_parser::x509::{AttributeTypeAndValue, RelativeDistinguishedName};

/// Whether two names are the same name (RFC 5280 7.1).
pub fn names_equal(a: &X509Name<'_>, b: &X509Name<'_>) -> bool {
    if a.as_raw() == b.as_raw() {
        return true;
    }
    let (ra, rb): (Vec<_>, Vec<_>) = (a.iter().collect(), b.iter().collect());
    ra.len() == rb.len() && ra.iter().zip(&rb).all(|(x, y)| rdn_equal(x, y))
}

/// Whether `name` lies within the subtree `base` (a directoryName constraint, RFC 5280
/// 4.2.1.10): the RDNs of `base` are the first RDNs of `name`.
pub fn name_within(name: &X509Name<'_>, base: &X509Name<'_>) -> bool {
    let (rn, rb): (Vec<_>, Vec<_>) = (name.iter().collect(), base.iter().collect());
    rb.len() <= rn.len() && rb.iter().zip(&rn).all(|(b, n)| rdn_equal(b, n))
}

/// Two RDNs are equal when they have the same attributes, in any order.
fn rdn_equal(a: &RelativeDistinguishedName<'_>, b: &RelativeDistinguishedName<'_>) -> bool {
    let (va, vb): (Vec<_>, Vec<_>) = (a.iter().collect(), b.iter().collect());
    if va.len() != vb.len() {
        return false;
    }
    let mut used = vec![false; vb.len()];
    va.iter().all(|x| {
        let hit = vb
            .iter()
            .enumerate()
            .find(|(i, y)| !used[*i] && ava_equal(x, y))
            .map(|(i, _)| i);
        hit.map(|i| used[i] = true).is_some()
    })
}

fn ava_equal(a: &AttributeTypeAndValue<'_>, b: &AttributeTypeAndValue<'_>) -> bool {
    a.attr_type() == b.attr_type() && value_equal(a.attr_value(), b.attr_value())
}

fn value_equal(a: &Any<'_>, b: &Any<'_>) -> bool {
    if a.tag() == b.tag() && a.data == b.data {
        return true;
    }
    match (prepared(a), prepared(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// The text of a string value, prepared for comparison; `None` for a value that is not a
/// string (or not a well-formed one), which then compares byte for byte.
fn prepared(v: &Any<'_>) -> Option<String> {
    let d: &[u8] = v.data;
    let text: String = match v.tag() {
        Tag::Utf8String => std::str::from_utf8(d).ok()?.to_string(),
        Tag::PrintableString | Tag::Ia5String | Tag::VisibleString | Tag::NumericString => {
            if !d.is_ascii() {
                return None;
            }
            std::str::from_utf8(d).ok()?.to_string()
        }
        // T.61 in practice carries ISO 8859-1.
        Tag::TeletexString => d.iter().map(|&b| b as char).collect(),
        Tag::BmpString => {
            if !d.len().is_multiple_of(2) {
                return None;
            }
            let units = d.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()?
        }
        Tag::UniversalString => {
            if !d.len().is_multiple_of(4) {
                return None;
            }
            d.chunks(4)
                .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                .collect::<Option<String>>()?
        }
        _ => return None,
    };
    Some(prepare(&text))
}

/// RFC 4518 basics: case folded, insignificant spaces removed (leading, trailing, and runs
/// inside reduced to one space).
fn prepare(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One attribute: OID bytes, ASN.1 string tag, value.
    type Attr<'a> = (&'a [u8], u8, &'a [u8]);

    /// A Name DER from the attributes of each RDN.
    fn name(rdns: &[&[Attr<'_>]]) -> Vec<u8> {
        fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
            assert!(body.len() < 128);
            let mut v = vec![tag, body.len() as u8];
            v.extend_from_slice(body);
            v
        }
        let mut seq = Vec::new();
        for rdn in rdns {
            let mut set = Vec::new();
            for (oid, tag, value) in rdn.iter() {
                let mut ava = tlv(0x06, oid);
                ava.extend(tlv(*tag, value));
                set.extend(tlv(0x30, &ava));
            }
            seq.extend(tlv(0x31, &set));
        }
        tlv(0x30, &seq)
    }

    const CN: &[u8] = &[0x55, 0x04, 0x03];
    const O: &[u8] = &[0x55, 0x04, 0x0a];
    const UTF8: u8 = 0x0c;
    const PRINTABLE: u8 = 0x13;
    const BMP: u8 = 0x1e;

    fn eq(a: &[u8], b: &[u8]) -> bool {
        let (_, a) = X509Name::from_der(a).unwrap();
        let (_, b) = X509Name::from_der(b).unwrap();
        names_equal(&a, &b)
    }

    #[test]
    fn rfc5280_7_1_comparison() {
        let utf8 = name(&[&[(O, UTF8, b"Prod")], &[(CN, UTF8, b"Root CA")]]);
        // (case, other name, equal)
        let table: &[(&str, Vec<u8>, bool)] = &[
            (
                "PrintableString and UTF8String",
                name(&[&[(O, PRINTABLE, b"Prod")], &[(CN, PRINTABLE, b"Root CA")]]),
                true,
            ),
            (
                "case",
                name(&[&[(O, UTF8, b"PROD")], &[(CN, UTF8, b"root ca")]]),
                true,
            ),
            (
                "insignificant spaces",
                name(&[&[(O, UTF8, b" Prod ")], &[(CN, UTF8, b"Root   CA")]]),
                true,
            ),
            (
                "BMPString",
                name(&[
                    &[(O, BMP, &[0, b'P', 0, b'r', 0, b'o', 0, b'd'])],
                    &[(CN, UTF8, b"Root CA")],
                ]),
                true,
            ),
            (
                "another value",
                name(&[&[(O, UTF8, b"Prod")], &[(CN, UTF8, b"Root CB")]]),
                false,
            ),
            (
                "a space that separates words is significant",
                name(&[&[(O, UTF8, b"Prod")], &[(CN, UTF8, b"RootCA")]]),
                false,
            ),
            (
                "RDNs in another order",
                name(&[&[(CN, UTF8, b"Root CA")], &[(O, UTF8, b"Prod")]]),
                false,
            ),
            (
                "one RDN more",
                name(&[
                    &[(O, UTF8, b"Prod")],
                    &[(CN, UTF8, b"Root CA")],
                    &[(CN, UTF8, b"x")],
                ]),
                false,
            ),
            (
                "another attribute type",
                name(&[&[(CN, UTF8, b"Prod")], &[(CN, UTF8, b"Root CA")]]),
                false,
            ),
        ];
        for (case, other, want) in table {
            assert_eq!(eq(&utf8, other), *want, "{case}");
            assert_eq!(eq(other, &utf8), *want, "{case} (swapped)");
        }
        // A multi-valued RDN is a set: its attributes in any order.
        let ab = name(&[&[(O, UTF8, b"Prod"), (CN, UTF8, b"a")]]);
        let ba = name(&[&[(CN, PRINTABLE, b"A"), (O, UTF8, b"prod")]]);
        assert!(eq(&ab, &ba));
    }

    #[test]
    fn directory_name_subtrees() {
        let within = |n: &[u8], b: &[u8]| {
            let (_, n) = X509Name::from_der(n).unwrap();
            let (_, b) = X509Name::from_der(b).unwrap();
            name_within(&n, &b)
        };
        let subject = name(&[&[(O, UTF8, b"Prod")], &[(CN, UTF8, b"n1")]]);
        assert!(within(&subject, &name(&[&[(O, PRINTABLE, b"prod")]])));
        assert!(within(&subject, &name(&[])));
        assert!(!within(&subject, &name(&[&[(O, UTF8, b"Dev")]])));
        assert!(!within(&name(&[&[(O, UTF8, b"Prod")]]), &subject));
    }
}
