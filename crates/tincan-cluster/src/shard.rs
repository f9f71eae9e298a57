//! The shard of a conversation or of a user's event stream: FNV-1a (64 bits) of the app and the
//! key, modulo [`SHARDS`]. The hash is written here rather than taken from `std`, whose hashers
//! are seeded per process: every node, and every version of tincan, must agree on it.

use tincan_core::conv::ConvKey;
use tincan_proto::UserId;
use tincan_store::lease::SHARDS;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a over the given parts, each followed by a zero byte so that parts do not run together.
pub(crate) fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash = FNV_OFFSET;
    for part in parts {
        for byte in part.iter().chain(&[0]) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(FNV_PRIME);
        }
    }
    hash
}

fn reduce(hash: u64) -> u32 {
    u32::try_from(hash % u64::from(SHARDS)).unwrap_or(0)
}

/// The shard of a conversation.
pub fn of_conversation(sdkappid: u64, conv: &ConvKey) -> u32 {
    let app = sdkappid.to_be_bytes();
    reduce(match conv {
        ConvKey::C2c(pair) => fnv1a(&[&app, b"c2c", pair.low().as_str().as_bytes(), pair.high().as_str().as_bytes()]),
        ConvKey::Group(group) => fnv1a(&[&app, b"group", group.as_str().as_bytes()]),
    })
}

/// The shard of a user's event stream.
pub fn of_user(sdkappid: u64, user: &UserId) -> u32 {
    reduce(fnv1a(&[&sdkappid.to_be_bytes(), b"user", user.as_str().as_bytes()]))
}

#[cfg(test)]
mod tests {
    use tincan_core::conv::C2cPair;
    use tincan_proto::GroupId;

    use super::*;

    #[test]
    fn the_hash_is_fnv1a() {
        // FNV-1a of "a" is 0xaf63dc4c8601ec8c; here each part ends with a zero byte, which
        // xors nothing in and multiplies once more.
        assert_eq!(fnv1a(&[]), FNV_OFFSET);
        assert_eq!(fnv1a(&[b"a"]), 0xaf63_dc4c_8601_ec8c_u64.wrapping_mul(FNV_PRIME));
        assert_ne!(fnv1a(&[b"ab", b"c"]), fnv1a(&[b"a", b"bc"]));
    }

    #[test]
    fn shards_are_stable_and_spread() {
        let alice = UserId::parse("alice").unwrap();
        let bob = UserId::parse("bob").unwrap();
        let pair = ConvKey::C2c(C2cPair::new(alice.clone(), bob.clone()).unwrap());
        let reversed = ConvKey::C2c(C2cPair::new(bob.clone(), alice.clone()).unwrap());
        assert_eq!(of_conversation(1, &pair), of_conversation(1, &reversed), "a pair is one conversation");
        // Pinned (computed apart from this code): a change of the hash would move every
        // conversation of a running cluster.
        assert_eq!(of_user(1400000000, &alice), 19);
        assert_eq!(of_conversation(1400000000, &ConvKey::Group(GroupId::parse("@TGS#1").unwrap())), 163);
        let mut counts = vec![0u32; SHARDS as usize];
        for n in 0..25_600 {
            counts[of_user(7, &UserId::parse(&format!("user{n}")).unwrap()) as usize] += 1;
        }
        assert!(counts.iter().all(|count| (50..=160).contains(count)), "{counts:?}");
    }
}
