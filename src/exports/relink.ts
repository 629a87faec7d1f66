// Points an edit-decision export at the user's own copy of the media. The API knows only the uploaded file's
// name, so its exports reference `file:///<name>`, which every NLE shows as media offline. The MCP server knows
// the absolute path it uploaded from (or the caller tells it), and rewrites each media reference of the export
// to that path's file URL, in the form the format's own writers use. Pure: text in, text out.

export type EditFormat = "edl" | "xmeml" | "fcpxml" | "otio";

export type LocalPathKind = "posix" | "windows" | "unc";

/** An absolute path split into the parts a file URL needs; `host` only for UNC shares. */
export interface LocalPath {
  kind: LocalPathKind;
  host: string | null;
  /** Path segments after the root (the drive letter, `C:`, is the first for Windows). */
  segments: string[];
}

export class LocalPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LocalPathError";
  }
}

/**
 * Reads an absolute path in any of the three forms editors run on: POSIX (`/Users/ana/take.mov`), a Windows
 * drive (`C:\Users\Ana\take.mov`, also with `/` or the `\\?\` long-path prefix) and a UNC share
 * (`\\nas\media\take.mov`). `.` segments drop and `..` climbs, as the OS would read the path; anything else
 * (relative, `~`, a NUL) is refused, since the export would then name a file nobody can find.
 */
export function parseLocalPath(input: string): LocalPath {
  if (typeof input !== "string" || input.length === 0) throw new LocalPathError("the path is empty");
  if (input.includes("\u0000")) throw new LocalPathError("the path contains a NUL character");
  let p = input;
  if (/^\\\\\?\\UNC\\/i.test(p)) p = `\\\\${p.slice(8)}`;
  else if (p.startsWith("\\\\?\\")) p = p.slice(4);
  let kind: LocalPathKind;
  let host: string | null = null;
  let rest: string[];
  if (/^[A-Za-z]:[\\/]/.test(p)) {
    kind = "windows";
    rest = [`${p[0]!.toUpperCase()}:`, ...p.slice(3).split(/[\\/]/)];
  } else if (/^\\\\[^\\/]/.test(p)) {
    kind = "unc";
    const parts = p.slice(2).split(/[\\/]/);
    host = parts.shift() ?? "";
    rest = parts;
    if (!host || !rest[0]) throw new LocalPathError("a UNC path needs a server and a share (\\\\server\\share\\file)");
  } else if (p.startsWith("/")) {
    kind = "posix";
    rest = p.slice(1).split("/");
  } else {
    throw new LocalPathError("the path is not absolute (give /…, C:\\… or \\\\server\\share\\…)");
  }
  const segments: string[] = [];
  for (const s of rest) {
    if (s === "" || s === ".") continue;
    // The drive letter (or a UNC share) is the root and cannot be climbed out of.
    if (s === "..") {
      if (segments.length > (kind === "posix" ? 0 : 1)) segments.pop();
      continue;
    }
    segments.push(s);
  }
  if (segments.length <= (kind === "posix" ? 0 : 1)) throw new LocalPathError("the path names a folder root, not a file");
  return { kind, host, segments };
}

/** The path written back in its own form, normalised (for answers and logs). */
export function formatLocalPath(p: LocalPath): string {
  if (p.kind === "posix") return `/${p.segments.join("/")}`;
  if (p.kind === "windows") return `${p.segments[0]}\\${p.segments.slice(1).join("\\")}`;
  return `\\\\${p.host}\\${p.segments.join("\\")}`;
}

/** The file's own name, the last segment. */
export function localPathBaseName(p: LocalPath): string {
  return p.segments[p.segments.length - 1] ?? "";
}

// RFC 3986 path characters: everything outside the unreserved set is escaped, as the API escapes the name now
// (encodeURIComponent leaves !'()* alone; some readers treat them as delimiters).
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface FileUrlOptions {
  /**
   * FCP7 XML writes `file://localhost/…` for local files (Final Cut Pro 7 and Premiere both do); FCPXML and
   * OTIO write the empty authority, `file:///…`.
   */
  localhost?: boolean;
}

/**
 * The RFC 8089 file URL of an absolute path: `file:///Users/ana/take%201.mov`, `file:///C:/Users/Ana/take.mov`
 * (the drive letter stays as written), `file://nas/media/take.mov` for a UNC share (the server is the URL's
 * host, whatever `localhost` says).
 */
export function fileUrl(path: string | LocalPath, options: FileUrlOptions = {}): string {
  const p = typeof path === "string" ? parseLocalPath(path) : path;
  const encoded = p.segments.map((s, i) => (p.kind === "windows" && i === 0 ? s : encodeSegment(s))).join("/");
  if (p.kind === "unc") return `file://${encodeSegment(p.host ?? "")}/${encoded}`;
  return `file://${options.localhost ? "localhost" : ""}/${encoded}`;
}

function xmlEscape(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

export interface RelinkResult {
  body: string;
  /** How many media references now point at the path (0 for EDL, which carries no path). */
  relinked: number;
}

/**
 * Rewrites every media reference of an export of one cut to the file URL of `path`. A cut is of one asset, so
 * every reference in its export is that asset's file: the rewrite never has to guess by name, and two sources
 * that share a name cannot be confused. EDL comes back unchanged: CMX 3600 has no place for a path (editors
 * relink it by `* FROM CLIP NAME`).
 */
export function relinkExport(format: EditFormat, body: string, path: string | LocalPath): RelinkResult {
  const p = typeof path === "string" ? parseLocalPath(path) : path;
  let relinked = 0;
  switch (format) {
    case "edl":
      return { body, relinked: 0 };
    case "xmeml": {
      const url = xmlEscape(fileUrl(p, { localhost: true }));
      const out = body.replace(/<pathurl>[^<]*<\/pathurl>/g, () => {
        relinked += 1;
        return `<pathurl>${url}</pathurl>`;
      });
      return { body: out, relinked };
    }
    case "fcpxml": {
      // 1.9 on: <media-rep kind="original-media" src="…">; 1.8 and earlier: src on the <asset> itself.
      const url = xmlEscape(fileUrl(p));
      const out = body.replace(/<(media-rep|asset)\b[^>]*>/g, (tag) =>
        tag.replace(/(\ssrc\s*=\s*)(["'])[^"']*\2/, (_m, lead: string, q: string) => {
          relinked += 1;
          return `${lead}${q}${url}${q}`;
        }),
      );
      return { body: out, relinked };
    }
    case "otio": {
      const url = JSON.stringify(fileUrl(p));
      const out = body.replace(/("target_url"\s*:\s*)"(?:[^"\\]|\\.)*"/g, (_m, lead: string) => {
        relinked += 1;
        return `${lead}${url}`;
      });
      return { body: out, relinked };
    }
  }
}
