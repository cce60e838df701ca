//! `secctl serve`.

use crate::cli::ServeArgs;
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::pki::names;
use crate::serve::{Options, Server};

/// Run the reference node until Ctrl-C or SIGTERM.
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
    let crate::cmd::Trust { bundle: ca, crl } = ctx.trust(a.ca.as_ref(), a.crl.as_ref());
    let opts = Options {
        listen: a.listen,
        cert,
        key,
        ca,
        crl,
        client_auth: a.client_auth,
        grpc_auth: a.grpc_auth,
        allow_roles: a.allow_roles,
        insecure: a.insecure,
        verbose: a.verbose,
    };
    let rt = crate::cmd::runtime()?;
    rt.block_on(async {
        let server = Server::bind(opts.clone()).await?;
        let addrs = server.local_addrs()?;
        let addr = addrs
            .iter()
            .map(|a| a.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        let p = &ctx.printer;
        if p.is_json() {
            p.json(&serde_json::json!({
                "listening": addrs.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
                "tls": !opts.insecure,
                "client_auth": opts.client_auth,
                "grpc_auth": opts.grpc_auth,
                "allow_roles": opts.allow_roles,
            }))?;
        } else {
            p.line(&format!(
                "listening on {addr} ({})",
                if opts.insecure {
                    "plaintext HTTP/1.1, h2c and gRPC".to_string()
                } else {
                    format!(
                        "TLS with HTTP/1.1, h2 and gRPC; plaintext redirected; client-auth {:?}, grpc-auth {:?}",
                        opts.client_auth, opts.grpc_auth
                    )
                    .to_lowercase()
                }
            ))?;
        }
        let shutdown = async {
            #[cfg(unix)]
            {
                let mut term =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending::<()>().await } } => {}
                }
            }
            #[cfg(not(unix))]
            let _ = tokio::signal::ctrl_c().await;
        };
        server.run(shutdown).await?;
        ctx.printer.note("stopped");
        Ok(0)
    })
}
