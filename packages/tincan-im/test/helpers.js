// Test support: a real `tincan serve` on a free port and a fresh data directory, UserSigs from
// `tincan usersig`, and small waiting helpers.
//
// The server binary is $TINCAN_BIN, or the workspace's target/debug/tincan (built with cargo
// when missing).
"use strict";

const { execFileSync, spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const workspace = path.resolve(__dirname, "..", "..", "..");
const SDKAPPID = 1400000001;
const KEY = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

function tincanBinary() {
  if (process.env.TINCAN_BIN) {
    return process.env.TINCAN_BIN;
  }
  const targetDir = process.env.CARGO_TARGET_DIR
    ? path.resolve(workspace, process.env.CARGO_TARGET_DIR)
    : path.join(workspace, "target");
  const binary = path.join(targetDir, "debug", process.platform === "win32" ? "tincan.exe" : "tincan");
  if (!fs.existsSync(binary)) {
    execFileSync(process.env.CARGO || "cargo", ["build", "-p", "tincan", "--bin", "tincan"], {
      cwd: workspace,
      stdio: ["ignore", "inherit", "inherit"],
    });
  }
  return binary;
}

/**
 * Starts `tincan serve` on 127.0.0.1:0 with a pinned app; resolves once it prints its address.
 * The result has `address` (host:port), `url`, `sdkappid`, `binary`, `data` (the data
 * directory), `userSig(user)`, `pause()`, `resume()` and `stop()`.
 */
async function startServer() {
  const binary = tincanBinary();
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "tincan-im-test-"));
  const child = spawn(
    binary,
    ["serve", "--listen", "127.0.0.1:0", "--data", data, "--sdkappid", String(SDKAPPID), "--key", KEY],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TINCAN_LOG: process.env.TINCAN_LOG || "warn" } },
  );
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const address = await new Promise((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => reject(new Error(`tincan serve did not start:\n${stdout}\n${stderr}`)), 30000);
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const found = /client API:\s+ws:\/\/([^/\s]+)\/ws/.exec(stdout);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`tincan serve exited with ${code}:\n${stdout}\n${stderr}`));
    });
  });
  child.stdout.resume();
  return {
    address,
    url: `ws://${address}/ws`,
    sdkappid: SDKAPPID,
    binary,
    data,
    userSig(user) {
      return execFileSync(binary, ["usersig", "--user", user, "--sdkappid", String(SDKAPPID), "--key", KEY], {
        encoding: "utf8",
      }).trim();
    },
    /** Stops the process without closing its connections, so requests go unanswered. */
    async pause() {
      child.kill("SIGSTOP");
      // The signal is delivered asynchronously; wait until the kernel reports the process stopped.
      await eventually(() => {
        const stat = fs.readFileSync(`/proc/${child.pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2).startsWith("T") || undefined;
      }, "the server to stop");
    },
    resume() {
      child.kill("SIGCONT");
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGCONT");
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(data, { recursive: true, force: true });
    },
  };
}

/** Resolves with the first value `probe` returns other than undefined or false; fails after `timeoutMs`. */
async function eventually(probe, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    // `undefined` and `false` both mean "not yet": a probe may be a plain condition.
    if (value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The value a promise rejects with; fails if it resolves. */
async function rejection(promise) {
  let resolved;
  try {
    resolved = await promise;
  } catch (err) {
    return err;
  }
  throw new Error(`expected a rejection, got ${JSON.stringify(resolved)}`);
}

/** A text message, optionally asking for read receipts. */
function textMessage(text, needReadReceipt) {
  return {
    message_elem_array: [{ elem_type: 0, text_elem_content: text }],
    message_need_read_receipt: Boolean(needReadReceipt),
  };
}

module.exports = { startServer, eventually, rejection, textMessage, SDKAPPID, KEY };
