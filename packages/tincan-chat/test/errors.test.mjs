// Bad input gets TIM's codes: TIM's Web codes where TIM's Web SDK has one (2000s), 6017 naming
// the parameter where TIM's has none, the server's code for what the server refuses, and 60020
// for what the server cannot do yet. Promises reject; they never throw.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { loggedIn, rejection, startServer, TencentCloudChat } from "./harness.mjs";

const { TYPES } = TencentCloudChat;
let server;

before(async () => {
  server = await startServer();
  await server.importAccounts("alice", "bob");
});

after(async () => {
  await server?.stop();
});

test("login: missing credentials, a bad UserSig, another app, no server", async () => {
  const chat = TencentCloudChat.create({ SDKAppID: server.sdkappid, tincanURL: server.url });
  assert.equal((await rejection(chat.login({ userID: "alice" }))).code, 2003);
  assert.equal((await rejection(chat.login({ userSig: "x" }))).code, 2002);
  assert.equal((await rejection(chat.login())).code, 6017);
  const badSig = await rejection(chat.login({ userID: "alice", userSig: "not-a-usersig" }));
  assert.equal(badSig.code, 70003);
  assert.ok(badSig instanceof Error);
  assert.equal(typeof badSig.message, "string");
  const otherUser = await rejection(chat.login({ userID: "alice", userSig: server.userSig("bob") }));
  assert.equal(otherUser.code, 70013);
  assert.equal(chat.isReady(), false);

  const noApp = TencentCloudChat.create({ tincanURL: server.url });
  assert.equal((await rejection(noApp.login({ userID: "alice", userSig: server.userSig("alice") }))).code, 2000);
  const otherApp = TencentCloudChat.create({ SDKAppID: 1400009999, tincanURL: server.url });
  assert.equal((await rejection(otherApp.login({ userID: "alice", userSig: server.userSig("alice") }))).code, 70020, "no such app on this server");
  const nowhere = TencentCloudChat.create({ SDKAppID: server.sdkappid, tincanURL: "ws://127.0.0.1:9/ws" });
  assert.equal((await rejection(nowhere.login({ userID: "alice", userSig: server.userSig("alice") }))).code, 2800);
});

test("the server's address may be a URL, an origin or host:port, or a global", async () => {
  for (const tincanURL of [server.url, `http://${server.address}`, server.address, `ws://${server.address}`]) {
    const { chat } = await loggedIn(server, "alice", { tincanURL });
    await chat.logout();
  }
  const { chat: viaProxyServer } = await loggedIn(server, "alice", { tincanURL: undefined, proxyServer: server.url });
  await viaProxyServer.logout();
  globalThis.TINCAN_URL = server.url;
  try {
    const { chat } = await loggedIn(server, "alice", { tincanURL: undefined });
    await chat.logout();
  } finally {
    delete globalThis.TINCAN_URL;
  }
  const unset = TencentCloudChat.create({ SDKAppID: server.sdkappid });
  const error = await rejection(unset.login({ userID: "alice", userSig: server.userSig("alice") }));
  assert.equal(error.code, 6017);
  assert.match(error.message, /tincanURL/);
});

test("messages: not a message, a bad conversation type, a missing peer, media and online-only sends", async () => {
  const { chat } = await loggedIn(server, "alice");
  try {
    assert.equal((await rejection(chat.sendMessage({ ID: "1", type: TYPES.MSG_TEXT }))).code, 2105);
    assert.throws(() => chat.createTextMessage({ to: "bob", conversationType: "ROOM", payload: { text: "x" } }), { code: 2106 });
    assert.throws(() => chat.createTextMessage({ to: "", conversationType: TYPES.CONV_C2C, payload: { text: "x" } }), { code: 6017 });
    assert.throws(() => chat.createTextMessage({ to: "bob", conversationType: TYPES.CONV_C2C, payload: {} }), { code: 6017 });
    assert.throws(() => chat.createTextMessage(), { code: 6017 });

    const toNobody = chat.createTextMessage({ to: "nobody", conversationType: TYPES.CONV_C2C, payload: { text: "hello?" } });
    const missing = await rejection(chat.sendMessage(toNobody));
    assert.equal(missing.code, 20003);
    assert.equal(missing.data.message, toNobody, "the failed message comes back in error.data");
    assert.equal(toNobody.status, "fail");

    const toNoGroup = chat.createTextMessage({ to: "no-such-group", conversationType: TYPES.CONV_GROUP, payload: { text: "x" } });
    assert.equal((await rejection(chat.sendMessage(toNoGroup))).code, 10010);

    // An image whose file is not a file: nothing is uploaded and nothing sent.
    const image = chat.createImageMessage({ to: "bob", conversationType: TYPES.CONV_C2C, payload: { file: { name: "cat.png", size: 10 } } });
    assert.equal(image.type, TYPES.MSG_IMAGE);
    const noFile = await rejection(chat.sendMessage(image));
    assert.equal(noFile.code, 6017);
    assert.match(noFile.message, /payload\.file/);
    assert.equal(image.status, "fail");

    // An image the server cannot read as one: its code (4004), and the message is not sent.
    const notImage = chat.createImageMessage({
      to: "bob",
      conversationType: TYPES.CONV_C2C,
      payload: { file: new File([new TextEncoder().encode("not a picture")], "fake.png", { type: "image/png" }) },
    });
    const unreadable = await rejection(chat.sendMessage(notImage));
    assert.equal(unreadable.code, 4004);
    assert.equal(notImage.status, "fail");

    // An online-only message to a peer that does not exist is refused as any message is.
    const typing = chat.createCustomMessage({ to: "nobody", conversationType: TYPES.CONV_C2C, payload: { data: "typing" } });
    assert.equal((await rejection(chat.sendMessage(typing, { onlineUserOnly: true }))).code, 20003);

    // A failed message sends once the cause is gone: resendMessage keeps its ID.
    const later = chat.createTextMessage({ to: "carol", conversationType: TYPES.CONV_C2C, payload: { text: "once you exist" } });
    assert.equal((await rejection(chat.sendMessage(later))).code, 20003);
    await server.importAccounts("carol");
    const id = later.ID;
    const resent = await chat.resendMessage(later);
    assert.equal(resent.data.message.status, "success");
    assert.equal(later.ID, id);
  } finally {
    await chat.logout();
  }
});

test("receipts, history, conversations and groups: TIM's codes for bad parameters", async () => {
  const alice = await loggedIn(server, "alice");
  const bob = await loggedIn(server, "bob");
  try {
    const { chat } = alice;
    assert.equal((await rejection(chat.sendMessageReadReceipt([]))).code, 6017);
    assert.equal((await rejection(chat.sendMessageReadReceipt("x"))).code, 6017);
    const mine = chat.createTextMessage({ to: "bob", conversationType: TYPES.CONV_C2C, payload: { text: "mine" }, needReadReceipt: true });
    await chat.sendMessage(mine);
    assert.equal((await rejection(chat.sendMessageReadReceipt([mine]))).code, 2114, "one's own message asks nobody for a receipt");
    const other = chat.createTextMessage({ to: "carol", conversationType: TYPES.CONV_C2C, payload: { text: "x" } });
    assert.equal((await rejection(chat.getMessageReadReceiptList([mine, other]))).code, 6017, "two conversations");
    assert.equal((await rejection(chat.getGroupMessageReadMemberList({ message: mine }))).code, 6017, "not a group message");

    assert.equal((await rejection(chat.getMessageList({}))).code, 6017);
    assert.equal((await rejection(chat.getMessageList({ conversationID: "bob" }))).code, 6017);
    assert.equal((await rejection(chat.setMessageRead({ conversationID: "GROUP" }))).code, 6017);
    assert.equal((await rejection(chat.setAllMessageRead({ scope: "everything" }))).code, 6017);
    assert.equal((await rejection(chat.getConversationProfile(42))).code, 6017);
    assert.equal((await rejection(chat.getMessageList({ conversationID: "GROUPno-such-group" }))).code, 10010);

    assert.equal((await rejection(chat.createGroup({ name: "" }))).code, 6017);
    assert.equal((await rejection(chat.createGroup({ name: "x", type: "Club" }))).code, 6017);
    assert.equal((await rejection(chat.createGroup({ name: "x", memberList: [{ userID: "bob", role: "Owner" }] }))).code, 6017);
    assert.equal((await rejection(chat.getGroupProfile({ groupID: "no-such-group" }))).code, 10010);
    assert.equal((await rejection(chat.addGroupMember({ groupID: "x", userIDList: [] }))).code, 6017);
    assert.equal((await rejection(chat.quitGroup("no-such-group"))).code, 10010);
    await chat.createGroup({ name: "Private", type: TYPES.GRP_WORK, groupID: "private" });
    assert.equal((await rejection(bob.chat.joinGroup({ groupID: "private" }))).code, 10007, "a Work group cannot be joined");
    assert.equal((await rejection(bob.chat.getGroupMemberList({ groupID: "private" }))).code, 10007);
  } finally {
    await alice.chat.logout();
    await bob.chat.logout();
  }
});
