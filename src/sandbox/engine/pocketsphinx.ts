// Offline speech recognition with CMU pocketsphinx (the `pocketsphinx_continuous` binary and its US English
// model), the sandbox's real transcriber. Free recognition is rough on real voices; when a script is given,
// recognition is constrained by a trigram language model of the script built at cut time (lm.ts), which brings
// the script's word error down from ~20% to a few percent on read speech. The fuzzy aligner still runs on top.
// The en-us model is a 16 kHz model: narrowband audio is resampled to 16 kHz (its 8 kHz feature settings,
// -samprate 8000 -nfft 256 with the filterbank cut to 3.5 kHz, no longer match the model's features and lose
// nearly every word), so telephone speech is recognised as well as the upper band's absence allows.
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { constants } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { ffmpegBinary, runProcess, speechInput } from "../media/ffmpeg.js";
import { mediaTimeoutMs } from "../media/probe.js";
import type { Word } from "../media/types.js";
import type { TranscribeRequest, Transcriber } from "./transcriber.js";
import { FILLERS } from "./normalize.js";
import { COMMON_WORDS } from "./common-words.js";
import { buildArpa } from "./lm.js";

const BINARY = "pocketsphinx_continuous";
const MODEL_DIRS = [
  "/usr/share/pocketsphinx/model/en-us",
  "/usr/local/share/pocketsphinx/model/en-us",
  "/opt/homebrew/share/pocketsphinx/model/en-us",
];

export interface PocketsphinxOptions {
  /** Path of pocketsphinx_continuous; default: found on PATH. */
  binary?: string;
  /** Model directory holding `en-us/` (acoustic model) and `cmudict-en-us.dict`; ROUGHY_POCKETSPHINX_MODEL overrides. */
  modelDir?: string;
}

interface Located {
  binary: string;
  hmm: string;
  dict: string;
}

async function exists(path: string, mode = constants.R_OK): Promise<boolean> {
  try {
    await access(path, mode);
    return true;
  } catch {
    return false;
  }
}

async function findOnPath(name: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && (await exists(join(dir, name), constants.X_OK))) return join(dir, name);
  }
  return null;
}

/** Parses `-time yes` output: "word start end confidence" lines; markers and alternates cleaned up. */
export function parsePocketsphinxOutput(stdout: string): Word[] {
  const words: Word[] = [];
  for (const line of stdout.split("\n")) {
    const m = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)$/.exec(line.trim());
    if (!m) continue;
    const raw = m[1] as string;
    // <s> </s> <sil> are silences, [NOISE] [SPEECH] ++NOISE++ noises, (NULL) grammar transitions
    if (/^[<[(+]/.test(raw)) continue;
    const word = raw.replace(/\(\d+\)$/, "");
    words.push({ word, start: Number(m[2]), end: Number(m[3]), confidence: Number(m[4]) });
  }
  return words;
}

let dictCache: { path: string; entries: Map<string, string[]> } | null = null;

async function loadDict(path: string): Promise<Map<string, string[]>> {
  if (dictCache?.path === path) return dictCache.entries;
  const entries = new Map<string, string[]>();
  for (const line of (await readFile(path, "utf8")).split("\n")) {
    const sp = line.indexOf(" ");
    if (sp <= 0) continue;
    const word = line.slice(0, sp).replace(/\(\d+\)$/, "");
    const phones = line.slice(sp + 1).trim();
    const list = entries.get(word);
    if (list) list.push(phones);
    else entries.set(word, [phones]);
  }
  dictCache = { path, entries };
  return entries;
}

// Suffix rules for script words the dictionary lacks ("podcasters" = "podcaster" + Z).
const SUFFIXES: Array<[string, string]> = [["s", "Z"], ["es", "IH Z"], ["'s", "Z"], ["ers", "ER Z"], ["er", "ER"], ["ing", "IH NG"], ["ed", "D"], ["ly", "L IY"]];

// flite's letter-to-sound phones are CMU's in lower case, plus two reduced vowels
const FLITE_PHONES: Record<string, string> = { ax: "AH", axr: "ER" };

/** Phones of a word from flite's lexicon and letter-to-sound rules, or null without flite. */
async function fliteLts(word: string, signal?: AbortSignal): Promise<string | null> {
  if (!/^[a-z']+$/.test(word)) return null;
  const flite = await findOnPath("flite");
  if (!flite) return null;
  const res = await runProcess(flite, ["-t", word, "-ps", "-o", "/dev/null"], { signal }).catch(() => null);
  if (!res || res.code !== 0) return null;
  const phones = res.stdout.trim().split(/\s+/).filter((p) => p && p !== "pau").map((p) => FLITE_PHONES[p] ?? p.toUpperCase());
  return phones.length > 0 && phones.every((p) => /^[A-Z]{1,2}$/.test(p)) ? phones.join(" ") : null;
}

/** Letter by letter ("pbx" as P-B-X), from the dictionary's own entries for the letters. */
function spelled(word: string, dict: Map<string, string[]>): string | null {
  const parts = [...word.replace(/'/g, "")].map((ch) => dict.get(ch)?.[0]);
  return parts.length > 0 && parts.every(Boolean) ? parts.join(" ") : null;
}

/**
 * Pronunciations of a script token: the dictionary's, a dictionary stem plus a suffix, the letters of an
 * acronym (no vowel, or all consonants but y: "pbx", "sql"), flite's letter-to-sound rules, else the letters.
 */
export async function pronounce(word: string, dict: Map<string, string[]>, signal?: AbortSignal): Promise<string[] | null> {
  const known = dict.get(word);
  if (known) return known;
  for (const [suffix, phones] of SUFFIXES) {
    if (!word.endsWith(suffix)) continue;
    const stem = dict.get(word.slice(0, -suffix.length));
    if (stem) return stem.map((p) => `${p} ${phones}`);
  }
  const letters = spelled(word, dict);
  if (letters && !/[aeiouy]/.test(word)) return [letters];
  const lts = await fliteLts(word, signal);
  if (lts) return letters && word.length <= 4 ? [lts, letters] : [lts];
  return letters ? [letters] : null;
}

export function createPocketsphinx(opts: PocketsphinxOptions = {}): Transcriber {
  let located: Promise<Located | null> | null = null;
  const locate = () =>
    (located ??= (async () => {
      const binary = opts.binary ?? (await findOnPath(BINARY));
      if (!binary) return null;
      const candidates = [opts.modelDir, process.env.ROUGHY_POCKETSPHINX_MODEL, ...MODEL_DIRS].filter((d): d is string => !!d);
      for (const dir of candidates) {
        const hmm = join(dir, "en-us");
        const dict = join(dir, "cmudict-en-us.dict");
        if ((await exists(join(hmm, "mdef"))) && (await exists(dict))) return { binary, hmm, dict };
      }
      return null;
    })());

  return {
    name: "pocketsphinx",
    available: async () => (await locate().catch(() => null)) !== null,
    async transcribe(req: TranscribeRequest): Promise<Word[]> {
      const loc = await locate();
      if (!loc) throw new Error("pocketsphinx is not installed");
      const dir = await mkdtemp(join(tmpdir(), "roughy-asr-"));
      try {
        const wav = join(dir, "audio.wav");
        // pocketsphinx's model is 16 kHz mono; its WAV reader wants plain 16-bit PCM.
        const ff = await runProcess(ffmpegBinary(), ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", ...speechInput(req.mediaPath, req.info), "-vn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", wav], { signal: req.signal, timeoutMs: mediaTimeoutMs(req.info?.duration ?? 3600) });
        if (ff.code !== 0) throw new Error(`ffmpeg could not extract the audio: ${ff.stderr.trim().split("\n").pop() ?? ""}`);
        const args = ["-infile", wav, "-time", "yes", "-hmm", loc.hmm, "-logfn", join(dir, "log.txt")];
        if (req.sentences && req.sentences.length > 0) {
          // Recognition constrained by the script: a trigram model of its sentences, with fillers and everyday
          // words at a floor, and a dictionary of exactly those words.
          const dict = await loadDict(loc.dict);
          const lines: string[] = [];
          const known = new Set<string>();
          const scriptWords = new Set(req.sentences.flat());
          for (const w of new Set([...scriptWords, ...FILLERS, ...COMMON_WORDS])) {
            const prons = scriptWords.has(w) ? await pronounce(w, dict, req.signal) : dict.get(w);
            if (!prons) continue; // a word nothing can pronounce is left to the aligner's gap handling
            known.add(w);
            prons.forEach((p, i) => lines.push(`${w}${i ? `(${i + 1})` : ""} ${p}`));
          }
          const sentences = req.sentences.map((s) => s.filter((w) => known.has(w))).filter((s) => s.length > 0);
          await writeFile(join(dir, "words.dict"), lines.join("\n") + "\n");
          await writeFile(join(dir, "script.lm"), buildArpa(sentences, { fillers: [...FILLERS].filter((w) => known.has(w)), others: COMMON_WORDS.filter((w) => known.has(w)) }));
          args.push("-dict", join(dir, "words.dict"), "-lm", join(dir, "script.lm"));
        } else {
          args.push("-dict", loc.dict);
        }
        const res = await runProcess(loc.binary, args, { signal: req.signal, timeoutMs: mediaTimeoutMs(req.info?.duration ?? 3600) });
        if (res.code !== 0) {
          const log = await readFile(join(dir, "log.txt"), "utf8").catch(() => "");
          const err = log.split("\n").filter((l) => l.startsWith("ERROR")).pop() ?? `exit code ${res.code}`;
          throw new Error(`pocketsphinx failed: ${err}`);
        }
        return parsePocketsphinxOutput(res.stdout);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
