// A UserSig made by Tencent's own Node generator (the npm package tls-sig-api-v2, unchanged)
// with the app's key logs in, as it would to TIM; one made with another key, or for another
// user, does not.
"use strict";

const assert = require("node:assert/strict");
const { after, before, test } = require("node:test");
const TLSSigAPIv2 = require("tls-sig-api-v2");

const TimRender = require("../dist/renderer").default;
const { KEY, SDKAPPID, rejection, startServer } = require("./helpers");

let server;
let sdk;

before(async () => {
  server = await startServer();
  sdk = new TimRender({ instance: "npm-usersig" });
  const init = await sdk.TIMInit({ sdkappid: server.sdkappid, server_address: server.address });
  assert.equal(init.code, 0);
});

after(async () => {
  await sdk?.TIMUninit();
  await server?.stop();
});

test("a UserSig from Tencent's npm generator with the app's key is accepted", async () => {
  assert.equal(server.sdkappid, SDKAPPID);
  const userSig = new TLSSigAPIv2.Api(SDKAPPID, KEY).genUserSig("npm_user", 86400);
  const result = await sdk.TIMLogin({ userID: "npm_user", userSig, userData: "npm" });
  assert.deepEqual(result, { code: 0, desc: "", json_param: "", user_data: "npm" });
  await sdk.TIMLogout({ userData: "" });
});

test("one made with another key, or for another user, is refused with TIM's codes", async () => {
  const otherKey = new TLSSigAPIv2.Api(SDKAPPID, "f".repeat(64)).genUserSig("npm_user", 86400);
  const wrongKey = await rejection(sdk.TIMLogin({ userID: "npm_user", userSig: otherKey, userData: "" }));
  assert.equal(wrongKey.code, 70009, JSON.stringify(wrongKey));
  const forBob = new TLSSigAPIv2.Api(SDKAPPID, KEY).genUserSig("bob", 86400);
  const wrongUser = await rejection(sdk.TIMLogin({ userID: "npm_user", userSig: forBob, userData: "" }));
  assert.ok(wrongUser.code >= 70000 && wrongUser.code < 71000, JSON.stringify(wrongUser));
});
