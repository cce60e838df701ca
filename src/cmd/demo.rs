//! `secctl demo`: the whole product in a few seconds, on loopback, leaving nothing behind.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::pki::ca::{self, InitMode, InitOptions};
use crate::pki::issue::{self, LeafSpec};
use crate::pki::keys::KeyType;
use crate::pki::names::Host;
use crate::pki::store::{CertKind, Store};
use crate::probe;
use crate::serve::{ClientAuth, GrpcAuth, Limits, Options, Server};

/// A temporary directory (0700) removed on drop, even when the demo fails.
struct TempDir(PathBuf);

impl TempDir {
    fn new(dirs: crate::pki::fsio::DirPolicy) -> Result<TempDir> {
        let mut rnd = [0u8; 8];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut rnd)
            .map_err(|_| Error::internal("system random number generator failed"))?;
        let p = std::env::temp_dir().join(format!("secctl-demo-{}", hex::encode(rnd)));
        dirs.ensure_dir(&p)?;
        Ok(TempDir(p))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn issue_one(
    store: &Store,
    cfg: &crate::pki::store::Config,
    spec: LeafSpec,
) -> Result<(PathBuf, PathBuf)> {
    let issuing = ca::load_issuing(store, None)?;
    let out = store.path("certs").join(&spec.name);
    let issued = issue::issue(cfg, &issuing, &spec, &out, None)?;
    let w = issue::write(store, &issuing, &issued)?;
    let key = w
        .key
        .ok_or_else(|| Error::internal("a generated key was not written"))?;
    Ok((w.cert, key))
}

/// Run the demo.
pub fn run(ctx: &Ctx) -> Result<u8> {
    let dirs = ctx.store.files().policy();
    let tmp = TempDir::new(dirs)?;
    let store = Store::new(tmp.0.join("pki"), dirs);
    let p = &ctx.printer;
    let step = |s: &str| p.note(s);

    step(&format!(
        "1. a CA with an issuing intermediate in {}",
        store.name()
    ));
    let _lock = store.lock()?;
    crate::revocation::init_ca(
        &store,
        &InitOptions {
            cluster: "Demo".into(),
            trust_domain: "demo.local".into(),
            key_type: KeyType::EcdsaP256,
            days: 30,
            intermediate: true,
            name_constraints: Default::default(),
        },
        None,
        InitMode::Fresh,
    )?;
    let cfg = store.config()?;
    step("2. a node certificate (role gitaly, localhost + 127.0.0.1), a client (role gitlab) and the revoked canary (`cert canary`: revoked at issuance, listed by the CRL)");
    let leaf = |name: &str, kind, role: &str, hosts: Vec<Host>| LeafSpec {
        name: name.into(),
        kind,
        role: role.into(),
        hosts,
        valid_for: time::Duration::days(7),
        key_type: KeyType::EcdsaP256,
    };
    let (node_crt, node_key) = issue_one(
        &store,
        &cfg,
        leaf(
            "gitaly-1",
            CertKind::Node,
            "gitaly",
            vec![
                Host::Dns("localhost".into()),
                Host::Ip([127, 0, 0, 1].into()),
            ],
        ),
    )?;
    let (cli_crt, cli_key) = issue_one(
        &store,
        &cfg,
        leaf("rails", CertKind::Client, "gitlab", vec![]),
    )?;
    let issuing = crate::pki::ca::load_issuing(&store, None)?;
    let canary = crate::pki::canary::mint(&store, &cfg, &issuing, None, 30)?;
    drop(_lock);

    let bundle = store.path("ca.crt");
    let opts = Options {
        listen: vec!["127.0.0.1:0".parse().map_err(Error::internal)?],
        cert: Some(node_crt),
        key: Some(node_key),
        ca: Some(bundle.clone()),
        crl: Some(store.path("crl.pem")),
        watch_interval: None,
        client_auth: ClientAuth::Optional,
        grpc_auth: GrpcAuth::Mtls,
        allow_roles: vec!["gitlab".into()],
        authz: None,
        trust_domain: Some(cfg.trust_domain.clone()),
        insecure: false,
        verbose: false,
        limits: Limits::default(),
        files: store.files().clone(),
    };
    let probe_cfg = probe::Config {
        roots: Some(crate::tlsconf::load_roots(store.files(), &bundle)?),
        client: Some(crate::tlsconf::load_certified_key(
            store.files(),
            &cli_crt,
            &cli_key,
        )?),
        revoked: match &canary.files.key {
            Some(key) => Some(crate::tlsconf::load_certified_key(
                store.files(),
                &canary.files.cert,
                key,
            )?),
            None => None,
        },
        servername: Some("localhost".into()),
        timeout: Duration::from_secs(3),
        paths: vec!["/".into()],
        // The demo's certificates live a week: no expiry warning for them.
        policy: probe::Policy {
            warn_days: 1,
            ..probe::Policy::default()
        },
    };
    let rt = crate::cmd::runtime()?;
    let report = rt.block_on(async {
        let server = Server::bind(opts).await?;
        let addr = server.local_addrs()?[0];
        step(&format!(
            "3. serve on {addr}: one port, TLS (h2, http/1.1, gRPC) + plaintext redirect; \
             client certificates verified if given, enforced per request for role gitlab"
        ));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::spawn(server.run(async {
            let _ = rx.await;
        }));
        step(&format!("4. probe {addr} as rails (role gitlab): every transport, with no certificate, a throwaway one from an unknown CA, rails's, and the revoked canary"));
        let target = probe::parse_target(&addr.to_string())?;
        let report = probe::probe(Arc::new(probe_cfg), target).await;
        let _ = tx.send(());
        let _ = handle.await;
        Ok::<_, Error>(report)
    })?;
    crate::cmd::probe::print_reports(p, std::slice::from_ref(&report))?;
    step(&format!("5. removed {}", tmp.0.display()));
    drop(tmp);
    Ok(if report.strict_ok() {
        0
    } else {
        crate::error::EXIT_CHECK_FAILED
    })
}
