// The bundled server lists tools from JSON Schemas converted at build time (src/server/precomputed-listing.ts).
// Here that table is held against a live conversion of every definition, byte for byte, and the built server's
// whole tools/list answer against the one an in-process server builds from the sources, for a host with and
// without MCP Apps (which also sees the app-only tool): a stale or wrong table fails one or the other.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Client, type Tool } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/server";
import { TOOL_LIST } from "../../src/tools/index.js";
import { APP_TOOLS } from "../../src/app/register-app.js";
import { listedSchemasOf } from "../../src/server/register-tools.js";
import { connect } from "../helpers/mcp-harness.js";

const CLI = path.resolve("dist/cli.js");
const TABLE = path.resolve("dist/listing-schemas.json");
const MCP_APPS = { extensions: { "io.modelcontextprotocol/ui": { mimeTypes: [RESOURCE_MIME_TYPE] } } };

/** tools/list from `node dist/cli.js` over stdio; a key to an address nothing listens on, as listing calls no API. */
async function builtListing(capabilities: Record<string, unknown>): Promise<Tool[]> {
  const env: Record<string, string> = { ROUGHY_API_KEY: "sk_test_unreachable", ROUGHY_BASE_URL: "http://127.0.0.1:9" };
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG"]) if (process.env[key]) env[key] = process.env[key]!;
  const client = new Client({ name: "precomputed-listing", version: "0.0.0" }, { capabilities });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [CLI], env, stderr: "ignore" }));
  try {
    return (await client.listTools()).tools;
  } finally {
    await client.close();
  }
}

async function liveListing(capabilities: Record<string, unknown>): Promise<Tool[]> {
  const conn = await connect({ capabilities });
  try {
    return (await conn.client.listTools()).tools;
  } finally {
    await conn.close();
  }
}

describe("precomputed tools/list schemas", () => {
  it("the build's table is a live conversion of every tool, byte for byte, and nothing else", () => {
    const table = JSON.parse(readFileSync(TABLE, "utf8")) as Record<string, unknown>;
    const tools = [...TOOL_LIST, ...APP_TOOLS];
    expect(Object.keys(table).sort()).toEqual(tools.map((tool) => tool.name).sort());
    for (const tool of tools) {
      expect(JSON.stringify(table[tool.name]), tool.name).toBe(JSON.stringify(listedSchemasOf(tool)));
    }
  });

  it.each([
    ["a host without MCP Apps", {}],
    ["an MCP Apps host", MCP_APPS],
  ])("the built server lists exactly what the sources declare, for %s", async (_host, capabilities) => {
    const [built, live] = await Promise.all([builtListing(capabilities), liveListing(capabilities)]);
    expect(built.map((tool) => tool.name)).toEqual(live.map((tool) => tool.name));
    expect(built.length).toBeGreaterThan(0);
    // Byte for byte, key order included: what a host hashes or caches is the text.
    built.forEach((tool, i) => expect(JSON.stringify(tool), tool.name).toBe(JSON.stringify(live[i])));
  });
});
