// Talks to a server the way an MCP host does: spawn it, speak JSON-RPC over its stdio with the SDK's
// Client. Used for roughy-mcp (node dist/cli.js) and for the minimal SDK server that is the baseline.

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { CLI, hostEnv, nowMs, requireFile } from "./common.js";

export type McpSession = {
  client: Client;
  /** ms from spawn to the `initialize` answer (connect resolves once it is in and `initialized` is sent). */
  initializeMs: number;
  close(): Promise<void>;
};

export async function connectStdio(options: {
  command?: string;
  args?: string[];
  env?: Record<string, string>;
}): Promise<McpSession> {
  const args = options.args ?? [requireFile(CLI, "the MCP server build")];
  const transport = new StdioClientTransport({
    command: options.command ?? process.execPath,
    args,
    env: hostEnv(options.env ?? {}),
    stderr: "ignore",
  });
  const client = new Client({ name: "roughy-mcp-bench", version: "0.0.0" });
  const t0 = nowMs();
  await client.connect(transport);
  const initializeMs = nowMs() - t0;
  return { client, initializeMs, close: () => client.close() };
}

export type ToolInfo = { name: string; inputSchema: { properties?: Record<string, unknown> } };

/** The first tool of `preferred` that the server offers. */
export function pickTool(tools: readonly ToolInfo[], preferred: readonly string[]): ToolInfo | undefined {
  for (const name of preferred) {
    const tool = tools.find((t) => t.name === name);
    if (tool) return tool;
  }
  return undefined;
}
