//! The in-memory state the engine serves from.
//!
//! The store is the record; this is the working copy, loaded at start and changed only together
//! with a write to the store.
//! Locks are `std` locks held for short, non-async sections; the order is always app maps, then
//! one conversation (group or C2C pair), then a receipt cell or an account's conversation set,
//! and no code holds two conversations at once.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::ops::Bound;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use roaring::RoaringTreemap;
use tincan_core::config::AppConfig;
use tincan_core::conv::{C2cPair, ConvKey, ReadState, Side};
use tincan_core::group::Group;
use tincan_core::receipts::GroupReceipt;
use tincan_proto::{ApiError, ErrorCode, GroupId, UserId};
use tincan_store::{FriendRecord, FriendRequestRecord, GroupReceiptRecord, MessageRecord, ReceiptSource};

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
    /// Whether this app's administrator manages the server; exactly one app is root, decided
    /// when the server's first app is created and changed only by [`Engine::transfer_root`].
    ///
    /// [`Engine::transfer_root`]: crate::Engine::transfer_root
    pub(crate) root: bool,
}

/// Everything of one app.
pub(crate) struct AppState {
    pub(crate) sdkappid: u64,
    /// Shared, so that a request reads them without copying them; a change replaces them.
    pub(crate) settings: RwLock<Arc<AppSettings>>,
    pub(crate) accounts: RwLock<HashMap<UserId, Arc<Account>>>,
    pub(crate) groups: RwLock<HashMap<GroupId, Arc<Mutex<GroupState>>>>,
    pub(crate) pairs: RwLock<HashMap<C2cPair, Arc<Mutex<PairState>>>>,
    /// Message IDs sent recently, by shard.
    pub(crate) message_ids: Vec<Mutex<MessageIds>>,
    /// Who is subscribed to each user's profile and status changes.
    pub(crate) watchers: Mutex<Watchers>,
    /// When each user last read its groups' join requests, in seconds.
    pub(crate) pendency_read_times: Mutex<HashMap<UserId, u64>>,
    /// The relationship chain: friends, friend requests, blocklists and friend groups. One
    /// lock for the app, taken after the app maps and before any account's profile, so that a
    /// change touching two users' lists is one decision.
    pub(crate) relations: Mutex<Relations>,
    /// Follows: whom each user follows, who follows it and those both ways. One lock for the
    /// app, like the relationship chain's and never held with it, taken after the app maps and
    /// before any account's profile.
    pub(crate) follows: Mutex<Follows>,
}

/// One user's side of the relationship chain.
#[derive(Default)]
pub(crate) struct UserRelations {
    /// Its friends (one direction: the user has them).
    pub(crate) friends: BTreeMap<UserId, FriendRecord>,
    /// Requests others sent it, by applicant.
    pub(crate) incoming: BTreeMap<UserId, FriendRequestRecord>,
    /// Requests it sent, by receiver.
    pub(crate) outgoing: BTreeMap<UserId, FriendRequestRecord>,
    /// The users it blocks, with when.
    pub(crate) blocked: BTreeMap<UserId, u64>,
    /// Its friend groups, in the order created.
    pub(crate) groups: Vec<String>,
    /// When it last marked its friend requests read, in seconds.
    pub(crate) pendency_read_time: u64,
}

/// One of a user's follow lists: each user in it with the time it joined, and the same users
/// newest first, so that a count is a length and a page a range.
#[derive(Default)]
pub(crate) struct FollowSide {
    by_user: HashMap<UserId, u64>,
    newest_first: BTreeSet<(Reverse<u64>, UserId)>,
}

impl FollowSide {
    /// How many users the list holds.
    pub(crate) fn len(&self) -> usize {
        self.by_user.len()
    }

    /// When `user` joined the list, if it is in it.
    pub(crate) fn time_of(&self, user: &UserId) -> Option<u64> {
        self.by_user.get(user).copied()
    }

    fn insert(&mut self, user: &UserId, time: u64) {
        if let Some(old) = self.by_user.insert(user.clone(), time) {
            self.newest_first.remove(&(Reverse(old), user.clone()));
        }
        self.newest_first.insert((Reverse(time), user.clone()));
    }

    fn remove(&mut self, user: &UserId) -> bool {
        match self.by_user.remove(user) {
            Some(time) => {
                self.newest_first.remove(&(Reverse(time), user.clone()));
                true
            }
            None => false,
        }
    }

    /// Up to `count` users after `after` (a `(time, user)` the page before ended with; `None`
    /// from the start), newest first, each with its time; and whether more follow.
    pub(crate) fn page(&self, after: Option<&(u64, UserId)>, count: usize) -> (Vec<(UserId, u64)>, bool) {
        let mut range: Box<dyn Iterator<Item = &(Reverse<u64>, UserId)>> = match after {
            Some((time, user)) => {
                Box::new(self.newest_first.range((Bound::Excluded((Reverse(*time), user.clone())), Bound::Unbounded)))
            }
            None => Box::new(self.newest_first.iter()),
        };
        let page: Vec<(UserId, u64)> = range.by_ref().take(count).map(|(time, user)| (user.clone(), time.0)).collect();
        let more = range.next().is_some();
        (page, more)
    }
}

/// One user's follows: whom it follows, who follows it, and those both ways.
#[derive(Default)]
pub(crate) struct UserFollows {
    pub(crate) following: FollowSide,
    pub(crate) followers: FollowSide,
    pub(crate) mutual: FollowSide,
}

impl UserFollows {
    fn is_empty(&self) -> bool {
        self.following.len() == 0 && self.followers.len() == 0
    }
}

/// The follows of an app's users (only users with something in them have an entry). Each
/// user's lists are kept both ways, so that its counts and pages never scan others' lists.
#[derive(Default)]
pub(crate) struct Follows {
    users: HashMap<UserId, UserFollows>,
}

impl Follows {
    /// A user's lists, if it has any.
    pub(crate) fn of(&self, user: &UserId) -> Option<&UserFollows> {
        self.users.get(user)
    }

    /// Whether `follower` follows `followee`.
    pub(crate) fn follows(&self, follower: &UserId, followee: &UserId) -> bool {
        self.of(follower).is_some_and(|it| it.following.time_of(followee).is_some())
    }

    /// Records that `follower` follows `followee` since `time`; returns whether the two follow
    /// each other now (the mutual lists of both gained the other, with the later time of the
    /// two follows).
    pub(crate) fn add(&mut self, follower: &UserId, followee: &UserId, time: u64) -> bool {
        self.users.entry(follower.clone()).or_default().following.insert(followee, time);
        self.users.entry(followee.clone()).or_default().followers.insert(follower, time);
        let back = self.of(followee).and_then(|it| it.following.time_of(follower));
        let Some(back) = back else { return false };
        let since = back.max(time);
        self.users.entry(follower.clone()).or_default().mutual.insert(followee, since);
        self.users.entry(followee.clone()).or_default().mutual.insert(follower, since);
        true
    }

    /// Records that `follower` no longer follows `followee`: `None` if it did not, otherwise
    /// whether they were mutual followers.
    pub(crate) fn remove(&mut self, follower: &UserId, followee: &UserId) -> Option<bool> {
        let removed = self.users.get_mut(follower).is_some_and(|it| it.following.remove(followee));
        if !removed {
            return None;
        }
        let mut mutual = false;
        if let Some(side) = self.users.get_mut(follower) {
            mutual = side.mutual.remove(followee);
        }
        if let Some(side) = self.users.get_mut(followee) {
            side.followers.remove(follower);
            side.mutual.remove(follower);
        }
        for user in [follower, followee] {
            if self.users.get(user).is_some_and(UserFollows::is_empty) {
                self.users.remove(user);
            }
        }
        Some(mutual)
    }

    /// Forgets a deleted account: its lists and its place in everyone else's, as the store's
    /// `DeleteAccount` does.
    pub(crate) fn forget(&mut self, user: &UserId) {
        let Some(side) = self.users.remove(user) else { return };
        let others: Vec<UserId> = side.following.by_user.keys().chain(side.followers.by_user.keys()).cloned().collect();
        for other in others {
            if let Some(it) = self.users.get_mut(&other) {
                it.following.remove(user);
                it.followers.remove(user);
                it.mutual.remove(user);
                if it.is_empty() {
                    self.users.remove(&other);
                }
            }
        }
    }
}

/// The relationship chain of an app's users (only users with something in it have an entry).
#[derive(Default)]
pub(crate) struct Relations {
    users: HashMap<UserId, UserRelations>,
}

impl Relations {
    /// A user's side, if it has anything.
    pub(crate) fn of(&self, user: &UserId) -> Option<&UserRelations> {
        self.users.get(user)
    }

    /// A user's side, made empty if it had nothing.
    pub(crate) fn of_mut(&mut self, user: &UserId) -> &mut UserRelations {
        self.users.entry(user.clone()).or_default()
    }

    /// Whether `owner` has `peer` as a friend.
    pub(crate) fn is_friend(&self, owner: &UserId, peer: &UserId) -> bool {
        self.of(owner).is_some_and(|it| it.friends.contains_key(peer))
    }

    /// Whether `owner` blocks `peer`.
    pub(crate) fn blocks(&self, owner: &UserId, peer: &UserId) -> bool {
        self.of(owner).is_some_and(|it| it.blocked.contains_key(peer))
    }

    /// Forgets a deleted account: its side and every mention of it on others' sides, as the
    /// store's `DeleteAccount` does.
    pub(crate) fn forget(&mut self, user: &UserId) {
        self.users.remove(user);
        for side in self.users.values_mut() {
            side.friends.remove(user);
            side.incoming.remove(user);
            side.outgoing.remove(user);
            side.blocked.remove(user);
        }
    }
}

impl AppState {
    pub(crate) fn new(sdkappid: u64, settings: AppSettings) -> AppState {
        AppState {
            sdkappid,
            settings: RwLock::new(Arc::new(settings)),
            accounts: RwLock::new(HashMap::new()),
            groups: RwLock::new(HashMap::new()),
            pairs: RwLock::new(HashMap::new()),
            message_ids: (0..MESSAGE_ID_SHARDS).map(|_| Mutex::new(MessageIds::default())).collect(),
            watchers: Mutex::new(Watchers::default()),
            pendency_read_times: Mutex::new(HashMap::new()),
            relations: Mutex::new(Relations::default()),
            follows: Mutex::new(Follows::default()),
        }
    }

    /// The message-ID memory shard for `msg_id`.
    pub(crate) fn message_ids(&self, msg_id: &str) -> MutexGuard<'_, MessageIds> {
        lock(&self.message_ids[shard_of(msg_id)])
    }

    pub(crate) fn settings(&self) -> Arc<AppSettings> {
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

    /// Puts a C2C conversation in both of its users' conversation lists, once a message of it
    /// is stored.
    pub(crate) fn list_pair(&self, pair: &C2cPair) {
        for (user, peer) in [(pair.low(), pair.high()), (pair.high(), pair.low())] {
            if let Some(account) = self.account(user) {
                let mut convs = lock(&account.convs);
                if !convs.peers.contains(peer) {
                    convs.peers.insert(peer.clone());
                }
            }
        }
    }

    /// Puts a group in the conversation lists of `users`, who join it; called before the write
    /// that tells them is queued, so that a client loading its list on that push finds it.
    pub(crate) fn list_group<'a>(&self, group_id: &GroupId, users: impl IntoIterator<Item = &'a UserId>) {
        for user in users {
            if let Some(account) = self.account(user) {
                lock(&account.convs).groups.insert(group_id.clone());
            }
        }
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
    /// Its profile, subscriptions and status.
    pub(crate) profile: Mutex<ProfileState>,
}

impl Account {
    pub(crate) fn new(user: UserId, tiny_id: u64, created_at: u64, receipt_private: bool) -> Account {
        let user_for_profile = user.clone();
        Account {
            user,
            tiny_id,
            created_at,
            receipt_private: AtomicBool::new(receipt_private),
            convs: Mutex::new(AccountConvs::default()),
            profile: Mutex::new(ProfileState::new(&user_for_profile)),
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
    /// What the user set on its conversations (only those with something set).
    pub(crate) settings: HashMap<ConvKey, tincan_store::ConvSettings>,
    /// The user's conversation groups, in the order created.
    pub(crate) conv_groups: Vec<String>,
    /// The user's app-wide receive option (the default when it never set one).
    pub(crate) all_recv_opt: tincan_store::AllRecvOpt,
}

/// Shards of the app's message-ID memory; a send locks one, briefly.
pub(crate) const MESSAGE_ID_SHARDS: usize = 16;

/// What the app knows of one message ID.
#[derive(Clone, Debug)]
struct IdEntry {
    conv: ConvKey,
    /// The message's seq, or 0 while its first send is being stored.
    seq: u64,
    /// When the entry may be forgotten, in seconds.
    keep_until: u64,
}

/// Message IDs sent recently in an app (one shard of them), so that a resend is recognised
/// without the store and two sends of one ID can never both be stored.
#[derive(Default)]
pub(crate) struct MessageIds {
    by_id: HashMap<String, IdEntry>,
    order: VecDeque<(u64, String)>,
    /// The latest `keep_until` of an entry dropped because the shard was full (0 if none).
    evicted_until: u64,
}

/// What a send may do with its message ID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Reservation {
    /// The ID is new: it is now reserved for this send.
    Fresh,
    /// The ID belongs to a stored message.
    Known { conv: ConvKey, seq: u64 },
    /// The ID is being stored by another send (to `conv`) right now.
    Pending { conv: ConvKey },
    /// Memory cannot tell; ask the store, then reserve again with [`MessageIds::reserve_after_store`].
    AskStore,
}

/// How long an entry is kept after a message's server time and client time, in seconds.
fn keep_until(server_time: u64, client_time: u64) -> u64 {
    // A resend carries the original client time; keeping the entry until that time is a
    // window old (but never longer than a window past the server time) lets memory answer for
    // every client time it will be asked about.
    let reference = server_time.max(client_time.min(server_time.saturating_add(DEDUPE_WINDOW_SECONDS)));
    reference.saturating_add(DEDUPE_WINDOW_SECONDS)
}

impl MessageIds {
    /// Reserves `msg_id` for a send to `conv` whose sender's clock said `client_time`.
    pub(crate) fn reserve(&mut self, msg_id: &str, conv: &ConvKey, client_time: u64, now: u64) -> Reservation {
        self.expire(now);
        if let Some(entry) = self.by_id.get(msg_id) {
            return if entry.seq == 0 {
                Reservation::Pending { conv: entry.conv.clone() }
            } else {
                Reservation::Known { conv: entry.conv.clone(), seq: entry.seq }
            };
        }
        let margin = 60;
        let remembered_from = now.saturating_sub(DEDUPE_WINDOW_SECONDS).saturating_add(margin);
        let too_old = client_time < remembered_from
            || client_time <= self.evicted_until.saturating_sub(DEDUPE_WINDOW_SECONDS).saturating_add(margin);
        if too_old || client_time > now.saturating_add(DEDUPE_WINDOW_SECONDS) {
            return Reservation::AskStore;
        }
        self.insert(msg_id, conv, 0, keep_until(now, client_time));
        Reservation::Fresh
    }

    /// Reserves `msg_id` after the store said it holds no such message.
    pub(crate) fn reserve_after_store(
        &mut self,
        msg_id: &str,
        conv: &ConvKey,
        client_time: u64,
        now: u64,
    ) -> Reservation {
        if let Some(entry) = self.by_id.get(msg_id) {
            return if entry.seq == 0 {
                Reservation::Pending { conv: entry.conv.clone() }
            } else {
                Reservation::Known { conv: entry.conv.clone(), seq: entry.seq }
            };
        }
        self.insert(msg_id, conv, 0, keep_until(now, client_time));
        Reservation::Fresh
    }

    /// Records a stored message (at start, or once a reserved send is stored).
    pub(crate) fn remember(&mut self, msg_id: &str, conv: &ConvKey, seq: u64, server_time: u64, client_time: u64) {
        match self.by_id.get_mut(msg_id) {
            Some(entry) => entry.seq = seq,
            None => self.insert(msg_id, conv, seq, keep_until(server_time, client_time)),
        }
    }

    /// Releases a reservation whose message was never stored.
    pub(crate) fn release(&mut self, msg_id: &str) {
        if self.by_id.get(msg_id).is_some_and(|entry| entry.seq == 0) {
            self.by_id.remove(msg_id);
        }
    }

    fn insert(&mut self, msg_id: &str, conv: &ConvKey, seq: u64, keep_until: u64) {
        self.by_id.insert(msg_id.to_owned(), IdEntry { conv: conv.clone(), seq, keep_until });
        self.order.push_back((keep_until, msg_id.to_owned()));
        if self.order.len() > DEDUPE_ENTRIES_MAX
            && let Some((until, old)) = self.order.pop_front()
            && self.by_id.get(&old).is_some_and(|entry| entry.seq != 0)
        {
            self.by_id.remove(&old);
            self.evicted_until = self.evicted_until.max(until);
        }
    }

    fn expire(&mut self, now: u64) {
        while let Some((until, msg_id)) = self.order.front() {
            if *until >= now {
                break;
            }
            if self.by_id.get(msg_id).is_some_and(|entry| entry.keep_until < now && entry.seq != 0) {
                self.by_id.remove(msg_id);
            }
            self.order.pop_front();
        }
    }
}

/// The shard of the app's message-ID memory that holds `msg_id`.
pub(crate) fn shard_of(msg_id: &str) -> usize {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in msg_id.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    (hash % MESSAGE_ID_SHARDS as u64) as usize
}

/// A C2C conversation.
pub(crate) struct PairState {
    pub(crate) max_seq: u64,
    pub(crate) read: [ReadState; 2],
    pub(crate) excluded: RoaringTreemap,
    pub(crate) last_message: Option<Arc<MessageRecord>>,
    /// The position of the newest message pushed (for replays to skip quiet conversations).
    pub(crate) last_pos: u64,
    /// Seqs whose message-level receipt was recorded since start (the store has older ones).
    pub(crate) receipted: RoaringTreemap,
    /// The same for private receipts.
    pub(crate) receipted_private: RoaringTreemap,
    /// Messages revised since start, as revised last (the store has older revisions).
    pub(crate) revised: HashMap<u64, Arc<MessageRecord>>,
    /// The extensions of messages whose extensions were read or changed since start.
    pub(crate) extensions: HashMap<u64, Arc<Extensions>>,
}

/// A message's extensions by key, deleted keys included (see
/// [`MessageExtensionRecord`](tincan_store::MessageExtensionRecord)).
pub(crate) type Extensions = std::collections::BTreeMap<String, tincan_store::MessageExtensionRecord>;

impl PairState {
    pub(crate) fn new() -> PairState {
        PairState {
            max_seq: 0,
            read: [ReadState::starting_at(0), ReadState::starting_at(0)],
            excluded: RoaringTreemap::new(),
            last_message: None,
            last_pos: 0,
            receipted: RoaringTreemap::new(),
            receipted_private: RoaringTreemap::new(),
            revised: HashMap::new(),
            extensions: HashMap::new(),
        }
    }

    pub(crate) fn read_of(&self, side: Side) -> &ReadState {
        &self.read[side.index()]
    }

    pub(crate) fn read_of_mut(&mut self, side: Side) -> &mut ReadState {
        &mut self.read[side.index()]
    }

    /// Records a message that was stored and is being pushed.
    pub(crate) fn note_pushed(&mut self, record: &Arc<MessageRecord>) {
        self.last_pos = self.last_pos.max(record.pos);
        if self.last_message.as_ref().is_none_or(|last| last.seq < record.seq) {
            self.last_message = Some(record.clone());
        }
    }

    /// The newest seq readers are shown: that of the newest message stored and pushed.
    ///
    /// `max_seq` moves when a send is decided, before its message is stored; until then the
    /// conversation neither shows the message nor counts it, so that an unread count agrees
    /// with the last message listed beside it and never goes back when the write fails.
    pub(crate) fn shown_seq(&self) -> u64 {
        self.last_message.as_ref().map_or(0, |last| last.seq)
    }

    /// `side`'s unread messages among those shown.
    pub(crate) fn unread_of(&self, side: Side) -> u64 {
        self.unread_through(side, self.shown_seq())
    }

    /// `side`'s unread messages up to `seq` (a seq being decided, for what the decision tells).
    pub(crate) fn unread_through(&self, side: Side, seq: u64) -> u64 {
        self.read_of(side).unread(seq, &self.excluded)
    }
}

/// A group and what the engine keeps beside it.
pub(crate) struct GroupState {
    pub(crate) group: Group,
    pub(crate) last_message: Option<Arc<MessageRecord>>,
    /// The position of the newest message pushed (for replays to skip quiet groups).
    pub(crate) last_pos: u64,
    /// Receipt states of opted-in messages, made when sent or loaded on first use, and let go
    /// (oldest first, when idle) past the engine's limit; see [`GroupState::keep_receipt`].
    pub(crate) receipts: HashMap<u64, Arc<ReceiptCell>>,
    /// How many cells `receipts` kept at its last trim: the next waits for a quarter of the
    /// limit more, so that cells in use past the limit do not make every insertion walk it.
    receipts_kept_at_trim: usize,
    /// How many times `receipts` was trimmed: a load from the store that started before a trim
    /// may be older than a cell the trim let go.
    pub(crate) receipts_trims: u64,
    /// Members who left recently, with the seq they left at, so that a message stored before they
    /// left still reaches them when its push goes out after.
    pub(crate) recently_left: VecDeque<(UserId, u64, u64)>,
    /// Messages revised since start, as revised last (the store has older revisions).
    pub(crate) revised: HashMap<u64, Arc<MessageRecord>>,
    /// The position of the newest revision pushed (or loaded), for replays to skip quiet groups.
    pub(crate) revised_pos: u64,
    /// Revisions decided and not yet pushed (or undone).
    pub(crate) revisions_in_flight: u32,
    /// The group's custom attributes (TIM's group attributes).
    pub(crate) attributes: tincan_core::group_attributes::Attributes,
    /// The group's counters (TIM's group counters).
    pub(crate) counters: tincan_core::group_attributes::Counters,
    /// Users banned from the group, until when in seconds (REST `ban_group_member`); a ban past
    /// its time is as none.
    pub(crate) bans: std::collections::BTreeMap<UserId, u64>,
    /// The extensions of messages whose extensions were read or changed since start.
    pub(crate) extensions: HashMap<u64, Arc<Extensions>>,
}

/// The memory a group's receipt bitmaps may take, roughly: a cell's bitmap takes at most a bit
/// per member index ever given (plus its own keep), so a group of 100,000 keeps about 5,000
/// cells and a small one the configured number.
const RECEIPT_BITMAPS_BYTES_PER_GROUP: usize = 64 << 20;

/// How many receipt cells of a group whose member indices are below `index_bound` fit in
/// [`RECEIPT_BITMAPS_BYTES_PER_GROUP`] (at least 256).
fn receipt_cells_within_budget(index_bound: u32) -> usize {
    let per_cell = (index_bound / 8) as usize + 256;
    (RECEIPT_BITMAPS_BYTES_PER_GROUP / per_cell).max(256)
}

/// How long a departed member is remembered for pushes of messages from before it left, in
/// seconds.
pub(crate) const RECENTLY_LEFT_SECONDS: u64 = 60;

impl GroupState {
    pub(crate) fn new(group: Group) -> GroupState {
        GroupState {
            group,
            last_message: None,
            last_pos: 0,
            receipts: HashMap::new(),
            receipts_kept_at_trim: 0,
            receipts_trims: 0,
            recently_left: VecDeque::new(),
            revised: HashMap::new(),
            revised_pos: 0,
            revisions_in_flight: 0,
            attributes: Default::default(),
            counters: Default::default(),
            bans: Default::default(),
            extensions: HashMap::new(),
        }
    }

    /// Keeps `cell` as the receipt state of message `seq` (or the one already kept, which wins)
    /// and returns it; past `max` cells, lets the oldest idle ones go, down to three quarters of
    /// `max`, and returns how many.
    ///
    /// A cell is idle when only this map holds it: no write of it is waiting to commit (the
    /// writer holds its ops until then), no push is waiting to carry it, and no call is using
    /// it. Every clone of a cell is made from this map under the group's lock, which is held
    /// here, or from a clone already held, so an idle cell stays idle; its state is all in the
    /// store, and is read back from there when it is next used. Trimming walks the map, so
    /// after one the next waits for a quarter of `max` more cells than it kept (and no more
    /// than a quarter past `max`).
    pub(crate) fn keep_receipt(&mut self, seq: u64, cell: Arc<ReceiptCell>, max: usize) -> (Arc<ReceiptCell>, u64) {
        let kept = self.receipts.entry(seq).or_insert(cell).clone();
        let max = max.min(receipt_cells_within_budget(self.group.next_index()));
        let trim_past = max.max(self.receipts_kept_at_trim.saturating_add(max / 4).min(max + max / 4));
        if self.receipts.len() <= trim_past {
            return (kept, 0);
        }
        let keep = max - max / 4;
        // `get_mut` is the uniqueness check that orders this thread after the other holders'
        // last use (the writer's commit among them).
        let mut idle: Vec<u64> =
            self.receipts.iter_mut().filter_map(|(seq, cell)| Arc::get_mut(cell).map(|_| *seq)).collect();
        idle.sort_unstable();
        let excess = self.receipts.len().saturating_sub(keep).min(idle.len());
        for seq in &idle[..excess] {
            self.receipts.remove(seq);
        }
        self.receipts_kept_at_trim = self.receipts.len();
        if excess > 0 {
            self.receipts_trims += 1;
        }
        (kept, excess as u64)
    }

    /// Remembers members who just left, and forgets those who left long ago.
    /// Fails with 10007 while `user` is banned from the group.
    pub(crate) fn check_not_banned(&self, user: &UserId, now: u64) -> Result<(), ApiError> {
        match self.bans.get(user) {
            Some(until) if *until > now => Err(ApiError::new(
                ErrorCode::GROUP_PERMISSION_DENIED,
                format!("{user} is banned from group {} for {} more seconds", self.group.id(), until - now),
            )),
            _ => Ok(()),
        }
    }

    pub(crate) fn note_left(&mut self, left: &[tincan_core::group::Left], now: u64) {
        while self.recently_left.front().is_some_and(|(_, _, at)| at.saturating_add(RECENTLY_LEFT_SECONDS) < now) {
            self.recently_left.pop_front();
        }
        for member in left {
            self.recently_left.push_back((member.user.clone(), member.leave_seq, now));
        }
    }

    /// Records a message that was stored and is being pushed.
    pub(crate) fn note_pushed(&mut self, record: &Arc<MessageRecord>) {
        self.last_pos = self.last_pos.max(record.pos);
        if self.last_message.as_ref().is_none_or(|last| last.seq < record.seq) {
            self.last_message = Some(record.clone());
        }
    }

    /// The newest seq members are shown (see [`PairState::shown_seq`]).
    pub(crate) fn shown_seq(&self) -> u64 {
        self.last_message.as_ref().map_or(0, |last| last.seq)
    }

    /// `member`'s unread messages among those shown.
    pub(crate) fn unread_of(&self, member: &tincan_core::group::Member) -> u64 {
        member.read.unread(self.shown_seq(), self.group.excluded())
    }

    /// Whether the group certainly has no message after position `after_pos`, so that a replay
    /// may skip it without reading the store.
    ///
    /// `last_pos` is only the newest message pushed so far: a message whose seq was given but
    /// that is not yet pushed (being stored, or stored and not yet dispatched) is not in it. So
    /// the answer is yes only when every seq given has been pushed; otherwise the store decides.
    pub(crate) fn quiet_since(&self, after_pos: u64) -> bool {
        let pushed_seq = self.last_message.as_ref().map_or(0, |last| last.seq);
        self.last_pos <= after_pos
            && pushed_seq >= self.group.max_seq()
            && self.revised_pos <= after_pos
            && self.revisions_in_flight == 0
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

    fn conv(name: &str) -> ConvKey {
        ConvKey::Group(GroupId::parse(name).unwrap())
    }

    fn user(name: &str) -> UserId {
        UserId::parse(name).unwrap()
    }

    fn counts(follows: &Follows, name: &str) -> (usize, usize, usize) {
        follows.of(&user(name)).map_or((0, 0, 0), |it| (it.followers.len(), it.following.len(), it.mutual.len()))
    }

    #[test]
    fn follows_keep_both_sides_and_the_mutual_lists_in_step() {
        let mut follows = Follows::default();
        assert!(!follows.add(&user("a"), &user("b"), 5), "one way is not mutual");
        assert!(follows.add(&user("b"), &user("a"), 3), "both ways are");
        assert_eq!(counts(&follows, "a"), (1, 1, 1));
        assert_eq!(follows.of(&user("a")).unwrap().mutual.time_of(&user("b")), Some(5), "the later of the two times");
        follows.add(&user("c"), &user("a"), 7);
        follows.add(&user("d"), &user("a"), 7);
        // Newest first, a page after a cursor, and whether more follow.
        let side = &follows.of(&user("a")).unwrap().followers;
        let (page, more) = side.page(None, 2);
        assert_eq!(page, [(user("c"), 7), (user("d"), 7)]);
        assert!(more);
        let (page, more) = side.page(Some(&(7, user("d"))), 2);
        assert_eq!(page, [(user("b"), 3)]);
        assert!(!more);
        assert_eq!(follows.remove(&user("b"), &user("a")), Some(true), "they were mutual");
        assert_eq!(follows.remove(&user("b"), &user("a")), None, "not twice");
        assert_eq!(counts(&follows, "a"), (2, 1, 0));
        assert_eq!(counts(&follows, "b"), (1, 0, 0));
        follows.forget(&user("a"));
        for name in ["a", "b", "c", "d"] {
            assert_eq!(counts(&follows, name), (0, 0, 0), "{name}");
        }
        assert!(follows.users.is_empty(), "users left with nothing are not kept");
    }

    #[test]
    fn message_ids_are_reserved_once_per_app() {
        let mut ids = MessageIds::default();
        let now = 10_000;
        assert_eq!(ids.reserve("1-9990-5", &conv("a"), 9_990, now), Reservation::Fresh);
        assert_eq!(
            ids.reserve("1-9990-5", &conv("b"), 9_990, now),
            Reservation::Pending { conv: conv("a") },
            "a second send while the first is stored"
        );
        ids.remember("1-9990-5", &conv("a"), 7, now, 9_990);
        assert_eq!(ids.reserve("1-9990-5", &conv("b"), 9_990, now + 1), Reservation::Known { conv: conv("a"), seq: 7 });
        assert_eq!(ids.reserve("1-100-6", &conv("a"), 100, now), Reservation::AskStore, "older than the window");
        assert_eq!(ids.reserve("1-99999-6", &conv("a"), 99_999, now), Reservation::AskStore, "far in the future");
        assert_eq!(ids.reserve("1-9995-7", &conv("a"), 9_995, now), Reservation::Fresh);
        ids.release("1-9995-7");
        assert_eq!(ids.reserve("1-9995-7", &conv("a"), 9_995, now), Reservation::Fresh, "a failed send frees its ID");
    }

    #[test]
    fn a_client_clock_ahead_is_remembered_long_enough() {
        let mut ids = MessageIds::default();
        let sent = 10_000;
        let ahead = sent + 300;
        assert_eq!(ids.reserve("1-10300-1", &conv("a"), ahead, sent), Reservation::Fresh);
        ids.remember("1-10300-1", &conv("a"), 1, sent, ahead);
        let later = sent + DEDUPE_WINDOW_SECONDS + 120;
        assert_eq!(ids.reserve("1-10300-1", &conv("a"), ahead, later), Reservation::Known { conv: conv("a"), seq: 1 });
    }

    #[test]
    fn only_idle_receipt_states_are_let_go_oldest_first() {
        use tincan_core::group::{GroupProfile, NewGroup};
        use tincan_proto::enums::{GroupType, MemberRole};
        let owner = UserId::parse("owner").unwrap();
        let group_id = GroupId::parse("g1").unwrap();
        let profile = GroupProfile {
            name: "team".to_owned(),
            introduction: String::new(),
            notification: String::new(),
            face_url: String::new(),
            add_option: 2,
            max_member_num: 100,
            ..GroupProfile::default()
        };
        let (group, _) = Group::create(NewGroup {
            id: group_id.clone(),
            group_type: GroupType::WORK,
            profile,
            owner: Some(owner.clone()),
            initial_members: vec![(UserId::parse("reader").unwrap(), MemberRole::NONE)],
            now: 10,
        })
        .unwrap();
        let mut state = GroupState::new(group);
        let cell = |seq| crate::receipts::cells::new_receipt_cell(1, &group_id, seq, &owner, "m", Some(0), 2);
        // Seqs 1 and 2 are in use (a write or a push holds them); the rest are idle.
        let in_use: Vec<_> = (1..=2).map(|seq| state.keep_receipt(seq, cell(seq), 8).0).collect();
        let mut evicted = 0;
        for seq in 3..=9 {
            evicted += state.keep_receipt(seq, cell(seq), 8).1;
        }
        // The ninth passed the limit: down to 6, the oldest idle ones (3, 4, 5) first.
        assert_eq!(evicted, 3);
        let mut kept: Vec<u64> = state.receipts.keys().copied().collect();
        kept.sort_unstable();
        assert_eq!(kept, [1, 2, 6, 7, 8, 9]);
        // A large group keeps fewer, so that its bitmaps stay within their budget.
        assert_eq!(receipt_cells_within_budget(100_000), 5_260);
        assert_eq!(receipt_cells_within_budget(22), 260_111, "more than any configured limit");
        assert_eq!(receipt_cells_within_budget(u32::MAX), 256);
        // Not trimmed again until a quarter of the limit more have come.
        assert_eq!(state.keep_receipt(10, cell(10), 8).1, 0);
        assert_eq!(state.keep_receipt(11, cell(11), 8).1, 0);
        assert_eq!(state.keep_receipt(12, cell(12), 8).1, 3, "past the limit again: down to six");
        let mut kept: Vec<u64> = state.receipts.keys().copied().collect();
        kept.sort_unstable();
        assert_eq!(kept, [1, 2, 9, 10, 11, 12], "the cells in use stay, the newest is kept");
        assert_eq!(state.receipts_trims, 2);
        // The state already kept for a seq wins over a newly made one.
        let again = state.keep_receipt(1, cell(1), 8).0;
        assert!(Arc::ptr_eq(&again, &in_use[0]));
    }
}

// ---------------------------------------------------------------------------------------------
// Profiles and status

/// A user's profile, its subscriptions and its status. The profile and subscriptions are
/// stored (`ProfileRecord`); the status is live state.
#[derive(Clone, Debug)]
pub(crate) struct ProfileState {
    /// The profile, with the user's identifier.
    pub(crate) profile: tincan_proto::profile::UserProfile,
    /// Users whose profile changes it is told of, oldest subscription first.
    pub(crate) info_subscriptions: Vec<UserId>,
    /// Users whose status changes it is told of, oldest subscription first.
    pub(crate) status_subscriptions: Vec<UserId>,
    pub(crate) updated_at: u64,
    /// `TIMUserStatusType` now (online, offline, not logged in).
    pub(crate) status: u32,
    /// The custom status text; cleared when the user goes offline.
    pub(crate) custom_status: String,
    /// The last device to go logged out rather than dropped its connection.
    pub(crate) logged_out: bool,
}

impl ProfileState {
    pub(crate) fn new(user: &UserId) -> ProfileState {
        ProfileState {
            profile: tincan_proto::profile::UserProfile {
                user_profile_identifier: user.as_str().to_owned(),
                ..Default::default()
            },
            info_subscriptions: Vec::new(),
            status_subscriptions: Vec::new(),
            updated_at: 0,
            status: tincan_proto::profile::STATUS_UNLOGINED,
            custom_status: String::new(),
            logged_out: false,
        }
    }

    /// The record to store for `user` of `sdkappid`.
    pub(crate) fn record(&self, sdkappid: u64, user: &UserId) -> tincan_store::ProfileRecord {
        tincan_store::ProfileRecord {
            sdkappid,
            user: user.clone(),
            profile: self.profile.clone(),
            info_subscriptions: self.info_subscriptions.clone(),
            status_subscriptions: self.status_subscriptions.clone(),
            updated_at: self.updated_at,
        }
    }

    /// The user's status as TIM shows it.
    pub(crate) fn user_status(&self) -> tincan_proto::profile::UserStatus {
        tincan_proto::profile::UserStatus {
            user_status_identifier: self.profile.user_profile_identifier.clone(),
            user_status_status_type: self.status,
            user_status_custom_status: self.custom_status.clone(),
        }
    }
}

/// Who is subscribed to whose changes in one app: each watched user's subscribers.
#[derive(Default)]
pub(crate) struct Watchers {
    pub(crate) info: HashMap<UserId, BTreeSet<UserId>>,
    pub(crate) status: HashMap<UserId, BTreeSet<UserId>>,
}

impl Watchers {
    /// Records that `subscriber` follows `targets` (profile changes when `info`, else status).
    pub(crate) fn add(&mut self, info: bool, subscriber: &UserId, targets: &[UserId]) {
        let map = if info { &mut self.info } else { &mut self.status };
        for target in targets {
            map.entry(target.clone()).or_default().insert(subscriber.clone());
        }
    }

    /// Records that `subscriber` no longer follows `targets`.
    pub(crate) fn remove(&mut self, info: bool, subscriber: &UserId, targets: &[UserId]) {
        let map = if info { &mut self.info } else { &mut self.status };
        for target in targets {
            if let Some(set) = map.get_mut(target) {
                set.remove(subscriber);
                if set.is_empty() {
                    map.remove(target);
                }
            }
        }
    }

    /// Forgets `user` as a subscriber of anyone (its account was deleted).
    pub(crate) fn forget(&mut self, user: &UserId) {
        for map in [&mut self.info, &mut self.status] {
            map.retain(|_, subscribers| {
                subscribers.remove(user);
                !subscribers.is_empty()
            });
        }
    }

    /// The subscribers of `target`.
    pub(crate) fn of(&self, info: bool, target: &UserId) -> Vec<UserId> {
        let map = if info { &self.info } else { &self.status };
        map.get(target).map(|set| set.iter().cloned().collect()).unwrap_or_default()
    }
}
