// What the chat client takes from TIM's Web SDK (the package tincan-chat, packages/tincan-chat):
// the SDK itself, its objects with TIM's field names, and how the client says them in words.

import TencentCloudChat, { ChatError, type ChatSDK, type Conversation, type Group, type Message } from "tincan-chat";

export { ChatError, TencentCloudChat };
export type { ChatSDK, Conversation, Group, Message };

export const { EVENT, TYPES } = TencentCloudChat;

/** TIM's group types, by the names people know them by here. */
const GROUP_TYPE_NAMES: Record<string, string> = {
  [TYPES.GRP_WORK]: "Work",
  [TYPES.GRP_PUBLIC]: "Public",
  [TYPES.GRP_MEETING]: "Meeting",
  [TYPES.GRP_AVCHATROOM]: "AVChatRoom",
  [TYPES.GRP_COMMUNITY]: "Community",
};

/** Names a group type (TIM's `Group.type`, `Conversation.subType`) for people. */
export function groupTypeName(type: string | undefined): string {
  return type ? (GROUP_TYPE_NAMES[type] ?? type) : "";
}

/** A conversation's kind and the user or group it is with, from its ID (`C2C<user>`, `GROUP<group>`). */
export function splitConversationID(conversationID: string): { type: string; id: string } {
  if (conversationID.startsWith(TYPES.CONV_GROUP)) return { type: TYPES.CONV_GROUP, id: conversationID.slice(TYPES.CONV_GROUP.length) };
  return { type: TYPES.CONV_C2C, id: conversationID.slice(TYPES.CONV_C2C.length) };
}

/** The name a conversation is listed under: the group's name, or the other user's ID. */
export function conversationName(conversation: Conversation): string {
  const { id } = splitConversationID(conversation.conversationID);
  return conversation.groupProfile?.name || conversation.userProfile?.nick || id;
}

/** What a message (or a conversation's last message: its `type` and `payload`) says, as one line of text. */
export function messageText(message: { type: string; payload: any }): string {
  switch (message.type) {
    case TYPES.MSG_TEXT:
      return String(message.payload?.text ?? "");
    case TYPES.MSG_IMAGE:
      return "[image]";
    case TYPES.MSG_AUDIO:
      return "[voice message]";
    case TYPES.MSG_CUSTOM:
      return "[custom message]";
    case TYPES.MSG_FILE:
      return "[file]";
    case TYPES.MSG_GRP_TIP:
      return tipText(message.payload ?? {});
    case TYPES.MSG_FACE:
      return "[sticker]";
    case TYPES.MSG_LOCATION:
      return "[location]";
    case TYPES.MSG_VIDEO:
      return "[video]";
    case TYPES.MSG_MERGER:
      return "[chat history]";
    default:
      return "[message]";
  }
}

/** A file's size for people: bytes, KB or MB. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * A person's picture: the avatar when it has one the page may load (this server's own
 * addresses and data: URLs), otherwise the first letter of the name.
 */
export function avatarOf(name: string, avatar: string | undefined): HTMLElement {
  const initial = document.createElement("span");
  initial.className = "avatar";
  initial.setAttribute("aria-hidden", "true");
  initial.textContent = (name.trim()[0] ?? "?").toUpperCase();
  if (!avatar) return initial;
  const image = document.createElement("img");
  image.className = "avatar";
  image.alt = "";
  image.src = avatar;
  image.addEventListener("error", () => image.replaceWith(initial));
  return image;
}

function tipText(payload: { operatorID?: string; operationType?: number; userIDList?: string[] }): string {
  const who = payload.operatorID || "someone";
  const users = (payload.userIDList ?? []).join(", ");
  switch (payload.operationType) {
    case TYPES.GRP_TIP_MBR_JOIN:
      return `${who} added ${users}`;
    case TYPES.GRP_TIP_MBR_QUIT:
      return `${users || who} left the group`;
    case TYPES.GRP_TIP_MBR_KICKED_OUT:
      return `${who} removed ${users}`;
    case TYPES.GRP_TIP_MBR_SET_ADMIN:
      return `${who} made ${users} an admin`;
    case TYPES.GRP_TIP_MBR_CANCELED_ADMIN:
      return `${who} made ${users} a member again`;
    case TYPES.GRP_TIP_GRP_PROFILE_UPDATED:
      return `${who} changed the group's profile`;
    case TYPES.GRP_TIP_MBR_PROFILE_UPDATED:
      return `${who} changed ${users}'s membership`;
    default:
      return "The group changed";
  }
}
