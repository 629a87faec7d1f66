// The playing time of an MP4/M4A file, read from its movie header (moov/mvhd) without loading the file: the
// view is told how long the audio it is about to assemble lasts before it has the last byte. A few small
// reads from an open file; null when the file has no readable movie header (then the view learns the
// duration from the <audio> element instead).

import type { FileHandle } from "node:fs/promises";

type Box = { type: string; start: number; body: number; end: number };

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** The box that starts at `at`, or null past `limit` or on a malformed size (ISO/IEC 14496-12, 4.2). */
async function boxAt(file: FileHandle, at: number, limit: number): Promise<Box | null> {
  if (at + 8 > limit) return null;
  const head = await readAt(file, at, 16);
  if (head.length < 8) return null;
  let size = head.readUInt32BE(0);
  const type = head.toString("latin1", 4, 8);
  let body = at + 8;
  if (size === 1) {
    if (head.length < 16) return null;
    size = Number(head.readBigUInt64BE(8));
    body = at + 16;
  } else if (size === 0) {
    size = limit - at;
  }
  if (size < body - at || at + size > limit) return null;
  return { type, start: at, body, end: at + size };
}

async function findChild(file: FileHandle, type: string, from: number, limit: number): Promise<Box | null> {
  for (let at = from; ; ) {
    const box = await boxAt(file, at, limit);
    if (!box) return null;
    if (box.type === type) return box;
    at = box.end;
  }
}

/** Seconds from moov/mvhd (timescale and duration, version 0 or 1); null when absent, unknown or unreadable. */
export async function mp4DurationSeconds(file: FileHandle, fileBytes: number): Promise<number | null> {
  const moov = await findChild(file, "moov", 0, fileBytes);
  if (!moov) return null;
  const mvhd = await findChild(file, "mvhd", moov.body, moov.end);
  if (!mvhd) return null;
  const body = await readAt(file, mvhd.body, Math.min(32, mvhd.end - mvhd.body));
  const version = body[0];
  let timescale: number;
  let duration: number;
  if (version === 1 && body.length >= 32) {
    timescale = body.readUInt32BE(20);
    const raw = body.readBigUInt64BE(24);
    // All ones: "duration unknown" in the standard.
    if (raw === 0xffffffffffffffffn) return null;
    duration = Number(raw);
  } else if (version === 0 && body.length >= 20) {
    timescale = body.readUInt32BE(12);
    duration = body.readUInt32BE(16);
    if (duration === 0xffffffff) return null;
  } else {
    return null;
  }
  if (timescale === 0 || duration === 0) return null;
  return Math.round((duration / timescale) * 1000) / 1000;
}
