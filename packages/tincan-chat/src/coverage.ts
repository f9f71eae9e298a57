// The state of each of the 148 methods of TIM's Web SDK instance on tincan. This table is the
// source of `coverage.json` and of the README's table (scripts/coverage.mjs writes both, and the
// tests fail when they differ from it), and it decides which methods are "not enabled": each of
// those rejects with 60020 without touching the server.
//
// - `works`: does what TIM documents, through the tincan server (or locally where TIM's method is
//   local, like creating a message).
// - `partial`: works, with the limit the note gives.
// - `empty`: the server has no such data, and the method answers that truthfully (an empty list,
//   default values), as TIM's does for an account that has none.
// - `not-enabled`: the server does not have the capability yet; the method rejects with TIM's
//   60020 ("feature not enabled") and a message naming what is missing.

export type MethodState = "works" | "partial" | "empty" | "not-enabled";

export interface MethodCoverage {
  area: string;
  state: MethodState;
  note: string;
}

const entry = (area: string, state: MethodState, note = ""): MethodCoverage => ({ area, state, note });

const NO_MEDIA = "creates the message; sending it needs a file upload, which the server does not have yet (60020)";
const NO_PROFILES = "the server keeps no profiles yet";
const NO_FRIENDS = "the server has no relationship chain (friends, blocklist) yet";
const NO_FOLLOW = "the server has no follow relationships";
const NO_STATUS = "the server has no user status";
const NO_SIGNALING = "the server has no signaling";
const NO_TOPICS = "the server has no community topics";
const NO_ATTRIBUTES = "the server has no group attributes or counters";
const NO_LIFECYCLE = "the server has no revoke, delete or modify of messages yet";
const NO_CONV_MANAGEMENT = "the server has no conversation deletion, pinning, marks or custom data yet";
const NO_CONV_GROUPS = "the server has no conversation groups";
const NO_GROUP_ADMIN = "the server has no group profile changes, roles, muting or transfer yet";
const NO_SEARCH = "the server has no cloud search";
const NO_REACTIONS = "the server has no reactions or message extensions";
const NO_AI = "the server has no translation or speech recognition";

export const COVERAGE: Record<string, MethodCoverage> = {
  // The SDK itself.
  login: entry("sdk", "works", "UserSig login over the WebSocket protocol; reconnects and resumes by itself"),
  logout: entry("sdk", "works"),
  destroy: entry("sdk", "works"),
  getLoginUser: entry("sdk", "works"),
  getServerTime: entry("sdk", "works", "the server's clock from the login answer"),
  isReady: entry("sdk", "works"),
  on: entry("sdk", "works"),
  off: entry("sdk", "works"),
  registerPlugin: entry("sdk", "works", "accepted and ignored: uploads and modules are built in"),
  setLogLevel: entry("sdk", "works"),
  callExperimentalAPI: entry("sdk", "works", "isCommercialAbilityEnabled answers what the server has; nothing is reported anywhere"),

  // Messages.
  createTextMessage: entry("message", "works"),
  createTextAtMessage: entry("message", "works", "the mentioned users travel with the message (see the README)"),
  createImageMessage: entry("message", "partial", NO_MEDIA),
  createAudioMessage: entry("message", "partial", NO_MEDIA),
  createVideoMessage: entry("message", "partial", NO_MEDIA),
  createFileMessage: entry("message", "partial", NO_MEDIA),
  createCustomMessage: entry("message", "works"),
  createFaceMessage: entry("message", "works"),
  createLocationMessage: entry("message", "works"),
  createMergerMessage: entry("message", "partial", "creates the message; sending it rejects with 60020: the server stores no merged messages yet"),
  downloadMergerMessage: entry("message", "not-enabled", "the server stores no merged messages yet"),
  createForwardMessage: entry("message", "works", "images, files and other media forward with their URLs"),
  sendMessage: entry("message", "works", "needReadReceipt, cloudCustomData, priority and excludedFromUnreadCount; onlineUserOnly rejects with 60020"),
  resendMessage: entry("message", "works", "resends with the same message ID, so a message is never stored twice"),
  revokeMessage: entry("message", "not-enabled", NO_LIFECYCLE),
  deleteMessage: entry("message", "not-enabled", NO_LIFECYCLE),
  modifyMessage: entry("message", "not-enabled", NO_LIFECYCLE),
  translateText: entry("message", "not-enabled", NO_AI),
  convertVoiceToText: entry("message", "not-enabled", NO_AI),
  setMessageExtensions: entry("message", "not-enabled", NO_REACTIONS),
  getMessageExtensions: entry("message", "not-enabled", NO_REACTIONS),
  deleteMessageExtensions: entry("message", "not-enabled", NO_REACTIONS),
  addMessageReaction: entry("message", "not-enabled", NO_REACTIONS),
  removeMessageReaction: entry("message", "not-enabled", NO_REACTIONS),
  getMessageReactions: entry("message", "not-enabled", NO_REACTIONS),
  getAllUserListOfMessageReaction: entry("message", "not-enabled", NO_REACTIONS),
  searchCloudMessages: entry("search", "not-enabled", NO_SEARCH),
  searchCloudGroups: entry("search", "not-enabled", NO_SEARCH),
  searchCloudUsers: entry("search", "not-enabled", NO_SEARCH),
  searchCloudGroupMembers: entry("search", "not-enabled", NO_SEARCH),
  getMessageList: entry("message", "works", "oldest first, 15 per page or `count` up to 100, with nextReqMessageID and isCompleted"),
  getMessageListHopping: entry("message", "works", "groups by sequence, C2C by time, either direction"),
  findMessage: entry("message", "works", "messages this instance has seen"),

  // Read receipts and read state.
  setMessageRead: entry("receipt", "works"),
  sendMessageReadReceipt: entry("receipt", "works"),
  getMessageReadReceiptList: entry("receipt", "works"),
  getGroupMessageReadMemberList: entry("receipt", "works"),

  // Conversations.
  getConversationList: entry("conversation", "works", "all, by ID list, or filtered by type and unread count"),
  getConversationProfile: entry("conversation", "works", "a conversation not yet in the list is created locally, as TIM does"),
  deleteConversation: entry("conversation", "not-enabled", NO_CONV_MANAGEMENT),
  setConversationDraft: entry("conversation", "partial", "kept by this instance only, as TIM's Web SDK keeps drafts"),
  clearHistoryMessage: entry("conversation", "not-enabled", NO_LIFECYCLE),
  pinConversation: entry("conversation", "not-enabled", NO_CONV_MANAGEMENT),
  setAllMessageRead: entry("conversation", "works"),
  setMessageRemindType: entry("conversation", "not-enabled", "the server has no receive options yet"),
  setAllReceiveMessageOpt: entry("conversation", "not-enabled", "the server has no receive options yet"),
  getAllReceiveMessageOpt: entry("conversation", "empty", "accept and notify, the only option the server has"),
  getTotalUnreadMessageCount: entry("conversation", "works"),
  setConversationCustomData: entry("conversation", "not-enabled", NO_CONV_MANAGEMENT),
  markConversation: entry("conversation", "not-enabled", NO_CONV_MANAGEMENT),
  getConversationGroupList: entry("conversation", "empty", NO_CONV_GROUPS),
  createConversationGroup: entry("conversation", "not-enabled", NO_CONV_GROUPS),
  deleteConversationGroup: entry("conversation", "not-enabled", NO_CONV_GROUPS),
  renameConversationGroup: entry("conversation", "not-enabled", NO_CONV_GROUPS),
  addConversationsToGroup: entry("conversation", "not-enabled", NO_CONV_GROUPS),
  deleteConversationsFromGroup: entry("conversation", "not-enabled", NO_CONV_GROUPS),

  // Profiles and status.
  getMyProfile: entry("profile", "empty", `the user ID with empty fields: ${NO_PROFILES}`),
  getUserProfile: entry("profile", "empty", `the user IDs with empty fields: ${NO_PROFILES}`),
  updateMyProfile: entry("profile", "not-enabled", NO_PROFILES),
  getBlacklist: entry("profile", "empty", NO_FRIENDS),
  addToBlacklist: entry("profile", "not-enabled", NO_FRIENDS),
  removeFromBlacklist: entry("profile", "not-enabled", NO_FRIENDS),
  setSelfStatus: entry("status", "not-enabled", NO_STATUS),
  getUserStatus: entry("status", "not-enabled", NO_STATUS),
  subscribeUserStatus: entry("status", "not-enabled", NO_STATUS),
  unsubscribeUserStatus: entry("status", "not-enabled", NO_STATUS),

  // Friends.
  getFriendList: entry("friend", "empty", NO_FRIENDS),
  addFriend: entry("friend", "not-enabled", NO_FRIENDS),
  deleteFriend: entry("friend", "not-enabled", NO_FRIENDS),
  checkFriend: entry("friend", "empty", `every user is answered with no relation: ${NO_FRIENDS}`),
  getFriendProfile: entry("friend", "not-enabled", NO_FRIENDS),
  updateFriend: entry("friend", "not-enabled", NO_FRIENDS),
  getFriendApplicationList: entry("friend", "empty", NO_FRIENDS),
  acceptFriendApplication: entry("friend", "not-enabled", NO_FRIENDS),
  refuseFriendApplication: entry("friend", "not-enabled", NO_FRIENDS),
  deleteFriendApplication: entry("friend", "not-enabled", NO_FRIENDS),
  setFriendApplicationRead: entry("friend", "empty", `there is nothing to mark read: ${NO_FRIENDS}`),
  getFriendGroupList: entry("friend", "empty", NO_FRIENDS),
  createFriendGroup: entry("friend", "not-enabled", NO_FRIENDS),
  deleteFriendGroup: entry("friend", "not-enabled", NO_FRIENDS),
  addToFriendGroup: entry("friend", "not-enabled", NO_FRIENDS),
  removeFromFriendGroup: entry("friend", "not-enabled", NO_FRIENDS),
  renameFriendGroup: entry("friend", "not-enabled", NO_FRIENDS),

  // Follow.
  followUser: entry("follow", "not-enabled", NO_FOLLOW),
  unfollowUser: entry("follow", "not-enabled", NO_FOLLOW),
  getMyFollowersList: entry("follow", "not-enabled", NO_FOLLOW),
  getMyFollowingList: entry("follow", "not-enabled", NO_FOLLOW),
  getMutualFollowersList: entry("follow", "not-enabled", NO_FOLLOW),
  getUserFollowInfo: entry("follow", "not-enabled", NO_FOLLOW),
  checkFollowType: entry("follow", "not-enabled", NO_FOLLOW),

  // Groups.
  getGroupList: entry("group", "works"),
  getGroupProfile: entry("group", "works"),
  createGroup: entry("group", "works", "Work, Public, Meeting, AVChatRoom and Community groups with initial members"),
  dismissGroup: entry("group", "works"),
  updateGroupProfile: entry("group", "not-enabled", NO_GROUP_ADMIN),
  joinGroup: entry("group", "works", "groups that let anyone join; a group that needs approval is refused by the server"),
  quitGroup: entry("group", "works"),
  pinGroupMessage: entry("group", "not-enabled", "the server has no pinned group messages"),
  getPinnedGroupMessageList: entry("group", "empty", "the server has no pinned group messages"),
  searchGroupByID: entry("group", "works"),
  getGroupOnlineMemberCount: entry("group", "works"),
  changeGroupOwner: entry("group", "not-enabled", NO_GROUP_ADMIN),
  getGroupApplicationList: entry("group", "empty", "the server has no join requests: a group is joined at once or refused"),
  handleGroupApplication: entry("group", "not-enabled", "the server has no join requests"),
  initGroupAttributes: entry("group", "not-enabled", NO_ATTRIBUTES),
  setGroupAttributes: entry("group", "not-enabled", NO_ATTRIBUTES),
  deleteGroupAttributes: entry("group", "not-enabled", NO_ATTRIBUTES),
  getGroupAttributes: entry("group", "not-enabled", NO_ATTRIBUTES),
  setGroupCounters: entry("group", "not-enabled", NO_ATTRIBUTES),
  increaseGroupCounter: entry("group", "not-enabled", NO_ATTRIBUTES),
  decreaseGroupCounter: entry("group", "not-enabled", NO_ATTRIBUTES),
  getGroupCounters: entry("group", "not-enabled", NO_ATTRIBUTES),

  // Group members.
  getGroupMemberList: entry("group member", "works", "the server's pages of 100, with offset for the next page, and each member's isOnline"),
  getGroupMemberProfile: entry("group member", "works"),
  addGroupMember: entry("group member", "works"),
  deleteGroupMember: entry("group member", "works"),
  setGroupMemberMuteTime: entry("group member", "not-enabled", NO_GROUP_ADMIN),
  setGroupMemberRole: entry("group member", "not-enabled", NO_GROUP_ADMIN),
  setGroupMemberNameCard: entry("group member", "not-enabled", NO_GROUP_ADMIN),
  setGroupMemberCustomField: entry("group member", "not-enabled", NO_GROUP_ADMIN),
  markGroupMemberList: entry("group member", "not-enabled", NO_GROUP_ADMIN),

  // Community topics.
  getJoinedCommunityList: entry("topic", "empty", NO_TOPICS),
  createTopicInCommunity: entry("topic", "not-enabled", NO_TOPICS),
  deleteTopicFromCommunity: entry("topic", "not-enabled", NO_TOPICS),
  updateTopicProfile: entry("topic", "not-enabled", NO_TOPICS),
  getTopicList: entry("topic", "not-enabled", NO_TOPICS),

  // Signaling.
  addSignalingListener: entry("signaling", "works", "listeners are kept; no signaling event ever comes"),
  removeSignalingListener: entry("signaling", "works"),
  invite: entry("signaling", "not-enabled", NO_SIGNALING),
  inviteSync: entry("signaling", "not-enabled", `${NO_SIGNALING}; the error callback gets 60020`),
  inviteInGroup: entry("signaling", "not-enabled", NO_SIGNALING),
  inviteInGroupSync: entry("signaling", "not-enabled", `${NO_SIGNALING}; the error callback gets 60020`),
  cancel: entry("signaling", "not-enabled", NO_SIGNALING),
  accept: entry("signaling", "not-enabled", NO_SIGNALING),
  reject: entry("signaling", "not-enabled", NO_SIGNALING),
  getSignalingInfo: entry("signaling", "empty", "null: no message is a signaling message"),
  modifyInvitation: entry("signaling", "not-enabled", NO_SIGNALING),
};
