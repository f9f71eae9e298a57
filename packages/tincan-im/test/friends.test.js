// TIM's 18 friendship methods and 8 friend callbacks through TimRender against a real tincan
// server: adding by permission, requests and their answers, entries and groups, the blocklist
// and what it does to C2C messages, search, and the callbacks on both sides.
"use strict";

const assert = require("node:assert/strict");
const { after, before, test } = require("node:test");

const TimRender = require("../dist/renderer").default;
const { eventually, rejection, startServer, textMessage } = require("./helpers");

let server;
let alice;
let bob;
let carol;
const heard = { alice: {}, bob: {}, carol: {} };

function record(user, name) {
  return (...args) => {
    (heard[user][name] ??= []).push(args);
  };
}

/** The calls of a callback so far, each with its JSON text argument parsed. */
function calls(user, name) {
  return (heard[user][name] ?? []).map((args) => (typeof args[0] === "string" && args.length > 1 ? JSON.parse(args[0]) : args[0]));
}

const CALLBACKS = [
  ["TIMSetOnAddFriendCallback", "added"],
  ["TIMSetOnDeleteFriendCallback", "deleted"],
  ["TIMSetUpdateFriendProfileCallback", "updated"],
  ["TIMSetFriendAddRequestCallback", "request"],
  ["TIMSetFriendApplicationListDeletedCallback", "requestGone"],
  ["TIMSetFriendApplicationListReadCallback", "requestRead"],
  ["TIMSetFriendBlackListAddedCallback", "blocked"],
  ["TIMSetFriendBlackListDeletedCallback", "unblocked"],
];

before(async () => {
  server = await startServer();
  const sdks = [];
  for (const user of ["alice", "bob", "carol"]) {
    const sdk = new TimRender({ instance: `f-${user}` });
    await sdk.TIMInit({ sdkappid: server.sdkappid, server_address: server.address });
    await sdk.TIMLogin({ userID: user, userSig: server.userSig(user) });
    for (const [method, name] of CALLBACKS) {
      await sdk[method]({ callback: record(user, name), user_data: `${user} ${name}` });
    }
    sdks.push(sdk);
  }
  [alice, bob, carol] = sdks;
  // Bob lets anyone add him; Carol never set a permission, so she confirms requests.
  await bob.TIMProfileModifySelfUserProfile({ json_modify_self_user_profile_param: { user_profile_item_add_permission: 1 } });
});

after(async () => {
  for (const sdk of [alice, bob, carol]) {
    await sdk?.TIMUninit();
  }
  await server?.stop();
});

function add(peer, extra = {}) {
  return {
    params: {
      friendship_add_friend_param_identifier: peer,
      friendship_add_friend_param_friend_type: 1,
      friendship_add_friend_param_add_source: "AddSource_Type_desktop",
      friendship_add_friend_param_add_wording: `hello ${peer}`,
      ...extra,
    },
    user_data: `add ${peer}`,
  };
}

test("TIMFriendshipAddFriend adds both ways and both sides' callbacks hear of it", async () => {
  const result = await alice.TIMFriendshipAddFriend(add("bob", { friendship_add_friend_param_remark: "Bobby" }));
  assert.equal(result.code, 0);
  assert.equal(result.user_data, "add bob");
  assert.deepEqual(result.json_params, { friend_result_identifier: "bob", friend_result_code: 0, friend_result_desc: "" });
  assert.deepEqual(JSON.parse(result.json_param), result.json_params);
  await eventually(() => calls("bob", "added").some((ids) => ids.includes("alice")), "bob's TIMSetOnAddFriendCallback");
  await eventually(() => calls("alice", "added").some((ids) => ids.includes("bob")), "alice's own callback");
  assert.equal(heard.bob.added[0][1], "bob added", "the callback gets its user_data");

  const list = await alice.TIMFriendshipGetFriendProfileList({ user_data: "list" });
  assert.equal(list.json_params.length, 1);
  assert.equal(list.json_params[0].friend_profile_identifier, "bob");
  assert.equal(list.json_params[0].friend_profile_remark, "Bobby");
  assert.equal(list.json_params[0].friend_profile_user_profile.user_profile_identifier, "bob");
  const checks = await bob.TIMFriendshipCheckFriendType({
    params: { friendship_check_friendtype_param_check_type: 1, friendship_check_friendtype_param_identifier_array: ["alice", "carol"] },
  });
  assert.deepEqual(
    checks.json_params.map((it) => it.friendship_check_friendtype_result_relation),
    [3, 0],
  );
  const info = await alice.TIMFriendshipGetFriendsInfo({ params: ["bob"] });
  assert.equal(info.json_params[0].friendship_friend_info_get_result_relation_type, 3);
  assert.equal(info.json_params[0].friendship_friend_info_get_result_field_info.friend_profile_remark, "Bobby");

  const bad = await rejection(alice.TIMFriendshipAddFriend({ params: { friendship_add_friend_param_identifier: 5 }, user_data: "x" }));
  assert.equal(bad.code, 6017);
  assert.equal(bad.user_data, "x");
});

test("a friend request is listed, marked read and answered with TIM's callbacks", async () => {
  const sent = await alice.TIMFriendshipAddFriend(add("carol"));
  assert.equal(sent.json_params.friend_result_code, 30539, "carol confirms requests");
  await eventually(() => calls("carol", "request").length > 0, "carol's TIMSetFriendAddRequestCallback");
  assert.equal(calls("carol", "request")[0][0].friend_add_pendency_identifier, "alice");
  assert.equal(calls("carol", "request")[0][0].friend_add_pendency_add_wording, "hello carol");
  assert.equal(calls("carol", "request")[0][0].friend_add_pendency_type, 0, "a request received");
  // The requester's devices hear of the request sent, naming the user asked.
  await eventually(() => calls("alice", "request").length > 0, "alice's TIMSetFriendAddRequestCallback");
  assert.equal(calls("alice", "request")[0][0].friend_add_pendency_identifier, "carol");
  assert.equal(calls("alice", "request")[0][0].friend_add_pendency_type, 1, "a request sent");

  const page = await carol.TIMFriendshipGetPendencyList({ params: { friendship_get_pendency_list_param_type: 0 } });
  assert.equal(page.json_params.pendency_page_unread_num, 1);
  assert.equal(page.json_params.pendency_page_pendency_info_array[0].friend_add_pendency_info_identifier, "alice");
  await carol.TIMFriendshipReportPendencyReaded({ timestamp: 0, user_data: "read" });
  await eventually(() => (heard.carol.requestRead ?? []).length > 0, "carol's TIMSetFriendApplicationListReadCallback");
  assert.deepEqual(heard.carol.requestRead[0], ["carol requestRead"]);

  // TIM's typings spell the keys `friend_respone_*`.
  const answer = await carol.TIMFriendshipHandleFriendAddRequest({
    params: { friend_respone_identifier: "alice", friend_respone_action: 1, friend_respone_remark: "Al" },
  });
  assert.equal(answer.json_params.friend_result_code, 0);
  await eventually(() => calls("alice", "requestGone").some((ids) => ids.includes("carol")), "alice's request is gone");
  await eventually(() => calls("alice", "added").some((ids) => ids.includes("carol")), "alice has carol now");
  const none = await rejection(carol.TIMFriendshipHandleFriendAddRequest({ params: { friend_respone_identifier: "alice", friend_respone_action: 2 } }));
  assert.equal(none.code, 30001);

  const again = await bob.TIMFriendshipAddFriend(add("carol"));
  assert.equal(again.json_params.friend_result_code, 30539);
  const deleted = await bob.TIMFriendshipDeletePendency({
    params: { friendship_delete_pendency_param_type: 1, friendship_delete_pendency_param_identifier_array: ["carol"] },
  });
  assert.equal(deleted.json_params[0].friend_result_code, 0);
  await eventually(() => calls("carol", "requestGone").some((ids) => ids.includes("bob")), "carol hears it is gone");
});

test("friend entries, friend groups and search", async () => {
  await alice.TIMFriendshipModifyFriendProfile({
    params: {
      friendship_modify_friend_profile_param_identifier: "bob",
      friendship_modify_friend_profile_param_item: {
        friend_profile_item_remark: "Robert",
        friend_profile_item_custom_string_array: [{ friend_profile_custom_string_info_key: "Level", friend_profile_custom_string_info_value: "gold" }],
      },
    },
  });
  await eventually(
    () => calls("alice", "updated").some((updates) => updates[0].friend_profile_update_identifier === "bob"),
    "alice's TIMSetUpdateFriendProfileCallback",
  );
  const created = await alice.TIMFriendshipCreateFriendGroup({
    params: { friendship_create_friend_group_param_name_array: ["close"], friendship_create_friend_group_param_identifier_array: ["bob"] },
  });
  assert.equal(created.json_params[0].friend_result_code, 0);
  await alice.TIMFriendshipModifyFriendGroup({
    params: { friendship_modify_friend_group_param_name: "close", friendship_modify_friend_group_param_new_name: "closest", friendship_modify_friend_group_param_add_identifier_array: ["carol"] },
  });
  const groups = await alice.TIMFriendshipGetFriendGroupList({ params: [] });
  assert.deepEqual(groups.json_params, [{ friend_group_info_name: "closest", friend_group_info_count: 2, friend_group_info_identifier_array: ["bob", "carol"] }]);
  await alice.TIMFriendshipDeleteFriendGroup({ params: ["closest"] });
  assert.deepEqual((await alice.TIMFriendshipGetFriendGroupList()).json_params, []);
  const missing = await rejection(alice.TIMFriendshipDeleteFriendGroup({ params: ["closest"], user_data: "gone" }));
  assert.equal(missing.code, 30001);
  assert.equal(missing.user_data, "gone");

  const found = await alice.TIMFriendshipSearchFriends({
    params: { friendship_search_param_keyword_list: ["rob"], friendship_search_param_search_field_list: [4] },
  });
  assert.deepEqual(found.json_params.map((it) => it.friend_profile_identifier), ["bob"]);
  const entry = found.json_params[0];
  assert.deepEqual(entry.friend_profile_custom_string_array, [
    { friend_profile_custom_string_info_key: "Tag_SNS_Custom_Level", friend_profile_custom_string_info_value: "gold" },
  ]);
});

test("the blocklist: callbacks, a blocked user's messages never arrive, and deleting friends", async () => {
  const blocked = await carol.TIMFriendshipAddToBlackList({ params: ["bob"], user_data: "block" });
  assert.equal(blocked.json_params[0].friend_result_code, 0);
  await eventually(() => calls("carol", "blocked").some((list) => list[0]?.friend_profile_identifier === "bob"), "carol's blacklist callback");
  const list = await carol.TIMFriendshipGetBlackList();
  assert.deepEqual(list.json_params.map((it) => it.friend_profile_identifier), ["bob"]);

  const received = [];
  await carol.TIMAddRecvNewMsgCallback({ callback: (json) => received.push(...JSON.parse(json)), user_data: "" });
  const sent = await bob.TIMMsgSendMessage({ conv_id: "carol", conv_type: 1, params: textMessage("anyone there?") });
  assert.equal(sent.code, 0, "the blocked sender is told nothing");
  await alice.TIMMsgSendMessage({ conv_id: "carol", conv_type: 1, params: textMessage("hi carol") });
  await eventually(() => received.some((msg) => msg.message_sender === "alice"), "alice's message");
  assert.ok(!received.some((msg) => msg.message_sender === "bob"), "bob's message never reached carol");

  await carol.TIMFriendshipDeleteFromBlackList({ params: ["bob"] });
  await eventually(() => calls("carol", "unblocked").some((ids) => ids.includes("bob")), "carol's unblock callback");

  const results = await alice.TIMFriendshipDeleteFriend({
    params: { friendship_delete_friend_param_friend_type: 1, friendship_delete_friend_param_identifier_array: ["bob", "nobody"] },
  });
  assert.deepEqual(results.json_params.map((it) => it.friend_result_code), [0, 30001]);
  await eventually(() => calls("bob", "deleted").some((ids) => ids.includes("alice")), "bob's TIMSetOnDeleteFriendCallback");
});
