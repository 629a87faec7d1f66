// A second MCP server with the generic names hosts see from other servers (get, list, delete, wait), for
// the tool-name collision check: hosts that do not prefix merge both servers' tools into one namespace.
import path from "node:path";
import { pathToFileURL } from "node:url";

const { load } = await import(pathToFileURL(path.join(process.env.INTEROP_LIBS, "load.mjs")).href);
const { Server } = await load("@modelcontextprotocol/sdk/server/index.js");
const { StdioServerTransport } = await load("@modelcontextprotocol/sdk/server/stdio.js");
const { ListToolsRequestSchema, CallToolRequestSchema } = await load("@modelcontextprotocol/sdk/types.js");

const server = new Server({ name: "other", version: "1.0.0" }, { capabilities: { tools: {} } });
const names = ["get", "list", "delete", "wait"];
server.setRequestHandler(ListToolsRequestSchema, () => ({
  tools: names.map((name) => ({ name, description: `${name} a note`, inputSchema: { type: "object", properties: { id: { type: "string", description: "note id" } } } })),
}));
server.setRequestHandler(CallToolRequestSchema, (request) => ({ content: [{ type: "text", text: `other: ${request.params.name} done` }] }));
await server.connect(new StdioServerTransport());
