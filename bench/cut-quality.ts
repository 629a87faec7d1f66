// Cut quality, scored against ground truth: the flite fixture interview (synthetic speech, exact truth) and the
// real-speech clips that scripts/make-real-speech.mjs assembles from Debian's pocketsphinx-testdata (LibriVox
// read speech, force-aligned truth), including a telephone (8 kHz mu-law) variant. Each clip is cut from
// pocketsphinx (when installed), from its attached true transcript (the planner's ceiling) and, for the
// fixture, scriptless and from pauses alone. CPU is the process's own plus its children's (pocketsphinx, ffmpeg).
// Run: npx tsx bench/cut-quality.ts [-v]
import { readFileSync } from "node:fs";
import { computeCut, type CutPlan } from "../src/sandbox/engine/plan.js";
import { createPocketsphinx } from "../src/sandbox/engine/pocketsphinx.js";
import type { MediaInfo, Word } from "../src/sandbox/media/types.js";
import { fixtureInfo, fixturePath, loadRealClips, loadScript, loadTruth, realSpeechAvailable, scoreCut, type Truth } from "../test/engine/quality.js";

const ps = createPocketsphinx();
const havePs = await ps.available();

interface Clip {
  name: string;
  mediaPath: string;
  info: MediaInfo;
  truth: Truth;
  script: string;
}
const fixtureTruth = loadTruth();
const clips: Clip[] = [{ name: "flite fixture", mediaPath: fixturePath("interview.mp4"), info: fixtureInfo(fixtureTruth), truth: fixtureTruth, script: loadScript() }];
if (realSpeechAvailable()) clips.push(...loadRealClips());

/** CPU seconds of this process and of its waited-for children (Linux /proc; elsewhere the process's own). */
function cpuSeconds(): number {
  const own = process.cpuUsage();
  let children = 0;
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    children = (Number(fields[13]) + Number(fields[14])) / 100; // cutime + cstime, in clock ticks (USER_HZ 100)
  } catch {
    // not Linux: children's CPU unknown
  }
  return (own.user + own.system) / 1e6 + children;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log(`pocketsphinx ${havePs ? "installed" : "NOT installed (its rows are skipped)"}; real-speech clips ${realSpeechAvailable() ? "built" : "skipped (apt-get install pocketsphinx-testdata)"}\n`);
const rows: string[][] = [["clip", "cut", "script kept", "unwanted removed", "restart/aside removed", "inside word", "boundary err mean/max", "CPU s per source min", "notes"]];
for (const clip of clips) {
  const runs: Array<{ name: string; script: string | null; transcript: Word[] | null; recognise: boolean }> = [];
  if (havePs) runs.push({ name: "pocketsphinx, scripted", script: clip.script, transcript: null, recognise: true });
  runs.push({ name: "true transcript, scripted", script: clip.script, transcript: clip.truth.words, recognise: false });
  if (clip.name === "flite fixture") {
    if (havePs) runs.push({ name: "pocketsphinx, scriptless", script: null, transcript: null, recognise: true });
    runs.push({ name: "pauses only, scriptless", script: null, transcript: null, recognise: false });
  }
  for (const run of runs) {
    const cpu0 = cpuSeconds();
    let plan: CutPlan;
    try {
      plan = await computeCut({ mediaPath: clip.mediaPath, info: clip.info, script: run.script, transcript: run.transcript, transcriber: run.recognise ? ps : null });
    } catch (err) {
      rows.push([clip.name, run.name, "-", "-", "-", "-", "-", "-", `failed: ${(err as Error).message.slice(0, 60)}`]);
      continue;
    }
    const cpu = cpuSeconds() - cpu0;
    const q = scoreCut(clip.truth, plan.segments);
    rows.push([
      clip.name,
      run.name,
      pct(q.scriptWordsKept),
      pct(q.unwantedRemoved),
      `${pct(q.byKind.restart)} / ${pct(q.byKind.aside)}`,
      q.insideWord.length ? q.insideWord.map((w) => `${w.word}@${w.boundary}(${w.depthMs}ms)`).join(" ") : "0",
      `${q.boundaryErrorMeanMs.toFixed(0)} / ${q.boundaryErrorMaxMs.toFixed(0)} ms`,
      (cpu / (clip.truth.duration / 60)).toFixed(2),
      (plan.warnings ?? []).map((w) => w.code).join(","),
    ]);
    if (process.argv.includes("-v")) console.log(clip.name, run.name, JSON.stringify(plan.segments), plan.words.map((w) => w.word).join(" "));
  }
}
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd());
