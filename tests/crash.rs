//! Crash safety: `secctl apply` killed with SIGKILL at random moments, 60 times, half of
//! them while creating a CA and certificates and half while renewing every certificate.
//! After each kill: no empty or truncated key, certificate, record or configuration; every
//! record has its certificate. The next run repairs what the kill left (temporary files,
//! an unrecorded certificate, a key that is not its certificate's) and converges to the
//! state an uninterrupted run gives.

#![allow(clippy::disallowed_macros)] // tests report seeds and skips on stderr

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{bin, Env};

const NODES: usize = 80;
const TRIALS: usize = 60;

/// The two tests here run one after the other: the random one times an uninterrupted
/// run first, and must not time it while the other test loads the machine.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn inventory(extra_host: bool) -> String {
    let mut s = String::from(
        "cluster: Crash\ntrust_domain: crash.test\nca:\n  intermediate: true\nnodes:\n",
    );
    for i in 0..NODES {
        let extra = if extra_host { ", 10.9.0.1" } else { "" };
        s.push_str(&format!(
            "  - name: n{i}\n    role: r{}\n    hosts: [n{i}.crash.test{extra}]\n",
            i % 3
        ));
    }
    s.push_str("clients:\n  - name: c0\n    role: admin\n");
    s
}

/// xorshift64*: enough randomness for kill times, reproducible from the printed seed.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

fn apply_cmd(env: &Env, inv: &Path) -> Command {
    let mut c = Command::new(bin());
    c.current_dir(env.tmp.path())
        .arg("--dir")
        .arg(env.pki())
        .args(["-o", "json", "apply"])
        .arg(inv)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

fn run_apply(env: &Env, inv: &Path) -> serde_json::Value {
    let o = Command::new(bin())
        .current_dir(env.tmp.path())
        .arg("--dir")
        .arg(env.pki())
        .args(["-o", "json", "apply"])
        .arg(inv)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// What a kill may leave, and what it must not.
fn check_after_kill(pki: &Path, trial: usize) {
    let mut all = Vec::new();
    files(pki, &mut all);
    for p in &all {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".tmp") || name == ".lock" {
            continue; // temporary files are the next run's to clear
        }
        let bytes = std::fs::read(p).unwrap();
        assert!(!bytes.is_empty(), "trial {trial}: empty {}", p.display());
        let text = String::from_utf8_lossy(&bytes);
        match p.extension().and_then(|x| x.to_str()) {
            Some("key") | Some("crt") | Some("pem") => {
                let begins = text.matches("-----BEGIN ").count();
                let ends = text.matches("-----END ").count();
                assert!(
                    begins > 0 && begins == ends && text.trim_end().ends_with("-----"),
                    "trial {trial}: truncated PEM {}",
                    p.display()
                );
            }
            Some("json") => {
                serde_json::from_slice::<serde_json::Value>(&bytes).unwrap_or_else(|e| {
                    panic!("trial {trial}: corrupt JSON {} ({e})", p.display())
                });
            }
            _ => {}
        }
        // A record is one file, its certificate inside it.
        if p.parent().unwrap().ends_with("issued") && name.ends_with(".json") {
            assert!(
                record_pem(p).is_some(),
                "trial {trial}: record without certificate {}",
                p.display()
            );
        }
        assert!(
            !(p.parent().unwrap().ends_with("issued") && name.ends_with(".crt")),
            "trial {trial}: a certificate beside the records {}",
            p.display()
        );
    }
    // Every certificate handed out is in the CA's ledger (a record with its certificate):
    // the record is written before the files are delivered, never after.
    let recorded: BTreeSet<String> = all
        .iter()
        .filter(|p| p.parent().unwrap().ends_with("issued"))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter_map(|p| record_pem(p))
        .map(|pem| pem.trim().to_string())
        .collect();
    for p in all.iter().filter(|p| {
        p.extension().is_some_and(|x| x == "crt")
            && p.parent().unwrap().parent().unwrap().ends_with("certs")
            && !p.ends_with("ca.crt")
    }) {
        let text = std::fs::read_to_string(p).unwrap();
        let end = "-----END CERTIFICATE-----";
        let leaf = &text[..text.find(end).unwrap() + end.len()];
        assert!(
            recorded.contains(leaf.trim()),
            "trial {trial}: {} was delivered without a record",
            p.display()
        );
    }
    // Keys are never readable by others, even half-way.
    for p in all.iter().filter(|p| {
        let n = p.to_string_lossy();
        n.ends_with(".key") || n.ends_with(".key.age") || n.contains(".key.")
    }) {
        assert_eq!(
            common::mode(p) & 0o077,
            0,
            "trial {trial}: {} readable by others",
            p.display()
        );
    }
}

/// After the repairing run: no leftovers, every certificate recorded, nothing pending.
fn check_converged(env: &Env, inv: &Path, trial: usize) -> BTreeSet<String> {
    let mut all = Vec::new();
    files(&env.pki(), &mut all);
    for p in &all {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            !name.ends_with(".tmp"),
            "trial {trial}: left {}",
            p.display()
        );
        assert!(
            !(p.parent().unwrap().ends_with("issued") && name.ends_with(".crt")),
            "trial {trial}: a certificate beside the records {}",
            p.display()
        );
    }
    let r = env.run(&["apply", "--check", inv.to_str().unwrap()]);
    assert_eq!(r.code, 0, "trial {trial}: not converged: {}", r.stdout);
    // Records, certificates, the name index and the delivered files agree.
    let r = env.run(&["store", "check"]);
    assert_eq!(r.code, 0, "trial {trial}: store check: {}", r.stdout);
    let list = env.run(&["-o", "json", "cert", "list"]).ok().json();
    // What is delivered is what the latest record says, and each key is its certificate's.
    let mut latest = std::collections::BTreeMap::new();
    for c in list.as_array().unwrap() {
        latest.insert(c["name"].as_str().unwrap().to_string(), c.clone());
    }
    for (name, c) in &latest {
        let dir = Path::new(c["out_dir"].as_str().unwrap());
        let crt = dir.join(format!("{name}.crt"));
        let key = dir.join(format!("{name}.key"));
        let (der, _) = secctl::pki::inspect::read_cert_file(&crt).unwrap();
        let recorded = env
            .pki()
            .join("issued")
            .join(format!("{}.json", c["serial"].as_str().unwrap()));
        let rec_der =
            secctl::pki::inspect::parse_pem_certs("record", &record_pem(&recorded).unwrap())
                .unwrap()
                .swap_remove(0);
        assert!(
            der == rec_der,
            "trial {trial}: {} is not the latest record",
            crt.display()
        );
        let k = secctl::pki::keys::load_private_key(&key, None).unwrap();
        secctl::pki::ca::check_key_matches(&key, &k, &der)
            .unwrap_or_else(|e| panic!("trial {trial}: {e}"));
    }
    // The converged state, as an uninterrupted run would describe it.
    list.as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "valid")
        .map(|c| {
            format!(
                "{} {} {} {}",
                c["name"].as_str().unwrap(),
                c["role"].as_str().unwrap(),
                c["hosts"],
                c["out_dir"].as_str().unwrap().rsplit('/').next().unwrap()
            )
        })
        .collect()
}

#[test]
fn apply_survives_sigkill_at_random_moments() {
    let _one_at_a_time = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("crash test seed {seed}");
    let mut rng = Rng(seed);

    // Reference: uninterrupted runs, and how long they take.
    let reference = Env::new();
    let inv_a = reference.write("a.yaml", &inventory(false));
    let inv_b = reference.write("b.yaml", &inventory(true));
    let t0 = Instant::now();
    run_apply(&reference, &inv_a);
    let create_time = t0.elapsed();
    let want_a = check_converged(&reference, &inv_a, 0);
    let t0 = Instant::now();
    run_apply(&reference, &inv_b);
    let renew_time = t0.elapsed();
    let want_b = check_converged(&reference, &inv_b, 0);
    assert_eq!(want_a.len(), NODES + 1);
    assert_ne!(want_a, want_b);

    let mut killed_mid_run = 0;
    for trial in 1..=TRIALS {
        let env = Env::new();
        let a = env.write("a.yaml", &inventory(false));
        let b = env.write("b.yaml", &inventory(true));
        let renewing = trial % 2 == 0;
        if renewing {
            run_apply(&env, &a);
        }
        let (inv, want, full) = if renewing {
            (&b, &want_b, renew_time)
        } else {
            (&a, &want_a, create_time)
        };
        let mut child = apply_cmd(&env, inv).spawn().unwrap();
        // Uniform over the first 3/4 of an uninterrupted run (measured beforehand, so under
        // a busy machine's timing a few runs may still finish first).
        let delay = Duration::from_micros(rng.below(full.as_micros() as u64 * 3 / 4 + 1));
        std::thread::sleep(delay);
        unsafe_free_kill(&mut child);
        let status = child.wait().unwrap();
        if status.code().is_none() {
            killed_mid_run += 1;
        }
        check_after_kill(&env.pki(), trial);
        run_apply(&env, inv);
        let got = check_converged(&env, inv, trial);
        assert_eq!(
            &got, want,
            "trial {trial} (seed {seed}) converged elsewhere"
        );
    }
    eprintln!("{killed_mid_run} of {TRIALS} runs were killed before they finished");
    assert!(
        killed_mid_run >= TRIALS / 3,
        "only {killed_mid_run} of {TRIALS} kills landed mid-run"
    );
}

/// Every step of a commit: `apply` stopped right after its 1st, 2nd, ... rename (a debug
/// build's fault point), creating and then renewing a small cluster. Random kills rarely
/// land between two renames; this covers each such state once.
#[test]
fn apply_stopped_after_every_rename_converges() {
    let _one_at_a_time = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let small = |extra: bool| {
        inventory(extra)
            .lines()
            .take(5 + 3 * 3)
            .chain(["clients:", "  - name: c0", "    role: admin"])
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    };
    let reference = Env::new();
    let ia = reference.write("a.yaml", &small(false));
    let ib = reference.write("b.yaml", &small(true));
    run_apply(&reference, &ia);
    let want_a = check_converged(&reference, &ia, 0);
    run_apply(&reference, &ib);
    let want_b = check_converged(&reference, &ib, 0);
    assert_eq!(want_a.len(), 4);
    let mut stopped = 0;
    for renewing in [false, true] {
        for step in 1.. {
            let env = Env::new();
            let a = env.write("a.yaml", &small(false));
            let b = env.write("b.yaml", &small(true));
            if renewing {
                run_apply(&env, &a);
            }
            let inv = if renewing { &b } else { &a };
            let status = apply_cmd(&env, inv)
                .env("SECCTL_TEST_ABORT_AFTER_RENAMES", step.to_string())
                .status()
                .unwrap();
            let trial = 1000 * usize::from(renewing) + step;
            check_after_kill(&env.pki(), trial);
            run_apply(&env, inv);
            let got = check_converged(&env, inv, trial);
            assert_eq!(
                &got,
                if renewing { &want_b } else { &want_a },
                "step {step}"
            );
            if status.success() {
                break; // the run had fewer renames than `step`: every one was covered
            }
            stopped += 1;
        }
    }
    // CA files, then 5 files per certificate, each renamed once.
    assert!(stopped >= 2 * 4 * 5, "only {stopped} stops");
}

/// SIGKILL by PID (Child::kill sends SIGKILL on Unix).
fn unsafe_free_kill(child: &mut std::process::Child) {
    let _ = child.kill();
}

/// `secctl crl` over 30,000 revocations killed at random moments, 20 times: the published
/// CRL is always the previous one or the new one, whole (openssl verifies it), and the next
/// writer clears the temporary files the kill left.
#[test]
fn crl_survives_sigkill() {
    let _one_at_a_time = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let env = Env::new();
    env.run(&["ca", "init", "--name", "Crl"]).ok();
    env.run(&["cert", "client", "bad", "--role", "r"]).ok();
    env.run(&["revoke", "bad", "--yes"]).ok();
    // Many more revocations, written as `revoke` writes them.
    let mut log = std::fs::read_to_string(env.pki().join("revocations.log")).unwrap();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..30_000 {
        let hi = rng.below(u64::MAX) & 0x7fff_ffff_ffff_ffff | 1 << 62;
        log.push_str(&format!(
            "{hi:016x}{:016x} keyCompromise 1700000000\n",
            rng.below(u64::MAX)
        ));
    }
    std::fs::write(env.pki().join("revocations.log"), log).unwrap();
    let openssl_ok = |what: &str| {
        let r = common::openssl_crl_verify(&env.pki(), &[]);
        assert!(
            r.code == 0 && r.stderr.contains("verify OK"),
            "{what}: {}",
            r.stderr
        );
    };
    let t0 = Instant::now();
    env.run(&["crl"]).ok();
    let full = t0.elapsed();
    openssl_ok("uninterrupted");
    let mut seed = Rng(full.as_nanos() as u64 | 1);
    for trial in 0..20 {
        let mut child = Command::new(bin())
            .arg("--dir")
            .arg(env.pki())
            .arg("crl")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(
            seed.below(full.as_micros() as u64 + 1),
        ));
        let _ = child.kill();
        let _ = child.wait();
        openssl_ok(&format!("trial {trial}"));
    }
    let left = std::fs::read_dir(env.pki())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .count();
    eprintln!("{left} temporary files left by the kills");
    // What a kill inside the write window leaves (rarely hit at random): a temporary file
    // of a dead process, and a certificate whose record was never written (as an earlier
    // version, which wrote a record's certificate beside it first, could leave).
    let stale = env.pki().join(".crl.pem.2147483647.0123456789ab.tmp");
    std::fs::write(&stale, "-----BEGIN X509 CRL-----\nMIIB").unwrap();
    let orphan = env.pki().join("issued/00aa.crt");
    std::fs::write(&orphan, "never delivered").unwrap();
    // and the mark of a writer that held the lock (its process is gone).
    std::fs::write(env.pki().join(".writing"), "2147483647\n").unwrap();
    // The next writer (here `crl`) clears them under the lock, and publishes.
    env.run(&["crl"]).ok();
    assert!(!stale.exists() && !orphan.exists());
    openssl_ok("after the kills");
    let leftovers: Vec<_> = std::fs::read_dir(env.pki())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The certificate (PEM) a record file carries; None when the record has none.
fn record_pem(p: &Path) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(p).ok()?).ok()?;
    v["certificate"].as_str().map(str::to_string)
}
