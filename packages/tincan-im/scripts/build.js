#!/usr/bin/env node
// Builds the package from the workspace: the native addon with `cargo build -p tincan-node`
// (copied to tincan.node), then the TypeScript sources with tsc (to dist/).
// Nothing is downloaded: cargo builds from the workspace's sources and lock file.
//
// Options: --release builds the addon with the release profile (TINCAN_NODE_RELEASE=1 does the
// same); CARGO and CARGO_TARGET_DIR are honoured.
"use strict";

const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const packageDir = path.resolve(__dirname, "..");
const workspace = path.resolve(packageDir, "..", "..");
const release = process.argv.includes("--release") || process.env.TINCAN_NODE_RELEASE === "1";
const cargo = process.env.CARGO || "cargo";

function run(command, args, cwd) {
  console.log(`> ${command} ${args.join(" ")}`);
  execFileSync(command, args, { cwd, stdio: "inherit" });
}

function libraryName() {
  switch (process.platform) {
    case "win32":
      return "tincan_node.dll";
    case "darwin":
      return "libtincan_node.dylib";
    default:
      return "libtincan_node.so";
  }
}

run(cargo, ["build", "-p", "tincan-node", ...(release ? ["--release"] : [])], workspace);
const targetDir = process.env.CARGO_TARGET_DIR
  ? path.resolve(workspace, process.env.CARGO_TARGET_DIR)
  : path.join(workspace, "target");
const built = path.join(targetDir, release ? "release" : "debug", libraryName());
const addon = path.join(packageDir, "tincan.node");
// Copy through a temporary name so that a process holding the old file never sees a half-written one.
fs.copyFileSync(built, `${addon}.tmp`);
fs.renameSync(`${addon}.tmp`, addon);
console.log(`> copied ${path.relative(workspace, built)} to ${path.relative(workspace, addon)}`);

fs.rmSync(path.join(packageDir, "dist"), { recursive: true, force: true });
run(process.execPath, [require.resolve("typescript/bin/tsc", { paths: [packageDir] }), "-p", "tsconfig.json"], packageDir);
