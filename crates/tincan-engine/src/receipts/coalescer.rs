//! The receipt coalescer: a background task, beside the writer and the dispatcher, that
//! gathers the receipt pushes of one sender and one group over the app's window.
//!
//! A receipt after a quiet spell is pushed at once; while receipts keep coming for one sender
//! and one group, one push per window (growing from 5 ms to the app's window) carries the
//! current counts of every message read in it, as a durable event of the sender's stream. A
//! reader's other devices hear of its receipts the same way, paced by a longer window.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tincan_proto::{GroupId, UserId};
use tokio::sync::Notify;

use crate::state::{ReceiptCell, lock};

/// Who a coalesced push is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Audience {
    /// The messages' sender: a `receipt` push with current counts.
    Sender,
    /// The reader's devices: a `receipt_sent` push listing what it acknowledged.
    Reader,
}

impl Audience {
    /// The windows of this audience's pushes, given the app's window: the one a busy key's
    /// pushes start from and the longest. The sender's window doubles from 5 ms to the app's,
    /// so that a conversation read now and then hears of each receipt within milliseconds. The
    /// reader's is at least a second, and whole from the start: its notices only update a mark,
    /// and a reader whose receipts come in bursts (a screenful at a time) would otherwise never
    /// be paced. It is longer by up to a quarter for some readers than for others
    /// (`reader`'s own share), so that readers who started together, as everyone reading a
    /// message the moment it arrives does, drift apart rather than flushing at the same instant
    /// every second.
    fn windows_ms(self, app_window_ms: u64, reader: &UserId) -> (u64, u64) {
        match self {
            Audience::Sender => (WINDOW_MS_MIN, app_window_ms),
            Audience::Reader => {
                let window = app_window_ms.max(READER_NOTICE_WINDOW_MS);
                let window = window + spread(reader, window / 4);
                (window, window)
            }
        }
    }
}

/// A share of `0..range` that is always the same for `user`.
fn spread(user: &UserId, range: u64) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(user) % range.max(1)
}

/// (app, user told, group, audience).
pub(crate) type CoalesceKey = (u64, UserId, GroupId, Audience);

struct PendingPush {
    /// The messages whose counts changed, by seq (a busy sender's window may hold thousands).
    cells: BTreeMap<u64, Arc<ReceiptCell>>,
    /// The device every noted receipt came from, if they all came from one: the reader's own
    /// notice skips it, as that device knows already.
    origin: Option<u64>,
}

/// A push that is due: its key, the messages, and the device to skip.
pub(crate) type DuePush = (CoalesceKey, Vec<Arc<ReceiptCell>>, Option<u64>);

#[derive(Default)]
struct CoalescerState {
    pending: HashMap<CoalesceKey, PendingPush>,
    due: BinaryHeap<Reverse<(u64, CoalesceKey)>>,
    /// When each key was last flushed (milliseconds) and how busy it has been; kept for the
    /// longest window only.
    last_flush: HashMap<CoalesceKey, Pace>,
    /// When `last_flush` may next be pruned, in milliseconds (pruning walks it all).
    next_prune_ms: u64,
}

/// The pace of one key's pushes: its last flush and how many windows in a row were busy.
#[derive(Clone, Copy, Debug, Default)]
struct Pace {
    flushed_at_ms: u64,
    streak: u32,
}

/// The shortest coalescing window, in milliseconds: the window starts here and doubles while
/// receipts keep arriving before it ends, up to the app's window.
const WINDOW_MS_MIN: u64 = 5;

/// When the next push for a key may go out, and the key's new streak.
///
/// A receipt after a quiet spell (longer than the current window) goes out at once; receipts
/// arriving faster than that wait for a window that doubles with each busy window, from
/// `shortest_ms` up to `window_ms`, so a quiet conversation hears of each receipt within
/// milliseconds while a busy one gets at most one push per `window_ms`.
fn next_due(pace: Pace, now_ms: u64, shortest_ms: u64, window_ms: u64) -> (u64, u32) {
    let window = |streak: u32| window_ms.min(shortest_ms.saturating_mul(1u64 << streak.min(20)));
    let gap = now_ms.saturating_sub(pace.flushed_at_ms);
    if window_ms == 0 || gap >= window_ms {
        return (now_ms, 0);
    }
    let current = window(pace.streak);
    if gap >= current {
        return (now_ms, pace.streak.saturating_sub(1));
    }
    let streak = if window(pace.streak) < window_ms { pace.streak + 1 } else { pace.streak };
    (pace.flushed_at_ms + current, streak)
}

/// Past this many remembered flushes, old ones are forgotten.
const LAST_FLUSHES_MAX: usize = 65_536;

/// Gathers receipt pushes per sender and group over the app's window.
pub(crate) struct Coalescer {
    state: Arc<Mutex<CoalescerState>>,
    wake: Arc<Notify>,
    stopped: Arc<AtomicBool>,
}

impl Coalescer {
    pub(crate) fn new() -> Coalescer {
        Coalescer { state: Arc::default(), wake: Arc::new(Notify::new()), stopped: Arc::new(AtomicBool::new(false)) }
    }

    pub(crate) fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
        self.wake.notify_one();
    }

    /// Notes that `cell` changed; the key's audience will be told within its window, which
    /// follows the app's `app_window_ms`.
    pub(crate) fn note(
        &self,
        key: CoalesceKey,
        cell: Arc<ReceiptCell>,
        origin: Option<u64>,
        now_ms: u64,
        app_window_ms: u64,
    ) {
        let mut state = lock(&self.state);
        match state.pending.get_mut(&key) {
            Some(pending) => {
                pending.cells.entry(cell.seq).or_insert(cell);
                if pending.origin != origin {
                    pending.origin = None;
                }
            }
            None => {
                // The first receipt after a quiet spell goes out at once; while receipts keep
                // coming, one push per window carries them all.
                let pace = state.last_flush.get(&key).copied().unwrap_or_default();
                let (shortest_ms, window_ms) = key.3.windows_ms(app_window_ms, &key.1);
                let (due, streak) = next_due(pace, now_ms, shortest_ms, window_ms);
                state.last_flush.insert(key.clone(), Pace { streak, ..pace });
                state.pending.insert(key.clone(), PendingPush { cells: BTreeMap::from([(cell.seq, cell)]), origin });
                state.due.push(Reverse((due, key)));
                drop(state);
                self.wake.notify_one();
            }
        }
    }
    /// Forgets group message `seq` (it was revoked): no receipt push waiting to go out carries
    /// it any more, and a push left with no message is dropped.
    pub(crate) fn forget(&self, sdkappid: u64, group_id: &GroupId, seq: u64) {
        let mut state = lock(&self.state);
        state.pending.retain(|(app, _, group, _), pending| {
            if *app == sdkappid && group == group_id {
                pending.cells.remove(&seq);
            }
            !pending.cells.is_empty()
        });
    }

    /// Takes the pushes due at `now_ms`; returns them and when the next one falls due.
    pub(crate) fn take_due(&self, now_ms: u64) -> DuePushes {
        take_due(&self.state, now_ms)
    }

    /// Waits until a push is noted, [`Coalescer::stop`] is called, or `timeout` passes.
    pub(crate) async fn wait(&self, timeout: Duration) {
        tokio::select! {
            () = tokio::time::sleep(timeout) => {}
            () = self.wake.notified() => {}
        }
    }

    /// Whether [`Coalescer::stop`] was called.
    pub(crate) fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::Relaxed)
    }
}

/// The shortest window between two `receipt_sent` notices to one reader's devices, in
/// milliseconds (the first after a quiet spell goes at once).
const READER_NOTICE_WINDOW_MS: u64 = 1_000;

/// Pushes that are due, and when the next one will be.
pub(crate) type DuePushes = (Vec<DuePush>, Option<u64>);

fn take_due(state: &Mutex<CoalescerState>, now_ms: u64) -> DuePushes {
    let mut state = lock(state);
    let mut due = Vec::new();
    while let Some(Reverse((at, _))) = state.due.peek() {
        if *at > now_ms {
            break;
        }
        let Some(Reverse((_, key))) = state.due.pop() else { break };
        if let Some(pending) = state.pending.remove(&key) {
            let streak = state.last_flush.get(&key).map_or(0, |pace| pace.streak);
            state.last_flush.insert(key.clone(), Pace { flushed_at_ms: now_ms, streak });
            due.push((key, pending.cells.into_values().collect(), pending.origin));
        }
    }
    if state.last_flush.len() > LAST_FLUSHES_MAX && now_ms >= state.next_prune_ms {
        // The longest window: the app's longest, or a reader's, a quarter longer.
        let longest = u64::from(tincan_core::config::RECEIPT_COALESCE_WINDOW_MS_MAX).max(READER_NOTICE_WINDOW_MS);
        let horizon = now_ms.saturating_sub(longest + longest / 4);
        state.last_flush.retain(|_, pace| pace.flushed_at_ms >= horizon);
        state.next_prune_ms = now_ms.saturating_add(1_000);
    }
    let next = state.due.peek().map(|Reverse((at, _))| *at);
    (due, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_receipts_go_at_once_and_busy_ones_are_paced() {
        // A receipt long after the last push: at once.
        assert_eq!(next_due(Pace { flushed_at_ms: 0, streak: 3 }, 1_000, WINDOW_MS_MIN, 100), (1_000, 0));
        // Receipts 20 ms apart with a 5 ms window: at once, the streak stays low.
        assert_eq!(next_due(Pace { flushed_at_ms: 980, streak: 0 }, 1_000, WINDOW_MS_MIN, 100), (1_000, 0));
        // Receipts faster than the window: wait for it, and the window doubles.
        assert_eq!(next_due(Pace { flushed_at_ms: 999, streak: 0 }, 1_000, WINDOW_MS_MIN, 100), (1_004, 1));
        assert_eq!(next_due(Pace { flushed_at_ms: 999, streak: 1 }, 1_000, WINDOW_MS_MIN, 100), (1_009, 2));
        // The window never grows past the app's.
        assert_eq!(next_due(Pace { flushed_at_ms: 999, streak: 10 }, 1_000, WINDOW_MS_MIN, 100), (1_099, 10));
        // A window of 0 never waits.
        assert_eq!(next_due(Pace { flushed_at_ms: 999, streak: 4 }, 1_000, WINDOW_MS_MIN, 0), (1_000, 0));
    }

    /// How many pushes a key gets over `span_ms` when a burst of receipts comes every
    /// `every_ms`.
    fn pushes_for_bursts(audience: Audience, app_window_ms: u64, every_ms: u64, span_ms: u64) -> usize {
        let reader = UserId::parse("reader").unwrap();
        let (shortest_ms, window_ms) = audience.windows_ms(app_window_ms, &reader);
        let (mut pace, mut due, mut pushes) = (Pace::default(), None, 0);
        let start = 10_000;
        for now in (start..start + span_ms).step_by(every_ms as usize) {
            if let Some(at) = due
                && at <= now
            {
                pace.flushed_at_ms = at;
                pushes += 1;
                due = None;
            }
            if due.is_none() {
                let (at, streak) = next_due(pace, now, shortest_ms, window_ms);
                pace.streak = streak;
                due = Some(at);
            }
        }
        pushes + usize::from(due.is_some())
    }

    #[test]
    fn a_reader_reading_in_bursts_gets_one_notice_per_window() {
        // A screenful of receipts every 32 ms for 10 s: the reader's devices hear at most once
        // a second (at once for the first burst), the sender within its 20 ms window.
        let reader = pushes_for_bursts(Audience::Reader, 20, 32, 10_000);
        assert!((8..=11).contains(&reader), "{reader} notices");
        let sender = pushes_for_bursts(Audience::Sender, 20, 32, 10_000);
        assert_eq!(sender, 313, "bursts further apart than the window each go at once");
    }

    #[test]
    fn readers_notice_windows_differ_by_up_to_a_quarter() {
        let windows: std::collections::BTreeSet<u64> = (0..100)
            .map(|n| Audience::Reader.windows_ms(20, &UserId::parse(&format!("reader{n}")).unwrap()))
            .map(|(shortest, longest)| {
                assert_eq!(shortest, longest, "a reader's window is whole from the start");
                longest
            })
            .collect();
        assert!(windows.iter().all(|window| (1_000..1_250).contains(window)), "{windows:?}");
        assert!(windows.len() > 50, "readers who start together drift apart: {windows:?}");
        let again = Audience::Reader.windows_ms(20, &UserId::parse("reader7").unwrap());
        assert_eq!(again, Audience::Reader.windows_ms(20, &UserId::parse("reader7").unwrap()), "one reader's is fixed");
        // An app window past a second sets the reader's base.
        let (_, long) = Audience::Reader.windows_ms(4_000, &UserId::parse("reader7").unwrap());
        assert!((4_000..5_000).contains(&long), "{long}");
    }
}
