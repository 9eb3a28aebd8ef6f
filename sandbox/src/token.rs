//! Random, URL-safe token strings.
//!
//! SipHash keyed by std's per-process random `RandomState` is a PRF, so hashing a
//! counter gives unpredictable output without pulling in an RNG crate; three
//! 64-bit blocks give 192 bits, encoded as 32 base64url characters.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Generator of unguessable, URL-safe tokens.
#[derive(Debug)]
pub struct TokenGen {
    keys: RandomState,
    counter: AtomicU64,
}

impl Default for TokenGen {
    fn default() -> Self {
        Self::new()
    }
}

impl TokenGen {
    /// A generator with fresh random keys.
    pub fn new() -> Self {
        Self {
            keys: RandomState::new(),
            counter: AtomicU64::new(0),
        }
    }

    /// A new 32-character token from `[A-Za-z0-9_-]`.
    pub fn token(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let mut bytes = [0u8; 24];
        for (block, chunk) in bytes.chunks_mut(8).enumerate() {
            let mut hasher = self.keys.build_hasher();
            hasher.write_u64(n);
            hasher.write_usize(block);
            chunk.copy_from_slice(&hasher.finish().to_le_bytes());
        }
        base64url(&bytes)
    }

    /// A token with a readable prefix, e.g. `cust_…` for ids.
    pub fn prefixed(&self, prefix: &str) -> String {
        format!("{prefix}{}", self.token())
    }
}

/// Unpadded base64url of `bytes` (whose length is a multiple of 3).
fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() / 3 * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for shift in [18, 12, 6, 0] {
            out.push(char::from(ALPHABET[(n >> shift & 63) as usize]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn tokens_are_url_safe_and_distinct() {
        let tokens = TokenGen::new();
        let set: HashSet<String> = (0..10_000).map(|_| tokens.token()).collect();
        assert_eq!(set.len(), 10_000);
        for t in set.iter().take(100) {
            assert_eq!(t.len(), 32);
            assert!(t
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        }
    }

    #[test]
    fn base64url_matches_reference() {
        assert_eq!(base64url(b"\xfb\xff\xbf"), "-_-_");
        assert_eq!(base64url(b"Man"), "TWFu");
    }
}
