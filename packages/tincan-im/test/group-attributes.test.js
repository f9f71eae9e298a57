// TIM's group attribute and counter methods, against a real tincan server: attributes set,
// read and deleted, counters set and stepped, the callbacks every member hears, and TIM's codes
// for what is refused.
"use strict";

const assert = require("node:assert/strict");
const { after, before, test } = require("node:test");

const TimRender = require("../dist/renderer").default;
const { eventually, rejection, startServer } = require("./helpers");

const AV_CHAT_ROOM = 4;
const COMMUNITY = 5;

let server;
const sdks = {};
/** What each user's attribute and counter callbacks received, with their user data. */
const heard = { owner: { attributes: [], counters: [] }, ann: { attributes: [], counters: [] } };

before(async () => {
  server = await startServer();
  for (const user of ["owner", "ann", "carl"]) {
    const sdk = new TimRender({ instance: `attributes-${user}` });
    await sdk.TIMInit({ sdkappid: server.sdkappid, server_address: server.address });
    if (heard[user]) {
      await sdk.TIMSetGroupAttributeChangedCallback({
        callback: (groupId, text, userData) => heard[user].attributes.push({ groupId, attributes: JSON.parse(text), userData }),
        data: `${user} attributes`,
      });
      await sdk.TIMSetGroupCounterChangedCallback({
        callback: (groupId, key, value, userData) => heard[user].counters.push({ groupId, key, value, userData }),
        user_data: `${user} counters`,
      });
    }
    await sdk.TIMLogin({ userID: user, userSig: server.userSig(user) });
    sdks[user] = sdk;
  }
});

after(async () => {
  for (const sdk of Object.values(sdks)) {
    await sdk.TIMUninit();
  }
  await server?.stop();
});

async function createGroup(type, members) {
  const created = await sdks.owner.TIMGroupCreate({
    params: {
      create_group_param_group_name: "room",
      create_group_param_group_type: type,
      create_group_param_group_member_array: members.map((id) => ({ group_member_info_identifier: id })),
    },
  });
  return created.json_params.create_group_result_groupid;
}

const attribute = (key, value) => ({ group_attribute_key: key, group_attribute_value: value });

test("attributes are set, read, deleted and told to every member", async () => {
  const groupId = await createGroup(AV_CHAT_ROOM, ["ann"]);
  const init = await sdks.owner.TIMGroupInitGroupAttributes({
    groupId,
    attributes: [attribute("seat1", "owner"), attribute("mode", "quiz")],
    data: "init",
  });
  assert.equal(init.code, 0);
  assert.equal(init.json_param, "");
  assert.equal(init.user_data, "init");
  const told = await eventually(() => heard.ann.attributes.find((it) => it.groupId === groupId), "ann hears");
  assert.deepEqual(told.attributes, [attribute("mode", "quiz"), attribute("seat1", "owner")]);
  assert.equal(told.userData, "ann attributes");
  await eventually(() => heard.owner.attributes.some((it) => it.groupId === groupId), "the changer hears too");

  await sdks.ann.TIMGroupSetGroupAttributes({ groupId, attributes: [attribute("seat2", "ann")] });
  await sdks.ann.TIMGroupDeleteGroupAttributes({ groupId, attributesKey: ["mode"] });
  const all = await sdks.owner.TIMGroupGetGroupAttributes({ groupId, attributesKey: [], data: "get" });
  assert.deepEqual(all.json_params, [attribute("seat1", "owner"), attribute("seat2", "ann")]);
  assert.deepEqual(JSON.parse(all.json_param), all.json_params);
  assert.equal(all.user_data, "get");
  const some = await sdks.owner.TIMGroupGetGroupAttributes({ groupId, attributesKey: ["seat2", "none"] });
  assert.deepEqual(some.json_params, [attribute("seat2", "ann")]);
  await eventually(
    () => heard.owner.attributes.filter((it) => it.groupId === groupId).at(-1)?.attributes.length === 2,
    "the last change told",
  );

  // A non-member is refused; a change past TIM's limits is refused and changes nothing.
  const refused = await rejection(sdks.carl.TIMGroupGetGroupAttributes({ groupId, attributesKey: [], data: "x" }));
  assert.equal(refused.code, 10007);
  assert.equal(refused.user_data, "x");
  const tooLong = await rejection(
    sdks.owner.TIMGroupSetGroupAttributes({ groupId, attributes: [attribute("k".repeat(33), "v")] }),
  );
  assert.equal(tooLong.code, 10004);
  assert.match(tooLong.desc, /at most 32/);
  const still = await sdks.owner.TIMGroupGetGroupAttributes({ groupId, attributesKey: [] });
  assert.equal(still.json_params.length, 2);
  const bad = await rejection(sdks.owner.TIMGroupSetGroupAttributes({ groupId, attributes: "seat" }));
  assert.equal(bad.code, 6017);
  assert.match(bad.desc, /attributes/);
});

test("counters are set, stepped and told to every member, one call per counter", async () => {
  const groupId = await createGroup(AV_CHAT_ROOM, ["ann"]);
  const set = await sdks.owner.TIMGroupSetGroupCounters({
    params: {
      group_id: groupId,
      json_group_counter_array: [
        { group_counter_key: "likes", group_counter_value: 8 },
        { group_counter_key: "gifts", group_counter_value: 0 },
      ],
    },
    user_data: "set",
  });
  assert.deepEqual(set.json_params, [
    { group_counter_key: "likes", group_counter_value: 8 },
    { group_counter_key: "gifts", group_counter_value: 0 },
  ]);
  assert.equal(set.user_data, "set");
  const both = await eventually(() => {
    const mine = heard.ann.counters.filter((it) => it.groupId === groupId);
    return mine.length >= 2 ? mine : undefined;
  }, "ann hears both counters");
  assert.deepEqual(
    both.map((it) => [it.key, it.value, it.userData]),
    [
      ["likes", 8, "ann counters"],
      ["gifts", 0, "ann counters"],
    ],
  );

  const up = await sdks.ann.TIMGroupIncreaseGroupCounter({
    group_id: groupId,
    group_counter_key: "likes",
    group_counter_value: 2,
  });
  assert.deepEqual(up.json_params, { group_counter_key: "likes", group_counter_value: 10 });
  const down = await sdks.ann.TIMGroupDecreaseGroupCounter({
    group_id: groupId,
    group_counter_key: "gifts",
    group_counter_value: 3,
  });
  assert.equal(down.json_params.group_counter_value, -3);
  await eventually(
    () => heard.owner.counters.some((it) => it.groupId === groupId && it.key === "gifts" && it.value === -3),
    "the owner hears the decrease",
  );
  const got = await sdks.owner.TIMGroupGetGroupCounters({
    group_id: groupId,
    json_group_counter_key_array: [],
    user_data: "get",
  });
  assert.deepEqual(got.json_params, [
    { group_counter_key: "gifts", group_counter_value: -3 },
    { group_counter_key: "likes", group_counter_value: 10 },
  ]);

  // Increments from both members at once all count.
  await Promise.all(
    Array.from({ length: 20 }, (_, n) =>
      (n % 2 ? sdks.owner : sdks.ann).TIMGroupIncreaseGroupCounter({
        group_id: groupId,
        group_counter_key: "likes",
        group_counter_value: 1,
      }),
    ),
  );
  const likes = await sdks.owner.TIMGroupGetGroupCounters({ group_id: groupId, json_group_counter_key_array: ["likes"] });
  assert.deepEqual(likes.json_params, [{ group_counter_key: "likes", group_counter_value: 30 }]);

  const community = await createGroup(COMMUNITY, []);
  const refused = await rejection(
    sdks.owner.TIMGroupIncreaseGroupCounter({ group_id: community, group_counter_key: "likes", group_counter_value: 1 }),
  );
  assert.equal(refused.code, 10007);
  const outsider = await rejection(
    sdks.carl.TIMGroupGetGroupCounters({ group_id: groupId, json_group_counter_key_array: [], user_data: "c" }),
  );
  assert.equal(outsider.code, 10007);
  assert.equal(outsider.user_data, "c");
});
