// The README's two-minute example (examples/quickstart.js) runs as written against a server.
"use strict";

const assert = require("node:assert/strict");
const { execFile } = require("node:child_process");
const path = require("node:path");
const { after, before, test } = require("node:test");
const { promisify } = require("node:util");

const { startServer } = require("./helpers");

let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

test("examples/quickstart.js prints alice's receipt and exits", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(__dirname, "..", "examples", "quickstart.js")], {
    env: { ...process.env, TINCAN_SERVER: server.address, TINCAN_DATA: server.data, TINCAN_BIN: server.binary },
    timeout: 60000,
  });
  const sent = /alice sent (\S+)/.exec(stdout);
  assert.ok(sent, stdout);
  assert.match(stdout, new RegExp(`alice's receipt: ${sent[1]} read by bob: true`));
});
