#!/usr/bin/env node
// Builds the package, then runs its tests with `node --test` against a real `tincan serve`
// ($TINCAN_BIN, or the workspace's target/debug/tincan). Node 20 has WebSocket behind a flag,
// which is turned on when the runtime needs it.

import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const packageDir = join(import.meta.dirname, "..");
execFileSync(process.execPath, [join(packageDir, "scripts/build.mjs")], { stdio: "inherit" });
const flags = typeof WebSocket === "function" ? [] : ["--experimental-websocket"];
const files = readdirSync(join(packageDir, "test"))
  .filter((name) => name.endsWith(".test.mjs"))
  .map((name) => join("test", name));
const only = process.argv.slice(2);
const result = spawnSync(
  process.execPath,
  [...flags, "--test", "--test-concurrency=1", "--test-timeout=60000", ...(only.length > 0 ? only : files)],
  { stdio: "inherit", cwd: packageDir },
);
process.exit(result.status ?? 1);
