import { describe, expect, it } from "vitest";
import { scriptCoverage, scriptSentences, wordKey } from "./coverage.js";

const SCRIPT = "Thanks for having me. So we started the company in 2019! We started it because editing interviews takes far too long.\nToday our tool turns hours of raw footage into a rough cut in minutes.";
const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);

describe("scriptSentences", () => {
  it("splits after sentence ends and at new lines, and keeps a long unpunctuated script in pieces", () => {
    expect(scriptSentences(SCRIPT)).toEqual([
      "Thanks for having me.",
      "So we started the company in 2019!",
      "We started it because editing interviews takes far too long.",
      "Today our tool turns hours of raw footage into a rough cut in minutes.",
    ]);
    expect(scriptSentences('He said "stop." Then left.  ... \n\n')).toEqual(['He said "stop."', "Then left."]);
    expect(scriptSentences(Array.from({ length: 120 }, () => "word").join(" "))).toHaveLength(3);
  });

  it("compares words without case or punctuation", () => {
    expect(wordKey("Minutes.")).toBe("minutes");
    expect(wordKey("don't")).toBe("dont");
    expect(wordKey("2019")).toBe("2019");
  });
});

describe("scriptCoverage", () => {
  it("counts every sentence carried when the captions are the script", () => {
    const c = scriptCoverage(SCRIPT, words(SCRIPT.replace(/[.!]/g, "")));
    expect(c).toMatchObject({ sentences: 4, carried: 4, partial: [], missing: [], word_share: 1, warning: null });
  });

  it("names the sentence the cut misses, and the one it keeps in part, and warns", () => {
    const kept = [...words("Thanks for having me"), ...words("We started it because editing"), ...words("Today our tool turns hours of raw footage into a rough cut in minutes")];
    const c = scriptCoverage(SCRIPT, kept);
    expect(c.carried).toBe(2);
    expect(c.missing).toEqual([{ n: 2, text: "So we started the company in 2019!" }]);
    expect(c.partial).toEqual([{ n: 3, text: "We started it because editing interviews takes far too long." }]);
    expect(c.warning).toContain("carries 2 of the script's 4 sentences");
    expect(c.warning).toContain("sentence 2");
  });

  it("finds the script past kept asides, long ones included", () => {
    const aside = words("oh wait let me think about that for a moment because it is a long story really quite long and winding and it goes on and on");
    const kept = [...words("Thanks for having me"), ...aside, ...aside, ...words("So we started the company in 2019 We started it because editing interviews takes far too long"), ...words("Today our tool turns hours of raw footage into a rough cut in minutes")];
    expect(scriptCoverage(SCRIPT, kept)).toMatchObject({ carried: 4, missing: [], warning: null });
  });

  it("does not take a later sentence's words for an earlier one's", () => {
    // The cut keeps only the last sentence; its "started" and "we" must not count for sentence 2 or 3.
    const c = scriptCoverage("We started. So we started the company. Today we started again and we mean it.", words("Today we started again and we mean it"));
    expect(c.carried).toBe(1);
    expect(c.missing.map((m) => m.n)).toEqual([1, 2]);
  });

  it("keeps a sentence whose words the script says again in the next one", () => {
    const c = scriptCoverage("We started. We started again. Then we stopped.", words("We started We started again"));
    expect(c.carried).toBe(2);
    expect(c.missing).toEqual([{ n: 3, text: "Then we stopped." }]);
  });

  it("warns when more than 90% of the source was removed, even with the script carried", () => {
    const c = scriptCoverage(SCRIPT, words(SCRIPT), 0.93);
    expect(c.carried).toBe(4);
    expect(c.warning).toContain("removed 93% of the source");
  });

  it("an empty cut misses everything", () => {
    const c = scriptCoverage(SCRIPT, []);
    expect(c).toMatchObject({ carried: 0, word_share: 0 });
    expect(c.missing).toHaveLength(4);
  });

  it("stays fast on a 100,000-character script", () => {
    const sentence = "the quick brown fox jumps over the lazy dog again.";
    const script = Array.from({ length: 2000 }, (_, i) => `${sentence.replace("again", `again${i}`)}`).join(" ");
    expect(script.length).toBeGreaterThan(100_000);
    const kept = words(script).filter((_, i) => i % 20 !== 0);
    const c = scriptCoverage(script, kept);
    expect(c.sentences).toBe(2000);
    expect(c.carried).toBe(2000);
  });
});
