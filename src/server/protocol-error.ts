// A JSON-RPC error for request handlers to throw. The SDK's McpError writes "MCP error <code>: " into its
// message; the protocol layer sends that message as is and the client's McpError adds the prefix again, so
// agents read "MCP error -32602: MCP error -32602: …". This one keeps the plain message (and stays an
// McpError, so `instanceof` checks still hold).
import { McpError } from "@modelcontextprotocol/sdk/types.js";

export class ProtocolError extends McpError {
  constructor(code: number, message: string, data?: unknown) {
    super(code, message, data);
    this.message = message;
    this.name = "ProtocolError";
  }
}
