// Message extensions through TIM's Electron methods against a real tincan server:
// TIMMsgSetMessageExtensions, TIMMsgGetMessageExtensions and TIMMsgDeleteMessageExtensions,
// with TIMSetMsgExtensionsChangedCallback and TIMSetMsgExtensionsDeletedCallback; and receive
// options, TIMMsgSetC2CReceiveMessageOpt, TIMMsgGetC2CReceiveMessageOpt and
// TIMMsgSetGroupReceiveMessageOpt.
"use strict";

const assert = require("node:assert/strict");
const { after, before, test } = require("node:test");

const TimRender = require("../dist/renderer").default;
const { eventually, rejection, startServer, textMessage } = require("./helpers");

let server;
let alice;
let bob;
const heard = { changed: [], deleted: [] };

before(async () => {
  server = await startServer();
  alice = new TimRender({ instance: "extensions-alice" });
  bob = new TimRender({ instance: "extensions-bob" });
  for (const [sdk, user] of [
    [bob, "bob"],
    [alice, "alice"],
  ]) {
    await sdk.TIMInit({ sdkappid: server.sdkappid, server_address: server.address });
    await sdk.TIMLogin({ userID: user, userSig: server.userSig(user) });
  }
  await alice.TIMSetMsgExtensionsChangedCallback({
    callback: (...args) => heard.changed.push(args),
    user_data: "changed",
  });
  await alice.TIMSetMsgExtensionsDeletedCallback({
    callback: (...args) => heard.deleted.push(args),
    user_data: "deleted",
  });
});

after(async () => {
  for (const sdk of [alice, bob]) {
    await sdk?.TIMUninit();
  }
  await server?.stop();
});

/** Alice sends bob a message; resolves with the message as bob receives it (from his history). */
async function sendPoll(supportsExtensions) {
  const params = { ...textMessage("lunch at noon?"), message_support_message_extension: supportsExtensions };
  const sent = await alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params });
  assert.equal(sent.code, 0, sent.desc);
  const history = await bob.TIMMsgGetMsgList({ conv_id: "alice", conv_type: 1, params: { msg_getmsglist_param_count: 1 } });
  assert.equal(history.code, 0, history.desc);
  const message = history.json_params[0];
  assert.equal(message.message_msg_id, sent.json_params.message_msg_id);
  return { mine: sent.json_params, theirs: message };
}

test("TIMMsgSetMessageExtensions sets keys, tells the conversation, and a stale change gets 23001", async () => {
  const { mine, theirs } = await sendPoll(true);
  assert.equal(theirs.message_support_message_extension, true, "the flag reaches the receiver");
  const set = await bob.TIMMsgSetMessageExtensions({
    json_msg: theirs,
    json_extension_array: [{ message_extension_key: "bob", message_extension_value: "yes" }],
    user_data: "set",
  });
  assert.equal(set.code, 0, set.desc);
  assert.equal(set.user_data, "set");
  assert.equal(typeof set.json_param, "string");
  assert.deepEqual(set.json_params, [
    {
      message_extension_result_code: 0,
      message_extension_result_info: "",
      message_extension_item: { message_extension_key: "bob", message_extension_value: "yes", message_extension_seq: 1 },
    },
  ]);
  await eventually(() => heard.changed.length > 0, "alice is told");
  const [messageId, extensions, userData] = heard.changed[0];
  assert.equal(messageId, mine.message_msg_id);
  assert.equal(userData, "changed");
  assert.deepEqual(JSON.parse(extensions).map((it) => [it.message_extension_key, it.message_extension_value]), [["bob", "yes"]]);

  // Bob changes his key again: the SDK knows its seq, so TIM's seq-less call just works.
  const again = await bob.TIMMsgSetMessageExtensions({
    json_msg: JSON.stringify(theirs),
    json_extension_array: [{ message_extension_key: "bob", message_extension_value: "no" }],
  });
  assert.equal(again.json_params[0].message_extension_result_code, 0, again.json_param);
  // A change made from seq 1, which is stale now.
  const stale = await alice.TIMMsgSetMessageExtensions({
    json_msg: mine,
    json_extension_array: [{ message_extension_key: "bob", message_extension_value: "maybe", message_extension_seq: 1 }],
  });
  assert.equal(stale.code, 0, "each key has its own result");
  assert.equal(stale.json_params[0].message_extension_result_code, 23001);
  assert.equal(stale.json_params[0].message_extension_item.message_extension_value, "no");

  const got = await alice.TIMMsgGetMessageExtensions({ json_msg: mine, user_data: "get" });
  assert.equal(got.code, 0, got.desc);
  assert.deepEqual(got.json_params, [{ message_extension_key: "bob", message_extension_value: "no", message_extension_seq: 2 }]);
});

test("TIMMsgDeleteMessageExtensions deletes keys given as TIM's strings or objects, or all of them", async () => {
  const { mine, theirs } = await sendPoll(true);
  const keys = ["a", "b", "c"].map((key) => ({ message_extension_key: key, message_extension_value: key }));
  assert.equal((await alice.TIMMsgSetMessageExtensions({ json_msg: mine, json_extension_array: keys })).code, 0);
  const deleted = await bob.TIMMsgDeleteMessageExtensions({
    json_msg: theirs,
    json_extension_key_array: ["a", { message_extension_key: "nope" }],
  });
  assert.equal(deleted.code, 0, deleted.desc);
  assert.deepEqual(
    deleted.json_params.map((it) => it.message_extension_result_code),
    [0, 23004],
  );
  await eventually(() => heard.deleted.some(([id]) => id === mine.message_msg_id), "alice is told of the deletion");
  const [, text] = heard.deleted.find(([id]) => id === mine.message_msg_id);
  assert.deepEqual(JSON.parse(text), [{ message_extension_key: "a" }]);
  const all = await alice.TIMMsgDeleteMessageExtensions({ json_msg: mine });
  assert.equal(all.json_params.length, 2, all.json_param);
  assert.deepEqual((await bob.TIMMsgGetMessageExtensions({ json_msg: theirs })).json_params, []);
});

test("a message sent without message_support_message_extension takes none, and bad input gets TIM's codes", async () => {
  const { mine } = await sendPoll(false);
  const refused = await rejection(
    alice.TIMMsgSetMessageExtensions({
      json_msg: mine,
      json_extension_array: [{ message_extension_key: "k", message_extension_value: "v" }],
    }),
  );
  assert.equal(refused.code, 6017);
  assert.match(refused.desc, /message_support_message_extension/);
  const noList = await rejection(alice.TIMMsgSetMessageExtensions({ json_msg: mine }));
  assert.equal(noList.code, 6017);
  assert.match(noList.desc, /json_extension_array/);
  const notJson = await rejection(alice.TIMMsgGetMessageExtensions({ json_msg: "{not json" }));
  assert.equal(notJson.code, 6027, notJson.desc);
  const { mine: poll } = await sendPoll(true);
  const tooLong = await rejection(
    alice.TIMMsgSetMessageExtensions({
      json_msg: poll,
      json_extension_array: [{ message_extension_key: "k".repeat(101), message_extension_value: "v" }],
    }),
  );
  assert.equal(tooLong.code, 6017);
  assert.match(tooLong.desc, /between 1 and 100/);
});

test("receive options are set, read back, shown as conv_recv_opt, and bad ones refused with TIM's codes", async () => {
  const set = await bob.TIMMsgSetC2CReceiveMessageOpt({ params: ["alice"], opt: 2, user_data: "opt" });
  assert.equal(set.code, 0, set.desc);
  assert.equal(set.user_data, "opt");
  const got = await bob.TIMMsgGetC2CReceiveMessageOpt({ params: ["alice"] });
  assert.deepEqual(got.json_params, [{ msg_recv_msg_opt_result_identifier: "alice", msg_recv_msg_opt_result_opt: 2 }]);
  const convs = await bob.TIMConvGetConvList({});
  assert.equal(convs.json_params.find((conv) => conv.conv_id === "alice").conv_recv_opt, 2);
  const created = await alice.TIMGroupCreate({
    params: { create_group_param_group_name: "quiet", create_group_param_group_type: 1 },
  });
  const groupId = JSON.parse(created.json_param).create_group_result_groupid;
  const notMember = await rejection(bob.TIMMsgSetGroupReceiveMessageOpt({ group_id: groupId, opt: 1 }));
  assert.equal(notMember.code, 10007, notMember.desc);
  assert.equal((await alice.TIMMsgSetGroupReceiveMessageOpt({ group_id: groupId, opt: 1 })).code, 0);
  const bad = await rejection(bob.TIMMsgSetC2CReceiveMessageOpt({ params: ["alice"], opt: 7 }));
  assert.equal(bad.code, 6017);
  assert.match(bad.desc, /opt 7/);
  const ghost = await rejection(bob.TIMMsgSetC2CReceiveMessageOpt({ params: ["alice", "ghost"], opt: 1 }));
  assert.equal(ghost.code, 20003, ghost.desc);
});

test("the app-wide receive option: set daily and once, read back, told to the user's other device, bad ones refused", async () => {
  const tablet = new TimRender({ instance: "extensions-bob-tablet" });
  await tablet.TIMInit({ sdkappid: server.sdkappid, server_address: server.address });
  await tablet.TIMLogin({ userID: "bob", userSig: server.userSig("bob") });
  const told = [];
  await tablet.TIMSetMsgAllMessageReceiveOptionCallback({
    callback: (info, userData) => told.push({ info: JSON.parse(info), userData }),
    user_data: "tablet",
  });
  try {
    const unset = await bob.TIMMsgGetAllReceiveMessageOpt({});
    assert.equal(unset.code, 0, unset.desc);
    assert.equal(unset.json_params.msg_all_recv_msg_opt_level, 0);

    const daily = await bob.TIMMsgSetAllReceiveMessageOpt({
      opt: 2,
      start_hour: 22,
      start_minute: 30,
      start_second: 0,
      duration: 8 * 3600,
      user_data: "night",
    });
    assert.equal(daily.code, 0, daily.desc);
    assert.equal(daily.user_data, "night");
    const expected = {
      msg_all_recv_msg_opt_level: 2,
      msg_all_recv_msg_opt_start_hour: 22,
      msg_all_recv_msg_opt_start_minute: 30,
      msg_all_recv_msg_opt_start_second: 0,
      msg_all_recv_msg_opt_start_time_stamp: 0,
      msg_all_recv_msg_duration: 8 * 3600,
    };
    assert.deepEqual((await bob.TIMMsgGetAllReceiveMessageOpt({})).json_params, expected);
    await eventually(() => (told.length > 0 ? true : undefined), "the tablet's callback");
    assert.deepEqual(told[0], { info: expected, userData: "tablet" });

    const once = await bob.TIMMsgSetAllReceiveMessageOpt2({ opt: 3, start_time_stamp: 1_900_000_000, duration: 600 });
    assert.equal(once.code, 0, once.desc);
    const got = await tablet.TIMMsgGetAllReceiveMessageOpt({});
    assert.equal(got.json_params.msg_all_recv_msg_opt_level, 3);
    assert.equal(got.json_params.msg_all_recv_msg_opt_start_time_stamp, 1_900_000_000);
    assert.equal(got.json_params.msg_all_recv_msg_opt_start_hour, 0);
    await eventually(() => (told.length > 1 ? true : undefined), "the tablet's second callback");

    for (const [method, param, named] of [
      ["TIMMsgSetAllReceiveMessageOpt", { opt: 1, start_hour: 1 }, /opt 1/],
      ["TIMMsgSetAllReceiveMessageOpt", { opt: 2, start_hour: 24 }, /start_hour 24/],
      ["TIMMsgSetAllReceiveMessageOpt", { opt: 2, start_time_stamp: 5 }, /TIMMsgSetAllReceiveMessageOpt2/],
      ["TIMMsgSetAllReceiveMessageOpt2", { opt: 2, start_hour: 5 }, /daily start/],
      ["TIMMsgSetAllReceiveMessageOpt", { start_hour: 5 }, /opt/],
    ]) {
      const refused = await rejection(bob[method](param));
      assert.equal(refused.code, 6017, `${method} ${JSON.stringify(param)}: ${refused.desc}`);
      assert.match(refused.desc, named);
    }
    assert.equal((await bob.TIMMsgGetAllReceiveMessageOpt({})).json_params.msg_all_recv_msg_opt_level, 3);
  } finally {
    await tablet.TIMLogout({});
    await tablet.TIMUninit();
  }
});
