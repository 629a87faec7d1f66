// Local file access for tools, confined to the directories the user allowed: the client's MCP roots when
// it offers some, else --allow-dir / ROUGHY_ALLOWED_DIRS, else (without roots) the working directory unless that is the
// whole disk or the home directory. An agent names paths on the user's disk; this module is the one place
// that decides whether it may read or write there, and every read and write goes through the checked opens
// of checked-open.ts, so that the file used is the file checked.

import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ToolError } from "../vocabulary/errors.js";
import { containsSecret } from "../secrets.js";
import { OpenRefused, createExclusive, openVerifiedDir, openVerifiedFile, readBounded, type VerifiedDir } from "./checked-open.js";

/** What the client said about its roots: null when it offers none (no roots capability). */
export type RootsAnswer = { uris: string[] } | { error: string } | null;

/** Where the allowed directories come from, in order of preference. */
export type AllowedDirSource = {
  /** The client's roots, asked on demand. */
  roots?: () => Promise<RootsAnswer>;
  /** --allow-dir and ROUGHY_ALLOWED_DIRS. */
  configured?: string[];
  cwd?: string;
  /** The user's home directory (tests set it); default os.homedir(). */
  home?: string;
};

/** A local file opened for reading after the checks; `path` names this open file for readers and child processes. */
export type OpenedFile = {
  /** Where the file is, as checked (for messages and names). */
  realPath: string;
  /** Read from this: on Linux /proc/PID/fd/N, so that nothing swapped in later is read instead. */
  path: string;
  size: number;
  mtimeMs: number;
  close(): Promise<void>;
};

export interface FileAccess {
  /** The allowed directories, resolved (real paths); empty when file access is refused (see `boundary`). */
  allowedDirs(): Promise<string[]>;
  /** Opens a file to read: resolved, checked, opened without following a swapped-in link, verified as a regular file. */
  openReadable(input: string, argument: string): Promise<OpenedFile>;
  /** A small text file whole (a script); refused past `maxChars` before more than 3 bytes per character are read. */
  readText(input: string, argument: string, maxChars: number): Promise<string>;
  /** A file to write: the parent directory must exist inside an allowed dir; refuses to clobber. */
  resolveWritable(input: string, argument: string, options: { overwrite: boolean }): Promise<string>;
  /** The directory where a tool saves a file when the user named none. */
  defaultDir(): Promise<string>;
  /** Writes `data` to a temp name beside `target`, then moves it into place, all inside the verified folder. */
  writeAtomic(target: string, data: string | Uint8Array, options: { overwrite: boolean }): Promise<void>;
  /**
   * A streamed write: `write` fills the temp path it is given (inside the verified folder of `target`), which
   * is then moved into place; on failure nothing is left behind.
   */
  writeVia<R>(target: string, options: { overwrite: boolean }, write: (tempPath: string) => Promise<R>): Promise<R>;
}

/** The smallest upload the API accepts ("Upload-Length must be at least 64 bytes"). */
export const MIN_UPLOAD_BYTES = 64;

/** Longer inputs are refused before touching the disk (Linux PATH_MAX; other systems are lower). */
export const MAX_PATH_CHARS = 4096;

const HOW_TO_ALLOW = "Allow a folder: start the server with --allow-dir DIR (or ROUGHY_ALLOWED_DIRS), or add the folder as a root in the MCP client.";

/** The input as quoted back in a message: bounded, so that a huge argument does not become a huge answer. */
export function shown(input: string): string {
  return input.length > 200 ? `${input.slice(0, 120)}… (${input.length} characters)` : input;
}

/** Splits ROUGHY_ALLOWED_DIRS (path-delimited, like PATH). */
export function parseAllowedDirsEnv(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(path.delimiter)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * A root's `file://` URI as an absolute path, or why it cannot be used. Only a plain local directory
 * counts: another scheme, a bare path, a remote host, or a `.`/`..` segment (also percent-encoded, which
 * URL parsing would silently fold away) makes the root unusable rather than something to guess at.
 */
export function rootUriToPath(uri: string): { path: string } | { unusable: string } {
  if (typeof uri !== "string" || !/^file:\/\//i.test(uri)) return { unusable: "not a file:// URI" };
  const rest = uri.slice("file://".length);
  const slash = rest.indexOf("/");
  const host = slash < 0 ? rest : rest.slice(0, slash);
  if (host !== "" && host.toLowerCase() !== "localhost") return { unusable: `names another host (${shown(host)})` };
  const rawPath = (slash < 0 ? "" : rest.slice(slash)).split(/[?#]/)[0] ?? "";
  for (const segment of rawPath.split("/")) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return { unusable: "badly percent-encoded" };
    }
    if (decoded === "." || decoded === ".." || decoded.includes("/") || decoded.includes("\0")) return { unusable: "has a . or .. segment or an encoded / or NUL" };
  }
  try {
    return { path: fileURLToPath(uri) };
  } catch (error) {
    return { unusable: (error as Error).message };
  }
}

/** Pure containment check on already-resolved paths: `dir` itself or below `dir + sep`. */
export function isInside(dir: string, target: string): boolean {
  if (target === dir) return true;
  const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
  return target.startsWith(prefix);
}

function expandHome(input: string, home: string): string {
  if (input === "~") return home;
  if (input.startsWith("~/") || input.startsWith(`~${path.sep}`)) return path.join(home, input.slice(2));
  return input;
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** The allowed directories, or why there are none. */
type Boundary = { dirs: string[]; refusal: string | null };

export function createFileAccess(source: AllowedDirSource): FileAccess {
  const cwd = source.cwd ?? process.cwd();
  const home = source.home ?? os.homedir();

  const realDirs = async (dirs: string[]): Promise<{ dirs: string[]; missing: string[] }> => {
    const resolved: string[] = [];
    const missing: string[] = [];
    for (const dir of dirs) {
      try {
        // Real paths on both sides: a symlinked allowed dir must still contain its own files.
        const real = await fs.realpath(path.resolve(cwd, expandHome(dir, home)));
        if ((await fs.stat(real)).isDirectory()) resolved.push(real);
        else missing.push(dir);
      } catch {
        missing.push(dir);
      }
    }
    return { dirs: [...new Set(resolved)], missing };
  };

  const boundary = async (): Promise<Boundary> => {
    const answer = source.roots ? await source.roots().catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) })) : null;
    if (answer && "error" in answer) {
      // The client said it has roots but could not list them: guessing a folder would widen access.
      return { dirs: [], refusal: `No folder is allowed: the MCP client offers roots but they could not be listed (${shown(answer.error)}). ${HOW_TO_ALLOW}` };
    }
    // An empty list names no folder at all (the Inspector CLI always sends one): then the operator's own
    // --allow-dir / ROUGHY_ALLOWED_DIRS apply, as without roots. Never the working directory.
    const emptyRoots = answer !== null && "uris" in answer && answer.uris.length === 0;
    if (answer && !(emptyRoots && source.configured && source.configured.length > 0)) {
      // The client's roots are the boundary when it offers them, exactly: unusable ones allow nothing.
      const paths: string[] = [];
      const problems: string[] = [];
      for (const uri of answer.uris) {
        const parsed = rootUriToPath(uri);
        if ("path" in parsed) paths.push(parsed.path);
        else problems.push(`${shown(uri)}: ${parsed.unusable}`);
      }
      const { dirs, missing } = await realDirs(paths);
      for (const m of missing) problems.push(`${shown(m)}: not an existing folder`);
      if (dirs.length > 0) return { dirs, refusal: null };
      const why = answer.uris.length === 0 ? "the client's list of roots is empty" : `none of the client's roots is a local folder (${problems.join("; ")})`;
      return { dirs: [], refusal: `No folder is allowed: ${why}. ${HOW_TO_ALLOW}` };
    }
    if (source.configured && source.configured.length > 0) {
      const { dirs, missing } = await realDirs(source.configured);
      if (dirs.length > 0) return { dirs, refusal: null };
      return { dirs: [], refusal: `No allowed folder exists (${missing.map(shown).join(", ")}). Create it, or name another with --allow-dir DIR / ROUGHY_ALLOWED_DIRS.` };
    }
    const { dirs } = await realDirs([cwd]);
    const realHome = await fs.realpath(home).catch(() => path.resolve(home));
    const here = dirs[0];
    // A host that starts servers in / (Claude Desktop on macOS, Cline) or in the home directory would
    // otherwise open the whole disk, or every private file of the user, to any agent.
    if (!here || isInside(here, realHome)) {
      const where = here === path.parse(here ?? "/").root ? "/ (the whole disk)" : `${here ?? cwd} (the home directory or above it)`;
      return { dirs: [], refusal: `No folder is allowed: the server was started in ${where}, which is never allowed without being named. ${HOW_TO_ALLOW}` };
    }
    return { dirs, refusal: null };
  };

  const usableDirs = async (): Promise<string[]> => {
    const b = await boundary();
    if (b.refusal) throw new ToolError(b.refusal);
    return b.dirs;
  };

  const refuseOutside = (argument: string, input: string, dirs: string[]): never => {
    throw new ToolError(
      `${argument} "${shown(input)}" is outside the allowed directories. Allowed directories: ${dirs.join(", ")}. Use a path inside one of them (the user can allow more with MCP roots or --allow-dir).`,
    );
  };

  const toAbsolute = (input: string, argument: string, dirs: string[]): string => {
    if (typeof input !== "string" || input.length === 0) throw new ToolError(`${argument} must be a non-empty path.`);
    if (input.includes("\0")) throw new ToolError(`${argument} contains a NUL byte; give a plain file path.`);
    if (input.length > MAX_PATH_CHARS) throw new ToolError(`${argument} is ${input.length} characters long; a path has at most ${MAX_PATH_CHARS}.`);
    // A relative path is taken from the first allowed directory, not from wherever the server was started.
    return path.resolve(dirs[0] ?? cwd, expandHome(input, home));
  };

  /**
   * Where a path that cannot be resolved would be: the real path of its deepest existing ancestor decides
   * inside or outside, so that "missing" is only ever said about places inside (a symlinked folder that
   * leads out gets the same answer for files that exist there and files that do not).
   */
  const ancestorInside = async (absolute: string, dirs: string[]): Promise<boolean> => {
    let current = path.dirname(absolute);
    for (;;) {
      const real = await fs.realpath(current).catch(() => null);
      if (real !== null) return dirs.some((d) => isInside(d, real));
      const up = path.dirname(current);
      if (up === current) return false;
      current = up;
    }
  };

  /** Resolves an existing path and checks it; refuses outside before saying anything else about it. */
  const resolveExisting = async (input: string, argument: string, dirs: string[]): Promise<string> => {
    const absolute = toAbsolute(input, argument, dirs);
    let real: string;
    try {
      real = await fs.realpath(absolute);
    } catch (error) {
      if (!(await ancestorInside(absolute, dirs))) refuseOutside(argument, input, dirs);
      if (errno(error) === "ENOENT" || errno(error) === "ENOTDIR") {
        throw new ToolError(`${argument} "${shown(input)}" does not exist. Check the path (list the folder with your file tools).`);
      }
      throw new ToolError(`${argument} "${shown(input)}" cannot be read (${errno(error) ?? "error"}).`);
    }
    if (!dirs.some((d) => isInside(d, real))) refuseOutside(argument, input, dirs);
    return real;
  };

  const openChecked = async (input: string, argument: string): Promise<{ real: string; file: Awaited<ReturnType<typeof openVerifiedFile>> }> => {
    const dirs = await usableDirs();
    const real = await resolveExisting(input, argument, dirs);
    try {
      return { real, file: await openVerifiedFile(real) };
    } catch (error) {
      if (error instanceof OpenRefused) {
        if (error.reason === "not_regular") {
          throw new ToolError(`${argument} "${shown(input)}" is not a regular file (a folder, device or pipe); give the path of a file.`);
        }
        if (error.reason === "pseudo_fs") throw new ToolError(`${argument} "${shown(input)}" is a system file (/proc, /sys), which is never read.`);
        throw new ToolError(`${argument} "${shown(input)}" changed while it was being opened (moved or replaced by a link); nothing was read. Try again once it stays put.`);
      }
      throw new ToolError(`${argument} "${shown(input)}" cannot be read (${errno(error) ?? "error"}); check its permissions.`);
    }
  };

  const openReadable = async (input: string, argument: string): Promise<OpenedFile> => {
    const { real, file } = await openChecked(input, argument);
    return { realPath: real, path: file.pinnedPath, size: file.stats.size, mtimeMs: file.stats.mtimeMs, close: () => file.handle.close() };
  };

  const readText = async (input: string, argument: string, maxChars: number): Promise<string> => {
    const { file } = await openChecked(input, argument);
    try {
      // UTF-8 takes at most 3 bytes per UTF-16 unit, so past 3 * maxChars bytes the text is surely too long.
      const { bytes, truncated } = await readBounded(file.handle, maxChars * 3);
      const tooLong = `${argument} "${shown(input)}" holds more than ${maxChars} characters; the limit is ${maxChars}. Shorten the script.`;
      if (truncated) throw new ToolError(tooLong);
      if (bytes.includes(0)) throw new ToolError(`${argument} "${shown(input)}" is not a text file (it holds NUL bytes); give a plain-text script.`);
      let text: string;
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      } catch {
        throw new ToolError(`${argument} "${shown(input)}" is not UTF-8 text; save the script as UTF-8.`);
      }
      if (text.length > maxChars) throw new ToolError(tooLong);
      // What is read from disk goes to the API and into results: a file holding the key is not sent on.
      if (containsSecret(text)) throw new ToolError(`${argument} "${shown(input)}" contains a secret this server guards (an API key); it is not used.`);
      return text;
    } finally {
      await file.handle.close();
    }
  };

  const resolveWritable = async (input: string, argument: string, options: { overwrite: boolean }): Promise<string> => {
    const dirs = await usableDirs();
    const absolute = toAbsolute(input, argument, dirs);
    const base = path.basename(absolute);
    if (!base || base === "." || base === "..") throw new ToolError(`${argument} "${shown(input)}" must name a file, not a directory.`);
    // Most file systems cap one name at 255 bytes; refusing here beats a raw ENAMETOOLONG after the download.
    if (Buffer.byteLength(base) > 255) throw new ToolError(`${argument}: the file name is ${Buffer.byteLength(base)} bytes long; use a name of at most 255 bytes.`);
    let parent: string;
    try {
      parent = await fs.realpath(path.dirname(absolute));
    } catch {
      if (!(await ancestorInside(path.dirname(absolute), dirs))) refuseOutside(argument, input, dirs);
      throw new ToolError(`The folder of ${argument} "${shown(input)}" does not exist; create it first or choose another path.`);
    }
    if (!dirs.some((d) => isInside(d, parent))) refuseOutside(argument, input, dirs);
    const target = path.join(parent, base);
    const existing = await fs.lstat(target).catch(() => null);
    if (existing) {
      if (existing.isDirectory()) throw new ToolError(`${argument} "${shown(input)}" is a directory; name a file inside it.`);
      if (!options.overwrite) throw new ToolError(`${argument} "${shown(input)}" already exists. Pass overwrite: true to replace it, or choose another name.`);
    }
    return target;
  };

  const defaultDir = async (): Promise<string> => {
    const first = (await usableDirs())[0];
    if (!first) throw new ToolError(`No allowed directory exists to save into. ${HOW_TO_ALLOW}`);
    return first;
  };

  /** Opens the folder of `target` (checked now, not only when the path was resolved) for writes inside it. */
  const openTargetDir = async (target: string): Promise<VerifiedDir> => {
    const dirs = await usableDirs();
    const parent = path.dirname(target);
    if (!dirs.some((d) => isInside(d, parent))) refuseOutside("save_to", target, dirs);
    try {
      return await openVerifiedDir(parent);
    } catch (error) {
      if (error instanceof OpenRefused || errno(error) === "ENOENT") {
        throw new ToolError(`The folder "${shown(parent)}" changed while saving (moved or replaced by a link); nothing was written. Try again once it stays put.`);
      }
      throw error;
    }
  };

  /** Moves `temp` to `name` inside `dir`; without overwrite, never replaces what is there. */
  const commitIn = async (dir: VerifiedDir, temp: string, name: string, overwrite: boolean): Promise<void> => {
    if (overwrite) {
      // rename() replaces the name itself, never what a planted symlink points to.
      await fs.rename(dir.entry(temp), dir.entry(name));
      return;
    }
    try {
      // link() fails with EEXIST instead of replacing: a no-clobber move that a racing writer cannot beat.
      await fs.link(dir.entry(temp), dir.entry(name));
    } catch (error) {
      if (errno(error) === "EEXIST") throw new ToolError(`"${path.join(dir.real, name)}" appeared while writing. Pass overwrite: true to replace it.`);
      if (errno(error) !== "EPERM" && errno(error) !== "ENOTSUP" && errno(error) !== "EXDEV") throw error;
      // File systems without hard links: check then rename (a small race, but never a silent clobber of an older file).
      if (await fs.lstat(dir.entry(name)).then(() => true, () => false)) {
        throw new ToolError(`"${path.join(dir.real, name)}" already exists. Pass overwrite: true to replace it.`);
      }
      await fs.rename(dir.entry(temp), dir.entry(name));
      return;
    }
    await fs.unlink(dir.entry(temp));
  };

  const tempName = (target: string): string => `.${path.basename(target)}.${randomBytes(6).toString("hex")}.part`;

  const writeAtomic = async (target: string, data: string | Uint8Array, options: { overwrite: boolean }): Promise<void> => {
    const dir = await openTargetDir(target);
    const temp = tempName(target);
    try {
      await createExclusive(dir, temp, data);
      await commitIn(dir, temp, path.basename(target), options.overwrite);
    } finally {
      await fs.rm(dir.entry(temp), { force: true });
      await dir.close();
    }
  };

  const writeVia = async <R>(target: string, options: { overwrite: boolean }, write: (tempPath: string) => Promise<R>): Promise<R> => {
    const dir = await openTargetDir(target);
    const temp = tempName(target);
    try {
      const result = await write(dir.entry(temp));
      await commitIn(dir, temp, path.basename(target), options.overwrite);
      return result;
    } finally {
      await fs.rm(dir.entry(temp), { force: true });
      await dir.close();
    }
  };

  const allowedDirs = async (): Promise<string[]> => (await boundary()).dirs;

  return { allowedDirs, openReadable, readText, resolveWritable, defaultDir, writeAtomic, writeVia };
}

/**
 * Refuses anything an upload cannot use, before any asset is created (creating one reserves a transfer
 * and may later charge): a file (already opened as a regular file) of at least MIN_UPLOAD_BYTES.
 */
export function checkUploadable(file: Pick<OpenedFile, "size">, argument: string, input: string): void {
  if (file.size < MIN_UPLOAD_BYTES) {
    throw new ToolError(`${argument} "${shown(input)}" is ${file.size} bytes; the API needs at least ${MIN_UPLOAD_BYTES} bytes of media.`);
  }
}
