#!/usr/bin/env node
// Builds dist/ from src/ with tsc (ES modules and their type declarations).

import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const packageDir = join(import.meta.dirname, "..");
const tsc = createRequire(join(packageDir, "package.json")).resolve("typescript/bin/tsc");
rmSync(join(packageDir, "dist"), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, "-p", join(packageDir, "tsconfig.json")], { stdio: "inherit", cwd: packageDir });
console.log("built dist/ from src/");
