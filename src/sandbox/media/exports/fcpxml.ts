// FCPXML 1.10 writer for Final Cut Pro. Shaped after the checked example, which validates against
// Apple's 1.10 DTD: every time is rational seconds on whole frames, the file goes in a
// `<media-rep kind="original-media">` (1.9 on), and the one sequence references a format.
import { fcpxFrameDurationString, fcpxTime } from "../timecode.js";
import { type ExportPlan, encodeFileName, xmlEscape } from "./common.js";

// FCP recognises its own format names; for anything else the name is left out (it is optional)
// and FCP derives the format from frameDuration and size.
const RATE_CODES: Record<string, string> = {
  "24000/1001": "2398",
  "24/1": "24",
  "25/1": "25",
  "30000/1001": "2997",
  "30/1": "30",
  "50/1": "50",
  "60000/1001": "5994",
  "60/1": "60",
};

function formatName(plan: ExportPlan): string | null {
  const code = RATE_CODES[`${plan.rate.num}/${plan.rate.den}`];
  if (!code) return null;
  if (plan.width === 1920 && plan.height === 1080) return `FFVideoFormat1080p${code}`;
  if (plan.width === 1280 && plan.height === 720) return `FFVideoFormat720p${code}`;
  if (plan.width === 3840 && plan.height === 2160) return `FFVideoFormat3840x2160p${code}`;
  return null;
}

// The sequence's audioRate is an enumeration in the DTD.
function sequenceAudioRate(sampleRate: number): string {
  const rates: Array<[number, string]> = [
    [32000, "32k"],
    [44100, "44.1k"],
    [48000, "48k"],
    [88200, "88.2k"],
    [96000, "96k"],
    [176400, "176.4k"],
    [192000, "192k"],
  ];
  return rates.find(([r]) => r === sampleRate)?.[1] ?? "48k";
}

// The sequence's audioLayout is an enumeration in the DTD: the source's own layout where it has one.
function sequenceAudioLayout(channels: number): string {
  if (channels === 1) return "mono";
  return channels >= 6 ? "surround" : "stereo";
}

export function renderFcpxml(plan: ExportPlan): string {
  const { rate } = plan;
  const t = (frames: number) => fcpxTime(frames, rate);
  const tcFormat = plan.dropFrame ? "DF" : "NDF";
  const name = xmlEscape(plan.baseName);
  const fmtName = plan.hasVideo ? formatName(plan) : null;
  const formatAttrs = [
    `id="r1"`,
    ...(fmtName ? [`name="${fmtName}"`] : []),
    `frameDuration="${fcpxFrameDurationString(rate)}"`,
    ...(plan.hasVideo ? [`width="${plan.width}"`, `height="${plan.height}"`] : []),
  ].join(" ");
  const assetAttrs = [
    `id="r2"`,
    `name="${name}"`,
    // The asset's own start is its timecode; clip starts are in asset time, so they add it.
    `start="${t(plan.sourceStartFrames)}"`,
    `duration="${t(plan.mediaFrames)}"`,
    `hasVideo="${plan.hasVideo ? 1 : 0}"`,
    `hasAudio="${plan.hasAudio ? 1 : 0}"`,
    ...(plan.hasVideo ? [`format="r1"`] : []),
    ...(plan.audioChannels > 0
      ? [`audioSources="${plan.audioStreams.length}"`, `audioChannels="${plan.audioChannels}"`, `audioRate="${plan.sampleRate}"`]
      : []),
  ].join(" ");
  const clips = plan.events.map(
    (ev) =>
      `            <asset-clip ref="r2" name="${name}" offset="${t(ev.recIn)}" ` +
      `start="${t(plan.sourceStartFrames + ev.srcIn)}" duration="${t(ev.recOut - ev.recIn)}" tcFormat="${tcFormat}"/>`,
  );
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<!DOCTYPE fcpxml>`,
    `<fcpxml version="1.10">`,
    `  <resources>`,
    `    <format ${formatAttrs}/>`,
    `    <asset ${assetAttrs}>`,
    `      <media-rep kind="original-media" src="file:///${xmlEscape(encodeFileName(plan.filename))}"/>`,
    `    </asset>`,
    `  </resources>`,
    `  <library>`,
    `    <event name="Rough cuts">`,
    `      <project name="${xmlEscape(plan.title)}">`,
    // tcStart is the record timecode of the first frame: 01:00:00:00, as the other three formats start.
    `        <sequence format="r1" duration="${t(plan.recordFrames)}" tcStart="${t(plan.recordStartFrames)}" tcFormat="${tcFormat}" ` +
      `audioLayout="${sequenceAudioLayout(plan.audioChannels)}" audioRate="${sequenceAudioRate(plan.sampleRate)}">`,
    `          <spine>`,
    ...clips,
    `          </spine>`,
    `        </sequence>`,
    `      </project>`,
    `    </event>`,
    `  </library>`,
    `</fcpxml>`,
    "",
  ].join("\n");
}
