// TIM's parameter and result types, under the names TIM's Electron SDK gives them in its
// `dist/interfaces`, with TIM's keys.
// tincan's additions are marked; everything else is TIM's.

import {
  TIMConvEvent,
  TIMConvType,
  TIMErrCode,
  TIMGroupMemberRole,
  TIMGroupType,
  TIMMsgPriority,
  TIMMsgStatus,
  TIMResult,
} from "./enumbers";

export * from "./enumbers";

/**
 * What every method's promise settles with: it resolves when `code` is 0 and rejects with the
 * same shape otherwise.
 * Which of `json_param` and `json_params` holds JSON text and which the parsed value depends on
 * the method, as in TIM's wrapper; the README's table says which.
 */
export interface commonResult<T> {
  code: TIMResult | TIMErrCode;
  desc?: string | undefined;
  json_param?: T | undefined;
  json_params?: T | undefined;
  user_data?: string | undefined;
}

/** TIM's older name for the result of a call. */
export type commonResponse = commonResult<string>;

// ---------------------------------------------------------------------------------------------
// SDK and login

/**
 * `TIMInit`'s parameter.
 * tincan: `sdkappid` and `server_address` say which app on which tincan server (TIM takes the
 * SDKAppID in its main process and needs no address); `request_timeout_ms` bounds every
 * request.
 */
export interface initParam {
  /** The app's SDKAppID. */
  sdkappid?: number;
  /**
   * tincan: the server, as `host:port` (meaning `ws://host:port/ws`) or a `ws://`/`wss://` URL.
   */
  server_address?: string;
  /** tincan: how long a request may wait for the server's answer before failing with 9520 (default 30000). */
  request_timeout_ms?: number;
  /** TIM's directory for local data; tincan keeps no local data, so it is accepted and not used. */
  config_path?: string;
}

export interface loginParam {
  userID: string;
  userSig: string;
  userData?: string;
}

export interface logoutParam {
  userData?: string;
}

// ---------------------------------------------------------------------------------------------
// Messages

/** One element of a message; `elem_type` is a `TIMElemType`, the other keys depend on it. */
export interface Elem {
  elem_type: number;
  [key: string]: unknown;
}

export interface TextElem {
  elem_type?: number;
  text_elem_content: string;
}

export interface CustomElem {
  elem_type?: number;
  custom_elem_data: string;
  custom_elem_desc?: string;
  custom_elem_ext?: string;
  custom_elem_sound?: string;
}

/** A message (`Message` in TIM's native JSON). */
export interface Json_value_msg {
  message_elem_array?: Array<Elem | TextElem | CustomElem | any>;
  message_conv_id?: string;
  message_conv_type?: TIMConvType | number;
  message_sender?: string;
  message_priority?: TIMMsgPriority | number;
  message_client_time?: number;
  message_server_time?: number;
  message_is_from_self?: boolean;
  message_platform?: number;
  message_is_read?: boolean;
  message_is_online_msg?: boolean;
  message_is_peer_read?: boolean;
  message_receipt_peer_read?: boolean;
  message_need_read_receipt?: boolean;
  message_has_sent_receipt?: boolean;
  message_group_receipt_read_count?: number;
  message_group_receipt_unread_count?: number;
  message_status?: TIMMsgStatus | number;
  message_unique_id?: number;
  message_msg_id?: string;
  message_rand?: number;
  message_seq?: number;
  message_custom_int?: number;
  message_custom_str?: string;
  message_cloud_custom_str?: string;
  message_is_excluded_from_unread_count?: boolean;
  message_version?: number;
  message_revoker_user_id?: string;
  message_revoke_reason?: string;
  message_group_at_user_array?: string[];
  message_is_forward_message?: boolean;
  message_sender_group_member_info?: GroupMemberInfo;
  [key: string]: unknown;
}

export interface MsgSendMessageParams {
  conv_id: string;
  conv_type: TIMConvType | number;
  params: Json_value_msg;
  user_data?: string;
  /** TIM's buffer for the message ID; tincan returns the ID in the result instead. */
  messageId?: string;
}

/** How to page through history (`MsgGetMsgListParam`); every key is optional. */
export interface Json_get_msg_param {
  /** The anchor message, excluded from the page; `""` or `null` means none. */
  msg_getmsglist_param_last_msg?: Json_value_msg | string | null;
  msg_getmsglist_param_count?: number;
  msg_getmsglist_param_is_ramble?: boolean;
  msg_getmsglist_param_is_forward?: boolean;
  msg_getmsglist_param_last_msg_seq?: number;
  msg_getmsglist_param_time_begin?: number;
  msg_getmsglist_param_time_period?: number;
  msg_getmsglist_param_message_seq_array?: number[];
  msg_getmsglist_param_message_type_array?: number[];
}

export interface MsgGetMsgListParams {
  conv_id: string;
  conv_type: TIMConvType | number;
  params: Json_get_msg_param;
  user_data?: string;
}

export interface MsgReportReadedParams {
  conv_id: string;
  conv_type: TIMConvType | number;
  /** Read up to this message; `""`, `null` or absent means the whole conversation. */
  json_msg_param?: Json_value_msg | string | null;
  user_data?: string;
}

// ---------------------------------------------------------------------------------------------
// Read receipts

/** `TIMMsgSendMessageReadReceipts`'s parameter: the messages as JSON text (`JSON.stringify([...])`). */
export interface MsgSendGroupMessageReceiptsParam {
  json_msg_array: string;
  user_data: string;
}

/** `TIMMsgGetMessageReadReceipts`'s parameter: the messages as JSON text. */
export interface MsgGetGroupMessageReceiptsParam {
  json_msg_array: string;
  user_data: string;
}

/** `TIMMsgGetGroupMessageReadMemberList`'s parameter. */
export interface MsgGetGroupMessageReadMembersParam {
  /** One group message as JSON text. */
  json_msg: string;
  /** 0 the members who have read it, 1 those who have not. */
  filter: number;
  /** "0" for the first page, then the `next_seq` of the previous page. */
  next_seq: string;
  /** Page size, 1 to 100. */
  count: number;
  user_data: string;
}

/** What `TIMMsgGetGroupMessageReadMemberList` resolves with in `json_param`. */
export interface MsgGetGroupMessageReadMemberListResult {
  next_seq: number;
  is_finished: boolean;
  json_param: GroupMemberInfo[];
}

export interface MessageReceipt {
  msg_receipt_conv_id: string;
  msg_receipt_conv_type: TIMConvType | number;
  msg_receipt_msg_id: string;
  msg_receipt_time_stamp: number;
  msg_receipt_is_peer_read: boolean;
  msg_receipt_read_count: number;
  msg_receipt_unread_count: number;
  /** tincan: the message's seq. */
  msg_receipt_seq?: number;
}

// ---------------------------------------------------------------------------------------------
// Callbacks

/** `json_msg_array` is the JSON text of an array of messages. */
export interface TIMRecvNewMsgCallbackFunc {
  (json_msg_array: string, user_data: string): void;
}

export interface TIMRecvNewMsgCallbackParams {
  callback: TIMRecvNewMsgCallbackFunc;
  user_data?: string;
}

/** `json_msg_readed_receipt_array` is the JSON text of an array of `MessageReceipt`. */
export interface TIMMsgReadedReceiptCallbackFunc {
  (json_msg_readed_receipt_array: string, user_data: string): void;
}

export interface TIMMsgReadedReceiptCallbackParams {
  callback: TIMMsgReadedReceiptCallbackFunc;
  user_data?: string;
}

/** `json_conv_array` is the JSON text of an array of `convInfo`. */
export interface convEventCallback {
  (conv_event: TIMConvEvent | number, json_conv_array: string, user_data: string): void;
}

export interface setConvEventCallback {
  callback: convEventCallback;
  user_data?: string;
}

export interface convTotalUnreadMessageCountChangedCallback {
  (total_unread_count: number, user_data: string): void;
}

export interface convTotalUnreadMessageCountChangedCallbackParam {
  callback: convTotalUnreadMessageCountChangedCallback;
  user_data?: string;
}

export interface TIMSetKickedOfflineCallback {
  (user_data: string): void;
}

export interface TIMSetKickedOfflineCallbackParam {
  callback: TIMSetKickedOfflineCallback;
  userData?: string;
}

export interface TIMSetUserSigExpiredCallback {
  (user_data: string): void;
}

export interface TIMSetUserSigExpiredCallbackParam {
  callback: TIMSetUserSigExpiredCallback;
  userData?: string;
}

// ---------------------------------------------------------------------------------------------
// Conversations

export interface getConvList {
  userData?: string;
}

export interface convInfo {
  conv_id: string;
  conv_type: TIMConvType | number;
  conv_owner: string;
  conv_unread_num: number;
  conv_active_time: number;
  conv_is_has_lastmsg: boolean;
  conv_last_msg?: Json_value_msg | null;
  conv_is_has_draft: boolean;
  conv_recv_opt: number;
  conv_is_pinned: boolean;
  conv_show_name: string;
  conv_group_type?: TIMGroupType | number | null;
  conv_c2c_read_timestamp?: number;
  conv_group_read_sequence?: number;
  /** tincan: the conversation's newest seq. */
  conv_max_seq?: number;
  /** tincan: the user's read position. */
  conv_read_seq?: number;
  /** The user's draft, or null. */
  conv_draft?: draftParams | null;
  /** The TIMConversationMarkType values set. */
  conv_mark_array?: number[];
  conv_custom_data?: string;
  /** The user's conversation groups it is in. */
  conv_conversation_group_array?: string[];
}

export interface convGetTotalUnreadMessageCount {
  user_data?: string;
}

export interface totalUnreadCountResult {
  conv_get_total_unread_message_count_result_unread_count: number;
}

/** `TIMConvCleanConversationUnreadMessageCount`'s parameter. */
export interface CleanUnreadMessageCountParam {
  /** `c2c_<userID>`, `group_<groupID>`, `c2c`, `group`, or `""`/`null` for every conversation. */
  conversation_id: string | null;
  clean_timestamp: number;
  clean_sequence: number;
  user_data?: string;
}

/** The same type under the spelling of TIM's Chinese documentation. */
export type CleanUnreadMessageCoutParam = CleanUnreadMessageCountParam;

export interface TIMConversationOperationResult {
  conversation_operation_result_conversation_id: string;
  conversation_operation_result_result_code: number;
  conversation_operation_result_result_info: string;
}

// ---------------------------------------------------------------------------------------------
// Groups

export interface GroupMemberInfoCustemString {
  group_member_info_custom_string_info_key: string;
  group_member_info_custom_string_info_value: string;
}

export interface GroupMemberInfo {
  group_member_info_identifier: string;
  group_member_info_group_id?: string;
  group_member_info_join_time?: number;
  group_member_info_member_role?: TIMGroupMemberRole | number;
  group_member_info_msg_flag?: number;
  group_member_info_msg_seq?: number;
  group_member_info_shutup_time?: number;
  group_member_info_name_card?: string;
  group_member_info_nick_name?: string;
  group_member_info_face_url?: string;
  group_member_info_is_online?: boolean;
  group_member_info_custom_info?: GroupMemberInfoCustemString[];
}

export interface GroupParams {
  create_group_param_group_name: string;
  create_group_param_group_id?: string;
  create_group_param_group_type?: TIMGroupType | number;
  create_group_param_group_member_array?: GroupMemberInfo[];
  create_group_param_notification?: string;
  create_group_param_introduction?: string;
  create_group_param_face_url?: string;
  create_group_param_add_option?: number;
  create_group_param_approve_option?: number;
  create_group_param_max_member_num?: number;
}

export interface CreateGroupParams {
  params: GroupParams;
  data?: string;
}

export interface CreateGroupResult {
  create_group_result_groupid: string;
}

export interface InviteMemberParams {
  params: {
    group_invite_member_param_group_id: string;
    group_invite_member_param_identifier_array: string[];
    group_invite_member_param_user_data?: string;
  };
  data?: string;
}

/** `group_invite_member_result_result`: 0 failed, 1 added, 2 already a member. */
export interface GroupInviteMemberResult {
  group_invite_member_result_identifier: string;
  group_invite_member_result_result: number;
}

export interface DeleteMemberParams {
  params: {
    group_delete_member_param_group_id: string;
    group_delete_member_param_identifier_array: string[];
    group_delete_member_param_user_data?: string;
  };
  data?: string;
}

/** `group_delete_member_result_result`: 0 failed, 1 removed. */
export interface GroupDeleteMemberResult {
  group_delete_member_result_identifier: string;
  group_delete_member_result_result: number;
}

export interface QuitGroupParams {
  groupId: string;
  data?: string;
}

export interface GetGroupMemberInfoParams {
  params: {
    group_get_members_info_list_param_group_id: string;
    group_get_members_info_list_param_identifier_array?: string[];
    group_get_members_info_list_param_option?: {
      group_member_get_info_option_info_flag?: number;
      group_member_get_info_option_role_flag?: number;
      group_member_get_info_option_custom_array?: string[];
    };
    group_get_members_info_list_param_next_seq?: number;
  };
  data?: string;
}

export interface GroupGetMemberInfoListResult {
  group_get_member_info_list_result_next_seq: number;
  group_get_member_info_list_result_info_array: GroupMemberInfo[];
}

// ---------------------------------------------------------------------------------------------
// Conversation management, with TIM's names and keys.

/** `TIMConvCreate`'s parameter. */
export interface convCreate {
  convId: string;
  convType: TIMConvType | number;
  userData?: string;
}

/** `TIMConvDelete`'s parameter. */
export interface convDelete extends convCreate {}

export interface DeleteConvListParam {
  /** `c2c_<user>` or `group_<group>`. */
  conversation_id_array: string[];
  /** Also clear the user's history of them. */
  clearMessage: boolean;
  user_data?: string;
}

export interface convItem {
  get_conversation_list_param_conv_id: string;
  get_conversation_list_param_conv_type: TIMConvType | number;
}

export interface convGetConvInfo {
  json_get_conv_list_param: convItem[];
  user_data?: string;
}

export interface draftMessage {
  message_elem_array: Array<Elem | Record<string, unknown>>;
}

export interface draftParams {
  /** Set by the server when the draft is stored. */
  draft_edit_time?: number;
  draft_msg: draftMessage | Record<string, unknown>;
  draft_user_define?: string;
}

/** `TIMConvSetDraft`'s parameter (TIM spells it `convSetDrat`). */
export interface convSetDrat {
  convId: string;
  convType: TIMConvType | number;
  draftParam: draftParams;
}

export type convSetDraft = convSetDrat;

export interface convCancelDraft {
  convId: string;
  convType: TIMConvType | number;
}

export interface convPinConversation {
  convId: string;
  convType: TIMConvType | number;
  isPinned: boolean;
  user_data?: string;
}

export interface MarkConversationParam {
  conversation_id_array: string[];
  /** One TIMConversationMarkType, or an app's own mark (one bit from 1 << 32 up). */
  mark_type: number;
  enable_mark: boolean;
  user_data?: string;
}

export interface setConvCustomDataParam {
  conversation_id_array: string[];
  /** At most 256 bytes. */
  custom_data: string;
  user_data?: string;
}

export interface TIMConversationListFilter {
  params: {
    conversation_list_filter_conv_type?: TIMConvType | number;
    conversation_list_filter_next_seq?: number;
    conversation_list_filter_count?: number;
    conversation_list_filter_mark_type?: number;
    conversation_list_filter_conversation_group?: string;
  };
  user_data?: string;
}

export interface TIMConversationListResult {
  conversation_list_result_conv_list: convInfo[];
  conversation_list_result_next_seq: number;
  conversation_list_result_is_finished: boolean;
}

export interface createConversationGroupParam {
  group_name: string;
  conversation_id_array: string[];
  user_data?: string;
}

export interface getConvGroupList {
  user_data?: string;
}

export interface convGroupListResult {
  conv_group_array: string[];
}

export interface renameConvGroupParam {
  old_name: string;
  new_name: string;
  user_data?: string;
}

export interface deleteConvGroupParam {
  group_name: string;
  user_data?: string;
}

export interface MsgClearHistoryMessageParams {
  conv_id: string;
  conv_type: TIMConvType | number;
  user_data?: string;
}

export interface convTotalUnreadMessageCountChangedByFilterCallback {
  (filter: string, total_unread_count: number, user_data: string): void;
}

export interface convUnreadMessageCountChangedByFilterCallbackParam {
  callback: convTotalUnreadMessageCountChangedByFilterCallback;
  user_data?: string;
}

export interface TIMConvConversationGroupCreatedCallback {
  (group_name: string, conversation_array: string, user_data: string): void;
}

export interface convGroupCreatedCallbackParam {
  callback: TIMConvConversationGroupCreatedCallback;
  user_data?: string;
}

export interface TIMConvConversationGroupDeletedCallback {
  (group_name: string, user_data: string): void;
}

export interface convGroupDeletedCallbackParam {
  callback: TIMConvConversationGroupDeletedCallback;
  user_data?: string;
}

export interface TIMConvConversationGroupNameChangedCallback {
  (old_name: string, new_name: string, user_data: string): void;
}

export interface convGroupNameChangedCallback {
  callback: TIMConvConversationGroupNameChangedCallback;
  user_data?: string;
}

export interface TIMConvConversationsDeletedFromGroupCallback {
  (group_name: string, conversation_array: string, reason: number, user_data: string): void;
}

export interface convGroupDeletedFromGroupCallbackParam {
  callback: TIMConvConversationsDeletedFromGroupCallback;
  user_data?: string;
}

// Profiles, status and the base methods

/** One app-defined profile field; the key has TIM's `Tag_Profile_Custom_` prefix. */
export interface userProfileCustom {
  user_profile_custom_string_info_key: string;
  user_profile_custom_string_info_value: string;
}

/** A user's profile (TIM's `UserProfile`). */
export interface userProfile {
  user_profile_identifier: string;
  user_profile_nick_name: string;
  /** `TIMGenderType`. */
  user_profile_gender: number;
  user_profile_face_url: string;
  user_profile_self_signature: string;
  /** `TIMProfileAddPermission`. */
  user_profile_add_permission: number;
  user_profile_location: string;
  user_profile_language: number;
  user_profile_birthday: number;
  user_profile_level: number;
  user_profile_role: number;
  user_profile_custom_string_array: userProfileCustom[];
}

export interface jsonGetUserProfileListParam {
  friendship_getprofilelist_param_identifier_array: string[];
  /** tincan always asks the server. */
  friendship_getprofilelist_param_force_update?: boolean;
}

export interface TIMProfileGetUserProfileListParam {
  json_get_user_profile_list_param: jsonGetUserProfileListParam;
  user_data?: string;
}

export interface UserProfileCustemStringInfo {
  /** With or without the `Tag_Profile_Custom_` prefix. */
  user_profile_custom_string_info_key: string;
  /** `""` removes the field. */
  user_profile_custom_string_info_value: string;
}

/** The fields to change; a field left out keeps its value. */
export interface UserProfileItem {
  user_profile_item_nick_name?: string;
  user_profile_item_gender?: number;
  user_profile_item_face_url?: string;
  user_profile_item_self_signature?: string;
  user_profile_item_add_permission?: number;
  /** At most 16 bytes of text, as TIM's native SDK takes it; a number (as TIM's typings declare it) is taken as its decimal text. */
  user_profile_item_location?: string | number;
  user_profile_item_language?: number;
  user_profile_item_birthday?: number;
  user_profile_item_level?: number;
  user_profile_item_role?: number;
  user_profile_item_custom_string_array?: UserProfileCustemStringInfo[];
}

export interface TIMProfileModifySelfUserProfileParam {
  json_modify_self_user_profile_param: UserProfileItem;
  user_data?: string;
}

export interface SubscribeUserInfoParam {
  json_user_id_list: string[];
  user_data?: string;
}

/** A user's status (TIM's `TIMUserStatus`). */
export interface userStatus {
  user_status_identifier: string;
  /** `TIMUserStatusType`: 1 online, 2 offline, 3 not logged in. */
  user_status_status_type: number;
  user_status_custom_status: string;
}

export interface userStatusParam {
  id_array: string[];
  user_data?: string;
}

export interface setSelfStatusParam {
  status: { user_status_custom_status: string };
  user_data?: string;
}

/** `json_user_profile` is the JSON text of the user's own `userProfile`. */
export interface TIMSelfInfoUpdatedCallback {
  (json_user_profile: string, user_data?: string): void;
}

export interface TIMSetSelfInfoUpdatedCallbackParam {
  callback: TIMSelfInfoUpdatedCallback;
  user_data?: string;
}

/** `json_user_info_array` is the JSON text of an array of `userProfile`. */
export interface TIMUserInfoChangedCallback {
  (json_user_info_array: string, user_data: string): void;
}

export interface UserInfoChangedCallbackParam {
  callback: TIMUserInfoChangedCallback;
  user_data?: string;
}

/** `json_user_status_array` is the JSON text of an array of `userStatus`. */
export interface TIMUserStatusChangedCallback {
  (json_user_status_array: string, user_data?: string): void;
}

export interface TIMSetUserStatusChangedCallbackParam {
  callback: TIMUserStatusChangedCallback;
  user_data?: string;
}

/** TIM's `TIMSetConfig` parameter; tincan accepts the settings and keeps no log files. */
export interface TIMSetConfigParam {
  json_config: Record<string, unknown>;
  callback?: unknown;
  user_data?: string;
}

export interface callExperimentalAPIJsonParam {
  request_internal_operation: string;
  request_set_ui_platform_param?: number;
  request_set_custom_server_info_param?: unknown;
}

export interface callExperimentalAPIParam {
  json_param: callExperimentalAPIJsonParam;
  user_data?: string;
}

export interface DeleteGroupParams {
  groupId: string;
  data?: string;
}

export interface JoinGroupParams {
  groupId: string;
  helloMsg?: string;
  data?: string;
}

export interface GetGroupListParams {
  groupIds: string[];
  data?: string;
}

// ---------------------------------------------------------------------------------------------
// The message lifecycle: send with the ID first, replies, revoke, modify.

/** The result `TIMMsgSendMessageV2` hands its callback: `json_param` and `json_params` are both the sent message's JSON text. */
export interface MsgSendMessageV2Result {
  code: number;
  desc: string;
  json_param: string;
  json_params: string;
  user_data: string;
}

export interface MsgSendMessageParamsV2 {
  conv_id: string;
  conv_type: TIMConvType | number;
  params: Json_value_msg;
  user_data?: string;
  /** TIM's buffer for the message ID; the promise resolves with the ID instead. */
  messageId?: string;
  /** Called once the message is sent, or failed to be. */
  callback: (result: MsgSendMessageV2Result, user_data: string) => void;
}

export interface MsgSendReplyMessage extends MsgSendMessageParamsV2 {
  /** The message replied to, as received. */
  replyMsg: Json_value_msg;
}

export interface MsgRevokeParams {
  conv_id: string;
  conv_type: TIMConvType | number;
  /** The message, as sent or received: its `message_seq` or `message_msg_id` names it. */
  json_msg_param: Json_value_msg;
  user_data?: string;
}

export interface MsgModifyMessageParams {
  /** The message as last read (its `message_version` says which version this changes), with its new elements and cloud custom data. */
  params: Json_value_msg;
  user_data?: string;
}

/** `json_msg_locator_array` is the JSON text of an array of message locators, each with the revoker and the reason. */
export interface TIMMsgRevokeCallbackFunc {
  (json_msg_locator_array: string, user_data: string): void;
}

export interface TIMMsgRevokeCallbackParams {
  callback: TIMMsgRevokeCallbackFunc;
  user_data?: string;
}

/** `json_msg_array` is the JSON text of an array with the modified message as it is now. */
export interface TIMMsgUpdateCallbackFunc {
  (json_msg_array: string, user_data: string): void;
}

export interface TIMMsgUpdateCallbackParams {
  callback: TIMMsgUpdateCallbackFunc;
  user_data?: string;
}

/** A message extension: TIM's key and value, and tincan's `message_extension_seq` (the key's version, which the SDK fills in when it is left out). */
export interface MessageExtension {
  message_extension_key: string;
  message_extension_value?: string;
  message_extension_seq?: number;
}

/** One key's result of a set or a delete: 0, 23001 (the key changed meanwhile; the item is the key as it is now) or 23004 (no such key). */
export interface MessageExtensionResult {
  message_extension_result_code: number;
  message_extension_result_info: string;
  message_extension_item: MessageExtension;
}

export interface TIMMsgSetMessageExtensionsParam {
  /** The message (as sent or received), or its JSON text; it must have been sent with `message_support_message_extension`. */
  json_msg: Json_value_msg | string;
  /** The extensions to set: 1 to 20. */
  json_extension_array: MessageExtension[];
  user_data?: string;
}

export interface TIMMsgGetMessageExtensionsParam {
  json_msg: Json_value_msg | string;
  user_data?: string;
}

export interface TIMMsgDeleteMessageExtensionsParam {
  json_msg: Json_value_msg | string;
  /** The keys to delete (objects or plain keys), at most 20; empty or absent deletes them all. */
  json_extension_key_array?: Array<MessageExtension | string>;
  user_data?: string;
}

/** `message_extension_array` is the JSON text of the keys set or changed (`MessageExtension` objects). */
export interface TIMSetMsgExtensionsChangedCallbackFun {
  (message_id: string, message_extension_array: string, user_data: string): void;
}

/** `message_extension_key_array` is the JSON text of the keys deleted (`{message_extension_key}` objects). */
export interface TIMSetMsgExtensionsDeletedCallbackFun {
  (message_id: string, message_extension_key_array: string, user_data: string): void;
}

export interface TIMSetMsgExtensionsChangedCallbackParam {
  callback: TIMSetMsgExtensionsChangedCallbackFun;
  user_data?: string;
}

export interface TIMSetMsgExtensionsDeletedCallbackParam {
  callback: TIMSetMsgExtensionsDeletedCallbackFun;
  user_data?: string;
}

/** `params` is the peers' user IDs (1 to 30); `opt` a `TIMReceiveMessageOpt` (0 to 3). */
export interface MsgSetC2CReceiveMessageOptParams {
  params: string[];
  opt: number;
  user_data?: string;
}

export interface MsgGetC2CReceiveMessageOptParams {
  params: string[];
  user_data?: string;
}

export interface MsgSetGroupReceiveMessageOptParams {
  group_id: string;
  opt: number;
  user_data?: string;
}

/**
 * `TIMMsgSetAllReceiveMessageOpt`: the app-wide option (0, 2 or 3) during a quiet period that
 * starts every day at `start_hour`:`start_minute`:`start_second` and lasts `duration` seconds.
 */
export interface MsgSetAllReceiveMessageOptParams {
  opt: number;
  start_hour?: number;
  start_minute?: number;
  start_second?: number;
  duration?: number;
  user_data?: string;
}

/** `TIMMsgSetAllReceiveMessageOpt2`: the same, once from `start_time_stamp` (UTC seconds). */
export interface MsgSetAllReceiveMessageOpt2Params {
  opt: number;
  start_time_stamp?: number;
  duration?: number;
  user_data?: string;
}

/** TIM's `TIMReceiveMessageOptInfo` of the app-wide option (all zero when it was never set). */
export interface TIMAllReceiveMessageOptInfo {
  msg_all_recv_msg_opt_level: number;
  msg_all_recv_msg_opt_start_hour: number;
  msg_all_recv_msg_opt_start_minute: number;
  msg_all_recv_msg_opt_start_second: number;
  msg_all_recv_msg_opt_start_time_stamp: number;
  msg_all_recv_msg_duration: number;
}

/** `TIMMsgGetAllReceiveMessageOpt`. */
export interface MsgGetAllReceiveMessageOptParams {
  user_data?: string;
}

/** TIM's `TIMMsgAllMessageReceiveOptionCallback`: the option as JSON text. */
export interface TIMMsgAllMessageReceiveOptionCallbackFunc {
  (json_receive_message_option_info: string, user_data?: string): void;
}

export interface TIMSetMsgAllMessageReceiveOptionCallbackParams {
  callback: TIMMsgAllMessageReceiveOptionCallbackFunc;
  user_data?: string;
}

/** TIM's `TIMReceiveMessageOptInfo` for one peer. */
export interface TIMReceiveMessageOptInfo {
  msg_recv_msg_opt_result_identifier: string;
  msg_recv_msg_opt_result_opt: number;
}

export interface MsgDeleteParams {
  conv_id: string;
  conv_type: TIMConvType | number;
  params: {
    /** The message to delete, as sent or received. */
    msg_delete_param_msg: Json_value_msg;
    /** TIM's choice of local or roaming copies; tincan keeps only the server's, so either deletes it there. */
    msg_delete_param_is_ramble?: boolean;
  };
  user_data?: string;
}

export interface MsgListDeleteParams {
  conv_id: string;
  conv_type: TIMConvType | number;
  /** The messages to delete, all of this conversation. */
  params: Json_value_msg[];
  user_data?: string;
}

export interface MsgFindMessagesParams {
  /** Message IDs (`message_msg_id`). */
  json_message_id_array: string[];
  user_data?: string;
}

/** TIM's message locator; `message_locator_seq` names the message (and `message_locator_rand`, when not 0, must match). */
export interface Json_msg_locator {
  message_locator_conv_id?: string;
  message_locator_conv_type?: TIMConvType | number;
  message_locator_is_revoked?: boolean;
  message_locator_time?: number;
  message_locator_seq?: number;
  message_locator_is_self?: boolean;
  message_locator_rand?: number;
  message_locator_unique_id?: number;
}

export interface MsgFindByMsgLocatorListParams {
  conv_id: string;
  conv_type: TIMConvType | number;
  params: Json_msg_locator[];
  user_data?: string;
}

export interface MsgDownloadMergerMessageParams {
  /** The merged-forward message, as received. */
  params: Json_value_msg;
  user_data?: string;
}

// ---------------------------------------------------------------------------------------------
// Group and member profiles

export interface GroupInfoCustomString {
  group_info_custom_string_info_key: string;
  group_info_custom_string_info_value: string;
}

export interface DeleteGroupParams {
  groupId: string;
  data?: string;
}

export interface JoinGroupParams {
  groupId: string;
  helloMsg?: string;
  data?: string;
}

export interface GetGroupListParams {
  groupIds: string[];
  data?: string;
}

/** `GroupDetailInfo`, with the owner under tincan's key (see docs/compatibility.md). */
export interface GroupDetailInfo {
  group_detail_info_group_id: string;
  group_detail_info_group_type: number;
  group_detail_info_group_name: string;
  group_detail_info_notification: string;
  group_detail_info_introduction: string;
  group_detail_info_face_url: string;
  group_detail_info_create_time: number;
  group_detail_info_info_seq: number;
  group_detail_info_last_info_time: number;
  group_detail_info_next_msg_seq: number;
  group_detail_info_last_msg_time: number;
  group_detail_info_member_num: number;
  group_detail_info_max_member_num: number;
  group_detail_info_add_option: number;
  group_detail_info_approve_option: number;
  group_detail_info_online_member_num: number;
  group_detail_info_visible: number;
  group_detail_info_searchable: number;
  group_detail_info_is_shutup_all: boolean;
  group_detail_info_owner_identifier: string;
  group_detail_info_custom_info: GroupInfoCustomString[];
}

export interface GroupInfoResult {
  get_groups_info_result_code: number;
  get_groups_info_result_desc: string;
  get_groups_info_result_info: GroupDetailInfo | null;
}

export interface GroupBaseInfo {
  group_base_info_group_id: string;
  group_base_info_group_name: string;
  group_base_info_group_type: number;
  group_base_info_face_url: string;
  group_base_info_info_seq: number;
  group_base_info_latest_seq: number;
  group_base_info_readed_seq: number;
  group_base_info_msg_flag: number;
  group_base_info_is_shutup_all: boolean;
  group_base_info_self_info: {
    group_self_info_join_time: number;
    group_self_info_role: number;
    group_self_info_unread_num: number;
    group_self_info_msg_flag: number;
  };
}

export interface ModifyGroupParams {
  params: {
    group_modify_info_param_group_id: string;
    group_modify_info_param_modify_flag: number;
    group_modify_info_param_group_name?: string;
    group_modify_info_param_notification?: string;
    group_modify_info_param_introduction?: string;
    group_modify_info_param_face_url?: string;
    group_modify_info_param_add_option?: number;
    group_modify_info_param_approve_option?: number;
    group_modify_info_param_max_member_num?: number;
    group_modify_info_param_visible?: number;
    group_modify_info_param_searchable?: number;
    group_modify_info_param_is_shutup_all?: boolean;
    group_modify_info_param_owner?: string;
    group_modify_info_param_custom_info?: GroupInfoCustomString[];
  };
  data?: string;
}

export interface ModifyMemberInfoParams {
  params: {
    group_modify_member_info_group_id: string;
    group_modify_member_info_identifier: string;
    group_modify_member_info_modify_flag?: number;
    group_modify_member_info_msg_flag?: number;
    group_modify_member_info_member_role?: number;
    group_modify_member_info_shutup_time?: number;
    group_modify_member_info_name_card?: string;
    group_modify_member_info_custom_info?: GroupMemberInfoCustemString[];
  };
  data?: string;
}

export interface GetOnlineMemberCountParams {
  groupId: string;
  data?: string;
}

export interface GetOnlineMemberCountResult {
  group_get_online_member_count_result: number;
}

/** `json_group_tip_array`: the JSON text of one group tips element (`GroupTipsElem`). */
export interface GroupTipCallBackFun {
  (json_group_tip_array: string, user_data: string): void;
}

export interface GroupTipsCallbackParams {
  callback: GroupTipCallBackFun;
  data?: string;
}

export interface PendencyPage {
  group_pendency_option_start_time: number;
  group_pendency_option_max_limited: number;
}

export interface GetPendencyListParams {
  params: PendencyPage;
  data?: string;
}

export interface GroupPendency {
  group_pendency_group_id: string;
  group_pendency_form_identifier: string;
  group_pendency_add_time: number;
  group_pendency_to_identifier: string;
  group_pendency_pendency_type: number;
  group_pendency_handled: number;
  group_pendency_handle_result: number;
  group_pendency_apply_invite_msg: string;
  group_pendency_form_user_defined_data: string;
  group_pendency_approval_msg: string;
  group_pendency_to_user_defined_data: string;
  group_pendency_self_identifier: string;
}

export interface GroupPendencyResult {
  group_pendency_result_next_start_time: number;
  group_pendency_result_read_time_seq: number;
  group_pendency_result_unread_num: number;
  group_pendency_result_pendency_array: GroupPendency[];
}

export interface HandlePendencyParams {
  params: {
    group_handle_pendency_param_is_accept?: boolean;
    group_handle_pendency_param_handle_msg?: string;
    group_handle_pendency_param_pendency: Partial<GroupPendency> &
      Pick<GroupPendency, "group_pendency_group_id" | "group_pendency_form_identifier">;
  };
  data?: string;
}

export interface ReportPendencyReadedParams {
  timeStamp: number;
  data?: string;
}

export interface GroupSearchParams {
  group_search_params_keyword_list: string[];
  group_search_params_field_list?: number[];
}

export interface SearchGroupParams {
  searchParams: GroupSearchParams;
  data?: string;
}

export interface MemberSearchParams {
  group_search_member_params_groupid_list?: string[];
  group_search_member_params_keyword_list: string[];
  group_search_member_params_field_list?: number[];
}

export interface SearchMemberParams {
  searchParams: MemberSearchParams;
  data?: string;
}

export interface SearchMemberResult {
  group_search_member_result_groupid: string;
  group_search_member_result_member_info_list: GroupMemberInfo[];
}

// ---------------------------------------------------------------------------------------------
// Rich media

/** `TIMMsgCancelSend`'s parameter: the send, named by its message ID (as the upload progress callback gives it). */
export interface MsgCancelSendParams {
  conv_id: string;
  conv_type: number;
  message_id: string;
  user_data?: string;
}

/** What `TIMMsgDownloadElemToPath` downloads: the element's URL (the other keys are accepted and not needed). */
export interface Json_download_elem_param {
  msg_download_elem_param_flag?: number;
  msg_download_elem_param_type?: number;
  msg_download_elem_param_id: string;
  msg_download_elem_param_business_id?: number;
  msg_download_elem_param_url: string;
}

/** `TIMMsgDownloadElemToPath`'s result callback; `json_param` holds the sizes downloaded. */
export interface TIMMsgDownloadElemToPathFunc {
  (code: number, desc: string, json_param: string, user_data: string): void;
}

/** `TIMMsgDownloadElemToPath`'s parameter. */
export interface MsgDownloadElemToPathParams {
  params: Json_download_elem_param;
  path: string;
  callback?: TIMMsgDownloadElemToPathFunc;
  user_data?: string;
}

/** An upload's progress: the message (JSON text), the element's index, bytes sent and the total. */
export interface TIMMsgElemUploadProgressCallbackFunc {
  (json_msg: string, index: number, cur_size: number, local_size: number, user_data: string): void;
}

/** `TIMSetMsgElemUploadProgressCallback`'s parameter. */
export interface TIMMsgElemUploadProgressCallbackParams {
  callback: TIMMsgElemUploadProgressCallbackFunc;
  user_data?: string;
}

// ---------------------------------------------------------------------------------------------
// The relationship chain (TIM's `friendshipInterface`), with TIM's keys.

export interface GetFriendProfileListParams {
  user_data?: string;
}

export interface AddFriendParams {
  params: {
    friendship_add_friend_param_identifier?: string;
    friendship_add_friend_param_friend_type?: number;
    friendship_add_friend_param_remark?: string;
    friendship_add_friend_param_group_name?: string;
    friendship_add_friend_param_add_source?: string;
    friendship_add_friend_param_add_wording?: string;
  };
  user_data?: string;
}

/** One custom attribute of a group. */
export interface GroupAttributes {
  group_attribute_key: string;
  group_attribute_value: string;
}

/** `TIMGroupInitGroupAttributes` and `TIMGroupSetGroupAttributes`'s parameter. */
export interface InitGroupAttributeParams {
  groupId: string;
  attributes: Array<GroupAttributes>;
  data?: string;
}

/** `TIMGroupDeleteGroupAttributes` and `TIMGroupGetGroupAttributes`'s parameter; no keys means every attribute. */
export interface DeleteAttributeParams {
  groupId: string;
  attributesKey: Array<string>;
  data?: string;
}

/** One counter of a group. */
export interface GroupCounter {
  group_counter_key: string;
  group_counter_value: number;
}

/** `TIMGroupSetGroupCounters`'s parameter. */
export interface GroupCounterParams {
  params: {
    group_id: string;
    json_group_counter_array: GroupCounter[];
  };
  user_data?: string;
}

export interface DeleteFriendParams {
  params: {
    friendship_delete_friend_param_friend_type?: number;
    friendship_delete_friend_param_identifier_array?: string[];
  };
  user_data?: string;
}

export interface FriendProfileCustemStringInfo {
  friend_profile_custom_string_info_key?: string;
  friend_profile_custom_string_info_value?: string;
}

export interface FriendProfileItem {
  friend_profile_item_remark?: string;
  friend_profile_item_group_name_array?: string[];
  friend_profile_item_custom_string_array?: FriendProfileCustemStringInfo[];
}

export interface ModifyFriendProfileParams {
  params: {
    friendship_modify_friend_profile_param_identifier?: string;
    friendship_modify_friend_profile_param_item?: FriendProfileItem;
  };
  user_data?: string;
}

export interface CheckFriendTypeParams {
  params: {
    friendship_check_friendtype_param_check_type?: number;
    friendship_check_friendtype_param_identifier_array?: string[];
  };
  user_data?: string;
}

export interface CreateFriendGroupParams {
  params: {
    friendship_create_friend_group_param_name_array?: string[];
    friendship_create_friend_group_param_identifier_array?: string[];
  };
  user_data?: string;
}

/** The friend group names, or the user IDs, of the methods that take a bare list. */
export interface FriendshipStringArrayParams {
  params: string[];
  user_data?: string;
}

export interface GetBlackListParams {
  user_data?: string;
}

/** TIM's typings spell these keys `friend_respone_*`; the native `friend_response_*` work too. */
export interface HandleFriendAddParams {
  params: {
    friend_respone_identifier?: string;
    friend_respone_action?: number;
    friend_respone_remark?: string;
    friend_respone_group_name?: string;
  };
  user_data?: string;
}

export interface ModifyFriendGroupParams {
  params: {
    friendship_modify_friend_group_param_name?: string;
    friendship_modify_friend_group_param_new_name?: string;
    friendship_modify_friend_group_param_delete_identifier_array?: string[];
    friendship_modify_friend_group_param_add_identifier_array?: string[];
  };
  user_data?: string;
}

export interface FriendshipGetPendencyListParams {
  params: {
    friendship_get_pendency_list_param_type?: number;
    friendship_get_pendency_list_param_start_seq?: number;
    friendship_get_pendency_list_param_start_time?: number;
    friendship_get_pendency_list_param_limited_size?: number;
  };
  user_data?: string;
}

export interface DeletePendencyParams {
  params: {
    friendship_delete_pendency_param_type?: number;
    friendship_delete_pendency_param_identifier_array?: string[];
  };
  user_data?: string;
}

export interface ReportFriendPendencyReadedParams {
  timestamp?: number;
  user_data?: string;
}

export interface SearchFriendsParams {
  params: {
    friendship_search_param_keyword_list?: string[];
    friendship_search_param_search_field_list?: number[];
  };
  user_data?: string;
}

export interface FriendProfile {
  friend_profile_identifier: string;
  friend_profile_group_name_array: string[];
  friend_profile_remark: string;
  friend_profile_add_wording: string;
  friend_profile_add_source: string;
  friend_profile_add_time: number;
  friend_profile_user_profile: userProfile;
  friend_profile_custom_string_array: FriendProfileCustemStringInfo[];
}

export interface FriendResult {
  friend_result_identifier: string;
  friend_result_code: number;
  friend_result_desc: string;
}

export interface FriendshipCheckFriendTypeResult {
  friendship_check_friendtype_result_identifier: string;
  friendship_check_friendtype_result_relation: number;
  friendship_check_friendtype_result_code: number;
  friendship_check_friendtype_result_desc: string;
}

export interface FriendInfoGetResult {
  friendship_friend_info_get_result_identifier: string;
  friendship_friend_info_get_result_relation_type: number;
  friendship_friend_info_get_result_error_code: number;
  friendship_friend_info_get_result_error_message: string;
  friendship_friend_info_get_result_field_info: FriendProfile;
}

export interface FriendAddPendencyInfo {
  friend_add_pendency_info_type: number;
  friend_add_pendency_info_identifier: string;
  friend_add_pendency_info_nick_name: string;
  friend_add_pendency_info_face_url: string;
  friend_add_pendency_info_add_time: number;
  friend_add_pendency_info_add_source: string;
  friend_add_pendency_info_add_wording: string;
}

export interface FriendPendencyPage {
  pendency_page_start_time: number;
  pendency_page_unread_num: number;
  pendency_page_current_seq: number;
  pendency_page_pendency_info_array: FriendAddPendencyInfo[];
}

export interface FriendGroupInfo {
  friend_group_info_name: string;
  friend_group_info_count: number;
  friend_group_info_identifier_array: string[];
}

/** `json_identifier_array` is the JSON text of an array of user IDs. */
export interface TIMOnAddFriendCallbackFunc {
  (json_identifier_array: string, user_data: string): void;
}

export interface TIMOnDeleteFriendCallbackFunc {
  (json_identifier_array: string, user_data: string): void;
}

/** The JSON text of an array of `{friend_profile_update_identifier, friend_profile_update_item}`. */
export interface TIMUpdateFriendProfileCallbackFunc {
  (json_friend_profile_update_array: string, user_data: string): void;
}

/** The JSON text of an array of `FriendAddPendency`. */
export interface TIMFriendAddRequestCallbackFunc {
  (json_friend_add_request_pendency_array: string, user_data: string): void;
}

export interface TIMFriendApplicationListDeletedCallbackFunc {
  (json_identifier_array: string, user_data: string): void;
}

export interface TIMFriendApplicationListReadCallbackFunc {
  (user_data: string): void;
}

/** The JSON text of an array of `FriendProfile` (their identifiers). */
export interface TIMFriendBlackListAddedCallbackFunc {
  (json_friend_black_added_array: string, user_data: string): void;
}

export interface TIMFriendBlackListDeletedCallbackFunc {
  (json_identifier_array: string, user_data: string): void;
}

export interface TIMOnAddFriendCallbackParams {
  callback: TIMOnAddFriendCallbackFunc;
  user_data?: string;
}

export interface TIMOnDeleteFriendCallbackParams {
  callback: TIMOnDeleteFriendCallbackFunc;
  user_data?: string;
}

export interface TIMUpdateFriendProfileCallbackParams {
  callback: TIMUpdateFriendProfileCallbackFunc;
  user_data?: string;
}

export interface TIMFriendAddRequestCallbackParams {
  callback: TIMFriendAddRequestCallbackFunc;
  user_data?: string;
}

export interface TIMFriendApplicationListDeletedCallbackParams {
  callback: TIMFriendApplicationListDeletedCallbackFunc;
  user_data?: string;
}

export interface TIMFriendApplicationListReadCallbackParams {
  callback: TIMFriendApplicationListReadCallbackFunc;
  user_data?: string;
}

export interface TIMFriendBlackListAddedCallbackParams {
  callback: TIMFriendBlackListAddedCallbackFunc;
  user_data?: string;
}

export interface TIMFriendBlackListDeletedCallbackParams {
  callback: TIMFriendBlackListDeletedCallbackFunc;
  user_data?: string;
}

/** `TIMGroupGetGroupCounters`'s parameter; no keys means every counter. */
export interface GetGroupCounterParams {
  group_id: string;
  json_group_counter_key_array: string[];
  user_data?: string;
}

/** `TIMGroupIncreaseGroupCounter` and `TIMGroupDecreaseGroupCounter`'s parameter. */
export interface IncreaseGroupCounterParam {
  group_id: string;
  group_counter_key: string;
  group_counter_value: number;
  user_data?: string;
}

/** `json_group_attibute_array` (TIM's spelling): the JSON text of every attribute of the group now. */
export interface GroupAttributeCallbackFun {
  (group_id: string, json_group_attibute_array: string, user_data: string): void;
}

/** `TIMSetGroupAttributeChangedCallback`'s parameter. */
export interface GroupAttributeCallbackParams {
  callback: GroupAttributeCallbackFun;
  data?: string;
}

/** One counter's new value. */
export interface TIMGroupCounterChangedCallback {
  (group_id: string, group_counter_key: string, group_counter_new_value: number, user_data: string): void;
}

/** `TIMSetGroupCounterChangedCallback`'s parameter. */
export interface GroupCounterChangedParam {
  callback: TIMGroupCounterChangedCallback;
  user_data?: string;
}
