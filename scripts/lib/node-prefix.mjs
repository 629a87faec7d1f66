#!/usr/bin/env node
// A Node (and optionally an npm) other than the one running, for scripts that must prove something on another
// release line: the conformance suite (needs Node 22) and the pack smoke test (a user's install with Node 24 and
// npm 12). Both come from the npm registry as packages (`node-<platform>-<arch>@<major>`, `npm@<major>`), the
// one registry every machine here reaches, into throwaway prefixes under .cache/ (git-ignored) that later runs
// reuse. Nothing is added to package.json: these are tools of the scripts, not of the project.
//
// As a module: `await nodePrefix({ node: "24", npm: "12" })` → { bin, node, env(base) }.
// As a command: `node scripts/lib/node-prefix.mjs --node 22 [--npm 12]` prints the bin directory (which holds
// `node`, and `npm`/`npx` when asked for) on stdout; progress goes to stderr.

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rename, rm, symlink } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const DEFAULT_CACHE = process.env.NODE_PREFIX_CACHE ?? path.join(ROOT, ".cache", "node-prefix");

/** The registry's name for the Node binary package of this machine (the `node` package's own per-platform parts). */
function nodePackage() {
  const os = process.platform === "win32" ? "win" : process.platform;
  return `node-${os}-${process.arch}`;
}

/**
 * Installs `spec` into `<cache>/<name>` once. The install goes to a scratch directory first and is renamed into
 * place when complete, so an interrupted run never leaves a half prefix that later runs would trust.
 */
async function ensurePackage(cache, name, spec, probe) {
  const dir = path.join(cache, name);
  if (existsSync(path.join(dir, probe))) return dir;
  const scratch = `${dir}.partial-${process.pid}`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  process.stderr.write(`node-prefix: installing ${spec} into ${path.relative(ROOT, dir)}\n`);
  await run("npm", ["install", "--prefix", scratch, "--no-save", "--no-audit", "--no-fund", "--loglevel=error", spec], {
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!existsSync(path.join(scratch, probe))) throw new Error(`installing ${spec} did not produce ${probe}`);
  await rm(dir, { recursive: true, force: true });
  await rename(scratch, dir);
  return dir;
}

async function link(target, at) {
  await rm(at, { force: true });
  await symlink(target, at);
}

/**
 * A bin directory with `node` of the given major and, when `npm` is given, `npm` and `npx` of that major run by
 * that node. Put it first on PATH (see env) so that `#!/usr/bin/env node` scripts, npx and npm lifecycle scripts
 * all run on it.
 */
export async function nodePrefix({ node, npm, cache = DEFAULT_CACHE }) {
  await mkdir(cache, { recursive: true });
  const pkg = nodePackage();
  const nodeDir = await ensurePackage(cache, `node-${node}`, `${pkg}@${node}`, `node_modules/${pkg}/bin/node`);
  const bin = path.join(cache, `bin-node${node}${npm ? `-npm${npm}` : ""}`);
  await mkdir(bin, { recursive: true });
  await link(path.join(nodeDir, "node_modules", pkg, "bin", "node"), path.join(bin, "node"));
  if (npm) {
    const npmDir = await ensurePackage(cache, `npm-${npm}`, `npm@${npm}`, "node_modules/npm/bin/npm-cli.js");
    await link(path.join(npmDir, "node_modules", "npm", "bin", "npm-cli.js"), path.join(bin, "npm"));
    await link(path.join(npmDir, "node_modules", "npm", "bin", "npx-cli.js"), path.join(bin, "npx"));
  }
  // The prefix's npm would read its global config from inside the prefix, where there is none: point it at the
  // machine npm's (which may hold a CA file or a registry mirror) so that it reaches the registry the same way.
  const machineNpm = npm ? await machineNpmConfig() : {};
  return {
    bin,
    node: path.join(bin, "node"),
    /** `base` (default: this process's environment) with the prefix first on PATH. */
    env: (base = process.env) => ({ ...base, ...machineNpm, PATH: `${bin}${path.delimiter}${base.PATH ?? ""}` }),
  };
}

async function machineNpmConfig() {
  const get = async (key) => (await run("npm", ["config", "get", key])).stdout.trim();
  const config = { npm_config_registry: await get("registry") };
  const globalconfig = await get("globalconfig");
  if (existsSync(globalconfig)) config.npm_config_globalconfig = globalconfig;
  return config;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const value = (flag) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const node = value("--node");
  if (!node) {
    process.stderr.write("usage: node scripts/lib/node-prefix.mjs --node <major> [--npm <major>]\n");
    process.exit(2);
  }
  nodePrefix({ node, npm: value("--npm") }).then(
    (prefix) => process.stdout.write(`${prefix.bin}\n`),
    (error) => {
      process.stderr.write(`node-prefix: ${error instanceof Error ? error.message : String(error)}\n`);
      if (error?.stderr) process.stderr.write(String(error.stderr).slice(-4000));
      process.exit(1);
    },
  );
}
