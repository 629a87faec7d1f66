// Transport behaviours of the client measured against a bare loopback HTTP server that misbehaves on
// purpose (hangs, drops, answers a proxy's HTML), where the sandbox would be too polite to show them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  ConnectionError,
  NotFoundError,
  RateLimitedError,
  RoughyClient,
  ServerError,
  TimeoutError,
} from "../../src/client/index.js";

const KEY = "sk_test_transport_secret_123";
type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

let server: Server | undefined;
let client: RoughyClient | undefined;

afterEach(async () => {
  await client?.close();
  client = undefined;
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server!.close(r));
    server = undefined;
  }
});

const NOW = "2025-01-01T00:00:00Z";
const project = (id = "p1") => ({ id, name: "n", description: null, created_at: NOW });

async function serve(handler: Handler, opts: Partial<ConstructorParameters<typeof RoughyClient>[0]> = {}) {
  const seen: IncomingMessage[] = [];
  server = createServer((req, res) => {
    seen.push(req);
    handler(req, res, seen.length);
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  client = new RoughyClient({ apiKey: KEY, baseUrl: `${baseUrl}/v1/`, ...opts });
  return { seen, baseUrl, client };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", "x-request-id": "req_abc", ...headers });
  res.end(JSON.stringify(body));
};

describe("client transport", () => {
  it("sends the bearer key and normalises a base URL given with /v1/", async () => {
    const { seen, client } = await serve((_q, res) => json(res, 200, project()));
    await client.projects.get("p1");
    expect(seen[0]!.url).toBe("/v1/projects/p1");
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("turns a hung request into a TimeoutError with a clear message", async () => {
    // The server never answers, so only the client's own timeout can end the call: the TimeoutError is the proof.
    const { client } = await serve(() => undefined, { timeoutMs: 300 });
    const err = await client.projects.get("p1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).message).toMatch(/did not answer GET \/v1\/projects\/p1/);
  });

  it("retries a GET whose connection was dropped", async () => {
    const { seen, client } = await serve((req, res, n) => (n === 1 ? req.socket.destroy() : json(res, 200, project())));
    expect((await client.projects.get("p1")).id).toBe("p1");
    expect(seen).toHaveLength(2);
  });

  it("does not re-send a non-idempotent POST whose connection dropped", async () => {
    const { seen, client } = await serve((req) => req.socket.destroy());
    const err = await client.projects.create({ name: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).maybeProcessed).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it("retries a connection refused before sending, even for a POST, then reports it", async () => {
    const { baseUrl } = await serve(() => undefined);
    await new Promise((r) => server!.close(r));
    const c = new RoughyClient({ apiKey: KEY, baseUrl, maxRetries: 2 });
    const err = await c.projects.create({ name: "x" }).catch((e: unknown) => e);
    await c.close();
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).maybeProcessed).toBe(false);
    expect((err as Error).message).toContain("ECONNREFUSED");
    expect((err as Error).message).not.toContain(KEY);
    server = undefined;
  });

  it("honours Retry-After on 503 for a GET and on 429 for a POST; no 5xx retry for a POST", async () => {
    const { seen, client } = await serve((req, res, n) => {
      if (req.method === "GET") return n === 1 ? json(res, 503, { error: { code: "upstream_unavailable", message: "busy" } }, { "retry-after": "1" }) : json(res, 200, project());
      if (n === 3) return json(res, 429, { error: { code: "rate_limited", message: "slow" } }, { "retry-after": "1" });
      if (n === 4) return json(res, 201, project("p2"));
      return json(res, 503, { error: { code: "upstream_unavailable", message: "busy" } }, { "retry-after": "1" });
    });
    let t0 = Date.now();
    await client.projects.get("p1");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    t0 = Date.now();
    expect((await client.projects.create({ name: "x" })).id).toBe("p2");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    const err = await client.projects.create({ name: "y" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(seen).toHaveLength(5);
  });

  it("gives a long Retry-After back to the caller instead of sleeping on it", async () => {
    const { seen, client } = await serve((_q, res) =>
      json(res, 429, { error: { code: "rate_limited", message: "slow" } }, { "retry-after": new Date(Date.now() + 3_600_000).toUTCString() }),
    );
    const err = await client.projects.get("p1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfter).toBeGreaterThan(3500);
    expect(seen).toHaveLength(1);
  });

  it("aborts a backoff sleep at once", async () => {
    const { client } = await serve((_q, res) => json(res, 503, { error: { code: "upstream_unavailable", message: "x" } }, { "retry-after": "30" }), {
      maxRetryAfterMs: 60_000,
    });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    // Every answer is a 503 asking for 30 s: an AbortError (not the 503 after the wait) shows the abort cut the wait.
    const err = await client.projects.get("p1", { signal: ac.signal }).catch((e: unknown) => e);
    expect((err as Error).name).toBe("AbortError");
  });

  it("tolerates an error body that is not the envelope", async () => {
    const { client } = await serve((_q, res) => {
      res.writeHead(404, { "content-type": "text/html", "x-request-id": "req_html" });
      res.end("<html>nope</html>");
    });
    const err = (await client.projects.get("p1").catch((e: unknown) => e)) as NotFoundError;
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.code).toBe("not_found");
    expect(err.requestId).toBe("req_html");
  });

  it("reports 201 vs 200 from POST /v1/cuts and retries it on a 500 (idempotent by contract)", async () => {
    const cut = { id: "c1", asset_id: "a1", state: "pending", script: null, error_code: null, error_message: null, created_at: NOW, started_at: null, completed_at: null };
    const { seen, client } = await serve((_q, res, n) =>
      n === 1 ? json(res, 500, { error: { code: "internal_error", message: "x" } }) : json(res, n === 2 ? 201 : 200, cut, { location: "/v1/cuts/c1" }),
    );
    expect((await client.cuts.create({ asset_id: "a1" })).created).toBe(true);
    expect((await client.cuts.create({ asset_id: "a1" })).created).toBe(false);
    expect(seen).toHaveLength(3);
  });

  it("probes health without the key and reports a 503 as not ready", async () => {
    const { seen, client } = await serve((req, res) => json(res, req.url === "/health" ? 200 : 503, { status: "x" }));
    expect(await client.health.live()).toEqual({ ok: true, status: 200 });
    expect(await client.health.ready()).toEqual({ ok: false, status: 503 });
    expect(seen.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it("rejects an id that would change the route before sending anything", async () => {
    const { seen, client } = await serve((_q, res) => json(res, 200, project()));
    await expect(client.projects.get("..")).rejects.toThrow(/not a usable id/);
    await client.projects.get("../credits").catch(() => undefined);
    expect(seen.map((r) => r.url)).toEqual(["/v1/projects/..%2Fcredits"]);
  });

  it("follows live events with Last-Event-ID on reconnect, and reports 404 as unsupported", async () => {
    const { seen, client } = await serve((req, res) => {
      if (!req.url!.startsWith("/v1/assets/a1/events")) return json(res, 404, { error: { code: "not_found", message: "no" } });
      res.writeHead(200, { "content-type": "text/event-stream" });
      const last = req.headers["last-event-id"];
      const next = Number(last ?? 0) + 1;
      res.write(`retry: 50\n: keep-alive\n\nid: ${next}\nevent: asset.updated\ndata: {"id":"a1","n":${next}}\n\n`);
      if (next < 3) setTimeout(() => res.destroy(), 20);
    });
    const ac = new AbortController();
    const events: { id?: string; type: string; data: unknown }[] = [];
    const got3 = new Promise<void>((resolve) => {
      void client.events
        .subscribe("a1", { signal: ac.signal, lastEventId: "0", onEvent: (e) => (events.push(e), e.id === "3" && resolve()) })
        .then((s) => expect(s.supported).toBe(true));
    });
    await got3;
    ac.abort();
    expect(events.map((e) => e.id)).toEqual(["1", "2", "3"]);
    expect(events[2]).toEqual({ id: "3", type: "asset.updated", data: { id: "a1", n: 3 } });
    const sse = seen.filter((r) => r.url!.includes("/events"));
    expect(sse.map((r) => r.headers["last-event-id"])).toEqual(["0", "1", "2"]);
    expect(sse.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(await client.events.subscribe("zz", { signal: new AbortController().signal, onEvent: () => undefined })).toEqual({ supported: false });
  });
});
