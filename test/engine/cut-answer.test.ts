// What a cut's answer says about how it was made, on the wire: a cut of speech the offline recogniser cannot
// read (the asset's language is not English) completes from pauses and carries a `warnings` entry saying so;
// a script the recording does not carry fails with script_not_spoken instead of completing.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixturePath, loadScript, loadTruth } from "./quality.js";
import { type Harness, start, TUS } from "../sandbox/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await start();
});
afterAll(async () => {
  await h.sb.close();
});

async function upload(file: string, language: string | null): Promise<{ id: string }> {
  const projectId = (await h.req("POST", "/v1/projects", { name: "speech" })).json.id;
  const bytes = fs.readFileSync(file);
  const created = await h.req("POST", "/v1/assets", { project_id: projectId, size_bytes: bytes.length, filename: path.basename(file), ...(language ? { language } : {}) });
  expect(created.status).toBe(201);
  const res = await fetch(created.json.upload_url, { method: "PATCH", headers: { ...h.auth, ...TUS, "upload-offset": "0", "content-type": "application/offset+octet-stream" }, body: bytes });
  expect(res.status).toBe(204);
  await h.sb.idle();
  return (await h.req("GET", `/v1/assets/${created.json.id}`)).json;
}

async function cut(assetId: string, script: string | null) {
  const created = await h.req("POST", "/v1/cuts", { asset_id: assetId, script });
  expect(created.status).toBe(201);
  await h.sb.idle();
  return (await h.req("GET", `/v1/cuts/${created.json.id}`)).json;
}

describe("the cut's answer", () => {
  it("carries a language_unsupported warning when the asset's language is not English, and the cut is made from pauses", async () => {
    const asset = await upload(fixturePath("interview.m4a"), "ja");
    const done = await cut(asset.id, loadScript());
    expect(done).toMatchObject({ state: "completed", error_code: null });
    expect(done.warnings).toEqual([{ code: "language_unsupported", message: expect.stringContaining("English only") }]);
    const english = await upload(fixturePath("interview.m4a"), "en-US");
    await h.req("PUT", `/sandbox/assets/${english.id}/transcript`, { words: loadTruth().words });
    const scripted = await cut(english.id, loadScript());
    expect(scripted.state).toBe("completed");
    expect(scripted).not.toHaveProperty("warnings");
  });

  it("fails with script_not_spoken when the script is not in the recording", async () => {
    const asset = await upload(fixturePath("interview.m4a"), null);
    await h.req("PUT", `/sandbox/assets/${asset.id}/transcript`, { words: loadTruth().words });
    const done = await cut(asset.id, "Our quarterly revenue exceeded analyst expectations, driven by strong demand for the new platform.");
    expect(done).toMatchObject({ state: "failed", error_code: "script_not_spoken" });
    expect(done.error_message).toMatch(/check that the script belongs to this asset/);
  });
});
