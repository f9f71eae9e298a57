//! The store's runtime and its connections.
//!
//! `tokio-postgres` is asynchronous and the store's interface is not. The store owns a small
//! multi-threaded runtime; a call spawns its future there and waits for the result on a
//! standard channel. Waiting on a standard channel is allowed on any thread, including a worker
//! of another runtime (it blocks that worker for the call, as a SQLite read does), whereas
//! blocking on a runtime from inside one panics; so the store is safe to call from anywhere.

use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use tincan_store::{StoreError, StoreResult};
use tokio_postgres::{Client, Config, NoTls};

use crate::backend;

/// Worker threads of the store's runtime: the work is waiting on sockets, and the decoding of
/// rows happens on the caller's thread.
const WORKER_THREADS: usize = 2;

/// How long a connection attempt may take when the URL does not say (`connect_timeout`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long one read may wait for PostgreSQL before it fails as unavailable. A database that
/// stops answering (paused, or cut off by a network that drops packets rather than refusing
/// them) otherwise holds the caller until TCP gives up, minutes later.
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// How long one batch (connecting included) may wait for PostgreSQL: longer than a read, since
/// a batch of thousands of statements is sent in one go.
pub(crate) const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// The store's runtime; stopped without waiting when the last handle is dropped, so that a store
/// may be dropped anywhere, a runtime's task included.
pub(crate) struct Driver {
    runtime: Option<tokio::runtime::Runtime>,
}

impl Driver {
    pub(crate) fn start() -> StoreResult<Arc<Driver>> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(WORKER_THREADS)
            .thread_name("tincan-postgres")
            .enable_all()
            .build()
            .map_err(|err| StoreError::Backend {
                context: "starting the PostgreSQL store's runtime".to_owned(),
                source: Box::new(err),
            })?;
        Ok(Arc::new(Driver { runtime: Some(runtime) }))
    }

    /// Runs `future` on the store's runtime and waits for its result.
    pub(crate) fn run<T: Send + 'static>(&self, future: impl Future<Output = T> + Send + 'static) -> StoreResult<T> {
        let (sender, receiver) = std::sync::mpsc::sync_channel(1);
        let Some(runtime) = &self.runtime else { return Err(stopped()) };
        runtime.spawn(async move {
            let _ = sender.send(future.await);
        });
        receiver.recv().map_err(|_| stopped())
    }

    /// [`Driver::run`], given up after `limit`: the future is dropped (with any connection it
    /// holds, which the caller must not use again) and the call fails as unavailable.
    pub(crate) fn run_within<T: Send + 'static>(
        &self,
        limit: Duration,
        context: &'static str,
        future: impl Future<Output = StoreResult<T>> + Send + 'static,
    ) -> StoreResult<T> {
        self.run(async move {
            tokio::time::timeout(limit, future).await.unwrap_or_else(|_| {
                Err(StoreError::Unavailable {
                    context: context.to_owned(),
                    source: format!("PostgreSQL did not answer within {} s", limit.as_secs()).into(),
                })
            })
        })?
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

fn stopped() -> StoreError {
    StoreError::Backend {
        context: "running a PostgreSQL call".to_owned(),
        source: "the store's runtime stopped before the call finished".into(),
    }
}

/// The database a store connects to.
pub(crate) struct Target {
    config: Config,
}

impl Target {
    /// Parses a `postgres://` URL (or a `key=value` connection string).
    pub(crate) fn parse(url: &str) -> StoreResult<Target> {
        let mut config = Config::from_str(url).map_err(|err| StoreError::Backend {
            context: "reading the PostgreSQL URL (postgres://USER@HOST:PORT/DATABASE)".to_owned(),
            source: Box::new(err),
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.application_name("tincan");
        Ok(Target { config })
    }

    /// Opens a connection; its background task runs on the calling runtime (the store's).
    pub(crate) async fn connect(&self) -> StoreResult<Client> {
        let (client, connection) = self.config.connect(NoTls).await.map_err(backend("connecting to PostgreSQL"))?;
        // A connection that ends with an error is noticed by the next call on its client, which
        // fails and makes the store connect again.
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(client)
    }
}

/// A fixed number of connections for short calls of their own (the cluster's leases, media),
/// apart from the writer's, taken in turn as the reader takes its own: a connection pipelines
/// the calls sent to it at once, so a burst of calls (many downloads) never opens more than
/// `connections`, and one that a call gave up on at its time limit is replaced at its next use.
pub(crate) struct Kept {
    driver: Arc<Driver>,
    target: Arc<Target>,
    slots: Vec<std::sync::Mutex<Option<Arc<Client>>>>,
    next: std::sync::atomic::AtomicUsize,
}

impl Kept {
    /// Connects to the database `url` names and brings its schema up to date.
    pub(crate) fn open(url: &str, connections: usize) -> StoreResult<Kept> {
        let target = Arc::new(Target::parse(url)?);
        let driver = Driver::start()?;
        crate::schema::migrate(&driver, &target)?;
        let slots = (0..connections.max(1)).map(|_| std::sync::Mutex::new(None)).collect();
        Ok(Kept { driver, target, slots, next: std::sync::atomic::AtomicUsize::new(0) })
    }

    /// Runs `call` on the next connection in turn within `limit`, connecting it first when it is
    /// new or was lost.
    pub(crate) fn run<T: Send + 'static>(
        &self,
        limit: Duration,
        context: &'static str,
        call: impl for<'c> FnOnce(&'c Client) -> futures_util::future::BoxFuture<'c, StoreResult<T>> + Send + 'static,
    ) -> StoreResult<T> {
        let slot = &self.slots[self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % self.slots.len()];
        let lock = || slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let held = lock().clone().filter(|client| !client.is_closed());
        let (target, running) = (self.target.clone(), held.clone());
        let outcome = self.driver.run_within(limit, context, async move {
            let client = match running {
                Some(client) => client,
                None => Arc::new(target.connect().await?),
            };
            let result = call(&client).await;
            Ok((result, client))
        });
        let mut current = lock();
        match outcome {
            Ok((result, used)) => {
                if current.as_ref().is_none_or(|it| it.is_closed()) {
                    *current = Some(used);
                }
                result
            }
            Err(err) => {
                // A connection a call gave up on may still be running it: the slot connects
                // anew at its next use.
                if let (Some(current_client), Some(held)) = (current.as_ref(), held.as_ref())
                    && Arc::ptr_eq(current_client, held)
                {
                    *current = None;
                }
                Err(err)
            }
        }
    }
}
