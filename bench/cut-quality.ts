// Cut quality on the fixture interview: scripted and scriptless cuts from the attached ground-truth transcript,
// from pocketsphinx (when installed) and from pauses alone, scored against the ground truth.
// Run: npx tsx bench/cut-quality.ts
import { computeCut } from "../src/sandbox/engine/plan.js";
import { createPocketsphinx } from "../src/sandbox/engine/pocketsphinx.js";
import { fixtureInfo, fixturePath, loadScript, loadTruth, scoreCut } from "../test/engine/quality.js";

const truth = loadTruth();
const script = loadScript();
const info = fixtureInfo(truth);
const mediaPath = fixturePath("interview.mp4");
const ps = createPocketsphinx();
const havePs = await ps.available();

const runs: Array<{ name: string; script: string | null; transcript: typeof truth.words | null; transcriber: typeof ps | null }> = [
  { name: "transcript, scripted", script, transcript: truth.words, transcriber: null },
  { name: "transcript, scriptless", script: null, transcript: truth.words, transcriber: null },
  { name: "pauses only, scriptless", script: null, transcript: null, transcriber: null },
];
if (havePs) {
  runs.push({ name: "pocketsphinx, scripted", script, transcript: null, transcriber: ps });
  runs.push({ name: "pocketsphinx, scriptless", script: null, transcript: null, transcriber: ps });
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log(`fixture: ${truth.duration.toFixed(1)} s, ${truth.script_word_count} script words; pocketsphinx ${havePs ? "installed" : "NOT installed (its rows are skipped)"}\n`);
const rows: string[][] = [["cut", "script kept", "unwanted removed", "filler/restart/aside removed", "longest pause", "inside word", "boundary err mean/max", "s per source min"]];
for (const run of runs) {
  const t0 = performance.now();
  const plan = await computeCut({ mediaPath, info, script: run.script, transcript: run.transcript, transcriber: run.transcriber });
  const seconds = (performance.now() - t0) / 1000;
  const q = scoreCut(truth, plan.segments);
  rows.push([
    run.name,
    pct(q.scriptWordsKept),
    pct(q.unwantedRemoved),
    `${pct(q.byKind.filler)} / ${pct(q.byKind.restart)} / ${pct(q.byKind.aside)}`,
    `${q.longestPauseKept.toFixed(2)} s`,
    q.insideWord.length ? q.insideWord.map((w) => `${w.word}@${w.boundary}(${w.depthMs}ms)`).join(" ") : "0",
    `${q.boundaryErrorMeanMs.toFixed(0)} / ${q.boundaryErrorMaxMs.toFixed(0)} ms`,
    (seconds / (truth.duration / 60)).toFixed(2),
  ]);
  if (process.argv.includes("-v")) console.log(run.name, JSON.stringify(plan.segments));
}
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));
