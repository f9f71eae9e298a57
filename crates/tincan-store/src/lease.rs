//! Shard leases: which node of a cluster owns which shard, and the fencing tokens that keep a
//! former owner's writes out of the store.
//!
//! A cluster divides conversations and user streams into [`SHARDS`] shards; each has one lease
//! row in the store naming its owner node and an epoch, which grows every time the lease is
//! granted anew (to another node, or to the same node after it lapsed). The owner hands the
//! store a [`Fence`] (shard and epoch) with every batch that touches the shard
//! ([`crate::StoreWrite::apply_fenced`]); the store checks it in the batch's own transaction and
//! refuses the whole batch with [`crate::StoreError::Fenced`] when the epoch has moved on, so a
//! node that lost a shard (paused, partitioned, slow) can never commit over the new owner.
//! Expiry is measured by the store's clock, so nodes' clocks need not agree.
//!
//! Only a store several nodes share keeps leases (PostgreSQL); the single-node stores keep none,
//! and their writes take no fences.

use std::time::Duration;

use crate::StoreResult;

/// The number of shards; fixed for the life of a database, since changing it would move every
/// conversation to another shard.
pub const SHARDS: u32 = 256;

/// A fencing token: a batch carrying it is stored only while `shard`'s lease still has `epoch`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fence {
    /// The shard.
    pub shard: u32,
    /// The epoch of the lease the writer holds.
    pub epoch: u64,
}

/// A lease a node holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    /// The shard.
    pub shard: u32,
    /// The owner.
    pub node: String,
    /// Its epoch: one continuous tenure of one node.
    pub epoch: u64,
}

impl Lease {
    /// The token a batch touching the shard carries.
    pub fn fence(&self) -> Fence {
        Fence { shard: self.shard, epoch: self.epoch }
    }
}

/// A shard's lease as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaseRecord {
    /// The shard.
    pub shard: u32,
    /// The owner, if any (none once released).
    pub node: Option<String>,
    /// The epoch of the latest grant.
    pub epoch: u64,
    /// Whether it has not expired, by the store's clock.
    pub live: bool,
}

/// A node that has announced itself recently enough to count as live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeRecord {
    /// Its ID.
    pub node: String,
    /// Where other nodes reach it (its NATS subject prefix).
    pub address: String,
}

/// Leases and membership, as a store shared by the nodes of a cluster keeps them. Every call is
/// one short transaction of its own, separate from the writer's batches.
pub trait Leases: Send + Sync + 'static {
    /// The cluster's ID: made once, when the store's cluster tables are, and the same for every
    /// node of the cluster (16 lowercase hex digits for PostgreSQL's).
    fn cluster_id(&self) -> StoreResult<String>;

    /// Grants `shard`'s lease to `node` for `ttl` when nobody holds it, its holder let it expire,
    /// or `node` holds it already. The epoch stays the same only when `node` renews a lease that
    /// has not expired; otherwise it grows by one. `None` when another node holds a live lease.
    fn acquire(&self, shard: u32, node: &str, ttl: Duration) -> StoreResult<Option<Lease>>;

    /// Extends `node`'s leases among `held` by `ttl`; answers the ones it still holds (a lease
    /// another node took over, or one released, is left out), expired or not: an unchanged epoch
    /// means nobody else has written for the shard.
    fn renew(&self, node: &str, held: &[Fence], ttl: Duration) -> StoreResult<Vec<Fence>>;

    /// Gives a lease up at once (keeping its epoch, so the next grant's is higher).
    fn release(&self, lease: &Lease) -> StoreResult<()>;

    /// Every shard's lease that was ever granted, by shard.
    fn leases(&self) -> StoreResult<Vec<LeaseRecord>>;

    /// Records that `node` is live, reachable at `address`, for `ttl`.
    fn heartbeat(&self, node: &str, address: &str, ttl: Duration) -> StoreResult<()>;

    /// Removes `node` from the live nodes at once (an orderly leave).
    fn leave(&self, node: &str) -> StoreResult<()>;

    /// The nodes whose heartbeat has not expired, by ID.
    fn live_nodes(&self) -> StoreResult<Vec<NodeRecord>>;
}
