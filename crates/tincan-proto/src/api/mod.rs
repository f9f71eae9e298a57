//! The operations of the client protocol, declared once.
//!
//! Each operation is one line of [`with_operations!`](crate::with_operations): its name on the
//! wire, its module (holding its `Request` and `Response`, with TIM's parameter keys where TIM
//! has them), whether a resend is safe, and a one-line summary. From that line come the
//! [`Operation`] impl of its request, its [`OpKind`], and every surface's routing: the
//! server's dispatch and the engine's typed call are generated from the same list (a missing
//! handler fails to compile), the Rust SDK resends by [`Operation::IDEMPOTENT`], and the Node
//! addon routes TIM's methods by an exhaustive match on [`OpKind`].
//!
//! To add an operation: a module here with its `Request` and `Response`, a line in
//! `with_operations!`, its handler in the engine, its section in `docs/protocol.md` (a test
//! checks), and its method on the surfaces that expose it.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// An operation: its name on the wire, its kind, whether a resend is safe, and the type of its
/// answer.
pub trait Operation: Serialize + DeserializeOwned + Send + 'static {
    /// The `op` of the request frame.
    const OP: &'static str;
    /// Which operation this is.
    const KIND: OpKind;
    /// Whether the same request may be sent again after a lost answer without doing its work
    /// twice (reads, and writes the server recognises as repeated).
    const IDEMPOTENT: bool;
    /// What a successful call returns in `data`.
    type Response: Serialize + DeserializeOwned + Send + 'static;
}

/// A response with no data.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Empty {}

/// Calls `$callback!` with the declaration of every operation, one per line:
/// `Variant module "op_name" [ResponseType] idempotent "summary";` (the response type as written
/// inside `tincan_proto::api`).
///
/// The list is the single source of the protocol's operations; the engine generates its
/// dispatch from it.
#[macro_export]
macro_rules! with_operations {
    ($callback:ident) => {
        $callback! {
            Login login "login" [login::Response] false "Logs a connection in (TIM `TIMLogin`); the first frame of a connection.";
            Logout logout "logout" [Empty] false "Logs out and closes the connection (TIM `TIMLogout`).";
            Ping ping "ping" [ping::Response] true "A heartbeat; answers the server's time.";
            SendMessage send_message "msg_send" [send_message::Response] true "Sends a message (TIM `TIMMsgSendMessage`).";
            GetMessageList get_message_list "msg_get_list" [get_message_list::Response] true "A page of a conversation's history (TIM `TIMMsgGetMsgList`).";
            SendReceipts send_receipts "msg_send_receipts" [Empty] true "Sends read receipts (TIM `TIMMsgSendMessageReadReceipts`).";
            GetReceipts get_receipts "msg_get_receipts" [get_receipts::Response] true "The receipt state of one's messages (TIM `TIMMsgGetMessageReadReceipts`).";
            GetReadMembers get_read_members "msg_get_read_members" [get_read_members::Response] true "Who has and has not read a group message (TIM `TIMMsgGetGroupMessageReadMemberList`).";
            ReportRead report_read "msg_report_read" [Empty] true "Marks a conversation read (TIM `TIMMsgReportReaded`).";
            GetConversationList get_conversation_list "conv_get_list" [get_conversation_list::Response] true "The conversation list (TIM `TIMConvGetConvList`).";
            GetTotalUnread get_total_unread "conv_get_total_unread" [get_total_unread::Response] true "The total unread count (TIM `TIMConvGetTotalUnreadMessageCount`).";
            CleanUnread clean_unread "conv_clean_unread" [clean_unread::Response] true "Clears unread counts (TIM `TIMConvCleanConversationUnreadMessageCount`).";
            CreateGroup create_group "group_create" [create_group::Response] false "Creates a group (TIM `TIMGroupCreate`).";
            DeleteGroup delete_group "group_delete" [Empty] false "Dismisses a group (TIM `TIMGroupDelete`).";
            InviteGroupMembers invite_group_members "group_invite_member" [invite_group_members::Response] false "Adds members (TIM `TIMGroupInviteMember`).";
            DeleteGroupMembers delete_group_members "group_delete_member" [delete_group_members::Response] false "Removes members (TIM `TIMGroupDeleteMember`).";
            QuitGroup quit_group "group_quit" [Empty] false "Leaves a group (TIM `TIMGroupQuit`).";
            JoinGroup join_group "group_join" [Empty] false "Joins a group (TIM `TIMGroupJoin`).";
            GetGroupInfo get_group_info "group_get_info" [get_group_info::Response] true "Groups' profiles (TIM `TIMGroupGetGroupInfoList`).";
            GetGroupMembers get_group_members "group_get_members" [get_group_members::Response] true "A page of a group's members (TIM `TIMGroupGetMemberInfoList`).";
            GetJoinedGroups get_joined_groups "group_get_joined" [get_joined_groups::Response] true "The groups one is in (TIM `TIMGroupGetJoinedGroupList`).";
            SetReceiptPrivacy set_receipt_privacy "user_set_receipt_privacy" [Empty] true "Keeps one's reads private, or public again.";
            DeleteConversations delete_conversations "conv_delete" [delete_conversations::Response] false "Deletes conversations from one's list (TIM `TIMConvDelete`, `TIMConvDeleteConversationList`).";
            GetConversations get_conversations "conv_get_info" [get_conversations::Response] true "Conversations by ID (TIM `TIMConvGetConvInfo`).";
            CreateConversation create_conversation "conv_create" [create_conversation::Response] true "Puts a conversation in one's list (TIM `TIMConvCreate`).";
            ClearHistory clear_history "msg_clear_history" [Empty] false "Clears one's history of a conversation (TIM `TIMMsgClearHistoryMessage`).";
            SetDraft set_draft "conv_set_draft" [Empty] true "Sets a conversation's draft (TIM `TIMConvSetDraft`).";
            CancelDraft cancel_draft "conv_cancel_draft" [Empty] true "Removes a conversation's draft (TIM `TIMConvCancelDraft`).";
            PinConversation pin_conversation "conv_pin" [Empty] true "Pins or unpins a conversation (TIM `TIMConvPinConversation`).";
            MarkConversations mark_conversations "conv_mark" [mark_conversations::Response] true "Sets or clears a mark on conversations (TIM `TIMConvMarkConversation`).";
            SetConvCustomData set_conv_custom_data "conv_set_custom_data" [set_conv_custom_data::Response] true "Sets conversations' custom data (TIM `TIMConvSetConversationCustomData`).";
            GetConversationListByFilter get_conversation_list_by_filter "conv_get_list_by_filter" [get_conversation_list_by_filter::Response] true "A page of the conversations a filter takes (TIM `TIMConvGetConversationListByFilter`).";
            GetUnreadByFilter get_unread_by_filter "conv_get_unread_by_filter" [get_unread_by_filter::Response] true "The unread count of the conversations a filter takes (TIM `TIMConvGetUnreadMessageCountByFilter`).";
            CreateConvGroup create_conv_group "conv_group_create" [create_conv_group::Response] false "Creates a conversation group (TIM `TIMConvCreateConversationGroup`).";
            GetConvGroups get_conv_groups "conv_group_get_list" [get_conv_groups::Response] true "One's conversation groups (TIM `TIMConvGetConversationGroupList`).";
            DeleteConvGroup delete_conv_group "conv_group_delete" [Empty] false "Deletes a conversation group (TIM `TIMConvDeleteConversationGroup`).";
            RenameConvGroup rename_conv_group "conv_group_rename" [Empty] false "Renames a conversation group (TIM `TIMConvRenameConversationGroup`).";
            AddToConvGroup add_to_conv_group "conv_group_add" [add_to_conv_group::Response] true "Adds conversations to a conversation group (TIM `TIMConvAddConversationsToGroup`).";
            RemoveFromConvGroup remove_from_conv_group "conv_group_remove" [remove_from_conv_group::Response] true "Takes conversations out of a conversation group (TIM `TIMConvDeleteConversationsFromGroup`).";
            GetProfiles profile_get "profile_get" [profile_get::Response] true "Users' profiles (TIM `TIMProfileGetUserProfileList`).";
            ModifySelfProfile profile_modify_self "profile_modify_self" [Empty] true "Changes one's own profile (TIM `TIMProfileModifySelfUserProfile`).";
            SubscribeProfiles profile_subscribe "profile_subscribe" [Empty] true "Subscribes to users' profile changes (TIM `TIMSubscribeUserInfo`).";
            UnsubscribeProfiles profile_unsubscribe "profile_unsubscribe" [Empty] true "Ends subscriptions to profile changes (TIM `TIMUnsubscribeUserInfo`).";
            GetUserStatus status_get "status_get" [status_get::Response] true "Users' status (TIM `TIMGetUserStatus`).";
            SetSelfStatus status_set_self "status_set_self" [Empty] true "Sets one's custom status (TIM `TIMSetSelfStatus`).";
            SubscribeStatus status_subscribe "status_subscribe" [Empty] true "Subscribes to users' status changes (TIM `TIMSubscribeUserStatus`).";
            UnsubscribeStatus status_unsubscribe "status_unsubscribe" [Empty] true "Ends subscriptions to status changes (TIM `TIMUnsubscribeUserStatus`).";
            RevokeMessage revoke_message "msg_revoke" [Empty] true "Revokes a message (TIM `TIMMsgRevoke`).";
            ModifyMessage modify_message "msg_modify" [modify_message::Response] true "Changes a sent message (TIM `TIMMsgModifyMessage`).";
            DeleteMessages delete_messages "msg_delete" [Empty] true "Deletes messages for oneself (TIM `TIMMsgDelete`, `TIMMsgListDelete`).";
            FindMessages find_messages "msg_find" [find_messages::Response] true "Messages by ID or by locator (TIM `TIMMsgFindMessages`, `TIMMsgFindByMsgLocatorList`).";
            ModifyGroupInfo modify_group_info "group_modify_info" [Empty] false "Changes a group's profile or owner (TIM `TIMGroupModifyGroupInfo`).";
            ModifyGroupMemberInfo modify_group_member_info "group_modify_member_info" [Empty] false "Changes a member's role, mute, name card or custom fields (TIM `TIMGroupModifyMemberInfo`).";
            GetGroupPendencyList get_group_pendency_list "group_get_pendency_list" [get_group_pendency_list::Response] true "Requests to join the groups one administers (TIM `TIMGroupGetPendencyList`).";
            HandleGroupPendency handle_group_pendency "group_handle_pendency" [Empty] false "Accepts or refuses a request to join (TIM `TIMGroupHandlePendency`).";
            ReportGroupPendencyRead report_group_pendency_read "group_report_pendency_read" [Empty] true "Marks join requests read (TIM `TIMGroupReportPendencyReaded`).";
            SearchGroups search_groups "group_search_groups" [search_groups::Response] true "Finds groups by ID or name (TIM `TIMGroupSearchGroups`).";
            SearchGroupMembers search_group_members "group_search_members" [search_group_members::Response] true "Finds members of one's groups (TIM `TIMGroupSearchGroupMembers`).";
            GetOnlineMemberCount get_online_member_count "group_get_online_member_count" [get_online_member_count::Response] true "How many members are online (TIM `TIMGroupGetOnlineMemberCount`).";
            AddFriend friend_add "friend_add" [friend_add::Response] false "Adds a friend or sends a friend request (TIM `TIMFriendshipAddFriend`).";
            DeleteFriend friend_delete "friend_delete" [friend_delete::Response] false "Deletes friends (TIM `TIMFriendshipDeleteFriend`).";
            GetFriendList friend_get_list "friend_get_list" [friend_get_list::Response] true "One's friends (TIM `TIMFriendshipGetFriendProfileList`).";
            GetFriendsInfo friend_get_info "friend_get_info" [friend_get_info::Response] true "Relationships and friend entries by user (TIM `TIMFriendshipGetFriendsInfo`).";
            ModifyFriend friend_modify "friend_modify" [Empty] true "Changes a friend's remark, groups or custom fields (TIM `TIMFriendshipModifyFriendProfile`).";
            CheckFriends friend_check "friend_check" [friend_check::Response] true "Checks relationships (TIM `TIMFriendshipCheckFriendType`).";
            GetFriendPendencyList friend_get_pendency_list "friend_get_pendency_list" [friend_get_pendency_list::Response] true "A page of friend requests (TIM `TIMFriendshipGetPendencyList`).";
            HandleFriendRequest friend_handle_request "friend_handle_request" [friend_handle_request::Response] false "Accepts or refuses a friend request (TIM `TIMFriendshipHandleFriendAddRequest`).";
            DeleteFriendPendency friend_delete_pendency "friend_delete_pendency" [friend_delete_pendency::Response] false "Deletes friend requests (TIM `TIMFriendshipDeletePendency`).";
            ReportFriendPendencyRead friend_report_pendency_read "friend_report_pendency_read" [Empty] true "Marks friend requests read (TIM `TIMFriendshipReportPendencyReaded`).";
            AddToBlocklist blocklist_add "blocklist_add" [blocklist_add::Response] false "Blocks users (TIM `TIMFriendshipAddToBlackList`).";
            DeleteFromBlocklist blocklist_delete "blocklist_delete" [blocklist_delete::Response] false "Unblocks users (TIM `TIMFriendshipDeleteFromBlackList`).";
            GetBlocklist blocklist_get "blocklist_get" [blocklist_get::Response] true "The users one blocks (TIM `TIMFriendshipGetBlackList`).";
            CreateFriendGroup friend_group_create "friend_group_create" [friend_group_create::Response] false "Creates friend groups (TIM `TIMFriendshipCreateFriendGroup`).";
            DeleteFriendGroup friend_group_delete "friend_group_delete" [Empty] false "Deletes friend groups (TIM `TIMFriendshipDeleteFriendGroup`).";
            ModifyFriendGroup friend_group_modify "friend_group_modify" [friend_group_modify::Response] false "Renames a friend group or changes its friends (TIM `TIMFriendshipModifyFriendGroup`).";
            GetFriendGroups friend_group_get "friend_group_get" [friend_group_get::Response] true "One's friend groups (TIM `TIMFriendshipGetFriendGroupList`).";
            SearchFriends friend_search "friend_search" [friend_search::Response] true "Finds friends by ID, nickname or remark (TIM `TIMFriendshipSearchFriends`).";
            InitGroupAttributes init_group_attributes "group_init_attributes" [Empty] true "Replaces a group's custom attributes (TIM `TIMGroupInitGroupAttributes`).";
            SetGroupAttributes set_group_attributes "group_set_attributes" [Empty] true "Sets custom attributes of a group (TIM `TIMGroupSetGroupAttributes`).";
            DeleteGroupAttributes delete_group_attributes "group_delete_attributes" [Empty] true "Deletes custom attributes of a group (TIM `TIMGroupDeleteGroupAttributes`).";
            GetGroupAttributes get_group_attributes "group_get_attributes" [get_group_attributes::Response] true "A group's custom attributes (TIM `TIMGroupGetGroupAttributes`).";
            SetGroupCounters set_group_counters "group_set_counters" [set_group_counters::Response] true "Sets counters of a group (TIM `TIMGroupSetGroupCounters`).";
            GetGroupCounters get_group_counters "group_get_counters" [get_group_counters::Response] true "A group's counters (TIM `TIMGroupGetGroupCounters`).";
            IncreaseGroupCounter increase_group_counter "group_increase_counter" [increase_group_counter::Response] false "Adds to a group counter (TIM `TIMGroupIncreaseGroupCounter`).";
            DecreaseGroupCounter decrease_group_counter "group_decrease_counter" [decrease_group_counter::Response] false "Takes from a group counter (TIM `TIMGroupDecreaseGroupCounter`).";
            SetMessageExtensions set_message_extensions "msg_set_extensions" [set_message_extensions::Response] true "Sets a message's extensions, key by key with a version check (TIM `TIMMsgSetMessageExtensions`).";
            GetMessageExtensions get_message_extensions "msg_get_extensions" [get_message_extensions::Response] true "A message's extensions (TIM `TIMMsgGetMessageExtensions`).";
            DeleteMessageExtensions delete_message_extensions "msg_delete_extensions" [delete_message_extensions::Response] true "Deletes a message's extensions, key by key with a version check (TIM `TIMMsgDeleteMessageExtensions`).";
            SetC2cRecvOpt set_c2c_recv_opt "msg_set_c2c_recv_opt" [Empty] true "Sets the receive option of C2C conversations (TIM `TIMMsgSetC2CReceiveMessageOpt`).";
            GetC2cRecvOpt get_c2c_recv_opt "msg_get_c2c_recv_opt" [get_c2c_recv_opt::Response] true "The receive option of C2C conversations (TIM `TIMMsgGetC2CReceiveMessageOpt`).";
            SetGroupRecvOpt set_group_recv_opt "msg_set_group_recv_opt" [Empty] true "Sets the receive option of a group (TIM `TIMMsgSetGroupReceiveMessageOpt`).";
            FollowUsers follow_add "follow_add" [follow_add::Response] true "Follows users (TIM `followUser`).";
            UnfollowUsers follow_delete "follow_delete" [follow_delete::Response] true "Stops following users (TIM `unfollowUser`).";
            GetFollowList follow_get_list "follow_get_list" [follow_get_list::Response] true "A page of one's followers, followings or mutual followers (TIM `getMyFollowersList`, `getMyFollowingList`, `getMutualFollowersList`).";
            GetFollowInfo follow_get_info "follow_get_info" [follow_get_info::Response] true "Users' follower, following and mutual counts (TIM `getUserFollowInfo`).";
            CheckFollowType follow_check "follow_check" [follow_check::Response] true "One's follow relationship with users (TIM `checkFollowType`).";
            SetAllRecvOpt set_all_recv_opt "msg_set_all_recv_opt" [Empty] true "Sets the app-wide receive option and its quiet period (TIM `TIMMsgSetAllReceiveMessageOpt`).";
            GetAllRecvOpt get_all_recv_opt "msg_get_all_recv_opt" [get_all_recv_opt::Response] true "The app-wide receive option (TIM `TIMMsgGetAllReceiveMessageOpt`).";
        }
    };
}

macro_rules! declare_operations {
    ($( $variant:ident $module:ident $name:literal [$($response:tt)+] $idempotent:literal $summary:literal; )*) => {
        $(pub mod $module;)*

        /// Every operation of the client protocol.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum OpKind {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        impl OpKind {
            /// Every operation, in the order declared.
            pub const ALL: &'static [OpKind] = &[$(OpKind::$variant),*];

            /// The `op` of its request frames.
            pub const fn name(self) -> &'static str {
                match self {
                    $(OpKind::$variant => $name,)*
                }
            }

            /// The operation named `name` on the wire.
            pub fn from_name(name: &str) -> Option<OpKind> {
                match name {
                    $($name => Some(OpKind::$variant),)*
                    _ => None,
                }
            }

            /// Whether a resend is safe.
            pub const fn is_idempotent(self) -> bool {
                match self {
                    $(OpKind::$variant => $idempotent,)*
                }
            }

            /// Its one-line summary.
            pub const fn summary(self) -> &'static str {
                match self {
                    $(OpKind::$variant => $summary,)*
                }
            }
        }

        $(
            impl Operation for $module::Request {
                const OP: &'static str = $name;
                const KIND: OpKind = OpKind::$variant;
                const IDEMPOTENT: bool = $idempotent;
                type Response = $($response)+;
            }
        )*

        /// Every op name, in the order declared.
        pub const ALL_OPS: &[&str] = &[$($name),*];
    };
}

with_operations!(declare_operations);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_kinds_agree() {
        for kind in OpKind::ALL {
            assert_eq!(OpKind::from_name(kind.name()), Some(*kind));
            assert!(!kind.summary().is_empty());
        }
        assert_eq!(OpKind::ALL.len(), ALL_OPS.len());
        assert_eq!(<send_message::Request as Operation>::KIND, OpKind::SendMessage);
        const { assert!(<send_message::Request as Operation>::IDEMPOTENT) };
        const { assert!(!<create_group::Request as Operation>::IDEMPOTENT) };
        assert_eq!(OpKind::from_name("nope"), None);
    }

    /// Parses `data` as `R`'s parameters, as the server does.
    fn parse<R: Operation>(data: serde_json::Value) -> Result<R, crate::ApiError> {
        crate::frame::parse_data(Some(&serde_json::value::to_raw_value(&data).unwrap()))
    }

    /// `data` parsed as `R`'s parameters and written again, with the message object (which
    /// writes out its defaults) left empty.
    fn rewritten<R: Operation>(data: &serde_json::Value) -> serde_json::Value {
        let mut written = serde_json::to_value(parse::<R>(data.clone()).unwrap()).unwrap();
        for key in ["message", "params"] {
            if written.get(key).is_some_and(serde_json::Value::is_object) {
                written[key] = serde_json::json!({});
            }
        }
        written
    }

    #[test]
    fn requests_with_identifiers_keep_their_wire_shape() {
        // Each request reads its identifiers when it is parsed and writes back the JSON it read.
        type Rewrite = fn(&serde_json::Value) -> serde_json::Value;
        let cases: [(serde_json::Value, Rewrite); 7] = [
            (serde_json::json!({"conv_id": "bob", "conv_type": 1, "message": {}}), rewritten::<send_message::Request>),
            (
                serde_json::json!({"conv_id": "team", "conv_type": 2, "params": {}}),
                rewritten::<get_message_list::Request>,
            ),
            (serde_json::json!({"conv_id": "", "conv_type": 2, "message": null}), rewritten::<report_read::Request>),
            (
                serde_json::json!({"conversation_id": "c2c_bob", "clean_timestamp": 0, "clean_sequence": 0}),
                rewritten::<clean_unread::Request>,
            ),
            (serde_json::json!({"group_id": "team"}), rewritten::<delete_group::Request>),
            (serde_json::json!({"group_ids": ["team", "not a group"]}), rewritten::<get_group_info::Request>),
            (
                serde_json::json!({
                    "group_invite_member_param_group_id": "team",
                    "group_invite_member_param_identifier_array": ["bob"],
                    "group_invite_member_param_user_data": ""
                }),
                rewritten::<invite_group_members::Request>,
            ),
        ];
        for (data, rewrite) in cases {
            assert_eq!(rewrite(&data), data);
        }
    }

    #[test]
    fn a_conversation_that_does_not_parse_fails_with_its_codes() {
        use crate::ErrorCode;
        let code = |data: serde_json::Value| parse::<send_message::Request>(data).unwrap_err();
        let err = code(serde_json::json!({"conv_id": "tab\t", "conv_type": 1, "message": {}}));
        assert_eq!(err.code, ErrorCode::INVALID_IDENTIFIER);
        assert_eq!(err.desc, crate::UserId::parse("tab\t").unwrap_err().desc);
        let err = code(serde_json::json!({"conv_id": "a b", "conv_type": 2, "message": {}}));
        assert_eq!(err.code, ErrorCode::GROUP_INVALID_ID);
        let err = code(serde_json::json!({"conv_id": "bob", "conv_type": 7, "message": {}}));
        assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS);
        assert!(err.desc.contains("conv_type 7"), "{}", err.desc);
        // A key of the wrong type is named as before.
        let err = code(serde_json::json!({"conv_id": "bob", "conv_type": "1", "message": {}}));
        assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS);
        assert!(err.desc.starts_with("invalid parameter `conv_type`: invalid type: string"), "{}", err.desc);
        let err = parse::<report_read::Request>(serde_json::json!({"conv_id": "", "conv_type": 0})).unwrap_err();
        assert_eq!(err.code, ErrorCode::INVALID_PARAMETERS);
        let err = parse::<clean_unread::Request>(serde_json::json!({"conversation_id": "group_"})).unwrap_err();
        assert_eq!(err.code, ErrorCode::GROUP_INVALID_ID);
        assert!(err.desc.starts_with("invalid parameter `conversation_id`: group ID"), "{}", err.desc);
        // group_get_info answers a bad ID in its own result, so the call itself parses.
        let request = parse::<get_group_info::Request>(serde_json::json!({"group_ids": ["a b"]})).unwrap();
        assert_eq!(request.group_ids[0].valid().unwrap_err().code, ErrorCode::GROUP_INVALID_ID);
    }

    #[test]
    fn every_operation_is_documented_in_the_protocol() {
        let doc = include_str!("../../../../docs/protocol.md");
        for kind in OpKind::ALL {
            let heading = format!("\n### `{}`\n", kind.name());
            assert!(doc.contains(&heading), "docs/protocol.md has no section {heading:?}");
        }
    }
}
