// CMX-3600 EDL writer. Readers split event lines on whitespace and expect exactly 8 fields for a
// cut, so every field here is space-free; reel `AX` (auxiliary source) plus `* FROM CLIP NAME:` is
// what Premiere, Resolve and Avid relink by without naming the clip "UNKNOWN".
// Channels: the CMX 3600 channel field names picture and audio channels 1-2 only (A, A2, AA, B = picture and
// channel 1, AA/V); channels 3 and 4 go in the `AUD  3    4` line under the event, the extension Avid writes
// and the common readers take. Nothing in CMX 3600 names a fifth channel: a source with more brings its first
// four, and xmeml, FCPXML and OTIO carry them all (README, export_cut's answer).
import { framesToTimecode } from "../timecode.js";
import { type ExportPlan, singleLine } from "./common.js";

export const EDL_REEL = "AX";

/** Audio channels a CMX 3600 event can name: 1-2 in its channel field, 3-4 on its AUD line. */
export const EDL_MAX_CHANNELS = 4;

export function renderEdl(plan: ExportPlan): string {
  const { rate, dropFrame } = plan;
  const tc = (frames: number) => framesToTimecode(frames, rate, dropFrame);
  // One event per kept segment carries the picture and the source's channels together, so event durations add
  // up to the record duration.
  const audio = plan.hasAudio ? Math.min(EDL_MAX_CHANNELS, plan.audioChannels) : 0;
  const first = Math.min(2, audio);
  const channels = plan.hasVideo ? (["V", "B", "AA/V"][first] as string) : first === 1 ? "A" : "AA";
  const aud = audio > 2 ? [`AUD  ${[3, 4].slice(0, audio - 2).join("    ")}`] : [];
  const lines = [`TITLE: ${singleLine(plan.title) || "Untitled"}`, `FCM: ${dropFrame ? "DROP FRAME" : "NON-DROP FRAME"}`, ""];
  const clipName = singleLine(plan.filename);
  plan.events.forEach((ev, i) => {
    // Event numbers are three digits; past 999 they start again at 001, as CMX systems do, since readers
    // order events by record time and a fourth digit breaks the fixed columns some of them read.
    const num = String((i % 999) + 1).padStart(3, "0");
    lines.push(
      `${num}  ${EDL_REEL.padEnd(8)} ${channels.padEnd(4)}  C        ` +
        `${tc(plan.sourceStartFrames + ev.srcIn)} ${tc(plan.sourceStartFrames + ev.srcOut)} ` +
        `${tc(plan.recordStartFrames + ev.recIn)} ${tc(plan.recordStartFrames + ev.recOut)}`,
    );
    lines.push(...aud, `* FROM CLIP NAME: ${clipName}`);
  });
  return lines.join("\n") + "\n";
}
