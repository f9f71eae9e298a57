//! tincan's PostgreSQL store: the same [`StoreRead`] and [`StoreWrite`] as the embedded store,
//! on a database that outlives any one machine and that several nodes can share.
//!
//! The driver is `tokio-postgres`. The store runs it on a small runtime of its own
//! ([`driver::Driver`]), and every call hands its work to that runtime and waits for the answer
//! on a plain channel, so the store may be called from any thread: the engine's writer thread,
//! the blocking pool, or a task of the server's own runtime (the engine reads its state at start
//! from async code), where a driver that blocks on a runtime of its own would panic.
//!
//! A batch ([`StoreWrite::apply`]) is one transaction, and its statements are pipelined: they
//! are all sent before the first answer is awaited, so a batch costs a few round trips whatever
//! its size. The commit is durable when `apply` returns (the writer's session keeps
//! `synchronous_commit` on).
//!
//! When PostgreSQL cannot be reached, or fails for a reason that may pass (it is shutting down,
//! out of disk or connections, a failover made it read-only), the error is
//! [`StoreError::Unavailable`] and the engine tries the batch again; the writer reconnects, and a
//! batch whose commit was sent but not answered is found (by the batch number it wrote in
//! `meta`) rather than written twice.
//!
//! # Layout
//!
//! - [`open`]: connects, migrates, and returns the reader and the writer.
//! - `driver`: the store's runtime and connections.
//! - `schema`: the migrations, applied in order and recorded in `schema_migrations`.
//! - `codec`: how domain values map to columns.
//! - `read` and `write`: the two halves of the store; one function per read and per `WriteOp`.
//! - [`PostgresLeases`]: a cluster's shard leases and live nodes, and the fencing check that
//!   [`StoreWrite::apply_fenced`] runs in a batch's transaction.
//! - [`import`]: copies an embedded store into an empty PostgreSQL database (`tincan migrate`).
//! - [`testing`]: a fresh database per test, for this crate's tests and the test kit.

mod blob;
mod codec;
mod driver;
pub mod import;
mod lease;
mod read;
mod schema;
pub mod testing;
mod write;

use std::sync::Arc;

use tincan_store::{StoreError, StoreRead, StoreResult, StoreWrite};

pub use blob::PostgresBlobs;
pub use lease::PostgresLeases;
pub use read::PostgresReader;
pub use write::{FENCED_IDLE_TIMEOUT, PostgresWriter};

use crate::driver::{Driver, Target};

/// Whether `store` names a PostgreSQL database (a `postgres://` or `postgresql://` URL).
pub fn is_postgres_url(store: &str) -> bool {
    store.starts_with("postgres://") || store.starts_with("postgresql://")
}

/// Connects to the database `url` names, brings its schema up to date, and returns the reader
/// and the writer.
pub fn open(url: &str) -> StoreResult<(PostgresReader, PostgresWriter)> {
    let target = Arc::new(Target::parse(url)?);
    let driver = Driver::start()?;
    schema::migrate(&driver, &target)?;
    let reader = PostgresReader::new(driver.clone(), target.clone());
    let writer = PostgresWriter::new(driver, target);
    Ok((reader, writer))
}

/// [`open`], as the engine takes a store.
pub fn open_store(url: &str) -> StoreResult<tincan_store::Store> {
    let (reader, writer) = open(url)?;
    let reader: Arc<dyn StoreRead> = Arc::new(reader);
    let writer: Box<dyn StoreWrite> = Box::new(writer);
    Ok(tincan_store::Store { reader, writer })
}

/// Wraps a driver error with what the store was doing: unavailable when the failure may pass by
/// itself, a backend failure otherwise.
pub(crate) fn backend(context: &'static str) -> impl Fn(tokio_postgres::Error) -> StoreError {
    move |source| {
        if let Some(fenced) = fenced(&source) {
            return fenced;
        }
        if is_unavailable(&source) {
            StoreError::Unavailable { context: context.to_owned(), source: Box::new(source) }
        } else {
            StoreError::Backend { context: context.to_owned(), source: Box::new(source) }
        }
    }
}

/// The fencing check's failure (SQLSTATE TNF01, raised by `tincan_fence` with the shard and the
/// epoch as its detail), as the store reports it.
fn fenced(err: &tokio_postgres::Error) -> Option<StoreError> {
    let db = err.as_db_error()?;
    if db.code().code() != "TNF01" {
        return None;
    }
    let (shard, epoch) = db.detail()?.split_once(':')?;
    Some(StoreError::Fenced { shard: shard.parse().ok()?, epoch: epoch.parse().ok()? })
}

/// Whether PostgreSQL failed for a reason outside the data that may pass: the connection is
/// lost or cannot be made, the server is shutting down or starting, it is out of disk, memory or
/// connections, it is a read-only standby (during a failover), or the transaction lost a
/// serialization conflict. The transaction was rolled back (or its commit is checked before the
/// batch is written again), so the same batch can be applied again.
fn is_unavailable(err: &tokio_postgres::Error) -> bool {
    use tokio_postgres::error::SqlState;
    if err.is_closed() {
        return true;
    }
    let Some(code) = err.code() else {
        // No SQLSTATE: the error came from the connection (I/O, a timeout), not from the server.
        return err.as_db_error().is_none();
    };
    let class = &code.code()[..2];
    // 08: connection exceptions; 53: insufficient resources; 57: operator intervention (shutdown,
    // cannot connect now); 58: system errors (I/O).
    matches!(class, "08" | "53" | "57" | "58")
        || *code == SqlState::T_R_SERIALIZATION_FAILURE
        || *code == SqlState::T_R_DEADLOCK_DETECTED
        || *code == SqlState::READ_ONLY_SQL_TRANSACTION
}
