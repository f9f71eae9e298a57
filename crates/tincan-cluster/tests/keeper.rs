//! Three nodes' keepers on a real PostgreSQL: the shards spread over them, each held by one;
//! a node leaving in order hands its shards over at once; a node cut off from the store stops
//! counting its shards as held before the others take them over with a higher epoch, and gets
//! its share back once it returns. A sticky keeper of one shard keeps it from a newcomer the
//! map prefers, and a node standing aside hands it over and leaves the live nodes.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tincan_cluster::keeper::{Keeper, KeeperConfig};
use tincan_store::lease::SHARDS;
use tincan_store::{Fence, Lease, LeaseRecord, Leases, NodeRecord, StoreError, StoreResult};
use tincan_store_postgres::PostgresLeases;
use tincan_store_postgres::testing::TestDatabase;

const TTL: Duration = Duration::from_secs(4);
const TICK: Duration = Duration::from_millis(250);

/// The store as one node reaches it, with a switch that cuts it off (a partition).
struct Reach {
    leases: Arc<PostgresLeases>,
    cut: AtomicBool,
}

impl Reach {
    fn check(&self) -> StoreResult<()> {
        if self.cut.load(Ordering::SeqCst) {
            return Err(StoreError::Unavailable {
                context: "the test's partition".to_owned(),
                source: "cut off".into(),
            });
        }
        Ok(())
    }
}

impl Leases for Reach {
    fn cluster_id(&self) -> StoreResult<String> {
        self.check()?;
        self.leases.cluster_id()
    }
    fn acquire(&self, shard: u32, node: &str, ttl: Duration) -> StoreResult<Option<Lease>> {
        self.check()?;
        self.leases.acquire(shard, node, ttl)
    }
    fn renew(&self, node: &str, held: &[Fence], ttl: Duration) -> StoreResult<Vec<Fence>> {
        self.check()?;
        self.leases.renew(node, held, ttl)
    }
    fn release(&self, lease: &Lease) -> StoreResult<()> {
        self.check()?;
        self.leases.release(lease)
    }
    fn leases(&self) -> StoreResult<Vec<LeaseRecord>> {
        self.check()?;
        self.leases.leases()
    }
    fn heartbeat(&self, node: &str, address: &str, ttl: Duration) -> StoreResult<()> {
        self.check()?;
        self.leases.heartbeat(node, address, ttl)
    }
    fn leave(&self, node: &str) -> StoreResult<()> {
        self.check()?;
        self.leases.leave(node)
    }
    fn live_nodes(&self) -> StoreResult<Vec<NodeRecord>> {
        self.check()?;
        self.leases.live_nodes()
    }
}

fn start(leases: &Arc<PostgresLeases>, node: &str) -> (Keeper, Arc<Reach>) {
    let reach = Arc::new(Reach { leases: leases.clone(), cut: AtomicBool::new(false) });
    let config = KeeperConfig {
        node: node.to_owned(),
        address: format!("tincan.node.{node}"),
        ttl: TTL,
        tick: TICK,
        shards: SHARDS,
        sticky: false,
    };
    (Keeper::start(reach.clone(), config), reach)
}

/// Waits until `done` holds, for at most `within`.
fn eventually(within: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < within, "not within {within:?}: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Which node holds each shard by the keepers' own account, when each shard is held by exactly
/// one and that agrees with the lease table.
fn one_owner_each(keepers: &[(&str, &Keeper)], leases: &PostgresLeases) -> Option<BTreeMap<u32, (String, u64)>> {
    let mut owners = BTreeMap::new();
    for (node, keeper) in keepers {
        for fence in keeper.held() {
            if owners.insert(fence.shard, ((*node).to_owned(), fence.epoch)).is_some() {
                return None;
            }
        }
    }
    if owners.len() != SHARDS as usize {
        return None;
    }
    let table = leases.leases().ok()?;
    let agrees = table.iter().filter(|it| it.live).all(|it| {
        owners.get(&it.shard).is_some_and(|(node, epoch)| it.node.as_deref() == Some(node) && it.epoch == *epoch)
    });
    agrees.then_some(owners)
}

#[test]
fn shards_spread_over_the_live_nodes_and_move_when_nodes_leave_or_are_cut_off() {
    let database = TestDatabase::create();
    let leases = Arc::new(PostgresLeases::open(database.url()).unwrap());
    let (one, _) = start(&leases, "1");
    let (two, two_reach) = start(&leases, "2");
    let (three, _) = start(&leases, "3");

    let mut owners = BTreeMap::new();
    eventually(Duration::from_secs(10), "every shard held by one of three nodes", || {
        match one_owner_each(&[("1", &one), ("2", &two), ("3", &three)], &leases) {
            Some(found) => {
                let spread = ["1", "2", "3"].map(|node| found.values().filter(|(it, _)| it == node).count());
                owners = found;
                spread.iter().all(|count| (50..=120).contains(count))
            }
            None => false,
        }
    });

    // Node 3 leaves in order: its shards go to the others at once, with new epochs.
    let threes: Vec<u32> = owners.iter().filter(|(_, (node, _))| node == "3").map(|(shard, _)| *shard).collect();
    three.stop();
    // Its leases were renewed within a tick before it stopped, so they would not have expired
    // before this bound.
    let left = Instant::now();
    eventually(TTL - TICK, "node 3's shards taken over before its leases would have expired", || {
        one_owner_each(&[("1", &one), ("2", &two)], &leases).is_some_and(|found| {
            owners = found;
            true
        })
    });
    assert!(left.elapsed() < TTL - TICK, "an orderly leave does not wait for leases to expire");
    for shard in &threes {
        assert!(owners[shard].1 >= 2, "shard {shard} changed hands with a new epoch");
    }

    // Node 2 is cut off from the store: it stops counting its shards as held before their
    // leases expire, and node 1 takes them over after that, with new epochs.
    let twos: BTreeMap<u32, u64> =
        owners.iter().filter(|(_, (node, _))| node == "2").map(|(shard, (_, epoch))| (*shard, *epoch)).collect();
    two_reach.cut.store(true, Ordering::SeqCst);
    eventually(TTL, "node 2 lets its shards go", || two.held().is_empty());
    eventually(TTL * 3, "node 1 holds every shard", || {
        one_owner_each(&[("1", &one)], &leases).is_some_and(|found| {
            owners = found;
            true
        })
    });
    for (shard, epoch) in &twos {
        assert!(owners[shard].1 > *epoch, "shard {shard} was taken over with a higher epoch");
    }

    // Back in touch, node 2 learns its leases are gone and gets its share back, anew.
    two_reach.cut.store(false, Ordering::SeqCst);
    eventually(TTL * 3, "the shards spread over nodes 1 and 2 again", || {
        one_owner_each(&[("1", &one), ("2", &two)], &leases).is_some_and(|found| {
            let back = found.values().filter(|(node, _)| node == "2").count();
            owners = found;
            back >= 90
        })
    });
    for (shard, (node, epoch)) in &owners {
        if node == "2" {
            assert!(*epoch >= twos.get(shard).map_or(1, |it| it + 2), "shard {shard}: epoch {epoch}");
        }
    }
    one.stop();
    two.stop();
    assert!(leases.live_nodes().unwrap().is_empty(), "stopped nodes leave");
    assert!(leases.leases().unwrap().iter().all(|it| !it.live), "stopped nodes release their leases");
}

#[test]
fn a_woken_keeper_looks_at_the_live_nodes_at_once_and_names_each_shards_owner() {
    let database = TestDatabase::create();
    let leases = Arc::new(PostgresLeases::open(database.url()).unwrap());
    let slow = |node: &str| {
        let config = KeeperConfig {
            node: node.to_owned(),
            address: format!("tincan.node.{node}"),
            ttl: Duration::from_secs(30),
            tick: Duration::from_secs(10),
            shards: SHARDS,
            sticky: false,
        };
        Keeper::start(leases.clone(), config)
    };
    let one = slow("1");
    eventually(Duration::from_secs(5), "node 1 holds every shard", || one.held().len() == SHARDS as usize);
    let two = slow("2");
    eventually(Duration::from_secs(5), "node 2 has announced itself", || leases.live_nodes().unwrap().len() == 2);
    // Told, as a NATS announcement would tell them, both look now rather than in 10 s.
    let woken = Instant::now();
    one.wake();
    eventually(Duration::from_secs(3), "node 1 gives up node 2's share", || one.held().len() < SHARDS as usize);
    two.wake();
    eventually(Duration::from_secs(3), "every shard held by one of the two", || {
        one_owner_each(&[("1", &one), ("2", &two)], &leases).is_some()
    });
    assert!(woken.elapsed() < Duration::from_secs(6), "the keepers did not wait for their tick");
    one.wake();
    two.wake();
    eventually(Duration::from_secs(3), "both name every shard's owner", || {
        let Some(owners) = one_owner_each(&[("1", &one), ("2", &two)], &leases) else { return false };
        owners.iter().all(|(shard, (node, _))| {
            one.owner_of(*shard).as_ref() == Some(node) && two.owner_of(*shard).as_ref() == Some(node)
        })
    });
}

#[test]
fn a_sticky_lease_stays_with_its_live_holder_and_moves_when_it_stands_aside() {
    let database = TestDatabase::create();
    let leases = Arc::new(PostgresLeases::open(database.url()).unwrap());
    let one_shard = |node: &str| {
        let config = KeeperConfig {
            node: node.to_owned(),
            address: format!("tincan.node.{node}"),
            ttl: TTL,
            tick: TICK,
            shards: 1,
            sticky: true,
        };
        Keeper::start(leases.clone(), config)
    };
    // Of the names below, the rendezvous map gives shard 0 to the second whichever comes first.
    let names = ["a", "b", "c", "d", "e", "f"];
    let (first, second) = names
        .iter()
        .flat_map(|x| names.iter().map(move |y| (*x, *y)))
        .find(|(x, y)| x != y && tincan_cluster::rendezvous::owner(0, [*x, *y]) == Some(*y))
        .unwrap();
    let holder = one_shard(first);
    eventually(TTL, "the first node takes the shard", || holder.fence(0).is_some());
    let epoch = holder.fence(0).unwrap().epoch;
    let newcomer = one_shard(second);
    eventually(TTL, "the newcomer sees the holder", || newcomer.owner_of(0).as_deref() == Some(first));
    std::thread::sleep(TICK * 6);
    assert_eq!(holder.fence(0).map(|it| it.epoch), Some(epoch), "the live holder keeps it");
    assert_eq!(newcomer.fence(0), None);
    assert!(holder.held().iter().all(|it| it.shard == 0), "only the first shard is spread");

    holder.stand_aside(true);
    eventually(TTL, "the newcomer takes it over", || newcomer.fence(0).is_some());
    assert!(newcomer.fence(0).unwrap().epoch > epoch);
    assert_eq!(holder.fence(0), None);
    assert!(leases.live_nodes().unwrap().iter().all(|it| it.node != first), "standing aside leaves the live nodes");
    eventually(TTL, "a node standing aside still sees who holds the shard", || {
        holder.owner_of(0).as_deref() == Some(second)
    });
    holder.stand_aside(false);
    eventually(TTL, "it is a live node again", || leases.live_nodes().unwrap().iter().any(|it| it.node == first));
    std::thread::sleep(TICK * 6);
    assert!(newcomer.fence(0).is_some() && holder.fence(0).is_none(), "and the lease stays where it is");
}
