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
