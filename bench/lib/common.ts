// Shared pieces of the benchmarks: where things are, loading the built modules (a missing piece becomes an
// "n/a" row, not a crash), temporary directories, and the statistics every bench reports.

import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const DIST = path.join(ROOT, "dist");
export const CLI = path.join(DIST, "cli.js");
export const FIXTURES = path.join(ROOT, "test", "fixtures");
/** Scratch space for bench runs (git-ignored); big files go here, not in /tmp, when TMPDIR is small. */
export const BENCH_TMP = path.join(ROOT, "bench", ".tmp");

/** Thrown when a piece a bench needs has not landed or cannot run here; the runner prints "n/a: <reason>". */
export class NotAvailable extends Error {}

export function requireFile(file: string, what: string): string {
  if (!existsSync(file)) throw new NotAvailable(`${what} missing (${path.relative(ROOT, file)})`);
  return file;
}

/**
 * Imports a module from dist by a computed path, so that the benches type-check and run even while a part
 * of the project has not landed; callers give the structural type they rely on.
 */
export async function loadDist<T>(relPath: string): Promise<T> {
  const file = requireFile(path.join(DIST, relPath), `dist/${relPath}`);
  return (await import(pathToFileURL(file).href)) as T;
}

export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  await mkdir(BENCH_TMP, { recursive: true });
  const dir = await mkdtemp(path.join(BENCH_TMP, `${prefix}-`));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The environment a spawned server sees: only what a host would pass, never this process's secrets. */
export function hostEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG", "SystemRoot"]) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...extra };
}

export function nowMs(): number {
  return performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Nearest-rank percentile of a sample (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Polls `check` until it returns a value; used against local servers only, so a short interval is fine. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | null | undefined>,
  { timeoutMs = 120_000, intervalMs = 20 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}
