//! Shard leases and the live nodes of a cluster ([`Leases`]), in the tables of
//! `cluster-migrations/`.
//!
//! Each call is one statement on a connection of its own (not the writer's, whose batches hold
//! the lease rows they are fenced by), so that renewing leases never waits behind a batch of the
//! same node longer than that batch's commit. Times are the database's `now()`.

use std::time::Duration;

use tincan_store::{Fence, Lease, LeaseRecord, Leases, NodeRecord, StoreError, StoreResult};
use tokio_postgres::Client;

use crate::backend;
use crate::driver::{Kept, READ_TIMEOUT};

/// A cluster's leases and membership on PostgreSQL.
pub struct PostgresLeases {
    kept: Kept,
}

impl PostgresLeases {
    /// Connects to the database `url` names and brings its schema up to date.
    pub fn open(url: &str) -> StoreResult<PostgresLeases> {
        // The keeper's calls come one at a time.
        Ok(PostgresLeases { kept: Kept::open(url, 1)? })
    }

    /// Runs `call` on the kept connection. A lease call that PostgreSQL leaves unanswered fails
    /// within a read's time; the connection goes with it.
    fn with_client<T: Send + 'static>(
        &self,
        call: impl for<'c> FnOnce(&'c Client) -> futures_util::future::BoxFuture<'c, StoreResult<T>> + Send + 'static,
    ) -> StoreResult<T> {
        self.kept.run(READ_TIMEOUT, "keeping the shard leases", call)
    }
}

fn millis(ttl: Duration) -> i64 {
    i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX)
}

fn shard_of(shard: i64) -> StoreResult<u32> {
    u32::try_from(shard).map_err(|_| StoreError::Corrupt(format!("lease shard {shard}")))
}

fn epoch_of(epoch: i64) -> StoreResult<u64> {
    u64::try_from(epoch).map_err(|_| StoreError::Corrupt(format!("lease epoch {epoch}")))
}

impl Leases for PostgresLeases {
    fn cluster_id(&self) -> StoreResult<String> {
        self.with_client(|client| {
            Box::pin(async move {
                let row = client
                    .query_one("select id from cluster_identity", &[])
                    .await
                    .map_err(backend("reading the cluster's ID"))?;
                Ok(row.get(0))
            })
        })
    }

    fn acquire(&self, shard: u32, node: &str, ttl: Duration) -> StoreResult<Option<Lease>> {
        let node = node.to_owned();
        let ttl = millis(ttl);
        self.with_client(move |client| {
            Box::pin(async move {
                let row = client
                    .query_opt(
                        "insert into cluster_lease (shard, node, epoch, expires_at) \
                         values ($1, $2, 1, now() + $3::bigint * interval '1 millisecond') \
                         on conflict (shard) do update set \
                           epoch = case when cluster_lease.node = excluded.node and cluster_lease.expires_at > now() \
                                   then cluster_lease.epoch else cluster_lease.epoch + 1 end, \
                           node = excluded.node, expires_at = excluded.expires_at \
                         where cluster_lease.node is null or cluster_lease.expires_at <= now() \
                           or cluster_lease.node = excluded.node \
                         returning epoch",
                        &[&i64::from(shard), &node, &ttl],
                    )
                    .await
                    .map_err(backend("acquiring a shard lease"))?;
                match row {
                    Some(row) => Ok(Some(Lease { shard, node, epoch: epoch_of(row.get(0))? })),
                    None => Ok(None),
                }
            })
        })
    }

    fn renew(&self, node: &str, held: &[Fence], ttl: Duration) -> StoreResult<Vec<Fence>> {
        let node = node.to_owned();
        let ttl = millis(ttl);
        let shards: Vec<i64> = held.iter().map(|fence| i64::from(fence.shard)).collect();
        let epochs: Vec<i64> = held.iter().map(|fence| i64::try_from(fence.epoch).unwrap_or(i64::MAX)).collect();
        self.with_client(move |client| {
            Box::pin(async move {
                let rows = client
                    .query(
                        "update cluster_lease l set expires_at = now() + $4::bigint * interval '1 millisecond' \
                         from unnest($2::bigint[], $3::bigint[]) as f(shard, epoch) \
                         where l.shard = f.shard and l.epoch = f.epoch and l.node = $1 \
                         returning l.shard, l.epoch",
                        &[&node, &shards, &epochs, &ttl],
                    )
                    .await
                    .map_err(backend("renewing shard leases"))?;
                let mut renewed = rows
                    .iter()
                    .map(|row| Ok(Fence { shard: shard_of(row.get(0))?, epoch: epoch_of(row.get(1))? }))
                    .collect::<StoreResult<Vec<_>>>()?;
                renewed.sort_unstable();
                Ok(renewed)
            })
        })
    }

    fn release(&self, lease: &Lease) -> StoreResult<()> {
        let Lease { shard, node, epoch } = lease.clone();
        let epoch = i64::try_from(epoch).unwrap_or(i64::MAX);
        self.with_client(move |client| {
            Box::pin(async move {
                client
                    .execute(
                        "update cluster_lease set node = null, expires_at = now() \
                         where shard = $1 and node = $2 and epoch = $3",
                        &[&i64::from(shard), &node, &epoch],
                    )
                    .await
                    .map_err(backend("releasing a shard lease"))?;
                Ok(())
            })
        })
    }

    fn leases(&self) -> StoreResult<Vec<LeaseRecord>> {
        self.with_client(|client| {
            Box::pin(async move {
                let rows = client
                    .query(
                        "select shard, node, epoch, node is not null and expires_at > now() \
                         from cluster_lease order by shard",
                        &[],
                    )
                    .await
                    .map_err(backend("reading the shard leases"))?;
                rows.iter()
                    .map(|row| {
                        Ok(LeaseRecord {
                            shard: shard_of(row.get(0))?,
                            node: row.get(1),
                            epoch: epoch_of(row.get(2))?,
                            live: row.get(3),
                        })
                    })
                    .collect()
            })
        })
    }

    fn heartbeat(&self, node: &str, address: &str, ttl: Duration) -> StoreResult<()> {
        let (node, address, ttl) = (node.to_owned(), address.to_owned(), millis(ttl));
        self.with_client(move |client| {
            Box::pin(async move {
                client
                    .execute(
                        "insert into cluster_node (node, address, expires_at) \
                         values ($1, $2, now() + $3::bigint * interval '1 millisecond') \
                         on conflict (node) do update set address = excluded.address, expires_at = excluded.expires_at",
                        &[&node, &address, &ttl],
                    )
                    .await
                    .map_err(backend("announcing this node"))?;
                Ok(())
            })
        })
    }

    fn leave(&self, node: &str) -> StoreResult<()> {
        let node = node.to_owned();
        self.with_client(move |client| {
            Box::pin(async move {
                client
                    .execute("delete from cluster_node where node = $1", &[&node])
                    .await
                    .map_err(backend("leaving the cluster"))?;
                Ok(())
            })
        })
    }

    fn live_nodes(&self) -> StoreResult<Vec<NodeRecord>> {
        self.with_client(|client| {
            Box::pin(async move {
                let rows = client
                    .query("select node, address from cluster_node where expires_at > now() order by node", &[])
                    .await
                    .map_err(backend("reading the live nodes"))?;
                Ok(rows.iter().map(|row| NodeRecord { node: row.get(0), address: row.get(1) }).collect())
            })
        })
    }
}
