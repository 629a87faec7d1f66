import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  type DeliveryAttempt,
  WebhookDelivery,
  buildWebhookEvent,
  generateWebhookSecret,
  signWebhook,
  verifyWebhook,
} from "./webhook-delivery.js";

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

// A real receiver on loopback; `respond` decides per request (by 1-based count) what to do.
async function receiver(respond: (n: number, req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      respond(received.length, req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/roughy`;
  const close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  cleanups.push(close);
  return { url, received };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const render = { id: "6c1d3b0e-2a3f-4c55-9f0b-1f2e3d4c5b6a", state: "completed", output: "mp4", progress: 100 };

describe("signing (Standard Webhooks)", () => {
  it("generates whsec_ secrets of 32 random bytes", () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(a.slice(6), "base64")).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(a);
  });

  it("signs id.timestamp.body with the decoded key bytes", () => {
    const secret = generateWebhookSecret();
    const sig = signWebhook(secret, "msg_1", 1700000000, '{"a":1}');
    const independent = createHmac("sha256", Buffer.from(secret.slice("whsec_".length), "base64"))
      .update('msg_1.1700000000.{"a":1}')
      .digest("base64");
    expect(sig).toBe(`v1,${independent}`);
    // Signing with the secret's text instead of its bytes would give something else.
    const wrongKey = createHmac("sha256", secret).update('msg_1.1700000000.{"a":1}').digest("base64");
    expect(sig).not.toBe(`v1,${wrongKey}`);
  });

  it("matches the Standard Webhooks reference test vector", () => {
    // From the standard-webhooks spec's reference libraries' tests.
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const body = '{"test": 2432232314}';
    expect(signWebhook(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)).toBe(
      "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    );
  });

  it("verifyWebhook accepts a genuine message and refuses tamper, wrong secret, staleness", () => {
    const secret = generateWebhookSecret();
    const now = new Date("2025-03-01T12:00:00Z");
    const ts = Math.floor(now.getTime() / 1000);
    const body = JSON.stringify(buildWebhookEvent("render.completed", render));
    const headers = { "webhook-id": "evt_1", "webhook-timestamp": String(ts), "webhook-signature": signWebhook(secret, "evt_1", ts, body) };
    expect(verifyWebhook(secret, headers, body, 300, now)).toBe(true);
    expect(verifyWebhook(secret, new Headers(headers), body, 300, now)).toBe(true);
    expect(verifyWebhook(secret, { ...headers, "Webhook-Id": "evt_1" }, body, 300, now)).toBe(true);
    expect(verifyWebhook(secret, headers, body.replace("mp4", "mp3"), 300, now)).toBe(false);
    expect(verifyWebhook(secret, { ...headers, "webhook-id": "evt_2" }, body, 300, now)).toBe(false);
    expect(verifyWebhook(generateWebhookSecret(), headers, body, 300, now)).toBe(false);
    expect(verifyWebhook(secret, headers, body, 300, new Date(now.getTime() + 301_000))).toBe(false);
    expect(verifyWebhook(secret, headers, body, 300, new Date(now.getTime() - 301_000))).toBe(false);
    expect(verifyWebhook(secret, { ...headers, "webhook-signature": undefined }, body, 300, now)).toBe(false);
    // Several signatures (key rotation): any one that matches is enough.
    const multi = `v1,AAAA ${headers["webhook-signature"]} v2,xyz`;
    expect(verifyWebhook(secret, { ...headers, "webhook-signature": multi }, body, 300, now)).toBe(true);
  });
});

describe("WebhookDelivery", () => {
  it("retries a failing receiver with exponential backoff, same id, fresh valid signatures", async () => {
    // Attempt 1: 500; attempt 2: connection dropped; attempt 3: 204.
    const rx = await receiver((n, req, res) => {
      if (n === 1) res.writeHead(500).end("boom");
      else if (n === 2) req.socket.destroy();
      else res.writeHead(204).end();
    });
    const secret = generateWebhookSecret();
    const attempts: DeliveryAttempt[] = [];
    const delivery = new WebhookDelivery({ baseDelayMs: 40, maxAttempts: 5, timeoutMs: 2000, onAttempt: (a) => attempts.push(a) });
    const event = buildWebhookEvent("render.completed", render);
    const result = await delivery.deliver({ url: rx.url, secret, event, endpointId: "wh_1" });
    await delivery.close();

    expect(result.ok).toBe(true);
    expect(result.attempts).toBe(3);
    expect(rx.received).toHaveLength(3);
    expect(attempts.map((a) => [a.attempt, a.status, a.ok])).toEqual([
      [1, 500, false],
      [2, null, false],
      [3, 204, true],
    ]);
    expect(attempts[0]!.error).toBe("HTTP 500");
    expect(attempts[1]!.error).toBeTruthy();
    expect(attempts[0]!.next_retry_at).toBeInstanceOf(Date);
    expect(attempts[2]!.next_retry_at).toBeNull();
    expect(attempts.every((a) => a.endpoint_id === "wh_1" && a.event_id === event.id && a.url === rx.url)).toBe(true);
    // Backoff: ~40 ms then ~80 ms between attempts.
    const gap1 = rx.received[1]!.at - rx.received[0]!.at;
    const gap2 = rx.received[2]!.at - rx.received[1]!.at;
    expect(gap1).toBeGreaterThanOrEqual(35);
    expect(gap2).toBeGreaterThanOrEqual(75);

    for (const r of rx.received) {
      expect(r.headers["content-type"]).toBe("application/json");
      expect(r.headers["webhook-id"]).toBe(event.id);
      expect(verifyWebhook(secret, r.headers, r.body)).toBe(true);
      // Recomputed independently of the module.
      const key = Buffer.from(secret.slice("whsec_".length), "base64");
      const mac = createHmac("sha256", key).update(`${r.headers["webhook-id"]}.${r.headers["webhook-timestamp"]}.${r.body}`).digest("base64");
      expect(r.headers["webhook-signature"]).toBe(`v1,${mac}`);
      const payload = JSON.parse(r.body) as Record<string, unknown>;
      expect(Object.keys(payload).sort()).toEqual(["created_at", "data", "id", "type"]);
      expect(payload).toMatchObject({ id: event.id, type: "render.completed", data: render });
      expect(new Date(payload.created_at as string).toISOString()).toBe(payload.created_at);
    }
  });

  it("gives up after maxAttempts and reports every attempt", async () => {
    const rx = await receiver((_n, _req, res) => res.writeHead(503).end());
    const attempts: DeliveryAttempt[] = [];
    const delivery = new WebhookDelivery({ baseDelayMs: 5, maxAttempts: 3, onAttempt: (a) => attempts.push(a) });
    const result = await delivery.deliver({ url: rx.url, secret: generateWebhookSecret(), event: buildWebhookEvent("cut.failed", {}) });
    expect(result).toMatchObject({ ok: false, attempts: 3, closed: false });
    expect(rx.received).toHaveLength(3);
    expect(attempts.map((a) => a.status)).toEqual([503, 503, 503]);
    expect(attempts[2]!.next_retry_at).toBeNull();
    await delivery.close();
  });

  it("treats a redirect as a failure and does not follow it", async () => {
    const rx = await receiver((n, _req, res) => {
      if (n === 1) res.writeHead(302, { location: "http://127.0.0.1:1/elsewhere" }).end();
      else res.writeHead(200).end("ok");
    });
    const attempts: DeliveryAttempt[] = [];
    const delivery = new WebhookDelivery({ baseDelayMs: 5, onAttempt: (a) => attempts.push(a) });
    const result = await delivery.deliver({ url: rx.url, secret: generateWebhookSecret(), event: buildWebhookEvent("asset.ready", {}) });
    expect(result.ok).toBe(true);
    expect(attempts.map((a) => a.status)).toEqual([302, 200]);
    await delivery.close();
  });

  it("times out a receiver that never answers", async () => {
    const rx = await receiver(() => {
      /* never answers */
    });
    const attempts: DeliveryAttempt[] = [];
    const delivery = new WebhookDelivery({ timeoutMs: 100, baseDelayMs: 5, maxAttempts: 2, onAttempt: (a) => attempts.push(a) });
    const result = await delivery.deliver({ url: rx.url, secret: generateWebhookSecret(), event: buildWebhookEvent("asset.ready", {}) });
    expect(result.ok).toBe(false);
    expect(attempts.map((a) => a.error)).toEqual(["timed out after 100 ms", "timed out after 100 ms"]);
    expect(rx.received).toHaveLength(2);
    await delivery.close();
  });

  it("close() stops pending retries and in-flight requests promptly", async () => {
    const hanging = await receiver(() => {
      /* never answers */
    });
    const failing = await receiver((_n, _req, res) => res.writeHead(500).end());
    const delivery = new WebhookDelivery({ baseDelayMs: 60_000, timeoutMs: 60_000 });
    const secret = generateWebhookSecret();
    const a = delivery.deliver({ url: failing.url, secret, event: buildWebhookEvent("cut.completed", {}) });
    const b = delivery.deliver({ url: hanging.url, secret, event: buildWebhookEvent("cut.completed", {}) });
    // Both receivers have their first request: a's answer was a 500 (its retry is 60 s away), b's never comes.
    while (failing.received.length === 0 || hanging.received.length === 0) await new Promise((r) => setTimeout(r, 10));
    expect(delivery.inFlight).toBe(2);
    // Without close() stopping them, a would wait 60 s and b would time out, neither marked `closed`.
    await delivery.close();
    expect(await a).toMatchObject({ ok: false, attempts: 1, closed: true });
    expect(await b).toMatchObject({ ok: false, closed: true });
    expect(delivery.inFlight).toBe(0);
    // After close, nothing more is sent.
    expect(await delivery.deliver({ url: failing.url, secret, event: buildWebhookEvent("cut.completed", {}) })).toMatchObject({ attempts: 0, closed: true });
    expect(failing.received).toHaveLength(1);
  });
});
