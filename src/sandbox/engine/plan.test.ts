import { describe, expect, it } from "vitest";
import type { Word } from "../media/types.js";
import { cutAfter, cutBefore, DEFAULT_PLAN, droppedWords, findDoubtful, findFillers, findRestarts, inRuns, keepGlued, otherWritingSystem, planFromPauses, planScripted, planScriptless, planScriptlessCut, recognisableLanguage, sayable, segmentsFromWords, type SoundMap } from "./plan.js";

/** Words from "text@start-end" specs. */
const W = (...specs: string[]): Word[] =>
  specs.map((s) => {
    const [word, t] = s.split("@") as [string, string];
    const [a, b] = t.split("-").map(Number) as [number, number];
    return { word, start: a, end: b };
  });
const texts = (words: Word[], idx: Set<number>) => [...idx].sort((a, b) => a - b).map((i) => words[i]!.word);

describe("findFillers / findDoubtful", () => {
  it("finds hesitation words only", () => {
    const w = W("so@0-0.2", "Um,@0.3-0.6", "we@0.7-0.9", "uh@1-1.2", "umbrella@1.3-1.8");
    expect(texts(w, findFillers(w))).toEqual(["Um,", "uh"]);
  });
  it("flags lone low-confidence words between pauses, not confident or glued ones", () => {
    const w = W("thanks@0-0.4", "them@1-1.4", "so@2-2.2", "we@2.25-2.4");
    w[1]!.confidence = 0.03;
    w[2]!.confidence = 0.1; // glued to "we"
    expect(texts(w, findDoubtful(w))).toEqual(["them"]);
  });
});

describe("findRestarts", () => {
  it("drops an abandoned take that the next phrase starts over, across fillers", () => {
    const w = W("today@0-0.4", "our@0.4-0.6", "tool@0.6-0.9", "takes@0.9-1.2", "um@2-2.3", "today@3-3.4", "our@3.4-3.6", "tool@3.6-3.9", "turns@3.9-4.2", "hours@4.2-4.6");
    expect([...findRestarts(w, findFillers(w))].sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
  });
  it("leaves sentences that merely begin alike", () => {
    const w = W("we@0-0.2", "started@0.2-0.6", "the@0.6-0.7", "company@0.7-1.2", "in@1.2-1.3", "twenty@1.3-1.6", "nineteen@1.6-2", "we@3-3.2", "started@3.2-3.6", "it@3.6-3.7", "because@3.7-4", "editing@4-4.4", "takes@4.4-4.7", "long@4.7-5");
    expect(findRestarts(w).size).toBe(0);
  });
  it("drops the first copy of a stutter", () => {
    const w = W("we@0-0.2", "we@0.25-0.45", "started@0.5-0.9");
    expect([...findRestarts(w)]).toEqual([0]);
  });
  it("lets a veto keep a repeat", () => {
    const w = W("we@0-0.2", "grew@0.2-0.5", "we@1-1.2", "grew@1.2-1.5", "again@1.5-1.9");
    expect(findRestarts(w, new Set(), () => true).size).toBe(0);
  });
});

describe("segmentsFromWords", () => {
  it("pads with a breath, cuts long pauses down, never pads into a neighbouring word", () => {
    const w = W("a@1-1.5", "b@1.6-2", "c@5-5.5", "x@5.5-6", "d@6-6.4");
    const segs = segmentsFromWords(w, [true, true, true, false, true], 10);
    // a+b joined (0.1 s pause), 3 s pause cut to a breath either side, the dropped glued "x" cut out exactly
    expect(segs).toEqual([{ start: 0.75, end: 2.25 }, { start: 4.75, end: 5.5 }, { start: 6, end: 6.65 }]);
  });
  it("merges spans closer than minCut and drops tiny ones", () => {
    const w = W("a@1-2", "x@2.05-2.1", "b@2.15-3", "c@8-8.05");
    const segs = segmentsFromWords(w, [true, false, true, true], 10, { ...DEFAULT_PLAN, breath: 0 });
    expect(segs).toEqual([{ start: 1, end: 3 }]);
  });
  it("snaps recogniser edges to detected pauses", () => {
    const w = W("a@1.05-1.9");
    const segs = segmentsFromWords(w, [true], 10, DEFAULT_PLAN, { silences: [{ start: 0, end: 1.1 }, { start: 1.96, end: 3 }], envelope: null });
    expect(segs).toEqual([{ start: 0.85, end: 2.21 }]);
  });
});

describe("keepGlued", () => {
  it("keeps a short dropped run glued inside fluent speech, not one after a pause", () => {
    const w = W("our@0-0.3", "too@0.31-0.5", "of@0.51-0.6", "turns@0.61-1", "sorry@2-2.5", "hours@2.6-3");
    expect(keepGlued(w, [true, true, false, true, false, true])).toEqual([true, true, true, true, false, true]);
  });
});

describe("planScripted / planScriptless / planFromPauses", () => {
  const words = W(
    "Thanks@0.5-0.9", "for@0.9-1.1", "having@1.1-1.4", "me@1.4-1.6",
    "um@2-2.4",
    "we@3-3.2", "started@3.2-3.6", "in@3.6-3.7", "twenty@3.7-4", "nineteen@4-4.5",
    "sorry@6-6.4", "where@6.4-6.6", "was@6.6-6.8", "I@6.8-7",
    "it@8-8.2", "works@8.2-8.6",
  );
  it("keeps the script, drops the filler and the aside, and spells misheard words as the script does", () => {
    const plan = planScripted(words, "Thanks for having me. We started in 2019. It works.", 10);
    expect(plan.segments).toEqual([{ start: 0.25, end: 1.85 }, { start: 2.75, end: 4.75 }, { start: 7.75, end: 8.85 }]);
    // "twenty nineteen" was matched to the script's "2019": one word in the script's spelling, spanning both
    expect(plan.words.map((w) => w.word)).toEqual(["Thanks", "for", "having", "me", "um", "We", "started", "in", "2019", "sorry", "where", "was", "I", "It", "works"]);
    expect(plan.words[8]).toMatchObject({ start: 3.7, end: 4.5 });
  });
  it("scriptless keeps the aside but drops the filler", () => {
    expect(planScriptless(words, 10)).toEqual([{ start: 0.25, end: 1.85 }, { start: 2.75, end: 4.75 }, { start: 5.75, end: 7.25 }, { start: 7.75, end: 8.85 }]);
  });
  it("works from speech regions alone", () => {
    expect(planFromPauses([{ start: 1, end: 2 }, { start: 2.3, end: 3 }, { start: 6, end: 6.05 }, { start: 7, end: 8 }], 10))
      .toEqual([{ start: 0.75, end: 3.25 }, { start: 6.75, end: 8.25 }]);
  });
});

describe("what was dropped and why", () => {
  // Built so that each word's fate is known: a filler, an abandoned take, an aside, a long pause, the script.
  const words = W(
    "Thanks@0.5-0.9", "for@0.9-1.1", "having@1.1-1.4", "me@1.4-1.6",
    "um@2-2.4",
    "today@3-3.4", "our@3.4-3.6", "tool@3.6-3.9", "takes@3.9-4.2",
    "today@5-5.4", "our@5.4-5.6", "tool@5.6-5.9", "turns@5.9-6.2", "hours@6.2-6.6",
    "sorry@8-8.4", "where@8.4-8.6", "was@8.6-8.8", "I@8.8-9",
    "it@12-12.2", "works@12.2-12.6",
  );
  const script = "Thanks for having me. Today our tool turns hours. It works.";
  const reasons = (d: Array<{ word: string; reason: string }>) => d.map((x) => `${x.word}:${x.reason}`);

  it("scripted: every word outside the kept segments, with the reason the plan let it go; the pause is no word", () => {
    const plan = planScripted(words, script, 14);
    expect(reasons(plan.dropped)).toEqual(["um:filler", "today:restart", "our:restart", "tool:restart", "takes:restart", "sorry:aside", "where:aside", "was:aside", "I:aside"]);
    for (const d of plan.dropped) {
      const mid = (d.start + d.end) / 2;
      expect(plan.segments.some((s) => s.start <= mid && mid <= s.end)).toBe(false);
    }
    // and every word not listed is heard: inside a kept segment
    const listed = new Set(plan.dropped.map((d) => d.start));
    for (const w of words.filter((x) => !listed.has(x.start))) expect(plan.segments.some((s) => s.start <= w.start && w.end <= s.end)).toBe(true);
  });

  it("scriptless: fillers and the abandoned take go, the aside is speech like any other", () => {
    const plan = planScriptlessCut(words, 14);
    expect(reasons(plan.dropped)).toEqual(["um:filler", "today:restart", "our:restart", "tool:restart", "takes:restart"]);
    expect(plan.segments).toEqual(planScriptless(words, 14));
  });

  it("names a lone unsure word doubtful, and lists a dropped filler glued inside a kept span nowhere", () => {
    const w = W("we@0-0.3", "them@1-1.3", "go@2-2.3", "uh@2.3-2.4", "now@2.4-2.7");
    w[1]!.confidence = 0.1;
    const segs = [{ start: 0, end: 0.55 }, { start: 1.75, end: 2.95 }];
    expect(reasons(droppedWords(w, segs, (i) => (i === 1 ? "doubtful" : "filler"), false))).toEqual(["them:doubtful"]);
    expect(reasons(planScriptlessCut(w, 3).dropped)).toEqual(["them:doubtful"]);
  });

  it("names a kept word doubtful when its span was too short to stand alone", () => {
    const w = W("um@0-0.4", "so@0.42-0.5", "uh@0.52-0.9");
    const plan = planScriptlessCut(w, 2);
    expect(plan.segments).toEqual([]);
    expect(reasons(plan.dropped)).toEqual(["um:filler", "so:doubtful", "uh:filler"]);
  });

  it("leaves out recogniser fillers the subtitle leaves out (breaths), not transcript ones", () => {
    const w = W("we@0-0.3", "uh@1-1.08", "um@2-2.4", "go@3-3.3");
    w[2]!.confidence = 0.9;
    const none = { start: 0, end: 0 };
    expect(reasons(droppedWords(w, [none], () => "filler", true))).toEqual(["we:filler", "um:filler", "go:filler"]);
    expect(reasons(droppedWords(w, [none], () => "filler", false))).toHaveLength(4);
  });
});

describe("scripted planning on recogniser words", () => {
  const sound = (silences: Array<[number, number]>): SoundMap => ({ silences: silences.map(([start, end]) => ({ start, end })), envelope: null });

  it("keeps a misheard opening glued to the first anchor (the aligner no longer drops a script's first words)", () => {
    // the script's first four words came out as nonsense, said in one breath with the rest
    const w = W("ask@0.5-0.8", "not@0.8-1.0", "to@1.0-1.2", "dash@1.2-1.5", "had@1.5-1.7", "then@1.7-1.9", "leisure@1.9-2.3", "to@2.3-2.4", "consider@2.4-2.9");
    const plan = planScripted(w, "And Mr. John Dashwood had then leisure to consider.", 4, DEFAULT_PLAN, sound([[0, 0.5], [2.9, 4]]));
    expect(plan.segments).toEqual([{ start: 0.25, end: 3.15 }]);
  });

  it("keeps misheard speech between two anchors where the script has words, not an aside between consecutive ones", () => {
    const w = W(
      // "not an ill-disposed" heard as "quite so bad", with small gaps the recogniser put between the words
      "he@0.5-0.6", "was@0.6-0.8", "quite@0.95-1.1", "so@1.25-1.35", "bad@1.5-1.7", "young@1.85-2.0", "man@2.0-2.3",
      "go@4-4.2", "forward@4.2-4.6", "ten@4.6-4.9", "meters@4.9-5.3",
      "he@7-7.1", "might@7.1-7.4", "even@7.4-7.7", "have@7.7-7.9", "been@7.9-8.1",
    );
    const plan = planScripted(w, "He was not an ill-disposed young man. He might even have been.", 9, DEFAULT_PLAN, sound([[0, 0.5], [2.3, 4], [5.3, 7], [8.1, 9]]));
    expect(plan.segments).toEqual([{ start: 0.25, end: 2.55 }, { start: 6.75, end: 8.35 }]);
    // matched words take the script's spelling; the misheard ones were not truly matched and keep theirs
    expect(plan.words.slice(0, 7).map((x) => x.word)).toEqual(["He", "was", "quite", "so", "bad", "young", "man"]);
  });

  it("fails with script_not_spoken when the script's words turn up only one by one, never in the script's order", () => {
    const w = W("of@0.5-0.6", "we@1-1.2", "went@1.2-1.5", "clubs@3-3.4", "it@4-4.2", "is@4.2-4.4", "the@4.4-4.5", "seven@5-5.4", "days@5.4-5.8");
    expect(() => planScripted(w, "Ten of clubs. Seven of hearts.", 6)).toThrow(expect.objectContaining({ code: "script_not_spoken" }) as Error);
    const aligned = [{ scriptIndex: 0 }, { scriptIndex: 1 }, { scriptIndex: -1 }, { scriptIndex: 3 }];
    expect(inRuns([0, 1, 3], aligned, ["ten", "of", "um", "seven"])).toBe(2);
  });

  it("leaves out recogniser fillers too short or unsure to have been said", () => {
    const w = W("we@0-0.3", "uh@0.35-0.45", "um@1-1.6", "go@2-2.3");
    w[2]!.confidence = 0.9;
    expect(sayable(w).map((x) => x.word)).toEqual(["we", "um", "go"]);
  });
});

describe("cut points from the audio", () => {
  const silences = [{ start: 0, end: 0.9 }, { start: 2.1, end: 2.2 }, { start: 3, end: 4.5 }];
  it("starts and ends a span inside the detected pause, a breath from the sound, never past the pause's other side", () => {
    const s = { silences, envelope: null };
    expect(cutBefore(1.0, null, s, 0.25)).toBeCloseTo(0.65); // pause ends at 0.9: a breath before it
    expect(cutAfter(2.95, null, 10, s, 0.25)).toBeCloseTo(3.25);
    // a 100 ms pause between two words: the padding stops at the neighbour's edge
    expect(cutBefore(2.2, 2.1, s, 0.25)).toBeCloseTo(2.1);
    expect(cutAfter(2.1, 2.2, 10, s, 0.25)).toBeCloseTo(2.2);
  });
  it("without a pause, cuts at the quietest moment between the words, not at the recogniser's edge", () => {
    const db = new Float32Array(600).fill(-20);
    db[152] = -48; // a dip at 1.52-1.53 s between two words glued in the recogniser's times
    const s: SoundMap = { silences: [], envelope: { db } };
    expect(cutBefore(1.55, 1.45, s, 0.25)).toBeCloseTo(1.525);
    expect(cutAfter(1.45, 1.55, 6, s, 0.25)).toBeCloseTo(1.525);
  });
  it("keeps a short recogniser word glued to a kept word when no pause separates them", () => {
    const w = W("of@0.66-0.73", "ten@0.74-0.94", "of@0.95-1.05", "clubs@1.06-1.5");
    expect(keepGlued(w, [false, true, true, true], [{ start: 0, end: 0.6 }])).toEqual([true, true, true, true]);
    expect(keepGlued(w, [false, true, true, true], [{ start: 0, end: 0.6 }, { start: 0.69, end: 0.77 }])).toEqual([false, true, true, true]);
  });
});

describe("languages", () => {
  it("knows which languages and writing systems the English recogniser can serve", () => {
    for (const l of [null, "", "en", "en-US", "EN_gb", "english"]) expect(recognisableLanguage(l)).toBe(true);
    for (const l of ["ja", "ru-RU", "he", "ar", "fr"]) expect(recognisableLanguage(l)).toBe(false);
    expect(otherWritingSystem("Он не был дурным человеком.")).toBe(true);
    expect(otherWritingSystem("שלום עולם")).toBe(true);
    expect(otherWritingSystem("Café au lait, 2019.")).toBe(false);
  });
});
