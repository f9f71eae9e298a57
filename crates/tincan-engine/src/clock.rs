//! Time and randomness, handed in through [`crate::EngineConfig`] so that a test or a simulation
//! can replace the system's with its own and replay a run.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of the current time.
pub trait Clock: Send + Sync + 'static {
    /// UNIX time in milliseconds.
    fn now_ms(&self) -> u64;

    /// UNIX time in seconds.
    fn now_secs(&self) -> u64 {
        self.now_ms() / 1000
    }
}

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map(|it| it.as_millis() as u64).unwrap_or(0)
    }
}

/// A source of random numbers: message random numbers the server picks, group IDs, app keys
/// and SDKAppIDs, and the IDs of group tips.
pub trait Random: Send + Sync + 'static {
    /// A random 64-bit number.
    fn next_u64(&self) -> u64;

    /// 32 random bytes.
    fn bytes32(&self) -> [u8; 32] {
        let mut bytes = [0u8; 32];
        for chunk in bytes.chunks_mut(8) {
            chunk.copy_from_slice(&self.next_u64().to_le_bytes());
        }
        bytes
    }
}

/// The operating system's randomness (through `rand`); what production uses, since app keys
/// are secrets.
pub struct SystemRandom;

impl Random for SystemRandom {
    fn next_u64(&self) -> u64 {
        rand::random()
    }

    fn bytes32(&self) -> [u8; 32] {
        rand::random()
    }
}

/// A seeded generator (SplitMix64): the same seed gives the same numbers in the same order,
/// so that a simulation replays. Never for production: its numbers are predictable.
pub struct SeededRandom {
    state: AtomicU64,
}

impl SeededRandom {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> SeededRandom {
        SeededRandom { state: AtomicU64::new(seed) }
    }
}

impl Random for SeededRandom {
    fn next_u64(&self) -> u64 {
        let mut z = self.state.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed).wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_replays_its_numbers() {
        let (first, second) = (SeededRandom::new(7), SeededRandom::new(7));
        let a: Vec<u64> = (0..5).map(|_| first.next_u64()).collect();
        let b: Vec<u64> = (0..5).map(|_| second.next_u64()).collect();
        assert_eq!(a, b);
        assert_ne!(a[0], a[1]);
        assert_ne!(SeededRandom::new(8).next_u64(), a[0]);
    }
}
