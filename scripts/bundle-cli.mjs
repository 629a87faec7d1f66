#!/usr/bin/env node
// The last build step: bundles the `roughy-mcp` command (src/cli.ts) over tsc's dist/cli.js, so that a host
// spawning the server reads a few files instead of resolving hundreds of modules. Code splitting keeps each
// lazily imported part (the server, the sandbox, the HTTP entry) in a chunk of its own that loads only when
// the first request needing it arrives. dist/client and dist/sandbox stay tsc's output: they are the library
// exports, and the bundle does not import them.

import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIST = path.join(ROOT, "dist");
const CHUNK_PREFIX = "cli-chunk-";

// Left to node_modules: packages that find files beside themselves at run time (the platform's ffmpeg and
// ffprobe binaries, the SQLite engine's .wasm), and the Redis client, which only a replicated HTTP deployment
// loads and which probes optional packages (@node-rs/xxhash) that are not installed.
const EXTERNAL = ["@ffmpeg-installer/*", "@ffprobe-installer/*", "node-sqlite3-wasm", "redis", "@redis/*"];

/**
 * Modules that locate files relative to themselves (the built view next to dist/app/) keep doing so from
 * where tsc would have put them: every output file sits directly in dist/, so `import.meta.url` there is
 * re-pointed at the module's own dist path.
 */
const keepModuleUrls = {
  name: "roughy-module-urls",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      if (!source.includes("import.meta.url")) return undefined;
      const own = path.relative(path.join(ROOT, "src"), args.path).replace(/\\/g, "/").replace(/\.ts$/, ".js");
      return { contents: source.replaceAll("import.meta.url", `new URL(${JSON.stringify(`./${own}`)}, import.meta.url).href`), loader: "ts" };
    });
  },
};

// zod re-exports every locale through one barrel (`z.locales`): some 300 KB of messages the server never shows,
// parsed at every start. Only English (zod's default) is kept, as the view's build does (ui/vite.config.ts).
const englishOnlyZod = {
  name: "roughy-zod-locales-en",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer) ? { path: "zod-locales-en", namespace: "roughy-zod" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "roughy-zod" }, () => ({
      contents: `export { default as en } from "zod/v4/locales/en.js";`,
      resolveDir: ROOT,
      loader: "js",
    }));
  },
};

/**
 * The SDK takes its default JSON Schema validator from its own `_shims` entry, which on Node evaluates ajv (three
 * dialects and ajv-formats, ~7,000 lines) at import: a large share of the server's start-up, for a validator
 * most sessions never use. The server passes its own lazy validator (src/server/lazy-json-schema-validator.ts);
 * here the same one becomes the SDK's default, so that the shim no longer pulls ajv into the start-up at all.
 * That entry is where the SDK itself picks a different validator for workerd and browsers.
 */
const lazyJsonSchemaValidator = {
  name: "roughy-lazy-json-schema-validator",
  setup(b) {
    b.onResolve({ filter: /^@modelcontextprotocol\/server\/_shims$/ }, () => ({ path: "sdk-shims-node", namespace: "roughy-shims" }));
    b.onLoad({ filter: /.*/, namespace: "roughy-shims" }, () => ({
      contents: [
        `export { LazyJsonSchemaValidator as DefaultJsonSchemaValidator } from "./src/server/lazy-json-schema-validator.ts";`,
        `export { default as process } from "node:process";`,
      ].join("\n"),
      resolveDir: ROOT,
      loader: "js",
    }));
  },
};

/**
 * The tools' listed JSON Schemas, converted once here (from tsc's output of the same sources, with the server's
 * own function) instead of at every start; the bundle carries them inline, and dist/listing-schemas.json keeps
 * a copy that test/integration/precomputed-listing.test.ts compares with a live conversion.
 */
async function listingSchemas() {
  const load = (file) => import(pathToFileURL(path.join(DIST, file)).href);
  const [{ TOOL_LIST }, { APP_TOOLS }, { listedSchemasOf }] = await Promise.all([
    load("tools/index.js"),
    load("app/register-app.js"),
    load("server/register-tools.js"),
  ]);
  return Object.fromEntries([...TOOL_LIST, ...APP_TOOLS].map((tool) => [tool.name, listedSchemasOf(tool)]));
}

const LISTING_FILE = path.join(DIST, "listing-schemas.json");
const listing = JSON.stringify(await listingSchemas());
await writeFile(LISTING_FILE, `${listing}\n`);

const precomputedListing = {
  name: "roughy-precomputed-listing",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]server[\\/]precomputed-listing\.ts$/ }, () => ({
      // A JSON.parse of a string literal reads faster than the same object written as JavaScript.
      contents: `export const PRECOMPUTED_SCHEMAS = JSON.parse(${JSON.stringify(listing)});`,
      loader: "js",
    }));
  },
};

/**
 * Code on the start-up path (the operations under the tools) imports an error class, a helper or a resume store
 * through the client's barrel (src/client/index.ts), and the bundle would then load the whole client there
 * (undici, tus-js-client, eventsource: about 1 MB) for them. Those static imports get the barrel without the
 * modules that bring those in (the RoughyClient class and its transports); the client itself still arrives, whole, through the backend's lazy import on the first
 * tool call. The HTTP mode (loaded only with --http) builds clients and keeps the full barrel. Should start-up
 * code ever need one of the left-out exports, the build stops with esbuild's "No matching export" instead of going quiet.
 */
const CLIENT_BARREL = path.join(ROOT, "src", "client", "index.ts");
/** The client's modules that import undici, tus-js-client or eventsource (directly or through each other). */
const HEAVY_CLIENT_MODULES = ["client.js", "http.js", "uploads.js", "events.js"];
const clientWithoutClass = {
  name: "roughy-client-barrel-without-class",
  setup(b) {
    b.onResolve({ filter: /[\\/]client[\\/]index\.js$/ }, (args) => {
      if (args.kind !== "import-statement" || !/[\\/]src[\\/]/.test(args.importer) || /[\\/]src[\\/](client|http)[\\/]/.test(args.importer)) return undefined;
      if (path.resolve(args.resolveDir, args.path.replace(/\.js$/, ".ts")) !== CLIENT_BARREL) return undefined;
      return { path: CLIENT_BARREL, namespace: "roughy-client-light" };
    });
    b.onLoad({ filter: /.*/, namespace: "roughy-client-light" }, async () => ({
      contents: (await readFile(CLIENT_BARREL, "utf8"))
        .split("\n")
        .filter((line) => !HEAVY_CLIENT_MODULES.some((module) => line.includes(`from "./${module}"`)))
        .join("\n"),
      resolveDir: path.dirname(CLIENT_BARREL),
      loader: "ts",
    }));
  },
};

for (const name of (await import("node:fs")).readdirSync(DIST)) {
  if (name.startsWith(CHUNK_PREFIX)) await rm(path.join(DIST, name));
}

await build({
  absWorkingDir: ROOT,
  entryPoints: { cli: "src/cli.ts" },
  outdir: DIST,
  chunkNames: `${CHUNK_PREFIX}[hash]`,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  external: EXTERNAL,
  plugins: [precomputedListing, keepModuleUrls, englishOnlyZod, lazyJsonSchemaValidator, clientWithoutClass],
  // CommonJS dependencies inside an ES module bundle still call require() for Node's built-ins.
  banner: { js: `import { createRequire as __roughyRequire } from "node:module"; const require = __roughyRequire(import.meta.url);` },
  legalComments: "none",
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
});
