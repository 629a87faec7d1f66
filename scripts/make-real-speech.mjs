// Builds interview-like clips from real recorded speech with known ground truth, for the cut-quality tests and
// bench/cut-quality.ts. The speech is Debian's pocketsphinx-testdata: public-domain LibriVox read speech
// ("Sense and Sensibility") and CMU's short command and playing-card recordings. Each source utterance is
// force-aligned to its known transcript (pocketsphinx with a grammar that allows exactly that word sequence),
// the word edges are then checked against the signal's own energy (an edge that sits in near-silence moves to
// where the sound starts or stops), and the utterances are joined in PCM with pauses, a restarted sentence and an
// off-script aside, over a constant room-noise bed. A telephone variant (300-3400 Hz, 8 kHz, mu-law) keeps the
// same truth. Output (git-ignored, rebuilt only when the recipe changes): <out>/manifest.json, <name>.wav,
// <name>.truth.json, <name>.script.txt.
// Run: node scripts/make-real-speech.mjs [outDir]   (default .cache/real-speech)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DATA = process.env.POCKETSPHINX_TESTDATA ?? "/usr/share/pocketsphinx/test/data";
const MODEL = process.env.ROUGHY_POCKETSPHINX_MODEL ?? "/usr/share/pocketsphinx/model/en-us";
const FFMPEG = process.env.FFMPEG_PATH ?? require("@ffmpeg-installer/ffmpeg").path;
const RATE = 16000;
const VERSION = 9; // bump when the recipe or the alignment changes: the cache is rebuilt

const austen = (n) => ({ file: `librivox/sense_and_sensibility_01_austen_64kb-${n}.wav` });
const raw = (name) => ({ file: `${name}.raw`, raw: true });
// Source utterances: what is said (the forced-alignment text) and how a producer would type it in a script.
const SOURCES = {
  dashwood: { ...austen("0870"), said: "and mister john dashwood had then leisure to consider how much there might be prudently in his power to do for them", written: "And Mr. John Dashwood had then leisure to consider how much there might be prudently in his power to do for them." },
  illDisposed: { ...austen("0880"), said: "he was not an ill disposed young man", written: "He was not an ill-disposed young man," },
  unless: { ...austen("0890"), said: "unless to be rather cold hearted and rather selfish is to be ill disposed", written: "unless to be rather cold-hearted and rather selfish is to be ill-disposed." },
  married: { ...austen("0920"), said: "had he married a more a amiable woman he might have been made still more respectable than he was", written: "Had he married a more amiable woman, he might have been made still more respectable than he was." },
  amiable: { ...austen("0930"), said: "he might even have been made amiable himself", written: "He might even have been made amiable himself." },
  goForward: { ...raw("goforward"), said: "go forward ten meters" },
  something: { ...raw("something"), said: "go somewhere and do something" },
  tenClubs: { file: "cards/001.wav", said: "ten of clubs", written: "10 of clubs." },
  sevenClubs: { file: "cards/003.wav", said: "seven of clubs", written: "7 of clubs." },
  hand: { file: "cards/005.wav", said: "eight of spades four of clubs seven of hearts", written: "8 of spades, 4 of clubs, 7 of hearts." },
};

// Clips: pieces in speaking order. kind script | restart (an abandoned first take: the first `words` words of the
// source) | aside (off-script) | pause (seconds of room noise).
const CLIPS = [
  {
    // the same reader says an off-script sentence that shares most of its words with the script
    name: "austen-a",
    pieces: [
      ["pause", 0.15], ["script", "illDisposed"], ["pause", 1.2], ["restart", "unless", 5], ["pause", 0.6], ["script", "unless"],
      ["pause", 2.5], ["aside", "married"], ["pause", 1.5], ["script", "dashwood"], ["pause", 1.0], ["script", "amiable"], ["pause", 0.5],
    ],
  },
  {
    name: "austen-b",
    pieces: [
      ["pause", 0.5], ["script", "married"], ["pause", 1.8], ["aside", "goForward"], ["pause", 0.8], ["aside", "something"], ["pause", 1.2],
      ["restart", "dashwood", 4], ["pause", 1.4], ["script", "dashwood"], ["pause", 2.0], ["script", "illDisposed"], ["pause", 3.0],
      ["script", "unless"], ["pause", 0.6],
    ],
  },
  {
    // a noisy room (noise about 15 dB under the speech), the script's first word right at the start, and a
    // restart after only 0.4 s
    name: "austen-noisy",
    noise: 3,
    pieces: [
      ["pause", 0.05], ["script", "dashwood"], ["pause", 1.1], ["aside", "something"], ["pause", 0.9], ["restart", "married", 6], ["pause", 0.4],
      ["script", "married"], ["pause", 2.2], ["script", "amiable"], ["pause", 1.0],
    ],
  },
  {
    // digits in the script ("10 of clubs"), short utterances of another speaker
    name: "cards",
    pieces: [
      ["pause", 0.6], ["script", "tenClubs"], ["pause", 1.5], ["restart", "hand", 3], ["pause", 1.2], ["script", "hand"], ["pause", 2.0],
      ["aside", "something"], ["pause", 1.0], ["script", "sevenClubs"], ["pause", 0.7],
    ],
  },
];
// Telephone variants: the same clip through a narrowband channel.
const PHONE = ["austen-a", "austen-b"];

function readPcm(src) {
  const buf = readFileSync(join(DATA, src.file));
  if (src.raw) return new Int16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + (buf.length & ~1)));
  // RIFF: find the fmt and data chunks
  let off = 12;
  let fmt = null;
  while (off + 8 <= buf.length) {
    const id = buf.toString("ascii", off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === "fmt ") fmt = { channels: buf.readUInt16LE(off + 10), rate: buf.readUInt32LE(off + 12), bits: buf.readUInt16LE(off + 22) };
    if (id === "data") {
      if (!fmt || fmt.channels !== 1 || fmt.rate !== RATE || fmt.bits !== 16) throw new Error(`${src.file}: expected 16 kHz mono 16-bit PCM`);
      const data = buf.subarray(off + 8, off + 8 + size);
      return new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + (data.length & ~1)));
    }
    off += 8 + size + (size & 1);
  }
  throw new Error(`${src.file}: no data chunk`);
}

function writeWav(path, pcm) {
  const raw = `${path}.raw`;
  writeFileSync(raw, Buffer.from(pcm.buffer, pcm.byteOffset, pcm.length * 2));
  execFileSync(FFMPEG, ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "s16le", "-ar", String(RATE), "-ac", "1", "-i", raw, "-c:a", "pcm_s16le", path]);
  rmSync(raw);
}

/** Forced alignment: the recogniser may only follow the known word sequence (with optional silences). */
function forceAlign(src, pcm, work) {
  const wav = join(work, "align.wav");
  writeWav(wav, pcm);
  const words = src.said.split(" ");
  writeFileSync(join(work, "align.jsgf"), `#JSGF V1.0;\ngrammar align;\npublic <s> = ${words.join(" ")};\n`);
  const out = execFileSync("pocketsphinx_continuous", [
    "-infile", wav, "-time", "yes", "-hmm", join(MODEL, "en-us"), "-dict", join(MODEL, "cmudict-en-us.dict"),
    "-jsgf", join(work, "align.jsgf"), "-logfn", join(work, "align.log"),
  ], { encoding: "utf8" });
  const timed = [];
  for (const line of out.split("\n")) {
    const m = /^(\S+) (\d+\.\d+) (\d+\.\d+) (\S+)$/.exec(line.trim());
    if (!m || /^[<[(+]/.test(m[1])) continue;
    timed.push({ word: m[1].replace(/\(\d+\)$/, ""), start: Number(m[2]), end: Number(m[3]) + 0.01 });
  }
  if (timed.map((w) => w.word).join(" ") !== src.said) throw new Error(`${src.file}: forced alignment failed (${timed.map((w) => w.word).join(" ")})`);
  return refineEdges(timed, pcm);
}

/** 10 ms frame levels in dBFS. */
function frameDb(pcm) {
  const n = RATE / 100;
  const out = [];
  for (let i = 0; i + n <= pcm.length; i += n) {
    let s = 0;
    for (let k = i; k < i + n; k++) s += pcm[k] * pcm[k];
    out.push(10 * Math.log10(s / n / 32768 / 32768 + 1e-12));
  }
  return out;
}

/**
 * The aligner's word edges are frame-accurate but lean into silence (a final word often swallows the pause
 * after it, a first word the breath or lip noise before it). An edge whose frames are at the noise floor moves to
 * where the level first rises 10 dB above it; a word's start that holds a silent stretch of 50 ms or more in its
 * first 200 ms (noise, then silence, then the word) moves past that stretch. Edges between two words that touch
 * are left alone (the split inside running speech is the aligner's).
 */
function refineEdges(words, pcm) {
  const db = frameDb(pcm);
  const sorted = [...db].sort((a, b) => a - b);
  const floor = sorted[Math.floor(sorted.length * 0.05)];
  const loud = (f) => (db[f] ?? -120) > floor + 10;
  return words.map((w, i) => {
    let a = Math.round(w.start * 100);
    let b = Math.round(w.end * 100);
    const freeBefore = i === 0 || w.start - words[i - 1].end > 0.005;
    const freeAfter = i === words.length - 1 || words[i + 1].start - w.end > 0.005;
    if (freeBefore) {
      while (a < b - 5 && !loud(a)) a++;
      const peak = Math.max(...db.slice(a, b));
      const quiet = (f) => (db[f] ?? -120) < Math.max(floor + 10, peak - 30);
      let run = 0;
      for (let f = a; f < Math.min(b - 5, a + 20); f++) {
        run = quiet(f) ? run + 1 : 0;
        if (run >= 5 && !quiet(f + 1)) a = f + 1;
      }
    }
    if (freeAfter) while (b > a + 5 && !loud(b - 1)) b--;
    return { word: w.word, start: a / 100, end: b / 100 };
  });
}

/** A gap of at least 80 ms between aligned words must be quiet; returns the loud ones (a failed alignment). */
function loudGaps(words, pcm) {
  const db = frameDb(pcm);
  const sorted = [...db].sort((a, b) => a - b);
  const floor = sorted[Math.floor(sorted.length * 0.05)];
  const bad = [];
  for (let i = 1; i < words.length; i++) {
    const a = Math.round(words[i - 1].end * 100) + 2;
    const b = Math.round(words[i].start * 100) - 2;
    if (b - a < 4) continue;
    const peak = Math.max(...db.slice(a, b));
    if (peak > floor + 25) bad.push(`${words[i - 1].word}|${words[i].word}`);
  }
  return bad;
}

/**
 * Deterministic room noise, so that pauses are never digital zero: about -47 dBFS at gain 1, near the
 * recordings' own noise (-45 to -54 dBFS), so the floor does not step where an utterance is spliced in.
 */
function noiseBed(length, gain = 1, seed = 12345) {
  const out = new Float64Array(length);
  let x = seed;
  let low = 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const white = x / 2 ** 32 - 0.5;
    low = 0.97 * low + 0.03 * white; // a darker hum than white noise
    out[i] = 8 * gain * (30 * white + 400 * low);
  }
  return out;
}

function buildClip(clip, sources) {
  const chunks = [];
  const pieces = [];
  let t = 0;
  for (const [kind, arg, count] of clip.pieces) {
    if (kind === "pause") {
      const n = Math.round(arg * RATE);
      chunks.push(new Float64Array(n));
      t += n;
      continue;
    }
    const src = sources[arg];
    const words = count ? src.words.slice(0, count) : src.words;
    const first = words[0];
    const last = words[words.length - 1];
    // the utterance with up to 80 ms of its own lead-in and tail; an abandoned take stops right after its last word
    const nextStart = count ? src.words[count].start : src.duration;
    const a = Math.max(0, first.start - 0.08);
    const b = Math.min(src.duration, last.end + Math.min(0.08, (nextStart - last.end) / 2));
    const from = Math.round(a * RATE);
    const to = Math.round(b * RATE);
    const seg = Float64Array.from(src.pcm.subarray(from, to));
    const fade = Math.min(160, seg.length >> 2); // 10 ms fades: no clicks at the joins
    for (let k = 0; k < fade; k++) {
      seg[k] *= k / fade;
      seg[seg.length - 1 - k] *= k / fade;
    }
    const offset = t / RATE - a;
    const timed = words.map((w) => ({ word: w.word, start: round(w.start + offset), end: round(w.end + offset) }));
    pieces.push({ kind, text: (kind === "script" ? src.written : null) ?? timed.map((w) => w.word).join(" "), start: timed[0].start, end: timed.at(-1).end, words: timed });
    chunks.push(seg);
    t += seg.length;
  }
  const mix = noiseBed(t, clip.noise ?? 1);
  let at = 0;
  for (const c of chunks) {
    for (let k = 0; k < c.length; k++) mix[at + k] += c[k];
    at += c.length;
  }
  const pcm = Int16Array.from(mix, (v) => Math.max(-32768, Math.min(32767, Math.round(v))));
  const duration = t / RATE;
  // pauses: everything between the spoken pieces
  const withPauses = [];
  let prevEnd = 0;
  for (const p of pieces) {
    if (p.start > prevEnd) withPauses.push({ kind: "pause", text: "", start: round(prevEnd), end: p.start });
    withPauses.push(p);
    prevEnd = p.end;
  }
  if (prevEnd < duration) withPauses.push({ kind: "pause", text: "", start: round(prevEnd), end: round(duration) });
  const script = pieces.filter((p) => p.kind === "script");
  const truth = {
    duration: round(duration),
    sample_rate: RATE,
    source: "pocketsphinx-testdata (LibriVox, public domain; CMU recordings)",
    pieces: withPauses,
    script_word_count: script.reduce((n, p) => n + p.words.length, 0),
    words: pieces.flatMap((p) => p.words),
  };
  return { pcm, truth, script: script.map((p) => p.text + (/[.!?]$/.test(p.text) ? "\n" : " ")).join("").trim() + "\n" };
}

const round = (x) => Math.round(x * 1000) / 1000;

export function buildRealSpeech(outDir = join(ROOT, ".cache", "real-speech")) {
  const manifestPath = join(outDir, "manifest.json");
  if (existsSync(manifestPath)) {
    const old = JSON.parse(readFileSync(manifestPath, "utf8"));
    if (old.version === VERSION) return old;
  }
  if (!existsSync(join(DATA, "librivox"))) throw new Error(`pocketsphinx-testdata is not installed (${DATA}); apt-get install pocketsphinx-testdata`);
  mkdirSync(outDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "roughy-real-speech-"));
  try {
    const sources = {};
    const problems = [];
    for (const [key, src] of Object.entries(SOURCES)) {
      const pcm = readPcm(src);
      const words = forceAlign(src, pcm, work);
      problems.push(...loudGaps(words, pcm).map((g) => `${key}: ${g}`));
      sources[key] = { ...src, pcm, words, duration: pcm.length / RATE };
    }
    if (problems.length) throw new Error(`forced alignment left speech in a gap: ${problems.join(", ")}`);
    const clips = [];
    for (const clip of CLIPS) {
      const { pcm, truth, script } = buildClip(clip, sources);
      const wav = join(outDir, `${clip.name}.wav`);
      writeWav(wav, pcm);
      writeFileSync(join(outDir, `${clip.name}.truth.json`), JSON.stringify(truth, null, 1) + "\n");
      writeFileSync(join(outDir, `${clip.name}.script.txt`), script);
      clips.push({ name: clip.name, media: `${clip.name}.wav`, sample_rate: RATE, duration: truth.duration, truth: `${clip.name}.truth.json`, script: `${clip.name}.script.txt` });
      if (PHONE.includes(clip.name)) {
        const name = `${clip.name}-phone`;
        // a telephone channel: band-limited to 300-3400 Hz, 8 kHz, G.711 mu-law
        execFileSync(FFMPEG, ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", wav, "-af", "highpass=f=300,lowpass=f=3400", "-ar", "8000", "-c:a", "pcm_mulaw", join(outDir, `${name}.wav`)]);
        writeFileSync(join(outDir, `${name}.truth.json`), JSON.stringify({ ...truth, sample_rate: 8000 }, null, 1) + "\n");
        writeFileSync(join(outDir, `${name}.script.txt`), script);
        clips.push({ name, media: `${name}.wav`, sample_rate: 8000, duration: truth.duration, truth: `${name}.truth.json`, script: `${name}.script.txt` });
      }
    }
    const manifest = { version: VERSION, clips };
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 1) + "\n");
    return manifest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const manifest = buildRealSpeech(process.argv[2]);
  for (const c of manifest.clips) console.log(`${c.name}: ${c.duration.toFixed(1)} s, ${c.sample_rate} Hz`);
}
