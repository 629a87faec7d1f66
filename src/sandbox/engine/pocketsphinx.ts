// Offline speech recognition with CMU pocketsphinx (the `pocketsphinx_continuous` binary and its US English
// model), the sandbox's real transcriber. Free recognition is rough on synthetic or noisy speech; when a script
// is given, recognition is constrained to the script's words plus fillers with a JSGF grammar, which makes
// scripted alignment far more reliable (see shared/reference/speech.md). The fuzzy aligner still runs on top.
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { constants } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { ffmpegBinary, runProcess, speechInput } from "../media/ffmpeg.js";
import { mediaTimeoutMs } from "../media/probe.js";
import type { Word } from "../media/types.js";
import type { TranscribeRequest, Transcriber } from "./transcriber.js";
import { FILLERS } from "./normalize.js";

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

function pronounce(word: string, dict: Map<string, string[]>): string[] | null {
  const known = dict.get(word);
  if (known) return known;
  for (const [suffix, phones] of SUFFIXES) {
    if (!word.endsWith(suffix)) continue;
    const stem = dict.get(word.slice(0, -suffix.length));
    if (stem) return stem.map((p) => `${p} ${phones}`);
  }
  return null;
}

/** Grammar of "any sequence of these words": the script's vocabulary in any order, fillers anywhere. */
export function buildJsgf(words: string[]): string {
  const alts = words.map((w) => (/^[a-z]+$/.test(w) ? w : `"${w}"`)).join(" | ");
  return `#JSGF V1.0;\ngrammar script;\npublic <utterance> = ( ${alts} )* ;\n`;
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
        if (req.vocabulary && req.vocabulary.length > 0) {
          const dict = await loadDict(loc.dict);
          const lines: string[] = [];
          const grammarWords: string[] = [];
          for (const w of new Set([...req.vocabulary, ...FILLERS])) {
            const prons = pronounce(w, dict);
            if (!prons) continue; // a word no rule can pronounce is left to the aligner's gap handling
            grammarWords.push(w);
            prons.forEach((p, i) => lines.push(`${w}${i ? `(${i + 1})` : ""} ${p}`));
          }
          await writeFile(join(dir, "words.dict"), lines.join("\n") + "\n");
          await writeFile(join(dir, "script.jsgf"), buildJsgf(grammarWords));
          args.push("-dict", join(dir, "words.dict"), "-jsgf", join(dir, "script.jsgf"));
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
