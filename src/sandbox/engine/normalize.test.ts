import { describe, expect, it } from "vitest";
import { isFiller, normalizeWord, numberToWords, tokenizeScript, tokenizeScriptWords, writtenForm, yearToWords } from "./normalize.js";

describe("normalizeWord", () => {
  it("lowercases and strips punctuation, keeping apostrophes inside words", () => {
    expect(normalizeWord("Thanks,")).toEqual(["thanks"]);
    expect(normalizeWord("“Don’t!”")).toEqual(["don't"]);
    expect(normalizeWord("the(2)")).toEqual(["the"]);
    expect(normalizeWord("—")).toEqual([]);
  });
  it("reads years and numbers as they are spoken", () => {
    expect(normalizeWord("2019.")).toEqual(["twenty", "nineteen"]);
    expect(normalizeWord("2005")).toEqual(["two", "thousand", "five"]);
    expect(normalizeWord("1990s")).toEqual(["nineteen", "ninety"]);
    expect(normalizeWord("42")).toEqual(["forty", "two"]);
    expect(normalizeWord("1,500")).toEqual(["one", "thousand", "five", "hundred"]);
    expect(normalizeWord("50%")).toEqual(["fifty", "percent"]);
    expect(normalizeWord("well-known")).toEqual(["well", "known"]);
  });
  it("spells cardinals and years", () => {
    expect(numberToWords(0)).toEqual(["zero"]);
    expect(numberToWords(115)).toEqual(["one", "hundred", "fifteen"]);
    expect(numberToWords(2_000_300)).toEqual(["two", "million", "three", "hundred"]);
    expect(yearToWords(1905)).toEqual(["nineteen", "oh", "five"]);
    expect(yearToWords(1900)).toEqual(["nineteen", "hundred"]);
  });
});

describe("tokenizeScript", () => {
  it("tags tokens with their sentence", () => {
    const t = tokenizeScript("Hi there. We began in 2019!\nThen grew");
    expect(t.map((x) => x.token)).toEqual(["hi", "there", "we", "began", "in", "twenty", "nineteen", "then", "grew"]);
    expect(t.map((x) => x.sentence)).toEqual([0, 0, 1, 1, 1, 1, 1, 2, 2]);
  });
});

describe("isFiller", () => {
  it("knows the hesitation sounds and nothing else", () => {
    for (const f of ["um", "uh", "er", "ah", "hmm"]) expect(isFiller(f)).toBe(true);
    for (const w of ["so", "the", "like", "umbrella"]) expect(isFiller(w)).toBe(false);
  });
});

describe("symbols, abbreviations and the script's spelling", () => {
  it("says abbreviations, currency and symbols as they are spoken", () => {
    expect(normalizeWord("Dr.")).toEqual(["doctor"]);
    expect(normalizeWord("Mr.")).toEqual(["mister"]);
    expect(normalizeWord("$5")).toEqual(["five", "dollars"]);
    expect(normalizeWord("R&D")).toEqual(["r", "and", "d"]);
    expect(normalizeWord("PBX")).toEqual(["pbx"]); // spelled out by the recogniser's dictionary
  });
  it("keeps each token's written word and the written form a subtitle shows", () => {
    const t = tokenizeScriptWords("Dr. Smith joined in 2019, with 50% of the PBX team.");
    expect(t.written).toEqual(["Dr.", "Smith", "joined", "in", "2019", "with", "50%", "of", "the", "PBX", "team"]);
    expect(t.tokens.filter((x) => x.word === 4).map((x) => x.token)).toEqual(["twenty", "nineteen"]);
    expect(new Set(t.tokens.map((x) => x.sentence))).toEqual(new Set([0])); // "Dr." does not end a sentence
    expect(writtenForm("(ill-disposed,")).toBe("ill-disposed");
  });
});

describe("other alphabets", () => {
  it("keeps the letters of an attached transcript in any alphabet (a transcript is the truth in any language)", () => {
    expect(normalizeWord("Привет,")).toEqual(["привет"]);
    expect(normalizeWord("«שלום»")).toEqual(["שלום"]);
    expect(normalizeWord("café")).toEqual(["café"]);
  });
});
