// The built server (`node dist/cli.js`, what an MCP client actually launches) over real stdio: remote mode
// against a test sandbox through ROUGHY_API_KEY / ROUGHY_BASE_URL, and sandbox mode without a key, where
// the embedded sandbox starts lazily on the first tool call and says so. `npm test` builds dist first.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { type CallToolResult } from "@modelcontextprotocol/client";
import { CALL_TIMEOUT_MS, FIXTURE_MP4, startTestSandbox, textOf, type TestSandbox } from "../helpers/mcp-harness.js";

const CLI = path.resolve("dist/cli.js");
let sb: TestSandbox;
let work: string;

function baseEnv(): Record<string, string> {
  // Only what a launcher would pass: no inherited ROUGHY_* from the developer's shell.
  const env: Record<string, string> = {};
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG"]) if (process.env[key]) env[key] = process.env[key]!;
  env.ROUGHY_UPLOAD_STORE = path.join(work, ".uploads.json");
  return env;
}

async function start(env: Record<string, string>): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "--allow-dir", work], env, stderr: "pipe" });
  let err = "";
  transport.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const client = new Client({ name: "stdio-test", version: "0.0.0" });
  await client.connect(transport);
  return { client, stderr: () => err };
}

beforeAll(async () => {
  expect(existsSync(CLI), "run `npm run build` first (npm test does)").toBe(true);
  sb = await startTestSandbox();
  work = await mkdtemp(path.join(tmpdir(), "roughy-mcp-stdio-"));
  await copyFile(FIXTURE_MP4, path.join(work, "interview.mp4"));
});

afterAll(async () => {
  await sb?.close();
  await rm(work, { recursive: true, force: true });
});

describe("stdio", () => {
  it("remote mode: initialize, tools/list, a tool call against the configured API", async () => {
    const { client } = await start({ ...baseEnv(), ROUGHY_API_KEY: sb.sandbox.apiKey, ROUGHY_BASE_URL: sb.sandbox.baseUrl });
    try {
      expect(client.getInstructions()).toContain("Backend: the Roughy API");
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain("upload_media");
      const r = (await client.callTool({ name: "estimate_cost", arguments: { path: "interview.mp4" } })) as CallToolResult;
      expect(r.isError, textOf(r)).toBeFalsy();
      expect((r.structuredContent as { credits: number; mode: string }).mode).toBe("remote");
      const credits = (await client.callTool({ name: "get_credits", arguments: {} })) as CallToolResult;
      expect(textOf(credits)).not.toContain(sb.sandbox.apiKey);
    } finally {
      await client.close();
    }
  });

  it("sandbox mode: no key, the embedded sandbox starts on the first tool call and announces itself", async () => {
    const dataDir = path.join(work, "sandbox-data");
    const { client, stderr } = await start({ ...baseEnv(), ROUGHY_SANDBOX_DIR: dataDir, ROUGHY_API_KEY: "" });
    try {
      expect(client.getInstructions()).toContain("embedded offline sandbox");
      // Lazy: initialize and tools/list did not start it.
      await client.listTools();
      expect(existsSync(dataDir)).toBe(false);
      const logs: string[] = [];
      client.setNotificationHandler("notifications/message", (n) => void logs.push(String(n.params.data)));
      const r = (await client.callTool({ name: "get_credits", arguments: {} })) as CallToolResult;
      expect(r.isError, textOf(r)).toBeFalsy();
      expect((r.structuredContent as { mode: string; balance: number }).mode).toBe("sandbox");
      expect(existsSync(dataDir)).toBe(true);
      expect(logs.join("\n") + stderr()).toContain("Started the offline Roughy sandbox");
      // Real media work in the child (ffprobe, ffmpeg) must not write a byte to stdout, the protocol stream.
      const up = (await client.callTool(
        { name: "upload_media", arguments: { path: "interview.mp4", wait_seconds: 50 } },
        { timeout: CALL_TIMEOUT_MS },
      )) as CallToolResult;
      expect(up.isError, textOf(up)).toBeFalsy();
      // No confirmation in sandbox mode: its credits are simulated.
      const asset = (up.structuredContent as { asset: { id: string; state: string } }).asset;
      expect(asset.state).toBe("ready");
      const render = (await client.callTool(
        { name: "create_render", arguments: { asset_id: asset.id, output: "m4a", wait_seconds: 50 } },
        { timeout: CALL_TIMEOUT_MS },
      )) as CallToolResult;
      expect(render.isError, textOf(render)).toBeFalsy();
      expect((render.structuredContent as { render: { state: string } }).render.state).toBe("completed");
    } finally {
      await client.close();
    }
  });
});
