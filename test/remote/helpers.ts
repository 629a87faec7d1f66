// Shared setup for the remote-mode tests: the Streamable HTTP server in-process against test sandboxes,
// SDK clients over StreamableHTTPClientTransport with a bearer key, and raw requests for the HTTP-level checks.

import http from "node:http";
import { Client } from "@modelcontextprotocol/client";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { type CallToolResult } from "@modelcontextprotocol/client";

export type RemoteClient = {
  client: Client;
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
};

export async function connectRemote(url: string, apiKey: string | null): Promise<RemoteClient> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: apiKey ? { headers: { authorization: `Bearer ${apiKey}` } } : {},
  });
  const client = new Client({ name: "roughy-remote-test", version: "0.0.0" });
  await client.connect(transport);
  return {
    client,
    async call(name, args) {
      return (await client.callTool({ name, arguments: args }, { timeout: 120_000 })) as CallToolResult;
    },
    close: () => client.close(),
  };
}

export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** A request with full control of the headers (fetch would not let a test set Host). */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let responded = false;
    const req = http.request(url, { method: options.method ?? "POST", headers: options.headers }, (res) => {
      responded = true;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    // The server may answer (413) and close before the whole body is sent: the answer is what counts.
    req.on("error", (error) => {
      if (!responded) reject(error);
    });
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export const INIT_BODY = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
});

export const MCP_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

/** structuredContent of a successful tool result (throws with the text when the call failed). */
export function dataOf<T = Record<string, unknown>>(result: CallToolResult): T {
  if (result.isError) throw new Error(`tool failed: ${result.content.map((c) => (c.type === "text" ? c.text : "")).join(" ")}`);
  return result.structuredContent as T;
}

/**
 * A loopback reverse proxy that sends each request to the backend chosen by its bearer key: two sandboxes
 * stand in for one Roughy that keeps each account's data apart. Unknown keys go to the first backend, which
 * refuses them.
 */
export async function startKeyRouter(routes: { key: string; baseUrl: string }[]): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const key = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const target = new URL(routes.find((r) => r.key === key)?.baseUrl ?? routes[0]!.baseUrl);
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
