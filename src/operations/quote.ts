// The cost estimate of uploading a local file, stated before anything is spent: estimate_cost, upload_media
// and cut_to_script all quote through here, so the price an agent is told is the one each of them confirms.

import { checkUploadable, type FileAccess, type OpenedFile } from "../files/allowed-dirs.js";
import { creditsFor, probeLocal, type LocalMediaInfo } from "../files/probe-local.js";
import type { RoughyClient } from "../client/index.js";

export type UploadQuote = { file: OpenedFile; info: LocalMediaInfo; credits: number; balance: number };

/**
 * Opens `input` (the `argument` the agent gave), checks it is uploadable, probes its duration and reads the
 * balance. The file stays open (the caller closes it): what was measured is what gets uploaded.
 */
export async function quoteLocalUpload(
  files: FileAccess,
  client: () => Promise<RoughyClient>,
  input: string,
  argument: string,
  signal?: AbortSignal,
): Promise<UploadQuote> {
  const file = await files.openReadable(input, argument);
  try {
    checkUploadable(file, argument, input);
    const info = await probeLocal(file.path, argument, signal);
    const { balance } = await (await client()).credits.get({ signal });
    return { file, info, credits: creditsFor(info.duration_seconds), balance };
  } catch (error) {
    await file.close();
    throw error;
  }
}
