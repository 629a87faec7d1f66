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

/** Normalised tokens of one written or recognised word (a number can give several). */
export function normalizeWord(raw: string): string[] {
  let w = raw.toLowerCase().replace(/\(\d+\)$/, ""); // pocketsphinx alternate pronunciations: "the(2)"
  w = w.replace(/[’‘]/g, "'").replace(/%/g, " percent ").replace(/&/g, " and ");
  const out: string[] = [];
  for (const part of w.split(/[\s\-–—/]+/)) {
    const t = part.replace(/[^a-z0-9',.]/g, "").replace(/[.,]+$/, "").replace(/^'+|'+$/g, "");
    if (/^\d{1,3}(,\d{3})+$|^\d+$/.test(t)) {
      out.push(...expandNumber(t.replace(/,/g, ""), t.includes(",")));
      continue;
    }
    const m = /^(\d+)(st|nd|rd|th|s)$/.exec(t); // "1990s", "3rd": the number is what is said first
    if (m) {
      out.push(...expandNumber(m[1] as string));
      continue;
    }
    const clean = t.replace(/[^a-z0-9']/g, "");
    if (clean) out.push(clean);
  }
  return out;
}

export interface ScriptToken {
  token: string;
  /** Index of the sentence of the script it belongs to (0-based). */
  sentence: number;
}

/** Script text to tokens, each tagged with its sentence (sentences end at . ! ? or a line break). */
export function tokenizeScript(text: string): ScriptToken[] {
  const out: ScriptToken[] = [];
  let sentence = 0;
  for (const chunk of text.split(/(?<=[.!?])\s+|\n+/)) {
    const before = out.length;
    for (const raw of chunk.split(/\s+/)) for (const token of normalizeWord(raw)) out.push({ token, sentence });
    if (out.length > before) sentence++;
  }
  return out;
}
