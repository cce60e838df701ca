//! Expectations per protocol (`probe --inventory`): a pure comparison of a target's rows
//! with what the inventory says each protocol must show.

use super::report::{TargetReport, Transport, PROTOCOLS};
use super::row::Row;
use super::verdict::ClientAuth;

/// Values of `tls:`.
pub const TLS_VALUES: [&str; 3] = ["required", "optional", "none"];
/// Values of `client_cert:`.
pub const CLIENT_CERT_VALUES: [&str; 3] = ["required", "optional", "none"];

/// What one protocol must show.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtocolExpect {
    /// `required`: served over TLS and never in plaintext; `optional`: served over TLS
    /// (plaintext allowed); `none`: served in plaintext.
    #[serde(default)]
    pub tls: Option<String>,
    /// `required`: every TLS row that serves it refuses a client without a certificate
    /// (in the handshake or in the protocol's answer) and refuses an untrusted one;
    /// `optional`: a certificate is asked for, not demanded; `none`: not asked for.
    #[serde(default)]
    pub client_cert: Option<String>,
}

fn rows<'a>(r: &'a TargetReport, names: &[Row]) -> Vec<&'a Transport> {
    r.transports
        .iter()
        .filter(|t| names.contains(&t.transport))
        .collect()
}

/// How `r` differs from what protocol `proto` must show, in words (empty: as expected).
pub fn differences(r: &TargetReport, proto: &str, e: &ProtocolExpect) -> Vec<String> {
    let Some(p) = PROTOCOLS.iter().find(|p| p.key == proto) else {
        return vec![format!("{proto}: not a protocol secctl checks")];
    };
    let (plain, tls) = (p.plain, p.tls);
    let plain: Vec<&Transport> = rows(r, plain).into_iter().filter(|t| t.served).collect();
    // Over TLS, the protocol is there when it answered, or when the port demanded a
    // certificate before anything could answer (no identity the probe had got further).
    let tls: Vec<&Transport> = rows(r, tls).into_iter().filter(|t| t.reached()).collect();
    let names = |v: &[&Transport]| {
        v.iter()
            .map(|t| t.transport.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = Vec::new();
    match e.tls.as_deref() {
        Some("required") | Some("optional") if tls.is_empty() => {
            out.push(format!(
                "{proto}: not served over TLS, expected TLS {}",
                e.tls.as_deref().unwrap_or_default()
            ));
        }
        Some("required") if !plain.is_empty() => {
            out.push(format!(
                "{proto}: plaintext served ({}), expected TLS required",
                names(&plain)
            ));
        }
        Some("none") if plain.is_empty() => {
            out.push(format!(
                "{proto}: not served in plaintext, expected TLS none"
            ));
        }
        _ => {}
    }
    if let Some(want) = e.client_cert.as_deref() {
        if tls.is_empty() {
            if e.tls.is_none() {
                out.push(format!(
                    "{proto}: not served over TLS, expected client_cert {want}"
                ));
            }
        } else {
            for t in &tls {
                let got = match t.client_auth {
                    ClientAuth::Required | ClientAuth::PerRequest => "required",
                    other => other.as_str(),
                };
                if got != want {
                    out.push(format!(
                        "{proto}: client_cert is {} on {}, expected {want}",
                        t.client_auth, t.transport
                    ));
                } else if want == "required" && t.untrusted_client_accepted {
                    out.push(format!(
                        "{proto}: an untrusted client certificate is accepted on {}, expected client_cert required",
                        t.transport
                    ));
                }
            }
        }
    }
    out
}
