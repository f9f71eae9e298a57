// The message lifecycle through TIM's Electron methods against a real tincan server:
// TIMMsgSendMessageV2 and TIMMsgSendReplyMessage, TIMMsgRevoke with TIMSetMsgRevokeCallback,
// TIMMsgModifyMessage with TIMSetMsgUpdateCallback.
"use strict";

const assert = require("node:assert/strict");
const { after, before, test } = require("node:test");

const TimRender = require("../dist/renderer").default;
const { eventually, rejection, startServer, textMessage } = require("./helpers");

let server;
let alice;
let bob;
const heard = { alice: {}, bob: {} };

function record(user, name) {
  return (...args) => {
    (heard[user][name] ??= []).push(args);
  };
}

before(async () => {
  server = await startServer();
  alice = new TimRender({ instance: "lifecycle-alice" });
  bob = new TimRender({ instance: "lifecycle-bob" });
  for (const [sdk, user] of [
    [bob, "bob"],
    [alice, "alice"],
  ]) {
    await sdk.TIMInit({ sdkappid: server.sdkappid, server_address: server.address });
    await sdk.TIMLogin({ userID: user, userSig: server.userSig(user) });
  }
  await bob.TIMAddRecvNewMsgCallback({ callback: record("bob", "recv"), user_data: "bob recv" });
  await bob.TIMSetMsgRevokeCallback({ callback: record("bob", "revoke"), user_data: "bob revoke" });
  await bob.TIMSetMsgUpdateCallback({ callback: record("bob", "update"), user_data: "bob update" });
});

after(async () => {
  for (const sdk of [alice, bob]) {
    await sdk?.TIMUninit();
  }
  await server?.stop();
});

/** Sends with TIMMsgSendMessageV2; resolves with the ID and the callback's arguments. */
async function sendV2(sdk, convId, params, userData) {
  let done;
  const called = new Promise((resolve) => (done = resolve));
  const msgId = await sdk.TIMMsgSendMessageV2({
    conv_id: convId,
    conv_type: 1,
    params,
    user_data: userData,
    callback: (...args) => done(args),
  });
  return { msgId, called: await called };
}

let sent;

test("TIMMsgSendMessageV2 resolves with the message ID, then calls back with the sent message", async () => {
  const { msgId, called } = await sendV2(alice, "bob", textMessage("first draft"), "v2");
  assert.match(msgId, /^\d+-\d+-\d+$/);
  const [result, userData] = called;
  assert.equal(userData, "v2");
  assert.equal(result.code, 0, result.desc);
  assert.equal(result.user_data, "v2");
  assert.equal(typeof result.json_param, "string");
  assert.equal(result.json_params, result.json_param, "V2 gives the text in both");
  sent = JSON.parse(result.json_param);
  assert.equal(sent.message_msg_id, msgId, "the ID handed out first is the message's");
  await eventually(() => heard.bob.recv?.some(([text]) => text.includes(msgId)), "bob receives it");
});

test("TIMMsgSendMessageV2 calls back with TIM's code when the send fails, and rejects bad parameters with \"\"", async () => {
  const { called } = await sendV2(alice, "nobody-here", textMessage("hello?"), "fails");
  assert.equal(called[0].code, 20003, called[0].desc);
  assert.equal(called[0].user_data, "fails");
  assert.equal(await rejection(alice.TIMMsgSendMessageV2({ conv_id: "bob", conv_type: 7, params: {}, callback() {} })), "");
});

test("TIMMsgSendReplyMessage carries TIM's messageReply in the cloud custom data", async () => {
  const { called } = await sendV2(bob, "alice", textMessage("warm-up"), "");
  assert.equal(called[0].code, 0);
  let done;
  const replied = new Promise((resolve) => (done = resolve));
  const msgId = await bob.TIMMsgSendReplyMessage({
    conv_id: "alice",
    conv_type: 1,
    params: textMessage("agreed"),
    replyMsg: sent,
    user_data: "reply",
    callback: (result) => done(result),
  });
  const result = await replied;
  assert.equal(result.code, 0, result.desc);
  const reply = JSON.parse(result.json_param);
  assert.equal(reply.message_msg_id, msgId);
  const custom = JSON.parse(reply.message_cloud_custom_str);
  assert.deepEqual(custom.messageReply, {
    messageID: sent.message_msg_id,
    messageAbstract: "first draft",
    messageSender: "alice",
    messageType: 0,
    version: "1",
  });
});

test("TIMMsgModifyMessage changes the message; the peer's TIMSetMsgUpdateCallback gets it; a stale edit is 8006", async () => {
  const change = { ...sent, message_elem_array: [{ elem_type: 0, text_elem_content: "final text" }] };
  const result = await alice.TIMMsgModifyMessage({ params: change, user_data: "edit" });
  assert.equal(result.code, 0);
  assert.equal(result.user_data, "edit");
  assert.equal(result.json_params.message_version, 1);
  assert.equal(result.json_params.message_elem_array[0].text_elem_content, "final text");
  assert.deepEqual(JSON.parse(result.json_param), result.json_params);
  await eventually(() => heard.bob.update?.length === 1, "bob hears of the change");
  const [text, userData] = heard.bob.update[0];
  assert.equal(userData, "bob update");
  const [updated] = JSON.parse(text);
  assert.equal(updated.message_msg_id, sent.message_msg_id);
  assert.equal(updated.message_elem_array[0].text_elem_content, "final text");
  const stale = { ...sent, message_elem_array: [{ elem_type: 0, text_elem_content: "other text" }] };
  const failure = await rejection(alice.TIMMsgModifyMessage({ params: stale, user_data: "stale" }));
  assert.equal(failure.code, 8006, failure.desc);
  assert.equal(failure.user_data, "stale");
});

test("TIMMsgRevoke revokes; the peer's TIMSetMsgRevokeCallback gets TIM's locator and the unread count drops", async () => {
  const before = (await bob.TIMConvGetTotalUnreadMessageCount()).json_param.conv_get_total_unread_message_count_result_unread_count;
  const result = await alice.TIMMsgRevoke({ conv_id: "bob", conv_type: 1, json_msg_param: sent, user_data: "revoke" });
  assert.deepEqual(result, { code: 0, desc: "", json_param: "", user_data: "revoke" });
  await eventually(() => heard.bob.revoke?.length === 1, "bob hears of the revoke");
  const [text, userData] = heard.bob.revoke[0];
  assert.equal(userData, "bob revoke");
  const [locator] = JSON.parse(text);
  assert.equal(locator.message_locator_conv_id, "alice");
  assert.equal(locator.message_locator_conv_type, 1);
  assert.equal(locator.message_locator_is_revoked, true);
  assert.equal(locator.message_locator_seq, sent.message_seq);
  assert.equal(locator.message_locator_rand, sent.message_rand);
  assert.equal(locator.message_revoker_user_id, "alice");
  await eventually(async () => {
    const now = (await bob.TIMConvGetTotalUnreadMessageCount()).json_param.conv_get_total_unread_message_count_result_unread_count;
    return now === before - 1;
  }, "bob's unread count drops by one");
  const history = await bob.TIMMsgGetMsgList({ conv_id: "alice", conv_type: 1, params: { msg_getmsglist_param_count: 20 } });
  const revoked = history.json_params.find((message) => message.message_seq === sent.message_seq);
  assert.equal(revoked.message_status, 6);
  assert.deepEqual(revoked.message_elem_array, []);
  // Bob may not revoke Alice's message.
  const another = await alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params: textMessage("another") });
  const asBobSees = { ...another.json_params, message_conv_id: "alice" };
  const failure = await rejection(bob.TIMMsgRevoke({ conv_id: "alice", conv_type: 1, json_msg_param: asBobSees }));
  assert.equal(failure.code, 20001, failure.desc);
  // A removed callback hears nothing more.
  await bob.TIMSetMsgRevokeCallback({ callback: null });
});

test("an online-only message (message_is_online_msg) reaches the peer's TIMAddRecvNewMsgCallback and is not stored", async () => {
  const heardBefore = heard.bob.recv?.length ?? 0;
  const typing = { ...textMessage("typing..."), message_is_online_msg: true };
  const result = await alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params: typing, user_data: "typing" });
  assert.equal(result.json_params.message_is_online_msg, true);
  assert.equal(result.json_params.message_seq, 0);
  // Pushes of the tests before may still be arriving: wait for this one among what bob hears.
  const typingOf = () =>
    (heard.bob.recv ?? [])
      .slice(heardBefore)
      .map(([text]) => JSON.parse(text)[0])
      .find((heardMessage) => heardMessage.message_elem_array[0]?.text_elem_content === "typing...");
  await eventually(() => typingOf() !== undefined, "bob hears it");
  const message = typingOf();
  assert.equal(message.message_is_online_msg, true);
  assert.equal(message.message_elem_array[0].text_elem_content, "typing...");
  const history = await bob.TIMMsgGetMsgList({ conv_id: "alice", conv_type: 1, params: { msg_getmsglist_param_count: 50 } });
  assert.ok(
    history.json_params.every((stored) => stored.message_elem_array[0]?.text_elem_content !== "typing..."),
    "not in history",
  );
});

test("TIMMsgDelete and TIMMsgListDelete take messages out of this user's history only", async () => {
  const sent = [];
  for (const text of ["keep", "drop one", "drop two", "drop three"]) {
    sent.push((await alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params: textMessage(text) })).json_params);
  }
  const one = await alice.TIMMsgDelete({
    conv_id: "bob",
    conv_type: 1,
    params: { msg_delete_param_msg: sent[1], msg_delete_param_is_ramble: true },
    user_data: "delete",
  });
  assert.deepEqual(one, { code: 0, desc: "", json_param: "", user_data: "delete" });
  await alice.TIMMsgListDelete({ conv_id: "bob", conv_type: 1, params: [sent[2], sent[3]], user_data: "list" });
  const texts = async (sdk, peer) =>
    (await sdk.TIMMsgGetMsgList({ conv_id: peer, conv_type: 1, params: { msg_getmsglist_param_count: 100 } })).json_params.map(
      (message) => message.message_elem_array[0]?.text_elem_content,
    );
  const mine = await texts(alice, "bob");
  assert.ok(mine.includes("keep") && !mine.some((text) => text?.startsWith("drop")), mine.join(", "));
  const theirs = await texts(bob, "alice");
  assert.ok(["drop one", "drop two", "drop three"].every((text) => theirs.includes(text)), theirs.join(", "));
  const failure = await rejection(alice.TIMMsgListDelete({ conv_id: "bob", conv_type: 1, params: [] }));
  assert.equal(failure.code, 6017);
});

test("TIMMsgFindMessages and TIMMsgFindByMsgLocatorList find what this user can see", async () => {
  const sent = (await alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params: textMessage("find me") })).json_params;
  const byId = await bob.TIMMsgFindMessages({ json_message_id_array: [sent.message_msg_id, "1-2-3"], user_data: "find" });
  assert.equal(byId.user_data, "find");
  assert.deepEqual(JSON.parse(byId.json_param), byId.json_params);
  assert.equal(byId.json_params.length, 1);
  assert.equal(byId.json_params[0].message_elem_array[0].text_elem_content, "find me");
  const byLocator = await alice.TIMMsgFindByMsgLocatorList({
    conv_id: "bob",
    conv_type: 1,
    params: [{ message_locator_seq: sent.message_seq, message_locator_rand: sent.message_rand }],
  });
  assert.equal(byLocator.json_params[0].message_msg_id, sent.message_msg_id);
});

test("TIMMsgDownloadMergerMessage hands back the messages a merged-forward message carries", async () => {
  const original = (await alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params: textMessage("forward me") })).json_params;
  const merged = {
    message_elem_array: [
      {
        elem_type: 12,
        merge_elem_title: "Chat history",
        merge_elem_abstract_array: ["alice: forward me"],
        merge_elem_compatible_text: "[Chat history]",
        merge_elem_message_array: [original],
      },
    ],
  };
  const sent = (await alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params: merged })).json_params;
  const result = await bob.TIMMsgDownloadMergerMessage({ params: { ...sent, message_conv_id: "alice" }, user_data: "merged" });
  assert.equal(result.user_data, "merged");
  assert.equal(result.json_params.length, 1);
  assert.equal(result.json_params[0].message_msg_id, original.message_msg_id);
  assert.equal(result.json_params[0].message_elem_array[0].text_elem_content, "forward me");
  const failure = await rejection(bob.TIMMsgDownloadMergerMessage({ params: original }));
  assert.equal(failure.code, 6017, failure.desc);
});
