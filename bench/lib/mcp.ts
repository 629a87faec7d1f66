// Talks to a server the way an MCP host does: spawn it, speak JSON-RPC over its stdio with the SDK's
// Client. Used for roughy-mcp (node dist/cli.js) and for the minimal SDK server that is the baseline.

import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { CLI, hostEnv, nowMs, requireFile } from "./common.js";

/**
 * The SDK's own stdio transport probes a 2026-07-28 server on a sibling process (so as not to spend the real
 * one on a server that might exit); a subclass probes in place, so one spawn is timed, as a host that knows
 * the server's era (a cached verdict) would open it.
 */
class InPlaceStdioClientTransport extends StdioClientTransport {}

export type McpSession = {
  client: Client;
  /**
   * ms from spawn to the opening answer: `initialize` (connect resolves once it is in and `initialized` is
   * sent), or `server/discover` for a 2026-07-28 session.
   */
  initializeMs: number;
  close(): Promise<void>;
};

export async function connectStdio(options: {
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  /** "modern": open with server/discover and speak 2026-07-28; default: the 2025 initialize handshake. */
  era?: "legacy" | "modern";
}): Promise<McpSession> {
  const args = options.args ?? [requireFile(CLI, "the MCP server build")];
  const Transport = options.era === "modern" ? InPlaceStdioClientTransport : StdioClientTransport;
  const transport = new Transport({
    command: options.command ?? process.execPath,
    args,
    env: hostEnv(options.env ?? {}),
    stderr: "ignore",
  });
  const client = new Client(
    { name: "roughy-mcp-bench", version: "0.0.0" },
    options.era === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {},
  );
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
