//! Versioned migrations.
//!
//! Each migration is a SQL file applied once, in order, inside a transaction; the number of the
//! last one applied is kept in `PRAGMA user_version`.
//! Migrations are never edited once released: a change is a new file.

use rusqlite::Connection;
use tincan_store::{StoreError, StoreResult};

use crate::backend;

/// Every migration, in order; the version after applying `MIGRATIONS[i]` is `i + 1`.
const MIGRATIONS: &[&str] = &[
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

/// Brings the database up to the newest schema.
pub(crate) fn migrate(connection: &mut Connection) -> StoreResult<()> {
    let version: i64 = connection
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(backend("reading the schema version"))?;
    let version = usize::try_from(version).map_err(|_| StoreError::Corrupt(format!("schema version {version}")))?;
    if version > MIGRATIONS.len() {
        return Err(StoreError::Corrupt(format!(
            "the database has schema version {version}, newer than this build knows ({}); use a newer tincan",
            MIGRATIONS.len()
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let transaction = connection.transaction().map_err(backend("starting a migration"))?;
        transaction.execute_batch(sql).map_err(backend("applying a migration"))?;
        transaction
            .pragma_update(None, "user_version", i64::try_from(index + 1).unwrap_or(i64::MAX))
            .map_err(backend("recording the schema version"))?;
        transaction.commit().map_err(backend("committing a migration"))?;
    }
    Ok(())
}
