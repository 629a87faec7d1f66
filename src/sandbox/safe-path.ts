// The one place that turns a name from outside (an id, a filename, a relative path) into a path on disk
// inside a known directory. Every file the sandbox reads or writes in its data dir goes through here, so that a
// crafted name cannot reach outside it: NUL bytes, absolute paths, `..` traversal, a sibling that shares the
// prefix (`/data-evil` next to `/data`) and symlinks that point out are all refused.
import fs from "node:fs";
import path from "node:path";

export type UnsafePathReason = "empty" | "nul" | "absolute" | "escape" | "segment";

export class UnsafePathError extends Error {
  constructor(
    readonly reason: UnsafePathReason,
    message: string,
  ) {
    super(message);
    this.name = "UnsafePathError";
  }
}

/**
 * Pure check on already-resolved absolute paths: `target` is `dir` itself or lies below `dir + sep`.
 * A bare prefix test would let `/data-evil` pass for `/data`.
 */
export function isInside(dir: string, target: string): boolean {
  const d = path.resolve(dir);
  const t = path.resolve(target);
  if (t === d) return true;
  const prefix = d.endsWith(path.sep) ? d : d + path.sep;
  return t.startsWith(prefix);
}

function checkText(p: string): void {
  if (p.length === 0) throw new UnsafePathError("empty", "empty path");
  if (p.includes("\0")) throw new UnsafePathError("nul", "path contains a NUL byte");
}

/**
 * Real path of `p`, or of its nearest existing ancestor with the rest appended (for files not yet written).
 * A dangling symlink is followed to where it points, since writing through it would create its target.
 */
function realpathOfExistingPart(p: string, depth = 0): string {
  if (depth > 40) throw new UnsafePathError("escape", "too many symlinks");
  const rest: string[] = [];
  let cur = p;
  for (;;) {
    try {
      const real = fs.realpathSync(cur);
      return rest.length === 0 ? real : path.join(real, ...rest.reverse());
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ELOOP") throw new UnsafePathError("escape", "symlink loop");
      // ENOENT: not there yet; ENOTDIR: a file stands where a directory is expected; both resolve lexically.
      if (code !== "ENOENT" && code !== "ENOTDIR") throw err;
      let link: string | null = null;
      try {
        if (fs.lstatSync(cur).isSymbolicLink()) link = fs.readlinkSync(cur);
      } catch {
        // not there at all
      }
      if (link !== null) {
        const target = path.resolve(path.dirname(cur), link);
        return realpathOfExistingPart(rest.length === 0 ? target : path.join(target, ...rest.reverse()), depth + 1);
      }
      const parent = path.dirname(cur);
      if (parent === cur) return p;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

/**
 * Resolves `relPath` (relative, as given from outside) under `dir` and returns the absolute path, with
 * symlinks resolved as far as the path exists. Throws UnsafePathError when the result would leave `dir`.
 * `dir` itself is trusted (it may be or sit under a symlink, like /tmp on macOS).
 */
export function resolveInside(dir: string, relPath: string): string {
  checkText(relPath);
  checkText(dir);
  if (path.isAbsolute(relPath) || path.win32.isAbsolute(relPath)) {
    throw new UnsafePathError("absolute", "an absolute path is not allowed here");
  }
  const base = path.resolve(dir);
  const lexical = path.resolve(base, path.normalize(relPath));
  if (!isInside(base, lexical)) throw new UnsafePathError("escape", "path leaves its directory");
  // A symlink inside `dir` may point anywhere: judge where it really lands.
  const realBase = realpathOfExistingPart(base);
  const real = realpathOfExistingPart(lexical);
  if (!isInside(realBase, real)) throw new UnsafePathError("escape", "path leaves its directory through a symlink");
  return real;
}

/**
 * One path component (an id, a stored filename): no separators of either platform, no `.`/`..`, no NUL.
 * Returns it unchanged, to be joined with `joinInside`.
 */
export function safeSegment(name: string): string {
  checkText(name);
  if (name === "." || name === ".." || name.includes("/") || name.includes("\\")) {
    throw new UnsafePathError("segment", "not a single path component");
  }
  return name;
}

/** `dir/seg1/seg2/...`, each segment a single safe component, the result checked as by `resolveInside`. */
export function joinInside(dir: string, ...segments: string[]): string {
  if (segments.length === 0) return resolveInside(dir, ".");
  return resolveInside(dir, path.join(...segments.map(safeSegment)));
}
