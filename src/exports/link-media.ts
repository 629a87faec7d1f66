// The one step between the API's export and what the MCP server hands over: point the export at the media the
// server uploaded (or the caller names), or say plainly that the editor will have to relink it. Shared by
// export_cut, cut_to_script's saved files and the export resources, so they never disagree on the media.
import { FileMediaPathStore, type MediaPathStore } from "./media-paths.js";
import { type EditFormat, LocalPathError, formatLocalPath, parseLocalPath, relinkExport } from "./relink.js";

export interface MediaLink {
  /** True when the export now points at `path`. */
  linked: boolean;
  /** The media file the export points at, in its own path form. */
  path: string | null;
  /** What the editor will meet and how to change it; null when the export is linked. */
  note: string | null;
}

export interface LinkOptions {
  format: EditFormat;
  body: string;
  assetId: string;
  /** The caller's `media_path`, which wins over what the server remembers. */
  mediaPath?: string | null;
  /** A remote caller's files are not this machine's: only an explicit media_path counts. */
  remote?: boolean;
  store?: MediaPathStore;
}

/** A `media_path` that is not an absolute path: the reason, for the argument's error. */
export class MediaPathError extends Error {
  constructor(readonly reason: string) {
    super(`media_path ${reason}`);
    this.name = "MediaPathError";
  }
}

export function mediaPathStore(): MediaPathStore {
  return new FileMediaPathStore();
}

/** Remembers the file an asset was uploaded from; never fails an upload for it. */
export async function rememberMediaPath(assetId: string, absPath: string, store: MediaPathStore = mediaPathStore()): Promise<void> {
  try {
    await store.set(assetId, absPath);
  } catch {
    // Only later exports lose their link, and they say so and take media_path.
  }
}

/**
 * What CMX 3600 cannot carry, said with every EDL so that an agent can pick another format: a path (editors
 * relink by clip name) and more than four audio channels (1-2 in the event, 3-4 on its AUD line).
 */
export const EDL_NOTE =
  "An EDL carries no path (the editor links media by * FROM CLIP NAME) and at most 4 audio channels: for a linked path or more channels, export xmeml, fcpxml or otio.";

const RELINK_HINT = "pass media_path (the file's absolute path on the editing machine) to point the export at it";

export async function linkExport(o: LinkOptions): Promise<{ body: string; media: MediaLink }> {
  let path: string | undefined;
  if (o.mediaPath) {
    try {
      path = formatLocalPath(parseLocalPath(o.mediaPath));
    } catch (err) {
      if (err instanceof LocalPathError) throw new MediaPathError(err.message);
      throw err;
    }
  } else if (!o.remote) {
    path = await (o.store ?? mediaPathStore()).get(o.assetId);
  }
  if (o.format === "edl") {
    return { body: o.body, media: { linked: false, path: path ?? null, note: EDL_NOTE } };
  }
  if (!path) {
    const why = o.remote ? "this server cannot see the caller's files" : "this server did not upload the file";
    return { body: o.body, media: { linked: false, path: null, note: `The media will need relinking in the editor (${why}): ${RELINK_HINT}.` } };
  }
  const { body, relinked } = relinkExport(o.format, o.body, path);
  if (relinked === 0) return { body, media: { linked: false, path, note: `The export names no media file to point at ${path}.` } };
  return { body, media: { linked: true, path, note: null } };
}
