// Both protocol eras, both transports: a 2025-11-25 client (the initialize handshake) and a 2026-07-28
// client (server/discover, the per-request _meta envelope) against the built server over stdio and against
// the HTTP mode. All four must see the same tool list and get the same answers; the era each landed on is
// read from the client, so a server that quietly served one era to both would fail here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import path from "node:path";
import { Client, StreamableHTTPClientTransport, type CallToolResult, type Tool } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { RoughyClient } from "../../src/client/index.js";
import { startHttpServer, type HttpServerHandle } from "../../src/http/server.js";
import { startTestSandbox, type TestSandbox } from "../helpers/mcp-harness.js";

const CLI = path.resolve("dist/cli.js");
const MODERN = "2026-07-28";
const LEGACY = "2025-11-25";

type Era = "legacy" | "modern";
type Opened = { client: Client; transport: string; era: Era };

let sb: TestSandbox;
let http: HttpServerHandle;
let projectId: string;
const opened: Opened[] = [];

function clientFor(era: Era): Client {
  return new Client(
    { name: `eras-${era}`, version: "0.0.0" },
    era === "modern" ? { versionNegotiation: { mode: { pin: MODERN } } } : {},
  );
}

async function openStdio(era: Era): Promise<Opened> {
  const env: Record<string, string> = { ROUGHY_API_KEY: sb.sandbox.apiKey, ROUGHY_BASE_URL: sb.sandbox.baseUrl };
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG"]) if (process.env[key]) env[key] = process.env[key]!;
  const client = clientFor(era);
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [CLI], env, stderr: "ignore" }));
  return { client, transport: "stdio", era };
}

async function openHttp(era: Era): Promise<Opened> {
  const client = clientFor(era);
  await client.connect(new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers: { authorization: `Bearer ${sb.sandbox.apiKey}` } } }));
  return { client, transport: "http", era };
}

/** What a result says, less the one part that differs by nature between two calls: the API's request id. */
function answer(result: CallToolResult): { isError: boolean; text: string[]; data: unknown } {
  return {
    isError: Boolean(result.isError),
    text: result.content.map((c) => (c.type === "text" ? c.text : JSON.stringify(c)).replace(/req_[0-9a-f]+/g, "req_…")),
    data: result.structuredContent,
  };
}

/**
 * The listing less `execution`: task support (MCP Tasks) is core vocabulary on the 2025-11-25 wire only; the
 * 2026-07-28 revision moved tasks to an extension, and the SDK's 2026 codec does not carry the field.
 */
function byName(tools: Tool[]): Tool[] {
  return [...tools].sort((a, b) => a.name.localeCompare(b.name)).map(({ execution: _execution, ...tool }) => tool as Tool);
}

beforeAll(async () => {
  expect(existsSync(CLI), "run `npm run build` first (npm test does)").toBe(true);
  sb = await startTestSandbox();
  http = await startHttpServer({ port: 0, baseUrl: sb.sandbox.baseUrl });
  const api = new RoughyClient({ apiKey: sb.sandbox.apiKey, baseUrl: sb.sandbox.baseUrl });
  projectId = (await api.projects.create({ name: "eras" })).id;
  for (const open of [openStdio, openHttp]) for (const era of ["legacy", "modern"] as const) opened.push(await open(era));
});

afterAll(async () => {
  await Promise.all(opened.map((o) => o.client.close().catch(() => {})));
  await http?.close();
  await sb?.close();
});

describe("protocol eras", () => {
  it("each client lands on the era it asked for", () => {
    for (const o of opened) {
      expect(o.client.getProtocolEra(), `${o.transport} ${o.era}`).toBe(o.era);
      expect(o.client.getNegotiatedProtocolVersion(), `${o.transport} ${o.era}`).toBe(o.era === "modern" ? MODERN : LEGACY);
    }
    expect(opened.map((o) => `${o.transport}/${o.era}`).sort()).toEqual(["http/legacy", "http/modern", "stdio/legacy", "stdio/modern"]);
  });

  it("lists the same tools in both eras on both transports", async () => {
    const raw = await Promise.all(opened.map(async (o) => (await o.client.listTools()).tools));
    for (const [i, tools] of raw.entries()) {
      const cut = tools.find((t) => t.name === "cut_to_script");
      // stdio offers Tasks (a task outlives its request there); the stateless HTTP mode does not.
      const expected = opened[i]!.era === "legacy" && opened[i]!.transport === "stdio" ? { taskSupport: "optional" } : undefined;
      expect(cut?.execution, `${opened[i]!.transport}/${opened[i]!.era}`).toEqual(expected);
    }
    const lists = raw.map(byName);
    // The HTTP mode serves remote callers (no local files), so compare within each transport first...
    const stdio = lists.filter((_, i) => opened[i]!.transport === "stdio");
    const remote = lists.filter((_, i) => opened[i]!.transport === "http");
    expect(stdio[0]!.length).toBeGreaterThanOrEqual(15);
    expect(stdio[1]).toEqual(stdio[0]);
    expect(remote[1]).toEqual(remote[0]);
    // ...and across: the same names and schemas (the descriptions may mention the remote caller).
    expect(remote[0]!.map((t) => [t.name, t.inputSchema])).toEqual(stdio[0]!.map((t) => [t.name, t.inputSchema]));
  });

  it("answers the same calls identically in both eras on both transports", async () => {
    const calls: [string, Record<string, unknown>][] = [
      ["roughy_get", { kind: "project", id: projectId }],
      ["roughy_get", { kind: "project", id: "00000000-0000-4000-8000-000000000000" }],
      ["roughy_list", { kind: "project", limit: 5 }],
      ["get_credits", { ledger_limit: 0 }],
      ["roughy_get", { kind: "no-such-kind", id: projectId }],
    ];
    for (const [name, args] of calls) {
      const answers = await Promise.all(opened.map(async (o) => answer((await o.client.callTool({ name, arguments: args })) as CallToolResult)));
      for (const [i, a] of answers.entries()) expect(a, `${name} ${JSON.stringify(args)} via ${opened[i]!.transport}/${opened[i]!.era}`).toEqual(answers[0]);
    }
    const found = answer((await opened[0]!.client.callTool({ name: "roughy_get", arguments: { kind: "project", id: projectId } })) as CallToolResult);
    expect(found.isError).toBe(false);
    expect(JSON.stringify(found.data)).toContain(projectId);
  });

  it("reads a resource the same way in both eras", async () => {
    const uri = `roughy://projects/${projectId}`;
    const reads = await Promise.all(opened.map(async (o) => (await o.client.readResource({ uri })).contents));
    for (const r of reads) expect(r).toEqual(reads[0]);
    expect(JSON.parse((reads[0]![0] as { text: string }).text).id).toBe(projectId);
  });
});
