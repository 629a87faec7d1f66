// cut_audio (the app-only tool behind the cut timeline view's Listen button) against a real sandbox through a
// real MCP client. A cut of about a minute is paged to the end and its chunks joined as the view joins them; the
// truth comes from outside the tool: ffprobe and ffmpeg read the joined file, the OTIO export gives the kept
// duration, and the service's own download of the render (its signed URL) gives the bytes.
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import type { Progress } from "@modelcontextprotocol/client";
import { connect, FIXTURE_SCRIPT, startTestSandbox, textOf } from "../../test/helpers/mcp-harness.js";
import { completedCut, MISSING_ID, useToolHarness, whileHeld } from "../../test/helpers/tool-harness.js";
import { planLongCut } from "../../test/app/long-cut.js";
import { CHUNK_BYTES, RENDER_WAIT } from "./cut-audio-tool.js";

const run = promisify(execFile);
const h = useToolHarness("roughy-mcp-cut-audio-");

type Chunk = {
  cut_id: string;
  render_id: string;
  mime_type: string;
  byte_length: number;
  offset_bytes: number;
  next_offset_bytes: number | null;
  duration_seconds: number | null;
  audio_base64: string;
  next_step: string;
};
type RenderRow = { id: string; output: string; state: string; download_url: string | null };

/** A cut of about a minute: planned words over pink noise (full-bitrate audio, like speech), cut to the plan's script. */
let minute: { assetId: string; cutId: string };
/** The short fixture interview, cut to its script. */
let short: { assetId: string; cutId: string };

async function renders(cutId: string): Promise<RenderRow[]> {
  const r = await h.sb.control("GET", `/v1/renders?cut_id=${cutId}&limit=100`);
  expect(r.status).toBe(200);
  return (r.body as { items: RenderRow[] }).items;
}

/** Seconds the cut keeps, from its OTIO export: the sum of its clips' durations. */
async function keptSeconds(cutId: string): Promise<number> {
  const r = await h.sb.control("GET", `/v1/cuts/${cutId}/export?format=otio`);
  expect(r.status).toBe(200);
  type Time = { value: number; rate: number };
  const doc = r.body as { tracks: { children: { children: { OTIO_SCHEMA: string; source_range: { duration: Time } }[] }[] } };
  return doc.tracks.children[0]!.children.filter((c) => c.OTIO_SCHEMA.startsWith("Clip.")).reduce((s, c) => s + c.source_range.duration.value / c.source_range.duration.rate, 0);
}

async function minuteCut(): Promise<{ assetId: string; cutId: string }> {
  const plan = planLongCut(22);
  const media = path.join(h.ws.dir, "minute.m4a");
  await run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", `anoisesrc=sample_rate=48000:color=pink:amplitude=0.2:duration=${plan.duration}`, "-ac", "1", "-c:a", "aac", "-b:a", "96k", media]);
  const up = await h.conn.call("upload_media", { path: media, confirm_cost: true, wait_seconds: 50 });
  expect(up.isError, textOf(up)).toBeFalsy();
  const assetId = (up.structuredContent as { asset: { id: string } }).asset.id;
  expect((await h.sb.control("PUT", `/sandbox/assets/${assetId}/transcript`, { words: plan.transcript })).status).toBeLessThan(300);
  const cut = await h.conn.call("create_cut", { asset_id: assetId, script: plan.script, wait_seconds: 50 });
  expect(cut.isError, textOf(cut)).toBeFalsy();
  const cutId = (cut.structuredContent as { cut: { id: string } }).cut.id;
  for (let state = (cut.structuredContent as { cut: { state: string } }).cut.state; state !== "completed"; ) {
    const w = await h.conn.call("roughy_wait", { kind: "cut", id: cutId, wait_seconds: 50 });
    state = (w.structuredContent as { state: string }).state;
    expect(state, textOf(w)).not.toBe("failed");
  }
  return { assetId, cutId };
}

beforeAll(async () => {
  minute = await minuteCut();
  short = await completedCut(h);
});

describe("cut_audio", () => {
  it("pages a minute-long cut's audio to the end; the joined chunks are the render's file, AAC in mp4 lasting the kept time", async () => {
    const progress: Progress[] = [];
    const chunks: Chunk[] = [];
    const took: number[] = [];
    let args: Record<string, unknown> = { cut_id: minute.cutId };
    for (;;) {
      const started = performance.now();
      const r = await h.conn.call("cut_audio", args, chunks.length === 0 ? { progress } : {});
      took.push(performance.now() - started);
      expect(r.isError, textOf(r)).toBeFalsy();
      const chunk = r.structuredContent as Chunk;
      // The bytes travel in the structured content only; the text is a one-line summary with the next step.
      expect(textOf(r)).not.toContain(chunk.audio_base64.slice(0, 64));
      expect(textOf(r)).toContain(chunk.next_step);
      expect(textOf(r).length).toBeLessThan(400);
      chunks.push(chunk);
      if (chunk.next_offset_bytes === null) break;
      args = { cut_id: minute.cutId, render_id: chunk.render_id, offset_bytes: chunk.next_offset_bytes };
    }
    // The first call made the render and reported it, up to a full bar.
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toMatchObject({ progress: 100, total: 100 });
    expect(progress.map((p) => p.progress)).toEqual([...progress.map((p) => p.progress)].sort((a, b) => a - b));

    const first = chunks[0]!;
    expect(chunks.length).toBeGreaterThan(1);
    let at = 0;
    const pieces: Buffer[] = [];
    for (const [i, c] of chunks.entries()) {
      expect(c).toMatchObject({ cut_id: minute.cutId, render_id: first.render_id, mime_type: "audio/mp4", byte_length: first.byte_length, offset_bytes: at });
      const bytes = Buffer.from(c.audio_base64, "base64");
      if (i < chunks.length - 1) {
        expect(bytes.length).toBe(CHUNK_BYTES);
        expect(bytes.length % 3).toBe(0);
        // A full chunk arrives whole: 1 MiB of base64, not shortened to the model's answer cap.
        expect(c.audio_base64.length).toBe(1_048_576);
      }
      pieces.push(bytes);
      at += bytes.length;
      expect(c.next_offset_bytes).toBe(at < first.byte_length ? at : null);
    }
    expect(at).toBe(first.byte_length);
    // The view's join: the base64 strings concatenated decode to the same bytes as the pieces.
    const joined = Buffer.from(chunks.map((c) => c.audio_base64).join(""), "base64");
    expect(joined.equals(Buffer.concat(pieces))).toBe(true);

    // The bytes are the service's render, byte for byte (fetched from its signed URL).
    const rows = await renders(minute.cutId);
    expect(rows.map((r) => [r.id, r.output, r.state])).toEqual([[first.render_id, "m4a", "completed"]]);
    const served = Buffer.from(await (await fetch(rows[0]!.download_url!)).arrayBuffer());
    expect(joined.equals(served)).toBe(true);

    // What ffprobe reads: one AAC stream in an mp4-family container, as long as the OTIO says the cut keeps.
    const file = path.join(h.ws.dir, "joined.m4a");
    await writeFile(file, joined);
    const probe = JSON.parse((await run("ffprobe", ["-v", "error", "-show_format", "-show_streams", "-of", "json", file])).stdout) as {
      format: { format_name: string; duration: string };
      streams: { codec_type: string; codec_name: string; sample_rate: string }[];
    };
    expect(probe.format.format_name).toContain("mp4");
    expect(probe.streams.map((s) => [s.codec_type, s.codec_name])).toEqual([["audio", "aac"]]);
    const seconds = Number(probe.format.duration);
    const kept = await keptSeconds(minute.cutId);
    const aacFrame = 1024 / Number(probe.streams[0]!.sample_rate);
    // The render is cut on a 25 fps grid (audio-only media): within a frame, or an AAC frame, of the OTIO.
    expect(Math.abs(seconds - kept)).toBeLessThanOrEqual(Math.max(1 / 25, aacFrame) + 1e-3);
    expect(first.duration_seconds).not.toBeNull();
    expect(Math.abs(first.duration_seconds! - seconds)).toBeLessThanOrEqual(aacFrame);
    // And it decodes from end to end.
    await run("ffmpeg", ["-v", "error", "-xerror", "-i", file, "-f", "null", "-"]);
    const later = took.slice(1);
    console.log(
      `cut_audio: ${kept.toFixed(1)} s kept -> ${first.byte_length} bytes (${((first.byte_length / kept) * 60 / 1e6).toFixed(2)} MB a minute) in ${chunks.length} chunks; ` +
        `first call (render, download, chunk) ${took[0]!.toFixed(0)} ms, each later chunk ${(later.reduce((a, b) => a + b, 0) / later.length).toFixed(0)} ms`,
    );

    // Again without render_id: the same render, reused; no second one is made.
    const again = await h.conn.call("cut_audio", { cut_id: minute.cutId });
    expect(again.isError, textOf(again)).toBeFalsy();
    expect((again.structuredContent as Chunk).render_id).toBe(first.render_id);
    expect((again.structuredContent as Chunk).audio_base64).toBe(first.audio_base64);
    expect((await renders(minute.cutId)).map((r) => r.id)).toEqual([first.render_id]);
  });

  it("an offset past the end names offset_bytes and the audio's length", async () => {
    const first = (await h.conn.call("cut_audio", { cut_id: short.cutId })).structuredContent as Chunk;
    expect(first.next_offset_bytes).toBeNull();
    const r = await h.conn.call("cut_audio", { cut_id: short.cutId, render_id: first.render_id, offset_bytes: first.byte_length });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain("offset_bytes");
    expect(textOf(r)).toContain(String(first.byte_length));
    expect(textOf(r)).toContain(`0 to ${first.byte_length - 1}`);
  });

  it("a render of another cut, or none, is refused, naming render_id", async () => {
    const other = (await h.conn.call("cut_audio", { cut_id: short.cutId })).structuredContent as Chunk;
    const r = await h.conn.call("cut_audio", { cut_id: minute.cutId, render_id: other.render_id });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain(`render_id ${other.render_id}`);
    expect(textOf(r)).toContain("no render_id");
    const gone = await h.conn.call("cut_audio", { cut_id: minute.cutId, render_id: MISSING_ID });
    expect(gone.isError).toBe(true);
    expect(textOf(gone)).toContain(`render_id ${MISSING_ID} names no render`);
    expect(textOf(gone)).toContain("no render_id");
  });

  it("a cached render is served only to a caller whose own key can read it", async () => {
    // The cache is the process's, shared by every caller (the HTTP mode serves many keys from one process).
    // Another account (its own sandbox and key), given this account's cut and render ids, gets nothing.
    const mine = (await h.conn.call("cut_audio", { cut_id: short.cutId })).structuredContent as Chunk;
    expect(mine.byte_length).toBeGreaterThan(0);
    const elsewhere = await startTestSandbox();
    const other = await connect({ sandbox: elsewhere.sandbox });
    try {
      for (const args of [{ cut_id: short.cutId, render_id: mine.render_id }, { cut_id: short.cutId }]) {
        const r = await other.call("cut_audio", args);
        expect(r.isError).toBe(true);
        expect(r.structuredContent).toBeUndefined();
        expect(textOf(r)).toMatch(/names no render|Not found/);
      }
    } finally {
      await other.close();
      await elsewhere.close();
    }
  });

  it("an unknown cut is named with the tool that gives cut ids", async () => {
    const r = await h.conn.call("cut_audio", { cut_id: MISSING_ID });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain("cut_id");
    expect(textOf(r)).toContain("roughy_list");
  });

  it("a cut still processing is refused with the wait to make, and no render is started", async () => {
    const { text, cutId } = await whileHeld(h, { cuts: true }, async () => {
      const cut = await h.conn.call("create_cut", { asset_id: short.assetId, script: "A cut held in processing by the sandbox." });
      expect(cut.isError, textOf(cut)).toBeFalsy();
      const id = (cut.structuredContent as { cut: { id: string } }).cut.id;
      const r = await h.conn.call("cut_audio", { cut_id: id });
      expect(r.isError).toBe(true);
      return { text: textOf(r), cutId: id };
    });
    expect(text).toContain(`cut_id ${cutId}`);
    expect(text).toMatch(/not completed/);
    expect(text).toContain("roughy_wait");
    expect(await renders(cutId)).toEqual([]);
  });

  it("a cut whose asset has no audio track is refused with what the cut can still give", async () => {
    const media = path.join(h.ws.dir, "silent-picture.mp4");
    await run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-t", "3", "-c:v", "libx264", "-preset", "ultrafast", media]);
    const up = await h.conn.call("upload_media", { path: media, confirm_cost: true, wait_seconds: 50 });
    expect(up.isError, textOf(up)).toBeFalsy();
    const cut = await h.conn.call("create_cut", { asset_id: (up.structuredContent as { asset: { id: string } }).asset.id, wait_seconds: 50 });
    expect(cut.isError, textOf(cut)).toBeFalsy();
    const cutId = (cut.structuredContent as { cut: { id: string; state: string } }).cut.id;
    expect((cut.structuredContent as { cut: { state: string } }).cut.state).toBe("completed");
    const r = await h.conn.call("cut_audio", { cut_id: cutId });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/no audio track/);
    expect(textOf(r)).toContain("export_cut");
  });

  it("a cut that keeps nothing is refused with the way to a cut that does", async () => {
    // Silence, cut without a script: with no words, pauses alone decide, and all of it is pause.
    const media = path.join(h.ws.dir, "silence.m4a");
    await run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "4", "-c:a", "aac", media]);
    const up = await h.conn.call("upload_media", { path: media, confirm_cost: true, wait_seconds: 50 });
    expect(up.isError, textOf(up)).toBeFalsy();
    const cut = await h.conn.call("create_cut", { asset_id: (up.structuredContent as { asset: { id: string } }).asset.id, wait_seconds: 50 });
    expect(cut.isError, textOf(cut)).toBeFalsy();
    const cutId = (cut.structuredContent as { cut: { id: string } }).cut.id;
    expect(await keptSeconds(cutId)).toBe(0);
    const r = await h.conn.call("cut_audio", { cut_id: cutId });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain("keeps nothing");
    expect(textOf(r)).toContain("create_cut");
  });

  it("a render longer than one call's wait answers an empty chunk to call again for, and the render goes on", async () => {
    // The fixture cut to its first two script lines: a cut of its own, with no render yet.
    const script = (await readFile(FIXTURE_SCRIPT, "utf8")).split("\n").slice(0, 2).join("\n");
    const cut = await h.conn.call("create_cut", { asset_id: short.assetId, script, wait_seconds: 50 });
    expect(cut.isError, textOf(cut)).toBeFalsy();
    const cutId = (cut.structuredContent as { cut: { id: string } }).cut.id;
    const saved = RENDER_WAIT.ms;
    RENDER_WAIT.ms = 200;
    let waiting: Chunk;
    try {
      waiting = await whileHeld(h, { renders: true }, async () => {
        const r = await h.conn.call("cut_audio", { cut_id: cutId });
        expect(r.isError, textOf(r)).toBeFalsy();
        expect(textOf(r)).toMatch(/still rendering/);
        const rows = await renders(cutId);
        expect(rows).toHaveLength(1);
        expect(["pending", "processing"]).toContain(rows[0]!.state);
        return r.structuredContent as Chunk;
      });
    } finally {
      RENDER_WAIT.ms = saved;
    }
    expect(waiting).toMatchObject({ cut_id: cutId, byte_length: 0, offset_bytes: 0, next_offset_bytes: 0, audio_base64: "", duration_seconds: null });
    // The paging loop as the view runs it: the same call again, now with the render's id, gets the audio.
    const r = await h.conn.call("cut_audio", { cut_id: cutId, render_id: waiting.render_id, offset_bytes: waiting.next_offset_bytes });
    expect(r.isError, textOf(r)).toBeFalsy();
    const chunk = r.structuredContent as Chunk;
    expect(chunk.render_id).toBe(waiting.render_id);
    expect(chunk.byte_length).toBeGreaterThan(0);
    expect(Buffer.from(chunk.audio_base64, "base64").subarray(4, 8).toString("latin1")).toBe("ftyp");
    expect((await renders(cutId)).map((row) => [row.id, row.state])).toEqual([[waiting.render_id, "completed"]]);
  });

  it("cancelling the first call cancels the render it started", async () => {
    // A fresh cut of the fixture (scriptless), with no render yet; the sandbox holds the render in processing.
    const cut = await h.conn.call("create_cut", { asset_id: short.assetId, wait_seconds: 50 });
    expect(cut.isError, textOf(cut)).toBeFalsy();
    const cutId = (cut.structuredContent as { cut: { id: string } }).cut.id;
    expect(await renders(cutId)).toEqual([]);
    await whileHeld(h, { renders: true }, async () => {
      const controller = new AbortController();
      const progress: Progress[] = [];
      const call = h.conn.call("cut_audio", { cut_id: cutId }, { progress, signal: controller.signal });
      // The render exists and the call is waiting on it.
      while ((await renders(cutId)).length === 0 || progress.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      controller.abort();
      await expect(call).rejects.toThrow();
      // Still held: only a cancel ends it (a render left running would keep this loop going until the test times out).
      let rows = await renders(cutId);
      while (rows[0]!.state === "pending" || rows[0]!.state === "processing") {
        await new Promise((resolve) => setTimeout(resolve, 20));
        rows = await renders(cutId);
      }
      expect(rows.map((r) => [r.output, r.state])).toEqual([["m4a", "canceled"]]);
    });
  });
});
