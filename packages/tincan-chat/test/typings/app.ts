// A TypeScript app written the way TIM's Web SDK documentation writes one, imported under TIM's
// package names: it must compile against this package's typings unchanged (the test runs tsc on
// it with the names mapped to dist/). Only the server's address is tincan's.

import TencentCloudChat from "@tencentcloud/chat";
import LiteChat from "@tencentcloud/lite-chat/basic";
import GroupPlugin from "@tencentcloud/lite-chat/plugins/group";

const chat = TencentCloudChat.create({ SDKAppID: 1400000000, tincanURL: "wss://chat.example.com/ws" });
const lite = LiteChat.create({ SDKAppID: 1400000000 });
lite.use([GroupPlugin]);
chat.setLogLevel(1);

function isC2C(type: TencentCloudChat.TYPES): boolean {
  return type === TencentCloudChat.TYPES.CONV_C2C;
}

const onMessages = (event: { data: TencentCloudChat.Message[] }) => {
  for (const message of event.data) {
    if (message.type === TencentCloudChat.TYPES.MSG_TEXT) console.log(message.from, message.payload.text);
    if (message.needReadReceipt && message.flow === "in") {
      chat.sendMessageReadReceipt([message]).catch((imError: { code: number; message: string }) => console.warn(imError.code));
    }
  }
};
chat.on(TencentCloudChat.EVENT.MESSAGE_RECEIVED, onMessages);
chat.on(TencentCloudChat.EVENT.MESSAGE_READ_RECEIPT_RECEIVED, (event) => {
  for (const info of event.data) console.log(info.messageID, info.readCount, info.unreadCount, info.isPeerRead);
});
chat.on(TencentCloudChat.EVENT.CONVERSATION_LIST_UPDATED, (event) => {
  const list: TencentCloudChat.Conversation[] = event.data;
  console.log(list.map((conversation) => `${conversation.conversationID}: ${conversation.unreadCount}`));
});
chat.on(TencentCloudChat.EVENT.SDK_READY, async () => {
  const { data } = await chat.getConversationList();
  for (const conversation of data.conversationList as TencentCloudChat.Conversation[]) {
    if (isC2C(conversation.type as TencentCloudChat.TYPES)) await chat.setMessageRead({ conversationID: conversation.conversationID });
  }
  const message = chat.createTextMessage({
    to: "bob",
    conversationType: TencentCloudChat.TYPES.CONV_C2C,
    payload: { text: "Lunch at noon?" },
    needReadReceipt: true,
  });
  try {
    const sent = await chat.sendMessage(message);
    const stored: TencentCloudChat.Message = sent.data.message;
    const receipts = await chat.getMessageReadReceiptList([stored]);
    console.log(receipts.data.messageList[0].readReceiptInfo.isPeerRead);
  } catch (imError: any) {
    console.warn("send failed", imError.code, imError.message);
  }
  const history = await chat.getMessageList({ conversationID: "GROUPteam" });
  const [first] = history.data.messageList as TencentCloudChat.Message[];
  if (first) {
    const readers = await chat.getGroupMessageReadMemberList({ message: first, cursor: "", filter: 0, count: 30 });
    console.log(readers.data.readUserIDList, readers.data.isCompleted, readers.data.cursor);
  }
  const group = await chat.createGroup({ type: TencentCloudChat.TYPES.GRP_WORK, name: "Team", memberList: [{ userID: "bob" }] });
  const created: TencentCloudChat.Group = group.data.group;
  const members = await chat.getGroupMemberList({ groupID: created.groupID, count: 30, offset: 0 });
  const owner: TencentCloudChat.GroupMember | undefined = members.data.memberList.find(
    (member: TencentCloudChat.GroupMember) => member.role === TencentCloudChat.TYPES.GRP_MBR_ROLE_OWNER,
  );
  const profile = await chat.getMyProfile();
  const me: TencentCloudChat.Profile = profile.data;
  console.log(owner?.userID, me.userID, chat.getTotalUnreadMessageCount(), chat.isReady(), chat.getLoginUser());
  const enabled = await chat.callExperimentalAPI("isCommercialAbilityEnabled", 2 ** 5);
  console.log(enabled.data.enabled, TencentCloudChat.VERSION);
});

chat
  .login({ userID: "alice", userSig: "a UserSig from the app's back end" })
  .then((imResponse) => console.log(imResponse.data.repeatLogin))
  .catch((imError: { code: number; message: string }) => console.warn("login failed", imError.code, imError.message));

export {};
