//! Named bytes beside the store ([`Blobs`]) in the cluster's table `cluster_blob`: where the
//! nodes of a cluster keep uploaded media unless an S3-compatible store is configured.
//!
//! Each call is one statement on a connection of its own, apart from the writer's, so that a
//! large upload never holds a batch of messages back.

use std::time::Duration;

use tincan_store::{Blobs, StoreError, StoreResult};

use crate::backend;
use crate::driver::Kept;

/// How long one call may wait for PostgreSQL: a blob may be as large as the largest upload
/// (100 MiB), which a slow link takes a while to carry.
const BLOB_TIMEOUT: Duration = Duration::from_secs(60);

/// How many connections a node's media calls share (in turn, each pipelining its calls).
const BLOB_CONNECTIONS: usize = 4;

/// A cluster's named bytes on PostgreSQL.
pub struct PostgresBlobs {
    kept: Kept,
}

impl PostgresBlobs {
    /// Connects to the database `url` names and brings its schema up to date.
    pub fn open(url: &str) -> StoreResult<PostgresBlobs> {
        Ok(PostgresBlobs { kept: Kept::open(url, BLOB_CONNECTIONS)? })
    }
}

fn app(sdkappid: u64) -> StoreResult<i64> {
    i64::try_from(sdkappid).map_err(|_| StoreError::Corrupt(format!("SDKAppID {sdkappid}")))
}

impl Blobs for PostgresBlobs {
    fn put(&self, sdkappid: u64, id: &str, name: &str, bytes: Vec<u8>) -> StoreResult<()> {
        let (sdkappid, id, name) = (app(sdkappid)?, id.to_owned(), name.to_owned());
        self.kept.run(BLOB_TIMEOUT, "storing media", move |client| {
            Box::pin(async move {
                client
                    .execute(
                        "insert into cluster_blob (sdkappid, id, name, bytes) values ($1, $2, $3, $4) \
                         on conflict (sdkappid, id, name) do update set bytes = excluded.bytes",
                        &[&sdkappid, &id, &name, &bytes],
                    )
                    .await
                    .map_err(backend("storing media"))?;
                Ok(())
            })
        })
    }

    fn get(&self, sdkappid: u64, id: &str, name: &str) -> StoreResult<Option<Vec<u8>>> {
        let (sdkappid, id, name) = (app(sdkappid)?, id.to_owned(), name.to_owned());
        self.kept.run(BLOB_TIMEOUT, "reading media", move |client| {
            Box::pin(async move {
                let row = client
                    .query_opt(
                        "select bytes from cluster_blob where sdkappid = $1 and id = $2 and name = $3",
                        &[&sdkappid, &id, &name],
                    )
                    .await
                    .map_err(backend("reading media"))?;
                Ok(row.map(|row| row.get(0)))
            })
        })
    }

    fn list(&self, name: &str) -> StoreResult<Vec<(u64, String, Vec<u8>)>> {
        let name = name.to_owned();
        self.kept.run(BLOB_TIMEOUT, "listing media", move |client| {
            Box::pin(async move {
                let rows = client
                    .query(
                        "select sdkappid, id, bytes from cluster_blob where name = $1 order by sdkappid, id",
                        &[&name],
                    )
                    .await
                    .map_err(backend("listing media"))?;
                rows.iter()
                    .map(|row| {
                        let sdkappid: i64 = row.get(0);
                        let sdkappid = u64::try_from(sdkappid)
                            .map_err(|_| StoreError::Corrupt(format!("media of SDKAppID {sdkappid}")))?;
                        Ok((sdkappid, row.get(1), row.get(2)))
                    })
                    .collect()
            })
        })
    }
}
