// Saving a file the user did not name (an export of cut_to_script or a large export_cut answer) and
// downloading a render: one naming scheme for free names (stem.ext, stem-1.ext, ...: never replace a user's
// file) and one temp-name scheme (the file-access module's: a hidden temp beside the target, moved into place
// with a no-clobber link only when complete).

import path from "node:path";
import type { FileAccess } from "../files/allowed-dirs.js";
import type { Render, RoughyClient } from "../client/index.js";
import { ToolError } from "../vocabulary/errors.js";

const MAX_SUFFIX = 1000;

/** `stem.ext` when free in `dir`, else `stem-1.ext`, `stem-2.ext`, ...; `ext` may hold dots ("rough-cut.xml"). */
export async function freeName(files: FileAccess, dir: string, stem: string, ext: string, argument: string): Promise<string> {
  const dotted = ext ? `.${ext.replace(/^\./, "")}` : "";
  for (let i = 0; i < MAX_SUFFIX; i++) {
    try {
      return await files.resolveWritable(path.join(dir, `${stem}${i === 0 ? "" : `-${i}`}${dotted}`), argument, { overwrite: false });
    } catch (error) {
      // Only "already exists" moves on to the next name; a folder outside the allowed ones is the caller's to hear.
      if (!(error instanceof ToolError) || !/already exists/.test(error.message)) throw error;
    }
  }
  throw new ToolError(`${argument}: too many files named ${stem}*${dotted} in ${dir}; choose another folder or name.`);
}

/** Splits an API file name ("cut-1f3a.xml") into a safe stem and extension for freeName. */
export function stemAndExt(filename: string, fallback: string): { stem: string; ext: string } {
  const safe = path.basename(filename).replace(/[^\w.\- ]+/g, "_") || fallback;
  const ext = path.extname(safe);
  return { stem: safe.slice(0, safe.length - ext.length) || fallback, ext };
}

/** Writes `content` under a free name in `dir` (never over an existing file, even one that appears meanwhile). */
export async function saveUnderFreeName(files: FileAccess, dir: string, stem: string, ext: string, content: string, argument: string): Promise<string> {
  for (let tries = 0; ; tries++) {
    const target = await freeName(files, dir, stem, ext, argument);
    try {
      await files.writeAtomic(target, content, { overwrite: false });
      return target;
    } catch (error) {
      // Another writer took the name between the check and the move: take the next free one.
      if (tries < 3 && error instanceof ToolError && /appeared while writing|already exists/.test(error.message)) continue;
      throw error;
    }
  }
}

/** Downloads a completed render through its signed URL into `target`, via the file-access module's temp name. */
export function downloadRenderTo(
  client: RoughyClient,
  files: FileAccess,
  render: Pick<Render, "id" | "download_url">,
  target: string,
  options: { overwrite: boolean; signal?: AbortSignal; onProgress?: (bytes: number, total: number | null) => void },
): Promise<{ bytes: number }> {
  return files.writeVia(target, { overwrite: options.overwrite }, (temp) =>
    client.renders.download(render, temp, { inPlace: true, signal: options.signal, ...(options.onProgress ? { onProgress: options.onProgress } : {}) }),
  );
}
