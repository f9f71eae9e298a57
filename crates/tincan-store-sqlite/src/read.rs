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
    AccountRecord, AllRecvOpt, AllRecvOptRecord, CallbackRecord, ConvGroupsRecord, ConvSettings, ConvSettingsRecord,
    ConvSummary, GroupAttributesRecord, GroupCountersRecord, GroupReceiptRecord, GroupRecord, JoinRequestRecord,
    LoadedState, MemberInfo, MemberRecord, MembershipSpan, MessageExtensionRecord, MessageRecord, OwnMessage,
    ReadStateRecord, RecentMessage, StoreError, StoreRead, StoreResult, UserEventRecord,
};

use crate::codec::{
    CONV_GROUP, Columns, MESSAGE_COLUMNS, app_from_row, bits_from_sql, collect_rows, conv_columns, custom_from_sql,
    from_sql, group_type_from_sql, message_from_row, names_from_sql, parse_user, role_from_sql, to_sql, u32_from_sql,
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
    collect_rows(connection, sql, params_from_iter(values), "reading messages", message_from_row)
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
                all_recv_opts: load_all_recv_opts(connection)?,
                profiles: load_profiles(connection)?,
                friends: load_friends(connection)?,
                friend_requests: load_friend_requests(connection)?,
                blocks: load_blocks(connection)?,
                follows: load_follows(connection)?,
                friend_metas: load_friend_metas(connection)?,
                revisions: load_revisions(connection)?,
                group_attributes: load_group_attributes(connection)?,
                group_counters: load_group_counters(connection)?,
                group_bans: load_group_bans(connection)?,
            })
        })
    }

    fn due_callbacks(&self, now_ms: u64, limit: usize) -> StoreResult<Vec<CallbackRecord>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.with_connection(|connection| {
            collect_rows(
                connection,
                "select id, sdkappid, command, event, enqueued_at, attempts, next_at from callback_queue \
                 where next_at <= ?1 order by next_at, id limit ?2",
                params![to_sql(now_ms), limit],
                "reading due webhooks",
                |columns| {
                    Ok(CallbackRecord {
                        id: columns.u64(0)?,
                        sdkappid: columns.u64(1)?,
                        command: columns.text(2)?,
                        event: columns.text(3)?,
                        enqueued_at: columns.u64(4)?,
                        attempts: columns.u32(5)?,
                        next_at: columns.u64(6)?,
                    })
                },
            )
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
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.with_connection(|connection| {
            collect_rows(
                connection,
                "select pos, kind, conv_type, conv_key, seq, payload from user_event \
                 where sdkappid = ?1 and user_id = ?2 and pos > ?3 order by pos limit ?4",
                params![to_sql(sdkappid), user.as_str(), to_sql(after_pos), limit],
                "reading user events",
                |columns| {
                    let conv = if columns.get::<i64>(2)? == 0 { None } else { Some(columns.conv(2)?) };
                    Ok(UserEventRecord {
                        sdkappid,
                        user: user.clone(),
                        pos: columns.u64(0)?,
                        kind: columns.text(1)?,
                        conv,
                        seq: columns.u64(4)?,
                        payload: columns.text(5)?,
                    })
                },
            )
        })
    }

    fn memberships_since(&self, sdkappid: u64, user: &UserId, after_pos: u64) -> StoreResult<Vec<MembershipSpan>> {
        self.with_connection(|connection| {
            let mut spans = collect_rows(
                connection,
                // Without the hint SQLite may walk every membership of the app (it prefers the
                // primary key when sorting); the user's own memberships are few.
                "select group_id, member_index, join_seq, leave_seq, join_pos from group_member \
                 indexed by group_member_by_user \
                 where sdkappid = ?1 and user_id = ?2 and (leave_pos is null or leave_pos > ?3)",
                params![to_sql(sdkappid), user.as_str(), to_sql(after_pos)],
                "reading memberships",
                |columns| {
                    let span = MembershipSpan {
                        group_id: columns.group(0)?,
                        index: columns.u32(1)?,
                        join_seq: columns.u64(2)?,
                        leave_seq: columns.get::<Option<i64>>(3)?.map(from_sql).transpose()?,
                    };
                    Ok((columns.u64(4)?, span))
                },
            )?;
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
        self.group_messages_by(GroupPosition::Appended, sdkappid, group_id, after_pos, seq_range, limit)
    }

    fn message_extensions(&self, sdkappid: u64, conv: &ConvKey, seq: u64) -> StoreResult<Vec<MessageExtensionRecord>> {
        let (conv_type, conv_key) = conv_columns(conv);
        self.with_connection(|connection| {
            collect_rows(
                connection,
                "select key, value, key_seq, deleted from message_extension where sdkappid = ?1 \
                 and conv_type = ?2 and conv_key = ?3 and seq = ?4 order by key",
                params![int(sdkappid), conv_type, conv_key, int(seq)],
                "reading message extensions",
                |columns| {
                    Ok(MessageExtensionRecord {
                        key: columns.text(0)?,
                        value: columns.text(1)?,
                        seq: columns.u64(2)?,
                        deleted: columns.flag(3)?,
                    })
                },
            )
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
            collect_rows(
                connection,
                "select seq from hidden_message where sdkappid = ?1 and user_id = ?2 and conv_type = ?3 \
                 and conv_key = ?4 and seq >= ?5 and seq <= ?6 order by seq",
                params![int(sdkappid), user.as_str(), conv_type, conv_key, int(first_seq), int(last_seq)],
                "reading hidden messages",
                |columns| columns.u64(0),
            )
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
        self.group_messages_by(GroupPosition::Revised, sdkappid, group_id, after_pos, seq_range, limit)
    }

    fn messages_by_sender(
        &self,
        sdkappid: u64,
        conv: &ConvKey,
        sender: &UserId,
        seq_range: (u64, u64),
        limit: usize,
    ) -> StoreResult<Vec<MessageRecord>> {
        let (conv_type, conv_key) = conv_columns(conv);
        self.with_connection(|connection| {
            let sql = format!(
                "select {MESSAGE_COLUMNS} from message where sdkappid = ?1 and conv_type = ?2 and conv_key = ?3 \
                 and sender = ?4 and seq > ?5 and seq <= ?6 order by seq desc limit ?7"
            );
            let values = vec![
                int(sdkappid),
                Value::Integer(conv_type),
                Value::Text(conv_key),
                Value::Text(sender.as_str().to_owned()),
                int(seq_range.0),
                int(seq_range.1),
                Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)),
            ];
            query_messages(connection, &sql, values)
        })
    }
}

/// Which of a message's positions a replay of a group's messages follows.
#[derive(Clone, Copy)]
enum GroupPosition {
    /// Where the message was appended (`pos`).
    Appended,
    /// Where it was last revised (`revised_pos`).
    Revised,
}

impl SqliteReader {
    /// A group's messages whose position of `kind` is after `after_pos`, in that order, with
    /// seqs in `seq_range` (the lower bound excluded).
    fn group_messages_by(
        &self,
        kind: GroupPosition,
        sdkappid: u64,
        group_id: &GroupId,
        after_pos: u64,
        seq_range: (u64, u64),
        limit: usize,
    ) -> StoreResult<Vec<MessageRecord>> {
        let column = match kind {
            GroupPosition::Appended => "pos",
            GroupPosition::Revised => "revised_pos",
        };
        self.with_connection(|connection| {
            let sql = format!(
                "select {MESSAGE_COLUMNS} from message where sdkappid = ?1 and conv_type = ?2 and conv_key = ?3 \
                 and {column} > ?4 and seq > ?5 and seq <= ?6 order by {column} limit ?7"
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
    collect_rows(
        connection,
        "select sdkappid, secret_key, admin_identifier, plan, receipt_group_types, receipt_coalesce_window_ms, \
         receipt_group_members_max, created_at, callback_url, callback_commands, root, c2c_requires_friendship, \
         blocked_send_fails, revoke_time_limit from app order by sdkappid",
        [],
        "reading apps",
        app_from_row,
    )
}

fn load_pending_callbacks(connection: &Connection) -> StoreResult<Vec<(u64, u64)>> {
    collect_rows(
        connection,
        "select sdkappid, count(*) from callback_queue group by sdkappid",
        [],
        "counting webhooks",
        |columns| Ok((columns.u64(0)?, columns.u64(1)?)),
    )
}

fn load_accounts(connection: &Connection) -> StoreResult<Vec<AccountRecord>> {
    collect_rows(
        connection,
        "select sdkappid, user_id, tiny_id, created_at, receipt_private from account order by tiny_id",
        [],
        "reading accounts",
        |columns| {
            Ok(AccountRecord {
                sdkappid: columns.u64(0)?,
                user: columns.user(1)?,
                tiny_id: columns.u64(2)?,
                created_at: columns.u64(3)?,
                receipt_private: columns.get(4)?,
            })
        },
    )
}

fn load_groups(connection: &Connection) -> StoreResult<Vec<GroupRecord>> {
    collect_rows(
        connection,
        "select sdkappid, group_id, group_type, name, introduction, notification, face_url, add_option, \
         max_member_num, owner, created_at, info_seq, next_index, shutup_all, visible, searchable, custom, \
         approve_option from grp where dismissed_at is null \
         order by sdkappid, group_id",
        [],
        "reading groups",
        |columns| {
            Ok(GroupRecord {
                sdkappid: columns.u64(0)?,
                group_id: columns.group(1)?,
                group_type: group_type_from_sql(columns.get(2)?)?,
                profile: GroupProfile {
                    name: columns.text(3)?,
                    introduction: columns.text(4)?,
                    notification: columns.text(5)?,
                    face_url: columns.text(6)?,
                    add_option: columns.u32(7)?,
                    approve_option: columns.u32(17)?,
                    max_member_num: columns.u32(8)?,
                    shutup_all: columns.flag(13)?,
                    visible: columns.u32(14)?,
                    searchable: columns.u32(15)?,
                    custom: custom_from_sql(&columns.text(16)?)?,
                },
                owner: columns.get::<Option<String>>(9)?.as_deref().map(parse_user).transpose()?,
                created_at: columns.u64(10)?,
                info_seq: columns.u64(11)?,
                next_index: columns.u32(12)?,
                dismissed_at: None,
            })
        },
    )
}

fn load_join_requests(connection: &Connection) -> StoreResult<Vec<JoinRequestRecord>> {
    collect_rows(
        connection,
        "select r.sdkappid, r.group_id, r.user_id, r.add_time, r.message, r.inviter from group_join_request r \
         join grp g on g.sdkappid = r.sdkappid and g.group_id = r.group_id \
         where g.dismissed_at is null order by r.sdkappid, r.group_id, r.user_id",
        [],
        "reading join requests",
        |columns| {
            Ok(JoinRequestRecord {
                sdkappid: columns.u64(0)?,
                group_id: columns.group(1)?,
                user: columns.user(2)?,
                add_time: columns.u64(3)?,
                message: columns.text(4)?,
                inviter: Some(columns.text(5)?).filter(|it| !it.is_empty()).as_deref().map(parse_user).transpose()?,
            })
        },
    )
}

/// Rows of one group each (app, group, then the row's own columns), gathered into one record a
/// group: the query orders them by app and group.
fn by_group<T, R>(rows: Vec<(u64, GroupId, T)>, make: impl Fn(u64, GroupId, Vec<T>) -> R) -> Vec<R> {
    let mut groups: Vec<(u64, GroupId, Vec<T>)> = Vec::new();
    for (sdkappid, group_id, item) in rows {
        match groups.last_mut() {
            Some(last) if last.0 == sdkappid && last.1 == group_id => last.2.push(item),
            _ => groups.push((sdkappid, group_id, vec![item])),
        }
    }
    groups.into_iter().map(|(sdkappid, group_id, items)| make(sdkappid, group_id, items)).collect()
}

/// Each live group's attributes, as one record a group, by app, group and key.
fn load_group_attributes(connection: &Connection) -> StoreResult<Vec<GroupAttributesRecord>> {
    let rows = collect_rows(
        connection,
        "select a.sdkappid, a.group_id, a.attr_key, a.attr_value from group_attribute a \
         join grp g on g.sdkappid = a.sdkappid and g.group_id = a.group_id \
         where g.dismissed_at is null order by a.sdkappid, a.group_id, a.attr_key",
        [],
        "reading group attributes",
        |columns| Ok((columns.u64(0)?, columns.group(1)?, (columns.text(2)?, columns.text(3)?))),
    )?;
    Ok(by_group(rows, |sdkappid, group_id, attributes| GroupAttributesRecord { sdkappid, group_id, attributes }))
}

/// Bans from live groups, by app, group and user.
fn load_group_bans(connection: &Connection) -> StoreResult<Vec<(u64, GroupId, UserId, u64)>> {
    collect_rows(
        connection,
        "select b.sdkappid, b.group_id, b.user_id, b.until from group_ban b \
         join grp g on g.sdkappid = b.sdkappid and g.group_id = b.group_id \
         where g.dismissed_at is null order by b.sdkappid, b.group_id, b.user_id",
        [],
        "reading bans",
        |columns| Ok((columns.u64(0)?, columns.group(1)?, columns.user(2)?, columns.u64(3)?)),
    )
}

/// Each live group's counters, as one record a group, by app, group and key.
fn load_group_counters(connection: &Connection) -> StoreResult<Vec<GroupCountersRecord>> {
    let rows = collect_rows(
        connection,
        "select c.sdkappid, c.group_id, c.counter_key, c.counter_value from group_counter c \
         join grp g on g.sdkappid = c.sdkappid and g.group_id = c.group_id \
         where g.dismissed_at is null order by c.sdkappid, c.group_id, c.counter_key",
        [],
        "reading group counters",
        |columns| Ok((columns.u64(0)?, columns.group(1)?, (columns.text(2)?, columns.get::<i64>(3)?))),
    )?;
    Ok(by_group(rows, |sdkappid, group_id, counters| GroupCountersRecord { sdkappid, group_id, counters }))
}

fn load_pendency_read_times(connection: &Connection) -> StoreResult<Vec<(u64, UserId, u64)>> {
    collect_rows(
        connection,
        "select sdkappid, user_id, read_time from group_pendency_read order by sdkappid, user_id",
        [],
        "reading pendency reads",
        |columns| Ok((columns.u64(0)?, columns.user(1)?, columns.u64(2)?)),
    )
}

fn load_members(connection: &Connection) -> StoreResult<Vec<MemberRecord>> {
    collect_rows(
        connection,
        "select m.sdkappid, m.group_id, m.member_index, m.user_id, m.role, m.join_seq, m.join_time, m.join_pos, \
         m.name_card, m.shutup_until, m.custom \
         from group_member m join grp g on g.sdkappid = m.sdkappid and g.group_id = m.group_id \
         where m.leave_pos is null and g.dismissed_at is null order by m.sdkappid, m.group_id, m.member_index",
        [],
        "reading members",
        |columns| {
            Ok(MemberRecord {
                sdkappid: columns.u64(0)?,
                group_id: columns.group(1)?,
                index: columns.u32(2)?,
                user: columns.user(3)?,
                role: role_from_sql(columns.get(4)?)?,
                join_seq: columns.u64(5)?,
                join_time: columns.u64(6)?,
                join_pos: columns.u64(7)?,
                info: MemberInfo {
                    name_card: columns.text(8)?,
                    shutup_until: columns.u64(9)?,
                    custom: custom_from_sql(&columns.text(10)?)?,
                },
            })
        },
    )
}

fn load_conv_settings(connection: &Connection) -> StoreResult<Vec<ConvSettingsRecord>> {
    collect_rows(
        connection,
        "select sdkappid, user_id, conv_type, conv_key, created_at, deleted_seq, cleared_seq, draft, pinned, \
         marks, custom_data, groups, recv_opt from conv_settings",
        [],
        "reading conversation settings",
        |columns| {
            Ok(ConvSettingsRecord {
                sdkappid: columns.u64(0)?,
                user: columns.user(1)?,
                conv: columns.conv(2)?,
                settings: ConvSettings {
                    created_at: columns.u64(4)?,
                    deleted_seq: columns.get::<Option<i64>>(5)?.map(from_sql).transpose()?,
                    cleared_seq: columns.u64(6)?,
                    draft: columns.text(7)?,
                    pinned: columns.get(8)?,
                    marks: bits_from_sql(columns.get(9)?),
                    custom_data: columns.text(10)?,
                    groups: names_from_sql(&columns.text(11)?),
                    recv_opt: columns.u32(12)?,
                },
            })
        },
    )
}

fn load_conv_groups(connection: &Connection) -> StoreResult<Vec<ConvGroupsRecord>> {
    collect_rows(
        connection,
        "select sdkappid, user_id, names from conv_group_list",
        [],
        "reading conversation groups",
        |columns| {
            Ok(ConvGroupsRecord {
                sdkappid: columns.u64(0)?,
                user: columns.user(1)?,
                names: names_from_sql(&columns.text(2)?),
            })
        },
    )
}

fn load_all_recv_opts(connection: &Connection) -> StoreResult<Vec<AllRecvOptRecord>> {
    collect_rows(
        connection,
        "select sdkappid, user_id, level, start_hour, start_minute, start_second, start_time_stamp, duration \
         from all_recv_opt",
        [],
        "reading app-wide receive options",
        |columns| {
            Ok(AllRecvOptRecord {
                sdkappid: columns.u64(0)?,
                user: columns.user(1)?,
                opt: AllRecvOpt {
                    level: columns.u32(2)?,
                    start_hour: columns.u32(3)?,
                    start_minute: columns.u32(4)?,
                    start_second: columns.u32(5)?,
                    start_time_stamp: columns.u64(6)?,
                    duration: columns.u64(7)?,
                },
            })
        },
    )
}

fn load_read_states(connection: &Connection) -> StoreResult<Vec<ReadStateRecord>> {
    collect_rows(
        connection,
        "select sdkappid, user_id, conv_type, conv_key, read_seq, read_time, published_seq, published_time \
         from read_state",
        [],
        "reading read states",
        |columns| {
            Ok(ReadStateRecord {
                sdkappid: columns.u64(0)?,
                user: columns.user(1)?,
                conv: columns.conv(2)?,
                read_seq: columns.u64(4)?,
                read_time: columns.u64(5)?,
                published_seq: columns.u64(6)?,
                published_time: columns.u64(7)?,
            })
        },
    )
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
    collect_rows(
        connection,
        "select m.sdkappid, m.conv_type, m.conv_key, m.sender, m.seq from message m \
         left join read_state r on r.sdkappid = m.sdkappid and r.user_id = m.sender \
         and r.conv_type = m.conv_type and r.conv_key = m.conv_key \
         where m.excluded = 0 and m.revoked_by is null and m.seq > coalesce(r.read_seq, 0)",
        [],
        "reading own messages",
        |columns| {
            Ok(OwnMessage {
                sdkappid: columns.u64(0)?,
                conv: columns.conv(1)?,
                sender: columns.user(3)?,
                seq: columns.u64(4)?,
            })
        },
    )
}

fn load_excluded(connection: &Connection) -> StoreResult<Vec<(u64, ConvKey, u64)>> {
    collect_rows(
        connection,
        "select sdkappid, conv_type, conv_key, seq from message where excluded = 1 \
         union all select sdkappid, conv_type, conv_key, seq from message \
         where excluded = 0 and revoked_by is not null",
        [],
        "reading excluded messages",
        |columns| Ok((columns.u64(0)?, columns.conv(1)?, columns.u64(3)?)),
    )
}

/// Each conversation's latest revision position, by app, then position.
fn load_revisions(connection: &Connection) -> StoreResult<Vec<(u64, ConvKey, u64)>> {
    collect_rows(
        connection,
        "select sdkappid, conv_type, conv_key, max(revised_pos) as latest from message where revised_pos > 0 \
         group by sdkappid, conv_type, conv_key order by sdkappid, latest",
        [],
        "reading revisions",
        |columns| Ok((columns.u64(0)?, columns.conv(1)?, columns.u64(3)?)),
    )
}

fn load_recent(connection: &Connection, since: u64) -> StoreResult<Vec<RecentMessage>> {
    // Messages are appended in time order, so walking back from the newest position stops at
    // the first message older than `since`.
    let what = "reading recent messages";
    let mut statement = connection
        .prepare("select sdkappid, conv_type, conv_key, msg_id, seq, server_time from message order by pos desc")
        .map_err(backend(what))?;
    let mut rows = statement.query([]).map_err(backend(what))?;
    let mut recent = Vec::new();
    while let Some(row) = rows.next().map_err(backend(what))? {
        let columns = Columns::new(row, what);
        let server_time = columns.u64(5)?;
        if server_time < since {
            break;
        }
        recent.push(RecentMessage {
            sdkappid: columns.u64(0)?,
            conv: columns.conv(1)?,
            msg_id: columns.text(3)?,
            seq: columns.u64(4)?,
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

    let records = collect_rows(
        connection,
        "select sdkappid, user_id, nick, gender, face_url, signature, add_permission, location, language, \
         birthday, level, role, updated_at from profile",
        [],
        "reading profiles",
        |columns| {
            let profile = UserProfile {
                user_profile_identifier: columns.text(1)?,
                user_profile_nick_name: columns.get(2)?,
                user_profile_gender: columns.get(3)?,
                user_profile_face_url: columns.get(4)?,
                user_profile_self_signature: columns.get(5)?,
                user_profile_add_permission: columns.get(6)?,
                user_profile_location: columns.get(7)?,
                user_profile_language: columns.get(8)?,
                user_profile_birthday: columns.get(9)?,
                user_profile_level: columns.get(10)?,
                user_profile_role: columns.get(11)?,
                user_profile_custom_string_array: Vec::new(),
            };
            Ok(ProfileRecord {
                sdkappid: columns.u64(0)?,
                user: columns.user(1)?,
                profile,
                info_subscriptions: Vec::new(),
                status_subscriptions: Vec::new(),
                updated_at: columns.u64(12)?,
            })
        },
    )?;
    let mut profiles: BTreeMap<(u64, UserId), ProfileRecord> =
        records.into_iter().map(|record| ((record.sdkappid, record.user.clone()), record)).collect();
    let fields = collect_rows(
        connection,
        "select sdkappid, user_id, key, value from profile_custom order by sdkappid, user_id, key",
        [],
        "reading profile fields",
        |columns| Ok(((columns.u64(0)?, columns.user(1)?), columns.text(2)?, columns.text(3)?)),
    )?;
    for (owner, key, value) in fields {
        let record = profiles
            .get_mut(&owner)
            .ok_or_else(|| StoreError::Corrupt("a custom profile field without its profile".to_owned()))?;
        record.profile.user_profile_custom_string_array.push(CustomString {
            user_profile_custom_string_info_key: key,
            user_profile_custom_string_info_value: value,
        });
    }
    let subscriptions = collect_rows(
        connection,
        "select sdkappid, user_id, kind, target from subscription order by sdkappid, user_id, kind, seq",
        [],
        "reading subscriptions",
        |columns| Ok(((columns.u64(0)?, columns.user(1)?), columns.get::<i64>(2)?, columns.user(3)?)),
    )?;
    for (owner, kind, target) in subscriptions {
        let record = profiles
            .get_mut(&owner)
            .ok_or_else(|| StoreError::Corrupt("a subscription without its profile".to_owned()))?;
        match kind {
            0 => record.info_subscriptions.push(target),
            _ => record.status_subscriptions.push(target),
        }
    }
    Ok(profiles.into_values().collect())
}

fn load_friends(connection: &Connection) -> StoreResult<Vec<tincan_store::FriendRecord>> {
    collect_rows(
        connection,
        "select sdkappid, owner, peer, remark, groups, custom, add_source, add_wording, add_time from friend \
         order by sdkappid, owner, peer",
        [],
        "reading friends",
        |columns| {
            Ok(tincan_store::FriendRecord {
                sdkappid: columns.u64(0)?,
                owner: columns.user(1)?,
                peer: columns.user(2)?,
                remark: columns.text(3)?,
                groups: names_from_sql(&columns.text(4)?),
                custom: custom_from_sql(&columns.text(5)?)?,
                add_source: columns.text(6)?,
                add_wording: columns.text(7)?,
                add_time: columns.u64(8)?,
            })
        },
    )
}

fn load_friend_requests(connection: &Connection) -> StoreResult<Vec<tincan_store::FriendRequestRecord>> {
    collect_rows(
        connection,
        "select sdkappid, from_user, to_user, remark, group_name, add_source, add_wording, add_time \
         from friend_request order by sdkappid, from_user, to_user",
        [],
        "reading friend requests",
        |columns| {
            Ok(tincan_store::FriendRequestRecord {
                sdkappid: columns.u64(0)?,
                from: columns.user(1)?,
                to: columns.user(2)?,
                remark: columns.text(3)?,
                group_name: columns.text(4)?,
                add_source: columns.text(5)?,
                add_wording: columns.text(6)?,
                add_time: columns.u64(7)?,
            })
        },
    )
}

fn load_blocks(connection: &Connection) -> StoreResult<Vec<tincan_store::BlockRecord>> {
    collect_rows(
        connection,
        "select sdkappid, owner, peer, blocked_at from friend_block order by sdkappid, owner, peer",
        [],
        "reading blocklists",
        |columns| {
            Ok(tincan_store::BlockRecord {
                sdkappid: columns.u64(0)?,
                owner: columns.user(1)?,
                peer: columns.user(2)?,
                blocked_at: columns.u64(3)?,
            })
        },
    )
}

fn load_follows(connection: &Connection) -> StoreResult<Vec<tincan_store::FollowRecord>> {
    collect_rows(
        connection,
        "select sdkappid, follower, followee, follow_time from follow order by sdkappid, follower, followee",
        [],
        "reading follows",
        |columns| {
            Ok(tincan_store::FollowRecord {
                sdkappid: columns.u64(0)?,
                follower: columns.user(1)?,
                followee: columns.user(2)?,
                follow_time: columns.u64(3)?,
            })
        },
    )
}

fn load_friend_metas(connection: &Connection) -> StoreResult<Vec<tincan_store::FriendMetaRecord>> {
    collect_rows(
        connection,
        "select sdkappid, owner, groups, pendency_read_time from friend_meta order by sdkappid, owner",
        [],
        "reading friend groups",
        |columns| {
            Ok(tincan_store::FriendMetaRecord {
                sdkappid: columns.u64(0)?,
                owner: columns.user(1)?,
                groups: names_from_sql(&columns.text(2)?),
                pendency_read_time: columns.u64(3)?,
            })
        },
    )
}
