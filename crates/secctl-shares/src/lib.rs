//! Shamir K-of-N secret sharing over GF(256) (vsss-rs, constant time) with the integrity
//! vsss-rs lacks: a split id, a per-share checksum and a commitment to the secret (see
//! [`mod@format`]). secctl re-exports this crate as `secctl::shares`, where shares can also be
//! age-encrypted to custodians (X25519 or SSH public keys, `secctl::shares::custody`).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod format;

use std::collections::BTreeMap;

use vsss_rs::Gf256;
use zeroize::Zeroizing;

pub use format::Share;

/// Salt put in front of the secret before splitting (see [`format`]).
const SALT: usize = 16;

/// The RNG vsss-rs draws polynomial coefficients from: the system RNG through ring.
struct SysRng;

impl rand_core::TryRng for SysRng {
    type Error = std::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        fill(&mut b);
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        fill(&mut b);
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        fill(dst);
        Ok(())
    }
}

impl rand_core::TryCryptoRng for SysRng {}

fn fill(dst: &mut [u8]) {
    // getrandom(2) on Linux does not fail once the pool is initialised; if it ever did,
    // continuing with non-random coefficients would leak the secret, so stop here.
    if ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), dst).is_err() {
        std::process::abort();
    }
}

/// Why shares cannot be split or combined.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    /// Bad K or N.
    #[error("threshold {k} and shares {n} must satisfy 2 <= threshold <= shares <= 255")]
    Params {
        /// K.
        k: usize,
        /// N.
        n: usize,
    },
    /// Nothing to split.
    #[error("the secret is empty")]
    Empty,
    /// Fewer than K distinct shares.
    #[error("too few shares: {have} of the {need} needed ({} more)", need - have)]
    TooFew {
        /// Distinct shares given.
        have: usize,
        /// K.
        need: usize,
    },
    /// Two shares with one index.
    #[error("duplicate share: index {index} given twice ({first} and {second})")]
    Duplicate {
        /// The index.
        index: u8,
        /// First input.
        first: String,
        /// Second input.
        second: String,
    },
    /// Shares of different splits.
    #[error("shares from different splits: {a} is from split {split_a}, {b} from split {split_b}")]
    Mixed {
        /// One input.
        a: String,
        /// Its split.
        split_a: String,
        /// Another.
        b: String,
        /// Its split.
        split_b: String,
    },
    /// The reconstruction does not match the commitment.
    #[error("the reconstructed secret does not match the commitment: {0}")]
    Commitment(String),
}

fn commitment(split: &str, salted: &[u8]) -> [u8; 32] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(b"secctl-share-v1|");
    ctx.update(split.as_bytes());
    ctx.update(b"|");
    ctx.update(salted);
    ctx.finish().as_ref().try_into().unwrap_or([0; 32])
}

/// Split `secret` into `n` shares, any `k` of which reconstruct it.
pub fn split(secret: &[u8], k: usize, n: usize) -> Result<Vec<Share>, ShareError> {
    if !(2..=255).contains(&k) || k > n || n > 255 {
        return Err(ShareError::Params { k, n });
    }
    if secret.is_empty() {
        return Err(ShareError::Empty);
    }
    let mut split_id = [0u8; 8];
    fill(&mut split_id);
    let split_id = hex::encode(split_id);
    let mut salted = Zeroizing::new(vec![0u8; SALT]);
    fill(&mut salted);
    salted.extend_from_slice(secret);
    let c = commitment(&split_id, &salted);
    let raw =
        Gf256::split_bytes(k, n, &*salted, SysRng).map_err(|_| ShareError::Params { k, n })?;
    Ok(raw
        .into_iter()
        .map(|data| Share {
            split: split_id.clone(),
            threshold: k as u8,
            shares: n as u8,
            index: data[0],
            commitment: c,
            data: Zeroizing::new(data),
        })
        .collect())
}

/// Combine shares (`names` say where each came from, for messages): refuses mixed splits,
/// duplicates, too few shares and a reconstruction that does not match the commitment.
pub fn combine(shares: &[(String, Share)]) -> Result<Zeroizing<Vec<u8>>, ShareError> {
    let Some((first_name, first)) = shares.first() else {
        return Err(ShareError::TooFew { have: 0, need: 2 });
    };
    let mut by_index: BTreeMap<u8, (&String, &Share)> = BTreeMap::new();
    for (name, s) in shares {
        if s.split != first.split
            || s.threshold != first.threshold
            || s.shares != first.shares
            || s.commitment != first.commitment
        {
            return Err(ShareError::Mixed {
                a: first_name.clone(),
                split_a: first.split.clone(),
                b: name.clone(),
                split_b: s.split.clone(),
            });
        }
        if let Some((prev, _)) = by_index.get(&s.index) {
            return Err(ShareError::Duplicate {
                index: s.index,
                first: (*prev).clone(),
                second: name.clone(),
            });
        }
        by_index.insert(s.index, (name, s));
    }
    let need = first.threshold as usize;
    if by_index.len() < need {
        return Err(ShareError::TooFew {
            have: by_index.len(),
            need,
        });
    }
    let attempt = |subset: &[&Share]| -> Option<Zeroizing<Vec<u8>>> {
        let raw: Vec<Vec<u8>> = subset.iter().map(|s| s.data.to_vec()).collect();
        let out = Gf256::combine_bytes(&raw).ok().map(Zeroizing::new);
        for mut r in raw {
            zeroize::Zeroize::zeroize(&mut r);
        }
        let out = out?;
        (out.len() > SALT && commitment(&first.split, &out) == first.commitment).then_some(out)
    };
    let all: Vec<&Share> = by_index.values().map(|(_, s)| *s).collect();
    if let Some(salted) = attempt(&all) {
        return Ok(Zeroizing::new(salted[SALT..].to_vec()));
    }
    // With more than K shares, find the one whose removal gives a right reconstruction.
    if all.len() > need {
        for (skip, (name, _)) in by_index.values().enumerate() {
            let rest: Vec<&Share> = all
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, s)| *s)
                .collect();
            if attempt(&rest).is_some() {
                return Err(ShareError::Commitment(format!(
                    "share {name} is corrupted or forged"
                )));
            }
        }
    }
    Err(ShareError::Commitment(
        "a share is corrupted or forged (or its header was edited)".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic small PRNG for choosing test parameters (not for secrets).
    struct Xs(u64);
    impl Xs {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    fn subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
        let mut out = vec![];
        let mut cur = vec![];
        fn rec(start: usize, n: usize, k: usize, cur: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
            if cur.len() == k {
                out.push(cur.clone());
                return;
            }
            for i in start..n {
                cur.push(i);
                rec(i + 1, n, k, cur, out);
                cur.pop();
            }
        }
        rec(0, n, k, &mut cur, &mut out);
        out
    }

    #[test]
    fn every_k_subset_reconstructs_and_every_k_minus_1_is_refused() {
        let mut rng = Xs(0x9e3779b97f4a7c15);
        for round in 0..40 {
            let n = 2 + (rng.next() % 15) as usize; // 2..=16
            let k = 2 + (rng.next() % (n as u64 - 1)) as usize; // 2..=n
            let len = 1 + (rng.next() % 64) as usize;
            let secret: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let shares = split(&secret, k, n).unwrap();
            assert_eq!(shares.len(), n);
            for (i, s) in shares.iter().enumerate() {
                assert_eq!(s.index as usize, i + 1, "indices are 1..=N");
                let text = format::encode(s);
                let back = format::decode(&text).unwrap();
                assert_eq!(back.data.as_slice(), s.data.as_slice());
            }
            let named = |idx: &[usize]| -> Vec<(String, Share)> {
                idx.iter()
                    .map(|&i| (format!("s{i}"), shares[i].clone()))
                    .collect()
            };
            // Cap the number of subsets per round to keep the test fast.
            let ks = subsets(n, k);
            let step = (ks.len() / 200).max(1);
            for sub in ks.iter().step_by(step) {
                assert_eq!(
                    combine(&named(sub)).unwrap().as_slice(),
                    secret.as_slice(),
                    "round {round} k={k} n={n} {sub:?}"
                );
            }
            for sub in subsets(n, k - 1).iter().step_by(step) {
                assert_eq!(
                    combine(&named(sub)).unwrap_err(),
                    ShareError::TooFew {
                        have: k - 1,
                        need: k
                    }
                );
            }
        }
    }

    #[test]
    fn forged_threshold_is_caught_by_the_commitment() {
        let secret = b"a secret";
        let shares = split(secret, 3, 5).unwrap();
        // Somebody edits K to 2 in two shares (and recomputes their checksums).
        let forged: Vec<(String, Share)> = shares[..2]
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut s = s.clone();
                s.threshold = 2;
                (
                    format!("s{i}"),
                    format::decode(&format::encode(&s)).unwrap(),
                )
            })
            .collect();
        assert!(matches!(combine(&forged), Err(ShareError::Commitment(_))));
    }

    #[test]
    fn a_bad_share_among_more_than_k_is_named() {
        let shares = split(b"0123456789abcdef", 2, 4).unwrap();
        let mut named: Vec<(String, Share)> = shares
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("s{i}"), s.clone()))
            .collect();
        named[2].1.data[3] ^= 0x40;
        let e = combine(&named[..3]).unwrap_err();
        assert_eq!(
            e,
            ShareError::Commitment("share s2 is corrupted or forged".into())
        );
    }

    #[test]
    fn typos_fail_the_checksum_and_mixed_splits_are_refused() {
        let a = split(b"one", 2, 3).unwrap();
        let b = split(b"one", 2, 3).unwrap();
        let text = format::encode(&a[0]).to_string();
        // Change one base64 character of the payload.
        let lines: Vec<&str> = text.lines().collect();
        let payload_line = lines.iter().position(|l| l.is_empty()).unwrap() + 1;
        let mut bad = lines.clone();
        let mut p = bad[payload_line].to_string();
        let c = p.remove(2);
        p.insert(2, if c == 'A' { 'B' } else { 'A' });
        bad[payload_line] = &p;
        let err = format::decode(&bad.join("\n")).unwrap_err();
        assert!(err.contains("checksum") || err.contains("damaged"), "{err}");
        let mixed = vec![
            ("a".to_string(), a[0].clone()),
            ("b".to_string(), b[1].clone()),
        ];
        assert!(matches!(combine(&mixed), Err(ShareError::Mixed { .. })));
        let dup = vec![
            ("a".to_string(), a[0].clone()),
            ("a2".to_string(), a[0].clone()),
        ];
        assert!(matches!(
            combine(&dup),
            Err(ShareError::Duplicate { index: 1, .. })
        ));
    }
}
