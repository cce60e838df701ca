//! `probe --prometheus FILE`: the matrix of every target as a Prometheus textfile (per
//! target and row), written atomically as `check --prometheus` writes its own.

use std::fmt::Write as _;
use std::path::Path;

use time::OffsetDateTime;

use crate::cmd::check::{labels, write_prometheus};
use crate::error::Result;
use crate::probe::report::TargetReport;
use crate::probe::verdict::{ClientAuth, Encrypted, Mtls};

/// The textfile of `reports`, probed at `at`.
pub fn text(reports: &[TargetReport], at: OffsetDateTime) -> String {
    let mut t = String::new();
    let mut family = |name: &str, help: &str, rows: Vec<(String, String)>| {
        let _ = writeln!(t, "# HELP {name} {help}");
        let _ = writeln!(t, "# TYPE {name} gauge");
        for (l, v) in rows {
            let _ = writeln!(t, "{name}{l} {v}");
        }
    };
    let b = |v: bool| u8::from(v).to_string();
    // Every row, with its labels; each family takes the rows where it was established.
    let rows: Vec<_> = reports
        .iter()
        .flat_map(|r| {
            r.transports.iter().map(move |x| {
                (
                    labels(&[("target", &r.target), ("transport", x.transport.as_str())]),
                    x,
                )
            })
        })
        .collect();
    family(
        "secctl_probe_encrypted",
        "1 when the row is served over TLS, 0 in plaintext (per target and row; rows not served are left out).",
        rows.iter()
            .filter_map(|(l, x)| x.encrypted.map(|e| (l.clone(), b(e))))
            .collect(),
    );
    family(
        "secctl_probe_mtls_enforced",
        "1 when the row's handshake refuses a client without a trusted certificate and admits no untrusted one (TLS rows).",
        rows.iter()
            .filter(|(_, x)| x.encrypted == Some(true))
            .map(|(l, x)| {
                (
                    l.clone(),
                    b(x.client_auth == ClientAuth::Required && !x.untrusted_client_accepted),
                )
            })
            .collect(),
    );
    family(
        "secctl_probe_untrusted_client_accepted",
        "1 when the row let in a certificate from an unknown CA where a certificate is demanded (TLS rows).",
        rows.iter()
            .filter(|(_, x)| x.encrypted == Some(true))
            .map(|(l, x)| (l.clone(), b(x.untrusted_client_accepted)))
            .collect(),
    );
    family(
        "secctl_probe_revoked_client_accepted",
        "1 when the row admitted the revoked canary certificate, 0 when it refused it (rows where it was established).",
        rows.iter()
            .filter_map(|(l, x)| x.revoked_client_accepted.flatten().map(|v| (l.clone(), b(v))))
            .collect(),
    );
    family(
        "secctl_probe_server_cert_expiry_seconds",
        "Time until the server certificate expires, from the tls row, in whole days (the probe's cert_days_left) as seconds; negative once expired.",
        rows.iter()
            .filter_map(|(l, x)| {
                x.cert_days_left
                    .map(|d| (l.clone(), (d.saturating_mul(86_400)).to_string()))
            })
            .collect(),
    );
    let target = |r: &TargetReport| labels(&[("target", &r.target)]);
    family(
        "secctl_probe_target_reachable",
        "1 when the target answered at all.",
        reports
            .iter()
            .map(|r| (target(r), b(r.summary.encrypted != Encrypted::Unreachable)))
            .collect(),
    );
    family(
        "secctl_probe_target_encrypted_all",
        "1 when every protocol the target serves is over TLS (summary encrypted: all).",
        reports
            .iter()
            .map(|r| (target(r), b(r.summary.encrypted == Encrypted::All)))
            .collect(),
    );
    family(
        "secctl_probe_target_mtls_enforced",
        "1 when every TLS row of the target enforces mutual TLS (summary mtls: enforced).",
        reports
            .iter()
            .map(|r| (target(r), b(r.summary.mtls == Mtls::Enforced)))
            .collect(),
    );
    family(
        "secctl_probe_timestamp_seconds",
        "When the probe ran, as a Unix time (alert when it grows old: the job stopped).",
        vec![(String::new(), at.unix_timestamp().to_string())],
    );
    t
}

/// Write the textfile of `reports` to `path`, atomically (mode 0644).
pub fn write(path: &Path, reports: &[TargetReport]) -> Result<()> {
    write_prometheus(path, &text(reports, OffsetDateTime::now_utc()))
}
