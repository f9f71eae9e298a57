// The instance `create()` returns: TIM's Web SDK methods over one tincan connection, the local
// caches TIM keeps (the conversation list, the messages this instance has seen, groups and
// profiles), and TIM's events with TIM's payloads.

import { Connection, type LoginAnswer, type SocketFactory } from "./connection.js";
import { EVENT, TYPES } from "./constants.js";
import { COVERAGE } from "./coverage.js";
import { ChatError, CODE, invalid, notEnabled } from "./errors.js";
import {
  extrasOf,
  fromWire,
  isMessage,
  Message,
  payloadToElems,
  priorityToWire,
  type WireElem,
  type WireMessage,
  writeCustomEnvelope,
} from "./message.js";
import {
  applyBaseInfo,
  applyDetailInfo,
  type Conversation,
  defaultProfile,
  emptyGroup,
  emptyLastMessage,
  type Friend,
  type FriendApplication,
  friendApplicationFromWire,
  friendFromWire,
  type FriendGroup,
  friendGroupFromWire,
  type Group,
  type GroupMember,
  groupTypeName,
  groupTypeNumber,
  joinOptionNumber,
  inviteOptionNumber,
  lastMessageOf,
  applicationFromWire,
  draftTextOf,
  memberFromWire,
  type Profile,
  profileFromWire,
  profileItemFromOptions,
  remindTypeName,
  roleNumber,
  statusFromWire,
} from "./objects.js";
import { contentOf, upload, type UploadKind, type UploadTarget } from "./upload.js";

/** The options of `create()`: TIM's, plus where the tincan server is. */
export interface CreateOptions {
  /** The app's SDKAppID. */
  SDKAppID: number;
  /**
   * The tincan server's client endpoint: `wss://chat.example.com/ws`, `ws://host:port`,
   * `https://chat.example.com` or `host:port` (`/ws` is added when there is no path). When it
   * is not given: `proxyServer`, then `globalThis.TINCAN_URL`, then the page's own origin.
   */
  tincanURL?: string;
  /** TIM's "WebSocket server proxy address"; taken as the server's address when `tincanURL` is absent. */
  proxyServer?: string;
  /** A WebSocket class to use instead of the global one (for runtimes without one). */
  WebSocket?: new (url: string) => unknown;
  /** The longest a request waits for the server, in milliseconds (default 30,000). */
  requestTimeout?: number;
  [option: string]: unknown;
}

export interface ChatResponse<T = any> {
  code: 0;
  data: T;
}

type Handler = (event: { name: string; data: any }) => void;

interface ConvEntry {
  conv: Conversation;
  maxSeq: number;
  readSeq: number;
  activeTime: number;
  /** The refresh generation current when a push last changed it. */
  touched: number;
  /** Made locally by getConversationProfile; kept until the server knows the conversation. */
  local: boolean;
}

/** Lite-chat plugins and chat modules whose features this package has. */
const USABLE_MODULES = new Set([
  "group-module",
  "group",
  "relationship-module",
  "friend",
  "follow-module",
  "follow",
  "conversation",
  "history-message",
  "message-enhancer",
  "avchatroom",
  "offline-message-synchronizer",
]);

/** TIM's other experimental APIs: capabilities the server does not have (yet). */
const EXPERIMENTAL_NOT_ENABLED = new Set([
  "createAudioMessage",
  "createFileMessage",
  "createImageMessage",
  "createVideoMessage",
  "deleteRichStatus",
  "getRichStatus",
  "setRichStatus",
  "sendComboMessage",
  "sendRoomCustomData",
  "sendTRTCCustomData",
  "setCustomLoginInfo",
  "startMessageLongPolling",
  "stopMessageLongPolling",
]);

/** The commercial-ability bits of features the server has: bit 5 is read receipts. */
const RECEIPTS_BIT = 5;

const ok = <T>(data: T): ChatResponse<T> => ({ code: 0, data });

function log(level: number, threshold: number, ...args: unknown[]): void {
  if (level >= threshold) console.warn("[tincan-chat]", ...args);
}

/** The client endpoint from the options, a global, or the page's own origin. */
export function resolveServerURL(options: CreateOptions): string | null {
  const global = (globalThis as Record<string, unknown>).TINCAN_URL;
  const given = [options.tincanURL, options.proxyServer, global].find(
    (value): value is string => typeof value === "string" && value.trim() !== "",
  );
  if (given !== undefined) return normalizeURL(given);
  const location = (globalThis as { location?: { protocol?: string; host?: string } }).location;
  if (location?.host && (location.protocol === "http:" || location.protocol === "https:")) {
    return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
  }
  return null;
}

function normalizeURL(text: string): string {
  let url = text.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) url = `ws://${url}`;
  url = url.replace(/^http(s?):\/\//i, "ws$1://");
  const parsed = new URL(url);
  if (parsed.pathname === "" || parsed.pathname === "/") parsed.pathname = "/ws";
  return parsed.toString();
}

function randomUint32(): number {
  const crypto = (globalThis as { crypto?: { getRandomValues?(array: Uint32Array): Uint32Array } }).crypto;
  if (crypto?.getRandomValues) {
    const value = crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
    if (value !== 0) return value;
  }
  return 1 + Math.floor(Math.random() * 0xfffffffe);
}

function splitConversationID(conversationID: unknown): { type: 1 | 2; id: string } | null {
  if (typeof conversationID !== "string") return null;
  if (conversationID.startsWith(TYPES.CONV_C2C) && conversationID.length > 3) {
    return { type: 1, id: conversationID.slice(TYPES.CONV_C2C.length) };
  }
  if (conversationID.startsWith(TYPES.CONV_GROUP) && conversationID.length > 5) {
    return { type: 2, id: conversationID.slice(TYPES.CONV_GROUP.length) };
  }
  return null;
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === "object" && value !== null;
}

function stringList(method: string, name: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((item) => typeof item === "string" && item !== "")) {
    throw invalid(method, `${name} must be a non-empty array of IDs`);
  }
  return value as string[];
}

/** TIM's `TIMFollowType` lists, as the server numbers them. */
const FOLLOW_TYPE = { FOLLOWERS: 1, FOLLOWING: 2, MUTUAL: 3 } as const;
/** The event of each follow list's changes. */
const FOLLOW_EVENTS: Record<number, string> = {
  [FOLLOW_TYPE.FOLLOWERS]: EVENT.MY_FOLLOWERS_LIST_UPDATED,
  [FOLLOW_TYPE.FOLLOWING]: EVENT.MY_FOLLOWING_LIST_UPDATED,
  [FOLLOW_TYPE.MUTUAL]: EVENT.MUTUAL_FOLLOWERS_LIST_UPDATED,
};
/** Users in a page of a follow list, as TIM's Web SDK asks for. */
const FOLLOW_PAGE = 500;

/** One user's result of `followUser` and `unfollowUser`. */
interface FollowResult {
  userID: string;
  resultCode: number;
  resultInfo: string;
}

/** A page of a follow list: the users' profiles with `followTime`, and the next page's cursor. */
interface FollowPage {
  resultList: (Profile & { followTime: number })[];
  nextCursor: string;
}

/** A user's follow counts. */
interface FollowInfo {
  userID: string;
  followersCount: number;
  followingCount: number;
  mutualFollowersCount: number;
}

/** TIM's code for a change the relationship chain does not allow (not a friend, no such group). */
const NOT_A_FRIEND = 30001;
/** TIM's code for a friend request sent that waits for the other user's answer. */
const FRIEND_REQUEST_PENDING = 30539;

type RelationList = "friends" | "applications" | "groups" | "blacklist";

/** The lists each `TIMFriendChangeType` changes. */
const FRIEND_CHANGE_LISTS: Record<number, RelationList[]> = {
  1: ["friends"],
  2: ["friends", "groups"],
  3: ["applications"],
  4: ["applications"],
  5: ["blacklist"],
  6: ["blacklist"],
  7: ["applications"],
  8: ["friends", "groups"],
  9: ["groups"],
  10: ["groups", "friends"],
  11: ["groups", "friends"],
};

/** `TIMFriendCheckRelation` to TIM's Web constants. */
const RELATIONS = [TYPES.SNS_TYPE_NO_RELATION, TYPES.SNS_TYPE_A_WITH_B, TYPES.SNS_TYPE_B_WITH_A, TYPES.SNS_TYPE_BOTH_WAY];

function addTypeNumber(method: string, type: unknown): number {
  if (type === undefined || type === TYPES.SNS_ADD_TYPE_BOTH) return 1;
  if (type === TYPES.SNS_ADD_TYPE_SINGLE) return 0;
  throw invalid(method, "type must be TYPES.SNS_ADD_TYPE_SINGLE or TYPES.SNS_ADD_TYPE_BOTH");
}

function optionalIDs(method: string, value: unknown): string[] {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return [];
  return stringList(method, "userIDList", value);
}

function keyListOf(method: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((key) => typeof key === "string" && key !== "")) {
    throw invalid(method, "keyList must be an array of keys");
  }
  return value as string[];
}

/** The server's `FriendResult`s as TIM's Web `successUserIDList` and `failureUserIDList`. */
function splitResults(results: unknown): {
  successUserIDList: Array<{ userID: string; code: 0 }>;
  failureUserIDList: Array<{ userID: string; code: number; message: string }>;
} {
  const successUserIDList: Array<{ userID: string; code: 0 }> = [];
  const failureUserIDList: Array<{ userID: string; code: number; message: string }> = [];
  for (const result of Array.isArray(results) ? results : []) {
    const userID = String(result.friend_result_identifier ?? "");
    const code = Number(result.friend_result_code ?? 0);
    if (code === 0) successUserIDList.push({ userID, code: 0 });
    else failureUserIDList.push({ userID, code, message: String(result.friend_result_desc ?? "") });
  }
  return { successUserIDList, failureUserIDList };
}

/** The users a change succeeded for; when it succeeded for none, the first refusal as the error. */
function succeededOrFail(results: unknown): string[] {
  const { successUserIDList, failureUserIDList } = splitResults(results);
  const [first] = failureUserIDList;
  if (successUserIDList.length === 0 && first) throw new ChatError(first.code, `${first.userID}: ${first.message}`);
  return successUserIDList.map((entry) => entry.userID);
}

function failOnFirstFailure(method: string, results: unknown): void {
  const [first] = splitResults(results).failureUserIDList;
  if (first) throw new ChatError(first.code, `${method}: ${first.userID}: ${first.message}`);
}

function attributesFromWire(list: unknown): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const entry of Array.isArray(list) ? list : []) attributes[String(entry.group_attribute_key)] = String(entry.group_attribute_value ?? "");
  return attributes;
}

function countersFromWire(list: unknown): Record<string, number> {
  const counters: Record<string, number> = {};
  for (const entry of Array.isArray(list) ? list : []) counters[String(entry.group_counter_key)] = Number(entry.group_counter_value ?? 0);
  return counters;
}

function requiredString(method: string, name: string, value: unknown): string {
  if (typeof value !== "string" || value === "") throw invalid(method, `${name} must be a non-empty string`);
  return value;
}

export class ChatSDK {
  private readonly options: CreateOptions;
  private handlers = new Map<string, Array<{ handler: Handler; context: unknown }>>();
  private signalingHandlers = new Map<string, Array<{ handler: Handler; context: unknown }>>();
  private logLevel = 0;

  private connection: Connection | null = null;
  /** Where and as whom uploads go: the server and the login's UserSig. */
  private uploadTarget: UploadTarget | null = null;
  private userID = "";
  private tinyID = 0;
  private clockOffsetSecs = 0;
  private ready = false;
  private destroyed = false;
  private receiptsEnabled: Promise<boolean> | null = null;

  private convs = new Map<string, ConvEntry>();
  private drafts = new Map<string, string>();
  private convGeneration = 0;
  private lastTotalUnread = -1;
  private messagesByID = new Map<string, Message>();
  private messagesByConv = new Map<string, Map<string, Message>>();
  private sentIDs = new Set<string>();
  private groups = new Map<string, Group>();
  /** The seq of each extension key seen, by message ID: a change is made from it. */
  private extensionSeqs = new Map<string, Map<string, number>>();
  private profiles = new Map<string, Profile>();
  /** Lists of the relationship chain a `friend` push changed, to be read again. */
  private relationsDirty = new Set<RelationList>();
  private relationsRefreshing: Promise<void> | null = null;
  /** Messages received before SDK_READY, announced right after it. */
  private heldBack: Message[] = [];
  private refreshing: Promise<void> | null = null;
  /** A conversation-list announcement is queued for the end of the current burst. */
  private announcing = false;
  private refreshAgain = false;

  constructor(options: CreateOptions) {
    this.options = options;
  }

  // ----- The SDK -----

  async login(options: { userID: string; userSig: string }): Promise<ChatResponse> {
    if (this.destroyed) throw new ChatError(CODE.INVALID_OPERATION, "login: this instance was destroyed");
    if (!isObject(options)) throw invalid("login", "options must be an object with userID and userSig");
    if (typeof options.userID !== "string" || options.userID === "") {
      throw new ChatError(CODE.NO_USERID, "login: userID is required");
    }
    if (typeof options.userSig !== "string" || options.userSig === "") {
      throw new ChatError(CODE.NO_USERSIG, "login: userSig is required");
    }
    const sdkAppID = Number(this.options.SDKAppID);
    if (!Number.isInteger(sdkAppID) || sdkAppID <= 0) {
      throw new ChatError(CODE.NO_SDKAPPID, "login: the create options have no SDKAppID");
    }
    if (this.connection) {
      if (options.userID === this.userID) return ok({ repeatLogin: true, errorInfo: "" });
      await this.logout();
    }
    const url = resolveServerURL(this.options);
    if (url === null) {
      throw invalid("login", "no server address: give tincanURL in the create options, or set globalThis.TINCAN_URL");
    }
    const openSocket = this.socketFactory();
    const connection = new Connection(
      {
        url,
        sdkAppID,
        userID: options.userID,
        userSig: options.userSig,
        openSocket,
        requestTimeoutMs: Number(this.options.requestTimeout) > 0 ? Number(this.options.requestTimeout) : 30_000,
      },
      {
        push: (kind, data, pos) => this.onPush(connection, kind, data, pos),
        connected: (answer, resumed) => this.onConnected(connection, answer, resumed),
        disconnected: () => {
          if (this.connection === connection) this.emit(EVENT.NET_STATE_CHANGE, { state: TYPES.NET_STATE_CONNECTING });
        },
        ended: (error) => this.onEnded(connection, error),
      },
    );
    this.connection = connection;
    this.userID = options.userID;
    this.uploadTarget = { url, sdkAppID, userID: options.userID, userSig: options.userSig };
    try {
      await connection.start();
    } catch (error) {
      if (this.connection === connection) this.reset();
      throw error;
    }
    return ok({ repeatLogin: false, errorInfo: "" });
  }

  async logout(): Promise<ChatResponse> {
    const connection = this.connection;
    if (!connection) return ok({});
    const wasReady = this.ready;
    this.reset();
    await connection.stop();
    if (wasReady) this.emit(EVENT.SDK_NOT_READY, {});
    return ok({});
  }

  async destroy(): Promise<ChatResponse> {
    await this.logout();
    this.destroyed = true;
    this.handlers.clear();
    this.signalingHandlers.clear();
    return ok({});
  }

  getLoginUser(): string {
    return this.connection ? this.userID : "";
  }

  getServerTime(): number {
    return Math.floor(Date.now() / 1000) + this.clockOffsetSecs;
  }

  isReady(): boolean {
    return this.ready;
  }

  on(eventName: string, handler: Handler, context?: unknown): void {
    if (typeof eventName !== "string" || typeof handler !== "function") return;
    const list = this.handlers.get(eventName) ?? [];
    list.push({ handler, context });
    this.handlers.set(eventName, list);
  }

  off(eventName: string, handler: Handler, context?: unknown): void {
    const list = this.handlers.get(eventName);
    if (!list) return;
    const index = list.findIndex((entry) => entry.handler === handler && (context === undefined || entry.context === context));
    if (index >= 0) list.splice(index, 1);
  }

  /** TIM's upload and module plugins: everything is built in here, so they are not needed. */
  registerPlugin(_plugins: unknown): void {}

  /** lite-chat's plugins: accepted and ignored, since every capability is built in. */
  use(_plugin: unknown, _subPlugins?: unknown[]): void {}

  setLogLevel(level: number): void {
    if (typeof level === "number") this.logLevel = level;
  }

  callExperimentalAPI(key: string, options?: unknown): any {
    switch (key) {
      case "isCommercialAbilityEnabled":
      case "isFeatureEnabledForStat":
        return this.isCommercialAbilityEnabled(options);
      case "queryCommercialAbility":
        return Promise.resolve(ok({ purchaseBits: "0" }));
      case "canIUseModule": {
        const names = Array.isArray(options) ? options : [options];
        return names.length > 0 && names.every((name) => typeof name === "string" && USABLE_MODULES.has(name));
      }
      case "statTUIKeyFeatures":
      case "reportTUIFeatureUsage":
      case "reportModalView":
        // TIM's UIKits report which features they use; nothing is reported anywhere from here.
        return Promise.resolve(ok({}));
      case "getServerConfig":
        return Promise.resolve(ok({}));
      default:
        if (EXPERIMENTAL_NOT_ENABLED.has(key)) {
          return Promise.reject(notEnabled(`callExperimentalAPI(${key})`, "the server does not have this capability"));
        }
        return Promise.reject(new ChatError(CODE.INVALID_OPERATION, `callExperimentalAPI: ${String(key)} is not known`));
    }
  }

  // ----- Messages: creating -----

  createTextMessage(options: any): Message {
    const message = this.newMessage("createTextMessage", options);
    if (!isObject(options.payload) || typeof options.payload.text !== "string") {
      throw invalid("createTextMessage", "payload.text must be a string");
    }
    message.type = TYPES.MSG_TEXT;
    message.payload = { text: options.payload.text };
    return message;
  }

  createTextAtMessage(options: any): Message {
    const message = this.createTextMessage(options);
    const atUserList = options.payload.atUserList;
    if (atUserList !== undefined && !(Array.isArray(atUserList) && atUserList.every((id) => typeof id === "string"))) {
      throw invalid("createTextAtMessage", "payload.atUserList must be an array of user IDs");
    }
    message.atUserList = atUserList ? [...atUserList] : [];
    return message;
  }

  createImageMessage(options: any): Message {
    return this.mediaMessage("createImageMessage", TYPES.MSG_IMAGE, options, { uuid: "", imageFormat: 0, imageInfoArray: [] });
  }

  createAudioMessage(options: any): Message {
    return this.mediaMessage("createAudioMessage", TYPES.MSG_AUDIO, options, { uuid: "", url: "", size: 0, second: 0, downloadFlag: 2 });
  }

  createVideoMessage(options: any): Message {
    return this.mediaMessage("createVideoMessage", TYPES.MSG_VIDEO, options, {
      videoFormat: "",
      videoSecond: 0,
      videoSize: 0,
      videoUrl: "",
      videoUUID: "",
      thumbUrl: "",
      thumbUUID: "",
      thumbWidth: 0,
      thumbHeight: 0,
      thumbSize: 0,
      downloadFlag: 2,
    });
  }

  createFileMessage(options: any): Message {
    return this.mediaMessage("createFileMessage", TYPES.MSG_FILE, options, { uuid: "", fileName: "", fileUrl: "", fileSize: 0, downloadFlag: 2 });
  }

  createCustomMessage(options: any): Message {
    const message = this.newMessage("createCustomMessage", options);
    const payload = isObject(options.payload) ? options.payload : {};
    message.type = TYPES.MSG_CUSTOM;
    message.payload = {
      data: String(payload.data ?? ""),
      description: String(payload.description ?? ""),
      extension: String(payload.extension ?? ""),
    };
    return message;
  }

  createFaceMessage(options: any): Message {
    const message = this.newMessage("createFaceMessage", options);
    const payload = isObject(options.payload) ? options.payload : {};
    if (typeof payload.index !== "number") throw invalid("createFaceMessage", "payload.index must be a number");
    message.type = TYPES.MSG_FACE;
    message.payload = { index: payload.index, data: String(payload.data ?? "") };
    return message;
  }

  createLocationMessage(options: any): Message {
    const message = this.newMessage("createLocationMessage", options);
    const payload = isObject(options.payload) ? options.payload : {};
    if (typeof payload.longitude !== "number" || typeof payload.latitude !== "number") {
      throw invalid("createLocationMessage", "payload.longitude and payload.latitude must be numbers");
    }
    message.type = TYPES.MSG_LOCATION;
    message.payload = { description: String(payload.description ?? ""), longitude: payload.longitude, latitude: payload.latitude };
    return message;
  }

  createMergerMessage(options: any): Message {
    const message = this.newMessage("createMergerMessage", options);
    const payload = isObject(options.payload) ? options.payload : {};
    if (!Array.isArray(payload.messageList) || payload.messageList.length === 0) {
      throw invalid("createMergerMessage", "payload.messageList must be a non-empty array of messages");
    }
    message.type = TYPES.MSG_MERGER;
    message.payload = {
      messageList: payload.messageList,
      title: String(payload.title ?? ""),
      abstractList: Array.isArray(payload.abstractList) ? payload.abstractList : [],
      compatibleText: String(payload.compatibleText ?? ""),
      layersOverLimit: false,
      downloadKey: "",
      pbDownloadKey: "",
      version: 0,
    };
    return message;
  }

  createForwardMessage(options: any): Message {
    const message = this.newMessage("createForwardMessage", options);
    const original = options.payload;
    if (!isMessage(original) && !(isObject(original) && typeof original.type === "string")) {
      throw invalid("createForwardMessage", "payload must be the message to forward");
    }
    message.type = original.type;
    message.payload = original.type === TYPES.MSG_MERGER ? { ...original.payload } : structuredCloneSafe(original.payload);
    return message;
  }

  /** Added by one of TIM's plugins: marks `message` as a reply quoting `quotedMessage`. */
  createQuoteMessage(message: Message, quotedMessage: Message): Message {
    if (!isMessage(message)) throw new ChatError(CODE.MSG_INSTANCE_REQUIRED, "createQuoteMessage: message must be a message");
    if (!isObject(quotedMessage) || typeof quotedMessage.ID !== "string") {
      throw invalid("createQuoteMessage", "quotedMessage must be a message");
    }
    message.quoteInfo = {
      msgID: quotedMessage.ID,
      messageTime: Number(quotedMessage.time) || 0,
      messageSequence: Number(quotedMessage.sequence) || 0,
    };
    return message;
  }

  // ----- Messages: sending -----

  async sendMessage(message: Message, options?: any): Promise<ChatResponse<{ message: Message }>> {
    return this.send("sendMessage", message, options);
  }

  async resendMessage(message: Message, options?: any): Promise<ChatResponse<{ message: Message }>> {
    return this.send("resendMessage", message, options);
  }

  // ----- Messages: history and state -----

  async getMessageList(options: any): Promise<ChatResponse> {
    const method = "getMessageList";
    const connection = this.requireLogin(method);
    const conv = this.requireConversation(method, options?.conversationID);
    // TIM's page is 15; lite-chat (and the kits on it) also pass `count`, up to the server's 100.
    const count = typeof options.count === "number" && options.count >= 1 ? Math.min(Math.floor(options.count), 100) : 15;
    let anchor: Record<string, unknown> | null = null;
    if (options.nextReqMessageID !== undefined && options.nextReqMessageID !== "") {
      const id = requiredString(method, "nextReqMessageID", options.nextReqMessageID);
      const known = this.messagesByID.get(id);
      anchor = { message_msg_id: id, message_seq: known?.sequence ?? 0 };
    }
    const answer = await connection.request(
      "msg_get_list",
      {
        conv_id: conv.id,
        conv_type: conv.type,
        params: { msg_getmsglist_param_last_msg: anchor, msg_getmsglist_param_count: count, msg_getmsglist_param_is_forward: false },
      },
      true,
    );
    const messageList = this.adoptAll(answer.messages).reverse();
    return ok({
      messageList,
      nextReqMessageID: messageList[0]?.ID ?? "",
      isCompleted: (answer.messages?.length ?? 0) < count,
    });
  }

  async getMessageListHopping(options: any): Promise<ChatResponse> {
    const method = "getMessageListHopping";
    const connection = this.requireLogin(method);
    const conv = this.requireConversation(method, options?.conversationID);
    const newer = options.direction === 1;
    const count = typeof options.count === "number" && options.count > 0 ? Math.min(options.count, 100) : 15;
    const params: Record<string, unknown> = { msg_getmsglist_param_count: count, msg_getmsglist_param_is_forward: newer };
    if (conv.type === 2 && typeof options.sequence === "number" && options.sequence > 0) {
      params.msg_getmsglist_param_last_msg_seq = options.sequence;
    } else if (conv.type === 1 && typeof options.time === "number" && options.time > 0) {
      if (newer) {
        params.msg_getmsglist_param_time_begin = options.time;
      } else {
        params.msg_getmsglist_param_time_begin = 1;
        params.msg_getmsglist_param_time_period = Math.max(options.time - 1, 1);
      }
    }
    const answer = await connection.request("msg_get_list", { conv_id: conv.id, conv_type: conv.type, params }, true);
    const messageList = this.adoptAll(answer.messages).sort((a, b) => a.sequence - b.sequence);
    const edge = newer ? messageList[messageList.length - 1] : messageList[0];
    return ok({
      messageList,
      isCompleted: (answer.messages?.length ?? 0) < count,
      nextMessageSeq: edge ? edge.sequence + (newer ? 1 : -1) : 0,
      nextMessageTime: edge ? edge.time : 0,
    });
  }

  findMessage(messageID: string): Message | null {
    return this.messagesByID.get(messageID) ?? null;
  }

  async setMessageRead(options: any): Promise<ChatResponse> {
    const method = "setMessageRead";
    const connection = this.requireLogin(method);
    if (options?.conversationID === TYPES.CONV_SYSTEM) return ok({});
    const conv = this.requireConversation(method, options?.conversationID);
    await connection.request(
      "conv_clean_unread",
      { conversation_id: `${conv.type === 1 ? "c2c" : "group"}_${conv.id}`, clean_timestamp: 0, clean_sequence: 0 },
      true,
    );
    this.markConversationRead(options.conversationID);
    return ok({});
  }

  async setAllMessageRead(options?: any): Promise<ChatResponse> {
    const method = "setAllMessageRead";
    const connection = this.requireLogin(method);
    const scope = options?.scope ?? TYPES.READ_ALL_MSG;
    const conversationID =
      scope === TYPES.READ_ALL_C2C_MSG ? "c2c" : scope === TYPES.READ_ALL_GROUP_MSG ? "group" : scope === TYPES.READ_ALL_MSG ? "" : null;
    if (conversationID === null) throw invalid(method, "scope must be READ_ALL_C2C_MSG, READ_ALL_GROUP_MSG or READ_ALL_MSG");
    await connection.request("conv_clean_unread", { conversation_id: conversationID, clean_timestamp: 0, clean_sequence: 0 }, true);
    for (const id of this.convs.keys()) {
      if (conversationID === "" || id.startsWith(conversationID === "c2c" ? TYPES.CONV_C2C : TYPES.CONV_GROUP)) {
        this.markConversationRead(id);
      }
    }
    return ok({});
  }

  // ----- Read receipts -----

  async sendMessageReadReceipt(messageList: Message[]): Promise<ChatResponse> {
    const method = "sendMessageReadReceipt";
    const connection = this.requireLogin(method);
    const conv = this.oneConversation(method, messageList);
    const wanted = messageList.filter((message) => message.from !== this.userID && message.needReadReceipt === true);
    if (wanted.length === 0) {
      throw new ChatError(
        CODE.READ_RECEIPT_MSG_LIST_EMPTY,
        `${method}: no message in the list asks this user for a read receipt (the user's own messages and messages without needReadReceipt are left out)`,
      );
    }
    await connection.request(
      "msg_send_receipts",
      {
        messages: wanted.map((message) => ({
          message_conv_id: conv.id,
          message_conv_type: conv.type,
          message_seq: message.sequence,
          message_msg_id: message.ID,
        })),
      },
      true,
    );
    for (const message of wanted) {
      message.hasSentReceipt = true;
      const cached = this.messagesByID.get(message.ID);
      if (cached) cached.hasSentReceipt = true;
    }
    return ok({});
  }

  async getMessageReadReceiptList(messageList: Message[]): Promise<ChatResponse<{ messageList: Message[] }>> {
    const method = "getMessageReadReceiptList";
    const connection = this.requireLogin(method);
    const conv = this.oneConversation(method, messageList);
    const own = messageList.filter((message) => message.from === this.userID && message.needReadReceipt === true);
    if (own.length > 0) {
      const answer = await connection.request(
        "msg_get_receipts",
        {
          messages: own.map((message) => ({
            message_conv_id: conv.id,
            message_conv_type: conv.type,
            message_seq: message.sequence,
            message_msg_id: message.ID,
          })),
        },
        true,
      );
      for (const receipt of answer.receipts ?? []) {
        const targets = messageList.filter((message) => message.ID === receipt.msg_receipt_msg_id);
        const cached = this.messagesByID.get(receipt.msg_receipt_msg_id);
        if (cached && !targets.includes(cached)) targets.push(cached);
        for (const message of targets) this.applyReceipt(message, receipt);
      }
    }
    return ok({ messageList });
  }

  async getGroupMessageReadMemberList(options: any): Promise<ChatResponse> {
    const method = "getGroupMessageReadMemberList";
    const connection = this.requireLogin(method);
    const message = options?.message;
    if (!isObject(message) || message.conversationType !== TYPES.CONV_GROUP) {
      throw invalid(method, "message must be a group message");
    }
    const filter = options.filter === 1 ? 1 : 0;
    const count = typeof options.count === "number" && options.count > 0 && options.count < 100 ? Math.floor(options.count) : 100;
    const cursor = options.cursor === undefined || options.cursor === "" ? 0 : Number(options.cursor);
    if (!Number.isInteger(cursor) || cursor < 0) throw invalid(method, "cursor must be the cursor of the previous page, or empty");
    const answer = await connection.request(
      "msg_get_read_members",
      {
        message: {
          message_conv_id: message.to,
          message_conv_type: 2,
          message_seq: Number(message.sequence) || 0,
          message_msg_id: String(message.ID ?? ""),
        },
        filter,
        next_seq: cursor,
        count,
      },
      true,
    );
    const userIDs: string[] = (answer.members ?? []).map((member: any) => String(member.group_member_info_identifier));
    return ok({
      messageID: message.ID,
      cursor: answer.is_finished ? "" : String(answer.next_seq ?? ""),
      isCompleted: Boolean(answer.is_finished),
      readUserIDList: filter === 0 ? userIDs : [],
      unreadUserIDList: filter === 1 ? userIDs : [],
    });
  }

  // ----- Conversations -----

  async getConversationList(options?: any): Promise<ChatResponse> {
    this.requireLogin("getConversationList");
    let list = this.sortedConversations();
    if (Array.isArray(options)) {
      list = options.map((id) => this.convs.get(id)?.conv).filter((conv): conv is Conversation => conv !== undefined);
    } else if (isObject(options)) {
      if (options.type !== undefined) list = list.filter((conv) => conv.type === options.type);
      if (options.hasUnreadCount === true) list = list.filter((conv) => conv.unreadCount > 0);
      if (options.hasUnreadCount === false) list = list.filter((conv) => conv.unreadCount === 0);
      if (typeof options.markType === "number" && options.markType !== 0) {
        list = list.filter((conv) => conv.markList.includes(options.markType));
      }
      if (typeof options.groupName === "string" && options.groupName !== "") {
        list = list.filter((conv) => conv.conversationGroupList.includes(options.groupName));
      }
      // The server carries no @-mention records of conversations.
      if (options.hasGroupAtInfo === true) list = [];
    }
    return ok({ conversationList: list, isSyncCompleted: true });
  }

  async getConversationProfile(conversationID: string): Promise<ChatResponse<{ conversation: Conversation }>> {
    const method = "getConversationProfile";
    this.requireLogin(method);
    const conv = this.requireConversation(method, conversationID);
    let entry = this.convs.get(conversationID);
    if (!entry) {
      entry = this.newConvEntry(conversationID, conv.type, conv.id);
      entry.local = true;
      this.convs.set(conversationID, entry);
      this.announceConversations();
    }
    if (conv.type === 2) await this.refreshGroup(conv.id).catch(() => undefined);
    return ok({ conversation: entry.conv });
  }

  async setConversationDraft(options: any): Promise<ChatResponse> {
    const method = "setConversationDraft";
    this.requireLogin(method);
    this.requireConversation(method, options?.conversationID);
    const draftText = options.draftText === undefined ? "" : options.draftText;
    if (typeof draftText !== "string") throw invalid(method, "draftText must be a string");
    const conv = this.requireConversation(method, options.conversationID);
    const connection = this.requireLogin(method);
    if (draftText === "") {
      await connection.request("conv_cancel_draft", { conv_id: conv.id, conv_type: conv.type }, true);
    } else {
      await connection.request(
        "conv_set_draft",
        {
          conv_id: conv.id,
          conv_type: conv.type,
          draft_param: { draft_msg: { message_elem_array: [{ elem_type: 0, text_elem_content: draftText }] }, draft_user_define: "" },
        },
        true,
      );
    }
    this.drafts.set(options.conversationID, draftText);
    const entry = this.convs.get(options.conversationID);
    if (entry && entry.conv.draftText !== draftText) {
      entry.conv = { ...entry.conv, draftText };
      this.announceConversations();
    }
    return ok({});
  }

  /**
   * The user's receive option of a group (`groupID`) or of C2C conversations (`userIDList`, at
   * most 30): kept on the server, shown as each conversation's `messageRemindType` on all the
   * user's devices. Messages still arrive and count as unread; the app decides what to show.
   */
  async setMessageRemindType(options: any): Promise<ChatResponse> {
    const method = "setMessageRemindType";
    const connection = this.requireLogin(method);
    if (!isObject(options)) throw invalid(method, "options must be an object with groupID or userIDList, and messageRemindType");
    const type = options.messageRemindType;
    const opt = REMIND_OPTIONS[String(type)];
    if (opt === undefined) {
      throw invalid(
        method,
        `messageRemindType ${JSON.stringify(type)} is not TYPES.MSG_REMIND_ACPT_AND_NOTE, MSG_REMIND_ACPT_NOT_NOTE, MSG_REMIND_DISCARD or NOT_RECEIVE_OFFLINE_PUSH_EXCEPT_AT`,
      );
    }
    if (options.groupID !== undefined && options.groupID !== "") {
      const groupID = requiredString(method, "groupID", options.groupID);
      await connection.request("msg_set_group_recv_opt", { group_id: groupID, opt }, true);
      const group = this.groups.get(groupID) ?? (await this.fetchGroup(method, groupID));
      group.selfInfo.messageRemindType = type;
      this.applyRemindType(`${TYPES.CONV_GROUP}${groupID}`, type);
      this.announceGroups();
      return ok({ group });
    }
    if (options.userIDList === undefined) throw invalid(method, "give groupID, or userIDList for C2C conversations");
    const userIDList = stringList(method, "userIDList", options.userIDList);
    if (userIDList.length > 30) throw invalid(method, "userIDList holds at most 30 users");
    const failureUserIDList: Array<{ userID: string; code: number; message: string }> = [];
    let done = userIDList;
    try {
      await connection.request("msg_set_c2c_recv_opt", { identifier_array: userIDList, opt }, true);
    } catch (error) {
      // The server refuses the whole list for one peer that is not an account; TIM answers
      // user by user, so each is set alone.
      if (!(error instanceof ChatError) || (error.code !== 20003 && error.code !== 7003) || userIDList.length === 1) throw error;
      done = [];
      for (const userID of userIDList) {
        try {
          await connection.request("msg_set_c2c_recv_opt", { identifier_array: [userID], opt }, true);
          done.push(userID);
        } catch (each) {
          if (!(each instanceof ChatError)) throw each;
          failureUserIDList.push({ userID, code: each.code, message: each.message });
        }
      }
    }
    for (const userID of done) this.applyRemindType(`${TYPES.CONV_C2C}${userID}`, type);
    return ok({ successUserIDList: done.map((userID) => ({ userID })), failureUserIDList });
  }

  /** A conversation's receive option changed: the list, and the total that leaves muted ones out. */
  private applyRemindType(conversationID: string, type: string): void {
    const entry = this.convs.get(conversationID);
    if (!entry || entry.conv.messageRemindType === type) return;
    entry.conv = { ...entry.conv, messageRemindType: type };
    this.announceConversations();
  }

  getTotalUnreadMessageCount(): number {
    let total = 0;
    for (const { conv } of this.convs.values()) {
      if (conv.messageRemindType === TYPES.MSG_REMIND_ACPT_AND_NOTE || conv.messageRemindType === "") total += conv.unreadCount;
    }
    return total;
  }

  /**
   * The user's app-wide receive option: `messageRemindType` during a quiet period from
   * `startHour`:`startMinute`:`startSecond` (this device's time) lasting `duration` seconds, every
   * day (`isRepeated`, the default) or once from today. Kept on the server and told to every
   * device of the user (`ALL_RECEIVE_MESSAGE_OPT_UPDATED`); messages still arrive and count.
   */
  async setAllReceiveMessageOpt(options: any): Promise<ChatResponse> {
    const method = "setAllReceiveMessageOpt";
    const connection = this.requireLogin(method);
    if (!isObject(options)) throw invalid(method, "options must be an object with messageRemindType, startHour, startMinute, startSecond and duration");
    const type = options.messageRemindType ?? TYPES.MSG_REMIND_ACPT_NOT_NOTE;
    const opt = ALL_REMIND_OPTIONS[String(type)];
    if (opt === undefined) {
      throw invalid(
        method,
        `messageRemindType ${JSON.stringify(type)} is not TYPES.MSG_REMIND_ACPT_AND_NOTE, MSG_REMIND_ACPT_NOT_NOTE or NOT_RECEIVE_OFFLINE_PUSH_EXCEPT_AT`,
      );
    }
    const field = (name: string, max: number): number => {
      const value = options[name] ?? 0;
      if (!Number.isInteger(value) || value < 0 || value > max) throw invalid(method, `${name} must be an integer from 0 to ${max}, not ${JSON.stringify(value)}`);
      return value;
    };
    const startHour = field("startHour", 23);
    const startMinute = field("startMinute", 59);
    const startSecond = field("startSecond", 59);
    const duration = field("duration", 0xffffffff);
    const isRepeated = options.isRepeated ?? true;
    if (typeof isRepeated !== "boolean") throw invalid(method, "isRepeated must be a boolean");
    if (isRepeated) {
      await connection.request(
        "msg_set_all_recv_opt",
        { opt, start_hour: startHour, start_minute: startMinute, start_second: startSecond, start_time_stamp: 0, duration },
        true,
      );
    } else {
      // Once, from that time today on this device's clock, as TIM's SDK computes it.
      const today = new Date();
      const start = Math.round(new Date(today.getFullYear(), today.getMonth(), today.getDate(), startHour, startMinute, startSecond).getTime() / 1000);
      await connection.request("msg_set_all_recv_opt", { opt, start_time_stamp: start, duration }, true);
    }
    return ok({});
  }

  async getAllReceiveMessageOpt(): Promise<ChatResponse> {
    const connection = this.requireLogin("getAllReceiveMessageOpt");
    const info = await connection.request("msg_get_all_recv_opt", {}, true);
    return ok(allReceiveOptFromWire(info));
  }

  // ----- Profiles -----

  async getMyProfile(): Promise<ChatResponse<Profile>> {
    this.requireLogin("getMyProfile");
    const [profile] = await this.fetchProfiles([this.userID]);
    return ok(profile ?? this.profileFor(this.userID));
  }

  /** Users' profiles; accounts that do not exist are left out, as TIM leaves them out. */
  async getUserProfile(options: any): Promise<ChatResponse<Profile[]>> {
    const method = "getUserProfile";
    this.requireLogin(method);
    const userIDList = stringList(method, "userIDList", options?.userIDList);
    const profiles: Profile[] = [];
    for (let start = 0; start < userIDList.length; start += 100) {
      profiles.push(...(await this.fetchProfiles(userIDList.slice(start, start + 100))));
    }
    return ok(profiles);
  }

  // ----- The relationship chain: friends, friend requests, friend groups, the blocklist -----

  /** The users this user blocks, in the order blocked. */
  async getBlacklist(): Promise<ChatResponse<string[]>> {
    this.requireLogin("getBlacklist");
    return ok(await this.fetchBlacklist());
  }

  /** Blocks users; resolves with those now blocked, rejects with the first refusal when none is. */
  async addToBlacklist(options: any): Promise<ChatResponse<string[]>> {
    const method = "addToBlacklist";
    const connection = this.requireLogin(method);
    const userIDList = stringList(method, "userIDList", options?.userIDList);
    const answer = await connection.request("blocklist_add", { user_id_list: userIDList }, false);
    return ok(succeededOrFail(answer.results));
  }

  /** Unblocks users; resolves with those unblocked, rejects with the first refusal when none is. */
  async removeFromBlacklist(options: any): Promise<ChatResponse<string[]>> {
    const method = "removeFromBlacklist";
    const connection = this.requireLogin(method);
    const userIDList = stringList(method, "userIDList", options?.userIDList);
    const answer = await connection.request("blocklist_delete", { user_id_list: userIDList }, false);
    return ok(succeededOrFail(answer.results));
  }

  async getFriendList(): Promise<ChatResponse<Friend[]>> {
    this.requireLogin("getFriendList");
    return ok(await this.fetchFriends());
  }

  /**
   * Adds a friend. Resolves with `{userID, code, message}`: code 0 when the user is a friend now,
   * 30539 when a friend request was sent and waits for the answer; rejects with TIM's code when
   * the relationship refuses it (30515, 30516, 30525, ...).
   */
  async addFriend(options: any): Promise<ChatResponse> {
    const method = "addFriend";
    const connection = this.requireLogin(method);
    if (!isObject(options)) throw invalid(method, "options must be an object");
    const to = requiredString(method, "to", options.to);
    const data: Record<string, unknown> = {
      friendship_add_friend_param_identifier: to,
      friendship_add_friend_param_friend_type: addTypeNumber(method, options.type),
    };
    const strings: Array<[string, string]> = [
      ["source", "friendship_add_friend_param_add_source"],
      ["wording", "friendship_add_friend_param_add_wording"],
      ["remark", "friendship_add_friend_param_remark"],
      ["groupName", "friendship_add_friend_param_group_name"],
    ];
    for (const [name, key] of strings) {
      const value = options[name];
      if (value === undefined || value === "") continue;
      if (typeof value !== "string") throw invalid(method, `${name} must be a string`);
      data[key] = value;
    }
    const result = await connection.request("friend_add", data, false);
    const code = Number(result?.friend_result_code ?? 0);
    const message = String(result?.friend_result_desc ?? "");
    if (code !== 0 && code !== FRIEND_REQUEST_PENDING) throw new ChatError(code, `${method}: ${message}`);
    return ok({ userID: to, code, message });
  }

  async deleteFriend(options: any): Promise<ChatResponse> {
    const method = "deleteFriend";
    const connection = this.requireLogin(method);
    const userIDList = stringList(method, "userIDList", options?.userIDList);
    let type = 1;
    if (options.type === TYPES.SNS_DELETE_TYPE_SINGLE) type = 0;
    else if (options.type !== undefined && options.type !== TYPES.SNS_DELETE_TYPE_BOTH) {
      throw invalid(method, "type must be TYPES.SNS_DELETE_TYPE_SINGLE or TYPES.SNS_DELETE_TYPE_BOTH");
    }
    const answer = await connection.request(
      "friend_delete",
      { friendship_delete_friend_param_friend_type: type, friendship_delete_friend_param_identifier_array: userIDList },
      false,
    );
    return ok(splitResults(answer.results));
  }

  async checkFriend(options: any): Promise<ChatResponse> {
    const method = "checkFriend";
    const connection = this.requireLogin(method);
    const userIDList = stringList(method, "userIDList", options?.userIDList);
    let type = 1;
    if (options.type === TYPES.SNS_CHECK_TYPE_SINGLE) type = 0;
    else if (options.type !== undefined && options.type !== TYPES.SNS_CHECK_TYPE_BOTH) {
      throw invalid(method, "type must be TYPES.SNS_CHECK_TYPE_SINGLE or TYPES.SNS_CHECK_TYPE_BOTH");
    }
    const answer = await connection.request(
      "friend_check",
      { friendship_check_friendtype_param_check_type: type, friendship_check_friendtype_param_identifier_array: userIDList },
      true,
    );
    const successUserIDList: Array<{ userID: string; code: 0; relation: string }> = [];
    const failureUserIDList: Array<{ userID: string; code: number; message: string }> = [];
    for (const result of answer.results ?? []) {
      const userID = String(result.friendship_check_friendtype_result_identifier ?? "");
      const code = Number(result.friendship_check_friendtype_result_code ?? 0);
      if (code === 0) {
        successUserIDList.push({ userID, code: 0, relation: RELATIONS[Number(result.friendship_check_friendtype_result_relation)] ?? TYPES.SNS_TYPE_NO_RELATION });
      } else {
        failureUserIDList.push({ userID, code, message: String(result.friendship_check_friendtype_result_desc ?? "") });
      }
    }
    return ok({ successUserIDList, failureUserIDList });
  }

  /** Friends' entries; a user who is not a friend is in `failureUserIDList` with 30001. */
  async getFriendProfile(options: any): Promise<ChatResponse> {
    const method = "getFriendProfile";
    const connection = this.requireLogin(method);
    const userIDList = stringList(method, "userIDList", options?.userIDList);
    const answer = await connection.request("friend_get_info", { friend_id_list: userIDList }, true);
    const friendList: Friend[] = [];
    const failureUserIDList: Array<{ userID: string; code: number; message: string }> = [];
    for (const result of answer.results ?? []) {
      const userID = String(result.friendship_friend_info_get_result_identifier ?? "");
      const code = Number(result.friendship_friend_info_get_result_error_code ?? 0);
      const relation = Number(result.friendship_friend_info_get_result_relation_type ?? 0);
      if (code !== 0) {
        failureUserIDList.push({ userID, code, message: String(result.friendship_friend_info_get_result_error_message ?? "") });
      } else if (relation === 1 || relation === 3) {
        friendList.push(friendFromWire({ friend_profile_identifier: userID, ...result.friendship_friend_info_get_result_field_info }));
      } else {
        failureUserIDList.push({ userID, code: NOT_A_FRIEND, message: `${userID} is not a friend` });
      }
    }
    return ok({ friendList, failureUserIDList });
  }

  /** Changes a friend's remark and custom fields; resolves with the friend as it is now. */
  async updateFriend(options: any): Promise<ChatResponse<Friend>> {
    const method = "updateFriend";
    const connection = this.requireLogin(method);
    if (!isObject(options)) throw invalid(method, "options must be an object");
    const userID = requiredString(method, "userID", options.userID);
    const item: Record<string, unknown> = {};
    if (options.remark !== undefined) {
      if (typeof options.remark !== "string") throw invalid(method, "remark must be a string");
      item.friend_profile_item_remark = options.remark;
    }
    if (options.friendCustomField !== undefined) {
      const fields = options.friendCustomField;
      if (!Array.isArray(fields) || !fields.every((field) => isObject(field) && typeof field.key === "string" && field.key !== "" && typeof field.value === "string")) {
        throw invalid(method, "friendCustomField must be an array of {key, value} strings");
      }
      item.friend_profile_item_custom_string_array = fields.map((field) => ({
        friend_profile_custom_string_info_key: field.key,
        friend_profile_custom_string_info_value: field.value,
      }));
    }
    if (Object.keys(item).length === 0) throw invalid(method, "give remark or friendCustomField to change");
    await connection.request(
      "friend_modify",
      { friendship_modify_friend_profile_param_identifier: userID, friendship_modify_friend_profile_param_item: item },
      true,
    );
    const friend = (await this.fetchFriends()).find((candidate) => candidate.userID === userID);
    if (!friend) throw new ChatError(NOT_A_FRIEND, `${method}: ${userID} is not a friend`);
    return ok(friend);
  }

  async getFriendApplicationList(): Promise<ChatResponse<{ friendApplicationList: FriendApplication[]; unreadCount: number }>> {
    this.requireLogin("getFriendApplicationList");
    return ok(await this.fetchApplications());
  }

  async acceptFriendApplication(options: any): Promise<ChatResponse> {
    const method = "acceptFriendApplication";
    this.requireLogin(method);
    if (!isObject(options)) throw invalid(method, "options must be an object");
    let action = 1;
    if (options.type === TYPES.SNS_APPLICATION_AGREE) action = 0;
    else if (options.type !== undefined && options.type !== TYPES.SNS_APPLICATION_AGREE_AND_ADD) {
      throw invalid(method, "type must be TYPES.SNS_APPLICATION_AGREE or TYPES.SNS_APPLICATION_AGREE_AND_ADD");
    }
    if (options.remark !== undefined && typeof options.remark !== "string") throw invalid(method, "remark must be a string");
    if (options.groupName !== undefined && typeof options.groupName !== "string") throw invalid(method, "groupName must be a string");
    return this.answerApplication(method, requiredString(method, "userID", options.userID), action, options.remark ?? "", options.groupName ?? "");
  }

  async refuseFriendApplication(options: any): Promise<ChatResponse> {
    const method = "refuseFriendApplication";
    this.requireLogin(method);
    return this.answerApplication(method, requiredString(method, "userID", options?.userID), 2, "", "");
  }

  async deleteFriendApplication(options: any): Promise<ChatResponse> {
    const method = "deleteFriendApplication";
    const connection = this.requireLogin(method);
    const userID = requiredString(method, "userID", options?.userID);
    let type = 2;
    if (options.type === TYPES.SNS_APPLICATION_SENT_TO_ME) type = 0;
    else if (options.type === TYPES.SNS_APPLICATION_SENT_BY_ME) type = 1;
    else if (options.type !== undefined) {
      throw invalid(method, "type must be TYPES.SNS_APPLICATION_SENT_TO_ME or TYPES.SNS_APPLICATION_SENT_BY_ME");
    }
    const answer = await connection.request(
      "friend_delete_pendency",
      { friendship_delete_pendency_param_type: type, friendship_delete_pendency_param_identifier_array: [userID] },
      false,
    );
    failOnFirstFailure(method, answer.results);
    return ok({ userID });
  }

  async setFriendApplicationRead(): Promise<ChatResponse> {
    const connection = this.requireLogin("setFriendApplicationRead");
    await connection.request("friend_report_pendency_read", { time_stamp: 0 }, true);
    return ok({});
  }

  async getFriendGroupList(): Promise<ChatResponse<FriendGroup[]>> {
    this.requireLogin("getFriendGroupList");
    return ok(await this.fetchFriendGroups());
  }

  async createFriendGroup(options: any): Promise<ChatResponse> {
    const method = "createFriendGroup";
    const connection = this.requireLogin(method);
    const name = requiredString(method, "name", options?.name);
    const userIDList = optionalIDs(method, options.userIDList);
    const answer = await connection.request(
      "friend_group_create",
      { friendship_create_friend_group_param_name_array: [name], friendship_create_friend_group_param_identifier_array: userIDList },
      false,
    );
    return ok({ friendGroup: await this.friendGroupNamed(method, name), failureUserIDList: splitResults(answer.results).failureUserIDList });
  }

  /** Deletes a friend group (its friends stay friends); resolves with the group as it was. */
  async deleteFriendGroup(options: any): Promise<ChatResponse<FriendGroup>> {
    const method = "deleteFriendGroup";
    const connection = this.requireLogin(method);
    const name = requiredString(method, "name", options?.name);
    const before = await this.friendGroupNamed(method, name);
    await connection.request("friend_group_delete", { friend_group_name_array: [name] }, false);
    return ok(before);
  }

  async addToFriendGroup(options: any): Promise<ChatResponse> {
    return this.changeFriendGroup("addToFriendGroup", options, "friendship_modify_friend_group_param_add_identifier_array");
  }

  async removeFromFriendGroup(options: any): Promise<ChatResponse> {
    return this.changeFriendGroup("removeFromFriendGroup", options, "friendship_modify_friend_group_param_delete_identifier_array");
  }

  async renameFriendGroup(options: any): Promise<ChatResponse<FriendGroup>> {
    const method = "renameFriendGroup";
    const connection = this.requireLogin(method);
    const oldName = requiredString(method, "oldName", options?.oldName);
    const newName = requiredString(method, "newName", options.newName);
    await connection.request(
      "friend_group_modify",
      { friendship_modify_friend_group_param_name: oldName, friendship_modify_friend_group_param_new_name: newName },
      false,
    );
    return ok(await this.friendGroupNamed(method, newName));
  }

  private async changeFriendGroup(method: string, options: any, key: string): Promise<ChatResponse> {
    const connection = this.requireLogin(method);
    const name = requiredString(method, "name", options?.name);
    const userIDList = stringList(method, "userIDList", options.userIDList);
    const answer = await connection.request("friend_group_modify", { friendship_modify_friend_group_param_name: name, [key]: userIDList }, false);
    return ok({ friendGroup: await this.friendGroupNamed(method, name), failureUserIDList: splitResults(answer.results).failureUserIDList });
  }

  private async answerApplication(method: string, userID: string, action: number, remark: string, groupName: string): Promise<ChatResponse> {
    const connection = this.requireLogin(method);
    const result = await connection.request(
      "friend_handle_request",
      { friend_response_identifier: userID, friend_response_action: action, friend_response_remark: remark, friend_response_group_name: groupName },
      false,
    );
    const code = Number(result?.friend_result_code ?? 0);
    if (code !== 0) throw new ChatError(code, `${method}: ${String(result?.friend_result_desc ?? "")}`);
    return ok({ userID });
  }

  private async fetchFriends(): Promise<Friend[]> {
    const connection = this.requireLogin("getFriendList");
    const answer = await connection.request("friend_get_list", {}, true);
    return (answer.friends ?? []).map(friendFromWire);
  }

  private async fetchBlacklist(): Promise<string[]> {
    const connection = this.requireLogin("getBlacklist");
    const answer = await connection.request("blocklist_get", {}, true);
    return (answer.blocked ?? []).map((entry: Record<string, any>) => String(entry.friend_profile_identifier ?? ""));
  }

  private async fetchFriendGroups(names: string[] = []): Promise<FriendGroup[]> {
    const connection = this.requireLogin("getFriendGroupList");
    const answer = await connection.request("friend_group_get", { friend_group_name_array: names }, true);
    return (answer.groups ?? []).map(friendGroupFromWire);
  }

  private async friendGroupNamed(method: string, name: string): Promise<FriendGroup> {
    const [group] = await this.fetchFriendGroups([name]);
    if (!group) throw new ChatError(NOT_A_FRIEND, `${method}: there is no friend group named ${JSON.stringify(name)}`);
    return group;
  }

  /** Every friend request received and sent, newest first, read page by page. */
  private async fetchApplications(): Promise<{ friendApplicationList: FriendApplication[]; unreadCount: number }> {
    const connection = this.requireLogin("getFriendApplicationList");
    const friendApplicationList: FriendApplication[] = [];
    let unreadCount = 0;
    let startTime = 0;
    for (let page = 0; page < 1000; page++) {
      const answer = await connection.request(
        "friend_get_pendency_list",
        { friendship_get_pendency_list_param_type: 2, friendship_get_pendency_list_param_start_time: startTime, friendship_get_pendency_list_param_limited_size: 100 },
        true,
      );
      if (page === 0) unreadCount = Number(answer.pendency_page_unread_num ?? 0);
      friendApplicationList.push(...(answer.pendency_page_pendency_info_array ?? []).map(friendApplicationFromWire));
      startTime = Number(answer.pendency_page_start_time ?? 0);
      if (startTime === 0) break;
    }
    return { friendApplicationList, unreadCount };
  }

  /**
   * A `friend` push: reads again the lists the change touched and emits their events. Changes
   * arriving while a read runs are gathered and read once after it.
   */
  private onFriendPush(data: any): void {
    const type = Number(data?.friend_change_elem_change_type);
    const lists = FRIEND_CHANGE_LISTS[type];
    if (!lists || !this.ready) return;
    for (const list of lists) this.relationsDirty.add(list);
    if (this.relationsRefreshing) return;
    const connection = this.connection;
    this.relationsRefreshing = (async () => {
      while (this.relationsDirty.size > 0 && this.connection === connection) {
        const lists = [...this.relationsDirty];
        this.relationsDirty.clear();
        for (const list of lists) {
          try {
            if (list === "friends") this.emit(EVENT.FRIEND_LIST_UPDATED, await this.fetchFriends());
            else if (list === "applications") this.emit(EVENT.FRIEND_APPLICATION_LIST_UPDATED, await this.fetchApplications());
            else if (list === "groups") this.emit(EVENT.FRIEND_GROUP_LIST_UPDATED, await this.fetchFriendGroups());
            else this.emit(EVENT.BLACKLIST_UPDATED, await this.fetchBlacklist());
          } catch (error) {
            log(2, this.logLevel, `cannot read the ${list} of the relationship chain`, error);
          }
        }
      }
    })().finally(() => {
      this.relationsRefreshing = null;
    });
  }

  // ----- Follows -----

  /**
   * Follows users (at most 20). Resolves with one `{userID, resultCode, resultInfo}` per user,
   * in order; a user followed already succeeds. Rejects with the first refusal when every user
   * failed.
   */
  async followUser(userIDList: unknown): Promise<ChatResponse<FollowResult[]>> {
    return this.changeFollows("followUser", "follow_add", userIDList);
  }

  /** Stops following users (at most 20); resolves and rejects as `followUser`. */
  async unfollowUser(userIDList: unknown): Promise<ChatResponse<FollowResult[]>> {
    return this.changeFollows("unfollowUser", "follow_delete", userIDList);
  }

  /** A page of the users who follow this user, newest first: `{resultList, nextCursor}`. */
  async getMyFollowersList(nextCursor?: unknown): Promise<ChatResponse<FollowPage>> {
    return this.followPage("getMyFollowersList", FOLLOW_TYPE.FOLLOWERS, nextCursor);
  }

  /** A page of the users this user follows, newest first: `{resultList, nextCursor}`. */
  async getMyFollowingList(nextCursor?: unknown): Promise<ChatResponse<FollowPage>> {
    return this.followPage("getMyFollowingList", FOLLOW_TYPE.FOLLOWING, nextCursor);
  }

  /** A page of the users who follow this user and whom it follows: `{resultList, nextCursor}`. */
  async getMutualFollowersList(nextCursor?: unknown): Promise<ChatResponse<FollowPage>> {
    return this.followPage("getMutualFollowersList", FOLLOW_TYPE.MUTUAL, nextCursor);
  }

  /**
   * The follower, following and mutual counts of users (at most 20), of this user when no list
   * is given: one `{userID, followersCount, followingCount, mutualFollowersCount}` per user that
   * exists; rejects with 30003 when none does.
   */
  async getUserFollowInfo(userIDList?: unknown): Promise<ChatResponse<FollowInfo[]>> {
    const method = "getUserFollowInfo";
    const connection = this.requireLogin(method);
    const users = userIDList === undefined ? [] : stringList(method, "userIDList", userIDList);
    const answer = await connection.request("follow_get_info", { user_id_list: users }, true);
    const infos: any[] = answer.infos ?? [];
    const found = infos.filter((info) => Number(info.follow_info_result_code ?? 0) === 0);
    if (found.length === 0 && infos.length > 0) {
      const first = infos[0];
      throw new ChatError(Number(first.follow_info_result_code), `${method}: ${first.follow_info_result_info}`);
    }
    return ok(
      found.map((info) => ({
        userID: String(info.follow_info_user_id ?? ""),
        followersCount: Number(info.follow_info_followers_count ?? 0),
        followingCount: Number(info.follow_info_followings_count ?? 0),
        mutualFollowersCount: Number(info.follow_info_mutual_followers_count ?? 0),
      })),
    );
  }

  /**
   * This user's relationship with users (at most 100): one `{userID, followType}` per user that
   * exists, `followType` 0 none, 1 the user follows this one, 2 this one follows the user, 3
   * both; rejects with 30003 when none exists.
   */
  async checkFollowType(userIDList: unknown): Promise<ChatResponse<{ userID: string; followType: number }[]>> {
    const method = "checkFollowType";
    const connection = this.requireLogin(method);
    const users = stringList(method, "userIDList", userIDList);
    const answer = await connection.request("follow_check", { user_id_list: users }, true);
    const results: any[] = answer.results ?? [];
    const found = results.filter((it) => Number(it.follow_type_check_result_code ?? 0) === 0);
    if (found.length === 0 && results.length > 0) {
      const first = results[0];
      throw new ChatError(Number(first.follow_type_check_result_code), `${method}: ${first.follow_type_check_result_info}`);
    }
    return ok(
      found.map((it) => ({
        userID: String(it.follow_type_check_result_user_id ?? ""),
        followType: Number(it.follow_type_check_result_follow_type ?? 0),
      })),
    );
  }

  private async changeFollows(method: string, op: string, userIDList: unknown): Promise<ChatResponse<FollowResult[]>> {
    const connection = this.requireLogin(method);
    const users = stringList(method, "userIDList", userIDList);
    const answer = await connection.request(op, { user_id_list: users }, true);
    const results: FollowResult[] = (answer.results ?? []).map((it: Record<string, any>) => ({
      userID: String(it.follow_operation_result_user_id ?? ""),
      resultCode: Number(it.follow_operation_result_code ?? 0),
      resultInfo: String(it.follow_operation_result_info ?? ""),
    }));
    const first = results[0];
    if (first && results.every((it) => it.resultCode !== 0)) {
      throw new ChatError(first.resultCode, `${method}: ${first.userID}: ${first.resultInfo}`);
    }
    return ok(results);
  }

  private async followPage(method: string, followType: number, nextCursor: unknown): Promise<ChatResponse<FollowPage>> {
    const connection = this.requireLogin(method);
    if (nextCursor !== undefined && nextCursor !== null && typeof nextCursor !== "string") {
      throw invalid(method, "nextCursor must be a string");
    }
    const data = { follow_type: followType, next_cursor: nextCursor ?? "", count: FOLLOW_PAGE };
    const answer = await connection.request("follow_get_list", data, true);
    const resultList = (answer.follow_list_result_user_info_list ?? []).map((entry: Record<string, any>) => ({
      ...profileFromWire(entry.follow_entry_user_profile ?? {}),
      followTime: Number(entry.follow_entry_follow_time ?? 0),
    }));
    return ok({ resultList, nextCursor: String(answer.follow_list_result_next_cursor ?? "") });
  }

  /** A `follow` push as TIM's follow list events: `{userInfoList, isAdd}`. */
  private onFollowPush(data: any): void {
    if (!this.ready) return;
    const event = FOLLOW_EVENTS[Number(data?.follow_change_elem_follow_type)];
    if (!event) return;
    const isAdd = data.follow_change_elem_is_add === true;
    const ids: string[] = (data.follow_change_elem_user_id_list ?? []).map(String);
    const profiles: any[] = data.follow_change_elem_user_profile_list ?? [];
    const userInfoList = isAdd
      ? ids.map((userID, index) => profileFromWire({ ...(profiles[index] ?? {}), user_profile_identifier: userID }))
      : ids;
    this.emit(event, { userInfoList, isAdd });
  }

  // ----- Group attributes and counters -----

  async initGroupAttributes(options: any): Promise<ChatResponse<{ groupAttributes: Record<string, string> }>> {
    return this.writeGroupAttributes("initGroupAttributes", "group_init_attributes", options, true);
  }

  async setGroupAttributes(options: any): Promise<ChatResponse<{ groupAttributes: Record<string, string> }>> {
    return this.writeGroupAttributes("setGroupAttributes", "group_set_attributes", options, false);
  }

  /** Deletes the attributes named; an empty `keyList` deletes every one. */
  async deleteGroupAttributes(options: any): Promise<ChatResponse<{ keyList: string[] }>> {
    const method = "deleteGroupAttributes";
    const connection = this.requireLogin(method);
    const groupID = requiredString(method, "groupID", options?.groupID);
    const keyList = keyListOf(method, options.keyList);
    await connection.request("group_delete_attributes", { group_id: groupID, keys: keyList }, true);
    return ok({ keyList });
  }

  /** The attributes named, or every one when `keyList` is empty or absent. */
  async getGroupAttributes(options: any): Promise<ChatResponse<{ groupAttributes: Record<string, string> }>> {
    const method = "getGroupAttributes";
    const connection = this.requireLogin(method);
    const groupID = requiredString(method, "groupID", options?.groupID);
    const keyList = keyListOf(method, options.keyList);
    const answer = await connection.request("group_get_attributes", { group_id: groupID, keys: keyList }, true);
    return ok({ groupAttributes: attributesFromWire(answer.attributes) });
  }

  async setGroupCounters(options: any): Promise<ChatResponse<{ groupID: string; counters: Record<string, number> }>> {
    const method = "setGroupCounters";
    const connection = this.requireLogin(method);
    const groupID = requiredString(method, "groupID", options?.groupID);
    const counters = options.counters;
    if (!isObject(counters) || Array.isArray(counters) || !Object.values(counters).every((value) => Number.isSafeInteger(value))) {
      throw invalid(method, "counters must be an object of integer values by key");
    }
    const answer = await connection.request(
      "group_set_counters",
      {
        group_id: groupID,
        counters: Object.entries(counters).map(([key, value]) => ({ group_counter_key: key, group_counter_value: value })),
      },
      true,
    );
    return ok({ groupID, counters: countersFromWire(answer.counters) });
  }

  async increaseGroupCounter(options: any): Promise<ChatResponse<{ groupID: string; key: string; value: number }>> {
    return this.changeGroupCounter("increaseGroupCounter", "group_increase_counter", options);
  }

  async decreaseGroupCounter(options: any): Promise<ChatResponse<{ groupID: string; key: string; value: number }>> {
    return this.changeGroupCounter("decreaseGroupCounter", "group_decrease_counter", options);
  }

  /** The counters named, or every one when `keyList` is empty or absent. */
  async getGroupCounters(options: any): Promise<ChatResponse<{ groupID: string; counters: Record<string, number> }>> {
    const method = "getGroupCounters";
    const connection = this.requireLogin(method);
    const groupID = requiredString(method, "groupID", options?.groupID);
    const keyList = keyListOf(method, options.keyList);
    const answer = await connection.request("group_get_counters", { group_id: groupID, keys: keyList }, true);
    return ok({ groupID, counters: countersFromWire(answer.counters) });
  }

  private async writeGroupAttributes(
    method: string,
    op: string,
    options: any,
    init: boolean,
  ): Promise<ChatResponse<{ groupAttributes: Record<string, string> }>> {
    const connection = this.requireLogin(method);
    const groupID = requiredString(method, "groupID", options?.groupID);
    const attributes = options.groupAttributes;
    if (!isObject(attributes) || Array.isArray(attributes) || !Object.values(attributes).every((value) => typeof value === "string")) {
      throw invalid(method, "groupAttributes must be an object of string values by key");
    }
    if (!init && Object.keys(attributes).length === 0) throw invalid(method, "groupAttributes must hold at least one attribute");
    await connection.request(
      op,
      {
        group_id: groupID,
        attributes: Object.entries(attributes).map(([key, value]) => ({ group_attribute_key: key, group_attribute_value: value })),
      },
      true,
    );
    return ok({ groupAttributes: { ...(attributes as Record<string, string>) } });
  }

  private async changeGroupCounter(method: string, op: string, options: any): Promise<ChatResponse<{ groupID: string; key: string; value: number }>> {
    const connection = this.requireLogin(method);
    const groupID = requiredString(method, "groupID", options?.groupID);
    const key = requiredString(method, "key", options.key);
    if (!Number.isSafeInteger(options.value) || options.value < 0) throw invalid(method, "value must be a non-negative integer");
    // Not idempotent: a lost answer is not sent again, as each repeat would count.
    const answer = await connection.request(op, { group_id: groupID, group_counter_key: key, group_counter_value: options.value }, false);
    return ok({ groupID, key: String(answer.group_counter_key ?? key), value: Number(answer.group_counter_value ?? 0) });
  }

  private onGroupAttributesPush(data: any): void {
    if (!this.ready || typeof data?.group_id !== "string") return;
    this.emit(EVENT.GROUP_ATTRIBUTES_UPDATED, { groupID: data.group_id, groupAttributes: attributesFromWire(data.attributes) });
  }

  private onGroupCountersPush(data: any): void {
    if (!this.ready || typeof data?.group_id !== "string") return;
    for (const counter of data.counters ?? []) {
      this.emit(EVENT.GROUP_COUNTER_UPDATED, {
        groupID: data.group_id,
        key: String(counter.group_counter_key ?? ""),
        value: Number(counter.group_counter_value ?? 0),
      });
    }
  }

  // ----- Groups -----

  async getGroupList(_options?: unknown): Promise<ChatResponse<{ groupList: Group[] }>> {
    this.requireLogin("getGroupList");
    await this.refreshGroups();
    return ok({ groupList: [...this.groups.values()] });
  }

  async getGroupProfile(options: any): Promise<ChatResponse<{ group: Group }>> {
    const method = "getGroupProfile";
    this.requireLogin(method);
    const groupID = requiredString(method, "groupID", options?.groupID);
    return ok({ group: await this.fetchGroup(method, groupID) });
  }

  async createGroup(options: any): Promise<ChatResponse> {
    const method = "createGroup";
    const connection = this.requireLogin(method);
    if (!isObject(options)) throw invalid(method, "options must be an object");
    const name = requiredString(method, "name", options.name);
    const typeName = options.type ?? TYPES.GRP_WORK;
    const type = groupTypeNumber(typeName);
    if (type === undefined) throw invalid(method, `type ${JSON.stringify(typeName)} is not a group type`);
    const memberList = options.memberList ?? [];
    if (!Array.isArray(memberList)) throw invalid(method, "memberList must be an array");
    const members = memberList.map((member: unknown) => {
      if (!isObject(member) || typeof member.userID !== "string" || member.userID === "") {
        throw invalid(method, "each memberList entry needs a userID");
      }
      const role = roleNumber(member.role);
      if (role === undefined) throw invalid(method, `memberList role ${JSON.stringify(member.role)} is not Member or Admin`);
      return { group_member_info_identifier: member.userID, group_member_info_member_role: role };
    });
    const data: Record<string, unknown> = {
      create_group_param_group_name: name,
      create_group_param_group_id: typeof options.groupID === "string" ? options.groupID : "",
      create_group_param_group_type: type,
      create_group_param_group_member_array: members,
      create_group_param_notification: String(options.notification ?? ""),
      create_group_param_introduction: String(options.introduction ?? ""),
      create_group_param_face_url: String(options.avatar ?? ""),
      create_group_param_max_member_num: Number(options.maxMemberNum) > 0 ? Number(options.maxMemberNum) : 0,
    };
    if (options.joinOption !== undefined) {
      const addOption = joinOptionNumber(options.joinOption);
      if (addOption === undefined) throw invalid(method, `joinOption ${JSON.stringify(options.joinOption)} is not a join option`);
      data.create_group_param_add_option = addOption;
    }
    if (options.inviteOption !== undefined) {
      const approveOption = inviteOptionNumber(options.inviteOption);
      if (approveOption === undefined) throw invalid(method, `inviteOption ${JSON.stringify(options.inviteOption)} is not an invite option`);
      data.create_group_param_approve_option = approveOption;
    }
    const answer = await connection.request("group_create", data, false);
    const groupID = String(answer.create_group_result_groupid);
    const group = await this.refreshGroup(groupID);
    this.ensureGroupConversation(groupID);
    this.announceGroups();
    return ok({ group, overLimitUserIDList: [] });
  }

  async dismissGroup(groupID: string): Promise<ChatResponse> {
    const method = "dismissGroup";
    const connection = this.requireLogin(method);
    requiredString(method, "groupID", groupID);
    await connection.request("group_delete", { group_id: groupID }, false);
    this.forgetGroup(groupID);
    return ok({ groupID });
  }

  async joinGroup(options: any): Promise<ChatResponse> {
    const method = "joinGroup";
    const connection = this.requireLogin(method);
    const groupID = requiredString(method, "groupID", options?.groupID);
    try {
      await connection.request("group_join", { group_id: groupID, hello_msg: String(options.applyMessage ?? "") }, false);
    } catch (error) {
      if (error instanceof ChatError && error.code === 10013) {
        return ok({ status: TYPES.JOIN_STATUS_ALREADY_IN_GROUP, group: await this.fetchGroup(method, groupID) });
      }
      throw error;
    }
    // A group that needs approval took a join request: the user is not a member yet.
    const asked = await this.fetchGroup(method, groupID);
    if (asked.joinOption === TYPES.JOIN_OPTIONS_NEED_PERMISSION && !this.groups.has(groupID)) {
      return ok({ status: TYPES.JOIN_STATUS_WAIT_APPROVAL, group: asked });
    }
    const group = await this.refreshGroup(groupID);
    this.ensureGroupConversation(groupID);
    this.announceGroups();
    return ok({ status: TYPES.JOIN_STATUS_SUCCESS, group });
  }

  async quitGroup(groupID: string): Promise<ChatResponse> {
    const method = "quitGroup";
    const connection = this.requireLogin(method);
    requiredString(method, "groupID", groupID);
    await connection.request("group_quit", { group_id: groupID }, false);
    this.forgetGroup(groupID);
    return ok({ groupID });
  }

  async searchGroupByID(groupID: string): Promise<ChatResponse<{ group: Group }>> {
    const method = "searchGroupByID";
    this.requireLogin(method);
    requiredString(method, "groupID", groupID);
    return ok({ group: await this.fetchGroup(method, groupID) });
  }

  async getGroupOnlineMemberCount(groupID: string): Promise<ChatResponse<{ memberCount: number }>> {
    const method = "getGroupOnlineMemberCount";
    this.requireLogin(method);
    requiredString(method, "groupID", groupID);
    const connection = this.requireLogin(method);
    const answer = await connection.request("group_get_online_member_count", { group_id: groupID }, true);
    return ok({ memberCount: Number(answer.group_get_online_member_count_result ?? 0) });
  }

  async getPinnedGroupMessageList(groupID: string): Promise<ChatResponse> {
    const method = "getPinnedGroupMessageList";
    this.requireLogin(method);
    requiredString(method, "groupID", groupID);
    return ok({ messageList: [] });
  }

  async getJoinedCommunityList(): Promise<ChatResponse> {
    this.requireLogin("getJoinedCommunityList");
    return ok({ groupList: [] });
  }

  /**
   * Groups whose ID or name holds the keywords (all of them with `keywordListMatchType` "and",
   * any otherwise, as TIM's default): the user's groups, and a searchable group whose exact ID
   * is a keyword. Paged by `count` (default 20) and `cursor`.
   */
  async searchCloudGroups(options: any): Promise<ChatResponse> {
    const method = "searchCloudGroups";
    const connection = this.requireLogin(method);
    const { keywords, all, count, offset, types } = searchOptions(method, options);
    const found = new Map<string, Record<string, any>>();
    for (const list of all ? [keywords] : keywords.map((keyword) => [keyword])) {
      const answer = await connection.request("group_search_groups", { group_search_params_keyword_list: list, group_search_params_field_list: [] }, true);
      for (const info of answer.groups ?? []) found.set(String(info.group_detail_info_group_id), info);
    }
    const groups = [...found.values()]
      .sort((a, b) => (String(a.group_detail_info_group_id) < String(b.group_detail_info_group_id) ? -1 : 1))
      .map((info) => {
        const groupID = String(info.group_detail_info_group_id);
        const known = this.groups.get(groupID);
        const group = applyDetailInfo(known ? { ...known, selfInfo: { ...known.selfInfo } } : emptyGroup(groupID, this.userID), info);
        if (!known) group.selfInfo.role = "";
        return group;
      })
      .filter((group) => types.length === 0 || types.includes(group.type));
    const page = groups.slice(offset, offset + count);
    const next = offset + page.length;
    return ok({ searchResultList: page, cursor: next < groups.length ? String(next) : "", totalCount: groups.length });
  }

  /**
   * Members of the user's groups (or of `groupIDList`) whose ID, or a word of whose name card,
   * starts with the keywords; grouped by group as TIM gives them, paged by member.
   */
  async searchCloudGroupMembers(options: any): Promise<ChatResponse> {
    const method = "searchCloudGroupMembers";
    const connection = this.requireLogin(method);
    const { keywords, all, count, offset, types } = searchOptions(method, options);
    const groupIDList = options.groupIDList === undefined ? [] : stringList(method, "groupIDList", options.groupIDList);
    const found = new Map<string, { groupID: string; member: GroupMember }>();
    for (const list of all ? [keywords] : keywords.map((keyword) => [keyword])) {
      const answer = await connection.request(
        "group_search_members",
        {
          group_search_member_params_groupid_list: groupIDList,
          group_search_member_params_keyword_list: list,
          group_search_member_params_field_list: [],
        },
        true,
      );
      for (const result of answer.results ?? []) {
        const groupID = String(result.group_search_member_result_groupid ?? "");
        for (const info of result.group_search_member_result_member_info_list ?? []) {
          const member = memberFromWire(info);
          found.set(`${groupID}\u0000${member.userID}`, { groupID, member });
        }
      }
    }
    const matches = [...found.values()].filter(({ groupID }) => types.length === 0 || types.includes(this.groups.get(groupID)?.type ?? ""));
    const page = matches.slice(offset, offset + count);
    const byGroup = new Map<string, { groupInfo: Record<string, string>; memberList: Array<Record<string, string>> }>();
    for (const { groupID, member } of page) {
      let entry = byGroup.get(groupID);
      if (!entry) {
        const group = this.groups.get(groupID);
        entry = { groupInfo: { groupID, name: group?.name ?? "", type: group?.type ?? "", avatar: group?.avatar ?? "" }, memberList: [] };
        byGroup.set(groupID, entry);
      }
      entry.memberList.push({ userID: member.userID, nick: member.nick, nameCard: member.nameCard, avatar: member.avatar });
    }
    const next = offset + page.length;
    return ok({ searchResultList: [...byGroup.values()], cursor: next < matches.length ? String(next) : "", totalCount: matches.length });
  }

  // ----- Group members -----

  async getGroupMemberList(options: any): Promise<ChatResponse<{ memberList: GroupMember[]; offset: number }>> {
    const method = "getGroupMemberList";
    const connection = this.requireLogin(method);
    const groupID = requiredString(method, "groupID", options?.groupID);
    const offset = options.offset === undefined || options.offset === "" ? 0 : Number(options.offset);
    if (!Number.isInteger(offset) || offset < 0) throw invalid(method, "offset must be the offset of the previous page, or 0");
    const answer = await connection.request(
      "group_get_members",
      {
        group_get_members_info_list_param_group_id: groupID,
        group_get_members_info_list_param_identifier_array: [],
        group_get_members_info_list_param_next_seq: offset,
      },
      true,
    );
    let memberList: GroupMember[] = (answer.group_get_member_info_list_result_info_array ?? []).map(memberFromWire);
    if (typeof options.role === "string" && options.role !== "") memberList = memberList.filter((member) => member.role === options.role);
    return ok({ memberList, offset: Number(answer.group_get_member_info_list_result_next_seq ?? 0) });
  }

  async getGroupMemberProfile(options: any): Promise<ChatResponse<{ memberList: GroupMember[] }>> {
    const method = "getGroupMemberProfile";
    const connection = this.requireLogin(method);
    const groupID = requiredString(method, "groupID", options?.groupID);
    const userIDList = stringList(method, "userIDList", options.userIDList).slice(0, 50);
    const answer = await connection.request(
      "group_get_members",
      {
        group_get_members_info_list_param_group_id: groupID,
        group_get_members_info_list_param_identifier_array: userIDList,
        group_get_members_info_list_param_next_seq: 0,
      },
      true,
    );
    return ok({ memberList: (answer.group_get_member_info_list_result_info_array ?? []).map(memberFromWire) });
  }

  async addGroupMember(options: any): Promise<ChatResponse> {
    const method = "addGroupMember";
    const connection = this.requireLogin(method);
    const groupID = requiredString(method, "groupID", options?.groupID);
    const userIDList = stringList(method, "userIDList", options.userIDList);
    const answer = await connection.request(
      "group_invite_member",
      {
        group_invite_member_param_group_id: groupID,
        group_invite_member_param_identifier_array: userIDList,
        group_invite_member_param_user_data: "",
      },
      false,
    );
    const results: any[] = answer.results ?? [];
    const pick = (result: number) =>
      results.filter((entry) => entry.group_invite_member_result_result === result).map((entry) => String(entry.group_invite_member_result_identifier));
    const group = await this.refreshGroup(groupID);
    this.announceGroups();
    return ok({
      successUserIDList: pick(1),
      failureUserIDList: pick(0),
      existedUserIDList: pick(2),
      overLimitUserIDList: [],
      group,
    });
  }

  async deleteGroupMember(options: any): Promise<ChatResponse> {
    const method = "deleteGroupMember";
    const connection = this.requireLogin(method);
    const groupID = requiredString(method, "groupID", options?.groupID);
    const userIDList = stringList(method, "userIDList", options.userIDList);
    const answer = await connection.request(
      "group_delete_member",
      {
        group_delete_member_param_group_id: groupID,
        group_delete_member_param_identifier_array: userIDList,
        group_delete_member_param_user_data: String(options.reason ?? ""),
      },
      false,
    );
    const removed = (answer.results ?? [])
      .filter((entry: any) => entry.group_delete_member_result_result === 1)
      .map((entry: any) => String(entry.group_delete_member_result_identifier));
    const group = await this.refreshGroup(groupID);
    this.announceGroups();
    return ok({ group, userIDList: removed });
  }

  // ----- Messages: lifecycle -----

  async revokeMessage(message: Message): Promise<ChatResponse<{ message: Message }>> {
    const method = "revokeMessage";
    const connection = this.requireLogin(method);
    const conv = this.messageConversation(method, message);
    await connection.request(
      "msg_revoke",
      { conv_id: conv.id, conv_type: conv.type, message: { message_msg_id: message.ID, message_seq: Number(message.sequence) || 0 } },
      true,
    );
    const revoked = this.markRevoked(message, this.userID, "");
    // TIM tells the revoking instance too: apps (Tencent's UIKits among them) update their list from the event.
    if (this.ready) this.emit(EVENT.MESSAGE_REVOKED, [revoked]);
    return ok({ message: revoked });
  }

  async modifyMessage(message: Message): Promise<ChatResponse<{ message: Message }>> {
    const method = "modifyMessage";
    const connection = this.requireLogin(method);
    const conv = this.messageConversation(method, message);
    const elems = payloadToElems(message.type, message.payload);
    if (!elems) throw invalid(method, `a ${message.type} message cannot be modified: its payload is not one the server can store as it is`);
    let answer: any;
    try {
      answer = await connection.request(
        "msg_modify",
        {
          message: {
            message_conv_id: conv.id,
            message_conv_type: conv.type,
            message_msg_id: message.ID,
            message_seq: Number(message.sequence) || 0,
            message_version: Number(message.version) || 0,
            message_elem_array: elems,
            message_cloud_custom_str: String(message.cloudCustomData ?? ""),
          },
        },
        true,
      );
    } catch (error) {
      if (error instanceof ChatError && error.code === 8006) {
        // TIM's conflict: the message changed meanwhile; the error carries it as it is now.
        const latest = await this.findOnServer(message.ID).catch(() => null);
        throw new ChatError(CODE.MSG_MODIFY_CONFLICT, `${method}: ${error.message}`, { message: latest ?? message });
      }
      throw error;
    }
    const stored = this.adopt(fromWire(answer.message as WireMessage, this.userID));
    if (isMessage(message) && message !== stored) Object.assign(message, stored);
    this.refreshLastMessage(stored);
    // As TIM documents, the modifying instance hears MESSAGE_MODIFIED as well as the others.
    if (this.ready) this.emit(EVENT.MESSAGE_MODIFIED, [stored]);
    return ok({ message: stored });
  }

  async deleteMessage(messageList: Message[]): Promise<ChatResponse<{ messageList: Message[] }>> {
    const method = "deleteMessage";
    const connection = this.requireLogin(method);
    const conv = this.oneConversation(method, messageList);
    if (messageList.length > 30) throw invalid(method, "at most 30 messages at a time");
    await connection.request(
      "msg_delete",
      {
        conv_id: conv.id,
        conv_type: conv.type,
        messages: messageList.map((message) => ({ message_msg_id: String(message.ID ?? ""), message_seq: Number(message.sequence) || 0 })),
      },
      true,
    );
    for (const message of messageList) {
      message.isDeleted = true;
      this.messagesByID.delete(message.ID);
      this.messagesByConv.get(message.conversationID)?.delete(message.ID);
    }
    return ok({ messageList });
  }

  async clearHistoryMessage(conversationID: string): Promise<ChatResponse> {
    const method = "clearHistoryMessage";
    const connection = this.requireLogin(method);
    const conv = this.requireConversation(method, conversationID);
    await connection.request("msg_clear_history", { conv_id: conv.id, conv_type: conv.type }, true);
    for (const id of this.messagesByConv.get(conversationID)?.keys() ?? []) this.messagesByID.delete(id);
    this.messagesByConv.delete(conversationID);
    const entry = this.convs.get(conversationID);
    if (entry) {
      entry.readSeq = Math.max(entry.readSeq, entry.maxSeq);
      entry.conv = { ...entry.conv, lastMessage: emptyLastMessage(), unreadCount: 0 };
      this.announceConversations();
    }
    return ok({});
  }

  async downloadMergerMessage(message: Message): Promise<ChatResponse<Message>> {
    const method = "downloadMergerMessage";
    this.requireLogin(method);
    if (!isObject(message) || message.type !== TYPES.MSG_MERGER) throw invalid(method, "message must be a merged-forward message");
    // The server keeps the forwarded messages inside the message: they came with it.
    return ok(message);
  }

  // ----- Messages: extensions -----

  /**
   * Sets extensions of a message sent with `isSupportExtension`: each key from the seq this
   * instance last saw of it (read first when it has seen none). Resolves with one result per
   * key, `{code, key, value}`: 0, or 23001 with the key as it is now when someone changed it
   * first; trying again then applies the change over it.
   */
  async setMessageExtensions(message: Message, extensions: unknown): Promise<ChatResponse<{ extensions: ExtensionResult[] }>> {
    const method = "setMessageExtensions";
    const connection = this.requireLogin(method);
    const named = this.extensionMessage(method, message);
    if (!Array.isArray(extensions) || extensions.length === 0) throw invalid(method, "extensions must be a non-empty array of {key, value}");
    for (const item of extensions) {
      if (!isObject(item) || typeof item.key !== "string" || item.key === "" || typeof item.value !== "string") {
        throw invalid(method, "each extension must be {key, value}: a non-empty key and a string value");
      }
    }
    const items = extensions as Array<{ key: string; value: string }>;
    const seqs = await this.extensionSeqsFor(message, named, items.map((item) => item.key));
    const answer = await connection.request(
      "msg_set_extensions",
      {
        message: named,
        extensions: items.map((item) => ({
          message_extension_key: item.key,
          message_extension_value: item.value,
          message_extension_seq: seqs.get(item.key) ?? 0,
        })),
      },
      true,
    );
    const results = this.extensionResults(message.ID, answer.results);
    this.tellOwnExtensions(message.ID, results, false);
    return ok({ extensions: results });
  }

  /** A message's extensions as `{key, value}`, every key or those of `keyList`. */
  async getMessageExtensions(message: Message, keyList?: unknown): Promise<ChatResponse<{ extensions: Array<{ key: string; value: string }> }>> {
    const method = "getMessageExtensions";
    this.requireLogin(method);
    const named = this.extensionMessage(method, message);
    const keys = keyListOf(method, keyList);
    const all = await this.readExtensions(message.ID, named);
    const wanted = keys.length === 0 ? all : all.filter((item) => keys.includes(item.key));
    return ok({ extensions: wanted.filter((item) => item.value !== "").map(({ key, value }) => ({ key, value })) });
  }

  /**
   * Deletes the extensions named in `keyList`, each from the seq last seen of it, or every one
   * when `keyList` is empty or absent; one result per key, as for `setMessageExtensions` (23004
   * for a key that does not exist).
   */
  async deleteMessageExtensions(message: Message, keyList?: unknown): Promise<ChatResponse<{ extensions: ExtensionResult[] }>> {
    const method = "deleteMessageExtensions";
    const connection = this.requireLogin(method);
    const named = this.extensionMessage(method, message);
    const keys = keyListOf(method, keyList);
    const seqs = keys.length === 0 ? new Map<string, number>() : await this.extensionSeqsFor(message, named, keys);
    const answer = await connection.request(
      "msg_delete_extensions",
      {
        message: named,
        extensions: keys.map((key) => ({ message_extension_key: key, message_extension_value: "", message_extension_seq: seqs.get(key) ?? 0 })),
      },
      true,
    );
    const results = this.extensionResults(message.ID, answer.results);
    this.tellOwnExtensions(message.ID, results, true);
    return ok({ extensions: results });
  }

  /**
   * The server tells the changer's other connections, not this one; TIM tells the instance that
   * made the change too.
   */
  private tellOwnExtensions(messageID: string, results: ExtensionResult[], deleted: boolean): void {
    const done = results.filter((result) => result.code === 0);
    if (!this.ready || done.length === 0) return;
    if (deleted) this.emit(EVENT.MESSAGE_EXTENSIONS_DELETED, { messageID, keyList: done.map((result) => result.key) });
    else this.emit(EVENT.MESSAGE_EXTENSIONS_UPDATED, { messageID, extensions: done.map(({ key, value }) => ({ key, value })) });
  }

  /** The message as extension calls name it; refuses one that was not sent for extensions. */
  private extensionMessage(method: string, message: unknown): Record<string, unknown> {
    if (!isObject(message) || typeof message.ID !== "string" || message.ID === "") {
      throw new ChatError(CODE.MSG_INSTANCE_REQUIRED, `${method}: message must be a message that was sent`);
    }
    const conv = this.requireConversation(method, message.conversationID);
    if (message.status !== "success") throw invalid(method, "the message has not been sent successfully");
    if (message.isSupportExtension !== true) {
      throw invalid(method, "the message was not sent with isSupportExtension: true, so it takes no extensions");
    }
    return { message_conv_id: conv.id, message_conv_type: conv.type, message_msg_id: message.ID, message_seq: Number(message.sequence) || 0 };
  }

  /** Reads every extension of a message, with its seq, and remembers the seqs. */
  private async readExtensions(messageID: string, named: Record<string, unknown>): Promise<Array<{ key: string; value: string; seq: number }>> {
    const connection = this.requireLogin("getMessageExtensions");
    const answer = await connection.request("msg_get_extensions", { message: named }, true);
    const items = (Array.isArray(answer.extensions) ? answer.extensions : []).map(extensionFromWire);
    // The answer is the message's extensions as they are: what this instance remembered of keys
    // it does not hold (deleted since) gives way to it.
    this.extensionSeqs.delete(messageID);
    this.noteExtensionSeqs(messageID, items);
    return items;
  }

  /** The seqs last seen of `keys`; the message's extensions are read first when one is unknown. */
  private async extensionSeqsFor(message: Message, named: Record<string, unknown>, keys: string[]): Promise<Map<string, number>> {
    const known = this.extensionSeqs.get(message.ID);
    if (!known || keys.some((key) => !known.has(key))) await this.readExtensions(message.ID, named);
    return this.extensionSeqs.get(message.ID) ?? new Map();
  }

  private noteExtensionSeqs(messageID: string, items: Array<{ key: string; seq: number }>): void {
    if (messageID === "") return;
    if (this.extensionSeqs.size >= EXTENSION_MESSAGES_MAX && !this.extensionSeqs.has(messageID)) this.extensionSeqs.clear();
    const seqs = this.extensionSeqs.get(messageID) ?? new Map<string, number>();
    for (const item of items) seqs.set(item.key, Math.max(seqs.get(item.key) ?? 0, item.seq));
    this.extensionSeqs.set(messageID, seqs);
  }

  private extensionResults(messageID: string, results: unknown): ExtensionResult[] {
    const list: any[] = Array.isArray(results) ? results : [];
    const items = list.map((result) => extensionFromWire(result.message_extension_item));
    this.noteExtensionSeqs(messageID, items);
    return list.map((result, index) => ({
      code: Number(result.message_extension_result_code ?? 0),
      key: items[index]?.key ?? "",
      value: items[index]?.value ?? "",
    }));
  }

  /** `msg_extensions_changed` and `msg_extensions_deleted`: TIM's two events. */
  private onExtensionsPush(data: any, deleted: boolean): void {
    const messageID = String(data?.message_msg_id ?? "");
    if (messageID === "") return;
    const items = (Array.isArray(data?.extensions) ? data.extensions : []).map(extensionFromWire);
    this.noteExtensionSeqs(messageID, items);
    if (!this.ready || items.length === 0) return;
    if (deleted) {
      this.emit(EVENT.MESSAGE_EXTENSIONS_DELETED, { messageID, keyList: items.map((item: { key: string }) => item.key) });
    } else {
      this.emit(EVENT.MESSAGE_EXTENSIONS_UPDATED, {
        messageID,
        extensions: items.map((item: { key: string; value: string }) => ({ key: item.key, value: item.value })),
      });
    }
  }

  /** The user deleted messages for itself on another device: they leave this instance's caches. */
  private onDeletedPush(data: any): void {
    const conversationID = `${data?.conv_type === 2 ? TYPES.CONV_GROUP : TYPES.CONV_C2C}${data?.conv_id}`;
    for (const id of Array.isArray(data?.msg_ids) ? data.msg_ids : []) {
      const message = this.messagesByID.get(String(id));
      if (message) message.isDeleted = true;
      this.messagesByID.delete(String(id));
      this.messagesByConv.get(conversationID)?.delete(String(id));
    }
  }

  // ----- Conversations: management -----

  async deleteConversation(options: any): Promise<ChatResponse> {
    const method = "deleteConversation";
    const connection = this.requireLogin(method);
    const single = typeof options === "string";
    const ids = single ? [options] : stringList(method, "conversationIDList", options?.conversationIDList);
    if (ids.length > 100) throw invalid(method, "conversationIDList holds at most 100 conversations");
    for (const id of ids) this.requireConversation(method, id);
    const clear = single ? true : options.clearHistoryMessage !== false;
    const answer = await connection.request("conv_delete", { conversation_id_array: ids.map(wireConversationID), clearMessage: clear }, false);
    const { success, failure } = operationResults(answer.results);
    if (success.length === 0 && failure.length > 0) throw new ChatError(failure[0].code, `${method}: ${failure[0].message}`);
    for (const id of success) this.dropConversation(id, clear);
    return ok(single ? { conversationID: options } : { conversationIDList: success });
  }

  async pinConversation(options: any): Promise<ChatResponse<{ conversationID: string }>> {
    const method = "pinConversation";
    const connection = this.requireLogin(method);
    const conv = this.requireConversation(method, options?.conversationID);
    if (typeof options.isPinned !== "boolean") throw invalid(method, "isPinned must be true or false");
    await connection.request("conv_pin", { conv_id: conv.id, conv_type: conv.type, is_pinned: options.isPinned }, true);
    const entry = this.convs.get(options.conversationID);
    if (entry && entry.conv.isPinned !== options.isPinned) {
      entry.conv = { ...entry.conv, isPinned: options.isPinned };
      this.announceConversations();
    }
    return ok({ conversationID: options.conversationID });
  }

  async markConversation(options: any): Promise<ChatResponse> {
    const method = "markConversation";
    const connection = this.requireLogin(method);
    const ids = this.conversationIDs(method, options?.conversationIDList);
    if (typeof options.markType !== "number" || !Number.isInteger(options.markType) || options.markType <= 0) {
      throw invalid(method, "markType must be one of TYPES.CONV_MARK_TYPE_* or an app's own mark");
    }
    if (typeof options.enableMark !== "boolean") throw invalid(method, "enableMark must be true or false");
    const answer = await connection.request(
      "conv_mark",
      { conversation_id_array: ids.map(wireConversationID), mark_type: options.markType, enable_mark: options.enableMark },
      true,
    );
    const { success, failure } = operationResults(answer.results);
    for (const id of success) {
      const entry = this.convs.get(id);
      if (!entry) continue;
      const marks = new Set(entry.conv.markList);
      if (options.enableMark) marks.add(options.markType);
      else marks.delete(options.markType);
      entry.conv = { ...entry.conv, markList: [...marks].sort((a, b) => a - b) };
    }
    this.announceConversations();
    return ok({ successConversationIDList: success, failureConversationIDList: failure });
  }

  async setConversationCustomData(options: any): Promise<ChatResponse> {
    const method = "setConversationCustomData";
    const connection = this.requireLogin(method);
    const ids = this.conversationIDs(method, options?.conversationIDList);
    if (typeof options.customData !== "string") throw invalid(method, "customData must be a string");
    const answer = await connection.request(
      "conv_set_custom_data",
      { conversation_id_array: ids.map(wireConversationID), custom_data: options.customData },
      true,
    );
    const { success, failure } = operationResults(answer.results);
    for (const id of success) {
      const entry = this.convs.get(id);
      if (entry) entry.conv = { ...entry.conv, customData: options.customData };
    }
    this.announceConversations();
    return ok({ successConversationIDList: success, failureConversationIDList: failure });
  }

  async getConversationGroupList(): Promise<ChatResponse<string[]>> {
    const connection = this.requireLogin("getConversationGroupList");
    const answer = await connection.request("conv_group_get_list", {}, true);
    return ok((answer.conv_group_array ?? []).map(String));
  }

  async createConversationGroup(options: any): Promise<ChatResponse> {
    const method = "createConversationGroup";
    const connection = this.requireLogin(method);
    const groupName = requiredString(method, "groupName", options?.groupName);
    const ids = this.conversationIDs(method, options.conversationIDList);
    const answer = await connection.request(
      "conv_group_create",
      { group_name: groupName, conversation_id_array: ids.map(wireConversationID) },
      false,
    );
    const { success, failure } = operationResults(answer.results);
    return ok({ successConversationIDList: success, failureConversationIDList: failure });
  }

  async deleteConversationGroup(groupName: string): Promise<ChatResponse> {
    const method = "deleteConversationGroup";
    const connection = this.requireLogin(method);
    await connection.request("conv_group_delete", { group_name: requiredString(method, "groupName", groupName) }, false);
    return ok({});
  }

  async renameConversationGroup(options: any): Promise<ChatResponse> {
    const method = "renameConversationGroup";
    const connection = this.requireLogin(method);
    const oldName = requiredString(method, "oldName", options?.oldName);
    const newName = requiredString(method, "newName", options.newName);
    await connection.request("conv_group_rename", { old_name: oldName, new_name: newName }, false);
    return ok({});
  }

  async addConversationsToGroup(options: any): Promise<ChatResponse> {
    return this.conversationsInGroup("addConversationsToGroup", "conv_group_add", options);
  }

  async deleteConversationsFromGroup(options: any): Promise<ChatResponse> {
    return this.conversationsInGroup("deleteConversationsFromGroup", "conv_group_remove", options);
  }

  // ----- Profiles and status -----

  async updateMyProfile(options: any): Promise<ChatResponse<Profile>> {
    const method = "updateMyProfile";
    const connection = this.requireLogin(method);
    if (!isObject(options)) throw invalid(method, "options must be an object");
    const item = profileItemFromOptions(options);
    if (typeof item === "string") throw invalid(method, item);
    await connection.request("profile_modify_self", item, true);
    const [profile] = await this.fetchProfiles([this.userID]);
    return ok(profile ?? this.profileFor(this.userID));
  }

  async getUserStatus(options: any): Promise<ChatResponse> {
    const method = "getUserStatus";
    const connection = this.requireLogin(method);
    const userIDList = stringList(method, "userIDList", options?.userIDList);
    if (userIDList.length > 100) throw invalid(method, "userIDList holds at most 100 users");
    const answer = await connection.request("status_get", { user_id_list: userIDList }, true);
    const successUserList = (answer.statuses ?? []).map(statusFromWire);
    const found = new Set(successUserList.map((status: { userID: string }) => status.userID));
    const failureUserList = userIDList
      .filter((userID) => !found.has(userID))
      .map((userID) => ({ userID, code: 70107, message: `${userID} is not an account of this app` }));
    return ok({ successUserList, failureUserList });
  }

  async setSelfStatus(options: any): Promise<ChatResponse> {
    const method = "setSelfStatus";
    const connection = this.requireLogin(method);
    const customStatus = options?.customStatus ?? "";
    if (typeof customStatus !== "string") throw invalid(method, "customStatus must be a string");
    await connection.request("status_set_self", { user_status_custom_status: customStatus }, true);
    return ok({ userID: this.userID, statusType: TYPES.USER_STATUS_ONLINE, customStatus });
  }

  async subscribeUserStatus(options: any): Promise<ChatResponse> {
    const method = "subscribeUserStatus";
    const connection = this.requireLogin(method);
    const userIDList = stringList(method, "userIDList", options?.userIDList);
    await connection.request("status_subscribe", { user_id_list: userIDList }, true);
    return ok({ failureUserList: [] });
  }

  async unsubscribeUserStatus(options?: any): Promise<ChatResponse> {
    const method = "unsubscribeUserStatus";
    const connection = this.requireLogin(method);
    const list = options?.userIDList;
    const userIDList = list === undefined || (Array.isArray(list) && list.length === 0) ? [] : stringList(method, "userIDList", list);
    await connection.request("status_unsubscribe", { user_id_list: userIDList }, true);
    return ok({ failureUserList: [] });
  }

  // ----- Groups: administration -----

  async updateGroupProfile(options: any): Promise<ChatResponse<{ group: Group }>> {
    const method = "updateGroupProfile";
    const connection = this.requireLogin(method);
    const groupID = requiredString(method, "groupID", options?.groupID);
    const data: Record<string, unknown> = { group_modify_info_param_group_id: groupID };
    let flag = 0;
    const text = (name: string, bit: number, key: string) => {
      if (options[name] === undefined) return;
      if (typeof options[name] !== "string") throw invalid(method, `${name} must be a string`);
      flag |= bit;
      data[key] = options[name];
    };
    text("name", 0x1, "group_modify_info_param_group_name");
    text("notification", 0x2, "group_modify_info_param_notification");
    text("introduction", 0x4, "group_modify_info_param_introduction");
    text("avatar", 0x8, "group_modify_info_param_face_url");
    if (options.joinOption !== undefined) {
      const addOption = joinOptionNumber(options.joinOption);
      if (addOption === undefined) throw invalid(method, `joinOption ${JSON.stringify(options.joinOption)} is not a join option`);
      flag |= 0x10;
      data.group_modify_info_param_add_option = addOption;
    }
    if (options.maxMemberNum !== undefined) {
      if (typeof options.maxMemberNum !== "number" || !Number.isInteger(options.maxMemberNum) || options.maxMemberNum <= 0) {
        throw invalid(method, "maxMemberNum must be a positive whole number");
      }
      flag |= 0x20;
      data.group_modify_info_param_max_member_num = options.maxMemberNum;
    }
    if (options.muteAllMembers !== undefined) {
      if (typeof options.muteAllMembers !== "boolean") throw invalid(method, "muteAllMembers must be true or false");
      flag |= 0x100;
      data.group_modify_info_param_is_shutup_all = options.muteAllMembers;
    }
    if (options.groupCustomField !== undefined) {
      const fields = options.groupCustomField;
      if (!Array.isArray(fields) || !fields.every((field) => isObject(field) && typeof field.key === "string" && typeof field.value === "string")) {
        throw invalid(method, "groupCustomField must be an array of {key, value} strings");
      }
      flag |= 0x200;
      data.group_modify_info_param_custom_info = fields.map((field: { key: string; value: string }) => ({
        group_info_custom_string_info_key: field.key,
        group_info_custom_string_info_value: field.value,
      }));
    }
    if (options.inviteOption !== undefined) {
      const approveOption = inviteOptionNumber(options.inviteOption);
      if (approveOption === undefined) throw invalid(method, `inviteOption ${JSON.stringify(options.inviteOption)} is not an invite option`);
      flag |= 0x1000;
      data.group_modify_info_param_approve_option = approveOption;
    }
    if (flag === 0) throw invalid(method, "nothing to change: give name, avatar, introduction, notification, joinOption, inviteOption, maxMemberNum, muteAllMembers or groupCustomField");
    data.group_modify_info_param_modify_flag = flag;
    await connection.request("group_modify_info", data, true);
    const group = await this.refreshGroup(groupID);
    this.announceGroups();
    return ok({ group });
  }

  async changeGroupOwner(options: any): Promise<ChatResponse<{ group: Group }>> {
    const method = "changeGroupOwner";
    const connection = this.requireLogin(method);
    const groupID = requiredString(method, "groupID", options?.groupID);
    const newOwnerID = requiredString(method, "newOwnerID", options.newOwnerID);
    await connection.request(
      "group_modify_info",
      { group_modify_info_param_group_id: groupID, group_modify_info_param_modify_flag: 0x80000000, group_modify_info_param_owner: newOwnerID },
      true,
    );
    const group = await this.refreshGroup(groupID);
    this.announceGroups();
    return ok({ group });
  }

  async setGroupMemberRole(options: any): Promise<ChatResponse<{ group: Group }>> {
    const method = "setGroupMemberRole";
    const role = options?.role === TYPES.GRP_MBR_ROLE_ADMIN ? 300 : options?.role === TYPES.GRP_MBR_ROLE_MEMBER ? 200 : 0;
    if (role === 0) throw invalid(method, "role must be TYPES.GRP_MBR_ROLE_ADMIN or GRP_MBR_ROLE_MEMBER");
    return this.modifyMember(method, options, 0x2, { group_modify_member_info_member_role: role });
  }

  async setGroupMemberMuteTime(options: any): Promise<ChatResponse<{ group: Group }>> {
    const method = "setGroupMemberMuteTime";
    const muteTime = options?.muteTime;
    if (typeof muteTime !== "number" || !Number.isInteger(muteTime) || muteTime < 0 || muteTime > 0xffffffff) {
      throw invalid(method, "muteTime must be whole seconds from 0 (lift the mute) to 4294967295");
    }
    return this.modifyMember(method, options, 0x4, { group_modify_member_info_shutup_time: muteTime });
  }

  async setGroupMemberNameCard(options: any): Promise<ChatResponse<{ group: Group }>> {
    const method = "setGroupMemberNameCard";
    if (typeof options?.nameCard !== "string") throw invalid(method, "nameCard must be a string");
    return this.modifyMember(method, { ...options, userID: options.userID || this.userID }, 0x8, {
      group_modify_member_info_name_card: options.nameCard,
    });
  }

  async setGroupMemberCustomField(options: any): Promise<ChatResponse<{ group: Group }>> {
    const method = "setGroupMemberCustomField";
    const fields = options?.memberCustomField;
    if (!Array.isArray(fields) || !fields.every((field) => isObject(field) && typeof field.key === "string" && typeof field.value === "string")) {
      throw invalid(method, "memberCustomField must be an array of {key, value} strings");
    }
    return this.modifyMember(method, { ...options, userID: options.userID || this.userID }, 0x10, {
      group_modify_member_info_custom_info: fields.map((field: { key: string; value: string }) => ({
        group_member_info_custom_string_info_key: field.key,
        group_member_info_custom_string_info_value: field.value,
      })),
    });
  }

  async getGroupApplicationList(): Promise<ChatResponse> {
    const connection = this.requireLogin("getGroupApplicationList");
    const applicationList: Record<string, unknown>[] = [];
    let start = 0;
    for (let page = 0; page < 50; page += 1) {
      const answer = await connection.request(
        "group_get_pendency_list",
        { group_pendency_option_start_time: start, group_pendency_option_max_limited: 100 },
        true,
      );
      for (const pendency of answer.group_pendency_result_pendency_array ?? []) {
        const groupID = String(pendency.group_pendency_group_id ?? "");
        applicationList.push(applicationFromWire(pendency, this.groups.get(groupID)?.name ?? ""));
      }
      start = Number(answer.group_pendency_result_next_start_time ?? 0);
      if (start === 0) break;
    }
    // Each applicant as people know it: its nick and avatar.
    const applicants = [...new Set(applicationList.map((application) => String(application.applicant)))];
    for (let index = 0; index < applicants.length; index += 100) {
      const profiles = await this.fetchProfiles(applicants.slice(index, index + 100)).catch(() => [] as Profile[]);
      for (const profile of profiles) {
        for (const application of applicationList) {
          if (application.applicant !== profile.userID) continue;
          application.applicantNick = profile.nick;
          application.avatar = profile.avatar;
        }
      }
    }
    return ok({ applicationList });
  }

  async handleGroupApplication(options: any): Promise<ChatResponse> {
    const method = "handleGroupApplication";
    const connection = this.requireLogin(method);
    if (!isObject(options)) throw invalid(method, "options must be an object");
    if (options.handleAction !== "Agree" && options.handleAction !== "Reject") throw invalid(method, "handleAction must be Agree or Reject");
    const application = isObject(options.application) ? options.application : null;
    const notice = isObject(options.message) ? options.message : null;
    const groupID = String(application?.groupID ?? notice?.payload?.groupProfile?.groupID ?? "");
    const applicant = String(application?.applicant ?? application?.userID ?? notice?.payload?.operatorID ?? "");
    if (groupID === "" || applicant === "") throw invalid(method, "give the application from getGroupApplicationList, or the group system notice that asked");
    // An invitation waiting for approval names its invitee: the application's userID, or the
    // first user of the notice that told of it.
    const invitation = application ? Number(application.applicationType) === 2 : Number(notice?.payload?.operationType) === 24;
    const invitee = invitation ? String(application ? application.userID ?? "" : notice?.payload?.userIDList?.[0] ?? "") : "";
    if (invitation && invitee === "") throw invalid(method, "the invitation names no invitee (userID)");
    const pendency: Record<string, unknown> = { group_pendency_group_id: groupID, group_pendency_form_identifier: applicant };
    if (invitation) {
      pendency.group_pendency_pendency_type = 1;
      pendency.group_pendency_to_identifier = invitee;
    }
    await connection.request(
      "group_handle_pendency",
      {
        group_handle_pendency_param_is_accept: options.handleAction === "Agree",
        group_handle_pendency_param_handle_msg: String(options.handleMessage ?? ""),
        group_handle_pendency_param_pendency: pendency,
      },
      false,
    );
    const group = await this.refreshGroup(groupID).catch(() => emptyGroup(groupID, this.userID));
    this.announceGroups();
    return ok({ group });
  }

  // ----- Signaling -----

  addSignalingListener(eventName: string, handler: Handler, context?: unknown): void {
    if (typeof eventName !== "string" || typeof handler !== "function") return;
    const list = this.signalingHandlers.get(eventName) ?? [];
    list.push({ handler, context });
    this.signalingHandlers.set(eventName, list);
  }

  removeSignalingListener(eventName: string, handler: Handler, context?: unknown): void {
    const list = this.signalingHandlers.get(eventName);
    if (!list) return;
    const index = list.findIndex((entry) => entry.handler === handler && (context === undefined || entry.context === context));
    if (index >= 0) list.splice(index, 1);
  }

  inviteSync(_options: unknown, _successCb: unknown, errorCb: unknown): void {
    this.syncNotEnabled("inviteSync", errorCb);
  }

  inviteInGroupSync(_options: unknown, _successCb: unknown, errorCb: unknown): void {
    this.syncNotEnabled("inviteInGroupSync", errorCb);
  }

  getSignalingInfo(_message: unknown): null {
    return null;
  }

  // ----- Methods whose capability the server does not have yet (see coverage.ts) -----

  translateText(..._args: unknown[]): Promise<never> { return this.notEnabled("translateText"); }
  convertVoiceToText(..._args: unknown[]): Promise<never> { return this.notEnabled("convertVoiceToText"); }
  addMessageReaction(..._args: unknown[]): Promise<never> { return this.notEnabled("addMessageReaction"); }
  removeMessageReaction(..._args: unknown[]): Promise<never> { return this.notEnabled("removeMessageReaction"); }
  getMessageReactions(..._args: unknown[]): Promise<never> { return this.notEnabled("getMessageReactions"); }
  getAllUserListOfMessageReaction(..._args: unknown[]): Promise<never> { return this.notEnabled("getAllUserListOfMessageReaction"); }
  searchCloudMessages(..._args: unknown[]): Promise<never> { return this.notEnabled("searchCloudMessages"); }
  searchCloudUsers(..._args: unknown[]): Promise<never> { return this.notEnabled("searchCloudUsers"); }
  pinGroupMessage(..._args: unknown[]): Promise<never> { return this.notEnabled("pinGroupMessage"); }
  markGroupMemberList(..._args: unknown[]): Promise<never> { return this.notEnabled("markGroupMemberList"); }
  createTopicInCommunity(..._args: unknown[]): Promise<never> { return this.notEnabled("createTopicInCommunity"); }
  deleteTopicFromCommunity(..._args: unknown[]): Promise<never> { return this.notEnabled("deleteTopicFromCommunity"); }
  updateTopicProfile(..._args: unknown[]): Promise<never> { return this.notEnabled("updateTopicProfile"); }
  getTopicList(..._args: unknown[]): Promise<never> { return this.notEnabled("getTopicList"); }
  invite(..._args: unknown[]): Promise<never> { return this.notEnabled("invite"); }
  inviteInGroup(..._args: unknown[]): Promise<never> { return this.notEnabled("inviteInGroup"); }
  cancel(..._args: unknown[]): Promise<never> { return this.notEnabled("cancel"); }
  accept(..._args: unknown[]): Promise<never> { return this.notEnabled("accept"); }
  reject(..._args: unknown[]): Promise<never> { return this.notEnabled("reject"); }
  modifyInvitation(..._args: unknown[]): Promise<never> { return this.notEnabled("modifyInvitation"); }

  /** Drops the connection as the network would; it reconnects and resumes (for tests). */
  dropConnectionForTest(): void {
    this.connection?.dropForTest();
  }

  // ----- Internals: the connection -----

  private socketFactory(): SocketFactory {
    const Socket = (this.options.WebSocket ?? (globalThis as { WebSocket?: unknown }).WebSocket) as
      | (new (url: string) => any)
      | undefined;
    if (typeof Socket !== "function") {
      throw invalid("login", "this runtime has no WebSocket: give one as the WebSocket create option");
    }
    return (url) => new Socket(url);
  }

  private onConnected(connection: Connection, answer: LoginAnswer, resumed: boolean): void {
    if (this.connection !== connection) return;
    this.tinyID = answer.tiny_id;
    this.clockOffsetSecs = Math.round(answer.server_time - Date.now() / 1000);
    if (resumed) this.emit(EVENT.NET_STATE_CHANGE, { state: TYPES.NET_STATE_CONNECTED });
  }

  private onEnded(connection: Connection, error: ChatError): void {
    if (this.connection !== connection) return;
    const wasReady = this.ready;
    this.reset();
    const type =
      error.code === 70001 || error.code === 6206
        ? TYPES.KICKED_OUT_USERSIG_EXPIRED
        : error.code === 6208
          ? TYPES.KICKED_OUT_REST_API
          : TYPES.KICKED_OUT_MULT_ACCOUNT;
    this.emit(EVENT.KICKED_OUT, { type, code: error.code, message: error.message });
    this.emit(EVENT.NET_STATE_CHANGE, { state: TYPES.NET_STATE_DISCONNECTED });
    if (wasReady) this.emit(EVENT.SDK_NOT_READY, {});
  }

  private reset(): void {
    this.connection = null;
    this.uploadTarget = null;
    this.ready = false;
    this.receiptsEnabled = null;
    this.convs.clear();
    this.drafts.clear();
    this.messagesByID.clear();
    this.messagesByConv.clear();
    this.sentIDs.clear();
    this.groups.clear();
    this.extensionSeqs.clear();
    this.profiles.clear();
    this.heldBack = [];
    this.lastTotalUnread = -1;
    this.userID = "";
    this.tinyID = 0;
  }

  private requireLogin(method: string): Connection {
    if (!this.connection) throw new ChatError(CODE.USER_NOT_LOGGED_IN, `${method}: the user is not logged in`);
    return this.connection;
  }

  private requireConversation(method: string, conversationID: unknown): { type: 1 | 2; id: string } {
    const conv = splitConversationID(conversationID);
    if (!conv) throw invalid(method, `conversationID must be C2C<userID> or GROUP<groupID>, not ${JSON.stringify(conversationID)}`);
    return conv;
  }

  private oneConversation(method: string, messageList: unknown): { type: 1 | 2; id: string } {
    if (!Array.isArray(messageList) || messageList.length === 0) throw invalid(method, "messageList must be a non-empty array of messages");
    const ids = new Set<string>();
    for (const message of messageList) {
      if (!isObject(message) || typeof message.conversationID !== "string") throw invalid(method, "messageList must hold messages");
      ids.add(message.conversationID);
    }
    if (ids.size > 1) throw invalid(method, "the messages must all be in one conversation");
    return this.requireConversation(method, [...ids][0]);
  }

  private notEnabled(method: string): Promise<never> {
    return Promise.reject(notEnabled(method, COVERAGE[method]?.note ?? method));
  }

  private syncNotEnabled(method: string, errorCb: unknown): void {
    const error = notEnabled(method, COVERAGE[method]?.note ?? method);
    if (typeof errorCb === "function") setTimeout(() => (errorCb as (error: ChatError) => void)(error), 0);
  }

  private isCommercialAbilityEnabled(bits: unknown): Promise<ChatResponse<{ enabled: boolean }>> {
    let value: bigint;
    try {
      value = BigInt(typeof bits === "number" ? Math.trunc(bits) : String(bits));
    } catch {
      return Promise.reject(invalid("isCommercialAbilityEnabled", "the ability must be a number"));
    }
    if (value <= 0n) return Promise.resolve(ok({ enabled: false }));
    const receiptsOnly = value === 1n << BigInt(RECEIPTS_BIT);
    if (!receiptsOnly) return Promise.resolve(ok({ enabled: false }));
    return this.receiptsAvailable().then((enabled) => ok({ enabled }));
  }

  /**
   * Whether the app's plan has read receipts. The server answers 7013 to a receipt call when it
   * does not, before it looks at the messages; asking for the receipts of a message that cannot
   * exist finds out without changing anything.
   */
  private receiptsAvailable(): Promise<boolean> {
    const connection = this.connection;
    if (!connection) return Promise.resolve(false);
    if (!this.receiptsEnabled) {
      this.receiptsEnabled = connection
        .request("msg_get_receipts", { messages: [{ message_conv_id: this.userID, message_conv_type: 1, message_seq: 1 }] }, true)
        .then(
          () => true,
          (error: ChatError) => error.code !== 7013,
        );
    }
    return this.receiptsEnabled;
  }

  // ----- Internals: events -----

  private emit(name: string, data: any): void {
    const list = this.handlers.get(name);
    if (!list || list.length === 0) return;
    for (const { handler, context } of [...list]) {
      try {
        handler.call(context, { name, data });
      } catch (error) {
        log(3, Math.max(this.logLevel, 3), `a handler of ${name} threw`, error);
      }
    }
  }

  private onPush(connection: Connection, kind: string, data: any, pos: number): void {
    if (this.connection !== connection) return;
    switch (kind) {
      case "message":
        this.onMessagePush(data);
        break;
      case "receipt":
        this.onReceiptPush(data);
        break;
      case "conv_read":
        this.onConvReadPush(data);
        break;
      case "group":
        this.onGroupPush(data, pos);
        break;
      case "receipt_sent":
        this.onReceiptSentPush(data);
        break;
      case "msg_revoked":
        this.onRevokedPush(data);
        break;
      case "msg_updated":
        this.onUpdatedPush(data);
        break;
      case "profile":
        this.onProfilePush(data);
        break;
      case "user_status":
        if (this.ready && Array.isArray(data?.statuses)) this.emit(EVENT.USER_STATUS_UPDATED, data.statuses.map(statusFromWire));
        break;
      case "conv":
        this.onConvPush(data);
        break;
      case "conv_group":
        this.onConvGroupPush(data);
        break;
      case "all_recv_opt":
        if (this.ready) this.emit(EVENT.ALL_RECEIVE_MESSAGE_OPT_UPDATED, allReceiveOptFromWire(data));
        break;
      case "friend":
        this.onFriendPush(data);
        break;
      case "follow":
        this.onFollowPush(data);
        break;
      case "group_attributes":
        this.onGroupAttributesPush(data);
        break;
      case "msg_extensions_changed":
        this.onExtensionsPush(data, false);
        break;
      case "msg_extensions_deleted":
        this.onExtensionsPush(data, true);
        break;
      case "msg_deleted":
        this.onDeletedPush(data);
        break;
      case "group_counters":
        this.onGroupCountersPush(data);
        break;
      case "synced":
        this.scheduleRefresh();
        break;
      default:
        // Kinds this package does not know change nothing it shows.
        break;
    }
  }

  private onMessagePush(data: any): void {
    const wire = data?.message as WireMessage | undefined;
    if (!wire) return;
    if (wire.message_is_online_msg === true) {
      // Online-only (typing notices): told to the app, kept nowhere.
      if (this.ready && wire.message_sender !== this.userID) this.emit(EVENT.MESSAGE_RECEIVED, [fromWire(wire, this.userID)]);
      return;
    }
    const own = this.sentIDs.has(wire.message_msg_id);
    const message = this.adopt(fromWire(wire, this.userID));
    if (message.flow === "in" && message.conversationType === TYPES.CONV_C2C) this.noteSender(message);
    this.applyConvState(message.conversationID, data.conv, message);
    if (message.type === TYPES.MSG_GRP_TIP) this.applyTips(message);
    if (own) {
      this.announceConversations();
      return;
    }
    if (this.ready) {
      this.emit(EVENT.MESSAGE_RECEIVED, [message]);
      this.announceConversations();
    } else {
      this.heldBack.push(message);
    }
  }

  private onReceiptPush(data: any): void {
    const receipts: any[] = Array.isArray(data?.receipts) ? data.receipts : [];
    const received: unknown[] = [];
    const readByPeer: Message[] = [];
    for (const receipt of receipts) {
      const convID = `${receipt.msg_receipt_conv_type === 2 ? TYPES.CONV_GROUP : TYPES.CONV_C2C}${receipt.msg_receipt_conv_id}`;
      if (receipt.msg_receipt_conv_type === 2) {
        const message = this.messagesByID.get(receipt.msg_receipt_msg_id);
        if (message) this.applyReceipt(message, receipt);
        received.push({
          groupID: receipt.msg_receipt_conv_id,
          messageID: receipt.msg_receipt_msg_id,
          readCount: Number(receipt.msg_receipt_read_count ?? 0),
          unreadCount: Number(receipt.msg_receipt_unread_count ?? 0),
        });
      } else if (receipt.msg_receipt_msg_id) {
        const message = this.messagesByID.get(receipt.msg_receipt_msg_id);
        if (message?.readReceiptInfo.isPeerRead === true) continue;
        if (message) this.applyReceipt(message, receipt);
        received.push({
          userID: receipt.msg_receipt_conv_id,
          messageID: receipt.msg_receipt_msg_id,
          isPeerRead: true,
          timestamp: Number(receipt.msg_receipt_time_stamp ?? 0),
        });
      } else {
        // The peer read the conversation up to a seq: each of one's own messages up to it is
        // now read by the peer.
        const upTo = Number(receipt.msg_receipt_seq ?? 0);
        for (const message of this.messagesByConv.get(convID)?.values() ?? []) {
          if (message.flow === "out" && !message.isPeerRead && (upTo === 0 || message.sequence <= upTo)) {
            message.isPeerRead = true;
            readByPeer.push(message);
          }
        }
        const entry = this.convs.get(convID);
        if (entry) {
          const lastMessage = entry.conv.lastMessage;
          const peerReadTime = Number(receipt.msg_receipt_time_stamp ?? 0) || entry.conv.peerReadTime;
          const isPeerRead = lastMessage.isPeerRead || (lastMessage.fromAccount === this.userID && (upTo === 0 || lastMessage.lastSequence <= upTo));
          entry.conv = { ...entry.conv, peerReadTime, lastMessage: { ...lastMessage, isPeerRead } };
          this.announceConversations();
        }
      }
    }
    if (received.length > 0) this.emit(EVENT.MESSAGE_READ_RECEIPT_RECEIVED, received);
    if (readByPeer.length > 0) this.emit(EVENT.MESSAGE_READ_BY_PEER, readByPeer.sort((a, b) => a.sequence - b.sequence));
  }

  /**
   * The user sent read receipts from another device: the messages now say so
   * (`hasSentReceipt`), and the app hears of them through `MESSAGE_MODIFIED`.
   */
  private onReceiptSentPush(data: any): void {
    const ids: unknown[] = Array.isArray(data?.msg_ids) ? data.msg_ids : [];
    const changed: Message[] = [];
    for (const id of ids) {
      const message = this.messagesByID.get(String(id));
      if (message && message.flow === "in" && !message.hasSentReceipt) {
        message.hasSentReceipt = true;
        changed.push(message);
      }
    }
    if (changed.length > 0 && this.ready) this.emit(EVENT.MESSAGE_MODIFIED, changed);
  }

  private onConvReadPush(data: any): void {
    const convID = `${data?.conv_type === 2 ? TYPES.CONV_GROUP : TYPES.CONV_C2C}${data?.conv_id}`;
    this.applyConvState(convID, data?.conv, undefined, data?.moved_back === true);
    const readSeq = Number(data?.conv?.read_seq ?? 0);
    const movedBack = data?.moved_back === true;
    for (const message of this.messagesByConv.get(convID)?.values() ?? []) {
      if (message.sequence <= readSeq) message.isRead = true;
      else if (movedBack && message.flow === "in") message.isRead = false;
    }
    this.announceConversations();
  }

  private onGroupPush(data: any, pos: number): void {
    const groupID = String(data?.group_id ?? "");
    const members: string[] = Array.isArray(data?.members) ? data.members : [];
    const event = String(data?.event ?? "");
    const gone = event === "dismissed" || ((event === "left" || event === "removed") && members.includes(this.userID));
    const group = this.groups.get(groupID) ?? emptyGroup(groupID, this.userID);
    if (typeof data?.member_count === "number") group.memberCount = data.member_count;
    // A group the user does not hold (a refused request) is named by the push.
    if (!group.name && typeof data?.group_name === "string") group.name = data.group_name;
    if (gone) {
      const operationType = event === "dismissed" ? 5 : event === "removed" ? 4 : 8;
      this.forgetGroup(groupID);
      if (event !== "left") this.systemNotice(pos, operationType, group, String(data?.operator ?? ""), members);
      return;
    }
    // Only created and joined make the group (again) the user's; a join request told to the
    // group's admins, or refused to its applicant, changes no membership: they are TIM's group
    // system notices (1, someone asks to join; 3, the request was refused).
    if (event === "join_requested" || event === "join_refused") {
      const known = this.groups.get(groupID) ?? group;
      this.systemNotice(pos, event === "join_requested" ? 1 : 3, known, String(data?.operator ?? ""), members);
      return;
    }
    // An invitation waiting for approval, told to the owner and admins (24, TIM's report type
    // for an invitation request to an admin), and its refusal, told to the member who invited
    // (14, an invitation refused); userIDList holds the invitees.
    if (event === "invite_requested" || event === "invite_refused") {
      const known = this.groups.get(groupID) ?? group;
      this.systemNotice(pos, event === "invite_requested" ? 24 : 14, known, String(data?.operator ?? ""), members);
      return;
    }
    if (event !== "created" && event !== "joined") return;
    this.refreshGroup(groupID)
      .then(() => {
        this.ensureGroupConversation(groupID);
        this.announceGroups();
      })
      .catch((error) => log(2, this.logLevel, `cannot read group ${groupID}`, error));
  }

  /** TIM's group system notice: the user was removed from a group, or it was dismissed. */
  private systemNotice(pos: number, operationType: number, group: Group, operatorID: string, userIDList: string[]): void {
    const message = new Message();
    message.ID = `${TYPES.CONV_SYSTEM}-${pos}`;
    message.type = TYPES.MSG_GRP_SYS_NOTICE;
    message.conversationID = TYPES.CONV_SYSTEM;
    message.conversationType = TYPES.CONV_SYSTEM;
    message.from = TYPES.CONV_SYSTEM;
    message.to = this.userID;
    message.flow = "in";
    message.status = "success";
    message.isSystemMessage = true;
    message.time = this.getServerTime();
    message.payload = { groupProfile: group, operationType, operatorID, userIDList, handleMessage: "" };
    if (this.ready) this.emit(EVENT.MESSAGE_RECEIVED, [message]);
  }

  /** A group tips message tells the other members how many there are now. */
  private applyTips(message: Message): void {
    const groupID = message.to;
    const group = this.groups.get(groupID);
    if (!group) return;
    if (message.payload.memberNum > 0) group.memberCount = message.payload.memberNum;
    const type = Number(message.payload.operationType);
    if (type === TYPES.GRP_TIP_MBR_SET_ADMIN || type === TYPES.GRP_TIP_MBR_CANCELED_ADMIN) {
      if ((message.payload.userIDList as string[]).includes(this.userID)) {
        group.selfInfo.role = type === TYPES.GRP_TIP_MBR_SET_ADMIN ? TYPES.GRP_MBR_ROLE_ADMIN : TYPES.GRP_MBR_ROLE_MEMBER;
      }
    }
    if (type === TYPES.GRP_TIP_GRP_PROFILE_UPDATED || type === TYPES.GRP_TIP_MBR_PROFILE_UPDATED) {
      // The tip says what changed; the group as it now is comes from the server.
      this.refreshGroup(groupID)
        .then(() => {
          this.announceGroups();
          this.announceConversations();
        })
        .catch((error) => log(2, this.logLevel, `cannot read group ${groupID}`, error));
      return;
    }
    this.announceGroups();
  }

  // ----- Internals: lifecycle, conversation settings, profiles, uploads -----

  /** The conversation of a message given to a lifecycle call, as the protocol names it. */
  private messageConversation(method: string, message: unknown): { type: 1 | 2; id: string } {
    if (!isObject(message) || typeof message.ID !== "string" || message.ID === "") {
      throw new ChatError(CODE.MSG_INSTANCE_REQUIRED, `${method}: message must be a message that was sent`);
    }
    return this.requireConversation(method, message.conversationID);
  }

  /** Marks a message revoked, in the cache and in the conversation's last message. */
  private markRevoked(message: Message, revoker: string, reason: string): Message {
    const cached = this.messagesByID.get(message.ID) ?? message;
    for (const target of new Set([cached, message])) {
      target.isRevoked = true;
      target.revoker = revoker;
      target.revokerInfo = { userID: revoker, nick: this.profiles.get(revoker)?.nick ?? "", avatar: this.profiles.get(revoker)?.avatar ?? "" };
      target.revokeReason = reason;
    }
    this.refreshLastMessage(cached);
    return cached;
  }

  /** A message the conversation shows last changed (revoked, modified): the list says so. */
  private refreshLastMessage(message: Message): void {
    const entry = this.convs.get(message.conversationID);
    if (!entry || entry.conv.lastMessage.lastSequence !== message.sequence || message.sequence === 0) return;
    entry.conv = { ...entry.conv, lastMessage: { ...lastMessageOf(message), revoker: message.isRevoked ? message.revoker : null } };
    this.announceConversations();
  }

  private async findOnServer(messageID: string): Promise<Message | null> {
    const connection = this.requireLogin("findMessage");
    const answer = await connection.request("msg_find", { message_ids: [messageID] }, true);
    const [wire] = answer.messages ?? [];
    return wire ? this.adopt(fromWire(wire as WireMessage, this.userID)) : null;
  }

  private onRevokedPush(data: any): void {
    const locator = data?.revoked;
    if (!isObject(locator)) return;
    const type = Number(locator.message_locator_conv_type) === 2 ? 2 : 1;
    const conversationID = `${type === 2 ? TYPES.CONV_GROUP : TYPES.CONV_C2C}${locator.message_locator_conv_id}`;
    this.applyConvState(conversationID, data.conv);
    const id = String(locator.message_msg_id ?? "");
    let message = this.messagesByID.get(id);
    const already = message?.isRevoked === true;
    if (!message) {
      message = new Message();
      message.ID = id;
      message.conversationID = conversationID;
      message.conversationType = type === 2 ? TYPES.CONV_GROUP : TYPES.CONV_C2C;
      message.sequence = Number(locator.message_locator_seq ?? 0);
      message.time = Number(locator.message_locator_time ?? 0);
      message.random = Number(locator.message_locator_rand ?? 0);
      message.flow = locator.message_locator_is_self ? "out" : "in";
      message.from = locator.message_locator_is_self ? this.userID : type === 1 ? String(locator.message_locator_conv_id) : "";
      message.to = type === 2 ? String(locator.message_locator_conv_id) : message.flow === "out" ? String(locator.message_locator_conv_id) : this.userID;
      message.status = "success";
    }
    this.markRevoked(message, String(locator.message_revoker_user_id ?? ""), String(locator.message_revoke_reason ?? ""));
    this.announceConversations();
    if (this.ready && !already) this.emit(EVENT.MESSAGE_REVOKED, [message]);
  }

  private onUpdatedPush(data: any): void {
    const wire = data?.message as WireMessage | undefined;
    if (!wire) return;
    const message = this.adopt(fromWire(wire, this.userID));
    this.refreshLastMessage(message);
    if (this.ready) this.emit(EVENT.MESSAGE_MODIFIED, [message]);
  }

  private onProfilePush(data: any): void {
    const info = data?.profile;
    if (!isObject(info)) return;
    const profile = profileFromWire(info, this.profileFor(String(info.user_profile_identifier ?? "")));
    const entry = this.convs.get(`${TYPES.CONV_C2C}${profile.userID}`);
    if (entry) {
      entry.conv = { ...entry.conv, userProfile: profile };
      this.announceConversations();
    }
    if (this.ready) this.emit(EVENT.PROFILE_UPDATED, [profile]);
  }

  /** A message carries its sender's nick and avatar as they are now: the peer's profile takes them. */
  private noteSender(message: Message): void {
    if (!message.nick && !message.avatar) return;
    const profile = this.profileFor(message.from);
    profile.nick = message.nick;
    profile.avatar = message.avatar;
  }

  /** A C2C conversation's list entry names the peer as it is now: its nick and avatar. */
  private applyShownProfile(userID: string, info: Record<string, any>): void {
    const profile = this.profileFor(userID);
    const shown = String(info.conv_show_name ?? "");
    if (shown !== "" && shown !== userID) profile.nick = shown;
    if (typeof info.conv_face_url === "string" && info.conv_face_url !== "") profile.avatar = info.conv_face_url;
  }

  private onConvPush(data: any): void {
    const infos: any[] = Array.isArray(data?.conversations) ? data.conversations : [];
    const event = Number(data?.event ?? 2);
    for (const info of infos) {
      const type = info.conv_type === 2 ? 2 : 1;
      const conversationID = `${type === 2 ? TYPES.CONV_GROUP : TYPES.CONV_C2C}${info.conv_id}`;
      if (event === 1) {
        this.dropConversation(conversationID, false);
        continue;
      }
      this.applyConvState(conversationID, {
        unread: Number(info.conv_unread_num ?? 0),
        max_seq: Number(info.conv_max_seq ?? 0),
        read_seq: Number(info.conv_read_seq ?? 0),
      });
      const entry = this.convs.get(conversationID);
      if (!entry) continue;
      const settings = settingsOf(info);
      this.drafts.set(conversationID, settings.draftText);
      let lastMessage = entry.conv.lastMessage;
      if (info.conv_is_has_lastmsg && info.conv_last_msg) {
        const message = this.adopt(fromWire(info.conv_last_msg, this.userID));
        if (message.sequence >= lastMessage.lastSequence) lastMessage = lastMessageOf(message);
      } else if (Number(info.conv_max_seq ?? 0) >= entry.maxSeq) {
        lastMessage = emptyLastMessage();
      }
      entry.activeTime = Math.max(entry.activeTime, Number(info.conv_active_time ?? 0));
      entry.conv = { ...entry.conv, ...settings, lastMessage };
      if (type === 2) {
        const group = this.groups.get(String(info.conv_id));
        if (group) group.selfInfo.messageRemindType = settings.messageRemindType;
      }
    }
    this.announceConversations();
  }

  private onConvGroupPush(data: any): void {
    const event = String(data?.event ?? "");
    const infos: any[] = Array.isArray(data?.conversations) ? data.conversations : [];
    const touched: Conversation[] = [];
    for (const info of infos) {
      const conversationID = `${info.conv_type === 2 ? TYPES.CONV_GROUP : TYPES.CONV_C2C}${info.conv_id}`;
      const entry = this.convs.get(conversationID);
      if (!entry) continue;
      entry.conv = { ...entry.conv, conversationGroupList: (info.conv_conversation_group_array ?? []).map(String) };
      touched.push(entry.conv);
    }
    if (event === "renamed" || event === "deleted") {
      const from = String(data.group_name ?? "");
      for (const entry of this.convs.values()) {
        if (!entry.conv.conversationGroupList.includes(from)) continue;
        const list = entry.conv.conversationGroupList.filter((name) => name !== from);
        if (event === "renamed") list.push(String(data.new_name ?? ""));
        entry.conv = { ...entry.conv, conversationGroupList: list };
      }
    }
    this.announceConversations();
    if (!this.ready) return;
    if (event === "created" || event === "deleted" || event === "renamed") {
      void this.getConversationGroupList()
        .then(({ data: names }) => this.emit(EVENT.CONVERSATION_GROUP_LIST_UPDATED, names))
        .catch(() => undefined);
    }
    if (event === "added" || event === "removed" || event === "created") {
      this.emit(EVENT.CONVERSATION_IN_GROUP_UPDATED, { groupName: String(data.group_name ?? ""), conversationList: touched });
    }
  }

  /** Takes a conversation out of the list (deleted or hidden), and its messages when cleared. */
  private dropConversation(conversationID: string, cleared: boolean): void {
    if (cleared) {
      for (const id of this.messagesByConv.get(conversationID)?.keys() ?? []) this.messagesByID.delete(id);
      this.messagesByConv.delete(conversationID);
    }
    this.drafts.delete(conversationID);
    if (this.convs.delete(conversationID)) this.announceConversations();
  }

  private conversationIDs(method: string, value: unknown): string[] {
    const ids = stringList(method, "conversationIDList", value);
    if (ids.length > 100) throw invalid(method, "conversationIDList holds at most 100 conversations");
    for (const id of ids) this.requireConversation(method, id);
    return ids;
  }

  private async conversationsInGroup(method: string, op: string, options: any): Promise<ChatResponse> {
    const connection = this.requireLogin(method);
    const groupName = requiredString(method, "groupName", options?.groupName);
    const ids = this.conversationIDs(method, options.conversationIDList);
    const answer = await connection.request(op, { group_name: groupName, conversation_id_array: ids.map(wireConversationID) }, true);
    const { success, failure } = operationResults(answer.results);
    return ok({ successConversationIDList: success, failureConversationIDList: failure });
  }

  private async modifyMember(method: string, options: any, flag: number, fields: Record<string, unknown>): Promise<ChatResponse<{ group: Group }>> {
    const connection = this.requireLogin(method);
    const groupID = requiredString(method, "groupID", options?.groupID);
    const userID = requiredString(method, "userID", options.userID);
    await connection.request(
      "group_modify_member_info",
      { group_modify_member_info_group_id: groupID, group_modify_member_info_identifier: userID, group_modify_member_info_modify_flag: flag, ...fields },
      true,
    );
    const group = await this.refreshGroup(groupID);
    if (flag === 0x8 && userID === this.userID) group.selfInfo.nameCard = String(fields.group_modify_member_info_name_card ?? "");
    this.announceGroups();
    return ok({ group });
  }

  private async fetchProfiles(userIDList: string[]): Promise<Profile[]> {
    const connection = this.requireLogin("getUserProfile");
    const answer = await connection.request("profile_get", { friendship_getprofilelist_param_identifier_array: userIDList }, true);
    return (answer.profiles ?? []).map((info: Record<string, any>) => profileFromWire(info, this.profileFor(String(info.user_profile_identifier ?? ""))));
  }

  /** Uploads a media message's file (once: a resend reuses the upload) and names it in an element. */
  private async uploadElems(method: string, message: Message): Promise<WireElem[]> {
    const extras = extrasOf(message);
    const kinds: Record<string, UploadKind> = {
      [TYPES.MSG_IMAGE]: "image",
      [TYPES.MSG_AUDIO]: "sound",
      [TYPES.MSG_VIDEO]: "video",
      [TYPES.MSG_FILE]: "file",
    };
    const kind = kinds[message.type];
    if (!kind) throw invalid(method, `a ${message.type} message with nothing in it cannot be sent`);
    if (!extras.uploaded) {
      const content = contentOf(extras.upload);
      if (!content) throw invalid(method, "payload.file must be a File, a Blob or a file input with a file chosen");
      const target = this.uploadTarget;
      if (!target) throw new ChatError(CODE.USER_NOT_LOGGED_IN, `${method}: the user is not logged in`);
      extras.uploaded = await upload(target, kind, content, extras.onProgress);
    }
    const done = extras.uploaded;
    switch (kind) {
      case "image":
        return [{ elem_type: 1, image_elem_orig_id: done.id, image_elem_format: done.image?.format ?? 255 }];
      case "sound":
        return [{ elem_type: 2, sound_elem_file_id: done.id, sound_elem_file_time: extras.second ?? 0 }];
      case "video":
        return [{ elem_type: 9, video_elem_video_id: done.id, video_elem_video_type: done.name.split(".").pop() ?? "", video_elem_video_duration: extras.second ?? 0 }];
      default:
        return [{ elem_type: 4, file_elem_file_id: done.id, file_elem_file_name: done.name }];
    }
  }

  // ----- Internals: caches -----

  private adopt(message: Message): Message {
    const known = this.messagesByID.get(message.ID);
    if (known) {
      // The same object stays in the app's hands; it takes the newer state.
      const { readReceiptInfo, hasSentReceipt } = known;
      Object.assign(known, message);
      if (known.flow === "out" && readReceiptInfo.isPeerRead === true) known.readReceiptInfo.isPeerRead = true;
      // A receipt once sent stays sent, whatever an older copy says.
      if (hasSentReceipt) known.hasSentReceipt = true;
      return known;
    }
    this.messagesByID.set(message.ID, message);
    let inConv = this.messagesByConv.get(message.conversationID);
    if (!inConv) {
      inConv = new Map();
      this.messagesByConv.set(message.conversationID, inConv);
    }
    inConv.set(message.ID, message);
    return message;
  }

  private adoptAll(wires: unknown): Message[] {
    if (!Array.isArray(wires)) return [];
    return wires.map((wire) => this.adopt(fromWire(wire as WireMessage, this.userID)));
  }

  private applyReceipt(message: Message, receipt: any): void {
    if (receipt.msg_receipt_conv_type === 2) {
      message.readReceiptInfo = {
        ...message.readReceiptInfo,
        readCount: Number(receipt.msg_receipt_read_count ?? 0),
        unreadCount: Number(receipt.msg_receipt_unread_count ?? 0),
      };
    } else {
      const isPeerRead = Boolean(receipt.msg_receipt_is_peer_read) || message.readReceiptInfo.isPeerRead === true;
      message.readReceiptInfo = {
        ...message.readReceiptInfo,
        isPeerRead,
        timestamp: Number(receipt.msg_receipt_time_stamp ?? 0) || message.readReceiptInfo.timestamp,
      };
    }
  }

  private profileFor(userID: string): Profile {
    let profile = this.profiles.get(userID);
    if (!profile) {
      profile = defaultProfile(userID);
      this.profiles.set(userID, profile);
    }
    return profile;
  }

  private newConvEntry(conversationID: string, type: 1 | 2, id: string): ConvEntry {
    const group = type === 2 ? (this.groups.get(id) ?? emptyGroup(id, this.userID)) : undefined;
    if (group && !this.groups.has(id)) {
      this.refreshGroup(id)
        .then(() => this.announceConversations())
        .catch(() => undefined);
    }
    return {
      conv: {
        conversationID,
        type: type === 2 ? TYPES.CONV_GROUP : TYPES.CONV_C2C,
        subType: group?.type ?? "",
        unreadCount: 0,
        lastMessage: emptyLastMessage(),
        peerReadTime: 0,
        groupProfile: group,
        userProfile: type === 1 ? this.profileFor(id) : undefined,
        groupAtInfoList: [],
        remark: "",
        isPinned: false,
        messageRemindType: TYPES.MSG_REMIND_ACPT_AND_NOTE,
        markList: [],
        customData: "",
        conversationGroupList: [],
        draftText: this.drafts.get(conversationID) ?? "",
      },
      maxSeq: 0,
      readSeq: 0,
      activeTime: 0,
      touched: this.convGeneration,
      local: false,
    };
  }

  /** Applies a conversation state (`{unread, max_seq, read_seq}`) and a new last message. */
  /** `movedBack`: the read position moved back (the administrator set the unread count), so the
   * state replaces the one held although its read seq is lower. */
  private applyConvState(conversationID: string, state: any, message?: Message, movedBack = false): void {
    const split = splitConversationID(conversationID);
    if (!split) return;
    let entry = this.convs.get(conversationID);
    if (!entry) {
      entry = this.newConvEntry(conversationID, split.type, split.id);
      this.convs.set(conversationID, entry);
    }
    let conv = entry.conv;
    if (isObject(state)) {
      const maxSeq = Number(state.max_seq ?? 0);
      const readSeq = Number(state.read_seq ?? 0);
      // Both seqs only grow, so the state with both at least as large is the newer; a position
      // moved back comes in push order, after what it replaces.
      if (maxSeq >= entry.maxSeq && (readSeq >= entry.readSeq || movedBack)) {
        entry.maxSeq = maxSeq;
        entry.readSeq = readSeq;
        conv = { ...conv, unreadCount: Number(state.unread ?? 0) };
      }
    }
    if (message && message.sequence >= conv.lastMessage.lastSequence) {
      conv = { ...conv, lastMessage: lastMessageOf(message) };
      entry.activeTime = Math.max(entry.activeTime, message.time);
      entry.maxSeq = Math.max(entry.maxSeq, message.sequence);
    }
    entry.conv = conv;
    entry.touched = this.convGeneration;
    entry.local = false;
  }

  private markConversationRead(conversationID: string): void {
    const entry = this.convs.get(conversationID);
    if (!entry) return;
    entry.readSeq = Math.max(entry.readSeq, entry.maxSeq);
    if (entry.conv.unreadCount !== 0) entry.conv = { ...entry.conv, unreadCount: 0 };
    for (const message of this.messagesByConv.get(conversationID)?.values() ?? []) message.isRead = true;
    this.announceConversations();
  }

  private sortedConversations(): Conversation[] {
    return [...this.convs.values()]
      .sort((a, b) => {
        if (a.conv.isPinned !== b.conv.isPinned) return a.conv.isPinned ? -1 : 1;
        const at = Math.max(a.conv.lastMessage.lastTime, a.activeTime);
        const bt = Math.max(b.conv.lastMessage.lastTime, b.activeTime);
        return bt - at;
      })
      .map((entry) => entry.conv);
  }

  /**
   * Tells the app the conversation list (and the total unread count, when it changed) once the
   * current burst of changes is over: a resume that replays hundreds of messages announces the
   * list once, not once per message.
   */
  private announceConversations(): void {
    if (!this.ready || this.announcing) return;
    this.announcing = true;
    queueMicrotask(() => {
      this.announcing = false;
      if (this.ready) this.announceConversationsNow();
    });
  }

  private announceConversationsNow(): void {
    this.emit(EVENT.CONVERSATION_LIST_UPDATED, this.sortedConversations());
    const total = this.getTotalUnreadMessageCount();
    if (total !== this.lastTotalUnread) {
      this.lastTotalUnread = total;
      this.emit(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, total);
    }
  }

  private announceGroups(): void {
    if (!this.ready) return;
    this.emit(EVENT.GROUP_LIST_UPDATED, [...this.groups.values()]);
  }

  private ensureGroupConversation(groupID: string): void {
    const conversationID = `${TYPES.CONV_GROUP}${groupID}`;
    const group = this.groups.get(groupID);
    let entry = this.convs.get(conversationID);
    if (!entry) {
      entry = this.newConvEntry(conversationID, 2, groupID);
      this.convs.set(conversationID, entry);
    }
    if (group) entry.conv = { ...entry.conv, groupProfile: group, subType: group.type };
    this.announceConversations();
  }

  private forgetGroup(groupID: string): void {
    const hadGroup = this.groups.delete(groupID);
    const conversationID = `${TYPES.CONV_GROUP}${groupID}`;
    const hadConv = this.convs.delete(conversationID);
    if (hadGroup) this.announceGroups();
    if (hadConv) this.announceConversations();
  }

  private async groupInfo(method: string, groupID: string): Promise<Record<string, any>> {
    const connection = this.requireLogin(method);
    const answer = await connection.request("group_get_info", { group_ids: [groupID] }, true);
    const result = answer.results?.[0];
    if (!result || result.get_groups_info_result_code !== 0) {
      throw new ChatError(
        Number(result?.get_groups_info_result_code ?? 10010),
        String(result?.get_groups_info_result_desc || `group ${groupID} does not exist`),
      );
    }
    return result.get_groups_info_result_info;
  }

  /** A group's profile, from the server; kept in the cache when the user is a member. */
  private async fetchGroup(method: string, groupID: string): Promise<Group> {
    const info = await this.groupInfo(method, groupID);
    const known = this.groups.get(groupID);
    const group = applyDetailInfo(known ?? emptyGroup(groupID, this.userID), info);
    if (!known) group.selfInfo.role = "";
    return group;
  }

  /** Reads a group the user is in and keeps it in the cache. */
  private async refreshGroup(groupID: string): Promise<Group> {
    const info = await this.groupInfo("getGroupProfile", groupID);
    const group = this.groups.get(groupID) ?? emptyGroup(groupID, this.userID);
    applyDetailInfo(group, info);
    if (group.ownerID === this.userID) group.selfInfo.role = TYPES.GRP_MBR_ROLE_OWNER;
    else if (group.selfInfo.role === TYPES.GRP_MBR_ROLE_OWNER) group.selfInfo.role = TYPES.GRP_MBR_ROLE_MEMBER;
    this.groups.set(groupID, group);
    const entry = this.convs.get(`${TYPES.CONV_GROUP}${groupID}`);
    if (entry) entry.conv = { ...entry.conv, groupProfile: group, subType: group.type };
    return group;
  }

  /** The user's groups from the server, with their details. */
  private async refreshGroups(): Promise<void> {
    const connection = this.requireLogin("getGroupList");
    const joined = await connection.request("group_get_joined", {}, true);
    const fresh = new Map<string, Group>();
    for (const info of joined.groups ?? []) {
      const groupID = String(info.group_base_info_group_id);
      fresh.set(groupID, applyBaseInfo(this.groups.get(groupID) ?? emptyGroup(groupID, this.userID), info));
    }
    const ids = [...fresh.keys()];
    for (let start = 0; start < ids.length; start += 50) {
      const answer = await connection.request("group_get_info", { group_ids: ids.slice(start, start + 50) }, true);
      for (const result of answer.results ?? []) {
        const info = result.get_groups_info_result_info;
        if (result.get_groups_info_result_code !== 0 || !info) continue;
        const group = fresh.get(String(info.group_detail_info_group_id));
        if (group) applyDetailInfo(group, info);
      }
    }
    this.groups = fresh;
  }

  /** Reads the conversation list and the groups again (after login and every resume). */
  private scheduleRefresh(): void {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    const connection = this.connection;
    this.refreshing = this.refreshAll()
      .catch((error) => log(2, this.logLevel, "cannot read the conversation list", error))
      .finally(() => {
        this.refreshing = null;
        if (this.connection !== connection) return;
        if (!this.ready) {
          this.ready = true;
          this.emit(EVENT.NET_STATE_CHANGE, { state: TYPES.NET_STATE_CONNECTED });
          this.emit(EVENT.SDK_READY, {});
          this.emit(EVENT.GROUP_LIST_UPDATED, [...this.groups.values()]);
          this.lastTotalUnread = -1;
          this.announceConversationsNow();
          const held = this.heldBack;
          this.heldBack = [];
          if (held.length > 0) this.emit(EVENT.MESSAGE_RECEIVED, held);
        } else {
          this.announceGroups();
          this.announceConversations();
        }
        if (this.refreshAgain) {
          this.refreshAgain = false;
          this.scheduleRefresh();
        }
      });
  }

  private async refreshAll(): Promise<void> {
    const connection = this.requireLogin("getConversationList");
    const generation = ++this.convGeneration;
    const [list] = await Promise.all([connection.request("conv_get_list", {}, true), this.refreshGroups()]);
    const fresh = new Map<string, ConvEntry>();
    for (const info of list.conversations ?? []) {
      const type = info.conv_type === 2 ? 2 : 1;
      const conversationID = `${type === 2 ? TYPES.CONV_GROUP : TYPES.CONV_C2C}${info.conv_id}`;
      const entry = this.convs.get(conversationID) ?? this.newConvEntry(conversationID, type, String(info.conv_id));
      const maxSeq = Number(info.conv_max_seq ?? 0);
      const readSeq = Number(info.conv_read_seq ?? 0);
      // A push that arrived after the list was asked for may be newer than the list.
      const pushedSince = entry.touched >= generation;
      const listIsNewer = maxSeq >= entry.maxSeq && readSeq >= entry.readSeq;
      if (!pushedSince || listIsNewer) {
        // A list without a last message (history cleared) has none, unless a push brought one since.
        let lastMessage = pushedSince ? entry.conv.lastMessage : emptyLastMessage();
        if (info.conv_is_has_lastmsg && info.conv_last_msg) {
          const message = this.adopt(fromWire(info.conv_last_msg, this.userID));
          if (message.sequence >= lastMessage.lastSequence || !pushedSince) lastMessage = lastMessageOf(message);
        }
        const group = type === 2 ? this.groups.get(String(info.conv_id)) : undefined;
        if (group && !group.name) group.name = String(info.conv_show_name ?? "");
        entry.conv = {
          ...entry.conv,
          subType: type === 2 ? (group?.type ?? groupTypeName(info.conv_group_type)) : "",
          unreadCount: Number(info.conv_unread_num ?? 0),
          lastMessage,
          peerReadTime: Number(info.conv_c2c_read_timestamp ?? 0),
          groupProfile: type === 2 ? (group ?? entry.conv.groupProfile) : undefined,
          ...settingsOf(info),
        };
        if (type === 1) this.applyShownProfile(String(info.conv_id), info);
        entry.maxSeq = maxSeq;
        entry.readSeq = readSeq;
        entry.activeTime = Number(info.conv_active_time ?? 0);
      } else {
        entry.conv = { ...entry.conv, ...settingsOf(info) };
      }
      entry.local = false;
      fresh.set(conversationID, entry);
    }
    for (const [conversationID, entry] of this.convs) {
      if (!fresh.has(conversationID) && (entry.local || entry.touched >= generation)) fresh.set(conversationID, entry);
    }
    this.convs = fresh;
  }

  // ----- Internals: messages -----

  private newMessage(method: string, options: any): Message {
    if (!isObject(options)) throw invalid(method, "options must be an object");
    const to = options.to;
    if (typeof to !== "string" || to === "") throw invalid(method, "to must be the receiver's userID or the groupID");
    const conversationType = options.conversationType ?? TYPES.CONV_C2C;
    if (conversationType !== TYPES.CONV_C2C && conversationType !== TYPES.CONV_GROUP) {
      throw new ChatError(CODE.MSG_INVALID_CONV_TYPE, `${method}: conversationType must be TYPES.CONV_C2C or TYPES.CONV_GROUP`);
    }
    if (options.cloudCustomData !== undefined && typeof options.cloudCustomData !== "string") {
      throw invalid(method, "cloudCustomData must be a string");
    }
    const message = new Message();
    message.to = to;
    message.from = this.userID;
    message.conversationType = conversationType;
    message.conversationID = `${conversationType}${to}`;
    message.flow = "out";
    message.status = "unSend";
    message.isRead = true;
    message.time = this.getServerTime();
    message.clientTime = message.time;
    message.random = randomUint32();
    message.needReadReceipt = options.needReadReceipt === true;
    message.cloudCustomData = options.cloudCustomData ?? "";
    message.priority = typeof options.priority === "string" ? options.priority : TYPES.MSG_PRIORITY_NORMAL;
    message.isSupportExtension = options.isSupportExtension === true;
    this.nameMessage(message);
    return message;
  }

  /** A message's ID, `<tiny id>-<client time>-<random>`, known before it is sent. */
  private nameMessage(message: Message): void {
    if (this.tinyID === 0) return;
    message.senderTinyID = String(this.tinyID);
    message.ID = `${this.tinyID}-${message.clientTime}-${message.random}`;
  }

  private mediaMessage(method: string, type: string, options: any, payload: Record<string, unknown>): Message {
    const message = this.newMessage(method, options);
    const file = isObject(options.payload) ? options.payload.file : undefined;
    if (file === undefined || file === null) throw invalid(method, "payload.file is required");
    message.type = type;
    message.payload = payload;
    const extras = extrasOf(message);
    extras.upload = file;
    if (typeof options.onProgress === "function") extras.onProgress = options.onProgress;
    // A recording hands its length (TIM's `duration`, in milliseconds) with the file.
    const duration = Number((file as { duration?: unknown }).duration);
    if (Number.isFinite(duration) && duration > 0) extras.second = Math.round(duration / 1000);
    return message;
  }

  private async send(method: string, message: Message, options?: any): Promise<ChatResponse<{ message: Message }>> {
    if (!isMessage(message)) throw new ChatError(CODE.MSG_INSTANCE_REQUIRED, `${method}: the message must be made by a create*Message method`);
    const connection = this.requireLogin(method);
    const fail = (error: ChatError): never => {
      message.status = "fail";
      throw new ChatError(error.code, error.message, { message });
    };
    if (message.conversationType !== TYPES.CONV_C2C && message.conversationType !== TYPES.CONV_GROUP) {
      fail(new ChatError(CODE.MSG_INVALID_CONV_TYPE, `${method}: the message's conversation type must be C2C or GROUP`));
    }
    const onlineOnly = isObject(options) && options.onlineUserOnly === true;
    if (onlineOnly) extrasOf(message).onlineOnly = true;
    let elems = payloadToElems(message.type, message.payload);
    if (!elems) {
      try {
        elems = await this.uploadElems(method, message);
      } catch (error) {
        return fail(error instanceof ChatError ? error : new ChatError(CODE.NETWORK_ERROR, String(error)));
      }
    }
    if (!message.from) message.from = this.userID;
    if (!message.senderTinyID) this.nameMessage(message);
    this.sentIDs.add(message.ID);
    message.status = "unSend";
    const control = isObject(options?.messageControlInfo) ? options.messageControlInfo : {};
    let answer: any;
    try {
      answer = await connection.request(
        "msg_send",
        {
          conv_id: message.to,
          conv_type: message.conversationType === TYPES.CONV_GROUP ? 2 : 1,
          message: {
            message_elem_array: elems,
            message_client_time: message.clientTime,
            message_rand: message.random,
            message_need_read_receipt: message.needReadReceipt,
            message_cloud_custom_str: message.cloudCustomData,
            message_custom_str: writeCustomEnvelope(message),
            message_priority: priorityToWire(message.priority),
            message_is_excluded_from_unread_count: control.excludedFromUnreadCount === true,
            message_is_online_msg: onlineOnly,
            message_support_message_extension: message.isSupportExtension === true,
          },
        },
        true,
      );
    } catch (error) {
      return fail(error instanceof ChatError ? error : new ChatError(CODE.NETWORK_ERROR, String(error)));
    }
    const stored = fromWire(answer.message as WireMessage, this.userID);
    if (onlineOnly) {
      // Not stored: no seq, no place in the conversation.
      message.status = "success";
      message.time = stored.time || message.time;
      return ok({ message });
    }
    if (stored.ID !== message.ID) {
      this.sentIDs.add(stored.ID);
      this.messagesByID.delete(message.ID);
      this.messagesByConv.get(message.conversationID)?.delete(message.ID);
    }
    message.ID = stored.ID;
    message.sequence = stored.sequence;
    message.clientSequence = stored.clientSequence;
    message.time = stored.time;
    message.status = "success";
    message.isRead = true;
    message.readReceiptInfo = stored.readReceiptInfo;
    message.senderTinyID = stored.senderTinyID;
    message.isSupportExtension = stored.isSupportExtension;
    message.nick = stored.nick;
    message.avatar = stored.avatar;
    if (extrasOf(message).uploaded) message.payload = stored.payload;
    this.adopt(message);
    this.applyConvState(message.conversationID, null, message);
    this.announceConversations();
    return ok({ message });
  }
}

/** TIM's Web receive options as the protocol's `TIMReceiveMessageOpt`. */
const REMIND_OPTIONS: Record<string, number> = {
  [TYPES.MSG_REMIND_ACPT_AND_NOTE]: 0,
  [TYPES.MSG_REMIND_DISCARD]: 1,
  [TYPES.MSG_REMIND_ACPT_NOT_NOTE]: 2,
  [TYPES.NOT_RECEIVE_OFFLINE_PUSH_EXCEPT_AT]: 3,
};

/** The options an app-wide receive option takes, as the protocol's `TIMReceiveMessageOpt`. */
const ALL_REMIND_OPTIONS: Record<string, number> = {
  [TYPES.MSG_REMIND_ACPT_AND_NOTE]: 0,
  [TYPES.MSG_REMIND_ACPT_NOT_NOTE]: 2,
  [TYPES.NOT_RECEIVE_OFFLINE_PUSH_EXCEPT_AT]: 3,
};

/**
 * The protocol's `TIMReceiveMessageOptInfo` in TIM's Web shape: a daily period's start is today's
 * at that time on this device's clock, and it ends a `duration` (at most a day) later.
 */
function allReceiveOptFromWire(info: any): { messageRemindType: string; startTime: number; endTime: number; isRepeated: boolean } {
  const level = Number(info?.msg_all_recv_msg_opt_level ?? 0);
  const messageRemindType =
    level === 2 ? TYPES.MSG_REMIND_ACPT_NOT_NOTE : level === 3 ? TYPES.NOT_RECEIVE_OFFLINE_PUSH_EXCEPT_AT : TYPES.MSG_REMIND_ACPT_AND_NOTE;
  const hour = Number(info?.msg_all_recv_msg_opt_start_hour ?? 0);
  const minute = Number(info?.msg_all_recv_msg_opt_start_minute ?? 0);
  const second = Number(info?.msg_all_recv_msg_opt_start_second ?? 0);
  const stamp = Number(info?.msg_all_recv_msg_opt_start_time_stamp ?? 0);
  const duration = Number(info?.msg_all_recv_msg_duration ?? 0);
  if (stamp > 0) return { messageRemindType, startTime: stamp, endTime: stamp + duration, isRepeated: false };
  if (level === 0 && hour === 0 && minute === 0 && second === 0 && duration === 0) {
    return { messageRemindType, startTime: 0, endTime: 0, isRepeated: false };
  }
  const today = new Date();
  const startTime = Math.round(new Date(today.getFullYear(), today.getMonth(), today.getDate(), hour, minute, second).getTime() / 1000);
  return { messageRemindType, startTime, endTime: startTime + Math.min(duration, 86400), isRepeated: true };
}

/** Messages whose extension seqs are remembered, at most; past it the memory starts again. */
const EXTENSION_MESSAGES_MAX = 4096;

/** One key's outcome in TIM's Web shape. */
interface ExtensionResult {
  code: number;
  key: string;
  value: string;
}

function extensionFromWire(item: any): { key: string; value: string; seq: number } {
  return {
    key: String(item?.message_extension_key ?? ""),
    value: String(item?.message_extension_value ?? ""),
    seq: Number(item?.message_extension_seq ?? 0),
  };
}

/** The options cloud searches share: keywords, how they combine, the page and group types. */
function searchOptions(method: string, options: any): { keywords: string[]; all: boolean; count: number; offset: number; types: string[] } {
  if (!isObject(options)) throw invalid(method, "options must be an object with keywordList");
  const keywords = options.keywordList;
  if (!Array.isArray(keywords) || keywords.length === 0 || keywords.length > 5 || !keywords.every((word) => typeof word === "string" && word !== "")) {
    throw invalid(method, "keywordList must hold 1 to 5 non-empty keywords");
  }
  const match = options.keywordListMatchType ?? "or";
  if (match !== "or" && match !== "and") throw invalid(method, 'keywordListMatchType must be "or" or "and"');
  const count = options.count === undefined ? 20 : Number(options.count);
  if (!Number.isInteger(count) || count < 1 || count > 100) throw invalid(method, "count must be a whole number from 1 to 100");
  const offset = options.cursor === undefined || options.cursor === "" ? 0 : Number(options.cursor);
  if (!Number.isInteger(offset) || offset < 0) throw invalid(method, "cursor must be the cursor of the previous page, or empty");
  const types = options.groupTypeList ?? [];
  if (!Array.isArray(types) || !types.every((type) => typeof type === "string")) throw invalid(method, "groupTypeList must be an array of group types");
  return { keywords, all: match === "and", count, offset, types };
}

/** A conversation as conversation management names it: `c2c_<user>` or `group_<group>`. */
function wireConversationID(conversationID: string): string {
  return conversationID.startsWith(TYPES.CONV_GROUP)
    ? `group_${conversationID.slice(TYPES.CONV_GROUP.length)}`
    : `c2c_${conversationID.slice(TYPES.CONV_C2C.length)}`;
}

function fromWireConversationID(id: string): string {
  return id.startsWith("group_") ? `${TYPES.CONV_GROUP}${id.slice(6)}` : `${TYPES.CONV_C2C}${id.replace(/^c2c_/, "")}`;
}

/** TIM's success and failure lists from `TIMConversationOperationResult`s. */
function operationResults(results: unknown): { success: string[]; failure: Array<{ conversationID: string; code: number; message: string }> } {
  const success: string[] = [];
  const failure: Array<{ conversationID: string; code: number; message: string }> = [];
  for (const result of Array.isArray(results) ? (results as any[]) : []) {
    const conversationID = fromWireConversationID(String(result.conversation_operation_result_conversation_id ?? ""));
    const code = Number(result.conversation_operation_result_result_code ?? 0);
    if (code === 0) success.push(conversationID);
    else failure.push({ conversationID, code, message: String(result.conversation_operation_result_result_info ?? "") });
  }
  return { success, failure };
}

/** What the user set on a conversation, from a `ConvInfo`, under TIM's Web names. */
function settingsOf(
  info: Record<string, any>,
): Pick<Conversation, "isPinned" | "markList" | "customData" | "conversationGroupList" | "draftText" | "messageRemindType"> {
  return {
    messageRemindType: remindTypeName(info.conv_recv_opt),
    isPinned: Boolean(info.conv_is_pinned),
    markList: Array.isArray(info.conv_mark_array) ? info.conv_mark_array.map(Number) : [],
    customData: String(info.conv_custom_data ?? ""),
    conversationGroupList: Array.isArray(info.conv_conversation_group_array) ? info.conv_conversation_group_array.map(String) : [],
    draftText: draftTextOf(info.conv_draft),
  };
}

function structuredCloneSafe<T>(value: T): T {
  try {
    return JSON.parse(JSON.stringify(value)) as T;
  } catch {
    return value;
  }
}
