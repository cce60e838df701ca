//! `secctl serve`.

use crate::cli::ServeArgs;
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::pki::names;
use crate::serve::{Limits, Options, Server};
use tokio::signal::unix::{signal, Signal, SignalKind};

/// Run the reference node until SIGINT (Ctrl-C), SIGTERM or SIGQUIT: its normal end, exit 0
/// with a log line naming the signal (a service manager counts 143 as a failure); SIGHUP
/// reloads the certificate, key, bundle and CRL, and the `--authz` policy.
pub fn run(ctx: &Ctx, a: ServeArgs) -> Result<u8> {
    for r in &a.allow_roles {
        names::check_role(r)?;
    }
    let (cert, key) = match (&a.name, a.cert, a.key) {
        (Some(n), _, _) => {
            names::check_name("node", n)?;
            let d = ctx.store.path("certs").join(n);
            (
                Some(d.join(format!("{n}.crt"))),
                Some(d.join(format!("{n}.key"))),
            )
        }
        (None, c, k) => (c, k),
    };
    if !a.insecure && cert.is_none() {
        return Err(Error::Usage(
            "serve needs --name NAME or --cert/--key (or --insecure for plaintext)".into(),
        ));
    }
    let ca = a.ca.clone().or_else(|| {
        let b = ctx.store.path("ca.crt");
        b.exists().then_some(b)
    });
    // The CRL applies whenever client certificates are verified, with the default bundle
    // or an explicit --ca alike; only --no-crl goes without.
    let crl = if a.no_crl {
        None
    } else {
        a.crl.clone().or_else(|| {
            let c = ctx.store.path("crl.pem");
            c.exists().then_some(c)
        })
    };
    // Roles are established under the identity rule, which needs the trust domain.
    let needs_roles = if a.authz.is_some() {
        Some("--authz")
    } else {
        (!a.allow_roles.is_empty()).then_some("--allow-role")
    };
    let trust_domain = ctx.trust_domain(a.trust_domain.as_ref(), needs_roles)?;
    let limits = Limits {
        max_connections: connection_cap(ctx, a.max_connections as usize),
        header_timeout: seconds("--header-timeout", a.header_timeout)?,
        idle_timeout: seconds("--idle-timeout", a.idle_timeout)?,
    };
    let watch_interval = if a.watch_interval == 0.0 {
        None
    } else {
        Some(seconds("--watch-interval", a.watch_interval)?)
    };
    let opts = Options {
        listen: a.listen,
        cert,
        key,
        ca,
        crl,
        watch_interval,
        client_auth: a.client_auth,
        grpc_auth: a.grpc_auth,
        allow_roles: a.allow_roles,
        authz: a.authz,
        trust_domain,
        insecure: a.insecure,
        verbose: a.verbose,
        limits,
        files: ctx.store.files().clone(),
    };
    if opts.verifies_client_certs() && opts.ca.is_some() && opts.crl.is_none() && !a.no_crl {
        return Err(Error::Usage(format!(
            "client certificates would be verified without a CRL ({} does not exist): pass --crl FILE, or --no-crl to accept revoked certificates",
            ctx.store.path("crl.pem").display()
        )));
    }
    let rt = crate::cmd::runtime()?;
    rt.block_on(async {
        let server = Server::bind(opts.clone()).await?;
        // Signals are taken before the first line is printed: from then on SIGHUP reloads
        // instead of ending the process, and the others end it with a log line.
        let stop = Signals::new()?;
        let reloader = server.reloader();
        let mut hup = signal(SignalKind::hangup())
            .map_err(|e| Error::io("installing the SIGHUP handler", e))?;
        let addrs = server.local_addrs()?;
        let addr = addrs
            .iter()
            .map(|a| a.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        let policy = server.policy();
        let p = &ctx.printer;
        if p.is_json() {
            p.json(&serde_json::json!({
                "listening": addrs.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
                "tls": !opts.insecure,
                "client_auth": opts.client_auth,
                "grpc_auth": opts.grpc_auth,
                "allow_roles": opts.allow_roles,
                "authz": opts.authz.as_ref().map(|f| serde_json::json!({
                    "file": f.display().to_string(),
                    "rules": policy.as_ref().map_or(0, |p| p.rules.len()),
                })),
                "crl": opts.crl.as_ref().map(|p| p.display().to_string()),
                "trust_domain": opts.trust_domain,
                "limits": opts.limits,
            }))?;
        } else {
            let mode = if opts.insecure {
                "plaintext HTTP/1.1, h2c and gRPC".to_string()
            } else {
                format!(
                    "TLS with HTTP/1.1, h2 and gRPC; plaintext redirected; client-auth {:?}, grpc-auth {:?}",
                    opts.client_auth, opts.grpc_auth
                )
                .to_lowercase()
            };
            let authz = match (&opts.authz, &policy) {
                (Some(f), Some(pol)) => format!(
                    "; authorization policy {} ({})",
                    f.display(),
                    crate::serve::rule_count(pol)
                ),
                _ => String::new(),
            };
            p.line(&format!("listening on {addr} ({mode}{authz})"))?;
        }
        let reloads = tokio::spawn(async move {
            while hup.recv().await.is_some() {
                reloader.notify_one();
            }
        });
        let name = server.run(stop.first()).await?;
        reloads.abort();
        crate::output::log_line(&format!("serve: {name} received: stopped"));
        Ok(0)
    })
}

/// SIGINT, SIGTERM and SIGQUIT: each ends `serve`.
struct Signals {
    int: Signal,
    term: Signal,
    quit: Signal,
}

impl Signals {
    fn new() -> Result<Signals> {
        let one = |k: SignalKind, name: &str| {
            signal(k).map_err(|e| Error::io(format!("installing the {name} handler"), e))
        };
        Ok(Signals {
            int: one(SignalKind::interrupt(), "SIGINT")?,
            term: one(SignalKind::terminate(), "SIGTERM")?,
            quit: one(SignalKind::quit(), "SIGQUIT")?,
        })
    }

    /// The name of the first of them to arrive.
    async fn first(mut self) -> &'static str {
        tokio::select! {
            _ = self.int.recv() => "SIGINT",
            _ = self.term.recv() => "SIGTERM",
            _ = self.quit.recv() => "SIGQUIT",
        }
    }
}

fn seconds(flag: &str, secs: f64) -> Result<std::time::Duration> {
    if !(0.1..=86_400.0).contains(&secs) {
        return Err(Error::Usage(format!(
            "invalid {flag} {secs}: give seconds between 0.1 and 86400"
        )));
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}

/// Descriptors kept free for the listeners, the CRL, the runtime and standard streams.
const SPARE_FDS: u64 = 64;

/// The connection cap, lowered (with a note) when the open-files limit would be reached
/// first: a server out of descriptors can no longer even close what it cannot serve.
fn connection_cap(ctx: &Ctx, asked: usize) -> usize {
    use rustix::process::{getrlimit, Resource};
    let Some(soft) = getrlimit(Resource::Nofile).current else {
        return asked;
    };
    let room = usize::try_from(soft.saturating_sub(SPARE_FDS).max(1)).unwrap_or(usize::MAX);
    if asked <= room {
        return asked;
    }
    ctx.printer.note(&format!(
        "--max-connections {asked} lowered to {room}: the open-files limit (ulimit -n) is {soft}"
    ));
    room
}
