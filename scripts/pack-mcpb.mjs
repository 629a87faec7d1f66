#!/usr/bin/env node
// `node scripts/pack-mcpb.mjs [outDir]` (default .cache/bundles): builds the MCP bundle (.mcpb) that a desktop host installs in one
// click. A bundle carries its node_modules, and ours hold native code (better-sqlite3) and a platform's
// ffmpeg/ffprobe binaries, so a bundle serves the platform it was built on: run this once per platform
// (CI matrix) and the staged manifest says which one. Stages exactly what npm publishes (the packed
// tarball), adds production dependencies only, validates the manifest, packs, and starts the staged server
// once over stdio (initialize + tools/list) before calling the bundle good.

import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BIG = { maxBuffer: 64 * 1024 * 1024 };
const MCPB = path.join(ROOT, "node_modules", ".bin", "mcpb");

async function main() {
  const outDir = path.resolve(process.argv[2] ?? path.join(ROOT, ".cache", "bundles"));
  const pkg = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8"));
  const tmp = await mkdtemp(path.join(os.tmpdir(), "roughy-mcpb-"));
  const stage = path.join(tmp, "package");
  try {
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", tmp], { cwd: ROOT, ...BIG });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf("[")));
    await run("tar", ["-xzf", path.join(tmp, packed.filename), "-C", tmp]);

    // --ignore-scripts keeps our own `prepare` (a build needing dev tools) from running; no dependency needs its
    // install script to work (SQLite is node:sqlite or WebAssembly).
    await run("npm", ["install", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"], { cwd: stage, ...BIG });

    const manifest = JSON.parse(await readFile(path.join(stage, "manifest.json"), "utf8"));
    manifest.compatibility = { ...manifest.compatibility, platforms: [process.platform] };
    await writeFile(path.join(stage, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    await run(MCPB, ["validate", path.join(stage, "manifest.json")]);

    const client = new Client({ name: "pack-mcpb", version: "0.0.0" });
    const entry = path.join(stage, manifest.server.entry_point);
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [entry], cwd: tmp, stderr: "ignore", env: { PATH: process.env.PATH ?? "", HOME: tmp } }));
    const { tools } = await client.listTools();
    await client.close();
    if (tools.length === 0) throw new Error("the staged server lists no tools");

    await mkdir(outDir, { recursive: true });
    const out = path.join(outDir, `${pkg.name}-${pkg.version}-${process.platform}-${process.arch}.mcpb`);
    await run(MCPB, ["pack", stage, out], BIG);
    process.stdout.write(`wrote ${out} (${tools.length} tools)\n`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`pack-mcpb FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  if (error?.stderr) process.stderr.write(String(error.stderr).slice(-4000));
  if (error?.stdout) process.stderr.write(String(error.stdout).slice(-4000));
  process.exitCode = 1;
});
