// Cuts of the fixture interview from its attached ground-truth transcript, and from pauses alone.
import { describe, expect, it } from "vitest";
import { computeCut, CutFailure } from "../../src/sandbox/engine/plan.js";
import { fixtureInfo, fixturePath, loadScript, loadTruth, scoreCut } from "./quality.js";

const truth = loadTruth();
const script = loadScript();
const mediaPath = fixturePath("interview.mp4");
const info = fixtureInfo(truth);

describe("scripted cut from an attached transcript", () => {
  it("keeps the script, removes fillers, the abandoned take and the aside, never cuts inside a word", async () => {
    const plan = await computeCut({ mediaPath, info, script, transcript: truth.words, transcriber: null });
    const q = scoreCut(truth, plan.segments);
    expect(q.scriptWordsKept).toBeGreaterThanOrEqual(0.95);
    expect(q.unwantedRemoved).toBeGreaterThanOrEqual(0.9);
    expect(q.byKind.restart).toBeGreaterThanOrEqual(0.9);
    expect(q.byKind.aside).toBeGreaterThanOrEqual(0.9);
    expect(q.insideWord).toEqual([]);
    expect(q.longestPauseKept).toBeLessThanOrEqual(0.51);
    // segments are ordered, disjoint and inside the source
    plan.segments.forEach((s, i) => {
      expect(s.end).toBeGreaterThan(s.start);
      expect(s.start).toBeGreaterThanOrEqual(i ? plan.segments[i - 1]!.end : 0);
      expect(s.end).toBeLessThanOrEqual(truth.duration);
    });
    // words keep their times; "twenty nineteen" becomes the script's "2019", spanning both spoken words
    const twenty = truth.words.findIndex((w) => w.word.toLowerCase() === "twenty");
    expect(plan.words.find((w) => w.word === "2019")).toMatchObject({ start: truth.words[twenty]!.start, end: truth.words[twenty + 1]!.end });
    expect(plan.words.length).toBe(truth.words.length - 1);
  });

  it("works the same on the audio-only variant", async () => {
    const plan = await computeCut({ mediaPath: fixturePath("interview.m4a"), info: fixtureInfo(truth, false), script, transcript: truth.words, transcriber: null });
    const q = scoreCut(truth, plan.segments);
    expect(q.scriptWordsKept).toBeGreaterThanOrEqual(0.95);
    expect(q.unwantedRemoved).toBeGreaterThanOrEqual(0.9);
  });
});

describe("what was dropped and why, against how the fixture was built", () => {
  // Each spoken piece of the fixture has a kind (script, filler, restart, aside) from its recipe.
  const kindOf = (w: { start: number; end: number }) => truth.pieces.find((p) => p.start <= w.start && w.end <= p.end && p.kind !== "pause")?.kind;
  const said = (kinds: string[]) => truth.pieces.filter((p) => kinds.includes(p.kind)).flatMap((p) => (p.words ?? []).map((w) => `${w.word}@${w.start}:${p.kind}`));

  it("scripted: exactly the fillers, the abandoned take and the aside, each with its kind", async () => {
    const plan = await computeCut({ mediaPath, info, script, transcript: truth.words, transcriber: null });
    expect(plan.dropped.map((d) => `${d.word}@${d.start}:${d.reason}`)).toEqual(said(["filler", "restart", "aside"]));
    for (const d of plan.dropped) expect(d.reason).toBe(kindOf(d));
  });

  it("scriptless: the fillers and the abandoned take; the aside stays", async () => {
    const plan = await computeCut({ mediaPath, info, script: null, transcript: truth.words, transcriber: null });
    expect(plan.dropped.map((d) => `${d.word}@${d.start}:${d.reason}`)).toEqual(said(["filler", "restart"]));
  });

  it("from pauses alone: no word is dropped for a reason of its own", async () => {
    const plan = await computeCut({ mediaPath, info, script: null, transcript: null, transcriber: null });
    expect(plan.dropped).toEqual([]);
    expect(plan.segments.length).toBeGreaterThan(1);
  });
});

describe("scriptless cut", () => {
  it("from the transcript: drops fillers, the abandoned take and long pauses, keeps all speech otherwise", async () => {
    const plan = await computeCut({ mediaPath, info, script: null, transcript: truth.words, transcriber: null });
    const q = scoreCut(truth, plan.segments);
    expect(q.scriptWordsKept).toBe(1);
    expect(q.byKind.filler).toBeGreaterThanOrEqual(0.9);
    expect(q.byKind.restart).toBeGreaterThanOrEqual(0.9);
    expect(q.byKind.aside).toBeLessThan(0.1); // without a script, the aside is speech like any other
    expect(q.longestPauseKept).toBeLessThanOrEqual(0.51);
    expect(q.insideWord).toEqual([]);
  });

  it("from pauses alone: keeps every word, cuts every long pause down to a breath", async () => {
    const plan = await computeCut({ mediaPath, info, script: null, transcript: null, transcriber: null });
    expect(plan.words).toEqual([]);
    const q = scoreCut(truth, plan.segments);
    expect(q.scriptWordsKept).toBe(1);
    expect(q.longestPauseKept).toBeLessThanOrEqual(0.55);
    expect(q.insideWord).toEqual([]);
    const longPauses = truth.pieces.filter((p) => p.kind === "pause" && p.end - p.start >= 1);
    expect(longPauses.length).toBeGreaterThanOrEqual(3);
    expect(q.keptSeconds).toBeLessThan(truth.duration - longPauses.reduce((t, p) => t + (p.end - p.start - 0.55), 0));
  });
});

describe("scripted cut without words", () => {
  it("fails with a CutFailure that says what to install or attach (injected: no transcriber)", async () => {
    const err = await computeCut({ mediaPath, info, script, transcript: null, transcriber: null }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CutFailure);
    expect((err as CutFailure).code).toBe("transcriber_unavailable");
    expect((err as CutFailure).message).toContain("apt-get install pocketsphinx pocketsphinx-en-us");
    expect((err as CutFailure).message).toContain("brew install cmu-pocketsphinx");
    expect((err as CutFailure).message).toContain("PUT /sandbox/assets/{id}/transcript");
  });

  it("honours ROUGHY_SANDBOX_TRANSCRIBER=none", async () => {
    const before = process.env.ROUGHY_SANDBOX_TRANSCRIBER;
    process.env.ROUGHY_SANDBOX_TRANSCRIBER = "none";
    try {
      await expect(computeCut({ mediaPath, info, script, transcript: null })).rejects.toMatchObject({ code: "transcriber_unavailable" });
    } finally {
      if (before === undefined) delete process.env.ROUGHY_SANDBOX_TRANSCRIBER;
      else process.env.ROUGHY_SANDBOX_TRANSCRIBER = before;
    }
  });

  it("fails when the script is nowhere in the recording", async () => {
    await expect(computeCut({ mediaPath, info, script: "Penguins waddle across frozen beaches quietly.", transcript: truth.words, transcriber: null }))
      .rejects.toMatchObject({ code: "script_not_spoken" });
  });
});
