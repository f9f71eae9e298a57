//! An in-memory store, for unit tests and the engine's deterministic simulation.
//!
//! [`MemoryStore`] keeps every record in ordered maps behind one lock and answers each query as
//! the SQLite backend does; it passes the same conformance suite.
//! It is not a production store: nothing outlives the process.
//!
//! Every handle shares one state. A test keeps the [`MemoryStore`], hands the engine a
//! [`Store`] from [`MemoryStore::open`], and may later open another reader and writer over the
//! same committed data, which is what a restart finds.
//! It can also make the next applies or reads fail as a store that cannot work for a while
//! ([`MemoryStore::fail_next_applies`], [`MemoryStore::fail_next_reads`]), and hold applies
//! until told to go on, as a slow disk would ([`MemoryStore::hold_applies`]), so that a test
//! can look at the engine while a write is decided and not yet stored.
//!
//! A batch is atomic: every change to the maps records how to undo itself, and a batch that
//! fails part-way undoes its changes, newest first, before it returns the error.
//! Where SQLite refuses a row (a message's position, seq or ID taken, a member index taken, a
//! user event's position taken), this store refuses it too, with [`StoreError::Backend`].
//!
//! No foreign code runs under the lock: the receipt sources of a batch are read before it is
//! taken, so a source that locks the engine's state cannot deadlock with a reader.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Bound::{Excluded, Included, Unbounded};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use tincan_core::conv::ConvKey;
use tincan_core::history::HistoryPlan;
use tincan_proto::{GroupId, UserId};

use crate::{
    AccountRecord, AllRecvOpt, AllRecvOptRecord, AppRecord, BlockRecord, CallbackRecord, ConvGroupsRecord,
    ConvSettings, ConvSettingsRecord, ConvSummary, FollowRecord, FriendMetaRecord, FriendRecord, FriendRequestRecord,
    GroupAttributesRecord, GroupCountersRecord, GroupReceiptRecord, GroupRecord, JoinRequestRecord, LoadedState,
    MemberRecord, MembershipSpan, MessageExtensionRecord, MessageRecord, OwnMessage, ProfileRecord, ReadStateRecord,
    RecentMessage, Store, StoreError, StoreRead, StoreResult, StoreWrite, UserEventRecord, WriteOp,
};

/// An in-memory store. Clones are handles to the same data.
#[derive(Clone, Default)]
pub struct MemoryStore {
    shared: Arc<Mutex<Shared>>,
    /// Wakes applies waiting while [`Shared::holding`].
    gate: Arc<Condvar>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// A reader and a writer over this store's data, as a program opening the store gets them.
    /// Opening again gives a new pair over the same committed data, as after a restart.
    pub fn open(&self) -> Store {
        Store { reader: Arc::new(self.reader()), writer: Box::new(self.writer()) }
    }

    /// A reader over this store's data.
    pub fn reader(&self) -> MemoryReader {
        MemoryReader { shared: Arc::clone(&self.shared) }
    }

    /// A writer over this store's data.
    pub fn writer(&self) -> MemoryWriter {
        MemoryWriter { shared: Arc::clone(&self.shared), gate: Arc::clone(&self.gate) }
    }

    /// Makes the next `count` calls of [`StoreWrite::apply`], through any writer of this store,
    /// fail with [`StoreError::Unavailable`] and store nothing. Replaces the count still pending;
    /// 0 ends the failures.
    pub fn fail_next_applies(&self, count: usize) {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner).failing_applies = count;
    }

    /// Makes the next `count` calls of any [`StoreRead`] method, through any reader of this
    /// store, fail with [`StoreError::Unavailable`]. Replaces the count still pending; 0 ends
    /// the failures.
    pub fn fail_next_reads(&self, count: usize) {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner).failing_reads = count;
    }

    /// Makes every later call of [`StoreWrite::apply`] wait, before it reads or stores anything,
    /// until [`MemoryStore::release_applies`].
    pub fn hold_applies(&self) {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner).holding = true;
    }

    /// Lets the held applies go on, and later ones not wait.
    pub fn release_applies(&self) {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner).holding = false;
        self.gate.notify_all();
    }

    /// How many applies are waiting for [`MemoryStore::release_applies`].
    pub fn held_applies(&self) -> usize {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner).held
    }
}

/// The reading half of a [`MemoryStore`].
pub struct MemoryReader {
    shared: Arc<Mutex<Shared>>,
}

/// The writing half of a [`MemoryStore`].
pub struct MemoryWriter {
    shared: Arc<Mutex<Shared>>,
    gate: Arc<Condvar>,
}

/// What every handle shares.
#[derive(Default)]
struct Shared {
    tables: Tables,
    /// Applies still to fail.
    failing_applies: usize,
    /// Reads still to fail.
    failing_reads: usize,
    /// Whether applies wait ([`MemoryStore::hold_applies`]).
    holding: bool,
    /// How many applies wait.
    held: usize,
}

/// The stored data: a map per SQLite table, keyed by its primary key, and maps standing for the
/// indexes the queries need.
#[derive(Default)]
struct Tables {
    head_pos: u64,
    apps: BTreeMap<u64, AppRecord>,
    accounts: BTreeMap<(u64, UserId), AccountRecord>,
    /// Accounts by tiny ID, which is unique on the server.
    account_by_tiny_id: BTreeMap<u64, (u64, UserId)>,
    groups: BTreeMap<(u64, GroupId), GroupRecord>,
    join_requests: BTreeMap<(u64, GroupId, UserId), JoinRequestRecord>,
    pendency_read_times: BTreeMap<(u64, UserId), u64>,
    members: BTreeMap<(u64, GroupId, u32), Member>,
    /// Each user's memberships, current and ended: (group, member index).
    member_by_user: BTreeMap<(u64, UserId), BTreeSet<(GroupId, u32)>>,
    /// Messages by (app, conversation, seq).
    messages: BTreeMap<(u64, ConvKey, u64), MessageRecord>,
    /// Every message's key by its position, which is unique on the server.
    message_by_pos: BTreeMap<u64, (u64, ConvKey, u64)>,
    /// A conversation's messages by position: (app, conversation, position) to seq.
    message_by_conv_pos: BTreeMap<(u64, ConvKey, u64), u64>,
    /// Messages by (app, message ID), unique.
    message_by_id: BTreeMap<(u64, String), (ConvKey, u64)>,
    read_states: BTreeMap<(u64, UserId, ConvKey), ReadStateRecord>,
    /// The users with a read position in each conversation.
    read_state_by_conv: BTreeMap<(u64, ConvKey), BTreeSet<UserId>>,
    group_receipts: BTreeMap<(u64, GroupId, u64), GroupReceiptRecord>,
    user_events: BTreeMap<(u64, UserId, u64), UserEventRecord>,
    callbacks: BTreeMap<u64, CallbackRecord>,
    /// Messages users deleted for themselves: (app, user, conversation, seq).
    hidden: BTreeMap<(u64, UserId, ConvKey, u64), ()>,
    /// Messages' extensions: (app, conversation, seq, key).
    extensions: BTreeMap<(u64, ConvKey, u64, String), MessageExtensionRecord>,
    /// The webhook queue in delivery order: (next attempt, id).
    callback_by_due: BTreeSet<(u64, u64)>,
    /// The largest webhook id ever given; ids are never reused, as with SQLite's `autoincrement`.
    last_callback_id: u64,
    /// Users' settings of their conversations.
    conv_settings: BTreeMap<(u64, UserId, ConvKey), ConvSettings>,
    /// Users' conversation groups.
    conv_groups: BTreeMap<(u64, UserId), Vec<String>>,
    /// Users' app-wide receive options.
    all_recv_opts: BTreeMap<(u64, UserId), AllRecvOpt>,
    profiles: BTreeMap<(u64, UserId), ProfileRecord>,
    /// Friendships by (app, owner, friend).
    friends: BTreeMap<(u64, UserId, UserId), FriendRecord>,
    /// Friend requests by (app, applicant, receiver).
    friend_requests: BTreeMap<(u64, UserId, UserId), FriendRequestRecord>,
    /// Blocklist entries by (app, owner, blocked).
    blocks: BTreeMap<(u64, UserId, UserId), BlockRecord>,
    /// Follows by (app, follower, followee).
    follows: BTreeMap<(u64, UserId, UserId), FollowRecord>,
    /// Friend groups and read times by (app, user).
    friend_metas: BTreeMap<(u64, UserId), FriendMetaRecord>,
    /// Groups' custom attributes, by key.
    group_attributes: BTreeMap<(u64, GroupId), Vec<(String, String)>>,
    /// Groups' counters.
    group_counters: BTreeMap<(u64, GroupId), BTreeMap<String, i64>>,
    /// Bans from groups: (app, group, user) to until.
    group_bans: BTreeMap<(u64, GroupId, UserId), u64>,
}

/// A membership, with its end once it ended.
#[derive(Clone)]
struct Member {
    record: MemberRecord,
    leave_seq: Option<u64>,
    leave_pos: Option<u64>,
}

impl StoreWrite for MemoryWriter {
    fn apply(&mut self, ops: &[WriteOp], head_pos: u64) -> StoreResult<()> {
        {
            let mut shared = lock(&self.shared)?;
            if shared.holding {
                shared.held += 1;
                while shared.holding {
                    shared = self.gate.wait(shared).unwrap_or_else(PoisonError::into_inner);
                }
                shared.held -= 1;
            }
        }
        // Receipts for one message within a batch are written once, with the state of its source
        // when the batch is written, which includes every one of them; a message has one source,
        // recognised by its address, which the ops keep alive until then. The sources are read
        // before the lock is taken (see the module docs).
        let mut sources = HashSet::new();
        let receipts: Vec<GroupReceiptRecord> = ops
            .iter()
            .filter_map(|op| match op {
                WriteOp::PutGroupReceipt(source) if sources.insert(Arc::as_ptr(source).cast::<()>()) => {
                    Some(source.snapshot())
                }
                _ => None,
            })
            .collect();
        let mut shared = lock(&self.shared)?;
        if shared.failing_applies > 0 {
            shared.failing_applies -= 1;
            return Err(injected("applying a batch"));
        }
        let mut batch = Batch { tables: &mut shared.tables, undo: Vec::new() };
        for op in ops {
            if let Err(err) = apply_one(&mut batch, op) {
                batch.roll_back();
                return Err(err);
            }
        }
        // As in SQLite, receipts are written after the batch's other changes: a group purged in
        // the same batch does not take them away.
        for receipt in receipts {
            let key = (receipt.sdkappid, receipt.group_id.clone(), receipt.seq);
            batch.put(|tables| &mut tables.group_receipts, key, receipt);
        }
        batch.tables.head_pos = head_pos;
        Ok(())
    }
}

/// The changes of a batch so far, and how to undo each of them.
struct Batch<'a> {
    tables: &'a mut Tables,
    undo: Vec<Undo>,
}

/// Puts back what one change of a batch changed.
type Undo = Box<dyn FnOnce(&mut Tables)>;

/// Selects one map of the tables.
type Map<K, V> = fn(&mut Tables) -> &mut BTreeMap<K, V>;

/// Selects one index of the tables: for each outer key, a set of inner keys.
type Index<A, B> = fn(&mut Tables) -> &mut BTreeMap<A, BTreeSet<B>>;

/// Selects one set of the tables.
type Set<K> = fn(&mut Tables) -> &mut BTreeSet<K>;

impl Batch<'_> {
    /// Inserts or replaces `key` in `map`.
    fn put<K: Ord + Clone + 'static, V: 'static>(&mut self, map: Map<K, V>, key: K, value: V) {
        let previous = map(self.tables).insert(key.clone(), value);
        self.undo.push(Box::new(move |tables| match previous {
            Some(previous) => {
                map(tables).insert(key, previous);
            }
            None => {
                map(tables).remove(&key);
            }
        }));
    }

    /// Removes `key` from `map`, if it is there.
    fn remove<K: Ord + Clone + 'static, V: 'static>(&mut self, map: Map<K, V>, key: &K) {
        if let Some(previous) = map(self.tables).remove(key) {
            let key = key.clone();
            self.undo.push(Box::new(move |tables| {
                map(tables).insert(key, previous);
            }));
        }
    }

    /// Adds `key` to `set`.
    fn insert<K: Ord + Clone + 'static>(&mut self, set: Set<K>, key: K) {
        if set(self.tables).insert(key.clone()) {
            self.undo.push(Box::new(move |tables| {
                set(tables).remove(&key);
            }));
        }
    }

    /// Removes `key` from `set`, if it is there.
    fn take<K: Ord + Clone + 'static>(&mut self, set: Set<K>, key: &K) {
        if set(self.tables).remove(key) {
            let key = key.clone();
            self.undo.push(Box::new(move |tables| {
                set(tables).insert(key);
            }));
        }
    }

    /// Adds `inner` under `outer` in `index`.
    fn link<A: Ord + Clone + 'static, B: Ord + Clone + 'static>(&mut self, index: Index<A, B>, outer: A, inner: B) {
        if index(self.tables).entry(outer.clone()).or_default().insert(inner.clone()) {
            self.undo.push(Box::new(move |tables| {
                unlink(index(tables), &outer, &inner);
            }));
        }
    }

    /// Removes `inner` from under `outer` in `index`, if it is there.
    fn unlink<A: Ord + Clone + 'static, B: Ord + Clone + 'static>(&mut self, index: Index<A, B>, outer: &A, inner: &B) {
        if unlink(index(self.tables), outer, inner) {
            let (outer, inner) = (outer.clone(), inner.clone());
            self.undo.push(Box::new(move |tables| {
                index(tables).entry(outer).or_default().insert(inner);
            }));
        }
    }

    /// Undoes every change of the batch, newest first.
    fn roll_back(self) {
        for undo in self.undo.into_iter().rev() {
            undo(self.tables);
        }
    }
}

/// Removes `inner` from under `outer`, and `outer` once nothing is under it; whether it was there.
fn unlink<A: Ord, B: Ord>(index: &mut BTreeMap<A, BTreeSet<B>>, outer: &A, inner: &B) -> bool {
    let Some(set) = index.get_mut(outer) else { return false };
    let removed = set.remove(inner);
    if set.is_empty() {
        index.remove(outer);
    }
    removed
}

fn apply_one(batch: &mut Batch<'_>, op: &WriteOp) -> StoreResult<()> {
    match op {
        WriteOp::PutApp(app) => batch.put(|tables| &mut tables.apps, app.sdkappid, app.clone()),
        WriteOp::PutAccount(account) => {
            // SQLite's `insert or replace` first deletes every row the new one conflicts with:
            // the account itself, and any other account holding its tiny ID.
            let key = (account.sdkappid, account.user.clone());
            delete_account(batch, &key);
            if let Some(holder) = batch.tables.account_by_tiny_id.get(&account.tiny_id).cloned() {
                delete_account(batch, &holder);
            }
            batch.put(|tables| &mut tables.account_by_tiny_id, account.tiny_id, key.clone());
            batch.put(|tables| &mut tables.accounts, key, account.clone());
        }
        WriteOp::DeleteAccount { sdkappid, user } => {
            let key = (*sdkappid, user.clone());
            delete_account(batch, &key);
            batch.remove(|tables| &mut tables.profiles, &key);
            batch.remove(|tables| &mut tables.all_recv_opts, &key);
            delete_relations(batch, *sdkappid, user);
        }
        WriteOp::PutFriend(record) => {
            let key = (record.sdkappid, record.owner.clone(), record.peer.clone());
            batch.put(|tables| &mut tables.friends, key, record.clone());
        }
        WriteOp::DeleteFriend { sdkappid, owner, peer } => {
            batch.remove(|tables| &mut tables.friends, &(*sdkappid, owner.clone(), peer.clone()));
        }
        WriteOp::PutFriendRequest(record) => {
            let key = (record.sdkappid, record.from.clone(), record.to.clone());
            batch.put(|tables| &mut tables.friend_requests, key, record.clone());
        }
        WriteOp::DeleteFriendRequest { sdkappid, from, to } => {
            batch.remove(|tables| &mut tables.friend_requests, &(*sdkappid, from.clone(), to.clone()));
        }
        WriteOp::PutBlock(record) => {
            let key = (record.sdkappid, record.owner.clone(), record.peer.clone());
            batch.put(|tables| &mut tables.blocks, key, record.clone());
        }
        WriteOp::DeleteBlock { sdkappid, owner, peer } => {
            batch.remove(|tables| &mut tables.blocks, &(*sdkappid, owner.clone(), peer.clone()));
        }
        WriteOp::PutFollow(record) => {
            let key = (record.sdkappid, record.follower.clone(), record.followee.clone());
            batch.put(|tables| &mut tables.follows, key, record.clone());
        }
        WriteOp::DeleteFollow { sdkappid, follower, followee } => {
            batch.remove(|tables| &mut tables.follows, &(*sdkappid, follower.clone(), followee.clone()));
        }
        WriteOp::PutFriendMeta(record) => {
            let key = (record.sdkappid, record.owner.clone());
            if record.is_empty() {
                batch.remove(|tables| &mut tables.friend_metas, &key);
            } else {
                batch.put(|tables| &mut tables.friend_metas, key, record.clone());
            }
        }
        WriteOp::PutProfile(profile) => {
            batch.put(|tables| &mut tables.profiles, (profile.sdkappid, profile.user.clone()), profile.clone());
        }
        WriteOp::PutGroup(group) => {
            batch.put(|tables| &mut tables.groups, (group.sdkappid, group.group_id.clone()), group.clone());
        }
        WriteOp::PurgeGroup { sdkappid, group_id } => purge_group(batch, *sdkappid, group_id),
        WriteOp::PutGroupAttributes(record) => {
            let key = (record.sdkappid, record.group_id.clone());
            if record.attributes.is_empty() {
                batch.remove(|tables| &mut tables.group_attributes, &key);
            } else {
                let mut attributes = record.attributes.clone();
                attributes.sort();
                batch.put(|tables| &mut tables.group_attributes, key, attributes);
            }
        }
        WriteOp::SetGroupCounters(record) => {
            let key = (record.sdkappid, record.group_id.clone());
            let mut counters = batch.tables.group_counters.get(&key).cloned().unwrap_or_default();
            counters.extend(record.counters.iter().cloned());
            batch.put(|tables| &mut tables.group_counters, key, counters);
        }
        WriteOp::SetGroupBan { sdkappid, group_id, user, until } => {
            let key = (*sdkappid, group_id.clone(), user.clone());
            if *until == 0 {
                batch.remove(|tables| &mut tables.group_bans, &key);
            } else {
                batch.put(|tables| &mut tables.group_bans, key, *until);
            }
        }
        WriteOp::DeleteGroupCounters { sdkappid, group_id, keys } => {
            let key = (*sdkappid, group_id.clone());
            let mut counters = batch.tables.group_counters.get(&key).cloned().unwrap_or_default();
            if keys.is_empty() {
                counters.clear();
            }
            for counter in keys {
                counters.remove(counter);
            }
            if counters.is_empty() {
                batch.remove(|tables| &mut tables.group_counters, &key);
            } else {
                batch.put(|tables| &mut tables.group_counters, key, counters);
            }
        }
        WriteOp::PutConvSettings(record) => {
            let key = (record.sdkappid, record.user.clone(), record.conv.clone());
            if record.settings.is_empty() {
                batch.remove(|tables| &mut tables.conv_settings, &key);
            } else {
                batch.put(|tables| &mut tables.conv_settings, key, record.settings.clone());
            }
        }
        WriteOp::PutConvGroups(record) => {
            let key = (record.sdkappid, record.user.clone());
            if record.names.is_empty() {
                batch.remove(|tables| &mut tables.conv_groups, &key);
            } else {
                batch.put(|tables| &mut tables.conv_groups, key, record.names.clone());
            }
        }
        WriteOp::PutAllRecvOpt(record) => {
            let key = (record.sdkappid, record.user.clone());
            if record.opt.is_default() {
                batch.remove(|tables| &mut tables.all_recv_opts, &key);
            } else {
                batch.put(|tables| &mut tables.all_recv_opts, key, record.opt.clone());
            }
        }
        WriteOp::AddMember(member) => {
            let key = (member.sdkappid, member.group_id.clone(), member.index);
            if batch.tables.members.contains_key(&key) {
                return Err(refused(
                    "adding a member",
                    format!("group {} already has member index {}", member.group_id, member.index),
                ));
            }
            let user = (member.sdkappid, member.user.clone());
            batch.link(|tables| &mut tables.member_by_user, user, (member.group_id.clone(), member.index));
            let stored = Member { record: member.clone(), leave_seq: None, leave_pos: None };
            batch.put(|tables| &mut tables.members, key, stored);
        }
        WriteOp::RemoveMember { sdkappid, group_id, index, leave_seq, leave_pos } => {
            let key = (*sdkappid, group_id.clone(), *index);
            if let Some(member) = batch.tables.members.get(&key).filter(|member| member.leave_pos.is_none()) {
                let left = Member { leave_seq: Some(*leave_seq), leave_pos: Some(*leave_pos), ..member.clone() };
                batch.put(|tables| &mut tables.members, key, left);
            }
        }
        WriteOp::SetMemberRole { sdkappid, group_id, index, role } => {
            let key = (*sdkappid, group_id.clone(), *index);
            if let Some(member) = batch.tables.members.get(&key) {
                let mut changed = member.clone();
                changed.record.role = *role;
                batch.put(|tables| &mut tables.members, key, changed);
            }
        }
        WriteOp::SetMemberInfo { sdkappid, group_id, index, info } => {
            let key = (*sdkappid, group_id.clone(), *index);
            if let Some(member) = batch.tables.members.get(&key) {
                let mut changed = member.clone();
                changed.record.info = info.clone();
                batch.put(|tables| &mut tables.members, key, changed);
            }
        }
        WriteOp::PutJoinRequest(request) => {
            let key = (request.sdkappid, request.group_id.clone(), request.user.clone());
            batch.put(|tables| &mut tables.join_requests, key, request.clone());
        }
        WriteOp::DeleteJoinRequest { sdkappid, group_id, user } => {
            batch.remove(|tables| &mut tables.join_requests, &(*sdkappid, group_id.clone(), user.clone()));
        }
        WriteOp::SetPendencyReadTime { sdkappid, user, read_time } => {
            batch.put(|tables| &mut tables.pendency_read_times, (*sdkappid, user.clone()), *read_time);
        }
        WriteOp::AppendMessage(message) => append_message(batch, message)?,
        WriteOp::PutMessageExtensions { sdkappid, conv, seq, extensions } => {
            for extension in extensions {
                let key = (*sdkappid, conv.clone(), *seq, extension.key.clone());
                batch.put(|tables| &mut tables.extensions, key, extension.clone());
            }
        }
        WriteOp::HideMessages { sdkappid, user, conv, seqs } => {
            for seq in seqs {
                batch.put(|tables| &mut tables.hidden, (*sdkappid, user.clone(), conv.clone(), *seq), ());
            }
        }
        WriteOp::ReviseMessage(revised) => {
            let key = (revised.sdkappid, revised.conv.clone(), revised.seq);
            if let Some(message) = batch.tables.messages.get(&key) {
                let changed = MessageRecord {
                    body: revised.body.clone(),
                    cloud_custom: revised.cloud_custom.clone(),
                    revision: revised.revision.clone(),
                    ..message.clone()
                };
                batch.put(|tables| &mut tables.messages, key, changed);
            }
        }
        WriteOp::SetC2cReceipt { sdkappid, conv, seq, read_at, private } => {
            let key = (*sdkappid, conv.clone(), *seq);
            if let Some(message) = batch.tables.messages.get(&key) {
                let read = MessageRecord { receipt_read_at: *read_at, receipt_private: *private, ..message.clone() };
                batch.put(|tables| &mut tables.messages, key, read);
            }
        }
        WriteOp::PutReadState(state) => {
            let conv = (state.sdkappid, state.conv.clone());
            batch.link(|tables| &mut tables.read_state_by_conv, conv, state.user.clone());
            let key = (state.sdkappid, state.user.clone(), state.conv.clone());
            batch.put(|tables| &mut tables.read_states, key, state.clone());
        }
        // Written once per message after the batch's other changes (see `apply`).
        WriteOp::PutGroupReceipt(_) => {}
        WriteOp::AppendUserEvent(event) => {
            let key = (event.sdkappid, event.user.clone(), event.pos);
            if batch.tables.user_events.contains_key(&key) {
                return Err(refused(
                    "appending a user event",
                    format!("user {} already has an event at position {}", event.user, event.pos),
                ));
            }
            batch.put(|tables| &mut tables.user_events, key, event.clone());
        }
        WriteOp::EnqueueCallback(callback) => {
            let id = batch.tables.last_callback_id + 1;
            let previous = std::mem::replace(&mut batch.tables.last_callback_id, id);
            batch.undo.push(Box::new(move |tables| tables.last_callback_id = previous));
            batch.insert(|tables| &mut tables.callback_by_due, (callback.next_at, id));
            batch.put(|tables| &mut tables.callbacks, id, CallbackRecord { id, ..callback.clone() });
        }
        WriteOp::DeleteCallback { id } => {
            if let Some(callback) = batch.tables.callbacks.get(id) {
                let due = (callback.next_at, *id);
                batch.take(|tables| &mut tables.callback_by_due, &due);
                batch.remove(|tables| &mut tables.callbacks, id);
            }
        }
        WriteOp::RetryCallback { id, attempts, next_at } => {
            if let Some(callback) = batch.tables.callbacks.get(id) {
                let retried = CallbackRecord { attempts: *attempts, next_at: *next_at, ..callback.clone() };
                let due = (callback.next_at, *id);
                batch.take(|tables| &mut tables.callback_by_due, &due);
                batch.insert(|tables| &mut tables.callback_by_due, (*next_at, *id));
                batch.put(|tables| &mut tables.callbacks, *id, retried);
            }
        }
    }
    Ok(())
}

/// Removes every row of the relationship chain that names `user`, on either side.
fn delete_relations(batch: &mut Batch<'_>, sdkappid: u64, user: &UserId) {
    let names = |key: &(u64, UserId, UserId)| key.0 == sdkappid && (key.1 == *user || key.2 == *user);
    let friends: Vec<_> = batch.tables.friends.keys().filter(|key| names(key)).cloned().collect();
    for key in &friends {
        batch.remove(|tables| &mut tables.friends, key);
    }
    let requests: Vec<_> = batch.tables.friend_requests.keys().filter(|key| names(key)).cloned().collect();
    for key in &requests {
        batch.remove(|tables| &mut tables.friend_requests, key);
    }
    let blocks: Vec<_> = batch.tables.blocks.keys().filter(|key| names(key)).cloned().collect();
    for key in &blocks {
        batch.remove(|tables| &mut tables.blocks, key);
    }
    let follows: Vec<_> = batch.tables.follows.keys().filter(|key| names(key)).cloned().collect();
    for key in &follows {
        batch.remove(|tables| &mut tables.follows, key);
    }
    batch.remove(|tables| &mut tables.friend_metas, &(sdkappid, user.clone()));
}

fn delete_account(batch: &mut Batch<'_>, key: &(u64, UserId)) {
    if let Some(account) = batch.tables.accounts.get(key) {
        let tiny_id = account.tiny_id;
        batch.remove(|tables| &mut tables.account_by_tiny_id, &tiny_id);
        batch.remove(|tables| &mut tables.accounts, key);
    }
}

fn append_message(batch: &mut Batch<'_>, message: &MessageRecord) -> StoreResult<()> {
    let key = (message.sdkappid, message.conv.clone(), message.seq);
    let id_key = (message.sdkappid, message.msg_id.clone());
    let taken = if batch.tables.message_by_pos.contains_key(&message.pos) {
        Some(format!("a message already has position {}", message.pos))
    } else if batch.tables.messages.contains_key(&key) {
        Some(format!("the conversation already has a message with seq {}", message.seq))
    } else if batch.tables.message_by_id.contains_key(&id_key) {
        Some(format!("the app already has a message with ID {:?}", message.msg_id))
    } else {
        None
    };
    if let Some(taken) = taken {
        return Err(refused("appending a message", taken));
    }
    batch.put(|tables| &mut tables.message_by_pos, message.pos, key.clone());
    let conv_pos = (message.sdkappid, message.conv.clone(), message.pos);
    batch.put(|tables| &mut tables.message_by_conv_pos, conv_pos, message.seq);
    batch.put(|tables| &mut tables.message_by_id, id_key, (message.conv.clone(), message.seq));
    batch.put(|tables| &mut tables.messages, key, message.clone());
    Ok(())
}

/// Removes the members, receipts, messages and read positions of a group that had the ID,
/// if one had it.
fn purge_group(batch: &mut Batch<'_>, sdkappid: u64, group_id: &GroupId) {
    if !batch.tables.groups.contains_key(&(sdkappid, group_id.clone())) {
        return;
    }
    let members: Vec<((u64, GroupId, u32), UserId)> = batch
        .tables
        .members
        .range((sdkappid, group_id.clone(), 0)..)
        .take_while(|((app, group, _), _)| *app == sdkappid && group == group_id)
        .map(|(key, member)| (key.clone(), member.record.user.clone()))
        .collect();
    for (key, user) in members {
        batch.unlink(|tables| &mut tables.member_by_user, &(sdkappid, user), &(group_id.clone(), key.2));
        batch.remove(|tables| &mut tables.members, &key);
    }
    let requests: Vec<(u64, GroupId, UserId)> = batch
        .tables
        .join_requests
        .keys()
        .filter(|(app, group, _)| *app == sdkappid && group == group_id)
        .cloned()
        .collect();
    for key in requests {
        batch.remove(|tables| &mut tables.join_requests, &key);
    }
    let receipts: Vec<(u64, GroupId, u64)> = batch
        .tables
        .group_receipts
        .range((sdkappid, group_id.clone(), 0)..)
        .map(|(key, _)| key)
        .take_while(|(app, group, _)| *app == sdkappid && group == group_id)
        .cloned()
        .collect();
    for key in receipts {
        batch.remove(|tables| &mut tables.group_receipts, &key);
    }
    let conv = ConvKey::Group(group_id.clone());
    let messages: Vec<((u64, ConvKey, u64), u64, String)> = batch
        .tables
        .messages
        .range((sdkappid, conv.clone(), 0)..)
        .take_while(|(key, _)| key.0 == sdkappid && key.1 == conv)
        .map(|(key, message)| (key.clone(), message.pos, message.msg_id.clone()))
        .collect();
    for (key, pos, msg_id) in messages {
        batch.remove(|tables| &mut tables.message_by_pos, &pos);
        batch.remove(|tables| &mut tables.message_by_conv_pos, &(sdkappid, conv.clone(), pos));
        batch.remove(|tables| &mut tables.message_by_id, &(sdkappid, msg_id));
        batch.remove(|tables| &mut tables.messages, &key);
    }
    let readers: Vec<UserId> =
        batch.tables.read_state_by_conv.get(&(sdkappid, conv.clone())).into_iter().flatten().cloned().collect();
    for user in readers {
        batch.unlink(|tables| &mut tables.read_state_by_conv, &(sdkappid, conv.clone()), &user);
        batch.remove(|tables| &mut tables.read_states, &(sdkappid, user, conv.clone()));
    }
    let settings: Vec<(u64, UserId, ConvKey)> =
        batch.tables.conv_settings.keys().filter(|key| key.0 == sdkappid && key.2 == conv).cloned().collect();
    for key in settings {
        batch.remove(|tables| &mut tables.conv_settings, &key);
    }
    let hidden: Vec<(u64, UserId, ConvKey, u64)> = batch
        .tables
        .hidden
        .keys()
        .filter(|(app, _, hidden_conv, _)| *app == sdkappid && *hidden_conv == conv)
        .cloned()
        .collect();
    for key in hidden {
        batch.remove(|tables| &mut tables.hidden, &key);
    }
    batch.remove(|tables| &mut tables.group_attributes, &(sdkappid, group_id.clone()));
    batch.remove(|tables| &mut tables.group_counters, &(sdkappid, group_id.clone()));
    let bans: Vec<(u64, GroupId, UserId)> = batch
        .tables
        .group_bans
        .keys()
        .filter(|(app, group, _)| *app == sdkappid && group == group_id)
        .cloned()
        .collect();
    for key in bans {
        batch.remove(|tables| &mut tables.group_bans, &key);
    }
    let extensions: Vec<(u64, ConvKey, u64, String)> = batch
        .tables
        .extensions
        .keys()
        .filter(|(app, extension_conv, _, _)| *app == sdkappid && *extension_conv == conv)
        .cloned()
        .collect();
    for key in extensions {
        batch.remove(|tables| &mut tables.extensions, &key);
    }
}

impl MemoryReader {
    /// The tables, unless a read is set to fail.
    fn tables(&self, context: &str) -> StoreResult<ReadGuard<'_>> {
        let mut shared = lock(&self.shared)?;
        if shared.failing_reads > 0 {
            shared.failing_reads -= 1;
            return Err(injected(context));
        }
        Ok(ReadGuard(shared))
    }
}

/// The shared state, locked for a read.
struct ReadGuard<'a>(MutexGuard<'a, Shared>);

impl std::ops::Deref for ReadGuard<'_> {
    type Target = Tables;

    fn deref(&self) -> &Tables {
        &self.0.tables
    }
}

impl StoreRead for MemoryReader {
    fn load(&self, recent_since: u64) -> StoreResult<LoadedState> {
        let tables = self.tables("loading the working state")?;
        Ok(LoadedState {
            head_pos: tables.head_pos,
            apps: tables.apps.values().cloned().collect(),
            accounts: tables
                .account_by_tiny_id
                .values()
                .map(|key| account(&tables, key))
                .collect::<StoreResult<_>>()?,
            groups: tables.groups.values().filter(|group| group.dismissed_at.is_none()).cloned().collect(),
            join_requests: tables
                .join_requests
                .values()
                .filter(|request| {
                    tables
                        .groups
                        .get(&(request.sdkappid, request.group_id.clone()))
                        .is_some_and(|group| group.dismissed_at.is_none())
                })
                .cloned()
                .collect(),
            pendency_read_times: tables
                .pendency_read_times
                .iter()
                .map(|((sdkappid, user), time)| (*sdkappid, user.clone(), *time))
                .collect(),
            members: load_members(&tables),
            read_states: tables.read_states.values().cloned().collect(),
            conversations: load_conversations(&tables),
            own_messages: load_own_messages(&tables)?,
            excluded: load_excluded(&tables)?,
            recent_messages: load_recent(&tables, recent_since)?,
            pending_callbacks: load_pending_callbacks(&tables),
            conv_settings: tables
                .conv_settings
                .iter()
                .map(|((sdkappid, user, conv), settings)| ConvSettingsRecord {
                    sdkappid: *sdkappid,
                    user: user.clone(),
                    conv: conv.clone(),
                    settings: settings.clone(),
                })
                .collect(),
            conv_groups: tables
                .conv_groups
                .iter()
                .map(|((sdkappid, user), names)| ConvGroupsRecord {
                    sdkappid: *sdkappid,
                    user: user.clone(),
                    names: names.clone(),
                })
                .collect(),
            all_recv_opts: tables
                .all_recv_opts
                .iter()
                .map(|((sdkappid, user), opt)| AllRecvOptRecord {
                    sdkappid: *sdkappid,
                    user: user.clone(),
                    opt: opt.clone(),
                })
                .collect(),
            profiles: tables.profiles.values().cloned().collect(),
            friends: tables.friends.values().cloned().collect(),
            friend_requests: tables.friend_requests.values().cloned().collect(),
            blocks: tables.blocks.values().cloned().collect(),
            follows: tables.follows.values().cloned().collect(),
            friend_metas: tables.friend_metas.values().cloned().collect(),
            revisions: load_revisions(&tables),
            group_attributes: tables
                .group_attributes
                .iter()
                .filter(|(key, _)| tables.groups.get(key).is_some_and(|group| group.dismissed_at.is_none()))
                .map(|((sdkappid, group_id), attributes)| GroupAttributesRecord {
                    sdkappid: *sdkappid,
                    group_id: group_id.clone(),
                    attributes: attributes.clone(),
                })
                .collect(),
            group_bans: tables
                .group_bans
                .iter()
                .filter(|((sdkappid, group_id, _), _)| {
                    tables.groups.get(&(*sdkappid, group_id.clone())).is_some_and(|group| group.dismissed_at.is_none())
                })
                .map(|((sdkappid, group_id, user), until)| (*sdkappid, group_id.clone(), user.clone(), *until))
                .collect(),
            group_counters: tables
                .group_counters
                .iter()
                .filter(|(key, _)| tables.groups.get(key).is_some_and(|group| group.dismissed_at.is_none()))
                .map(|((sdkappid, group_id), counters)| GroupCountersRecord {
                    sdkappid: *sdkappid,
                    group_id: group_id.clone(),
                    counters: counters.iter().map(|(key, value)| (key.clone(), *value)).collect(),
                })
                .collect(),
        })
    }

    fn due_callbacks(&self, now_ms: u64, limit: usize) -> StoreResult<Vec<CallbackRecord>> {
        let tables = self.tables("querying webhooks")?;
        tables
            .callback_by_due
            .iter()
            .take_while(|(next_at, _)| *next_at <= now_ms)
            .take(limit)
            .map(|(_, id)| tables.callbacks.get(id).cloned().ok_or_else(|| broken("the webhook queue")))
            .collect()
    }

    fn messages(&self, sdkappid: u64, conv: &ConvKey, plan: &HistoryPlan) -> StoreResult<Vec<MessageRecord>> {
        let tables = self.tables("querying messages")?;
        let scan = match plan {
            HistoryPlan::Seqs(seqs) => {
                return Ok(seqs
                    .iter()
                    .filter_map(|seq| tables.messages.get(&(sdkappid, conv.clone(), *seq)).cloned())
                    .collect());
            }
            HistoryPlan::Scan(scan) => scan,
        };
        if scan.after_seq >= scan.before_seq {
            return Ok(Vec::new());
        }
        let range = tables.messages.range((
            Excluded((sdkappid, conv.clone(), scan.after_seq)),
            Excluded((sdkappid, conv.clone(), scan.before_seq)),
        ));
        let wanted = |message: &&MessageRecord| {
            scan.time_range.is_none_or(|(begin, end)| begin <= message.server_time && message.server_time <= end)
                && (scan.elem_types.is_empty() || scan.elem_types.contains(&message.first_elem_type))
        };
        let count = usize::try_from(scan.count).unwrap_or(usize::MAX);
        let messages = range.map(|(_, message)| message);
        Ok(if scan.forward {
            messages.filter(wanted).take(count).cloned().collect()
        } else {
            messages.rev().filter(wanted).take(count).cloned().collect()
        })
    }

    fn message_by_id(&self, sdkappid: u64, msg_id: &str) -> StoreResult<Option<MessageRecord>> {
        let tables = self.tables("querying a message by ID")?;
        let Some((conv, seq)) = tables.message_by_id.get(&(sdkappid, msg_id.to_owned())) else { return Ok(None) };
        message(&tables, &(sdkappid, conv.clone(), *seq)).map(Some)
    }

    fn message_by_seq(&self, sdkappid: u64, conv: &ConvKey, seq: u64) -> StoreResult<Option<MessageRecord>> {
        let tables = self.tables("querying a message by seq")?;
        Ok(tables.messages.get(&(sdkappid, conv.clone(), seq)).cloned())
    }

    fn group_receipt(&self, sdkappid: u64, group_id: &GroupId, seq: u64) -> StoreResult<Option<GroupReceiptRecord>> {
        let tables = self.tables("reading a group receipt")?;
        Ok(tables.group_receipts.get(&(sdkappid, group_id.clone(), seq)).cloned())
    }

    fn user_events(
        &self,
        sdkappid: u64,
        user: &UserId,
        after_pos: u64,
        limit: usize,
    ) -> StoreResult<Vec<UserEventRecord>> {
        let tables = self.tables("querying user events")?;
        let range = (Excluded((sdkappid, user.clone(), after_pos)), Included((sdkappid, user.clone(), u64::MAX)));
        Ok(tables.user_events.range(range).take(limit).map(|(_, event)| event.clone()).collect())
    }

    fn memberships_since(&self, sdkappid: u64, user: &UserId, after_pos: u64) -> StoreResult<Vec<MembershipSpan>> {
        let tables = self.tables("querying memberships")?;
        let mut spans = Vec::new();
        for (group_id, index) in tables.member_by_user.get(&(sdkappid, user.clone())).into_iter().flatten() {
            let member = tables
                .members
                .get(&(sdkappid, group_id.clone(), *index))
                .ok_or_else(|| broken("a user's memberships"))?;
            if member.leave_pos.is_some_and(|leave_pos| leave_pos <= after_pos) {
                continue;
            }
            let span = MembershipSpan {
                group_id: group_id.clone(),
                index: *index,
                join_seq: member.record.join_seq,
                leave_seq: member.leave_seq,
            };
            spans.push((member.record.join_pos, span));
        }
        spans.sort_by_key(|(join_pos, _)| *join_pos);
        Ok(spans.into_iter().map(|(_, span)| span).collect())
    }

    fn group_messages_after(
        &self,
        sdkappid: u64,
        group_id: &GroupId,
        after_pos: u64,
        seq_range: (u64, u64),
        limit: usize,
    ) -> StoreResult<Vec<MessageRecord>> {
        let tables = self.tables("querying a group's messages")?;
        let conv = ConvKey::Group(group_id.clone());
        let (after_seq, last_seq) = seq_range;
        tables
            .message_by_conv_pos
            .range((Excluded((sdkappid, conv.clone(), after_pos)), Unbounded))
            .take_while(|((app, message_conv, _), _)| *app == sdkappid && *message_conv == conv)
            .filter(|(_, seq)| after_seq < **seq && **seq <= last_seq)
            .take(limit)
            .map(|(_, seq)| message(&tables, &(sdkappid, conv.clone(), *seq)))
            .collect()
    }

    fn hidden_seqs(
        &self,
        sdkappid: u64,
        user: &UserId,
        conv: &ConvKey,
        first_seq: u64,
        last_seq: u64,
    ) -> StoreResult<Vec<u64>> {
        let tables = self.tables("querying hidden messages")?;
        if first_seq > last_seq {
            return Ok(Vec::new());
        }
        let start = (sdkappid, user.clone(), conv.clone(), first_seq);
        let end = (sdkappid, user.clone(), conv.clone(), last_seq);
        Ok(tables.hidden.range(start..=end).map(|((_, _, _, seq), ())| *seq).collect())
    }

    fn message_extensions(&self, sdkappid: u64, conv: &ConvKey, seq: u64) -> StoreResult<Vec<MessageExtensionRecord>> {
        let tables = self.tables("querying message extensions")?;
        let start = (sdkappid, conv.clone(), seq, String::new());
        Ok(tables
            .extensions
            .range(start..)
            .take_while(|((app, extension_conv, extension_seq, _), _)| {
                *app == sdkappid && extension_conv == conv && *extension_seq == seq
            })
            .map(|(_, extension)| extension.clone())
            .collect())
    }

    fn messages_by_sender(
        &self,
        sdkappid: u64,
        conv: &ConvKey,
        sender: &UserId,
        seq_range: (u64, u64),
        limit: usize,
    ) -> StoreResult<Vec<MessageRecord>> {
        let tables = self.tables("querying a sender's messages")?;
        let (after_seq, last_seq) = seq_range;
        if after_seq >= last_seq {
            return Ok(Vec::new());
        }
        Ok(tables
            .messages
            .range((Excluded((sdkappid, conv.clone(), after_seq)), Included((sdkappid, conv.clone(), last_seq))))
            .rev()
            .map(|(_, message)| message)
            .filter(|message| message.sender == *sender)
            .take(limit)
            .cloned()
            .collect())
    }

    fn group_revisions_after(
        &self,
        sdkappid: u64,
        group_id: &GroupId,
        after_pos: u64,
        seq_range: (u64, u64),
        limit: usize,
    ) -> StoreResult<Vec<MessageRecord>> {
        let tables = self.tables("querying a group's revisions")?;
        let conv = ConvKey::Group(group_id.clone());
        let (after_seq, last_seq) = seq_range;
        if after_seq >= last_seq {
            return Ok(Vec::new());
        }
        let mut revised: Vec<MessageRecord> = tables
            .messages
            .range((Excluded((sdkappid, conv.clone(), after_seq)), Included((sdkappid, conv.clone(), last_seq))))
            .map(|(_, message)| message)
            .filter(|message| message.revision.pos > after_pos)
            .cloned()
            .collect();
        revised.sort_by_key(|message| message.revision.pos);
        revised.truncate(limit);
        Ok(revised)
    }
}

fn account(tables: &Tables, key: &(u64, UserId)) -> StoreResult<AccountRecord> {
    tables.accounts.get(key).cloned().ok_or_else(|| broken("the accounts by tiny ID"))
}

fn message(tables: &Tables, key: &(u64, ConvKey, u64)) -> StoreResult<MessageRecord> {
    tables.messages.get(key).cloned().ok_or_else(|| broken("a message index"))
}

/// The messages in position order, the order of SQLite's table.
fn messages_by_pos(tables: &Tables) -> impl DoubleEndedIterator<Item = StoreResult<&MessageRecord>> {
    tables.message_by_pos.values().map(|key| tables.messages.get(key).ok_or_else(|| broken("the messages by position")))
}

/// Current members of groups not dismissed.
fn load_members(tables: &Tables) -> Vec<MemberRecord> {
    tables
        .members
        .iter()
        .filter(|((sdkappid, group_id, _), member)| {
            member.leave_pos.is_none()
                && tables.groups.get(&(*sdkappid, group_id.clone())).is_some_and(|group| group.dismissed_at.is_none())
        })
        .map(|(_, member)| member.record.clone())
        .collect()
}

/// Each conversation's message with the greatest seq.
fn load_conversations(tables: &Tables) -> Vec<ConvSummary> {
    let mut newest: Vec<&MessageRecord> = Vec::new();
    for ((sdkappid, conv, _), message) in &tables.messages {
        match newest.last_mut() {
            Some(last) if last.sdkappid == *sdkappid && last.conv == *conv => *last = message,
            _ => newest.push(message),
        }
    }
    newest.into_iter().map(|message| ConvSummary { last_message: message.clone() }).collect()
}

fn load_own_messages(tables: &Tables) -> StoreResult<Vec<OwnMessage>> {
    let mut own = Vec::new();
    for message in messages_by_pos(tables) {
        let message = message?;
        if message.excluded_from_unread || message.is_revoked() {
            continue;
        }
        let read_seq = tables
            .read_states
            .get(&(message.sdkappid, message.sender.clone(), message.conv.clone()))
            .map_or(0, |state| state.read_seq);
        if message.seq > read_seq {
            own.push(OwnMessage {
                sdkappid: message.sdkappid,
                conv: message.conv.clone(),
                sender: message.sender.clone(),
                seq: message.seq,
            });
        }
    }
    Ok(own)
}

/// By app, then position, the order of SQLite's index of excluded messages.
fn load_excluded(tables: &Tables) -> StoreResult<Vec<(u64, ConvKey, u64)>> {
    let mut excluded = Vec::new();
    for message in messages_by_pos(tables) {
        let message = message?;
        if message.excluded_from_unread || message.is_revoked() {
            excluded.push((message.sdkappid, message.conv.clone(), message.seq));
        }
    }
    excluded.sort_by_key(|(sdkappid, _, _)| *sdkappid);
    Ok(excluded)
}

/// Each conversation's latest revision position, by app, then position.
fn load_revisions(tables: &Tables) -> Vec<(u64, ConvKey, u64)> {
    let mut latest: BTreeMap<(u64, ConvKey), u64> = BTreeMap::new();
    for ((sdkappid, conv, _), message) in &tables.messages {
        if message.revision.pos > 0 {
            let pos = latest.entry((*sdkappid, conv.clone())).or_default();
            *pos = (*pos).max(message.revision.pos);
        }
    }
    let mut revisions: Vec<(u64, ConvKey, u64)> =
        latest.into_iter().map(|((sdkappid, conv), pos)| (sdkappid, conv, pos)).collect();
    revisions.sort_by_key(|(sdkappid, _, pos)| (*sdkappid, *pos));
    revisions
}

/// Newest first, back to the first message older than `since` (messages are appended in time
/// order).
fn load_recent(tables: &Tables, since: u64) -> StoreResult<Vec<RecentMessage>> {
    let mut recent = Vec::new();
    for message in messages_by_pos(tables).rev() {
        let message = message?;
        if message.server_time < since {
            break;
        }
        // The SQLite store refuses to load a stored seq of 0 here; so does this one, so that an
        // engine that wrote one fails the same way on both.
        if message.seq == 0 {
            return Err(StoreError::Corrupt("a stored message has seq 0".to_owned()));
        }
        recent.push(RecentMessage {
            sdkappid: message.sdkappid,
            conv: message.conv.clone(),
            msg_id: message.msg_id.clone(),
            seq: message.seq,
            server_time: message.server_time,
        });
    }
    Ok(recent)
}

/// The number of queued webhook events per app, by app.
fn load_pending_callbacks(tables: &Tables) -> Vec<(u64, u64)> {
    let mut counts: BTreeMap<u64, u64> = BTreeMap::new();
    for callback in tables.callbacks.values() {
        *counts.entry(callback.sdkappid).or_default() += 1;
    }
    counts.into_iter().collect()
}

fn lock(shared: &Mutex<Shared>) -> StoreResult<MutexGuard<'_, Shared>> {
    // Nothing under the lock calls foreign code, so only a bug of this module can poison it,
    // and then the tables may hold half a batch.
    shared.lock().map_err(|_| StoreError::Backend {
        context: "locking the memory store".to_owned(),
        source: Box::new(Failure("a call panicked while it held the store".to_owned())),
    })
}

/// A row refused as SQLite refuses it: a key that is taken.
fn refused(context: &str, reason: String) -> StoreError {
    StoreError::Backend {
        context: context.to_owned(),
        source: Box::new(Failure(format!("constraint failed: {reason}"))),
    }
}

/// A failure asked for by [`MemoryStore::fail_next_applies`] or [`MemoryStore::fail_next_reads`].
fn injected(context: &str) -> StoreError {
    StoreError::Unavailable { context: context.to_owned(), source: Box::new(Failure("injected failure".to_owned())) }
}

/// An index that names a record the tables lack: a bug of this module.
fn broken(index: &str) -> StoreError {
    StoreError::Corrupt(format!("{index} names a record that is not stored"))
}

/// The cause of a failure of this store.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Failure(String);
