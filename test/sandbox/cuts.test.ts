// Cuts and their exports on the wire: idempotency on (asset, script), the 409 codes of an asset that is not
// cuttable, payment pending and settled by a top-up, list filters, export and subtitle error codes, and the
// delete cascade to renders.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectEnvelope, type Harness, makeMedia, start, uploadAsset } from "./harness.js";

let h: Harness;
let av: { id: string; project_id: string };
beforeAll(async () => {
  h = await start();
  av = await uploadAsset(h, makeMedia("av"));
});
afterAll(async () => {
  await h.sb.close();
});

describe("cuts", () => {
  it("is idempotent on (asset, script): 201 + Location, then 200 with the same cut; a new script is a new cut", async () => {
    const first = await h.req("POST", "/v1/cuts", { asset_id: av.id, script: "hello world" });
    expect(first.status).toBe(201);
    expect(first.headers.get("location")).toBe(h.url(`/v1/cuts/${first.json.id}`));
    expect(Object.keys(first.json).sort()).toEqual(["asset_id", "completed_at", "created_at", "error_code", "error_message", "id", "script", "started_at", "state"]);
    expect(first.json).toMatchObject({ asset_id: av.id, state: "pending", script: "hello world" });
    const again = await h.req("POST", "/v1/cuts", { asset_id: av.id, script: "hello world" });
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(first.json.id);
    const other = await h.req("POST", "/v1/cuts", { asset_id: av.id, script: "something else" });
    expect(other.status).toBe(201);
    const scriptless = await h.req("POST", "/v1/cuts", { asset_id: av.id });
    expect(scriptless.status).toBe(201);
    expect((await h.req("POST", "/v1/cuts", { asset_id: av.id, script: null })).json.id).toBe(scriptless.json.id);
    await h.sb.idle();
    const done = (await h.req("GET", `/v1/cuts/${scriptless.json.id}`)).json;
    expect(done.state).toBe("completed");
    expect(done.started_at).toMatch(/Z$/);
    expect(done.completed_at).toMatch(/Z$/);
  });

  it("does not reuse a failed cut, and exports of a failed cut answer cut_not_proposed", async () => {
    // A scripted cut of a video without audio fails (no speech to match).
    const silent = await uploadAsset(h, makeMedia("video"), { projectId: av.project_id });
    const first = await h.req("POST", "/v1/cuts", { asset_id: silent.id, script: "words" });
    await h.sb.idle();
    const failed = (await h.req("GET", `/v1/cuts/${first.json.id}`)).json;
    expect(failed).toMatchObject({ state: "failed", error_code: "no_audio" });
    expect(failed.error_message).toEqual(expect.any(String));
    const retry = await h.req("POST", "/v1/cuts", { asset_id: silent.id, script: "words" });
    expect(retry.status).toBe(201);
    expect(retry.json.id).not.toBe(first.json.id);
    const exp = await h.req("GET", `/v1/cuts/${first.json.id}/export?format=edl`);
    expectEnvelope(exp, 409, "cut_not_proposed");
    expectEnvelope(await h.req("GET", `/v1/cuts/${first.json.id}/subtitle/export?format=srt`), 409, "cut_not_proposed");
  });

  it("answers the export error codes and serves each format with its content type", async () => {
    const cut = (await h.req("POST", "/v1/cuts", { asset_id: av.id })).json;
    await h.sb.idle();
    const missing = await h.req("GET", `/v1/cuts/${cut.id}/export`);
    expectEnvelope(missing, 422, "validation_error");
    expect(missing.json.error.fields[0].field).toBe("query.format");
    expectEnvelope(await h.req("GET", `/v1/cuts/${cut.id}/export?format=aaf`), 422, "unsupported_format");
    expectEnvelope(await h.req("GET", `/v1/cuts/${cut.id}/subtitle/export?format=ass`), 422, "unsupported_format");
    expectEnvelope(await h.req("GET", "/v1/cuts/00000000-0000-4000-8000-000000000000/export?format=edl"), 404, "not_found");
    const types: Record<string, string> = { edl: "text/plain", xmeml: "application/xml", fcpxml: "application/xml", otio: "application/json" };
    for (const [format, type] of Object.entries(types)) {
      const r = await h.req("GET", `/v1/cuts/${cut.id}/export?format=${format}`);
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe(type);
      expect(r.headers.get("content-disposition")).toMatch(/^attachment; filename="av-cut-[0-9a-f]{8}\./);
    }
    const srt = await h.req("GET", `/v1/cuts/${cut.id}/subtitle/export?format=srt`);
    expect(srt.status).toBe(200);
    expect(srt.headers.get("content-type")).toBe("application/x-subrip");
    const vtt = await h.req("GET", `/v1/cuts/${cut.id}/subtitle/export?format=vtt`);
    expect(vtt.headers.get("content-type")).toBe("text/vtt");
    expect(vtt.text.startsWith("WEBVTT")).toBe(true);
  });

  it("needs frame_rate for frame-based exports of audio-only assets", async () => {
    const audio = await uploadAsset(h, makeMedia("audio"), { projectId: av.project_id });
    // A known transcript stands in for the recogniser (and keeps this test quick).
    const words = { words: [{ word: "hello", start: 0.2, end: 0.6 }, { word: "there", start: 0.7, end: 1.1 }] };
    const put = await h.req("PUT", `/sandbox/assets/${audio.id}/transcript`, words);
    expect(put.json).toEqual({ asset_id: audio.id, words: 2 });
    expectEnvelope(await h.req("PUT", `/sandbox/assets/${audio.id}/transcript`, "WEBVTT\n\nnot a cue", { "content-type": "application/json" }), 422, "validation_error");
    const cut = (await h.req("POST", "/v1/cuts", { asset_id: audio.id })).json;
    await h.sb.idle();
    for (const f of ["edl", "xmeml", "fcpxml"]) {
      expectEnvelope(await h.req("GET", `/v1/cuts/${cut.id}/export?format=${f}`), 422, "frame_rate_required");
    }
    const edl = await h.req("GET", `/v1/cuts/${cut.id}/export?format=edl&frame_rate=25`);
    expect(edl.status).toBe(200);
    expect(edl.text).toContain("FCM:");
    expect((await h.req("GET", `/v1/cuts/${cut.id}/export?format=otio`)).status).toBe(200);
    const vtt = await h.req("GET", `/v1/cuts/${cut.id}/subtitle/export?format=vtt`);
    expect(vtt.text).toMatch(/hello <00:00:00\.\d{3}>there/);
    expectEnvelope(await h.req("GET", `/v1/cuts/${cut.id}/export?format=edl&frame_rate=abc`), 422, "validation_error");
  });

  it("filters the list and answers 404 for a filter that names nothing", async () => {
    const list = (await h.req("GET", `/v1/cuts?asset_id=${av.id}&state=completed&limit=100`)).json;
    expect(list.total).toBe(list.items.length);
    expect(list.items.every((c: { asset_id: string; state: string }) => c.asset_id === av.id && c.state === "completed")).toBe(true);
    const byProject = (await h.req("GET", `/v1/cuts?project_id=${av.project_id}`)).json;
    expect(byProject.total).toBeGreaterThan(list.total);
    expectEnvelope(await h.req("GET", "/v1/cuts?asset_id=00000000-0000-4000-8000-000000000000"), 404, "not_found");
    expectEnvelope(await h.req("GET", "/v1/cuts?project_id=00000000-0000-4000-8000-000000000000"), 404, "not_found");
    expectEnvelope(await h.req("GET", "/v1/renders?cut_id=00000000-0000-4000-8000-000000000000"), 404, "not_found");
  });

  it("deleting a cut removes its renders; a terminal render cannot be canceled", async () => {
    const cut = (await h.req("POST", "/v1/cuts", { asset_id: av.id, script: null })).json;
    await h.sb.idle();
    const render = await h.req("POST", "/v1/renders", { asset_id: av.id, cut_id: cut.id, output: "m4a" });
    expect(render.status).toBe(201);
    expect(render.headers.get("location")).toBe(h.url(`/v1/renders/${render.json.id}`));
    await h.sb.idle();
    const done = (await h.req("GET", `/v1/renders/${render.json.id}`)).json;
    expect(done).toMatchObject({ state: "completed", progress: 100 });
    expect(done.download_url).toMatch(/^http/);
    expectEnvelope(await h.req("POST", `/v1/renders/${render.json.id}/cancel`), 409, "conflict");
    expectEnvelope(await h.req("POST", "/v1/renders", { asset_id: av.id, output: "gif" }), 422, "validation_error");
    expect((await h.req("DELETE", `/v1/cuts/${cut.id}`)).status).toBe(204);
    expectEnvelope(await h.req("GET", `/v1/renders/${render.json.id}`), 404, "not_found");
    expect((await fetch(done.download_url)).status).toBe(404);
  });
});

describe("payment", () => {
  it("leaves an unpaid asset pending_payment, refuses cuts, and a top-up settles it", async () => {
    const poor = await start({ startingBalance: 1 });
    try {
      const long = await uploadAsset(poor, makeMedia("long"));
      expect(long).toMatchObject({ state: "pending_payment", cuttable: false, renderable: false });
      expect(long.duration_seconds).toBeGreaterThan(60);
      expectEnvelope(await poor.req("POST", "/v1/cuts", { asset_id: long.id }), 409, "asset_payment_required");
      expectEnvelope(await poor.req("POST", "/v1/renders", { asset_id: long.id, output: "mp3" }), 409, "asset_not_ready");
      expect((await poor.req("GET", "/v1/credits")).json.balance).toBe(1);
      const topUp = await poor.req("POST", "/sandbox/credits", { balance: 10 });
      expect(topUp.status).toBe(200);
      const ready = (await poor.req("GET", `/v1/assets/${long.id}`)).json;
      expect(ready).toMatchObject({ state: "ready", cuttable: true });
      const ledger = (await poor.req("GET", "/v1/credits/ledger")).json;
      expect(ledger.total).toBe(2);
      expect(ledger.items[0]).toMatchObject({ kind: "charge", amount: -2, minutes: 2, asset_id: long.id, balance_after: 8 });
      expect(ledger.items[1]).toMatchObject({ kind: "top_up", amount: 9, asset_id: null, balance_after: 10 });
      expect((await poor.req("GET", "/v1/credits")).json.balance).toBe(8);
    } finally {
      await poor.sb.close();
    }
  });

  it("answers asset_processing with Retry-After while the upload is unfinished", async () => {
    const project = (await h.req("POST", "/v1/projects", { name: "x" })).json;
    const pending = (await h.req("POST", "/v1/assets", { project_id: project.id, size_bytes: 1000 })).json;
    const r = await h.req("POST", "/v1/cuts", { asset_id: pending.id });
    expectEnvelope(r, 409, "asset_processing");
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
