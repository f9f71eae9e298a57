// A message's life after it is sent, as TIM's Web SDK gives it: revoked (MESSAGE_REVOKED on the
// other side, the unread count corrected, history showing the revoked state), modified
// (MESSAGE_MODIFIED, and TIM's 2480 for a stale edit), deleted and cleared for one user only,
// online-only messages (typing notices), and merged forwards.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { loggedIn, rejection, startServer, TencentCloudChat } from "./harness.mjs";

const { EVENT, TYPES } = TencentCloudChat;
let server;

before(async () => {
  server = await startServer();
  await server.importAccounts("alice", "bob", "carol");
});

after(async () => {
  await server?.stop();
});

function text(chat, to, words, conversationType = TYPES.CONV_C2C) {
  return chat.createTextMessage({ to, conversationType, payload: { text: words } });
}

test("revokeMessage: gone on both sides, unread corrected, history shows it revoked", async () => {
  const alice = await loggedIn(server, "alice");
  const bob = await loggedIn(server, "bob");
  try {
    const received = bob.events.next(EVENT.MESSAGE_RECEIVED, (list) => list.some((m) => m.payload.text === "oops, wrong chat"));
    const { data } = await alice.chat.sendMessage(text(alice.chat, "bob", "oops, wrong chat"));
    await received;
    const before = (await bob.chat.getConversationProfile("C2Calice")).data.conversation.unreadCount;
    assert.ok(before >= 1);

    const revokedOnBob = bob.events.next(EVENT.MESSAGE_REVOKED);
    const revokedHere = alice.events.next(EVENT.MESSAGE_REVOKED);
    const answer = await alice.chat.revokeMessage(data.message);
    assert.equal((await revokedHere).data[0].ID, data.message.ID, "the revoking instance hears it too, as TIM's does");
    assert.equal(answer.code, 0);
    assert.equal(answer.data.message.isRevoked, true);
    assert.equal(data.message.isRevoked, true, "the app's own object says so");
    const event = await revokedOnBob;
    assert.equal(event.data.length, 1);
    assert.equal(event.data[0].ID, data.message.ID);
    assert.equal(event.data[0].isRevoked, true);
    assert.equal(event.data[0].revoker, "alice");
    const conversation = (await bob.chat.getConversationProfile("C2Calice")).data.conversation;
    assert.equal(conversation.unreadCount, before - 1, "a revoked message is no longer unread");
    assert.equal(conversation.lastMessage.isRevoked, true);

    const history = await bob.chat.getMessageList({ conversationID: "C2Calice" });
    const kept = history.data.messageList.find((message) => message.ID === data.message.ID);
    assert.equal(kept.isRevoked, true);
    assert.deepEqual(kept.revokerInfo.userID, "alice");

    // Only the sender revokes a C2C message: bob cannot revoke alice's.
    const arrives = bob.events.next(EVENT.MESSAGE_RECEIVED, (list) => list.some((m) => m.payload.text === "mine"));
    await alice.chat.sendMessage(text(alice.chat, "bob", "mine"));
    const [bobsCopy] = (await arrives).data;
    const refused = await rejection(bob.chat.revokeMessage(bobsCopy));
    assert.equal(refused.code, 20001);
  } finally {
    await alice.chat.logout();
    await bob.chat.logout();
  }
});

test("modifyMessage: MESSAGE_MODIFIED on the other side, and 2480 with the message as it is for a stale edit", async () => {
  const alice = await loggedIn(server, "alice");
  const bob = await loggedIn(server, "bob");
  try {
    const received = bob.events.next(EVENT.MESSAGE_RECEIVED, (list) => list.some((m) => m.payload.text === "release at 5"));
    const { data } = await alice.chat.sendMessage(text(alice.chat, "bob", "release at 5"));
    const [bobsCopy] = (await received).data;
    const stale = { ...data.message };

    const modifiedOnBob = bob.events.next(EVENT.MESSAGE_MODIFIED, (list) => list.some((m) => m.ID === data.message.ID));
    const modifiedHere = alice.events.next(EVENT.MESSAGE_MODIFIED, (list) => list.some((m) => m.ID === data.message.ID));
    data.message.payload.text = "release at 6";
    const answer = await alice.chat.modifyMessage(data.message);
    assert.equal(answer.data.message.payload.text, "release at 6");
    assert.equal(answer.data.message.version, 1);
    assert.equal(answer.data.message.isModified, true);
    await modifiedHere;
    const event = await modifiedOnBob;
    assert.equal(event.data[0].payload.text, "release at 6");
    assert.equal(bobsCopy.payload.text, "release at 6", "the object bob's app holds is updated");

    // An edit made from the version before is refused with TIM's conflict code.
    const conflict = await rejection(alice.chat.modifyMessage(Object.assign(Object.create(Object.getPrototypeOf(data.message)), stale, { payload: { text: "release at 7" } })));
    assert.equal(conflict.code, 2480);
    assert.equal(conflict.data.message.payload.text, "release at 6");

    // Only the sender modifies.
    bobsCopy.payload.text = "bob was here";
    assert.equal((await rejection(bob.chat.modifyMessage(bobsCopy))).code, 20001);
  } finally {
    await alice.chat.logout();
    await bob.chat.logout();
  }
});

test("deleteMessage and clearHistoryMessage change this user's history only", async () => {
  const alice = await loggedIn(server, "alice");
  const carol = await loggedIn(server, "carol");
  try {
    const first = (await alice.chat.sendMessage(text(alice.chat, "carol", "one"))).data.message;
    await alice.chat.sendMessage(text(alice.chat, "carol", "two"));
    const deleted = await alice.chat.deleteMessage([first]);
    assert.equal(deleted.data.messageList[0].isDeleted, true);
    const mine = (await alice.chat.getMessageList({ conversationID: "C2Ccarol" })).data.messageList.map((m) => m.payload.text);
    assert.ok(!mine.includes("one") && mine.includes("two"), `alice sees ${mine}`);
    const theirs = (await carol.chat.getMessageList({ conversationID: "C2Calice" })).data.messageList.map((m) => m.payload.text);
    assert.ok(theirs.includes("one") && theirs.includes("two"), `carol sees ${theirs}`);

    await alice.chat.clearHistoryMessage("C2Ccarol");
    assert.deepEqual((await alice.chat.getMessageList({ conversationID: "C2Ccarol" })).data.messageList, []);
    const conversation = (await alice.chat.getConversationList()).data.conversationList.find((c) => c.conversationID === "C2Ccarol");
    assert.ok(conversation, "the conversation stays");
    assert.equal(conversation.lastMessage.lastSequence, 0);
    assert.equal((await carol.chat.getMessageList({ conversationID: "C2Calice" })).data.messageList.length, theirs.length);
    assert.equal((await rejection(alice.chat.deleteMessage([]))).code, 6017);
  } finally {
    await alice.chat.logout();
    await carol.chat.logout();
  }
});

test("onlineUserOnly: the peer online gets it, nothing is stored or counted", async () => {
  const alice = await loggedIn(server, "alice");
  const bob = await loggedIn(server, "bob");
  try {
    const unreadBefore = bob.chat.getTotalUnreadMessageCount();
    const typing = alice.chat.createCustomMessage({ to: "bob", conversationType: TYPES.CONV_C2C, payload: { data: JSON.stringify({ businessID: "user_typing_status" }) } });
    const received = bob.events.next(EVENT.MESSAGE_RECEIVED, (list) => list.some((m) => m.type === TYPES.MSG_CUSTOM));
    const sent = await alice.chat.sendMessage(typing, { onlineUserOnly: true });
    assert.equal(sent.data.message.status, "success");
    assert.equal(typing.isOnlineMessage(), true);
    const [notice] = (await received).data;
    assert.equal(notice.isOnlineMessage(), true);
    assert.equal(notice.from, "alice");
    const history = (await bob.chat.getMessageList({ conversationID: "C2Calice" })).data.messageList;
    assert.ok(!history.some((message) => String(message.payload.data ?? "").includes("user_typing_status")), "not in history");
    assert.equal(bob.chat.getTotalUnreadMessageCount(), unreadBefore, "not unread");
  } finally {
    await alice.chat.logout();
    await bob.chat.logout();
  }
});

test("createMergerMessage and downloadMergerMessage: the forwarded messages arrive inside the message", async () => {
  const alice = await loggedIn(server, "alice");
  const bob = await loggedIn(server, "bob");
  try {
    const one = (await alice.chat.sendMessage(text(alice.chat, "carol", "minutes, part one"))).data.message;
    const two = (await alice.chat.sendMessage(text(alice.chat, "carol", "minutes, part two"))).data.message;
    const merger = alice.chat.createMergerMessage({
      to: "bob",
      conversationType: TYPES.CONV_C2C,
      payload: { messageList: [one, two], title: "Chat with carol", abstractList: ["alice: part one", "alice: part two"], compatibleText: "upgrade" },
    });
    const received = bob.events.next(EVENT.MESSAGE_RECEIVED, (list) => list.some((m) => m.type === TYPES.MSG_MERGER));
    await alice.chat.sendMessage(merger);
    const [arrived] = (await received).data.filter((m) => m.type === TYPES.MSG_MERGER);
    assert.equal(arrived.payload.title, "Chat with carol");
    assert.deepEqual(arrived.payload.abstractList, ["alice: part one", "alice: part two"]);
    const downloaded = await bob.chat.downloadMergerMessage(arrived);
    assert.deepEqual(
      downloaded.data.payload.messageList.map((message) => message.payload.text),
      ["minutes, part one", "minutes, part two"],
    );
  } finally {
    await alice.chat.logout();
    await bob.chat.logout();
  }
});
