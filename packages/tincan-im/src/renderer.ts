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
  MsgCancelSendParams,
  MsgDownloadElemToPathParams,
  TIMMsgElemUploadProgressCallbackFunc,
  TIMMsgElemUploadProgressCallbackParams,
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
  filteredUnread?: Registered<convTotalUnreadMessageCountChangedByFilterCallback>;
  convGroupCreated?: Registered<TIMConvConversationGroupCreatedCallback>;
  convGroupDeleted?: Registered<TIMConvConversationGroupDeletedCallback>;
  convGroupNameChanged?: Registered<TIMConvConversationGroupNameChangedCallback>;
  convsAddedToGroup?: Registered<TIMConvConversationGroupCreatedCallback>;
  convsDeletedFromGroup?: Registered<TIMConvConversationsDeletedFromGroupCallback>;
  elemUploadProgress?: Registered<TIMMsgElemUploadProgressCallbackFunc>;

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
