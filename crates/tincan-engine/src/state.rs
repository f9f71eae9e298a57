//! The in-memory state the engine serves from.
//!
//! The store is the record; this is the working copy, loaded at start and changed only together
//! with a write to the store.
//! Locks are `std` locks held for short, non-async sections; the order is always app maps, then
//! one conversation (group or C2C pair), then a receipt cell or an account's conversation set,
//! and no code holds two conversations at once.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use roaring::RoaringTreemap;
use tincan_core::config::AppConfig;
use tincan_core::conv::{C2cPair, ReadState, Side};
use tincan_core::group::Group;
use tincan_core::receipts::GroupReceipt;
use tincan_proto::{GroupId, UserId};
use tincan_store::{GroupReceiptRecord, MessageRecord, ReceiptSource};

/// How long sent message IDs are remembered in memory to recognise resends, in seconds.
pub(crate) const DEDUPE_WINDOW_SECONDS: u64 = 600;
/// Most message IDs remembered per conversation; older resends are checked against the store.
pub(crate) const DEDUPE_ENTRIES_MAX: usize = 65_536;

/// Locks a mutex, carrying on with the data if a panicking thread poisoned it: every critical
/// section leaves the state consistent before anything that can panic.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Reads an `RwLock`, tolerating poison as [`lock`] does.
pub(crate) fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Writes an `RwLock`, tolerating poison as [`lock`] does.
pub(crate) fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// An app's settings: what its administrator can change.
#[derive(Clone, Debug)]
pub(crate) struct AppSettings {
    pub(crate) secret_key: String,
    pub(crate) admin_identifier: UserId,
    pub(crate) config: AppConfig,
    pub(crate) created_at: u64,
}

/// Everything of one app.
pub(crate) struct AppState {
    pub(crate) sdkappid: u64,
    pub(crate) settings: RwLock<AppSettings>,
    pub(crate) accounts: RwLock<HashMap<UserId, Arc<Account>>>,
    pub(crate) groups: RwLock<HashMap<GroupId, Arc<Mutex<GroupState>>>>,
    pub(crate) pairs: RwLock<HashMap<C2cPair, Arc<Mutex<PairState>>>>,
}

impl AppState {
    pub(crate) fn new(sdkappid: u64, settings: AppSettings) -> AppState {
        AppState {
            sdkappid,
            settings: RwLock::new(settings),
            accounts: RwLock::new(HashMap::new()),
            groups: RwLock::new(HashMap::new()),
            pairs: RwLock::new(HashMap::new()),
        }
    }

    pub(crate) fn settings(&self) -> AppSettings {
        read(&self.settings).clone()
    }

    pub(crate) fn account(&self, user: &UserId) -> Option<Arc<Account>> {
        read(&self.accounts).get(user).cloned()
    }

    pub(crate) fn group(&self, group_id: &GroupId) -> Option<Arc<Mutex<GroupState>>> {
        read(&self.groups).get(group_id).cloned()
    }

    pub(crate) fn pair(&self, pair: &C2cPair) -> Option<Arc<Mutex<PairState>>> {
        read(&self.pairs).get(pair).cloned()
    }

    /// The pair's state, created empty if the two have never talked.
    pub(crate) fn pair_or_new(&self, pair: &C2cPair) -> Arc<Mutex<PairState>> {
        if let Some(state) = self.pair(pair) {
            return state;
        }
        write(&self.pairs).entry(pair.clone()).or_insert_with(|| Arc::new(Mutex::new(PairState::new()))).clone()
    }
}

/// One account.
pub(crate) struct Account {
    pub(crate) user: UserId,
    pub(crate) tiny_id: u64,
    pub(crate) created_at: u64,
    pub(crate) receipt_private: AtomicBool,
    pub(crate) convs: Mutex<AccountConvs>,
}

impl Account {
    pub(crate) fn new(user: UserId, tiny_id: u64, created_at: u64, receipt_private: bool) -> Account {
        Account {
            user,
            tiny_id,
            created_at,
            receipt_private: AtomicBool::new(receipt_private),
            convs: Mutex::new(AccountConvs::default()),
        }
    }

    pub(crate) fn is_private(&self) -> bool {
        self.receipt_private.load(Ordering::Relaxed)
    }
}

/// The conversations an account takes part in.
#[derive(Default)]
pub(crate) struct AccountConvs {
    pub(crate) peers: BTreeSet<UserId>,
    pub(crate) groups: BTreeSet<GroupId>,
}

/// Message IDs sent recently in one conversation, to recognise resends without the store.
#[derive(Default)]
pub(crate) struct RecentIds {
    by_id: HashMap<String, u64>,
    order: VecDeque<(u64, String)>,
    /// The send time of the newest entry dropped because the map was full (0 if none).
    evicted_newest_time: u64,
}

/// What the in-memory resend check knows about a message ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RecentLookup {
    /// Sent before, with this seq.
    Known(u64),
    /// Certainly not sent within the window.
    Unknown,
    /// Memory cannot tell; ask the store.
    AskStore,
}

impl RecentIds {
    pub(crate) fn remember(&mut self, msg_id: String, seq: u64, server_time: u64) {
        self.by_id.insert(msg_id.clone(), seq);
        self.order.push_back((server_time, msg_id));
        if self.order.len() > DEDUPE_ENTRIES_MAX
            && let Some((time, old)) = self.order.pop_front()
        {
            self.by_id.remove(&old);
            self.evicted_newest_time = self.evicted_newest_time.max(time);
        }
    }

    /// Forgets an ID whose message was never stored (its write failed).
    pub(crate) fn forget(&mut self, msg_id: &str) {
        self.by_id.remove(msg_id);
    }

    pub(crate) fn expire(&mut self, now: u64) {
        while let Some((time, _)) = self.order.front() {
            if time.saturating_add(DEDUPE_WINDOW_SECONDS) >= now {
                break;
            }
            if let Some((_, old)) = self.order.pop_front() {
                self.by_id.remove(&old);
            }
        }
    }

    /// Whether `msg_id`, sent by its sender at `client_time`, was seen; `now` is the server's clock.
    pub(crate) fn lookup(&self, msg_id: &str, client_time: u64, now: u64) -> RecentLookup {
        if let Some(seq) = self.by_id.get(msg_id) {
            return RecentLookup::Known(*seq);
        }
        // A resend carries its original client time; outside the window, or near what was
        // evicted early, only the store knows.
        let margin = 60;
        let window_start = now.saturating_sub(DEDUPE_WINDOW_SECONDS).saturating_add(margin);
        if client_time < window_start || client_time > now.saturating_add(DEDUPE_WINDOW_SECONDS) {
            return RecentLookup::AskStore;
        }
        if self.evicted_newest_time != 0 && client_time <= self.evicted_newest_time.saturating_add(margin) {
            return RecentLookup::AskStore;
        }
        RecentLookup::Unknown
    }
}

/// A C2C conversation.
pub(crate) struct PairState {
    pub(crate) max_seq: u64,
    pub(crate) read: [ReadState; 2],
    pub(crate) excluded: RoaringTreemap,
    pub(crate) last_message: Option<Arc<MessageRecord>>,
    pub(crate) recent: RecentIds,
    /// Seqs whose message-level receipt was recorded since start (the store has older ones).
    pub(crate) receipted: RoaringTreemap,
    /// The same for private receipts.
    pub(crate) receipted_private: RoaringTreemap,
}

impl PairState {
    pub(crate) fn new() -> PairState {
        PairState {
            max_seq: 0,
            read: [ReadState::starting_at(0), ReadState::starting_at(0)],
            excluded: RoaringTreemap::new(),
            last_message: None,
            recent: RecentIds::default(),
            receipted: RoaringTreemap::new(),
            receipted_private: RoaringTreemap::new(),
        }
    }

    pub(crate) fn read_of(&self, side: Side) -> &ReadState {
        &self.read[side.index()]
    }

    pub(crate) fn read_of_mut(&mut self, side: Side) -> &mut ReadState {
        &mut self.read[side.index()]
    }

    pub(crate) fn unread_of(&self, side: Side) -> u64 {
        self.read_of(side).unread(self.max_seq, &self.excluded)
    }
}

/// A group and what the engine keeps beside it.
pub(crate) struct GroupState {
    pub(crate) group: Group,
    pub(crate) last_message: Option<Arc<MessageRecord>>,
    pub(crate) recent: RecentIds,
    /// Receipt states of opted-in messages, loaded on first use.
    pub(crate) receipts: HashMap<u64, Arc<ReceiptCell>>,
}

impl GroupState {
    pub(crate) fn new(group: Group) -> GroupState {
        GroupState { group, last_message: None, recent: RecentIds::default(), receipts: HashMap::new() }
    }
}

/// The receipt state of one group message, shared with the writer, which stores snapshots of it.
pub(crate) struct ReceiptCell {
    pub(crate) sdkappid: u64,
    pub(crate) group_id: GroupId,
    pub(crate) seq: u64,
    /// The message's sender, whom receipt pushes go to.
    pub(crate) sender: UserId,
    /// The message's ID.
    pub(crate) msg_id: String,
    pub(crate) state: Mutex<GroupReceipt>,
    /// Receipts applied so far: a version that orders the states pushed to the sender.
    pub(crate) version: AtomicU64,
}

impl ReceiptSource for ReceiptCell {
    fn snapshot(&self) -> GroupReceiptRecord {
        let state = lock(&self.state);
        GroupReceiptRecord {
            sdkappid: self.sdkappid,
            group_id: self.group_id.clone(),
            seq: self.seq,
            sender_index: state.sender_index(),
            index_bound: state.index_bound(),
            readers: state.readers_bytes(),
            private_readers: state.private_readers_bytes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_ids_answer_from_memory_inside_the_window() {
        let mut recent = RecentIds::default();
        recent.remember("1-1000-5".to_owned(), 1, 1000);
        assert_eq!(recent.lookup("1-1000-5", 1000, 1010), RecentLookup::Known(1));
        assert_eq!(recent.lookup("1-1005-6", 1005, 1010), RecentLookup::Unknown);
        assert_eq!(recent.lookup("1-100-6", 100, 1010), RecentLookup::AskStore, "older than the window");
        assert_eq!(recent.lookup("1-9999-6", 9999, 1010), RecentLookup::AskStore, "far in the future");
        recent.expire(1000 + DEDUPE_WINDOW_SECONDS + 1);
        assert_eq!(recent.lookup("1-1000-5", 1000, 1000 + DEDUPE_WINDOW_SECONDS + 1), RecentLookup::AskStore);
    }
}
