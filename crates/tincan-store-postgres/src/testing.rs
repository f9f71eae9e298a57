//! A fresh database per test, dropped when the test ends.
//!
//! Tests find PostgreSQL through [`SERVER_VARIABLE`] (a `postgres://` URL of a server where the
//! user may create databases), or else at [`SERVER_DEFAULT`]. When none answers, creating a
//! database panics with what to do: a test of the PostgreSQL store never passes without one.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::driver::{Driver, Target};

/// The variable naming the server tests use.
pub const SERVER_VARIABLE: &str = "TINCAN_TEST_POSTGRES";

/// The server tests use when [`SERVER_VARIABLE`] is not set.
pub const SERVER_DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A database of its own for one test; dropped (with any connection still open to it) when
/// this is.
pub struct TestDatabase {
    server: String,
    name: String,
    url: String,
    driver: Arc<Driver>,
}

impl TestDatabase {
    /// Creates an empty database with a name no other test uses.
    pub fn create() -> TestDatabase {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let server = std::env::var(SERVER_VARIABLE).unwrap_or_else(|_| SERVER_DEFAULT.to_owned());
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |it| it.as_nanos());
        let name = format!("tincan_test_{}_{nanos}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let driver = Driver::start().expect("the store's runtime starts");
        let target = Target::parse(&server).unwrap_or_else(|err| panic!("{SERVER_VARIABLE}={server:?}: {err}"));
        let statement = format!("create database {name}");
        let created = driver.run(async move {
            let client = target.connect().await?;
            client.batch_execute(&statement).await.map_err(crate::backend("creating a test database"))
        });
        if let Err(err) = created.and_then(|result| result) {
            panic!(
                "no PostgreSQL to test against at {server}: {err}. Tests of the PostgreSQL store need a server \
                 where this user may create databases: set {SERVER_VARIABLE} to its URL \
                 (postgres://USER@HOST:PORT/DATABASE), or run scripts/test, which starts a private one \
                 (it installs Debian's postgresql package when missing)"
            );
        }
        let url = with_database(&server, &name);
        TestDatabase { server, name, url, driver }
    }

    /// The database's URL, for `open` or `tincan serve --store`.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Ok(target) = Target::parse(&self.server) else { return };
        let statement = format!("drop database if exists {} with (force)", self.name);
        let _ = self.driver.run(async move {
            let client = target.connect().await?;
            client.batch_execute(&statement).await.map_err(crate::backend("dropping a test database"))
        });
    }
}

/// `url` with its database replaced by `database`.
pub fn with_database(url: &str, database: &str) -> String {
    let authority_start = url.find("://").map_or(0, |at| at + 3);
    let rest = &url[authority_start..];
    let authority_end = rest.find(['/', '?']).map_or(url.len(), |at| authority_start + at);
    let query = url[authority_end..].find('?').map_or("", |at| &url[authority_end + at..]);
    format!("{}/{database}{query}", &url[..authority_end])
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_of_a_url_is_replaced() {
        assert_eq!(with_database("postgres://u@h:5432/postgres", "t"), "postgres://u@h:5432/t");
        assert_eq!(with_database("postgres://u@h", "t"), "postgres://u@h/t");
        assert_eq!(with_database("postgres://u@h/db?sslmode=disable", "t"), "postgres://u@h/t?sslmode=disable");
        assert_eq!(with_database("postgres://u@h?connect_timeout=3", "t"), "postgres://u@h/t?connect_timeout=3");
    }
}
