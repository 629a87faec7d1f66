// HTTP mode under hostile callers: a body that pauses is cut off, oversized headers are refused, anonymous
// callers of a --sandbox server cannot make it send webhooks anywhere, and a huge ui:// or roughy:// URI is
// not echoed back whole.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import net from "node:net";
import { startHttpServer, type HttpServerHandle } from "../../src/http/server.js";
import { HTTP_LIMITS } from "../../src/http/limits.js";
import { connect, startTestSandbox, textOf, type TestSandbox } from "../helpers/mcp-harness.js";
import { INIT_BODY, connectRemote, rawRequest } from "../remote/helpers.js";

let sb: TestSandbox;
let server: HttpServerHandle;

beforeAll(async () => {
  sb = await startTestSandbox();
  server = await startHttpServer({ port: 0, baseUrl: sb.sandbox.baseUrl, mode: "sandbox", anonymousKey: sb.sandbox.apiKey });
});

afterAll(async () => {
  await server?.close();
  await sb?.close();
});

/** Sends `head` and `body` on a raw socket and returns everything the server writes until it closes. */
function rawExchange(head: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, "127.0.0.1", () => socket.write(head + body));
    let received = "";
    socket.on("data", (c: Buffer) => (received += c.toString()));
    socket.on("close", () => resolve(received));
    socket.on("error", reject);
  });
}

describe("HTTP limits", () => {
  it("a body that pauses longer than the idle limit gets 408 and a closed connection", async () => {
    const declared = Buffer.byteLength(INIT_BODY);
    const head = `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: ${declared}\r\n\r\n`;
    // Half the body, then nothing: the connection would otherwise stay open as long as the caller likes.
    const answer = await rawExchange(head, INIT_BODY.slice(0, 20));
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toContain(`no data for ${HTTP_LIMITS.bodyIdleMs / 1000} s`);
  });

  it("connections past the limit are closed at once; once some close, callers are served again", async () => {
    const open = (): Promise<net.Socket> =>
      new Promise((resolve, reject) => {
        const socket = net.connect(server.port, "127.0.0.1", () => resolve(socket));
        socket.on("error", reject);
      });
    const held: net.Socket[] = [];
    try {
      for (let i = 0; i < HTTP_LIMITS.maxConnections; i++) held.push(await open());
      // The server accepts the connection in the kernel and then drops it: no byte comes back.
      const extra = await open();
      const received = await new Promise<string>((resolve) => {
        let text = "";
        extra.on("data", (c: Buffer) => (text += c.toString()));
        extra.on("close", () => resolve(text));
        extra.on("error", () => {});
        extra.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      });
      expect(received).toBe("");
    } finally {
      for (const s of held) s.destroy();
    }
    // Once they are gone, new callers are served again.
    await expect.poll(async () => (await rawRequest(server.url.replace("/mcp", "/health"), { method: "GET" })).status).toBe(200);
  });

  it("headers over the size limit are refused with 431", async () => {
    const r = await rawRequest(server.url, { headers: { host: `127.0.0.1:${server.port}`, "x-pad": "a".repeat(HTTP_LIMITS.maxHeaderBytes + 1) }, body: INIT_BODY });
    expect(r.status).toBe(431);
  });

  it("anonymous callers of --sandbox get no create_webhook; callers with the key do", async () => {
    const anonymous = await connectRemote(server.url, null);
    try {
      const { tools } = await anonymous.client.listTools();
      expect(tools.map((t) => t.name)).not.toContain("create_webhook");
      expect(tools.map((t) => t.name)).toContain("roughy_list");
      const r = await anonymous.call("create_webhook", { url: "http://127.0.0.1:9/internal-admin", events: ["cut.completed"] }).catch((e: unknown) => e);
      expect(r instanceof Error ? r.message : textOf(r as never)).toMatch(/create_webhook/);
    } finally {
      await anonymous.close();
    }
    const before = ((await sb.control("GET", "/v1/webhooks")).body as { total: number }).total;
    expect(before).toBe(0);
    const keyed = await connectRemote(server.url, sb.sandbox.apiKey);
    try {
      const { tools } = await keyed.client.listTools();
      expect(tools.map((t) => t.name)).toContain("create_webhook");
    } finally {
      await keyed.close();
    }
  });

  it("a 2 MB ui:// or roughy:// URI is quoted bounded in the error", async () => {
    const conn = await connect({ sandbox: sb.sandbox });
    try {
      for (const uri of [`ui://roughy/${"a".repeat(2_000_000)}`, `roughy://cuts/${"b".repeat(2_000_000)}`]) {
        const error = await conn.client.readResource({ uri }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
        const message = (error as Error).message;
        expect(message.length).toBeLessThan(500);
        expect(message).toContain("2000");
      }
    } finally {
      await conn.close();
    }
  });
});
