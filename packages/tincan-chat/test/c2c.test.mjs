// One-to-one messaging as a TIM Web app does it: two users log in, alice sends bob a text asking
// for a read receipt, bob sees it in his conversation list with its unread count, opens it and
// sends the receipt, and alice hears of it through TIM's events with TIM's payloads.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { eventually, loggedIn, startServer, TencentCloudChat } from "./harness.mjs";

const { EVENT, TYPES } = TencentCloudChat;
let server;

before(async () => {
  server = await startServer();
  await server.importAccounts("alice", "bob");
});

after(async () => {
  await server?.stop();
});

test("login resolves with TIM's answer, then SDK_READY, and the instance reports the user", async () => {
  const { chat, answer, events } = await loggedIn(server, "alice");
  try {
    assert.equal(answer.code, 0);
    assert.equal(answer.data.repeatLogin, false);
    assert.equal(chat.isReady(), true);
    assert.equal(chat.getLoginUser(), "alice");
    assert.ok(Math.abs(chat.getServerTime() - Date.now() / 1000) < 5, "the server's clock");
    assert.equal(events.of(EVENT.NET_STATE_CHANGE).at(-1)?.data.state, TYPES.NET_STATE_CONNECTED);
    const again = await chat.login({ userID: "alice", userSig: server.userSig("alice") });
    assert.equal(again.data.repeatLogin, true);
  } finally {
    await chat.logout();
  }
  assert.equal(chat.isReady(), false);
  assert.equal(chat.getLoginUser(), "");
});

test("a C2C text with a receipt request: received, listed as unread, receipted, and the sender is told", async () => {
  const alice = await loggedIn(server, "alice");
  const bob = await loggedIn(server, "bob");
  try {
    const message = alice.chat.createTextMessage({
      to: "bob",
      conversationType: TYPES.CONV_C2C,
      payload: { text: "lunch at noon?" },
      needReadReceipt: true,
    });
    assert.equal(message.status, "unSend");
    assert.equal(message.flow, "out");
    assert.equal(message.conversationID, "C2Cbob");
    assert.match(message.ID, /^\d+-\d+-\d+$/, "the ID is known before sending");
    const idBefore = message.ID;

    const received = bob.events.next(EVENT.MESSAGE_RECEIVED);
    const sent = await alice.chat.sendMessage(message);
    assert.equal(sent.code, 0);
    assert.equal(sent.data.message, message, "the same message object comes back");
    assert.equal(message.status, "success");
    assert.equal(message.ID, idBefore);
    assert.ok(message.sequence > 0);
    assert.equal(message.readReceiptInfo.isPeerRead, false);

    const event = await received;
    assert.equal(event.data.length, 1);
    const incoming = event.data[0];
    assert.equal(incoming.ID, message.ID);
    assert.equal(incoming.type, TYPES.MSG_TEXT);
    assert.deepEqual(incoming.payload, { text: "lunch at noon?" });
    assert.equal(incoming.conversationID, "C2Calice");
    assert.equal(incoming.conversationType, TYPES.CONV_C2C);
    assert.equal(incoming.from, "alice");
    assert.equal(incoming.to, "bob");
    assert.equal(incoming.flow, "in");
    assert.equal(incoming.needReadReceipt, true);
    assert.equal(incoming.isRead, false);
    assert.equal(incoming.sequence, message.sequence);
    assert.equal(bob.chat.findMessage(message.ID), incoming);

    // The sender's own instance does not hear of its own message as received.
    assert.equal(alice.events.of(EVENT.MESSAGE_RECEIVED).length, 0);

    const bobConv = await eventually(() => {
      const conv = bob.events.of(EVENT.CONVERSATION_LIST_UPDATED).at(-1)?.data.find((it) => it.conversationID === "C2Calice");
      return conv?.unreadCount === 1 ? conv : undefined;
    }, "bob's conversation with one unread message");
    assert.equal(bobConv.type, TYPES.CONV_C2C);
    assert.equal(bobConv.lastMessage.messageForShow, "lunch at noon?");
    assert.equal(bobConv.lastMessage.fromAccount, "alice");
    assert.equal(bobConv.userProfile.userID, "alice");
    assert.equal(bob.chat.getTotalUnreadMessageCount(), 1);
    assert.equal(bob.events.of(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED).at(-1)?.data, 1);
    const list = await bob.chat.getConversationList();
    assert.equal(list.data.conversationList[0].conversationID, "C2Calice");
    assert.equal(list.data.isSyncCompleted, true);

    // Bob opens the conversation: the history shows the message, he marks it read and sends the
    // receipt it asked for.
    const history = await bob.chat.getMessageList({ conversationID: "C2Calice" });
    assert.equal(history.data.isCompleted, true);
    assert.deepEqual(history.data.messageList.map((it) => it.ID), [message.ID]);
    assert.equal(history.data.messageList[0], incoming, "history gives the cached object");

    const readByPeer = alice.events.next(EVENT.MESSAGE_READ_BY_PEER);
    await bob.chat.setMessageRead({ conversationID: "C2Calice" });
    assert.equal(bob.chat.getTotalUnreadMessageCount(), 0);
    const peerRead = await readByPeer;
    assert.deepEqual(peerRead.data.map((it) => it.ID), [message.ID]);
    assert.equal(message.isPeerRead, true);

    const receipt = alice.events.next(EVENT.MESSAGE_READ_RECEIPT_RECEIVED);
    const answer = await bob.chat.sendMessageReadReceipt([incoming]);
    assert.equal(answer.code, 0);
    const receiptEvent = await receipt;
    assert.equal(receiptEvent.data.length, 1);
    const [info] = receiptEvent.data;
    assert.equal(info.userID, "bob");
    assert.equal(info.messageID, message.ID);
    assert.equal(info.isPeerRead, true);
    assert.ok(info.timestamp > 0);
    assert.equal(message.readReceiptInfo.isPeerRead, true);

    // The sender can also ask.
    const fresh = alice.chat.createTextMessage({ to: "bob", conversationType: TYPES.CONV_C2C, payload: { text: "unrelated" } });
    const receipts = await alice.chat.getMessageReadReceiptList([message, fresh]);
    assert.equal(receipts.data.messageList.length, 2);
    assert.equal(receipts.data.messageList[0].readReceiptInfo.isPeerRead, true);
  } finally {
    await alice.chat.logout();
    await bob.chat.logout();
  }
});

test("a message from another device of the same user is received; history pages oldest first", async () => {
  const alice = await loggedIn(server, "alice");
  const aliceElsewhere = await loggedIn(server, "alice");
  try {
    const received = aliceElsewhere.events.next(EVENT.MESSAGE_RECEIVED);
    const texts = Array.from({ length: 17 }, (_, index) => `page ${index}`);
    for (const text of texts) {
      await alice.chat.sendMessage(alice.chat.createTextMessage({ to: "bob", conversationType: TYPES.CONV_C2C, payload: { text } }));
    }
    const first = await received;
    assert.equal(first.data[0].flow, "out", "one's own message from another device");
    const page = await alice.chat.getMessageList({ conversationID: "C2Cbob" });
    assert.equal(page.data.messageList.length, 15);
    assert.equal(page.data.isCompleted, false);
    assert.deepEqual(page.data.messageList.slice(-2).map((it) => it.payload.text), ["page 15", "page 16"]);
    const sequences = page.data.messageList.map((it) => it.sequence);
    assert.deepEqual(sequences, [...sequences].sort((a, b) => a - b));
    const older = await alice.chat.getMessageList({ conversationID: "C2Cbob", nextReqMessageID: page.data.nextReqMessageID });
    assert.ok(older.data.messageList.length >= 2);
    assert.equal(older.data.messageList.at(-1).payload.text, "page 1");
    // lite-chat's kits pass a page size of their own.
    const five = await alice.chat.getMessageList({ conversationID: "C2Cbob", count: 5 });
    assert.deepEqual(five.data.messageList.map((it) => it.payload.text), ["page 12", "page 13", "page 14", "page 15", "page 16"]);
  } finally {
    await alice.chat.logout();
    await aliceElsewhere.chat.logout();
  }
});
