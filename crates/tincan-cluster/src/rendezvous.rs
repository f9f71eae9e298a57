//! Rendezvous (highest random weight) hashing: a shard's owner is the live node with the highest
//! weight for it. Every node computes the same owner from the same membership without talking to
//! the others; a node joining takes about 1/N of the shards, one leaving hands its shards out
//! evenly, and no other shard moves.

use crate::shard::fnv1a;

/// The weight of `node` for `shard`: FNV-1a of both, mixed (SplitMix64's finalizer) so that
/// nearby node names and shards give unrelated weights.
pub fn weight(node: &str, shard: u32) -> u64 {
    let mut hash = fnv1a(&[node.as_bytes(), &shard.to_be_bytes()]);
    hash ^= hash >> 30;
    hash = hash.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash ^= hash >> 27;
    hash = hash.wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

/// The owner of `shard` among `nodes` (none when there are none); ties, which need equal
/// weights, go to the greater name.
pub fn owner<'n>(shard: u32, nodes: impl IntoIterator<Item = &'n str>) -> Option<&'n str> {
    nodes.into_iter().max_by_key(|node| (weight(node, shard), *node))
}

#[cfg(test)]
mod tests {
    use tincan_store::lease::SHARDS;

    use super::*;

    #[test]
    fn shards_spread_evenly_and_only_a_leaving_nodes_shards_move() {
        let three = ["1", "2", "3"];
        let owners: Vec<&str> = (0..SHARDS).map(|shard| owner(shard, three).unwrap()).collect();
        for node in three {
            let count = owners.iter().filter(|it| **it == node).count();
            assert!((60..=110).contains(&count), "{node} owns {count} of {SHARDS}");
        }
        let two = ["1", "3"];
        for shard in 0..SHARDS {
            let after = owner(shard, two).unwrap();
            if owners[shard as usize] != "2" {
                assert_eq!(after, owners[shard as usize], "shard {shard} moved though its owner stayed");
            }
        }
        assert_eq!(owner(0, []), None);
        assert_eq!(owner(5, ["x"]), Some("x"));
    }
}
