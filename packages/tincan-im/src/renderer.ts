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
  CleanUnreadMessageCountParam,
  commonResult,
  convEventCallback,
  convGetTotalUnreadMessageCount,
  convInfo,
  convTotalUnreadMessageCountChangedCallback,
  convTotalUnreadMessageCountChangedCallbackParam,
  CreateGroupParams,
  CreateGroupResult,
  DeleteMemberParams,
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
  QuitGroupParams,
  setConvEventCallback,
  TIMConversationOperationResult,
  TIMMsgReadedReceiptCallbackFunc,
  TIMMsgReadedReceiptCallbackParams,
  TIMRecvNewMsgCallbackFunc,
  TIMRecvNewMsgCallbackParams,
  TIMSetKickedOfflineCallback,
  TIMSetKickedOfflineCallbackParam,
  TIMSetUserSigExpiredCallback,
  TIMSetUserSigExpiredCallbackParam,
  totalUnreadCountResult,
} from "./interfaces";
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
  recvNewMsg?: Registered<TIMRecvNewMsgCallbackFunc>;
  msgReadedReceipt?: Registered<TIMMsgReadedReceiptCallbackFunc>;
  convEvent?: Registered<convEventCallback>;
  totalUnread?: Registered<convTotalUnreadMessageCountChangedCallback>;
  kickedOffline?: Registered<TIMSetKickedOfflineCallback>;
  userSigExpired?: Registered<TIMSetUserSigExpiredCallback>;
  msgRevoke?: Registered<TIMMsgRevokeCallbackFunc>;
  msgUpdate?: Registered<TIMMsgUpdateCallbackFunc>;

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
          invoke(this.recvNewMsg, (it) => it.callback(event.json_msg_array as string, it.userData as string));
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
        case "msg_revoke":
          invoke(this.msgRevoke, (it) => it.callback(event.json_msg_locator_array as string, it.userData as string));
          break;
        case "msg_update":
          invoke(this.msgUpdate, (it) => it.callback(event.json_msg_array as string, it.userData as string));
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

  TIMLogout(param?: logoutParam): Promise<commonResult<string>> {
    return this.call("TIMLogout", param, "userData");
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

  /** tincan: the callback for new messages (TIM's TIMAddRecvNewMsgCallback); `null` removes it. */
  TIMSetRecvNewMsgCallback(param: TIMRecvNewMsgCallbackParams): Promise<void> {
    return this.register(param, "user_data", (it) => (this.instance.callbacks.recvNewMsg = it));
  }

  /** The callback for new messages; there is one, and a later call replaces it. */
  TIMAddRecvNewMsgCallback(param: TIMRecvNewMsgCallbackParams): Promise<void> {
    return this.TIMSetRecvNewMsgCallback(param);
  }

  /** Removes the callback for new messages. */
  TIMRemoveRecvNewMsgCallback(): Promise<void> {
    this.instance.callbacks.recvNewMsg = undefined;
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
