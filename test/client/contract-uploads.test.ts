// Uploads against the sandbox's TUS endpoint: refusal of a too-small file before any asset exists, an
// upload interrupted half-way and resumed (by a fresh client, as after a restart) from the server's offset,
// a connection dropped mid-PATCH, cancel, and a file that is not media.
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConflictError,
  ConnectionError,
  FileResumeStore,
  MemoryResumeStore,
  NotFoundError,
  ValidationError,
  type Asset,
} from "../../src/client/index.js";
import { ffmpegBinary } from "../../src/sandbox/media/ffmpeg.js";
import { eventually, startHarness, type Harness } from "./harness.js";

let h: Harness;
let dir: string;
let projectId: string;
beforeAll(async () => {
  h = await startHarness({ clientOptions: { uploadRetryDelays: [0, 200, 500] } });
  dir = await mkdtemp(join(tmpdir(), "roughy-client-files-"));
  projectId = (await h.client.projects.create({ name: "uploads" })).id;
});
afterAll(async () => {
  await h?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function downloadAsset(asset: Asset): Promise<Buffer> {
  const a = await eventually(async () => {
    const got = await h.client.assets.get(asset.id);
    return got.download_url ? got : undefined;
  });
  // The signed URL needs no key.
  const res = await fetch(new URL(a.download_url!, h.sb.baseUrl));
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

/** A ~21 MB WAV: media the sandbox accepts, big enough to be cut off mid-transfer. */
async function makeWav(path: string, seconds = 110): Promise<void> {
  await promisify(execFile)(ffmpegBinary(), [
    "-v", "error", "-y", "-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}`,
    "-ac", "2", "-ar", "48000", "-c:a", "pcm_s16le", path,
  ]);
}

describe("uploads", () => {
  it("refuses a 63-byte file before creating any asset", async () => {
    const small = join(dir, "small.bin");
    await writeFile(small, randomBytes(63));
    const before = (await h.client.assets.list({ project_id: projectId })).total;
    const err = await h.client.uploads.uploadFile({ path: small, projectId, resumeStore: new MemoryResumeStore() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toMatch(/64 bytes/);
    expect((await h.client.assets.list({ project_id: projectId })).total).toBe(before);
    // A directory is refused the same way.
    await expect(h.client.uploads.uploadFile({ path: dir, projectId })).rejects.toBeInstanceOf(ValidationError);
  });

  it("the server refuses an asset under 64 bytes too", async () => {
    const err = await h.client.assets.create({ project_id: projectId, size_bytes: 63 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
  });

  it("uploads random bytes, which the sandbox then fails as not media", async () => {
    const f = join(dir, "noise.bin");
    const bytes = randomBytes(4096);
    await writeFile(f, bytes);
    let created: Asset | undefined;
    const out = await h.client.uploads.uploadFile({
      path: f,
      projectId,
      filename: "noise.mp4",
      resumeStore: new MemoryResumeStore(),
      onAssetCreated: (a) => (created = a),
    });
    expect(created?.state).toBe("pending_upload");
    expect(created?.upload_url).toBeTruthy();
    expect(out.asset.id).toBe(created?.id);
    expect(out.asset.state).not.toBe("pending_upload");
    expect(out.asset.upload_url ?? null).toBeNull();
    const err = await h.client.waitForCuttable(out.asset.id, { timeoutMs: 30_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).code).toBe("asset_failed");
  });

  it("resumes an upload aborted half-way from the server's offset, in a fresh client with the same store", async () => {
    const f = join(dir, "tone.wav");
    await makeWav(f);
    const original = await readFile(f);
    const storePath = join(dir, "store", "uploads.json");

    // The server drops the connection after half the file: with the whole rest of the file in one streamed
    // PATCH, a fast machine could otherwise deliver every byte before the abort (at 40% sent) lands.
    await h.fault({ path: "/", method: "PATCH", count: 1, drop: true, after_bytes: Math.floor(original.length / 2) });
    const ac = new AbortController();
    let assetId: string | undefined;
    const first = h.newClient({ uploadRetryDelays: [] });
    const err = await first.uploads
      .uploadFile({
        path: f,
        projectId,
        signal: ac.signal,
        resumeStore: new FileResumeStore(storePath),
        onAssetCreated: (a) => (assetId = a.id),
        onProgress: (sent, total) => {
          if (sent > total * 0.4) ac.abort();
        },
      })
      .catch((e: unknown) => e);
    // Whichever comes first, the abort or the dropped connection, the upload stops half-made.
    expect(["AbortError", "ConnectionError"]).toContain((err as Error).name);
    expect(assetId).toBeDefined();
    const halfway = await h.client.assets.get(assetId!);
    expect(halfway.state).toBe("pending_upload");
    expect(halfway.upload_url).toBeTruthy();
    expect(JSON.parse(await readFile(storePath, "utf8")).uploads).not.toEqual({});

    const second = h.newClient(); // as after a process restart: only the store file carries over
    const out = await second.uploads.uploadFile({ path: f, projectId, resumeStore: new FileResumeStore(storePath) });
    expect(out.resumed).toBe(true);
    expect(out.asset.id).toBe(assetId);
    // One streamed PATCH: the server kept what reached it before the abort, minus what sat in socket buffers.
    expect(out.bytesSkipped).toBeGreaterThan(0);
    expect(out.bytesSkipped).toBeLessThan(original.length);
    expect(JSON.parse(await readFile(storePath, "utf8")).uploads).toEqual({});
    expect(sha(await downloadAsset(out.asset))).toBe(sha(original));
  });

  it("surfaces a connection dropped mid-PATCH, then resumes at the server's offset", async () => {
    const f = join(dir, "tone-short.wav");
    await makeWav(f, 30);
    const original = await readFile(f);
    const store = new MemoryResumeStore();
    await h.fault({ path: "/", method: "PATCH", count: 1, drop: true, after_bytes: 1_000_000 });
    const noRetry = h.newClient({ uploadRetryDelays: [] });
    const err = await noRetry.uploads.uploadFile({ path: f, projectId, resumeStore: store }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(store.records.size).toBe(1);
    const out = await h.client.uploads.uploadFile({ path: f, projectId, resumeStore: store });
    expect(out.resumed).toBe(true);
    expect(out.bytesSkipped).toBeGreaterThan(0);
    expect(out.bytesSkipped).toBeLessThanOrEqual(1_000_000);
    expect(store.records.size).toBe(0);
    expect(sha(await downloadAsset(out.asset))).toBe(sha(original));
  });

  it("retries a dropped PATCH by itself (tus retry delays) within one call", async () => {
    const f = join(dir, "tone-short2.wav");
    await makeWav(f, 20);
    const original = await readFile(f);
    await h.fault({ path: "/", method: "PATCH", count: 1, drop: true, after_bytes: 500_000 });
    const out = await h.client.uploads.uploadFile({ path: f, projectId, resumeStore: new MemoryResumeStore() });
    expect(out.resumed).toBe(false);
    expect(out.asset.state).not.toBe("pending_upload");
    expect(sha(await downloadAsset(out.asset))).toBe(sha(original));
  });

  it("cancels an upload with TUS DELETE, which removes the asset", async () => {
    const a = await h.client.assets.create({ project_id: projectId, size_bytes: 1000, filename: "x.wav" });
    expect(a.upload_url).toBeTruthy();
    await h.client.uploads.cancel(a.upload_url!);
    await expect(h.client.assets.get(a.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("will not send the key to a foreign upload URL", async () => {
    await expect(h.client.uploads.cancel("https://evil.example/tus/1")).rejects.toBeInstanceOf(ValidationError);
  });
});
