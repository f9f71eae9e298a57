// Every supported TIM method and callback against a real tincan server: parameters as TIM's
// Electron SDK takes them, results (which field holds JSON text and which the parsed value, and
// user_data) as TIM's wrapper gives them.
"use strict";

const assert = require("node:assert/strict");
const { after, before, test } = require("node:test");

const TimRender = require("../dist/renderer").default;
const { eventually, rejection, startServer, textMessage } = require("./helpers");

let server;
let alice;
let bob;
let carol;
/** Everything the callbacks received, by user and callback. */
const heard = { alice: {}, bob: {}, carol: {} };

function record(user, name) {
  return (...args) => {
    (heard[user][name] ??= []).push(args);
  };
}

before(async () => {
  server = await startServer();
  alice = new TimRender({ instance: "alice" });
  bob = new TimRender({ instance: "bob" });
  carol = new TimRender({ instance: "carol" });
  for (const sdk of [alice, bob, carol]) {
    const init = await sdk.TIMInit({ sdkappid: server.sdkappid, server_address: server.address });
    assert.deepEqual(init, { code: 0, desc: "", json_param: "", user_data: "" });
  }
});

after(async () => {
  for (const sdk of [alice, bob, carol]) {
    await sdk?.TIMUninit();
  }
  await server?.stop();
});

test("TIMLogin resolves with TIM's result object and echoes userData", async () => {
  for (const [sdk, user] of [
    [bob, "bob"],
    [carol, "carol"],
    [alice, "alice"],
  ]) {
    const result = await sdk.TIMLogin({ userID: user, userSig: server.userSig(user), userData: `login ${user}` });
    assert.deepEqual(result, { code: 0, desc: "", json_param: "", user_data: `login ${user}` });
  }
});

test("callbacks register with TIM's parameter objects", async () => {
  assert.equal(await bob.TIMSetRecvNewMsgCallback({ callback: record("bob", "recv"), user_data: "bob recv" }), undefined);
  await carol.TIMAddRecvNewMsgCallback({ callback: record("carol", "recv"), user_data: "carol recv" });
  await alice.TIMSetMsgReadedReceiptCallback({ callback: record("alice", "receipt"), user_data: "alice receipts" });
  await bob.TIMSetConvEventCallback({ callback: record("bob", "conv"), user_data: "bob convs" });
  await bob.TIMSetConvTotalUnreadMessageCountChangedCallback({
    callback: record("bob", "total"),
    user_data: "bob total",
  });
});

let firstMessage;

test("TIMMsgSendMessage sends; the peer's TIMSetRecvNewMsgCallback receives it", async () => {
  const result = await alice.TIMMsgSendMessage({
    conv_id: "bob",
    conv_type: 1,
    params: textMessage("read me, please", true),
    user_data: "send 1",
  });
  assert.equal(result.code, 0);
  assert.equal(result.user_data, "send 1");
  assert.equal(typeof result.json_param, "string");
  assert.deepEqual(JSON.parse(result.json_param), result.json_params);
  firstMessage = result.json_params;
  assert.match(firstMessage.message_msg_id, /^\d+-\d+-\d+$/);
  assert.equal(firstMessage.message_sender, "alice");
  assert.equal(firstMessage.message_need_read_receipt, true);

  const [[json, userData]] = await eventually(() => heard.bob.recv, "bob's new message");
  assert.equal(typeof json, "string");
  assert.equal(userData, "bob recv");
  const [message] = JSON.parse(json);
  assert.equal(message.message_msg_id, firstMessage.message_msg_id);
  assert.equal(message.message_conv_id, "alice");
  assert.equal(message.message_elem_array[0].text_elem_content, "read me, please");
});

test("TIMMsgGetMsgList gives JSON text in json_param and the messages in json_params", async () => {
  const result = await bob.TIMMsgGetMsgList({
    conv_id: "alice",
    conv_type: 1,
    params: { msg_getmsglist_param_last_msg: "", msg_getmsglist_param_count: 10 },
    user_data: "history",
  });
  assert.equal(result.user_data, "history");
  assert.equal(typeof result.json_param, "string");
  assert.ok(Array.isArray(result.json_params));
  assert.deepEqual(JSON.parse(result.json_param), result.json_params);
  assert.equal(result.json_params[0].message_msg_id, firstMessage.message_msg_id);
  assert.equal(result.json_params[0].message_is_from_self, false);
});

test("TIMMsgSendMessageReadReceipts reaches the sender's TIMSetMsgReadedReceiptCallback", async () => {
  const history = await bob.TIMMsgGetMsgList({ conv_id: "alice", conv_type: 1, params: {} });
  const result = await bob.TIMMsgSendMessageReadReceipts({
    json_msg_array: JSON.stringify([history.json_params[0]]),
    user_data: "receipts",
  });
  assert.deepEqual(result, { code: 0, desc: "", json_param: "", user_data: "receipts" });

  const [[json, userData]] = await eventually(() => heard.alice.receipt, "alice's receipt");
  assert.equal(userData, "alice receipts");
  const [receipt] = JSON.parse(json);
  assert.equal(receipt.msg_receipt_conv_id, "bob");
  assert.equal(receipt.msg_receipt_conv_type, 1);
  assert.equal(receipt.msg_receipt_msg_id, firstMessage.message_msg_id);
  assert.equal(receipt.msg_receipt_is_peer_read, true);
});

test("TIMMsgGetMessageReadReceipts gives the receipts as JSON text in json_param", async () => {
  const result = await alice.TIMMsgGetMessageReadReceipts({
    json_msg_array: JSON.stringify([firstMessage]),
    user_data: "get receipts",
  });
  assert.equal(result.user_data, "get receipts");
  assert.equal(typeof result.json_param, "string");
  assert.equal(result.json_params, undefined);
  const [receipt] = JSON.parse(result.json_param);
  assert.equal(receipt.msg_receipt_msg_id, firstMessage.message_msg_id);
  assert.equal(receipt.msg_receipt_is_peer_read, true);
});

test("conversations: list, total unread, callbacks, and clearing", async () => {
  await alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params: textMessage("one more") });
  const total = await eventually(async () => {
    const result = await bob.TIMConvGetTotalUnreadMessageCount({ user_data: "total" });
    const count = result.json_param.conv_get_total_unread_message_count_result_unread_count;
    return count === 2 ? result : undefined;
  }, "two unread messages");
  // TIM's wrapper puts the parsed object in json_param and the text in json_params here.
  assert.equal(total.user_data, "total");
  assert.deepEqual(JSON.parse(total.json_params), total.json_param);

  const list = await bob.TIMConvGetConvList({ userData: "convs" });
  assert.equal(list.user_data, "convs");
  assert.deepEqual(JSON.parse(list.json_param), list.json_params);
  const conv = list.json_params.find((it) => it.conv_id === "alice");
  assert.equal(conv.conv_type, 1);
  assert.equal(conv.conv_unread_num, 2);
  assert.equal(conv.conv_last_msg.message_elem_array[0].text_elem_content, "one more");

  const [, updated] = await eventually(() => {
    const events = heard.bob.conv ?? [];
    return events.find(([, json]) => JSON.parse(json).some((it) => it.conv_id === "alice" && it.conv_unread_num === 2));
  }, "a conversation event with two unread");
  assert.equal(typeof updated, "string");
  assert.ok(heard.bob.conv.every(([event, , userData]) => [0, 1, 2].includes(event) && userData === "bob convs"));
  await eventually(() => heard.bob.total?.find(([count]) => count === 2), "the total unread callback at 2");
  assert.ok(heard.bob.total.every(([, userData]) => userData === "bob total"));

  const cleaned = await bob.TIMConvCleanConversationUnreadMessageCount({
    conversation_id: "c2c_alice",
    clean_timestamp: 0,
    clean_sequence: 0,
    user_data: "clean",
  });
  assert.equal(cleaned.user_data, "clean");
  assert.deepEqual(JSON.parse(cleaned.json_param), cleaned.json_params);
  assert.deepEqual(cleaned.json_params, [
    {
      conversation_operation_result_conversation_id: "c2c_alice",
      conversation_operation_result_result_code: 0,
      conversation_operation_result_result_info: "",
    },
  ]);
  await eventually(() => heard.bob.total.at(-1)[0] === 0 || undefined, "the total unread callback at 0");
  const after = await bob.TIMConvGetTotalUnreadMessageCount({});
  assert.equal(after.json_param.conv_get_total_unread_message_count_result_unread_count, 0);
  // Clearing a C2C conversation is a read report to the peer, as in TIM.
  await eventually(
    () => heard.alice.receipt.find(([json]) => JSON.parse(json).some((it) => it.msg_receipt_msg_id === "")),
    "alice's conversation-level read report",
  );
});

test("TIMMsgReportReaded marks a conversation read up to a message", async () => {
  const sent = await alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params: textMessage("and another") });
  await eventually(async () => {
    const result = await bob.TIMConvGetTotalUnreadMessageCount({});
    return result.json_param.conv_get_total_unread_message_count_result_unread_count === 1 || undefined;
  }, "one unread message");
  const history = await bob.TIMMsgGetMsgList({ conv_id: "alice", conv_type: 1, params: { msg_getmsglist_param_count: 1 } });
  assert.equal(history.json_params[0].message_msg_id, sent.json_params.message_msg_id);
  const result = await bob.TIMMsgReportReaded({
    conv_id: "alice",
    conv_type: 1,
    json_msg_param: history.json_params[0],
    user_data: "read",
  });
  assert.deepEqual(result, { code: 0, desc: "", json_param: "", user_data: "read" });
  const total = await bob.TIMConvGetTotalUnreadMessageCount({});
  assert.equal(total.json_param.conv_get_total_unread_message_count_result_unread_count, 0);
  // An empty json_msg_param reads the whole conversation.
  await alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params: textMessage("last one") });
  await eventually(async () => {
    const unread = await bob.TIMConvGetTotalUnreadMessageCount({});
    return unread.json_param.conv_get_total_unread_message_count_result_unread_count === 1 || undefined;
  }, "one unread message again");
  await bob.TIMMsgReportReaded({ conv_id: "alice", conv_type: 1, json_msg_param: "" });
  const cleared = await bob.TIMConvGetTotalUnreadMessageCount({});
  assert.equal(cleared.json_param.conv_get_total_unread_message_count_result_unread_count, 0);
});

test("groups: create, invite, members, receipts and read member lists, removal, quitting", async () => {
  const created = await alice.TIMGroupCreate({
    params: {
      create_group_param_group_name: "Release team",
      create_group_param_group_type: 1,
      create_group_param_group_member_array: [{ group_member_info_identifier: "bob" }],
    },
    data: "create",
  });
  assert.equal(created.user_data, "create");
  assert.deepEqual(JSON.parse(created.json_param), created.json_params);
  const groupId = created.json_params.create_group_result_groupid;
  assert.match(groupId, /^@TGS#/);

  const invited = await alice.TIMGroupInviteMember({
    params: {
      group_invite_member_param_group_id: groupId,
      group_invite_member_param_identifier_array: ["carol", "bob"],
    },
    data: "invite",
  });
  assert.equal(invited.user_data, "invite");
  assert.deepEqual(invited.json_params, [
    { group_invite_member_result_identifier: "carol", group_invite_member_result_result: 1 },
    { group_invite_member_result_identifier: "bob", group_invite_member_result_result: 2 },
  ]);

  const members = await bob.TIMGroupGetMemberInfoList({
    params: { group_get_members_info_list_param_group_id: groupId, group_get_members_info_list_param_next_seq: 0 },
    data: "members",
  });
  assert.equal(members.user_data, "members");
  assert.deepEqual(JSON.parse(members.json_param), members.json_params);
  const roles = Object.fromEntries(
    members.json_params.group_get_member_info_list_result_info_array.map((it) => [
      it.group_member_info_identifier,
      it.group_member_info_member_role,
    ]),
  );
  assert.deepEqual(roles, { alice: 400, bob: 200, carol: 200 });
  assert.equal(members.json_params.group_get_member_info_list_result_next_seq, 0);

  const receiptsBefore = heard.alice.receipt.length;
  const sent = await alice.TIMMsgSendMessage({ conv_id: groupId, conv_type: 2, params: textMessage("release at 5?", true) });
  const message = sent.json_params;
  await eventually(
    () => heard.carol.recv?.find(([json]) => JSON.parse(json)[0].message_msg_id === message.message_msg_id),
    "carol's group message",
  );
  const seen = await eventually(
    () => heard.bob.recv.find(([json]) => JSON.parse(json)[0].message_msg_id === message.message_msg_id),
    "bob's group message",
  );
  await bob.TIMMsgSendMessageReadReceipts({ json_msg_array: JSON.stringify(JSON.parse(seen[0])), user_data: "" });
  const [json] = await eventually(
    () =>
      heard.alice.receipt
        .slice(receiptsBefore)
        .find(([text]) => JSON.parse(text).some((it) => it.msg_receipt_msg_id === message.message_msg_id)),
    "alice's group receipt",
  );
  const receipt = JSON.parse(json).find((it) => it.msg_receipt_msg_id === message.message_msg_id);
  assert.equal(receipt.msg_receipt_conv_id, groupId);
  assert.equal(receipt.msg_receipt_conv_type, 2);
  assert.equal(receipt.msg_receipt_read_count, 1);
  assert.equal(receipt.msg_receipt_unread_count, 1);

  const counts = await alice.TIMMsgGetMessageReadReceipts({ json_msg_array: JSON.stringify([message]), user_data: "" });
  const [pulled] = JSON.parse(counts.json_param);
  assert.equal(pulled.msg_receipt_read_count, 1);
  assert.equal(pulled.msg_receipt_unread_count, 1);

  const read = await alice.TIMMsgGetGroupMessageReadMemberList({
    json_msg: JSON.stringify(message),
    filter: 0,
    next_seq: "0",
    count: 10,
    user_data: "readers",
  });
  // TIM's wrapper resolves with {next_seq, is_finished, json_param: members} in json_param.
  assert.equal(read.code, 0);
  assert.equal(read.desc, "");
  assert.equal(read.user_data, "readers");
  assert.equal(read.json_param.is_finished, true);
  assert.equal(typeof read.json_param.next_seq, "number");
  assert.deepEqual(
    read.json_param.json_param.map((it) => it.group_member_info_identifier),
    ["bob"],
  );
  const unread = await alice.TIMMsgGetGroupMessageReadMemberList({
    json_msg: JSON.stringify(message),
    filter: 1,
    next_seq: "0",
    count: 10,
    user_data: "",
  });
  assert.deepEqual(
    unread.json_param.json_param.map((it) => it.group_member_info_identifier),
    ["carol"],
  );

  const removed = await alice.TIMGroupDeleteMember({
    params: { group_delete_member_param_group_id: groupId, group_delete_member_param_identifier_array: ["carol"] },
    data: "remove",
  });
  assert.equal(removed.user_data, "remove");
  assert.deepEqual(removed.json_params, [
    { group_delete_member_result_identifier: "carol", group_delete_member_result_result: 1 },
  ]);

  const quit = await bob.TIMGroupQuit({ groupId, data: "quit" });
  assert.deepEqual(quit, { code: 0, desc: "", json_param: "", user_data: "quit" });
  const remaining = await alice.TIMGroupGetMemberInfoList({
    params: { group_get_members_info_list_param_group_id: groupId },
  });
  assert.deepEqual(
    remaining.json_params.group_get_member_info_list_result_info_array.map((it) => it.group_member_info_identifier),
    ["alice"],
  );
  // A member that has quit may no longer read the group.
  const refused = await rejection(bob.TIMGroupGetMemberInfoList({ params: { group_get_members_info_list_param_group_id: groupId } }));
  assert.equal(refused.code, 10007);
});

test("TIMLogout ends the login and TIMUninit the SDK", async () => {
  const result = await carol.TIMLogout({ userData: "bye" });
  assert.deepEqual(result, { code: 0, desc: "", json_param: "", user_data: "bye" });
  const notLoggedIn = await rejection(carol.TIMConvGetConvList({ userData: "after logout" }));
  assert.equal(notLoggedIn.code, 6014);
  assert.equal(notLoggedIn.user_data, "after logout");
  // Logging in again works on the same instance.
  await carol.TIMLogin({ userID: "carol", userSig: server.userSig("carol") });
  const list = await carol.TIMConvGetConvList({});
  assert.ok(Array.isArray(list.json_params));
  assert.deepEqual(await carol.TIMUninit(), { code: 0, desc: "", json_param: "", user_data: "" });
  const uninitialised = await rejection(carol.TIMConvGetConvList({}));
  assert.equal(uninitialised.code, 6013);
});
