import { describe, expect, it } from "vitest";
import { parsePocketsphinxOutput } from "./pocketsphinx.js";

describe("parsePocketsphinxOutput", () => {
  it("keeps words with times and confidence, drops markers, strips alternates", () => {
    const out = [
      "thanks for having me them",
      "<s> 0.600 0.620 1.000000",
      "thanks 0.630 1.110 1.000000",
      "<sil> 1.870 2.040 0.598242",
      "[NOISE] 2.05 2.10 0.5",
      "(NULL) 2.10 2.10 1.0",
      "them(2) 2.220 2.700 0.025177",
      "</s> 5.770 6.190 1.000000",
    ].join("\n");
    expect(parsePocketsphinxOutput(out)).toEqual([
      { word: "thanks", start: 0.63, end: 1.11, confidence: 1 },
      { word: "them", start: 2.22, end: 2.7, confidence: 0.025177 },
    ]);
  });
});
