// Script coverage: which sentences of a cut's script the cut carries. The API says nothing about this, but
// every completed cut has a subtitle of the words it keeps (in the script's spelling where they matched), so
// matching those words, in order, against the script's sentences tells an agent "the cut misses sentence 3"
// with what any backend gives, the real service as well as the sandbox.

export type SentenceRef = { n: number; text: string };

export type ScriptCoverage = {
  /** Sentences in the script. */
  sentences: number;
  /** Sentences whose words the cut keeps (at least CARRIED of them, in order). */
  carried: number;
  /** Sentences the cut keeps only some words of: n counts from 1. */
  partial: SentenceRef[];
  /** Sentences the cut keeps (next to) none of. */
  missing: SentenceRef[];
  /** Share of the script's words found in the cut, 0 to 1. */
  word_share: number;
  /** Set when the cut carries too little of the script, or removed more than 90% of the source. */
  warning: string | null;
};

/** A sentence counts as carried when this share of its words is kept in order; missing below PRESENT. */
const CARRIED = 0.8;
const PRESENT = 0.3;
/** Coverage below this share of sentences gets a warning. */
const LOW_COVERAGE = 0.8;
/** Sentences quoted in an answer: an agent needs the first few to re-cut, not a 400-sentence list. */
const MAX_LISTED = 20;

/** Lowercase letters and digits only: captions and scripts differ in case and punctuation, not in words. */
export function wordKey(word: string): string {
  return word
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, "");
}

/** A script without full stops is still read in pieces of at most this many words. */
const LONGEST_SENTENCE = 50;

/** Sentences of a script: split after . ! ? (and …) followed by space, and at new lines. */
export function scriptSentences(script: string): string[] {
  return script
    .split(/(?<=[.!?…]["'”’)\]]*)\s+|\n+/u)
    .map((s) => s.replace(/\s+/g, " ").trim())
    .filter((s) => s.split(" ").some((w) => wordKey(w) !== ""))
    .flatMap((s) => {
      const words = s.split(" ");
      const pieces: string[] = [];
      for (let i = 0; i < words.length; i += LONGEST_SENTENCE) pieces.push(words.slice(i, i + LONGEST_SENTENCE).join(" "));
      return pieces;
    });
}

/** Longest common subsequence of a (short) and b: the indices in b of the matched words, in order. */
function lcs(a: readonly string[], b: readonly string[]): number[] {
  const w = b.length + 1;
  const table = new Uint16Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * w + j] = a[i] === b[j] ? table[(i + 1) * w + j + 1]! + 1 : Math.max(table[(i + 1) * w + j]!, table[i * w + j + 1]!);
    }
  }
  const out: number[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      out.push(j);
      i++;
      j++;
    } else if (table[(i + 1) * w + j]! >= table[i * w + j + 1]!) i++;
    else j++;
  }
  return out;
}

/**
 * Matches each sentence, in script order, against the kept words from where the previous one ended: a
 * window a few times the sentence's length (kept asides and fillers fit in it), and when that finds too
 * little, the next place its opening three words occur (a long kept aside before it). Linear in the
 * script, so a 100,000-character script costs little.
 */
export function scriptCoverage(script: string, keptWords: readonly string[], removedShare: number | null = null): ScriptCoverage {
  const sentences = scriptSentences(script).map((text) => ({ text, keys: text.split(" ").map(wordKey).filter(Boolean) }));
  const kept = keptWords.map(wordKey).filter(Boolean);
  let at = 0;
  let found = 0;
  let total = 0;
  const partial: SentenceRef[] = [];
  const missing: SentenceRef[] = [];
  let carried = 0;
  const windowOf = (keys: string[], from: number, to = kept.length): string[] => kept.slice(from, Math.min(to, from + 3 * keys.length + 20));
  const matchAt = (keys: string[], from: number, to?: number): number[] => lcs(keys, windowOf(keys, from, to)).map((j) => j + from);
  // The same match pushed as late as it goes: where a later sentence's words begin at the latest.
  const latestAt = (keys: string[], from: number): number[] => {
    const win = windowOf(keys, from);
    return lcs([...keys].reverse(), [...win].reverse()).map((j) => from + win.length - 1 - j).reverse();
  };
  sentences.forEach((s, i) => {
    total += s.keys.length;
    let hits = matchAt(s.keys, at);
    if (hits.length < PRESENT * s.keys.length && s.keys.length >= 3) {
      const opening = s.keys.slice(0, 3).join(" ");
      for (let j = at; j + 3 <= kept.length; j++) {
        if (kept[j] === s.keys[0] && kept.slice(j, j + 3).join(" ") === opening) {
          hits = matchAt(s.keys, j);
          break;
        }
      }
    }
    // Common words ("we", "started") of a sentence the cut dropped turn up in the next ones. When a following
    // sentence, placed as late as it goes, still needs some of these words, the words go to whichever
    // reading matches more of the two sentences.
    for (const next of sentences.slice(i + 1, i + 4)) {
      if (hits.length === 0) break;
      const theirs = latestAt(next.keys, at);
      if (theirs.length < PRESENT * next.keys.length || theirs[0]! > hits[hits.length - 1]!) continue;
      const ours = matchAt(s.keys, hits[0]!, theirs[0]!);
      const after = matchAt(next.keys, hits[hits.length - 1]! + 1);
      if (ours.length + theirs.length > hits.length + after.length) hits = ours;
    }
    const share = hits.length / s.keys.length;
    if (share >= PRESENT) {
      found += hits.length;
      at = hits[hits.length - 1]! + 1;
    }
    if (share >= CARRIED) carried++;
    else (share >= PRESENT ? partial : missing).push({ n: i + 1, text: s.text });
  });
  const coverage = { sentences: sentences.length, carried, partial: partial.slice(0, MAX_LISTED), missing: missing.slice(0, MAX_LISTED), word_share: total > 0 ? Math.round((found / total) * 1000) / 1000 : 0 };
  return { ...coverage, warning: coverageWarning(coverage, partial.length, missing.length, removedShare) };
}

function coverageWarning(c: { sentences: number; carried: number; missing: SentenceRef[] }, partly: number, missed: number, removedShare: number | null): string | null {
  const notes: string[] = [];
  if (c.sentences > 0 && c.carried < LOW_COVERAGE * c.sentences) {
    const first = c.missing[0] ? ` (first missing: sentence ${c.missing[0].n}, "${clip(c.missing[0].text)}")` : "";
    notes.push(`the cut carries ${c.carried} of the script's ${c.sentences} sentences; ${missed} missing, ${partly} in part${first}`);
  }
  if (removedShare !== null && removedShare > 0.9) notes.push(`it removed ${Math.round(removedShare * 100)}% of the source`);
  if (notes.length === 0) return null;
  return `Check this cut: ${notes.join(", and ")}. Re-cut with the script as it was said (create_cut), or scriptless.`;
}

const clip = (text: string): string => (text.length > 60 ? `${text.slice(0, 57)}…` : text);
