// A trigram language model of the script, written in ARPA format for pocketsphinx's -lm, built at cut time.
// It makes the recogniser expect the script's words in the script's order while still letting it hear them in
// another order, hear fillers, and hear everyday words that are not in the script (an aside, a restart that
// goes elsewhere): those have a small unigram floor, so off-script speech comes out as off-script words rather
// than being forced into script words, which is what lets the aligner see that a script was not spoken.
// Discounting is absolute (Ney's D = n1 / (n1 + 2 n2), clamped) with back-off weights computed so that every
// history's distribution sums to one.

export interface LmOptions {
  /** Fillers and other words the recogniser may hear anywhere, each with a share of the floor mass. */
  fillers?: readonly string[];
  others?: readonly string[];
  /** Unigram mass left to fillers and other words together (the script's own words share the rest). */
  floorMass?: number;
}

const BOS = "<s>";
const EOS = "</s>";

function discount(counts: Iterable<number>): number {
  let n1 = 0;
  let n2 = 0;
  for (const c of counts) {
    if (c === 1) n1++;
    else if (c === 2) n2++;
  }
  // a script is tiny: nearly every n-gram is seen once, so the textbook estimate would be ~1 and leave no
  // probability to the script's own continuations. Clamping keeps the script's order strong but not rigid.
  const d = n1 + 2 * n2 > 0 ? n1 / (n1 + 2 * n2) : 0.5;
  return Math.min(0.5, Math.max(0.3, d));
}

const log10 = (p: number) => (p > 0 ? Math.log10(p) : -99).toFixed(4);

/** ARPA text of a trigram model of the given sentences (each an array of spoken-form tokens). */
export function buildArpa(sentences: string[][], opts: LmOptions = {}): string {
  const floorMass = opts.floorMass ?? 0.1;
  const c1 = new Map<string, number>();
  const c2 = new Map<string, Map<string, number>>();
  const c3 = new Map<string, Map<string, number>>();
  const bump = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);
  const inner = (m: Map<string, Map<string, number>>, k: string) => {
    let x = m.get(k);
    if (!x) m.set(k, (x = new Map()));
    return x;
  };
  for (const s of sentences) {
    if (s.length === 0) continue;
    const seq = [BOS, ...s, EOS];
    for (let i = 1; i < seq.length; i++) {
      bump(c1, seq[i] as string);
      bump(inner(c2, seq[i - 1] as string), seq[i] as string);
      if (i >= 2) bump(inner(c3, `${seq[i - 2]} ${seq[i - 1]}`), seq[i] as string);
    }
  }
  // unigrams: the script's words by count, then a floor shared by fillers and other words
  const extra = [...new Set([...(opts.fillers ?? []), ...(opts.others ?? [])])].filter((w) => !c1.has(w) && w !== BOS && w !== EOS);
  const total = [...c1.values()].reduce((a, b) => a + b, 0);
  const p1 = new Map<string, number>();
  const scriptMass = extra.length > 0 ? 1 - floorMass : 1;
  for (const [w, c] of c1) p1.set(w, (scriptMass * c) / total);
  for (const w of extra) p1.set(w, floorMass / extra.length);

  // bigrams with back-off to unigrams
  const d2 = discount([...c2.values()].flatMap((m) => [...m.values()]));
  const p2 = new Map<string, Map<string, number>>();
  const bo1 = new Map<string, number>();
  for (const [h, next] of c2) {
    const n = [...next.values()].reduce((a, b) => a + b, 0);
    const m = new Map<string, number>();
    let seenUni = 0;
    for (const [w, c] of next) {
      m.set(w, (c - d2) / n);
      seenUni += p1.get(w) ?? 0;
    }
    p2.set(h, m);
    const left = (d2 * next.size) / n;
    bo1.set(h, seenUni < 1 ? left / (1 - seenUni) : 1);
  }
  const bigram = (h: string, w: string) => p2.get(h)?.get(w) ?? (bo1.get(h) ?? 1) * (p1.get(w) ?? 0);

  // trigrams with back-off to bigrams
  const d3 = discount([...c3.values()].flatMap((m) => [...m.values()]));
  const p3 = new Map<string, Map<string, number>>();
  const bo2 = new Map<string, number>();
  for (const [h, next] of c3) {
    const n = [...next.values()].reduce((a, b) => a + b, 0);
    const last = h.slice(h.indexOf(" ") + 1);
    const m = new Map<string, number>();
    let seenBi = 0;
    for (const [w, c] of next) {
      m.set(w, (c - d3) / n);
      seenBi += bigram(last, w);
    }
    p3.set(h, m);
    const left = (d3 * next.size) / n;
    bo2.set(h, seenBi < 1 ? left / (1 - seenBi) : 1);
  }

  const uni = [`${log10(0)} ${BOS} ${log10(bo1.get(BOS) ?? 1)}`];
  for (const [w, p] of p1) uni.push(`${log10(p)} ${w}${w === EOS ? "" : ` ${log10(bo1.get(w) ?? 1)}`}`);
  const bi: string[] = [];
  for (const [h, m] of p2) for (const [w, p] of m) bi.push(`${log10(p)} ${h} ${w}${w === EOS ? "" : ` ${log10(bo2.get(`${h} ${w}`) ?? 1)}`}`);
  const tri: string[] = [];
  for (const [h, m] of p3) for (const [w, p] of m) tri.push(`${log10(p)} ${h} ${w}`);
  return [
    "\\data\\",
    `ngram 1=${uni.length}`,
    `ngram 2=${bi.length}`,
    `ngram 3=${tri.length}`,
    "",
    "\\1-grams:",
    ...uni,
    "",
    "\\2-grams:",
    ...bi,
    "",
    "\\3-grams:",
    ...tri,
    "",
    "\\end\\",
    "",
  ].join("\n");
}
