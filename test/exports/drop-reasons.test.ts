/* eslint-disable @typescript-eslint/no-explicit-any -- the OTIO export is read as plain JSON */
// The sandbox end to end: cuts made through its HTTP API, their OTIO export read as plain JSON, and the words its
// metadata says were dropped checked against how the fixture was built (scripts/make-fixtures.mjs: flite spoke
// each piece alone, so every word's place and kind, script, filler, abandoned take or aside, is known).
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/sandbox/store/sqlite.js";
import { fixturePath, loadScript, loadTruth } from "../engine/quality.js";
import { type Harness, start, uploadAsset } from "../sandbox/harness.js";

const truth = loadTruth();

type Dropped = { start: number; end: number; text: string; reason: string };

/** The words of the pieces of these kinds, as the metadata should list them. */
const built = (kinds: string[]): Dropped[] =>
  truth.pieces.filter((p) => kinds.includes(p.kind)).flatMap((p) => (p.words ?? []).map((w) => ({ start: w.start, end: w.end, text: w.word, reason: p.kind })));

/** The OTIO's kept clips as seconds from the file's start (source range less the media's available start). */
function clips(otio: any): Array<{ start: number; end: number }> {
  const track = otio.tracks.children[0];
  return track.children.map((c: any) => {
    const t = (x: any) => x.value / x.rate;
    const origin = t(c.media_references.DEFAULT_MEDIA.available_range.start_time);
    const start = t(c.source_range.start_time) - origin;
    return { start, end: start + t(c.source_range.duration) };
  });
}

describe("drop reasons in the sandbox's OTIO export", () => {
  let h: Harness;
  let assetId: string;
  const otio = async (cutId: string) => {
    const r = await h.req("GET", `/v1/cuts/${cutId}/export?format=otio`);
    expect(r.status).toBe(200);
    return r.json;
  };
  const cut = async (id: string, script: string | null) => {
    const r = await h.req("POST", "/v1/cuts", { asset_id: id, ...(script ? { script } : {}) });
    expect(r.status, r.text).toBeLessThan(300);
    await h.sb.idle();
    expect((await h.req("GET", `/v1/cuts/${r.json.id}`)).json.state).toBe("completed");
    return r.json.id as string;
  };

  beforeAll(async () => {
    h = await start();
    assetId = (await uploadAsset(h, fixturePath("interview.mp4"))).id;
    const put = await h.req("PUT", `/sandbox/assets/${assetId}/transcript`, { words: truth.words });
    expect(put.status).toBe(200);
  });
  afterAll(async () => {
    await h?.sb.close();
    if (h) fs.rmSync(path.dirname(h.dataDir), { recursive: true, force: true });
  });

  it("a scripted cut: every filler, the abandoned take and the aside, each with its kind, all outside the kept clips", async () => {
    const doc = await otio(await cut(assetId, loadScript()));
    const dropped = doc.metadata.roughy.dropped_words as Dropped[];
    expect(dropped).toEqual(built(["filler", "restart", "aside"]));
    const kept = clips(doc);
    expect(kept.length).toBeGreaterThan(3);
    for (const d of dropped) expect(kept.some((s) => s.start < d.end && d.start < s.end)).toBe(false);
  });

  it("a scriptless cut: the fillers and the abandoned take; the aside is kept speech", async () => {
    const doc = await otio(await cut(assetId, null));
    expect(doc.metadata.roughy.dropped_words).toEqual(built(["filler", "restart"]));
  });

  it("a cut made from pauses says none were dropped; a cut stored before reasons existed gives none", async () => {
    const before = process.env.ROUGHY_SANDBOX_TRANSCRIBER;
    process.env.ROUGHY_SANDBOX_TRANSCRIBER = "none";
    let pausesCut: string;
    try {
      const bare = (await uploadAsset(h, fixturePath("interview.m4a"))).id;
      pausesCut = await cut(bare, null);
    } finally {
      if (before === undefined) delete process.env.ROUGHY_SANDBOX_TRANSCRIBER;
      else process.env.ROUGHY_SANDBOX_TRANSCRIBER = before;
    }
    const doc = await otio(pausesCut);
    expect(doc.metadata).toEqual({ roughy: { dropped_words: [] } });
    expect(clips(doc).length).toBeGreaterThan(1);

    // An older sandbox kept no reasons: its stored cut (dropped_json empty) exports as OTIO always did.
    const dataDir = h.dataDir;
    await h.sb.close();
    const db = openDatabase(path.join(dataDir, "sandbox.db"));
    db.prepare("UPDATE cuts SET dropped_json = NULL WHERE id = ?").run(pausesCut);
    db.close();
    h = await start({ dataDir });
    expect((await otio(pausesCut)).metadata).toEqual({});
  });
});
