//! A node's membership and shard leases, kept by a thread of their own.
//!
//! Every tick (`KeeperConfig::tick`) the keeper announces the node (a heartbeat), reads the live
//! nodes, renews the leases it holds (learning which it lost), gives up those the rendezvous map
//! no longer gives it, and tries to take those it gives it that it lacks (a lease another node
//! still holds is tried again next tick, until that node gives it up or it expires).
//! A lease counts as held only while its last renewal is younger than the lease's life minus a
//! tick, by this node's monotonic clock: a node that cannot reach the store stops answering for
//! its shards before anyone else may take them over, and its writes are fenced in any case.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tincan_store::lease::SHARDS;
use tincan_store::{Fence, Lease, Leases};

use crate::rendezvous;

/// How a node keeps its leases.
#[derive(Clone, Debug)]
pub struct KeeperConfig {
    /// The node's ID.
    pub node: String,
    /// Where other nodes reach it.
    pub address: String,
    /// A lease's life, and a heartbeat's.
    pub ttl: Duration,
    /// How often the keeper renews and looks at the live nodes; well under `ttl`.
    pub tick: Duration,
    /// How many shards the cluster spreads: the first `shards` of the lease table (at most
    /// [`SHARDS`]). With 1, one node at a time owns everything (see `docs/scaling.md`).
    pub shards: u32,
    /// Whether a held lease is kept while this node lives even when the map prefers another
    /// node (which then takes it only once this node gives it up, leaves or dies): a cluster
    /// whose one serving node reloads everything on a move wants it moved only when it must.
    pub sticky: bool,
}

/// The keeper of one node's leases; gives them up and leaves the cluster when stopped.
pub struct Keeper {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    config: KeeperConfig,
    state: Mutex<Held>,
    stopping: AtomicBool,
    /// Set by [`Keeper::wake`]: the next tick is now.
    woken: AtomicBool,
    /// Set by [`Keeper::stand_aside`]: the node holds nothing and is not a live node.
    aside: AtomicBool,
    wake: Condvar,
}

#[derive(Default)]
struct Held {
    leases: BTreeMap<u32, Lease>,
    /// Every shard's live holder, as the lease table said at the last tick.
    owners: BTreeMap<u32, String>,
    /// Every live node's address, as the node table said at the last tick.
    addresses: BTreeMap<String, String>,
    /// When the held leases were last renewed, by this node's clock (taken before the call).
    renewed: Option<Instant>,
}

impl Keeper {
    /// Starts keeping `config.node`'s leases in `leases`.
    pub fn start(leases: Arc<dyn Leases>, config: KeeperConfig) -> Keeper {
        let shared = Arc::new(Shared {
            config,
            state: Mutex::new(Held::default()),
            stopping: AtomicBool::new(false),
            woken: AtomicBool::new(false),
            aside: AtomicBool::new(false),
            wake: Condvar::new(),
        });
        let thread = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("tincan-keeper".to_owned())
                .spawn(move || run(&*leases, &shared))
                .expect("the keeper's thread starts")
        };
        Keeper { shared, thread: Some(thread) }
    }

    /// The fence of `shard` when this node holds its lease now.
    pub fn fence(&self, shard: u32) -> Option<Fence> {
        let held = self.shared.lock();
        fresh(&held, &self.shared.config).then(|| held.leases.get(&shard).map(Lease::fence)).flatten()
    }

    /// Every lease this node holds now, by shard.
    pub fn held(&self) -> Vec<Fence> {
        let held = self.shared.lock();
        if !fresh(&held, &self.shared.config) {
            return Vec::new();
        }
        held.leases.values().map(Lease::fence).collect()
    }

    /// The node holding `shard`'s lease, as the lease table said at the last tick: where a call
    /// for the shard goes.
    pub fn owner_of(&self, shard: u32) -> Option<String> {
        self.shared.lock().owners.get(&shard).cloned()
    }

    /// Where live node `node` said it is reached, as the node table said at the last tick.
    pub fn address_of(&self, node: &str) -> Option<String> {
        self.shared.lock().addresses.get(node).cloned()
    }

    /// Every live node's address, as the node table said at the last tick.
    pub fn addresses(&self) -> Vec<String> {
        self.shared.lock().addresses.values().cloned().collect()
    }

    /// Looks at the live nodes and the leases now rather than at the next tick (another node
    /// announced that it joined or is leaving).
    pub fn wake(&self) {
        self.shared.woken.store(true, Ordering::SeqCst);
        self.shared.wake.notify_all();
    }

    /// While `aside`, the node gives its leases up, leaves the live nodes and takes nothing
    /// (it cannot serve others: its link to them is down); it comes back when `aside` is false.
    pub fn stand_aside(&self, aside: bool) {
        if self.shared.aside.swap(aside, Ordering::SeqCst) != aside {
            self.wake();
        }
    }

    /// Gives every lease up, leaves the cluster and stops.
    pub fn stop(mut self) {
        self.stop_thread();
    }

    fn stop_thread(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        self.shared.wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Keeper {
    fn drop(&mut self) {
        self.stop_thread();
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Held> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn fresh(held: &Held, config: &KeeperConfig) -> bool {
    held.renewed.is_some_and(|at| at.elapsed() < config.ttl.saturating_sub(config.tick))
}

fn run(leases: &dyn Leases, shared: &Shared) {
    let config = &shared.config;
    while !shared.stopping.load(Ordering::SeqCst) {
        if let Err(err) = tick(leases, shared) {
            tracing::warn!(error = %err, node = %config.node, "keeping the shard leases failed; trying again");
        }
        let held = shared.lock();
        let _ = shared.wake.wait_timeout_while(held, config.tick, |_| {
            !shared.stopping.load(Ordering::SeqCst) && !shared.woken.swap(false, Ordering::SeqCst)
        });
    }
    let held: Vec<Lease> = std::mem::take(&mut shared.lock().leases).into_values().collect();
    for lease in &held {
        let _ = leases.release(lease);
    }
    let _ = leases.leave(&config.node);
}

fn tick(leases: &dyn Leases, shared: &Shared) -> tincan_store::StoreResult<()> {
    let config = &shared.config;
    if shared.aside.load(Ordering::SeqCst) {
        let held: Vec<Lease> = std::mem::take(&mut shared.lock().leases).into_values().collect();
        for lease in &held {
            tracing::warn!(node = %config.node, shard = lease.shard, "standing aside: giving a shard's lease up");
            leases.release(lease)?;
        }
        leases.leave(&config.node)?;
        // Still following who holds what, so that the node forwards its clients to them.
        let addresses = addresses_of(&leases.live_nodes()?);
        let owners = live_owners(leases)?;
        let mut held = shared.lock();
        held.owners = owners;
        held.addresses = addresses;
        return Ok(());
    }
    let started = Instant::now();
    leases.heartbeat(&config.node, &config.address, config.ttl)?;
    let live = leases.live_nodes()?;
    shared.lock().addresses = addresses_of(&live);
    let names: Vec<&str> = live.iter().map(|it| it.node.as_str()).collect();

    let fences: Vec<Fence> = shared.lock().leases.values().map(Lease::fence).collect();
    let renewed = leases.renew(&config.node, &fences, config.ttl)?;
    {
        let mut held = shared.lock();
        let lost: Vec<u32> = fences.iter().filter(|it| !renewed.contains(it)).map(|it| it.shard).collect();
        for shard in lost {
            tracing::warn!(node = %config.node, shard, "a shard's lease was lost");
            held.leases.remove(&shard);
        }
        held.renewed = Some(started);
    }

    for shard in 0..config.shards.min(SHARDS) {
        let wanted = rendezvous::owner(shard, names.iter().copied()) == Some(config.node.as_str());
        let holding = shared.lock().leases.get(&shard).cloned();
        match (wanted, holding) {
            (false, Some(_)) if config.sticky => {}
            (false, Some(lease)) => {
                shared.lock().leases.remove(&shard);
                leases.release(&lease)?;
            }
            (true, None) => {
                let attempt = Instant::now();
                if let Some(lease) = leases.acquire(shard, &config.node, config.ttl)? {
                    let mut held = shared.lock();
                    // Taken after the renewal: it counts as renewed no later than the attempt.
                    held.renewed = Some(held.renewed.map_or(attempt, |at| at.min(attempt)));
                    held.leases.insert(shard, lease);
                }
            }
            _ => {}
        }
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
    }
    shared.lock().owners = live_owners(leases)?;
    Ok(())
}

/// Each live node's address, by node.
fn addresses_of(live: &[tincan_store::NodeRecord]) -> BTreeMap<String, String> {
    live.iter().map(|it| (it.node.clone(), it.address.clone())).collect()
}

/// The holder of each shard's live lease.
fn live_owners(leases: &dyn Leases) -> tincan_store::StoreResult<BTreeMap<u32, String>> {
    Ok(leases.leases()?.into_iter().filter(|it| it.live).filter_map(|it| Some((it.shard, it.node?))).collect())
}
