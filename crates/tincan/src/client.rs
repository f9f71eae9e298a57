//! The client commands: users through `tincan-sdk`, the administrator through the REST API.
//!
//! Each command prints readable lines (`crate::human`) or, with `--json`, TIM's JSON objects.
//! A failure names its cause in the user's terms and the fix: no server at the address, no key
//! in the data directory, a key the server does not accept, an account that does not exist yet,
//! a group ID given without `--group`.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{anyhow, bail};
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use tincan_proto::api::{create_group, get_message_list};
use tincan_proto::enums::{ConvType, GroupType, HandleMemberResult, MemberRole};
use tincan_proto::{ApiError, ErrorCode, GroupId, Message, UserId};
use tincan_sdk::admin::AdminClient;
use tincan_sdk::{Client, ClientConfig, ConnectionState, Event};

use crate::{AppArgs, SERVER_DEFAULT, human};

/// Where the server is, and how to print.
#[derive(Args, Clone)]
pub(crate) struct ServerArgs {
    /// The server's address.
    #[arg(long, env = "TINCAN_SERVER", default_value = SERVER_DEFAULT)]
    server: String,
    /// Prints TIM's JSON objects instead of readable lines.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    app: AppArgs,
}

/// `tincan send`.
#[derive(Args)]
pub(crate) struct SendArgs {
    /// The sending user.
    #[arg(long = "as")]
    user: String,
    /// The receiving user (C2C) or, with --group, the group.
    #[arg(long)]
    to: String,
    /// `--to` names a group.
    #[arg(long)]
    group: bool,
    /// Ask the readers for read receipts.
    #[arg(long)]
    receipt: bool,
    /// The text.
    text: String,
    #[command(flatten)]
    server: ServerArgs,
}

/// `tincan tail`.
#[derive(Args)]
pub(crate) struct TailArgs {
    /// The user whose events to print.
    #[arg(long = "as")]
    user: String,
    /// Resume after this event position (replays what came since).
    #[arg(long)]
    resume_pos: Option<u64>,
    /// Stop after this many seconds.
    #[arg(long)]
    seconds: Option<u64>,
    /// Send read receipts for messages that ask for them, as a reader would.
    #[arg(long)]
    send_receipts: bool,
    #[command(flatten)]
    server: ServerArgs,
}

/// `tincan history`.
#[derive(Args)]
pub(crate) struct HistoryArgs {
    /// The user reading.
    #[arg(long = "as")]
    user: String,
    /// The peer (C2C) or, with --group, the group.
    #[arg(long)]
    with: String,
    /// `--with` names a group.
    #[arg(long)]
    group: bool,
    /// How many messages.
    #[arg(long, default_value_t = 20)]
    count: u32,
    #[command(flatten)]
    server: ServerArgs,
}

/// `tincan group ...`.
#[derive(Subcommand)]
pub(crate) enum GroupCommand {
    /// Creates a group owned by its creator.
    Create {
        /// The creator (the owner).
        #[arg(long = "as")]
        user: String,
        /// Its name.
        #[arg(long)]
        name: String,
        /// Work, Public, Meeting, Community or AVChatRoom.
        #[arg(long = "type", default_value = "Work")]
        group_type: String,
        /// A custom ID.
        #[arg(long)]
        id: Option<String>,
        /// Initial members, comma-separated.
        #[arg(long, value_delimiter = ',')]
        members: Vec<String>,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Adds users to a group; each must have an account (see `tincan account import`).
    Invite {
        /// The user inviting.
        #[arg(long = "as")]
        user: String,
        /// The group.
        #[arg(long)]
        group: String,
        /// The users to add.
        users: Vec<String>,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Lists a group's members.
    Members {
        /// The user asking (a member).
        #[arg(long = "as")]
        user: String,
        /// The group.
        #[arg(long)]
        group: String,
        #[command(flatten)]
        server: ServerArgs,
    },
}

/// `tincan account ...`.
#[derive(Subcommand)]
pub(crate) enum AccountCommand {
    /// Creates accounts (TIM's account import), so that they can be invited and written to
    /// before they first log in.
    Import {
        /// The user IDs.
        #[arg(required = true)]
        users: Vec<String>,
        #[command(flatten)]
        server: ServerArgs,
    },
}

/// `tincan app ...`.
#[derive(Subcommand)]
pub(crate) enum AppCommand {
    /// Shows the app's configuration.
    Show(ServerArgs),
    /// Lists every app (the server's first app's administrator only).
    List(ServerArgs),
    /// Creates an app (the server's first app's administrator only).
    Create {
        /// Its plan.
        #[arg(long, default_value = "Ultimate")]
        plan: String,
        /// A chosen SDKAppID.
        #[arg(long = "new-sdkappid")]
        new_sdkappid: Option<u64>,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Changes the app's configuration while the server runs.
    Config {
        /// Standard, Pro or Ultimate.
        #[arg(long)]
        plan: Option<String>,
        /// Group types enabled for receipts, comma-separated (Work, Public, Meeting, Community).
        #[arg(long, value_delimiter = ',')]
        receipt_group_types: Option<Vec<String>>,
        /// The coalescing window of receipt pushes, in milliseconds.
        #[arg(long)]
        coalesce_ms: Option<u32>,
        /// The largest group allowed receipts.
        #[arg(long)]
        receipt_group_members_max: Option<u32>,
        /// Where webhooks go (an http:// or https:// URL; "" turns them off).
        #[arg(long)]
        callback_url: Option<String>,
        /// The webhook commands to call, comma-separated (TIM's names, e.g. C2C.CallbackAfterSendMsg).
        #[arg(long, value_delimiter = ',')]
        callback_commands: Option<Vec<String>>,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Replaces the app's key (old UserSigs stop working).
    RotateKey(ServerArgs),
}

/// `tincan privacy`.
#[derive(Args)]
pub(crate) struct PrivacyArgs {
    /// The user.
    #[arg(long)]
    user: String,
    /// `true` keeps the user's reads private; `false` makes them public again.
    #[arg(long, action = clap::ArgAction::Set)]
    private: bool,
    #[command(flatten)]
    server: ServerArgs,
}

/// An app's SDKAppID and key, and where the key came from (for the errors that name it).
pub(crate) struct Credentials {
    pub(crate) sdkappid: u64,
    pub(crate) key: String,
    key_file: Option<PathBuf>,
}

/// The app's SDKAppID and key, from the flags or the data directory.
pub(crate) fn credentials(args: &AppArgs) -> anyhow::Result<Credentials> {
    let dir = args.data.join("apps");
    let sdkappid = match args.sdkappid {
        Some(sdkappid) => sdkappid,
        None => {
            let mut found: Vec<u64> = std::fs::read_dir(&dir)
                .map(|entries| {
                    entries
                        .filter_map(|entry| entry.ok()?.file_name().to_str()?.strip_suffix(".key")?.parse().ok())
                        .collect()
                })
                .unwrap_or_default();
            found.sort_unstable();
            match found.as_slice() {
                [only] => *only,
                [] => bail!(
                    "no app key in {}: `tincan serve` keeps its keys in the data directory it was started with; \
                     point --data (or TINCAN_DATA) at that directory, run this from where the server was started, \
                     or pass --sdkappid and --key",
                    dir.display()
                ),
                several => bail!(
                    "the keys of several apps are in {} ({}); choose one with --sdkappid",
                    dir.display(),
                    several.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
                ),
            }
        }
    };
    if let Some(key) = &args.key {
        return Ok(Credentials { sdkappid, key: key.clone(), key_file: None });
    }
    let path = dir.join(format!("{sdkappid}.key"));
    let key = match std::fs::read_to_string(&path) {
        Ok(key) => key.trim().to_owned(),
        Err(err) => bail!(
            "cannot read the key of app {sdkappid} from {} ({err}); pass --key, or point --data (or TINCAN_DATA) \
             at the data directory of the server that has app {sdkappid}",
            path.display()
        ),
    };
    Ok(Credentials { sdkappid, key, key_file: Some(path) })
}

/// A server and an app, as a command talks to them; it turns the server's refusals into what
/// to do about them.
struct Target {
    server: String,
    credentials: Credentials,
}

impl Target {
    fn new(server: &ServerArgs) -> anyhow::Result<Target> {
        Ok(Target { server: server.server.clone(), credentials: credentials(&server.app)? })
    }

    fn user_sig(&self, user: &str, expire_secs: u64) -> String {
        tincan_usersig::generate(&self.credentials.key, self.credentials.sdkappid, user, now_secs(), expire_secs)
    }

    /// A failed call, in words that say what to do.
    fn explain(&self, err: ApiError) -> anyhow::Error {
        let sdkappid = self.credentials.sdkappid;
        let server = &self.server;
        match err.code {
            ErrorCode::NET_DISCONNECTED => anyhow!(
                "no tincan server answers at {server} ({}); start one with `tincan serve`, \
                 or give its address with --server ADDR (or TINCAN_SERVER)",
                err.desc.rsplit(": ").next().unwrap_or(&err.desc)
            ),
            ErrorCode::USERSIG_KEY_MISMATCH
            | ErrorCode::USERSIG_MALFORMED
            | ErrorCode::USERSIG_SDKAPPID_MISMATCH
            | ErrorCode::USERSIG_IDENTIFIER_MISMATCH => match &self.credentials.key_file {
                None => anyhow!(
                    "the server at {server} does not accept the key given with --key (or TINCAN_KEY) for app \
                     {sdkappid}: it is not that app's key; pass the one in the server's data directory \
                     (apps/{sdkappid}.key), or leave --key out and point --data (or TINCAN_DATA) there ({})",
                    err.code.0
                ),
                Some(file) => anyhow!(
                    "the server at {server} does not accept the key in {} for app {sdkappid}: it has another \
                     (was the key rotated, or is --data another server's data directory?); point --data \
                     (or TINCAN_DATA) at the data directory of the server at {server}, or pass --key ({})",
                    file.display(),
                    err.code.0
                ),
            },
            ErrorCode::SDKAPPID_NOT_FOUND => anyhow!(
                "the server at {server} has no app {sdkappid}; check --sdkappid (or TINCAN_SDKAPPID), and that \
                 --data (or TINCAN_DATA) is this server's data directory ({})",
                err.code.0
            ),
            _ => anyhow!("{} (error {})", err.desc, err.code.0),
        }
    }

    /// Logs in as `user`.
    async fn connect(&self, user: &str, resume_pos: Option<u64>) -> anyhow::Result<(Client, tincan_sdk::Events)> {
        let user_id = UserId::parse(user).map_err(|err| anyhow!("{user:?} is not a user ID: {}", err.desc))?;
        let mut config = ClientConfig::new(
            format!("ws://{}/ws", self.server),
            self.credentials.sdkappid,
            user_id,
            self.user_sig(user, 86_400),
        );
        config.resume_pos = resume_pos;
        Client::connect(config).await.map_err(|err| self.explain(err))
    }

    /// The app's administrator over the REST API.
    fn admin(&self) -> AdminClient {
        let identifier = tincan_engine::DEFAULT_ADMIN_IDENTIFIER.to_owned();
        let user_sig = self.user_sig(&identifier, 3600);
        AdminClient { address: self.server.clone(), sdkappid: self.credentials.sdkappid, identifier, user_sig }
    }

    /// Calls a REST command as the administrator; the answer without TIM's envelope keys.
    async fn rest(&self, service: &str, command: &str, body: &Value) -> anyhow::Result<Value> {
        let mut answer = self.admin().call(service, command, body).await.map_err(|err| self.explain(err))?;
        if let Some(map) = answer.as_object_mut() {
            map.remove("ActionStatus");
            map.remove("ErrorCode");
            map.remove("ErrorInfo");
        }
        Ok(answer)
    }

    /// Which of `users` have no account, asked of the REST API (TIM's `account_check`).
    async fn check_accounts(&self, users: &[String]) -> anyhow::Result<Vec<String>> {
        let items: Vec<Value> = users.iter().map(|user| json!({"UserID": user})).collect();
        let answer = self.rest("im_open_login_svc", "account_check", &json!({"CheckItem": items})).await?;
        let missing = answer["ResultItem"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter(|item| item["AccountStatus"] == "NotImported")
                    .filter_map(|item| item["UserID"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        Ok(missing)
    }

    /// Which of `users` have no account, for an error message; empty when that cannot be told.
    async fn missing_accounts(&self, users: &[String]) -> Vec<String> {
        self.check_accounts(users).await.unwrap_or_default()
    }
}

fn now_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |it| it.as_secs())
}

fn conv_type(group: bool) -> ConvType {
    if group { ConvType::GROUP } else { ConvType::C2C }
}

fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}

/// Why a one-to-one call about `peer` failed: the peer has no account, or is a group named
/// without `--group`.
async fn peer_error(target: &Target, client: &Client, err: ApiError, peer: &str, retry: &str) -> anyhow::Error {
    if err.code != ErrorCode::C2C_INVALID_ACCOUNT {
        return target.explain(err);
    }
    let is_group = client
        .group_info(&[peer])
        .await
        .is_ok_and(|results| results.first().is_some_and(|result| result.get_groups_info_result_code == 0));
    if is_group {
        anyhow!("{peer} is a group, not a user; add --group: {retry}")
    } else {
        anyhow!("{}", human::no_account(peer))
    }
}

pub(crate) async fn send(args: SendArgs) -> anyhow::Result<()> {
    let target = Target::new(&args.server)?;
    let (client, _events) = target.connect(&args.user, None).await?;
    let sent = client.send_text(&args.to, conv_type(args.group), &args.text, args.receipt).await;
    let message = match sent {
        Ok(message) => message,
        Err(err) => {
            let retry = format!("tincan send --as {} --to {} --group ...", args.user, args.to);
            let explained = if args.group {
                group_error(&target, err, &args.to)
            } else {
                peer_error(&target, &client, err, &args.to, &retry).await
            };
            client.close().await;
            return Err(explained);
        }
    };
    if args.server.json {
        print_json(&message)?;
    } else {
        println!("{}", human::sent_line(&args.user, &message));
    }
    client.close().await;
    Ok(())
}

/// Why a group call failed, with the hint for a user ID given with `--group`.
fn group_error(target: &Target, err: ApiError, group: &str) -> anyhow::Error {
    if err.code == ErrorCode::GROUP_NOT_FOUND {
        anyhow!("there is no group {group} (error {}); for the conversation with a user, leave out --group", err.code.0)
    } else {
        target.explain(err)
    }
}

/// The texts of this user's own recent messages, so that a receipt can say which message was read.
#[derive(Default)]
struct SentTexts {
    by_key: HashMap<(u32, String, u64), String>,
    order: VecDeque<(u32, String, u64)>,
}

impl SentTexts {
    /// Texts remembered, at most; older ones are forgotten and their receipts name the seq.
    const MAX: usize = 4096;

    fn remember(&mut self, message: &Message) {
        let key = (message.message_conv_type.0, message.message_conv_id.clone(), message.message_seq);
        if self.by_key.insert(key.clone(), human::message_text(message)).is_none() {
            self.order.push_back(key);
            if self.order.len() > Self::MAX
                && let Some(old) = self.order.pop_front()
            {
                self.by_key.remove(&old);
            }
        }
    }

    fn get(&self, conv_type: ConvType, conv_id: &str, seq: u64) -> Option<&str> {
        self.by_key.get(&(conv_type.0, conv_id.to_owned(), seq)).map(String::as_str)
    }
}

pub(crate) async fn tail(args: TailArgs) -> anyhow::Result<()> {
    let target = Target::new(&args.server)?;
    let (client, mut events) = target.connect(&args.user, args.resume_pos).await?;
    let json = args.server.json;
    let deadline = args.seconds.map(|seconds| tokio::time::Instant::now() + Duration::from_secs(seconds));
    let mut sent_texts = SentTexts::default();
    let mut listening = false;
    let mut ended = None;
    loop {
        let event = match deadline {
            Some(deadline) => match tokio::time::timeout_at(deadline, events.next()).await {
                Ok(event) => event,
                Err(_) => break,
            },
            None => events.next().await,
        };
        let Some(event) = event else { break };
        if let Event::Message(push) = &event
            && push.message.message_is_from_self
        {
            sent_texts.remember(&push.message);
        }
        if json {
            print_json(&event_json(&client, &event))?;
        } else if let Some(line) = event_line(&args.user, &event, &sent_texts, &mut listening) {
            println!("{line}");
        }
        if args.send_receipts
            && let Event::Message(push) = &event
            && push.message.message_need_read_receipt
            && !push.message.message_is_from_self
            && !push.message.message_has_sent_receipt
        {
            client.send_receipts(std::slice::from_ref(&push.message)).await.map_err(|err| target.explain(err))?;
            if json {
                let message = &push.message;
                let sent = json!({"event": "receipt_sent_here", "data": {
                    "conv_id": message.message_conv_id, "conv_type": message.message_conv_type,
                    "msg_ids": [message.message_msg_id], "seqs": [message.message_seq],
                }});
                print_json(&sent)?;
            } else {
                println!("{}", human::receipt_sent_line(&push.message));
            }
        }
        if let Event::Ended(err) = event {
            ended = Some(err);
            break;
        }
    }
    client.close().await;
    match ended {
        Some(err) => Err(anyhow!("the server ended {}'s session: {} (error {})", args.user, err.desc, err.code.0)),
        None => Ok(()),
    }
}

/// A pushed event as `tail --json` prints it.
fn event_json(client: &Client, event: &Event) -> Value {
    match event {
        Event::Message(push) => json!({"event": "message", "pos": client.last_pos(), "data": push}),
        Event::Receipts(receipts) => json!({"event": "receipts", "data": receipts}),
        Event::Revoked(push) => json!({"event": "revoked", "data": push}),
        Event::Updated(message) => json!({"event": "updated", "data": message}),
        Event::ExtensionsChanged(push) => json!({"event": "extensions_changed", "data": push}),
        Event::ExtensionsDeleted(push) => json!({"event": "extensions_deleted", "data": push}),
        Event::MessagesDeleted(push) => json!({"event": "messages_deleted", "data": push}),
        Event::ReceiptSent(push) => json!({"event": "receipt_sent", "data": push}),
        Event::ConvRead(push) => json!({"event": "conv_read", "data": push}),
        Event::Group(push) => json!({"event": "group", "data": push}),
        Event::ConvGroup(push) => json!({"event": "conv_group", "data": push}),
        Event::AllRecvOptChanged(info) => json!({"event": "all_recv_opt", "data": info}),
        Event::FilteredUnreadChanged { filter, total } => {
            json!({"event": "filtered_unread", "filter": filter, "data": total})
        }
        Event::ConvChanged(changes) => json!({"event": "conv_changed", "count": changes.len()}),
        Event::TotalUnreadChanged(total) => json!({"event": "total_unread", "data": total}),
        Event::Synced(pos) => json!({"event": "synced", "pos": pos}),
        Event::Connection(state) => json!({"event": "connection", "data": format!("{state:?}")}),
        Event::Ended(err) => json!({"event": "ended", "code": err.code.0, "desc": err.desc}),
        Event::Overflowed { resumed_after } => json!({"event": "overflowed", "resumed_after": resumed_after}),
        Event::SelfProfileChanged(profile) => json!({"event": "self_profile", "data": profile}),
        Event::ProfileChanged(profile) => json!({"event": "profile", "data": profile}),
        Event::UserStatusChanged(statuses) => json!({"event": "user_status", "data": statuses}),
        Event::Friend(push) => json!({"event": "friend", "data": push}),
        Event::Follow(push) => json!({"event": "follow", "data": push}),
        Event::GroupAttributesChanged(push) => json!({"event": "group_attributes", "data": push}),
        Event::GroupCountersChanged(push) => json!({"event": "group_counters", "data": push}),
    }
}

/// A pushed event as `tail` prints it, or nothing for the bookkeeping ones (conversation list
/// and unread total changes).
fn event_line(user: &str, event: &Event, sent_texts: &SentTexts, listening: &mut bool) -> Option<String> {
    match event {
        Event::Message(push) => Some(human::message_line(user, &push.message)),
        Event::Receipts(receipts) => Some(
            receipts
                .iter()
                .map(|receipt| {
                    let text = sent_texts.get(
                        receipt.msg_receipt_conv_type,
                        &receipt.msg_receipt_conv_id,
                        receipt.msg_receipt_seq,
                    );
                    human::receipt_line(receipt, text)
                })
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Event::ReceiptSent(push) => Some(human::receipt_sent_elsewhere_line(push)),
        Event::Revoked(push) => Some(format!(
            "{} revoked message seq {} with {}",
            push.revoked.message_revoker_user_id,
            push.revoked.message_locator_seq,
            push.revoked.message_locator_conv_id
        )),
        Event::Updated(message) => Some(format!("modified: {}", human::message_line(user, message))),
        Event::MessagesDeleted(push) => {
            Some(format!("deleted for you on another device: {} message(s) with {}", push.seqs.len(), push.conv_id))
        }
        Event::ExtensionsChanged(push) | Event::ExtensionsDeleted(push) => Some(format!(
            "extensions of message seq {} with {} changed: {}",
            push.message_seq,
            push.conv_id,
            push.extensions.iter().map(|it| it.message_extension_key.as_str()).collect::<Vec<_>>().join(", ")
        )),
        Event::Group(push) => Some(human::group_push_line(push)),
        Event::GroupCountersChanged(push) => Some(
            push.counters
                .iter()
                .map(|counter| {
                    format!(
                        "group {}: counter {} is {}",
                        push.group_id, counter.group_counter_key, counter.group_counter_value
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Event::GroupAttributesChanged(push) => {
            Some(format!("group {}: {} attributes now", push.group_id, push.attributes.len()))
        }
        Event::Synced(_) if !*listening => {
            *listening = true;
            Some(format!("{user} is online and listening (Ctrl-C stops)"))
        }
        Event::Synced(_) => Some("caught up with what was missed".to_owned()),
        Event::Connection(ConnectionState::Disconnected) => Some("connection lost; reconnecting".to_owned()),
        Event::Connection(ConnectionState::Connected) => Some("reconnected".to_owned()),
        Event::Overflowed { .. } => Some("fell behind; catching up".to_owned()),
        Event::Ended(_)
        | Event::ConvRead(_)
        | Event::ConvChanged(_)
        | Event::ConvGroup(_)
        | Event::AllRecvOptChanged(_)
        | Event::FilteredUnreadChanged { .. }
        | Event::TotalUnreadChanged(_)
        | Event::SelfProfileChanged(_)
        | Event::ProfileChanged(_)
        | Event::UserStatusChanged(_)
        | Event::Friend(_)
        | Event::Follow(_) => None,
    }
}

pub(crate) async fn history(args: HistoryArgs) -> anyhow::Result<()> {
    let target = Target::new(&args.server)?;
    let (client, _events) = target.connect(&args.user, None).await?;
    let params = get_message_list::GetMsgListParams { msg_getmsglist_param_count: args.count, ..Default::default() };
    let messages = match client.get_message_list(&args.with, conv_type(args.group), params).await {
        Ok(messages) => messages,
        Err(err) => {
            let retry = format!("tincan history --as {} --with {} --group", args.user, args.with);
            let explained = if args.group {
                group_error(&target, err, &args.with)
            } else {
                peer_error(&target, &client, err, &args.with, &retry).await
            };
            client.close().await;
            return Err(explained);
        }
    };
    if messages.is_empty() && !args.server.json {
        println!("no messages with {} yet", args.with);
    }
    for message in messages.iter().rev() {
        if args.server.json {
            print_json(message)?;
        } else {
            println!("{}", human::message_line(&args.user, message));
        }
    }
    client.close().await;
    Ok(())
}

pub(crate) async fn group(command: GroupCommand) -> anyhow::Result<()> {
    match command {
        GroupCommand::Create { user, name, group_type, id, members, server } => {
            let group_type = GroupType::from_name(&group_type).ok_or_else(|| {
                anyhow!("unknown group type {group_type:?}; use Work, Public, Meeting, Community or AVChatRoom")
            })?;
            let group_id = id
                .filter(|id| !id.is_empty())
                .map(|id| GroupId::parse(&id).map_err(|err| anyhow!("{id:?} is not a group ID: {}", err.desc)))
                .transpose()?;
            let initial_members = members
                .iter()
                .map(|member| {
                    let user_id =
                        UserId::parse(member).map_err(|err| anyhow!("{member:?} is not a user ID: {}", err.desc))?;
                    Ok(create_group::InitialMember::new(user_id, MemberRole::NORMAL))
                })
                .collect::<anyhow::Result<_>>()?;
            let target = Target::new(&server)?;
            let (client, _events) = target.connect(&user, None).await?;
            let params = create_group::Request {
                create_group_param_group_name: name.clone(),
                create_group_param_group_id: group_id,
                create_group_param_group_type: group_type,
                create_group_param_group_member_array: initial_members,
                ..Default::default()
            };
            let created = client.create_group(params).await;
            client.close().await;
            let group_id = match created {
                Ok(group_id) => group_id,
                Err(err) if err.code == ErrorCode::GROUP_ACCOUNT_NOT_FOUND => {
                    return Err(missing_members_error(&target, &members, err).await);
                }
                Err(err) => return Err(target.explain(err)),
            };
            if server.json {
                print_json(&create_group::Response { create_group_result_groupid: group_id })?;
            } else {
                println!("{}", human::created_group_line(&group_id, &name, group_type, &user, &members));
            }
        }
        GroupCommand::Invite { user, group, users, server } => {
            let target = Target::new(&server)?;
            let (client, _events) = target.connect(&user, None).await?;
            let names: Vec<&str> = users.iter().map(String::as_str).collect();
            let invited = client.invite_members(&group, &names).await;
            client.close().await;
            let results = match invited {
                Ok(results) => results,
                // None of them has an account: the same lines as when some have one.
                Err(err) if err.code == ErrorCode::GROUP_ACCOUNT_NOT_FOUND && !server.json => {
                    let missing = target.missing_accounts(&users).await;
                    if missing.is_empty() {
                        return Err(target.explain(err));
                    }
                    for user in &missing {
                        println!("{}", human::invite_line(user, HandleMemberResult::FAILED));
                    }
                    bail!("{} of {} users not added to group {group}", missing.len(), users.len());
                }
                Err(err) if err.code == ErrorCode::GROUP_ACCOUNT_NOT_FOUND => {
                    return Err(missing_members_error(&target, &users, err).await);
                }
                Err(err) => return Err(group_error(&target, err, &group)),
            };
            if server.json {
                print_json(&results)?;
            } else {
                for result in &results {
                    println!(
                        "{}",
                        human::invite_line(
                            &result.group_invite_member_result_identifier,
                            result.group_invite_member_result_result
                        )
                    );
                }
            }
            let failed = results
                .iter()
                .filter(|result| result.group_invite_member_result_result == HandleMemberResult::FAILED)
                .count();
            if failed > 0 {
                bail!("{failed} of {} users not added to group {group}", results.len());
            }
        }
        GroupCommand::Members { user, group, server } => {
            let target = Target::new(&server)?;
            let (client, _events) = target.connect(&user, None).await?;
            let mut next = 0;
            loop {
                let page = match client.group_members(&group, next).await {
                    Ok(page) => page,
                    Err(err) => {
                        client.close().await;
                        return Err(group_error(&target, err, &group));
                    }
                };
                for member in &page.group_get_member_info_list_result_info_array {
                    if server.json {
                        print_json(member)?;
                    } else {
                        println!("{}", human::member_line(member));
                    }
                }
                next = page.group_get_member_info_list_result_next_seq;
                if next == 0 {
                    break;
                }
            }
            client.close().await;
        }
    }
    Ok(())
}

/// A create or invite refused because accounts are missing: which ones, and how to make them.
async fn missing_members_error(target: &Target, users: &[String], err: ApiError) -> anyhow::Error {
    let missing = target.missing_accounts(users).await;
    match missing.as_slice() {
        [] => target.explain(err),
        [one] => anyhow!("not added: {}", human::no_account(one)),
        several => anyhow!(
            "not added: there are no accounts {} (accounts exist once imported or once they first log in); \
             create them with `tincan account import {}`",
            several.join(", "),
            several.join(" ")
        ),
    }
}

pub(crate) async fn account(command: AccountCommand) -> anyhow::Result<()> {
    let AccountCommand::Import { users, server } = command;
    let target = Target::new(&server)?;
    for user in &users {
        UserId::parse(user).map_err(|err| anyhow!("{user:?} is not a user ID: {}", err.desc))?;
    }
    let missing = target.check_accounts(&users).await?;
    let answer = target.rest("im_open_login_svc", "multiaccount_import", &json!({"Accounts": users})).await?;
    if server.json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
        return Ok(());
    }
    for user in &users {
        if missing.contains(user) {
            println!("{user}: account created");
        } else {
            println!("{user}: already an account");
        }
    }
    Ok(())
}

pub(crate) async fn app(command: AppCommand) -> anyhow::Result<()> {
    let (server, answer) = match command {
        AppCommand::Show(server) => {
            let answer = Target::new(&server)?.rest("tincan", "get_app", &json!({})).await?;
            (server, answer)
        }
        AppCommand::List(server) => {
            let answer = Target::new(&server)?.rest("tincan", "list_apps", &json!({})).await?;
            (server, answer)
        }
        AppCommand::Create { plan, new_sdkappid, server } => {
            let mut body = json!({"Plan": plan});
            if let Some(sdkappid) = new_sdkappid {
                body["SdkAppId"] = json!(sdkappid);
            }
            let answer = Target::new(&server)?.rest("tincan", "create_app", &body).await?;
            (server, answer)
        }
        AppCommand::Config {
            plan,
            receipt_group_types,
            coalesce_ms,
            receipt_group_members_max,
            callback_url,
            callback_commands,
            server,
        } => {
            let mut body = serde_json::Map::new();
            if let Some(plan) = plan {
                body.insert("plan".to_owned(), json!(plan));
            }
            if let Some(types) = receipt_group_types {
                let types: Vec<String> = types.into_iter().filter(|it| !it.is_empty()).collect();
                body.insert("receipt_group_types".to_owned(), json!(types));
            }
            if let Some(window) = coalesce_ms {
                body.insert("receipt_coalesce_window_ms".to_owned(), json!(window));
            }
            if let Some(members_max) = receipt_group_members_max {
                body.insert("receipt_group_members_max".to_owned(), json!(members_max));
            }
            if let Some(url) = callback_url {
                body.insert("callback_url".to_owned(), json!(url));
            }
            if let Some(commands) = callback_commands {
                let commands: Vec<String> = commands.into_iter().filter(|it| !it.is_empty()).collect();
                body.insert("callback_commands".to_owned(), json!(commands));
            }
            let answer = Target::new(&server)?.rest("tincan", "set_app_config", &Value::Object(body)).await?;
            (server, answer)
        }
        AppCommand::RotateKey(server) => {
            let answer = Target::new(&server)?.rest("tincan", "rotate_key", &json!({})).await?;
            (server, answer)
        }
    };
    if server.json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
        return Ok(());
    }
    if let Some(key_file) = answer.get("KeyFile").and_then(Value::as_str) {
        match answer.get("App") {
            Some(app) => println!("created app {}; its key is in {key_file} on the server", app["sdkappid"]),
            None => println!(
                "the app has a new key, in {key_file} on the server; UserSigs made with the old key stop working"
            ),
        }
    }
    for app in answer.get("App").into_iter().chain(answer.get("Apps").and_then(Value::as_array).into_iter().flatten()) {
        for line in human::app_lines(app) {
            println!("{line}");
        }
    }
    Ok(())
}

pub(crate) async fn privacy(args: PrivacyArgs) -> anyhow::Result<()> {
    let target = Target::new(&args.server)?;
    let answer =
        target.rest("tincan", "set_receipt_privacy", &json!({"UserID": args.user, "Private": args.private})).await?;
    if args.server.json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
    } else if args.private {
        println!("{}'s reads are private now: no one is told what {} has read", args.user, args.user);
    } else {
        println!("{}'s reads are public again", args.user);
    }
    Ok(())
}
