//! The single writer: group commit in front of the store.
//!
//! Requests reach the writer as [`Submission`]s on a bounded channel.
//! The writer takes everything waiting (up to a cap), gives each event its position, applies the
//! whole batch in one transaction (one fsync), then, in order, hands each submission's events to
//! the bus and answers it.
//! Latency stays one commit; throughput grows with the batch instead of being capped at the
//! disk's fsync rate.
//!
//! A handler reserves a place on the channel before it takes any lock and sends its submission
//! while still holding the conversation's lock, so submissions for one conversation reach the
//! writer in the order their seqs were given, and positions follow seqs.
//!
//! If the store cannot write for a reason outside it that may pass (a full disk, an I/O error),
//! the writer keeps the batch and tries it again with backoff, so that the memory, which already
//! holds the batch's changes, never gets ahead of what will be stored; meanwhile new changes are
//! refused at once (they change nothing in memory before their place is reserved) and
//! `/healthz` reports the server unhealthy, and once the store takes the batch everything held
//! behind it follows in order and service resumes by itself.
//!
//! If a batch fails otherwise, the writer applies its submissions one by one, so that one bad
//! request fails alone; a submission that still fails leaves the memory ahead of the store, so
//! the writer then refuses every further change (fail-stop) and `/healthz` reports the server
//! unhealthy until a restart reloads the state from the store.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use tincan_proto::{ApiError, ErrorCode};
use tincan_store::{StoreWrite, WriteOp};
use tokio::sync::{mpsc, oneshot};

use crate::bus::Bus;
use crate::events::{OnCommit, POS_OF_PREVIOUS, holds_unencodable};
use crate::metrics::Metrics;

/// Submissions waiting for the writer; beyond this, handlers wait (back-pressure).
const QUEUE_SUBMISSIONS_MAX: usize = 16_384;
/// Most submissions in one batch.
const BATCH_SUBMISSIONS_MAX: usize = 8_192;
/// The first wait before a batch the store could not take is tried again; it doubles up to
/// [`STORE_RETRY_MAX`].
const STORE_RETRY_FIRST: Duration = Duration::from_millis(50);
/// The longest wait between tries of a batch the store could not take.
const STORE_RETRY_MAX: Duration = Duration::from_secs(2);

/// What a handler hands to the writer.
pub(crate) struct Submission {
    pub(crate) ops: Vec<WriteOp>,
    pub(crate) on_commit: Option<OnCommit>,
    pub(crate) reply: Option<oneshot::Sender<Result<Vec<WriteOp>, ApiError>>>,
}

/// What the writer's queue carries.
pub(crate) enum Job {
    /// Store this.
    Submit(Submission),
    /// Store what is queued, then stop.
    Stop,
}

/// The handlers' side of the writer.
#[derive(Clone)]
pub(crate) struct Writer {
    sender: mpsc::Sender<Job>,
    metrics: Arc<Metrics>,
    /// Set by [`Writer::stop`]: a writer waiting for the store gives up its batch.
    stopping: Arc<AtomicBool>,
}

/// A place reserved on the writer's queue.
pub(crate) struct Reservation<'a> {
    permit: mpsc::Permit<'a, Job>,
}

/// The answer to a submission, once durable.
pub(crate) struct Pending {
    receiver: oneshot::Receiver<Result<Vec<WriteOp>, ApiError>>,
}

impl Writer {
    /// Starts the writer thread; positions continue after `head_pos`.
    pub(crate) fn start(
        store: Box<dyn StoreWrite>,
        head_pos: u64,
        bus: Arc<dyn Bus>,
        metrics: Arc<Metrics>,
    ) -> (Writer, thread::JoinHandle<()>) {
        let (sender, receiver) = mpsc::channel(QUEUE_SUBMISSIONS_MAX);
        let writer_metrics = metrics.clone();
        let stopping = Arc::new(AtomicBool::new(false));
        let store = Store { store, metrics: metrics.clone(), stopping: stopping.clone() };
        let handle = thread::Builder::new()
            .name("tincan-writer".to_owned())
            .spawn(move || run(store, receiver, head_pos, bus, writer_metrics))
            .unwrap_or_else(|err| panic!("cannot start the writer thread: {err}"));
        (Writer { sender, metrics, stopping }, handle)
    }

    /// Asks the writer to store what is queued and stop; later submissions fail. A writer
    /// waiting for a store that cannot write gives up what it holds.
    pub(crate) fn stop(&self) {
        self.stopping.store(true, Ordering::Relaxed);
        let sender = self.sender.clone();
        // The queue may be full; the stop waits its turn on a helper thread.
        let _ = thread::Builder::new().name("tincan-writer-stop".to_owned()).spawn(move || {
            let _ = sender.blocking_send(Job::Stop);
        });
    }

    /// Submits ops while holding no lock, and waits until they are durable.
    #[cfg(test)]
    pub(super) async fn submit(
        &self,
        ops: Vec<WriteOp>,
        on_commit: Option<OnCommit>,
    ) -> Result<Vec<WriteOp>, ApiError> {
        self.reserve().await?.send(ops, on_commit).wait().await
    }

    /// Reserves a place on the queue; waits while it is full.
    pub(super) async fn reserve(&self) -> Result<Reservation<'_>, ApiError> {
        if self.metrics.store_failed.load(Ordering::Relaxed) {
            return Err(ApiError::new(
                ErrorCode::SDK_INTERNAL_ERROR,
                "the server's store failed a write; it refuses changes until it is restarted",
            ));
        }
        if self.metrics.store_unavailable.load(Ordering::Relaxed) {
            let reason = self.metrics.store_unavailable_reason.lock().unwrap_or_else(PoisonError::into_inner).clone();
            return Err(ApiError::new(
                ErrorCode::SDK_INTERNAL_ERROR,
                format!(
                    "the server's store cannot write now ({reason}); this change was not made, and changes are \
                     refused until the store writes again, reads go on"
                ),
            ));
        }
        let permit = self
            .sender
            .reserve()
            .await
            .map_err(|_| ApiError::new(ErrorCode::SDK_INTERNAL_ERROR, "the server is shutting down"))?;
        Ok(Reservation { permit })
    }
}

impl Reservation<'_> {
    /// Sends the submission; never waits, so it may be called under a lock.
    pub(super) fn send(self, ops: Vec<WriteOp>, on_commit: Option<OnCommit>) -> Pending {
        let (reply, receiver) = oneshot::channel();
        self.permit.send(Job::Submit(Submission { ops, on_commit, reply: Some(reply) }));
        Pending { receiver }
    }
}

impl Pending {
    /// Waits until the submission is durable; returns its ops with positions filled in.
    pub(super) async fn wait(self) -> Result<Vec<WriteOp>, ApiError> {
        self.receiver.await.unwrap_or_else(|_| Err(ApiError::new(ErrorCode::SDK_INTERNAL_ERROR, "the writer stopped")))
    }
}

/// The store as the writer thread uses it: a batch the store cannot take now is tried again
/// until it can, or until the writer is stopping.
struct Store {
    store: Box<dyn StoreWrite>,
    metrics: Arc<Metrics>,
    stopping: Arc<AtomicBool>,
}

impl Store {
    /// Applies `ops`; while the store is unavailable, waits and tries the same ops again. Gives up
    /// (with the store's error) only when the writer is stopping or the store fails otherwise.
    fn apply(&mut self, ops: &[WriteOp], head: u64) -> tincan_store::StoreResult<()> {
        let mut wait = STORE_RETRY_FIRST;
        loop {
            match self.store.apply(ops, head) {
                Err(err) if err.is_unavailable() && !self.stopping.load(Ordering::Relaxed) => {
                    *self.metrics.store_unavailable_reason.lock().unwrap_or_else(PoisonError::into_inner) =
                        err.to_string();
                    if !self.metrics.store_unavailable.swap(true, Ordering::Relaxed) {
                        tracing::error!(error = %err, "the store cannot write; refusing changes and retrying");
                    }
                    self.metrics.store_failures.fetch_add(1, Ordering::Relaxed);
                    thread::sleep(wait);
                    wait = (wait * 2).min(STORE_RETRY_MAX);
                }
                result => {
                    if result.is_ok() && self.metrics.store_unavailable.swap(false, Ordering::Relaxed) {
                        tracing::info!("the store writes again; accepting changes");
                    }
                    return result;
                }
            }
        }
    }
}

fn run(mut store: Store, mut receiver: mpsc::Receiver<Job>, head_pos: u64, bus: Arc<dyn Bus>, metrics: Arc<Metrics>) {
    let mut next_pos = head_pos.saturating_add(1);
    let mut batch: Vec<Submission> = Vec::new();
    let mut stopping = false;
    while !stopping {
        match receiver.blocking_recv() {
            Some(Job::Submit(first)) => batch.push(first),
            Some(Job::Stop) | None => stopping = true,
        }
        while batch.len() < BATCH_SUBMISSIONS_MAX {
            match receiver.try_recv() {
                Ok(Job::Submit(submission)) => batch.push(submission),
                Ok(Job::Stop) => stopping = true,
                Err(_) => break,
            }
        }
        if batch.is_empty() {
            continue;
        }
        if batch.iter().any(|submission| holds_unencodable(&submission.ops)) {
            // A push that could not be encoded is a bug; storing the rest without it could leave
            // memory ahead of the store, so writing stops (fail-stop), as for a failed write.
            tracing::error!("a change holds a push that could not be encoded; refusing changes until a restart");
            metrics.store_failures.fetch_add(1, Ordering::Relaxed);
            metrics.store_failed.store(true, Ordering::Relaxed);
        }
        if metrics.store_failed.load(Ordering::Relaxed) {
            // Fail-stop: nothing queued after a failed write is stored, since it may count on
            // what failed (a receipt push on its receipts).
            for submission in batch.drain(..) {
                refuse(submission);
            }
            continue;
        }
        let mut ops: Vec<WriteOp> = Vec::new();
        let mut ends = Vec::with_capacity(batch.len());
        for submission in &mut batch {
            assign_positions(&mut submission.ops, &mut next_pos);
            ops.append(&mut submission.ops);
            ends.push(ops.len());
        }
        let head = next_pos.saturating_sub(1);
        let started = Instant::now();
        let result = store.apply(&ops, head);
        metrics.commit_seconds.record(started.elapsed().as_secs_f64());
        metrics.store_batches.fetch_add(1, Ordering::Relaxed);
        metrics.store_ops.fetch_add(ops.len() as u64, Ordering::Relaxed);
        let mut start = 0;
        let mut ops_iter = ops.into_iter();
        let mut per_submission = Vec::with_capacity(batch.len());
        for end in ends {
            per_submission.push(ops_iter.by_ref().take(end - start).collect::<Vec<_>>());
            start = end;
        }
        match result {
            Ok(()) => {
                // The head moves before anyone is told: a login that reads it must never get a
                // position below one already pushed, or its device would be sent that push again.
                metrics.head_pos.store(head, Ordering::SeqCst);
                // The whole commit goes on the bus as one batch, so that the dispatcher hands
                // each device every push of the commit at once.
                let mut events = Vec::new();
                let mut replies = Vec::with_capacity(batch.len());
                for (submission, ops) in batch.drain(..).zip(per_submission) {
                    if let Some(on_commit) = submission.on_commit {
                        events.append(&mut on_commit(&ops));
                    }
                    replies.push((submission.reply, ops));
                }
                if !events.is_empty() {
                    bus.publish(events);
                }
                for (reply, ops) in replies {
                    if let Some(reply) = reply {
                        let _ = reply.send(Ok(ops));
                    }
                }
            }
            Err(err) => {
                tracing::error!(error = %err, "a batch failed; applying its submissions one by one");
                for (submission, ops) in batch.drain(..).zip(per_submission) {
                    let head = highest_pos(&ops).unwrap_or(head);
                    // After a failure nothing more is stored: a later submission may count on
                    // an earlier one (a receipt push on its receipts).
                    let applied = if metrics.store_failed.load(Ordering::Relaxed) {
                        Err("an earlier change of this batch could not be stored".to_owned())
                    } else {
                        store.apply(&ops, head).map_err(|err| err.to_string())
                    };
                    match applied {
                        Ok(()) => {
                            metrics.head_pos.fetch_max(head, Ordering::SeqCst);
                            finish(submission, ops, &*bus);
                        }
                        Err(err) => {
                            tracing::error!(error = %err, "a write failed; refusing changes until a restart reloads the store");
                            metrics.store_failures.fetch_add(1, Ordering::Relaxed);
                            metrics.store_failed.store(true, Ordering::Relaxed);
                            refuse(submission);
                        }
                    }
                }
            }
        }
    }
}

/// Answers a submission that was not stored.
fn refuse(submission: Submission) {
    if let Some(reply) = submission.reply {
        let _ = reply.send(Err(ApiError::new(ErrorCode::SDK_INTERNAL_ERROR, "the server could not store the change")));
    }
}

fn finish(submission: Submission, ops: Vec<WriteOp>, bus: &dyn Bus) {
    if let Some(on_commit) = submission.on_commit {
        let events = on_commit(&ops);
        if !events.is_empty() {
            bus.publish(events);
        }
    }
    if let Some(reply) = submission.reply {
        let _ = reply.send(Ok(ops));
    }
}

fn assign_positions(ops: &mut [WriteOp], next_pos: &mut u64) {
    fn take(next_pos: &mut u64, previous: &mut u64) -> u64 {
        let pos = *next_pos;
        // Positions only grow: the dispatcher's and the replay's checks rely on it.
        assert!(pos > *previous && pos < u64::MAX, "event positions ran out or went back");
        *next_pos = next_pos.saturating_add(1);
        *previous = pos;
        pos
    }
    let mut previous = 0;
    for op in ops {
        match op {
            WriteOp::AppendMessage(message) => message.pos = take(next_pos, &mut previous),
            WriteOp::ReviseMessage(message) => message.revision.pos = take(next_pos, &mut previous),
            WriteOp::AddMember(member) => member.join_pos = take(next_pos, &mut previous),
            WriteOp::RemoveMember { leave_pos, .. } => *leave_pos = take(next_pos, &mut previous),
            WriteOp::AppendUserEvent(event) => {
                event.pos = if event.pos == POS_OF_PREVIOUS && previous != 0 {
                    previous
                } else {
                    take(next_pos, &mut previous)
                };
            }
            _ => {}
        }
    }
}

fn highest_pos(ops: &[WriteOp]) -> Option<u64> {
    ops.iter()
        .filter_map(|op| match op {
            WriteOp::AppendMessage(message) => Some(message.pos),
            WriteOp::ReviseMessage(message) => Some(message.revision.pos),
            WriteOp::AddMember(member) => Some(member.join_pos),
            WriteOp::RemoveMember { leave_pos, .. } => Some(*leave_pos),
            WriteOp::AppendUserEvent(event) => Some(event.pos),
            _ => None,
        })
        .max()
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use tincan_proto::UserId;
    use tincan_store::UserEventRecord;

    use super::*;
    use crate::events::{Event, committed};

    /// Records, for each event published, its position and the head a login would read then.
    struct Recorder {
        metrics: Arc<Metrics>,
        seen: Mutex<Vec<(u64, u64)>>,
    }

    impl Bus for Recorder {
        fn publish(&self, events: Vec<Event>) {
            let head = self.metrics.head_pos.load(Ordering::SeqCst);
            let mut seen = self.seen.lock().unwrap();
            for event in events {
                if let Event::User { pos, .. } = event {
                    seen.push((pos, head));
                }
            }
        }
    }

    #[tokio::test]
    async fn the_head_moves_before_events_are_published() {
        let store = tincan_store::memory::MemoryStore::new().writer();
        let metrics = Arc::new(Metrics::default());
        let bus = Arc::new(Recorder { metrics: metrics.clone(), seen: Mutex::new(Vec::new()) });
        let (writer, thread) = Writer::start(Box::new(store), 0, bus.clone(), metrics);
        let user = UserId::parse("bob").unwrap();
        for _ in 0..20 {
            let op = WriteOp::AppendUserEvent(UserEventRecord {
                sdkappid: 1,
                user: user.clone(),
                pos: 0,
                kind: "receipt".to_owned(),
                conv: None,
                seq: 0,
                payload: "{}".to_owned(),
            });
            writer.submit(vec![op], Some(committed(1, None))).await.unwrap();
        }
        writer.stop();
        thread.join().unwrap();
        let seen = bus.seen.lock().unwrap();
        assert_eq!(seen.len(), 20);
        for (pos, head) in seen.iter() {
            assert!(head >= pos, "event {pos} was published while a login would have read head {head}");
        }
    }

    /// A store that holds its first batch until told, and fails any batch holding a "poison"
    /// event.
    struct Gated {
        inner: Box<dyn StoreWrite>,
        gate: Option<std::sync::mpsc::Receiver<()>>,
    }

    impl StoreWrite for Gated {
        fn apply(&mut self, ops: &[WriteOp], head_pos: u64) -> tincan_store::StoreResult<()> {
            if let Some(gate) = self.gate.take() {
                gate.recv().unwrap();
            }
            let poisoned = ops.iter().any(|op| matches!(op, WriteOp::AppendUserEvent(event) if event.kind == "poison"));
            if poisoned {
                return Err(tincan_store::StoreError::Corrupt("poison".to_owned()));
            }
            self.inner.apply(ops, head_pos)
        }
    }

    fn event(kind: &str) -> WriteOp {
        WriteOp::AppendUserEvent(UserEventRecord {
            sdkappid: 1,
            user: UserId::parse("bob").unwrap(),
            pos: 0,
            kind: kind.to_owned(),
            conv: None,
            seq: 0,
            payload: "{}".to_owned(),
        })
    }

    /// A store that cannot write for its first `failures` batches.
    struct Flaky {
        inner: Box<dyn StoreWrite>,
        failures: usize,
        metrics: Arc<Metrics>,
        seen_unavailable: Arc<AtomicBool>,
    }

    impl StoreWrite for Flaky {
        fn apply(&mut self, ops: &[WriteOp], head_pos: u64) -> tincan_store::StoreResult<()> {
            if self.failures > 0 {
                self.failures -= 1;
                return Err(tincan_store::StoreError::Unavailable {
                    context: "writing".to_owned(),
                    source: "the disk is full".into(),
                });
            }
            if self.metrics.store_unavailable.load(Ordering::Relaxed) {
                self.seen_unavailable.store(true, Ordering::Relaxed);
            }
            self.inner.apply(ops, head_pos)
        }
    }

    #[tokio::test]
    async fn a_batch_the_store_cannot_take_is_held_and_stored_once_it_can_while_new_changes_are_refused() {
        let memory = tincan_store::memory::MemoryStore::new();
        let (reader, store) = (memory.reader(), memory.writer());
        let metrics = Arc::new(Metrics::default());
        let seen_unavailable = Arc::new(AtomicBool::new(false));
        let store = Flaky {
            inner: Box::new(store),
            failures: 4,
            metrics: metrics.clone(),
            seen_unavailable: seen_unavailable.clone(),
        };
        let bus = Arc::new(Recorder { metrics: metrics.clone(), seen: Mutex::new(Vec::new()) });
        let (writer, thread) = Writer::start(Box::new(store), 0, bus.clone(), metrics.clone());
        let held = writer.reserve().await.unwrap().send(vec![event("receipt")], Some(committed(1, None)));
        // While the store cannot write, a new change is refused before it reserves a place.
        let deadline = Instant::now() + Duration::from_secs(5);
        while !metrics.store_unavailable.load(Ordering::Relaxed) {
            assert!(Instant::now() < deadline);
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let refused = writer.reserve().await.err().expect("refused while the store cannot write");
        assert!(refused.desc.contains("cannot write now"), "{}", refused.desc);
        // The held batch is stored once the store can, and service resumes.
        let ops = held.wait().await.unwrap();
        assert!(seen_unavailable.load(Ordering::Relaxed), "the batch was stored by a retry");
        assert!(!metrics.store_unavailable.load(Ordering::Relaxed));
        assert!(writer.submit(vec![event("receipt")], Some(committed(1, None))).await.is_ok());
        writer.stop();
        thread.join().unwrap();
        assert_eq!(bus.seen.lock().unwrap().len(), 2);
        let WriteOp::AppendUserEvent(stored) = &ops[0] else { panic!("an event") };
        let user = UserId::parse("bob").unwrap();
        let events = tincan_store::StoreRead::user_events(&reader, 1, &user, 0, 10).unwrap();
        assert_eq!(events.iter().map(|event| event.pos).collect::<Vec<_>>(), vec![stored.pos, stored.pos + 1]);
    }

    #[tokio::test]
    async fn after_a_failed_write_nothing_later_in_its_batch_is_stored() {
        let store = tincan_store::memory::MemoryStore::new().writer();
        let (open_gate, gate) = std::sync::mpsc::channel();
        let store = Gated { inner: Box::new(store), gate: Some(gate) };
        let metrics = Arc::new(Metrics::default());
        let bus = Arc::new(Recorder { metrics: metrics.clone(), seen: Mutex::new(Vec::new()) });
        let (writer, thread) = Writer::start(Box::new(store), 0, bus.clone(), metrics);
        // The first batch holds the writer while the poison and a later change queue behind it,
        // so that they form one batch.
        let first = writer.reserve().await.unwrap().send(vec![event("receipt")], Some(committed(1, None)));
        tokio::time::sleep(Duration::from_millis(50)).await;
        let poison = writer.reserve().await.unwrap().send(vec![event("poison")], Some(committed(1, None)));
        let later = writer.reserve().await.unwrap().send(vec![event("receipt")], Some(committed(1, None)));
        // A place taken before the failure is known, used after it: a later batch.
        let late = writer.reserve().await.unwrap();
        open_gate.send(()).unwrap();
        assert!(first.wait().await.is_ok());
        assert!(poison.wait().await.is_err());
        assert!(later.wait().await.is_err(), "a change queued after a failed one was stored");
        let late = late.send(vec![event("receipt")], Some(committed(1, None)));
        assert!(late.wait().await.is_err(), "a change in a batch after the failed one was stored");
        assert!(writer.reserve().await.is_err(), "the writer refuses new changes after a failure");
        writer.stop();
        thread.join().unwrap();
        assert_eq!(bus.seen.lock().unwrap().len(), 1, "only the first batch's event was published");
    }
}
