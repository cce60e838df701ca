//! What `store check` and `check` say of the trust a state hands out: a root in `ca.crt`
//! that the current root does not vouch for, a CRL in `crl.pem` that no CA of the state
//! signed or whose number went back.

use crate::pki::ca;
use crate::pki::store::Store;
use crate::pki::trust;

/// One finding: which file (`ca.crt`, `crl.pem`) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `bundle` or `crl`.
    pub area: &'static str,
    /// One line naming the certificate or CRL and why.
    pub problem: String,
}

fn certs_of(store: &Store, path: &std::path::Path) -> Vec<Vec<u8>> {
    crate::pki::pemfile::read_in(store.files(), path, "CERTIFICATE", "certificate")
        .unwrap_or_default()
}

/// Audit the trust bundle and the published CRL of `store`.
pub fn trust_findings(store: &Store) -> Vec<Finding> {
    let mut out = vec![];
    let Ok(gens) = ca::generations(store) else {
        return out;
    };
    let Some(current) = gens.iter().find(|g| g.current) else {
        return out;
    };
    let anchor = certs_of(store, &current.dir.join("root.crt"));
    let bundle_path = store.path("ca.crt");
    let bundle = certs_of(store, &bundle_path);
    let endorsements = trust::endorsements(store.files(), &store.ca_dir());
    for i in trust::unvouched(&bundle, &anchor, &endorsements) {
        let der = &bundle[i];
        let subject = crate::pki::inspect::CertInfo::from_der("ca.crt", der)
            .map(|c| c.subject)
            .unwrap_or_else(|_| "an unreadable certificate".into());
        out.push(Finding {
            area: "bundle",
            problem: format!(
                "{} holds the root {subject} (SHA-256 {}) that the current root does not endorse: \
                 nodes that pin their roots refuse it; if it was not made by `ca rotate` of this CA, \
                 someone else put it there (remove it from the bundle)",
                store.shown("ca.crt"),
                trust::sha256_hex(der)
            ),
        });
    }
    out.extend(crl_findings(store, &gens));
    out
}

fn crl_findings(store: &Store, gens: &[ca::Generation]) -> Vec<Finding> {
    use x509_parser::prelude::FromDer;
    use x509_parser::revocation_list::CertificateRevocationList;
    let mut out = vec![];
    let crl_path = store.path("crl.pem");
    let Ok(crls) = crate::pki::pemfile::read_in(store.files(), &crl_path, "X509 CRL", "CRL") else {
        return out;
    };
    let mut signers: Vec<Vec<u8>> = vec![];
    for g in gens {
        signers.extend(certs_of(store, &g.dir.join("root.crt")));
        let inter = g.dir.join("intermediate.crt");
        if inter.exists() {
            signers.extend(certs_of(store, &inter));
        }
    }
    let last = crate::revocation::last_number(store);
    let shown = store.shown("crl.pem");
    for der in &crls {
        let Ok((_, crl)) = CertificateRevocationList::from_der(der) else {
            out.push(Finding {
                area: "crl",
                problem: format!("{shown} holds an unreadable CRL"),
            });
            continue;
        };
        let issuer = crl.issuer().to_string();
        let signed = signers.iter().any(|s| {
            x509_parser::parse_x509_certificate(s).is_ok_and(|(_, c)| {
                c.subject().as_raw() == crl.issuer().as_raw()
                    && crl.verify_signature(c.public_key()).is_ok()
            })
        });
        if !signed {
            out.push(Finding {
                area: "crl",
                problem: format!(
                    "{shown}: the CRL of {issuer} is not signed by any CA of this state (a foreign key signed it)"
                ),
            });
            continue;
        }
        let number = crl.crl_number().and_then(|n| u64::try_from(n).ok());
        if let (Some(n), Some(last)) = (number, last) {
            if n < last {
                out.push(Finding {
                    area: "crl",
                    problem: format!(
                        "{shown}: the CRL of {issuer} is number {n}, below number {last} published last: \
                         an older CRL was put back (run `secctl crl`)"
                    ),
                });
            }
        }
    }
    out
}
