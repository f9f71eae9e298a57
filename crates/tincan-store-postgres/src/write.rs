//! The writing half: one connection, one transaction per batch, its statements pipelined.
//!
//! Each [`WriteOp`] becomes statements by a function of its own (`put_app`, `append_message`,
//! ...), which only encodes; `execute` prepares each distinct statement once per connection and
//! sends a batch's statements in order without waiting for each answer.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::try_join_all;
use tincan_core::conv::ConvKey;
use tincan_proto::UserId;
use tincan_proto::enums::MemberRole;
use tincan_store::{
    AccountRecord, AllRecvOptRecord, AppRecord, CallbackRecord, ConvGroupsRecord, ConvSettingsRecord, Fence,
    FriendMetaRecord, FriendRecord, FriendRequestRecord, GroupAttributesRecord, GroupCountersRecord,
    GroupReceiptRecord, GroupRecord, JoinRequestRecord, MemberInfo, MemberRecord, MessageExtensionRecord,
    MessageRecord, ProfileRecord, ReadStateRecord, ReceiptSource, StoreError, StoreResult, StoreWrite, UserEventRecord,
    WriteOp,
};
use tokio_postgres::{Client, Statement};

use crate::backend;
use crate::codec::{
    Param, bits, bytes, commands_to_text, conv_columns, custom_to_bytes, group_types_to_text, int, names_to_text,
    params,
};
use crate::driver::{Driver, Target, WRITE_TIMEOUT};

/// One statement of a batch.
pub(crate) struct Exec {
    sql: &'static str,
    params: Vec<Param>,
    context: &'static str,
}

fn exec(sql: &'static str, params: Vec<Param>, context: &'static str) -> Exec {
    Exec { sql, params, context }
}

/// The writer; owned by the engine's single writer thread.
pub struct PostgresWriter {
    driver: Arc<Driver>,
    target: Arc<Target>,
    connection: Option<Connection>,
    /// The number of the last batch known to be committed (`meta`, under `batch_key`).
    batch: i64,
    /// Where in `meta` this writer numbers its batches: `batch` for the one writer of a single
    /// node; for a writer of a cluster's node, whose batches are fenced, a key of its own
    /// (`batch:<random>`), since several writers share the database and each must find its own
    /// batch whose commit went unanswered.
    batch_key: String,
    /// A batch that failed in a way that leaves its commit unknown (the connection was lost),
    /// to be looked for before anything is written again.
    unsure: Option<Unsure>,
}

/// A connection with the statements prepared on it.
struct Connection {
    client: Client,
    /// The PostgreSQL process serving it (`pg_backend_pid()`).
    backend_pid: i32,
    statements: HashMap<&'static str, Statement>,
}

/// What identifies a batch whose commit is unknown.
#[derive(Clone, Copy)]
struct Unsure {
    batch: i64,
    head_pos: u64,
    n_ops: usize,
    /// The process that ran it, which may still be running it: a connection given up on
    /// (PostgreSQL stopped answering) is not ended on PostgreSQL's side by dropping it here.
    backend_pid: i32,
}

impl PostgresWriter {
    pub(crate) fn new(driver: Arc<Driver>, target: Arc<Target>) -> PostgresWriter {
        PostgresWriter { driver, target, connection: None, batch: 0, batch_key: "batch".to_owned(), unsure: None }
    }

    /// Connects when there is no usable connection, and learns the last committed batch.
    fn connection(&mut self) -> StoreResult<Connection> {
        if let Some(connection) = self.connection.take()
            && !connection.client.is_closed()
        {
            return Ok(connection);
        }
        let target = self.target.clone();
        let batch_key = self.batch_key.clone();
        let abandoned = self.unsure.map(|unsure| unsure.backend_pid);
        let (client, backend_pid, batch) =
            self.driver.run_within(WRITE_TIMEOUT, "connecting the writer to PostgreSQL", async move {
                let client = target.connect().await?;
                // A commit must be durable when it is acknowledged, whatever the server's default.
                client
                    .batch_execute("set synchronous_commit = on")
                    .await
                    .map_err(backend("configuring the writer connection"))?;
                let backend_pid: i32 = client
                    .query_one("select pg_backend_pid()", &[])
                    .await
                    .map_err(backend("configuring the writer connection"))?
                    .get(0);
                if let Some(pid) = abandoned {
                    end_backend(&client, pid).await?;
                }
                let row = client
                    .query_opt("select value from meta where key = $1", &[&batch_key])
                    .await
                    .map_err(backend("reading the last batch number"))?;
                Ok::<_, StoreError>((client, backend_pid, row.map_or(0, |row| row.get::<_, i64>(0))))
            })?;
        self.batch = batch;
        Ok(Connection { client, backend_pid, statements: HashMap::new() })
    }
}

/// How long a fenced batch's transaction may wait for its writer (paused, partitioned) before
/// PostgreSQL ends it, releasing the lease rows it holds so that a takeover can go on: well
/// under a lease's life, well over any pause between a batch's statements of a live writer.
pub const FENCED_IDLE_TIMEOUT: Duration = Duration::from_secs(2);

impl StoreWrite for PostgresWriter {
    fn apply(&mut self, ops: &[WriteOp], head_pos: u64) -> StoreResult<()> {
        self.apply_batch(&[], ops, head_pos)
    }

    fn apply_fenced(&mut self, fences: &[Fence], ops: &[WriteOp], head_pos: u64) -> StoreResult<()> {
        self.apply_batch(fences, ops, head_pos)
    }
}

impl PostgresWriter {
    fn apply_batch(&mut self, fences: &[Fence], ops: &[WriteOp], head_pos: u64) -> StoreResult<()> {
        if !fences.is_empty() && self.batch_key == "batch" && self.unsure.is_none() {
            // This writer's first fenced batch: from now on it numbers its batches apart.
            self.batch_key = format!("batch:{}", writer_token());
            self.batch = 0;
            self.connection = None;
        }
        let connection = self.connection()?;
        if let Some(unsure) = self.unsure {
            if self.batch >= unsure.batch {
                // The batch whose answer was lost did commit. The engine is trying the same batch
                // again (or, when stopping, its parts one by one): it is not written twice.
                self.connection = Some(connection);
                if head_pos == unsure.head_pos && ops.len() == unsure.n_ops {
                    self.unsure = None;
                }
                return Ok(());
            }
            self.unsure = None;
        }
        let batch = self.batch.saturating_add(1);
        let mut statements = Vec::with_capacity(ops.len() + 3);
        if !fences.is_empty() {
            statements.push(fence(fences));
        }
        statements.extend(encode_batch(ops));
        statements.push(exec(
            "insert into meta (key, value) values ('head_pos', $1) on conflict (key) do update set value = excluded.value",
            params![int(head_pos)],
            "storing the head position",
        ));
        statements.push(exec(
            "insert into meta (key, value) values ($2, $1) on conflict (key) do update set value = excluded.value",
            params![batch, self.batch_key.clone()],
            "numbering the batch",
        ));
        let backend_pid = connection.backend_pid;
        let unsure = Unsure { batch, head_pos, n_ops: ops.len(), backend_pid };
        let ran = self
            .driver
            .run_within(WRITE_TIMEOUT, "writing a batch", async move { Ok(execute(connection, statements).await) });
        let (connection, result) = match ran {
            Ok(ran) => ran,
            Err(err) => {
                // Given up on: the connection went with the call, and the batch may still commit.
                self.unsure = Some(unsure);
                return Err(err);
            }
        };
        match result {
            Ok(()) => {
                self.batch = batch;
                self.connection = Some(connection);
                Ok(())
            }
            Err(err) if err.is_unavailable() => {
                // The connection is dropped; the next call connects again and first looks for
                // this batch, whose commit may have happened.
                self.unsure = Some(unsure);
                Err(err)
            }
            Err(err) => {
                // The transaction was rolled back; the connection stays usable.
                self.connection = Some(connection);
                Err(err)
            }
        }
    }
}

/// A token no other writer has: the time, the process and a counter, mixed.
fn writer_token() -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |it| it.as_nanos());
    let count = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{nanos:x}-{:x}-{count:x}", std::process::id())
}

/// The fencing check, the first statement of a fenced batch (`tincan_fence`, in
/// `cluster-migrations/`): it holds the lease rows until the commit, or fails the transaction.
fn fence(fences: &[Fence]) -> Exec {
    let mut fences = fences.to_vec();
    fences.sort_unstable();
    fences.dedup();
    let shards: Vec<i64> = fences.iter().map(|fence| i64::from(fence.shard)).collect();
    let epochs: Vec<i64> = fences.iter().map(|fence| int(fence.epoch)).collect();
    let idle_timeout = format!("{}ms", FENCED_IDLE_TIMEOUT.as_millis());
    exec("select tincan_fence($1, $2, $3)", params![shards, epochs, idle_timeout], "checking the shard leases")
}

/// Ends the PostgreSQL process `pid` (a connection this writer gave up on) and waits until it
/// is gone, so that a batch it may still be running has either committed or rolled back before
/// the writer looks for it. A process that already ended is not an error.
async fn end_backend(client: &Client, pid: i32) -> StoreResult<()> {
    client
        .query_opt("select pg_terminate_backend($1)", &[&pid])
        .await
        .map_err(backend("ending the connection whose batch went unanswered"))?;
    loop {
        let running = client
            .query_opt("select 1 from pg_stat_activity where pid = $1", &[&pid])
            .await
            .map_err(backend("ending the connection whose batch went unanswered"))?;
        if running.is_none() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Runs a batch's statements in one transaction.
async fn execute(mut connection: Connection, statements: Vec<Exec>) -> (Connection, StoreResult<()>) {
    let result = execute_on(&mut connection, &statements).await;
    (connection, result)
}

async fn execute_on(connection: &mut Connection, statements: &[Exec]) -> StoreResult<()> {
    for statement in statements {
        if !connection.statements.contains_key(statement.sql) {
            let prepared = connection.client.prepare(statement.sql).await.map_err(backend("preparing a statement"))?;
            connection.statements.insert(statement.sql, prepared);
        }
    }
    let prepared = &connection.statements;
    let transaction = connection.client.transaction().await.map_err(backend("starting a batch"))?;
    // Every statement is sent before the first answer is awaited; PostgreSQL runs them in the
    // order sent, and the first failure is the one reported (those after it fail as aborted).
    let pending = statements.iter().map(|statement| {
        let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
            statement.params.iter().map(|param| &**param as &(dyn tokio_postgres::types::ToSql + Sync)).collect();
        let sql = &prepared[statement.sql];
        let transaction = &transaction;
        async move { transaction.execute(sql, &params).await.map_err(backend(statement.context)) }
    });
    try_join_all(pending).await?;
    transaction.commit().await.map_err(backend("committing a batch"))
}

/// A batch's statements, in the order of its ops; receipts last, once per message.
fn encode_batch(ops: &[WriteOp]) -> Vec<Exec> {
    let mut statements = Vec::with_capacity(ops.len() + 2);
    // Receipts for one message within a batch are written once, with the newest state; a
    // message's ops share one source, whose address names it (see `ReceiptSource`).
    let mut receipts: HashMap<*const (), &Arc<dyn ReceiptSource>> = HashMap::new();
    for op in ops {
        if let WriteOp::PutGroupReceipt(source) = op {
            receipts.insert(Arc::as_ptr(source).cast::<()>(), source);
            continue;
        }
        encode(op, &mut statements);
    }
    for source in receipts.values() {
        statements.push(put_group_receipt(&source.snapshot()));
    }
    statements
}

/// The statements of one op.
fn encode(op: &WriteOp, out: &mut Vec<Exec>) {
    match op {
        WriteOp::PutApp(app) => out.push(put_app(app)),
        WriteOp::PutAccount(account) => out.push(put_account(account)),
        WriteOp::DeleteAccount { sdkappid, user } => out.extend(delete_account(*sdkappid, user)),
        WriteOp::PutGroup(group) => out.push(put_group(group)),
        WriteOp::PurgeGroup { sdkappid, group_id } => {
            out.extend(purge_group(*sdkappid, &ConvKey::Group(group_id.clone())))
        }
        WriteOp::AddMember(member) => out.push(add_member(member)),
        WriteOp::RemoveMember { sdkappid, group_id, index, leave_seq, leave_pos } => out.push(exec(
            "update group_member set leave_seq = $4, leave_pos = $5 \
             where sdkappid = $1 and group_id = $2 and member_index = $3 and leave_pos is null",
            params![int(*sdkappid), group_id.as_str().to_owned(), i64::from(*index), int(*leave_seq), int(*leave_pos)],
            "removing a member",
        )),
        WriteOp::SetMemberRole { sdkappid, group_id, index, role } => {
            out.push(set_member_role(*sdkappid, group_id.as_str(), *index, *role))
        }
        WriteOp::SetMemberInfo { sdkappid, group_id, index, info } => {
            out.push(set_member_info(*sdkappid, group_id.as_str(), *index, info))
        }
        WriteOp::PutJoinRequest(request) => out.push(put_join_request(request)),
        WriteOp::DeleteJoinRequest { sdkappid, group_id, user } => out.push(exec(
            "delete from group_join_request where sdkappid = $1 and group_id = $2 and user_id = $3",
            params![int(*sdkappid), group_id.as_str().to_owned(), user.as_str().to_owned()],
            "removing a join request",
        )),
        WriteOp::SetPendencyReadTime { sdkappid, user, read_time } => out.push(exec(
            "insert into group_pendency_read (sdkappid, user_id, read_time) values ($1, $2, $3) \
             on conflict (sdkappid, user_id) do update set read_time = excluded.read_time",
            params![int(*sdkappid), user.as_str().to_owned(), int(*read_time)],
            "storing when join requests were read",
        )),
        WriteOp::AppendMessage(message) => out.push(append_message(message)),
        WriteOp::ReviseMessage(message) => out.push(revise_message(message)),
        WriteOp::PutMessageExtensions { sdkappid, conv, seq, extensions } => {
            out.extend(put_message_extensions(*sdkappid, conv, *seq, extensions))
        }
        WriteOp::HideMessages { sdkappid, user, conv, seqs } => out.push(hide_messages(*sdkappid, user, conv, seqs)),
        WriteOp::SetC2cReceipt { sdkappid, conv, seq, read_at, private } => {
            let (conv_type, conv_key) = conv_columns(conv);
            out.push(exec(
                "update message set receipt_read_at = $5, receipt_private = $6 \
                 where sdkappid = $1 and conv_type = $2 and conv_key = $3 and seq = $4",
                params![int(*sdkappid), conv_type, conv_key, int(*seq), int(*read_at), *private],
                "storing a C2C receipt",
            ))
        }
        WriteOp::PutReadState(state) => out.push(put_read_state(state)),
        // Written once per message at the end of the batch (`encode_batch`).
        WriteOp::PutGroupReceipt(_) => {}
        WriteOp::AppendUserEvent(event) => out.push(append_user_event(event)),
        WriteOp::EnqueueCallback(callback) => out.push(enqueue_callback(callback)),
        WriteOp::DeleteCallback { id } => {
            out.push(exec("delete from callback_queue where id = $1", params![int(*id)], "removing a webhook"))
        }
        WriteOp::RetryCallback { id, attempts, next_at } => out.push(exec(
            "update callback_queue set attempts = $2, next_at = $3 where id = $1",
            params![int(*id), i64::from(*attempts), int(*next_at)],
            "rescheduling a webhook",
        )),
        WriteOp::PutConvSettings(record) => out.push(put_conv_settings(record)),
        WriteOp::PutConvGroups(record) => out.push(put_conv_groups(record)),
        WriteOp::PutAllRecvOpt(record) => out.push(put_all_recv_opt(record)),
        WriteOp::PutProfile(record) => out.extend(put_profile(record)),
        WriteOp::PutFriend(record) => out.push(put_friend(record)),
        WriteOp::DeleteFriend { sdkappid, owner, peer } => out.push(exec(
            "delete from friend where sdkappid = $1 and owner = $2 and peer = $3",
            params![int(*sdkappid), owner.as_str().to_owned(), peer.as_str().to_owned()],
            "deleting a friend",
        )),
        WriteOp::PutFriendRequest(record) => out.push(put_friend_request(record)),
        WriteOp::DeleteFriendRequest { sdkappid, from, to } => out.push(exec(
            "delete from friend_request where sdkappid = $1 and from_user = $2 and to_user = $3",
            params![int(*sdkappid), from.as_str().to_owned(), to.as_str().to_owned()],
            "deleting a friend request",
        )),
        WriteOp::PutBlock(record) => out.push(exec(
            "insert into friend_block (sdkappid, owner, peer, blocked_at) values ($1, $2, $3, $4) \
             on conflict (sdkappid, owner, peer) do update set blocked_at = excluded.blocked_at",
            params![
                int(record.sdkappid),
                record.owner.as_str().to_owned(),
                record.peer.as_str().to_owned(),
                int(record.blocked_at),
            ],
            "storing a blocklist entry",
        )),
        WriteOp::DeleteBlock { sdkappid, owner, peer } => out.push(exec(
            "delete from friend_block where sdkappid = $1 and owner = $2 and peer = $3",
            params![int(*sdkappid), owner.as_str().to_owned(), peer.as_str().to_owned()],
            "deleting a blocklist entry",
        )),
        WriteOp::PutFollow(record) => out.push(exec(
            "insert into follow (sdkappid, follower, followee, follow_time) values ($1, $2, $3, $4) \
             on conflict (sdkappid, follower, followee) do update set follow_time = excluded.follow_time",
            params![
                int(record.sdkappid),
                record.follower.as_str().to_owned(),
                record.followee.as_str().to_owned(),
                int(record.follow_time),
            ],
            "storing a follow",
        )),
        WriteOp::DeleteFollow { sdkappid, follower, followee } => out.push(exec(
            "delete from follow where sdkappid = $1 and follower = $2 and followee = $3",
            params![int(*sdkappid), follower.as_str().to_owned(), followee.as_str().to_owned()],
            "deleting a follow",
        )),
        WriteOp::PutFriendMeta(record) => out.push(put_friend_meta(record)),
        WriteOp::PutGroupAttributes(record) => out.extend(put_group_attributes(record)),
        WriteOp::SetGroupCounters(record) => out.extend(set_group_counters(record)),
        WriteOp::DeleteGroupCounters { sdkappid, group_id, keys } => {
            out.push(delete_group_counters(*sdkappid, group_id.as_str(), keys))
        }
        WriteOp::SetGroupBan { sdkappid, group_id, user, until } => {
            out.push(set_group_ban(*sdkappid, group_id.as_str(), user, *until))
        }
    }
}

fn put_app(app: &AppRecord) -> Exec {
    exec(
        "insert into app (sdkappid, secret_key, admin_identifier, plan, receipt_group_types, \
         receipt_coalesce_window_ms, receipt_group_members_max, created_at, callback_url, callback_commands, root, \
         c2c_requires_friendship, blocked_send_fails, revoke_time_limit) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         on conflict (sdkappid) do update set secret_key = excluded.secret_key, \
         admin_identifier = excluded.admin_identifier, plan = excluded.plan, \
         receipt_group_types = excluded.receipt_group_types, \
         receipt_coalesce_window_ms = excluded.receipt_coalesce_window_ms, \
         receipt_group_members_max = excluded.receipt_group_members_max, created_at = excluded.created_at, \
         callback_url = excluded.callback_url, callback_commands = excluded.callback_commands, root = excluded.root, \
         c2c_requires_friendship = excluded.c2c_requires_friendship, \
         blocked_send_fails = excluded.blocked_send_fails, revoke_time_limit = excluded.revoke_time_limit",
        params![
            int(app.sdkappid),
            bytes(&app.secret_key),
            app.admin_identifier.as_str().to_owned(),
            app.config.plan.as_str().to_owned(),
            group_types_to_text(&app.config.receipt_group_types),
            i64::from(app.config.receipt_coalesce_window_ms),
            i64::from(app.config.receipt_group_members_max),
            int(app.created_at),
            bytes(&app.config.callback_url),
            commands_to_text(&app.config.callback_commands),
            app.root,
            app.config.c2c_requires_friendship,
            app.config.blocked_send_fails,
            i64::from(app.config.revoke_time_limit_secs),
        ],
        "storing an app",
    )
}

fn put_account(account: &AccountRecord) -> Exec {
    exec(
        "insert into account (sdkappid, user_id, tiny_id, created_at, receipt_private) values ($1, $2, $3, $4, $5) \
         on conflict (sdkappid, user_id) do update set tiny_id = excluded.tiny_id, \
         created_at = excluded.created_at, receipt_private = excluded.receipt_private",
        params![
            int(account.sdkappid),
            account.user.as_str().to_owned(),
            int(account.tiny_id),
            int(account.created_at),
            account.receipt_private,
        ],
        "storing an account",
    )
}

fn delete_account(sdkappid: u64, user: &UserId) -> Vec<Exec> {
    let mut statements = vec![exec(
        "delete from account where sdkappid = $1 and user_id = $2",
        params![int(sdkappid), user.as_str().to_owned()],
        "deleting an account",
    )];
    statements.extend(delete_profile(sdkappid, user));
    statements.push(exec(
        "delete from all_recv_opt where sdkappid = $1 and user_id = $2",
        params![int(sdkappid), user.as_str().to_owned()],
        "removing an app-wide receive option",
    ));
    statements.extend(delete_relations(sdkappid, user));
    statements
}

fn put_group(group: &GroupRecord) -> Exec {
    let profile = &group.profile;
    exec(
        "insert into grp (sdkappid, group_id, group_type, name, introduction, notification, face_url, add_option, \
         max_member_num, owner, created_at, info_seq, next_index, dismissed_at, shutup_all, visible, searchable, \
         custom, approve_option) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
         $18, $19) \
         on conflict (sdkappid, group_id) do update set group_type = excluded.group_type, name = excluded.name, \
         introduction = excluded.introduction, notification = excluded.notification, \
         face_url = excluded.face_url, add_option = excluded.add_option, \
         max_member_num = excluded.max_member_num, owner = excluded.owner, created_at = excluded.created_at, \
         info_seq = excluded.info_seq, next_index = excluded.next_index, dismissed_at = excluded.dismissed_at, \
         shutup_all = excluded.shutup_all, visible = excluded.visible, searchable = excluded.searchable, \
         custom = excluded.custom, approve_option = excluded.approve_option",
        params![
            int(group.sdkappid),
            group.group_id.as_str().to_owned(),
            i64::from(group.group_type.0),
            bytes(&profile.name),
            bytes(&profile.introduction),
            bytes(&profile.notification),
            bytes(&profile.face_url),
            i64::from(profile.add_option),
            i64::from(profile.max_member_num),
            group.owner.as_ref().map(|owner| owner.as_str().to_owned()),
            int(group.created_at),
            int(group.info_seq),
            i64::from(group.next_index),
            group.dismissed_at.map(int),
            profile.shutup_all,
            i64::from(profile.visible),
            i64::from(profile.searchable),
            custom_to_bytes(&profile.custom),
            i64::from(profile.approve_option),
        ],
        "storing a group",
    )
}

/// Everything of a dismissed group whose ID a new group takes.
fn purge_group(sdkappid: u64, conv: &ConvKey) -> Vec<Exec> {
    let ConvKey::Group(group_id) = conv else { return Vec::new() };
    let (conv_type, conv_key) = conv_columns(conv);
    let group = || params![int(sdkappid), group_id.as_str().to_owned()];
    let conversation = || params![int(sdkappid), conv_type, conv_key.clone()];
    vec![
        exec("delete from group_member where sdkappid = $1 and group_id = $2", group(), "purging members"),
        exec("delete from group_join_request where sdkappid = $1 and group_id = $2", group(), "purging join requests"),
        exec("delete from group_receipt where sdkappid = $1 and group_id = $2", group(), "purging receipts"),
        exec(
            "delete from message where sdkappid = $1 and conv_type = $2 and conv_key = $3",
            conversation(),
            "purging messages",
        ),
        exec(
            "delete from read_state where sdkappid = $1 and conv_type = $2 and conv_key = $3",
            conversation(),
            "purging read positions",
        ),
        exec(
            "delete from message_extension where sdkappid = $1 and conv_type = $2 and conv_key = $3",
            conversation(),
            "purging message extensions",
        ),
        exec(
            "delete from conv_settings where sdkappid = $1 and conv_type = $2 and conv_key = $3",
            conversation(),
            "purging conversation settings",
        ),
        exec(
            "delete from hidden_message where sdkappid = $1 and conv_type = $2 and conv_key = $3",
            conversation(),
            "purging deleted-for-me marks",
        ),
        exec("delete from group_attribute where sdkappid = $1 and group_id = $2", group(), "purging attributes"),
        exec("delete from group_counter where sdkappid = $1 and group_id = $2", group(), "purging counters"),
        exec("delete from group_ban where sdkappid = $1 and group_id = $2", group(), "purging bans"),
    ]
}

fn add_member(member: &MemberRecord) -> Exec {
    exec(
        "insert into group_member (sdkappid, group_id, member_index, user_id, role, join_seq, join_time, join_pos, \
         name_card, shutup_until, custom) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        params![
            int(member.sdkappid),
            member.group_id.as_str().to_owned(),
            i64::from(member.index),
            member.user.as_str().to_owned(),
            i64::from(member.role.0),
            int(member.join_seq),
            int(member.join_time),
            int(member.join_pos),
            bytes(&member.info.name_card),
            int(member.info.shutup_until),
            custom_to_bytes(&member.info.custom),
        ],
        "adding a member",
    )
}

fn set_member_role(sdkappid: u64, group_id: &str, index: u32, role: MemberRole) -> Exec {
    exec(
        "update group_member set role = $4 where sdkappid = $1 and group_id = $2 and member_index = $3",
        params![int(sdkappid), group_id.to_owned(), i64::from(index), i64::from(role.0)],
        "changing a member's role",
    )
}

fn set_member_info(sdkappid: u64, group_id: &str, index: u32, info: &MemberInfo) -> Exec {
    exec(
        "update group_member set name_card = $4, shutup_until = $5, custom = $6 \
         where sdkappid = $1 and group_id = $2 and member_index = $3",
        params![
            int(sdkappid),
            group_id.to_owned(),
            i64::from(index),
            bytes(&info.name_card),
            int(info.shutup_until),
            custom_to_bytes(&info.custom),
        ],
        "changing a member's profile",
    )
}

fn put_join_request(request: &JoinRequestRecord) -> Exec {
    exec(
        "insert into group_join_request (sdkappid, group_id, user_id, add_time, message, inviter) \
         values ($1, $2, $3, $4, $5, $6) \
         on conflict (sdkappid, group_id, user_id) do update set add_time = excluded.add_time, \
         message = excluded.message, inviter = excluded.inviter",
        params![
            int(request.sdkappid),
            request.group_id.as_str().to_owned(),
            request.user.as_str().to_owned(),
            int(request.add_time),
            bytes(&request.message),
            request.inviter.as_ref().map_or_else(String::new, |inviter| inviter.as_str().to_owned()),
        ],
        "storing a join request",
    )
}

fn append_message(message: &MessageRecord) -> Exec {
    let (conv_type, conv_key) = conv_columns(&message.conv);
    exec(
        "insert into message (pos, sdkappid, conv_type, conv_key, seq, msg_id, sender, rand, client_time, \
         server_time, need_receipt, excluded, priority, platform, first_elem_type, body, cloud_custom, custom_int, \
         custom_str, receipt_read_at, receipt_private, supports_extensions) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)",
        params![
            int(message.pos),
            int(message.sdkappid),
            conv_type,
            conv_key,
            int(message.seq),
            message.msg_id.clone(),
            message.sender.as_str().to_owned(),
            bits(message.rand),
            bits(message.client_time),
            int(message.server_time),
            message.need_receipt,
            message.excluded_from_unread,
            i64::from(message.priority),
            i64::from(message.platform),
            i64::from(message.first_elem_type),
            message.body.clone(),
            bytes(&message.cloud_custom),
            message.custom_int,
            bytes(&message.custom_str),
            int(message.receipt_read_at),
            message.receipt_private,
            message.supports_extensions,
        ],
        "appending a message",
    )
}

fn revise_message(message: &MessageRecord) -> Exec {
    let (conv_type, conv_key) = conv_columns(&message.conv);
    let revision = &message.revision;
    exec(
        "update message set body = $5, cloud_custom = $6, revoked_by = $7, revoke_reason = $8, version = $9, \
         revised_pos = $10 where sdkappid = $1 and conv_type = $2 and conv_key = $3 and seq = $4",
        params![
            int(message.sdkappid),
            conv_type,
            conv_key,
            int(message.seq),
            message.body.clone(),
            bytes(&message.cloud_custom),
            revision.revoked_by.as_ref().map(|user| user.as_str().to_owned()),
            bytes(&revision.revoke_reason),
            int(revision.version),
            int(revision.pos),
        ],
        "revising a message",
    )
}

/// Each key's row replaced by its state now (a deleted key keeps its row).
fn put_message_extensions(sdkappid: u64, conv: &ConvKey, seq: u64, extensions: &[MessageExtensionRecord]) -> Vec<Exec> {
    let (conv_type, conv_key) = conv_columns(conv);
    extensions
        .iter()
        .map(|extension| {
            exec(
                "insert into message_extension (sdkappid, conv_type, conv_key, seq, key, value, key_seq, deleted) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8) \
                 on conflict (sdkappid, conv_type, conv_key, seq, key) do update set value = excluded.value, \
                 key_seq = excluded.key_seq, deleted = excluded.deleted",
                params![
                    int(sdkappid),
                    conv_type,
                    conv_key.clone(),
                    int(seq),
                    bytes(&extension.key),
                    bytes(&extension.value),
                    int(extension.seq),
                    extension.deleted,
                ],
                "storing a message extension",
            )
        })
        .collect()
}

fn hide_messages(sdkappid: u64, user: &UserId, conv: &ConvKey, seqs: &[u64]) -> Exec {
    let (conv_type, conv_key) = conv_columns(conv);
    let seqs: Vec<i64> = seqs.iter().copied().map(int).collect();
    exec(
        "insert into hidden_message (sdkappid, user_id, conv_type, conv_key, seq) \
         select $1, $2, $3, $4, seq from unnest($5::bigint[]) as hidden(seq) on conflict do nothing",
        params![int(sdkappid), user.as_str().to_owned(), conv_type, conv_key, seqs],
        "hiding messages",
    )
}

fn put_read_state(state: &ReadStateRecord) -> Exec {
    let (conv_type, conv_key) = conv_columns(&state.conv);
    exec(
        "insert into read_state (sdkappid, user_id, conv_type, conv_key, read_seq, read_time, published_seq, \
         published_time) values ($1, $2, $3, $4, $5, $6, $7, $8) \
         on conflict (sdkappid, user_id, conv_type, conv_key) do update set read_seq = excluded.read_seq, \
         read_time = excluded.read_time, published_seq = excluded.published_seq, \
         published_time = excluded.published_time",
        params![
            int(state.sdkappid),
            state.user.as_str().to_owned(),
            conv_type,
            conv_key,
            int(state.read_seq),
            int(state.read_time),
            int(state.published_seq),
            int(state.published_time),
        ],
        "storing a read position",
    )
}

fn put_group_receipt(record: &GroupReceiptRecord) -> Exec {
    exec(
        "insert into group_receipt (sdkappid, group_id, seq, sender_index, index_bound, readers, private_readers) \
         values ($1, $2, $3, $4, $5, $6, $7) on conflict (sdkappid, group_id, seq) do update set \
         sender_index = excluded.sender_index, index_bound = excluded.index_bound, readers = excluded.readers, \
         private_readers = excluded.private_readers",
        params![
            int(record.sdkappid),
            record.group_id.as_str().to_owned(),
            int(record.seq),
            record.sender_index.map(i64::from),
            i64::from(record.index_bound),
            record.readers.clone(),
            record.private_readers.clone(),
        ],
        "storing a group receipt",
    )
}

fn append_user_event(event: &UserEventRecord) -> Exec {
    let (conv_type, conv_key) = event.conv.as_ref().map(conv_columns).unwrap_or((0, String::new()));
    exec(
        "insert into user_event (sdkappid, user_id, pos, kind, conv_type, conv_key, seq, payload) \
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        params![
            int(event.sdkappid),
            event.user.as_str().to_owned(),
            int(event.pos),
            event.kind.clone(),
            conv_type,
            conv_key,
            int(event.seq),
            event.payload.clone(),
        ],
        "appending a user event",
    )
}

fn enqueue_callback(callback: &CallbackRecord) -> Exec {
    exec(
        "insert into callback_queue (sdkappid, command, event, enqueued_at, attempts, next_at) \
         values ($1, $2, $3, $4, $5, $6)",
        params![
            int(callback.sdkappid),
            callback.command.clone(),
            callback.event.clone(),
            int(callback.enqueued_at),
            i64::from(callback.attempts),
            int(callback.next_at),
        ],
        "queueing a webhook",
    )
}

fn put_conv_settings(record: &ConvSettingsRecord) -> Exec {
    let (conv_type, conv_key) = conv_columns(&record.conv);
    let settings = &record.settings;
    if settings.is_empty() {
        return exec(
            "delete from conv_settings where sdkappid = $1 and user_id = $2 and conv_type = $3 and conv_key = $4",
            params![int(record.sdkappid), record.user.as_str().to_owned(), conv_type, conv_key],
            "removing conversation settings",
        );
    }
    exec(
        "insert into conv_settings (sdkappid, user_id, conv_type, conv_key, created_at, deleted_seq, cleared_seq, \
         draft, pinned, marks, custom_data, groups, recv_opt) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         on conflict (sdkappid, user_id, conv_type, conv_key) do update set created_at = excluded.created_at, \
         deleted_seq = excluded.deleted_seq, cleared_seq = excluded.cleared_seq, draft = excluded.draft, \
         pinned = excluded.pinned, marks = excluded.marks, custom_data = excluded.custom_data, \
         groups = excluded.groups, recv_opt = excluded.recv_opt",
        params![
            int(record.sdkappid),
            record.user.as_str().to_owned(),
            conv_type,
            conv_key,
            int(settings.created_at),
            settings.deleted_seq.map(int),
            int(settings.cleared_seq),
            bytes(&settings.draft),
            settings.pinned,
            bits(settings.marks),
            bytes(&settings.custom_data),
            names_to_text(&settings.groups),
            i64::from(settings.recv_opt),
        ],
        "storing conversation settings",
    )
}

fn put_conv_groups(record: &ConvGroupsRecord) -> Exec {
    if record.names.is_empty() {
        return exec(
            "delete from conv_group_list where sdkappid = $1 and user_id = $2",
            params![int(record.sdkappid), record.user.as_str().to_owned()],
            "removing conversation groups",
        );
    }
    exec(
        "insert into conv_group_list (sdkappid, user_id, names) values ($1, $2, $3) \
         on conflict (sdkappid, user_id) do update set names = excluded.names",
        params![int(record.sdkappid), record.user.as_str().to_owned(), names_to_text(&record.names)],
        "storing conversation groups",
    )
}

fn put_all_recv_opt(record: &AllRecvOptRecord) -> Exec {
    if record.opt.is_default() {
        return exec(
            "delete from all_recv_opt where sdkappid = $1 and user_id = $2",
            params![int(record.sdkappid), record.user.as_str().to_owned()],
            "removing an app-wide receive option",
        );
    }
    let opt = &record.opt;
    exec(
        "insert into all_recv_opt (sdkappid, user_id, level, start_hour, start_minute, start_second, \
         start_time_stamp, duration) values ($1, $2, $3, $4, $5, $6, $7, $8) \
         on conflict (sdkappid, user_id) do update set level = excluded.level, start_hour = excluded.start_hour, \
         start_minute = excluded.start_minute, start_second = excluded.start_second, \
         start_time_stamp = excluded.start_time_stamp, duration = excluded.duration",
        params![
            int(record.sdkappid),
            record.user.as_str().to_owned(),
            i64::from(opt.level),
            i64::from(opt.start_hour),
            i64::from(opt.start_minute),
            i64::from(opt.start_second),
            int(opt.start_time_stamp),
            int(opt.duration)
        ],
        "storing an app-wide receive option",
    )
}

fn delete_profile(sdkappid: u64, user: &UserId) -> Vec<Exec> {
    let key = || params![int(sdkappid), user.as_str().to_owned()];
    vec![
        exec("delete from profile where sdkappid = $1 and user_id = $2", key(), "deleting a profile"),
        exec(
            "delete from profile_custom where sdkappid = $1 and user_id = $2",
            key(),
            "deleting a profile's custom fields",
        ),
        exec("delete from subscription where sdkappid = $1 and user_id = $2", key(), "deleting subscriptions"),
    ]
}

fn put_profile(record: &ProfileRecord) -> Vec<Exec> {
    let user = record.user.as_str();
    let mut statements = delete_profile(record.sdkappid, &record.user);
    let profile = &record.profile;
    statements.push(exec(
        "insert into profile (sdkappid, user_id, nick, gender, face_url, signature, add_permission, location, \
         language, birthday, level, role, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        params![
            int(record.sdkappid),
            user.to_owned(),
            bytes(&profile.user_profile_nick_name),
            i64::from(profile.user_profile_gender),
            bytes(&profile.user_profile_face_url),
            bytes(&profile.user_profile_self_signature),
            i64::from(profile.user_profile_add_permission),
            bytes(&profile.user_profile_location),
            i64::from(profile.user_profile_language),
            i64::from(profile.user_profile_birthday),
            i64::from(profile.user_profile_level),
            i64::from(profile.user_profile_role),
            int(record.updated_at),
        ],
        "storing a profile",
    ));
    for custom in &profile.user_profile_custom_string_array {
        statements.push(exec(
            "insert into profile_custom (sdkappid, user_id, key, value) values ($1, $2, $3, $4)",
            params![
                int(record.sdkappid),
                user.to_owned(),
                bytes(&custom.user_profile_custom_string_info_key),
                bytes(&custom.user_profile_custom_string_info_value),
            ],
            "storing a profile's custom field",
        ));
    }
    for (kind, targets) in [(0_i64, &record.info_subscriptions), (1, &record.status_subscriptions)] {
        for (seq, target) in targets.iter().enumerate() {
            statements.push(exec(
                "insert into subscription (sdkappid, user_id, kind, seq, target) values ($1, $2, $3, $4, $5)",
                params![
                    int(record.sdkappid),
                    user.to_owned(),
                    kind,
                    i64::try_from(seq).unwrap_or(i64::MAX),
                    target.as_str().to_owned(),
                ],
                "storing a subscription",
            ));
        }
    }
    statements
}

/// Every row of the relationship chain that names `user`, on either side.
fn delete_relations(sdkappid: u64, user: &UserId) -> Vec<Exec> {
    [
        ("delete from friend where sdkappid = $1 and (owner = $2 or peer = $2)", "deleting friends"),
        (
            "delete from friend_request where sdkappid = $1 and (from_user = $2 or to_user = $2)",
            "deleting friend requests",
        ),
        ("delete from friend_block where sdkappid = $1 and (owner = $2 or peer = $2)", "deleting blocklist entries"),
        ("delete from friend_meta where sdkappid = $1 and owner = $2", "deleting friend groups"),
        ("delete from follow where sdkappid = $1 and (follower = $2 or followee = $2)", "deleting follows"),
    ]
    .into_iter()
    .map(|(sql, context)| exec(sql, params![int(sdkappid), user.as_str().to_owned()], context))
    .collect()
}

fn put_friend(record: &FriendRecord) -> Exec {
    exec(
        "insert into friend (sdkappid, owner, peer, remark, groups, custom, add_source, add_wording, add_time) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         on conflict (sdkappid, owner, peer) do update set remark = excluded.remark, groups = excluded.groups, \
         custom = excluded.custom, add_source = excluded.add_source, add_wording = excluded.add_wording, \
         add_time = excluded.add_time",
        params![
            int(record.sdkappid),
            record.owner.as_str().to_owned(),
            record.peer.as_str().to_owned(),
            bytes(&record.remark),
            names_to_text(&record.groups).into_bytes(),
            custom_to_bytes(&record.custom),
            bytes(&record.add_source),
            bytes(&record.add_wording),
            int(record.add_time),
        ],
        "storing a friend",
    )
}

fn put_friend_request(record: &FriendRequestRecord) -> Exec {
    exec(
        "insert into friend_request (sdkappid, from_user, to_user, remark, group_name, add_source, add_wording, \
         add_time) values ($1, $2, $3, $4, $5, $6, $7, $8) \
         on conflict (sdkappid, from_user, to_user) do update set remark = excluded.remark, \
         group_name = excluded.group_name, add_source = excluded.add_source, add_wording = excluded.add_wording, \
         add_time = excluded.add_time",
        params![
            int(record.sdkappid),
            record.from.as_str().to_owned(),
            record.to.as_str().to_owned(),
            bytes(&record.remark),
            bytes(&record.group_name),
            bytes(&record.add_source),
            bytes(&record.add_wording),
            int(record.add_time),
        ],
        "storing a friend request",
    )
}

fn put_friend_meta(record: &FriendMetaRecord) -> Exec {
    if record.is_empty() {
        return exec(
            "delete from friend_meta where sdkappid = $1 and owner = $2",
            params![int(record.sdkappid), record.owner.as_str().to_owned()],
            "deleting friend groups",
        );
    }
    exec(
        "insert into friend_meta (sdkappid, owner, groups, pendency_read_time) values ($1, $2, $3, $4) \
         on conflict (sdkappid, owner) do update set groups = excluded.groups, \
         pendency_read_time = excluded.pendency_read_time",
        params![
            int(record.sdkappid),
            record.owner.as_str().to_owned(),
            names_to_text(&record.groups).into_bytes(),
            int(record.pendency_read_time),
        ],
        "storing friend groups",
    )
}

/// The group's attributes replaced by the record's: the old rows go, the new ones are inserted.
fn put_group_attributes(record: &GroupAttributesRecord) -> Vec<Exec> {
    let group = || params![int(record.sdkappid), record.group_id.as_str().to_owned()];
    let mut statements = vec![exec(
        "delete from group_attribute where sdkappid = $1 and group_id = $2",
        group(),
        "replacing group attributes",
    )];
    for (key, value) in &record.attributes {
        statements.push(exec(
            "insert into group_attribute (sdkappid, group_id, attr_key, attr_value) values ($1, $2, $3, $4)",
            params![int(record.sdkappid), record.group_id.as_str().to_owned(), bytes(key), bytes(value)],
            "storing a group attribute",
        ));
    }
    statements
}

/// The record's counters set; the group's others are kept.
fn set_group_counters(record: &GroupCountersRecord) -> Vec<Exec> {
    record
        .counters
        .iter()
        .map(|(key, value)| {
            exec(
                "insert into group_counter (sdkappid, group_id, counter_key, counter_value) values ($1, $2, $3, $4) \
                 on conflict (sdkappid, group_id, counter_key) do update set counter_value = excluded.counter_value",
                params![int(record.sdkappid), record.group_id.as_str().to_owned(), bytes(key), *value],
                "storing a group counter",
            )
        })
        .collect()
}

/// The named counters of a group deleted, or all of them when none is named.
fn delete_group_counters(sdkappid: u64, group_id: &str, keys: &[String]) -> Exec {
    if keys.is_empty() {
        return exec(
            "delete from group_counter where sdkappid = $1 and group_id = $2",
            params![int(sdkappid), group_id.to_owned()],
            "deleting group counters",
        );
    }
    let keys: Vec<Vec<u8>> = keys.iter().map(|key| bytes(key)).collect();
    exec(
        "delete from group_counter where sdkappid = $1 and group_id = $2 and counter_key = any($3)",
        params![int(sdkappid), group_id.to_owned(), keys],
        "deleting group counters",
    )
}

/// A ban stored, or lifted when `until` is 0.
fn set_group_ban(sdkappid: u64, group_id: &str, user: &UserId, until: u64) -> Exec {
    if until == 0 {
        return exec(
            "delete from group_ban where sdkappid = $1 and group_id = $2 and user_id = $3",
            params![int(sdkappid), group_id.to_owned(), user.as_str().to_owned()],
            "lifting a ban",
        );
    }
    exec(
        "insert into group_ban (sdkappid, group_id, user_id, until) values ($1, $2, $3, $4) \
         on conflict (sdkappid, group_id, user_id) do update set until = excluded.until",
        params![int(sdkappid), group_id.to_owned(), user.as_str().to_owned(), int(until)],
        "storing a ban",
    )
}

#[cfg(test)]
mod tests {
    use tincan_proto::GroupId;
    use tincan_store::StoreRead;
    use tincan_store::conformance::message;

    use super::*;
    use crate::testing::TestDatabase;

    #[test]
    fn a_batch_whose_commit_went_unanswered_is_not_written_again() {
        // The commit reached PostgreSQL but its answer was lost with the connection: the writer
        // only knows the batch's number. The engine tries the same batch again, which must
        // succeed without storing it twice (a second insert would fail on the message's key).
        let database = TestDatabase::create();
        let (reader, mut writer) = crate::open(database.url()).unwrap();
        let conv = ConvKey::Group(GroupId::parse("g").unwrap());
        let batch = [WriteOp::AppendMessage(message(&conv, 1, "alice"))];
        writer.apply(&batch, 1001).unwrap();
        let backend_pid = writer.connection.take().unwrap().backend_pid;
        writer.unsure = Some(Unsure { batch: writer.batch, head_pos: 1001, n_ops: batch.len(), backend_pid });
        writer.apply(&batch, 1001).expect("the committed batch is recognised");
        assert!(writer.unsure.is_none());
        let next = [WriteOp::AppendMessage(message(&conv, 2, "alice"))];
        writer.apply(&next, 1002).expect("writing goes on");
        assert_eq!(reader.load(0).unwrap().conversations[0].last_message.seq, 2);

        // A batch whose commit did not happen is written when tried again.
        let lost = [WriteOp::AppendMessage(message(&conv, 3, "alice"))];
        let backend_pid = writer.connection.take().unwrap().backend_pid;
        writer.unsure = Some(Unsure { batch: writer.batch + 1, head_pos: 1003, n_ops: lost.len(), backend_pid });
        writer.apply(&lost, 1003).expect("the uncommitted batch is written");
        assert_eq!(reader.load(0).unwrap().conversations[0].last_message.seq, 3);
    }
}
