// What `npm pack` ships and what the shipped code loads at run time: a user who runs `npx roughy-mcp`
// gets only `dependencies`, so an import of a dev-only package (or a relative import without its `.js`)
// would work in this repo and break for them. Needs `npm run build` first (`npm test` does it).

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DIST = path.join(ROOT, "dist");

type Pkg = {
  name: string;
  bin: Record<string, string>;
  files: string[];
  main?: string;
  exports: Record<string, string | { types?: string; default: string }>;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  engines?: { node?: string };
};

const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as Pkg;

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

// Specifiers of static imports/exports, dynamic imports with a literal, and require() calls in emitted JS.
const SPECIFIER_PATTERNS = [
  /(?:^|[;\s}])(?:import|export)\s[^'"`;]*?\sfrom\s*["']([^"']+)["']/g,
  /(?:^|[;\s])import\s*["']([^"']+)["']/g,
  /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  /\brequire(?:\.resolve)?\s*\(\s*["']([^"']+)["']\s*\)/g,
];

function importSpecifiers(code: string): string[] {
  const found = new Set<string>();
  for (const pattern of SPECIFIER_PATTERNS) for (const m of code.matchAll(pattern)) found.add(m[1]!);
  return [...found];
}

/**
 * The bundled command (dist/cli.js and its chunks, scripts/bundle-cli.mjs) holds its dependencies' code, with
 * their comments and the require() calls ajv writes into generated source as strings: only the imports esbuild
 * emitted at statement level are the bundle's own.
 */
function bundleImports(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/^(?:import|export)\s[^;]*?from\s*"([^"]+)";/gm)) found.add(m[1]!);
  for (const m of code.matchAll(/^import\s*"([^"]+)";/gm)) found.add(m[1]!);
  for (const m of code.matchAll(/\bimport\("([^"]+)"\)/g)) found.add(m[1]!);
  return [...found];
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

const BUILTINS = new Set(builtinModules);
function isBuiltin(specifier: string): boolean {
  return specifier.startsWith("node:") || BUILTINS.has(specifier) || BUILTINS.has(packageName(specifier));
}

function distFiles(): string[] {
  if (!existsSync(path.join(DIST, "cli.js"))) throw new Error("dist/cli.js is missing: run `npm run build` first");
  return walk(DIST).filter((f) => f.endsWith(".js"));
}

describe("package.json", () => {
  it("ships dist, the README and both registry descriptors, and builds on prepare", () => {
    expect(pkg.files).toEqual(expect.arrayContaining(["dist", "README.md", "manifest.json", "server.json"]));
    expect(pkg.scripts.prepare).toMatch(/\bnpm run build\b|\btsc\b/);
    expect(pkg.bin).toEqual({ "roughy-mcp": "dist/cli.js" });
    expect(pkg.engines?.node).toBeDefined();
  });

  it("exports only files the build emits", () => {
    const targets = Object.values(pkg.exports).flatMap((t) => (typeof t === "string" ? [t] : [t.default, t.types ?? t.default]));
    for (const target of targets) {
      if (target === "./package.json") continue;
      expect(target.startsWith("./dist/"), target).toBe(true);
      const src = target.replace(/^\.\/dist\//, "src/").replace(/\.d\.ts$|\.js$/, ".ts");
      expect(existsSync(path.join(ROOT, src)), `${target} has no source ${src}`).toBe(true);
    }
  });
});

describe("the packed tarball", () => {
  it("contains the entry point and descriptors and nothing from src, test, bench or scripts", () => {
    distFiles();
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" });
    const [report] = JSON.parse(out) as [{ files: { path: string }[] }];
    const paths = report.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(["package.json", "README.md", "manifest.json", "server.json", "dist/cli.js"]));
    const stray = paths.filter((p) => !p.startsWith("dist/") && !["package.json", "README.md", "manifest.json", "server.json", "LICENSE"].includes(p));
    expect(stray).toEqual([]);
    expect(paths.filter((p) => /\.test\.|\.map$|\.tgz$/.test(p))).toEqual([]);
  });
});

describe("dist at run time", () => {
  it("starts the bin with a node shebang", () => {
    distFiles();
    const head = readFileSync(path.join(ROOT, pkg.bin["roughy-mcp"]!), "utf8").split("\n", 1)[0];
    expect(head).toBe("#!/usr/bin/env node");
  });

  it("imports only node built-ins, `dependencies` and relative files that exist", () => {
    const deps = new Set(Object.keys(pkg.dependencies));
    const problems: string[] = [];
    for (const file of distFiles()) {
      const rel = path.relative(ROOT, file);
      const code = readFileSync(file, "utf8");
      const bundled = path.dirname(file) === DIST && /^cli(-chunk-[A-Z0-9]+)?\.js$/.test(path.basename(file));
      for (const spec of bundled ? bundleImports(code) : importSpecifiers(code)) {
        if (spec.startsWith(".")) {
          if (!existsSync(path.resolve(path.dirname(file), spec))) problems.push(`${rel}: ${spec} does not exist`);
        } else if (!isBuiltin(spec) && !deps.has(packageName(spec))) {
          const where = pkg.devDependencies[packageName(spec)] ? "a devDependency" : "not a dependency";
          problems.push(`${rel}: ${spec} is ${where}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("the scanner sees every import form (so the check above can fail)", () => {
    const code = [
      'import { a } from "vitest";',
      'import "./side.js";',
      'export * from "../x.js";',
      'const m = await import("fast-check");',
      'const f = require("@ffmpeg-installer/ffmpeg");',
      'import {\n  b,\n  c,\n} from "node:fs";',
    ].join("\n");
    expect(importSpecifiers(code).sort()).toEqual(
      ["../x.js", "./side.js", "@ffmpeg-installer/ffmpeg", "fast-check", "node:fs", "vitest"].sort(),
    );
  });
});
