// A process that uses the package ends when its logins end, and not before: a logged-in instance
// keeps Node running (an app waiting for messages must not exit), and TIMLogout, TIMUninit or a
// failed TIMLogin let it end.
"use strict";

const assert = require("node:assert/strict");
const { spawn } = require("node:child_process");
const path = require("node:path");
const { after, before, test } = require("node:test");

const TimRender = require("../dist/renderer").default;
const { startServer, textMessage } = require("./helpers");

let server;
let alice;

before(async () => {
  server = await startServer();
  alice = new TimRender({ instance: "alice" });
  await alice.TIMInit({ sdkappid: server.sdkappid, server_address: server.address });
  await alice.TIMLogin({ userID: "alice", userSig: server.userSig("alice") });
});

after(async () => {
  await alice?.TIMUninit();
  await server?.stop();
});

/** Runs `body` in a fresh Node process with `sdk` logged in as bob; resolves with its output once it exits. */
function runAsBob(body, { onOutput } = {}) {
  const renderer = path.join(__dirname, "..", "dist", "renderer.js");
  const script = `
    const TimRender = require(${JSON.stringify(renderer)}).default;
    (async () => {
      const sdk = new TimRender();
      await sdk.TIMInit({ sdkappid: ${server.sdkappid}, server_address: ${JSON.stringify(server.address)} });
      await sdk.TIMLogin({ userID: "bob", userSig: ${JSON.stringify(server.userSig("bob"))} });
      console.log("logged in");
      ${body}
    })().catch((failure) => { console.log("failed", JSON.stringify(failure)); process.exitCode = 1; });
  `;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
    onOutput?.(output);
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 20000);
  return new Promise((resolve) =>
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    }),
  );
}

test("a process ends by itself after TIMLogout", async () => {
  const { code, signal, output } = await runAsBob(`await sdk.TIMLogout({}); console.log("logged out");`);
  assert.equal(signal, null, "the process had to be killed");
  assert.equal(code, 0);
  assert.match(output, /logged out/);
});

test("a process ends by itself after a TIMLogin that fails", async () => {
  const body = `await sdk.TIMLogin({ userID: "bob", userSig: "expired" }).catch((failure) => console.log("refused", failure.code));`;
  const { code, signal, output } = await runAsBob(body);
  assert.equal(signal, null, "the process had to be killed");
  assert.equal(code, 0);
  assert.match(output, /refused 70003/);
});

test("a logged-in process keeps running until its callback has something to do", async () => {
  let sent = false;
  const body = `
    await sdk.TIMSetRecvNewMsgCallback({ callback: async (json) => {
      console.log("received", JSON.parse(json)[0].message_elem_array[0].text_elem_content);
      await sdk.TIMUninit();
    } });
    console.log("waiting");
  `;
  const { code, signal, output } = await runAsBob(body, {
    onOutput: (output) => {
      if (!sent && output.includes("waiting")) {
        sent = true;
        // Later than the script's last statement: only the open login keeps the process alive.
        setTimeout(
          () => alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params: textMessage("still there?") }),
          500,
        );
      }
    },
  });
  assert.equal(signal, null, "the process had to be killed");
  assert.equal(code, 0);
  assert.match(output, /received still there\?/);
});
