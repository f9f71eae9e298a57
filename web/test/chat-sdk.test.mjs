// The chat client as an app of the Web SDK, beyond one sitting: a reader's second device shows the
// receipt the first one sent without sending its own, and a server restart is ridden out (the
// client says it is offline, resumes by itself, and what is sent afterwards arrives live).

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, test } from "node:test";
import { BIN, launchBrowser, newContext, screenshot, signInToChat, startServer } from "./harness.mjs";

const WAIT_MS = 10_000;

let server;
let browser;
const contexts = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await server.rest("im_open_login_svc", "multiaccount_import", { Accounts: ["alice", "bob"] });
});

after(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.stop();
});

async function page(label) {
  const context = await newContext(browser, server.origin, { label });
  contexts.push(context);
  return context.newPage();
}

/** Signs in to the chat client through its form, as a person would. */
async function chatAs(page, user) {
  await signInToChat(page, server, user, WAIT_MS);
}

async function openConversation(page, name) {
  await page.getByRole("navigation", { name: "Conversations" }).getByRole("button", { name: new RegExp(`^${name}`) }).click();
  await page.getByRole("heading", { name, exact: true }).waitFor({ timeout: WAIT_MS });
}

/** The operations a page has sent over its WebSocket so far. */
function sentOps(page) {
  const ops = [];
  page.on("websocket", (socket) =>
    socket.on("framesent", (frame) => {
      try {
        ops.push(JSON.parse(String(frame.payload)).op);
      } catch {}
    }),
  );
  return ops;
}

test("a reader's other device shows the receipt as sent, from history, and sends none of its own", async () => {
  const alice = await page("alice");
  const bob = await page("bob");
  await chatAs(alice, "alice");
  await chatAs(bob, "bob");
  await alice.getByLabel("Chat with a user").fill("bob");
  await alice.getByRole("button", { name: "Open", exact: true }).click();
  await alice.getByRole("checkbox", { name: "Request read receipt" }).check();
  await alice.getByRole("textbox", { name: "Message" }).fill("Sign the form?");
  await alice.getByRole("textbox", { name: "Message" }).press("Enter");
  await alice.getByText("Sent with a read receipt request.", { exact: true }).waitFor({ timeout: WAIT_MS });

  await openConversation(bob, "alice");
  await bob.locator(".msg", { hasText: "Sign the form?" }).getByText("Read receipt sent").waitFor({ timeout: WAIT_MS });
  await alice.locator(".msg.mine", { hasText: "Sign the form?" }).locator(".ticks.read").waitFor({ timeout: WAIT_MS });

  // Bob on another device: the message says the receipt went, and that device sends none.
  const elsewhere = await page("bob elsewhere");
  const ops = sentOps(elsewhere);
  await chatAs(elsewhere, "bob");
  await openConversation(elsewhere, "alice");
  const message = elsewhere.locator(".msg", { hasText: "Sign the form?" });
  await message.getByText("Read receipt sent").waitFor({ timeout: WAIT_MS });
  await elsewhere.waitForTimeout(600);
  assert.ok(ops.includes("msg_get_list"), `the device read the history: ${ops.join(", ")}`);
  assert.equal(ops.includes("msg_send_receipts"), false, `no receipt sent again: ${ops.join(", ")}`);
  await screenshot(elsewhere, "chat-bob-other-device");
  for (const one of [alice, bob, elsewhere]) assert.deepEqual(one.context().offsite(), []);
});

test("the client rides out a server restart: offline, then online again, and new messages arrive live", async () => {
  const bob = await page("bob");
  await chatAs(bob, "bob");
  await openConversation(bob, "alice");
  const connection = bob.locator(".connection");
  assert.equal(await connection.textContent(), "Online");

  // The server stops and starts again on the same address and data.
  const address = server.origin.replace("http://", "");
  await server.cli("send", "--as", "alice", "--to", "bob", "Before the restart");
  await bob.locator(".msg", { hasText: "Before the restart" }).waitFor({ timeout: WAIT_MS });
  const restarted = await restart(address);
  try {
    await bob.getByText("Offline, reconnecting…").waitFor({ timeout: WAIT_MS });
    await restarted.ready;
    await bob.getByText("Online", { exact: true }).waitFor({ timeout: WAIT_MS });
    await server.cli("send", "--as", "alice", "--to", "bob", "After the restart");
    await bob.locator(".msg", { hasText: "After the restart" }).waitFor({ timeout: WAIT_MS });
    assert.equal(await bob.locator(".msg", { hasText: "Before the restart" }).count(), 1, "nothing shown twice");
    // On screen in the open conversation, it is read: the list's badge goes.
    const withAlice = bob.getByRole("navigation", { name: "Conversations" }).getByRole("button", { name: /^alice/ });
    await withAlice.locator(".badge").waitFor({ state: "detached", timeout: WAIT_MS });
    await screenshot(bob, "chat-bob-after-restart");
    assert.deepEqual(bob.context().offsite(), []);
  } finally {
    await restarted.stop();
  }
});

/**
 * Stops the test's server and starts another on the same address and data directory; `ready`
 * resolves once it listens, and `stop()` ends it (the harness's own stop then finds the first
 * one gone and only removes the data).
 */
async function restart(address) {
  await server.stopProcess();
  const [host, port] = [address.slice(0, address.lastIndexOf(":")), address.slice(address.lastIndexOf(":") + 1)];
  // A moment offline, so that the client notices before the server is back.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const child = spawn(BIN, ["serve", "--listen", `${host}:${port}`, "--data", server.dataDir, "--sdkappid", String(server.sdkappid), "--key", server.key], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, TINCAN_LOG: process.env.TINCAN_LOG ?? "warn" },
  });
  let output = "";
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tincan serve did not start again within 30 s:\n${output}`)), 30_000);
    const read = (chunk) => {
      output += chunk;
      if (/client API:/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
  });
  return {
    ready,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((resolve) => child.once("exit", resolve));
      }
    },
  };
}
