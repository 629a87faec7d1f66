// Decides which ffmpeg and ffprobe run, once per process, so that every reader and writer of media (the
// sandbox's probe, cut and render, the MCP side's local cost probe) uses one pair that agrees on formats.
// Order: FFMPEG_PATH / FFPROBE_PATH (a path, or "bundled"), else a system ffmpeg on PATH when it is recent enough, else the binaries
// bundled in npm packages. Bundled binaries lose their execute bit when an install script is blocked (npm 12
// blocks the packages' postinstall chmod), so they are made executable here, at run time.
import { spawnSync } from "node:child_process";
import { accessSync, chmodSync, constants, copyFileSync, mkdirSync, renameSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import path from "node:path";

export type ToolSource = "env" | "system" | "bundled";

export interface Tool {
  path: string;
  /** The first line of `-version`, shortened ("5.1.9-0+deb12u1", "N-47683-g0e8eb07980-static (2018)"). */
  version: string;
  source: ToolSource;
}

export interface Toolchain {
  ffmpeg: Tool;
  ffprobe: Tool;
  /** Why this pair was chosen, for the log (e.g. "system ffmpeg 4.2 is older than 4.4"). */
  notes: string[];
}

/** Oldest system ffmpeg preferred over the bundled one (a 2018 snapshot): 4.4 (2021) and later. */
export const MIN_SYSTEM_VERSION: readonly [number, number] = [4, 4];
/** A version-less git build counts as recent when its copyright line ends in this year or later. */
const MIN_SYSTEM_YEAR = 2021;

export class MediaToolsUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MediaToolsUnavailableError";
  }
}

interface VersionInfo {
  text: string;
  major: number | null;
  minor: number | null;
  year: number | null;
}

/** Reads `ffmpeg -version` output: "ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 ...". */
export function parseVersion(output: string): VersionInfo | null {
  const first = output.split("\n")[0] ?? "";
  const m = /^ff(?:mpeg|probe) version (\S+)/.exec(first);
  if (!m) return null;
  const text = m[1] as string;
  const num = /^n?(\d+)\.(\d+)/.exec(text);
  const year = /Copyright \(c\) \d{4}-(\d{4})/.exec(first);
  return {
    text: num ? text : `${text}${year ? ` (${year[1]})` : ""}`,
    major: num ? Number(num[1]) : null,
    minor: num ? Number(num[2]) : null,
    year: year ? Number(year[1]) : null,
  };
}

export function recentEnough(v: VersionInfo): boolean {
  if (v.major !== null && v.minor !== null) {
    const [maj, min] = MIN_SYSTEM_VERSION;
    return v.major > maj || (v.major === maj && v.minor >= min);
  }
  return v.year !== null && v.year >= MIN_SYSTEM_YEAR;
}

function versionOf(bin: string): VersionInfo | null {
  const r = spawnSync(bin, ["-version"], { encoding: "utf8", timeout: 15_000, stdio: ["ignore", "pipe", "ignore"] });
  if (r.error || r.status !== 0) return null;
  return parseVersion(r.stdout);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function findOnPath(name: string, pathVar: string | undefined): string | null {
  const exe = process.platform === "win32" ? `${name}.exe` : name;
  for (const dir of (pathVar ?? "").split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, exe))) return path.join(dir, exe);
  }
  return null;
}

function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(homedir(), ".cache");
  return path.join(base, "roughy-mcp", "bin");
}

/**
 * The binary, executable. A blocked postinstall leaves it mode 0644: set the bit in place when we may; in a
 * read-only install (a global npm prefix owned by root), run a copy from the user's cache instead.
 */
export function ensureExecutable(file: string): string {
  if (process.platform === "win32" || isExecutable(file)) return file;
  try {
    chmodSync(file, statSync(file).mode | 0o755);
    if (isExecutable(file)) return file;
  } catch {
    // not ours to change: fall through to the copy
  }
  const size = statSync(file).size;
  const copy = path.join(cacheDir(), `${path.basename(path.dirname(file))}-${size}-${path.basename(file)}`);
  if (isExecutable(copy) && statSync(copy).size === size) return copy;
  mkdirSync(path.dirname(copy), { recursive: true });
  const tmp = `${copy}.${process.pid}.tmp`;
  copyFileSync(file, tmp);
  chmodSync(tmp, 0o755);
  renameSync(tmp, copy);
  return copy;
}

const require = createRequire(import.meta.url);

/** The bundled binary of `pkg` ("ffmpeg" or "ffprobe") for this platform, found without running the installer's index. */
function bundled(name: "ffmpeg" | "ffprobe"): string | null {
  const target = `${process.platform}-${process.arch}`;
  const exe = process.platform === "win32" ? `${name}.exe` : name;
  try {
    return path.join(path.dirname(require.resolve(`@${name}-installer/${target}/package.json`)), exe);
  } catch {
    return null;
  }
}

function tool(bin: string, source: ToolSource, notes: string[]): Tool | null {
  const v = versionOf(bin);
  if (!v) {
    notes.push(`${bin} did not run`);
    return null;
  }
  return { path: bin, version: v.text, source };
}

/** The sibling binary in the same directory (ffprobe beside ffmpeg), when there is one. */
function sibling(of: string, name: "ffmpeg" | "ffprobe"): string | null {
  const exe = process.platform === "win32" ? `${name}.exe` : name;
  const p = path.join(path.dirname(of), exe);
  return isExecutable(p) ? p : null;
}

function pickBundled(name: "ffmpeg" | "ffprobe", notes: string[]): Tool | null {
  const file = bundled(name);
  if (!file) {
    notes.push(`no bundled ${name} for ${process.platform}-${process.arch}`);
    return null;
  }
  let runnable: string;
  try {
    runnable = ensureExecutable(file);
  } catch (err) {
    notes.push(`bundled ${name} could not be made executable (${(err as Error).message})`);
    return null;
  }
  if (runnable !== file) notes.push(`bundled ${name} runs from a copy in ${path.dirname(runnable)} (its package is read-only)`);
  return tool(runnable, "bundled", notes);
}

export function chooseToolchain(env: NodeJS.ProcessEnv = process.env): Toolchain {
  const notes: string[] = [];
  const envFfmpeg = env.FFMPEG_PATH?.trim() || null;
  const envFfprobe = env.FFPROBE_PATH?.trim() || null;

  let ffmpeg: Tool | null = null;
  let ffprobe: Tool | null = null;
  // "bundled" asks for the packaged binary even when a system ffmpeg is installed (tests run both).
  if (envFfmpeg) {
    ffmpeg = envFfmpeg === "bundled" ? pickBundled("ffmpeg", notes) : tool(envFfmpeg, "env", notes);
    if (!ffmpeg) throw new MediaToolsUnavailableError(`FFMPEG_PATH=${envFfmpeg} does not run as ffmpeg (${notes.join("; ")}); fix or unset it.`);
  }
  if (envFfprobe) {
    ffprobe = envFfprobe === "bundled" ? pickBundled("ffprobe", notes) : tool(envFfprobe, "env", notes);
    if (!ffprobe) throw new MediaToolsUnavailableError(`FFPROBE_PATH=${envFfprobe} does not run as ffprobe (${notes.join("; ")}); fix or unset it.`);
  }
  // Only one of the two set: its sibling keeps the pair from one build.
  if (ffmpeg && !ffprobe && ffmpeg.source === "env") {
    const s = sibling(ffmpeg.path, "ffprobe");
    if (s) ffprobe = tool(s, "env", notes);
  }
  if (ffprobe && !ffmpeg && ffprobe.source === "env") {
    const s = sibling(ffprobe.path, "ffmpeg");
    if (s) ffmpeg = tool(s, "env", notes);
  }

  if (!ffmpeg || !ffprobe) {
    const sysFfmpeg = findOnPath("ffmpeg", env.PATH);
    if (sysFfmpeg) {
      const v = versionOf(sysFfmpeg);
      if (v && recentEnough(v)) {
        const sysFfprobe = sibling(sysFfmpeg, "ffprobe") ?? findOnPath("ffprobe", env.PATH);
        ffmpeg ??= { path: sysFfmpeg, version: v.text, source: "system" };
        if (!ffprobe && sysFfprobe) ffprobe = tool(sysFfprobe, "system", notes);
        if (!ffprobe) notes.push(`no ffprobe beside the system ffmpeg at ${sysFfmpeg}: the bundled ffprobe probes`);
      } else {
        notes.push(v ? `system ffmpeg ${v.text} at ${sysFfmpeg} is older than ${MIN_SYSTEM_VERSION.join(".")}` : `system ffmpeg at ${sysFfmpeg} did not run`);
      }
    }
  }
  ffmpeg ??= pickBundled("ffmpeg", notes);
  ffprobe ??= pickBundled("ffprobe", notes);
  if (!ffmpeg || !ffprobe) {
    throw new MediaToolsUnavailableError(
      `No usable ${!ffmpeg ? "ffmpeg" : "ffprobe"} (${notes.join("; ") || "none found"}). Install ffmpeg (it includes ffprobe) or set FFMPEG_PATH and FFPROBE_PATH.`,
    );
  }
  return { ffmpeg, ffprobe, notes };
}

let chosen: Toolchain | null = null;

/** The process's toolchain, chosen on first use (running each binary's `-version` once). */
export function toolchain(): Toolchain {
  chosen ??= chooseToolchain();
  return chosen;
}

/** One line for logs and status answers. */
export function describeToolchain(t: Toolchain = toolchain()): { ffmpeg: Tool; ffprobe: Tool; notes: string[] } {
  return { ffmpeg: { ...t.ffmpeg }, ffprobe: { ...t.ffprobe }, notes: [...t.notes] };
}
