// Conversation management as TIM's Web SDK gives it: pin, mark, drafts and custom data that reach
// the user's other devices, the list filtered by mark and conversation group, conversation groups
// with their events, and deleteConversation.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { eventually, loggedIn, rejection, startServer, TencentCloudChat } from "./harness.mjs";

const { EVENT, TYPES } = TencentCloudChat;
let server;

before(async () => {
  server = await startServer();
  await server.importAccounts("alice", "bob", "carol");
});

after(async () => {
  await server?.stop();
});

async function talk(from, to, words) {
  await from.chat.sendMessage(from.chat.createTextMessage({ to, conversationType: TYPES.CONV_C2C, payload: { text: words } }));
}

function listed(session, conversationID) {
  return session.chat.getConversationList().then(({ data }) => data.conversationList.find((c) => c.conversationID === conversationID));
}

test("pin, mark, draft and custom data reach the user's other device; filters take them", async () => {
  const alice = await loggedIn(server, "alice");
  const bob = await loggedIn(server, "bob");
  const carol = await loggedIn(server, "carol");
  try {
    await talk(bob, "alice", "from bob");
    await talk(carol, "alice", "from carol");
    const phone = await loggedIn(server, "alice");
    try {
      await eventually(async () => ((await listed(alice, "C2Cbob")) && (await listed(alice, "C2Ccarol")) ? true : undefined), "both conversations");

      await alice.chat.pinConversation({ conversationID: "C2Cbob", isPinned: true });
      const marked = await alice.chat.markConversation({ conversationIDList: ["C2Ccarol", "C2Cnobody-here"], markType: TYPES.CONV_MARK_TYPE_STAR, enableMark: true });
      assert.deepEqual(marked.data.successConversationIDList, ["C2Ccarol"]);
      assert.equal(marked.data.failureConversationIDList[0].conversationID, "C2Cnobody-here");
      assert.equal(marked.data.failureConversationIDList[0].code, 20003);
      await alice.chat.setConversationDraft({ conversationID: "C2Ccarol", draftText: "see you at" });
      const custom = await alice.chat.setConversationCustomData({ conversationIDList: ["C2Cbob"], customData: "vip" });
      assert.deepEqual(custom.data.successConversationIDList, ["C2Cbob"]);

      const onPhone = await eventually(async () => {
        const list = (await phone.chat.getConversationList()).data.conversationList;
        const bobs = list.find((c) => c.conversationID === "C2Cbob");
        const carols = list.find((c) => c.conversationID === "C2Ccarol");
        return bobs?.isPinned && bobs.customData === "vip" && carols?.draftText === "see you at" && carols.markList.includes(1) ? list : undefined;
      }, "the settings on alice's phone");
      assert.equal(onPhone[0].conversationID, "C2Cbob", "pinned first");

      const starred = await phone.chat.getConversationList({ markType: TYPES.CONV_MARK_TYPE_STAR });
      assert.deepEqual(starred.data.conversationList.map((c) => c.conversationID), ["C2Ccarol"]);
      assert.equal((await rejection(alice.chat.pinConversation({ conversationID: "C2Cbob" }))).code, 6017);
    } finally {
      await phone.chat.logout();
    }
  } finally {
    await alice.chat.logout();
    await bob.chat.logout();
    await carol.chat.logout();
  }
});

test("conversation groups: created, listed, filtered, renamed and deleted, with TIM's events", async () => {
  const alice = await loggedIn(server, "alice");
  try {
    await eventually(async () => ((await listed(alice, "C2Cbob")) ? true : undefined), "bob's conversation");
    const listEvent = alice.events.next(EVENT.CONVERSATION_GROUP_LIST_UPDATED, (names) => names.includes("Work"));
    const created = await alice.chat.createConversationGroup({ groupName: "Work", conversationIDList: ["C2Cbob"] });
    assert.deepEqual(created.data.successConversationIDList, ["C2Cbob"]);
    await listEvent;
    assert.deepEqual((await alice.chat.getConversationGroupList()).data, ["Work"]);

    const inGroup = alice.events.next(EVENT.CONVERSATION_IN_GROUP_UPDATED, (data) => data.groupName === "Work" && data.conversationList.length === 1);
    await alice.chat.addConversationsToGroup({ groupName: "Work", conversationIDList: ["C2Ccarol"] });
    assert.equal((await inGroup).data.conversationList[0].conversationID, "C2Ccarol");
    const work = await eventually(async () => {
      const { data } = await alice.chat.getConversationList({ groupName: "Work" });
      return data.conversationList.length === 2 ? data.conversationList : undefined;
    }, "two conversations in Work");
    assert.deepEqual(work.map((c) => c.conversationID).sort(), ["C2Cbob", "C2Ccarol"]);

    await alice.chat.deleteConversationsFromGroup({ groupName: "Work", conversationIDList: ["C2Ccarol"] });
    await alice.chat.renameConversationGroup({ oldName: "Work", newName: "Job" });
    assert.deepEqual((await alice.chat.getConversationGroupList()).data, ["Job"]);
    await eventually(async () => ((await listed(alice, "C2Cbob"))?.conversationGroupList.includes("Job") ? true : undefined), "bob's conversation in Job");
    assert.equal((await rejection(alice.chat.deleteConversationGroup("Nope"))).code, 51009);
    await alice.chat.deleteConversationGroup("Job");
    assert.deepEqual((await alice.chat.getConversationGroupList()).data, []);
  } finally {
    await alice.chat.logout();
  }
});

test("deleteConversation: out of the list on every device, back with the next message", async () => {
  const alice = await loggedIn(server, "alice");
  const bob = await loggedIn(server, "bob");
  const phone = await loggedIn(server, "alice");
  try {
    await talk(bob, "alice", "are you there?");
    await eventually(async () => ((await listed(phone, "C2Cbob")) ? true : undefined), "bob's conversation on the phone");
    const total = alice.chat.getTotalUnreadMessageCount();
    const deleted = await alice.chat.deleteConversation({ conversationIDList: ["C2Cbob"], clearHistoryMessage: false });
    assert.deepEqual(deleted.data.conversationIDList, ["C2Cbob"]);
    assert.equal(await listed(alice, "C2Cbob"), undefined);
    await eventually(async () => ((await listed(phone, "C2Cbob")) === undefined ? true : undefined), "gone from the phone");
    assert.ok(alice.chat.getTotalUnreadMessageCount() <= total);
    assert.ok((await alice.chat.getMessageList({ conversationID: "C2Cbob" })).data.messageList.length > 0, "history kept");

    await talk(bob, "alice", "hello again");
    const back = await eventually(async () => listed(alice, "C2Cbob"), "back with the next message");
    assert.equal(back.unreadCount, 1);
    assert.equal((await rejection(alice.chat.deleteConversation({ conversationIDList: ["C2Cnobody-here"] }))).code, 20003);
  } finally {
    await alice.chat.logout();
    await bob.chat.logout();
    await phone.chat.logout();
  }
});

test("the administrator sets a member's unread count higher, and deletes a sender's messages: the list follows", async () => {
  const alice = await loggedIn(server, "alice");
  const bob = await loggedIn(server, "bob");
  try {
    await alice.chat.createGroup({ name: "Tally", type: TYPES.GRP_PUBLIC, groupID: "tally", memberList: [{ userID: "bob" }] });
    for (const words of ["one", "two", "three"]) {
      await alice.chat.sendMessage(alice.chat.createTextMessage({ to: "tally", conversationType: TYPES.CONV_GROUP, payload: { text: words } }));
    }
    await eventually(async () => ((await listed(bob, "GROUPtally"))?.unreadCount === 3 ? true : undefined), "three unread");
    await bob.chat.setMessageRead({ conversationID: "GROUPtally" });
    await eventually(async () => ((await listed(bob, "GROUPtally"))?.unreadCount === 0 ? true : undefined), "read");

    // The read position moves back: the SDK takes the lower position it is pushed.
    await server.rest("group_open_http_svc", "set_unread_msg_num", { GroupId: "tally", Member_Account: "bob", UnreadMsgNum: 2 });
    await eventually(async () => ((await listed(bob, "GROUPtally"))?.unreadCount === 2 ? true : undefined), "two unread again");
    assert.equal(bob.chat.getTotalUnreadMessageCount(), 2);

    // Every message of alice's goes: bob is told each was revoked, and nothing is left unread.
    const revoked = bob.events.next(EVENT.MESSAGE_REVOKED);
    await server.rest("group_open_http_svc", "delete_group_msg_by_sender", { GroupId: "tally", Sender_Account: "alice" });
    await revoked;
    await eventually(async () => ((await listed(bob, "GROUPtally"))?.unreadCount === 0 ? true : undefined), "nothing unread");
    const history = (await bob.chat.getMessageList({ conversationID: "GROUPtally" })).data.messageList;
    assert.ok(history.filter((m) => m.from === "alice" && m.type === TYPES.MSG_TEXT).every((m) => m.isRevoked), "alice's messages are revoked");
  } finally {
    await alice.chat.logout();
    await bob.chat.logout();
  }
});
