import { describe, expect, it } from "vitest";
import { alignToScript, levenshtein, soundKey, wordSimilarity } from "./align.js";

const words = (s: string) => s.split(" ");
/** The spoken words that the aligner put on the script. */
const kept = (script: string, spoken: string) => {
  const sp = words(spoken);
  return alignToScript(words(script), sp).map((a, i) => (a.scriptIndex >= 0 ? `${sp[i]}@${i}` : null)).filter(Boolean);
};

describe("word similarity", () => {
  it("scores exact, misheard and unrelated words", () => {
    expect(levenshtein("kitten", "sitting")).toBe(3);
    expect(wordSimilarity("tool", "tool")).toBe(1);
    expect(wordSimilarity("tool", "too")).toBeGreaterThanOrEqual(0.7);
    expect(wordSimilarity("hours", "hour")).toBeGreaterThanOrEqual(0.8);
    expect(wordSimilarity("footage", "company")).toBeLessThan(0.5);
    expect(soundKey("phone")).toBe(soundKey("fone"));
  });
});

describe("alignToScript", () => {
  it("matches every word of a clean reading", () => {
    expect(kept("we started the company", "we started the company")).toHaveLength(4);
  });

  it("skips fillers and an off-script aside", () => {
    const out = kept("we started the company it takes too long", "we um started the company sorry can i get some water it takes too long");
    expect(out).toEqual(["we@0", "started@2", "the@3", "company@4", "it@11", "takes@12", "too@13", "long@14"]);
  });

  it("keeps the last take of a restarted sentence", () => {
    const out = kept("today our tool turns hours into minutes", "today our tool takes um today our tool turns hours into minutes");
    expect(out).toEqual(["today@5", "our@6", "tool@7", "turns@8", "hours@9", "into@10", "minutes@11"]);
  });

  it("still lines up misheard words", () => {
    const out = kept("today our tool turns hours of raw footage", "today hour too turns ours of rah footage");
    expect(out).toHaveLength(8);
  });

  it("prefers to leave the script after a pause, not inside fluent speech", () => {
    // "long" was heard as "um" glued to "too"; the real filler "uh" came after a pause
    const sp = words("far too um uh today");
    const a = alignToScript(words("far too long today"), sp, { pauseBefore: [0, 0, 0.01, 0.4, 1.2] });
    expect(a.map((x) => x.scriptIndex)).toEqual([0, 1, 2, -1, 3]);
  });

  it("ignores talk before and after the script", () => {
    const out = kept("thanks for having me", "okay are we rolling thanks for having me great");
    expect(out).toEqual(["thanks@4", "for@5", "having@6", "me@7"]);
  });

  it("handles long inputs in a band without blowing up", () => {
    const script = Array.from({ length: 3000 }, (_, i) => `w${i % 97}x${i % 13}`);
    const spoken = [...script];
    spoken.splice(1500, 0, "um", "sorry", "where", "was", "i");
    const a = alignToScript(script, spoken, { maxCells: 400_000 });
    expect(a.filter((x) => x.scriptIndex >= 0).length).toBeGreaterThan(2900);
    expect(a.slice(1500, 1505).every((x) => x.scriptIndex < 0)).toBe(true);
  });
});
