// The speech recogniser behind cuts, behind one interface so that the engine can run with pocketsphinx, with
// none at all (then scripted cuts need an attached transcript), or with a test double in unit tests.
// ROUGHY_SANDBOX_TRANSCRIBER=none|pocketsphinx|auto (default auto: pocketsphinx when installed).
import type { MediaInfo, Word } from "../media/types.js";
import { createPocketsphinx } from "./pocketsphinx.js";

export interface TranscribeRequest {
  mediaPath: string;
  /** The asset's probe, when known: its demuxer is forced and its speech stream is the one recognised. */
  info?: MediaInfo;
  /** The script's sentences as spoken-form tokens (recognition constrained by them), or null for free recognition. */
  sentences: string[][] | null;
  signal?: AbortSignal;
}

export interface Transcriber {
  readonly name: string;
  /** True when the recogniser can run here; never throws. */
  available(): Promise<boolean>;
  /** Timed words in source time, fillers included, silences and noise markers left out. */
  transcribe(req: TranscribeRequest): Promise<Word[]>;
}

/** What to tell a user who asked for a scripted cut on a machine without a recogniser. */
export const INSTALL_HINT =
  "Install the offline recogniser (Debian/Ubuntu: `apt-get install pocketsphinx pocketsphinx-en-us`; macOS: `brew install cmu-pocketsphinx`) " +
  "and restart the sandbox, or attach a transcript to the asset with `PUT /sandbox/assets/{id}/transcript` " +
  '(JSON {"words":[{"word","start","end"}]}, WebVTT or SubRip).';

/** The recogniser chosen by ROUGHY_SANDBOX_TRANSCRIBER, or null when none is configured or installed. */
export async function defaultTranscriber(env: NodeJS.ProcessEnv = process.env): Promise<Transcriber | null> {
  const choice = (env.ROUGHY_SANDBOX_TRANSCRIBER ?? "auto").trim().toLowerCase();
  if (choice === "none" || choice === "off") return null;
  const ps = createPocketsphinx();
  return (await ps.available()) ? ps : null;
}
