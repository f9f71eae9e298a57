//! The client commands: users through `tincan-sdk`, the administrator through the REST API.

use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use tincan_proto::api::{create_group, get_message_list};
use tincan_proto::enums::{ConvType, GroupType, MemberRole};
use tincan_proto::{ApiError, GroupId, UserId};
use tincan_sdk::admin::AdminClient;
use tincan_sdk::{Client, ClientConfig, Event};

use crate::AppArgs;

/// Where the server is.
#[derive(Args, Clone)]
pub(crate) struct ServerArgs {
    /// The server's address.
    #[arg(long, env = "TINCAN_SERVER", default_value = "127.0.0.1:8080")]
    server: String,
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
    /// Creates a group; prints its ID.
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
    /// Adds users to a group.
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

/// The app's SDKAppID and key, from the flags or the data directory.
pub(crate) fn credentials(args: &AppArgs) -> anyhow::Result<(u64, String)> {
    let sdkappid = match args.sdkappid {
        Some(sdkappid) => sdkappid,
        None => {
            let dir = args.data.join("apps");
            let mut found: Vec<u64> = std::fs::read_dir(&dir)
                .with_context(|| format!("no --sdkappid given and no key files in {}", dir.display()))?
                .filter_map(|entry| entry.ok()?.file_name().to_str()?.strip_suffix(".key")?.parse().ok())
                .collect();
            found.sort_unstable();
            match found.as_slice() {
                [only] => *only,
                [] => bail!("no key files in {}; pass --sdkappid and --key", dir.display()),
                several => bail!("several apps in {}: {several:?}; pass --sdkappid", dir.display()),
            }
        }
    };
    let key = match &args.key {
        Some(key) => key.clone(),
        None => {
            let path = args.data.join("apps").join(format!("{sdkappid}.key"));
            std::fs::read_to_string(&path)
                .with_context(|| format!("reading the key of app {sdkappid} from {}; pass --key", path.display()))?
                .trim()
                .to_owned()
        }
    };
    Ok((sdkappid, key))
}

fn now_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |it| it.as_secs())
}

fn api(err: ApiError) -> anyhow::Error {
    anyhow!("error {}: {}", err.code.0, err.desc)
}

async fn connect(server: &ServerArgs, user: &str) -> anyhow::Result<(Client, tincan_sdk::Events)> {
    let (sdkappid, key) = credentials(&server.app)?;
    let user_id = UserId::parse(user).map_err(api)?;
    let user_sig = tincan_usersig::generate(&key, sdkappid, user, now_secs(), 3600);
    let config = ClientConfig::new(format!("ws://{}/ws", server.server), sdkappid, user_id, user_sig);
    Client::connect(config).await.map_err(api)
}

fn admin(server: &ServerArgs) -> anyhow::Result<AdminClient> {
    let (sdkappid, key) = credentials(&server.app)?;
    let identifier = tincan_engine::DEFAULT_ADMIN_IDENTIFIER.to_owned();
    let user_sig = tincan_usersig::generate(&key, sdkappid, &identifier, now_secs(), 3600);
    Ok(AdminClient { address: server.server.clone(), sdkappid, identifier, user_sig })
}

fn conv_type(group: bool) -> ConvType {
    if group { ConvType::GROUP } else { ConvType::C2C }
}

pub(crate) async fn send(args: SendArgs) -> anyhow::Result<()> {
    let (client, _events) = connect(&args.server, &args.user).await?;
    let message = client.send_text(&args.to, conv_type(args.group), &args.text, args.receipt).await.map_err(api)?;
    println!("{}", serde_json::to_string(&message)?);
    client.close().await;
    Ok(())
}

pub(crate) async fn tail(args: TailArgs) -> anyhow::Result<()> {
    let (sdkappid, key) = credentials(&args.server.app)?;
    let user_id = UserId::parse(&args.user).map_err(api)?;
    let user_sig = tincan_usersig::generate(&key, sdkappid, &args.user, now_secs(), 86_400);
    let mut config = ClientConfig::new(format!("ws://{}/ws", args.server.server), sdkappid, user_id, user_sig);
    config.resume_pos = args.resume_pos;
    let (client, mut events) = Client::connect(config).await.map_err(api)?;
    let deadline = args.seconds.map(|seconds| tokio::time::Instant::now() + Duration::from_secs(seconds));
    loop {
        let event = match deadline {
            Some(deadline) => match tokio::time::timeout_at(deadline, events.next()).await {
                Ok(event) => event,
                Err(_) => break,
            },
            None => events.next().await,
        };
        let Some(event) = event else { break };
        let line = match &event {
            Event::Message(push) => json!({"event": "message", "pos": client.last_pos(), "data": push}),
            Event::Receipts(receipts) => json!({"event": "receipts", "data": receipts}),
            Event::ReceiptSent(push) => json!({"event": "receipt_sent", "data": push}),
            Event::ConvRead(push) => json!({"event": "conv_read", "data": push}),
            Event::Group(push) => json!({"event": "group", "data": push}),
            Event::ConvChanged(changes) => json!({"event": "conv_changed", "count": changes.len()}),
            Event::TotalUnreadChanged(total) => json!({"event": "total_unread", "data": total}),
            Event::Synced(pos) => json!({"event": "synced", "pos": pos}),
            Event::Connection(state) => json!({"event": "connection", "data": format!("{state:?}")}),
            Event::Ended(err) => json!({"event": "ended", "code": err.code.0, "desc": err.desc}),
        };
        println!("{line}");
        if args.send_receipts
            && let Event::Message(push) = &event
            && push.message.message_need_read_receipt
            && !push.message.message_is_from_self
        {
            client.send_receipts(std::slice::from_ref(&push.message)).await.map_err(api)?;
        }
        if matches!(event, Event::Ended(_)) {
            break;
        }
    }
    client.close().await;
    Ok(())
}

pub(crate) async fn history(args: HistoryArgs) -> anyhow::Result<()> {
    let (client, _events) = connect(&args.server, &args.user).await?;
    let params = get_message_list::GetMsgListParams { msg_getmsglist_param_count: args.count, ..Default::default() };
    let messages = client.get_message_list(&args.with, conv_type(args.group), params).await.map_err(api)?;
    for message in messages.iter().rev() {
        println!("{}", serde_json::to_string(message)?);
    }
    client.close().await;
    Ok(())
}

pub(crate) async fn group(command: GroupCommand) -> anyhow::Result<()> {
    match command {
        GroupCommand::Create { user, name, group_type, id, members, server } => {
            let group_type =
                GroupType::from_name(&group_type).ok_or_else(|| anyhow!("unknown group type {group_type:?}"))?;
            let group_id = id.filter(|id| !id.is_empty()).map(|id| GroupId::parse(&id)).transpose().map_err(api)?;
            let members = members
                .iter()
                .map(|member| Ok(create_group::InitialMember::new(UserId::parse(member)?, MemberRole::NORMAL)))
                .collect::<Result<_, ApiError>>()
                .map_err(api)?;
            let (client, _events) = connect(&server, &user).await?;
            let params = create_group::Request {
                create_group_param_group_name: name,
                create_group_param_group_id: group_id,
                create_group_param_group_type: group_type,
                create_group_param_group_member_array: members,
                ..Default::default()
            };
            println!("{}", client.create_group(params).await.map_err(api)?);
            client.close().await;
        }
        GroupCommand::Invite { user, group, users, server } => {
            let (client, _events) = connect(&server, &user).await?;
            let names: Vec<&str> = users.iter().map(String::as_str).collect();
            println!("{}", serde_json::to_string(&client.invite_members(&group, &names).await.map_err(api)?)?);
            client.close().await;
        }
        GroupCommand::Members { user, group, server } => {
            let (client, _events) = connect(&server, &user).await?;
            let mut next = 0;
            loop {
                let page = client.group_members(&group, next).await.map_err(api)?;
                for member in &page.group_get_member_info_list_result_info_array {
                    println!("{}", serde_json::to_string(member)?);
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

fn print_answer(answer: &Value) -> anyhow::Result<()> {
    let mut shown = answer.clone();
    if let Some(map) = shown.as_object_mut() {
        map.remove("ActionStatus");
        map.remove("ErrorCode");
        map.remove("ErrorInfo");
    }
    println!("{}", serde_json::to_string_pretty(&shown)?);
    Ok(())
}

pub(crate) async fn app(command: AppCommand) -> anyhow::Result<()> {
    let answer = match command {
        AppCommand::Show(server) => admin(&server)?.call("tincan", "get_app", &json!({})).await,
        AppCommand::List(server) => admin(&server)?.call("tincan", "list_apps", &json!({})).await,
        AppCommand::Create { plan, new_sdkappid, server } => {
            let mut body = json!({"Plan": plan});
            if let Some(sdkappid) = new_sdkappid {
                body["SdkAppId"] = json!(sdkappid);
            }
            admin(&server)?.call("tincan", "create_app", &body).await
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
            admin(&server)?.call("tincan", "set_app_config", &Value::Object(body)).await
        }
        AppCommand::RotateKey(server) => admin(&server)?.call("tincan", "rotate_key", &json!({})).await,
    };
    print_answer(&answer.map_err(api)?)
}

pub(crate) async fn privacy(args: PrivacyArgs) -> anyhow::Result<()> {
    let answer = admin(&args.server)?
        .call("tincan", "set_receipt_privacy", &json!({"UserID": args.user, "Private": args.private}))
        .await
        .map_err(api)?;
    print_answer(&answer)
}
