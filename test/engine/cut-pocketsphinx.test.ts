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

  it("names why each word went, as the fixture was built: the take, the aside, and a hesitation as a filler or a doubtful word", () => {
    // measured: 17 of 18 scripted drops lie in a filler, restart or aside piece with that reason (a hesitation
    // recognised as "them" or "so" is doubtful); one recogniser word spans a pause and an "uh"
    const kindAt = (t: number) => truth.pieces.find((p) => p.start <= t && t <= p.end)?.kind;
    const fits = (reason: string, kind: string | undefined) => reason === kind || (kind === "filler" && reason === "doubtful");
    for (const [plan, kinds] of [[scripted, ["filler", "restart", "aside"]], [scriptless, ["filler", "restart"]]] as const) {
      const placed = plan.dropped.map((d) => ({ reason: d.reason, kind: kindAt((d.start + d.end) / 2) }));
      expect(placed.filter((p) => fits(p.reason, p.kind)).length).toBeGreaterThanOrEqual(placed.length - 1);
      const named = (p: (typeof truth.pieces)[number]) => placed.some((d, i) => fits(d.reason, p.kind) && plan.dropped[i]!.start < p.end && plan.dropped[i]!.end > p.start);
      for (const p of truth.pieces.filter((x) => x.kind !== "filler" && (kinds as readonly string[]).includes(x.kind))) expect({ piece: p.text, named: named(p) }).toEqual({ piece: p.text, named: true });
      // three of the four hesitations (the last "uh" runs into the word before it)
      const fillers = truth.pieces.filter((x) => x.kind === "filler");
      expect(fillers.filter(named).length).toBeGreaterThanOrEqual(fillers.length / 2);
    }
    expect(scriptless.dropped.some((d) => d.reason === "aside")).toBe(false);
  });

  it("stops when aborted", async () => {
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 300);
    // Free recognition of this clip takes seconds: only the abort can make it reject (no clock needed).
    await expect(ps.transcribe({ mediaPath, sentences: null, signal: ctl.signal })).rejects.toThrow();
  });
});
