//! PostgreSQL from Debian, started by the test on loopback: the probe's `postgres` and
//! `postgres-tls` rows and `verify HOST:PORT` against `hostssl ... clientcert=verify-ca` (with
//! a CRL) and against a server that also accepts plaintext, with no certificate, a valid one,
//! a revoked one and one from another CA; psql confirms each verdict first.
//!
//! Needs PostgreSQL (apt-get install postgresql) and root (the server runs as the
//! `postgres` user): ignored by plain `cargo test`, run by `.ci/run`.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::peers::{launch, Id, Peer, Pki};
use common::*;

const NEEDS: &str = "needs postgresql (apt-get install postgresql) and root; run by .ci/run";

fn pg_bin() -> Option<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("postgres").exists())
        .collect();
    v.sort();
    v.pop()
}

struct Postgres {
    port: u16,
    child: Child,
    dir: PathBuf,
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // The child is runuser; the postmaster's own PID is in postmaster.pid (a fast
        // shutdown on SIGINT), runuser exits with it.
        let pid = std::fs::read_to_string(self.dir.join("data/postmaster.pid"))
            .ok()
            .and_then(|s| s.lines().next().map(str::to_string));
        for p in pid
            .iter()
            .chain(std::iter::once(&self.child.id().to_string()))
        {
            let _ = Command::new("kill").args(["-INT", p]).status();
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if let Some(p) = &pid {
            let _ = Command::new("kill").args(["-KILL", p]).status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn as_postgres(args: &[&str]) -> std::process::Output {
    Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .args(args)
        .output()
        .expect("runuser")
}

impl Postgres {
    /// initdb in `dir` (owned by postgres), TLS with the given server files, `hba` lines.
    fn start(
        dir: &Path,
        srv_crt: &Path,
        srv_key: &Path,
        ca: &Path,
        crl: &Path,
        hba: &str,
    ) -> Postgres {
        let bin = pg_bin().expect(NEEDS);
        Postgres::start_with(&bin, dir, srv_crt, srv_key, ca, crl, hba)
    }

    /// The same with the server programs (initdb, postgres) of `bin`; pg_isready and psql
    /// stay Debian's.
    fn start_with(
        bin: &Path,
        dir: &Path,
        srv_crt: &Path,
        srv_key: &Path,
        ca: &Path,
        crl: &Path,
        hba: &str,
    ) -> Postgres {
        let client_bin = pg_bin().expect(NEEDS);
        std::fs::create_dir_all(dir).unwrap();
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        // Every ancestor must be traversable by the postgres user.
        let mut a = dir.parent();
        while let Some(p) = a {
            if p.starts_with("/tmp") && p != Path::new("/tmp") {
                let m = std::fs::metadata(p).unwrap().permissions().mode();
                std::fs::set_permissions(p, std::fs::Permissions::from_mode(m | 0o711)).unwrap();
            }
            a = p.parent();
        }
        let data = dir.join("data");
        let files = dir.join("tls");
        std::fs::create_dir_all(&files).unwrap();
        for (src, name) in [
            (srv_crt, "srv.crt"),
            (srv_key, "srv.key"),
            (ca, "ca.crt"),
            (crl, "crl.pem"),
        ] {
            std::fs::copy(src, files.join(name)).unwrap();
        }
        let chown = |p: &Path| {
            assert!(Command::new("chown")
                .args(["-R", "postgres:postgres", &p.display().to_string()])
                .status()
                .unwrap()
                .success());
        };
        chown(dir);
        std::fs::set_permissions(
            files.join("srv.key"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
        let out = as_postgres(&[
            &bin.join("initdb").display().to_string(),
            "-D",
            &data.display().to_string(),
            "-U",
            "postgres",
            "--auth-local=trust",
            "-E",
            "UTF8",
        ]);
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let port = free_port();
        let f = |n: &str| files.join(n).display().to_string();
        let conf = format!(
            "listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{}'\n\
             ssl = on\nssl_cert_file = '{}'\nssl_key_file = '{}'\nssl_ca_file = '{}'\n\
             ssl_crl_file = '{}'\nfsync = off\nshared_buffers = 16MB\n",
            dir.display(),
            f("srv.crt"),
            f("srv.key"),
            f("ca.crt"),
            f("crl.pem")
        );
        std::fs::write(data.join("postgresql.conf"), conf).unwrap();
        std::fs::write(
            data.join("pg_hba.conf"),
            format!("local all all trust\n{hba}\n"),
        )
        .unwrap();
        chown(dir);
        let log = std::fs::File::create(dir.join("server.log")).unwrap();
        let child = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(bin.join("postgres"))
            .args(["-D", &data.display().to_string()])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("postgres");
        let pg = Postgres {
            port,
            child,
            dir: dir.to_path_buf(),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ok = Command::new(client_bin.join("pg_isready"))
                .args(["-h", &dir.display().to_string(), "-p", &port.to_string()])
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "postgres did not start: {}",
                std::fs::read_to_string(dir.join("server.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        // The role the probe and psql log in as.
        let out = as_postgres(&[
            "psql",
            "-h",
            &dir.display().to_string(),
            "-p",
            &port.to_string(),
            "-U",
            "postgres",
            "-c",
            "CREATE ROLE secctl_probe LOGIN",
            "-c",
            "CREATE DATABASE secctl_probe OWNER secctl_probe",
        ]);
        assert!(
            out.status.success(),
            "psql: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        pg
    }

    /// psql over TCP with `sslmode` and an optional client certificate: Ok(()) when it
    /// logged in, Err(stderr) otherwise.
    fn psql(&self, sslmode: &str, cert: Option<(&str, &str)>, ca: &str) -> Result<(), String> {
        self.psql_at(self.port, sslmode, cert, ca)
    }

    /// The same against another port (a pgbouncer in front of this server).
    fn psql_at(
        &self,
        port: u16,
        sslmode: &str,
        cert: Option<(&str, &str)>,
        ca: &str,
    ) -> Result<(), String> {
        let mut conn = format!(
            "host=127.0.0.1 port={port} user=secctl_probe dbname=secctl_probe sslmode={sslmode} sslrootcert={ca} connect_timeout=5"
        );
        // libpq refuses a key readable by others; copies with 0600.
        if let Some((c, k)) = cert {
            let key = self.dir.join(format!("client-{port}.key"));
            std::fs::copy(k, &key).unwrap();
            std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
            conn.push_str(&format!(" sslcert={c} sslkey={}", key.display()));
        } else {
            conn.push_str(" sslcert=/nonexistent sslkey=/nonexistent");
        }
        let out = Command::new("psql")
            .args([&conn, "-tAc", "select 1"])
            .env("PGPASSWORD", "")
            .output()
            .unwrap();
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }
}

/// The four identities, by name, as (name, --cert/--key).
fn ids(pki: &Pki) -> Vec<(&'static str, Option<(String, String)>)> {
    [
        ("none", Id::NoCert),
        ("valid", Id::Valid),
        ("revoked", Id::Revoked),
        ("foreign", Id::Foreign),
    ]
    .into_iter()
    .map(|(n, id)| (n, pki.id(id)))
    .collect()
}

fn rows(m: &serde_json::Value, name: &str) -> (bool, String, bool, serde_json::Value) {
    let t = transport(m, name);
    (
        t["served"].as_bool().unwrap(),
        t["client_auth"].as_str().unwrap().to_string(),
        t["untrusted_client_accepted"].as_bool().unwrap(),
        t["given_cert"].clone(),
    )
}

fn probe(pki: &Pki, port: u16, id: &Option<(String, String)>) -> serde_json::Value {
    let addr = format!("127.0.0.1:{port}");
    let ca = pki.env.pki().join("ca.crt").display().to_string();
    let mut args = vec![
        addr.as_str(),
        "--ca",
        &ca,
        "--servername",
        "localhost",
        "--timeout",
        "3",
    ];
    if let Some((c, k)) = id {
        args.extend_from_slice(&["--cert", c, "--key", k]);
    }
    let (_, m) = probe_json(&pki.env, &args);
    m
}

#[test]
#[ignore = "needs postgresql (apt-get install postgresql) and root; run by .ci/run"]
fn postgres_hostssl_clientcert_verify_ca() {
    assert!(pg_bin().is_some() && have("runuser"), "{NEEDS}");
    let pki = Pki::new();
    let p = |n: &str| pki.env.pki().join(n);
    let pg = Postgres::start(
        &pki.env.path("pg"),
        &p("certs/srv/srv.crt"),
        &p("certs/srv/srv.key"),
        &p("ca.crt"),
        &p("crl.pem"),
        "hostssl all all 127.0.0.1/32 trust clientcert=verify-ca\nhost all all 127.0.0.1/32 reject",
    );
    let ca = p("ca.crt").display().to_string();
    // Ground truth from psql.
    let e = pg.psql("disable", None, &ca).unwrap_err();
    assert!(e.contains("no encryption"), "{e}");
    let e = pg.psql("verify-full", None, &ca).unwrap_err();
    assert!(e.contains("certificate"), "{e}");
    let ids = ids(&pki);
    pg.psql(
        "verify-full",
        ids[1].1.as_ref().map(|(c, k)| (c.as_str(), k.as_str())),
        &ca,
    )
    .expect("psql with the valid certificate");
    for k in [2, 3] {
        let e = pg
            .psql(
                "verify-full",
                ids[k].1.as_ref().map(|(c, k)| (c.as_str(), k.as_str())),
                &ca,
            )
            .unwrap_err();
        assert!(
            e.contains("certificate") || e.contains("alert"),
            "{}: {e}",
            ids[k].0
        );
    }
    for (name, id) in &ids {
        let m = probe(&pki, pg.port, id);
        let (served, auth, untrusted, _) = rows(&m, "postgres");
        assert!(!served && auth == "none" && !untrusted, "{name}: {m}");
        // Refused by an ErrorResponse before authentication (SQLSTATE 28000, pg_hba.conf):
        // shown, not judged by its text.
        assert!(
            transport(&m, "postgres")["detail"]
                .as_str()
                .unwrap()
                .contains("refused: PostgreSQL error 28000"),
            "{m}"
        );
        let (served, auth, untrusted, given) = rows(&m, "postgres-tls");
        assert_eq!(auth, "per-request", "{name}: {m}");
        assert!(!untrusted, "{name}: {m}");
        // PostgreSQL answers a client without a certificate with its refusal, and the
        // revoked and foreign ones are refused at the handshake: a refusal is not content,
        // so only the valid certificate's session is served.
        assert_eq!(served, *name == "valid", "{name}: {m}");
        match *name {
            "none" => assert!(given.is_null()),
            "valid" => assert_eq!(given, "accepted", "{m}"),
            "revoked" => assert_eq!(given, "refused: alert certificate_revoked", "{m}"),
            _ => assert_eq!(given, "refused: alert unknown_ca", "{m}"),
        }
        assert_eq!(transport(&m, "tls")["served"], false, "{m}");
        // PostgreSQL 15 has no direct TLS: a ClientHello is not a startup packet.
        assert_eq!(transport(&m, "postgres-tls")["direct_tls"], false, "{m}");
        assert_eq!(m["summary"]["encrypted"], "all", "{name}: {m}");
        assert_eq!(m["summary"]["mtls"], "enforced", "{name}: {m}");
        // The same rows every time.
        for _ in 0..4 {
            assert_eq!(
                probe(&pki, pg.port, id)["transports"],
                m["transports"],
                "{name}"
            );
        }
    }
    // verify HOST:PORT detects PostgreSQL: the chain, host and CRL of the server, and
    // whether PostgreSQL itself answered with the given certificate.
    for ((name, id), want) in ids.iter().zip([0, 0, 1, 1]) {
        let (code, v) = verify(&pki, pg.port, id, &[]);
        assert_eq!(code, want, "verify with {name}: {v}");
        let protocol = check(&v, "protocol");
        assert_eq!(protocol["ok"], true, "{v}");
        assert!(
            protocol["detail"]
                .as_str()
                .unwrap()
                .starts_with("PostgreSQL answered over TLS (detected"),
            "{v}"
        );
        assert_eq!(check(&v, "tls")["ok"], true, "{v}");
        let given = check(&v, "client-cert");
        match *name {
            "none" => assert!(given.is_null(), "{v}"),
            "valid" => assert_eq!(given["ok"], true, "{v}"),
            // The CRL lists it: refused, and verify says the server enforces revocation.
            "revoked" => assert!(
                given["detail"].as_str().unwrap().starts_with(
                    "refused: alert certificate_revoked (postgres-tls): the CRL lists it"
                ) && given["detail"]
                    .as_str()
                    .unwrap()
                    .ends_with("the server enforces revocation"),
                "{v}"
            ),
            _ => assert_eq!(
                given["detail"], "refused: alert unknown_ca (postgres-tls)",
                "{v}"
            ),
        }
    }
    // Asked for another protocol: the port does not speak it over TLS, and the check says
    // so instead of passing on the handshake.
    let (code, v) = verify(&pki, pg.port, &ids[1].1, &["--protocol", "http"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(check(&v, "protocol")["ok"], false, "{v}");
    assert_eq!(check(&v, "tls")["ok"], false, "{v}");
    let (code, v) = verify(&pki, pg.port, &ids[1].1, &["--protocol", "postgres"]);
    assert_eq!(code, 0, "{v}");
}

/// `verify HOST:PORT -o json` with the state's CA and CRL: (exit code, report).
fn verify(
    pki: &Pki,
    port: u16,
    id: &Option<(String, String)>,
    extra: &[&str],
) -> (i32, serde_json::Value) {
    let addr = format!("127.0.0.1:{port}");
    let (ca, crl) = (pki.ca(), pki.crl());
    let mut args = vec![
        "verify",
        addr.as_str(),
        "--ca",
        &ca,
        "--crl",
        &crl,
        "--servername",
        "localhost",
        "--timeout",
        "3",
        "-o",
        "json",
    ];
    if let Some((c, k)) = id {
        args.extend_from_slice(&["--cert", c, "--key", k]);
    }
    args.extend_from_slice(extra);
    let r = pki.env.run(&args);
    let v = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("verify -o json: {e}: {}{}", r.stdout, r.stderr));
    (r.code, v)
}

/// One check of a verify report (null when absent).
fn check(v: &serde_json::Value, name: &str) -> serde_json::Value {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == name)
        .cloned()
        .unwrap_or(serde_json::Value::Null)
}

#[test]
#[ignore = "needs postgresql (apt-get install postgresql) and root; run by .ci/run"]
fn postgres_accepting_plaintext_is_partial() {
    assert!(pg_bin().is_some() && have("runuser"), "{NEEDS}");
    let pki = Pki::new();
    let p = |n: &str| pki.env.pki().join(n);
    let pg = Postgres::start(
        &pki.env.path("pg"),
        &p("certs/srv/srv.crt"),
        &p("certs/srv/srv.key"),
        &p("ca.crt"),
        &p("crl.pem"),
        "host all all 127.0.0.1/32 trust",
    );
    let ca = p("ca.crt").display().to_string();
    pg.psql("disable", None, &ca).expect("plaintext login");
    let m = probe(&pki, pg.port, &None);
    let (served, _, _, _) = rows(&m, "postgres");
    assert!(served, "{m}");
    assert_eq!(transport(&m, "postgres")["encrypted"], false);
    let (served, auth, _, _) = rows(&m, "postgres-tls");
    assert!(served, "{m}");
    // ssl_ca_file makes the server ask for a certificate; nothing demands one.
    assert_eq!(auth, "optional", "{m}");
    assert_eq!(m["summary"]["encrypted"], "partial", "{m}");
    assert_eq!(m["summary"]["mtls"], "optional", "{m}");
    let (code, _) = probe_json(
        &pki.env,
        &[
            &format!("127.0.0.1:{}", pg.port),
            "--ca",
            &ca,
            "--servername",
            "localhost",
            "--strict",
        ],
    );
    assert_eq!(code, 1, "plaintext database content fails --strict");
    // The server asks for a certificate and accepts the valid one.
    let (code, v) = verify(&pki, pg.port, &pki.id(Id::Valid), &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        check(&v, "client-cert")["detail"],
        "accepted: answered over postgres-tls"
    );
}

/// The PostgreSQL 17 server programs fetched by `tests/peers/fetch-pg17.sh` (.ci/run runs it).
fn pg17_bin() -> Option<PathBuf> {
    let dir = std::env::var_os("SECCTL_PG17_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/opt/secctl-peers/pg17/bin"));
    dir.join("postgres").exists().then_some(dir)
}

/// `openssl s_client` with ALPN `alpn` straight to the port (no SSLRequest): the ALPN
/// protocol the server chose, or the failure.
fn s_client_alpn(port: u16, alpn: &str, ca: &str) -> String {
    let out = Command::new("timeout")
        .args(["10", "openssl", "s_client", "-connect"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-alpn", alpn, "-CAfile", ca, "-servername", "localhost"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
#[ignore = "needs PostgreSQL 17 (tests/peers/fetch-pg17.sh), Debian's postgresql-client and root; run by .ci/run"]
fn postgres17_direct_tls() {
    let bin = pg17_bin().expect("PostgreSQL 17 missing: run tests/peers/fetch-pg17.sh");
    assert!(pg_bin().is_some() && have("runuser"), "{NEEDS}");
    let pki = Pki::new();
    let p = |n: &str| pki.env.pki().join(n);
    let pg = Postgres::start_with(
        &bin,
        &pki.env.path("pg17"),
        &p("certs/srv/srv.crt"),
        &p("certs/srv/srv.key"),
        &p("ca.crt"),
        &p("crl.pem"),
        "hostssl all all 127.0.0.1/32 trust clientcert=verify-ca\nhost all all 127.0.0.1/32 reject",
    );
    let ca = p("ca.crt").display().to_string();
    // Ground truth from openssl: TLS from the first byte with ALPN postgresql; refused
    // (no_application_protocol) with any other ALPN.
    let direct = s_client_alpn(pg.port, "postgresql", &ca);
    assert!(direct.contains("ALPN protocol: postgresql"), "{direct}");
    assert!(direct.contains("Verify return code: 0 (ok)"), "{direct}");
    let h2 = s_client_alpn(pg.port, "h2,http/1.1", &ca);
    assert!(h2.contains("no application protocol"), "{h2}");
    // And from psql (SSLRequest): the valid certificate logs in, none does not.
    let ids = ids(&pki);
    pg.psql(
        "verify-full",
        ids[1].1.as_ref().map(|(c, k)| (c.as_str(), k.as_str())),
        &ca,
    )
    .expect("psql with the valid certificate");
    assert!(pg.psql("verify-full", None, &ca).is_err());
    for (name, id) in &ids {
        let m = probe(&pki, pg.port, id);
        let row = transport(&m, "postgres-tls");
        assert_eq!(row["direct_tls"], true, "{name}: {m}");
        // A refusal is not content: served with the valid certificate only.
        assert_eq!(row["served"], *name == "valid", "{name}: {m}");
        assert_eq!(row["client_auth"], "per-request", "{name}: {m}");
        assert!(
            row["detail"].as_str().unwrap().contains(
                "direct TLS (ALPN postgresql) spoken: none refused: PostgreSQL error 28000"
            ),
            "{name}: {m}"
        );
        let tls = transport(&m, "tls");
        assert_eq!(tls["served"], false, "{m}");
        assert_eq!(
            tls["detail"], "no common application protocol (ALPN)",
            "{m}"
        );
        assert_eq!(transport(&m, "postgres")["served"], false, "{m}");
        assert_eq!(m["summary"]["encrypted"], "all", "{name}: {m}");
        assert_eq!(m["summary"]["mtls"], "enforced", "{name}: {m}");
        match *name {
            "none" => assert!(row["given_cert"].is_null()),
            "valid" => assert_eq!(row["given_cert"], "accepted", "{m}"),
            "revoked" => assert_eq!(
                row["given_cert"], "refused: alert certificate_revoked",
                "{m}"
            ),
            _ => assert_eq!(row["given_cert"], "refused: alert unknown_ca", "{m}"),
        }
    }
    let (code, v) = verify(&pki, pg.port, &ids[1].1, &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        check(&v, "client-cert")["detail"],
        "accepted: answered over postgres-tls"
    );
}

// ---------------------------------------------------------------------------------------
// pgbouncer in front of PostgreSQL: plaintext read by the protocol (issue #28 item 4)

/// pgbouncer (as the postgres user) on a free port in front of `pg`, TLS towards clients
/// with `client_tls_sslmode = sslmode` and the test's server chain and CA; `auth_type =
/// trust` for the probe's user.
fn pgbouncer(pki: &Pki, pg: &Postgres, name: &'static str, sslmode: &str) -> Peer {
    let dir = pki.env.path(name);
    std::fs::create_dir_all(&dir).unwrap();
    let p = |n: &str| pki.env.pki().join(n);
    for (src, dst) in [
        (p("certs/srv/srv.crt"), "srv.crt"),
        (p("certs/srv/srv.key"), "srv.key"),
        (p("ca.crt"), "ca.crt"),
    ] {
        std::fs::copy(src, dir.join(dst)).unwrap();
    }
    std::fs::write(dir.join("userlist.txt"), "\"secctl_probe\" \"\"\n").unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut a = dir.parent();
    while let Some(d) = a {
        if d.starts_with("/tmp") && d != Path::new("/tmp") {
            let m = std::fs::metadata(d).unwrap().permissions().mode();
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(m | 0o711)).unwrap();
        }
        a = d.parent();
    }
    assert!(Command::new("chown")
        .args(["-R", "postgres:postgres", &dir.display().to_string()])
        .status()
        .unwrap()
        .success());
    std::fs::set_permissions(dir.join("srv.key"), std::fs::Permissions::from_mode(0o600)).unwrap();
    let backend = pg.port;
    let sslmode = sslmode.to_string();
    let d = dir.clone();
    launch(name, &dir, &["pgbouncer.log"], move |port| {
        let f = |n: &str| d.join(n).display().to_string();
        let conf = format!(
            "[databases]\nsecctl_probe = host=127.0.0.1 port={backend} dbname=secctl_probe\n\
             [pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n\
             auth_type = trust\nauth_file = {}\nlogfile = {}\npidfile = {}\n\
             client_tls_sslmode = {sslmode}\nclient_tls_cert_file = {}\n\
             client_tls_key_file = {}\nclient_tls_ca_file = {}\n",
            f("userlist.txt"),
            f("pgbouncer.log"),
            f("pgbouncer.pid"),
            f("srv.crt"),
            f("srv.key"),
            f("ca.crt"),
        );
        std::fs::write(d.join("pgbouncer.ini"), conf).unwrap();
        assert!(Command::new("chown")
            .args(["postgres:postgres", &f("pgbouncer.ini")])
            .status()
            .unwrap()
            .success());
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", "pgbouncer"])
            .arg(d.join("pgbouncer.ini"));
        c
    })
}

fn pgbouncer_case(sslmode: &str) {
    assert!(
        pg_bin().is_some() && have("runuser") && have("pgbouncer"),
        "needs postgresql, pgbouncer and root: see .ci/run"
    );
    let pki = Pki::new();
    let p = |n: &str| pki.env.pki().join(n);
    let pg = Postgres::start(
        &pki.env.path("pg"),
        &p("certs/srv/srv.crt"),
        &p("certs/srv/srv.key"),
        &p("ca.crt"),
        &p("crl.pem"),
        "host all all 127.0.0.1/32 trust",
    );
    let name = if sslmode == "require" {
        "pgbouncer-require"
    } else {
        "pgbouncer-verify-full"
    };
    let b = pgbouncer(&pki, &pg, name, sslmode);
    let ca = p("ca.crt").display().to_string();
    let ids = ids(&pki);
    let cert = |k: usize| ids[k].1.as_ref().map(|(c, k)| (c.as_str(), k.as_str()));
    // Ground truth from psql: plaintext refused in both modes; over TLS without a
    // certificate in `require` only; with the valid certificate in both.
    let e = pg.psql_at(b.port, "disable", None, &ca).unwrap_err();
    assert!(!e.is_empty(), "plaintext refused: {}", b.log());
    let no_cert = pg.psql_at(b.port, "require", None, &ca);
    assert_eq!(
        no_cert.is_ok(),
        sslmode == "require",
        "{no_cert:?}\n{}",
        b.log()
    );
    pg.psql_at(b.port, "verify-full", cert(1), &ca)
        .unwrap_or_else(|e| panic!("psql with the valid certificate: {e}\n{}", b.log()));
    // With client_tls_ca_file, pgbouncer asks for a certificate in both modes and
    // verifies one that is given: another CA's is refused (unknown_ca) even in `require`.
    let foreign = pg.psql_at(b.port, "verify-full", cert(3), &ca).unwrap_err();
    assert!(foreign.contains("unknown ca"), "{foreign}");
    for (who, id) in [&ids[0], &ids[1], &ids[3]] {
        let m = probe(&pki, b.port, id);
        // Plaintext: pgbouncer's first answer is an ErrorResponse (08P01): a refusal, not
        // PostgreSQL served, whatever its text says.
        let row = transport(&m, "postgres");
        assert_eq!(row["served"], false, "{who}: {m}");
        assert!(
            row["detail"]
                .as_str()
                .unwrap()
                .starts_with("refused: PostgreSQL error 08P01"),
            "{who}: {m}"
        );
        let (served, auth, untrusted, given) = rows(&m, "postgres-tls");
        assert!(!untrusted, "{who}: {m}");
        if sslmode == "require" {
            // A certificate asked for, a client without one served: optional.
            assert!(served, "{who}: {m}");
            assert_eq!(auth, "optional", "{who}: {m}");
            match *who {
                "none" => assert!(given.is_null(), "{m}"),
                "valid" => assert_eq!(given, "accepted", "{m}"),
                _ => assert_eq!(given, "refused: alert unknown_ca", "{m}"),
            }
            assert_eq!(m["summary"]["mtls"], "optional", "{m}");
        } else {
            assert_eq!(auth, "required", "{who}: {m}");
            assert_eq!(served, *who == "valid", "{who}: {m}");
            match *who {
                "none" => assert!(given.is_null(), "{m}"),
                "valid" => assert_eq!(given, "accepted", "{m}"),
                _ => assert!(
                    given
                        .as_str()
                        .is_some_and(|g| g.starts_with("refused: alert ")),
                    "{m}"
                ),
            }
            assert_eq!(m["summary"]["mtls"], "enforced", "{m}");
        }
        assert_eq!(m["summary"]["encrypted"], "all", "{who}: {m}");
    }
    // The field case recorded from this server (with the valid certificate) still
    // classifies like the live probe.
    let file = pki.env.path(&format!("{name}.json")).display().to_string();
    let addr = format!("127.0.0.1:{}", b.port);
    let (c, k) = ids[1].1.clone().unwrap();
    probe_json(
        &pki.env,
        &[
            &addr,
            "--ca",
            &ca,
            "--servername",
            "localhost",
            "--timeout",
            "3",
            "--cert",
            &c,
            "--key",
            &k,
            "--record",
            &file,
        ],
    );
    let recorded = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let (stem, note) = if sslmode == "require" {
        (
            "postgres_plaintext_refused_by_protocol--pgbouncer-client-tls-require",
            "pgbouncer `client_tls_sslmode = require` (with client_tls_ca_file) in front of \
             PostgreSQL: a plaintext StartupMessage is answered by an ErrorResponse (08P01) \
             first: a refusal, not PostgreSQL served, whatever its text (psql sslmode=disable \
             fails). Over TLS a certificate is asked for and not required: optional.",
        )
    } else {
        (
            "postgres_plaintext_refused_by_protocol--pgbouncer-client-tls-verify-full",
            "pgbouncer `client_tls_sslmode = verify-full` in front of PostgreSQL: plaintext \
             refused by an ErrorResponse (08P01) first, not served; the handshake refuses a \
             client without a certificate: required, enforced (psql verify-full logs in \
             with the valid certificate only).",
        )
    };
    same_as_field_case(
        &recorded,
        stem,
        &format!("pgbouncer client_tls_sslmode = {sslmode}, with a valid --cert"),
        note,
    );
}

#[test]
#[ignore = "needs postgresql, pgbouncer (apt-get install postgresql pgbouncer) and root; run by .ci/run"]
fn pgbouncer_tls_require_refuses_plaintext_by_protocol() {
    pgbouncer_case("require");
}

#[test]
#[ignore = "needs postgresql, pgbouncer (apt-get install postgresql pgbouncer) and root; run by .ci/run"]
fn pgbouncer_tls_verify_full_refuses_plaintext_and_no_certificate() {
    pgbouncer_case("verify-full");
}
