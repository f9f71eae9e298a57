// Checks that the committed dist/ is what the sources build to, so that the tincan binary, which
// embeds dist/, serves the pages the sources describe. Type-checks first.
// Exits non-zero, saying how to fix it, when they differ.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const web = join(import.meta.dirname, "..");
const bin = (name) => join(web, "node_modules", ".bin", name);

execFileSync(bin("tsc"), ["--noEmit", "-p", web], { stdio: "inherit", cwd: web });

const fresh = mkdtempSync(join(tmpdir(), "tincan-web-dist-"));
try {
  execFileSync(bin("vite"), ["build", "--outDir", fresh, "--emptyOutDir", "--logLevel", "warn"], { stdio: "inherit", cwd: web });
  const files = (dir) => {
    const found = new Map();
    const walk = (current) => {
      for (const name of readdirSync(current)) {
        const path = join(current, name);
        if (statSync(path).isDirectory()) walk(path);
        else found.set(relative(dir, path), readFileSync(path));
      }
    };
    walk(dir);
    return found;
  };
  const committed = files(join(web, "dist"));
  const built = files(fresh);
  const problems = [];
  for (const [path, bytes] of built) {
    if (!committed.has(path)) problems.push(`missing from dist/: ${path}`);
    else if (!committed.get(path).equals(bytes)) problems.push(`out of date in dist/: ${path}`);
  }
  for (const path of committed.keys()) {
    if (!built.has(path)) problems.push(`in dist/ but no longer built: ${path}`);
  }
  if (problems.length > 0) {
    console.error(problems.join("\n"));
    console.error("\nweb/dist does not match web/src. Run `npm run build` in web/ and commit web/dist.");
    process.exit(1);
  }
  console.log(`web/dist matches the sources (${built.size} files)`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
