#!/usr/bin/env node
// `npm run pack:smoke`: proves that what we publish works for a user who never saw this repo. Packs the
// tarball (npm runs `prepare`, i.e. the build), installs it into an empty directory (its dependencies come
// from the npm registry, as for a user), then runs `npx roughy-mcp --version` and an MCP session over
// stdio against the installed copy: initialize, tools/list, and one tool call that starts the embedded
// sandbox (so the native and binary dependencies are exercised too). Kept as a script, not a vitest test:
// the install downloads ffmpeg/ffprobe and better-sqlite3 and takes longer than a test should.

import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const keep = process.argv.includes("--keep");

function step(name, started) {
  process.stdout.write(`ok  ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

function fail(message) {
  throw new Error(message);
}

async function main() {
  const pkg = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8"));
  const tmp = await mkdtemp(path.join(os.tmpdir(), "roughy-pack-smoke-"));
  const app = path.join(tmp, "app");
  try {
    let t = Date.now();
    const { stdout: packJson } = await run("npm", ["pack", "--json", "--pack-destination", tmp], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    const [packed] = JSON.parse(packJson.slice(packJson.indexOf("[")));
    const tarball = path.join(tmp, packed.filename);
    const files = packed.files.map((f) => f.path);
    for (const required of ["package.json", "README.md", "manifest.json", "server.json", pkg.bin["roughy-mcp"]]) {
      if (!files.includes(required)) fail(`the tarball lacks ${required}`);
    }
    step(`npm pack: ${packed.filename}, ${files.length} files, ${(packed.size / 1024).toFixed(0)} KiB`, t);

    t = Date.now();
    await run("mkdir", ["-p", app]);
    await writeFile(path.join(app, "package.json"), JSON.stringify({ name: "pack-smoke", private: true, version: "0.0.0" }));
    await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", tarball], { cwd: app, maxBuffer: 64 * 1024 * 1024 });
    step("npm install <tarball> into an empty directory", t);

    t = Date.now();
    const { stdout: version } = await run("npx", ["--no-install", "roughy-mcp", "--version"], { cwd: app });
    if (!version.includes(pkg.version)) fail(`--version printed ${JSON.stringify(version)}, expected ${pkg.version}`);
    step(`npx roughy-mcp --version → ${version.trim()}`, t);

    t = Date.now();
    const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmp, ROUGHY_SANDBOX_DIR: path.join(tmp, "sandbox") };
    const client = new Client({ name: "pack-smoke", version: "0.0.0" });
    await client.connect(new StdioClientTransport({ command: "npx", args: ["--no-install", "roughy-mcp"], cwd: app, env, stderr: "ignore" }));
    try {
      const server = client.getServerVersion();
      if (server?.version !== pkg.version) fail(`initialize answered version ${server?.version}, expected ${pkg.version}`);
      const { tools } = await client.listTools();
      if (tools.length === 0) fail("tools/list is empty");
      step(`MCP initialize (${server.name} ${server.version}) + tools/list (${tools.length} tools)`, t);

      t = Date.now();
      const probe = tools.find((tool) => tool.name === "get_credits");
      if (probe) {
        const result = await client.callTool({ name: "get_credits", arguments: {} });
        if (result.isError) fail(`get_credits failed: ${JSON.stringify(result.content)}`);
        step("get_credits through the embedded sandbox (ffmpeg, SQLite, TUS loaded from the install)", t);
      }
    } finally {
      await client.close();
    }
    process.stdout.write("pack smoke passed\n");
  } finally {
    if (keep) process.stdout.write(`kept ${tmp}\n`);
    else await rm(tmp, { recursive: true, force: true });
  }
}

const started = Date.now();
main().then(
  () => process.stdout.write(`total ${((Date.now() - started) / 1000).toFixed(1)} s\n`),
  (error) => {
    process.stderr.write(`pack smoke FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error?.stderr) process.stderr.write(String(error.stderr).slice(-4000));
    process.exitCode = 1;
  },
);
