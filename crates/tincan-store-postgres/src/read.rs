//! The reading half: a few shared connections, each able to carry several queries at once.
//!
//! A read takes the next connection in turn, prepares its statement once per connection, runs
//! it on the store's runtime and decodes the rows on the caller's thread. A connection that
//! failed is replaced at its next use. [`StoreRead::load`] reads everything in one read-only
//! transaction on a connection of its own, so what it loads is one snapshot.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tincan_core::conv::ConvKey;
use tincan_core::group::GroupProfile;
use tincan_core::history::HistoryPlan;
use tincan_proto::profile::{CustomString, UserProfile};
use tincan_proto::{GroupId, UserId};
use tincan_store::{
    AccountRecord, AllRecvOpt, AllRecvOptRecord, BlockRecord, CallbackRecord, ConvGroupsRecord, ConvSettings,
    ConvSettingsRecord, ConvSummary, FollowRecord, FriendMetaRecord, FriendRecord, FriendRequestRecord,
    GroupAttributesRecord, GroupCountersRecord, GroupReceiptRecord, GroupRecord, JoinRequestRecord, LoadedState,
    MemberInfo, MemberRecord, MembershipSpan, MessageExtensionRecord, MessageRecord, OwnMessage, ProfileRecord,
    ReadStateRecord, RecentMessage, StoreError, StoreRead, StoreResult, UserEventRecord,
};
use tokio_postgres::{Client, Row, Statement};

use crate::backend;
use crate::codec::{
    CONV_GROUP, MESSAGE_COLUMNS, Param, app_from_row, bits_from, conv_columns, custom_from_bytes, get, get_conv,
    get_group, get_typed, get_u32, get_uint, get_user, group_type_from, int, message_from_row, names_from_text, params,
    role_from,
};
use crate::driver::{Driver, READ_TIMEOUT, Target};

/// Reader connections; each pipelines the queries sent to it at once.
const CONNECTIONS: usize = 4;

/// Distinct statements kept prepared per connection; past it the cache starts again (history
/// scans build their SQL from the filters asked for, so there are a few dozen at most).
const STATEMENTS_MAX: usize = 256;

/// The reader; shared by every thread.
pub struct PostgresReader {
    driver: Arc<Driver>,
    target: Arc<Target>,
    connections: Vec<Mutex<Option<Arc<Connection>>>>,
    next: AtomicUsize,
}

struct Connection {
    client: Client,
    statements: Mutex<HashMap<String, Statement>>,
}

impl PostgresReader {
    pub(crate) fn new(driver: Arc<Driver>, target: Arc<Target>) -> PostgresReader {
        PostgresReader {
            driver,
            target,
            connections: (0..CONNECTIONS).map(|_| Mutex::new(None)).collect(),
            next: AtomicUsize::new(0),
        }
    }

    /// The next connection in turn, connecting it when it is new or broken.
    fn connection(&self) -> StoreResult<(usize, Arc<Connection>)> {
        let slot = self.next.fetch_add(1, Ordering::Relaxed) % CONNECTIONS;
        let mut held = self.connections[slot].lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(connection) = held.as_ref()
            && !connection.client.is_closed()
        {
            return Ok((slot, connection.clone()));
        }
        let target = self.target.clone();
        let client =
            self.driver.run_within(READ_TIMEOUT, "connecting to PostgreSQL", async move { target.connect().await })?;
        let connection = Arc::new(Connection { client, statements: Mutex::new(HashMap::new()) });
        *held = Some(connection.clone());
        Ok((slot, connection))
    }

    /// Runs one query and returns its rows.
    fn query(&self, sql: String, params: Vec<Param>, context: &'static str) -> StoreResult<Vec<Row>> {
        let (slot, connection) = self.connection()?;
        let running = connection.clone();
        let result = self.driver.run_within(READ_TIMEOUT, context, async move {
            let cached = lock(&running.statements).get(&sql).cloned();
            let statement = match cached {
                Some(statement) => statement,
                None => {
                    let statement = running.client.prepare(&sql).await.map_err(backend(context))?;
                    let mut statements = lock(&running.statements);
                    if statements.len() >= STATEMENTS_MAX {
                        statements.clear();
                    }
                    statements.insert(sql, statement.clone());
                    statement
                }
            };
            let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
                params.iter().map(|param| &**param as &(dyn tokio_postgres::types::ToSql + Sync)).collect();
            running.client.query(&statement, &refs).await.map_err(backend(context))
        });
        if let Err(err) = &result
            && err.is_unavailable()
        {
            // The connection is replaced at its next use.
            let mut held = self.connections[slot].lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if held.as_ref().is_some_and(|current| Arc::ptr_eq(current, &connection)) {
                *held = None;
            }
        }
        result
    }

    fn messages_where(&self, condition: &str, params: Vec<Param>) -> StoreResult<Vec<MessageRecord>> {
        let rows =
            self.query(format!("select {MESSAGE_COLUMNS} from message where {condition}"), params, "reading messages")?;
        rows.iter().map(message_from_row).collect()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

impl StoreRead for PostgresReader {
    fn load(&self, recent_since: u64) -> StoreResult<LoadedState> {
        let target = self.target.clone();
        let mut results = self
            .driver
            .run(async move {
                let mut client = target.connect().await?;
                let transaction = client
                    .build_transaction()
                    .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
                    .read_only(true)
                    .start()
                    .await
                    .map_err(backend("starting to load the state"))?;
                let since = int(recent_since);
                let mut results = Vec::with_capacity(LOAD_QUERIES.len());
                for (sql, context) in LOAD_QUERIES {
                    let rows = if sql.contains("$1") {
                        transaction.query(*sql, &[&since]).await
                    } else {
                        transaction.query(*sql, &[]).await
                    };
                    results.push(rows.map_err(backend(context))?);
                }
                transaction.commit().await.map_err(backend("finishing the load"))?;
                Ok::<_, StoreError>(results)
            })??
            .into_iter();
        let mut next = || results.next().unwrap_or_default();
        let head_pos = match next().first() {
            Some(row) => get_uint(row, 0)?,
            None => 0,
        };
        Ok(LoadedState {
            head_pos,
            apps: decode(&next(), app_from_row)?,
            accounts: decode(&next(), account_from_row)?,
            groups: decode(&next(), group_from_row)?,
            join_requests: decode(&next(), join_request_from_row)?,
            pendency_read_times: decode(&next(), |row| Ok((get_uint(row, 0)?, get_user(row, 1)?, get_uint(row, 2)?)))?,
            members: decode(&next(), member_from_row)?,
            read_states: decode(&next(), read_state_from_row)?,
            conversations: decode(&next(), |row| Ok(ConvSummary { last_message: message_from_row(row)? }))?,
            own_messages: decode(&next(), |row| {
                Ok(OwnMessage {
                    sdkappid: get_uint(row, 0)?,
                    conv: get_conv(row, 1)?,
                    sender: get_user(row, 3)?,
                    seq: get_uint(row, 4)?,
                })
            })?,
            excluded: decode(&next(), |row| Ok((get_uint(row, 0)?, get_conv(row, 1)?, get_uint(row, 3)?)))?,
            recent_messages: load_recent(&next())?,
            pending_callbacks: decode(&next(), |row| Ok((get_uint(row, 0)?, get_uint(row, 1)?)))?,
            conv_settings: decode(&next(), conv_settings_from_row)?,
            conv_groups: decode(&next(), |row| {
                Ok(ConvGroupsRecord {
                    sdkappid: get_uint(row, 0)?,
                    user: get_user(row, 1)?,
                    names: names_from_text(get(row, 2)?),
                })
            })?,
            all_recv_opts: decode(&next(), |row| {
                Ok(AllRecvOptRecord {
                    sdkappid: get_uint(row, 0)?,
                    user: get_user(row, 1)?,
                    opt: AllRecvOpt {
                        level: get_u32(row, 2)?,
                        start_hour: get_u32(row, 3)?,
                        start_minute: get_u32(row, 4)?,
                        start_second: get_u32(row, 5)?,
                        start_time_stamp: get_uint(row, 6)?,
                        duration: get_uint(row, 7)?,
                    },
                })
            })?,
            profiles: load_profiles(&next(), &next(), &next())?,
            revisions: decode(&next(), |row| Ok((get_uint(row, 0)?, get_conv(row, 1)?, get_uint(row, 3)?)))?,
            friends: decode(&next(), friend_from_row)?,
            friend_requests: decode(&next(), friend_request_from_row)?,
            blocks: decode(&next(), |row| {
                Ok(BlockRecord {
                    sdkappid: get_uint(row, 0)?,
                    owner: get_user(row, 1)?,
                    peer: get_user(row, 2)?,
                    blocked_at: get_uint(row, 3)?,
                })
            })?,
            friend_metas: decode(&next(), |row| {
                Ok(FriendMetaRecord {
                    sdkappid: get_uint(row, 0)?,
                    owner: get_user(row, 1)?,
                    groups: names_from_text(&get_typed(row, 2)?),
                    pendency_read_time: get_uint(row, 3)?,
                })
            })?,
            group_attributes: load_group_attributes(&next())?,
            group_counters: load_group_counters(&next())?,
            group_bans: decode(&next(), |row| {
                Ok((get_uint(row, 0)?, get_group(row, 1)?, get_user(row, 2)?, get_uint(row, 3)?))
            })?,
            follows: decode(&next(), |row| {
                Ok(FollowRecord {
                    sdkappid: get_uint(row, 0)?,
                    follower: get_user(row, 1)?,
                    followee: get_user(row, 2)?,
                    follow_time: get_uint(row, 3)?,
                })
            })?,
        })
    }

    fn due_callbacks(&self, now_ms: u64, count: usize) -> StoreResult<Vec<CallbackRecord>> {
        let rows = self.query(
            "select id, sdkappid, command, event, enqueued_at, attempts, next_at from callback_queue \
             where next_at <= $1 order by next_at, id limit $2"
                .to_owned(),
            params![int(now_ms), limit(count)],
            "reading due webhooks",
        )?;
        decode(&rows, |row| {
            Ok(CallbackRecord {
                id: get_uint(row, 0)?,
                sdkappid: get_uint(row, 1)?,
                command: get(row, 2)?,
                event: get(row, 3)?,
                enqueued_at: get_uint(row, 4)?,
                attempts: get_u32(row, 5)?,
                next_at: get_uint(row, 6)?,
            })
        })
    }

    fn messages(&self, sdkappid: u64, conv: &ConvKey, plan: &HistoryPlan) -> StoreResult<Vec<MessageRecord>> {
        let (conv_type, conv_key) = conv_columns(conv);
        match plan {
            HistoryPlan::Seqs(seqs) => {
                let wanted: Vec<i64> = seqs.iter().copied().map(int).collect();
                let found = self.messages_where(
                    "sdkappid = $1 and conv_type = $2 and conv_key = $3 and seq = any($4)",
                    params![int(sdkappid), conv_type, conv_key, wanted],
                )?;
                // Those that exist, in the order asked.
                let by_seq: HashMap<u64, &MessageRecord> = found.iter().map(|message| (message.seq, message)).collect();
                Ok(seqs.iter().filter_map(|seq| by_seq.get(seq).map(|message| (*message).clone())).collect())
            }
            HistoryPlan::Scan(scan) => {
                let mut condition =
                    "sdkappid = $1 and conv_type = $2 and conv_key = $3 and seq > $4 and seq < $5".to_owned();
                let mut values = params![int(sdkappid), conv_type, conv_key, int(scan.after_seq), int(scan.before_seq)];
                if let Some((begin, end)) = scan.time_range {
                    condition.push_str(&format!(
                        " and server_time >= ${} and server_time <= ${}",
                        values.len() + 1,
                        values.len() + 2
                    ));
                    values.extend(params![int(begin), int(end)]);
                }
                if !scan.elem_types.is_empty() {
                    condition.push_str(&format!(" and first_elem_type = any(${})", values.len() + 1));
                    let types: Vec<i64> = scan.elem_types.iter().map(|elem_type| i64::from(*elem_type)).collect();
                    values.extend(params![types]);
                }
                condition.push_str(if scan.forward { " order by seq asc" } else { " order by seq desc" });
                condition.push_str(&format!(" limit ${}", values.len() + 1));
                values.extend(params![i64::from(scan.count)]);
                self.messages_where(&condition, values)
            }
        }
    }

    fn message_by_id(&self, sdkappid: u64, msg_id: &str) -> StoreResult<Option<MessageRecord>> {
        if msg_id.contains('\0') {
            // No stored ID holds one (the server makes them of digits), and text cannot.
            return Ok(None);
        }
        Ok(self.messages_where("sdkappid = $1 and msg_id = $2", params![int(sdkappid), msg_id.to_owned()])?.pop())
    }

    fn message_by_seq(&self, sdkappid: u64, conv: &ConvKey, seq: u64) -> StoreResult<Option<MessageRecord>> {
        let (conv_type, conv_key) = conv_columns(conv);
        Ok(self
            .messages_where(
                "sdkappid = $1 and conv_type = $2 and conv_key = $3 and seq = $4",
                params![int(sdkappid), conv_type, conv_key, int(seq)],
            )?
            .pop())
    }

    fn group_receipt(&self, sdkappid: u64, group_id: &GroupId, seq: u64) -> StoreResult<Option<GroupReceiptRecord>> {
        let rows = self.query(
            "select sender_index, index_bound, readers, private_readers from group_receipt \
             where sdkappid = $1 and group_id = $2 and seq = $3"
                .to_owned(),
            params![int(sdkappid), group_id.as_str().to_owned(), int(seq)],
            "reading a group receipt",
        )?;
        let Some(row) = rows.first() else { return Ok(None) };
        let sender_index: Option<i64> = get(row, 0)?;
        Ok(Some(GroupReceiptRecord {
            sdkappid,
            group_id: group_id.clone(),
            seq,
            sender_index: sender_index.map(crate::codec::u32_from).transpose()?,
            index_bound: get_u32(row, 1)?,
            readers: get(row, 2)?,
            private_readers: get(row, 3)?,
        }))
    }

    fn user_events(
        &self,
        sdkappid: u64,
        user: &UserId,
        after_pos: u64,
        count: usize,
    ) -> StoreResult<Vec<UserEventRecord>> {
        let rows = self.query(
            "select pos, kind, conv_type, conv_key, seq, payload from user_event \
             where sdkappid = $1 and user_id = $2 and pos > $3 order by pos limit $4"
                .to_owned(),
            params![int(sdkappid), user.as_str().to_owned(), int(after_pos), limit(count)],
            "reading user events",
        )?;
        decode(&rows, |row| {
            let conv_type: i64 = get(row, 2)?;
            Ok(UserEventRecord {
                sdkappid,
                user: user.clone(),
                pos: get_uint(row, 0)?,
                kind: get(row, 1)?,
                conv: if conv_type == 0 { None } else { Some(get_conv(row, 2)?) },
                seq: get_uint(row, 4)?,
                payload: get(row, 5)?,
            })
        })
    }

    fn memberships_since(&self, sdkappid: u64, user: &UserId, after_pos: u64) -> StoreResult<Vec<MembershipSpan>> {
        let rows = self.query(
            "select group_id, member_index, join_seq, leave_seq, join_pos from group_member \
             where sdkappid = $1 and user_id = $2 and (leave_pos is null or leave_pos > $3) order by join_pos"
                .to_owned(),
            params![int(sdkappid), user.as_str().to_owned(), int(after_pos)],
            "reading memberships",
        )?;
        decode(&rows, |row| {
            let leave_seq: Option<i64> = get(row, 3)?;
            Ok(MembershipSpan {
                group_id: get_group(row, 0)?,
                index: get_u32(row, 1)?,
                join_seq: get_uint(row, 2)?,
                leave_seq: leave_seq.map(crate::codec::uint).transpose()?,
            })
        })
    }

    fn group_messages_after(
        &self,
        sdkappid: u64,
        group_id: &GroupId,
        after_pos: u64,
        seq_range: (u64, u64),
        count: usize,
    ) -> StoreResult<Vec<MessageRecord>> {
        self.messages_where(
            "sdkappid = $1 and conv_type = $2 and conv_key = $3 and pos > $4 and seq > $5 and seq <= $6 \
             order by pos limit $7",
            params![
                int(sdkappid),
                CONV_GROUP,
                group_id.as_str().to_owned(),
                int(after_pos),
                int(seq_range.0),
                int(seq_range.1),
                limit(count),
            ],
        )
    }

    fn hidden_seqs(
        &self,
        sdkappid: u64,
        user: &UserId,
        conv: &ConvKey,
        first_seq: u64,
        last_seq: u64,
    ) -> StoreResult<Vec<u64>> {
        let (conv_type, conv_key) = conv_columns(conv);
        let rows = self.query(
            "select seq from hidden_message where sdkappid = $1 and user_id = $2 and conv_type = $3 \
             and conv_key = $4 and seq >= $5 and seq <= $6 order by seq"
                .to_owned(),
            params![int(sdkappid), user.as_str().to_owned(), conv_type, conv_key, int(first_seq), int(last_seq)],
            "reading hidden messages",
        )?;
        decode(&rows, |row| get_uint(row, 0))
    }

    fn message_extensions(&self, sdkappid: u64, conv: &ConvKey, seq: u64) -> StoreResult<Vec<MessageExtensionRecord>> {
        let (conv_type, conv_key) = conv_columns(conv);
        let rows = self.query(
            "select key, value, key_seq, deleted from message_extension \
             where sdkappid = $1 and conv_type = $2 and conv_key = $3 and seq = $4 order by key"
                .to_owned(),
            params![int(sdkappid), conv_type, conv_key, int(seq)],
            "reading message extensions",
        )?;
        decode(&rows, |row| {
            Ok(MessageExtensionRecord {
                key: get_typed(row, 0)?,
                value: get_typed(row, 1)?,
                seq: get_uint(row, 2)?,
                deleted: get(row, 3)?,
            })
        })
    }

    fn messages_by_sender(
        &self,
        sdkappid: u64,
        conv: &ConvKey,
        sender: &UserId,
        seq_range: (u64, u64),
        count: usize,
    ) -> StoreResult<Vec<MessageRecord>> {
        let (conv_type, conv_key) = conv_columns(conv);
        self.messages_where(
            "sdkappid = $1 and conv_type = $2 and conv_key = $3 and sender = $4 and seq > $5 and seq <= $6 \
             order by seq desc limit $7",
            params![
                int(sdkappid),
                conv_type,
                conv_key,
                sender.as_str().to_owned(),
                int(seq_range.0),
                int(seq_range.1),
                limit(count),
            ],
        )
    }

    fn group_revisions_after(
        &self,
        sdkappid: u64,
        group_id: &GroupId,
        after_pos: u64,
        seq_range: (u64, u64),
        count: usize,
    ) -> StoreResult<Vec<MessageRecord>> {
        self.messages_where(
            "sdkappid = $1 and conv_type = $2 and conv_key = $3 and revised_pos > $4 and seq > $5 and seq <= $6 \
             order by revised_pos limit $7",
            params![
                int(sdkappid),
                CONV_GROUP,
                group_id.as_str().to_owned(),
                int(after_pos),
                int(seq_range.0),
                int(seq_range.1),
                limit(count),
            ],
        )
    }
}

/// What [`StoreRead::load`] reads, in the order it decodes the results.
const LOAD_QUERIES: &[(&str, &str)] = &[
    ("select value from meta where key = 'head_pos'", "reading the head position"),
    (
        "select sdkappid, secret_key, admin_identifier, plan, receipt_group_types, receipt_coalesce_window_ms, \
         receipt_group_members_max, created_at, callback_url, callback_commands, root, c2c_requires_friendship, \
         blocked_send_fails, revoke_time_limit from app order by sdkappid",
        "reading apps",
    ),
    (
        "select sdkappid, user_id, tiny_id, created_at, receipt_private from account order by tiny_id",
        "reading accounts",
    ),
    (
        "select sdkappid, group_id, group_type, name, introduction, notification, face_url, add_option, \
         max_member_num, owner, created_at, info_seq, next_index, shutup_all, visible, searchable, custom, \
         approve_option from grp where dismissed_at is null order by sdkappid, group_id",
        "reading groups",
    ),
    (
        "select r.sdkappid, r.group_id, r.user_id, r.add_time, r.message, r.inviter from group_join_request r \
         join grp g on g.sdkappid = r.sdkappid and g.group_id = r.group_id \
         where g.dismissed_at is null order by r.sdkappid, r.group_id, r.user_id",
        "reading join requests",
    ),
    (
        "select sdkappid, user_id, read_time from group_pendency_read order by sdkappid, user_id",
        "reading when join requests were read",
    ),
    (
        "select m.sdkappid, m.group_id, m.member_index, m.user_id, m.role, m.join_seq, m.join_time, m.join_pos, \
         m.name_card, m.shutup_until, m.custom \
         from group_member m join grp g on g.sdkappid = m.sdkappid and g.group_id = m.group_id \
         where m.leave_pos is null and g.dismissed_at is null order by m.sdkappid, m.group_id, m.member_index",
        "reading members",
    ),
    (
        "select sdkappid, user_id, conv_type, conv_key, read_seq, read_time, published_seq, published_time \
         from read_state",
        "reading read positions",
    ),
    // Each conversation's newest message.
    (
        "select distinct on (sdkappid, conv_type, conv_key) sdkappid, conv_type, conv_key, seq, pos, msg_id, \
         sender, rand, client_time, server_time, need_receipt, excluded, priority, platform, first_elem_type, body, \
         cloud_custom, custom_int, custom_str, receipt_read_at, receipt_private, revoked_by, revoke_reason, \
         version, revised_pos, supports_extensions from message order by sdkappid, conv_type, conv_key, seq desc",
        "reading conversations",
    ),
    (
        "select m.sdkappid, m.conv_type, m.conv_key, m.sender, m.seq from message m \
         left join read_state r on r.sdkappid = m.sdkappid and r.user_id = m.sender \
         and r.conv_type = m.conv_type and r.conv_key = m.conv_key \
         where not m.excluded and m.revoked_by is null and m.seq > coalesce(r.read_seq, 0)",
        "reading own messages",
    ),
    (
        "select sdkappid, conv_type, conv_key, seq from message where excluded \
         union all select sdkappid, conv_type, conv_key, seq from message \
         where not excluded and revoked_by is not null",
        "reading excluded messages",
    ),
    // As the embedded store walks back from the newest message and stops at the first older
    // than the time given: every message after the newest one older than it.
    (
        "select sdkappid, conv_type, conv_key, msg_id, seq, server_time from message \
         where pos > coalesce((select pos from message where server_time < $1 order by pos desc limit 1), 0) \
         order by pos desc",
        "reading recent messages",
    ),
    ("select sdkappid, count(*) from callback_queue group by sdkappid order by sdkappid", "counting webhooks"),
    (
        "select sdkappid, user_id, conv_type, conv_key, created_at, deleted_seq, cleared_seq, draft, pinned, \
         marks, custom_data, groups, recv_opt from conv_settings",
        "reading conversation settings",
    ),
    ("select sdkappid, user_id, names from conv_group_list", "reading conversation groups"),
    (
        "select sdkappid, user_id, level, start_hour, start_minute, start_second, start_time_stamp, duration \
         from all_recv_opt order by sdkappid, user_id",
        "reading app-wide receive options",
    ),
    (
        "select sdkappid, user_id, nick, gender, face_url, signature, add_permission, location, language, \
         birthday, level, role, updated_at from profile order by sdkappid, user_id",
        "reading profiles",
    ),
    (
        "select sdkappid, user_id, key, value from profile_custom order by sdkappid, user_id, key",
        "reading profile fields",
    ),
    (
        "select sdkappid, user_id, kind, target from subscription order by sdkappid, user_id, kind, seq",
        "reading subscriptions",
    ),
    (
        "select sdkappid, conv_type, conv_key, max(revised_pos) as latest from message where revised_pos > 0 \
         group by sdkappid, conv_type, conv_key order by sdkappid, latest",
        "reading revisions",
    ),
    (
        "select sdkappid, owner, peer, remark, groups, custom, add_source, add_wording, add_time from friend \
         order by sdkappid, owner, peer",
        "reading friends",
    ),
    (
        "select sdkappid, from_user, to_user, remark, group_name, add_source, add_wording, add_time \
         from friend_request order by sdkappid, from_user, to_user",
        "reading friend requests",
    ),
    ("select sdkappid, owner, peer, blocked_at from friend_block order by sdkappid, owner, peer", "reading blocklists"),
    (
        "select sdkappid, owner, groups, pendency_read_time from friend_meta order by sdkappid, owner",
        "reading friend groups",
    ),
    // Those of live groups only, as one record a group.
    (
        "select a.sdkappid, a.group_id, a.attr_key, a.attr_value from group_attribute a \
         join grp g on g.sdkappid = a.sdkappid and g.group_id = a.group_id \
         where g.dismissed_at is null order by a.sdkappid, a.group_id, a.attr_key",
        "reading group attributes",
    ),
    (
        "select c.sdkappid, c.group_id, c.counter_key, c.counter_value from group_counter c \
         join grp g on g.sdkappid = c.sdkappid and g.group_id = c.group_id \
         where g.dismissed_at is null order by c.sdkappid, c.group_id, c.counter_key",
        "reading group counters",
    ),
    (
        "select b.sdkappid, b.group_id, b.user_id, b.until from group_ban b \
         join grp g on g.sdkappid = b.sdkappid and g.group_id = b.group_id \
         where g.dismissed_at is null order by b.sdkappid, b.group_id, b.user_id",
        "reading bans",
    ),
    (
        "select sdkappid, follower, followee, follow_time from follow order by sdkappid, follower, followee",
        "reading follows",
    ),
];

fn decode<T>(rows: &[Row], read: impl Fn(&Row) -> StoreResult<T>) -> StoreResult<Vec<T>> {
    rows.iter().map(read).collect()
}

fn account_from_row(row: &Row) -> StoreResult<AccountRecord> {
    Ok(AccountRecord {
        sdkappid: get_uint(row, 0)?,
        user: get_user(row, 1)?,
        tiny_id: get_uint(row, 2)?,
        created_at: get_uint(row, 3)?,
        receipt_private: get(row, 4)?,
    })
}

fn group_from_row(row: &Row) -> StoreResult<GroupRecord> {
    let owner: Option<&str> = get(row, 9)?;
    Ok(GroupRecord {
        sdkappid: get_uint(row, 0)?,
        group_id: get_group(row, 1)?,
        group_type: group_type_from(get(row, 2)?)?,
        profile: GroupProfile {
            name: get_typed(row, 3)?,
            introduction: get_typed(row, 4)?,
            notification: get_typed(row, 5)?,
            face_url: get_typed(row, 6)?,
            add_option: get_u32(row, 7)?,
            approve_option: get_u32(row, 17)?,
            max_member_num: get_u32(row, 8)?,
            shutup_all: get(row, 13)?,
            visible: get_u32(row, 14)?,
            searchable: get_u32(row, 15)?,
            custom: custom_from_bytes(get(row, 16)?)?,
        },
        owner: owner.map(crate::codec::parse_user).transpose()?,
        created_at: get_uint(row, 10)?,
        info_seq: get_uint(row, 11)?,
        next_index: get_u32(row, 12)?,
        dismissed_at: None,
    })
}

fn join_request_from_row(row: &Row) -> StoreResult<JoinRequestRecord> {
    Ok(JoinRequestRecord {
        sdkappid: get_uint(row, 0)?,
        group_id: get_group(row, 1)?,
        user: get_user(row, 2)?,
        add_time: get_uint(row, 3)?,
        message: get_typed(row, 4)?,
        inviter: Some(get::<&str>(row, 5)?).filter(|it| !it.is_empty()).map(crate::codec::parse_user).transpose()?,
    })
}

fn member_from_row(row: &Row) -> StoreResult<MemberRecord> {
    Ok(MemberRecord {
        sdkappid: get_uint(row, 0)?,
        group_id: get_group(row, 1)?,
        index: get_u32(row, 2)?,
        user: get_user(row, 3)?,
        role: role_from(get(row, 4)?)?,
        join_seq: get_uint(row, 5)?,
        join_time: get_uint(row, 6)?,
        join_pos: get_uint(row, 7)?,
        info: MemberInfo {
            name_card: get_typed(row, 8)?,
            shutup_until: get_uint(row, 9)?,
            custom: custom_from_bytes(get(row, 10)?)?,
        },
    })
}

fn read_state_from_row(row: &Row) -> StoreResult<ReadStateRecord> {
    Ok(ReadStateRecord {
        sdkappid: get_uint(row, 0)?,
        user: get_user(row, 1)?,
        conv: get_conv(row, 2)?,
        read_seq: get_uint(row, 4)?,
        read_time: get_uint(row, 5)?,
        published_seq: get_uint(row, 6)?,
        published_time: get_uint(row, 7)?,
    })
}

fn conv_settings_from_row(row: &Row) -> StoreResult<ConvSettingsRecord> {
    let deleted_seq: Option<i64> = get(row, 5)?;
    Ok(ConvSettingsRecord {
        sdkappid: get_uint(row, 0)?,
        user: get_user(row, 1)?,
        conv: get_conv(row, 2)?,
        settings: ConvSettings {
            created_at: get_uint(row, 4)?,
            deleted_seq: deleted_seq.map(crate::codec::uint).transpose()?,
            cleared_seq: get_uint(row, 6)?,
            draft: get_typed(row, 7)?,
            pinned: get(row, 8)?,
            marks: bits_from(get(row, 9)?),
            custom_data: get_typed(row, 10)?,
            groups: names_from_text(get(row, 11)?),
            recv_opt: get_u32(row, 12)?,
        },
    })
}

fn friend_from_row(row: &Row) -> StoreResult<FriendRecord> {
    Ok(FriendRecord {
        sdkappid: get_uint(row, 0)?,
        owner: get_user(row, 1)?,
        peer: get_user(row, 2)?,
        remark: get_typed(row, 3)?,
        groups: names_from_text(&get_typed(row, 4)?),
        custom: custom_from_bytes(get(row, 5)?)?,
        add_source: get_typed(row, 6)?,
        add_wording: get_typed(row, 7)?,
        add_time: get_uint(row, 8)?,
    })
}

fn friend_request_from_row(row: &Row) -> StoreResult<FriendRequestRecord> {
    Ok(FriendRequestRecord {
        sdkappid: get_uint(row, 0)?,
        from: get_user(row, 1)?,
        to: get_user(row, 2)?,
        remark: get_typed(row, 3)?,
        group_name: get_typed(row, 4)?,
        add_source: get_typed(row, 5)?,
        add_wording: get_typed(row, 6)?,
        add_time: get_uint(row, 7)?,
    })
}

/// A group's keyed values: its app, its ID, and the pairs by key.
type KeyedByGroup<V> = (u64, GroupId, Vec<(String, V)>);

/// Rows of (app, group, key, value), ordered by app and group, as one entry a group.
fn by_group<V>(rows: &[Row], value: impl Fn(&Row) -> StoreResult<V>) -> StoreResult<Vec<KeyedByGroup<V>>> {
    let mut groups: Vec<KeyedByGroup<V>> = Vec::new();
    for row in rows {
        let sdkappid = get_uint(row, 0)?;
        let group: &str = get(row, 1)?;
        let pair = (get_typed(row, 2)?, value(row)?);
        match groups.last_mut() {
            Some((app, id, pairs)) if *app == sdkappid && id.as_str() == group => pairs.push(pair),
            _ => groups.push((sdkappid, crate::codec::parse_group(group)?, vec![pair])),
        }
    }
    Ok(groups)
}

fn load_group_attributes(rows: &[Row]) -> StoreResult<Vec<GroupAttributesRecord>> {
    Ok(by_group(rows, |row| get_typed(row, 3))?
        .into_iter()
        .map(|(sdkappid, group_id, attributes)| GroupAttributesRecord { sdkappid, group_id, attributes })
        .collect())
}

fn load_group_counters(rows: &[Row]) -> StoreResult<Vec<GroupCountersRecord>> {
    Ok(by_group(rows, |row| get::<i64>(row, 3))?
        .into_iter()
        .map(|(sdkappid, group_id, counters)| GroupCountersRecord { sdkappid, group_id, counters })
        .collect())
}

fn load_recent(rows: &[Row]) -> StoreResult<Vec<RecentMessage>> {
    let recent = decode(rows, |row| {
        Ok(RecentMessage {
            sdkappid: get_uint(row, 0)?,
            conv: get_conv(row, 1)?,
            msg_id: get(row, 3)?,
            seq: get_uint(row, 4)?,
            server_time: get_uint(row, 5)?,
        })
    })?;
    if recent.iter().any(|message| message.seq == 0) {
        return Err(StoreError::Corrupt("a stored message has seq 0".to_owned()));
    }
    Ok(recent)
}

fn load_profiles(profiles: &[Row], fields: &[Row], subscriptions: &[Row]) -> StoreResult<Vec<ProfileRecord>> {
    let mut records: BTreeMap<(u64, String), ProfileRecord> = BTreeMap::new();
    for row in profiles {
        let sdkappid = get_uint(row, 0)?;
        let user: String = get(row, 1)?;
        let profile = UserProfile {
            user_profile_identifier: user.clone(),
            user_profile_nick_name: get_typed(row, 2)?,
            user_profile_gender: get_u32(row, 3)?,
            user_profile_face_url: get_typed(row, 4)?,
            user_profile_self_signature: get_typed(row, 5)?,
            user_profile_add_permission: get_u32(row, 6)?,
            user_profile_location: get_typed(row, 7)?,
            user_profile_language: get_u32(row, 8)?,
            user_profile_birthday: get_u32(row, 9)?,
            user_profile_level: get_u32(row, 10)?,
            user_profile_role: get_u32(row, 11)?,
            user_profile_custom_string_array: Vec::new(),
        };
        let record = ProfileRecord {
            sdkappid,
            user: crate::codec::parse_user(&user)?,
            profile,
            info_subscriptions: Vec::new(),
            status_subscriptions: Vec::new(),
            updated_at: get_uint(row, 12)?,
        };
        records.insert((sdkappid, user), record);
    }
    for row in fields {
        let key = (get_uint(row, 0)?, get::<String>(row, 1)?);
        let record = records
            .get_mut(&key)
            .ok_or_else(|| StoreError::Corrupt("a custom profile field without its profile".to_owned()))?;
        record.profile.user_profile_custom_string_array.push(CustomString {
            user_profile_custom_string_info_key: get_typed(row, 2)?,
            user_profile_custom_string_info_value: get_typed(row, 3)?,
        });
    }
    for row in subscriptions {
        let key = (get_uint(row, 0)?, get::<String>(row, 1)?);
        let record = records
            .get_mut(&key)
            .ok_or_else(|| StoreError::Corrupt("a subscription without its profile".to_owned()))?;
        let target = get_user(row, 3)?;
        match get::<i64>(row, 2)? {
            0 => record.info_subscriptions.push(target),
            _ => record.status_subscriptions.push(target),
        }
    }
    Ok(records.into_values().collect())
}
