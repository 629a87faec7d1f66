// CMX-3600 EDL writer. Readers split event lines on whitespace and expect exactly 8 fields for a
// cut, so every field here is space-free; reel `AX` (auxiliary source) plus `* FROM CLIP NAME:` is
// what Premiere, Resolve and Avid relink by without naming the clip "UNKNOWN".
import { framesToTimecode } from "../timecode.js";
import { type ExportPlan, singleLine } from "./common.js";

export const EDL_REEL = "AX";

export function renderEdl(plan: ExportPlan): string {
  const { rate, dropFrame } = plan;
  const tc = (frames: number) => framesToTimecode(frames, rate, dropFrame);
  // One event per kept segment carries the picture and the source's channels together, so event durations add
  // up to the record duration: B is CMX 3600's video plus channel 1 (a mono source), AA/V video plus channels
  // 1 and 2. CMX 3600 has two audio channels; a source with more brings its first two.
  const audio = plan.hasAudio ? Math.min(2, plan.audioChannels) : 0;
  const channels = plan.hasVideo ? (["V", "B", "AA/V"][audio] as string) : audio === 1 ? "A" : "AA";
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
    lines.push(`* FROM CLIP NAME: ${clipName}`);
  });
  return lines.join("\n") + "\n";
}
