// TIM's whole surface is there: every one of the 148 instance methods, every EVENT, TYPES and
// TSignaling name with TIM's value (from the fixture read off TIM's typings), the entry points
// and plugins, and the coverage table. Every method either works or answers as TIM does for a
// feature that is not enabled; none throws a TypeError, whatever it is given.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { COVERAGE } from "../dist/coverage.js";
import { loggedIn, rejection, startServer, surface, TencentCloudChat } from "./harness.mjs";

const packageDir = join(import.meta.dirname, "..");
let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

test("the fixture holds TIM's counts: 148 methods, 38 events and 109 constants", () => {
  assert.equal(surface.methods.length, 148);
  assert.equal(new Set(surface.methods).size, 148);
  assert.equal(Object.keys(surface.EVENT).length, 38);
  assert.equal(Object.keys(surface.EVENT).length - surface.liteOnlyEvents.length, 32, "@tencentcloud/chat's 32");
  assert.equal(Object.keys(surface.TYPES).length, 109);
  assert.equal(Object.keys(surface.TYPES).length - surface.liteOnlyTypes.length, 104, "@tencentcloud/chat's 104");
});

test("the default export: create, EVENT, TYPES and TSignaling with TIM's values, VERSION in lite-chat's range", () => {
  assert.equal(typeof TencentCloudChat.create, "function");
  assert.deepEqual({ ...TencentCloudChat.EVENT }, surface.EVENT);
  assert.deepEqual({ ...TencentCloudChat.TYPES }, surface.TYPES);
  assert.deepEqual({ ...TencentCloudChat.TSignaling }, surface.TSignaling);
  const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
  assert.equal(TencentCloudChat.VERSION, version);
  const [major, minor, patch] = version.split(".").map(Number);
  assert.ok(major === 1 && (minor > 6 || (minor === 6 && patch >= 15)), `${version} satisfies ^1.6.15`);
});

test("an instance has every one of TIM's 148 methods, plus use and createQuoteMessage", () => {
  const chat = TencentCloudChat.create({ SDKAppID: server.sdkappid, tincanURL: server.url });
  const missing = surface.methods.filter((name) => typeof chat[name] !== "function");
  assert.deepEqual(missing, []);
  assert.equal(typeof chat.use, "function");
  assert.equal(typeof chat.createQuoteMessage, "function");
});

test("every entry point and plugin resolves through the package's exports", async () => {
  const names = ["tincan-chat", "tincan-chat/basic", "tincan-chat/standard", "tincan-chat/professional"];
  for (const name of names) {
    const module = await import(name);
    assert.equal(module.default, TencentCloudChat, name);
  }
  const plugins = [
    "avchatroom",
    "cloud-search",
    "conversation-group",
    "conversation",
    "follow",
    "friend",
    "group",
    "history-message",
    "message-enhancer",
    "offline-message-synchronizer",
    "push-token-register",
    "rich-media-message",
    "signaling",
    "topic",
  ];
  const chat = TencentCloudChat.create({ SDKAppID: server.sdkappid, tincanURL: server.url });
  const loaded = [];
  for (const plugin of plugins) {
    const module = await import(`tincan-chat/plugins/${plugin}`);
    assert.equal(module.default.name, plugin);
    loaded.push(module.default);
  }
  chat.use(loaded);
  chat.use(loaded[0], loaded.slice(1));
  chat.use({ name: "something-else", install() {} });
  for (const name of ["group-module", "relationship-module", "signaling-module", "follow-module", "cloud-search-module"]) {
    const module = await import(`tincan-chat/modules/${name}.js`);
    chat.registerPlugin({ [name]: module.default });
  }
  chat.registerPlugin({ "tim-upload-plugin": function Upload() {} });
});

test("a TypeScript app written against TIM's typings compiles against the package's, under TIM's names", () => {
  // test/typings/app.ts imports @tencentcloud/chat, lite-chat/basic and a plugin, names types
  // through the TencentCloudChat namespace and handles results and errors as TIM documents.
  const tsc = join(packageDir, "node_modules", "typescript", "bin", "tsc");
  execFileSync(process.execPath, [tsc, "-p", join(packageDir, "test", "typings", "tsconfig.json")], { stdio: "pipe" });
});

test("the coverage table names exactly TIM's 148 methods, and coverage.json and the README agree with it", () => {
  assert.deepEqual(Object.keys(COVERAGE).sort(), [...surface.methods].sort());
  for (const [name, { state }] of Object.entries(COVERAGE)) {
    assert.ok(["works", "partial", "empty", "not-enabled"].includes(state), `${name}: ${state}`);
  }
  execFileSync(process.execPath, [join(packageDir, "scripts/coverage.mjs"), "--check"], { stdio: "pipe" });
  const json = JSON.parse(readFileSync(join(packageDir, "coverage.json"), "utf8"));
  assert.equal(Object.keys(json.methods).length, 148);
});

test("before login, the methods that need a user reject with TIM's 2024, and nothing throws a TypeError", async () => {
  const chat = TencentCloudChat.create({ SDKAppID: server.sdkappid, tincanURL: server.url });
  for (const name of surface.methods) {
    const outcome = await settle(() => chat[name]());
    assert.ok(!(outcome.error instanceof TypeError), `${name}: ${outcome.error}`);
  }
  const refused = await rejection(chat.getConversationList());
  assert.equal(refused.code, 2024);
  assert.equal(chat.isReady(), false);
  assert.equal(chat.getLoginUser(), "");
});

test("logged in: not-enabled methods reject with 60020, and no method throws a TypeError on any input", async () => {
  const { chat } = await loggedIn(server, "surveyor");
  try {
    const message = chat.createTextMessage({ to: "surveyor-peer", conversationType: "C2C", payload: { text: "x" } });
    const inputs = [[], [undefined], [null], [{}], ["GROUPnone"], [[]], [message], [{ groupID: "none", userIDList: ["a"] }], [123]];
    for (const name of surface.methods) {
      if (name === "logout" || name === "destroy") continue;
      for (const args of inputs) {
        const outcome = await settle(() => chat[name](...args));
        assert.ok(!(outcome.error instanceof TypeError), `${name}(${args.map((it) => JSON.stringify(it)).join(", ")}): ${outcome.error?.stack}`);
        if (outcome.error !== undefined) {
          assert.equal(typeof outcome.error.code, "number", `${name} fails with a code: ${outcome.error}`);
        }
      }
      if (COVERAGE[name].state === "not-enabled" && !name.endsWith("Sync")) {
        const error = await rejection(chat[name]({}));
        assert.equal(error.code, 60020, name);
        assert.match(error.message, /not enabled/, name);
      }
    }
    // The callback forms give the same answer to their error callback.
    const callbackError = await new Promise((resolve) => chat.inviteSync({ userID: "x" }, () => resolve(null), resolve));
    assert.equal(callbackError.code, 60020);
    assert.equal(chat.getSignalingInfo(message), null);
    assert.equal(chat.isReady(), true, "still ready after all that");
  } finally {
    await chat.logout();
  }
});

test("callExperimentalAPI answers what the server has and reports nothing", async () => {
  const { chat } = await loggedIn(server, "surveyor");
  try {
    const receipts = await chat.callExperimentalAPI("isCommercialAbilityEnabled", 2 ** 5);
    assert.deepEqual(receipts, { code: 0, data: { enabled: true } });
    for (const bit of [7, 38, 39, 40, 48]) {
      const other = await chat.callExperimentalAPI("isCommercialAbilityEnabled", 2 ** bit);
      assert.equal(other.data.enabled, false, `bit ${bit}`);
    }
    assert.equal(chat.callExperimentalAPI("canIUseModule", ["group-module"]), true);
    assert.equal(chat.callExperimentalAPI("canIUseModule", ["relationship-module"]), true);
    assert.equal(chat.callExperimentalAPI("canIUseModule", ["signaling-module"]), false);
    assert.equal(chat.callExperimentalAPI("canIUseModule", ["follow-module"]), true);
    await chat.callExperimentalAPI("statTUIKeyFeatures", { feature: "x" });
    const unknown = await rejection(chat.callExperimentalAPI("noSuchThing", {}));
    assert.equal(unknown.code, 2905);

    // With receipts outside the app's plan, the answer follows.
    await server.rest("tincan", "set_app_config", { plan: "Pro" });
    const { chat: onPro } = await loggedIn(server, "surveyor");
    try {
      const off = await onPro.callExperimentalAPI("isCommercialAbilityEnabled", 2 ** 5);
      assert.equal(off.data.enabled, false);
    } finally {
      await onPro.logout();
      await server.rest("tincan", "set_app_config", { plan: "Ultimate" });
    }
  } finally {
    await chat.logout();
  }
});

/** Runs `call`; returns `{value}` or `{error}`, whether it threw or its promise rejected. */
async function settle(call) {
  try {
    return { value: await call() };
  } catch (error) {
    return { error };
  }
}
