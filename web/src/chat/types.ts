// The protocol objects the chat client reads, with TIM's keys (docs/protocol.md). Only the keys
// the client uses are listed; the server sends more.

export const C2C = 1;
export const GROUP = 2;

export interface Elem {
  elem_type: number;
  text_elem_content?: string;
  group_tips_elem_tip_type?: number;
  group_tips_elem_op_user?: string;
  group_tips_elem_user_array?: string[];
}

export interface Message {
  message_elem_array: Elem[];
  message_conv_id: string;
  message_conv_type: number;
  message_sender: string;
  message_server_time: number;
  message_is_from_self: boolean;
  message_is_read: boolean;
  message_is_peer_read: boolean;
  message_receipt_peer_read: boolean;
  message_need_read_receipt: boolean;
  message_has_sent_receipt: boolean;
  message_group_receipt_read_count: number;
  message_group_receipt_unread_count: number;
  message_msg_id: string;
  message_seq: number;
  message_is_excluded_from_unread_count: boolean;
}

export interface Conversation {
  conv_id: string;
  conv_type: number;
  conv_unread_num: number;
  conv_active_time: number;
  conv_is_has_lastmsg: boolean;
  conv_last_msg: Message | null;
  conv_show_name: string;
  conv_group_type: number | null;
}

export interface ConvState {
  unread: number;
  max_seq: number;
  read_seq: number;
}

export interface MessageReceipt {
  msg_receipt_conv_id: string;
  msg_receipt_conv_type: number;
  msg_receipt_msg_id: string;
  msg_receipt_is_peer_read: boolean;
  msg_receipt_read_count: number;
  msg_receipt_unread_count: number;
  msg_receipt_seq: number;
}

export interface GroupMember {
  group_member_info_identifier: string;
  group_member_info_member_role: number;
}

/** TIM's group types by number, as `conv_group_type` and `group_detail_info_group_type` give them. */
export const GROUP_TYPE_NAMES: Record<number, string> = {
  0: "Public",
  1: "Work",
  2: "Meeting",
  4: "AVChatRoom",
  5: "Community",
};

/** A conversation's key in the client's maps. */
export function convKey(convType: number, convId: string): string {
  return `${convType}:${convId}`;
}

/** What a message says, as one line of text. */
export function messageText(message: Message): string {
  return message.message_elem_array.map(elemText).join(" ");
}

function elemText(elem: Elem): string {
  switch (elem.elem_type) {
    case 0:
      return elem.text_elem_content ?? "";
    case 1:
      return "[image]";
    case 2:
      return "[voice message]";
    case 3:
      return "[custom message]";
    case 4:
      return "[file]";
    case 5:
      return tipText(elem);
    case 6:
      return "[sticker]";
    case 7:
      return "[location]";
    case 9:
      return "[video]";
    default:
      return "[message]";
  }
}

function tipText(elem: Elem): string {
  const who = elem.group_tips_elem_op_user ?? "someone";
  const users = (elem.group_tips_elem_user_array ?? []).join(", ");
  switch (elem.group_tips_elem_tip_type) {
    case 1:
      return `${who} added ${users}`;
    case 2:
      return `${users || who} left the group`;
    case 3:
      return `${who} removed ${users}`;
    default:
      return "The group changed";
  }
}
