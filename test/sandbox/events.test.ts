// State that outlives the process and the live updates: a restart on the same data dir keeps the key, the
// resources and the event log; SSE streams the asset's changes, replays after Last-Event-ID and keeps alive;
// terminal events reach a registered webhook, signed.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { verifyWebhook } from "../../src/sandbox/webhook-delivery.js";
import { type Harness, makeMedia, start, tempDir, until, uploadAsset } from "./harness.js";

const open: Harness[] = [];
afterAll(async () => {
  for (const h of open) await h.sb.close();
});

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** Reads an SSE stream until `enough` says stop; returns the events and the comment lines seen. */
async function readSse(url: string, headers: Record<string, string>, enough: (events: SseEvent[], comments: number) => boolean) {
  const ctrl = new AbortController();
  const res = await fetch(url, { headers, signal: ctrl.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const events: SseEvent[] = [];
  let comments = 0;
  let buf = "";
  const decoder = new TextDecoder();
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  try {
    while (!enough(events, comments)) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const e: SseEvent = {};
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) comments++;
          else if (line.startsWith("id: ")) e.id = line.slice(4);
          else if (line.startsWith("event: ")) e.event = line.slice(7);
          else if (line.startsWith("data: ")) e.data = line.slice(6);
        }
        if (e.event) events.push(e);
      }
    }
  } finally {
    ctrl.abort();
  }
  return { events, comments };
}

describe("restart, SSE and webhooks", () => {
  it("keeps the generated key and all state across a restart, and replays events after Last-Event-ID", async () => {
    const dataDir = `${tempDir()}/data`;
    const first = await start({ dataDir });
    expect(first.sb.apiKey).toMatch(/^sk_sandbox_/);
    const asset = await uploadAsset(first, makeMedia("audio"));
    await first.req("PUT", `/sandbox/assets/${asset.id}/transcript`, { words: [{ word: "hi", start: 0.1, end: 0.4 }] });
    const cut = (await first.req("POST", "/v1/cuts", { asset_id: asset.id, script: null })).json;
    await first.sb.idle();
    const { events } = await readSse(first.url(`/v1/assets/${asset.id}/events`), { ...first.auth, "last-event-id": "0" }, (e) =>
      e.some((x) => x.event === "cut.updated" && x.data?.includes('"completed"')),
    );
    const ids = events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(events.map((e) => `${e.event}:${JSON.parse(e.data as string).state}`)).toEqual(
      expect.arrayContaining(["asset.updated:processing", "asset.updated:ready", "cut.updated:pending", "cut.updated:completed"]),
    );
    const readyEventId = events.find((e) => e.event === "asset.updated" && e.data?.includes('"ready"'))?.id as string;
    await first.sb.close();

    const second = await start({ dataDir });
    open.push(second);
    expect(second.sb.apiKey).toBe(first.sb.apiKey);
    expect((await second.req("GET", `/v1/assets/${asset.id}`)).json.state).toBe("ready");
    expect((await second.req("GET", `/v1/cuts/${cut.id}`)).json.state).toBe("completed");
    expect((await second.req("GET", "/v1/credits")).json.balance).toBe(119);
    expect((await second.req("GET", `/v1/cuts/${cut.id}/subtitle/export?format=srt`)).status).toBe(200);
    const replay = await readSse(second.url(`/v1/assets/${asset.id}/events`), { ...second.auth, "last-event-id": readyEventId }, (e) => e.length >= 1);
    expect(Number(replay.events[0]?.id)).toBeGreaterThan(Number(readyEventId));
    expect(replay.events.some((e) => e.event === "asset.updated" && e.data?.includes('"ready"'))).toBe(false);
  });

  it("streams live changes with keep-alive comments, and answers 404 for an unknown asset", async () => {
    const h = await start({ keepAliveMs: 100 });
    open.push(h);
    const project = (await h.req("POST", "/v1/projects", { name: "live" })).json;
    const pending = (await h.req("POST", "/v1/assets", { project_id: project.id, size_bytes: 64 })).json;
    const { events, comments } = await readSse(h.url(`/v1/assets/${pending.id}/events`), h.auth, (_e, c) => c >= 2);
    expect(events[0]?.event).toBe("asset.updated");
    expect(JSON.parse(events[0]?.data as string).state).toBe("pending_upload");
    expect(comments).toBeGreaterThanOrEqual(2);
    expect((await h.req("GET", "/v1/assets/00000000-0000-4000-8000-000000000000/events")).json.error.code).toBe("not_found");
  });

  it("delivers signed terminal events to webhooks, and shows the secret only at create", async () => {
    const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    const receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString("utf8")));
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    try {
      const h = await start();
      open.push(h);
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const created = await h.req("POST", "/v1/webhooks", { url, events: ["asset.ready"] });
      expect(created.status).toBe(201);
      expect(created.json.secret).toMatch(/^whsec_/);
      const listed = (await h.req("GET", "/v1/webhooks")).json;
      expect(listed.total).toBe(1);
      expect(listed.items[0].secret).toBeUndefined();
      expect((await h.req("POST", "/v1/webhooks", { url: "ftp://x", events: ["nope"] })).json.error.fields.length).toBe(2);

      const asset = await uploadAsset(h, makeMedia("audio"));
      const hit = await until(async () => received[0]);
      const payload = JSON.parse(hit.body);
      expect(payload).toMatchObject({ type: "asset.ready", data: { id: asset.id, state: "ready" } });
      expect(verifyWebhook(created.json.secret, hit.headers, hit.body)).toBe(true);
      expect(verifyWebhook(created.json.secret, hit.headers, hit.body.replace("ready", "fail_"))).toBe(false);

      expect((await h.req("DELETE", `/v1/webhooks/${created.json.id}`)).status).toBe(204);
      expect((await h.req("GET", "/v1/webhooks")).json.total).toBe(0);
    } finally {
      receiver.close();
    }
  });
});
