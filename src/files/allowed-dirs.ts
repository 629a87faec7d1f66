// Local file access for tools, confined to the directories the user allowed: the client's MCP roots when
// it offers them, else --allow-dir / ROUGHY_ALLOWED_DIRS, else the working directory. An agent names paths
// on the user's disk; this module is the one place that decides whether it may read or write there.

import { constants as fsConstants, promises as fs } from "node:fs";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ToolError } from "../vocabulary/errors.js";

/** Where the allowed directories come from, in order of preference. */
export type AllowedDirSource = {
  /** The client's roots as file paths, or null when the client offers no roots. */
  roots?: () => Promise<string[] | null>;
  /** --allow-dir and ROUGHY_ALLOWED_DIRS. */
  configured?: string[];
  cwd?: string;
};

export interface FileAccess {
  /** The allowed directories, resolved (real paths). */
  allowedDirs(): Promise<string[]>;
  /** A file to read: resolved through symlinks and checked; returns the real path. */
  resolveReadable(input: string, argument: string): Promise<string>;
  /** A file to write: the parent directory must exist inside an allowed dir; refuses to clobber. */
  resolveWritable(input: string, argument: string, options: { overwrite: boolean }): Promise<string>;
  /** The directory where a tool saves a file when the user named none. */
  defaultDir(): Promise<string>;
  /** Writes `data` to a temp name beside `target`, then moves it into place. */
  writeAtomic(target: string, data: string | Uint8Array, options: { overwrite: boolean }): Promise<void>;
  /** A temp name beside `target` for a streamed write, finished with `commit`. */
  tempPathFor(target: string): string;
  commit(tempPath: string, target: string, options: { overwrite: boolean }): Promise<void>;
}

/** The smallest upload the API accepts ("Upload-Length must be at least 64 bytes"). */
export const MIN_UPLOAD_BYTES = 64;

/** Longer inputs are refused before touching the disk (Linux PATH_MAX; other systems are lower). */
export const MAX_PATH_CHARS = 4096;

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

/** Converts a root's `file://` URI to a path; other schemes are not local directories. */
export function rootUriToPath(uri: string): string | null {
  if (!uri.startsWith("file://")) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

/** Pure containment check on already-resolved paths: `dir` itself or below `dir + sep`. */
export function isInside(dir: string, target: string): boolean {
  if (target === dir) return true;
  const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
  return target.startsWith(prefix);
}

function expandHome(input: string): string {
  if (input === "~") return os.homedir();
  if (input.startsWith("~/") || input.startsWith(`~${path.sep}`)) return path.join(os.homedir(), input.slice(2));
  return input;
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

export function createFileAccess(source: AllowedDirSource): FileAccess {
  const cwd = source.cwd ?? process.cwd();

  const allowedDirs = async (): Promise<string[]> => {
    let dirs: string[] | null = null;
    if (source.roots) {
      // A client that fails to answer roots/list is treated as one that offers none.
      dirs = await source.roots().catch(() => null);
    }
    if (!dirs || dirs.length === 0) dirs = source.configured && source.configured.length > 0 ? source.configured : [cwd];
    const resolved: string[] = [];
    for (const dir of dirs) {
      try {
        // Real paths on both sides: a symlinked allowed dir must still contain its own files.
        resolved.push(await fs.realpath(path.resolve(cwd, expandHome(dir))));
      } catch {
        // An allowed dir that does not exist allows nothing.
      }
    }
    return [...new Set(resolved)];
  };

  const refuse = (argument: string, input: string, dirs: string[], why: string): never => {
    const list = dirs.length > 0 ? dirs.join(", ") : "(none exist)";
    throw new ToolError(
      `${argument} "${shown(input)}" ${why}. Allowed directories: ${list}. Use a path inside one of them (the user can allow more with MCP roots or --allow-dir).`,
    );
  };

  const toAbsolute = async (input: string, argument: string, dirs: string[]): Promise<string> => {
    if (typeof input !== "string" || input.length === 0) throw new ToolError(`${argument} must be a non-empty path.`);
    if (input.includes("\0")) throw new ToolError(`${argument} contains a NUL byte; give a plain file path.`);
    if (input.length > MAX_PATH_CHARS) throw new ToolError(`${argument} is ${input.length} characters long; a path has at most ${MAX_PATH_CHARS}.`);
    const expanded = expandHome(input);
    // A relative path is taken from the first allowed directory, not from wherever the server was started.
    return path.resolve(dirs[0] ?? cwd, expanded);
  };

  const resolveReadable = async (input: string, argument: string): Promise<string> => {
    const dirs = await allowedDirs();
    const absolute = await toAbsolute(input, argument, dirs);
    let real: string;
    try {
      real = await fs.realpath(absolute);
    } catch (error) {
      if (errno(error) === "ENOENT") {
        // Say "outside" before "missing" so that the answer does not reveal what exists elsewhere.
        if (!dirs.some((d) => isInside(d, path.normalize(absolute)))) refuse(argument, input, dirs, "is outside the allowed directories");
        throw new ToolError(`${argument} "${shown(input)}" does not exist. Check the path (list the folder with your file tools).`);
      }
      throw new ToolError(`${argument} "${shown(input)}" cannot be read (${errno(error) ?? "error"}).`);
    }
    if (!dirs.some((d) => isInside(d, real))) refuse(argument, input, dirs, "is outside the allowed directories");
    return real;
  };

  const resolveWritable = async (input: string, argument: string, options: { overwrite: boolean }): Promise<string> => {
    const dirs = await allowedDirs();
    const absolute = await toAbsolute(input, argument, dirs);
    const base = path.basename(absolute);
    if (!base || base === "." || base === "..") throw new ToolError(`${argument} "${shown(input)}" must name a file, not a directory.`);
    // Most file systems cap one name at 255 bytes; refusing here beats a raw ENAMETOOLONG after the download.
    if (Buffer.byteLength(base) > 255) throw new ToolError(`${argument}: the file name is ${Buffer.byteLength(base)} bytes long; use a name of at most 255 bytes.`);
    let parent: string;
    try {
      parent = await fs.realpath(path.dirname(absolute));
    } catch {
      if (!dirs.some((d) => isInside(d, path.normalize(absolute)))) refuse(argument, input, dirs, "is outside the allowed directories");
      throw new ToolError(`The folder of ${argument} "${shown(input)}" does not exist; create it first or choose another path.`);
    }
    const target = path.join(parent, base);
    if (!dirs.some((d) => isInside(d, parent))) refuse(argument, input, dirs, "is outside the allowed directories");
    let existing: import("node:fs").Stats | null = null;
    try {
      existing = await fs.lstat(target);
    } catch {
      existing = null;
    }
    if (existing) {
      if (existing.isDirectory()) throw new ToolError(`${argument} "${shown(input)}" is a directory; name a file inside it.`);
      if (!options.overwrite) throw new ToolError(`${argument} "${shown(input)}" already exists. Pass overwrite: true to replace it, or choose another name.`);
    }
    return target;
  };

  const defaultDir = async (): Promise<string> => {
    const dirs = await allowedDirs();
    const first = dirs[0];
    if (!first) throw new ToolError("No allowed directory exists to save into; start the server with --allow-dir DIR.");
    return first;
  };

  const tempPathFor = (target: string): string =>
    path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString("hex")}.part`);

  const commit = async (tempPath: string, target: string, options: { overwrite: boolean }): Promise<void> => {
    try {
      if (options.overwrite) {
        await fs.rename(tempPath, target);
      } else {
        // link() fails with EEXIST instead of replacing: a no-clobber move that a racing writer cannot beat.
        try {
          await fs.link(tempPath, target);
        } catch (error) {
          if (errno(error) === "EEXIST") throw new ToolError(`"${target}" appeared while writing. Pass overwrite: true to replace it.`);
          if (errno(error) === "EPERM" || errno(error) === "ENOTSUP" || errno(error) === "EXDEV") {
            // File systems without hard links: check then rename (a small race, but never a silent clobber of an older file).
            await fs.access(target).then(
              () => {
                throw new ToolError(`"${target}" already exists. Pass overwrite: true to replace it.`);
              },
              () => fs.rename(tempPath, target),
            );
            return;
          }
          throw error;
        }
        await fs.unlink(tempPath);
      }
    } finally {
      await fs.rm(tempPath, { force: true });
    }
  };

  const writeAtomic = async (target: string, data: string | Uint8Array, options: { overwrite: boolean }): Promise<void> => {
    const temp = tempPathFor(target);
    try {
      await fs.writeFile(temp, data, { flag: "wx" });
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
    await commit(temp, target, options);
  };

  return { allowedDirs, resolveReadable, resolveWritable, defaultDir, writeAtomic, tempPathFor, commit };
}

/**
 * Refuses anything an upload cannot use, before any asset is created (creating one reserves a transfer
 * and may later charge): a regular, readable file of at least MIN_UPLOAD_BYTES.
 */
export async function checkUploadable(realPath: string, argument: string, input: string): Promise<{ size: number; mtimeMs: number }> {
  const stat = await fs.stat(realPath);
  if (!stat.isFile()) throw new ToolError(`${argument} "${shown(input)}" is not a regular file; give the path of a video or audio file.`);
  try {
    await fs.access(realPath, fsConstants.R_OK);
  } catch {
    throw new ToolError(`${argument} "${shown(input)}" is not readable by the server (check its permissions).`);
  }
  if (stat.size < MIN_UPLOAD_BYTES) {
    throw new ToolError(`${argument} "${shown(input)}" is ${stat.size} bytes; the API needs at least ${MIN_UPLOAD_BYTES} bytes of media.`);
  }
  return { size: stat.size, mtimeMs: stat.mtimeMs };
}
