// Issue 17, attack 1 and 5: a file that is an HLS playlist to one reader and an MP3 to another, whose playlist
// names files outside the allowed directories (a FIFO, so any open of it is seen, and a recording with a
// different tone). Through the MCP server (estimate_cost, upload_media, create_render, download_render) and
// straight to the sandbox's API, with whichever toolchain runs: the outside files are never opened, anything
// rendered is the MP3's own 442 Hz, a refused file creates no asset and costs nothing, and a later render is
// not held up.
import { spawn, type ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolchain } from "../../src/media-tools/index.js";
import { connect, startTestSandbox, textOf, type Connected, type TestSandbox } from "../helpers/mcp-harness.js";
import { startWorkspace, type Workspace } from "../helpers/workspace.js";
import { peakDb } from "./fixtures.js";

let sb: TestSandbox;
let conn: Connected;
let ws: Workspace;
let outside: string;
let fifo: string;
let watcher: ChildProcess;
let opened = "";
let attack: string;
const BALANCE = 50;

function ff(args: string[]): void {
  execFileSync(toolchain().ffmpeg.path, ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args]);
}

beforeAll(async () => {
  sb = await startTestSandbox({ startingBalance: BALANCE });
  ws = await startWorkspace("roughy-attack-root-", { copyMedia: false });
  outside = await mkdtemp(path.join(tmpdir(), "roughy-attack-outside-"));
  fifo = path.join(outside, "secret-live.ts");
  execFileSync("mkfifo", [fifo]);
  // A writer blocks in open() until someone opens the FIFO to read: "opened" on its stdout means a reader came.
  watcher = spawn("sh", ["-c", 'exec 3>"$0"; echo opened', fifo], { stdio: ["ignore", "pipe", "ignore"] });
  watcher.stdout?.on("data", (d: Buffer) => (opened += d.toString()));
  const secret = path.join(outside, "secret.ts");
  ff(["-f", "lavfi", "-i", "sine=frequency=880:duration=4", "-c:a", "aac", "-f", "mpegts", secret]);
  const mp3 = path.join(ws.dir, "tone.mp3");
  ff(["-f", "lavfi", "-i", "sine=frequency=442:duration=3", "-c:a", "libmp3lame", "-f", "mp3", mp3]);
  const playlist = ["#EXTM3U", "#EXT-X-TARGETDURATION:17", "#EXTINF:8.0,", `file://${fifo}`, "#EXTINF:9.0,", `file://${secret}`, "#EXT-X-ENDLIST", ""].join("\n");
  attack = path.join(ws.dir, "interview.mp4");
  await writeFile(attack, Buffer.concat([Buffer.from(playlist), await readFile(mp3)]));
  conn = await connect({ sandbox: sb.sandbox, allowDirs: [ws.dir] });
});

afterAll(async () => {
  watcher?.kill("SIGKILL");
  await conn?.close();
  await sb?.close();
  await ws?.close();
  if (outside) await rm(outside, { recursive: true, force: true });
});

async function balance(): Promise<number> {
  return ((await sb.control("GET", "/v1/credits")).body as { balance: number }).balance;
}

async function assetCount(): Promise<number> {
  return ((await sb.control("GET", "/v1/assets")).body as { total: number }).total;
}

/** The 442 Hz MP3 is what was rendered, not the outside 880 Hz recording. */
function expectOwnTone(file: string): void {
  const own = peakDb(file, "0:a:0", 442);
  const foreign = peakDb(file, "0:a:0", 880);
  expect(own).toBeGreaterThan(-20);
  expect(own - foreign, `442 Hz at ${own} dB, 880 Hz at ${foreign} dB`).toBeGreaterThan(20);
}

/** Polls the asset until preparation has decided (the sandbox has no synchronous answer for it). */
async function settled(id: string): Promise<{ state: string; error_code: string | null; error_message: string | null }> {
  for (;;) {
    const a = (await sb.control("GET", `/v1/assets/${id}`)).body as { state: string; error_code: string | null; error_message: string | null };
    if (a.state !== "processing" && a.state !== "pending_upload") return a;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe(`HLS-in-MP3 upload (ffmpeg ${toolchain().ffmpeg.version}, ffprobe ${toolchain().ffprobe.version})`, () => {
  it("through the MCP server: refused before upload, or read as the MP3 it was probed as", async () => {
    const before = await balance();
    const est = await conn.call("estimate_cost", { path: attack });
    const up = await conn.call("upload_media", { path: attack, confirm_cost: true, wait_seconds: 50 });
    if (est.isError) {
      // A reader that takes the file for a playlist: refused by name, nothing uploaded, nothing charged.
      expect(textOf(est)).toMatch(/HLS playlist/);
      expect(up.isError).toBe(true);
      expect(textOf(up)).toMatch(/HLS playlist.*Nothing was uploaded or charged/s);
      expect(await assetCount()).toBe(0);
      expect(await balance()).toBe(before);
    } else {
      // A reader that takes it for an MP3: every later step reads it as an MP3 (forced demuxer).
      expect(up.isError, textOf(up)).toBeFalsy();
      const assetId = (up.structuredContent as { asset: { id: string } }).asset.id;
      const cut = await conn.call("create_cut", { asset_id: assetId, wait_seconds: 50 });
      expect(cut.isError, textOf(cut)).toBeFalsy();
      const r = await conn.call("create_render", { asset_id: assetId, output: "m4a", wait_seconds: 50 });
      expect((r.structuredContent as { render: { state: string } }).render.state, textOf(r)).toBe("completed");
      const d = await conn.call("download_render", { render_id: (r.structuredContent as { render: { id: string } }).render.id });
      expect(d.isError, textOf(d)).toBeFalsy();
      expectOwnTone((d.structuredContent as { saved_to: string }).saved_to);
    }
    expect(opened).toBe("");
  });

  it("straight to the sandbox: preparation refuses the playlist (nothing charged) or reads the MP3; renders are not held up", async () => {
    const before = await balance();
    const bytes = await readFile(attack);
    const project = (await sb.control("POST", "/v1/projects", { name: "attack" })).body as { id: string };
    const created = (await sb.control("POST", "/v1/assets", { project_id: project.id, size_bytes: bytes.length, filename: "interview.mp4" })).body as { id: string; upload_url: string };
    const patch = await fetch(created.upload_url, {
      method: "PATCH",
      headers: { authorization: `Bearer ${sb.sandbox.apiKey}`, "tus-resumable": "1.0.0", "upload-offset": "0", "content-type": "application/offset+octet-stream" },
      body: bytes,
    });
    expect(patch.status).toBe(204);
    const asset = await settled(created.id);
    if (asset.state === "failed") {
      expect(asset.error_code).toBe("media_unreadable");
      expect(asset.error_message).toMatch(/HLS playlist/);
      expect(await balance()).toBe(before);
    } else {
      expect(asset.state).toBe("ready");
      const render = (await sb.control("POST", "/v1/renders", { asset_id: created.id, output: "m4a" })).body as { id: string };
      let r: { state: string; download_url: string | null };
      for (;;) {
        r = (await sb.control("GET", `/v1/renders/${render.id}`)).body as typeof r;
        if (r.state !== "pending" && r.state !== "processing") break;
        await new Promise((res) => setTimeout(res, 100));
      }
      expect(r.state).toBe("completed");
      const out = path.join(ws.dir, "direct.m4a");
      await writeFile(out, Buffer.from(await (await fetch(r.download_url as string)).arrayBuffer()));
      expectOwnTone(out);
    }
    // The queue is free: an ordinary upload is prepared and rendered after the attack.
    const ok = path.join(ws.dir, "ok.mp3");
    ff(["-f", "lavfi", "-i", "sine=frequency=442:duration=2", "-c:a", "libmp3lame", "-f", "mp3", ok]);
    const up = await conn.call("upload_media", { path: ok, confirm_cost: true, wait_seconds: 50 });
    expect(up.isError, textOf(up)).toBeFalsy();
    const r = await conn.call("create_render", { asset_id: (up.structuredContent as { asset: { id: string } }).asset.id, output: "mp3", wait_seconds: 50 });
    expect((r.structuredContent as { render: { state: string } }).render.state, textOf(r)).toBe("completed");
    expect(opened).toBe("");
  });

  it("a file no reader can open: one error naming what was tried and what to do; no asset, no charge", async () => {
    const before = await balance();
    const assets = await assetCount();
    const junk = path.join(ws.dir, "broken-clip.mp4");
    await writeFile(junk, Buffer.concat([Buffer.from("ftypisom"), Buffer.alloc(8192, 0x5a)]));
    for (const [tool, args] of [["estimate_cost", { path: junk }], ["upload_media", { path: junk, confirm_cost: true }]] as const) {
      const r = await conn.call(tool, args);
      expect(r.isError, tool).toBe(true);
      const text = textOf(r);
      expect(text).toMatch(/tried ffprobe [^;]+; ffmpeg .* -i/);
      expect(text).toMatch(/common format/);
      expect(text).toMatch(/Nothing was uploaded or charged/);
    }
    expect(await assetCount()).toBe(assets);
    expect(await balance()).toBe(before);
  });
});
