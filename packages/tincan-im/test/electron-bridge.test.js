// The Electron wiring: TimMain in the main process answers a renderer's TimRender over IPC and
// forwards the SDK's events to it, with the bridge the preload script exposes.
//
// Electron itself is not installed here, so its `ipcMain`, `ipcRenderer` and `contextBridge` are
// stood in for by an in-process pair that copies every argument with the structured clone
// algorithm, as Electron's IPC does. The SDK behind TimMain and the server are real.
"use strict";

const assert = require("node:assert/strict");
const { after, before, test } = require("node:test");

const TimMain = require("../dist/main").default;
const { exposeBridge } = require("../dist/preload");
const TimRender = require("../dist/renderer").default;
const { eventually, rejection, startServer, textMessage } = require("./helpers");

/** Electron's IPC between one window and the main process, in one process. */
function electronStandIn() {
  const handlers = new Map();
  const mainListeners = new Map();
  const windowListeners = new Map();
  const webContents = {
    send(channel, ...args) {
      const copied = structuredClone(args);
      setImmediate(() => (windowListeners.get(channel) ?? []).forEach((listener) => listener({}, ...copied)));
    },
    isDestroyed: () => false,
    once() {},
  };
  return {
    ipcMain: {
      handle(channel, handler) {
        handlers.set(channel, handler);
      },
      on(channel, listener) {
        mainListeners.set(channel, listener);
      },
    },
    ipcRenderer: {
      async invoke(channel, ...args) {
        const handler = handlers.get(channel);
        if (handler === undefined) {
          throw new Error(`No handler registered for '${channel}'`);
        }
        return structuredClone(await handler({ sender: webContents }, ...structuredClone(args)));
      },
      send(channel, ...args) {
        const copied = structuredClone(args);
        setImmediate(() => mainListeners.get(channel)?.({ sender: webContents }, ...copied));
      },
      on(channel, listener) {
        windowListeners.set(channel, [...(windowListeners.get(channel) ?? []), listener]);
      },
    },
    contextBridge: {
      exposeInMainWorld(key, api) {
        globalThis[key] = api;
      },
    },
  };
}

let server;
let electron;
let alice;
let windowSdk;

before(async () => {
  server = await startServer();
  alice = new TimRender({ instance: "alice" });
  await alice.TIMInit({ sdkappid: server.sdkappid, server_address: server.address });
  await alice.TIMLogin({ userID: "alice", userSig: server.userSig("alice") });
  electron = electronStandIn();
  // What `require("tincan-im/dist/preload")` does in a window's preload script.
  exposeBridge({ ipcRenderer: electron.ipcRenderer, contextBridge: electron.contextBridge });
  windowSdk = new TimRender({ instance: "window" });
});

after(async () => {
  await windowSdk?.TIMUninit().catch(() => {});
  await alice?.TIMUninit();
  await server?.stop();
  delete globalThis.tincanIM;
});

test("without a TimMain in the main process, a renderer's call fails with 6013", async () => {
  const failure = await rejection(windowSdk.TIMInit({ sdkappid: server.sdkappid, server_address: server.address }));
  assert.equal(failure.code, 6013);
  assert.match(failure.desc, /TimMain/);
  assert.equal(failure.user_data, "");
});

test("a renderer logs in, sends and receives messages and receipts through TimMain", async () => {
  // TIM's TimMain takes the SDKAppID; here it also takes the server's address.
  new TimMain({ sdkappid: server.sdkappid, server_address: server.address, ipcMain: electron.ipcMain });
  assert.deepEqual(await windowSdk.TIMInit({}), { code: 0, desc: "", json_param: "", user_data: "" });
  const login = await windowSdk.TIMLogin({ userID: "bob", userSig: server.userSig("bob"), userData: "window login" });
  assert.deepEqual(login, { code: 0, desc: "", json_param: "", user_data: "window login" });

  const received = [];
  const receipts = [];
  await windowSdk.TIMSetRecvNewMsgCallback({ callback: (json, userData) => received.push({ json, userData }), user_data: "w" });
  await windowSdk.TIMSetMsgReadedReceiptCallback({ callback: (json) => receipts.push(JSON.parse(json)), user_data: "" });

  const sent = await alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params: textMessage("hello window", true) });
  const heard = await eventually(() => received[0], "the window's new message");
  assert.equal(heard.userData, "w");
  assert.equal(JSON.parse(heard.json)[0].message_msg_id, sent.json_params.message_msg_id);

  const history = await windowSdk.TIMMsgGetMsgList({ conv_id: "alice", conv_type: 1, params: {}, user_data: "h" });
  assert.equal(history.user_data, "h");
  assert.equal(history.json_params[0].message_msg_id, sent.json_params.message_msg_id);
  const aliceReceipts = [];
  await alice.TIMSetMsgReadedReceiptCallback({ callback: (json) => aliceReceipts.push(JSON.parse(json)) });
  await windowSdk.TIMMsgSendMessageReadReceipts({ json_msg_array: JSON.stringify([history.json_params[0]]), user_data: "" });
  await eventually(
    () => aliceReceipts.flat().find((it) => it.msg_receipt_msg_id === sent.json_params.message_msg_id),
    "alice's receipt from the window",
  );

  const own = await windowSdk.TIMMsgSendMessage({ conv_id: "alice", conv_type: 1, params: textMessage("seen?", true) });
  const aliceHistory = await alice.TIMMsgGetMsgList({ conv_id: "bob", conv_type: 1, params: { msg_getmsglist_param_count: 1 } });
  await alice.TIMMsgSendMessageReadReceipts({ json_msg_array: JSON.stringify(aliceHistory.json_params), user_data: "" });
  const receipt = await eventually(
    () => receipts.flat().find((it) => it.msg_receipt_msg_id === own.json_params.message_msg_id),
    "the window's receipt",
  );
  assert.equal(receipt.msg_receipt_is_peer_read, true);

  // Failures cross the bridge as TIM's rejections, user data included.
  const failure = await rejection(windowSdk.TIMMsgGetMsgList({ conv_type: 1, params: {}, user_data: "bad" }));
  assert.equal(failure.code, 6017);
  assert.match(failure.desc, /conv_id/);
  assert.equal(failure.user_data, "bad");
});
