// The media test set (scripts/make-media-fixtures.mjs), made on first use into .cache/ and reused; and the
// outside readings the media tests check renders with (ffprobe's streams, a level in a frequency band).
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import { toolchain } from "../../src/media-tools/index.js";

export type FixtureTruth = { duration: number; speech: [number, number][]; pause: [number, number] };
export type FixtureSet = { dir: string; truth: FixtureTruth; files: string[] };

const DIR = path.resolve(".cache/media-fixtures");

export async function mediaFixtures(): Promise<FixtureSet> {
  const mod = (await import(path.resolve("scripts/make-media-fixtures.mjs"))) as { makeMediaFixtures(dir: string): { truth: FixtureTruth; files: string[] } };
  const manifest = mod.makeMediaFixtures(DIR);
  return { dir: DIR, truth: manifest.truth, files: manifest.files };
}

/** Whether the set can be made here (flite and an ffmpeg on PATH). */
export function canMakeFixtures(): boolean {
  return spawnSync("flite", ["-lv"]).status === 0 && spawnSync(process.env.FIXTURE_FFMPEG || "ffmpeg", ["-version"]).status === 0;
}

export type OutStream = { index: number; codec_type: string; codec_name: string; width?: number; height?: number; channels?: number; disposition?: { default?: number }; side_data_list?: { rotation?: number }[]; tags?: Record<string, string> };

/** A rendered file as ffprobe reads it (the file is our own mp4/m4a output, which every ffprobe reads). */
export function ffprobeOut(file: string): { duration: number; streams: OutStream[] } {
  const out = execFileSync(toolchain().ffprobe.path, ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file], { encoding: "utf8" });
  const parsed = JSON.parse(out) as { format: { duration: string }; streams: OutStream[] };
  return { duration: Number(parsed.format.duration), streams: parsed.streams };
}

/** Shown size of a video stream: coded size turned by its display rotation. */
export function shownSize(s: OutStream): { width: number; height: number } {
  const rot = Math.abs(Number(s.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? s.tags?.rotate ?? 0)) % 180;
  return rot === 90 ? { width: s.height as number, height: s.width as number } : { width: s.width as number, height: s.height as number };
}

/** Peak level (dBFS) of one audio stream of a file, optionally in a band around `hz`. */
export function peakDb(file: string, stream: string, hz?: number): number {
  const filter = hz ? `bandpass=f=${hz}:width_type=h:w=60,volumedetect` : "volumedetect";
  const r = spawnSync(toolchain().ffmpeg.path, ["-hide_banner", "-nostdin", "-i", file, "-map", stream, "-af", filter, "-f", "null", "-"], { encoding: "utf8" });
  const m = /max_volume: (-?[\d.]+|-inf) dB/.exec(r.stderr);
  if (!m) throw new Error(`no level measured: ${r.stderr.slice(-300)}`);
  return m[1] === "-inf" ? -Infinity : Number(m[1]);
}
