// One table for every bench: each figure beside its baseline (measured in the same run), the ratio, and the
// goal, so that a reader sees at once what was compared and whether it holds.

import { readFileSync } from "node:fs";
import os from "node:os";
import { median } from "./common.js";

export type Verdict = "ok" | "MISS" | "info" | "n/a";

export type Row = {
  bench: string;
  metric: string;
  measured: string;
  baseline: string;
  ratio: string;
  goal: string;
  verdict: Verdict;
};

export type Bench = {
  /** Short id, used by `--only`. */
  id: string;
  title: string;
  run(): Promise<Row[]>;
};

export function row(r: Partial<Row> & Pick<Row, "bench" | "metric" | "measured">): Row {
  return { baseline: "", ratio: "", goal: "", verdict: "info", ...r };
}

export function notAvailable(bench: string, reason: string): Row {
  return row({ bench, metric: "", measured: `n/a: ${reason}`, verdict: "n/a" });
}

export function verdict(pass: boolean): Verdict {
  return pass ? "ok" : "MISS";
}

export function ms(value: number, digits = 1): string {
  return Number.isFinite(value) ? `${value.toFixed(digits)} ms` : "n/a";
}

export function ratio(measured: number, baseline: number): string {
  if (!(Number.isFinite(measured) && Number.isFinite(baseline) && baseline > 0)) return "";
  const r = measured / baseline;
  return `${r.toFixed(r < 0.1 ? 3 : 2)}x`;
}

/** A sample as "median (min–max)", so that a reader sees how much the machine moved between rounds. */
export function spread(values: readonly number[], format: (value: number) => string): string {
  if (values.length === 0) return "n/a";
  if (values.length === 1) return format(values[0]!);
  return `${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

export function mibPerSec(bytes: number, millis: number): string {
  return `${(bytes / 1024 / 1024 / (millis / 1000)).toFixed(0)} MiB/s`;
}

const HEADERS: (keyof Row)[] = ["bench", "metric", "measured", "baseline", "ratio", "goal", "verdict"];

export function markdownTable(rows: readonly Row[]): string {
  const escape = (s: string) => s.replace(/\|/g, "\\|");
  const lines = [`| ${HEADERS.join(" | ")} |`, `|${HEADERS.map(() => "---").join("|")}|`];
  for (const r of rows) lines.push(`| ${HEADERS.map((h) => escape(r[h])).join(" | ")} |`);
  return lines.join("\n");
}

export function machine(): Record<string, string> {
  let cpu = os.cpus()[0]?.model ?? "unknown";
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (match) cpu = match[1]!.trim();
  } catch {
    // not Linux: os.cpus() is the best we have
  }
  return {
    cpu,
    nproc: String(os.availableParallelism()),
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/** The 1, 5 and 15 minute load averages, e.g. "3.10 / 2.75 / 2.40" (all zero where the OS has none). */
export function loadAverage(): string {
  return os.loadavg().map((v) => v.toFixed(2)).join(" / ");
}
