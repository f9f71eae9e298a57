// TimRender: TIM's Electron SDK class, with TIM's method names, parameters and results, over a
// tincan server.
//
// Each method turns TIM's parameter object into JSON text, hands it to the SDK (the native addon,
// or the Electron main process), and settles the promise as TIM's wrapper does: it resolves with
// TIM's result object when `code` is 0 and rejects with the same shape otherwise, with
// `user_data` exactly as the app gave it.
// Callbacks registered here receive TIM's callback arguments; an exception thrown by one is
// reported on the console and goes no further.

import type {
  AddFriendParams,
  CheckFriendTypeParams,
  CreateFriendGroupParams,
  DeleteAttributeParams,
  DeleteFriendParams,
  DeletePendencyParams,
  FriendGroupInfo,
  FriendInfoGetResult,
  FriendPendencyPage,
  FriendProfile,
  FriendResult,
  FriendshipCheckFriendTypeResult,
  FriendshipGetPendencyListParams,
  FriendshipStringArrayParams,
  GetBlackListParams,
  GetFriendProfileListParams,
  GetGroupCounterParams,
  GroupAttributeCallbackFun,
  GroupAttributeCallbackParams,
  GroupAttributes,
  GroupCounter,
  GroupCounterChangedParam,
  GroupCounterParams,
  HandleFriendAddParams,
  IncreaseGroupCounterParam,
  InitGroupAttributeParams,
  ModifyFriendGroupParams,
  ModifyFriendProfileParams,
  ReportFriendPendencyReadedParams,
  SearchFriendsParams,
  TIMFriendAddRequestCallbackFunc,
  TIMFriendAddRequestCallbackParams,
  TIMFriendApplicationListDeletedCallbackFunc,
  TIMFriendApplicationListDeletedCallbackParams,
  TIMFriendApplicationListReadCallbackFunc,
  TIMFriendApplicationListReadCallbackParams,
  TIMFriendBlackListAddedCallbackFunc,
  TIMFriendBlackListAddedCallbackParams,
  TIMFriendBlackListDeletedCallbackFunc,
  TIMFriendBlackListDeletedCallbackParams,
  TIMGroupCounterChangedCallback,
  TIMOnAddFriendCallbackFunc,
  TIMOnAddFriendCallbackParams,
  TIMOnDeleteFriendCallbackFunc,
  TIMOnDeleteFriendCallbackParams,
  TIMUpdateFriendProfileCallbackFunc,
  TIMUpdateFriendProfileCallbackParams,
  CleanUnreadMessageCountParam,
  commonResult,
  convEventCallback,
  convGetTotalUnreadMessageCount,
  convInfo,
  convTotalUnreadMessageCountChangedCallback,
  convTotalUnreadMessageCountChangedCallbackParam,
  CreateGroupParams,
  CreateGroupResult,
  DeleteGroupParams,
  DeleteMemberParams,
  GetGroupListParams,
  GetOnlineMemberCountParams,
  GetPendencyListParams,
  GroupPendencyResult,
  HandlePendencyParams,
  ReportPendencyReadedParams,
  SearchGroupParams,
  SearchMemberParams,
  SearchMemberResult,
  GetOnlineMemberCountResult,
  GroupBaseInfo,
  GroupDetailInfo,
  GroupInfoResult,
  GroupTipCallBackFun,
  GroupTipsCallbackParams,
  JoinGroupParams,
  ModifyGroupParams,
  ModifyMemberInfoParams,
  GetGroupMemberInfoParams,
  getConvList,
  GroupDeleteMemberResult,
  GroupGetMemberInfoListResult,
  GroupInviteMemberResult,
  initParam,
  InviteMemberParams,
  Json_value_msg,
  loginParam,
  logoutParam,
  MessageReceipt,
  MsgGetGroupMessageReadMemberListResult,
  MsgGetGroupMessageReadMembersParam,
  MsgGetGroupMessageReceiptsParam,
  MsgGetMsgListParams,
  MsgReportReadedParams,
  MsgSendGroupMessageReceiptsParam,
  MsgSendMessageParams,
  MsgModifyMessageParams,
  MsgDeleteParams,
  MsgDownloadMergerMessageParams,
  MsgFindByMsgLocatorListParams,
  MsgFindMessagesParams,
  MsgListDeleteParams,
  MsgRevokeParams,
  MsgSendMessageParamsV2,
  MsgSendMessageV2Result,
  MsgSendReplyMessage,
  TIMMsgRevokeCallbackFunc,
  TIMMsgRevokeCallbackParams,
  TIMMsgUpdateCallbackFunc,
  TIMMsgUpdateCallbackParams,
  MessageExtension,
  MessageExtensionResult,
  MsgSetC2CReceiveMessageOptParams,
  MsgGetC2CReceiveMessageOptParams,
  MsgSetGroupReceiveMessageOptParams,
  MsgSetAllReceiveMessageOptParams,
  MsgSetAllReceiveMessageOpt2Params,
  MsgGetAllReceiveMessageOptParams,
  TIMAllReceiveMessageOptInfo,
  TIMMsgAllMessageReceiveOptionCallbackFunc,
  TIMSetMsgAllMessageReceiveOptionCallbackParams,
  TIMReceiveMessageOptInfo,
  TIMMsgSetMessageExtensionsParam,
  TIMMsgGetMessageExtensionsParam,
  TIMMsgDeleteMessageExtensionsParam,
  TIMSetMsgExtensionsChangedCallbackFun,
  TIMSetMsgExtensionsChangedCallbackParam,
  TIMSetMsgExtensionsDeletedCallbackFun,
  TIMSetMsgExtensionsDeletedCallbackParam,
  QuitGroupParams,
  setConvEventCallback,
  TIMConversationOperationResult,
  TIMMsgReadedReceiptCallbackFunc,
  TIMMsgReadedReceiptCallbackParams,
  TIMRecvNewMsgCallbackFunc,
  MsgCancelSendParams,
  MsgDownloadElemToPathParams,
  TIMMsgElemUploadProgressCallbackFunc,
  TIMMsgElemUploadProgressCallbackParams,
  TIMRecvNewMsgCallbackParams,
  TIMSetKickedOfflineCallback,
  TIMSetKickedOfflineCallbackParam,
  TIMSetUserSigExpiredCallback,
  TIMSetUserSigExpiredCallbackParam,
  totalUnreadCountResult,
  convCancelDraft,
  convCreate,
  convDelete,
  convGetConvInfo,
  convGroupCreatedCallbackParam,
  convGroupDeletedCallbackParam,
  convGroupDeletedFromGroupCallbackParam,
  convGroupListResult,
  convGroupNameChangedCallback,
  convPinConversation,
  convSetDrat,
  convTotalUnreadMessageCountChangedByFilterCallback,
  convUnreadMessageCountChangedByFilterCallbackParam,
  createConversationGroupParam,
  deleteConvGroupParam,
  DeleteConvListParam,
  getConvGroupList,
  MarkConversationParam,
  MsgClearHistoryMessageParams,
  renameConvGroupParam,
  setConvCustomDataParam,
  TIMConvConversationGroupCreatedCallback,
  TIMConvConversationGroupDeletedCallback,
  TIMConvConversationGroupNameChangedCallback,
  TIMConvConversationsDeletedFromGroupCallback,
  TIMConversationListFilter,
  TIMConversationListResult,
  callExperimentalAPIParam,
  setSelfStatusParam,
  SubscribeUserInfoParam,
  TIMProfileGetUserProfileListParam,
  TIMProfileModifySelfUserProfileParam,
  TIMSelfInfoUpdatedCallback,
  TIMSetConfigParam,
  TIMSetSelfInfoUpdatedCallbackParam,
  TIMSetUserStatusChangedCallbackParam,
  TIMUserInfoChangedCallback,
  TIMUserStatusChangedCallback,
  UserInfoChangedCallbackParam,
  userProfile,
  userStatus,
  userStatusParam,
} from "./interfaces";
import { TIMLoginStatus } from "./enumbers";
import { Transport, transportFor } from "./transport";

/** tincan: options of a TimRender. */
export interface TimRenderOptions {
  /**
   * The SDK instance this object drives. Every TimRender of one instance shares its login and
   * callbacks, as every TimRender shares TIM's one SDK; give another name to log a second user
   * in from the same process. Default: `"default"`.
   */
  instance?: string;
}

const ERR_INVALID_PARAMETERS = 6017;
const ERR_SDK_UNEXPECTED_RESULT = 7012;
const CODE_USER_SIG_EXPIRED = [6206, 70001];

interface Registered<F> {
  callback: F;
  userData: unknown;
}

/** The callbacks of one SDK instance, shared by all its TimRender objects. */
class Callbacks {
  /** TIM keeps every listener added with TIMAddRecvNewMsgCallback, and calls each in turn. */
  recvNewMsg: Registered<TIMRecvNewMsgCallbackFunc>[] = [];
  selfInfoUpdated?: Registered<TIMSelfInfoUpdatedCallback>;
  userInfoChanged?: Registered<TIMUserInfoChangedCallback>;
  userStatusChanged?: Registered<TIMUserStatusChangedCallback>;
  msgReadedReceipt?: Registered<TIMMsgReadedReceiptCallbackFunc>;
  convEvent?: Registered<convEventCallback>;
  totalUnread?: Registered<convTotalUnreadMessageCountChangedCallback>;
  kickedOffline?: Registered<TIMSetKickedOfflineCallback>;
  userSigExpired?: Registered<TIMSetUserSigExpiredCallback>;
  groupTips?: Registered<GroupTipCallBackFun>;
  groupAttributeChanged?: Registered<GroupAttributeCallbackFun>;
  groupCounterChanged?: Registered<TIMGroupCounterChangedCallback>;
  msgRevoke?: Registered<TIMMsgRevokeCallbackFunc>;
  msgUpdate?: Registered<TIMMsgUpdateCallbackFunc>;
  allRecvOpt?: Registered<TIMMsgAllMessageReceiveOptionCallbackFunc>;
  msgExtensionsChanged?: Registered<TIMSetMsgExtensionsChangedCallbackFun>;
  msgExtensionsDeleted?: Registered<TIMSetMsgExtensionsDeletedCallbackFun>;
  filteredUnread?: Registered<convTotalUnreadMessageCountChangedByFilterCallback>;
  convGroupCreated?: Registered<TIMConvConversationGroupCreatedCallback>;
  convGroupDeleted?: Registered<TIMConvConversationGroupDeletedCallback>;
  convGroupNameChanged?: Registered<TIMConvConversationGroupNameChangedCallback>;
  convsAddedToGroup?: Registered<TIMConvConversationGroupCreatedCallback>;
  convsDeletedFromGroup?: Registered<TIMConvConversationsDeletedFromGroupCallback>;
  elemUploadProgress?: Registered<TIMMsgElemUploadProgressCallbackFunc>;
  onAddFriend?: Registered<TIMOnAddFriendCallbackFunc>;
  onDeleteFriend?: Registered<TIMOnDeleteFriendCallbackFunc>;
  updateFriendProfile?: Registered<TIMUpdateFriendProfileCallbackFunc>;
  friendAddRequest?: Registered<TIMFriendAddRequestCallbackFunc>;
  friendApplicationListDeleted?: Registered<TIMFriendApplicationListDeletedCallbackFunc>;
  friendApplicationListRead?: Registered<TIMFriendApplicationListReadCallbackFunc>;
  friendBlackListAdded?: Registered<TIMFriendBlackListAddedCallbackFunc>;
  friendBlackListDeleted?: Registered<TIMFriendBlackListDeletedCallbackFunc>;

  /** Forgets every callback, as TIM's TIMLogout does. */
  clear(): void {
    this.recvNewMsg = [];
    this.msgReadedReceipt = undefined;
    this.convEvent = undefined;
    this.totalUnread = undefined;
    this.kickedOffline = undefined;
    this.userSigExpired = undefined;
    this.selfInfoUpdated = undefined;
    this.userInfoChanged = undefined;
    this.userStatusChanged = undefined;
  }

  dispatch(batch: string): void {
    let events: Array<Record<string, unknown>>;
    try {
      events = JSON.parse(batch);
    } catch (err) {
      console.error("tincan-im: an unreadable batch of events", err);
      return;
    }
    for (const event of events) {
      switch (event.kind) {
        case "recv_new_msg":
          for (const listener of [...this.recvNewMsg]) {
            invoke(listener, (it) => it.callback(event.json_msg_array as string, it.userData as string));
          }
          break;
        case "self_info_updated":
          invoke(this.selfInfoUpdated, (it) => it.callback(event.json_user_profile as string, it.userData as string));
          break;
        case "user_info_changed":
          invoke(this.userInfoChanged, (it) => it.callback(event.json_user_info_array as string, it.userData as string));
          break;
        case "user_status_changed":
          invoke(this.userStatusChanged, (it) =>
            it.callback(event.json_user_status_array as string, it.userData as string),
          );
          break;
        case "msg_readed_receipt":
          invoke(this.msgReadedReceipt, (it) =>
            it.callback(event.json_msg_readed_receipt_array as string, it.userData as string),
          );
          break;
        case "conv_event":
          invoke(this.convEvent, (it) =>
            it.callback(event.conv_event as number, event.json_conv_array as string, it.userData as string),
          );
          break;
        case "total_unread_changed":
          invoke(this.totalUnread, (it) => it.callback(event.total_unread_count as number, it.userData as string));
          break;
        case "filtered_unread_changed":
          invoke(this.filteredUnread, (it) =>
            it.callback(event.filter as string, event.total_unread_count as number, it.userData as string),
          );
          break;
        case "conv_group_created":
          invoke(this.convGroupCreated, (it) =>
            it.callback(event.group_name as string, event.conversation_array as string, it.userData as string),
          );
          break;
        case "conv_group_deleted":
          invoke(this.convGroupDeleted, (it) => it.callback(event.group_name as string, it.userData as string));
          break;
        case "conv_group_name_changed":
          invoke(this.convGroupNameChanged, (it) =>
            it.callback(event.old_name as string, event.new_name as string, it.userData as string),
          );
          break;
        case "conv_group_added":
          invoke(this.convsAddedToGroup, (it) =>
            it.callback(event.group_name as string, event.conversation_array as string, it.userData as string),
          );
          break;
        case "conv_group_removed":
          invoke(this.convsDeletedFromGroup, (it) =>
            it.callback(
              event.group_name as string,
              event.conversation_array as string,
              event.reason as number,
              it.userData as string,
            ),
          );
          break;
        case "msg_revoke":
          invoke(this.msgRevoke, (it) => it.callback(event.json_msg_locator_array as string, it.userData as string));
          break;
        case "msg_update":
          invoke(this.msgUpdate, (it) => it.callback(event.json_msg_array as string, it.userData as string));
          break;
        case "all_recv_opt_changed":
          invoke(this.allRecvOpt, (it) => it.callback(event.json_receive_message_option_info as string, it.userData as string));
          break;
        case "msg_extensions_changed":
          invoke(this.msgExtensionsChanged, (it) =>
            it.callback(event.message_id as string, event.message_extension_array as string, it.userData as string),
          );
          break;
        case "msg_extensions_deleted":
          invoke(this.msgExtensionsDeleted, (it) =>
            it.callback(event.message_id as string, event.message_extension_key_array as string, it.userData as string),
          );
          break;
        case "group_tips":
          invoke(this.groupTips, (it) => it.callback(event.json_group_tip as string, it.userData as string));
          break;
        case "group_attribute_changed":
          invoke(this.groupAttributeChanged, (it) =>
            it.callback(event.group_id as string, event.json_group_attibute_array as string, it.userData as string),
          );
          break;
        case "group_counter_changed":
          invoke(this.groupCounterChanged, (it) =>
            it.callback(
              event.group_id as string,
              event.group_counter_key as string,
              event.group_counter_new_value as number,
              it.userData as string,
            ),
          );
          break;
        case "msg_elem_upload_progress":
          invoke(this.elemUploadProgress, (it) =>
            it.callback(
              event.json_msg as string,
              event.index as number,
              event.cur_size as number,
              event.total_size as number,
              it.userData as string,
            ),
          );
          break;
        case "on_add_friend":
          invoke(this.onAddFriend, (it) => it.callback(event.json_identifier_array as string, it.userData as string));
          break;
        case "on_delete_friend":
          invoke(this.onDeleteFriend, (it) => it.callback(event.json_identifier_array as string, it.userData as string));
          break;
        case "update_friend_profile":
          invoke(this.updateFriendProfile, (it) =>
            it.callback(event.json_friend_profile_update_array as string, it.userData as string),
          );
          break;
        case "friend_add_request":
          invoke(this.friendAddRequest, (it) =>
            it.callback(event.json_friend_add_request_pendency_array as string, it.userData as string),
          );
          break;
        case "friend_application_list_deleted":
          invoke(this.friendApplicationListDeleted, (it) =>
            it.callback(event.json_identifier_array as string, it.userData as string),
          );
          break;
        case "friend_application_list_read":
          invoke(this.friendApplicationListRead, (it) => it.callback(it.userData as string));
          break;
        case "friend_blacklist_added":
          invoke(this.friendBlackListAdded, (it) =>
            it.callback(event.json_friend_black_added_array as string, it.userData as string),
          );
          break;
        case "friend_blacklist_deleted":
          invoke(this.friendBlackListDeleted, (it) =>
            it.callback(event.json_identifier_array as string, it.userData as string),
          );
          break;
        case "ended":
          if (CODE_USER_SIG_EXPIRED.includes(event.code as number)) {
            invoke(this.userSigExpired, (it) => it.callback(it.userData as string));
          } else {
            invoke(this.kickedOffline, (it) => it.callback(it.userData as string));
          }
          break;
        default:
          break;
      }
    }
  }
}

function invoke<F>(registered: Registered<F> | undefined, call: (registered: Registered<F>) => void): void {
  if (registered === undefined) {
    return;
  }
  try {
    call(registered);
  } catch (err) {
    console.error("tincan-im: a callback threw", err);
  }
}

interface Instance {
  transport: Transport;
  callbacks: Callbacks;
}

const instances = new Map<string, Instance>();

function instanceNamed(name: string): Instance {
  let instance = instances.get(name);
  if (instance === undefined) {
    const transport = transportFor(name);
    const callbacks = new Callbacks();
    transport.onEvents((batch) => callbacks.dispatch(batch));
    instance = { transport, callbacks };
    instances.set(name, instance);
  }
  return instance;
}

/** The user data the app gave under `key`, or TIM's default `""`. */
function userDataOf(param: unknown, key: string | undefined): unknown {
  if (key === undefined || param === null || typeof param !== "object") {
    return "";
  }
  const value = (param as Record<string, unknown>)[key];
  return value === undefined ? "" : value;
}

/** How TIM's reply names the message replied to: its text, or the kind of element in brackets. */
function abstractOf(elem: Record<string, unknown> | undefined): string {
  if (elem === undefined) {
    return "";
  }
  const labels: Record<number, string> = {
    1: "[图片]",
    2: "[声音]",
    3: "[自定义消息]",
    5: "[群组系统消息]",
    6: "[表情]",
    7: "[位置]",
    8: "[群组系统通知]",
    9: "[视频]",
    10: "[关系]",
    11: "[资料]",
    12: "[合并消息]",
  };
  const type = elem.elem_type as number;
  if (type === 0) {
    return String(elem.text_elem_content ?? "");
  }
  if (type === 4) {
    return `[${String(elem.file_elem_file_name ?? "")}]`;
  }
  return labels[type] ?? "";
}

function settle<T>(result: commonResult<T>): Promise<commonResult<T>> {
  return result.code === 0 ? Promise.resolve(result) : Promise.reject(result);
}

/** A 6017 failure made here, before the SDK is asked. */
function invalid(desc: string, userData: unknown): Promise<never> {
  return Promise.reject({ code: ERR_INVALID_PARAMETERS, desc, json_param: "", user_data: userData });
}

export default class TimRender {
  private readonly instance: Instance;

  constructor(options?: TimRenderOptions) {
    const name = options?.instance ?? "default";
    this.instance = instanceNamed(typeof name === "string" && name !== "" ? name : "default");
  }

  // -------------------------------------------------------------------------------------------
  // SDK and login

  /** Initialises the SDK for an app on a tincan server (`sdkappid`, `server_address`). */
  TIMInit(param: initParam): Promise<commonResult<string>> {
    return this.call("TIMInit", param, undefined);
  }

  /** Logs out if logged in and forgets the configuration. */
  TIMUninit(): Promise<commonResult<string>> {
    return this.call("TIMUninit", {}, undefined);
  }

  TIMLogin(param: loginParam): Promise<commonResult<string>> {
    return this.call("TIMLogin", param, "userData");
  }

  /** Logs out; as TIM's does, it first unregisters every callback of the instance. */
  TIMLogout(param?: logoutParam): Promise<commonResult<string>> {
    this.instance.callbacks.clear();
    return this.call("TIMLogout", param, "userData");
  }

  /** `TIMLoginStatus`: 1 logged in, 3 not logged in. */
  async TIMGetLoginStatus(): Promise<TIMLoginStatus> {
    const result = await this.call<number>("TIMGetLoginStatus", {}, undefined);
    return result.json_param as TIMLoginStatus;
  }

  /** The logged-in user in `json_param` (`""` when no one is). */
  TIMGetLoginUserID(): Promise<commonResult<string>> {
    return this.call("TIMGetLoginUserID", {}, undefined);
  }

  /** The server's clock, in seconds (the device's own when no one is logged in). */
  async TIMGetServerTime(): Promise<number> {
    const result = await this.call<number>("TIMGetServerTime", {}, undefined);
    return result.json_param as number;
  }

  /** The package's version. */
  async TIMGetSDKVersion(): Promise<string> {
    const result = await this.call<string>("TIMGetSDKVersion", {}, undefined);
    return result.json_param as string;
  }

  /** TIM's local settings (log levels, proxies): accepted; tincan keeps no log files. */
  TIMSetConfig(param: TIMSetConfigParam): Promise<commonResult<Record<string, unknown>>> {
    return this.call("TIMSetConfig", param, "user_data");
  }

  /** TIM's experimental operations: those setting TIM's cloud are accepted and change nothing; others answer 7013. */
  callExperimentalAPI(param: callExperimentalAPIParam): Promise<commonResult<string>> {
    return this.call("callExperimentalAPI", param, "user_data");
  }

  // -------------------------------------------------------------------------------------------
  // Profiles and status

  /** Users' profiles; `json_param` is the array (as TIM's wrapper parses it). */
  TIMProfileGetUserProfileList(param: TIMProfileGetUserProfileListParam): Promise<commonResult<userProfile[]>> {
    return this.call("TIMProfileGetUserProfileList", param, "user_data");
  }

  /** Changes the user's own profile; fields left out keep their value. */
  TIMProfileModifySelfUserProfile(param: TIMProfileModifySelfUserProfileParam): Promise<commonResult<string>> {
    return this.call("TIMProfileModifySelfUserProfile", param, "user_data");
  }

  /** Subscribes to users' profile changes (TIMSetUserInfoChangedCallback). */
  TIMSubscribeUserInfo(param: SubscribeUserInfoParam): Promise<commonResult<string>> {
    return this.call("TIMSubscribeUserInfo", param, "user_data");
  }

  /** Users' status; `json_param` is the array. */
  TIMGetUserStatus(param: userStatusParam): Promise<commonResult<userStatus[]>> {
    return this.call("TIMGetUserStatus", param, "user_data");
  }

  /** Sets the user's custom status (`""` clears it). */
  TIMSetSelfStatus(param: setSelfStatusParam): Promise<commonResult<string>> {
    return this.call("TIMSetSelfStatus", param, "user_data");
  }

  /** Subscribes to users' status changes (TIMSetUserStatusChangedCallback). */
  TIMSubscribeUserStatus(param: userStatusParam): Promise<commonResult<string>> {
    return this.call("TIMSubscribeUserStatus", param, "user_data");
  }

  /** Ends subscriptions to status changes; an empty `id_array` ends them all. */
  TIMUnsubscribeUserStatus(param: userStatusParam): Promise<commonResult<string>> {
    return this.call("TIMUnsubscribeUserStatus", param, "user_data");
  }

  /** The callback for the user's own profile changes, from any device or the administrator. */
  TIMSetSelfInfoUpdatedCallback(param: TIMSetSelfInfoUpdatedCallbackParam): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.selfInfoUpdated = it));
  }

  /** The callback for profile changes of subscribed users. */
  TIMSetUserInfoChangedCallback(param: UserInfoChangedCallbackParam): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.userInfoChanged = it));
  }

  /** The callback for status changes of subscribed users, and of the user's own custom status. */
  TIMSetUserStatusChangedCallback(param: TIMSetUserStatusChangedCallbackParam): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.userStatusChanged = it));
  }

  // -------------------------------------------------------------------------------------------
  // Messages

  /** Sends a message; `json_param` is the sent message as JSON text, `json_params` the message. */
  TIMMsgSendMessage(param: MsgSendMessageParams): Promise<commonResult<Json_value_msg>> {
    return this.call("TIMMsgSendMessage", param, "user_data");
  }

  /** A page of history; `json_param` is JSON text, `json_params` the array of messages. */
  TIMMsgGetMsgList(param: MsgGetMsgListParams): Promise<commonResult<Json_value_msg[]>> {
    return this.call("TIMMsgGetMsgList", param, "user_data");
  }

  /** Marks a conversation read up to a message (TIM deprecates this for TIMConvCleanConversationUnreadMessageCount). */
  TIMMsgReportReaded(param: MsgReportReadedParams): Promise<commonResult<string>> {
    return this.call("TIMMsgReportReaded", param, "user_data");
  }

  // -------------------------------------------------------------------------------------------
  // Read receipts

  /** Sends read receipts for messages of one conversation (`json_msg_array` is JSON text). */
  TIMMsgSendMessageReadReceipts(param: MsgSendGroupMessageReceiptsParam): Promise<commonResult<string>> {
    return this.call("TIMMsgSendMessageReadReceipts", param, "user_data");
  }

  /** The receipt state of the caller's own messages; `json_param` is the JSON text of `MessageReceipt[]`. */
  TIMMsgGetMessageReadReceipts(param: MsgGetGroupMessageReceiptsParam): Promise<commonResult<MessageReceipt[]>> {
    return this.call("TIMMsgGetMessageReadReceipts", param, "user_data");
  }

  /** A page of the members who have (filter 0) or have not (filter 1) read a group message. */
  TIMMsgGetGroupMessageReadMemberList(
    param: MsgGetGroupMessageReadMembersParam,
  ): Promise<commonResult<MsgGetGroupMessageReadMemberListResult>> {
    return this.call("TIMMsgGetGroupMessageReadMemberList", param, "user_data");
  }

  // -------------------------------------------------------------------------------------------
  // Callbacks

  /** The callback for read receipts of this user's messages; `null` removes it. */
  TIMSetMsgReadedReceiptCallback(param: TIMMsgReadedReceiptCallbackParams): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.msgReadedReceipt = it));
  }

  /** tincan: the one callback for new messages, replacing every listener; `null` removes them all. */
  TIMSetRecvNewMsgCallback(param: TIMRecvNewMsgCallbackParams): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.recvNewMsg = it ? [it] : []));
  }

  /** Adds a listener for new messages; every listener added is called, in the order added, as in TIM. */
  TIMAddRecvNewMsgCallback(param: TIMRecvNewMsgCallbackParams): Promise<void> {
    return this.register(param, "user_data", (it) => {
      if (it !== undefined) {
        this.instance.callbacks.recvNewMsg.push(it);
      }
    });
  }

  /** Removes the listener given (`{callback}`), or every listener when called without one, as TIM does. */
  TIMRemoveRecvNewMsgCallback(param?: { callback?: TIMRecvNewMsgCallbackFunc }): Promise<void> {
    const callbacks = this.instance.callbacks;
    const callback = param?.callback;
    callbacks.recvNewMsg = typeof callback === "function" ? callbacks.recvNewMsg.filter((it) => it.callback !== callback) : [];
    return Promise.resolve();
  }

  /** The callback for added, updated and removed conversations; `null` removes it. */
  TIMSetConvEventCallback(param: setConvEventCallback): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.convEvent = it));
  }

  /** The callback for changes of the total unread count; `null` removes it. */
  TIMSetConvTotalUnreadMessageCountChangedCallback(
    param: convTotalUnreadMessageCountChangedCallbackParam,
  ): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.totalUnread = it));
  }

  /** The callback for a login the server ended (another session kicked it, the administrator ended it). */
  TIMSetKickedOfflineCallback(param: TIMSetKickedOfflineCallbackParam): Promise<void> {
    return this.register(param, "userData", (it) => (this.instance.callbacks.kickedOffline = it));
  }

  /** The callback for a login the server ended because the UserSig expired. */
  TIMSetUserSigExpiredCallback(param: TIMSetUserSigExpiredCallbackParam): Promise<void> {
    return this.register(param, "userData", (it) => (this.instance.callbacks.userSigExpired = it));
  }

  // -------------------------------------------------------------------------------------------
  // The message lifecycle

  /**
   * Sends a message as TIM's V2 does: the promise resolves with the message's ID at once, and
   * `callback` gets the result once the message is sent (`json_param` and `json_params` are both
   * the sent message's JSON text). The promise rejects with `""` when the parameters are refused
   * before anything is sent.
   */
  async TIMMsgSendMessageV2(param: MsgSendMessageParamsV2): Promise<string> {
    const userData = userDataOf(param, "user_data") as string;
    const callback = param?.callback;
    let prepared: commonResult<Json_value_msg>;
    try {
      prepared = await this.call<Json_value_msg>("TIMMsgSendMessageV2", param, "user_data");
    } catch {
      return Promise.reject("");
    }
    const msgId = prepared.json_param as unknown as string;
    const report = (result: commonResult<Json_value_msg>) => {
      if (typeof callback !== "function") {
        return;
      }
      const text = typeof result.json_param === "string" ? result.json_param : "";
      const outcome: MsgSendMessageV2Result = {
        code: result.code,
        desc: result.desc ?? "",
        json_param: text,
        json_params: text,
        user_data: userData,
      };
      try {
        callback(outcome, userData);
      } catch (err) {
        console.error("tincan-im: a callback threw", err);
      }
    };
    const sending = { conv_id: param.conv_id, conv_type: param.conv_type, params: prepared.json_params, user_data: param.user_data };
    this.call<Json_value_msg>("TIMMsgSendMessage", sending, "user_data").then(report, report);
    return msgId;
  }

  /**
   * Sends a reply to `replyMsg` as TIM does: the reply's `message_cloud_custom_str` carries
   * `{"messageReply": {messageID, messageAbstract, messageSender, messageType, version}}`, and
   * the message goes as with `TIMMsgSendMessageV2`.
   */
  TIMMsgSendReplyMessage(param: MsgSendReplyMessage): Promise<string> {
    const replied = param?.replyMsg;
    if (replied === null || typeof replied !== "object") {
      return Promise.reject("");
    }
    const first = (replied.message_elem_array ?? [])[0] as Record<string, unknown> | undefined;
    const profile = replied.message_sender_profile as Record<string, unknown> | undefined;
    const messageReply = {
      messageID: replied.message_msg_id,
      messageAbstract: abstractOf(first),
      messageSender: profile?.user_profile_nick_name || profile?.user_profile_identifier || replied.message_sender,
      messageType: first?.elem_type,
      version: "1",
    };
    let custom: Record<string, unknown> = {};
    try {
      const own = param.params?.message_cloud_custom_str;
      if (typeof own === "string" && own !== "") {
        custom = JSON.parse(own);
      }
    } catch {
      custom = {};
    }
    const params = { ...param.params, message_cloud_custom_str: JSON.stringify({ ...custom, messageReply }) };
    return this.TIMMsgSendMessageV2({ ...param, params });
  }

  /** Revokes a message: one's own within the time limit, or any member's in a group one owns or administers. */
  TIMMsgRevoke(param: MsgRevokeParams): Promise<commonResult<string>> {
    return this.call("TIMMsgRevoke", param, "user_data");
  }

  /** Changes one's own message; `json_params` is the message as stored now. A message modified since fails with 8006. */
  TIMMsgModifyMessage(param: MsgModifyMessageParams): Promise<commonResult<Json_value_msg>> {
    return this.call("TIMMsgModifyMessage", param, "user_data");
  }

  /** Deletes a message for this user only: it leaves the user's history on every device; the others keep theirs. */
  TIMMsgDelete(param: MsgDeleteParams): Promise<commonResult<string>> {
    return this.call("TIMMsgDelete", param, "user_data");
  }

  /** Deletes messages of one conversation for this user only. */
  TIMMsgListDelete(param: MsgListDeleteParams): Promise<commonResult<string>> {
    return this.call("TIMMsgListDelete", param, "user_data");
  }

  /** Messages by ID, those this user can see (revoked ones with status 6, deleted-for-me ones with 4); `json_params` is the array. */
  TIMMsgFindMessages(param: MsgFindMessagesParams): Promise<commonResult<Json_value_msg[]>> {
    return this.call("TIMMsgFindMessages", param, "user_data");
  }

  /** Messages of one conversation by locator; `json_params` is the array. */
  TIMMsgFindByMsgLocatorList(param: MsgFindByMsgLocatorListParams): Promise<commonResult<Json_value_msg[]>> {
    return this.call("TIMMsgFindByMsgLocatorList", param, "user_data");
  }

  /** The messages a merged-forward message carries; `json_params` is the array. */
  TIMMsgDownloadMergerMessage(param: MsgDownloadMergerMessageParams): Promise<commonResult<Json_value_msg[]>> {
    return this.call("TIMMsgDownloadMergerMessage", param, "user_data");
  }

  /** The callback for revoked messages; `null` removes it. */
  TIMSetMsgRevokeCallback(param: TIMMsgRevokeCallbackParams): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.msgRevoke = it));
  }

  /** The callback for modified messages; `null` removes it. */
  TIMSetMsgUpdateCallback(param: TIMMsgUpdateCallbackParams): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.msgUpdate = it));
  }

  /**
   * Sets a message's extensions; `json_params` is one result per key (23001 for a key someone
   * changed meanwhile, with the key as it is now, so that trying again applies this change over it).
   */
  TIMMsgSetMessageExtensions(param: TIMMsgSetMessageExtensionsParam): Promise<commonResult<MessageExtensionResult[]>> {
    return this.call("TIMMsgSetMessageExtensions", param, "user_data");
  }

  /** A message's extensions; `json_params` is the array, each with its `message_extension_seq`. */
  TIMMsgGetMessageExtensions(param: TIMMsgGetMessageExtensionsParam): Promise<commonResult<MessageExtension[]>> {
    return this.call("TIMMsgGetMessageExtensions", param, "user_data");
  }

  /** Deletes a message's extensions (every one when no key is given); `json_params` is one result per key. */
  TIMMsgDeleteMessageExtensions(
    param: TIMMsgDeleteMessageExtensionsParam,
  ): Promise<commonResult<MessageExtensionResult[]>> {
    return this.call("TIMMsgDeleteMessageExtensions", param, "user_data");
  }

  /** Sets this user's receive option of its C2C conversations with some users (kept on the server, shown as `conv_recv_opt`). */
  TIMMsgSetC2CReceiveMessageOpt(param: MsgSetC2CReceiveMessageOptParams): Promise<commonResult<string>> {
    return this.call("TIMMsgSetC2CReceiveMessageOpt", param, "user_data");
  }

  /** This user's receive option of its C2C conversations with some users; `json_params` is the array. */
  TIMMsgGetC2CReceiveMessageOpt(
    param: MsgGetC2CReceiveMessageOptParams,
  ): Promise<commonResult<TIMReceiveMessageOptInfo[]>> {
    return this.call("TIMMsgGetC2CReceiveMessageOpt", param, "user_data");
  }

  /** Sets this user's receive option of a group it is in. */
  TIMMsgSetGroupReceiveMessageOpt(param: MsgSetGroupReceiveMessageOptParams): Promise<commonResult<string>> {
    return this.call("TIMMsgSetGroupReceiveMessageOpt", param, "user_data");
  }

  /**
   * Sets this user's app-wide receive option for a daily quiet period (TIM's native
   * `TIMMsgSetAllReceiveMessageOpt`); kept on the server and told to every device of the user.
   */
  TIMMsgSetAllReceiveMessageOpt(param: MsgSetAllReceiveMessageOptParams): Promise<commonResult<string>> {
    return this.call("TIMMsgSetAllReceiveMessageOpt", param, "user_data");
  }

  /** The same for a quiet period from a UTC time (TIM's native `TIMMsgSetAllReceiveMessageOpt2`). */
  TIMMsgSetAllReceiveMessageOpt2(param: MsgSetAllReceiveMessageOpt2Params): Promise<commonResult<string>> {
    return this.call("TIMMsgSetAllReceiveMessageOpt2", param, "user_data");
  }

  /** This user's app-wide receive option; `json_params` is TIM's `TIMReceiveMessageOptInfo`. */
  TIMMsgGetAllReceiveMessageOpt(
    param: MsgGetAllReceiveMessageOptParams = {},
  ): Promise<commonResult<TIMAllReceiveMessageOptInfo>> {
    return this.call("TIMMsgGetAllReceiveMessageOpt", param, "user_data");
  }

  /** The callback for changes of the app-wide receive option, from any device of the user; `null` removes it. */
  TIMSetMsgAllMessageReceiveOptionCallback(param: TIMSetMsgAllMessageReceiveOptionCallbackParams): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.allRecvOpt = it));
  }

  /** The callback for extensions set or changed, on any device of anyone in the conversation; `null` removes it. */
  TIMSetMsgExtensionsChangedCallback(param: TIMSetMsgExtensionsChangedCallbackParam): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.msgExtensionsChanged = it));
  }

  /** The callback for extensions deleted; `null` removes it. */
  TIMSetMsgExtensionsDeletedCallback(param: TIMSetMsgExtensionsDeletedCallbackParam): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.msgExtensionsDeleted = it));
  }

  // -------------------------------------------------------------------------------------------
  // Conversations

  /** The conversations; `json_param` is JSON text, `json_params` the array. */
  TIMConvGetConvList(param?: getConvList): Promise<commonResult<convInfo[]>> {
    return this.call("TIMConvGetConvList", param, "userData");
  }

  /** The total unread count; `json_param` is the object, `json_params` its JSON text (as in TIM). */
  TIMConvGetTotalUnreadMessageCount(
    param?: convGetTotalUnreadMessageCount,
  ): Promise<commonResult<totalUnreadCountResult>> {
    return this.call("TIMConvGetTotalUnreadMessageCount", param, "user_data");
  }

  /** Clears unread counts; `json_param` is JSON text, `json_params` the array of results. */
  TIMConvCleanConversationUnreadMessageCount(
    param: CleanUnreadMessageCountParam,
  ): Promise<commonResult<TIMConversationOperationResult[]>> {
    return this.call("TIMConvCleanConversationUnreadMessageCount", param, "user_data");
  }

  // -------------------------------------------------------------------------------------------
  // Conversation management: kept on the server and shown on every device of the user

  /** Deletes a conversation from the user's list (`json_param` is `""`). */
  TIMConvDelete(param: convDelete): Promise<commonResult<string>> {
    return this.call("TIMConvDelete", param, "userData");
  }

  /** Deletes conversations, with their history when `clearMessage`; `json_params` holds one result each. */
  TIMConvDeleteConversationList(param: DeleteConvListParam): Promise<commonResult<TIMConversationOperationResult[]>> {
    return this.call("TIMConvDeleteConversationList", param, "user_data");
  }

  /** Conversations by ID; `json_param` is the array, `json_params` its JSON text (as in TIM). */
  TIMConvGetConvInfo(param: convGetConvInfo): Promise<commonResult<convInfo[]>> {
    return this.call("TIMConvGetConvInfo", param, "user_data");
  }

  /** Puts a conversation in the list without a message; `json_param` is its JSON text. */
  TIMConvCreate(param: convCreate): Promise<commonResult<string>> {
    return this.call("TIMConvCreate", param, "userData");
  }

  /** Clears the user's history of a conversation; the peer's copy is untouched. */
  TIMMsgClearHistoryMessage(param: MsgClearHistoryMessageParams): Promise<commonResult<string>> {
    return this.call("TIMMsgClearHistoryMessage", param, "user_data");
  }

  /** Sets the user's draft of a conversation; resolves with the result code, as TIM's does. */
  TIMConvSetDraft(param: convSetDrat): Promise<number> {
    return this.code("TIMConvSetDraft", param);
  }

  /** Removes the user's draft of a conversation; resolves with the result code. */
  TIMConvCancelDraft(param: convCancelDraft): Promise<number> {
    return this.code("TIMConvCancelDraft", param);
  }

  /** Pins or unpins a conversation. */
  TIMConvPinConversation(param: convPinConversation): Promise<commonResult<string>> {
    return this.call("TIMConvPinConversation", param, "user_data");
  }

  /** Sets or clears a mark; `json_params` holds one result per conversation. */
  TIMConvMarkConversation(param: MarkConversationParam): Promise<commonResult<TIMConversationOperationResult[]>> {
    return this.call("TIMConvMarkConversation", param, "user_data");
  }

  /** Sets the user's custom data of conversations. */
  TIMConvSetConversationCustomData(
    param: setConvCustomDataParam,
  ): Promise<commonResult<TIMConversationOperationResult[]>> {
    return this.call("TIMConvSetConversationCustomData", param, "user_data");
  }

  /** A page of the conversations a filter takes (20 by default, as in TIM). */
  TIMConvGetConversationListByFilter(param: TIMConversationListFilter): Promise<commonResult<TIMConversationListResult>> {
    return this.call("TIMConvGetConversationListByFilter", param, "user_data");
  }

  /** The unread count of the conversations a filter takes. */
  TIMConvGetUnreadMessageCountByFilter(param: TIMConversationListFilter): Promise<commonResult<totalUnreadCountResult>> {
    return this.call("TIMConvGetUnreadMessageCountByFilter", param, "user_data");
  }

  /** Follows a filter's unread count (TIMSetConvUnreadMessageCountChangedByFilterCallback); resolves with the result code. */
  TIMConvSubscribeUnreadMessageCountByFilter(param: TIMConversationListFilter): Promise<number> {
    return this.code("TIMConvSubscribeUnreadMessageCountByFilter", param);
  }

  /** Stops following a filter's unread count; resolves with the result code. */
  TIMConvUnsubscribeUnreadMessageCountByFilter(param: TIMConversationListFilter): Promise<number> {
    return this.code("TIMConvUnsubscribeUnreadMessageCountByFilter", param);
  }

  TIMConvCreateConversationGroup(
    param: createConversationGroupParam,
  ): Promise<commonResult<TIMConversationOperationResult[]>> {
    return this.call("TIMConvCreateConversationGroup", param, "user_data");
  }

  /** The user's conversation groups; `json_params` is `{conv_group_array}`. */
  TIMConvGetConversationGroupList(param?: getConvGroupList): Promise<commonResult<convGroupListResult>> {
    return this.call("TIMConvGetConversationGroupList", param, "user_data");
  }

  TIMConvDeleteConversationGroup(param: deleteConvGroupParam): Promise<commonResult<string>> {
    return this.call("TIMConvDeleteConversationGroup", param, "user_data");
  }

  TIMConvRenameConversationGroup(param: renameConvGroupParam): Promise<commonResult<string>> {
    return this.call("TIMConvRenameConversationGroup", param, "user_data");
  }

  TIMConvAddConversationsToGroup(
    param: createConversationGroupParam,
  ): Promise<commonResult<TIMConversationOperationResult[]>> {
    return this.call("TIMConvAddConversationsToGroup", param, "user_data");
  }

  TIMConvDeleteConversationsFromGroup(
    param: createConversationGroupParam,
  ): Promise<commonResult<TIMConversationOperationResult[]>> {
    return this.call("TIMConvDeleteConversationsFromGroup", param, "user_data");
  }

  /** The callback for a subscribed filter's unread count: `(filter, total_unread_count, user_data)`. */
  TIMSetConvUnreadMessageCountChangedByFilterCallback(
    param: convUnreadMessageCountChangedByFilterCallbackParam,
  ): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.filteredUnread = it));
  }

  TIMSetConvConversationGroupCreatedCallback(param: convGroupCreatedCallbackParam): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.convGroupCreated = it));
  }

  TIMSetConvConversationGroupDeletedCallback(param: convGroupDeletedCallbackParam): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.convGroupDeleted = it));
  }

  TIMSetConvConversationGroupNameChangedCallback(param: convGroupNameChangedCallback): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.convGroupNameChanged = it));
  }

  TIMSetConvConversationsAddedToGroupCallback(param: convGroupCreatedCallbackParam): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.convsAddedToGroup = it));
  }

  /** `(group_name, conversation_array, reason, user_data)`: reason 0 taken out by the user, 1 the conversation was deleted. */
  TIMSetConvConversationsDeletedFromGroupCallback(param: convGroupDeletedFromGroupCallbackParam): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.convsDeletedFromGroup = it));
  }

  // -------------------------------------------------------------------------------------------
  // Rich media

  /**
   * Stops the uploads of a message being sent (named by the message ID the upload progress
   * callback gives); its TIMMsgSendMessage then fails and nothing is sent.
   */
  TIMMsgCancelSend(param: MsgCancelSendParams): Promise<commonResult<string>> {
    return this.call("TIMMsgCancelSend", param, "user_data");
  }

  /** Downloads what an element's URL names to `path`; the callback, if any, gets TIM's result too. */
  async TIMMsgDownloadElemToPath(param: MsgDownloadElemToPathParams): Promise<commonResult<string>> {
    const callback = param !== null && typeof param === "object" ? param.callback : undefined;
    const tell = (result: commonResult<string>) => {
      if (typeof callback === "function") {
        invoke({ callback, userData: result.user_data }, (it) =>
          it.callback(result.code as number, result.desc as string, result.json_param as string, it.userData as string),
        );
      }
    };
    try {
      const result = await this.call<string>("TIMMsgDownloadElemToPath", param, "user_data");
      tell(result);
      return result;
    } catch (failed) {
      tell(failed as commonResult<string>);
      throw failed;
    }
  }

  /** The callback for the progress of a message's uploads; `null` removes it. */
  TIMSetMsgElemUploadProgressCallback(param: TIMMsgElemUploadProgressCallbackParams): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.elemUploadProgress = it));
  }

  // -------------------------------------------------------------------------------------------
  // Groups

  /** Creates a group; `json_params` is `{create_group_result_groupid}`. */
  TIMGroupCreate(param: CreateGroupParams): Promise<commonResult<CreateGroupResult>> {
    return this.call("TIMGroupCreate", param, "data");
  }

  TIMGroupInviteMember(param: InviteMemberParams): Promise<commonResult<GroupInviteMemberResult[]>> {
    return this.call("TIMGroupInviteMember", param, "data");
  }

  TIMGroupDeleteMember(param: DeleteMemberParams): Promise<commonResult<GroupDeleteMemberResult[]>> {
    return this.call("TIMGroupDeleteMember", param, "data");
  }

  TIMGroupQuit(param: QuitGroupParams): Promise<commonResult<string>> {
    return this.call("TIMGroupQuit", param, "data");
  }

  TIMGroupGetMemberInfoList(param: GetGroupMemberInfoParams): Promise<commonResult<GroupGetMemberInfoListResult>> {
    return this.call("TIMGroupGetMemberInfoList", param, "data");
  }

  /** Dismisses a group; only its owner may. */
  TIMGroupDelete(param: DeleteGroupParams): Promise<commonResult<string>> {
    return this.call("TIMGroupDelete", param, "data");
  }

  TIMGroupJoin(param: JoinGroupParams): Promise<commonResult<string>> {
    return this.call("TIMGroupJoin", param, "data");
  }

  /** Groups' details; `json_params` is the array of results, each with its own code. */
  TIMGroupGetGroupInfoList(param: GetGroupListParams): Promise<commonResult<GroupInfoResult[]>> {
    return this.call("TIMGroupGetGroupInfoList", param, "data");
  }

  /** The groups this user is in; `json_params` is the array. */
  TIMGroupGetJoinedGroupList(data?: string): Promise<commonResult<GroupBaseInfo[]>> {
    return this.call("TIMGroupGetJoinedGroupList", { data: data ?? "" }, "data");
  }

  /** Changes a group's profile or owner: the fields named by `group_modify_info_param_modify_flag`. */
  TIMGroupModifyGroupInfo(param: ModifyGroupParams): Promise<commonResult<string>> {
    return this.call("TIMGroupModifyGroupInfo", param, "data");
  }

  /** Changes a member's role, mute, name card or custom fields. */
  TIMGroupModifyMemberInfo(param: ModifyMemberInfoParams): Promise<commonResult<string>> {
    return this.call("TIMGroupModifyMemberInfo", param, "data");
  }

  /** How many members are online; `json_params` is `{group_get_online_member_count_result}`. */
  TIMGroupGetOnlineMemberCount(param: GetOnlineMemberCountParams): Promise<commonResult<GetOnlineMemberCountResult>> {
    return this.call("TIMGroupGetOnlineMemberCount", param, "data");
  }

  /** Requests to join the groups this user owns or administers; `json_params` is `GroupPendencyResult`. */
  TIMGroupGetPendencyList(param: GetPendencyListParams): Promise<commonResult<GroupPendencyResult>> {
    return this.call("TIMGroupGetPendencyList", param, "data");
  }

  /** Accepts or refuses a request to join, as TIMGroupGetPendencyList gave it. */
  TIMGroupHandlePendency(param: HandlePendencyParams): Promise<commonResult<string>> {
    return this.call("TIMGroupHandlePendency", param, "data");
  }

  /** Marks the requests made up to `timeStamp` (seconds) read. */
  TIMGroupReportPendencyReaded(param: ReportPendencyReadedParams): Promise<commonResult<string>> {
    return this.call("TIMGroupReportPendencyReaded", param, "data");
  }

  /** Finds groups by ID or name; `json_params` is the array of groups. */
  TIMGroupSearchGroups(param: SearchGroupParams): Promise<commonResult<GroupDetailInfo[]>> {
    return this.call("TIMGroupSearchGroups", param, "data");
  }

  /** Finds members of this user's groups; `json_params` is an array per group with matches. */
  TIMGroupSearchGroupMembers(param: SearchMemberParams): Promise<commonResult<SearchMemberResult[]>> {
    return this.call("TIMGroupSearchGroupMembers", param, "data");
  }

  /** Replaces every custom attribute of a group with `attributes` (none clears them). */
  TIMGroupInitGroupAttributes(param: InitGroupAttributeParams): Promise<commonResult<string>> {
    return this.call("TIMGroupInitGroupAttributes", param, "data");
  }

  /** Sets custom attributes of a group, keeping the others. */
  TIMGroupSetGroupAttributes(param: InitGroupAttributeParams): Promise<commonResult<string>> {
    return this.call("TIMGroupSetGroupAttributes", param, "data");
  }

  /** Deletes custom attributes of a group; no keys deletes every one. */
  TIMGroupDeleteGroupAttributes(param: DeleteAttributeParams): Promise<commonResult<string>> {
    return this.call("TIMGroupDeleteGroupAttributes", param, "data");
  }

  /** A group's custom attributes (every one for no keys); `json_params` is the array. */
  TIMGroupGetGroupAttributes(param: DeleteAttributeParams): Promise<commonResult<GroupAttributes[]>> {
    return this.call("TIMGroupGetGroupAttributes", param, "data");
  }

  /** Sets counters of a group; `json_params` is the counters set, with their values now. */
  TIMGroupSetGroupCounters(param: GroupCounterParams): Promise<commonResult<GroupCounter[]>> {
    return this.call("TIMGroupSetGroupCounters", param, "user_data");
  }

  /** A group's counters (every one for no keys); `json_params` is the array. */
  TIMGroupGetGroupCounters(param: GetGroupCounterParams): Promise<commonResult<GroupCounter[]>> {
    return this.call("TIMGroupGetGroupCounters", param, "user_data");
  }

  /** Adds to a group counter; `json_params` is the counter with its value now. */
  TIMGroupIncreaseGroupCounter(param: IncreaseGroupCounterParam): Promise<commonResult<GroupCounter>> {
    return this.call("TIMGroupIncreaseGroupCounter", param, "user_data");
  }

  /** Takes from a group counter; `json_params` is the counter with its value now. */
  TIMGroupDecreaseGroupCounter(param: IncreaseGroupCounterParam): Promise<commonResult<GroupCounter>> {
    return this.call("TIMGroupDecreaseGroupCounter", param, "user_data");
  }

  /** The callback for changes of a group's custom attributes; `null` removes it. */
  TIMSetGroupAttributeChangedCallback(param: GroupAttributeCallbackParams): Promise<void> {
    return this.register(param, "data", (it) => (this.instance.callbacks.groupAttributeChanged = it));
  }

  /** The callback for changes of a group's counters, one call per counter; `null` removes it. */
  TIMSetGroupCounterChangedCallback(param: GroupCounterChangedParam): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.groupCounterChanged = it));
  }

  /** The callback for group tips (joins, leaves, profile, role and mute changes); `null` removes it. */
  TIMSetGroupTipsEventCallback(param: GroupTipsCallbackParams): Promise<void> {
    return this.register(param, "data", (it) => (this.instance.callbacks.groupTips = it));
  }

  // -------------------------------------------------------------------------------------------
  // The relationship chain

  /** The user's friends; `json_params` is the array of `FriendProfile`. */
  TIMFriendshipGetFriendProfileList(param?: GetFriendProfileListParams): Promise<commonResult<FriendProfile[]>> {
    return this.call("TIMFriendshipGetFriendProfileList", param ?? {}, "user_data");
  }

  /** Adds a friend, or sends a request; `json_params` is the `FriendResult` (30539: a request sent). */
  TIMFriendshipAddFriend(param: AddFriendParams): Promise<commonResult<FriendResult>> {
    return this.call("TIMFriendshipAddFriend", param, "user_data");
  }

  /** Deletes friends, one way or both; `json_params` is an array of `FriendResult`. */
  TIMFriendshipDeleteFriend(param: DeleteFriendParams): Promise<commonResult<FriendResult[]>> {
    return this.call("TIMFriendshipDeleteFriend", param, "user_data");
  }

  /** Changes a friend's remark, friend groups or custom fields. */
  TIMFriendshipModifyFriendProfile(param: ModifyFriendProfileParams): Promise<commonResult<string>> {
    return this.call("TIMFriendshipModifyFriendProfile", param, "user_data");
  }

  /** The relationship with users; `json_params` is an array of `FriendshipCheckFriendTypeResult`. */
  TIMFriendshipCheckFriendType(param: CheckFriendTypeParams): Promise<commonResult<FriendshipCheckFriendTypeResult[]>> {
    return this.call("TIMFriendshipCheckFriendType", param, "user_data");
  }

  /** Creates friend groups with friends in them; `json_params` is an array of `FriendResult`. */
  TIMFriendshipCreateFriendGroup(param: CreateFriendGroupParams): Promise<commonResult<FriendResult[]>> {
    return this.call("TIMFriendshipCreateFriendGroup", param, "user_data");
  }

  /** Friend groups (all, with `params` empty or left out); `json_params` is an array of `FriendGroupInfo`. */
  TIMFriendshipGetFriendGroupList(param?: FriendshipStringArrayParams): Promise<commonResult<FriendGroupInfo[]>> {
    return this.call("TIMFriendshipGetFriendGroupList", param ?? {}, "user_data");
  }

  /** Renames a friend group or changes its friends; `json_params` is an array of `FriendResult`. */
  TIMFriendshipModifyFriendGroup(param: ModifyFriendGroupParams): Promise<commonResult<FriendResult[]>> {
    return this.call("TIMFriendshipModifyFriendGroup", param, "user_data");
  }

  /** Deletes friend groups (`params`: their names). */
  TIMFriendshipDeleteFriendGroup(param: FriendshipStringArrayParams): Promise<commonResult<string>> {
    return this.call("TIMFriendshipDeleteFriendGroup", param, "user_data");
  }

  /** Blocks users (`params`: their IDs); `json_params` is an array of `FriendResult`. */
  TIMFriendshipAddToBlackList(param: FriendshipStringArrayParams): Promise<commonResult<FriendResult[]>> {
    return this.call("TIMFriendshipAddToBlackList", param, "user_data");
  }

  /** The users this user blocks; `json_params` is an array of `FriendProfile`. */
  TIMFriendshipGetBlackList(param?: GetBlackListParams): Promise<commonResult<FriendProfile[]>> {
    return this.call("TIMFriendshipGetBlackList", param ?? {}, "user_data");
  }

  /** Unblocks users (`params`: their IDs); `json_params` is an array of `FriendResult`. */
  TIMFriendshipDeleteFromBlackList(param: FriendshipStringArrayParams): Promise<commonResult<FriendResult[]>> {
    return this.call("TIMFriendshipDeleteFromBlackList", param, "user_data");
  }

  /** A page of friend requests; `json_params` is TIM's `PendencyPage`. */
  TIMFriendshipGetPendencyList(param: FriendshipGetPendencyListParams): Promise<commonResult<FriendPendencyPage>> {
    return this.call("TIMFriendshipGetPendencyList", param, "user_data");
  }

  /** Deletes friend requests; `json_params` is an array of `FriendResult`. */
  TIMFriendshipDeletePendency(param: DeletePendencyParams): Promise<commonResult<FriendResult[]>> {
    return this.call("TIMFriendshipDeletePendency", param, "user_data");
  }

  /** Marks the friend requests received up to `timestamp` (seconds; 0: now) read. */
  TIMFriendshipReportPendencyReaded(param: ReportFriendPendencyReadedParams): Promise<commonResult<string>> {
    return this.call("TIMFriendshipReportPendencyReaded", param, "user_data");
  }

  /** Finds friends by ID, nickname or remark; `json_params` is an array of `FriendProfile`. */
  TIMFriendshipSearchFriends(param: SearchFriendsParams): Promise<commonResult<FriendProfile[]>> {
    return this.call("TIMFriendshipSearchFriends", param, "user_data");
  }

  /** The relationship with users and their entries (`params`: their IDs); an array of `FriendInfoGetResult`. */
  TIMFriendshipGetFriendsInfo(param: FriendshipStringArrayParams): Promise<commonResult<FriendInfoGetResult[]>> {
    return this.call("TIMFriendshipGetFriendsInfo", param, "user_data");
  }

  /** Accepts, accepts and adds back, or refuses a friend request; `json_params` is the `FriendResult`. */
  TIMFriendshipHandleFriendAddRequest(param: HandleFriendAddParams): Promise<commonResult<FriendResult>> {
    return this.call("TIMFriendshipHandleFriendAddRequest", param, "user_data");
  }

  /** The callback for friends added, on any device or by the other user. */
  TIMSetOnAddFriendCallback(param: TIMOnAddFriendCallbackParams): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.onAddFriend = it));
  }

  /** The callback for friends deleted. */
  TIMSetOnDeleteFriendCallback(param: TIMOnDeleteFriendCallbackParams): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.onDeleteFriend = it));
  }

  /** The callback for friends' entries changed (remarks, friend groups, custom fields). */
  TIMSetUpdateFriendProfileCallback(param: TIMUpdateFriendProfileCallbackParams): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.updateFriendProfile = it));
  }

  /** The callback for friend requests received. */
  TIMSetFriendAddRequestCallback(param: TIMFriendAddRequestCallbackParams): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.friendAddRequest = it));
  }

  /** The callback for friend requests gone: accepted, refused or deleted, on either side. */
  TIMSetFriendApplicationListDeletedCallback(param: TIMFriendApplicationListDeletedCallbackParams): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.friendApplicationListDeleted = it));
  }

  /** The callback for friend requests marked read on another device. */
  TIMSetFriendApplicationListReadCallback(param: TIMFriendApplicationListReadCallbackParams): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.friendApplicationListRead = it));
  }

  /** The callback for users blocked. */
  TIMSetFriendBlackListAddedCallback(param: TIMFriendBlackListAddedCallbackParams): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.friendBlackListAdded = it));
  }

  /** The callback for users unblocked. */
  TIMSetFriendBlackListDeletedCallback(param: TIMFriendBlackListDeletedCallbackParams): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.friendBlackListDeleted = it));
  }

  // -------------------------------------------------------------------------------------------

  private async call<T>(method: string, param: unknown, userDataKey: string | undefined): Promise<commonResult<T>> {
    const userData = userDataOf(param, userDataKey);
    let text: string | undefined;
    try {
      text = JSON.stringify(param === undefined ? null : param);
    } catch (err) {
      return invalid(`cannot read the parameter of ${method}: ${(err as Error).message}`, userData);
    }
    const answer = await this.instance.transport.invoke(method, text ?? "null");
    let result: commonResult<T>;
    try {
      result = JSON.parse(answer);
    } catch {
      result = { code: ERR_SDK_UNEXPECTED_RESULT, desc: "the SDK gave an unreadable result", json_param: "" as T };
    }
    result.user_data = userData as string;
    return settle(result);
  }

  /** TIM's methods that give their result code alone: it resolves with the code, 0 or the error's. */
  private async code(method: string, param: unknown): Promise<number> {
    try {
      return (await this.call(method, param, undefined)).code as number;
    } catch (failed) {
      return ((failed as { code?: number }).code ?? ERR_SDK_UNEXPECTED_RESULT) as number;
    }
  }

  private register<F>(
    param: { callback: F } | undefined,
    userDataKey: string,
    store: (registered: Registered<F> | undefined) => void,
  ): Promise<void> {
    const userData = userDataOf(param, userDataKey);
    if (param === null || typeof param !== "object") {
      return invalid("the parameter must be an object with a `callback`", userData);
    }
    if (!("callback" in param)) {
      return invalid("invalid parameter: missing field `callback`", userData);
    }
    const callback = param.callback as unknown;
    if (callback !== null && callback !== undefined && typeof callback !== "function") {
      return invalid(`invalid parameter \`callback\`: expected a function or null, got ${typeof callback}`, userData);
    }
    if (typeof userData !== "string") {
      return invalid(`invalid parameter \`${userDataKey}\`: expected a string, got ${typeof userData}`, userData);
    }
    store(typeof callback === "function" ? { callback: callback as F, userData } : undefined);
    return Promise.resolve();
  }
}

// Node's `import TimRender from "tincan-im/dist/renderer"` in an ES module takes `module.exports`
// as the default export, where TypeScript and CommonJS code read `.default`: make both the class.
module.exports = TimRender;
Object.defineProperty(TimRender, "default", { value: TimRender });
Object.defineProperty(TimRender, "__esModule", { value: true });
