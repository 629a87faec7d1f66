// Builds the test interview (test/fixtures/interview.*) with exactly known ground truth.
// Each piece is spoken by flite on its own; flite's phone segmentation (-psdur) gives each word's edges
// inside its piece, and the pieces are joined in PCM here, so every time in interview.truth.json is exact
// to the sample. The outputs are committed: tests and CI never need flite. Run: node scripts/make-fixtures.mjs
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { wavFile } from "./make-media-fixtures.mjs";

const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "test", "fixtures");
const FFMPEG = process.env.FFMPEG_PATH && process.env.FFMPEG_PATH !== "bundled" ? process.env.FFMPEG_PATH : require("@ffmpeg-installer/ffmpeg").path;
const VOICE = "kal16"; // 16 kHz diphone voice: a recogniser hears it (see shared/reference/speech.md)
const RATE = 16000;

// The interview answer, in speaking order. kind: script (part of the intended message), filler,
// restart (an abandoned first take), aside (off-script), pause (silence, seconds).
// stretch slows a piece down (fillers are drawn out, as people do).
const PIECES = [
  { kind: "pause", seconds: 0.6 },
  { kind: "script", text: "Thanks for having me." },
  { kind: "pause", seconds: 0.35 },
  { kind: "filler", text: "Um.", stretch: 2.2 },
  { kind: "pause", seconds: 0.4 },
  { kind: "script", text: "So we started the company in twenty nineteen." },
  { kind: "pause", seconds: 1.6 },
  { kind: "script", text: "We started it because editing interviews takes far too long." },
  { kind: "pause", seconds: 0.5 },
  { kind: "filler", text: "Uh.", stretch: 2.5 },
  { kind: "pause", seconds: 1.2 },
  { kind: "restart", text: "Today our tool takes" },
  { kind: "pause", seconds: 0.7 },
  { kind: "filler", text: "Um.", stretch: 2.0 },
  { kind: "pause", seconds: 0.45 },
  { kind: "script", text: "Today our tool turns hours of raw footage into a rough cut in minutes." },
  { kind: "pause", seconds: 1.3 },
  { kind: "aside", text: "Sorry, can I get some water? Okay, where was I." },
  { kind: "pause", seconds: 1.1 },
  { kind: "script", text: "Our customers are mostly small documentary teams and podcasters." },
  { kind: "pause", seconds: 0.4 },
  { kind: "filler", text: "Uh.", stretch: 2.0 },
  { kind: "pause", seconds: 0.35 },
  { kind: "script", text: "They love it." },
  { kind: "pause", seconds: 0.8 },
];

// The intended final message, as a producer would type it (digits, punctuation, line breaks).
const SCRIPT = `Thanks for having me. So we started the company in 2019.
We started it because editing interviews takes far too long.
Today our tool turns hours of raw footage into a rough cut in minutes.
Our customers are mostly small documentary teams and podcasters. They love it.
`;

const work = mkdtempSync(join(tmpdir(), "roughy-fixtures-"));

function flite(text, stretch, wavPath) {
  const args = ["-voice", VOICE, "-psdur"];
  if (stretch) args.push("--setf", `duration_stretch=${stretch}`);
  args.push("-t", text, "-o", wavPath);
  const out = execFileSync("flite", args, { encoding: "utf8" });
  // "pau:0.220 s:0.344 ow:0.603 ..." : each phone with its end time
  let prev = 0;
  return out.trim().split(/\s+/).map((tok) => {
    const i = tok.lastIndexOf(":");
    const seg = { phone: tok.slice(0, i), start: prev, end: Number(tok.slice(i + 1)) };
    prev = seg.end;
    return seg;
  });
}

const phoneCache = new Map();
/** The phones flite uses for a word said alone (its lexicon + letter-to-sound rules). */
function phonesOf(word, stretch) {
  const key = word.toLowerCase();
  if (!phoneCache.has(key)) {
    const segs = flite(word, stretch, join(work, "word.wav")).filter((s) => s.phone !== "pau");
    phoneCache.set(key, segs.map((s) => s.phone));
  }
  return phoneCache.get(key);
}

function readPcm(wavPath) {
  const buf = readFileSync(wavPath);
  // flite writes a canonical 44-byte RIFF header; find "data" to be safe
  let off = 12;
  while (off < buf.length) {
    const id = buf.toString("ascii", off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === "fmt ") {
      const rate = buf.readUInt32LE(off + 12);
      if (rate !== RATE) throw new Error(`flite voice gave ${rate} Hz, expected ${RATE}`);
    }
    if (id === "data") return new Int16Array(buf.buffer.slice(buf.byteOffset + off + 8, buf.byteOffset + off + 8 + size));
    off += 8 + size;
  }
  throw new Error(`no data chunk in ${wavPath}`);
}

const tokensOf = (text) => text.split(/\s+/).map((w) => w.replace(/[^A-Za-z0-9']/g, "")).filter(Boolean);

// Deterministic low noise floor (about -62 dBFS RMS), as a real room has: pure digital silence would make
// level-relative pause detection trivially easy.
let seed = 12345;
const noise = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return (seed / 0x7fffffff - 0.5) * 2 * 45;
};

const chunks = [];
let cursor = 0; // samples
const truthPieces = [];
const truthWords = [];
const r3 = (x) => Math.round(x * 1000) / 1000;

for (const piece of PIECES) {
  if (piece.kind === "pause") {
    const n = Math.round(piece.seconds * RATE);
    const pcm = new Int16Array(n);
    for (let i = 0; i < n; i++) pcm[i] = Math.round(noise());
    chunks.push(pcm);
    truthPieces.push({ kind: "pause", text: "", start: r3(cursor / RATE), end: r3((cursor + n) / RATE) });
    cursor += n;
    continue;
  }
  const wav = join(work, "piece.wav");
  const segs = flite(piece.text, piece.stretch, wav);
  const pcm = readPcm(wav);
  // Trim flite's leading and trailing pauses: the PIECES list decides the silence between pieces.
  const speech = segs.filter((s) => s.phone !== "pau");
  const t0 = speech[0].start;
  const t1 = speech[speech.length - 1].end;
  const s0 = Math.round(t0 * RATE);
  const s1 = Math.min(pcm.length, Math.round(t1 * RATE));
  const part = pcm.slice(s0, s1);
  for (let i = 0; i < part.length; i++) part[i] = Math.max(-32768, Math.min(32767, part[i] + Math.round(noise())));
  chunks.push(part);

  // Walk the piece's phones word by word, each word taking as many phones as it has when said alone.
  const words = tokensOf(piece.text);
  let p = 0;
  const pieceWords = [];
  for (const w of words) {
    const phones = phonesOf(w, piece.stretch);
    const mine = speech.slice(p, p + phones.length);
    // Same count is what matters: in context flite reduces some vowels ("a" ey -> ax), never adds phones.
    if (mine.length !== phones.length) {
      throw new Error(`phone walk lost its way at "${w}" in "${piece.text}": ${mine.map((s) => s.phone)} vs ${phones}`);
    }
    p += phones.length;
    const start = cursor / RATE + (mine[0].start - t0);
    const end = cursor / RATE + (mine[mine.length - 1].end - t0);
    pieceWords.push({ word: w, start: r3(start), end: r3(end) });
  }
  if (p !== speech.length) throw new Error(`phones left over in "${piece.text}"`);
  truthPieces.push({
    kind: piece.kind,
    text: piece.text,
    start: r3(cursor / RATE),
    end: r3((cursor + part.length) / RATE),
    words: pieceWords,
  });
  truthWords.push(...pieceWords);
  cursor += part.length;
}

const total = new Int16Array(cursor);
let at = 0;
for (const c of chunks) {
  total.set(c, at);
  at += c.length;
}
const wavPath = join(work, "interview.wav");
writeFileSync(wavPath, wavFile(Buffer.from(total.buffer), RATE));
const duration = cursor / RATE;

mkdirSync(OUT, { recursive: true });
const ff = (args) => execFileSync(FFMPEG, ["-hide_banner", "-loglevel", "error", "-y", ...args]);
// Video: a test pattern (with a running timecode) at NTSC 29.97, small H.264; audio: AAC 48 kHz mono.
ff([
  "-f", "lavfi", "-i", `testsrc2=size=320x180:rate=30000/1001:duration=${duration}`,
  "-i", wavPath,
  "-map", "0:v", "-map", "1:a",
  "-c:v", "libx264", "-preset", "veryfast", "-crf", "38", "-pix_fmt", "yuv420p", "-g", "60",
  "-c:a", "aac", "-ar", "48000", "-ac", "1", "-b:a", "64k",
  "-shortest", "-movflags", "+faststart", join(OUT, "interview.mp4"),
]);
ff(["-i", wavPath, "-c:a", "aac", "-ar", "48000", "-ac", "1", "-b:a", "64k", "-movflags", "+faststart", join(OUT, "interview.m4a")]);

const scriptPieces = truthPieces.filter((p) => p.kind === "script");
const truth = {
  about: "Ground truth for interview.mp4 / interview.m4a, made by scripts/make-fixtures.mjs (flite voice " + VOICE + "). Times in seconds on the source timeline.",
  duration: r3(duration),
  pieces: truthPieces,
  script_word_count: scriptPieces.reduce((n, p) => n + p.words.length, 0),
  words: truthWords,
};
writeFileSync(join(OUT, "interview.truth.json"), JSON.stringify(truth, null, 2) + "\n");
writeFileSync(join(OUT, "interview.script.txt"), SCRIPT);
rmSync(work, { recursive: true, force: true });
console.log(`interview: ${duration.toFixed(3)} s, ${truthWords.length} words, ${truthPieces.length} pieces -> ${OUT}`);
