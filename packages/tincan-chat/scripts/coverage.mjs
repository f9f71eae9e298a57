#!/usr/bin/env node
// Writes coverage.json and the README's table of methods from the built coverage table
// (src/coverage.ts), so that neither can drift from what the SDK does. With --check it writes
// nothing and fails when either differs.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const packageDir = join(import.meta.dirname, "..");
const { COVERAGE } = await import(join(packageDir, "dist/coverage.js"));
const check = process.argv.includes("--check");

const names = Object.keys(COVERAGE).sort();
const counts = { works: 0, partial: 0, empty: 0, "not-enabled": 0 };
for (const name of names) counts[COVERAGE[name].state] += 1;
const json = `${JSON.stringify(
  {
    about: "The state of each of the 148 instance methods of TIM's Web SDK on tincan; written by scripts/coverage.mjs from src/coverage.ts.",
    states: {
      works: "does what TIM documents, through the tincan server (or locally where TIM's method is local)",
      partial: "works, with the limit the note gives",
      empty: "the server has no such data; the method answers that truthfully (an empty list, default values)",
      "not-enabled": "the server does not have the capability yet; rejects with TIM's 60020 (feature not enabled)",
    },
    counts,
    methods: Object.fromEntries(names.map((name) => [name, COVERAGE[name]])),
  },
  null,
  2,
)}\n`;

const rows = names.map((name) => {
  const { area, state, note } = COVERAGE[name];
  return `| \`${name}\` | ${area} | ${state} | ${note.replace(/\|/g, "\\|")} |`;
});
const table = [
  `${names.length} methods: ${Object.entries(counts).map(([state, count]) => `${count} ${state}`).join(", ")}.`,
  "",
  "| method | area | state | note |",
  "| --- | --- | --- | --- |",
  ...rows,
].join("\n");

const readmePath = join(packageDir, "README.md");
const readme = readFileSync(readmePath, "utf8");
const start = "<!-- methods:start -->\n";
const end = "\n<!-- methods:end -->";
const from = readme.indexOf(start);
const to = readme.indexOf(end);
if (from < 0 || to < 0) throw new Error("README.md has no <!-- methods:start --> ... <!-- methods:end --> block");
const newReadme = readme.slice(0, from + start.length) + table + readme.slice(to);

const jsonPath = join(packageDir, "coverage.json");
let current = "";
try {
  current = readFileSync(jsonPath, "utf8");
} catch {}
if (check) {
  const stale = [];
  if (current !== json) stale.push("coverage.json");
  if (readme !== newReadme) stale.push("README.md's table of methods");
  if (stale.length > 0) {
    console.error(`${stale.join(" and ")} out of date: run \`npm run coverage\` in packages/tincan-chat`);
    process.exit(1);
  }
  console.log("coverage.json and the README's table match src/coverage.ts");
} else {
  writeFileSync(jsonPath, json);
  writeFileSync(readmePath, newReadme);
  console.log(`wrote coverage.json and the README's table (${names.length} methods)`);
}
