//! What `verify HOST:PORT` concludes from the probe: which protocol the port speaks over
//! TLS, whether it answered, and the verdict on the given certificate. Pure functions of
//! the typed rows [`super::classify`] made from the observations, so `probe` and `verify`
//! share one classifier and nothing re-reads rendered text.

use super::report::{ProtocolRows, Transport, PROTOCOLS, TLS_ONLY};
use super::row::Row;
use super::verdict::{ClientAuth, GivenCert};

/// The verdict on the given certificate, with what it rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GivenVerdict {
    /// A request of the protocol made with it was answered (on `row`).
    Answered {
        /// The row that answered.
        row: Row,
    },
    /// No protocol secctl speaks was checked; the TLS layer showed the server let it in
    /// (a TLS 1.2 Finished, or a session ticket or data after it in TLS 1.3).
    AdmittedByTls,
    /// Refused (on `row`), or on a row of the protocol it could not be checked.
    Failed {
        /// What the row says of the certificate.
        given: GivenCert,
        /// The row.
        row: Row,
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
    let row = |n: Row| rows.iter().find(|t| t.transport == n);
    let tls = row(p.handshake)?;
    let app_rows = p.tls.iter().map(|n| row(*n)).collect::<Option<Vec<_>>>()?;
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
                    row: t.transport,
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
        return Some(GivenVerdict::Answered { row: t.transport });
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

/// How the protocol `verify` checks was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chosen {
    /// Detected from the rows ([`detect`]).
    Detected,
    /// Named by `--protocol` (`tls` included).
    Asked,
}

/// The protocol a port answered over TLS, in the order PostgreSQL, Redis, MQTT, NATS,
/// HTTP, WebSocket, gRPC; plain TLS when none answered. Where the `tls` row saw no
/// handshake (TLS started inside the protocol, after NATS's `INFO`), a protocol whose TLS
/// refused every identity that had no certificate the server took counts too: its own row
/// is the only one that saw the server's TLS.
pub fn detect(rows: &[Transport]) -> ProtocolRows {
    // Answered in the protocol, with content or a refusal; or, where the `tls` row saw no
    // handshake (NATS starts TLS after its INFO), refused at the protocol's own TLS.
    let tls_seen = rows.iter().any(|t| t.transport == Row::Tls && t.served);
    let spoke = |n: &Row| {
        rows.iter().any(|t| {
            t.transport == *n && (t.spoke() || (!tls_seen && t.client_auth == ClientAuth::Required))
        })
    };
    ["postgres", "redis", "mqtt", "nats", "http", "ws", "grpc"]
        .into_iter()
        .filter_map(|k| PROTOCOLS.into_iter().find(|p| p.key == k))
        .find(|p| p.tls.iter().any(spoke))
        .unwrap_or(TLS_ONLY)
}

/// The `protocol` check: whether the protocol answered over TLS, and in words. None for
/// plain TLS found by detection (nothing to claim).
pub fn protocol_check(
    rows: &[Transport],
    p: ProtocolRows,
    chosen: Chosen,
) -> Option<(bool, String)> {
    let Some(first) = p.tls.first() else {
        return (chosen == Chosen::Asked).then(|| {
            (
                true,
                "TLS only: no application protocol checked (--protocol tls)".to_string(),
            )
        });
    };
    let how = match chosen {
        Chosen::Detected => "detected",
        Chosen::Asked => "--protocol",
    };
    let row = |n: Row| rows.iter().find(|t| t.transport == n);
    match p.tls.iter().filter_map(|n| row(*n)).find(|t| t.spoke()) {
        Some(t) => Some((
            true,
            format!("{} answered over TLS ({how}; {})", p.name, t.transport),
        )),
        None => Some((
            false,
            format!(
                "{} did not answer over TLS: {}",
                p.name,
                row(*first).map_or("", |t| t.detail.as_str())
            ),
        )),
    }
}
