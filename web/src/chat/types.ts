// What the chat client takes from TIM's Web SDK (the package tincan-chat, packages/tincan-chat):
// the SDK itself, its objects with TIM's field names, and how the client says them in words.

import TencentCloudChat, { ChatError, type ChatSDK, type Conversation, type Group, type GroupMember, type Message, type Profile } from "tincan-chat";

export { ChatError, TencentCloudChat };
export type { ChatSDK, Conversation, Group, GroupMember, Message, Profile };

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

/** What a group tips message tells (TIM's `GRP_TIP_*`), as one line of text. */
function tipText(payload: {
  operatorID?: string;
  operationType?: number;
  userIDList?: string[];
  memberList?: { userID: string; muteTime?: number }[];
  newGroupProfile?: Record<string, unknown>;
}): string {
  const who = payload.operatorID || "someone";
  const userIDs = payload.userIDList ?? [];
  const users = userIDs.join(", ");
  switch (payload.operationType) {
    case TYPES.GRP_TIP_MBR_JOIN:
      // Joining by oneself names oneself as the operator; being let in or invited names the admin.
      if (userIDs.length === 1 && userIDs[0] === payload.operatorID) return `${who} joined the group`;
      return `${who} added ${users} to the group`;
    case TYPES.GRP_TIP_MBR_QUIT:
      return `${users || who} left the group`;
    case TYPES.GRP_TIP_MBR_KICKED_OUT:
      return `${who} removed ${users} from the group`;
    case TYPES.GRP_TIP_MBR_SET_ADMIN:
      return `${who} made ${users} ${userIDs.length > 1 ? "admins" : "an admin"}`;
    case TYPES.GRP_TIP_MBR_CANCELED_ADMIN:
      return `${who} made ${users} ${userIDs.length > 1 ? "ordinary members" : "an ordinary member"} again`;
    case TYPES.GRP_TIP_GRP_PROFILE_UPDATED:
      return profileChangeText(who, payload.newGroupProfile ?? {});
    case TYPES.GRP_TIP_MBR_PROFILE_UPDATED: {
      const mutes = (payload.memberList ?? []).filter((member) => typeof member.muteTime === "number");
      if (mutes.length === 0) return `${who} changed ${users}'s membership`;
      return mutes
        .map((member) => (member.muteTime ? `${who} muted ${member.userID} for ${duration(member.muteTime ?? 0)}` : `${who} unmuted ${member.userID}`))
        .join("; ");
    }
    default:
      return "The group changed";
  }
}

/** The sentences of a profile change (TIM's `newGroupProfile`: only the fields that changed). */
function profileChangeText(who: string, changed: Record<string, unknown>): string {
  const quote = (value: unknown) => {
    const text = String(value ?? "");
    return text.length > 80 ? `“${text.slice(0, 79)}…”` : `“${text}”`;
  };
  const parts: string[] = [];
  if ("name" in changed) parts.push(`changed the group name to ${quote(changed.name)}`);
  if ("notification" in changed) parts.push(changed.notification ? `changed the notice to ${quote(changed.notification)}` : "cleared the notice");
  if ("introduction" in changed) parts.push(changed.introduction ? `changed the introduction to ${quote(changed.introduction)}` : "cleared the introduction");
  if ("avatar" in changed) parts.push(changed.avatar ? "changed the group picture" : "removed the group picture");
  if ("ownerID" in changed) parts.push(`handed the group over to ${String(changed.ownerID)}`);
  if ("muteAllMembers" in changed) parts.push(changed.muteAllMembers ? "muted everyone but the owner and admins" : "let everyone speak again");
  if ("joinOption" in changed) parts.push(`set who may join to “${joinOptionName(String(changed.joinOption))}”`);
  if ("groupCustomField" in changed) parts.push("changed the group's custom fields");
  if (parts.length === 0) return `${who} changed the group's profile`;
  return `${who} ${parts.join(", ")}`;
}

/** How a group's join option (TIM's `JOIN_OPTIONS_*`) reads. */
export function joinOptionName(option: string): string {
  switch (option) {
    case TYPES.JOIN_OPTIONS_FREE_ACCESS:
      return "Anyone may join";
    case TYPES.JOIN_OPTIONS_NEED_PERMISSION:
      return "An owner or admin approves each request";
    case TYPES.JOIN_OPTIONS_DISABLE_APPLY:
      return "Nobody may ask to join";
    default:
      return option;
  }
}

/** A length of time in seconds, in the largest whole unit that fits: "10 minutes", "1 day". */
export function duration(seconds: number): string {
  const units: [number, string][] = [
    [86_400, "day"],
    [3_600, "hour"],
    [60, "minute"],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const count = seconds / size;
      return `${count} ${name}${count === 1 ? "" : "s"}`;
    }
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

/** A member's role (TIM's `GRP_MBR_ROLE_*`) in words. */
export function roleName(role: string): string {
  switch (role) {
    case TYPES.GRP_MBR_ROLE_OWNER:
      return "Owner";
    case TYPES.GRP_MBR_ROLE_ADMIN:
      return "Admin";
    default:
      return "Member";
  }
}

/** What a refused call means, with TIM's code: the server's words say what was wrong. */
export function chatErrorText(error: unknown): string {
  return error instanceof ChatError ? `${error.message} (${error.code})` : String(error);
}
