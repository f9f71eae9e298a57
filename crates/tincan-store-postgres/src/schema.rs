//! Versioned migrations.
//!
//! Each migration is a SQL file applied once, in order, inside a transaction, and recorded as a
//! row of `schema_migrations`. Migration N is the embedded store's migration N in PostgreSQL's
//! types, so that equal versions mean equal tables (which `import` relies on).
//! Nodes that start at once take turns: the migration holds an advisory lock.
//! Migrations are never edited once released: a change is a new file.
//!
//! The cluster's tables (shard leases, live nodes, the fencing check) are not the domain's: the
//! embedded store has no cluster and so no such tables, and `import` never copies them. They are
//! versioned apart, in `cluster-migrations/`, recorded in `cluster_schema_migrations`, and applied
//! after the domain's in the same transaction under the same lock; so "migration N is the embedded
//! store's migration N" stays true of `schema_migrations`, and neither list waits for the other.

use std::sync::Arc;

use tincan_store::{StoreError, StoreResult};

use crate::backend;
use crate::driver::{Driver, Target};

/// Every migration, in order; the version after applying `MIGRATIONS[i]` is `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_webhooks.sql"),
    include_str!("../migrations/0003_root_app.sql"),
    include_str!("../migrations/0004_profiles.sql"),
    include_str!("../migrations/0005_lifecycle.sql"),
    include_str!("../migrations/0006_conversations.sql"),
    include_str!("../migrations/0007_groups.sql"),
    include_str!("../migrations/0008_friends.sql"),
    include_str!("../migrations/0009_group_attributes.sql"),
    include_str!("../migrations/0010_message_extensions.sql"),
    include_str!("../migrations/0011_group_invitations.sql"),
    include_str!("../migrations/0012_follows.sql"),
    include_str!("../migrations/0013_all_recv_opt.sql"),
];

/// The cluster's migrations, in order, versioned apart from the domain's (see the module's
/// documentation).
pub(crate) const CLUSTER_MIGRATIONS: &[&str] = &[
    include_str!("../cluster-migrations/0001_leases.sql"),
    include_str!("../cluster-migrations/0002_cluster_id.sql"),
    include_str!("../cluster-migrations/0003_blobs.sql"),
];

/// The advisory lock key migrations hold (an arbitrary number, "tincan" in ASCII).
const MIGRATION_LOCK: i64 = 0x74_69_6e_63_61_6e;

/// Brings the database up to the newest schema.
pub(crate) fn migrate(driver: &Driver, target: &Arc<Target>) -> StoreResult<()> {
    let target = target.clone();
    driver.run(async move {
        let mut client = target.connect().await?;
        let transaction = client.transaction().await.map_err(backend("starting the migrations"))?;
        transaction
            .execute("select pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(backend("waiting for another node's migrations"))?;
        transaction
            .batch_execute(
                "create table if not exists schema_migrations (\
                 version bigint primary key, applied_at timestamptz not null default now())",
            )
            .await
            .map_err(backend("creating the migrations table"))?;
        let version: i64 = transaction
            .query_one("select coalesce(max(version), 0) from schema_migrations", &[])
            .await
            .map_err(backend("reading the schema version"))?
            .get(0);
        let version = usize::try_from(version).map_err(|_| StoreError::Corrupt(format!("schema version {version}")))?;
        if version > MIGRATIONS.len() {
            return Err(StoreError::Corrupt(format!(
                "the database has schema version {version}, newer than this build knows ({}); use a newer tincan",
                MIGRATIONS.len()
            )));
        }
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            transaction.batch_execute(sql).await.map_err(backend("applying a migration"))?;
            let applied = i64::try_from(index + 1).unwrap_or(i64::MAX);
            transaction
                .execute("insert into schema_migrations (version) values ($1)", &[&applied])
                .await
                .map_err(backend("recording the schema version"))?;
        }
        transaction
            .batch_execute(
                "create table if not exists cluster_schema_migrations (\
                 version bigint primary key, applied_at timestamptz not null default now())",
            )
            .await
            .map_err(backend("creating the cluster's migrations table"))?;
        let cluster_version: i64 = transaction
            .query_one("select coalesce(max(version), 0) from cluster_schema_migrations", &[])
            .await
            .map_err(backend("reading the cluster's schema version"))?
            .get(0);
        let cluster_version = usize::try_from(cluster_version)
            .map_err(|_| StoreError::Corrupt(format!("cluster schema version {cluster_version}")))?;
        if cluster_version > CLUSTER_MIGRATIONS.len() {
            return Err(StoreError::Corrupt(format!(
                "the database has cluster schema version {cluster_version}, newer than this build knows ({}); use a newer tincan",
                CLUSTER_MIGRATIONS.len()
            )));
        }
        for (index, sql) in CLUSTER_MIGRATIONS.iter().enumerate().skip(cluster_version) {
            transaction.batch_execute(sql).await.map_err(backend("applying a cluster migration"))?;
            let applied = i64::try_from(index + 1).unwrap_or(i64::MAX);
            transaction
                .execute("insert into cluster_schema_migrations (version) values ($1)", &[&applied])
                .await
                .map_err(backend("recording the cluster's schema version"))?;
        }
        transaction.commit().await.map_err(backend("committing the migrations"))
    })?
}

/// The schema version this build brings a database to.
pub(crate) fn newest_version() -> i64 {
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}
