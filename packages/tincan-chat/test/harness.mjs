// What the tests stand on: a real `tincan serve` on a free port with a fresh data directory and a
// pinned app, UserSigs from `tincan usersig`, SDK instances logged in through the package's
// public API, and waiting for TIM's events.

import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import TencentCloudChat from "../dist/index.js";

export { TencentCloudChat };

const workspace = resolve(import.meta.dirname, "../../..");
const SDKAPPID = 1400000002;
const KEY = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

function binary() {
  if (process.env.TINCAN_BIN) return resolve(process.env.TINCAN_BIN);
  const targetDir = process.env.CARGO_TARGET_DIR ? resolve(workspace, process.env.CARGO_TARGET_DIR) : join(workspace, "target");
  const found = join(targetDir, "debug", "tincan");
  if (!existsSync(found)) {
    throw new Error(`no tincan binary at ${found}: build it with \`cargo build -p tincan\` or set TINCAN_BIN`);
  }
  return found;
}

/** Starts `tincan serve` on 127.0.0.1:0; resolves once it says where it listens. */
export async function startServer() {
  const bin = binary();
  const data = mkdtempSync(join(tmpdir(), "tincan-chat-test-"));
  const child = spawn(bin, ["serve", "--listen", "127.0.0.1:0", "--data", data, "--sdkappid", String(SDKAPPID), "--key", KEY], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, TINCAN_LOG: process.env.TINCAN_LOG ?? "warn" },
  });
  let output = "";
  const address = await new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`tincan serve did not start within 30 s:\n${output}`)), 30_000);
    const read = (chunk) => {
      output += chunk;
      const found = /client API:\s+ws:\/\/([^/\s]+)\/ws/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolvePromise(found[1]);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`tincan serve exited with ${code}:\n${output}`));
    });
  });
  const sigs = new Map();
  const server = {
    address,
    url: `ws://${address}/ws`,
    sdkappid: SDKAPPID,
    data,
    /** A UserSig made by the CLI, as an app's back end would make one. */
    userSig(user) {
      if (!sigs.has(user)) {
        sigs.set(user, execFileSync(bin, ["usersig", "--user", user, "--sdkappid", String(SDKAPPID), "--key", KEY], { encoding: "utf8" }).trim());
      }
      return sigs.get(user);
    },
    /** A REST command as the administrator. */
    async rest(service, command, body = {}) {
      const query = new URLSearchParams({
        sdkappid: String(SDKAPPID),
        identifier: "administrator",
        usersig: server.userSig("administrator"),
        random: "1",
        contenttype: "json",
      });
      const response = await fetch(`http://${address}/v4/${service}/${command}?${query}`, { method: "POST", body: JSON.stringify(body) });
      const answer = await response.json();
      if (answer.ErrorCode !== 0) throw new Error(`${service}/${command}: ${answer.ErrorInfo} (${answer.ErrorCode})`);
      return answer;
    },
    /** Makes the accounts exist, so that messages and invitations to them succeed before they log in. */
    async importAccounts(...users) {
      await server.rest("im_open_login_svc", "multiaccount_import", { Accounts: users });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolvePromise) => child.once("exit", resolvePromise));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(data, { recursive: true, force: true });
    },
  };
  return server;
}

/**
 * An SDK instance for `user`, with every event it emits recorded; resolves once it is logged in
 * and SDK_READY has come.
 */
export async function loggedIn(server, user, options = {}) {
  const chat = TencentCloudChat.create({ SDKAppID: server.sdkappid, tincanURL: server.url, ...options });
  const events = recordEvents(chat);
  const ready = events.next(TencentCloudChat.EVENT.SDK_READY);
  const answer = await chat.login({ userID: user, userSig: server.userSig(user) });
  await ready;
  return { chat, events, answer, user };
}

/** Records every event of TIM's EVENT list, and lets a test wait for one. */
export function recordEvents(chat) {
  const seen = [];
  const waiters = [];
  for (const name of Object.values(TencentCloudChat.EVENT)) {
    chat.on(name, (event) => {
      seen.push(event);
      for (const waiter of [...waiters]) waiter();
    });
  }
  return {
    seen,
    /** Events of `name` so far. */
    of(name) {
      return seen.filter((event) => event.name === name);
    },
    /** The first event of `name` after this call for which `match(event.data)` holds. */
    next(name, match = () => true, timeoutMs = 10_000) {
      const from = seen.length;
      return this.find(name, match, timeoutMs, from);
    },
    /** The first event of `name` (already seen or to come) for which `match(event.data)` holds. */
    find(name, match = () => true, timeoutMs = 10_000, from = 0) {
      return new Promise((resolvePromise, reject) => {
        const check = () => {
          const found = seen.slice(from).find((event) => event.name === name && match(event.data));
          if (!found) return false;
          waiters.splice(waiters.indexOf(check), 1);
          clearTimeout(timer);
          resolvePromise(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(new Error(`no ${name} event within ${timeoutMs} ms; saw: ${seen.map((event) => event.name).join(", ")}`));
        }, timeoutMs);
        waiters.push(check);
        check();
      });
    },
  };
}

/** Resolves with the first value for which `probe` returns something other than undefined. */
export async function eventually(probe, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 20));
  }
}

/** The error a promise rejects with; fails if it resolves. */
export async function rejection(promise) {
  let value;
  try {
    value = await promise;
  } catch (error) {
    return error;
  }
  throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
}

export const surface = JSON.parse(readFileSync(join(import.meta.dirname, "fixtures/tim-surface.json"), "utf8"));

/**
 * A real PNG of `width` x `height` (a gradient, so that scaling has something to do), made with
 * zlib as any encoder would: what a user's photo is to the server.
 */
export async function pngImage(width, height) {
  const { deflateSync } = await import("node:zlib");
  const rows = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) {
      row[1 + x * 3] = (x * 255) / width;
      row[2 + x * 3] = (y * 255) / height;
      row[3 + x * 3] = 128;
    }
    rows.push(row);
  }
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
