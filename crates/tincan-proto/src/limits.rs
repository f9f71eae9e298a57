//! Every size limit of the protocol and of the REST API, in one place.
//!
//! TIM's numbers are used where TIM has one; a limit of the REST API that differs from the client
//! protocol's for the same thing ends in `_REST`.
//! Relations between limits are checked at compile time at the bottom of this file.

/// Longest user identifier, in bytes (TIM 7003).
pub const IDENTIFIER_BYTES_MAX: usize = 32;
/// Longest group identifier, in bytes (TIM: 48).
pub const GROUP_ID_BYTES_MAX: usize = 48;
/// Longest group name, in bytes (TIM: 30 bytes for most types; tincan allows 100).
pub const GROUP_NAME_BYTES_MAX: usize = 100;
/// Longest group introduction or notification, in bytes (TIM: 240 / 300).
pub const GROUP_TEXT_BYTES_MAX: usize = 400;
/// Largest message body (elements plus custom data), in bytes (TIM: 12 KB).
pub const MESSAGE_BODY_BYTES_MAX: usize = 12 * 1024;
/// Most elements in one message.
pub const MESSAGE_ELEMS_MAX: usize = 32;
/// Largest WebSocket frame a client may send, in bytes; larger frames are answered with an error
/// and the connection goes on.
pub const FRAME_BYTES_MAX: usize = 64 * 1024;
/// Largest WebSocket message the transport accepts at all; beyond it the connection is closed.
pub const TRANSPORT_MESSAGE_BYTES_MAX: usize = 1024 * 1024;
/// Most messages in one receipt call (send or get).
pub const RECEIPT_MESSAGES_MAX: usize = 100;
/// Largest page of a read or unread member list (TIM SDK: 100).
pub const READ_MEMBERS_PAGE_MAX: u32 = 100;
/// Largest page of a read or unread member list through the REST API (TIM REST: 200).
pub const READ_MEMBERS_PAGE_MAX_REST: u32 = 200;
/// Largest page of a history query.
pub const HISTORY_PAGE_MAX: u32 = 100;
/// Default page of a history query when `count` is 0 or absent.
pub const HISTORY_PAGE_DEFAULT: u32 = 20;
/// Most explicit seqs in one `message_seq_array` history query.
pub const HISTORY_SEQS_MAX: usize = 100;
/// Largest page of a group member list.
pub const GROUP_MEMBERS_PAGE_MAX: u32 = 100;
/// Most accounts in one invite, add or remove call.
pub const GROUP_MEMBERS_PER_CALL_MAX: usize = 500;
/// Most groups in one group-info call.
pub const GROUP_INFO_PER_CALL_MAX: usize = 50;
/// Custom fields (`AppDefinedData`) a group may hold.
pub const GROUP_CUSTOM_FIELDS_MAX: usize = 10;
/// Custom fields (`AppMemberDefinedData`) a group member may hold.
pub const MEMBER_CUSTOM_FIELDS_MAX: usize = 5;
/// Bytes of a custom field's key (letters, digits and `_`, not starting with a digit).
pub const CUSTOM_FIELD_KEY_BYTES_MAX: usize = 16;
/// Bytes of a group custom field's value.
pub const GROUP_CUSTOM_VALUE_BYTES_MAX: usize = 4_000;
/// Bytes of a member custom field's value.
pub const MEMBER_CUSTOM_VALUE_BYTES_MAX: usize = 64;
/// Bytes of a member's name card in its group.
pub const NAME_CARD_BYTES_MAX: usize = 50;
/// Keywords of one group or member search (TIM: 5).
pub const SEARCH_KEYWORDS_MAX: usize = 5;
/// Members one member search answers per group.
pub const SEARCH_MEMBERS_PER_GROUP_MAX: usize = 100;
/// Pending join requests a group may hold.
pub const GROUP_JOIN_REQUESTS_MAX: usize = 1_000;
/// Largest page of join requests (`TIMGroupGetPendencyList`).
pub const GROUP_PENDENCY_PAGE_MAX: usize = 100;
/// Attributes a group may hold (TIM: 16).
pub const GROUP_ATTRIBUTES_MAX: usize = 16;
/// Bytes of a group attribute's key (TIM: 32).
pub const GROUP_ATTRIBUTE_KEY_BYTES_MAX: usize = 32;
/// Bytes of a group attribute's value (TIM: 4 KB).
pub const GROUP_ATTRIBUTE_VALUE_BYTES_MAX: usize = 4 * 1024;
/// Bytes of all of a group's attributes, keys and values together (TIM: 16 KB).
pub const GROUP_ATTRIBUTES_BYTES_MAX: usize = 16 * 1024;
/// Counters a group may hold (TIM: 20).
pub const GROUP_COUNTERS_MAX: usize = 20;
/// Bytes of a group counter's key (TIM: 128).
pub const GROUP_COUNTER_KEY_BYTES_MAX: usize = 128;
/// How long a member may be muted at once, in seconds (TIM's cap: a little over 136 years).
pub const MUTE_SECONDS_MAX: u64 = 4_294_967_295;
/// Most events replayed in one resume page; the rest follows in further pages.
pub const RESUME_PAGE_EVENTS_MAX: usize = 500;
/// Most accounts in one REST account call: `multiaccount_import`, `account_delete`,
/// `account_check` (TIM: 100).
pub const ACCOUNTS_PER_CALL_MAX_REST: usize = 100;
/// Most receivers of one REST `batchsendmsg` (TIM: 500).
pub const BATCH_SEND_TARGETS_MAX_REST: usize = 500;
/// Most accounts in one REST `query_online_status` (TIM: 500).
pub const ONLINE_QUERY_ACCOUNTS_MAX_REST: usize = 500;
/// Largest page of an app's group IDs, REST `get_appid_group_list` (TIM: 10,000).
pub const APP_GROUPS_PAGE_MAX_REST: usize = 10_000;
/// Largest page of a group member list through the REST API, `get_group_member_info` (TIM: 6,000).
pub const GROUP_MEMBERS_PAGE_MAX_REST: usize = 6_000;
/// Most messages of one REST `group_msg_get_simple` (TIM: 20).
pub const GROUP_HISTORY_PAGE_MAX_REST: u32 = 20;
/// Most messages in one REST group receipt call, `group_msg_receipt` and `get_group_msg_receipt`
/// (TIM: 50).
pub const RECEIPT_MESSAGES_MAX_REST: usize = 50;
/// Accounts in a page of tincan's `list_accounts` when the caller asks for no number.
pub const ACCOUNTS_PAGE_DEFAULT_REST: usize = 100;
/// Largest page of tincan's `list_accounts`.
pub const ACCOUNTS_PAGE_MAX_REST: usize = 1_000;
/// Bytes of a REST request body, at most (a larger one is answered with the service's code for
/// invalid parameters, or 93000 in `openim`).
pub const REST_BODY_BYTES_MAX: usize = 2 * 1024 * 1024;
/// Bytes of a too-large REST body the server still reads (and discards) before it answers, so
/// that the client is not reset while it sends; past it the connection is closed after the
/// answer.
pub const REST_BODY_DRAIN_BYTES_MAX: usize = 32 * 1024 * 1024;
/// Most conversations in one conversation-management call (delete, mark, custom data, groups).
pub const CONV_IDS_PER_CALL_MAX: usize = 100;
/// Largest draft, as JSON, in bytes.
pub const CONV_DRAFT_BYTES_MAX: usize = 12 * 1024;
/// Longest conversation custom data, in bytes (TIM: 256).
pub const CONV_CUSTOM_DATA_BYTES_MAX: usize = 256;
/// Longest conversation group name, in bytes (TIM: 32, 51011).
pub const CONV_GROUP_NAME_BYTES_MAX: usize = 32;
/// Most conversation groups of one user (TIM: 20, 51010).
pub const CONV_GROUPS_MAX: usize = 20;
/// Most conversations one user may have in conversation groups, or marked, or with custom data
/// (TIM: 1,000, 51008).
pub const CONV_SETTINGS_MAX: usize = 1_000;
/// Largest page of a filtered conversation list, and its default.
pub const CONV_LIST_PAGE_MAX: u32 = 100;

// Profiles and user status.
/// Bytes of a profile's nickname, avatar URL, signature or app-defined value, at most (TIM: 500).
pub const PROFILE_TEXT_BYTES_MAX: usize = 500;
/// Bytes of a profile's location, at most (TIM: 16).
pub const PROFILE_LOCATION_BYTES_MAX: usize = 16;
/// Bytes of an app-defined profile field's name after `Tag_Profile_Custom_` (TIM: 8).
pub const PROFILE_CUSTOM_NAME_BYTES_MAX: usize = 8;
/// App-defined fields one profile holds, at most (TIM: 20 per app).
pub const PROFILE_CUSTOM_FIELDS_MAX: usize = 20;
/// Users in one profile or status query, at most (TIM: 100 per `portrait_get`).
pub const PROFILE_USERS_PER_CALL_MAX: usize = 100;
/// Users one user may subscribe to, for profiles and for status each; subscribing to more drops
/// the oldest subscriptions (TIM: 200).
pub const SUBSCRIPTIONS_MAX: usize = 200;
/// Bytes of a custom status text, at most (TIM: 100).
pub const CUSTOM_STATUS_BYTES_MAX: usize = 100;

// The relationship chain.
/// Friends one user has, at most (TIM: 3,000 by default).
pub const FRIENDS_MAX: usize = 3_000;
/// Users one user blocks, at most (TIM: 1,000).
pub const BLOCKLIST_MAX: usize = 1_000;
/// Friend groups one user has, at most.
pub const FRIEND_GROUPS_MAX: usize = 30;
/// Bytes of a friend group's name, at most (TIM: 30).
pub const FRIEND_GROUP_NAME_BYTES_MAX: usize = 30;
/// Bytes of a friend's remark, at most (TIM: 96).
pub const FRIEND_REMARK_BYTES_MAX: usize = 96;
/// Bytes of a friend request's wording, at most (TIM: 256).
pub const FRIEND_ADD_WORDING_BYTES_MAX: usize = 256;
/// Bytes of a friend request's source after `AddSource_Type_`, at most (TIM: 8).
pub const FRIEND_ADD_SOURCE_NAME_BYTES_MAX: usize = 8;
/// Bytes of a custom friend field's name after `Tag_SNS_Custom_`, at most (TIM: 8).
pub const FRIEND_CUSTOM_NAME_BYTES_MAX: usize = 8;
/// Bytes of a custom friend field's value, at most.
pub const FRIEND_CUSTOM_VALUE_BYTES_MAX: usize = 500;
/// Custom friend fields one friend holds, at most (TIM: 20 per app).
pub const FRIEND_CUSTOM_FIELDS_MAX: usize = 20;
/// Users named in one relationship call, at most (TIM: 1,000 per `friend_add`).
pub const FRIEND_USERS_PER_CALL_MAX: usize = 1_000;
/// Users named in one follow, unfollow or count call, at most (TIM: 20).
pub const FOLLOW_USERS_PER_CALL_MAX: usize = 20;
/// Users named in one follow check, at most (TIM: 100).
pub const FOLLOW_CHECK_USERS_MAX: usize = 100;
/// Users one user follows, at most (TIM: 5,000; followers are not limited).
pub const FOLLOWING_MAX: usize = 5_000;
/// Users in a page of a follow list when the client names no count (TIM's Web SDK: 500).
pub const FOLLOW_LIST_COUNT_DEFAULT: usize = 500;
/// Users in a page of REST `follow_get` when `WantNum` is left out (TIM: 100).
pub const FOLLOW_LIST_COUNT_DEFAULT_REST: usize = 100;
/// Users in a page of a follow list, at most (TIM: 1,000).
pub const FOLLOW_LIST_COUNT_MAX: usize = 1_000;
/// Keywords of one friend search, at most (TIM: 5).
pub const FRIEND_SEARCH_KEYWORDS_MAX: usize = 5;
/// Largest page of friend requests, and its default.
pub const FRIEND_PENDENCY_PAGE_MAX: usize = 100;
/// Largest image upload, in bytes (TIM: 28 MB, 7005).
pub const MEDIA_IMAGE_BYTES_MAX: usize = 28 * 1024 * 1024;
/// Largest sound upload, in bytes (TIM: 28 MB, 7005).
pub const MEDIA_SOUND_BYTES_MAX: usize = 28 * 1024 * 1024;
/// Largest file upload, in bytes (TIM: 100 MB, 7005).
pub const MEDIA_FILE_BYTES_MAX: usize = 100 * 1024 * 1024;
/// Largest video upload, in bytes (TIM: 100 MB, 7005).
pub const MEDIA_VIDEO_BYTES_MAX: usize = 100 * 1024 * 1024;
/// The longest side of an image's large size, in pixels (TIM: 720).
pub const MEDIA_IMAGE_LARGE_PX: u32 = 720;
/// The longest side of an image's thumbnail, in pixels (TIM: 198).
pub const MEDIA_IMAGE_THUMB_PX: u32 = 198;
/// How long a download URL in a message works, in seconds (7 days, TIM's free roaming time).
pub const MEDIA_URL_LIFETIME_SECONDS: u64 = 7 * 24 * 3600;

const _: () = assert!(MESSAGE_BODY_BYTES_MAX < FRAME_BYTES_MAX);
const _: () = assert!(CONV_DRAFT_BYTES_MAX < FRAME_BYTES_MAX);
const _: () = assert!(FRAME_BYTES_MAX < TRANSPORT_MESSAGE_BYTES_MAX);
const _: () = assert!(GROUP_NAME_BYTES_MAX < MESSAGE_BODY_BYTES_MAX);
const _: () = assert!(READ_MEMBERS_PAGE_MAX <= READ_MEMBERS_PAGE_MAX_REST);
const _: () = assert!(RECEIPT_MESSAGES_MAX_REST <= RECEIPT_MESSAGES_MAX);
const _: () = assert!(GROUP_HISTORY_PAGE_MAX_REST < HISTORY_PAGE_MAX);
const _: () = assert!(ACCOUNTS_PAGE_DEFAULT_REST <= ACCOUNTS_PAGE_MAX_REST);
const _: () = assert!(GROUP_ATTRIBUTE_VALUE_BYTES_MAX < GROUP_ATTRIBUTES_BYTES_MAX);
const _: () = assert!(GROUP_ATTRIBUTES_BYTES_MAX < FRAME_BYTES_MAX);

/// Bytes of a revoke's reason (`message_revoke_reason`), at most.
pub const REVOKE_REASON_BYTES_MAX: usize = 256;
const _: () = assert!(REVOKE_REASON_BYTES_MAX < MESSAGE_BODY_BYTES_MAX);

/// Bytes of a message extension's key, at most (TIM's limit), and at least 1.
pub const MSG_EXTENSION_KEY_BYTES_MAX: usize = 100;
/// Bytes of a message extension's value, at most (TIM's limit: 1 KB).
pub const MSG_EXTENSION_VALUE_BYTES_MAX: usize = 1024;
/// Extensions set or deleted in one call, at most (TIM's limit).
pub const MSG_EXTENSIONS_PER_CALL_MAX: usize = 20;
/// Extensions one message holds, at most (TIM's limit).
pub const MSG_EXTENSIONS_PER_MESSAGE_MAX: usize = 300;
const _: () = assert!(MSG_EXTENSIONS_PER_CALL_MAX <= MSG_EXTENSIONS_PER_MESSAGE_MAX);

/// Users per `msg_set_c2c_recv_opt` or `msg_get_c2c_recv_opt`, at most (TIM's limit).
pub const RECV_OPT_USERS_MAX: usize = 30;
/// The largest `TIMReceiveMessageOpt` (`kTIMRecvMsgOpt_Not_Notify_Except_At`).
pub const RECV_OPT_MAX: u32 = 3;
