//! What `verify HOST:PORT --cert` concludes about the given certificate: a pure function
//! of the typed rows [`super::classify`] made from the observations, so `probe` and
//! `verify` share one classifier and nothing re-reads rendered text.

use super::report::{ProtocolRows, Transport};
use super::verdict::{ClientAuth, GivenCert};

/// The verdict on the given certificate, with what it rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GivenVerdict {
    /// A request of the protocol made with it was answered (on `row`).
    Answered {
        /// The row that answered.
        row: String,
    },
    /// No protocol secctl speaks was checked; the TLS layer showed the server let it in
    /// (a TLS 1.2 Finished, or a session ticket or data after it in TLS 1.3).
    AdmittedByTls,
    /// Refused (on `row`), or on a row of the protocol it could not be checked.
    Failed {
        /// What the row says of the certificate.
        given: GivenCert,
        /// The row.
        row: String,
    },
    /// No row of the protocol asked for a client certificate.
    NotRequested,
    /// The protocol did not answer with it; what the TLS layer said (None: no session).
    NoAnswer {
        /// The protocol's name.
        protocol: String,
        /// The handshake row's `given_cert`.
        tls: Option<GivenCert>,
    },
    /// Plain TLS: the TLS layer did not show the server's verdict.
    NotCheckedAtTls(GivenCert),
    /// Plain TLS: no TLS session with it.
    NoSession,
}

impl GivenVerdict {
    /// Whether the check passes.
    pub fn ok(&self) -> bool {
        matches!(
            self,
            GivenVerdict::Answered { .. } | GivenVerdict::AdmittedByTls
        )
    }

    /// The check's detail, in words.
    pub fn detail(&self) -> String {
        match self {
            GivenVerdict::Answered { row } => format!("accepted: answered over {row}"),
            GivenVerdict::AdmittedByTls => {
                "accepted at the TLS layer (no protocol secctl speaks was checked; the server \
                 let it in: a TLS 1.2 Finished, or a session ticket or data after it in TLS 1.3)"
                    .to_string()
            }
            GivenVerdict::Failed { given, row } => format!("{given} ({row})"),
            GivenVerdict::NotRequested => {
                "the server did not ask for a client certificate".to_string()
            }
            GivenVerdict::NoAnswer { protocol, tls } => format!(
                "not checked: {protocol} did not answer with it ({})",
                tls.as_ref()
                    .map_or_else(|| "no TLS session".to_string(), |g| g.to_string())
            ),
            GivenVerdict::NotCheckedAtTls(g @ GivenCert::NotChecked(_)) => g.to_string(),
            GivenVerdict::NotCheckedAtTls(g) => {
                format!("not checked: no answer with it ({g} at the TLS layer)")
            }
            GivenVerdict::NoSession => "not checked: no TLS session with it".to_string(),
        }
    }
}

/// The verdict on the given certificate from the rows of the protocol checked: refused
/// anywhere fails; accepted needs the protocol's answer with it. For plain TLS (no
/// application rows), the TLS layer's admission. None when a row is missing.
pub fn given_verdict(rows: &[Transport], p: ProtocolRows) -> Option<GivenVerdict> {
    let row = |n: &str| rows.iter().find(|t| t.transport == n);
    let tls = row(p.handshake)?;
    let app_rows = p.tls.iter().map(|n| row(n)).collect::<Option<Vec<_>>>()?;
    let apps: Vec<&Transport> = app_rows
        .iter()
        .copied()
        .filter(|t| t.given_cert.is_some())
        .collect();
    // A certificate was asked for when any of these rows' policy is not `none` (the
    // handshake row's is `optional` or `required` exactly when the handshake carried a
    // CertificateRequest).
    let requested = std::iter::once(tls)
        .chain(app_rows.iter().copied())
        .any(|t| t.client_auth != ClientAuth::None);
    // Refused anywhere (the TLS layer included) fails first, then a row where it could
    // not be tried.
    let mut refusing: Vec<&Transport> = vec![tls];
    refusing.extend(
        apps.iter()
            .copied()
            .filter(|t| t.transport != tls.transport),
    );
    let failed = |among: &[&Transport], pick: fn(&GivenCert) -> bool| {
        among.iter().find_map(|t| {
            t.given_cert
                .as_ref()
                .filter(|g| pick(g))
                .map(|g| GivenVerdict::Failed {
                    given: g.clone(),
                    row: t.transport.clone(),
                })
        })
    };
    if let Some(v) = failed(&refusing, GivenCert::is_refused) {
        return Some(v);
    }
    if let Some(v) = failed(&apps, |g| matches!(g, GivenCert::NotChecked(_))) {
        return Some(v);
    }
    if !requested {
        return Some(GivenVerdict::NotRequested);
    }
    if let Some(t) = apps
        .iter()
        .find(|t| t.served && t.given_cert == Some(GivenCert::Accepted))
    {
        return Some(GivenVerdict::Answered {
            row: t.transport.clone(),
        });
    }
    if !p.tls.is_empty() {
        return Some(GivenVerdict::NoAnswer {
            protocol: p.name.to_string(),
            tls: tls.given_cert.clone(),
        });
    }
    Some(match &tls.given_cert {
        Some(GivenCert::Accepted) => GivenVerdict::AdmittedByTls,
        Some(g) => GivenVerdict::NotCheckedAtTls(g.clone()),
        None => GivenVerdict::NoSession,
    })
}
