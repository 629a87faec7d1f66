// The three kinds of failure the MCP half names, in one place that everything may import: a tool error (the
// agent can fix it: the message names the argument, the value and the next step), a protocol error (the
// client's request itself is wrong: a JSON-RPC error, the SDK's own class), and a configuration error (a
// setting the user gave cannot be used: the message names the setting and what to change).

export { ProtocolError, ProtocolErrorCode, ResourceNotFoundError } from "@modelcontextprotocol/server";

/** A problem the agent can fix, raised by a tool or a file check: the message is shown as is. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}

/**
 * A setting that cannot be used (an unknown --toolsets name, an unreadable ROUGHY_API_KEY_FILE): shown to the
 * user or agent as is, because only a change to the server's configuration fixes it.
 */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigurationError";
  }
}
