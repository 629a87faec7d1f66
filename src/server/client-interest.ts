// Notifications only to clients that asked for them. Some clients treat any notification they did not ask
// for as an error (the AI SDK's MCP client reports "Unsupported message type" for every one), so a log
// message waits until the client has set a level (logging/setLevel), and resources/list_changed until it
// has listed resources once: a client that never did has no list to refresh.

import type { LoggingLevel, Server } from "@modelcontextprotocol/server";

const SEVERITY: readonly LoggingLevel[] = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"];

export type ClientInterest = {
  wantsLog(level: LoggingLevel): boolean;
  /** The client has called resources/list on this connection. */
  listedResources(): boolean;
  /** Called by our resources/list handler. */
  noteResourcesListed(): void;
};

/** Owns logging/setLevel on this instance (replacing the SDK's built-in one, which keeps its level private). */
export function trackClientInterest(mcp: Server): ClientInterest {
  let level: LoggingLevel | null = null;
  let listed = false;
  mcp.setRequestHandler("logging/setLevel", (request) => {
    level = request.params.level;
    return {};
  });
  return {
    wantsLog: (wanted) => level !== null && SEVERITY.indexOf(wanted) >= SEVERITY.indexOf(level),
    listedResources: () => listed,
    noteResourcesListed: () => {
      listed = true;
    },
  };
}
