// The audio's level over time (10 ms frames, dBFS), for placing cut points: where no pause separates a kept word
// from a dropped one, the cut goes to the quietest moment between them rather than to a recogniser's word edge.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ffmpegBinary, runProcess, speechInput } from "../media/ffmpeg.js";
import { mediaTimeoutMs } from "../media/probe.js";
import type { MediaInfo } from "../media/types.js";

export const FRAME = 0.01;

export interface Envelope {
  /** Level of each 10 ms frame, dBFS. */
  db: Float32Array;
  /** The room's noise floor: the level of the quietest 5% of frames. */
  floorDb?: number;
}

export function envelopeOf(pcm: Int16Array, rate: number): Envelope {
  const n = Math.max(1, Math.round(rate * FRAME));
  const frames = Math.floor(pcm.length / n);
  const db = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    let s = 0;
    for (let k = f * n; k < (f + 1) * n; k++) s += (pcm[k] as number) ** 2;
    db[f] = 10 * Math.log10(s / n / 32768 ** 2 + 1e-12);
  }
  const sorted = Float32Array.from(db).sort();
  return { db, floorDb: sorted.length ? (sorted[Math.floor(sorted.length * 0.05)] as number) : -90 };
}

// A pause's threshold sits well under speech, so the faint ends of words (a final "z", a breathy "h") can lie
// under it. Sound counts as over when the level stays within 10 dB of the room's floor for 120 ms.
const FAINT_DB = 10;
const QUIET_RUN = 12;

/**
 * Where faint sound that runs on from `from` into a pause really stops, scanning toward `limit` (forward when
 * limit > from, backward otherwise): the first point followed by 120 ms at the noise floor.
 */
export function faintEdge(env: Envelope | null, from: number, limit: number): number {
  if (!env || env.floorDb === undefined) return from;
  const floor = env.floorDb + FAINT_DB;
  const step = limit >= from ? 1 : -1;
  const f0 = Math.round(from / FRAME);
  const f1 = Math.round(limit / FRAME);
  let quiet = 0;
  for (let f = f0; step > 0 ? f < f1 : f >= f1; f += step) {
    const level = env.db[f];
    if (level === undefined) break;
    quiet = level <= floor ? quiet + 1 : 0;
    if (quiet >= QUIET_RUN) return (step > 0 ? f - QUIET_RUN + 1 : f + QUIET_RUN) * FRAME;
  }
  return from;
}

/** The level of the asset's speech stream, mono, at 8 kHz (plenty for a level). */
export async function readEnvelope(mediaPath: string, info: MediaInfo, signal?: AbortSignal): Promise<Envelope> {
  const dir = await mkdtemp(join(tmpdir(), "roughy-level-"));
  try {
    const raw = join(dir, "audio.raw");
    const ff = await runProcess(ffmpegBinary(), ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", ...speechInput(mediaPath, info), "-vn", "-ac", "1", "-ar", "8000", "-f", "s16le", "-c:a", "pcm_s16le", raw], { signal, timeoutMs: mediaTimeoutMs(info.duration) });
    if (ff.code !== 0) throw new Error(`ffmpeg could not read the audio: ${ff.stderr.trim().split("\n").pop() ?? ""}`);
    const buf = await readFile(raw);
    return envelopeOf(new Int16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + (buf.length & ~1))), 8000);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Time (centre of the quietest frame) in [a, b]; the middle when the envelope does not reach there. */
export function quietestPoint(env: Envelope | null, a: number, b: number): number {
  if (b <= a) return (a + b) / 2;
  if (!env) return (a + b) / 2;
  const fa = Math.max(0, Math.floor(a / FRAME));
  const fb = Math.min(env.db.length - 1, Math.ceil(b / FRAME) - 1);
  if (fb < fa) return (a + b) / 2;
  let best = fa;
  for (let f = fa; f <= fb; f++) if ((env.db[f] as number) < (env.db[best] as number)) best = f;
  return Math.min(b, Math.max(a, (best + 0.5) * FRAME));
}
