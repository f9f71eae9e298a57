// Every operation of the protocol is decided for the Node package: the addon lists the TIM
// methods that run it, and each is a method of TimRender that reaches the addon's routing.
"use strict";

const assert = require("node:assert/strict");
const { test } = require("node:test");

const TimRender = require("../dist/renderer").default;

test("every TIM method an operation names is a method of TimRender that the addon routes", async () => {
  const addon = require(process.env.TINCAN_IM_ADDON || `${__dirname}/../tincan.node`);
  const methods = JSON.parse(addon.operationMethods());
  const ops = Object.keys(methods);
  assert.ok(ops.includes("msg_send") && ops.includes("msg_send_receipts"), ops.join(", "));
  const session = addon.openSession();
  for (const [op, names] of Object.entries(methods)) {
    for (const name of names) {
      assert.equal(typeof TimRender.prototype[name], "function", `${name} (for ${op}) is not a method of TimRender`);
      const outcome = JSON.parse(await addon.call(session, name, "{}"));
      assert.ok(!outcome.desc.includes("is not a method of tincan-im"), `${name} (for ${op}) is not routed: ${outcome.desc}`);
    }
  }
});
