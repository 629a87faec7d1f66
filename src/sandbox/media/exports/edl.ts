// CMX-3600 EDL writer. Readers split event lines on whitespace and expect exactly 8 fields for a
// cut, so every field here is space-free; reel `AX` (auxiliary source) plus `* FROM CLIP NAME:` is
// what Premiere, Resolve and Avid relink by without naming the clip "UNKNOWN".
import { framesToTimecode } from "../timecode.js";
import { type ExportPlan, singleLine } from "./common.js";

export const EDL_REEL = "AX";

export function renderEdl(plan: ExportPlan): string {
  const { rate, dropFrame } = plan;
  const tc = (frames: number) => framesToTimecode(frames, rate, dropFrame);
  // AA/V = video plus the stereo pair in one event, so each kept segment is one event and the
  // event durations add up to the record duration.
  const channels = plan.hasVideo ? (plan.hasAudio ? "AA/V" : "V") : "AA";
  const lines = [`TITLE: ${singleLine(plan.title) || "Untitled"}`, `FCM: ${dropFrame ? "DROP FRAME" : "NON-DROP FRAME"}`, ""];
  const clipName = singleLine(plan.filename);
  plan.events.forEach((ev, i) => {
    const num = String(i + 1).padStart(3, "0");
    lines.push(
      `${num}  ${EDL_REEL.padEnd(8)} ${channels.padEnd(4)}  C        ` +
        `${tc(plan.sourceStartFrames + ev.srcIn)} ${tc(plan.sourceStartFrames + ev.srcOut)} ` +
        `${tc(plan.recordStartFrames + ev.recIn)} ${tc(plan.recordStartFrames + ev.recOut)}`,
    );
    lines.push(`* FROM CLIP NAME: ${clipName}`);
  });
  return lines.join("\n") + "\n";
}
