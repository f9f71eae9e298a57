//! The authorization matrix: every client operation and every REST command, tried by everyone
//! who should not be able to use it on someone else's conversation, group or app, each answered
//! with TIM's code, and every refusal leaving the app's state as it was.
//!
//! The tables are checked against the documents: an operation in `docs/protocol.md` or a
//! command in `docs/rest-api.md` without a row fails the test.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use tincan_proto::ErrorCode;
use tincan_testkit::docs::{documented_ops, documented_rest_commands};
use tincan_testkit::{KEY, SDKAPPID, TestApp, spawn_app, user_sig};

/// The group everyone tries: Public, joined only by invitation, owned by `alice`.
const GROUP: &str = "authz-team";
/// The second app's user.
const OUTSIDER: &str = "mallory";

/// Who tries an operation on the client protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Actor {
    /// `bob`, a normal member of the group.
    Member,
    /// `carol`, an account of the app that was never in the group.
    NonMember,
    /// `dave`, who left the group.
    Left,
    /// `erin`, whom the owner removed.
    Removed,
    /// `mallory`, a user of another app on the same server.
    OtherApp,
    /// The app's administrator identifier, logged in on the client protocol: its own account,
    /// with no rights beyond any user's (only REST calls act as the administrator).
    Administrator,
}

const ACTORS: [Actor; 6] =
    [Actor::NonMember, Actor::Left, Actor::Removed, Actor::OtherApp, Actor::Administrator, Actor::Member];

impl Actor {
    fn user(self) -> &'static str {
        match self {
            Actor::Member => "bob",
            Actor::NonMember => "carol",
            Actor::Left => "dave",
            Actor::Removed => "erin",
            Actor::OtherApp => OUTSIDER,
            Actor::Administrator => tincan_engine::DEFAULT_ADMIN_IDENTIFIER,
        }
    }
}

/// What an answer must be.
#[derive(Clone, Debug)]
enum Outcome {
    /// This code in the response (0: success).
    Code(u32),
    /// Success, with this value at this JSON pointer of `data`.
    OkWith(&'static str, Value),
    /// Success, and `GROUP` is not among the conversations or groups at this pointer of `data`.
    OkWithoutGroup(&'static str),
}

use Outcome::{Code, OkWith, OkWithoutGroup};

/// What the rows need to name the group's message, the second app and its key.
struct Context {
    /// The seq of `alice`'s group message that asks for receipts.
    receipt_seq: u64,
    /// The `MsgKey` of `alice`'s C2C message to `bob`, which asks for receipts.
    c2c_key: String,
    other_sdkappid: u64,
    other_key: String,
}

/// One client operation, tried by every actor.
struct OpRow {
    op: &'static str,
    /// What this row tries, when an op has several rows.
    what: &'static str,
    data: fn(&Context) -> Value,
    expect: fn(Actor) -> Outcome,
}

fn group_message(ctx: &Context) -> Value {
    json!({"message_conv_id": GROUP, "message_conv_type": 2, "message_seq": ctx.receipt_seq})
}

fn text(content: &str) -> Value {
    json!({"message_elem_array": [{"elem_type": 0, "text_elem_content": content}]})
}

/// The group's refusals for someone outside it: 10007 in this app, 10010 in another app, where
/// the group does not exist.
fn outside(actor: Actor, member: Outcome) -> Outcome {
    match actor {
        Actor::Member => member,
        Actor::OtherApp => Code(ErrorCode::GROUP_NOT_FOUND.0),
        _ => Code(ErrorCode::GROUP_PERMISSION_DENIED.0),
    }
}

fn op_rows() -> Vec<OpRow> {
    vec![
        OpRow {
            op: "login",
            what: "a second login on the connection",
            data: |_| json!({"sdkappid": SDKAPPID, "identifier": "bob", "user_sig": user_sig("bob")}),
            expect: |_| Code(ErrorCode::INVALID_OPERATION.0),
        },
        OpRow { op: "logout", what: "", data: |_| json!({}), expect: |_| Code(0) },
        OpRow { op: "ping", what: "", data: |_| json!({}), expect: |_| Code(0) },
        OpRow {
            op: "msg_send",
            what: "to the group",
            data: |_| json!({"conv_id": GROUP, "conv_type": 2, "message": text("let me in")}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "msg_send",
            what: "to the group's owner, one to one",
            data: |_| json!({"conv_id": "alice", "conv_type": 1, "message": text("hello")}),
            expect: |actor| match actor {
                Actor::OtherApp => Code(ErrorCode::C2C_INVALID_ACCOUNT.0),
                _ => Code(0),
            },
        },
        OpRow {
            op: "msg_get_list",
            what: "the group's history",
            data: |_| json!({"conv_id": GROUP, "conv_type": 2, "params": {"msg_getmsglist_param_count": 20}}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "msg_send_receipts",
            what: "for the owner's group message",
            data: |ctx| json!({"messages": [group_message(ctx)]}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "msg_get_receipts",
            what: "of the owner's group message",
            data: |ctx| json!({"messages": [group_message(ctx)]}),
            expect: |actor| outside(actor, OkWith("/receipts", json!([]))),
        },
        OpRow {
            op: "msg_get_read_members",
            what: "of the owner's group message",
            data: |ctx| json!({"message": group_message(ctx), "filter": 0, "next_seq": 0, "count": 10}),
            expect: |actor| outside(actor, Code(ErrorCode::GROUP_PERMISSION_DENIED.0)),
        },
        OpRow {
            op: "msg_revoke",
            what: "the owner's group message",
            data: |ctx| json!({"conv_id": GROUP, "conv_type": 2, "message": group_message(ctx)}),
            expect: |actor| outside(actor, Code(ErrorCode::GROUP_REVOKE_MSG_DENY.0)),
        },
        OpRow {
            op: "msg_modify",
            what: "the owner's group message",
            data: |ctx| {
                let mut message = group_message(ctx);
                message["message_elem_array"] = json!([{"elem_type": 0, "text_elem_content": "mine now"}]);
                json!({"message": message})
            },
            expect: |actor| outside(actor, Code(ErrorCode::GROUP_PERMISSION_DENIED.0)),
        },
        OpRow {
            op: "msg_delete",
            what: "the owner's group message, for oneself",
            data: |ctx| json!({"conv_id": GROUP, "conv_type": 2, "messages": [group_message(ctx)]}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "msg_find",
            what: "the owner's group message, by locator",
            data: |ctx| json!({"conv_id": GROUP, "conv_type": 2, "locators": [{"message_locator_seq": ctx.receipt_seq}]}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "msg_set_extensions",
            what: "on the owner's group message (which takes none)",
            data: |ctx| json!({"message": group_message(ctx), "extensions": [{"message_extension_key": "k", "message_extension_value": "v"}]}),
            expect: |actor| outside(actor, Code(ErrorCode::INVALID_PARAMETERS.0)),
        },
        OpRow {
            op: "msg_get_extensions",
            what: "of the owner's group message",
            data: |ctx| json!({"message": group_message(ctx)}),
            expect: |actor| outside(actor, Code(ErrorCode::INVALID_PARAMETERS.0)),
        },
        OpRow {
            op: "msg_delete_extensions",
            what: "of the owner's group message, every key",
            data: |ctx| json!({"message": group_message(ctx)}),
            expect: |actor| outside(actor, Code(ErrorCode::INVALID_PARAMETERS.0)),
        },
        OpRow {
            op: "msg_set_group_recv_opt",
            what: "of the group",
            data: |_| json!({"group_id": GROUP, "opt": 2}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "msg_set_c2c_recv_opt",
            what: "of a conversation with the owner",
            data: |_| json!({"identifier_array": ["alice"], "opt": 2}),
            expect: |actor| match actor {
                Actor::OtherApp => Code(ErrorCode::C2C_INVALID_ACCOUNT.0),
                _ => Code(0),
            },
        },
        OpRow {
            op: "msg_get_c2c_recv_opt",
            what: "of a conversation with the owner",
            data: |_| json!({"identifier_array": ["alice"]}),
            expect: |actor| match actor {
                Actor::OtherApp => Code(ErrorCode::C2C_INVALID_ACCOUNT.0),
                _ => Code(0),
            },
        },
        OpRow {
            op: "msg_set_all_recv_opt",
            what: "one's own",
            data: |_| json!({"opt": 2, "start_hour": 22, "duration": 3600}),
            expect: |_| Code(0),
        },
        OpRow { op: "msg_get_all_recv_opt", what: "one's own", data: |_| json!({}), expect: |_| Code(0) },
        OpRow {
            op: "msg_report_read",
            what: "in the group",
            data: |ctx| json!({"conv_id": GROUP, "conv_type": 2, "message": {"message_seq": ctx.receipt_seq}}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "conv_get_list",
            what: "",
            data: |_| json!({}),
            expect: |actor| match actor {
                Actor::Member => Code(0),
                _ => OkWithoutGroup("/conversations"),
            },
        },
        OpRow { op: "conv_get_total_unread", what: "", data: |_| json!({}), expect: |_| Code(0) },
        OpRow {
            op: "conv_clean_unread",
            what: "in the group",
            data: |_| json!({"conversation_id": format!("group_{GROUP}"), "clean_timestamp": 0, "clean_sequence": 0}),
            expect: |actor| match actor {
                Actor::Member => OkWith("/results/0/conversation_operation_result_result_code", json!(0)),
                Actor::OtherApp => Code(ErrorCode::GROUP_NOT_FOUND.0),
                _ => OkWith(
                    "/results/0/conversation_operation_result_result_code",
                    json!(ErrorCode::GROUP_PERMISSION_DENIED.0),
                ),
            },
        },
        OpRow {
            op: "group_create",
            what: "with the group's ID",
            data: |_| json!({"create_group_param_group_name": "mine", "create_group_param_group_id": GROUP}),
            // Group IDs are the app's own: in another app the same ID is free.
            expect: |actor| match actor {
                Actor::OtherApp => Code(0),
                _ => Code(ErrorCode::GROUP_ID_IN_USE.0),
            },
        },
        OpRow {
            op: "group_delete",
            what: "the group",
            data: |_| json!({"group_id": GROUP}),
            // The other app's user dismisses the group of the same ID it created in its own app
            // (the row above); this app's group stays.
            expect: |actor| match actor {
                Actor::OtherApp => Code(0),
                _ => Code(ErrorCode::GROUP_PERMISSION_DENIED.0),
            },
        },
        OpRow {
            op: "group_invite_member",
            what: "a non-member",
            data: |_| json!({"group_invite_member_param_group_id": GROUP, "group_invite_member_param_identifier_array": ["carol"]}),
            expect: |actor| outside(actor, Code(ErrorCode::GROUP_PERMISSION_DENIED.0)),
        },
        OpRow {
            op: "group_delete_member",
            what: "another member",
            data: |_| json!({"group_delete_member_param_group_id": GROUP, "group_delete_member_param_identifier_array": ["frank"]}),
            expect: |actor| outside(actor, Code(ErrorCode::GROUP_PERMISSION_DENIED.0)),
        },
        OpRow {
            op: "group_quit",
            what: "the group",
            data: |_| json!({"group_id": GROUP}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "group_join",
            what: "the group, which takes invitations only",
            data: |_| json!({"group_id": GROUP, "hello_msg": ""}),
            expect: |actor| outside(actor, Code(ErrorCode::GROUP_ALREADY_MEMBER.0)),
        },
        OpRow {
            op: "group_get_info",
            what: "of the group",
            data: |_| json!({"group_ids": [GROUP]}),
            // Any user of the app may read any group's details; another app has no such group.
            expect: |actor| match actor {
                Actor::OtherApp => {
                    OkWith("/results/0/get_groups_info_result_code", json!(ErrorCode::GROUP_NOT_FOUND.0))
                }
                _ => OkWith("/results/0/get_groups_info_result_code", json!(0)),
            },
        },
        OpRow {
            op: "group_get_members",
            what: "of the group",
            data: |_| json!({"group_get_members_info_list_param_group_id": GROUP}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "group_get_joined",
            what: "",
            data: |_| json!({}),
            expect: |actor| match actor {
                Actor::Member => Code(0),
                _ => OkWithoutGroup("/groups"),
            },
        },
        OpRow { op: "user_set_receipt_privacy", what: "", data: |_| json!({"private": false}), expect: |_| Code(0) },
        // Conversation management: what a user sets is its own, on conversations that are its own.
        OpRow {
            op: "conv_delete",
            what: "the group's conversation",
            data: |_| json!({"conversation_id_array": [format!("group_{GROUP}")], "clearMessage": false}),
            expect: item_outcome,
        },
        OpRow {
            op: "conv_get_info",
            what: "of the group",
            data: |_| json!({"json_get_conv_list_param": [{"get_conversation_list_param_conv_id": GROUP, "get_conversation_list_param_conv_type": 2}]}),
            expect: |actor| match actor {
                Actor::Member => OkWith("/conversations/0/conv_id", json!(GROUP)),
                _ => OkWithoutGroup("/conversations"),
            },
        },
        OpRow {
            op: "conv_create",
            what: "the group's conversation",
            data: |_| json!({"conv_id": GROUP, "conv_type": 2}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "msg_clear_history",
            what: "of the group",
            data: |_| json!({"conv_id": GROUP, "conv_type": 2}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "conv_set_draft",
            what: "in the group",
            data: |_| json!({"conv_id": GROUP, "conv_type": 2, "draft_param": {"draft_msg": text("later")}}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "conv_cancel_draft",
            what: "in the group",
            data: |_| json!({"conv_id": GROUP, "conv_type": 2}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "conv_pin",
            what: "the group's conversation",
            data: |_| json!({"conv_id": GROUP, "conv_type": 2, "is_pinned": true}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "conv_mark",
            what: "the group's conversation",
            data: |_| json!({"conversation_id_array": [format!("group_{GROUP}")], "mark_type": 1, "enable_mark": true}),
            expect: item_outcome,
        },
        OpRow {
            op: "conv_set_custom_data",
            what: "of the group's conversation",
            data: |_| json!({"conversation_id_array": [format!("group_{GROUP}")], "custom_data": "mine"}),
            expect: item_outcome,
        },
        OpRow {
            op: "conv_get_list_by_filter",
            what: "groups",
            data: |_| json!({"filter": {"conversation_list_filter_conv_type": 2}}),
            expect: |actor| match actor {
                Actor::Member => Code(0),
                _ => OkWithoutGroup("/conversation_list_result_conv_list"),
            },
        },
        OpRow { op: "conv_get_unread_by_filter", what: "", data: |_| json!({"filter": {}}), expect: |_| Code(0) },
        OpRow {
            op: "conv_group_create",
            what: "with the group's conversation",
            data: |_| json!({"group_name": "mine", "conversation_id_array": [format!("group_{GROUP}")]}),
            expect: item_outcome,
        },
        OpRow { op: "conv_group_get_list", what: "", data: |_| json!({}), expect: |_| Code(0) },
        OpRow {
            op: "conv_group_rename",
            what: "one's own",
            data: |_| json!({"old_name": "mine", "new_name": "ours"}),
            expect: |_| Code(0),
        },
        OpRow {
            op: "conv_group_add",
            what: "the group's conversation",
            data: |_| json!({"group_name": "ours", "conversation_id_array": [format!("group_{GROUP}")]}),
            expect: item_outcome,
        },
        OpRow {
            op: "conv_group_remove",
            what: "the group's conversation",
            data: |_| json!({"group_name": "ours", "conversation_id_array": [format!("group_{GROUP}")]}),
            expect: item_outcome,
        },
        OpRow {
            op: "conv_group_delete",
            what: "one's own",
            data: |_| json!({"group_name": "ours"}),
            expect: |_| Code(0),
        },
        // Any user reads any profile and status of its app, and changes only its own; another
        // app has none of this app's users.
        OpRow {
            op: "profile_get",
            what: "of the owner",
            data: |_| json!({"friendship_getprofilelist_param_identifier_array": ["alice"]}),
            expect: |actor| match actor {
                Actor::OtherApp => OkWith("/profiles", json!([])),
                _ => Code(0),
            },
        },
        OpRow {
            op: "profile_modify_self",
            what: "",
            data: |_| json!({"user_profile_item_self_signature": "mine"}),
            expect: |_| Code(0),
        },
        OpRow {
            op: "profile_subscribe",
            what: "to the owner",
            data: |_| json!({"user_id_list": ["alice"]}),
            expect: |actor| match actor {
                Actor::OtherApp => Code(ErrorCode::PROFILE_ACCOUNT_NOT_FOUND.0),
                _ => Code(0),
            },
        },
        OpRow { op: "profile_unsubscribe", what: "", data: |_| json!({"user_id_list": []}), expect: |_| Code(0) },
        OpRow {
            op: "status_get",
            what: "of the owner",
            data: |_| json!({"user_id_list": ["alice"]}),
            expect: |actor| match actor {
                Actor::OtherApp => OkWith("/statuses", json!([])),
                _ => Code(0),
            },
        },
        OpRow {
            op: "status_set_self",
            what: "",
            data: |_| json!({"user_status_custom_status": "busy"}),
            expect: |_| Code(0),
        },
        OpRow {
            op: "status_subscribe",
            what: "to the owner",
            data: |_| json!({"user_id_list": ["alice"]}),
            expect: |actor| match actor {
                Actor::OtherApp => Code(ErrorCode::ACCOUNT_NOT_FOUND.0),
                _ => Code(0),
            },
        },
        OpRow { op: "status_unsubscribe", what: "", data: |_| json!({"user_id_list": []}), expect: |_| Code(0) },
        OpRow {
            op: "group_modify_info",
            what: "the group's name",
            data: |_| json!({"group_modify_info_param_group_id": GROUP, "group_modify_info_param_modify_flag": 1, "group_modify_info_param_group_name": "Taken"}),
            expect: |actor| outside(actor, Code(ErrorCode::GROUP_PERMISSION_DENIED.0)),
        },
        OpRow {
            op: "group_modify_info",
            what: "the group's owner",
            data: |_| json!({"group_modify_info_param_group_id": GROUP, "group_modify_info_param_modify_flag": -2_147_483_648i64, "group_modify_info_param_owner": "bob"}),
            expect: |actor| outside(actor, Code(ErrorCode::GROUP_PERMISSION_DENIED.0)),
        },
        OpRow {
            op: "group_modify_member_info",
            what: "another member's mute",
            data: |_| json!({"group_modify_member_info_group_id": GROUP, "group_modify_member_info_identifier": "frank", "group_modify_member_info_modify_flag": 4, "group_modify_member_info_shutup_time": 60}),
            expect: |actor| outside(actor, Code(ErrorCode::GROUP_PERMISSION_DENIED.0)),
        },
        OpRow {
            op: "group_modify_member_info",
            what: "another member's name card",
            data: |_| json!({"group_modify_member_info_group_id": GROUP, "group_modify_member_info_identifier": "frank", "group_modify_member_info_modify_flag": 8, "group_modify_member_info_name_card": "Mine"}),
            expect: |actor| outside(actor, Code(ErrorCode::GROUP_PERMISSION_DENIED.0)),
        },
        OpRow {
            op: "group_get_pendency_list",
            what: "",
            data: |_| json!({}),
            // Only the owner and admins see a group's requests: everyone here sees none.
            expect: |_| OkWith("/group_pendency_result_pendency_array", json!([])),
        },
        OpRow {
            op: "group_handle_pendency",
            what: "a request to join the group",
            data: |_| json!({"group_handle_pendency_param_is_accept": true, "group_handle_pendency_param_pendency": {"group_pendency_group_id": GROUP, "group_pendency_form_identifier": "carol"}}),
            expect: |actor| outside(actor, Code(ErrorCode::GROUP_PERMISSION_DENIED.0)),
        },
        OpRow { op: "group_report_pendency_read", what: "", data: |_| json!({"time_stamp": 1}), expect: |_| Code(0) },
        OpRow {
            op: "group_search_groups",
            what: "the group by its ID",
            data: |_| json!({"group_search_params_keyword_list": [GROUP]}),
            // The group is searchable, so anyone of the app finds it by its exact ID.
            expect: |actor| match actor {
                Actor::OtherApp => OkWith("/groups", json!([])),
                _ => OkWith("/groups/0/group_detail_info_group_id", json!(GROUP)),
            },
        },
        OpRow {
            op: "group_search_members",
            what: "of the group",
            data: |_| json!({"group_search_member_params_groupid_list": [GROUP], "group_search_member_params_keyword_list": ["a"]}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "group_get_online_member_count",
            what: "of the group",
            data: |_| json!({"group_id": GROUP}),
            expect: |actor| outside(actor, Code(0)),
        },
        // The relationship chain is each user's own: a user changes only its lists, and another
        // app's user finds none of this app's accounts (30003 in its item).
        OpRow {
            op: "friend_add",
            what: "the group's owner, who confirms requests",
            data: |_| json!({"friendship_add_friend_param_identifier": "alice"}),
            expect: |actor| match actor {
                Actor::OtherApp => OkWith("/friend_result_code", json!(ErrorCode::FRIEND_ACCOUNT_NOT_FOUND.0)),
                _ => OkWith("/friend_result_code", json!(ErrorCode::FRIEND_PENDING.0)),
            },
        },
        OpRow {
            op: "friend_delete",
            what: "a user who is not a friend",
            data: |_| json!({"friendship_delete_friend_param_identifier_array": ["alice"]}),
            expect: |_| OkWith("/results/0/friend_result_code", json!(ErrorCode::FRIEND_INVALID_PARAMETERS.0)),
        },
        OpRow { op: "friend_get_list", what: "", data: |_| json!({}), expect: |_| OkWith("/friends", json!([])) },
        OpRow {
            op: "friend_get_info",
            what: "the group's owner",
            data: |_| json!({"friend_id_list": ["alice"]}),
            expect: |actor| match actor {
                Actor::OtherApp => OkWith(
                    "/results/0/friendship_friend_info_get_result_error_code",
                    json!(ErrorCode::FRIEND_ACCOUNT_NOT_FOUND.0),
                ),
                _ => OkWith("/results/0/friendship_friend_info_get_result_relation_type", json!(0)),
            },
        },
        OpRow {
            op: "friend_modify",
            what: "a user who is not a friend",
            data: |_| json!({"friendship_modify_friend_profile_param_identifier": "alice", "friendship_modify_friend_profile_param_item": {"friend_profile_item_remark": "mine"}}),
            expect: |_| Code(ErrorCode::FRIEND_INVALID_PARAMETERS.0),
        },
        OpRow {
            op: "friend_check",
            what: "the group's owner",
            data: |_| json!({"friendship_check_friendtype_param_identifier_array": ["alice"]}),
            expect: |actor| match actor {
                Actor::OtherApp => OkWith(
                    "/results/0/friendship_check_friendtype_result_code",
                    json!(ErrorCode::FRIEND_ACCOUNT_NOT_FOUND.0),
                ),
                _ => OkWith("/results/0/friendship_check_friendtype_result_relation", json!(0)),
            },
        },
        OpRow {
            op: "friend_get_pendency_list",
            what: "received",
            data: |_| json!({"friendship_get_pendency_list_param_type": 0}),
            expect: |_| OkWith("/pendency_page_pendency_info_array", json!([])),
        },
        OpRow {
            op: "friend_handle_request",
            what: "a request never made",
            data: |_| json!({"friend_response_identifier": "alice", "friend_response_action": 1}),
            expect: |_| Code(ErrorCode::FRIEND_INVALID_PARAMETERS.0),
        },
        OpRow {
            op: "friend_delete_pendency",
            what: "a request never received",
            data: |_| json!({"friendship_delete_pendency_param_type": 0, "friendship_delete_pendency_param_identifier_array": ["alice"]}),
            expect: |_| OkWith("/results/0/friend_result_code", json!(ErrorCode::FRIEND_INVALID_PARAMETERS.0)),
        },
        OpRow { op: "friend_report_pendency_read", what: "", data: |_| json!({"time_stamp": 0}), expect: |_| Code(0) },
        OpRow {
            op: "blocklist_add",
            what: "a member of the group",
            data: |_| json!({"user_id_list": ["frank"]}),
            expect: |actor| match actor {
                Actor::OtherApp => {
                    OkWith("/results/0/friend_result_code", json!(ErrorCode::FRIEND_ACCOUNT_NOT_FOUND.0))
                }
                _ => OkWith("/results/0/friend_result_code", json!(0)),
            },
        },
        OpRow {
            op: "blocklist_delete",
            what: "a user never blocked",
            data: |_| json!({"user_id_list": ["alice"]}),
            expect: |_| OkWith("/results/0/friend_result_code", json!(ErrorCode::FRIEND_INVALID_PARAMETERS.0)),
        },
        OpRow { op: "blocklist_get", what: "", data: |_| json!({}), expect: |_| Code(0) },
        OpRow {
            op: "friend_group_create",
            what: "with a user who is not a friend",
            data: |_| json!({"friendship_create_friend_group_param_name_array": ["mine"], "friendship_create_friend_group_param_identifier_array": ["alice"]}),
            expect: |_| OkWith("/results/0/friend_result_code", json!(ErrorCode::FRIEND_INVALID_PARAMETERS.0)),
        },
        OpRow {
            op: "friend_group_delete",
            what: "a group that does not exist",
            data: |_| json!({"friend_group_name_array": ["none"]}),
            expect: |_| Code(ErrorCode::FRIEND_INVALID_PARAMETERS.0),
        },
        OpRow {
            op: "friend_group_modify",
            what: "a group that does not exist",
            data: |_| json!({"friendship_modify_friend_group_param_name": "none", "friendship_modify_friend_group_param_add_identifier_array": ["alice"]}),
            expect: |_| Code(ErrorCode::FRIEND_INVALID_PARAMETERS.0),
        },
        OpRow { op: "friend_group_get", what: "", data: |_| json!({}), expect: |_| Code(0) },
        OpRow {
            op: "friend_search",
            what: "",
            data: |_| json!({"friendship_search_param_keyword_list": ["a"]}),
            expect: |_| OkWith("/friends", json!([])),
        },
        OpRow {
            op: "follow_add",
            what: "a member of the group",
            data: |_| json!({"user_id_list": ["frank"]}),
            expect: |actor| match actor {
                Actor::OtherApp => {
                    OkWith("/results/0/follow_operation_result_code", json!(ErrorCode::FRIEND_ACCOUNT_NOT_FOUND.0))
                }
                _ => OkWith("/results/0/follow_operation_result_code", json!(0)),
            },
        },
        OpRow {
            op: "follow_delete",
            what: "the owner, never followed",
            data: |_| json!({"user_id_list": ["alice"]}),
            expect: |actor| match actor {
                Actor::OtherApp => {
                    OkWith("/results/0/follow_operation_result_code", json!(ErrorCode::FRIEND_ACCOUNT_NOT_FOUND.0))
                }
                _ => OkWith("/results/0/follow_operation_result_code", json!(0)),
            },
        },
        OpRow {
            op: "follow_get_list",
            what: "",
            data: |_| json!({"follow_type": 2}),
            expect: |_| OkWith("/follow_list_result_next_cursor", json!("")),
        },
        OpRow {
            op: "follow_get_info",
            what: "of the owner",
            data: |_| json!({"user_id_list": ["alice"]}),
            expect: |actor| match actor {
                Actor::OtherApp => {
                    OkWith("/infos/0/follow_info_result_code", json!(ErrorCode::FRIEND_ACCOUNT_NOT_FOUND.0))
                }
                _ => OkWith("/infos/0/follow_info_result_code", json!(0)),
            },
        },
        OpRow {
            op: "follow_check",
            what: "with the owner",
            data: |_| json!({"user_id_list": ["alice"]}),
            expect: |actor| match actor {
                Actor::OtherApp => {
                    OkWith("/results/0/follow_type_check_result_code", json!(ErrorCode::FRIEND_ACCOUNT_NOT_FOUND.0))
                }
                _ => OkWith("/results/0/follow_type_check_result_code", json!(0)),
            },
        },
        OpRow {
            op: "group_init_attributes",
            what: "of the group",
            data: |_| json!({"group_id": GROUP, "attributes": [{"group_attribute_key": "seat", "group_attribute_value": "x"}]}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "group_set_attributes",
            what: "of the group",
            data: |_| json!({"group_id": GROUP, "attributes": [{"group_attribute_key": "mic", "group_attribute_value": "on"}]}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "group_delete_attributes",
            what: "of the group",
            data: |_| json!({"group_id": GROUP, "keys": ["seat"]}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "group_get_attributes",
            what: "of the group",
            data: |_| json!({"group_id": GROUP}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "group_set_counters",
            what: "of the group",
            data: |_| json!({"group_id": GROUP, "counters": [{"group_counter_key": "likes", "group_counter_value": 5}]}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "group_get_counters",
            what: "of the group",
            data: |_| json!({"group_id": GROUP}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "group_increase_counter",
            what: "of the group",
            data: |_| json!({"group_id": GROUP, "group_counter_key": "likes", "group_counter_value": 1}),
            expect: |actor| outside(actor, Code(0)),
        },
        OpRow {
            op: "group_decrease_counter",
            what: "of the group",
            data: |_| json!({"group_id": GROUP, "group_counter_key": "likes", "group_counter_value": 1}),
            expect: |actor| outside(actor, Code(0)),
        },
    ]
}

/// A conversation-management call's result for the group's conversation: done for the member,
/// the group's codes in the item for anyone else.
fn item_outcome(actor: Actor) -> Outcome {
    let code = match actor {
        Actor::Member => 0,
        Actor::OtherApp => ErrorCode::GROUP_NOT_FOUND.0,
        _ => ErrorCode::GROUP_PERMISSION_DENIED.0,
    };
    OkWith("/results/0/conversation_operation_result_result_code", json!(code))
}

/// The app as its administrator sees it through the REST API, without what moves on its own
/// (who is online): a refused change must leave all of it as it was.
async fn snapshot(app: &TestApp, ctx: &Context) -> Value {
    let admin = app.admin();
    let call = |service: &'static str, command: &'static str, body: Value| {
        let admin = admin.clone();
        async move { admin.call(service, command, &body).await.unwrap_or_else(|err| panic!("{service}/{command}: {err:?}")) }
    };
    let mut info = call("group_open_http_svc", "get_group_info", json!({"GroupIdList": [GROUP]})).await;
    if let Some(group) = info.pointer_mut("/GroupInfo/0").and_then(Value::as_object_mut) {
        group.remove("OnlineMemberNum");
    }
    let mut accounts = call("tincan", "list_accounts", json!({"Limit": 100})).await;
    for account in accounts["Accounts"].as_array_mut().into_iter().flatten() {
        account.as_object_mut().map(|account| account.remove("Online"));
    }
    // Of the server's apps, only which exist: the others' settings are theirs to change.
    let apps: Vec<Value> = call("tincan", "list_apps", json!({})).await["Apps"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|app| app["sdkappid"].clone())
        .collect();
    let mut app_info = call("tincan", "get_app", json!({})).await;
    for volatile in [&mut app_info, &mut info, &mut accounts] {
        volatile.as_object_mut().map(|answer| answer.remove("ErrorInfo"));
    }
    let mut joined = call("group_open_http_svc", "get_joined_group_list", json!({"Member_Account": "bob"})).await;
    for group in joined["GroupIdList"].as_array_mut().into_iter().flatten() {
        group.as_object_mut().map(|group| group.remove("OnlineMemberNum"));
    }
    json!({
        "group": info["GroupInfo"],
        "attributes": call("group_open_attr_http_svc", "get_group_attr", json!({"GroupId": GROUP})).await["GroupAttrAry"],
        "counters": call("group_open_http_svc", "get_group_counter", json!({"GroupId": GROUP})).await["GroupCounter"],
        "bans": call("group_open_http_svc", "get_group_ban_member", json!({"GroupId": GROUP})).await["BannedAccountList"],
        "history": call("group_open_http_svc", "group_msg_get_simple", json!({"GroupId": GROUP, "ReqMsgNumber": 20})).await["RspMsgList"],
        "receipt": call("group_open_http_svc", "get_group_msg_receipt", json!({"GroupId": GROUP, "MsgSeqList": [{"MsgSeq": ctx.receipt_seq}]})).await["GroupMsgReceiptList"],
        "c2c": call("openim", "admin_getroammsg", json!({"Operator_Account": "alice", "Peer_Account": "bob", "MaxCnt": 100, "MinTime": 0, "MaxTime": 4_000_000_000u64})).await["MsgList"],
        "unread": call("openim", "get_c2c_unread_msg_num", json!({"To_Account": "bob", "Peer_Account": ["alice"]})).await["C2CUnreadMsgNumList"],
        "joined": joined["GroupIdList"],
        "accounts": accounts["Accounts"],
        "apps": apps,
        "app": app_info["App"],
    })
}

/// Sets the scene: accounts, the group with a message that asks for receipts, a member who left,
/// a member who was removed, a C2C message, and a second app with its own user.
async fn scene(app: &TestApp) -> Context {
    let admin = app.admin();
    let users = ["alice", "bob", "carol", "dave", "erin", "frank"];
    admin.call("im_open_login_svc", "multiaccount_import", &json!({"Accounts": users})).await.unwrap();
    admin
        .call(
            "group_open_http_svc",
            "create_group",
            &json!({"Owner_Account": "alice", "Type": "Public", "GroupId": GROUP, "Name": "Team",
                    "ApplyJoinOption": "DisableApply",
                    "MemberList": [{"Member_Account": "bob"}, {"Member_Account": "dave"}, {"Member_Account": "erin"}, {"Member_Account": "frank"}]}),
        )
        .await
        .unwrap();
    let sent = admin
        .call(
            "group_open_http_svc",
            "send_group_msg",
            &json!({"GroupId": GROUP, "From_Account": "alice", "Random": 7, "NeedReadReceipt": 1,
                    "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "read me"}}]}),
        )
        .await
        .unwrap();
    let receipt_seq = sent["MsgSeq"].as_u64().expect("a seq");
    let c2c = admin
        .call(
            "openim",
            "sendmsg",
            &json!({"From_Account": "alice", "To_Account": "bob", "MsgRandom": 8, "IsNeedReadReceipt": 1,
                    "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi bob"}}]}),
        )
        .await
        .unwrap();
    let c2c_key = c2c["MsgKey"].as_str().expect("a MsgKey").to_owned();
    let mut dave = app.raw_socket("dave").await;
    dave.send_text(json!({"id": 2, "op": "group_quit", "data": {"group_id": GROUP}}).to_string()).await;
    assert_eq!(dave.answer(2).await["code"], 0, "dave leaves");
    admin
        .call("group_open_http_svc", "delete_group_member", &json!({"GroupId": GROUP, "MemberToDel_Account": ["erin"]}))
        .await
        .unwrap();
    let created = admin.call("tincan", "create_app", &json!({"Plan": "Ultimate"})).await.unwrap();
    let other_sdkappid = created["App"]["sdkappid"]
        .as_u64()
        .or_else(|| created["App"]["SdkAppId"].as_u64())
        .unwrap_or_else(|| panic!("the new app's SDKAppID: {created}"));
    let key_file = created["KeyFile"].as_str().expect("the new app's key file");
    let other_key = std::fs::read_to_string(key_file).expect("the new app's key").trim().to_owned();
    Context { receipt_seq, c2c_key, other_sdkappid, other_key }
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |it| it.as_secs())
}

/// Logs `actor` in on a raw socket.
async fn login(app: &TestApp, ctx: &Context, actor: Actor) -> tincan_testkit::RawSocket {
    let (sdkappid, sig) = match actor {
        Actor::OtherApp => {
            (ctx.other_sdkappid, tincan_usersig::generate(&ctx.other_key, ctx.other_sdkappid, OUTSIDER, now(), 3600))
        }
        _ => (SDKAPPID, user_sig(actor.user())),
    };
    let (socket, answer) = app.raw_login(sdkappid, actor.user(), &sig).await;
    assert_eq!(answer["code"], 0, "{actor:?} logs in: {answer}");
    socket
}

/// Whether `answer` is what `outcome` says; `None` when it is, else what differs.
fn differs(outcome: &Outcome, answer: &Value) -> Option<String> {
    let code = answer["code"].as_u64().unwrap_or(u64::MAX);
    match outcome {
        Code(expected) if code == u64::from(*expected) => None,
        Code(expected) => Some(format!("code {code}, expected {expected}")),
        _ if code != 0 => Some(format!("code {code}, expected success")),
        OkWith(pointer, expected) => match answer["data"].pointer(pointer) {
            Some(found) if found == expected => None,
            found => Some(format!("{pointer} is {found:?}, expected {expected}")),
        },
        OkWithoutGroup(pointer) => {
            let listed = answer["data"].pointer(pointer).and_then(Value::as_array).cloned().unwrap_or_default();
            let names: Vec<String> = listed
                .iter()
                .filter_map(|item| item.get("conv_id").or_else(|| item.get("group_base_info_group_id")))
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            names.iter().any(|name| name == GROUP).then(|| format!("{pointer} lists the group: {names:?}"))
        }
    }
}

/// What differs between two snapshots, part by part; `None` when nothing does.
fn changes(before: &Value, after: &Value) -> Option<String> {
    let parts = before.as_object()?;
    let changed: Vec<String> = parts
        .iter()
        .filter(|(part, value)| after.get(part.as_str()) != Some(*value))
        .map(|(part, value)| format!("{part}: {value} became {}", after[part.as_str()]))
        .collect();
    (!changed.is_empty()).then(|| changed.join("; "))
}

fn refused(outcome: &Outcome) -> bool {
    matches!(outcome, Code(code) if *code != 0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_client_operation_refuses_those_it_should_and_leaves_nothing_behind() {
    // Goal: each operation of the client protocol, tried by a member, a non-member, a former
    // member (left and removed), another app's user and the administrator's own client login,
    // gets TIM's documented answer, and whatever is refused changes nothing in the app.
    let app = spawn_app().await;
    let ctx = scene(&app).await;
    let rows = op_rows();
    let covered: BTreeSet<&str> = rows.iter().map(|row| row.op).collect();
    let documented: BTreeSet<String> = documented_ops().into_iter().collect();
    assert_eq!(
        covered.iter().map(|op| (*op).to_owned()).collect::<BTreeSet<_>>(),
        documented,
        "the matrix's rows and docs/protocol.md's Operations differ: give every operation a row"
    );
    let mut failures = Vec::new();
    // The member comes last: what it may do changes the group (it even leaves it once).
    for actor in ACTORS {
        for (index, row) in rows.iter().enumerate() {
            let expected = (row.expect)(actor);
            let before =
                if actor == Actor::Member && !refused(&expected) { None } else { Some(snapshot(&app, &ctx).await) };
            let mut socket = login(&app, &ctx, actor).await;
            let id = 100 + index as u64;
            socket.send_text(json!({"id": id, "op": row.op, "data": (row.data)(&ctx)}).to_string()).await;
            let answer = socket.answer(id).await;
            if let Some(problem) = differs(&expected, &answer) {
                failures.push(format!("{} {} as {actor:?}: {problem}: {answer}", row.op, row.what));
            }
            if let Some(before) = before {
                let after = snapshot(&app, &ctx).await;
                if let Some(change) = changes(&before, &after) {
                    failures.push(format!("{} {} as {actor:?} changed the app: {change}", row.op, row.what));
                }
            }
            if actor == Actor::Member && row.op == "group_quit" {
                // Back in, for the rows after it (as a later joiner, which no later row minds).
                app.admin()
                    .call(
                        "group_open_http_svc",
                        "add_group_member",
                        &json!({"GroupId": GROUP, "MemberList": [{"Member_Account": "bob"}]}),
                    )
                    .await
                    .unwrap();
            }
        }
    }
    assert!(failures.is_empty(), "{} cells differ:\n{}", failures.len(), failures.join("\n"));
    app.stop().await;
}

/// A UserSig whose document is well formed but whose signature is not the app's: 32 zero bytes.
fn forged_sig(sdkappid: u64, identifier: &str) -> String {
    let document = json!({
        "TLS.ver": "2.0", "TLS.identifier": identifier, "TLS.sdkappid": sdkappid,
        "TLS.expire": 3600, "TLS.time": now(), "TLS.sig": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    });
    tincan_testkit::fuzz::pack_usersig(document.to_string().as_bytes())
}

/// A valid sig with one character in its middle replaced.
fn flipped(sig: &str) -> String {
    let mut bytes = sig.as_bytes().to_vec();
    let middle = bytes.len() / 2;
    bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).expect("ASCII")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_usersig_logs_nobody_in_and_what_follows_changes_nothing() {
    // Goal: expired, tampered and foreign UserSigs (another app's key, another app's SDKAppID)
    // are refused at login with TIM's codes, and the connection can then do nothing (6014).
    let app = spawn_app().await;
    let ctx = scene(&app).await;
    let valid = user_sig("bob");
    let sigs: Vec<(&str, String, &[u32])> = vec![
        ("expired", tincan_usersig::generate(KEY, SDKAPPID, "bob", now() - 7200, 3600), &[70001]),
        ("with a character changed", flipped(&valid), &[70003, 70009]),
        ("with a forged signature", forged_sig(SDKAPPID, "bob"), &[70009]),
        (
            "made with another app's key",
            tincan_usersig::generate(&ctx.other_key, SDKAPPID, "bob", now(), 3600),
            &[70009],
        ),
        (
            "made for another app",
            tincan_usersig::generate(&ctx.other_key, ctx.other_sdkappid, "bob", now(), 3600),
            &[70014],
        ),
        ("made for another user", user_sig("alice"), &[70013]),
    ];
    for (what, sig, codes) in sigs {
        let before = snapshot(&app, &ctx).await;
        let (mut socket, answer) = app.raw_login(SDKAPPID, "bob", &sig).await;
        let code = answer["code"].as_u64().unwrap_or_default();
        assert!(codes.iter().any(|expected| u64::from(*expected) == code), "a UserSig {what}: {answer}");
        let send =
            json!({"id": 2, "op": "msg_send", "data": {"conv_id": GROUP, "conv_type": 2, "message": text("in?")}});
        socket.send_text(send.to_string()).await;
        assert_eq!(socket.answer(2).await["code"], ErrorCode::SDK_NOT_LOGGED_IN.0, "after a UserSig {what}");
        assert_eq!(changes(&before, &snapshot(&app, &ctx).await), None, "a UserSig {what} changed the app");
    }
    app.stop().await;
}

/// Who calls the REST API, and with what credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    /// A user of the app with its own valid UserSig, naming itself as the identifier.
    PosingUser,
    /// The administrator with an expired UserSig.
    Expired,
    /// The administrator with a UserSig whose signature is forged.
    Forged,
    /// The administrator with a UserSig with one character changed.
    Flipped,
    /// The administrator with a UserSig made with the other app's key.
    ForeignKey,
    /// The other app's administrator, with its valid UserSig, on this app.
    ForeignApp,
    /// The other app's administrator on its own app, naming this app's group and users.
    OtherAppAdmin,
}

const CALLERS: [Caller; 7] = [
    Caller::PosingUser,
    Caller::Expired,
    Caller::Forged,
    Caller::Flipped,
    Caller::ForeignKey,
    Caller::ForeignApp,
    Caller::OtherAppAdmin,
];

impl Caller {
    fn client(self, app: &TestApp, ctx: &Context) -> tincan_sdk::admin::AdminClient {
        let admin = tincan_engine::DEFAULT_ADMIN_IDENTIFIER;
        let mut client = app.admin();
        match self {
            Caller::PosingUser => {
                client.identifier = "bob".to_owned();
                client.user_sig = user_sig("bob");
            }
            Caller::Expired => client.user_sig = tincan_usersig::generate(KEY, SDKAPPID, admin, now() - 7200, 3600),
            Caller::Forged => client.user_sig = forged_sig(SDKAPPID, admin),
            Caller::Flipped => client.user_sig = flipped(&client.user_sig),
            Caller::ForeignKey => {
                client.user_sig = tincan_usersig::generate(&ctx.other_key, SDKAPPID, admin, now(), 3600);
            }
            Caller::ForeignApp => {
                client.user_sig = tincan_usersig::generate(&ctx.other_key, ctx.other_sdkappid, admin, now(), 3600);
            }
            Caller::OtherAppAdmin => {
                client.sdkappid = ctx.other_sdkappid;
                client.user_sig = tincan_usersig::generate(&ctx.other_key, ctx.other_sdkappid, admin, now(), 3600);
            }
        }
        client
    }

    /// The codes a caller that is not this app's administrator gets, before any command runs.
    fn refusal(self) -> Option<&'static [u32]> {
        match self {
            Caller::PosingUser => Some(&[60010]),
            Caller::Expired => Some(&[70001]),
            Caller::Forged | Caller::ForeignKey => Some(&[70009]),
            Caller::Flipped => Some(&[70003, 70009]),
            Caller::ForeignApp => Some(&[70014]),
            Caller::OtherAppAdmin => None,
        }
    }
}

/// One REST command, with a body that names this app's group, message and users.
struct RestRow {
    service: &'static str,
    command: &'static str,
    body: fn(&Context) -> Value,
    /// What the other app's administrator gets on its own app, where none of them exists; the
    /// codes of the other callers are the envelope's ([`Caller::refusal`]).
    other_app: u32,
}

/// The rows, in the order of `docs/rest-api.md`. The other app's administrator runs them in
/// this order on its own app: it imports `alice` and `bob` there, sends between them, creates a
/// group under this app's group ID (IDs are each app's own), and destroys it, so that the rows
/// after `destroy_group` name a group its app does not have.
fn rest_rows() -> Vec<RestRow> {
    vec![
        RestRow {
            service: "im_open_login_svc",
            command: "account_import",
            body: |_| json!({"UserID": "alice"}),
            other_app: 0,
        },
        RestRow {
            service: "im_open_login_svc",
            command: "multiaccount_import",
            body: |_| json!({"Accounts": ["alice", "bob"]}),
            other_app: 0,
        },
        RestRow {
            service: "im_open_login_svc",
            command: "account_check",
            body: |_| json!({"CheckItem": [{"UserID": "alice"}]}),
            other_app: 0,
        },
        RestRow {
            service: "im_open_login_svc",
            command: "account_delete",
            body: |_| json!({"DeleteItem": [{"UserID": "carol"}]}),
            other_app: 0,
        },
        RestRow { service: "im_open_login_svc", command: "kick", body: |_| json!({"UserID": "bob"}), other_app: 0 },
        RestRow {
            service: "openim",
            command: "sendmsg",
            body: |_| json!({"From_Account": "alice", "To_Account": "bob", "MsgRandom": 99, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]}),
            other_app: 0,
        },
        RestRow {
            service: "openim",
            command: "batchsendmsg",
            body: |_| json!({"From_Account": "alice", "To_Account": ["bob"], "MsgRandom": 100, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]}),
            other_app: 0,
        },
        RestRow {
            service: "openim",
            command: "importmsg",
            body: |_| json!({"SyncFromOldSystem": 2, "From_Account": "alice", "To_Account": "bob", "MsgSeq": 1, "MsgRandom": 5, "MsgTimeStamp": 1_600_000_000, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "old"}}]}),
            other_app: 0,
        },
        RestRow {
            service: "openim",
            command: "admin_getroammsg",
            body: |_| json!({"Operator_Account": "alice", "Peer_Account": "bob", "MaxCnt": 100, "MinTime": 0, "MaxTime": 4_000_000_000u64}),
            other_app: 0,
        },
        RestRow {
            service: "openim",
            command: "admin_set_msg_read",
            body: |_| json!({"Report_Account": "bob", "Peer_Account": "alice"}),
            other_app: 0,
        },
        RestRow {
            service: "openim",
            command: "get_c2c_unread_msg_num",
            body: |_| json!({"To_Account": "bob", "Peer_Account": ["alice"]}),
            other_app: 0,
        },
        RestRow {
            service: "openim",
            command: "c2c_msg_read_receipt",
            body: |_| json!({"Operator_Account": "bob", "Peer_Account": "alice", "C2CMsgInfo": [{"From_Account": "alice", "To_Account": "bob", "MsgKey": "1_8_1"}]}),
            other_app: ErrorCode::OPENIM_INVALID_JSON.0,
        },
        RestRow {
            service: "openim",
            command: "admin_msgwithdraw",
            body: |_| json!({"From_Account": "alice", "To_Account": "bob", "MsgKey": "9_1_1"}),
            other_app: ErrorCode::C2C_INVALID_REQUEST.0,
        },
        RestRow {
            service: "openim",
            command: "modify_c2c_msg",
            body: |_| json!({"From_Account": "alice", "To_Account": "bob", "MsgKey": "9_1_1", "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "changed"}}]}),
            other_app: ErrorCode::C2C_INVALID_REQUEST.0,
        },
        RestRow {
            service: "openim",
            command: "query_online_status",
            body: |_| json!({"To_Account": ["alice", "bob"]}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "create_group",
            body: |_| json!({"Owner_Account": "alice", "Type": "Public", "GroupId": GROUP, "Name": "Mine"}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "get_group_info",
            body: |_| json!({"GroupIdList": [GROUP]}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "get_group_member_info",
            body: |_| json!({"GroupId": GROUP}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "modify_group_base_info",
            body: |_| json!({"GroupId": GROUP, "Name": "Taken"}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "modify_group_member_info",
            body: |_| json!({"GroupId": GROUP, "Member_Account": "bob", "NameCard": "Taken"}),
            // The other app's group has its owner only.
            other_app: ErrorCode::GROUP_PERMISSION_DENIED.0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "forbid_send_msg",
            body: |_| json!({"GroupId": GROUP, "Members_Account": ["bob"], "ShutUpTime": 60}),
            other_app: ErrorCode::GROUP_PERMISSION_DENIED.0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "get_group_shutted_uin",
            body: |_| json!({"GroupId": GROUP}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "get_role_in_group",
            body: |_| json!({"GroupId": GROUP, "User_Account": ["bob"]}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "change_group_owner",
            body: |_| json!({"GroupId": GROUP, "NewOwner_Account": "bob"}),
            other_app: ErrorCode::GROUP_PERMISSION_DENIED.0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "get_online_member_num",
            body: |_| json!({"GroupId": GROUP}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "send_group_system_notification",
            body: |_| json!({"GroupId": GROUP, "Content": "notice"}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "set_group_attr",
            body: |_| json!({"GroupId": GROUP, "GroupAttr": [{"key": "seat", "value": "x"}]}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "modify_group_attr",
            body: |_| json!({"GroupId": GROUP, "GroupAttr": [{"key": "mic", "value": "on"}]}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "delete_group_attr",
            body: |_| json!({"GroupId": GROUP, "GroupAttr": [{"key": "seat"}]}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "clear_group_attr",
            body: |_| json!({"GroupId": GROUP}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_attr_http_svc",
            command: "get_group_attr",
            body: |_| json!({"GroupId": GROUP}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "update_group_counter",
            body: |_| json!({"GroupId": GROUP, "GroupCounter": [{"Key": "likes", "Value": 1}], "Mode": "Increase"}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "get_group_counter",
            body: |_| json!({"GroupId": GROUP}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "delete_group_counter",
            body: |_| json!({"GroupId": GROUP, "GroupCounterKeys": ["likes"]}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "import_group",
            body: |_| json!({"Owner_Account": "alice", "Type": "Public", "GroupId": "authz-imported", "Name": "I", "CreateTime": 1_500_000_000}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "import_group_member",
            body: |_| json!({"GroupId": "authz-imported", "MemberList": [{"Member_Account": "bob", "JoinTime": 1_500_000_100}]}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "import_group_msg",
            body: |_| json!({"GroupId": "authz-imported", "MsgList": [{"From_Account": "alice", "SendTime": 1_500_000_050, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "old"}}]}]}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "ban_group_member",
            body: |_| json!({"GroupId": GROUP, "Members_Account": ["frank"], "Duration": 60, "Description": ""}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "get_group_ban_member",
            body: |_| json!({"GroupId": GROUP, "Offset": 0, "Limit": 10}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "unban_group_member",
            body: |_| json!({"GroupId": GROUP, "Members_Account": ["frank"]}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "add_group_member",
            body: |_| json!({"GroupId": GROUP, "MemberList": [{"Member_Account": "carol"}]}),
            other_app: ErrorCode::GROUP_ACCOUNT_NOT_FOUND.0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "delete_group_member",
            body: |_| json!({"GroupId": GROUP, "MemberToDel_Account": ["frank"]}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "destroy_group",
            body: |_| json!({"GroupId": GROUP}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "get_joined_group_list",
            body: |_| json!({"Member_Account": "bob"}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "get_appid_group_list",
            body: |_| json!({"Limit": 100}),
            other_app: 0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "send_group_msg",
            body: |_| json!({"GroupId": GROUP, "Random": 5, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]}),
            other_app: ErrorCode::GROUP_NOT_FOUND.0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "group_msg_get_simple",
            body: |_| json!({"GroupId": GROUP, "ReqMsgNumber": 20}),
            other_app: ErrorCode::GROUP_NOT_FOUND.0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "group_msg_receipt",
            body: |ctx| json!({"GroupId": GROUP, "From_Account": "bob", "MsgSeqList": [{"MsgSeq": ctx.receipt_seq}]}),
            other_app: ErrorCode::GROUP_NOT_FOUND.0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "get_group_msg_receipt",
            body: |ctx| json!({"GroupId": GROUP, "MsgSeqList": [{"MsgSeq": ctx.receipt_seq}]}),
            other_app: ErrorCode::GROUP_NOT_FOUND.0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "get_group_msg_receipt_detail",
            body: |ctx| json!({"GroupId": GROUP, "MsgSeq": ctx.receipt_seq, "Filter": 0, "Cursor": "", "Count": 100}),
            other_app: ErrorCode::GROUP_NOT_FOUND.0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "group_msg_recall",
            body: |ctx| json!({"GroupId": GROUP, "MsgSeqList": [{"MsgSeq": ctx.receipt_seq}]}),
            other_app: ErrorCode::GROUP_NOT_FOUND.0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "delete_group_msg_by_sender",
            body: |_| json!({"GroupId": GROUP, "Sender_Account": "bob"}),
            other_app: ErrorCode::GROUP_NOT_FOUND.0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "set_unread_msg_num",
            body: |_| json!({"GroupId": GROUP, "Member_Account": "bob", "UnreadMsgNum": 1}),
            other_app: ErrorCode::GROUP_NOT_FOUND.0,
        },
        RestRow {
            service: "group_open_http_svc",
            command: "modify_group_msg",
            body: |ctx| json!({"GroupId": GROUP, "MsgSeq": ctx.receipt_seq, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "changed"}}]}),
            other_app: ErrorCode::GROUP_NOT_FOUND.0,
        },
        RestRow {
            service: "openim_msg_ext_http_svc",
            command: "set_key_values",
            body: |_| json!({"From_Account": "alice", "To_Account": "bob", "MsgKey": "9_1_1", "OperateType": 1, "ExtensionList": [{"Key": "k", "Value": "v", "Seq": 0}]}),
            other_app: ErrorCode::REST_INVALID_PARAMETERS.0,
        },
        RestRow {
            service: "openim_msg_ext_http_svc",
            command: "get_key_values",
            body: |_| json!({"From_Account": "alice", "To_Account": "bob", "MsgKey": "9_1_1"}),
            other_app: ErrorCode::REST_INVALID_PARAMETERS.0,
        },
        RestRow {
            service: "openim_msg_ext_http_svc",
            command: "group_set_key_values",
            body: |ctx| json!({"GroupId": GROUP, "MsgSeq": ctx.receipt_seq, "OperateType": 3}),
            other_app: ErrorCode::GROUP_NOT_FOUND.0,
        },
        RestRow {
            service: "openim_msg_ext_http_svc",
            command: "group_get_key_values",
            body: |ctx| json!({"GroupId": GROUP, "MsgSeq": ctx.receipt_seq}),
            other_app: ErrorCode::GROUP_NOT_FOUND.0,
        },
        RestRow {
            service: "recentcontact",
            command: "get_list",
            body: |_| json!({"From_Account": "bob", "TimeStamp": 0, "StartIndex": 0, "TopTimeStamp": 0, "TopStartIndex": 0, "AssistFlags": 7}),
            other_app: 0,
        },
        RestRow {
            service: "recentcontact",
            command: "delete",
            body: |_| json!({"From_Account": "bob", "Type": 1, "To_Account": "alice", "ClearRamble": 0}),
            other_app: 0,
        },
        RestRow {
            service: "recentcontact",
            command: "mark_contact",
            body: |_| json!({"From_Account": "bob", "MarkItem": [{"OptType": 3, "ContactItem": {"Type": 1, "To_Account": "alice"}, "SetMark": [0], "CustomMark": "vip"}]}),
            other_app: 0,
        },
        RestRow {
            service: "recentcontact",
            command: "create_contact_group",
            body: |_| json!({"From_Account": "bob", "GroupContactItem": [{"GroupName": "Fav", "ContactItem": [{"Type": 1, "To_Account": "alice"}]}]}),
            other_app: 0,
        },
        RestRow {
            service: "recentcontact",
            command: "update_contact_group",
            body: |_| json!({"From_Account": "bob", "UpdateType": 1, "UpdateGroup": {"UpdateGroupType": 1, "OldGroupName": "Fav", "NewGroupName": "Top", "ContactUpdateItem": [{"ContactOptType": 2, "ContactItem": {"Type": 1, "To_Account": "alice"}}]}}),
            other_app: 0,
        },
        RestRow {
            service: "recentcontact",
            command: "search_contact_group",
            body: |_| json!({"From_Account": "bob", "ContactItem": [{"Type": 1, "To_Account": "alice"}]}),
            other_app: 0,
        },
        RestRow {
            service: "recentcontact",
            command: "get_contact_group",
            body: |_| json!({"From_Account": "bob", "StartIndex": 0}),
            other_app: 0,
        },
        RestRow {
            service: "recentcontact",
            command: "del_contact_group",
            body: |_| json!({"From_Account": "bob", "GroupName": ["Top"]}),
            other_app: 0,
        },
        RestRow {
            service: "profile",
            command: "portrait_get",
            body: |_| json!({"To_Account": ["alice"], "TagList": ["Tag_Profile_IM_Nick"]}),
            other_app: 0,
        },
        RestRow {
            service: "profile",
            command: "portrait_set",
            body: |_| json!({"From_Account": "alice", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "Alice"}]}),
            other_app: 0,
        },
        RestRow { service: "tincan", command: "get_app", body: |_| json!({}), other_app: 0 },
        RestRow {
            service: "tincan",
            command: "set_app_config",
            body: |_| json!({"plan": "Standard", "callback_url": "http://127.0.0.1:9/hook"}),
            other_app: 0,
        },
        RestRow { service: "tincan", command: "rotate_key", body: |_| json!({}), other_app: 0 },
        RestRow {
            service: "tincan",
            command: "list_apps",
            body: |_| json!({}),
            other_app: ErrorCode::ADMIN_REQUIRED.0,
        },
        RestRow {
            service: "tincan",
            command: "create_app",
            body: |_| json!({"Plan": "Ultimate"}),
            other_app: ErrorCode::ADMIN_REQUIRED.0,
        },
        RestRow {
            service: "tincan",
            command: "transfer_root",
            body: |ctx| json!({"SdkAppId": ctx.other_sdkappid}),
            other_app: ErrorCode::ADMIN_REQUIRED.0,
        },
        RestRow {
            service: "tincan",
            command: "set_receipt_privacy",
            body: |_| json!({"UserID": "bob", "Private": true}),
            other_app: 0,
        },
        RestRow {
            service: "tincan",
            command: "usersig",
            body: |_| json!({"UserID": "bob", "Expire": 60}),
            other_app: 0,
        },
        RestRow {
            service: "tincan",
            command: "get_receipt_storage",
            body: |ctx| json!({"GroupId": GROUP, "MsgSeq": ctx.receipt_seq}),
            other_app: ErrorCode::GROUP_RECEIPT_NOT_FOUND.0,
        },
        RestRow {
            service: "tincan",
            command: "list_accounts",
            body: |_| json!({"Prefix": "", "Limit": 100}),
            other_app: 0,
        },
        RestRow { service: "tincan", command: "get_stats", body: |_| json!({}), other_app: 0 },
        // The other app's administrator acts on the other app's own `alice` and `bob`, whom the
        // account rows above imported there: this app's lists are untouched.
        RestRow {
            service: "sns",
            command: "friend_add",
            body: |_| json!({"From_Account": "alice", "AddFriendItem": [{"To_Account": "bob", "AddSource": "AddSource_Type_x"}], "ForceAddFlags": 1}),
            other_app: 0,
        },
        RestRow {
            service: "sns",
            command: "friend_import",
            body: |_| json!({"From_Account": "alice", "AddFriendItem": [{"To_Account": "bob", "AddSource": "AddSource_Type_x"}]}),
            other_app: 0,
        },
        RestRow {
            service: "sns",
            command: "friend_update",
            body: |_| json!({"From_Account": "alice", "UpdateItem": [{"To_Account": "bob", "SnsItem": [{"Tag": "Tag_SNS_IM_Remark", "Value": "B"}]}]}),
            other_app: 0,
        },
        RestRow {
            service: "sns",
            command: "friend_delete",
            body: |_| json!({"From_Account": "alice", "To_Account": ["bob"]}),
            other_app: 0,
        },
        RestRow {
            service: "sns",
            command: "friend_delete_all",
            body: |_| json!({"From_Account": "alice"}),
            other_app: 0,
        },
        RestRow {
            service: "sns",
            command: "friend_check",
            body: |_| json!({"From_Account": "alice", "To_Account": ["bob"], "CheckType": "CheckResult_Type_Both"}),
            other_app: 0,
        },
        RestRow {
            service: "sns",
            command: "friend_get",
            body: |_| json!({"From_Account": "alice", "StartIndex": 0}),
            other_app: 0,
        },
        RestRow {
            service: "sns",
            command: "friend_get_list",
            body: |_| json!({"From_Account": "alice", "To_Account": ["bob"], "TagList": ["Tag_SNS_IM_Remark"]}),
            other_app: 0,
        },
        RestRow {
            service: "sns",
            command: "black_list_add",
            body: |_| json!({"From_Account": "alice", "To_Account": ["bob"]}),
            other_app: 0,
        },
        RestRow {
            service: "sns",
            command: "black_list_delete",
            body: |_| json!({"From_Account": "alice", "To_Account": ["bob"]}),
            other_app: 0,
        },
        RestRow {
            service: "sns",
            command: "black_list_get",
            body: |_| json!({"From_Account": "alice", "StartIndex": 0, "MaxLimited": 10}),
            other_app: 0,
        },
        RestRow {
            service: "sns",
            command: "black_list_check",
            body: |_| json!({"From_Account": "alice", "To_Account": ["bob"], "CheckType": "BlackCheckResult_Type_Both"}),
            other_app: 0,
        },
        RestRow {
            service: "sns",
            command: "group_add",
            body: |_| json!({"From_Account": "alice", "GroupName": ["team"]}),
            other_app: 0,
        },
        RestRow {
            service: "sns",
            command: "group_delete",
            body: |_| json!({"From_Account": "alice", "GroupName": ["team"]}),
            other_app: 0,
        },
        RestRow { service: "sns", command: "group_get", body: |_| json!({"From_Account": "alice"}), other_app: 0 },
        RestRow {
            service: "follow",
            command: "follow_add",
            body: |_| json!({"From_Account": "alice", "FollowItem": [{"To_Account": "bob"}]}),
            other_app: 0,
        },
        RestRow {
            service: "follow",
            command: "follow_delete",
            body: |_| json!({"From_Account": "alice", "To_Account": ["bob"]}),
            other_app: 0,
        },
        RestRow {
            service: "follow",
            command: "follow_check",
            body: |_| json!({"From_Account": "alice", "To_Account": ["bob"]}),
            other_app: 0,
        },
        RestRow {
            service: "follow",
            command: "follow_get",
            body: |_| json!({"From_Account": "alice", "FollowType": 1, "StartCursor": "", "WantNum": 10}),
            other_app: 0,
        },
        RestRow {
            service: "follow",
            command: "follow_get_info",
            body: |_| json!({"From_Account": "alice", "To_Account": ["alice", "bob"]}),
            other_app: 0,
        },
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rest_command_refuses_all_but_the_apps_administrator_and_leaves_nothing_behind() {
    // Goal: each REST command, called by a user posing as the administrator, with the
    // administrator's identifier and an expired, forged, altered or foreign UserSig, or by the
    // other app's administrator naming this app's group and users, gets TIM's documented code
    // and changes nothing in this app.
    let app = spawn_app().await;
    let ctx = scene(&app).await;
    let mut rows = rest_rows();
    let covered: BTreeSet<(String, String)> =
        rows.iter().map(|row| (row.service.to_owned(), row.command.to_owned())).collect();
    let documented: BTreeSet<(String, String)> = documented_rest_commands().into_iter().collect();
    assert_eq!(
        covered, documented,
        "the matrix's rows and docs/rest-api.md's commands differ: give every command a row"
    );
    // The other app's key changes with its rotation, so that row goes last.
    rows.sort_by_key(|row| row.command == "rotate_key");
    let mut failures = Vec::new();
    for caller in CALLERS {
        let client = caller.client(&app, &ctx);
        for row in &rows {
            let before = snapshot(&app, &ctx).await;
            let answer = client
                .call_raw(row.service, row.command, &(row.body)(&ctx).to_string())
                .await
                .unwrap_or_else(|err| panic!("{}/{} as {caller:?}: {err:?}", row.service, row.command));
            let code = answer["ErrorCode"].as_u64().unwrap_or(u64::MAX);
            let allowed: Vec<u32> = caller.refusal().map_or_else(|| vec![row.other_app], <[u32]>::to_vec);
            if !allowed.iter().any(|expected| u64::from(*expected) == code) {
                failures.push(format!(
                    "{}/{} as {caller:?}: code {code}, expected {allowed:?}: {answer}",
                    row.service, row.command
                ));
            }
            if let Some(change) = changes(&before, &snapshot(&app, &ctx).await) {
                failures.push(format!("{}/{} as {caller:?} changed the app: {change}", row.service, row.command));
            }
        }
    }
    assert!(failures.is_empty(), "{} cells differ:\n{}", failures.len(), failures.join("\n"));
    app.stop().await;
}

/// A REST command that acts for a user it names, tried for each actor of the app.
struct ActingRow {
    command: &'static str,
    body: fn(&Context, &str) -> Value,
    expect: fn(Actor) -> u32,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_commands_acting_for_a_user_hold_it_to_the_users_rights() {
    // Goal: the administrator's REST commands that act for a user (send as it, send its receipts)
    // give that user no more than its own rights: a non-member or former member cannot send to
    // the group or acknowledge its messages, and no one acknowledges a C2C message sent to
    // someone else; each refusal changes nothing.
    let app = spawn_app().await;
    let ctx = scene(&app).await;
    let rows = [
        ActingRow {
            command: "group_open_http_svc/send_group_msg",
            body: |_, user| {
                json!({"GroupId": GROUP, "From_Account": user, "Random": 11,
                                   "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "as me"}}]})
            },
            // The administrator may send as itself, member or not.
            expect: |actor| match actor {
                Actor::Member | Actor::Administrator => 0,
                _ => ErrorCode::GROUP_PERMISSION_DENIED.0,
            },
        },
        ActingRow {
            command: "group_open_http_svc/group_msg_receipt",
            body: |ctx, user| json!({"GroupId": GROUP, "From_Account": user, "MsgSeqList": [{"MsgSeq": ctx.receipt_seq}]}),
            expect: |actor| if actor == Actor::Member { 0 } else { ErrorCode::GROUP_PERMISSION_DENIED.0 },
        },
        ActingRow {
            command: "openim/c2c_msg_read_receipt",
            body: |ctx, user| {
                json!({"Operator_Account": user, "Peer_Account": "alice",
                                     "C2CMsgInfo": [{"From_Account": "alice", "To_Account": "bob", "MsgKey": ctx.c2c_key}]})
            },
            // Each item must go from the peer to the operator (TIM's 20001 otherwise).
            expect: |actor| if actor == Actor::Member { 0 } else { ErrorCode::C2C_INVALID_REQUEST.0 },
        },
    ];
    let mut failures = Vec::new();
    for actor in ACTORS.into_iter().filter(|actor| *actor != Actor::OtherApp) {
        for row in &rows {
            let expected = (row.expect)(actor);
            let before = snapshot(&app, &ctx).await;
            let (service, command) = row.command.split_once('/').expect("service/command");
            let answer =
                app.admin().call_raw(service, command, &(row.body)(&ctx, actor.user()).to_string()).await.unwrap();
            let mut problems = Vec::new();
            if answer["ErrorCode"].as_u64() != Some(u64::from(expected)) {
                problems.push(format!("expected {expected}: {answer}"));
            }
            if expected != 0
                && let Some(change) = changes(&before, &snapshot(&app, &ctx).await)
            {
                problems.push(format!("changed the app: {change}"));
            }
            failures.extend(problems.into_iter().map(|problem| format!("{} for {actor:?}: {problem}", row.command)));
        }
    }
    assert!(failures.is_empty(), "{} cells differ:\n{}", failures.len(), failures.join("\n"));
    app.stop().await;
}
