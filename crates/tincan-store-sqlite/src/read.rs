//! The reading half: a small pool of read-only connections.

use std::path::PathBuf;
use std::sync::{Condvar, Mutex};

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use tincan_core::conv::ConvKey;
use tincan_core::group::GroupProfile;
use tincan_core::history::HistoryPlan;
use tincan_proto::{GroupId, UserId};
use tincan_store::{
    AccountRecord, CallbackRecord, ConvGroupsRecord, ConvSettings, ConvSettingsRecord, ConvSummary, GroupReceiptRecord,
    GroupRecord, JoinRequestRecord, LoadedState, MemberInfo, MemberRecord, MembershipSpan, MessageExtensionRecord,
    MessageRecord, OwnMessage, ReadStateRecord, RecentMessage, StoreError, StoreRead, StoreResult, UserEventRecord,
};

use crate::codec::{
    CONV_GROUP, MESSAGE_COLUMNS, app_from_row, bits_from_sql, conv_columns, conv_from_columns, custom_from_sql,
    from_sql, group_type_from_sql, message_from_row, names_from_sql, parse_group, parse_user, role_from_sql, to_sql,
    u32_from_sql,
};
use crate::{backend, open_reader_connection};

/// Reader connections at most; a read that finds them all busy waits for one (opening a
/// connection costs far more than waiting for a short query).
const CONNECTIONS_MAX: usize = 8;

/// The reader; shared by every thread.
pub struct SqliteReader {
    path: PathBuf,
    pool: Mutex<Pool>,
    returned: Condvar,
}

#[derive(Default)]
struct Pool {
    idle: Vec<Connection>,
    opened: usize,
}

impl SqliteReader {
    pub(crate) fn new(path: PathBuf) -> SqliteReader {
        SqliteReader { path, pool: Mutex::new(Pool::default()), returned: Condvar::new() }
    }

    fn with_connection<T>(&self, f: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        let connection = {
            let mut pool = self.pool.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            loop {
                if let Some(connection) = pool.idle.pop() {
                    break connection;
                }
                if pool.opened < CONNECTIONS_MAX {
                    pool.opened += 1;
                    drop(pool);
                    match open_reader_connection(&self.path) {
                        Ok(connection) => break connection,
                        Err(err) => {
                            self.pool.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).opened -= 1;
                            return Err(err);
                        }
                    }
                }
                pool = self.returned.wait(pool).unwrap_or_else(|poisoned| poisoned.into_inner());
            }
        };
        let result = f(&connection);
        self.pool.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).idle.push(connection);
        self.returned.notify_one();
        result
    }
}

fn query_messages(connection: &Connection, sql: &str, values: Vec<Value>) -> StoreResult<Vec<MessageRecord>> {
    let mut statement = connection.prepare_cached(sql).map_err(backend("preparing a message query"))?;
    let mut rows = statement.query(params_from_iter(values)).map_err(backend("querying messages"))?;
    let mut messages = Vec::new();
    while let Some(row) = rows.next().map_err(backend("reading messages"))? {
        messages.push(message_from_row(row)?);
    }
    Ok(messages)
}

fn int(value: u64) -> Value {
    Value::Integer(to_sql(value))
}

impl StoreRead for SqliteReader {
    fn load(&self, recent_since: u64) -> StoreResult<LoadedState> {
        self.with_connection(|connection| {
            let head_pos: Option<i64> = connection
                .query_row("select value from meta where key = 'head_pos'", [], |row| row.get(0))
                .optional()
                .map_err(backend("reading the head position"))?;
            Ok(LoadedState {
                head_pos: head_pos.map(from_sql).transpose()?.unwrap_or(0),
                apps: load_apps(connection)?,
                accounts: load_accounts(connection)?,
                groups: load_groups(connection)?,
                join_requests: load_join_requests(connection)?,
                pendency_read_times: load_pendency_read_times(connection)?,
                members: load_members(connection)?,
                read_states: load_read_states(connection)?,
                conversations: load_conversations(connection)?,
                own_messages: load_own_messages(connection)?,
                excluded: load_excluded(connection)?,
                recent_messages: load_recent(connection, recent_since)?,
                pending_callbacks: load_pending_callbacks(connection)?,
                conv_settings: load_conv_settings(connection)?,
                conv_groups: load_conv_groups(connection)?,
                profiles: load_profiles(connection)?,
                revisions: load_revisions(connection)?,
            })
        })
    }

    fn due_callbacks(&self, now_ms: u64, limit: usize) -> StoreResult<Vec<CallbackRecord>> {
        self.with_connection(|connection| {
            let mut statement = connection
                .prepare_cached(
                    "select id, sdkappid, command, event, enqueued_at, attempts, next_at from callback_queue \
                     where next_at <= ?1 order by next_at, id limit ?2",
                )
                .map_err(backend("preparing the webhook queue query"))?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let mut rows = statement.query(params![to_sql(now_ms), limit]).map_err(backend("querying webhooks"))?;
            let mut due = Vec::new();
            while let Some(row) = rows.next().map_err(backend("reading webhooks"))? {
                let get_i64 =
                    |index: usize| -> StoreResult<i64> { row.get(index).map_err(backend("reading a webhook")) };
                let get_text =
                    |index: usize| -> StoreResult<String> { row.get(index).map_err(backend("reading a webhook")) };
                due.push(CallbackRecord {
                    id: from_sql(get_i64(0)?)?,
                    sdkappid: from_sql(get_i64(1)?)?,
                    command: get_text(2)?,
                    event: get_text(3)?,
                    enqueued_at: from_sql(get_i64(4)?)?,
                    attempts: u32::try_from(get_i64(5)?)
                        .map_err(|_| StoreError::Corrupt("webhook attempts out of range".to_owned()))?,
                    next_at: from_sql(get_i64(6)?)?,
                });
            }
            Ok(due)
        })
    }

    fn messages(&self, sdkappid: u64, conv: &ConvKey, plan: &HistoryPlan) -> StoreResult<Vec<MessageRecord>> {
        let (conv_type, conv_key) = conv_columns(conv);
        self.with_connection(|connection| match plan {
            HistoryPlan::Seqs(seqs) => {
                let mut found = Vec::with_capacity(seqs.len());
                for seq in seqs {
                    let sql = format!(
                        "select {MESSAGE_COLUMNS} from message where sdkappid = ?1 and conv_type = ?2 and conv_key = ?3 and seq = ?4"
                    );
                    let values = vec![int(sdkappid), Value::Integer(conv_type), Value::Text(conv_key.clone()), int(*seq)];
                    found.extend(query_messages(connection, &sql, values)?);
                }
                Ok(found)
            }
            HistoryPlan::Scan(scan) => {
                let mut sql = format!(
                    "select {MESSAGE_COLUMNS} from message where sdkappid = ?1 and conv_type = ?2 and conv_key = ?3 \
                     and seq > ?4 and seq < ?5"
                );
                let mut values = vec![
                    int(sdkappid),
                    Value::Integer(conv_type),
                    Value::Text(conv_key.clone()),
                    int(scan.after_seq),
                    int(scan.before_seq),
                ];
                if let Some((begin, end)) = scan.time_range {
                    sql.push_str(&format!(" and server_time >= ?{} and server_time <= ?{}", values.len() + 1, values.len() + 2));
                    values.push(int(begin));
                    values.push(int(end));
                }
                if !scan.elem_types.is_empty() {
                    let placeholders: Vec<String> =
                        (0..scan.elem_types.len()).map(|offset| format!("?{}", values.len() + 1 + offset)).collect();
                    sql.push_str(&format!(" and first_elem_type in ({})", placeholders.join(", ")));
                    values.extend(scan.elem_types.iter().map(|elem_type| Value::Integer(i64::from(*elem_type))));
                }
                sql.push_str(if scan.forward { " order by seq asc" } else { " order by seq desc" });
                sql.push_str(&format!(" limit ?{}", values.len() + 1));
                values.push(Value::Integer(i64::from(scan.count)));
                query_messages(connection, &sql, values)
            }
        })
    }

    fn message_by_id(&self, sdkappid: u64, msg_id: &str) -> StoreResult<Option<MessageRecord>> {
        self.with_connection(|connection| {
            let sql = format!("select {MESSAGE_COLUMNS} from message where sdkappid = ?1 and msg_id = ?2");
            Ok(query_messages(connection, &sql, vec![int(sdkappid), Value::Text(msg_id.to_owned())])?.pop())
        })
    }

    fn message_by_seq(&self, sdkappid: u64, conv: &ConvKey, seq: u64) -> StoreResult<Option<MessageRecord>> {
        let (conv_type, conv_key) = conv_columns(conv);
        self.with_connection(|connection| {
            let sql = format!(
                "select {MESSAGE_COLUMNS} from message where sdkappid = ?1 and conv_type = ?2 and conv_key = ?3 and seq = ?4"
            );
            let values = vec![int(sdkappid), Value::Integer(conv_type), Value::Text(conv_key), int(seq)];
            Ok(query_messages(connection, &sql, values)?.pop())
        })
    }

    fn group_receipt(&self, sdkappid: u64, group_id: &GroupId, seq: u64) -> StoreResult<Option<GroupReceiptRecord>> {
        self.with_connection(|connection| {
            let row = connection
                .prepare_cached(
                    "select sender_index, index_bound, readers, private_readers from group_receipt \
                     where sdkappid = ?1 and group_id = ?2 and seq = ?3",
                )
                .and_then(|mut statement| {
                    statement
                        .query_row(params![to_sql(sdkappid), group_id.as_str(), to_sql(seq)], |row| {
                            Ok((
                                row.get::<_, Option<i64>>(0)?,
                                row.get::<_, i64>(1)?,
                                row.get::<_, Vec<u8>>(2)?,
                                row.get::<_, Vec<u8>>(3)?,
                            ))
                        })
                        .optional()
                })
                .map_err(backend("reading a group receipt"))?;
            let Some((sender_index, index_bound, readers, private_readers)) = row else { return Ok(None) };
            Ok(Some(GroupReceiptRecord {
                sdkappid,
                group_id: group_id.clone(),
                seq,
                sender_index: sender_index.map(u32_from_sql).transpose()?,
                index_bound: u32_from_sql(index_bound)?,
                readers,
                private_readers,
            }))
        })
    }

    fn user_events(
        &self,
        sdkappid: u64,
        user: &UserId,
        after_pos: u64,
        limit: usize,
    ) -> StoreResult<Vec<UserEventRecord>> {
        self.with_connection(|connection| {
            let mut statement = connection
                .prepare_cached(
                    "select pos, kind, conv_type, conv_key, seq, payload from user_event \
                     where sdkappid = ?1 and user_id = ?2 and pos > ?3 order by pos limit ?4",
                )
                .map_err(backend("preparing the user event query"))?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let mut rows = statement
                .query(params![to_sql(sdkappid), user.as_str(), to_sql(after_pos), limit])
                .map_err(backend("querying user events"))?;
            let mut events = Vec::new();
            while let Some(row) = rows.next().map_err(backend("reading user events"))? {
                let (pos, kind, conv_type, conv_key, seq, payload): (i64, String, i64, String, i64, String) = (|| {
                    Ok::<_, rusqlite::Error>((
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get(3)?,
                        row.get(4)?,
                        row.get(5)?,
                    ))
                })(
                )
                .map_err(backend("reading a user event"))?;
                let conv = if conv_type == 0 { None } else { Some(conv_from_columns(conv_type, &conv_key)?) };
                events.push(UserEventRecord {
                    sdkappid,
                    user: user.clone(),
                    pos: from_sql(pos)?,
                    kind,
                    conv,
                    seq: from_sql(seq)?,
                    payload,
                });
            }
            Ok(events)
        })
    }

    fn memberships_since(&self, sdkappid: u64, user: &UserId, after_pos: u64) -> StoreResult<Vec<MembershipSpan>> {
        self.with_connection(|connection| {
            let mut statement = connection
                .prepare_cached(
                    // Without the hint SQLite may walk every membership of the app (it prefers the
                    // primary key when sorting); the user's own memberships are few.
                    "select group_id, member_index, join_seq, leave_seq, join_pos from group_member \
                     indexed by group_member_by_user \
                     where sdkappid = ?1 and user_id = ?2 and (leave_pos is null or leave_pos > ?3)",
                )
                .map_err(backend("preparing the membership query"))?;
            let mut rows = statement
                .query(params![to_sql(sdkappid), user.as_str(), to_sql(after_pos)])
                .map_err(backend("querying memberships"))?;
            let mut spans = Vec::new();
            while let Some(row) = rows.next().map_err(backend("reading memberships"))? {
                let (group_id, index, join_seq, leave_seq, join_pos): (String, i64, i64, Option<i64>, i64) =
                    (|| Ok::<_, rusqlite::Error>((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)))()
                        .map_err(backend("reading a membership"))?;
                let span = MembershipSpan {
                    group_id: parse_group(&group_id)?,
                    index: u32_from_sql(index)?,
                    join_seq: from_sql(join_seq)?,
                    leave_seq: leave_seq.map(from_sql).transpose()?,
                };
                spans.push((join_pos, span));
            }
            spans.sort_by_key(|(join_pos, _)| *join_pos);
            Ok(spans.into_iter().map(|(_, span)| span).collect())
        })
    }

    fn group_messages_after(
        &self,
        sdkappid: u64,
        group_id: &GroupId,
        after_pos: u64,
        seq_range: (u64, u64),
        limit: usize,
    ) -> StoreResult<Vec<MessageRecord>> {
        self.with_connection(|connection| {
            let sql = format!(
                "select {MESSAGE_COLUMNS} from message where sdkappid = ?1 and conv_type = ?2 and conv_key = ?3 \
                 and pos > ?4 and seq > ?5 and seq <= ?6 order by pos limit ?7"
            );
            let values = vec![
                int(sdkappid),
                Value::Integer(CONV_GROUP),
                Value::Text(group_id.as_str().to_owned()),
                int(after_pos),
                int(seq_range.0),
                int(seq_range.1),
                Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)),
            ];
            query_messages(connection, &sql, values)
        })
    }

    fn message_extensions(&self, sdkappid: u64, conv: &ConvKey, seq: u64) -> StoreResult<Vec<MessageExtensionRecord>> {
        let (conv_type, conv_key) = conv_columns(conv);
        self.with_connection(|connection| {
            let mut statement = connection
                .prepare_cached(
                    "select key, value, key_seq, deleted from message_extension where sdkappid = ?1 \
                     and conv_type = ?2 and conv_key = ?3 and seq = ?4 order by key",
                )
                .map_err(backend("preparing the message extensions query"))?;
            let mut rows = statement
                .query(params![int(sdkappid), conv_type, conv_key, int(seq)])
                .map_err(backend("querying message extensions"))?;
            let mut extensions = Vec::new();
            while let Some(row) = rows.next().map_err(backend("reading message extensions"))? {
                let read = backend("reading a message extension");
                extensions.push(MessageExtensionRecord {
                    key: row.get(0).map_err(&read)?,
                    value: row.get(1).map_err(&read)?,
                    seq: from_sql(row.get(2).map_err(&read)?)?,
                    deleted: row.get::<_, i64>(3).map_err(&read)? != 0,
                });
            }
            Ok(extensions)
        })
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
        self.with_connection(|connection| {
            let mut statement = connection
                .prepare_cached(
                    "select seq from hidden_message where sdkappid = ?1 and user_id = ?2 and conv_type = ?3 \
                     and conv_key = ?4 and seq >= ?5 and seq <= ?6 order by seq",
                )
                .map_err(backend("preparing the hidden messages query"))?;
            let mut rows = statement
                .query(params![int(sdkappid), user.as_str(), conv_type, conv_key, int(first_seq), int(last_seq)])
                .map_err(backend("querying hidden messages"))?;
            let mut seqs = Vec::new();
            while let Some(row) = rows.next().map_err(backend("reading hidden messages"))? {
                seqs.push(from_sql(row.get(0).map_err(backend("reading a hidden message"))?)?);
            }
            Ok(seqs)
        })
    }

    fn group_revisions_after(
        &self,
        sdkappid: u64,
        group_id: &GroupId,
        after_pos: u64,
        seq_range: (u64, u64),
        limit: usize,
    ) -> StoreResult<Vec<MessageRecord>> {
        self.with_connection(|connection| {
            let sql = format!(
                "select {MESSAGE_COLUMNS} from message where sdkappid = ?1 and conv_type = ?2 and conv_key = ?3 \
                 and revised_pos > ?4 and seq > ?5 and seq <= ?6 order by revised_pos limit ?7"
            );
            let values = vec![
                int(sdkappid),
                Value::Integer(CONV_GROUP),
                Value::Text(group_id.as_str().to_owned()),
                int(after_pos),
                int(seq_range.0),
                int(seq_range.1),
                Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)),
            ];
            query_messages(connection, &sql, values)
        })
    }
}

fn load_apps(connection: &Connection) -> StoreResult<Vec<tincan_store::AppRecord>> {
    let mut statement = connection
        .prepare(
            "select sdkappid, secret_key, admin_identifier, plan, receipt_group_types, receipt_coalesce_window_ms, \
             receipt_group_members_max, created_at, callback_url, callback_commands, root, revoke_time_limit from app order by sdkappid",
        )
        .map_err(backend("preparing the app query"))?;
    let mut rows = statement.query([]).map_err(backend("querying apps"))?;
    let mut apps = Vec::new();
    while let Some(row) = rows.next().map_err(backend("reading apps"))? {
        apps.push(app_from_row(row)?);
    }
    Ok(apps)
}

fn load_pending_callbacks(connection: &Connection) -> StoreResult<Vec<(u64, u64)>> {
    let mut statement = connection
        .prepare("select sdkappid, count(*) from callback_queue group by sdkappid")
        .map_err(backend("preparing the webhook count"))?;
    let mut rows = statement.query([]).map_err(backend("counting webhooks"))?;
    let mut counts = Vec::new();
    while let Some(row) = rows.next().map_err(backend("reading webhook counts"))? {
        let sdkappid: i64 = row.get(0).map_err(backend("reading webhook counts"))?;
        let count: i64 = row.get(1).map_err(backend("reading webhook counts"))?;
        counts.push((from_sql(sdkappid)?, from_sql(count)?));
    }
    Ok(counts)
}

fn load_accounts(connection: &Connection) -> StoreResult<Vec<AccountRecord>> {
    let mut statement = connection
        .prepare("select sdkappid, user_id, tiny_id, created_at, receipt_private from account order by tiny_id")
        .map_err(backend("preparing the account query"))?;
    let mut rows = statement.query([]).map_err(backend("querying accounts"))?;
    let mut accounts = Vec::new();
    while let Some(row) = rows.next().map_err(backend("reading accounts"))? {
        let (sdkappid, user, tiny_id, created_at, private): (i64, String, i64, i64, bool) =
            (|| Ok::<_, rusqlite::Error>((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)))()
                .map_err(backend("reading an account"))?;
        accounts.push(AccountRecord {
            sdkappid: from_sql(sdkappid)?,
            user: parse_user(&user)?,
            tiny_id: from_sql(tiny_id)?,
            created_at: from_sql(created_at)?,
            receipt_private: private,
        });
    }
    Ok(accounts)
}

fn load_groups(connection: &Connection) -> StoreResult<Vec<GroupRecord>> {
    let mut statement = connection
        .prepare(
            "select sdkappid, group_id, group_type, name, introduction, notification, face_url, add_option, \
             max_member_num, owner, created_at, info_seq, next_index, shutup_all, visible, searchable, custom \
             from grp where dismissed_at is null \
             order by sdkappid, group_id",
        )
        .map_err(backend("preparing the group query"))?;
    let mut rows = statement.query([]).map_err(backend("querying groups"))?;
    let mut groups = Vec::new();
    while let Some(row) = rows.next().map_err(backend("reading groups"))? {
        let get_i64 = |index: usize| -> StoreResult<i64> { row.get(index).map_err(backend("reading a group")) };
        let get_text = |index: usize| -> StoreResult<String> { row.get(index).map_err(backend("reading a group")) };
        let owner: Option<String> = row.get(9).map_err(backend("reading a group"))?;
        groups.push(GroupRecord {
            sdkappid: from_sql(get_i64(0)?)?,
            group_id: parse_group(&get_text(1)?)?,
            group_type: group_type_from_sql(get_i64(2)?)?,
            profile: GroupProfile {
                name: get_text(3)?,
                introduction: get_text(4)?,
                notification: get_text(5)?,
                face_url: get_text(6)?,
                add_option: u32_from_sql(get_i64(7)?)?,
                max_member_num: u32_from_sql(get_i64(8)?)?,
                shutup_all: get_i64(13)? != 0,
                visible: u32_from_sql(get_i64(14)?)?,
                searchable: u32_from_sql(get_i64(15)?)?,
                custom: custom_from_sql(&get_text(16)?)?,
            },
            owner: owner.as_deref().map(parse_user).transpose()?,
            created_at: from_sql(get_i64(10)?)?,
            info_seq: from_sql(get_i64(11)?)?,
            next_index: u32_from_sql(get_i64(12)?)?,
            dismissed_at: None,
        });
    }
    Ok(groups)
}

fn load_join_requests(connection: &Connection) -> StoreResult<Vec<JoinRequestRecord>> {
    let mut statement = connection
        .prepare(
            "select r.sdkappid, r.group_id, r.user_id, r.add_time, r.message from group_join_request r \
             join grp g on g.sdkappid = r.sdkappid and g.group_id = r.group_id \
             where g.dismissed_at is null order by r.sdkappid, r.group_id, r.user_id",
        )
        .map_err(backend("preparing the join request query"))?;
    let mut rows = statement.query([]).map_err(backend("querying join requests"))?;
    let mut requests = Vec::new();
    while let Some(row) = rows.next().map_err(backend("reading join requests"))? {
        let get_i64 = |index: usize| -> StoreResult<i64> { row.get(index).map_err(backend("reading a join request")) };
        let get_text =
            |index: usize| -> StoreResult<String> { row.get(index).map_err(backend("reading a join request")) };
        requests.push(JoinRequestRecord {
            sdkappid: from_sql(get_i64(0)?)?,
            group_id: parse_group(&get_text(1)?)?,
            user: parse_user(&get_text(2)?)?,
            add_time: from_sql(get_i64(3)?)?,
            message: get_text(4)?,
        });
    }
    Ok(requests)
}

fn load_pendency_read_times(connection: &Connection) -> StoreResult<Vec<(u64, UserId, u64)>> {
    let mut statement = connection
        .prepare("select sdkappid, user_id, read_time from group_pendency_read order by sdkappid, user_id")
        .map_err(backend("preparing the pendency read query"))?;
    let mut rows = statement.query([]).map_err(backend("querying pendency reads"))?;
    let mut times = Vec::new();
    while let Some(row) = rows.next().map_err(backend("reading pendency reads"))? {
        let get_i64 = |index: usize| -> StoreResult<i64> { row.get(index).map_err(backend("reading a pendency read")) };
        let user: String = row.get(1).map_err(backend("reading a pendency read"))?;
        times.push((from_sql(get_i64(0)?)?, parse_user(&user)?, from_sql(get_i64(2)?)?));
    }
    Ok(times)
}

fn load_members(connection: &Connection) -> StoreResult<Vec<MemberRecord>> {
    let mut statement = connection
        .prepare(
            "select m.sdkappid, m.group_id, m.member_index, m.user_id, m.role, m.join_seq, m.join_time, m.join_pos, \
             m.name_card, m.shutup_until, m.custom \
             from group_member m join grp g on g.sdkappid = m.sdkappid and g.group_id = m.group_id \
             where m.leave_pos is null and g.dismissed_at is null order by m.sdkappid, m.group_id, m.member_index",
        )
        .map_err(backend("preparing the member query"))?;
    let mut rows = statement.query([]).map_err(backend("querying members"))?;
    let mut members = Vec::new();
    while let Some(row) = rows.next().map_err(backend("reading members"))? {
        let get_i64 = |index: usize| -> StoreResult<i64> { row.get(index).map_err(backend("reading a member")) };
        let get_text = |index: usize| -> StoreResult<String> { row.get(index).map_err(backend("reading a member")) };
        members.push(MemberRecord {
            sdkappid: from_sql(get_i64(0)?)?,
            group_id: parse_group(&get_text(1)?)?,
            index: u32_from_sql(get_i64(2)?)?,
            user: parse_user(&get_text(3)?)?,
            role: role_from_sql(get_i64(4)?)?,
            join_seq: from_sql(get_i64(5)?)?,
            join_time: from_sql(get_i64(6)?)?,
            join_pos: from_sql(get_i64(7)?)?,
            info: MemberInfo {
                name_card: get_text(8)?,
                shutup_until: from_sql(get_i64(9)?)?,
                custom: custom_from_sql(&get_text(10)?)?,
            },
        });
    }
    Ok(members)
}

fn load_conv_settings(connection: &Connection) -> StoreResult<Vec<ConvSettingsRecord>> {
    let mut statement = connection
        .prepare(
            "select sdkappid, user_id, conv_type, conv_key, created_at, deleted_seq, cleared_seq, draft, pinned, \
             marks, custom_data, groups, recv_opt from conv_settings",
        )
        .map_err(backend("preparing the conversation settings query"))?;
    let mut rows = statement.query([]).map_err(backend("querying conversation settings"))?;
    let mut records = Vec::new();
    while let Some(row) = rows.next().map_err(backend("reading conversation settings"))? {
        let context = "reading conversation settings";
        let get_i64 = |index: usize| -> StoreResult<i64> { row.get(index).map_err(backend(context)) };
        let get_text = |index: usize| -> StoreResult<String> { row.get(index).map_err(backend(context)) };
        let deleted_seq: Option<i64> = row.get(5).map_err(backend(context))?;
        let pinned: bool = row.get(8).map_err(backend(context))?;
        records.push(ConvSettingsRecord {
            sdkappid: from_sql(get_i64(0)?)?,
            user: parse_user(&get_text(1)?)?,
            conv: conv_from_columns(get_i64(2)?, &get_text(3)?)?,
            settings: ConvSettings {
                created_at: from_sql(get_i64(4)?)?,
                deleted_seq: deleted_seq.map(from_sql).transpose()?,
                cleared_seq: from_sql(get_i64(6)?)?,
                draft: get_text(7)?,
                pinned,
                marks: bits_from_sql(get_i64(9)?),
                custom_data: get_text(10)?,
                groups: names_from_sql(&get_text(11)?),
                recv_opt: u32::try_from(get_i64(12)?)
                    .map_err(|_| StoreError::Corrupt("a receive option".to_owned()))?,
            },
        });
    }
    Ok(records)
}

fn load_conv_groups(connection: &Connection) -> StoreResult<Vec<ConvGroupsRecord>> {
    let mut statement = connection
        .prepare("select sdkappid, user_id, names from conv_group_list")
        .map_err(backend("preparing the conversation group query"))?;
    let mut rows = statement.query([]).map_err(backend("querying conversation groups"))?;
    let mut records = Vec::new();
    while let Some(row) = rows.next().map_err(backend("reading conversation groups"))? {
        let context = "reading conversation groups";
        let sdkappid: i64 = row.get(0).map_err(backend(context))?;
        let user: String = row.get(1).map_err(backend(context))?;
        let names: String = row.get(2).map_err(backend(context))?;
        records.push(ConvGroupsRecord {
            sdkappid: from_sql(sdkappid)?,
            user: parse_user(&user)?,
            names: names_from_sql(&names),
        });
    }
    Ok(records)
}

fn load_read_states(connection: &Connection) -> StoreResult<Vec<ReadStateRecord>> {
    let mut statement = connection
        .prepare("select sdkappid, user_id, conv_type, conv_key, read_seq, read_time, published_seq, published_time from read_state")
        .map_err(backend("preparing the read state query"))?;
    let mut rows = statement.query([]).map_err(backend("querying read states"))?;
    let mut states = Vec::new();
    while let Some(row) = rows.next().map_err(backend("reading read states"))? {
        let get_i64 = |index: usize| -> StoreResult<i64> { row.get(index).map_err(backend("reading a read state")) };
        let get_text =
            |index: usize| -> StoreResult<String> { row.get(index).map_err(backend("reading a read state")) };
        states.push(ReadStateRecord {
            sdkappid: from_sql(get_i64(0)?)?,
            user: parse_user(&get_text(1)?)?,
            conv: conv_from_columns(get_i64(2)?, &get_text(3)?)?,
            read_seq: from_sql(get_i64(4)?)?,
            read_time: from_sql(get_i64(5)?)?,
            published_seq: from_sql(get_i64(6)?)?,
            published_time: from_sql(get_i64(7)?)?,
        });
    }
    Ok(states)
}

fn load_conversations(connection: &Connection) -> StoreResult<Vec<ConvSummary>> {
    // SQLite returns the other columns of the row that holds the max() of a bare aggregate.
    let sql = format!("select {MESSAGE_COLUMNS}, max(seq) from message group by sdkappid, conv_type, conv_key");
    Ok(query_messages(connection, &sql, Vec::new())?
        .into_iter()
        .map(|last_message| ConvSummary { last_message })
        .collect())
}

fn load_own_messages(connection: &Connection) -> StoreResult<Vec<OwnMessage>> {
    let mut statement = connection
        .prepare(
            "select m.sdkappid, m.conv_type, m.conv_key, m.sender, m.seq from message m \
             left join read_state r on r.sdkappid = m.sdkappid and r.user_id = m.sender \
             and r.conv_type = m.conv_type and r.conv_key = m.conv_key \
             where m.excluded = 0 and m.revoked_by is null and m.seq > coalesce(r.read_seq, 0)",
        )
        .map_err(backend("preparing the own message query"))?;
    let mut rows = statement.query([]).map_err(backend("querying own messages"))?;
    let mut own = Vec::new();
    while let Some(row) = rows.next().map_err(backend("reading own messages"))? {
        let (sdkappid, conv_type, conv_key, sender, seq): (i64, i64, String, String, i64) =
            (|| Ok::<_, rusqlite::Error>((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)))()
                .map_err(backend("reading an own message"))?;
        own.push(OwnMessage {
            sdkappid: from_sql(sdkappid)?,
            conv: conv_from_columns(conv_type, &conv_key)?,
            sender: parse_user(&sender)?,
            seq: from_sql(seq)?,
        });
    }
    Ok(own)
}

fn load_excluded(connection: &Connection) -> StoreResult<Vec<(u64, ConvKey, u64)>> {
    let mut statement = connection
        .prepare(
            "select sdkappid, conv_type, conv_key, seq from message where excluded = 1 \
             union all select sdkappid, conv_type, conv_key, seq from message \
             where excluded = 0 and revoked_by is not null",
        )
        .map_err(backend("preparing the excluded query"))?;
    let mut rows = statement.query([]).map_err(backend("querying excluded messages"))?;
    let mut excluded = Vec::new();
    while let Some(row) = rows.next().map_err(backend("reading excluded messages"))? {
        let (sdkappid, conv_type, conv_key, seq): (i64, i64, String, i64) =
            (|| Ok::<_, rusqlite::Error>((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))()
                .map_err(backend("reading an excluded message"))?;
        excluded.push((from_sql(sdkappid)?, conv_from_columns(conv_type, &conv_key)?, from_sql(seq)?));
    }
    Ok(excluded)
}

/// Each conversation's latest revision position, by app, then position.
fn load_revisions(connection: &Connection) -> StoreResult<Vec<(u64, ConvKey, u64)>> {
    let mut statement = connection
        .prepare(
            "select sdkappid, conv_type, conv_key, max(revised_pos) as latest from message where revised_pos > 0 \
             group by sdkappid, conv_type, conv_key order by sdkappid, latest",
        )
        .map_err(backend("preparing the revisions query"))?;
    let mut rows = statement.query([]).map_err(backend("querying revisions"))?;
    let mut revisions = Vec::new();
    while let Some(row) = rows.next().map_err(backend("reading revisions"))? {
        let (sdkappid, conv_type, conv_key, pos): (i64, i64, String, i64) =
            (|| Ok::<_, rusqlite::Error>((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))()
                .map_err(backend("reading a revision"))?;
        revisions.push((from_sql(sdkappid)?, conv_from_columns(conv_type, &conv_key)?, from_sql(pos)?));
    }
    Ok(revisions)
}

fn load_recent(connection: &Connection, since: u64) -> StoreResult<Vec<RecentMessage>> {
    // Messages are appended in time order, so walking back from the newest position stops at
    // the first message older than `since`.
    let mut statement = connection
        .prepare("select sdkappid, conv_type, conv_key, msg_id, seq, server_time from message order by pos desc")
        .map_err(backend("preparing the recent message query"))?;
    let mut rows = statement.query([]).map_err(backend("querying recent messages"))?;
    let mut recent = Vec::new();
    while let Some(row) = rows.next().map_err(backend("reading recent messages"))? {
        let (sdkappid, conv_type, conv_key, msg_id, seq, server_time): (i64, i64, String, String, i64, i64) = (|| {
            Ok::<_, rusqlite::Error>((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?))
        })(
        )
        .map_err(backend("reading a recent message"))?;
        let server_time = from_sql(server_time)?;
        if server_time < since {
            break;
        }
        recent.push(RecentMessage {
            sdkappid: from_sql(sdkappid)?,
            conv: conv_from_columns(conv_type, &conv_key)?,
            msg_id,
            seq: from_sql(seq)?,
            server_time,
        });
    }
    if recent.iter().any(|message| message.seq == 0) {
        return Err(StoreError::Corrupt("a stored message has seq 0".to_owned()));
    }
    Ok(recent)
}

fn load_profiles(connection: &Connection) -> StoreResult<Vec<tincan_store::ProfileRecord>> {
    use std::collections::BTreeMap;

    use tincan_proto::profile::{CustomString, UserProfile};
    use tincan_store::ProfileRecord;

    let mut profiles: BTreeMap<(u64, String), ProfileRecord> = BTreeMap::new();
    let mut statement = connection
        .prepare(
            "select sdkappid, user_id, nick, gender, face_url, signature, add_permission, location, language, \
             birthday, level, role, updated_at from profile",
        )
        .map_err(backend("preparing the profile query"))?;
    let mut rows = statement.query([]).map_err(backend("querying profiles"))?;
    while let Some(row) = rows.next().map_err(backend("reading profiles"))? {
        let read = || -> rusqlite::Result<_> {
            let sdkappid: i64 = row.get(0)?;
            let user: String = row.get(1)?;
            let profile = UserProfile {
                user_profile_identifier: user.clone(),
                user_profile_nick_name: row.get(2)?,
                user_profile_gender: row.get(3)?,
                user_profile_face_url: row.get(4)?,
                user_profile_self_signature: row.get(5)?,
                user_profile_add_permission: row.get(6)?,
                user_profile_location: row.get(7)?,
                user_profile_language: row.get(8)?,
                user_profile_birthday: row.get(9)?,
                user_profile_level: row.get(10)?,
                user_profile_role: row.get(11)?,
                user_profile_custom_string_array: Vec::new(),
            };
            let updated_at: i64 = row.get(12)?;
            Ok((sdkappid, user, profile, updated_at))
        };
        let (sdkappid, user, profile, updated_at) = read().map_err(backend("reading a profile"))?;
        let sdkappid = from_sql(sdkappid)?;
        let record = ProfileRecord {
            sdkappid,
            user: parse_user(&user)?,
            profile,
            info_subscriptions: Vec::new(),
            status_subscriptions: Vec::new(),
            updated_at: from_sql(updated_at)?,
        };
        profiles.insert((sdkappid, user), record);
    }
    let mut statement = connection
        .prepare("select sdkappid, user_id, key, value from profile_custom order by sdkappid, user_id, key")
        .map_err(backend("preparing the profile field query"))?;
    let mut rows = statement.query([]).map_err(backend("querying profile fields"))?;
    while let Some(row) = rows.next().map_err(backend("reading profile fields"))? {
        let (sdkappid, user, key, value): (i64, String, String, String) =
            (|| Ok::<_, rusqlite::Error>((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))()
                .map_err(backend("reading a profile field"))?;
        let record = profiles
            .get_mut(&(from_sql(sdkappid)?, user))
            .ok_or_else(|| StoreError::Corrupt("a custom profile field without its profile".to_owned()))?;
        record.profile.user_profile_custom_string_array.push(CustomString {
            user_profile_custom_string_info_key: key,
            user_profile_custom_string_info_value: value,
        });
    }
    let mut statement = connection
        .prepare("select sdkappid, user_id, kind, target from subscription order by sdkappid, user_id, kind, seq")
        .map_err(backend("preparing the subscription query"))?;
    let mut rows = statement.query([]).map_err(backend("querying subscriptions"))?;
    while let Some(row) = rows.next().map_err(backend("reading subscriptions"))? {
        let (sdkappid, user, kind, target): (i64, String, i64, String) =
            (|| Ok::<_, rusqlite::Error>((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))()
                .map_err(backend("reading a subscription"))?;
        let record = profiles
            .get_mut(&(from_sql(sdkappid)?, user))
            .ok_or_else(|| StoreError::Corrupt("a subscription without its profile".to_owned()))?;
        let target = parse_user(&target)?;
        match kind {
            0 => record.info_subscriptions.push(target),
            _ => record.status_subscriptions.push(target),
        }
    }
    Ok(profiles.into_values().collect())
}
