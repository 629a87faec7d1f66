#!/usr/bin/env node
// `npm run pack:smoke`: proves that what we publish works for a user who never saw this repo, with install
// scripts blocked. Packs the tarball once (npm runs `prepare`, i.e. the build), then for each Node/npm pair
// installs it into an empty directory (dependencies from the npm registry, as for a user):
//   - this machine's Node and npm, with --ignore-scripts;
//   - Node 24 and Node 26 with npm 12 (from the registry, into throwaway prefixes under .cache/ via
//     scripts/lib/node-prefix.mjs), which block dependency install scripts by default, as `npx -y` does;
// and checks `npx roughy-mcp --version`, then drives `npx roughy-mcp` over stdio with a real MCP client:
// initialize, tools/list, and, against the embedded sandbox, an upload that probes the media, a scriptless cut
// and an mp4 render of it, downloaded and read back with an ffprobe outside the install. The server's PATH holds
// only that Node (and `sh` for npx), so the bundled media tools and SQLite engine are what run.
// Kept as a script, not a vitest test: each install downloads the media tools and takes minutes.
//   --node 24,26   only these Node majors from the registry ("local" = this machine's); default local,24,26
//   --keep         keep the temporary directory

import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { nodePrefix } from "./lib/node-prefix.mjs";

const run = promisify(execFile);
const BIG = { maxBuffer: 64 * 1024 * 1024 };
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const FIXTURE = path.join(ROOT, "test/fixtures/interview.mp4");
const CALL_TIMEOUT = { timeout: 300_000 };
const argv = process.argv.slice(2);
const keep = argv.includes("--keep");
const targets = (argv.includes("--node") ? argv[argv.indexOf("--node") + 1] : "local,24,26").split(",").filter(Boolean);

function step(name, started) {
  process.stdout.write(`ok  ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

function fail(message) {
  throw new Error(message);
}

/** A bin directory holding this machine's node, npm and npx, so that PATH can leave out everything else. */
async function localBin(dir) {
  const bin = path.join(dir, "bin-local");
  await mkdir(bin, { recursive: true });
  await symlink(process.execPath, path.join(bin, "node"));
  for (const tool of ["npm", "npx"]) {
    const { stdout } = await run("sh", ["-c", `command -v ${tool}`]);
    await symlink(await realpath(stdout.trim()), path.join(bin, tool));
  }
  return bin;
}

async function call(client, name, args) {
  const result = await client.callTool({ name, arguments: args }, undefined, CALL_TIMEOUT);
  if (result.isError) fail(`${name} failed: ${result.content?.map((c) => c.text).join(" ")}`);
  return result.structuredContent;
}

/** Follows a resource with the wait tool until it leaves its working states. */
async function settle(client, kind, view) {
  let current = view;
  while (["pending_upload", "processing", "pending"].includes(current.state)) {
    const waited = await call(client, "roughy_wait", { kind, id: current.id, wait_seconds: 50 });
    current = waited.resource ?? waited[kind] ?? fail(`wait answered ${JSON.stringify(waited)}`);
  }
  return current;
}

/** ffprobe from outside the install (the system's), as ground truth for the render; null when there is none. */
async function probe(file) {
  try {
    const { stdout } = await run("ffprobe", ["-v", "error", "-show_entries", "format=duration:stream=codec_type", "-of", "json", file]);
    const json = JSON.parse(stdout);
    return { duration: Number(json.format.duration), streams: json.streams.map((s) => s.codec_type).sort() };
  } catch (error) {
    if (error?.code === "ENOENT") return null;
    throw error;
  }
}

async function smoke({ label, bin, installArgs, npmEnv = {} }, tarball, pkg, tmp) {
  const app = path.join(tmp, `app-${label.replace(/\W+/g, "-")}`);
  await mkdir(app, { recursive: true });
  await writeFile(path.join(app, "package.json"), JSON.stringify({ name: "pack-smoke", private: true, version: "0.0.0" }));
  // Only the chosen Node and `sh` (npx runs bins through it) on PATH; no user npm config (allow-scripts there
  // would weaken the test).
  const tools = path.join(tmp, "tools");
  const env = {
    ...npmEnv,
    PATH: [bin, tools].join(path.delimiter),
    HOME: process.env.HOME ?? tmp,
    npm_config_userconfig: path.join(tmp, "npmrc"),
    npm_config_update_notifier: "false",
  };
  const { stdout: versions } = await run("sh", ["-c", "echo $(node --version) npm $(npm --version)"], { env });
  process.stdout.write(`--- ${label}: Node ${versions.trim()}\n`);

  let t = Date.now();
  const install = await run("npm", ["install", "--no-audit", "--no-fund", ...installArgs, tarball], { cwd: app, env, ...BIG });
  // npm 12 names each package whose script it skipped: "install-scripts   <name>@<version> (postinstall: …)".
  const output = install.stdout + install.stderr;
  const blocked = [...output.matchAll(/install-scripts\s+(\S+@\S+) \((?:preinstall|install|postinstall):/g)].map((m) => m[1]);
  step(`npm install <tarball> into an empty directory${installArgs.length ? ` (${installArgs.join(" ")})` : `: scripts blocked for ${blocked.join(", ")}`}`, t);
  if (!installArgs.includes("--ignore-scripts") && blocked.length === 0) {
    fail(`npm did not report blocking any install script, so this run proves nothing; output:\n${output}`);
  }

  t = Date.now();
  const { stdout: version } = await run("npx", ["--no-install", "roughy-mcp", "--version"], { cwd: app, env });
  if (!version.includes(pkg.version)) fail(`--version printed ${JSON.stringify(version)}, expected ${pkg.version}`);
  step(`npx roughy-mcp --version → ${version.trim()}`, t);

  t = Date.now();
  await copyFile(FIXTURE, path.join(app, "interview.mp4"));
  const serverEnv = { ...env, ROUGHY_SANDBOX_DIR: path.join(app, ".sandbox") };
  const client = new Client({ name: "pack-smoke", version: "0.0.0" });
  let stderr = "";
  const transport = new StdioClientTransport({ command: "npx", args: ["--no-install", "roughy-mcp"], cwd: app, env: serverEnv, stderr: "pipe" });
  transport.stderr?.on("data", (chunk) => void (stderr += String(chunk)));
  await client.connect(transport);
  try {
    const server = client.getServerVersion();
    if (server?.version !== pkg.version) fail(`initialize answered version ${server?.version}, expected ${pkg.version}`);
    const { tools: listed } = await client.listTools();
    if (listed.length === 0) fail("tools/list is empty");
    step(`MCP initialize (${server.name} ${server.version}) + tools/list (${listed.length} tools)`, t);

    t = Date.now();
    const up = await call(client, "upload_media", { path: "interview.mp4", confirm_cost: true, wait_seconds: 50 });
    const asset = await settle(client, "asset", up.asset);
    if (asset.state !== "ready") fail(`the asset ended ${asset.state}: ${JSON.stringify(asset)}`);
    if (!(Math.abs(asset.duration_seconds - 31.7) < 0.5)) fail(`the probed duration is ${asset.duration_seconds} s, expected about 31.7`);
    step(`upload_media → asset ready, probed ${asset.duration_seconds} s`, t);

    t = Date.now();
    const made = await call(client, "create_cut", { asset_id: asset.id, wait_seconds: 50 });
    const cut = await settle(client, "cut", made.cut);
    if (cut.state !== "completed") fail(`the cut ended ${cut.state}: ${JSON.stringify(cut)}`);
    const { segments } = await call(client, "roughy_get", { kind: "cut", id: cut.id });
    const kept = segments?.kept_seconds ?? made.segments?.kept_seconds;
    if (!(kept > 0 && kept < asset.duration_seconds)) fail(`the cut keeps ${kept} s of ${asset.duration_seconds} s`);
    step(`create_cut (scriptless) → completed, keeps ${kept.toFixed(1)} s`, t);

    t = Date.now();
    const rendered = await call(client, "create_render", { asset_id: asset.id, cut_id: cut.id, output: "mp4", wait_seconds: 50 });
    const render = await settle(client, "render", rendered.render);
    if (render.state !== "completed") fail(`the render ended ${render.state}: ${JSON.stringify(render)}`);
    const saved = await call(client, "download_render", { render_id: render.id, save_to: "cut.mp4" });
    const facts = await probe(saved.saved_to);
    if (facts) {
      if (facts.streams.join(",") !== "audio,video") fail(`the render has streams ${facts.streams.join(",")}`);
      if (!(Math.abs(facts.duration - kept) < 0.5)) fail(`the render lasts ${facts.duration} s, the cut keeps ${kept} s`);
    }
    step(`create_render mp4 + download_render → ${saved.bytes} bytes${facts ? `, ffprobe: ${facts.streams.join("+")}, ${facts.duration.toFixed(2)} s` : ""}`, t);
  } catch (error) {
    process.stderr.write(`server log (last lines):\n${stderr.split("\n").slice(-30).join("\n")}\n`);
    throw error;
  } finally {
    await client.close();
  }
}

async function main() {
  const pkg = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8"));
  const tmp = await mkdtemp(path.join(os.tmpdir(), "roughy-pack-smoke-"));
  try {
    await writeFile(path.join(tmp, "npmrc"), "");
    await mkdir(path.join(tmp, "tools"));
    await symlink("/bin/sh", path.join(tmp, "tools", "sh"));

    let t = Date.now();
    const { stdout: packJson } = await run("npm", ["pack", "--json", "--pack-destination", tmp], { cwd: ROOT, ...BIG });
    const [packed] = JSON.parse(packJson.slice(packJson.indexOf("[")));
    const tarball = path.join(tmp, packed.filename);
    const files = packed.files.map((f) => f.path);
    for (const required of ["package.json", "README.md", "manifest.json", "server.json", pkg.bin["roughy-mcp"]]) {
      if (!files.includes(required)) fail(`the tarball lacks ${required}`);
    }
    step(`npm pack: ${packed.filename}, ${files.length} files, ${(packed.size / 1024).toFixed(0)} KiB`, t);

    for (const target of targets) {
      if (target === "local") {
        await smoke({ label: "this machine", bin: await localBin(tmp), installArgs: ["--ignore-scripts"] }, tarball, pkg, tmp);
      } else {
        t = Date.now();
        const prefix = await nodePrefix({ node: target, npm: "12" });
        step(`Node ${target} + npm 12 from the registry (cached under .cache/)`, t);
        const { PATH: _path, ...npmEnv } = prefix.env({});
        await smoke({ label: `node ${target} npm 12`, bin: prefix.bin, installArgs: [], npmEnv }, tarball, pkg, tmp);
      }
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
    if (error?.stdout) process.stderr.write(String(error.stdout).slice(-4000));
    process.exitCode = 1;
  },
);
