//! tincan's embedded store: one SQLite file, bundled with the binary.
//!
//! The database runs in WAL mode with `synchronous=FULL`, so a committed batch is on disk when
//! [`StoreWrite::apply`] returns; the engine's single writer batches requests so that one commit
//! (one fsync) serves many of them.
//! Readers use their own connections, which WAL lets run beside the writer.
//!
//! # Layout
//!
//! - [`open`]: opens (and migrates) a database file.
//! - `schema`: the migrations, applied in order and recorded in `PRAGMA user_version`.
//! - `codec`: how domain values map to columns.
//! - `read` and `write`: the two halves of the store.

mod codec;
mod read;
mod schema;
mod write;

use std::path::Path;

use rusqlite::{Connection, OpenFlags};
use tincan_store::{StoreError, StoreResult};

pub use read::SqliteReader;
pub use write::SqliteWriter;

/// The file name of the database inside the data directory.
pub const DATABASE_FILE: &str = "tincan.sqlite3";

/// The writer's page cache, in KiB (SQLite's `cache_size` takes KiB as a negative number).
/// SQLite's default of 2 MiB is smaller than the message indexes' working set under load, so
/// every batch re-read index pages and spilled dirty ones before its commit.
const WRITER_CACHE_KIB: i64 = -65_536;

/// Opens the database at `path`, creating and migrating it as needed.
pub fn open(path: &Path) -> StoreResult<(SqliteReader, SqliteWriter)> {
    let mut connection = Connection::open(path).map_err(backend("opening the database"))?;
    configure_writer(&connection)?;
    schema::migrate(&mut connection)?;
    let reader = SqliteReader::new(path.to_owned());
    Ok((reader, SqliteWriter::new(connection)))
}

/// Opens the database in `data_dir` ([`DATABASE_FILE`]), creating the directory, the file and
/// its schema as needed.
pub fn open_in(data_dir: &Path) -> StoreResult<tincan_store::Store> {
    std::fs::create_dir_all(data_dir).map_err(|err| StoreError::Backend {
        context: format!("creating the data directory {}", data_dir.display()),
        source: Box::new(err),
    })?;
    let (reader, writer) = open(&data_dir.join(DATABASE_FILE))?;
    Ok(tincan_store::Store { reader: std::sync::Arc::new(reader), writer: Box::new(writer) })
}

fn configure_writer(connection: &Connection) -> StoreResult<()> {
    // WAL lets readers run beside the writer; FULL makes every commit durable (the WAL is synced
    // at each commit); the busy timeout covers a checkpoint in progress.
    connection
        .pragma_update(None, "journal_mode", "WAL")
        .and_then(|()| connection.pragma_update(None, "synchronous", "FULL"))
        .and_then(|()| connection.pragma_update(None, "foreign_keys", "OFF"))
        .and_then(|()| connection.pragma_update(None, "temp_store", "MEMORY"))
        .and_then(|()| connection.pragma_update(None, "cache_size", WRITER_CACHE_KIB))
        .and_then(|()| connection.busy_timeout(std::time::Duration::from_secs(10)))
        .map_err(backend("configuring the writer connection"))
}

fn open_reader_connection(path: &Path) -> StoreResult<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let connection = Connection::open_with_flags(path, flags).map_err(backend("opening a reader connection"))?;
    connection.busy_timeout(std::time::Duration::from_secs(10)).map_err(backend("configuring a reader connection"))?;
    Ok(connection)
}

/// Wraps a driver error with what the store was doing.
fn backend(context: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |source| {
        if is_unavailable(&source) {
            StoreError::Unavailable { context: context.to_owned(), source: Box::new(source) }
        } else {
            StoreError::Backend { context: context.to_owned(), source: Box::new(source) }
        }
    }
}

/// Whether SQLite failed for a reason outside the database that may pass (the disk full or
/// failing, the file locked or out of reach), rather than a constraint or a bug: SQLite rolls
/// the transaction back, so the same batch can be applied again.
fn is_unavailable(err: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode;
    match err.sqlite_error_code() {
        Some(code) => matches!(
            code,
            ErrorCode::DiskFull
                | ErrorCode::SystemIoFailure
                | ErrorCode::DatabaseBusy
                | ErrorCode::DatabaseLocked
                | ErrorCode::CannotOpen
                | ErrorCode::OutOfMemory
        ),
        None => false,
    }
}
