//! The writing half: one connection, one transaction per batch.

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::{Connection, Transaction, params};
use tincan_core::conv::ConvKey;
use tincan_store::{ReceiptSource, StoreResult, StoreWrite, WriteOp};

use crate::backend;
use crate::codec::{
    bits_to_sql, commands_to_sql, conv_columns, custom_to_sql, group_types_to_sql, names_to_sql, to_sql,
};

/// The writer; owned by the engine's single writer thread.
pub struct SqliteWriter {
    connection: Connection,
}

impl SqliteWriter {
    pub(crate) fn new(connection: Connection) -> SqliteWriter {
        SqliteWriter { connection }
    }
}

impl StoreWrite for SqliteWriter {
    fn apply(&mut self, ops: &[WriteOp], head_pos: u64) -> StoreResult<()> {
        let transaction = self.connection.transaction().map_err(backend("starting a batch"))?;
        // Receipts for one message within a batch are written once, with the newest state. A
        // message has one receipt source, shared by all its ops (`ReceiptSource`), so the
        // source's address names the message without building its key for every op; the ops
        // hold every source alive until the batch is written, so no two share an address.
        let mut receipts: HashMap<*const (), &Arc<dyn ReceiptSource>> = HashMap::new();
        for op in ops {
            if let WriteOp::PutGroupReceipt(source) = op {
                receipts.insert(Arc::as_ptr(source).cast::<()>(), source);
                continue;
            }
            apply_one(&transaction, op)?;
        }
        for source in receipts.values() {
            let record = source.snapshot();
            transaction
                .prepare_cached(
                    "insert or replace into group_receipt \
                     (sdkappid, group_id, seq, sender_index, index_bound, readers, private_readers) \
                     values (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .and_then(|mut statement| {
                    statement.execute(params![
                        to_sql(record.sdkappid),
                        record.group_id.as_str(),
                        to_sql(record.seq),
                        record.sender_index,
                        record.index_bound,
                        record.readers,
                        record.private_readers
                    ])
                })
                .map_err(backend("storing a group receipt"))?;
        }
        transaction
            .prepare_cached("insert or replace into meta (key, value) values ('head_pos', ?1)")
            .and_then(|mut statement| statement.execute(params![to_sql(head_pos)]))
            .map_err(backend("storing the head position"))?;
        transaction.commit().map_err(backend("committing a batch"))
    }
}

fn apply_one(transaction: &Transaction<'_>, op: &WriteOp) -> StoreResult<()> {
    let execute = |sql: &str, params: &[&dyn rusqlite::ToSql], context: &'static str| -> StoreResult<()> {
        transaction
            .prepare_cached(sql)
            .and_then(|mut statement| statement.execute(params))
            .map(|_| ())
            .map_err(backend(context))
    };
    match op {
        WriteOp::PutApp(app) => execute(
            "insert or replace into app (sdkappid, secret_key, admin_identifier, plan, receipt_group_types, \
             receipt_coalesce_window_ms, receipt_group_members_max, created_at, callback_url, callback_commands, \
             root, c2c_requires_friendship, blocked_send_fails, revoke_time_limit) values (?1, ?2, ?3, ?4, ?5, ?6, \
             ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                to_sql(app.sdkappid),
                app.secret_key,
                app.admin_identifier.as_str(),
                app.config.plan.as_str(),
                group_types_to_sql(&app.config.receipt_group_types),
                app.config.receipt_coalesce_window_ms,
                app.config.receipt_group_members_max,
                to_sql(app.created_at),
                app.config.callback_url,
                commands_to_sql(&app.config.callback_commands),
                app.root,
                app.config.c2c_requires_friendship,
                app.config.blocked_send_fails,
                app.config.revoke_time_limit_secs
            ],
            "storing an app",
        ),
        WriteOp::PutAccount(account) => execute(
            "insert or replace into account (sdkappid, user_id, tiny_id, created_at, receipt_private) values (?1, ?2, ?3, ?4, ?5)",
            params![
                to_sql(account.sdkappid),
                account.user.as_str(),
                to_sql(account.tiny_id),
                to_sql(account.created_at),
                account.receipt_private
            ],
            "storing an account",
        ),
        WriteOp::EnqueueCallback(callback) => execute(
            "insert into callback_queue (sdkappid, command, event, enqueued_at, attempts, next_at) \
             values (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                to_sql(callback.sdkappid),
                callback.command,
                callback.event,
                to_sql(callback.enqueued_at),
                callback.attempts,
                to_sql(callback.next_at)
            ],
            "queueing a webhook",
        ),
        WriteOp::DeleteCallback { id } => {
            execute("delete from callback_queue where id = ?1", params![to_sql(*id)], "removing a webhook")
        }
        WriteOp::RetryCallback { id, attempts, next_at } => execute(
            "update callback_queue set attempts = ?2, next_at = ?3 where id = ?1",
            params![to_sql(*id), attempts, to_sql(*next_at)],
            "rescheduling a webhook",
        ),
        WriteOp::DeleteAccount { sdkappid, user } => {
            execute(
                "delete from account where sdkappid = ?1 and user_id = ?2",
                params![to_sql(*sdkappid), user.as_str()],
                "deleting an account",
            )?;
            delete_profile(&execute, *sdkappid, user.as_str())?;
            execute(
                "delete from all_recv_opt where sdkappid = ?1 and user_id = ?2",
                params![to_sql(*sdkappid), user.as_str()],
                "removing an app-wide receive option",
            )?;
            delete_relations(&execute, *sdkappid, user.as_str())
        }
        WriteOp::PutProfile(record) => put_profile(&execute, record),
        WriteOp::PutFriend(record) => execute(
            "insert or replace into friend (sdkappid, owner, peer, remark, groups, custom, add_source, add_wording, \
             add_time) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                to_sql(record.sdkappid),
                record.owner.as_str(),
                record.peer.as_str(),
                record.remark,
                names_to_sql(&record.groups),
                custom_to_sql(&record.custom),
                record.add_source,
                record.add_wording,
                to_sql(record.add_time)
            ],
            "storing a friend",
        ),
        WriteOp::DeleteFriend { sdkappid, owner, peer } => execute(
            "delete from friend where sdkappid = ?1 and owner = ?2 and peer = ?3",
            params![to_sql(*sdkappid), owner.as_str(), peer.as_str()],
            "deleting a friend",
        ),
        WriteOp::PutFriendRequest(record) => execute(
            "insert or replace into friend_request (sdkappid, from_user, to_user, remark, group_name, add_source, \
             add_wording, add_time) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                to_sql(record.sdkappid),
                record.from.as_str(),
                record.to.as_str(),
                record.remark,
                record.group_name,
                record.add_source,
                record.add_wording,
                to_sql(record.add_time)
            ],
            "storing a friend request",
        ),
        WriteOp::DeleteFriendRequest { sdkappid, from, to } => execute(
            "delete from friend_request where sdkappid = ?1 and from_user = ?2 and to_user = ?3",
            params![to_sql(*sdkappid), from.as_str(), to.as_str()],
            "deleting a friend request",
        ),
        WriteOp::PutBlock(record) => execute(
            "insert or replace into friend_block (sdkappid, owner, peer, blocked_at) values (?1, ?2, ?3, ?4)",
            params![to_sql(record.sdkappid), record.owner.as_str(), record.peer.as_str(), to_sql(record.blocked_at)],
            "storing a blocklist entry",
        ),
        WriteOp::DeleteBlock { sdkappid, owner, peer } => execute(
            "delete from friend_block where sdkappid = ?1 and owner = ?2 and peer = ?3",
            params![to_sql(*sdkappid), owner.as_str(), peer.as_str()],
            "deleting a blocklist entry",
        ),
        WriteOp::PutFollow(record) => execute(
            "insert or replace into follow (sdkappid, follower, followee, follow_time) values (?1, ?2, ?3, ?4)",
            params![
                to_sql(record.sdkappid),
                record.follower.as_str(),
                record.followee.as_str(),
                to_sql(record.follow_time)
            ],
            "storing a follow",
        ),
        WriteOp::DeleteFollow { sdkappid, follower, followee } => execute(
            "delete from follow where sdkappid = ?1 and follower = ?2 and followee = ?3",
            params![to_sql(*sdkappid), follower.as_str(), followee.as_str()],
            "deleting a follow",
        ),
        WriteOp::PutFriendMeta(record) => {
            if record.is_empty() {
                execute(
                    "delete from friend_meta where sdkappid = ?1 and owner = ?2",
                    params![to_sql(record.sdkappid), record.owner.as_str()],
                    "deleting friend groups",
                )
            } else {
                execute(
                    "insert or replace into friend_meta (sdkappid, owner, groups, pendency_read_time) \
                     values (?1, ?2, ?3, ?4)",
                    params![
                        to_sql(record.sdkappid),
                        record.owner.as_str(),
                        names_to_sql(&record.groups),
                        to_sql(record.pendency_read_time)
                    ],
                    "storing friend groups",
                )
            }
        }
        WriteOp::PutGroup(group) => execute(
            "insert or replace into grp (sdkappid, group_id, group_type, name, introduction, notification, face_url, \
             add_option, max_member_num, owner, created_at, info_seq, next_index, dismissed_at, shutup_all, visible, \
             searchable, custom, approve_option) \
             values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
            params![
                to_sql(group.sdkappid),
                group.group_id.as_str(),
                group.group_type.0,
                group.profile.name,
                group.profile.introduction,
                group.profile.notification,
                group.profile.face_url,
                group.profile.add_option,
                group.profile.max_member_num,
                group.owner.as_ref().map(|owner| owner.as_str()),
                to_sql(group.created_at),
                to_sql(group.info_seq),
                group.next_index,
                group.dismissed_at.map(to_sql),
                group.profile.shutup_all,
                group.profile.visible,
                group.profile.searchable,
                custom_to_sql(&group.profile.custom),
                group.profile.approve_option
            ],
            "storing a group",
        ),
        WriteOp::AddMember(member) => execute(
            "insert into group_member (sdkappid, group_id, member_index, user_id, role, join_seq, join_time, join_pos, \
             name_card, shutup_until, custom) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                to_sql(member.sdkappid),
                member.group_id.as_str(),
                member.index,
                member.user.as_str(),
                member.role.0,
                to_sql(member.join_seq),
                to_sql(member.join_time),
                to_sql(member.join_pos),
                member.info.name_card,
                to_sql(member.info.shutup_until),
                custom_to_sql(&member.info.custom)
            ],
            "adding a member",
        ),
        WriteOp::PurgeGroup { sdkappid, group_id } => {
            // Nearly every new group's ID is new: one key lookup, and nothing to purge.
            let group = params![to_sql(*sdkappid), group_id.as_str()];
            let existed = transaction
                .prepare_cached("select 1 from grp where sdkappid = ?1 and group_id = ?2")
                .and_then(|mut statement| statement.exists(group))
                .map_err(backend("looking for an earlier group"))?;
            if !existed {
                return Ok(());
            }
            let (conv_type, conv_key) = conv_columns(&ConvKey::Group(group_id.clone()));
            execute("delete from group_member where sdkappid = ?1 and group_id = ?2", group, "purging members")?;
            execute(
                "delete from group_join_request where sdkappid = ?1 and group_id = ?2",
                group,
                "purging join requests",
            )?;
            execute("delete from group_receipt where sdkappid = ?1 and group_id = ?2", group, "purging receipts")?;
            let conv = params![to_sql(*sdkappid), conv_type, conv_key];
            execute(
                "delete from message where sdkappid = ?1 and conv_type = ?2 and conv_key = ?3",
                conv,
                "purging messages",
            )?;
            execute(
                "delete from read_state where sdkappid = ?1 and conv_type = ?2 and conv_key = ?3",
                conv,
                "purging read positions",
            )?;
            execute(
                "delete from message_extension where sdkappid = ?1 and conv_type = ?2 and conv_key = ?3",
                conv,
                "purging message extensions",
            )?;
            execute(
                "delete from conv_settings where sdkappid = ?1 and conv_type = ?2 and conv_key = ?3",
                conv,
                "purging conversation settings",
            )?;
            execute(
                "delete from hidden_message where sdkappid = ?1 and conv_type = ?2 and conv_key = ?3",
                conv,
                "purging deleted-for-me marks",
            )?;
            execute("delete from group_attribute where sdkappid = ?1 and group_id = ?2", group, "purging attributes")?;
            execute("delete from group_counter where sdkappid = ?1 and group_id = ?2", group, "purging counters")?;
            execute("delete from group_ban where sdkappid = ?1 and group_id = ?2", group, "purging bans")
        }
        WriteOp::SetGroupBan { sdkappid, group_id, user, until } => {
            if *until == 0 {
                return execute(
                    "delete from group_ban where sdkappid = ?1 and group_id = ?2 and user_id = ?3",
                    params![to_sql(*sdkappid), group_id.as_str(), user.as_str()],
                    "lifting a ban",
                );
            }
            execute(
                "insert or replace into group_ban (sdkappid, group_id, user_id, until) values (?1, ?2, ?3, ?4)",
                params![to_sql(*sdkappid), group_id.as_str(), user.as_str(), to_sql(*until)],
                "storing a ban",
            )
        }
        WriteOp::PutGroupAttributes(record) => {
            let group = params![to_sql(record.sdkappid), record.group_id.as_str()];
            execute(
                "delete from group_attribute where sdkappid = ?1 and group_id = ?2",
                group,
                "replacing group attributes",
            )?;
            for (key, value) in &record.attributes {
                execute(
                    "insert into group_attribute (sdkappid, group_id, attr_key, attr_value) values (?1, ?2, ?3, ?4)",
                    params![to_sql(record.sdkappid), record.group_id.as_str(), key, value],
                    "storing a group attribute",
                )?;
            }
            Ok(())
        }
        WriteOp::SetGroupCounters(record) => {
            for (key, value) in &record.counters {
                execute(
                    "insert or replace into group_counter (sdkappid, group_id, counter_key, counter_value) \
                     values (?1, ?2, ?3, ?4)",
                    params![to_sql(record.sdkappid), record.group_id.as_str(), key, value],
                    "storing a group counter",
                )?;
            }
            Ok(())
        }
        WriteOp::DeleteGroupCounters { sdkappid, group_id, keys } => {
            if keys.is_empty() {
                return execute(
                    "delete from group_counter where sdkappid = ?1 and group_id = ?2",
                    params![to_sql(*sdkappid), group_id.as_str()],
                    "deleting group counters",
                );
            }
            for key in keys {
                execute(
                    "delete from group_counter where sdkappid = ?1 and group_id = ?2 and counter_key = ?3",
                    params![to_sql(*sdkappid), group_id.as_str(), key],
                    "deleting a group counter",
                )?;
            }
            Ok(())
        }
        WriteOp::RemoveMember { sdkappid, group_id, index, leave_seq, leave_pos } => execute(
            "update group_member set leave_seq = ?4, leave_pos = ?5 \
             where sdkappid = ?1 and group_id = ?2 and member_index = ?3 and leave_pos is null",
            params![to_sql(*sdkappid), group_id.as_str(), index, to_sql(*leave_seq), to_sql(*leave_pos)],
            "removing a member",
        ),
        WriteOp::SetMemberRole { sdkappid, group_id, index, role } => execute(
            "update group_member set role = ?4 where sdkappid = ?1 and group_id = ?2 and member_index = ?3",
            params![to_sql(*sdkappid), group_id.as_str(), index, role.0],
            "changing a member's role",
        ),
        WriteOp::SetMemberInfo { sdkappid, group_id, index, info } => execute(
            "update group_member set name_card = ?4, shutup_until = ?5, custom = ?6 \
             where sdkappid = ?1 and group_id = ?2 and member_index = ?3",
            params![
                to_sql(*sdkappid),
                group_id.as_str(),
                index,
                info.name_card,
                to_sql(info.shutup_until),
                custom_to_sql(&info.custom)
            ],
            "changing a member's profile",
        ),
        WriteOp::PutJoinRequest(request) => execute(
            "insert or replace into group_join_request (sdkappid, group_id, user_id, add_time, message, inviter) \
             values (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                to_sql(request.sdkappid),
                request.group_id.as_str(),
                request.user.as_str(),
                to_sql(request.add_time),
                request.message,
                request.inviter.as_ref().map_or("", |inviter| inviter.as_str())
            ],
            "storing a join request",
        ),
        WriteOp::DeleteJoinRequest { sdkappid, group_id, user } => execute(
            "delete from group_join_request where sdkappid = ?1 and group_id = ?2 and user_id = ?3",
            params![to_sql(*sdkappid), group_id.as_str(), user.as_str()],
            "removing a join request",
        ),
        WriteOp::SetPendencyReadTime { sdkappid, user, read_time } => execute(
            "insert or replace into group_pendency_read (sdkappid, user_id, read_time) values (?1, ?2, ?3)",
            params![to_sql(*sdkappid), user.as_str(), to_sql(*read_time)],
            "storing when join requests were read",
        ),
        WriteOp::AppendMessage(message) => {
            let (conv_type, conv_key) = conv_columns(&message.conv);
            execute(
                "insert into message (pos, sdkappid, conv_type, conv_key, seq, msg_id, sender, rand, client_time, \
                 server_time, need_receipt, excluded, priority, platform, first_elem_type, body, cloud_custom, \
                 custom_int, custom_str, receipt_read_at, receipt_private, supports_extensions) \
                 values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, \
                 ?22)",
                params![
                    to_sql(message.pos),
                    to_sql(message.sdkappid),
                    conv_type,
                    conv_key,
                    to_sql(message.seq),
                    message.msg_id,
                    message.sender.as_str(),
                    bits_to_sql(message.rand),
                    bits_to_sql(message.client_time),
                    to_sql(message.server_time),
                    message.need_receipt,
                    message.excluded_from_unread,
                    message.priority,
                    message.platform,
                    message.first_elem_type,
                    message.body,
                    message.cloud_custom,
                    message.custom_int,
                    message.custom_str,
                    to_sql(message.receipt_read_at),
                    message.receipt_private,
                    message.supports_extensions
                ],
                "appending a message",
            )
        }
        WriteOp::PutMessageExtensions { sdkappid, conv, seq, extensions } => {
            let (conv_type, conv_key) = conv_columns(conv);
            for extension in extensions {
                execute(
                    "insert or replace into message_extension (sdkappid, conv_type, conv_key, seq, key, value, \
                     key_seq, deleted) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        to_sql(*sdkappid),
                        conv_type,
                        conv_key,
                        to_sql(*seq),
                        extension.key,
                        extension.value,
                        to_sql(extension.seq),
                        extension.deleted
                    ],
                    "storing a message extension",
                )?;
            }
            Ok(())
        }
        WriteOp::HideMessages { sdkappid, user, conv, seqs } => {
            let (conv_type, conv_key) = conv_columns(conv);
            for seq in seqs {
                execute(
                    "insert or ignore into hidden_message (sdkappid, user_id, conv_type, conv_key, seq) \
                     values (?1, ?2, ?3, ?4, ?5)",
                    params![to_sql(*sdkappid), user.as_str(), conv_type, conv_key, to_sql(*seq)],
                    "hiding a message",
                )?;
            }
            Ok(())
        }
        WriteOp::ReviseMessage(message) => {
            let (conv_type, conv_key) = conv_columns(&message.conv);
            let revision = &message.revision;
            execute(
                "update message set body = ?5, cloud_custom = ?6, revoked_by = ?7, revoke_reason = ?8, \
                 version = ?9, revised_pos = ?10 \
                 where sdkappid = ?1 and conv_type = ?2 and conv_key = ?3 and seq = ?4",
                params![
                    to_sql(message.sdkappid),
                    conv_type,
                    conv_key,
                    to_sql(message.seq),
                    message.body,
                    message.cloud_custom,
                    revision.revoked_by.as_ref().map(|user| user.as_str()),
                    revision.revoke_reason,
                    to_sql(revision.version),
                    to_sql(revision.pos)
                ],
                "revising a message",
            )
        }
        WriteOp::SetC2cReceipt { sdkappid, conv, seq, read_at, private } => {
            let (conv_type, conv_key) = conv_columns(conv);
            execute(
                "update message set receipt_read_at = ?5, receipt_private = ?6 \
                 where sdkappid = ?1 and conv_type = ?2 and conv_key = ?3 and seq = ?4",
                params![to_sql(*sdkappid), conv_type, conv_key, to_sql(*seq), to_sql(*read_at), private],
                "storing a C2C receipt",
            )
        }
        WriteOp::PutReadState(state) => {
            let (conv_type, conv_key) = conv_columns(&state.conv);
            execute(
                "insert or replace into read_state (sdkappid, user_id, conv_type, conv_key, read_seq, read_time, \
                 published_seq, published_time) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    to_sql(state.sdkappid),
                    state.user.as_str(),
                    conv_type,
                    conv_key,
                    to_sql(state.read_seq),
                    to_sql(state.read_time),
                    to_sql(state.published_seq),
                    to_sql(state.published_time)
                ],
                "storing a read position",
            )
        }
        WriteOp::AppendUserEvent(event) => {
            let (conv_type, conv_key) = event.conv.as_ref().map(conv_columns).unwrap_or((0, String::new()));
            execute(
                "insert into user_event (sdkappid, user_id, pos, kind, conv_type, conv_key, seq, payload) \
                 values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    to_sql(event.sdkappid),
                    event.user.as_str(),
                    to_sql(event.pos),
                    event.kind,
                    conv_type,
                    conv_key,
                    to_sql(event.seq),
                    event.payload
                ],
                "appending a user event",
            )
        }
        WriteOp::PutGroupReceipt(_) => Ok(()),
        WriteOp::PutConvSettings(record) => {
            let (conv_type, conv_key) = conv_columns(&record.conv);
            let settings = &record.settings;
            if settings.is_empty() {
                return execute(
                    "delete from conv_settings where sdkappid = ?1 and user_id = ?2 and conv_type = ?3 and conv_key = ?4",
                    params![to_sql(record.sdkappid), record.user.as_str(), conv_type, conv_key],
                    "removing conversation settings",
                );
            }
            execute(
                "insert or replace into conv_settings (sdkappid, user_id, conv_type, conv_key, created_at, \
                 deleted_seq, cleared_seq, draft, pinned, marks, custom_data, groups, recv_opt) \
                 values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    to_sql(record.sdkappid),
                    record.user.as_str(),
                    conv_type,
                    conv_key,
                    to_sql(settings.created_at),
                    settings.deleted_seq.map(to_sql),
                    to_sql(settings.cleared_seq),
                    settings.draft,
                    settings.pinned,
                    bits_to_sql(settings.marks),
                    settings.custom_data,
                    names_to_sql(&settings.groups),
                    settings.recv_opt
                ],
                "storing conversation settings",
            )
        }
        WriteOp::PutConvGroups(record) => {
            if record.names.is_empty() {
                return execute(
                    "delete from conv_group_list where sdkappid = ?1 and user_id = ?2",
                    params![to_sql(record.sdkappid), record.user.as_str()],
                    "removing conversation groups",
                );
            }
            execute(
                "insert or replace into conv_group_list (sdkappid, user_id, names) values (?1, ?2, ?3)",
                params![to_sql(record.sdkappid), record.user.as_str(), names_to_sql(&record.names)],
                "storing conversation groups",
            )
        }
        WriteOp::PutAllRecvOpt(record) => {
            if record.opt.is_default() {
                return execute(
                    "delete from all_recv_opt where sdkappid = ?1 and user_id = ?2",
                    params![to_sql(record.sdkappid), record.user.as_str()],
                    "removing an app-wide receive option",
                );
            }
            let opt = &record.opt;
            execute(
                "insert or replace into all_recv_opt (sdkappid, user_id, level, start_hour, start_minute, \
                 start_second, start_time_stamp, duration) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    to_sql(record.sdkappid),
                    record.user.as_str(),
                    opt.level,
                    opt.start_hour,
                    opt.start_minute,
                    opt.start_second,
                    to_sql(opt.start_time_stamp),
                    to_sql(opt.duration)
                ],
                "storing an app-wide receive option",
            )
        }
    }
}

type Execute<'a> = dyn Fn(&str, &[&dyn rusqlite::ToSql], &'static str) -> StoreResult<()> + 'a;

fn delete_profile(execute: &Execute<'_>, sdkappid: u64, user: &str) -> StoreResult<()> {
    for (sql, context) in [
        ("delete from profile where sdkappid = ?1 and user_id = ?2", "deleting a profile"),
        ("delete from profile_custom where sdkappid = ?1 and user_id = ?2", "deleting a profile's custom fields"),
        ("delete from subscription where sdkappid = ?1 and user_id = ?2", "deleting subscriptions"),
    ] {
        execute(sql, params![to_sql(sdkappid), user], context)?;
    }
    Ok(())
}

/// Removes every row of the relationship chain that names `user`, on either side.
fn delete_relations(execute: &Execute<'_>, sdkappid: u64, user: &str) -> StoreResult<()> {
    for (sql, context) in [
        ("delete from friend where sdkappid = ?1 and (owner = ?2 or peer = ?2)", "deleting friends"),
        (
            "delete from friend_request where sdkappid = ?1 and (from_user = ?2 or to_user = ?2)",
            "deleting friend requests",
        ),
        ("delete from friend_block where sdkappid = ?1 and (owner = ?2 or peer = ?2)", "deleting blocklist entries"),
        ("delete from friend_meta where sdkappid = ?1 and owner = ?2", "deleting friend groups"),
        ("delete from follow where sdkappid = ?1 and (follower = ?2 or followee = ?2)", "deleting follows"),
    ] {
        execute(sql, params![to_sql(sdkappid), user], context)?;
    }
    Ok(())
}

fn put_profile(execute: &Execute<'_>, record: &tincan_store::ProfileRecord) -> StoreResult<()> {
    let user = record.user.as_str();
    delete_profile(execute, record.sdkappid, user)?;
    let profile = &record.profile;
    execute(
        "insert into profile (sdkappid, user_id, nick, gender, face_url, signature, add_permission, location, \
         language, birthday, level, role, updated_at) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            to_sql(record.sdkappid),
            user,
            profile.user_profile_nick_name,
            profile.user_profile_gender,
            profile.user_profile_face_url,
            profile.user_profile_self_signature,
            profile.user_profile_add_permission,
            profile.user_profile_location,
            profile.user_profile_language,
            profile.user_profile_birthday,
            profile.user_profile_level,
            profile.user_profile_role,
            to_sql(record.updated_at)
        ],
        "storing a profile",
    )?;
    for custom in &profile.user_profile_custom_string_array {
        execute(
            "insert into profile_custom (sdkappid, user_id, key, value) values (?1, ?2, ?3, ?4)",
            params![
                to_sql(record.sdkappid),
                user,
                custom.user_profile_custom_string_info_key,
                custom.user_profile_custom_string_info_value
            ],
            "storing a profile's custom field",
        )?;
    }
    for (kind, targets) in [(0, &record.info_subscriptions), (1, &record.status_subscriptions)] {
        for (seq, target) in targets.iter().enumerate() {
            execute(
                "insert into subscription (sdkappid, user_id, kind, seq, target) values (?1, ?2, ?3, ?4, ?5)",
                params![to_sql(record.sdkappid), user, kind, i64::try_from(seq).unwrap_or(i64::MAX), target.as_str()],
                "storing a subscription",
            )?;
        }
    }
    Ok(())
}
