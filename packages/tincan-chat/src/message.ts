// TIM's Web `Message` and its payloads, and their translation to and from tincan's wire message
// (TIM's native JSON keys, docs/protocol.md).
//
// Two things TIM's Web messages carry have no key in tincan's protocol yet: the users a group
// text mentions (`atUserList`) and the message a reply quotes (`quoteInfo`). Until the server
// carries them, they travel in the message's `message_custom_str`, which the server stores as
// sent and returns to every reader, as a JSON object marked `"tincanWeb": 1`; anything else found
// there is left alone.

import { TYPES } from "./constants.js";

/** `readReceiptInfo` of a message: counts for one's own group messages, the peer's receipt in C2C. */
export interface ReadReceiptInfo {
  readCount: number | undefined;
  unreadCount: number | undefined;
  isPeerRead: boolean | undefined;
  timestamp: number;
}

export interface QuoteInfo {
  msgID: string;
  messageTime: number;
  messageSequence: number;
}

/** An element as tincan's protocol carries it: `elem_type` and that type's keys. */
export type WireElem = Record<string, unknown> & { elem_type: number };

/** A message as tincan's protocol carries it (only the keys read here are typed). */
export interface WireMessage {
  message_elem_array: WireElem[];
  message_conv_id: string;
  message_conv_type: number;
  message_sender: string;
  message_priority?: number;
  message_client_time: number;
  message_server_time: number;
  message_is_from_self: boolean;
  message_is_read: boolean;
  message_is_peer_read: boolean;
  message_receipt_peer_read: boolean;
  message_need_read_receipt: boolean;
  message_has_sent_receipt: boolean;
  message_group_receipt_read_count: number;
  message_group_receipt_unread_count: number;
  message_unique_id: number;
  message_msg_id: string;
  message_rand: number;
  message_seq: number;
  message_cloud_custom_str?: string;
  message_custom_str?: string;
  message_is_excluded_from_unread_count?: boolean;
  message_is_online_msg?: boolean;
  message_status?: number;
  message_version?: number;
  message_revoker_user_id?: string;
  message_revoke_reason?: string;
  message_sender_profile?: Record<string, unknown> | null;
  message_support_message_extension?: boolean;
}

/** What an upload answered: the ID the message names and what the server measured. */
export interface UploadAnswer {
  id: string;
  kind: string;
  content_type: string;
  name: string;
  size: number;
  image?: { format: number; sizes: Array<[number, number, number]> };
}

/**
 * Message fields the app never sees: the file to upload and the progress callback, the upload
 * once done (a resend does not upload again), whether the message is online-only.
 */
export interface MessageExtras {
  upload?: unknown;
  onProgress?: (percent: number) => void;
  uploaded?: UploadAnswer;
  second?: number;
  onlineOnly?: boolean;
}

const extras = new WeakMap<Message, MessageExtras>();

export function extrasOf(message: Message): MessageExtras {
  let found = extras.get(message);
  if (!found) {
    found = {};
    extras.set(message, found);
  }
  return found;
}

export class Message {
  ID = "";
  type: string = TYPES.MSG_TEXT;
  payload: any = {};
  conversationID = "";
  conversationType: string = TYPES.CONV_C2C;
  to = "";
  from = "";
  flow: "in" | "out" = "out";
  time = 0;
  status: "unSend" | "success" | "fail" = "unSend";
  isRevoked = false;
  priority: string = TYPES.MSG_PRIORITY_NORMAL;
  nick = "";
  avatar = "";
  isPeerRead = false;
  nameCard = "";
  atUserList: string[] = [];
  cloudCustomData = "";
  isDeleted = false;
  isModified = false;
  needReadReceipt = false;
  /**
   * A tincan addition, on a message another user sent with `needReadReceipt`: whether this user
   * has sent its read receipt, from this instance or from another device (what TIM's Electron
   * SDK calls `message_has_sent_receipt`; TIM's Web SDK has no such field).
   */
  hasSentReceipt = false;
  readReceiptInfo: ReadReceiptInfo = { readCount: undefined, unreadCount: undefined, isPeerRead: undefined, timestamp: 0 };
  isBroadcastMessage = false;
  isSupportExtension = false;
  revoker = "";
  revokerInfo = { userID: "", nick: "", avatar: "" };
  revokeReason = "";
  sequence = 0;
  clientSequence = 0;
  random = 0;
  clientTime = 0;
  senderTinyID = "";
  isRead = false;
  isSystemMessage = false;
  protocol = "JSON";
  version = 0;
  hasRiskContent = false;
  isPlaceMessage = 0;
  conversationSubType: string | undefined = undefined;
  quoteInfo?: QuoteInfo;

  /** TIM's messages expose their elements; here the one element the payload describes. */
  getElements(): Array<{ type: string; content: any }> {
    return [{ type: this.type, content: this.payload }];
  }

  /** Whether the message was sent to online users only (`sendMessage`'s `onlineUserOnly`). */
  isOnlineMessage(): boolean {
    return extras.get(this)?.onlineOnly === true;
  }
}

export function isMessage(value: unknown): value is Message {
  return value instanceof Message;
}

const PRIORITIES = [TYPES.MSG_PRIORITY_HIGH, TYPES.MSG_PRIORITY_NORMAL, TYPES.MSG_PRIORITY_LOW, TYPES.MSG_PRIORITY_LOWEST];

export function priorityToWire(priority: string): number {
  const index = (PRIORITIES as readonly string[]).indexOf(priority);
  return index < 0 ? 1 : index;
}

function str(value: unknown): string {
  return typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
}

function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** The wire elements of a message that needs no upload; null for types the server cannot store. */
export function payloadToElems(type: string, payload: any): WireElem[] | null {
  switch (type) {
    case TYPES.MSG_TEXT:
      return [{ elem_type: 0, text_elem_content: str(payload?.text) }];
    case TYPES.MSG_CUSTOM:
      return [
        {
          elem_type: 3,
          custom_elem_data: str(payload?.data),
          custom_elem_desc: str(payload?.description),
          custom_elem_ext: str(payload?.extension),
        },
      ];
    case TYPES.MSG_FACE:
      return [{ elem_type: 6, face_elem_index: num(payload?.index), face_elem_buf: str(payload?.data) }];
    case TYPES.MSG_LOCATION:
      return [
        {
          elem_type: 7,
          location_elem_desc: str(payload?.description),
          location_elem_longitude: num(payload?.longitude),
          location_elem_latitude: num(payload?.latitude),
        },
      ];
    case TYPES.MSG_IMAGE: {
      // An image that already has its URLs (a forwarded one): no upload needed.
      const infos: any[] = Array.isArray(payload?.imageInfoArray) ? payload.imageInfoArray : [];
      if (!infos.some((info) => typeof info?.url === "string" && info.url !== "")) return null;
      const elem: WireElem = { elem_type: 1, image_elem_orig_id: str(payload?.uuid), image_elem_format: num(payload?.imageFormat) };
      const names = ["orig", "large", "thumb"];
      infos.slice(0, 3).forEach((info, index) => {
        const name = names[index];
        elem[`image_elem_${name}_url`] = str(info?.url);
        elem[`image_elem_${name}_pic_width`] = num(info?.width);
        elem[`image_elem_${name}_pic_height`] = num(info?.height);
        elem[`image_elem_${name}_pic_size`] = num(info?.size);
      });
      return [elem];
    }
    case TYPES.MSG_AUDIO:
      if (!payload?.url) return null;
      return [
        {
          elem_type: 2,
          sound_elem_file_id: str(payload.uuid),
          sound_elem_url: str(payload.url),
          sound_elem_file_size: num(payload.size),
          sound_elem_file_time: num(payload.second),
        },
      ];
    case TYPES.MSG_FILE:
      if (!payload?.fileUrl) return null;
      return [
        {
          elem_type: 4,
          file_elem_file_id: str(payload.uuid),
          file_elem_file_name: str(payload.fileName),
          file_elem_url: str(payload.fileUrl),
          file_elem_file_size: num(payload.fileSize),
        },
      ];
    case TYPES.MSG_VIDEO:
      if (!payload?.videoUrl) return null;
      return [
        {
          elem_type: 9,
          video_elem_video_id: str(payload.videoUUID),
          video_elem_video_url: str(payload.videoUrl),
          video_elem_video_size: num(payload.videoSize),
          video_elem_video_duration: num(payload.videoSecond),
          video_elem_video_type: str(payload.videoFormat),
          video_elem_image_id: str(payload.thumbUUID),
          video_elem_image_url: str(payload.thumbUrl),
          video_elem_image_width: num(payload.thumbWidth),
          video_elem_image_height: num(payload.thumbHeight),
          video_elem_image_size: num(payload.thumbSize),
        },
      ];
    case TYPES.MSG_MERGER: {
      const list: unknown[] = Array.isArray(payload?.messageList) ? payload.messageList : [];
      if (list.length === 0) return null;
      return [
        {
          elem_type: 12,
          merge_elem_title: str(payload.title),
          merge_elem_abstract_array: Array.isArray(payload.abstractList) ? payload.abstractList.map(str) : [],
          merge_elem_compatible_text: str(payload.compatibleText) || "[Chat History]",
          merge_elem_layer_over_limit: false,
          merge_elem_message_array: list.map((item) => toForwardedWire(item)),
        },
      ];
    }
    default:
      return null;
  }
}

/** A message inside a merged-forward message, in the protocol's shape (what the reader needs). */
function toForwardedWire(item: unknown): Record<string, unknown> {
  const message = item as Partial<Message> & { _wire?: WireMessage };
  const elems = payloadToElems(str(message.type), message.payload) ?? [];
  return {
    message_elem_array: elems,
    message_conv_id: str(message.conversationID).replace(/^(C2C|GROUP)/, ""),
    message_conv_type: message.conversationType === TYPES.CONV_GROUP ? 2 : 1,
    message_sender: str(message.from),
    message_client_time: num(message.clientTime) || num(message.time),
    message_server_time: num(message.time),
    message_msg_id: str(message.ID),
    message_seq: num(message.sequence),
    message_rand: num(message.random),
    message_cloud_custom_str: str(message.cloudCustomData),
    message_sender_profile: { user_profile_identifier: str(message.from), user_profile_nick_name: str(message.nick), user_profile_face_url: str(message.avatar) },
  };
}

/** TIM's type and payload of a wire element. */
export function elemToPayload(elem: WireElem): { type: string; payload: any } {
  const e = elem as Record<string, any>;
  switch (elem.elem_type) {
    case 0:
      return { type: TYPES.MSG_TEXT, payload: { text: str(e.text_elem_content) } };
    case 1: {
      const names = ["orig", "large", "thumb"];
      const imageInfoArray = names
        .map((name, index) => ({
          width: num(e[`image_elem_${name}_pic_width`]),
          height: num(e[`image_elem_${name}_pic_height`]),
          url: str(e[`image_elem_${name}_url`]),
          size: num(e[`image_elem_${name}_pic_size`]),
          type: index,
        }))
        .filter((info) => info.url !== "");
      return {
        type: TYPES.MSG_IMAGE,
        payload: { uuid: str(e.image_elem_orig_id), imageFormat: num(e.image_elem_format), imageInfoArray },
      };
    }
    case 2:
      return {
        type: TYPES.MSG_AUDIO,
        payload: {
          uuid: str(e.sound_elem_file_id),
          url: str(e.sound_elem_url),
          size: num(e.sound_elem_file_size),
          second: num(e.sound_elem_file_time),
          downloadFlag: 2,
        },
      };
    case 3:
      return {
        type: TYPES.MSG_CUSTOM,
        payload: { data: str(e.custom_elem_data), description: str(e.custom_elem_desc), extension: str(e.custom_elem_ext) },
      };
    case 4:
      return {
        type: TYPES.MSG_FILE,
        payload: {
          uuid: str(e.file_elem_file_id),
          fileName: str(e.file_elem_file_name),
          fileUrl: str(e.file_elem_url),
          fileSize: num(e.file_elem_file_size),
          downloadFlag: 2,
        },
      };
    case 5: {
      const userIDList: string[] = Array.isArray(e.group_tips_elem_user_array) ? e.group_tips_elem_user_array.map(str) : [];
      const changes: any[] = Array.isArray(e.group_tips_elem_member_change_info_array) ? e.group_tips_elem_member_change_info_array : [];
      const memberList =
        changes.length > 0
          ? changes.map((change) => ({
              userID: str(change?.group_tips_member_change_info_identifier),
              muteTime: num(change?.group_tips_member_change_info_shutupTime ?? change?.group_tips_member_change_info_shutup_time),
            }))
          : userIDList.map((userID) => ({ userID }));
      return {
        type: TYPES.MSG_GRP_TIP,
        payload: {
          operatorID: str(e.group_tips_elem_op_user),
          operationType: num(e.group_tips_elem_tip_type),
          userIDList: changes.length > 0 ? memberList.map((member) => member.userID) : userIDList,
          memberList,
          memberNum: num(e.group_tips_elem_member_num),
          groupProfile: { groupID: str(e.group_tips_elem_group_id), name: str(e.group_tips_elem_group_name) },
          newGroupProfile: newGroupProfileOf(e.group_tips_elem_group_change_info_array),
          msgMemberInfo: changes.map((change) => ({
            userID: str(change?.group_tips_member_change_info_identifier),
            shutupTime: num(change?.group_tips_member_change_info_shutupTime ?? change?.group_tips_member_change_info_shutup_time),
          })),
        },
      };
    }
    case 6:
      return { type: TYPES.MSG_FACE, payload: { index: num(e.face_elem_index), data: str(e.face_elem_buf) } };
    case 7:
      return {
        type: TYPES.MSG_LOCATION,
        payload: {
          description: str(e.location_elem_desc),
          longitude: num(e.location_elem_longitude),
          latitude: num(e.location_elem_latitude),
        },
      };
    case 9:
      return {
        type: TYPES.MSG_VIDEO,
        payload: {
          videoFormat: str(e.video_elem_video_type),
          videoSecond: num(e.video_elem_video_duration),
          videoSize: num(e.video_elem_video_size),
          videoUrl: str(e.video_elem_video_url),
          videoUUID: str(e.video_elem_video_id),
          thumbUrl: str(e.video_elem_image_url),
          thumbUUID: str(e.video_elem_image_id),
          thumbWidth: num(e.video_elem_image_width),
          thumbHeight: num(e.video_elem_image_height),
          thumbSize: num(e.video_elem_image_size),
          downloadFlag: 2,
        },
      };
    case 12: {
      const wires: WireMessage[] = Array.isArray(e.merge_elem_message_array) ? e.merge_elem_message_array : [];
      return {
        type: TYPES.MSG_MERGER,
        payload: {
          messageList: wires.map((wire) => fromWire(wire, "")),
          title: str(e.merge_elem_title),
          abstractList: Array.isArray(e.merge_elem_abstract_array) ? e.merge_elem_abstract_array.map(str) : [],
          compatibleText: str(e.merge_elem_compatible_text),
          layersOverLimit: Boolean(e.merge_elem_layer_over_limit),
          downloadKey: "",
          pbDownloadKey: "",
          version: 0,
        },
      };
    }
    default:
      return { type: TYPES.MSG_CUSTOM, payload: { data: "", description: "", extension: "" } };
  }
}

/**
 * TIM's `newGroupProfile` of a group tips message of type 6: the fields that changed, under the
 * names of TIM's Web Group (`groupCustomField` as a list of the custom fields that changed).
 */
function newGroupProfileOf(changes: unknown): Record<string, unknown> {
  const profile: Record<string, unknown> = {};
  if (!Array.isArray(changes)) return profile;
  for (const change of changes as any[]) {
    const value = str(change?.group_tips_group_change_info_value);
    switch (num(change?.group_tips_group_change_info_flag)) {
      case 1:
        profile.name = value;
        break;
      case 2:
        profile.introduction = value;
        break;
      case 3:
        profile.notification = value;
        break;
      case 4:
        profile.avatar = value;
        break;
      case 5:
        profile.ownerID = value;
        break;
      case 6: {
        const fields = (profile.groupCustomField as Array<{ key: string; value: string }>) ?? [];
        fields.push({ key: str(change?.group_tips_group_change_info_key), value });
        profile.groupCustomField = fields;
        break;
      }
      case 8:
        profile.muteAllMembers = Boolean(change?.group_tips_group_change_info_bool_value);
        break;
      case 11:
        profile.joinOption = [TYPES.JOIN_OPTIONS_DISABLE_APPLY, TYPES.JOIN_OPTIONS_NEED_PERMISSION, TYPES.JOIN_OPTIONS_FREE_ACCESS][
          num(change?.group_tips_group_change_info_int_value)
        ];
        break;
      case 12:
        profile.inviteOption = [TYPES.INVITE_OPTIONS_DISABLE_INVITE, TYPES.INVITE_OPTIONS_NEED_PERMISSION, TYPES.INVITE_OPTIONS_FREE_ACCESS][
          num(change?.group_tips_group_change_info_int_value)
        ];
        break;
      default:
        break;
    }
  }
  return profile;
}

/** The package's own fields inside `message_custom_str`, when the sender put them there. */
export function readCustomEnvelope(text: string | undefined): { atUserList?: string[]; quoteInfo?: QuoteInfo } {
  if (!text || text[0] !== "{") return {};
  try {
    const value = JSON.parse(text);
    if (value?.tincanWeb !== 1) return {};
    const found: { atUserList?: string[]; quoteInfo?: QuoteInfo } = {};
    if (Array.isArray(value.atUserList)) found.atUserList = value.atUserList.map(str);
    if (value.quoteInfo && typeof value.quoteInfo === "object") {
      found.quoteInfo = {
        msgID: str(value.quoteInfo.msgID),
        messageTime: num(value.quoteInfo.messageTime),
        messageSequence: num(value.quoteInfo.messageSequence),
      };
    }
    return found;
  } catch {
    return {};
  }
}

export function writeCustomEnvelope(message: Message): string {
  const envelope: Record<string, unknown> = {};
  if (message.atUserList.length > 0) envelope.atUserList = message.atUserList;
  if (message.quoteInfo) envelope.quoteInfo = message.quoteInfo;
  if (Object.keys(envelope).length === 0) return "";
  return JSON.stringify({ tincanWeb: 1, ...envelope });
}

/** A preview of a message, for a conversation's `lastMessage.messageForShow`. */
export function previewText(type: string, payload: any): string {
  switch (type) {
    case TYPES.MSG_TEXT:
      return str(payload?.text);
    case TYPES.MSG_IMAGE:
      return "[Image]";
    case TYPES.MSG_AUDIO:
      return "[Voice]";
    case TYPES.MSG_VIDEO:
      return "[Video]";
    case TYPES.MSG_FILE:
      return "[File]";
    case TYPES.MSG_FACE:
      return "[Sticker]";
    case TYPES.MSG_LOCATION:
      return "[Location]";
    case TYPES.MSG_MERGER:
      return "[Chat History]";
    case TYPES.MSG_GRP_TIP:
      return "[Group Notification]";
    case TYPES.MSG_GRP_SYS_NOTICE:
      return "[Group System Notice]";
    default:
      return "[Custom Message]";
  }
}

/**
 * Builds TIM's Web message from a wire message, as `me` sees it. The conversation is named from
 * the reader's side, so a C2C message's `message_conv_id` is the other user.
 */
export function fromWire(wire: WireMessage, me: string): Message {
  const message = new Message();
  const group = wire.message_conv_type === 2;
  const first = wire.message_elem_array?.[0];
  const { type, payload } = first ? elemToPayload(first) : { type: TYPES.MSG_CUSTOM, payload: { data: "", description: "", extension: "" } };
  const envelope = readCustomEnvelope(wire.message_custom_str);
  const fromSelf = wire.message_sender === me;
  message.ID = wire.message_msg_id;
  message.type = type;
  message.payload = payload;
  message.conversationType = group ? TYPES.CONV_GROUP : TYPES.CONV_C2C;
  message.conversationID = `${message.conversationType}${wire.message_conv_id}`;
  message.from = wire.message_sender;
  message.to = group ? wire.message_conv_id : fromSelf ? wire.message_conv_id : me;
  message.flow = fromSelf ? "out" : "in";
  message.time = num(wire.message_server_time) || num(wire.message_client_time);
  message.clientTime = num(wire.message_client_time);
  message.status = "success";
  message.priority = PRIORITIES[num(wire.message_priority)] ?? TYPES.MSG_PRIORITY_NORMAL;
  message.isPeerRead = Boolean(wire.message_is_peer_read);
  message.atUserList = envelope.atUserList ?? [];
  if (envelope.quoteInfo) message.quoteInfo = envelope.quoteInfo;
  message.cloudCustomData = str(wire.message_cloud_custom_str);
  message.needReadReceipt = Boolean(wire.message_need_read_receipt);
  message.hasSentReceipt = !fromSelf && message.needReadReceipt && Boolean(wire.message_has_sent_receipt);
  message.sequence = num(wire.message_seq);
  message.clientSequence = num(wire.message_seq);
  message.random = num(wire.message_rand);
  message.senderTinyID = message.ID.split("-")[0] ?? "";
  message.isRead = fromSelf || Boolean(wire.message_is_read);
  message.version = num(wire.message_version);
  message.isModified = message.version > 0;
  message.isDeleted = num(wire.message_status) === 4;
  message.isSupportExtension = wire.message_support_message_extension === true;
  if (num(wire.message_status) === 6) {
    message.isRevoked = true;
    message.revoker = str(wire.message_revoker_user_id);
    message.revokerInfo = { userID: message.revoker, nick: "", avatar: "" };
    message.revokeReason = str(wire.message_revoke_reason);
  }
  const profile = wire.message_sender_profile;
  if (profile && typeof profile === "object") {
    message.nick = str(profile.user_profile_nick_name);
    message.avatar = str(profile.user_profile_face_url);
  }
  if (wire.message_is_online_msg === true) extrasOf(message).onlineOnly = true;
  if (fromSelf && message.needReadReceipt) {
    if (group) {
      message.readReceiptInfo = {
        readCount: num(wire.message_group_receipt_read_count),
        unreadCount: num(wire.message_group_receipt_unread_count),
        isPeerRead: undefined,
        timestamp: 0,
      };
    } else {
      message.readReceiptInfo = {
        readCount: undefined,
        unreadCount: undefined,
        isPeerRead: Boolean(wire.message_receipt_peer_read),
        timestamp: 0,
      };
    }
  }
  return message;
}
