// Install scripts, read from the lock: npm 12 blocks every dependency script that the installing project has
// not approved, and `npx -y roughy-mcp` has no project to approve them in. So no package a user installs may
// rely on one, and this repo denies those scripts too (its own tests then run as a user's install does). Every
// script in the tree is covered by `allowScripts`, so npm 11/12 print no advisory on `npm ci`.
// The install itself, scripts blocked, is proven by scripts/pack-smoke.mjs.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
  packages: Record<string, { version?: string; dev?: boolean; hasInstallScript?: boolean }>;
};

const withScripts = Object.entries(lock.packages)
  .filter(([where, entry]) => where !== "" && entry.hasInstallScript)
  .map(([where, entry]) => ({ name: where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length), dev: entry.dev === true }));

describe("install scripts in the dependency tree", () => {
  it("are each covered by allowScripts, so npm prints no advisory", () => {
    const allow = pkg.allowScripts ?? {};
    const uncovered = withScripts.filter((p) => !(p.name in allow)).map((p) => p.name);
    expect(uncovered).toEqual([]);
  });

  it("are denied for every package a user installs: nothing at run time needs one", () => {
    const allowedAtRunTime = withScripts.filter((p) => !p.dev && pkg.allowScripts?.[p.name] !== false).map((p) => p.name);
    expect(allowedAtRunTime).toEqual([]);
  });

  it("include no native SQLite binding (SQLite is node:sqlite or WebAssembly)", () => {
    const names = Object.keys(lock.packages).map((where) => where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length));
    expect(names).not.toContain("better-sqlite3");
    expect(names).toContain("node-sqlite3-wasm");
    expect(lock.packages["node_modules/node-sqlite3-wasm"]?.hasInstallScript).toBeUndefined();
  });
});
