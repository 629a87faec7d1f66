// Cuts of the fixture interview with the real offline recogniser. pocketsphinx takes seconds of CPU on 30 s of
// audio, so each recognition runs once here and every assertion reuses it.
// Thresholds (measured on this fixture, see bench/cut-quality.ts): scripted with the script's language model
// kept 100% of script words and removed 100% of filler/restart/aside time, boundary error mean 22 ms, max 72 ms;
// scriptless free recognition removed 84% of filler time and all of the abandoned take. The thresholds leave
// room for a different pocketsphinx build (acoustic model versions differ between distributions).
import { beforeAll, describe, expect, it } from "vitest";
import { computeCut, type CutPlan } from "../../src/sandbox/engine/plan.js";
import { createPocketsphinx } from "../../src/sandbox/engine/pocketsphinx.js";
import { fixtureInfo, fixturePath, loadScript, loadTruth, scoreCut } from "./quality.js";

const ps = createPocketsphinx();
const available = await ps.available();
const truth = loadTruth();
const mediaPath = fixturePath("interview.mp4");
const info = fixtureInfo(truth);

describe.skipIf(!available)("pocketsphinx (skipped: pocketsphinx_continuous or its en-us model is not installed; apt-get install pocketsphinx pocketsphinx-en-us)", () => {
  let scripted: CutPlan;
  let scriptless: CutPlan;
  beforeAll(async () => {
    [scripted, scriptless] = await Promise.all([
      computeCut({ mediaPath, info, script: loadScript(), transcript: null, transcriber: ps }),
      computeCut({ mediaPath, info, script: null, transcript: null, transcriber: ps }),
    ]);
  });

  it("recognises words with times inside the source", () => {
    expect(scriptless.words.length).toBeGreaterThan(40);
    for (const w of scriptless.words) {
      expect(w.end).toBeGreaterThanOrEqual(w.start);
      expect(w.end).toBeLessThanOrEqual(truth.duration + 0.1);
      expect(w.word).not.toMatch(/^[<[(]|\(\d\)$/);
    }
  });

  it("scripted: keeps >= 90% of script words, removes >= 80% of filler/restart/aside time, cuts at most 40 ms into a word", () => {
    const q = scoreCut(truth, scripted.segments);
    expect(q.scriptWordsKept).toBeGreaterThanOrEqual(0.9);
    expect(q.unwantedRemoved).toBeGreaterThanOrEqual(0.8);
    expect(q.byKind.aside).toBeGreaterThanOrEqual(0.8);
    for (const w of q.insideWord) expect(w.depthMs).toBeLessThanOrEqual(40);
    expect(q.longestPauseKept).toBeLessThanOrEqual(0.6);
  });

  it("scriptless: removes the long pauses and the abandoned take, and most filler time", () => {
    const q = scoreCut(truth, scriptless.segments);
    expect(q.scriptWordsKept).toBeGreaterThanOrEqual(0.95);
    expect(q.longestPauseKept).toBeLessThanOrEqual(0.6);
    expect(q.byKind.restart).toBeGreaterThanOrEqual(0.8);
    expect(q.byKind.filler).toBeGreaterThanOrEqual(0.5);
  });

  it("stops when aborted", async () => {
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 300);
    // Free recognition of this clip takes seconds: only the abort can make it reject (no clock needed).
    await expect(ps.transcribe({ mediaPath, sentences: null, signal: ctl.signal })).rejects.toThrow();
  });
});
