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

/** The invite option's names, indexed by its `TIMGroupAddOption` number. */
const INVITE_OPTIONS = [TYPES.INVITE_OPTIONS_DISABLE_INVITE, TYPES.INVITE_OPTIONS_NEED_PERMISSION, TYPES.INVITE_OPTIONS_FREE_ACCESS];

export function inviteOptionName(approveOption: unknown): string {
  return INVITE_OPTIONS[Number(approveOption)] ?? TYPES.INVITE_OPTIONS_FREE_ACCESS;
}

export function inviteOptionNumber(name: unknown): number | undefined {
  const index = (INVITE_OPTIONS as readonly unknown[]).indexOf(name);
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
  group.inviteOption = inviteOptionName(info.group_detail_info_approve_option);
  group.muteAllMembers = Boolean(info.group_detail_info_is_shutup_all);
  group.ownerID = String(info.group_detail_info_owner_identifier ?? "");
  const custom: any[] = Array.isArray(info.group_detail_info_custom_info) ? info.group_detail_info_custom_info : [];
  group.groupCustomField = custom.map((field) => ({
    key: String(field.group_info_custom_string_info_key ?? ""),
    value: String(field.group_info_custom_string_info_value ?? ""),
  }));
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
    memberCustomField: (Array.isArray(info.group_member_info_custom_info) ? info.group_member_info_custom_info : []).map((field: any) => ({
      key: String(field.group_member_info_custom_string_info_key ?? ""),
      value: String(field.group_member_info_custom_string_info_value ?? ""),
    })),
    isOnline: Boolean(info.group_member_info_is_online),
  };
}

const GENDERS = [TYPES.GENDER_UNKNOWN, TYPES.GENDER_MALE, TYPES.GENDER_FEMALE];
const ALLOW_TYPES: Record<number, string> = {
  0: TYPES.ALLOW_TYPE_ALLOW_ANY,
  1: TYPES.ALLOW_TYPE_ALLOW_ANY,
  2: TYPES.ALLOW_TYPE_NEED_CONFIRM,
  3: TYPES.ALLOW_TYPE_DENY_ANY,
};

/** TIM's Web Profile from a `UserProfile` (`user_profile_*`). */
export function profileFromWire(info: Record<string, any>, into?: Profile): Profile {
  const profile = into ?? defaultProfile(String(info.user_profile_identifier ?? ""));
  profile.userID = String(info.user_profile_identifier ?? profile.userID);
  profile.nick = String(info.user_profile_nick_name ?? "");
  profile.avatar = String(info.user_profile_face_url ?? "");
  profile.gender = GENDERS[Number(info.user_profile_gender)] ?? TYPES.GENDER_UNKNOWN;
  profile.selfSignature = String(info.user_profile_self_signature ?? "");
  profile.allowType = ALLOW_TYPES[Number(info.user_profile_add_permission)] ?? TYPES.ALLOW_TYPE_ALLOW_ANY;
  profile.location = String(info.user_profile_location ?? "");
  profile.language = Number(info.user_profile_language ?? 0);
  profile.birthday = Number(info.user_profile_birthday ?? 0);
  profile.level = Number(info.user_profile_level ?? 0);
  profile.role = Number(info.user_profile_role ?? 0);
  const custom: any[] = Array.isArray(info.user_profile_custom_string_array) ? info.user_profile_custom_string_array : [];
  profile.profileCustomField = custom.map((field) => ({
    key: String(field.user_profile_custom_string_info_key ?? ""),
    value: String(field.user_profile_custom_string_info_value ?? ""),
  }));
  return profile;
}

/**
 * `updateMyProfile`'s options as a `UserProfileItem`; a key left out keeps its value. Throws a
 * message naming the option that is not one. `messageSettings` and `adminForbidType` have no
 * place on the server and are not sent.
 */
export function profileItemFromOptions(options: Record<string, any>): Record<string, unknown> | string {
  const item: Record<string, unknown> = {};
  const text = (name: string, key: string) => {
    if (options[name] === undefined) return null;
    if (typeof options[name] !== "string") return `${name} must be a string`;
    item[key] = options[name];
    return null;
  };
  const number = (name: string, key: string) => {
    if (options[name] === undefined) return null;
    const value = options[name];
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      return `${name} must be a whole number from 0 to 4294967295`;
    }
    item[key] = value;
    return null;
  };
  const problems = [
    text("nick", "user_profile_item_nick_name"),
    text("avatar", "user_profile_item_face_url"),
    text("selfSignature", "user_profile_item_self_signature"),
    text("location", "user_profile_item_location"),
    number("birthday", "user_profile_item_birthday"),
    number("language", "user_profile_item_language"),
    number("level", "user_profile_item_level"),
    number("role", "user_profile_item_role"),
  ];
  if (options.gender !== undefined) {
    const index = (GENDERS as readonly unknown[]).indexOf(options.gender);
    if (index < 0) problems.push("gender must be TYPES.GENDER_UNKNOWN, GENDER_MALE or GENDER_FEMALE");
    else item.user_profile_item_gender = index;
  }
  if (options.allowType !== undefined) {
    const index = [TYPES.ALLOW_TYPE_ALLOW_ANY, TYPES.ALLOW_TYPE_NEED_CONFIRM, TYPES.ALLOW_TYPE_DENY_ANY].indexOf(options.allowType);
    if (index < 0) problems.push("allowType must be TYPES.ALLOW_TYPE_ALLOW_ANY, ALLOW_TYPE_NEED_CONFIRM or ALLOW_TYPE_DENY_ANY");
    else item.user_profile_item_add_permission = index + 1;
  }
  if (options.profileCustomField !== undefined) {
    const fields = options.profileCustomField;
    if (!Array.isArray(fields) || !fields.every((field) => field && typeof field.key === "string" && typeof field.value === "string")) {
      problems.push("profileCustomField must be an array of {key, value} strings");
    } else {
      item.user_profile_item_custom_string_array = fields.map((field: { key: string; value: string }) => ({
        user_profile_custom_string_info_key: field.key,
        user_profile_custom_string_info_value: field.value,
      }));
    }
  }
  const problem = problems.find((found) => found !== null);
  return problem ?? item;
}

/** TIM's Web user status (`{userID, statusType, customStatus}`) from a `TIMUserStatus`. */
export function statusFromWire(info: Record<string, any>): { userID: string; statusType: number; customStatus: string } {
  return {
    userID: String(info.user_status_identifier ?? ""),
    statusType: Number(info.user_status_status_type ?? 0),
    customStatus: String(info.user_status_custom_status ?? ""),
  };
}

/**
 * TIM's Web group application from a `GroupPendency`: a request to join (`applicationType` 0,
 * `userID` the applicant) or an invitation waiting for approval (`applicationType` 2,
 * `applicant` the member who invited, `userID` the invitee).
 */
export function applicationFromWire(info: Record<string, any>, groupName: string): Record<string, unknown> {
  if (Number(info.group_pendency_pendency_type ?? 0) === 1) {
    return {
      applicant: String(info.group_pendency_form_identifier ?? ""),
      applicantNick: "",
      avatar: "",
      groupID: String(info.group_pendency_group_id ?? ""),
      groupName,
      postscript: String(info.group_pendency_apply_invite_msg ?? ""),
      time: Number(info.group_pendency_add_time ?? 0),
      type: "inviteJoinGroup",
      applicationType: 2,
      userID: String(info.group_pendency_to_identifier ?? ""),
      isHandled: Number(info.group_pendency_handled ?? 0) !== 0,
    };
  }
  return {
    applicationType: 0,
    applicant: String(info.group_pendency_form_identifier ?? ""),
    applicantNick: "",
    avatar: "",
    groupID: String(info.group_pendency_group_id ?? ""),
    groupName,
    postscript: String(info.group_pendency_apply_invite_msg ?? ""),
    time: Number(info.group_pendency_add_time ?? 0),
    type: "applyJoinGroup",
    userID: String(info.group_pendency_form_identifier ?? ""),
    isHandled: Number(info.group_pendency_handled ?? 0) !== 0,
  };
}

/** The text of a draft (`conv_draft`): its first text element, or its user-defined string. */
export function draftTextOf(draft: unknown): string {
  if (!draft || typeof draft !== "object") return "";
  const value = draft as Record<string, any>;
  const elems: any[] = Array.isArray(value.draft_msg?.message_elem_array) ? value.draft_msg.message_elem_array : [];
  const text = elems.find((elem) => elem?.elem_type === 0);
  if (text) return String(text.text_elem_content ?? "");
  return String(value.draft_user_define ?? "");
}

/** TIM's Web `Friend`. */
export interface Friend {
  userID: string;
  remark: string;
  groupList: string[];
  source: string;
  wording: string;
  profile: Profile;
  friendCustomField: Array<{ key: string; value: string }>;
}

/** TIM's Web `FriendApplication`. */
export interface FriendApplication {
  userID: string;
  avatar: string;
  nick: string;
  time: number;
  source: string;
  wording: string;
  type: string;
}

/** TIM's Web `FriendGroup`. */
export interface FriendGroup {
  name: string;
  userIDList: string[];
  count: number;
}

/** A `Friend` from the server's `FriendProfile`. */
export function friendFromWire(info: Record<string, any>): Friend {
  const userID = String(info.friend_profile_identifier ?? "");
  const wireProfile = info.friend_profile_user_profile;
  const profile =
    wireProfile && typeof wireProfile === "object"
      ? profileFromWire({ ...wireProfile, user_profile_identifier: wireProfile.user_profile_identifier || userID })
      : defaultProfile(userID);
  return {
    userID,
    remark: String(info.friend_profile_remark ?? ""),
    groupList: Array.isArray(info.friend_profile_group_name_array) ? info.friend_profile_group_name_array.map(String) : [],
    source: String(info.friend_profile_add_source ?? ""),
    wording: String(info.friend_profile_add_wording ?? ""),
    profile,
    friendCustomField: Array.isArray(info.friend_profile_custom_string_array)
      ? info.friend_profile_custom_string_array.map((field: Record<string, any>) => ({
          key: String(field.friend_profile_custom_string_info_key ?? ""),
          value: String(field.friend_profile_custom_string_info_value ?? ""),
        }))
      : [],
  };
}

/** A `FriendApplication` from the server's `FriendAddPendencyInfo` (type 0 received, 1 sent). */
export function friendApplicationFromWire(info: Record<string, any>): FriendApplication {
  return {
    userID: String(info.friend_add_pendency_info_identifier ?? ""),
    avatar: String(info.friend_add_pendency_info_face_url ?? ""),
    nick: String(info.friend_add_pendency_info_nick_name ?? ""),
    time: Number(info.friend_add_pendency_info_add_time ?? 0),
    source: String(info.friend_add_pendency_info_add_source ?? ""),
    wording: String(info.friend_add_pendency_info_add_wording ?? ""),
    type: Number(info.friend_add_pendency_info_type) === 1 ? TYPES.SNS_APPLICATION_SENT_BY_ME : TYPES.SNS_APPLICATION_SENT_TO_ME,
  };
}

/** A `FriendGroup` from the server's `FriendGroupInfo`. */
export function friendGroupFromWire(info: Record<string, any>): FriendGroup {
  const userIDList = Array.isArray(info.friend_group_info_identifier_array) ? info.friend_group_info_identifier_array.map(String) : [];
  return {
    name: String(info.friend_group_info_name ?? ""),
    userIDList,
    count: Number(info.friend_group_info_count ?? userIDList.length),
  };
}
