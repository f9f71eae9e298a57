// A group of four as a TIM Web app sees it: alice creates a Work group with bob, carol and dave,
// sends a message asking for receipts, two members send theirs, and alice sees the counts arrive
// as MESSAGE_READ_RECEIPT_RECEIVED and pages through who has and has not read it.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { eventually, loggedIn, rejection, startServer, TencentCloudChat } from "./harness.mjs";

const { EVENT, TYPES } = TencentCloudChat;
let server;

before(async () => {
  server = await startServer();
  await server.importAccounts("alice", "bob", "carol", "dave", "erin");
});

after(async () => {
  await server?.stop();
});

test("a group of four: receipts counted live, read and unread member lists paged", async () => {
  const users = await Promise.all(["alice", "bob", "carol", "dave"].map((user) => loggedIn(server, user)));
  const [alice, bob, carol, dave] = users;
  try {
    const bobSeesGroup = bob.events.next(EVENT.GROUP_LIST_UPDATED, (list) => list.some((group) => group.groupID === "release"));
    const created = await alice.chat.createGroup({
      name: "Release",
      type: TYPES.GRP_WORK,
      groupID: "release",
      memberList: [{ userID: "bob" }, { userID: "carol" }, { userID: "dave", role: TYPES.GRP_MBR_ROLE_ADMIN }],
    });
    const group = created.data.group;
    assert.equal(group.groupID, "release");
    assert.equal(group.name, "Release");
    assert.equal(group.type, TYPES.GRP_WORK);
    assert.equal(group.ownerID, "alice");
    assert.equal(group.memberCount, 4);
    assert.equal(group.selfInfo.role, TYPES.GRP_MBR_ROLE_OWNER);
    assert.equal(group.joinOption, TYPES.JOIN_OPTIONS_DISABLE_APPLY);
    await bobSeesGroup;

    const list = await alice.chat.getGroupList();
    assert.deepEqual(list.data.groupList.map((it) => it.groupID), ["release"]);
    const members = await alice.chat.getGroupMemberList({ groupID: "release", count: 100, offset: 0 });
    assert.deepEqual(members.data.memberList.map((it) => [it.userID, it.role]).sort(), [
      ["alice", TYPES.GRP_MBR_ROLE_OWNER],
      ["bob", TYPES.GRP_MBR_ROLE_MEMBER],
      ["carol", TYPES.GRP_MBR_ROLE_MEMBER],
      ["dave", TYPES.GRP_MBR_ROLE_ADMIN],
    ]);
    const profiles = await alice.chat.getGroupMemberProfile({ groupID: "release", userIDList: ["dave"] });
    assert.deepEqual(profiles.data.memberList.map((it) => it.userID), ["dave"]);

    const message = alice.chat.createTextMessage({
      to: "release",
      conversationType: TYPES.CONV_GROUP,
      payload: { text: "Release at 5?" },
      needReadReceipt: true,
    });
    const everyone = [bob, carol, dave].map(({ events }) => events.next(EVENT.MESSAGE_RECEIVED, (data) => data.some((it) => it.ID === message.ID)));
    await alice.chat.sendMessage(message);
    assert.equal(message.conversationID, "GROUPrelease");
    assert.deepEqual([message.readReceiptInfo.readCount, message.readReceiptInfo.unreadCount], [0, 3]);
    const received = (await Promise.all(everyone)).map((event) => event.data.find((it) => it.ID === message.ID));
    for (const incoming of received) {
      assert.equal(incoming.conversationID, "GROUPrelease");
      assert.equal(incoming.to, "release");
      assert.equal(incoming.from, "alice");
      assert.equal(incoming.needReadReceipt, true);
    }

    const bobConv = await eventually(() => {
      const conv = bob.events.of(EVENT.CONVERSATION_LIST_UPDATED).at(-1)?.data.find((it) => it.conversationID === "GROUPrelease");
      return conv?.unreadCount === 1 ? conv : undefined;
    }, "bob's group conversation with one unread message");
    assert.equal(bobConv.type, TYPES.CONV_GROUP);
    assert.equal(bobConv.groupProfile.groupID, "release");
    assert.equal(bobConv.groupProfile.name, "Release");

    // Bob and carol read and send receipts; alice hears the counts.
    const counted = alice.events.next(EVENT.MESSAGE_READ_RECEIPT_RECEIVED, (data) => data.some((it) => it.messageID === message.ID && it.readCount === 2));
    await bob.chat.sendMessageReadReceipt([received[0]]);
    await carol.chat.sendMessageReadReceipt([received[1]]);
    const event = await counted;
    const info = event.data.find((it) => it.messageID === message.ID && it.readCount === 2);
    assert.deepEqual(info, { groupID: "release", messageID: message.ID, readCount: 2, unreadCount: 1 });
    assert.deepEqual([message.readReceiptInfo.readCount, message.readReceiptInfo.unreadCount], [2, 1]);

    const fetched = await alice.chat.getMessageReadReceiptList([message]);
    assert.deepEqual([fetched.data.messageList[0].readReceiptInfo.readCount, fetched.data.messageList[0].readReceiptInfo.unreadCount], [2, 1]);

    // Who has read it, a page of one at a time; and who has not.
    const readers = [];
    let cursor = "";
    for (;;) {
      const page = await alice.chat.getGroupMessageReadMemberList({ message, filter: 0, cursor, count: 1 });
      assert.equal(page.data.messageID, message.ID);
      assert.deepEqual(page.data.unreadUserIDList, []);
      readers.push(...page.data.readUserIDList);
      if (page.data.isCompleted) break;
      cursor = page.data.cursor;
    }
    assert.deepEqual(readers.sort(), ["bob", "carol"]);
    const unread = await alice.chat.getGroupMessageReadMemberList({ message, filter: 1, cursor: "", count: 100 });
    assert.deepEqual(unread.data.unreadUserIDList, ["dave"]);
    assert.equal(unread.data.isCompleted, true);

    // Only the sender may list the readers: the server's code comes through.
    const refused = await rejection(bob.chat.getGroupMessageReadMemberList({ message: received[0], filter: 0, cursor: "", count: 10 }));
    assert.equal(refused.code, 10007);

    // A member marks the group read; the unread count goes.
    await dave.chat.setMessageRead({ conversationID: "GROUPrelease" });
    assert.equal(dave.chat.getTotalUnreadMessageCount(), 0);
  } finally {
    await Promise.all(users.map(({ chat }) => chat.logout()));
  }
});

test("members join and leave: tips messages, group list events, quitting and dismissing", async () => {
  const alice = await loggedIn(server, "alice");
  const erin = await loggedIn(server, "erin");
  try {
    await alice.chat.createGroup({ name: "Lobby", type: TYPES.GRP_PUBLIC, groupID: "lobby", joinOption: TYPES.JOIN_OPTIONS_FREE_ACCESS });
    const found = await erin.chat.searchGroupByID("lobby");
    assert.equal(found.data.group.name, "Lobby");
    assert.equal(found.data.group.type, TYPES.GRP_PUBLIC);

    const tips = alice.events.next(EVENT.MESSAGE_RECEIVED, (data) => data.some((it) => it.type === TYPES.MSG_GRP_TIP));
    const joined = await erin.chat.joinGroup({ groupID: "lobby" });
    assert.equal(joined.data.status, TYPES.JOIN_STATUS_SUCCESS);
    assert.equal(joined.data.group.memberCount, 2);
    const tip = (await tips).data.find((it) => it.type === TYPES.MSG_GRP_TIP);
    assert.equal(tip.payload.operationType, TYPES.GRP_TIP_MBR_JOIN);
    assert.deepEqual(tip.payload.userIDList, ["erin"]);
    assert.equal(tip.conversationID, "GROUPlobby");
    const again = await erin.chat.joinGroup({ groupID: "lobby" });
    assert.equal(again.data.status, TYPES.JOIN_STATUS_ALREADY_IN_GROUP);

    const online = await alice.chat.getGroupOnlineMemberCount("lobby");
    assert.equal(online.data.memberCount, 2);

    const left = erin.events.next(EVENT.GROUP_LIST_UPDATED, (list) => !list.some((group) => group.groupID === "lobby"));
    await erin.chat.quitGroup("lobby");
    await left;
    const erinConvs = await erin.chat.getConversationList();
    assert.ok(!erinConvs.data.conversationList.some((it) => it.conversationID === "GROUPlobby"));

    const added = await alice.chat.addGroupMember({ groupID: "lobby", userIDList: ["erin", "nobody-here"] });
    assert.deepEqual(added.data.successUserIDList, ["erin"]);
    assert.deepEqual(added.data.failureUserIDList, ["nobody-here"]);
    const removed = await alice.chat.deleteGroupMember({ groupID: "lobby", userIDList: ["erin"] });
    assert.deepEqual(removed.data.userIDList, ["erin"]);
    const notice = await erin.events.find(EVENT.MESSAGE_RECEIVED, (data) => data.some((it) => it.type === TYPES.MSG_GRP_SYS_NOTICE));
    const kicked = notice.data.find((it) => it.type === TYPES.MSG_GRP_SYS_NOTICE);
    assert.equal(kicked.payload.operationType, 4);
    assert.equal(kicked.payload.groupProfile.groupID, "lobby");
    assert.equal(kicked.conversationID, TYPES.CONV_SYSTEM);

    const dismissed = await alice.chat.dismissGroup("lobby");
    assert.equal(dismissed.data.groupID, "lobby");
    const gone = await rejection(alice.chat.getGroupProfile({ groupID: "lobby" }));
    assert.equal(gone.code, 10010);
  } finally {
    await alice.chat.logout();
    await erin.chat.logout();
  }
});

test("joining a group that needs approval waits, and a refusal adds no conversation", async () => {
  const [erin] = await Promise.all([loggedIn(server, "erin")]);
  try {
    await server.rest("group_open_http_svc", "create_group", {
      Owner_Account: "alice",
      Type: "Public",
      GroupId: "approvals",
      Name: "Approvals",
      ApplyJoinOption: "NeedPermission",
    });
    const joined = await erin.chat.joinGroup({ groupID: "approvals", applyMessage: "let me in" });
    assert.equal(joined.data.status, TYPES.JOIN_STATUS_WAIT_APPROVAL);
    const list = await erin.chat.getGroupList();
    assert.ok(!list.data.groupList.some((it) => it.groupID === "approvals"), "not a member while it waits");
    const conversations = await erin.chat.getConversationList();
    assert.ok(!conversations.data.conversationList.some((it) => it.conversationID === "GROUPapprovals"));
  } finally {
    await erin.chat.logout();
  }
});
