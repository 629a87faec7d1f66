// Readers for the export tests that share nothing with the writers: fast-xml-parser for the XML
// formats, plain JSON for OTIO, a strict whitespace field reader for EDL events, and xmllint.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { XMLParser, XMLValidator } from "fast-xml-parser";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const REFERENCE_DIR = resolve(REPO_ROOT, "../shared/reference/examples");
export const HAVE_REFERENCE = existsSync(REFERENCE_DIR);

export function readReference(name: string): string {
  return readFileSync(resolve(REFERENCE_DIR, name), "utf8");
}

export interface EdlEvent {
  num: string;
  reel: string;
  channels: string;
  transition: string;
  srcIn: string;
  srcOut: string;
  recIn: string;
  recOut: string;
  /** Channels 3 and 4 named by an `AUD` line under the event (the CMX 3600 extension Avid writes). */
  aud: number[];
}

/** Strict CMX-3600 reader: every event line has exactly 8 whitespace-separated fields. */
export function readEdl(body: string): { title: string | null; fcm: string | null; events: EdlEvent[]; clipNames: string[] } {
  let title: string | null = null;
  let fcm: string | null = null;
  const events: EdlEvent[] = [];
  const clipNames: string[] = [];
  for (const line of body.split("\n")) {
    if (line.startsWith("TITLE:")) title = line.slice(6).trim();
    else if (line.startsWith("FCM:")) fcm = line.slice(4).trim();
    else if (line.startsWith("* FROM CLIP NAME:")) clipNames.push(line.slice(17).trim());
    else if (/^\d/.test(line)) {
      const f = line.trim().split(/\s+/);
      if (f.length !== 8) throw new Error(`event with ${f.length} fields: ${line}`);
      const [num, reel, channels, transition, srcIn, srcOut, recIn, recOut] = f as [string, string, string, string, string, string, string, string];
      events.push({ num, reel, channels, transition, srcIn, srcOut, recIn, recOut, aud: [] });
    } else if (/^AUD\s/.test(line)) {
      const last = events.at(-1);
      const aud = line.slice(3).trim().split(/\s+/).map(Number);
      if (!last || last.aud.length > 0 || !aud.every((c) => c === 3 || c === 4)) throw new Error(`misplaced AUD line: ${line}`);
      last.aud = aud;
    } else if (line.trim() !== "" && !line.startsWith("*")) throw new Error(`unexpected EDL line: ${line}`);
  }
  return { title, fcm, events, clipNames };
}

/** Non-drop timecode to frames at an integer timebase (independent of src/…/timecode.ts). */
export function ndfFrames(tc: string, timebase: number): number {
  const m = /^(\d\d):(\d\d):(\d\d):(\d\d)$/.exec(tc);
  if (!m) throw new Error(`not NDF timecode: ${tc}`);
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * timebase + Number(m[4]);
}

const ARRAYS = new Set(["track", "clipitem", "asset-clip", "asset", "format", "children"]);

export function readXml(body: string): Loose {
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw new Error(`invalid XML: ${JSON.stringify(valid.err)}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    parseTagValue: true,
    parseAttributeValue: false,
    isArray: (name) => ARRAYS.has(name),
  });
  return parser.parse(body) as Loose;
}

/** `xmllint --noout`: null when xmllint is not installed, else its error output ("" when well-formed). */
export function xmllint(body: string): string | null {
  const r = spawnSync("xmllint", ["--noout", "-"], { input: body, encoding: "utf8" });
  if (r.error) return null;
  return r.status === 0 ? "" : r.stderr || `exit ${r.status}`;
}

/** FCPXML rational time to seconds, "30030/30000s" → 1.001. */
export function fcpxSeconds(value: string): number {
  const m = /^(\d+)(?:\/(\d+))?s$/.exec(value);
  if (!m) throw new Error(`bad FCPXML time ${value}`);
  return Number(m[1]) / Number(m[2] ?? 1);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;
