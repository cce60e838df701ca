//! The in-process limit of `secctl apply` for N node certificates: key generation, signing
//! and PEM encoding of the same certificates `apply` makes, on as many threads as `apply`
//! uses, with no file I/O. `benches/apply_10k.sh` runs it beside `apply` itself.
//!
//!   cargo bench --bench apply_limit -- [N]        (default 10000)
#![allow(clippy::disallowed_macros)] // a benchmark prints its figures

use std::time::Instant;

use secctl::pki::ca::{self, InitMode, InitOptions};
use secctl::pki::issue::{self, LeafSpec};
use secctl::pki::keys::{self, KeyType};
use secctl::pki::names::parse_host;
use secctl::pki::store::{CertKind, Store};

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Store::new(dir.path().join("pki"), secctl::pki::fsio::DirPolicy::STRICT);
    let opts = InitOptions {
        cluster: "Fleet".into(),
        trust_domain: "fleet.local".into(),
        key_type: KeyType::EcdsaP256,
        days: 3650,
        intermediate: false,
        name_constraints: Default::default(),
    };
    secctl::revocation::init_ca(&store, &opts, None, InitMode::Fresh).expect("CA");
    let cfg = store.config().expect("config");
    let issuing = ca::load_issuing(&store, None).expect("issuing CA");
    let specs: Vec<LeafSpec> = (0..n)
        .map(|i| LeafSpec {
            name: format!("edge-{i:05}"),
            kind: CertKind::Node,
            role: "edge".into(),
            hosts: vec![
                parse_host(&format!("edge-{i:05}.fleet.local")).expect("host"),
                parse_host(&format!(
                    "10.{}.{}.{}",
                    i / 65536 % 256,
                    i / 256 % 256,
                    i % 256
                ))
                .expect("ip"),
            ],
            valid_for: time::Duration::days(365),
            key_type: KeyType::EcdsaP256,
        })
        .collect();
    let out = dir.path().join("unused");
    let one = |s: &LeafSpec| {
        let iss = issue::issue(&cfg, &issuing, s, &out, None).expect("issue");
        let key = keys::pkcs8_pem(iss.key.as_ref().expect("a generated key")).expect("pem");
        key.len() + iss.chain_pem.len()
    };
    let threads = std::thread::available_parallelism().map_or(2, |t| t.get());

    let t = Instant::now();
    let bytes: usize = std::thread::scope(|sc| {
        let per = n.div_ceil(threads);
        let hs: Vec<_> = specs
            .chunks(per.max(1))
            .map(|part| sc.spawn(move || part.iter().map(one).sum::<usize>()))
            .collect();
        hs.into_iter().map(|h| h.join().expect("thread")).sum()
    });
    let parallel = t.elapsed();
    let sample = n.min(1000);
    let t = Instant::now();
    let _: usize = specs[..sample].iter().map(one).sum();
    let single = t.elapsed().as_secs_f64() * n as f64 / sample as f64;
    println!("limit_certs {n}");
    println!("limit_threads {threads}");
    println!("limit_parallel_ms {:.1}", parallel.as_secs_f64() * 1e3);
    println!(
        "limit_single_thread_ms {:.1} (1,000 measured, scaled)",
        single * 1e3
    );
    println!("limit_pem_bytes {bytes}");
}
