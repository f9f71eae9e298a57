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

const UPLOAD = "uploads payload.file (a File, a Blob or a file input) to the server before sending, with onProgress; TIM's payload with the server's URLs";
const NO_SIGNALING = "the server has no signaling";
const NO_TOPICS = "the server has no community topics";
const NO_SEARCH = "the server has no cloud search of messages or users";
const NO_REACTIONS = "the server has no reactions";
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
  createImageMessage: entry("message", "works", `${UPLOAD}; imageInfoArray holds the original, large (720 px) and thumbnail (198 px) sizes`),
  createAudioMessage: entry("message", "works", `${UPLOAD}; second is the file's duration when it carries one`),
  createVideoMessage: entry("message", "partial", `${UPLOAD}; no snapshot is made, so thumbUrl is empty`),
  createFileMessage: entry("message", "works", UPLOAD),
  createCustomMessage: entry("message", "works"),
  createFaceMessage: entry("message", "works"),
  createLocationMessage: entry("message", "works"),
  createMergerMessage: entry("message", "works", "the forwarded messages travel inside the message, within the 12 KB body limit"),
  downloadMergerMessage: entry("message", "works", "resolves with the message: its payload.messageList came with it"),
  createForwardMessage: entry("message", "works", "images, files and other media forward with their URLs"),
  sendMessage: entry("message", "works", "needReadReceipt, cloudCustomData, priority, excludedFromUnreadCount and onlineUserOnly (typing notices: delivered to who is online, never stored)"),
  resendMessage: entry("message", "works", "resends with the same message ID, so a message is never stored twice"),
  revokeMessage: entry("message", "works", "the sender within the server's limit (2 minutes by default), group owners and admins any message; MESSAGE_REVOKED on the other side"),
  deleteMessage: entry("message", "works", "for this user only, on all its devices' next history read; up to 30 at a time"),
  modifyMessage: entry("message", "works", "text, custom, face and location payloads and cloudCustomData; 2480 with data.message when it changed meanwhile; MESSAGE_MODIFIED"),
  translateText: entry("message", "not-enabled", NO_AI),
  convertVoiceToText: entry("message", "not-enabled", NO_AI),
  setMessageExtensions: entry("message", "works", "messages sent with isSupportExtension; each key changed from the seq last seen of it, 23001 with the key as it is now when someone changed it first; MESSAGE_EXTENSIONS_UPDATED"),
  getMessageExtensions: entry("message", "works", "every key, or those of keyList"),
  deleteMessageExtensions: entry("message", "works", "the keys of keyList, or every key; 23004 for a key that does not exist; MESSAGE_EXTENSIONS_DELETED"),
  addMessageReaction: entry("message", "not-enabled", NO_REACTIONS),
  removeMessageReaction: entry("message", "not-enabled", NO_REACTIONS),
  getMessageReactions: entry("message", "not-enabled", NO_REACTIONS),
  getAllUserListOfMessageReaction: entry("message", "not-enabled", NO_REACTIONS),
  searchCloudMessages: entry("search", "not-enabled", NO_SEARCH),
  searchCloudGroups: entry("search", "partial", "the user's groups by ID or name, and a searchable group by its exact ID; not the app's other groups"),
  searchCloudUsers: entry("search", "not-enabled", NO_SEARCH),
  searchCloudGroupMembers: entry("search", "partial", "members of the user's groups whose ID or a word of whose name card starts with a keyword; nicknames are not searched"),
  getMessageList: entry("message", "works", "oldest first, 15 per page or `count` up to 100, with nextReqMessageID and isCompleted"),
  getMessageListHopping: entry("message", "works", "groups by sequence, C2C by time, either direction"),
  findMessage: entry("message", "works", "messages this instance has seen"),

  // Read receipts and read state.
  setMessageRead: entry("receipt", "works"),
  sendMessageReadReceipt: entry("receipt", "works"),
  getMessageReadReceiptList: entry("receipt", "works"),
  getGroupMessageReadMemberList: entry("receipt", "works"),

  // Conversations.
  getConversationList: entry("conversation", "works", "all, by ID list, or filtered by type, unread count, mark and conversation group"),
  getConversationProfile: entry("conversation", "works", "a conversation not yet in the list is created locally, as TIM does"),
  deleteConversation: entry("conversation", "works", "one or many, with their history cleared unless clearHistoryMessage is false; on all the user's devices"),
  setConversationDraft: entry("conversation", "works", "kept by the server and shown on all the user's devices"),
  clearHistoryMessage: entry("conversation", "works", "for this user only; the conversation stays"),
  pinConversation: entry("conversation", "works", "pinned conversations come first"),
  setAllMessageRead: entry("conversation", "works"),
  setMessageRemindType: entry("conversation", "works", "groups and C2C conversations (up to 30 users); kept on the server, shown as messageRemindType on all the user's devices; messages still arrive and count as unread"),
  setAllReceiveMessageOpt: entry("conversation", "works", "a daily or one-time quiet period, kept on the server and told to all the user's devices; messages still arrive and count as unread"),
  getAllReceiveMessageOpt: entry("conversation", "works"),
  getTotalUnreadMessageCount: entry("conversation", "works"),
  setConversationCustomData: entry("conversation", "works", "at most 256 bytes"),
  markConversation: entry("conversation", "works", "star, unread, fold, hide and an app's own marks"),
  getConversationGroupList: entry("conversation", "works"),
  createConversationGroup: entry("conversation", "works"),
  deleteConversationGroup: entry("conversation", "works"),
  renameConversationGroup: entry("conversation", "works"),
  addConversationsToGroup: entry("conversation", "works"),
  deleteConversationsFromGroup: entry("conversation", "works"),

  // Profiles and status.
  getMyProfile: entry("profile", "works"),
  getUserProfile: entry("profile", "works", "accounts that do not exist are left out"),
  updateMyProfile: entry("profile", "partial", "nick, avatar, gender, selfSignature, allowType, birthday, location, language, level, role and profileCustomField; messageSettings and adminForbidType have no place on the server and are not kept"),
  getBlacklist: entry("profile", "works", "the users blocked, in the order blocked"),
  addToBlacklist: entry("profile", "works", "resolves with the users now blocked; ends friendships and requests both ways; BLACKLIST_UPDATED"),
  removeFromBlacklist: entry("profile", "works", "resolves with the users unblocked"),
  setSelfStatus: entry("status", "works"),
  getUserStatus: entry("status", "works"),
  subscribeUserStatus: entry("status", "works", "USER_STATUS_UPDATED with each user's status now, then at every change"),
  unsubscribeUserStatus: entry("status", "works"),

  // Friends.
  getFriendList: entry("friend", "works", "read from the server, in the order added; FRIEND_LIST_UPDATED at every change"),
  addFriend: entry("friend", "works", "code 0 (added) or 30539 (a request waits for the answer) in data; refusals reject with TIM's codes"),
  deleteFriend: entry("friend", "works", "one-way or both; successUserIDList and failureUserIDList"),
  checkFriend: entry("friend", "works", "one-way or both"),
  getFriendProfile: entry("friend", "works", "users who are not friends are in failureUserIDList with 30001"),
  updateFriend: entry("friend", "works", "remark and friendCustomField; resolves with the friend as it is now"),
  getFriendApplicationList: entry("friend", "works", "requests received and sent, newest first, with unreadCount; FRIEND_APPLICATION_LIST_UPDATED"),
  acceptFriendApplication: entry("friend", "works", "SNS_APPLICATION_AGREE or SNS_APPLICATION_AGREE_AND_ADD (the default), with remark"),
  refuseFriendApplication: entry("friend", "works"),
  deleteFriendApplication: entry("friend", "works", "received, sent, or either when type is left out"),
  setFriendApplicationRead: entry("friend", "works", "on all the user's devices"),
  getFriendGroupList: entry("friend", "works", "FRIEND_GROUP_LIST_UPDATED at every change"),
  createFriendGroup: entry("friend", "works", "users who are not friends are in failureUserIDList"),
  deleteFriendGroup: entry("friend", "works", "resolves with the group as it was; its friends stay friends"),
  addToFriendGroup: entry("friend", "works", "users who are not friends are in failureUserIDList"),
  removeFromFriendGroup: entry("friend", "works"),
  renameFriendGroup: entry("friend", "works"),

  // Follow.
  followUser: entry("follow", "works", "at most 20 users; a user followed already succeeds; resolves with one result per user"),
  unfollowUser: entry("follow", "works", "at most 20 users; a user not followed succeeds"),
  getMyFollowersList: entry("follow", "works", "500 a page, newest first, with nextCursor"),
  getMyFollowingList: entry("follow", "works", "500 a page, newest first, with nextCursor"),
  getMutualFollowersList: entry("follow", "works", "500 a page, newest first, with nextCursor"),
  getUserFollowInfo: entry("follow", "works", "each entry also names its userID"),
  checkFollowType: entry("follow", "works", "at most 100 users"),

  // Groups.
  getGroupList: entry("group", "works"),
  getGroupProfile: entry("group", "works"),
  createGroup: entry("group", "works", "Work, Public, Meeting, AVChatRoom and Community groups with initial members"),
  dismissGroup: entry("group", "works"),
  updateGroupProfile: entry("group", "partial", "name, avatar, introduction, notification, joinOption, inviteOption, maxMemberNum, muteAllMembers and groupCustomField"),
  joinGroup: entry("group", "works", "groups that let anyone join; a group that needs approval takes a join request (WaitAdminApproval)"),
  quitGroup: entry("group", "works"),
  pinGroupMessage: entry("group", "not-enabled", "the server has no pinned group messages"),
  getPinnedGroupMessageList: entry("group", "empty", "the server has no pinned group messages"),
  searchGroupByID: entry("group", "works"),
  getGroupOnlineMemberCount: entry("group", "works"),
  changeGroupOwner: entry("group", "works"),
  getGroupApplicationList: entry("group", "works", "requests to join, and invitations waiting for approval (applicationType 2), of the groups the user owns or administers"),
  handleGroupApplication: entry("group", "works", "Agree or Reject, given the application or the group system notice"),
  initGroupAttributes: entry("group", "works", "every group type; GROUP_ATTRIBUTES_UPDATED to the members online"),
  setGroupAttributes: entry("group", "works", "GROUP_ATTRIBUTES_UPDATED to the members online"),
  deleteGroupAttributes: entry("group", "works", "an empty keyList deletes every attribute"),
  getGroupAttributes: entry("group", "works", "an empty keyList reads every attribute"),
  setGroupCounters: entry("group", "works", "not in Community groups (10007); GROUP_COUNTER_UPDATED once per counter"),
  increaseGroupCounter: entry("group", "works", "never sent twice after a lost answer, since a repeat would count twice"),
  decreaseGroupCounter: entry("group", "works", "never sent twice after a lost answer, since a repeat would count twice"),
  getGroupCounters: entry("group", "works", "an empty keyList reads every counter"),

  // Group members.
  getGroupMemberList: entry("group member", "works", "the server's pages of 100, with offset for the next page, and each member's isOnline"),
  getGroupMemberProfile: entry("group member", "works"),
  addGroupMember: entry("group member", "works"),
  deleteGroupMember: entry("group member", "works"),
  setGroupMemberMuteTime: entry("group member", "works"),
  setGroupMemberRole: entry("group member", "works", "Admin or Member, by the owner; Work groups have no admins"),
  setGroupMemberNameCard: entry("group member", "works"),
  setGroupMemberCustomField: entry("group member", "works"),
  markGroupMemberList: entry("group member", "not-enabled", "the server has no member marks"),

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
