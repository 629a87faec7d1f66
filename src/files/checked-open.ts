// The system calls under the file boundary: open a checked path so that what was checked is what gets read or
// written, even when someone swaps a directory for a symlink between the check and the use.
// - Reads open the checked real path with O_NOFOLLOW (a final symlink fails) and O_NONBLOCK (a FIFO opens at
//   once instead of holding one of libuv's four threads until a writer appears), then ask the kernel where the
//   descriptor really points (/proc/self/fd on Linux) and what it is (fstat, statfs): only a regular file on a
//   real file system, at the checked place, is used. Readers get the descriptor's own path, /proc/PID/fd/N,
//   so a later swap cannot change which file they read.
// - Writes open the checked parent directory, verify it the same way, and create, link and rename only
//   through /proc/self/fd/D/<name>: the kernel resolves those names inside that directory (openat semantics),
//   whatever the path to it has become since.
// Without /proc (macOS, BSD) the same steps compare device and inode numbers before and after instead, which
// narrows the window but cannot close it: the README says so.

import { constants as fsc, promises as fs, type Stats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";

const PROC_FD = "/proc/self/fd";
let procUsable: boolean | undefined;

/** Whether /proc/self/fd names this process's descriptors (Linux, and /proc mounted). */
export async function hasProcFd(): Promise<boolean> {
  if (procUsable === undefined) {
    procUsable = process.platform === "linux" && (await fs.access(PROC_FD).then(() => true, () => false));
  }
  return procUsable;
}

// Kernel views of the system rather than files a user keeps (statfs f_type): proc, sysfs, debugfs, tracefs,
// securityfs, cgroup v1/v2, configfs, bpf, pstore, efivarfs. /proc/self/environ is "regular" to fstat.
const PSEUDO_FS = new Set([0x9fa0, 0x62656572, 0x64626720, 0x74726163, 0x73636673, 0x27e0eb, 0x63677270, 0x62656570, 0xcafe4a11, 0x6165676c, 0xde5e81e4]);

export type Refusal = "not_regular" | "pseudo_fs" | "moved" | "symlink";

/** Why a path could not be opened as checked; the caller turns it into the user-facing message. */
export class OpenRefused extends Error {
  constructor(readonly reason: Refusal, readonly stats?: Stats) {
    super(reason);
    this.name = "OpenRefused";
  }
}

export type VerifiedFile = {
  handle: FileHandle;
  stats: Stats;
  /** A path that names this open file and nothing else (Linux), else the checked real path. */
  pinnedPath: string;
};

/**
 * Checks that the open `handle` is what `real` names: returns its /proc/self/fd path, or null without /proc
 * (then the path must still name the same inode: a narrower check).
 */
async function verifyPlace(handle: FileHandle, real: string, stats: Stats): Promise<string | null> {
  if (await hasProcFd()) {
    const own = `${PROC_FD}/${handle.fd}`;
    if ((await fs.readlink(own)) !== real) throw new OpenRefused("moved", stats);
    return own;
  }
  const now = await fs.lstat(real);
  if (now.dev !== stats.dev || now.ino !== stats.ino) throw new OpenRefused("moved", stats);
  return null;
}

/**
 * Opens `real` (already resolved and checked) for reading and verifies the open file: the same place, a
 * regular file, not a kernel pseudo-file. Throws OpenRefused, or the open's own error (ENOENT, EACCES, ELOOP).
 */
export async function openVerifiedFile(real: string): Promise<VerifiedFile> {
  const handle = await fs.open(real, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK).catch((error: unknown) => {
    // O_NOFOLLOW on a symlink: ELOOP on Linux, EMLINK on some BSDs.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP" || code === "EMLINK") throw new OpenRefused("symlink");
    throw error;
  });
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new OpenRefused("not_regular", stats);
    const own = await verifyPlace(handle, real, stats);
    if (own === null) return { handle, stats, pinnedPath: real };
    if (PSEUDO_FS.has(Number((await fs.statfs(own)).type))) throw new OpenRefused("pseudo_fs", stats);
    // Another process (ffprobe) resolves /proc/self as itself: name this process.
    return { handle, stats, pinnedPath: `/proc/${process.pid}/fd/${handle.fd}` };
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
}

/**
 * Reads at most `maxBytes` from the start of an open file, however large it claims to be (pseudo-files
 * claim 0). `truncated` says whether more was there.
 */
export async function readBounded(handle: FileHandle, maxBytes: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  const buffer = Buffer.alloc(maxBytes + 1);
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return { bytes: buffer.subarray(0, Math.min(filled, maxBytes)), truncated: filled > maxBytes };
}

export type VerifiedDir = {
  /** Where the directory is (its real path, as checked). */
  real: string;
  /** A path for `name` inside this directory that stays inside it whatever happens to the path `real`. */
  entry(name: string): string;
  close(): Promise<void>;
};

/** Opens the checked directory `real` and verifies that the handle is that directory. */
export async function openVerifiedDir(real: string): Promise<VerifiedDir> {
  const flags = fsc.O_RDONLY | fsc.O_NOFOLLOW | (fsc.O_DIRECTORY ?? 0);
  const handle = await fs.open(real, flags).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP" || code === "EMLINK" || code === "ENOTDIR") throw new OpenRefused("moved");
    throw error;
  });
  try {
    const stats = await handle.stat();
    if (!stats.isDirectory()) throw new OpenRefused("moved", stats);
    const own = await verifyPlace(handle, real, stats);
    return { real, entry: (name) => (own === null ? path.join(real, name) : `${own}/${name}`), close: () => handle.close() };
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
}

/** Creates `name` in the directory, failing if anything (a file, a planted symlink) already has that name. */
export async function createExclusive(dir: VerifiedDir, name: string, data: string | Uint8Array): Promise<void> {
  const handle = await fs.open(dir.entry(name), fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, 0o644);
  try {
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}
