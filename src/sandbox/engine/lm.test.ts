import { describe, expect, it } from "vitest";
import { buildArpa } from "./lm.js";

/** Parses ARPA text back into n-gram tables: words -> [log10 p, log10 backoff]. */
function parseArpa(text: string): Array<Map<string, [number, number]>> {
  const tables: Array<Map<string, [number, number]>> = [new Map(), new Map(), new Map()];
  let order = 0;
  for (const line of text.split("\n")) {
    const m = /^\\(\d)-grams:$/.exec(line);
    if (m) {
      order = Number(m[1]);
      continue;
    }
    if (!order || !line.trim() || line.startsWith("\\")) continue;
    const parts = line.split(" ");
    const words = parts.slice(1, 1 + order).join(" ");
    tables[order - 1]!.set(words, [Number(parts[0]), parts.length > 1 + order ? Number(parts[1 + order]) : 0]);
  }
  return tables;
}

describe("buildArpa", () => {
  const sentences = [["we", "started", "the", "company"], ["we", "started", "it", "because", "the", "company", "grew"]];
  const text = buildArpa(sentences, { fillers: ["um", "uh"], others: ["sorry", "water"] });
  const [uni, bi, tri] = parseArpa(text);
  const vocab = [...uni!.keys()].filter((w) => w !== "<s>");

  it("declares its n-gram counts and every word of the script, fillers and other words", () => {
    expect(text).toContain(`ngram 1=${uni!.size}`);
    expect(text).toContain(`ngram 2=${bi!.size}`);
    expect(text).toContain(`ngram 3=${tri!.size}`);
    expect(vocab.sort()).toEqual(["</s>", "because", "company", "grew", "it", "started", "sorry", "the", "uh", "um", "water", "we"].sort());
  });

  it("is a proper distribution: unigrams sum to 1, and each history's seen + backed-off mass sums to 1", () => {
    const p1 = (w: string) => 10 ** uni!.get(w)![0];
    expect(vocab.reduce((t, w) => t + p1(w), 0)).toBeCloseTo(1, 3);
    const p2 = (h: string, w: string) => (bi!.has(`${h} ${w}`) ? 10 ** bi!.get(`${h} ${w}`)![0] : 10 ** uni!.get(h)![1] * p1(w));
    for (const h of ["<s>", "we", "started", "the"]) expect(vocab.reduce((t, w) => t + p2(h, w), 0)).toBeCloseTo(1, 3);
    const p3 = (u: string, v: string, w: string) => (tri!.has(`${u} ${v} ${w}`) ? 10 ** tri!.get(`${u} ${v} ${w}`)![0] : 10 ** bi!.get(`${u} ${v}`)![1] * p2(v, w));
    for (const [u, v] of [["we", "started"], ["<s>", "we"], ["the", "company"]] as const) expect(vocab.reduce((t, w) => t + p3(u, v, w), 0)).toBeCloseTo(1, 3);
  });

  it("expects the script's order far more than any other continuation, and fillers and other words only a little", () => {
    // p(the | we started), seen in the script, against p(grew | we started), backed off twice
    const unseen = bi!.get("we started")![1] + uni!.get("started")![1] + uni!.get("grew")![0];
    expect(tri!.get("we started the")![0] - unseen).toBeGreaterThan(Math.log10(3)); // over three times likelier
    expect(uni!.get("um")![0]).toBeLessThan(uni!.get("company")![0]);
    expect(uni!.get("water")![0]).toBeLessThan(Math.log10(0.05));
  });
});
