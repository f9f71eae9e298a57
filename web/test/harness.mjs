// What the browser tests stand on: a real `tincan serve` on a free port with a fresh data
// directory and a pinned app, UserSigs from `tincan usersig`, the CLI and the REST API for setting
// up, a webhook receiver, and Debian's Chromium driven through playwright-core.

import { spawn, execFile } from "node:child_process";
import { createServer } from "node:http";
import { mkdtemp, mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { chromium } from "playwright-core";

const run = promisify(execFile);

export const REPO = resolve(import.meta.dirname, "../..");
export const BIN = process.env.TINCAN_BIN ? resolve(process.env.TINCAN_BIN) : join(REPO, "target/debug/tincan");
export const ARTIFACTS = join(REPO, "target/web-artifacts");
const CHROMIUM = process.env.TINCAN_CHROMIUM ?? "/usr/bin/chromium";

/** Flags for headless Chromium as root in a container, with nothing fetched from outside. */
const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-dev-shm-usage",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-extensions",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-renderer-backgrounding",
  "--disable-background-timer-throttling",
  "--disable-backgrounding-occluded-windows",
];

/** Starts `tincan serve` on 127.0.0.1 with a free port; resolves once it says where it listens. */
export async function startServer() {
  const dataDir = await mkdtemp(join(tmpdir(), "tincan-web-"));
  const sdkappid = 1400000000 + Math.floor(Math.random() * 90_000_000);
  const key = `web-test-key-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  const child = spawn(
    BIN,
    ["serve", "--listen", "127.0.0.1:0", "--data", dataDir, "--sdkappid", String(sdkappid), "--key", key],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TINCAN_LOG: process.env.TINCAN_LOG ?? "warn" } },
  );
  let output = "";
  const origin = await new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`tincan serve did not start within 30 s:\n${output}`)), 30_000);
    const read = (chunk) => {
      output += chunk;
      const found = /client API:\s+ws:\/\/([0-9.:]+)\/ws/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolvePromise(`http://${found[1]}`);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`tincan serve exited with ${code}:\n${output}`));
    });
  });
  const address = origin.replace("http://", "");
  // The key is read from the data directory each time, so that these keep working after a test
  // rotates it.
  const credentials = ["--sdkappid", String(sdkappid), "--data", dataDir];

  const server = {
    origin,
    sdkappid,
    key,
    dataDir,
    /** A UserSig made by the CLI, as a person would make one (for another app: `app`). */
    async usersig(user, app = sdkappid) {
      const { stdout } = await run(BIN, ["usersig", "--user", user, "--sdkappid", String(app), "--data", dataDir]);
      return stdout.trim();
    },
    /** Runs a CLI command against this server. */
    async cli(...args) {
      const { stdout } = await run(BIN, [...args, "--server", address, ...credentials]);
      return stdout.trim();
    },
    /** A REST command as the administrator. */
    async rest(service, command, body = {}) {
      const sig = await server.usersig("administrator");
      const query = new URLSearchParams({ sdkappid: String(sdkappid), identifier: "administrator", usersig: sig, random: "1", contenttype: "json" });
      const response = await fetch(`${origin}/v4/${service}/${command}?${query}`, { method: "POST", body: JSON.stringify(body) });
      const answer = await response.json();
      if (answer.ErrorCode !== 0) throw new Error(`${service}/${command}: ${answer.ErrorInfo} (${answer.ErrorCode})`);
      return answer;
    },
    /** Stops the server as SIGTERM does, keeping its data directory (for a restart). */
    async stopProcess() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((resolvePromise) => child.once("exit", resolvePromise));
      }
    },
    async stop() {
      await server.stopProcess();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

export async function launchBrowser() {
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

/**
 * A browser context that records every request; `offsite()` lists those that were not for the
 * server itself (there must be none: the pages load nothing from elsewhere).
 */
export async function newContext(browser, origin, options = {}) {
  const { label: _label, ...contextOptions } = options;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...contextOptions });
  const seen = [];
  context.on("request", (request) => seen.push(request.url()));
  const wsOrigin = origin.replace("http://", "ws://");
  if (process.env.TINCAN_WEB_DEBUG) {
    // Prints every WebSocket frame, for finding out what a failing test saw.
    const label = options.label ?? "page";
    context.on("page", (page) =>
      page.on("websocket", (socket) => {
        socket.on("framesent", (frame) => console.log(`${label} >`, String(frame.payload).slice(0, 400)));
        socket.on("framereceived", (frame) => console.log(`${label} <`, String(frame.payload).slice(0, 400)));
      }),
    );
  }
  context.offsite = () => seen.filter((url) => !url.startsWith(origin) && !url.startsWith(wsOrigin) && !url.startsWith("data:"));
  return context;
}

/** Saves a screenshot among the run's artefacts and returns its path. */
export async function screenshot(page, name) {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/**
 * A webhook receiver on 127.0.0.1: it records every request (method, URL with its query, body
 * parsed as JSON) and answers TIM's "OK", which lets a before-send callback's message through.
 */
export async function startReceiver(path = "/im-callback") {
  const calls = [];
  const waiters = [];
  const http = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      let json = null;
      try {
        json = JSON.parse(body);
      } catch {}
      calls.push({ method: request.method, url: request.url, body: json });
      for (const waiter of [...waiters]) waiter();
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(JSON.stringify({ ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "" }));
    });
  });
  await new Promise((resolvePromise) => http.listen(0, "127.0.0.1", resolvePromise));
  const receiver = {
    url: `http://127.0.0.1:${http.address().port}${path}`,
    calls,
    /** The first call `match` accepts, waiting up to `timeout` ms for it. */
    waitFor(match, timeout = 10_000) {
      return new Promise((resolvePromise, reject) => {
        const check = () => {
          const found = calls.find(match);
          if (!found) return false;
          waiters.splice(waiters.indexOf(check), 1);
          clearTimeout(timer);
          resolvePromise(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(new Error(`no matching webhook call within ${timeout} ms; got:\n${calls.map((call) => `${call.method} ${call.url}`).join("\n")}`));
        }, timeout);
        waiters.push(check);
        check();
      });
    },
    async stop() {
      http.closeAllConnections();
      await new Promise((resolvePromise) => http.close(resolvePromise));
    },
  };
  return receiver;
}

/** A real PNG of `width` x `height` (a gradient), as a photo a user picks would be to the server. */
export async function pngImage(width, height) {
  const { deflateSync } = await import("node:zlib");
  const rows = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) {
      row[1 + x * 3] = (x * 255) / width;
      row[2 + x * 3] = 90;
      row[3 + x * 3] = (y * 255) / height;
    }
    rows.push(row);
  }
  const crc32 = (bytes) => {
    let crc = 0xffffffff;
    for (const byte of bytes) {
      crc ^= byte;
      for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
    }
    return (crc ^ 0xffffffff) >>> 0;
  };
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
  header[8] = 8;
  header[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Signs `page` in to the chat client of `server` through its form, as a person would. */
export async function signInToChat(page, server, user, waitMs = 10_000) {
  await page.goto(`${server.origin}/chat`);
  await page.getByLabel("SDKAppID").fill(String(server.sdkappid));
  await page.getByLabel("User ID").fill(user);
  await page.getByLabel("UserSig").fill(await server.usersig(user));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText(`Signed in as ${user}`).waitFor({ timeout: waitMs });
}
