//! Which node of a cluster owns what (see `docs/scaling.md`, "Cluster design").
//!
//! Conversations and user streams fall into [`tincan_store::lease::SHARDS`] shards by a stable
//! hash ([`shard`]); each shard's owner is the live node that rendezvous hashing picks
//! ([`rendezvous`]); and a node's [`keeper::Keeper`] announces the node, follows the live
//! nodes, and takes, renews and gives up the leases of the shards the map gives it, whose fences
//! its writes carry; a node's [`link::Link`] forwards operations to the owner of their shard
//! over NATS and answers those forwarded to it.
//!
//! Nothing here runs unless a node is started as part of a cluster.
//!
//! # Layout
//!
//! - [`shard`]: the shard of a conversation or of a user's stream.
//! - [`rendezvous`]: the owner of a shard among live nodes.
//! - [`keeper`]: a node's membership and leases, kept by a thread of their own.
//! - [`link`]: a node's NATS link: forwarding, answering forwarded calls, announcements.
//! - [`tunnel`]: a client's WebSocket carried over NATS from the node it reached to the owner.
//! - [`pieces`]: a body too large for one NATS message, fetched piece by piece.
//! - [`fenced`]: a store writer whose batches carry the fence of the node's lease.

pub mod fenced;
pub mod keeper;
pub mod link;
pub mod pieces;
pub mod rendezvous;
pub mod shard;
pub mod tunnel;
