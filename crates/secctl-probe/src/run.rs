//! Probing one target: observe it on the wire ([`super::wire`]), then classify the
//! observations ([`super::classify`]), within one deadline.

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::CertificateDer;

use super::call::Call;
use super::config::{Config, Target};
use super::observation::Observations;
use super::report::{TargetReport, Transport, TRANSPORTS};
use super::{authz, classify, observation, transport, wire};

/// Probe one target.
pub async fn probe(cfg: Arc<Config>, t: Target) -> TargetReport {
    probe_with_chain(cfg, t).await.0
}

/// Probe one target; also return the chain the server presented (empty: none seen).
pub async fn probe_with_chain(
    cfg: Arc<Config>,
    t: Target,
) -> (TargetReport, Vec<CertificateDer<'static>>) {
    let (report, chain, _) = probe_observed(cfg, t).await;
    (report, chain)
}

/// Probe one target; also return the chain the server presented (empty: none seen) and
/// the observations the rows were classified from (None: the probe gave up at its
/// deadline, every row says so).
pub async fn probe_observed(
    cfg: Arc<Config>,
    t: Target,
) -> (
    TargetReport,
    Vec<CertificateDer<'static>>,
    Option<Observations>,
) {
    // Connect, handshake, the TLS 1.3 verdict and the request each have the timeout; the
    // TLS 1.2 retries come after.
    // The service protocols come after that (at most four more steps).
    let deadline = cfg.timeout * 11 + Duration::from_secs(1);
    let target = t.to_string();
    let policy = cfg.policy;
    let prober = wire::Prober::new(cfg, t);
    // Boxed: the observation is a large future, and a debug build polling it inline on a
    // runtime worker's 2 MiB stack overflowed it (probe --inventory over TLS services).
    match tokio::time::timeout(deadline, Box::pin(prober.observe())).await {
        Ok(obs) => {
            let (transports, summary) = classify::classify(&obs);
            let warnings = classify::posture(&transports, &policy);
            (
                TargetReport {
                    target,
                    transports,
                    summary,
                    differences: None,
                    warnings,
                    authz: None,
                },
                prober.chain(),
                Some(obs),
            )
        }
        Err(_) => {
            let transports: Vec<Transport> = TRANSPORTS
                .iter()
                .map(|n| Transport {
                    detail: format!("gave up after {}", transport::secs(deadline)),
                    ..classify::row(*n)
                })
                .collect();
            let summary = classify::summarize(&transports, false);
            (
                TargetReport {
                    target,
                    transports,
                    summary,
                    differences: None,
                    warnings: vec![],
                    authz: None,
                },
                prober.chain(),
                None,
            )
        }
    }
}

/// Call every rule of `policy` on `target` as every caller, all at once; the cells by
/// rule, then by caller in the order given.
pub async fn authz_matrix(
    cfg: Arc<Config>,
    target: Target,
    policy: &crate::pki::authz::Policy,
    callers: &[authz::Caller],
) -> Vec<authz::Cell> {
    let calls: Vec<Call> = policy.rules.iter().map(authz::call).collect();
    let runs = callers.iter().map(|c| {
        let mut cfg = (*cfg).clone();
        cfg.client = c.key.clone();
        let prober = wire::Prober::new(Arc::new(cfg), target.clone());
        let id = if c.key.is_some() {
            observation::Identity::Given
        } else {
            observation::Identity::NoCert
        };
        let calls = &calls;
        async move {
            let fates = prober.calls(id, calls).await;
            authz::cells(policy, c.role.as_deref(), &fates)
        }
    });
    let per_caller = transport::join_all(runs.collect()).await;
    // Rows of the matrix: rule by rule.
    let mut out = Vec::with_capacity(policy.rules.len() * callers.len());
    for i in 0..policy.rules.len() {
        for cells in &per_caller {
            if let Some(c) = cells.get(i) {
                out.push(c.clone());
            }
        }
    }
    out
}
