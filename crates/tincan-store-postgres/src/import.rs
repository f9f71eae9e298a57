//! Copies an embedded (SQLite) store into an empty PostgreSQL database: `tincan migrate`.
//!
//! Migration N of this store is migration N of the embedded store in PostgreSQL's types, so a
//! SQLite file brought to the newest version has the same tables and columns as a PostgreSQL
//! database brought to the same version. Every row of every table is copied as it is (queue ids,
//! dismissed groups, former members, the head position included), converted by the type of its
//! PostgreSQL column, inside one PostgreSQL transaction: the target holds the whole store or,
//! after any failure, nothing. A table or column of the SQLite file that PostgreSQL lacks fails
//! the copy, so a store from a newer build is never copied in part. Row counts are compared
//! table by table before the commit.

use std::path::Path;
use std::sync::Arc;

use rusqlite::types::Value;
use tincan_store::{StoreError, StoreResult};
use tokio_postgres::Client;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};

use crate::backend;
use crate::codec::Param;
use crate::driver::{Driver, Target};

/// Rows copied per `COPY` statement.
const CHUNK_ROWS: usize = 5_000;

/// What was copied: each table and its number of rows, in the order copied.
pub type ImportReport = Vec<(String, u64)>;

/// Copies the embedded store in `data_dir` into the database `url` names, which must hold no
/// tincan data yet (its schema is created as needed). The server using `data_dir` should be
/// stopped: what it writes after the copy starts is not copied.
pub fn from_sqlite(data_dir: &Path, url: &str) -> StoreResult<ImportReport> {
    let file = data_dir.join(tincan_store_sqlite::DATABASE_FILE);
    if !file.is_file() {
        return Err(failure(format!("{} holds no tincan store (no {})", data_dir.display(), file.display())));
    }
    // Bring the file to this build's newest schema, as `tincan serve` would.
    drop(tincan_store_sqlite::open(&file)?);
    let mut sqlite = rusqlite::Connection::open_with_flags(&file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(sqlite_error("opening the SQLite store"))?;
    let version: i64 = sqlite
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(sqlite_error("reading the SQLite schema version"))?;
    if version != crate::schema::newest_version() {
        return Err(failure(format!(
            "the SQLite store has schema version {version} and this build's PostgreSQL schema is version {}; \
             use a tincan build that knows both",
            crate::schema::newest_version()
        )));
    }
    let target = Arc::new(Target::parse(url)?);
    let driver = Driver::start()?;
    crate::schema::migrate(&driver, &target)?;
    let connect = target.clone();
    let client = Arc::new(driver.run(async move { connect.connect().await })??);
    // One read transaction on SQLite: the copy is one snapshot of the store.
    let snapshot = sqlite.transaction().map_err(sqlite_error("starting to read the SQLite store"))?;
    run_sql(&driver, &client, "begin isolation level serializable")?;
    let copied = copy_all(&snapshot, &driver, &client);
    let finished = copied.and_then(|report| {
        run_sql(&driver, &client, "commit")?;
        Ok(report)
    });
    if finished.is_err() {
        let _ = run_sql(&driver, &client, "rollback");
    }
    finished
}

fn copy_all(sqlite: &rusqlite::Connection, driver: &Driver, client: &Arc<Client>) -> StoreResult<ImportReport> {
    let tables = sqlite_tables(sqlite)?;
    for table in &tables {
        let columns = postgres_columns(driver, client, table)?;
        if columns.is_empty() {
            return Err(failure(format!(
                "the SQLite store has a table {table} that this build's PostgreSQL schema lacks"
            )));
        }
        let has_rows = query(driver, client, format!("select exists (select 1 from {table})"))?;
        if has_rows.first().is_some_and(|row| row.get::<_, bool>(0)) {
            return Err(failure(format!(
                "the PostgreSQL database already holds tincan data (table {table} has rows); migrate into an empty database"
            )));
        }
    }
    let mut report = Vec::with_capacity(tables.len());
    for table in &tables {
        let rows = copy_table(sqlite, driver, client, table)?;
        let counted = query(driver, client, format!("select count(*) from {table}"))?;
        let in_postgres: i64 = counted.first().map_or(0, |row| row.get(0));
        if u64::try_from(in_postgres).ok() != Some(rows) {
            return Err(failure(format!("table {table}: {rows} rows read from SQLite, {in_postgres} in PostgreSQL")));
        }
        report.push((table.clone(), rows));
    }
    // Identity columns (the webhook queue's ids) continue after the highest id copied.
    let identities = query(
        driver,
        client,
        "select table_name::text, column_name::text from information_schema.columns \
         where table_schema = current_schema() and is_identity = 'YES'"
            .to_owned(),
    )?;
    for row in identities {
        let (table, column): (String, String) = (row.get(0), row.get(1));
        query(
            driver,
            client,
            format!(
                "select setval(pg_get_serial_sequence('{table}', '{column}'), coalesce(max({column}), 0) + 1, false) \
                 from {table}"
            ),
        )?;
    }
    Ok(report)
}

/// The SQLite store's tables, in name order.
fn sqlite_tables(sqlite: &rusqlite::Connection) -> StoreResult<Vec<String>> {
    let mut statement = sqlite
        .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
        .map_err(sqlite_error("listing the SQLite tables"))?;
    let names = statement
        .query_map([], |row| row.get::<_, String>(0))
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(sqlite_error("listing the SQLite tables"))?;
    Ok(names)
}

/// A SQLite column and its primary key rank (0 when not part of the key).
struct SqliteColumn {
    name: String,
    key_rank: i64,
}

fn sqlite_columns(sqlite: &rusqlite::Connection, table: &str) -> StoreResult<Vec<SqliteColumn>> {
    let mut statement =
        sqlite.prepare(&format!("pragma table_info({table})")).map_err(sqlite_error("reading a table's columns"))?;
    statement
        .query_map([], |row| Ok(SqliteColumn { name: row.get(1)?, key_rank: row.get(5)? }))
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(sqlite_error("reading a table's columns"))
}

/// A PostgreSQL table's columns and their types, by name.
fn postgres_columns(driver: &Driver, client: &Arc<Client>, table: &str) -> StoreResult<Vec<(String, Type)>> {
    let client = client.clone();
    let table = table.to_owned();
    let rows = driver.run(async move {
        client
            .query(
                "select column_name::text, data_type::text from information_schema.columns \
                 where table_schema = current_schema() and table_name = $1 order by ordinal_position",
                &[&table],
            )
            .await
            .map_err(backend("reading the PostgreSQL columns"))
    })??;
    rows.iter()
        .map(|row| {
            let (name, data_type): (String, String) = (row.get(0), row.get(1));
            let column_type = match data_type.as_str() {
                "bigint" => Type::INT8,
                "boolean" => Type::BOOL,
                "text" => Type::TEXT,
                "bytea" => Type::BYTEA,
                other => return Err(failure(format!("column {name} has type {other}, which the copy does not know"))),
            };
            Ok((name, column_type))
        })
        .collect()
}

/// Copies one table in chunks, in primary key order; returns the rows copied.
fn copy_table(sqlite: &rusqlite::Connection, driver: &Driver, client: &Arc<Client>, table: &str) -> StoreResult<u64> {
    let columns = sqlite_columns(sqlite, table)?;
    let postgres = postgres_columns(driver, client, table)?;
    let mut types = Vec::with_capacity(columns.len());
    for column in &columns {
        let found = postgres.iter().find(|(name, _)| *name == column.name).ok_or_else(|| {
            failure(format!(
                "column {}.{} of the SQLite store has no counterpart in this build's PostgreSQL schema",
                table, column.name
            ))
        })?;
        types.push(found.1.clone());
    }
    let mut key: Vec<(usize, i64)> = columns
        .iter()
        .enumerate()
        .filter(|(_, column)| column.key_rank > 0)
        .map(|(index, column)| (index, column.key_rank))
        .collect();
    key.sort_by_key(|(_, rank)| *rank);
    if key.is_empty() {
        return Err(failure(format!("table {table} has no primary key to copy it by")));
    }
    let names: Vec<&str> = columns.iter().map(|column| column.name.as_str()).collect();
    let key_names: Vec<&str> = key.iter().map(|(index, _)| names[*index]).collect();
    let key_list = key_names.join(", ");
    let placeholders = vec!["?"; key_names.len()].join(", ");
    let first = format!("select {} from {table} order by {key_list} limit {CHUNK_ROWS}", names.join(", "));
    let after = format!(
        "select {} from {table} where ({key_list}) > ({placeholders}) order by {key_list} limit {CHUNK_ROWS}",
        names.join(", ")
    );
    let copy = format!("copy {table} ({}) from stdin (format binary)", names.join(", "));
    let mut copied = 0_u64;
    let mut last_key: Option<Vec<Value>> = None;
    loop {
        let rows =
            read_chunk(sqlite, if last_key.is_some() { &after } else { &first }, last_key.as_deref(), names.len())?;
        let Some(last) = rows.last() else { break };
        last_key = Some(key.iter().map(|(index, _)| last[*index].clone()).collect());
        let n_rows = rows.len();
        let converted = rows
            .into_iter()
            .map(|row| {
                row.into_iter().zip(&types).map(|(value, column_type)| convert(value, column_type, table)).collect()
            })
            .collect::<StoreResult<Vec<Vec<Param>>>>()?;
        let (client, copy, types) = (client.clone(), copy.clone(), types.clone());
        driver.run(async move {
            let sink = client.copy_in(copy.as_str()).await.map_err(backend("starting a copy"))?;
            let writer = BinaryCopyInWriter::new(sink, &types);
            futures_util::pin_mut!(writer);
            for row in &converted {
                let values: Vec<&(dyn ToSql + Sync)> =
                    row.iter().map(|value| &**value as &(dyn ToSql + Sync)).collect();
                writer.as_mut().write(&values).await.map_err(backend("copying rows"))?;
            }
            writer.finish().await.map_err(backend("finishing a copy"))?;
            Ok::<_, StoreError>(())
        })??;
        copied += n_rows as u64;
        if n_rows < CHUNK_ROWS {
            break;
        }
    }
    Ok(copied)
}

fn read_chunk(
    sqlite: &rusqlite::Connection,
    sql: &str,
    after: Option<&[Value]>,
    n_columns: usize,
) -> StoreResult<Vec<Vec<Value>>> {
    let mut statement = sqlite.prepare_cached(sql).map_err(sqlite_error("reading the SQLite store"))?;
    let bound = after.unwrap_or(&[]);
    let mut rows = statement.query(rusqlite::params_from_iter(bound.iter())).map_err(sqlite_error("reading rows"))?;
    let mut chunk = Vec::new();
    while let Some(row) = rows.next().map_err(sqlite_error("reading rows"))? {
        let values = (0..n_columns)
            .map(|index| row.get::<_, Value>(index))
            .collect::<Result<Vec<_>, _>>()
            .map_err(sqlite_error("reading a row"))?;
        chunk.push(values);
    }
    Ok(chunk)
}

/// A SQLite value as the PostgreSQL column's type wants it.
fn convert(value: Value, column_type: &Type, table: &str) -> StoreResult<Param> {
    let mismatch =
        |value: &Value| failure(format!("table {table}: a {:?} value for a {column_type} column", value.data_type()));
    Ok(match (value, column_type) {
        (Value::Null, ty) if *ty == Type::INT8 => Box::new(None::<i64>),
        (Value::Null, ty) if *ty == Type::BOOL => Box::new(None::<bool>),
        (Value::Null, ty) if *ty == Type::TEXT => Box::new(None::<String>),
        (Value::Null, _) => Box::new(None::<Vec<u8>>),
        (Value::Integer(number), ty) if *ty == Type::INT8 => Box::new(number),
        (Value::Integer(number), ty) if *ty == Type::BOOL => Box::new(number != 0),
        (Value::Text(text), ty) if *ty == Type::TEXT => {
            if text.contains('\0') {
                return Err(failure(format!("table {table}: text with the character U+0000 in a text column")));
            }
            Box::new(text)
        }
        (Value::Text(text), ty) if *ty == Type::BYTEA => Box::new(text.into_bytes()),
        (Value::Blob(blob), ty) if *ty == Type::BYTEA => Box::new(blob),
        (Value::Blob(blob), ty) if *ty == Type::TEXT => {
            Box::new(String::from_utf8(blob).map_err(|_| failure(format!("table {table}: a blob that is not text")))?)
        }
        (other, _) => return Err(mismatch(&other)),
    })
}

fn query(driver: &Driver, client: &Arc<Client>, sql: String) -> StoreResult<Vec<tokio_postgres::Row>> {
    let client = client.clone();
    driver.run(async move { client.query(sql.as_str(), &[]).await.map_err(backend("copying the store")) })?
}

fn run_sql(driver: &Driver, client: &Arc<Client>, sql: &'static str) -> StoreResult<()> {
    let client = client.clone();
    driver.run(async move { client.batch_execute(sql).await.map_err(backend("copying the store")) })?
}

fn failure(message: String) -> StoreError {
    StoreError::Backend { context: "migrating the store".to_owned(), source: message.into() }
}

fn sqlite_error(context: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |source| StoreError::Backend { context: context.to_owned(), source: Box::new(source) }
}
