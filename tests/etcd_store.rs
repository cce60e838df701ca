//! The state on a real etcd cluster (`--store etcd://...`): three members on loopback
//! started by the test (etcd-server from Debian), concurrent writers on different members
//! and "machines" (working copies), faults (leader killed, quorum lost), `store copy` both
//! ways, and mTLS to etcd with certificates secctl issued. Needs `etcd` and `etcdctl`:
//! ignored by plain `cargo test`, run by `.ci/run`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

const NEEDS: &str =
    "needs etcd and etcdctl (apt-get install etcd-server etcd-client); run by .ci/run";

struct Member {
    name: String,
    client: u16,
    peer: u16,
    child: Option<Child>,
}

/// A three-member etcd cluster on loopback, each member stopped by PID on drop.
struct Cluster {
    dir: PathBuf,
    members: Vec<Member>,
    tls: Option<EtcdTls>,
}

/// Files for TLS to etcd (issued by a secctl CA of its own).
#[derive(Clone)]
struct EtcdTls {
    ca: PathBuf,
    server_crt: PathBuf,
    server_key: PathBuf,
    client_crt: PathBuf,
    client_key: PathBuf,
}

impl Cluster {
    fn start(dir: &Path, tls: Option<EtcdTls>) -> Cluster {
        std::fs::create_dir_all(dir).unwrap();
        let members: Vec<Member> = (0..3)
            .map(|i| Member {
                name: format!("m{i}"),
                client: free_port(),
                peer: free_port(),
                child: None,
            })
            .collect();
        let mut c = Cluster {
            dir: dir.to_path_buf(),
            members,
            tls,
        };
        for i in 0..3 {
            c.start_member(i);
        }
        c.wait_healthy();
        c
    }

    fn scheme(&self) -> &str {
        if self.tls.is_some() {
            "https"
        } else {
            "http"
        }
    }

    fn start_member(&mut self, i: usize) {
        let initial: Vec<String> = self
            .members
            .iter()
            .map(|m| format!("{}=http://127.0.0.1:{}", m.name, m.peer))
            .collect();
        let scheme = self.scheme().to_string();
        let m = &self.members[i];
        let mut cmd = Command::new("etcd");
        cmd.arg("--name")
            .arg(&m.name)
            .arg("--data-dir")
            .arg(self.dir.join(&m.name))
            .arg("--listen-client-urls")
            .arg(format!("{scheme}://127.0.0.1:{}", m.client))
            .arg("--advertise-client-urls")
            .arg(format!("{scheme}://127.0.0.1:{}", m.client))
            .arg("--listen-peer-urls")
            .arg(format!("http://127.0.0.1:{}", m.peer))
            .arg("--initial-advertise-peer-urls")
            .arg(format!("http://127.0.0.1:{}", m.peer))
            .arg("--initial-cluster")
            .arg(initial.join(","))
            .args(["--initial-cluster-token", "secctl-test"])
            .args(["--heartbeat-interval", "50", "--election-timeout", "500"]);
        if let Some(t) = &self.tls {
            cmd.arg("--cert-file")
                .arg(&t.server_crt)
                .arg("--key-file")
                .arg(&t.server_key)
                .arg("--trusted-ca-file")
                .arg(&t.ca)
                .arg("--client-cert-auth");
        }
        let log = std::fs::File::create(self.dir.join(format!("{}.log", m.name))).unwrap();
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("etcd");
        self.members[i].child = Some(child);
    }

    fn kill(&mut self, i: usize) {
        if let Some(mut c) = self.members[i].child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn endpoints(&self, first: usize) -> String {
        (0..3)
            .map(|k| format!("127.0.0.1:{}", self.members[(first + k) % 3].client))
            .collect::<Vec<_>>()
            .join(",")
    }

    fn url(&self, first: usize, prefix: &str) -> String {
        format!("etcd://{}/{prefix}", self.endpoints(first))
    }

    fn etcdctl(&self, args: &[&str]) -> Run {
        let eps: Vec<String> = self
            .members
            .iter()
            .filter(|m| m.child.is_some())
            .map(|m| format!("{}://127.0.0.1:{}", self.scheme(), m.client))
            .collect();
        let mut c = Command::new("etcdctl");
        c.env("ETCDCTL_API", "3")
            .arg(format!("--endpoints={}", eps.join(",")))
            .arg("--command-timeout=3s");
        if let Some(t) = &self.tls {
            c.arg(format!("--cacert={}", t.ca.display()))
                .arg(format!("--cert={}", t.client_crt.display()))
                .arg(format!("--key={}", t.client_key.display()));
        }
        to_run(c.args(args).stdin(Stdio::null()).output().unwrap())
    }

    fn wait_healthy(&self) {
        let t0 = Instant::now();
        loop {
            let r = self.etcdctl(&["endpoint", "health"]);
            if r.code == 0 {
                return;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(20),
                "etcd did not become healthy: {} {}",
                r.stdout,
                r.stderr
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The index of the current leader.
    fn leader(&self) -> usize {
        let r = self.etcdctl(&["endpoint", "status", "-w", "json"]);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let st = v.as_array().unwrap();
        let leader = st[0]["Status"]["leader"].as_u64().unwrap();
        let ep = st
            .iter()
            .find(|s| s["Status"]["header"]["member_id"].as_u64() == Some(leader))
            .map(|s| s["Endpoint"].as_str().unwrap().to_string())
            .unwrap();
        self.members
            .iter()
            .position(|m| ep.ends_with(&format!(":{}", m.client)))
            .unwrap()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for i in 0..3 {
            self.kill(i);
        }
    }
}

/// secctl against the cluster as one "machine" (its own working copy under `cache`).
fn on_etcd(env: &Env, url: &str, cache: &str, args: &[&str]) -> Run {
    let cache = env.path(cache);
    let pw = env.path("pw");
    env.run_env(
        args,
        &[
            ("SECCTL_STORE", url),
            ("SECCTL_CACHE_DIR", cache.to_str().unwrap()),
            ("SECCTL_PASSPHRASE_FILE", pw.to_str().unwrap()),
        ],
    )
}

fn setup() -> Env {
    let env = Env::new();
    env.write("pw", "correct horse battery staple\n");
    std::fs::set_permissions(
        env.path("pw"),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    env
}

fn serials(env: &Env, url: &str) -> Vec<String> {
    let out = on_etcd(env, url, "reader", &["-o", "json", "cert", "list"]).ok();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| c["serial"].as_str().unwrap().to_string())
        .collect()
}

fn crl_number(pem: &Path) -> u64 {
    let r = tool(
        "openssl",
        &["crl", "-in", pem.to_str().unwrap(), "-noout", "-crlnumber"],
    );
    let hex = r.stdout.trim().trim_start_matches("crlNumber=");
    u64::from_str_radix(hex.trim_start_matches("0x"), 16)
        .unwrap_or_else(|_| panic!("{r:?}", r = r.stdout))
}

#[test]
#[ignore = "needs etcd and etcdctl (apt-get install etcd-server etcd-client); run by .ci/run"]
fn concurrent_writers_on_three_members() {
    let _ = NEEDS;
    let env = setup();
    let cluster = Cluster::start(&env.path("etcd"), None);
    let url = cluster.url(0, "prod");
    // A plaintext CA key is refused on etcd, before anything is written.
    let r = env.run_env(
        &["ca", "init", "--name", "Prod"],
        &[
            ("SECCTL_STORE", &url),
            ("SECCTL_CACHE_DIR", env.path("a").to_str().unwrap()),
        ],
    );
    r.usage_error(&["must be encrypted"]);
    on_etcd(&env, &url, "a", &["ca", "init", "--name", "Prod"]).ok();
    let keys = cluster.etcdctl(&["get", "--prefix", "/prod/", "--keys-only"]);
    assert!(
        keys.stdout.contains("/prod/ca/root.key.age"),
        "{}",
        keys.stdout
    );
    assert!(!keys.stdout.contains("root.key\n"), "{}", keys.stdout);

    // 8 issuers (each its own machine, spread over the three members), a revoker and a
    // CRL publisher beside them. 8 certificates each in CI (every `cert node` decrypts the
    // scrypt-encrypted CA key under the lock); SECCTL_ETCD_PER=50 runs the issue's 8 x 50.
    let per: usize = std::env::var("SECCTL_ETCD_PER")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let bin = bin().to_string();
    let mut kids = vec![];
    for p in 0..8 {
        let url = cluster.url(p % 3, "prod");
        let cache = env.path(&format!("m{p}"));
        let pw = env.path("pw");
        let out = env.path(&format!("out{p}"));
        let bin = bin.clone();
        kids.push(std::thread::spawn(move || {
            for k in 0..per {
                let name = format!("n{p}-{k}");
                let o = Command::new(&bin)
                    .args(["cert", "node", &name, "--role", "db", "--host", "127.0.0.1"])
                    .arg("--out")
                    .arg(out.join(&name))
                    .env("SECCTL_STORE", &url)
                    .env("SECCTL_CACHE_DIR", &cache)
                    .env("SECCTL_PASSPHRASE_FILE", &pw)
                    .stdin(Stdio::null())
                    .output()
                    .unwrap();
                assert!(
                    o.status.success(),
                    "{name}: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
            }
        }));
    }
    // The revoker: revokes the first certificate of each issuer once it exists; the
    // publisher runs `crl` in a loop. Every CRL each of them published is kept.
    let crls = env.path("crls");
    std::fs::create_dir_all(&crls).unwrap();
    let mut revoked_names = vec![];
    let mut published = 0;
    let t0 = Instant::now();
    while revoked_names.len() < 8 && t0.elapsed() < Duration::from_secs(600) {
        for p in 0..8 {
            let name = format!("n{p}-0");
            if revoked_names.contains(&name) {
                continue;
            }
            let r = on_etcd(
                &env,
                &cluster.url(2, "prod"),
                "revoker",
                &["--yes", "revoke", &name],
            );
            if r.code == 0 {
                revoked_names.push(name);
                let wc = work_copy(&env, "revoker");
                std::fs::copy(wc.join("crl.pem"), crls.join(format!("{published:04}.pem")))
                    .unwrap();
                published += 1;
            }
        }
        on_etcd(&env, &cluster.url(1, "prod"), "publisher", &["crl"]).ok();
        let wc = work_copy(&env, "publisher");
        std::fs::copy(wc.join("crl.pem"), crls.join(format!("{published:04}.pem"))).unwrap();
        published += 1;
    }
    for k in kids {
        k.join().unwrap();
    }
    assert_eq!(revoked_names.len(), 8);
    // Every record, once, distinct serials.
    let s = serials(&env, &url);
    let mut uniq = s.clone();
    uniq.sort();
    uniq.dedup();
    assert_eq!(s.len(), 8 * per, "{s:?}");
    assert_eq!(uniq.len(), s.len());
    // CRL numbers strictly increasing across all publications, in the order they were
    // made (each from a different machine's working copy).
    let mut files: Vec<_> = std::fs::read_dir(&crls)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let numbers: Vec<u64> = files.iter().map(|f| crl_number(f)).collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{numbers:?}");
    // The final CRL, read back from etcd by a fresh machine: every revocation in it, and
    // openssl refuses the revoked certificates and accepts the others.
    let fresh = env.path("fresh");
    env.run(&[
        "store",
        "copy",
        "--from",
        &url,
        "--to",
        fresh.to_str().unwrap(),
    ])
    .ok();
    let text = tool(
        "openssl",
        &[
            "crl",
            "-in",
            fresh.join("crl.pem").to_str().unwrap(),
            "-noout",
            "-text",
        ],
    )
    .stdout;
    for p in 0..8 {
        let crt = env.path(&format!("out{p}/n{p}-0/n{p}-0.crt"));
        let serial = tool(
            "openssl",
            &["x509", "-in", crt.to_str().unwrap(), "-noout", "-serial"],
        )
        .stdout;
        let serial = serial.trim().trim_start_matches("serial=").to_uppercase();
        assert!(
            text.to_uppercase().contains(&serial),
            "{serial} not in the CRL"
        );
        let v = tool(
            "openssl",
            &[
                "verify",
                "-crl_check",
                "-CAfile",
                fresh.join("ca.crt").to_str().unwrap(),
                "-CRLfile",
                fresh.join("crl.pem").to_str().unwrap(),
                crt.to_str().unwrap(),
            ],
        );
        assert_ne!(v.code, 0, "revoked n{p}-0 verified: {}", v.stdout);
        let good = env.path(&format!("out{p}/n{p}-1/n{p}-1.crt"));
        let v = tool(
            "openssl",
            &[
                "verify",
                "-crl_check",
                "-CAfile",
                fresh.join("ca.crt").to_str().unwrap(),
                "-CRLfile",
                fresh.join("crl.pem").to_str().unwrap(),
                good.to_str().unwrap(),
            ],
        );
        assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    }
    // The state agrees with itself.
    on_etcd(&env, &url, "reader", &["store", "check"]).ok();
}

/// The working copy of machine `cache` (one store per test).
fn work_copy(env: &Env, cache: &str) -> PathBuf {
    let base = env.path(cache).join("etcd");
    let d = std::fs::read_dir(&base)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    d.join("state")
}

#[test]
#[ignore = "needs etcd and etcdctl (apt-get install etcd-server etcd-client); run by .ci/run"]
fn faults_leader_killed_and_quorum_lost() {
    let env = setup();
    let mut cluster = Cluster::start(&env.path("etcd"), None);
    let leader = cluster.leader();
    // The leader first in the list: the writes go to it until it dies.
    let url = cluster.url(leader, "prod");
    on_etcd(&env, &url, "a", &["ca", "init", "--name", "Prod"]).ok();
    let mut inv = String::from("cluster: Prod\nnodes:\n");
    for i in 0..150 {
        // Delivered files outside the state: every machine sees the same ones.
        inv.push_str(&format!(
            "  - name: n{i}\n    role: db\n    hosts: [127.0.0.1]\n    out: {}\n",
            env.path(&format!("out/n{i}")).display()
        ));
    }
    let inv = env.write("inv.yaml", &inv);
    let mut child = Command::new(bin())
        .args(["apply", inv.to_str().unwrap()])
        .env("SECCTL_STORE", &url)
        .env("SECCTL_CACHE_DIR", env.path("a"))
        .env("SECCTL_PASSPHRASE_FILE", env.path("pw"))
        .env("SECCTL_ETCD_TIMEOUT", "2")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Kill the leader while the apply runs (issuing or writing back).
    std::thread::sleep(Duration::from_millis(1500));
    cluster.kill(leader);
    let st = child.wait().unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(
        st.code() == Some(0) || st.code() == Some(3),
        "apply: {st:?} {err}"
    );
    // The survivors have quorum: a re-run converges to every node once, and a second run
    // has nothing to do.
    let url2 = cluster.url((leader + 1) % 3, "prod");
    on_etcd(&env, &url2, "a", &["apply", inv.to_str().unwrap()]).ok();
    on_etcd(
        &env,
        &url2,
        "b",
        &["apply", "--check", inv.to_str().unwrap()],
    )
    .ok();
    let s = serials(&env, &url2);
    let mut uniq = s.clone();
    uniq.sort();
    uniq.dedup();
    assert_eq!(uniq.len(), s.len());
    let names = on_etcd(&env, &url2, "b", &["-o", "json", "cert", "list"])
        .ok()
        .stdout;
    let n = names.lines().filter(|l| l.contains("\"name\"")).count();
    assert!(n >= 150, "{n} current certificates");
    on_etcd(&env, &url2, "b", &["store", "check"]).ok();
    // The old leader comes back and catches up.
    cluster.start_member(leader);
    cluster.wait_healthy();
    // Quorum lost: two members stopped. A writer exits 3 with one line, within its
    // deadline (3 members x 1 s); a re-run after the restart works.
    let others: Vec<usize> = (0..3).filter(|i| *i != leader).collect();
    cluster.kill(others[0]);
    cluster.kill(others[1]);
    let t0 = Instant::now();
    let r = env.run_env(
        &[
            "cert",
            "node",
            "late",
            "--role",
            "db",
            "--host",
            "127.0.0.1",
        ],
        &[
            ("SECCTL_STORE", &url),
            ("SECCTL_CACHE_DIR", env.path("a").to_str().unwrap()),
            ("SECCTL_PASSPHRASE_FILE", env.path("pw").to_str().unwrap()),
            ("SECCTL_ETCD_TIMEOUT", "1"),
        ],
    );
    assert_eq!(r.code, 3, "{} {}", r.stdout, r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("etcd"), "{}", r.stderr);
    assert!(t0.elapsed() < Duration::from_secs(15), "{:?}", t0.elapsed());
    cluster.start_member(others[0]);
    cluster.start_member(others[1]);
    cluster.wait_healthy();
    on_etcd(
        &env,
        &url,
        "a",
        &[
            "cert",
            "node",
            "late",
            "--role",
            "db",
            "--host",
            "127.0.0.1",
        ],
    )
    .ok();
    on_etcd(&env, &url, "a", &["store", "check"]).ok();
}

#[test]
#[ignore = "needs etcd and etcdctl (apt-get install etcd-server etcd-client); run by .ci/run"]
fn store_copy_both_ways_and_mtls_to_etcd() {
    let env = setup();
    // A local CA that issues etcd's own certificates (server and client).
    env.run(&["ca", "init", "--name", "Etcd"]).ok();
    env.run(&[
        "cert",
        "node",
        "etcd",
        "--role",
        "etcd",
        "--host",
        "127.0.0.1",
        "--out",
        env.path("etcd-tls").to_str().unwrap(),
    ])
    .ok();
    env.run(&[
        "cert",
        "client",
        "secctl",
        "--role",
        "ops",
        "--out",
        env.path("etcd-client").to_str().unwrap(),
    ])
    .ok();
    let tls = EtcdTls {
        ca: env.pki().join("ca.crt"),
        server_crt: env.path("etcd-tls/etcd.crt"),
        server_key: env.path("etcd-tls/etcd.key"),
        client_crt: env.path("etcd-client/secctl.crt"),
        client_key: env.path("etcd-client/secctl.key"),
    };
    let cluster = Cluster::start(&env.path("etcd"), Some(tls.clone()));
    let url = cluster.url(0, "copy");
    // A state directory with certificates and a revocation, copied to etcd.
    let src = env.path("src");
    let dir = src.to_str().unwrap();
    in_dir(&env, &src, &["ca", "init", "--name", "Prod"]).ok();
    for n in ["a", "b", "c"] {
        in_dir(
            &env,
            &src,
            &["cert", "node", n, "--role", "db", "--host", "127.0.0.1"],
        )
        .ok();
    }
    in_dir(&env, &src, &["--yes", "revoke", "b"]).ok();
    let tls_args = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = vec![
            "--etcd-ca".into(),
            tls.ca.display().to_string(),
            "--etcd-cert".into(),
            tls.client_crt.display().to_string(),
            "--etcd-key".into(),
            tls.client_key.display().to_string(),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    // A directory whose CA key is in clear is refused before anything is written (exit 2),
    // and no copy of the key is left in the working copy.
    let clear = env.path("clear");
    Command::new(bin())
        .arg("--dir")
        .arg(&clear)
        .args(["ca", "init", "--name", "Clear"])
        .env_remove("SECCTL_PASSPHRASE_FILE")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(clear.join("ca/root.key").exists());
    let args = tls_args(&[
        "store",
        "copy",
        "--from",
        clear.to_str().unwrap(),
        "--to",
        &url,
    ]);
    on_etcd(&env, &url, "m", &args_owned(&args)).usage_error(&["plaintext key ca/root.key"]);
    let keys = cluster.etcdctl(&["get", "--prefix", "/copy/", "--keys-only"]);
    assert!(keys.stdout.trim().is_empty(), "{}", keys.stdout);
    let left = std::process::Command::new("grep")
        .args(["-rl", "PRIVATE KEY"])
        .arg(env.path("m"))
        .output()
        .unwrap();
    assert!(
        left.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&left.stdout)
    );
    let args = tls_args(&["store", "copy", "--from", dir, "--to", &url]);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    on_etcd(&env, &url, "m", &a).ok();
    // Without the client certificate etcd refuses: exit 3, one line.
    let r = on_etcd(
        &env,
        &url,
        "m",
        &["--etcd-ca", tls.ca.to_str().unwrap(), "cert", "list"],
    );
    assert_eq!(r.code, 3, "{} {}", r.stdout, r.stderr);
    // A second copy into the same prefix is refused.
    let r = on_etcd(&env, &url, "m", &a);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // Work on etcd: a new certificate, a revocation.
    let args = tls_args(&[
        "cert",
        "node",
        "d",
        "--role",
        "db",
        "--host",
        "127.0.0.1",
        "--out",
        env.path("d").to_str().unwrap(),
    ]);
    on_etcd(
        &env,
        &url,
        "m",
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .ok();
    let args = tls_args(&["--yes", "revoke", "c"]);
    on_etcd(
        &env,
        &url,
        "m",
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .ok();
    // Back to a directory: the same certificates and the same CRL as etcd's.
    let back = env.path("back");
    let args = tls_args(&[
        "store",
        "copy",
        "--from",
        &url,
        "--to",
        back.to_str().unwrap(),
    ]);
    on_etcd(
        &env,
        &url,
        "m2",
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .ok();
    let list_dir = in_dir(&env, &back, &["-o", "json", "cert", "list"])
        .ok()
        .stdout;
    let args = tls_args(&["-o", "json", "cert", "list"]);
    let list_etcd = on_etcd(
        &env,
        &url,
        "m3",
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .ok()
    .stdout;
    assert_eq!(list_dir, list_etcd);
    assert!(list_dir.matches("\"revoked\"").count() >= 2, "{list_dir}");
    let v = tool(
        "openssl",
        &[
            "crl",
            "-in",
            back.join("crl.pem").to_str().unwrap(),
            "-CAfile",
            back.join("ca.crt").to_str().unwrap(),
            "-verify",
            "-noout",
        ],
    );
    assert_eq!(v.code, 0, "{}", v.stderr);
    in_dir(&env, &back, &["store", "check"]).ok();
    // A node that fetches the CRL and the bundle from etcd (no CA key, no passphrase): the
    // same bytes as the copy, and openssl checks the CRL's signature with the bundle.
    // The bundle first: the CRL is checked against the bundle the node holds (ca.crt
    // beside it).
    let (crl, bundle) = (env.path("fetched.crl"), env.path("ca.crt"));
    for (cmd, file) in [
        (vec!["ca", "bundle", "--out"], &bundle),
        (vec!["crl", "--out"], &crl),
    ] {
        let mut a: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
        a.push(file.display().to_string());
        let a = tls_args(&a.iter().map(String::as_str).collect::<Vec<_>>());
        let r = env.run_env(
            &args_owned(&a),
            &[
                ("SECCTL_STORE", &url),
                ("SECCTL_CACHE_DIR", env.path("node").to_str().unwrap()),
            ],
        );
        r.ok();
    }
    assert_eq!(
        std::fs::read(&crl).unwrap(),
        std::fs::read(back.join("crl.pem")).unwrap()
    );
    assert_eq!(
        std::fs::read(&bundle).unwrap(),
        std::fs::read(back.join("ca.crt")).unwrap()
    );
    let v = tool(
        "openssl",
        &[
            "crl",
            "-in",
            crl.to_str().unwrap(),
            "-CAfile",
            bundle.to_str().unwrap(),
            "-verify",
            "-noout",
        ],
    );
    assert_eq!(v.code, 0, "{}", v.stderr);
    // The copy back into a non-empty directory is refused.
    let r = on_etcd(
        &env,
        &url,
        "m2",
        &args_owned(&tls_args(&[
            "store",
            "copy",
            "--from",
            &url,
            "--to",
            back.to_str().unwrap(),
        ])),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
}

/// secctl with its own `--dir` (not the Env's).
fn in_dir(env: &Env, dir: &Path, args: &[&str]) -> Run {
    let o = Command::new(bin())
        .current_dir(env.path(""))
        .arg("--dir")
        .arg(dir)
        .args(args)
        .env_remove("SECCTL_STORE")
        .env("SECCTL_PASSPHRASE_FILE", env.path("pw"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    to_run(o)
}

fn args_owned(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
#[ignore = "needs etcd and etcdctl (apt-get install etcd-server etcd-client); run by .ci/run"]
fn backup_of_an_etcd_store_restores_and_goes_back_on_etcd() {
    let env = setup();
    let cluster = Cluster::start(&env.path("etcd"), None);
    let url = cluster.url(0, "prod");
    let init = on_etcd(
        &env,
        &url,
        "a",
        &["ca", "init", "--name", "Prod", "--intermediate"],
    )
    .ok()
    .stdout;
    // Messages name the state on etcd, not this machine's working copy.
    assert!(
        init.lines().any(|l| l.starts_with("trust bundle")
            && l.contains("etcd://")
            && l.ends_with("/prod/ca.crt")),
        "{init}"
    );
    for n in ["n1", "n2", "n3"] {
        let out = env.path(&format!("out/{n}"));
        on_etcd(
            &env,
            &url,
            "a",
            &[
                "cert",
                "node",
                n,
                "--host",
                "127.0.0.1",
                "--out",
                out.to_str().unwrap(),
            ],
        )
        .ok();
    }
    let rev = on_etcd(&env, &url, "a", &["--yes", "revoke", "n2"])
        .ok()
        .stdout;
    assert!(
        rev.contains("published CRL number 2 to etcd://") && rev.contains("/prod/crl.pem"),
        "{rev}"
    );
    // backup init on machine a: two of three custodians restore.
    let c: Vec<(String, String)> = ["x", "y", "z"].iter().map(|n| custodian(&env, n)).collect();
    let args = backup_init_args(2, &env.path("custody"), &c);
    let v = on_etcd(&env, &url, "a", &args_owned(&args)).ok().json();
    let shares: Vec<String> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    // The public key is on etcd for everyone; the authentication key is not.
    let keys = cluster
        .etcdctl(&["get", "--prefix", "/prod/", "--keys-only"])
        .stdout;
    assert!(keys.contains("/prod/backup.pub"), "{keys}");
    assert!(!keys.contains("backup.auth"), "{keys}");
    // Another machine cannot make a backup that restores.
    let elsewhere = env.path("elsewhere.age");
    let r = on_etcd(
        &env,
        &url,
        "b",
        &["backup", "create", "--out", elsewhere.to_str().unwrap()],
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("not on this machine"), "{}", r.stderr);
    assert!(!elsewhere.exists());
    // Machine a backs the etcd state up (no secret needed), and it restores into a
    // directory with two shares.
    let b = env.path("state.age");
    on_etcd(
        &env,
        &url,
        "a",
        &["backup", "create", "--out", b.to_str().unwrap()],
    )
    .ok();
    let restored = env.path("restored");
    in_dir(
        &env,
        &restored,
        &[
            "backup",
            "restore",
            b.to_str().unwrap(),
            "--to",
            restored.to_str().unwrap(),
            "--share",
            &shares[0],
            "--share",
            &shares[2],
            "-i",
            &c[0].0,
            "-i",
            &c[2].0,
        ],
    )
    .ok();
    // The restored directory is the etcd state: the same certificates, the same CRL, and
    // openssl agrees with it.
    let list_etcd = on_etcd(&env, &url, "r", &["-o", "json", "cert", "list", "--all"])
        .ok()
        .stdout;
    let list_dir = in_dir(&env, &restored, &["-o", "json", "cert", "list", "--all"])
        .ok()
        .stdout;
    assert_eq!(list_etcd, list_dir);
    in_dir(&env, &restored, &["store", "check"]).ok();
    let crl = restored.join("crl.pem");
    let crl_etcd = env.path("etcd-crl.pem");
    on_etcd(
        &env,
        &url,
        "r",
        &[
            "crl",
            "--out",
            crl_etcd.to_str().unwrap(),
            "--ca",
            restored.join("ca.crt").to_str().unwrap(),
        ],
    )
    .ok();
    assert_eq!(
        std::fs::read(&crl).unwrap(),
        std::fs::read(&crl_etcd).unwrap()
    );
    for (n, ok) in [("n1", true), ("n2", false), ("n3", true)] {
        let leaf = env.path(&format!("out/{n}/{n}.crt"));
        let v = tool(
            "openssl",
            &[
                "verify",
                "-crl_check",
                "-CAfile",
                restored.join("ca.crt").to_str().unwrap(),
                "-untrusted",
                leaf.to_str().unwrap(),
                "-CRLfile",
                crl.to_str().unwrap(),
                leaf.to_str().unwrap(),
            ],
        );
        assert_eq!(v.code == 0, ok, "{n}: {}{}", v.stdout, v.stderr);
    }
    // And back on etcd under a new prefix: the same listing; issuing there works (the CA
    // key came back encrypted).
    let url2 = cluster.url(1, "restored");
    on_etcd(
        &env,
        &url2,
        "c",
        &[
            "store",
            "copy",
            "--from",
            restored.to_str().unwrap(),
            "--to",
            &url2,
        ],
    )
    .ok();
    let list_back = on_etcd(&env, &url2, "d", &["-o", "json", "cert", "list", "--all"])
        .ok()
        .stdout;
    assert_eq!(list_etcd, list_back);
    let out4 = env.path("out/n4");
    on_etcd(
        &env,
        &url2,
        "d",
        &[
            "cert",
            "node",
            "n4",
            "--host",
            "127.0.0.1",
            "--out",
            out4.to_str().unwrap(),
        ],
    )
    .ok();
    let v = openssl_verify_chain(&restored.join("ca.crt"), &out4.join("n4.crt"), None);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    on_etcd(&env, &url2, "d", &["store", "check"]).ok();
}

#[test]
#[ignore = "needs etcd and etcdctl (apt-get install etcd-server etcd-client); run by .ci/run"]
fn a_failed_write_back_hands_nothing_out() {
    // A writer whose changes do not reach etcd (here its lock is taken away while it is
    // about to write back: the same as a bypassing writer, a lost lease or a refused
    // request) must not leave a certificate on the node that the CA has no record of, nor
    // say on stdout that it issued one.
    let env = setup();
    let cluster = Cluster::start(&env.path("etcd"), None);
    let url = cluster.url(0, "prod");
    on_etcd(&env, &url, "a", &["ca", "init", "--name", "Prod"]).ok();
    let out = env.path("out/n1");
    let resume = env.path("resume");
    let child = Command::new(bin())
        .args(["cert", "node", "n1", "--host", "127.0.0.1", "--out"])
        .arg(&out)
        .env("SECCTL_STORE", &url)
        .env("SECCTL_CACHE_DIR", env.path("a"))
        .env("SECCTL_PASSPHRASE_FILE", env.path("pw"))
        .env("SECCTL_TEST_PAUSE", "write-back")
        .env("SECCTL_TEST_RESUME", &resume)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let paused = env.path("resume.paused");
    let t0 = Instant::now();
    while !paused.exists() {
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "never reached the write-back"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Staged and synced, not handed out yet.
    assert!(!out.join("n1.crt").exists() && !out.join("n1.key").exists());
    cluster.etcdctl(&["del", "--prefix", "/prod/.lock/"]).ok();
    std::fs::write(&resume, "").unwrap();
    let r = to_run(child.wait_with_output().unwrap());
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "", "printed a result that is not on etcd");
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("changed under this command"),
        "{}",
        r.stderr
    );
    let left: Vec<_> = std::fs::read_dir(&out)
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "left in the output directory: {left:?}");
    assert!(serials(&env, &url).is_empty());
    // Run again: issued, recorded, delivered, and they agree.
    let again = on_etcd(
        &env,
        &url,
        "a",
        &[
            "cert",
            "node",
            "n1",
            "--host",
            "127.0.0.1",
            "--out",
            out.to_str().unwrap(),
        ],
    )
    .ok();
    assert!(
        again.stdout.contains("issued node certificate"),
        "{}",
        again.stdout
    );
    assert_eq!(serials(&env, &url).len(), 1);
    let bundle = env.path("bundle.crt");
    on_etcd(
        &env,
        &url,
        "r",
        &["ca", "bundle", "--out", bundle.to_str().unwrap()],
    )
    .ok();
    let v = openssl_verify_chain(&bundle, &out.join("n1.crt"), Some("sslserver"));
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    on_etcd(&env, &url, "r", &["store", "check"]).ok();
}

#[test]
#[ignore = "needs etcd and etcdctl (apt-get install etcd-server etcd-client); run by .ci/run"]
fn a_working_copy_kept_between_commands_is_never_trusted_blindly() {
    // Each machine keeps its working copy between commands and fetches only the keys that
    // changed on etcd; a file changed or added locally since (by hand, or by a writer
    // killed before its write-back) is read again or removed, never pushed or believed.
    let env = setup();
    let cluster = Cluster::start(&env.path("etcd"), None);
    let url = cluster.url(0, "prod");
    on_etcd(&env, &url, "a", &["ca", "init", "--name", "Prod"]).ok();
    let issue = |machine: &str, n: &str| {
        let out = env.path(&format!("out/{n}"));
        on_etcd(
            &env,
            &url,
            machine,
            &[
                "cert",
                "node",
                n,
                "--host",
                "127.0.0.1",
                "--out",
                out.to_str().unwrap(),
            ],
        )
        .ok();
    };
    let list = |machine: &str| {
        on_etcd(
            &env,
            &url,
            machine,
            &["-o", "json", "cert", "list", "--all"],
        )
        .ok()
        .stdout
    };
    issue("a", "n1");
    let first = list("b");
    assert_eq!(first, list("a"));
    // Changes made elsewhere reach b.
    issue("a", "n2");
    on_etcd(&env, &url, "a", &["--yes", "revoke", "n1"]).ok();
    let after = list("b");
    assert_eq!(after, list("a"));
    assert!(
        after.contains("\"n2\"") && after.contains("\"revoked\""),
        "{after}"
    );
    // b's working copy tampered with: a record rewritten, a record and a revocation added.
    let work = work_copy(&env, "b");
    let serial = serials(&env, &url)[0].clone();
    let rec = work.join(format!("issued/{serial}.json"));
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&rec).unwrap()).unwrap();
    v["name"] = serde_json::Value::String("forged".into());
    std::fs::write(&rec, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    std::fs::write(
        work.join("issued/0123456789abcdef0123456789abcdef.json"),
        std::fs::read(&rec).unwrap(),
    )
    .unwrap();
    let mut log = std::fs::OpenOptions::new()
        .append(true)
        .open(work.join("revocations.log"))
        .unwrap();
    std::io::Write::write_all(
        &mut log,
        format!("{serial} keyCompromise 1700000000\n").as_bytes(),
    )
    .unwrap();
    drop(log);
    // b reads etcd's state again, not its own edits, and its next write pushes none of them.
    assert_eq!(list("b"), list("a"));
    issue("b", "n3");
    let all = list("c");
    assert!(
        !all.contains("forged") && !all.contains("0123456789abcdef0123456789abcdef"),
        "{all}"
    );
    assert_eq!(all.matches("\"revoked\"").count(), 1, "{all}");
    assert_eq!(all, list("a"));
    assert_eq!(all, list("b"));
    on_etcd(&env, &url, "c", &["store", "check"]).ok();
    // The same address, another state: the cluster wiped and made again, and provisioned
    // the same way (so every key comes back at the same revisions, with other content). b
    // must see the new CA, not keep its copy of the old one.
    let provision = |m: &str| {
        on_etcd(&env, &url, m, &["ca", "init", "--name", "Prod"]).ok();
    };
    let ca_of = |m: &str| {
        on_etcd(&env, &url, m, &["-o", "json", "ca", "show"])
            .ok()
            .json()["root"]["sha256_fingerprint"]
            .to_string()
    };
    let mut cluster = cluster;
    for i in 0..3 {
        cluster.kill(i);
    }
    let _ = std::fs::remove_dir_all(env.path("etcd"));
    std::fs::create_dir_all(env.path("etcd")).unwrap();
    for i in 0..3 {
        cluster.start_member(i);
    }
    cluster.wait_healthy();
    provision("a");
    let _ = ca_of("b");
    for i in 0..3 {
        cluster.kill(i);
    }
    let _ = std::fs::remove_dir_all(env.path("etcd"));
    std::fs::create_dir_all(env.path("etcd")).unwrap();
    for i in 0..3 {
        cluster.start_member(i);
    }
    cluster.wait_healthy();
    provision("a");
    assert_eq!(ca_of("b"), ca_of("a"));
}

/// The state's value of `key` on etcd, without the mode line.
fn etcd_value(cluster: &Cluster, key: &str) -> String {
    let r = cluster.etcdctl(&["get", key, "--print-value-only"]).ok();
    // etcdctl adds one newline after the value.
    let v = r.stdout.strip_suffix('\n').unwrap_or(&r.stdout);
    v.split_once('\n')
        .map(|(_, rest)| rest.to_string())
        .unwrap()
}

/// What another writer of the prefix does: put `content` under `key` with `mode`.
fn plant(cluster: &Cluster, key: &str, mode: &str, content: &str) {
    cluster
        .etcdctl(&["put", key, &format!("{mode}\n{content}")])
        .ok();
}

#[test]
#[ignore = "needs etcd and etcdctl (apt-get install etcd-server etcd-client); run by .ci/run"]
fn a_second_writer_of_the_prefix_cannot_make_a_node_trust_it() {
    // Another writer of the prefix (no lock, no CA passphrase) plants a root, puts an old CRL
    // back, writes a CRL signed by its own key and opens the modes: the node's fetch refuses
    // each, and openssl against what the node holds still refuses the attacker's client and
    // the revoked one.
    let env = setup();
    let cluster = Cluster::start(&env.path("etcd"), None);
    let url = cluster.url(0, "prod");
    on_etcd(&env, &url, "ca-host", &["ca", "init", "--name", "Prod"]).ok();
    // The node's installed files (its etcd working copy is under `node-cache`).
    let node = env.path("node-tls");
    std::fs::create_dir_all(&node).unwrap();
    std::fs::set_permissions(&node, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let (bundle, crl) = (node.join("ca.crt"), node.join("crl.pem"));
    let fetch_bundle = || {
        on_etcd(
            &env,
            &url,
            "node",
            &["ca", "bundle", "--out", bundle.to_str().unwrap()],
        )
    };
    let fetch_crl = || {
        on_etcd(
            &env,
            &url,
            "node-cache",
            &["crl", "--out", crl.to_str().unwrap()],
        )
    };
    fetch_bundle().ok();
    let out = env.path("out/rails");
    on_etcd(
        &env,
        &url,
        "ca-host",
        &[
            "cert",
            "client",
            "rails",
            "--role",
            "gitlab",
            "--out",
            out.to_str().unwrap(),
        ],
    )
    .ok();
    let rails = out.join("rails.crt");
    fetch_crl().ok();
    let old_crl = etcd_value(&cluster, "/prod/crl.pem");
    on_etcd(&env, &url, "ca-host", &["--yes", "revoke", "rails"]).ok();
    fetch_crl().ok();
    let revoked = |crl: &Path| {
        let r = tool(
            "openssl",
            &[
                "verify",
                "-crl_check",
                "-CAfile",
                bundle.to_str().unwrap(),
                "-CRLfile",
                crl.to_str().unwrap(),
                rails.to_str().unwrap(),
            ],
        );
        r.code != 0 && format!("{}{}", r.stdout, r.stderr).contains("revoked")
    };
    assert!(
        revoked(&crl),
        "openssl does not see the revocation in the node's CRL"
    );
    let before = snapshot(&node);

    // 1. The CRL from before the revocation, put back.
    plant(&cluster, "/prod/crl.pem", "644", &old_crl);
    fetch_crl().usage_error(&["/prod/crl.pem", "rolled-back"]);
    assert!(
        snapshot(&node) == before,
        "a refused fetch changed the node's files"
    );
    assert!(revoked(&crl));

    // 2. A CRL signed by the attacker's key under the CA's name, with a high number.
    let subject = tool(
        "openssl",
        &[
            "x509",
            "-in",
            bundle.to_str().unwrap(),
            "-noout",
            "-subject",
            "-nameopt",
            "compat",
        ],
    )
    .ok()
    .stdout
    .trim()
    .trim_start_matches("subject=")
    .to_string();
    let (evil_root, evil_client, _) = attacker_ca(&env, &subject);
    let evil_crl = foreign_crl(&env, &evil_root, &env.path("evil-root.key"));
    plant(
        &cluster,
        "/prod/crl.pem",
        "644",
        &std::fs::read_to_string(&evil_crl).unwrap(),
    );
    fetch_crl().usage_error(&["/prod/crl.pem", "not signed by a CA this node trusts"]);
    assert!(
        snapshot(&node) == before,
        "a refused fetch changed the node's files"
    );
    assert!(revoked(&crl));

    // 3. A root appended to the trust bundle.
    let good_bundle = etcd_value(&cluster, "/prod/ca.crt");
    plant(
        &cluster,
        "/prod/ca.crt",
        "644",
        &format!(
            "{good_bundle}{}",
            std::fs::read_to_string(&evil_root).unwrap()
        ),
    );
    fetch_bundle().usage_error(&["/prod/ca.crt", "neither pinned nor endorsed"]);
    assert!(
        snapshot(&node) == before,
        "a refused fetch changed the node's files"
    );
    let r = openssl_verify_chain(&bundle, &evil_client, None);
    assert_ne!(
        r.code, 0,
        "openssl accepts the attacker's client: {}",
        r.stdout
    );
    // The CA host's check names it.
    let r = on_etcd(&env, &url, "ca-host", &["store", "check"]);
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    assert!(r.stdout.contains("does not endorse"), "{}", r.stdout);

    // 4. Modes opened by the writer: a reader's working copy keeps secctl's.
    plant(&cluster, "/prod/ca.crt", "777", &good_bundle);
    let key = etcd_value(&cluster, "/prod/ca/root.key.age");
    plant(&cluster, "/prod/ca/root.key.age", "666", &key);
    on_etcd(&env, &url, "reader", &["cert", "list"]).ok();
    let work = work_copy(&env, "reader");
    assert_eq!(mode(&work.join("ca/root.key.age")), 0o600);
    assert_eq!(mode(&work.join("ca.crt")), 0o644);

    // The CA publishes again; the node takes it (a higher number), the revocation holds.
    on_etcd(&env, &url, "ca-host", &["crl"]).ok();
    fetch_crl().ok();
    fetch_bundle().ok();
    assert!(revoked(&crl));
}
