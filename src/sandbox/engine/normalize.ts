// Turns script text and recognised words into comparable tokens: lowercase, no punctuation, numbers as spoken
// words ("2019" -> "twenty nineteen"), so that a typed script and a transcript of speech line up word by word.

const ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
  "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

export const FILLERS: ReadonlySet<string> = new Set([
  "um", "umm", "uhm", "uh", "uhh", "er", "erm", "err", "ah", "ahh", "hmm", "hm", "mm", "mmm", "eh",
]);

export function isFiller(token: string): boolean {
  return FILLERS.has(token);
}

function underHundred(n: number): string[] {
  if (n < 20) return [ONES[n] as string];
  const t = TENS[Math.floor(n / 10)] as string;
  return n % 10 === 0 ? [t] : [t, ONES[n % 10] as string];
}

function underThousand(n: number): string[] {
  if (n < 100) return underHundred(n);
  const rest = n % 100;
  return [ONES[Math.floor(n / 100)] as string, "hundred", ...(rest ? underHundred(rest) : [])];
}

/** Cardinal number as words, up to the millions; beyond that the digits are spelled one by one. */
export function numberToWords(n: number): string[] {
  if (!Number.isInteger(n) || n < 0 || n >= 1e9) return String(n).split("").map((d) => ONES[Number(d)] ?? d);
  if (n < 1000) return underThousand(n);
  const out: string[] = [];
  const millions = Math.floor(n / 1e6);
  const thousands = Math.floor((n % 1e6) / 1000);
  const rest = n % 1000;
  if (millions) out.push(...underThousand(millions), "million");
  if (thousands) out.push(...underThousand(thousands), "thousand");
  if (rest) out.push(...underThousand(rest));
  return out;
}

/** A four-digit year as people say it: 2019 -> twenty nineteen, 2005 -> two thousand five, 1990 -> nineteen ninety. */
export function yearToWords(n: number): string[] {
  if (n >= 2000 && n < 2010) return numberToWords(n);
  const hi = Math.floor(n / 100);
  const lo = n % 100;
  if (lo === 0) return [...underHundred(hi), "hundred"];
  return [...underHundred(hi), ...(lo < 10 ? ["oh", ONES[lo] as string] : underHundred(lo))];
}

function expandNumber(digits: string, grouped = false): string[] {
  const n = Number(digits);
  // Four digits between 1100 and 2099 are read as a year: interviews talk about years far more than about
  // "two thousand nineteen" of something.
  if (!grouped && digits.length === 4 && n >= 1100 && n < 2100) return yearToWords(n); // "1,500" is not a year
  if (digits.length > 1 && digits.startsWith("0")) return digits.split("").map((d) => ONES[Number(d)] as string);
  return numberToWords(n);
}

// Abbreviations as they are said. Only the unambiguous ones: "St." is saint or street, so it stays as written.
const ABBREVIATIONS: Record<string, string> = {
  "dr.": "doctor", "mr.": "mister", "mrs.": "missus", "ms.": "miz", "prof.": "professor", "vs.": "versus",
  "etc.": "etcetera", "e.g.": "for example", "i.e.": "that is", "approx.": "approximately", "no.": "number",
};
const SYMBOLS: Array<[RegExp, string]> = [[/%/g, " percent "], [/&/g, " and "], [/\+/g, " plus "], [/@/g, " at "], [/=/g, " equals "]];

/** Normalised tokens of one written or recognised word (a number can give several). */
export function normalizeWord(raw: string): string[] {
  let w = raw.toLowerCase().replace(/\(\d+\)$/, ""); // pocketsphinx alternate pronunciations: "the(2)"
  w = w.replace(/[’‘]/g, "'");
  const bare = w.replace(/^["'“”([]+|["'“”)\],;:!?]+$/g, "");
  const abbr = ABBREVIATIONS[bare];
  if (abbr) return abbr.split(" ");
  // currency: "$5" / "$1,500" is said "five dollars"
  const money = /^([$€£])(\d[\d,]*)$/.exec(bare.replace(/\.$/, ""));
  if (money) return [...normalizeWord(money[2] as string), money[1] === "$" ? "dollars" : money[1] === "€" ? "euros" : "pounds"];
  for (const [re, said] of SYMBOLS) w = w.replace(re, said);
  const out: string[] = [];
  for (const part of w.split(/[\s\-–—/]+/)) {
    const t = part.replace(/[^\p{L}\p{N}',.]/gu, "").replace(/[.,]+$/, "").replace(/^'+|'+$/g, "");
    if (/^\d{1,3}(,\d{3})+$|^\d+$/.test(t)) {
      out.push(...expandNumber(t.replace(/,/g, ""), t.includes(",")));
      continue;
    }
    const m = /^(\d+)(st|nd|rd|th|s)$/.exec(t); // "1990s", "3rd": the number is what is said first
    if (m) {
      out.push(...expandNumber(m[1] as string));
      continue;
    }
    const clean = t.replace(/[^\p{L}\p{N}']/gu, "");
    if (clean) out.push(clean);
  }
  return out;
}

export interface ScriptToken {
  token: string;
  /** Index of the sentence of the script it belongs to (0-based). */
  sentence: number;
  /** Index of the written word it comes from ("2019" gives two tokens of one word). */
  word: number;
}

export interface TokenizedScript {
  tokens: ScriptToken[];
  /** The written words as a subtitle shows them: the script's own spelling, sentence punctuation removed. */
  written: string[];
}

/** How a written word appears in a subtitle: as typed, without the sentence punctuation around it. */
export function writtenForm(raw: string): string {
  const bare = raw.replace(/^["'“”‘([]+|["'“”’)\],;:!?]+$/g, "");
  return ABBREVIATIONS[bare.toLowerCase()] ? bare : bare.replace(/\.+$/, "");
}

/** Script text to tokens, each tagged with its sentence (sentences end at . ! ? or a line break) and written word. */
export function tokenizeScript(text: string): ScriptToken[] {
  return tokenizeScriptWords(text).tokens;
}

export function tokenizeScriptWords(text: string): TokenizedScript {
  const tokens: ScriptToken[] = [];
  const written: string[] = [];
  let sentence = 0;
  // a sentence ends at . ! ? unless the dot belongs to an abbreviation ("Mr. Dashwood")
  const chunks = text.split(/\n+/).flatMap((line) => {
    const out: string[][] = [[]];
    for (const raw of line.split(/\s+/).filter(Boolean)) {
      (out[out.length - 1] as string[]).push(raw);
      if (/[.!?]["'”’)]*$/.test(raw) && !ABBREVIATIONS[writtenForm(raw).toLowerCase()]) out.push([]);
    }
    return out;
  });
  for (const chunk of chunks) {
    const before = tokens.length;
    for (const raw of chunk) {
      const toks = normalizeWord(raw);
      if (toks.length === 0) continue;
      const word = written.length;
      written.push(writtenForm(raw));
      for (const token of toks) tokens.push({ token, sentence, word });
    }
    if (tokens.length > before) sentence++;
  }
  return { tokens, written };
}
