// Fuzzy word-level alignment of a script against what was said. Recognisers mishear ("tool" -> "too"), so words
// are compared with a similarity score, and the alignment is global over the script with affine gaps (Gotoh):
// an off-script aside or an abandoned take costs one gap opening, not one penalty per word, which is what lets
// the last complete take of a restarted sentence win over a patchwork of two takes.
import { isFiller } from "./normalize.js";

export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

/** A rough sound key: vowels after the first letter dropped, look-alike consonant spellings merged. */
export function soundKey(word: string): string {
  let w = word.replace(/'/g, "");
  w = w.replace(/^kn|^gn|^wr/, (m) => m.slice(1)).replace(/ph/g, "f").replace(/ck|q/g, "k").replace(/c(?=[eiy])/g, "s").replace(/c/g, "k")
    .replace(/x/g, "ks").replace(/z/g, "s").replace(/dg/g, "j").replace(/th/g, "0").replace(/sh/g, "x").replace(/gh/g, "");
  const head = w.slice(0, 1);
  const tail = w.slice(1).replace(/[aeiouyhw]/g, "").replace(/(.)\1+/g, "$1");
  return head + tail;
}

/** Similarity of two normalised words in [0, 1]. */
export function wordSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const lev = 1 - levenshtein(a, b) / Math.max(a.length, b.length);
  let best = lev;
  if (a.length > 2 && b.length > 2 && soundKey(a) === soundKey(b)) best = Math.max(best, 0.8);
  // plural / possessive variants ("hour" / "hours", "company's")
  const stem = (w: string) => w.replace(/('s|s)$/, "");
  if (stem(a) === stem(b)) best = Math.max(best, 0.85);
  return best;
}

export interface AlignOptions {
  /** Above this many DP cells, the alignment runs in a band around the diagonal. */
  maxCells?: number;
  /**
   * Seconds of silence before each spoken token (0 inside a word). Leaving the script is cheaper after a pause:
   * asides and fillers come after one, while a misheard script word is glued to its neighbours.
   */
  pauseBefore?: number[];
}

const MATCH_FLOOR = 0.5; // below this similarity a pair is a substitution, not a match
const SUBSTITUTE = -1.5; // a misheard script word: cheaper than opening two gaps (-2 + -1.5)
const SCRIPT_GAP_OPEN = -2;
const SCRIPT_GAP_EXTEND = -1;
const SPOKEN_GAP_OPEN = -1.5;
const SPOKEN_GAP_EXTEND = -0.3;
const FILLER_GAP_EXTEND = -0.1;

function pairScore(a: string, b: string): number {
  const s = wordSimilarity(a, b);
  return s >= MATCH_FLOOR ? 4 * s - 2 : SUBSTITUTE;
}

export interface AlignedWord {
  /** Index into the script tokens, or -1 when the spoken word is not part of the script. */
  scriptIndex: number;
  similarity: number;
}

/**
 * Aligns spoken tokens to script tokens. Spoken words before the script starts and after it ends cost
 * nothing (the answer may begin with small talk). Returns one entry per spoken token.
 */
export function alignToScript(script: string[], spoken: string[], opts: AlignOptions = {}): AlignedWord[] {
  const n = script.length;
  const m = spoken.length;
  const result: AlignedWord[] = spoken.map(() => ({ scriptIndex: -1, similarity: 0 }));
  if (n === 0 || m === 0) return result;
  const maxCells = opts.maxCells ?? 4_000_000; // about 50 MB of DP tables
  const width = Math.min(m + 1, Math.max(64, Math.floor(maxCells / (n + 1))));
  const lo = (i: number) => Math.max(0, Math.min(m + 1 - width, Math.round((i * m) / n) - Math.floor(width / 2)));
  const cells = (n + 1) * width;
  const NEG = -1e18;
  // Three Gotoh states: M (pair), X (script word skipped), Y (spoken word skipped).
  const M = new Float32Array(cells).fill(NEG);
  const X = new Float32Array(cells).fill(NEG);
  const Y = new Float32Array(cells).fill(NEG);
  // back pointers: which state each state came from (0 M, 1 X, 2 Y)
  const bM = new Int8Array(cells);
  const bX = new Int8Array(cells);
  const bY = new Int8Array(cells);
  const at = (i: number, j: number) => {
    const k = j - lo(i);
    return k < 0 || k >= width ? -1 : i * width + k;
  };
  const pauses = opts.pauseBefore;
  const spokenGap = (i: number, j: number, open: boolean) => {
    if (i === 0 || i === n) return 0; // leading / trailing talk around the script is free
    if (open) return SPOKEN_GAP_OPEN + 0.3 * Math.min(1, (pauses?.[j - 1] ?? 0) / 0.3);
    return isFiller(spoken[j - 1] as string) ? FILLER_GAP_EXTEND : SPOKEN_GAP_EXTEND;
  };
  const origin = at(0, 0);
  M[origin] = 0;
  for (let i = 0; i <= n; i++) {
    const base = lo(i);
    for (let j = base; j < base + width; j++) {
      const c = i * width + (j - base);
      if (i === 0 && j === 0) continue;
      if (i > 0 && j > 0) {
        const p = at(i - 1, j - 1);
        if (p >= 0) {
          const s = pairScore(script[i - 1] as string, spoken[j - 1] as string);
          // ">=" order M, X, Y: ties resolved consistently (see traceback)
          let best = M[p] as number, from = 0;
          if ((X[p] as number) > best) { best = X[p] as number; from = 1; }
          if ((Y[p] as number) > best) { best = Y[p] as number; from = 2; }
          M[c] = best + s;
          bM[c] = from;
        }
      }
      if (i > 0) {
        const p = at(i - 1, j);
        if (p >= 0) {
          const open = Math.max(M[p] as number, Y[p] as number) + SCRIPT_GAP_OPEN;
          const ext = (X[p] as number) + SCRIPT_GAP_EXTEND;
          // on a tie a gap opens after the latest pair rather than extending an older gap: later takes win
          if (ext > open) { X[c] = ext; bX[c] = 1; } else { X[c] = open; bX[c] = (M[p] as number) >= (Y[p] as number) ? 0 : 2; }
        }
      }
      if (j > 0) {
        const p = at(i, j - 1);
        if (p >= 0) {
          const open = Math.max(M[p] as number, X[p] as number) + spokenGap(i, j, true);
          const ext = (Y[p] as number) + spokenGap(i, j, false);
          if (ext > open) { Y[c] = ext; bY[c] = 2; } else { Y[c] = open; bY[c] = (M[p] as number) >= (X[p] as number) ? 0 : 1; }
        }
      }
    }
  }
  // Traceback from the end. On ties the pair state wins, and going backwards that means the *latest* spoken
  // words are matched first: when a sentence is said twice, the last take is the one kept.
  let i = n;
  let j = m;
  let c = at(i, j);
  let state = 0;
  {
    const mv = M[c] as number, xv = X[c] as number, yv = Y[c] as number;
    state = mv >= xv && mv >= yv ? 0 : xv >= yv ? 1 : 2;
  }
  while (i > 0 || j > 0) {
    c = at(i, j);
    if (c < 0) break;
    if (state === 0) {
      if (i === 0 || j === 0) break;
      const s = wordSimilarity(script[i - 1] as string, spoken[j - 1] as string);
      result[j - 1] = { scriptIndex: i - 1, similarity: s };
      state = bM[c] as number;
      i--;
      j--;
    } else if (state === 1) {
      state = bX[c] as number;
      i--;
    } else {
      state = bY[c] as number;
      j--;
    }
  }
  return result;
}
