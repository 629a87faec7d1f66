// The bundled command (dist/cli.js, esbuild's output of scripts/bundle-cli.mjs) against the unbundled sources
// (src/cli.ts through tsx), each spawned over stdio as a host does, in the default sandbox mode: the bundle must
// list the same tools in both protocol eras, and still find the files it reads beside its modules (the built
// cut-timeline view, compared byte for byte with the file on disk).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client, type Tool } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";

const CLI = path.resolve("dist/cli.js");
const SOURCE = path.resolve("src/cli.ts");
const VIEW = path.resolve("dist/app/cut-timeline.html");
const CUT_TIMELINE_URI = "ui://roughy/cut-timeline.html";

let dir: string;
const clients: Client[] = [];

async function open(args: string[], era: "legacy" | "modern"): Promise<Client> {
  const env: Record<string, string> = { ROUGHY_SANDBOX_DIR: dir };
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG"]) if (process.env[key]) env[key] = process.env[key]!;
  const client = new Client({ name: "bundle-test", version: "0.0.0" }, era === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {});
  await client.connect(new StdioClientTransport({ command: process.execPath, args, env, stderr: "ignore" }));
  clients.push(client);
  return client;
}

/** Sorted by name, less `execution`, which only the 2025-11-25 wire carries. */
function listing(tools: Tool[]): Tool[] {
  return [...tools].sort((a, b) => a.name.localeCompare(b.name)).map(({ execution: _execution, ...tool }) => tool as Tool);
}

beforeAll(() => {
  expect(existsSync(CLI), "run `npm run build` first (npm test does)").toBe(true);
  expect(readFileSync(CLI, "utf8"), "dist/cli.js is tsc's output, not the bundle").toContain("cli-chunk-");
  dir = mkdtempSync(path.join(os.tmpdir(), "roughy-bundle-"));
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => {})));
  rmSync(dir, { recursive: true, force: true });
});

describe("bundled command", () => {
  it("lists the same tools as the unbundled sources, in both eras", async () => {
    const [legacy, modern, source] = await Promise.all([open([CLI], "legacy"), open([CLI], "modern"), open(["--import", "tsx", SOURCE], "legacy")]);
    expect([legacy.getProtocolEra(), modern.getProtocolEra()]).toEqual(["legacy", "modern"]);
    const expected = listing((await source.listTools()).tools);
    expect(expected.length).toBeGreaterThan(10);
    expect(listing((await legacy.listTools()).tools)).toEqual(expected);
    expect(listing((await modern.listTools()).tools)).toEqual(expected);
  });

  it("serves the built cut-timeline view from dist/app", async () => {
    const client = await open([CLI], "legacy");
    const { contents } = await client.readResource({ uri: CUT_TIMELINE_URI });
    expect(contents).toHaveLength(1);
    expect((contents[0] as { text?: string }).text).toBe(readFileSync(VIEW, "utf8"));
  });
});
