// The interop suite: puts the built server (`node dist/cli.js`, embedded sandbox) through real MCP hosts
// installed from npm into a throwaway prefix (scripts/interop/run.sh does that), and checks each fault of
// issue 11 where it shows. Prints one line per check, a summary line, and writes the results as JSON.
//
// Usage (from run.sh): node main.mjs [host ...]   (default: every host)
// Env: INTEROP_ROOT (the project), INTEROP_LIBS / INTEROP_CLIS (the prefixes), INTEROP_PROJECT_NODE (the
// node that runs the server), INTEROP_OUT (results JSON).

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { HOSTS } from "./hosts/index.mjs";

const root = process.env.INTEROP_ROOT ?? path.resolve(import.meta.dirname, "../..");
const libs = process.env.INTEROP_LIBS ?? path.join(root, ".cache/interop/libs");
const clis = process.env.INTEROP_CLIS ?? path.join(root, ".cache/interop/clis");
const projectNode = process.env.INTEROP_PROJECT_NODE ?? "node";
const out = process.env.INTEROP_OUT ?? path.join(root, ".cache/interop/results.json");

// Imports resolve from the module that does them: a one-line module inside the prefix loads its packages.
const loader = path.join(libs, "load.mjs");
fs.writeFileSync(loader, "export const load = (name) => import(name);\n");
const { load } = await import(pathToFileURL(loader).href);

const versions = {};
function versionOf(prefix, name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(prefix, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return "?";
  }
}

const checks = [];
function check(name, ok, detail = "") {
  checks.push({ name, ok: Boolean(ok), detail: ok ? "" : String(detail).slice(0, 1500) });
  process.stdout.write(`${ok ? "ok  " : "FAIL"} ${name}${ok ? "" : `\n       ${String(detail).slice(0, 600).replace(/\n/g, "\n       ")}`}\n`);
}

/** A fresh working folder with the fixture and its own sandbox data dir, and the server's launch spec. */
function workspace(host) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `roughy-interop-${host}-`));
  fs.copyFileSync(path.join(root, "test/fixtures/interview.mp4"), path.join(work, "interview.mp4"));
  const env = { ...process.env, ROUGHY_SANDBOX_DIR: path.join(work, ".sandbox"), ROUGHY_UPLOAD_STORE: path.join(work, ".uploads.json") };
  delete env.ROUGHY_API_KEY;
  delete env.ROUGHY_API_KEY_FILE;
  const serverEnv = { ROUGHY_SANDBOX_DIR: env.ROUGHY_SANDBOX_DIR, ROUGHY_UPLOAD_STORE: env.ROUGHY_UPLOAD_STORE, PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? work };
  return {
    work,
    env,
    server: { command: projectNode, args: [path.join(root, "dist/cli.js"), "--allow-dir", work], env: serverEnv, cwd: work },
    media: path.join(work, "interview.mp4"),
    script: fs.readFileSync(path.join(root, "test/fixtures/interview.script.txt"), "utf8"),
    cleanup: () => fs.rmSync(work, { recursive: true, force: true }),
  };
}

const wanted = process.argv.slice(2);
const selected = wanted.length > 0 ? HOSTS.filter((h) => wanted.includes(h.id)) : HOSTS;
const started = Date.now();
const timings = {};
for (const host of selected) {
  versions[host.id] = host.packages.map((p) => `${p}@${versionOf(host.cli ? clis : libs, p)}`).join(" ");
  process.stdout.write(`\n## ${host.id} (${versions[host.id]})\n`);
  const ws = workspace(host.id);
  const t0 = Date.now();
  try {
    await host.run({ ...ws, load, check, root, libs, clis, projectNode });
  } catch (error) {
    check(`${host.id}: driver ran to the end`, false, error?.stack ?? String(error));
  } finally {
    timings[host.id] = Math.round((Date.now() - t0) / 1000);
    if (!process.env.INTEROP_KEEP) ws.cleanup();
  }
}

// Known failures (scripts/interop/expected-failures.txt) do not fail the run, so that it can gate CI; a
// listed check that now passes does, so the list cannot go stale. Only checks that ran are judged.
const expected = new Set(
  fs.readFileSync(path.join(import.meta.dirname, "expected-failures.txt"), "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#")),
);
const failed = checks.filter((c) => !c.ok);
const unexpected = failed.filter((c) => !expected.has(c.name));
const stale = checks.filter((c) => c.ok && expected.has(c.name));
for (const c of stale) process.stdout.write(`STALE ${c.name}: listed in expected-failures.txt but passed; remove it\n`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), node: process.version, versions, timings, seconds: Math.round((Date.now() - started) / 1000), checks }, null, 2));
process.stdout.write(
  `\ninterop: ${checks.length - failed.length} passed, ${failed.length} failed (${failed.length - unexpected.length} expected), ${stale.length} stale (${Math.round((Date.now() - started) / 1000)} s); results in ${out}\n`,
);
process.exit(unexpected.length > 0 || stale.length > 0 ? 1 : 0);
