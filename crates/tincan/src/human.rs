//! The CLI's readable output: one line per message, receipt or outcome, in words.
//!
//! Every function is pure: it takes what the server answered and returns text, so that the
//! wording is tested here and the commands only choose between it and TIM's JSON (`--json`).
//! Lines carry no clock times, so that what the README shows is what a run prints.

use serde_json::Value;
use tincan_proto::Message;
use tincan_proto::enums::{ConvType, ElemType, GroupType, HandleMemberResult, MemberRole};
use tincan_proto::objects::{GroupMemberInfo, MessageReceipt};
use tincan_proto::push::{GroupPush, ReceiptSentPush};

/// What a message says, on one line: text as is, other elements by their kind.
pub(crate) fn message_text(message: &Message) -> String {
    let parts: Vec<String> = message
        .message_elem_array
        .iter()
        .map(|elem| match elem.elem_type() {
            Some(ElemType::TEXT) => elem.text_content().unwrap_or_default().replace('\n', " "),
            Some(ElemType::GROUP_TIPS) => tip_text(&elem.0),
            Some(ElemType::IMAGE) => "[image]".to_owned(),
            Some(ElemType::SOUND) => "[voice message]".to_owned(),
            Some(ElemType::CUSTOM) => "[custom message]".to_owned(),
            Some(ElemType::FILE) => "[file]".to_owned(),
            Some(ElemType::FACE) => "[sticker]".to_owned(),
            Some(ElemType::LOCATION) => "[location]".to_owned(),
            Some(ElemType::VIDEO) => "[video]".to_owned(),
            _ => "[message]".to_owned(),
        })
        .collect();
    parts.join(" ")
}

/// A message as `viewer` sees it: who to whom, what, and its receipt state in brackets.
///
/// `alice → bob: hello  (read by bob)`, `carol → group team: lunch?  (asks for a read receipt)`,
/// `group team: alice added bob`.
pub(crate) fn message_line(viewer: &str, message: &Message) -> String {
    let is_tip = message.message_elem_array.iter().any(|elem| elem.elem_type() == Some(ElemType::GROUP_TIPS));
    if is_tip {
        return format!("group {}: {}", message.message_conv_id, message_text(message));
    }
    let line = format!("{}: {}", route(viewer, message), message_text(message));
    match notes(message) {
        Some(notes) => format!("{line}  ({notes})"),
        None => line,
    }
}

/// The line `send` prints for the message it has just sent.
pub(crate) fn sent_line(viewer: &str, message: &Message) -> String {
    let line = format!("sent: {}: {}", route(viewer, message), message_text(message));
    if message.message_need_read_receipt { format!("{line}  (asks for a read receipt)") } else { line }
}

/// `alice → bob` or `alice → group team`.
fn route(viewer: &str, message: &Message) -> String {
    if message.message_conv_type == ConvType::GROUP {
        return format!("{} → group {}", message.message_sender, message.message_conv_id);
    }
    let to = if message.message_is_from_self { message.message_conv_id.as_str() } else { viewer };
    format!("{} → {to}", message.message_sender)
}

/// The receipt state of a message, from its reader's or its sender's side.
fn notes(message: &Message) -> Option<String> {
    let asks = message.message_need_read_receipt;
    if !message.message_is_from_self {
        return match (asks, message.message_has_sent_receipt) {
            (true, true) => Some("asks for a read receipt; you sent one".to_owned()),
            (true, false) => Some("asks for a read receipt".to_owned()),
            (false, _) => None,
        };
    }
    let peer = &message.message_conv_id;
    if message.message_conv_type == ConvType::GROUP {
        return asks.then(|| {
            let read = message.message_group_receipt_read_count;
            let total = read + message.message_group_receipt_unread_count;
            recipients_read(read, total)
        });
    }
    match (asks, message.message_receipt_peer_read, message.message_is_peer_read) {
        (true, true, _) => Some(format!("read by {peer}")),
        (true, false, true) => Some(format!("seen by {peer}, who has not sent a read receipt yet")),
        (true, false, false) => Some("asks for a read receipt; not read yet".to_owned()),
        (false, _, true) => Some(format!("seen by {peer}")),
        (false, _, false) => None,
    }
}

/// `read by 1 of 2 recipients`: the count leaves out the sender, as the server's does.
fn recipients_read(read: u64, total: u64) -> String {
    format!("read by {read} of {total} {}", if total == 1 { "recipient" } else { "recipients" })
}

/// A receipt for one of the viewer's messages; `text` is the message's text when known.
///
/// `read by bob: "hello"`, `seen by bob: your messages up to #4`,
/// `read by 1 of 2 recipients in group team: "lunch?"`.
pub(crate) fn receipt_line(receipt: &MessageReceipt, text: Option<&str>) -> String {
    let what = match text {
        Some(text) => format!("{text:?}"),
        None => format!("your message #{}", receipt.msg_receipt_seq),
    };
    if receipt.msg_receipt_conv_type == ConvType::GROUP {
        let read = receipt.msg_receipt_read_count;
        let total = read + receipt.msg_receipt_unread_count;
        return format!("{} in group {}: {what}", recipients_read(read, total), receipt.msg_receipt_conv_id);
    }
    if receipt.msg_receipt_msg_id.is_empty() {
        return format!("seen by {}: your messages up to #{}", receipt.msg_receipt_conv_id, receipt.msg_receipt_seq);
    }
    format!("read by {}: {what}", receipt.msg_receipt_conv_id)
}

/// What `tail --send-receipts` prints once it has acknowledged a message.
pub(crate) fn receipt_sent_line(message: &Message) -> String {
    if message.message_conv_type == ConvType::GROUP {
        format!("read receipt sent to {} in group {}", message.message_sender, message.message_conv_id)
    } else {
        format!("read receipt sent to {}", message.message_sender)
    }
}

/// Receipts the viewer sent from another device.
pub(crate) fn receipt_sent_elsewhere_line(push: &ReceiptSentPush) -> String {
    let count = push.seqs.len().max(push.msg_ids.len());
    let messages = if count == 1 { "1 message".to_owned() } else { format!("{count} messages") };
    let place = if push.conv_type == ConvType::GROUP {
        format!("group {}", push.conv_id)
    } else {
        format!("the conversation with {}", push.conv_id)
    };
    format!("read receipts sent from another device: {messages} in {place}")
}

/// A change to one of the viewer's groups.
pub(crate) fn group_push_line(push: &GroupPush) -> String {
    let members = names(&push.members);
    let count = match push.member_count {
        1 => "1 member".to_owned(),
        count => format!("{count} members"),
    };
    let what = match push.event.as_str() {
        "created" if members.is_empty() => format!("created by {}", push.operator),
        "created" => format!("created by {} with {members}", push.operator),
        "joined" if push.members == [push.operator.clone()] => format!("{members} joined"),
        "joined" => format!("{members} added by {}", push.operator),
        "removed" => format!("{members} removed by {}", push.operator),
        "left" => format!("{members} left"),
        "dismissed" => return format!("group {}: dismissed by {}", push.group_id, push.operator),
        other => format!("{other} ({members})"),
    };
    format!("group {}: {what}; {count}", push.group_id)
}

/// One member of a group: `alice  owner  online`.
pub(crate) fn member_line(member: &GroupMemberInfo) -> String {
    let role = match member.group_member_info_member_role {
        MemberRole::OWNER => "owner",
        MemberRole::ADMIN => "admin",
        _ => "member",
    };
    let online = if member.group_member_info_is_online { "online" } else { "offline" };
    format!("{}  {role}  {online}", member.group_member_info_identifier)
}

/// The outcome of inviting one user.
pub(crate) fn invite_line(user: &str, result: HandleMemberResult) -> String {
    match result {
        HandleMemberResult::SUCCEEDED => format!("{user}: added"),
        HandleMemberResult::ALREADY_MEMBER => format!("{user}: already a member"),
        HandleMemberResult::INVITED => format!("{user}: invited, waiting for approval"),
        _ => format!("{user}: not added: {}", no_account(user)),
    }
}

/// Why a user who is not an account cannot be reached, and how to make the account.
pub(crate) fn no_account(user: &str) -> String {
    format!(
        "there is no account {user} (accounts exist once imported or once they first log in); \
         create it with `tincan account import {user}`, or log in as {user} once"
    )
}

/// A group just created: `created group team ("Release team", Work): owner alice, members bob`.
pub(crate) fn created_group_line(
    group_id: &str,
    name: &str,
    group_type: GroupType,
    owner: &str,
    members: &[String],
) -> String {
    let type_name = group_type.product_name().unwrap_or("unknown type");
    let mut line = format!("created group {group_id} ({name:?}, {type_name}): owner {owner}");
    if !members.is_empty() {
        line.push_str(&format!(", members {}", names(members)));
    }
    line
}

/// One app, from the REST API's `App` object, as a few indented lines.
pub(crate) fn app_lines(app: &Value) -> Vec<String> {
    let text = |key: &str| app.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
    let number = |key: &str| app.get(key).and_then(Value::as_u64).unwrap_or_default();
    let list = |key: &str| -> Vec<String> {
        app.get(key)
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default()
    };
    let groups = list("receipt_group_types");
    let commands = list("callback_commands");
    let url = text("callback_url");
    vec![
        format!(
            "app {} on the {} plan, administrator {:?}",
            number("sdkappid"),
            text("plan"),
            text("admin_identifier")
        ),
        format!(
            "  read receipts in groups: {} (groups of at most {} members)",
            if groups.is_empty() { "none".to_owned() } else { groups.join(", ") },
            number("receipt_group_members_max")
        ),
        format!("  receipt pushes gathered for: {} ms", number("receipt_coalesce_window_ms")),
        if url.is_empty() {
            "  webhooks: off".to_owned()
        } else if commands.is_empty() {
            format!("  webhooks: {url}, no commands chosen")
        } else {
            format!("  webhooks: {url} for {}", commands.join(", "))
        },
    ]
}

/// `a`, `a and b`, `a, b and c`.
fn names(users: &[String]) -> String {
    match users {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn tip_text(elem: &serde_json::Map<String, Value>) -> String {
    let operator = elem.get("group_tips_elem_op_user").and_then(Value::as_str).unwrap_or("someone");
    let users: Vec<String> = elem
        .get("group_tips_elem_user_array")
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    let users = names(&users);
    match elem.get("group_tips_elem_tip_type").and_then(Value::as_u64) {
        Some(1) => format!("{operator} added {users}"),
        Some(2) => format!("{} left the group", if users.is_empty() { operator } else { &users }),
        Some(3) => format!("{operator} removed {users}"),
        _ => "the group changed".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use tincan_proto::Elem;

    use super::*;

    fn message(sender: &str, conv_id: &str, conv_type: ConvType, from_self: bool, text: &str) -> Message {
        Message {
            message_elem_array: vec![Elem::text(text)],
            message_conv_id: conv_id.to_owned(),
            message_conv_type: conv_type,
            message_sender: sender.to_owned(),
            message_is_from_self: from_self,
            ..Default::default()
        }
    }

    #[test]
    fn a_c2c_message_names_both_ends_and_its_receipt_state() {
        let mut sent = message("alice", "bob", ConvType::C2C, true, "hello bob");
        assert_eq!(message_line("alice", &sent), "alice → bob: hello bob");
        sent.message_need_read_receipt = true;
        assert_eq!(sent_line("alice", &sent), "sent: alice → bob: hello bob  (asks for a read receipt)");
        assert_eq!(message_line("alice", &sent), "alice → bob: hello bob  (asks for a read receipt; not read yet)");
        sent.message_is_peer_read = true;
        assert_eq!(
            message_line("alice", &sent),
            "alice → bob: hello bob  (seen by bob, who has not sent a read receipt yet)"
        );
        sent.message_receipt_peer_read = true;
        assert_eq!(message_line("alice", &sent), "alice → bob: hello bob  (read by bob)");
        sent.message_need_read_receipt = false;
        sent.message_receipt_peer_read = false;
        assert_eq!(message_line("alice", &sent), "alice → bob: hello bob  (seen by bob)");

        let mut received = message("alice", "alice", ConvType::C2C, false, "hello bob");
        received.message_need_read_receipt = true;
        assert_eq!(message_line("bob", &received), "alice → bob: hello bob  (asks for a read receipt)");
        received.message_has_sent_receipt = true;
        assert_eq!(message_line("bob", &received), "alice → bob: hello bob  (asks for a read receipt; you sent one)");
    }

    #[test]
    fn a_group_message_counts_its_recipients_without_the_sender() {
        let mut sent = message("alice", "team", ConvType::GROUP, true, "lunch?");
        sent.message_need_read_receipt = true;
        sent.message_group_receipt_read_count = 1;
        sent.message_group_receipt_unread_count = 1;
        assert_eq!(message_line("alice", &sent), "alice → group team: lunch?  (read by 1 of 2 recipients)");
        sent.message_group_receipt_read_count = 0;
        sent.message_group_receipt_unread_count = 1;
        assert_eq!(message_line("alice", &sent), "alice → group team: lunch?  (read by 0 of 1 recipient)");
    }

    #[test]
    fn group_tips_say_who_did_what() {
        let mut tip = message("@TIM#SYSTEM", "team", ConvType::GROUP, false, "");
        tip.message_elem_array = vec![Elem(
            json!({"elem_type": 5, "group_tips_elem_tip_type": 1, "group_tips_elem_op_user": "alice", "group_tips_elem_user_array": ["bob", "carol", "dave"]})
                .as_object()
                .unwrap()
                .clone(),
        )];
        assert_eq!(message_line("bob", &tip), "group team: alice added bob, carol and dave");
    }

    #[test]
    fn receipts_name_the_reader_or_count_the_readers() {
        let c2c = MessageReceipt {
            msg_receipt_conv_id: "bob".to_owned(),
            msg_receipt_conv_type: ConvType::C2C,
            msg_receipt_msg_id: "1-2-3".to_owned(),
            msg_receipt_is_peer_read: true,
            msg_receipt_seq: 4,
            ..Default::default()
        };
        assert_eq!(receipt_line(&c2c, Some("hello bob")), "read by bob: \"hello bob\"");
        assert_eq!(receipt_line(&c2c, None), "read by bob: your message #4");
        let whole = MessageReceipt { msg_receipt_msg_id: String::new(), ..c2c };
        assert_eq!(receipt_line(&whole, None), "seen by bob: your messages up to #4");
        let group = MessageReceipt {
            msg_receipt_conv_id: "team".to_owned(),
            msg_receipt_conv_type: ConvType::GROUP,
            msg_receipt_read_count: 2,
            msg_receipt_unread_count: 3,
            ..Default::default()
        };
        assert_eq!(receipt_line(&group, Some("lunch?")), "read by 2 of 5 recipients in group team: \"lunch?\"");
    }

    #[test]
    fn invite_outcomes_are_words() {
        assert_eq!(invite_line("dave", HandleMemberResult::SUCCEEDED), "dave: added");
        assert_eq!(invite_line("bob", HandleMemberResult::ALREADY_MEMBER), "bob: already a member");
        let failed = invite_line("carol", HandleMemberResult::FAILED);
        assert!(failed.starts_with("carol: not added: there is no account carol"), "{failed}");
        assert!(failed.contains("tincan account import carol"), "{failed}");
    }

    #[test]
    fn group_changes_name_the_people() {
        let push = GroupPush {
            group_id: "team".to_owned(),
            event: "joined".to_owned(),
            operator: "alice".to_owned(),
            members: vec!["bob".to_owned(), "carol".to_owned()],
            member_count: 3,
            group_name: String::new(),
        };
        assert_eq!(group_push_line(&push), "group team: bob and carol added by alice; 3 members");
        let joined = GroupPush { members: vec!["alice".to_owned()], ..push };
        assert_eq!(group_push_line(&joined), "group team: alice joined; 3 members");
    }

    #[test]
    fn an_app_reads_as_its_settings() {
        let app = json!({
            "sdkappid": 1400000001u64, "plan": "Ultimate", "admin_identifier": "administrator",
            "receipt_group_types": ["Work", "Public"], "receipt_group_members_max": 100000,
            "receipt_coalesce_window_ms": 20, "callback_url": "", "callback_commands": [],
        });
        assert_eq!(
            app_lines(&app),
            [
                "app 1400000001 on the Ultimate plan, administrator \"administrator\"",
                "  read receipts in groups: Work, Public (groups of at most 100000 members)",
                "  receipt pushes gathered for: 20 ms",
                "  webhooks: off",
            ]
        );
    }
}
