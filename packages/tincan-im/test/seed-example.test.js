// TIM's page for TIMMsgSendMessageReadReceipts gives a code example; with the package name in its
// import lines changed, a real conversation filled in and its one typo fixed, it type-checks with
// the TypeScript compiler against this package's .d.ts and, run as the reader, sends a read
// receipt that the sender's TIMSetMsgReadedReceiptCallback receives, in a C2C conversation and
// in a group.
"use strict";

const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { after, before, test } = require("node:test");
const { pathToFileURL } = require("node:url");

const TimRender = require("../dist/renderer").default;
const { eventually, startServer, textMessage } = require("./helpers");

const packageDir = path.resolve(__dirname, "..");
const tsc = require.resolve("typescript/bin/tsc", { paths: [packageDir] });
const built = path.join(packageDir, "build", "seed");

let server;
let alice;
let bob;
const receipts = [];

before(async () => {
  server = await startServer();
  // The example uses `new TimRender()`, the default instance: bob, the reader, logs in there.
  bob = new TimRender();
  alice = new TimRender({ instance: "alice" });
  for (const [sdk, user] of [
    [bob, "bob"],
    [alice, "alice"],
  ]) {
    await sdk.TIMInit({ sdkappid: server.sdkappid, server_address: server.address });
    await sdk.TIMLogin({ userID: user, userSig: server.userSig(user) });
  }
  await alice.TIMSetMsgReadedReceiptCallback({
    callback: (json, userData) => receipts.push({ receipts: JSON.parse(json), userData }),
    user_data: "alice's receipts",
  });
});

after(async () => {
  await alice?.TIMUninit();
  await bob?.TIMUninit();
  await server?.stop();
});

test("the example type-checks against the package's typings", () => {
  fs.rmSync(built, { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, "-p", path.join(__dirname, "seed", "tsconfig.json")], {
    cwd: packageDir,
    encoding: "utf8",
  });
  assert.ok(fs.existsSync(path.join(built, "seed-example.mjs")));
  assert.ok(fs.existsSync(path.join(built, "seed-example-group.mjs")));
  assert.ok(fs.existsSync(path.join(built, "receipt-typings.mjs")));
});

test("the example with its typo left in does not type-check (the typings are real)", () => {
  fs.mkdirSync(path.join(packageDir, "build"), { recursive: true });
  const dir = fs.mkdtempSync(path.join(packageDir, "build", "typo-"));
  try {
    const source = fs.readFileSync(path.join(__dirname, "seed", "seed-example.mts"), "utf8");
    const typo = source.replace("const { code, json_params }", "const { code1, json_params }");
    assert.notEqual(typo, source);
    fs.writeFileSync(path.join(dir, "typo.mts"), typo);
    const config = JSON.parse(
      fs.readFileSync(path.join(__dirname, "seed", "tsconfig.json"), "utf8").replace(/^\s*\/\/.*$/gm, ""),
    );
    config.compilerOptions.noEmit = true;
    config.compilerOptions.rootDir = dir;
    config.files = ["typo.mts"];
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(config));
    let output = "";
    try {
      execFileSync(process.execPath, [tsc, "-p", path.join(dir, "tsconfig.json")], { cwd: packageDir, encoding: "utf8" });
    } catch (err) {
      output = String(err.stdout);
    }
    assert.match(output, /code1/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("run by the reader in a C2C conversation, it sends a receipt the sender's callback receives", async () => {
  const sent = await alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params: textMessage("did you see this?", true) });
  const messageId = sent.json_params.message_msg_id;
  await import(pathToFileURL(path.join(built, "seed-example.mjs")).href);
  const heard = await eventually(
    () => receipts.find((it) => it.receipts.some((receipt) => receipt.msg_receipt_msg_id === messageId)),
    "the receipt for the C2C message",
  );
  assert.equal(heard.userData, "alice's receipts");
  const receipt = heard.receipts.find((it) => it.msg_receipt_msg_id === messageId);
  assert.equal(receipt.msg_receipt_conv_id, "bob");
  assert.equal(receipt.msg_receipt_conv_type, 1);
  assert.equal(receipt.msg_receipt_is_peer_read, true);
  // Sending the receipt left the reader's unread count alone, as TIM documents.
  const unread = await bob.TIMConvGetTotalUnreadMessageCount({});
  assert.equal(unread.json_param.conv_get_total_unread_message_count_result_unread_count, 1);
});

test("run by the reader in a group, it sends a receipt the sender's callback receives", async () => {
  await alice.TIMGroupCreate({
    params: {
      create_group_param_group_name: "Seed team",
      create_group_param_group_id: "seed-team",
      create_group_param_group_type: 1,
      create_group_param_group_member_array: [{ group_member_info_identifier: "bob" }],
    },
  });
  const sent = await alice.TIMMsgSendMessage({ conv_id: "seed-team", conv_type: 2, params: textMessage("all read?", true) });
  const messageId = sent.json_params.message_msg_id;
  await import(pathToFileURL(path.join(built, "seed-example-group.mjs")).href);
  const heard = await eventually(
    () => receipts.find((it) => it.receipts.some((receipt) => receipt.msg_receipt_msg_id === messageId)),
    "the receipt for the group message",
  );
  const receipt = heard.receipts.find((it) => it.msg_receipt_msg_id === messageId);
  assert.equal(receipt.msg_receipt_conv_id, "seed-team");
  assert.equal(receipt.msg_receipt_conv_type, 2);
  assert.equal(receipt.msg_receipt_read_count, 1);
  assert.equal(receipt.msg_receipt_unread_count, 0);
});

test("a fresh process can import the package from an ES module and from CommonJS", () => {
  // Inside the package's directory, its name resolves to itself through "exports".
  const esm = path.join(built, "import-check.mjs");
  fs.writeFileSync(
    esm,
    'import TimRender from "tincan-im/dist/renderer";\nimport { TIMConvType } from "tincan-im/dist/interfaces";\n' +
      "console.log(typeof new TimRender().TIMLogin, TIMConvType.kTIMConv_Group);\n",
  );
  assert.equal(execFileSync(process.execPath, [esm], { encoding: "utf8" }).trim(), "function 2");
  const cjs = 'const TimRender = require("tincan-im/dist/renderer").default; console.log(typeof new TimRender().TIMLogin)';
  assert.equal(execFileSync(process.execPath, ["-e", cjs], { cwd: packageDir, encoding: "utf8" }).trim(), "function");
});
