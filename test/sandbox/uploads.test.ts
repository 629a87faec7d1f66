// TUS on the wire, with raw requests: create through POST /v1/assets, HEAD/PATCH/DELETE on the transfer URL,
// offset conflicts and TUS errors in the error envelope, the mid-upload drop fault, and what follows the
// last byte (processing, then ready with the per-minute charge).
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectEnvelope, type Harness, makeMedia, start, TUS } from "./harness.js";

let h: Harness;
let projectId: string;
beforeAll(async () => {
  h = await start();
  projectId = (await h.req("POST", "/v1/projects", { name: "uploads" })).json.id;
});
afterAll(async () => {
  await h.sb.close();
});

const patch = (url: string, offset: number, body: Uint8Array, headers: Record<string, string> = {}) =>
  fetch(url, { method: "PATCH", headers: { ...h.auth, ...TUS, "upload-offset": String(offset), "content-type": "application/offset+octet-stream", ...headers }, body });
const head = (url: string, headers: Record<string, string> = h.auth) => fetch(url, { method: "HEAD", headers: { ...headers, ...TUS } });

describe("TUS uploads", () => {
  it("opens the upload with the asset, resumes from HEAD, and prepares the asset after the last byte", async () => {
    const bytes = fs.readFileSync(makeMedia("av"));
    const created = await h.req("POST", "/v1/assets", { project_id: projectId, size_bytes: bytes.length, filename: "clip.mp4", language: "en" });
    expect(created.status).toBe(201);
    const asset = created.json;
    expect(asset).toMatchObject({ state: "pending_upload", size_bytes: bytes.length, language: "en", filename: "clip.mp4", media_type: null, cuttable: false });
    expect(asset.upload_url).toBe(h.url(`/v1/uploads/${asset.id}`));
    expect(created.headers.get("location")).toBe(asset.upload_url);

    let r = await head(asset.upload_url);
    expect(r.status).toBe(200);
    expect(r.headers.get("upload-offset")).toBe("0");
    expect(r.headers.get("upload-length")).toBe(String(bytes.length));
    expect(r.headers.get("x-request-id")).toMatch(/^req_/);

    const half = Math.floor(bytes.length / 2);
    r = await patch(asset.upload_url, 0, bytes.subarray(0, half));
    expect(r.status).toBe(204);
    expect(r.headers.get("upload-offset")).toBe(String(half));

    // A PATCH at the wrong offset is a 409 in the error envelope, and changes nothing.
    r = await patch(asset.upload_url, 0, bytes.subarray(0, 10));
    const conflict = (await r.json()) as { error: { code: string; message: string } };
    expect(r.status).toBe(409);
    expect(conflict.error.code).toBe("conflict");
    expect(conflict.error.message).toContain(String(half));
    expect(r.headers.get("x-request-id")).toMatch(/^req_/);
    expect((await head(asset.upload_url)).headers.get("upload-offset")).toBe(String(half));

    // Without the key, or without Tus-Resumable, the envelope again.
    r = await fetch(asset.upload_url, { method: "HEAD", headers: TUS });
    expect(r.status).toBe(401);
    r = await fetch(asset.upload_url, { method: "PATCH", headers: { ...h.auth, "upload-offset": String(half), "content-type": "application/offset+octet-stream" }, body: bytes.subarray(half) });
    expect(r.status).toBe(412);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe("precondition_failed");

    const opts = await fetch(asset.upload_url, { method: "OPTIONS" });
    expect(opts.status).toBe(204);
    expect(opts.headers.get("tus-version")).toContain("1.0.0");

    r = await patch(asset.upload_url, half, bytes.subarray(half));
    expect(r.status).toBe(204);
    expect(r.headers.get("upload-offset")).toBe(String(bytes.length));
    const after = (await h.req("GET", `/v1/assets/${asset.id}`)).json;
    expect(["processing", "ready"]).toContain(after.state);
    expect(after.upload_url).toBeNull();

    await h.sb.idle();
    const ready = (await h.req("GET", `/v1/assets/${asset.id}`)).json;
    expect(ready).toMatchObject({ state: "ready", media_type: "video", cuttable: true, renderable: true, error_code: null });
    expect(ready.duration_seconds).toBeCloseTo(3, 1);
    expect(ready.ready_at).toMatch(/Z$/);
    // HEAD still reports the full offset after completion.
    expect((await head(asset.upload_url)).headers.get("upload-offset")).toBe(String(bytes.length));

    // The signed download URL needs no key; a tampered one is refused.
    const dl = await fetch(ready.download_url);
    expect(dl.status).toBe(200);
    expect(Buffer.from(await dl.arrayBuffer()).equals(bytes)).toBe(true);
    const forgedUrl = new URL(ready.download_url);
    const sig = forgedUrl.searchParams.get("signature") as string;
    forgedUrl.searchParams.set("signature", (sig[0] === "A" ? "B" : "A") + sig.slice(1));
    const forged = await fetch(forgedUrl);
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe("forbidden");
    expect((await h.req("GET", "/v1/assets")).json.items[0].download_url).toBeNull();

    const ledger = (await h.req("GET", "/v1/credits/ledger")).json;
    expect(ledger.items[0]).toMatchObject({ kind: "charge", amount: -1, asset_id: asset.id, minutes: 1, balance_after: 119 });
    expect((await h.req("GET", "/v1/credits")).json.balance).toBe(119);
  });

  it("DELETE on the transfer URL removes the asset", async () => {
    const created = (await h.req("POST", "/v1/assets", { project_id: projectId, size_bytes: 100 })).json;
    const r = await fetch(created.upload_url, { method: "DELETE", headers: { ...h.auth, ...TUS } });
    expect(r.status).toBe(204);
    expectEnvelope(await h.req("GET", `/v1/assets/${created.id}`), 404, "not_found");
    const gone = await head(created.upload_url);
    expect(gone.status).toBe(404);
  });

  it("a drop fault after N bytes keeps exactly N bytes, and the upload resumes from there", async () => {
    const bytes = fs.readFileSync(makeMedia("audio"));
    const created = (await h.req("POST", "/v1/assets", { project_id: projectId, size_bytes: bytes.length, filename: "a.m4a" })).json;
    await h.req("POST", "/sandbox/faults", { path: "/v1/uploads/", method: "PATCH", count: 1, drop: true, after_bytes: 1000 });
    await expect(patch(created.upload_url, 0, bytes)).rejects.toThrow();
    const offset = Number((await head(created.upload_url)).headers.get("upload-offset"));
    expect(offset).toBe(1000);
    const r = await patch(created.upload_url, offset, bytes.subarray(offset));
    expect(r.status).toBe(204);
    await h.sb.idle();
    const ready = (await h.req("GET", `/v1/assets/${created.id}`)).json;
    expect(ready).toMatchObject({ state: "ready", media_type: "audio" });
  });

  it("a file that is not media fails with a clear error and no charge", async () => {
    const junk = Buffer.alloc(4096, 7);
    const before = (await h.req("GET", "/v1/credits")).json.balance;
    const created = (await h.req("POST", "/v1/assets", { project_id: projectId, size_bytes: junk.length, filename: "notes.txt" })).json;
    expect((await patch(created.upload_url, 0, junk)).status).toBe(204);
    await h.sb.idle();
    const failed = (await h.req("GET", `/v1/assets/${created.id}`)).json;
    expect(failed).toMatchObject({ state: "failed", error_code: "media_unreadable", cuttable: false });
    expect(failed.error_message).toMatch(/No reader could open the file as audio or video \(tried .*\)/);
    expect((await h.req("GET", "/v1/credits")).json.balance).toBe(before);
    const cut = await h.req("POST", "/v1/cuts", { asset_id: created.id });
    expectEnvelope(cut, 409, "asset_failed");
  });

  it("refuses an asset for a project that does not exist, and filters the list", async () => {
    expectEnvelope(await h.req("POST", "/v1/assets", { project_id: "00000000-0000-4000-8000-000000000000", size_bytes: 100 }), 404, "not_found");
    const list = (await h.req("GET", `/v1/assets?project_id=${projectId}&state=ready`)).json;
    expect(list.items.length).toBe(list.total);
    expect(list.items.every((a: { state: string }) => a.state === "ready")).toBe(true);
    expectEnvelope(await h.req("GET", "/v1/assets?state=bogus"), 422, "validation_error");
  });
});
