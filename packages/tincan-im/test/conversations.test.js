// Conversation management through TimRender against a real tincan server: TIM's parameters and
// result shapes for deleting, clearing, creating and reading conversations, drafts, pins, marks,
// custom data, filters and conversation groups, and the callbacks another device of the same
// user receives.
"use strict";

const assert = require("node:assert/strict");
const { after, before, test } = require("node:test");

const TimRender = require("../dist/renderer").default;
const { eventually, rejection, startServer, textMessage } = require("./helpers");

let server;
let alice;
let bob;
/** bob's second device. */
let phone;
/** Makes carol's account, and stays logged in. */
let carol;
const heard = {};

function record(name) {
  return (...args) => {
    (heard[name] ??= []).push(args);
  };
}

function listed(result) {
  return JSON.parse(result.json_param).map((conv) => conv.conv_id);
}

before(async () => {
  server = await startServer();
  alice = new TimRender({ instance: "conv-alice" });
  bob = new TimRender({ instance: "conv-bob" });
  phone = new TimRender({ instance: "conv-bob-phone" });
  carol = new TimRender({ instance: "conv-carol" });
  for (const [sdk, user] of [
    [alice, "alice"],
    [bob, "bob"],
    [phone, "bob"],
    [carol, "carol"],
  ]) {
    await sdk.TIMInit({ sdkappid: server.sdkappid, server_address: server.address });
    await sdk.TIMLogin({ userID: user, userSig: server.userSig(user) });
  }
  await phone.TIMSetConvEventCallback({ callback: record("conv"), user_data: "phone convs" });
  await phone.TIMSetConvConversationGroupCreatedCallback({ callback: record("groupCreated"), user_data: "g" });
  await phone.TIMSetConvConversationGroupNameChangedCallback({ callback: record("groupRenamed"), user_data: "g" });
  await phone.TIMSetConvConversationsAddedToGroupCallback({ callback: record("groupAdded"), user_data: "g" });
  await phone.TIMSetConvConversationsDeletedFromGroupCallback({ callback: record("groupRemoved"), user_data: "g" });
  await phone.TIMSetConvConversationGroupDeletedCallback({ callback: record("groupDeleted"), user_data: "g" });
  await phone.TIMSetConvUnreadMessageCountChangedByFilterCallback({ callback: record("filtered"), user_data: "f" });
  for (const text of ["one", "two"]) {
    await alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params: textMessage(text, false) });
  }
});

after(async () => {
  for (const sdk of [alice, bob, phone, carol]) {
    await sdk?.TIMUninit();
  }
  await server?.stop();
});

/** The phone's conversation events for `id`, as `[event, conv]`. */
function phoneEvents(id) {
  return (heard.conv ?? []).flatMap(([event, text]) =>
    JSON.parse(text)
      .filter((conv) => conv.conv_id === id)
      .map((conv) => [event, conv]),
  );
}

test("TIMConvCreate and TIMConvGetConvInfo", async () => {
  const created = await bob.TIMConvCreate({ convId: "carol", convType: 1, userData: "made" });
  assert.equal(created.user_data, "made");
  assert.equal(typeof created.json_param, "string");
  assert.equal(created.json_params, created.json_param);
  assert.equal(JSON.parse(created.json_param).conv_id, "carol");
  const info = await bob.TIMConvGetConvInfo({
    json_get_conv_list_param: [
      { get_conversation_list_param_conv_id: "alice", get_conversation_list_param_conv_type: 1 },
      { get_conversation_list_param_conv_id: "carol", get_conversation_list_param_conv_type: 1 },
    ],
    user_data: "info",
  });
  // TIM's wrapper: the parsed array in json_param, its text in json_params.
  assert.deepEqual(
    info.json_param.map((conv) => conv.conv_id),
    ["alice", "carol"],
  );
  assert.deepEqual(JSON.parse(info.json_params), info.json_param);
  assert.equal(info.json_param[0].conv_unread_num, 2);
  await eventually(() => phoneEvents("carol").find(([event]) => event === 0), "the phone hears of the new conversation");
});

test("TIMConvSetDraft and TIMConvPinConversation reach the user's other device", async () => {
  const code = await bob.TIMConvSetDraft({
    convId: "alice",
    convType: 1,
    draftParam: { draft_msg: { message_elem_array: [{ elem_type: 0, text_elem_content: "typing..." }] }, draft_user_define: "d" },
  });
  assert.equal(code, 0);
  const pinned = await bob.TIMConvPinConversation({ convId: "alice", convType: 1, isPinned: true, user_data: "pin" });
  assert.equal(pinned.code, 0);
  assert.equal(pinned.user_data, "pin");
  await eventually(
    () => phoneEvents("alice").find(([, conv]) => conv.conv_is_pinned && conv.conv_is_has_draft),
    "the phone shows the draft and the pin",
  );
  const [, conv] = phoneEvents("alice").at(-1);
  assert.equal(conv.conv_draft.draft_msg.message_elem_array[0].text_elem_content, "typing...");
  assert.ok(conv.conv_draft.draft_edit_time > 0);
  const list = await phone.TIMConvGetConvList({});
  assert.equal(listed(list)[0], "alice", "pinned first");
  assert.equal(await bob.TIMConvCancelDraft({ convId: "alice", convType: 1 }), 0);
  assert.equal(await bob.TIMConvCancelDraft({ convId: "a\tb", convType: 1 }), 7003, "the code, as TIM's returns it");
});

test("TIMConvMarkConversation, custom data and filters", async () => {
  await phone.TIMConvSubscribeUnreadMessageCountByFilter({ params: { conversation_list_filter_mark_type: 1 } });
  const marked = await bob.TIMConvMarkConversation({
    conversation_id_array: ["c2c_alice", "c2c_nobody"],
    mark_type: 1,
    enable_mark: true,
    user_data: "mark",
  });
  assert.equal(typeof marked.json_param, "string");
  assert.deepEqual(
    marked.json_params.map((it) => [it.conversation_operation_result_conversation_id, it.conversation_operation_result_result_code]),
    [
      ["c2c_alice", 0],
      ["c2c_nobody", 20003],
    ],
  );
  await eventually(() => (heard.filtered ?? []).find(([, total]) => total === 2), "the subscribed count is told");
  const [filter] = heard.filtered.at(-1);
  assert.equal(JSON.parse(filter).conversation_list_filter_mark_type, 1);
  const custom = await bob.TIMConvSetConversationCustomData({ conversation_id_array: ["c2c_alice"], custom_data: "vip" });
  assert.equal(custom.json_params[0].conversation_operation_result_result_code, 0);
  const page = await bob.TIMConvGetConversationListByFilter({
    params: { conversation_list_filter_conv_type: 1, conversation_list_filter_mark_type: 1 },
    user_data: "page",
  });
  assert.equal(typeof page.json_param, "string");
  assert.deepEqual(
    page.json_params.conversation_list_result_conv_list.map((conv) => [conv.conv_id, conv.conv_custom_data]),
    [["alice", "vip"]],
  );
  assert.equal(page.json_params.conversation_list_result_is_finished, true);
  const unread = await bob.TIMConvGetUnreadMessageCountByFilter({ params: { conversation_list_filter_mark_type: 1 } });
  assert.equal(unread.json_params.conv_get_total_unread_message_count_result_unread_count, 2);
  const bad = await rejection(bob.TIMConvMarkConversation({ conversation_id_array: ["c2c_alice"], mark_type: 3, enable_mark: true }));
  assert.equal(bad.code, 6017);
  assert.equal(await phone.TIMConvUnsubscribeUnreadMessageCountByFilter({ params: { conversation_list_filter_mark_type: 1 } }), 0);
});

test("conversation groups and their callbacks", async () => {
  const created = await bob.TIMConvCreateConversationGroup({ group_name: "Work", conversation_id_array: ["c2c_alice"] });
  assert.equal(created.json_params[0].conversation_operation_result_result_code, 0);
  await eventually(() => heard.groupCreated?.length, "TIMSetConvConversationGroupCreatedCallback");
  const [name, array, userData] = heard.groupCreated[0];
  assert.equal(name, "Work");
  assert.deepEqual(JSON.parse(array)[0].conv_conversation_group_array, ["Work"]);
  assert.equal(userData, "g");
  const groups = await bob.TIMConvGetConversationGroupList({ user_data: "groups" });
  assert.equal(groups.json_param, JSON.stringify(["Work"]));
  assert.deepEqual(groups.json_params, { conv_group_array: ["Work"] });
  await bob.TIMConvAddConversationsToGroup({ group_name: "Work", conversation_id_array: ["c2c_carol"] });
  await eventually(() => heard.groupAdded?.length, "TIMSetConvConversationsAddedToGroupCallback");
  await bob.TIMConvRenameConversationGroup({ old_name: "Work", new_name: "Job" });
  await eventually(() => heard.groupRenamed?.length, "TIMSetConvConversationGroupNameChangedCallback");
  assert.deepEqual(heard.groupRenamed[0].slice(0, 2), ["Work", "Job"]);
  await bob.TIMConvDeleteConversationsFromGroup({ group_name: "Job", conversation_id_array: ["c2c_carol"] });
  await eventually(() => heard.groupRemoved?.length, "TIMSetConvConversationsDeletedFromGroupCallback");
  assert.equal(heard.groupRemoved[0][2], 0, "taken out by the user");
  const missing = await rejection(bob.TIMConvDeleteConversationGroup({ group_name: "Play", user_data: "x" }));
  assert.deepEqual([missing.code, missing.user_data], [51009, "x"]);
  await bob.TIMConvDeleteConversationGroup({ group_name: "Job" });
  await eventually(() => heard.groupDeleted?.length, "TIMSetConvConversationGroupDeletedCallback");
  assert.equal(heard.groupDeleted[0][0], "Job");
});

test("TIMMsgClearHistoryMessage, TIMConvDelete and TIMConvDeleteConversationList", async () => {
  const cleared = await bob.TIMMsgClearHistoryMessage({ conv_id: "alice", conv_type: 1, user_data: "clear" });
  assert.deepEqual([cleared.code, cleared.json_param, cleared.user_data], [0, "", "clear"]);
  const history = await bob.TIMMsgGetMsgList({ conv_id: "alice", conv_type: 1, params: { msg_getmsglist_param_count: 20 } });
  assert.deepEqual(history.json_params, []);
  const theirs = await alice.TIMMsgGetMsgList({ conv_id: "bob", conv_type: 1, params: { msg_getmsglist_param_count: 20 } });
  assert.equal(theirs.json_params.length, 2, "the peer's copy is untouched");

  const deleted = await bob.TIMConvDelete({ convId: "carol", convType: 1, userData: "gone" });
  assert.deepEqual([deleted.code, deleted.user_data], [0, "gone"]);
  await eventually(() => phoneEvents("carol").find(([event]) => event === 1), "the phone hears of the deletion");
  const list = await bob.TIMConvDeleteConversationList({ conversation_id_array: ["c2c_alice", "nope"], clearMessage: true });
  assert.deepEqual(
    list.json_params.map((it) => it.conversation_operation_result_result_code),
    [0, 6017],
  );
  assert.deepEqual(listed(await bob.TIMConvGetConvList({})), []);
  await alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params: textMessage("back", false) });
  await eventually(
    async () => (listed(await bob.TIMConvGetConvList({})).includes("alice") ? true : undefined),
    "a new message brings it back",
  );
  const bad = await rejection(bob.TIMConvDelete({ convId: "nobody", convType: 1 }));
  assert.equal(bad.code, 20003);
});
