/* eslint-disable @typescript-eslint/no-explicit-any -- wire tests read arbitrary JSON bodies */
// Shared helpers for the sandbox's wire tests: a sandbox on a random loopback port in a temp data dir, raw
// HTTP helpers (fetch, no client library), and small media files made with ffmpeg's lavfi sources.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ffmpegBinary } from "../../src/sandbox/media/ffmpeg.js";
import { type Sandbox, type SandboxOptions, startSandbox } from "../../src/sandbox/index.js";

export function tempDir(prefix = "roughy-sbx-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const mediaCache = new Map<string, string>();

/** A small media file: "av" (3 s 160x120 25 fps + 440 Hz), "video" (no audio), "audio" (m4a), "long" (61 s audio). */
export function makeMedia(kind: "av" | "video" | "audio" | "long"): string {
  const cached = mediaCache.get(kind);
  if (cached) return cached;
  const dir = tempDir("roughy-media-");
  const file = path.join(dir, kind === "audio" || kind === "long" ? `${kind}.m4a` : `${kind}.mp4`);
  const v = ["-f", "lavfi", "-i", "testsrc=size=160x120:rate=25"];
  const a = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000"];
  const args =
    kind === "av"
      ? [...v, ...a, "-t", "3", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest"]
      : kind === "video"
        ? [...v, "-t", "2", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast"]
        : [...a, "-t", kind === "long" ? "61" : "2", "-c:a", "aac", "-b:a", "16k"];
  execFileSync(ffmpegBinary(), ["-v", "error", "-y", ...args, file]);
  mediaCache.set(kind, file);
  return file;
}

export interface Harness {
  sb: Sandbox;
  dataDir: string;
  auth: Record<string, string>;
  url(p: string): string;
  req(method: string, p: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; json: any; text: string }>;
}

export async function start(opts: SandboxOptions = {}): Promise<Harness> {
  const dataDir = opts.dataDir ?? path.join(tempDir(), "data");
  const sb = await startSandbox({ keepAliveMs: 200, ...opts, dataDir });
  const auth = { authorization: `Bearer ${sb.apiKey}` };
  return {
    sb,
    dataDir,
    auth,
    url: (p) => sb.baseUrl + p,
    async req(method, p, body, headers = {}) {
      const h: Record<string, string> = { ...auth, ...headers };
      let payload: string | undefined;
      if (body !== undefined) {
        payload = typeof body === "string" ? body : JSON.stringify(body);
        h["content-type"] ??= "application/json";
      }
      const res = await fetch(sb.baseUrl + p, { method, headers: h, body: payload });
      const text = await res.text();
      let json: any = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      return { status: res.status, headers: res.headers, json, text };
    },
  };
}

export const TUS = { "tus-resumable": "1.0.0" };

/** Creates a project and an asset for `file`, uploads it in one PATCH, and waits for preparation. */
export async function uploadAsset(h: Harness, file: string, opts: { projectId?: string; wait?: boolean } = {}): Promise<any> {
  const projectId = opts.projectId ?? (await h.req("POST", "/v1/projects", { name: "test" })).json.id;
  const bytes = fs.readFileSync(file);
  const created = await h.req("POST", "/v1/assets", { project_id: projectId, size_bytes: bytes.length, filename: path.basename(file) });
  if (created.status !== 201) throw new Error(`asset create: ${created.status} ${created.text}`);
  const res = await fetch(created.json.upload_url, {
    method: "PATCH",
    headers: { ...h.auth, ...TUS, "upload-offset": "0", "content-type": "application/offset+octet-stream" },
    body: bytes,
  });
  if (res.status !== 204) throw new Error(`PATCH: ${res.status} ${await res.text()}`);
  if (opts.wait !== false) await h.sb.idle();
  return (await h.req("GET", `/v1/assets/${created.json.id}`)).json;
}

/**
 * Polls until `check` returns a value (not undefined), for states set by background jobs. No deadline of its own
 * (vitest's testTimeout is the safety net): how long background work takes depends on the machine's load.
 */
export async function until<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function expectEnvelope(r: { status: number; headers: Headers; json: any }, status: number, code: string): void {
  if (r.status !== status) throw new Error(`expected ${status} ${code}, got ${r.status} ${JSON.stringify(r.json)}`);
  if (!r.headers.get("x-request-id")) throw new Error("missing X-Request-Id");
  if (r.json?.error?.code !== code || typeof r.json.error.message !== "string") {
    throw new Error(`expected envelope with ${code}, got ${JSON.stringify(r.json)}`);
  }
}
