//! Pushed events in the shapes of TIM's callbacks.
//!
//! Each event becomes the arguments of one TIM callback: the JSON strings that TIM's native SDK
//! hands its callbacks (a message array, a receipt array, a conversation array) stay strings,
//! as TIM's Electron wrapper passes them on unparsed.
//! Events TIM has no callback for here (receipts sent from another device, read positions,
//! group notices, resumes) are left out; their effects reach the app through the conversation
//! and unread-count callbacks.

use serde_json::{Value, json};
use tincan_proto::enums::{ConvEvent, ElemType};
use tincan_sdk::{ConvChange, Event};

/// One callback invocation, as the JavaScript layer reads it.
pub(crate) type Outgoing = Value;

/// The callback invocations an event makes.
pub(crate) fn convert(event: Event) -> Vec<Outgoing> {
    match event {
        Event::Message(push) => {
            // A group tips message also goes to `TIMSetGroupTipsEventCallback`, its element as
            // the JSON text TIM's native SDK hands that callback.
            let tip = push
                .message
                .message_elem_array
                .first()
                .filter(|elem| elem.elem_type() == Some(ElemType::GROUP_TIPS))
                .map(|elem| json!({"kind": "group_tips", "json_group_tip": Value::Object(elem.0.clone()).to_string()}));
            let messages = to_text(&[push.message]);
            let mut out = vec![json!({"kind": "recv_new_msg", "json_msg_array": messages})];
            out.extend(tip);
            out
        }
        Event::Receipts(receipts) => {
            vec![json!({"kind": "msg_readed_receipt", "json_msg_readed_receipt_array": to_text(&receipts)})]
        }
        Event::Revoked(push) => {
            vec![json!({"kind": "msg_revoke", "json_msg_locator_array": to_text(&[push.revoked])})]
        }
        Event::Updated(message) => vec![json!({"kind": "msg_update", "json_msg_array": to_text(&[message])})],
        Event::ExtensionsChanged(push) => vec![json!({
            "kind": "msg_extensions_changed",
            "message_id": push.message_msg_id,
            "message_extension_array": to_text(&push.extensions),
        })],
        Event::ExtensionsDeleted(push) => {
            let keys: Vec<Value> =
                push.extensions.iter().map(|it| json!({"message_extension_key": it.message_extension_key})).collect();
            vec![json!({
                "kind": "msg_extensions_deleted",
                "message_id": push.message_msg_id,
                "message_extension_key_array": to_text(&keys),
            })]
        }
        Event::ConvChanged(changes) => conv_events(changes),
        Event::TotalUnreadChanged(total) => {
            vec![json!({"kind": "total_unread_changed", "total_unread_count": total})]
        }
        Event::Ended(error) => vec![ended(&error)],
        Event::ConvGroup(push) => conv_group_event(push),
        Event::AllRecvOptChanged(info) => {
            vec![json!({"kind": "all_recv_opt_changed", "json_receive_message_option_info": to_text(&info)})]
        }
        Event::FilteredUnreadChanged { filter, total } => vec![json!({
            "kind": "filtered_unread_changed",
            "filter": to_text(&filter),
            "total_unread_count": total,
        })],
        Event::SelfProfileChanged(profile) => {
            vec![json!({"kind": "self_info_updated", "json_user_profile": to_text(&profile)})]
        }
        Event::ProfileChanged(profile) => {
            vec![json!({"kind": "user_info_changed", "json_user_info_array": to_text(&[profile])})]
        }
        Event::UserStatusChanged(statuses) => {
            vec![json!({"kind": "user_status_changed", "json_user_status_array": to_text(&statuses)})]
        }
        Event::Friend(push) => friend_events(push),
        Event::GroupAttributesChanged(push) => vec![json!({
            "kind": "group_attribute_changed",
            "group_id": push.group_id,
            "json_group_attibute_array": to_text(&push.attributes),
        })],
        // TIM's callback tells one counter a call.
        Event::GroupCountersChanged(push) => push
            .counters
            .into_iter()
            .map(|counter| {
                json!({
                    "kind": "group_counter_changed",
                    "group_id": push.group_id,
                    "group_counter_key": counter.group_counter_key,
                    "group_counter_new_value": counter.group_counter_value,
                })
            })
            .collect(),
        // TIM's Electron SDK has no follow callbacks.
        Event::Follow(_) => Vec::new(),
        // The client resumes after an overflow by itself; what the app missed comes again.
        // TIM's SDK has no callback for messages the user deleted on another device.
        Event::MessagesDeleted(_)
        | Event::ReceiptSent(_)
        | Event::ConvRead(_)
        | Event::Group(_)
        | Event::Synced(_)
        | Event::Connection(_)
        | Event::Overflowed { .. } => Vec::new(),
    }
}

/// A relationship change as TIM's friend callback of its kind (friend group changes have no
/// callback in TIM's Electron SDK).
fn friend_events(push: tincan_proto::push::FriendPush) -> Vec<Outgoing> {
    use tincan_proto::friendship as tim;
    let event = match push.friend_change_elem_change_type {
        tim::CHANGE_FRIEND_ADD => {
            json!({"kind": "on_add_friend", "json_identifier_array": to_text(&push.friend_change_elem_friend_add_identifier_array)})
        }
        tim::CHANGE_FRIEND_DEL => {
            json!({"kind": "on_delete_friend", "json_identifier_array": to_text(&push.friend_change_elem_friend_del_identifier_array)})
        }
        tim::CHANGE_PROFILE_UPDATE => json!({
            "kind": "update_friend_profile",
            "json_friend_profile_update_array": to_text(&push.friend_change_elem_friend_profile_update_item_array),
        }),
        tim::CHANGE_PENDENCY_ADD => json!({
            "kind": "friend_add_request",
            "json_friend_add_request_pendency_array": to_text(&push.friend_change_elem_friend_add_pendency_array),
        }),
        tim::CHANGE_PENDENCY_DEL => json!({
            "kind": "friend_application_list_deleted",
            "json_identifier_array": to_text(&push.friend_change_elem_pendency_del_identifier_array),
        }),
        tim::CHANGE_PENDENCY_READ => json!({"kind": "friend_application_list_read"}),
        tim::CHANGE_BLACKLIST_ADD => {
            let entries: Vec<tim::FriendProfile> = push
                .friend_change_elem_blacklist_add_identifier_array
                .iter()
                .map(|user| tim::FriendProfile {
                    friend_profile_identifier: user.clone(),
                    ..tim::FriendProfile::default()
                })
                .collect();
            json!({"kind": "friend_blacklist_added", "json_friend_black_added_array": to_text(&entries)})
        }
        tim::CHANGE_BLACKLIST_DEL => json!({
            "kind": "friend_blacklist_deleted",
            "json_identifier_array": to_text(&push.friend_change_elem_blacklist_del_identifier_array),
        }),
        _ => return Vec::new(),
    };
    vec![event]
}

/// The login is over (`TIMSetKickedOfflineCallback` or `TIMSetUserSigExpiredCallback`, by
/// code).
pub(crate) fn ended(error: &tincan_proto::ApiError) -> Outgoing {
    json!({"kind": "ended", "code": error.code.0, "desc": error.desc})
}

/// One `TIMConvEventCallback` call per kind of change, each with its conversations, in the
/// order the kinds first appear.
fn conv_events(changes: Vec<ConvChange>) -> Vec<Outgoing> {
    let mut groups: Vec<(ConvEvent, Vec<tincan_proto::objects::ConvInfo>)> = Vec::new();
    for change in changes {
        match groups.iter_mut().find(|(event, _)| *event == change.event) {
            Some((_, convs)) => convs.push(change.conv),
            None => groups.push((change.event, vec![change.conv])),
        }
    }
    groups
        .into_iter()
        .map(|(event, convs)| json!({"kind": "conv_event", "conv_event": event.0, "json_conv_array": to_text(&convs)}))
        .collect()
}

/// A conversation group change as TIM's callback of its kind: `conv_group_created`
/// (`TIMSetConvConversationGroupCreatedCallback`), `conv_group_deleted`,
/// `conv_group_name_changed`, `conv_group_added` (`TIMSetConvConversationsAddedToGroupCallback`)
/// or `conv_group_removed` (`TIMSetConvConversationsDeletedFromGroupCallback`).
fn conv_group_event(push: tincan_proto::conv_manage::ConvGroupPush) -> Vec<Outgoing> {
    let conversations = to_text(&push.conversations);
    let event = match push.event.as_str() {
        "created" => {
            json!({"kind": "conv_group_created", "group_name": push.group_name, "conversation_array": conversations})
        }
        "deleted" => json!({"kind": "conv_group_deleted", "group_name": push.group_name}),
        "renamed" => json!({"kind": "conv_group_name_changed", "old_name": push.group_name, "new_name": push.new_name}),
        "added" => {
            json!({"kind": "conv_group_added", "group_name": push.group_name, "conversation_array": conversations})
        }
        "removed" => json!({
            "kind": "conv_group_removed",
            "group_name": push.group_name,
            "conversation_array": conversations,
            "reason": push.reason,
        }),
        _ => return Vec::new(),
    };
    vec![event]
}

/// A batch of callback invocations as JSON text.
pub(crate) fn encode(batch: &[Outgoing]) -> String {
    Value::Array(batch.to_vec()).to_string()
}

fn to_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned())
}
