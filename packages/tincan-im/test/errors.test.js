// Bad input and bad conditions: each fails the promise as TIM's wrapper does (a rejection with
// {code, desc, json_param, user_data}), with the right code, the user data exactly as given, and
// never a crash, a hang or an unhandled rejection.
"use strict";

const assert = require("node:assert/strict");
const net = require("node:net");
const { after, before, test } = require("node:test");

const TimRender = require("../dist/renderer").default;
const { eventually, rejection, startServer, textMessage } = require("./helpers");

const unhandled = [];
process.on("unhandledRejection", (reason) => unhandled.push(reason));

let server;
let alice;
let bob;

function assertFailure(result, code, userData, ...descMentions) {
  assert.equal(result.code, code, JSON.stringify(result));
  assert.equal(typeof result.desc, "string");
  assert.notEqual(result.desc, "");
  assert.equal(result.json_param, "");
  assert.deepEqual(result.user_data, userData);
  for (const mention of descMentions) {
    assert.ok(result.desc.includes(mention), `${JSON.stringify(result.desc)} should mention ${mention}`);
  }
}

before(async () => {
  server = await startServer();
  alice = new TimRender({ instance: "alice" });
  bob = new TimRender({ instance: "bob" });
  for (const [sdk, user] of [
    [bob, "bob"],
    [alice, "alice"],
  ]) {
    await sdk.TIMInit({ sdkappid: server.sdkappid, server_address: `ws://${server.address}/ws`, request_timeout_ms: 1500 });
    await sdk.TIMLogin({ userID: user, userSig: server.userSig(user) });
  }
});

after(async () => {
  server?.resume();
  for (const sdk of [alice, bob]) {
    await sdk?.TIMUninit();
  }
  await server?.stop();
  assert.deepEqual(unhandled, [], "no unhandled rejections");
});

test("a call before TIMInit fails with 6013, before TIMLogin with 6014", async () => {
  const fresh = new TimRender({ instance: "fresh" });
  const history = { conv_id: "alice", conv_type: 1, params: {}, user_data: "before init" };
  assertFailure(await rejection(fresh.TIMMsgGetMsgList(history)), 6013, "before init", "TIMInit");
  assertFailure(await rejection(fresh.TIMLogin({ userID: "x", userSig: "y", userData: "login" })), 6013, "login");
  assertFailure(await rejection(fresh.TIMLogout({ userData: "out" })), 6013, "out");

  await fresh.TIMInit({ sdkappid: server.sdkappid, server_address: server.address });
  assertFailure(await rejection(fresh.TIMMsgGetMsgList({ ...history, user_data: "before login" })), 6014, "before login", "TIMLogin");
  assertFailure(await rejection(fresh.TIMConvGetConvList({ userData: "convs" })), 6014, "convs");
  assertFailure(
    await rejection(fresh.TIMMsgSendMessageReadReceipts({ json_msg_array: "[]", user_data: "receipts" })),
    6014,
    "receipts",
  );
  assertFailure(await rejection(fresh.TIMGroupQuit({ groupId: "team", data: "quit" })), 6014, "quit");
  assertFailure(await rejection(fresh.TIMLogout({})), 6014, "");
  await fresh.TIMUninit();
});

test("a missing or mistyped parameter fails with 6017 naming it", async () => {
  const cases = [
    [alice.TIMMsgGetMsgList({ conv_type: 1, params: {}, user_data: "a" }), "a", "conv_id"],
    [alice.TIMMsgGetMsgList({ conv_id: "bob", conv_type: "1", params: {}, user_data: "b" }), "b", "conv_type"],
    [
      alice.TIMMsgGetMsgList({ conv_id: "bob", conv_type: 1, params: { msg_getmsglist_param_count: "ten" }, user_data: "c" }),
      "c",
      "params.msg_getmsglist_param_count",
    ],
    [alice.TIMMsgGetMsgList({ conv_id: "bob", conv_type: 1, user_data: "d" }), "d", "params"],
    [alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, user_data: "e" }), "e", "params"],
    [alice.TIMMsgSendMessageReadReceipts({ user_data: "f" }), "f", "json_msg_array"],
    [alice.TIMMsgSendMessageReadReceipts({ json_msg_array: [], user_data: "g" }), "g", "json_msg_array"],
    [alice.TIMMsgGetMessageReadReceipts({ json_msg_array: 5, user_data: "h" }), "h", "json_msg_array"],
    [
      alice.TIMMsgGetGroupMessageReadMemberList({ json_msg: "{}", filter: 0, next_seq: "0", user_data: "i" }),
      "i",
      "count",
    ],
    [
      alice.TIMMsgGetGroupMessageReadMemberList({ json_msg: "{}", filter: 0, next_seq: "x", count: 5, user_data: "j" }),
      "j",
      "next_seq",
    ],
    [alice.TIMConvCleanConversationUnreadMessageCount({ clean_timestamp: 0, user_data: "k" }), "k", "conversation_id"],
    [alice.TIMGroupCreate({ data: "l" }), "l", "params"],
    [alice.TIMGroupInviteMember({ params: { group_invite_member_param_group_id: "g" }, data: "m" }), "m", "group_invite_member_param_identifier_array"],
    [alice.TIMGroupQuit({ data: "n" }), "n", "groupId"],
    [alice.TIMMsgReportReaded({ conv_id: "bob", conv_type: 1, json_msg_param: 5, user_data: "o" }), "o", "json_msg_param"],
    [alice.TIMLogin({ userSig: "sig", userData: "p" }), "p", "userID"],
    [alice.TIMInit({ server_address: server.address }), "", "sdkappid"],
    [alice.TIMInit({ sdkappid: server.sdkappid }), "", "server_address"],
    [alice.TIMInit({ sdkappid: server.sdkappid, server_address: "http://x" }), "", "server_address"],
  ];
  for (const [promise, userData, field] of cases) {
    assertFailure(await rejection(promise), 6017, userData, field);
  }
  // The rejected TIMInit calls did not disturb the login.
  const list = await alice.TIMConvGetConvList({});
  assert.equal(list.code, 0);
});

test("a mistyped user_data fails with 6017 and still comes back exactly as given", async () => {
  const userData = { not: "a string" };
  assertFailure(
    await rejection(alice.TIMMsgGetMsgList({ conv_id: "bob", conv_type: 1, params: {}, user_data: userData })),
    6017,
    userData,
    "user_data",
  );
  assertFailure(await rejection(alice.TIMGroupQuit({ groupId: "g", data: 12 })), 6017, 12, "data");
  assertFailure(
    await rejection(alice.TIMSetMsgReadedReceiptCallback({ callback: () => {}, user_data: 3 })),
    6017,
    3,
    "user_data",
  );
});

test("a parameter that is not an object, or cannot be written as JSON, fails with 6017", async () => {
  assertFailure(await rejection(alice.TIMMsgGetMsgList("bob")), 6017, "", "object");
  assertFailure(await rejection(alice.TIMMsgGetMsgList(42)), 6017, "", "object");
  assertFailure(await rejection(alice.TIMMsgGetMsgList(undefined)), 6017, "", "conv_id");
  const looped = { conv_id: "bob", conv_type: 1, params: {}, user_data: "loop" };
  looped.params.self = looped;
  assertFailure(await rejection(alice.TIMMsgGetMsgList(looped)), 6017, "loop", "TIMMsgGetMsgList");
  assertFailure(
    await rejection(alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params: { big: 1n }, user_data: "big" })),
    6017,
    "big",
  );
  assertFailure(await rejection(alice.TIMSetMsgReadedReceiptCallback({ callback: 5, user_data: "cb" })), 6017, "cb", "callback");
  assertFailure(await rejection(alice.TIMSetConvEventCallback({ user_data: "none" })), 6017, "none", "callback");
  assertFailure(await rejection(alice.TIMSetConvTotalUnreadMessageCountChangedCallback()), 6017, "");
});

test("a malformed json_msg_array or json_msg fails with 6027", async () => {
  for (const text of ["[{", "not json", ""]) {
    assertFailure(
      await rejection(alice.TIMMsgSendMessageReadReceipts({ json_msg_array: text, user_data: "send" })),
      6027,
      "send",
      "json_msg_array",
    );
    assertFailure(
      await rejection(alice.TIMMsgGetMessageReadReceipts({ json_msg_array: text, user_data: "get" })),
      6027,
      "get",
      "json_msg_array",
    );
  }
  assertFailure(
    await rejection(
      alice.TIMMsgGetGroupMessageReadMemberList({ json_msg: "{", filter: 0, next_seq: "0", count: 5, user_data: "members" }),
    ),
    6027,
    "members",
    "json_msg",
  );
  // JSON of the wrong shape names the key inside it.
  assertFailure(
    await rejection(alice.TIMMsgSendMessageReadReceipts({ json_msg_array: "{}", user_data: "" })),
    6017,
    "",
    "json_msg_array",
  );
  assertFailure(
    await rejection(
      alice.TIMMsgSendMessageReadReceipts({ json_msg_array: '[{"message_seq": "x"}]', user_data: "" }),
    ),
    6017,
    "",
    "json_msg_array[0].message_seq",
  );
});

test("server refusals keep their TIM code, and user_data comes back exactly as given", async () => {
  const userData = 'quotes " and \\ and 漢字 and \u0000 and 😀';
  assertFailure(
    await rejection(alice.TIMGroupQuit({ groupId: "no-such-group", data: userData })),
    10010,
    userData,
  );
  const sent = await alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params: textMessage("no receipts"), user_data: userData });
  assert.equal(sent.user_data, userData);
  // Only messages that asked for receipts can be receipted.
  assertFailure(
    await rejection(bob.TIMMsgSendMessageReadReceipts({ json_msg_array: JSON.stringify([sent.json_params]), user_data: userData })),
    6017,
    userData,
  );
  assertFailure(
    await rejection(alice.TIMMsgSendMessage({ conv_id: "nobody", conv_type: 1, params: textMessage("hi"), user_data: "" })),
    20003,
    "",
  );
  assertFailure(await rejection(alice.TIMLogin({ userID: "alice", userSig: "garbage", userData: "relogin" })), 70003, "relogin");
  // The refused TIMLogin ended the earlier login, as a TIMLogin replaces the login before it.
  await alice.TIMLogin({ userID: "alice", userSig: server.userSig("alice") });
});

test("a callback that throws is reported and does not stop the others", async () => {
  const errors = [];
  const consoleError = console.error;
  console.error = (...args) => errors.push(args);
  try {
    const received = [];
    await bob.TIMSetRecvNewMsgCallback({
      callback: () => {
        throw new Error("app bug");
      },
    });
    await bob.TIMSetConvEventCallback({ callback: (event, json) => received.push(json) });
    await alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params: textMessage("boom") });
    await eventually(() => (errors.length > 0 && received.length > 0) || undefined, "the error and the conversation event");
    assert.ok(errors.some((args) => String(args[1]).includes("app bug")));
  } finally {
    console.error = consoleError;
    await bob.TIMSetRecvNewMsgCallback({ callback: null });
    await bob.TIMSetConvEventCallback({ callback: null });
  }
});

test("a server that accepts the connection and never answers fails TIMLogin with 9520 in time", async () => {
  const sockets = [];
  const silent = net.createServer((socket) => sockets.push(socket));
  await new Promise((resolve) => silent.listen(0, "127.0.0.1", resolve));
  try {
    const sdk = new TimRender({ instance: "silent" });
    await sdk.TIMInit({ sdkappid: server.sdkappid, server_address: `127.0.0.1:${silent.address().port}`, request_timeout_ms: 500 });
    const started = Date.now();
    assertFailure(await rejection(sdk.TIMLogin({ userID: "dave", userSig: server.userSig("dave"), userData: "slow" })), 9520, "slow");
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    await sdk.TIMUninit();
  } finally {
    sockets.forEach((socket) => socket.destroy());
    silent.close();
  }
});

test("nothing listening fails TIMLogin with 9508", async () => {
  const closed = net.createServer();
  await new Promise((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = closed.address().port;
  await new Promise((resolve) => closed.close(resolve));
  const sdk = new TimRender({ instance: "nowhere" });
  await sdk.TIMInit({ sdkappid: server.sdkappid, server_address: `127.0.0.1:${port}` });
  assertFailure(await rejection(sdk.TIMLogin({ userID: "dave", userSig: "x", userData: "" })), 9508, "");
  await sdk.TIMUninit();
});

test("a request the server does not answer fails with 9520 in time", async () => {
  await server.pause();
  try {
    const started = Date.now();
    const outcomes = await Promise.allSettled([
      alice.TIMConvGetTotalUnreadMessageCount({ user_data: "total" }),
      alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params: textMessage("into the void"), user_data: "send" }),
    ]);
    assert.ok(Date.now() - started < 8000, `took ${Date.now() - started} ms`);
    for (const [outcome, userData] of [
      [outcomes[0], "total"],
      [outcomes[1], "send"],
    ]) {
      assert.equal(outcome.status, "rejected");
      assertFailure(outcome.reason, 9520, userData);
    }
  } finally {
    server.resume();
  }
  // Once the server answers again, so does the SDK.
  await eventually(async () => {
    try {
      return (await alice.TIMConvGetConvList({})).code === 0 || undefined;
    } catch {
      return undefined;
    }
  }, "an answer after the pause");
});

test("a login the administrator ends reaches TIMSetKickedOfflineCallback, and later calls fail with 6014", async () => {
  const erin = new TimRender({ instance: "erin" });
  await erin.TIMInit({ sdkappid: server.sdkappid, server_address: server.address });
  await erin.TIMLogin({ userID: "erin", userSig: server.userSig("erin") });
  const kicked = [];
  await erin.TIMSetKickedOfflineCallback({ callback: (userData) => kicked.push(userData), userData: "erin kicked" });
  const query = `sdkappid=${server.sdkappid}&identifier=administrator&usersig=${server.userSig("administrator")}&random=1&contenttype=json`;
  const answer = await fetch(`http://${server.address}/v4/im_open_login_svc/kick?${query}`, {
    method: "POST",
    body: JSON.stringify({ UserID: "erin" }),
  });
  assert.equal((await answer.json()).ErrorCode, 0);
  await eventually(() => kicked[0], "the kicked-offline callback");
  assert.deepEqual(kicked, ["erin kicked"]);
  assertFailure(await rejection(erin.TIMConvGetConvList({})), 6014, "");
  await erin.TIMUninit();
});

test("server_address may be host:port or a ws:// URL with or without its path", async () => {
  for (const [index, address] of [server.address, `ws://${server.address}`, `ws://${server.address}/ws`].entries()) {
    const sdk = new TimRender({ instance: `address-${index}` });
    await sdk.TIMInit({ sdkappid: server.sdkappid, server_address: address });
    await sdk.TIMLogin({ userID: "frank", userSig: server.userSig("frank") });
    assert.equal((await sdk.TIMConvGetConvList({})).code, 0);
    await sdk.TIMUninit();
  }
  const sdk = new TimRender({ instance: "address-wrong-path" });
  await sdk.TIMInit({ sdkappid: server.sdkappid, server_address: `ws://${server.address}/elsewhere` });
  assertFailure(await rejection(sdk.TIMLogin({ userID: "frank", userSig: server.userSig("frank") })), 9508, "");
  await sdk.TIMUninit();
});
