// TIM's Web objects other than messages (Conversation, Group, GroupMember, Profile) and their
// translation from tincan's wire objects, which carry TIM's native JSON keys.

import { TYPES } from "./constants.js";
import { Message, previewText } from "./message.js";

export interface LastMessage {
  lastTime: number;
  lastSequence: number;
  fromAccount: string;
  messageForShow: string;
  payload: any;
  type: string;
  isRevoked: boolean;
  cloudCustomData: string;
  onlineOnlyFlag: boolean;
  nick: string;
  nameCard: string;
  version: number;
  isPeerRead: boolean;
  revoker: string | null;
}

export interface Profile {
  userID: string;
  nick: string;
  gender: string;
  birthday: number;
  location: string;
  selfSignature: string;
  allowType: string;
  language: number;
  avatar: string;
  messageSettings: number;
  adminForbidType: string;
  level: number;
  role: number;
  lastUpdatedTime: number;
  profileCustomField: Array<{ key: string; value: unknown }>;
}

export interface GroupSelfInfo {
  role: string;
  messageRemindType: string;
  joinTime: number;
  nameCard: string;
  userID: string;
  memberCustomField: Array<{ key: string; value: unknown }>;
}

export interface Group {
  groupID: string;
  name: string;
  avatar: string;
  type: string;
  introduction: string;
  notification: string;
  ownerID: string;
  createTime: number;
  infoSequence: number;
  lastInfoTime: number;
  selfInfo: GroupSelfInfo;
  lastMessage: { lastTime: number; lastSequence: number; fromAccount: string; messageForShow: string };
  nextMessageSeq: number;
  memberCount: number;
  maxMemberCount: number;
  muteAllMembers: boolean;
  joinOption: string;
  inviteOption: string;
  groupCustomField: Array<{ key: string; value: unknown }>;
  isSupportTopic: boolean;
}

export interface GroupMember {
  userID: string;
  avatar: string;
  nick: string;
  role: string;
  joinTime: number;
  nameCard: string;
  muteUntil: number;
  memberCustomField: Array<{ key: string; value: unknown }>;
  isOnline: boolean;
}

export interface Conversation {
  conversationID: string;
  type: string;
  subType: string;
  unreadCount: number;
  lastMessage: LastMessage;
  peerReadTime: number;
  groupProfile: Group | undefined;
  userProfile: Profile | undefined;
  groupAtInfoList: unknown[];
  remark: string;
  isPinned: boolean;
  messageRemindType: string;
  markList: number[];
  customData: string;
  conversationGroupList: string[];
  draftText: string;
}

/** tincan's numeric group types, as TIM's Web SDK names them. */
const GROUP_TYPES: Record<number, string> = {
  0: TYPES.GRP_PUBLIC,
  1: TYPES.GRP_WORK,
  2: TYPES.GRP_MEETING,
  4: TYPES.GRP_AVCHATROOM,
  5: TYPES.GRP_COMMUNITY,
};

export function groupTypeName(type: unknown): string {
  return GROUP_TYPES[Number(type)] ?? TYPES.GRP_PUBLIC;
}

/** TIM's Web group type as tincan's number; undefined for a name tincan does not know. */
export function groupTypeNumber(name: unknown): number | undefined {
  for (const [number, known] of Object.entries(GROUP_TYPES)) {
    if (known === name) return Number(number);
  }
  return undefined;
}

const JOIN_OPTIONS = [TYPES.JOIN_OPTIONS_DISABLE_APPLY, TYPES.JOIN_OPTIONS_NEED_PERMISSION, TYPES.JOIN_OPTIONS_FREE_ACCESS];

export function joinOptionName(addOption: unknown): string {
  return JOIN_OPTIONS[Number(addOption)] ?? TYPES.JOIN_OPTIONS_FREE_ACCESS;
}

export function joinOptionNumber(name: unknown): number | undefined {
  const index = (JOIN_OPTIONS as readonly unknown[]).indexOf(name);
  return index < 0 ? undefined : index;
}

export function roleName(role: unknown): string {
  switch (Number(role)) {
    case 400:
      return TYPES.GRP_MBR_ROLE_OWNER;
    case 300:
      return TYPES.GRP_MBR_ROLE_ADMIN;
    default:
      return TYPES.GRP_MBR_ROLE_MEMBER;
  }
}

export function roleNumber(name: unknown): number | undefined {
  if (name === undefined || name === TYPES.GRP_MBR_ROLE_MEMBER) return 200;
  if (name === TYPES.GRP_MBR_ROLE_ADMIN) return 300;
  return undefined;
}

/** A receive option (`conv_recv_opt`, `msg_flag`) as TIM's Web SDK names it. */
export function remindTypeName(option: unknown): string {
  switch (Number(option)) {
    case 1:
      return TYPES.MSG_REMIND_DISCARD;
    case 2:
      return TYPES.MSG_REMIND_ACPT_NOT_NOTE;
    case 3:
      return TYPES.NOT_RECEIVE_OFFLINE_PUSH_EXCEPT_AT;
    default:
      return TYPES.MSG_REMIND_ACPT_AND_NOTE;
  }
}

export function defaultProfile(userID: string): Profile {
  return {
    userID,
    nick: "",
    gender: TYPES.GENDER_UNKNOWN,
    birthday: 0,
    location: "",
    selfSignature: "",
    allowType: TYPES.ALLOW_TYPE_ALLOW_ANY,
    language: 0,
    avatar: "",
    messageSettings: 0,
    adminForbidType: TYPES.FORBID_TYPE_NONE,
    level: 0,
    role: 0,
    lastUpdatedTime: 0,
    profileCustomField: [],
  };
}

export function emptyLastMessage(): LastMessage {
  return {
    lastTime: 0,
    lastSequence: 0,
    fromAccount: "",
    messageForShow: "",
    payload: null,
    type: "",
    isRevoked: false,
    cloudCustomData: "",
    onlineOnlyFlag: false,
    nick: "",
    nameCard: "",
    version: 0,
    isPeerRead: false,
    revoker: null,
  };
}

export function lastMessageOf(message: Message): LastMessage {
  return {
    lastTime: message.time,
    lastSequence: message.sequence,
    fromAccount: message.from,
    messageForShow: previewText(message.type, message.payload),
    payload: message.payload,
    type: message.type,
    isRevoked: message.isRevoked,
    cloudCustomData: message.cloudCustomData,
    onlineOnlyFlag: false,
    nick: message.nick,
    nameCard: message.nameCard,
    version: message.version,
    isPeerRead: message.isPeerRead,
    revoker: null,
  };
}

export function emptyGroup(groupID: string, me: string): Group {
  return {
    groupID,
    name: "",
    avatar: "",
    type: TYPES.GRP_PUBLIC,
    introduction: "",
    notification: "",
    ownerID: "",
    createTime: 0,
    infoSequence: 0,
    lastInfoTime: 0,
    selfInfo: {
      role: TYPES.GRP_MBR_ROLE_MEMBER,
      messageRemindType: TYPES.MSG_REMIND_ACPT_AND_NOTE,
      joinTime: 0,
      nameCard: "",
      userID: me,
      memberCustomField: [],
    },
    lastMessage: { lastTime: 0, lastSequence: 0, fromAccount: "", messageForShow: "" },
    nextMessageSeq: 1,
    memberCount: 0,
    maxMemberCount: 0,
    muteAllMembers: false,
    joinOption: TYPES.JOIN_OPTIONS_FREE_ACCESS,
    inviteOption: TYPES.INVITE_OPTIONS_FREE_ACCESS,
    groupCustomField: [],
    isSupportTopic: false,
  };
}

/** Fills a group from a `group_get_joined` entry (`group_base_info_*`). */
export function applyBaseInfo(group: Group, info: Record<string, any>): Group {
  group.name = String(info.group_base_info_group_name ?? group.name);
  group.type = groupTypeName(info.group_base_info_group_type);
  group.avatar = String(info.group_base_info_face_url ?? "");
  group.infoSequence = Number(info.group_base_info_info_seq ?? 0);
  group.muteAllMembers = Boolean(info.group_base_info_is_shutup_all);
  const latest = Number(info.group_base_info_latest_seq ?? 0);
  group.nextMessageSeq = latest + 1;
  group.lastMessage.lastSequence = latest;
  const self = info.group_base_info_self_info ?? {};
  group.selfInfo.role = roleName(self.group_self_info_role);
  group.selfInfo.joinTime = Number(self.group_self_info_join_time ?? 0);
  group.selfInfo.messageRemindType = remindTypeName(self.group_self_info_msg_flag ?? info.group_base_info_msg_flag);
  if (group.type === TYPES.GRP_WORK) group.joinOption = TYPES.JOIN_OPTIONS_DISABLE_APPLY;
  return group;
}

/** Fills a group from a `group_get_info` result (`group_detail_info_*`). */
export function applyDetailInfo(group: Group, info: Record<string, any>): Group {
  group.name = String(info.group_detail_info_group_name ?? group.name);
  group.type = groupTypeName(info.group_detail_info_group_type);
  group.notification = String(info.group_detail_info_notification ?? "");
  group.introduction = String(info.group_detail_info_introduction ?? "");
  group.avatar = String(info.group_detail_info_face_url ?? "");
  group.createTime = Number(info.group_detail_info_create_time ?? 0);
  group.infoSequence = Number(info.group_detail_info_info_seq ?? 0);
  group.lastInfoTime = Number(info.group_detail_info_last_info_time ?? 0);
  const newest = Number(info.group_detail_info_next_msg_seq ?? 0);
  group.nextMessageSeq = newest + 1;
  group.lastMessage.lastSequence = newest;
  group.lastMessage.lastTime = Number(info.group_detail_info_last_msg_time ?? 0);
  group.memberCount = Number(info.group_detail_info_member_num ?? 0);
  group.maxMemberCount = Number(info.group_detail_info_max_member_num ?? 0);
  group.joinOption = joinOptionName(info.group_detail_info_add_option);
  group.muteAllMembers = Boolean(info.group_detail_info_is_shutup_all);
  group.ownerID = String(info.group_detail_info_owner_identifier ?? "");
  return group;
}

export function memberFromWire(info: Record<string, any>): GroupMember {
  return {
    userID: String(info.group_member_info_identifier ?? ""),
    avatar: String(info.group_member_info_face_url ?? ""),
    nick: String(info.group_member_info_nick_name ?? ""),
    role: roleName(info.group_member_info_member_role),
    joinTime: Number(info.group_member_info_join_time ?? 0),
    nameCard: String(info.group_member_info_name_card ?? ""),
    muteUntil: Number(info.group_member_info_shutup_time ?? 0),
    memberCustomField: [],
    isOnline: Boolean(info.group_member_info_is_online),
  };
}
