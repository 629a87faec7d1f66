// FCP7 XML (xmeml version 4) writer, the interchange Premiere Pro and DaVinci Resolve import.
// Shaped after the checked reference example: a sequence `<format>` inside `<video>` (Resolve needs
// it), the `<file>` defined once and referenced after, audio clip items in their own track with
// `<sourcetrack>`; `start`/`end` are sequence frames and `in`/`out` media frames.
import { framesToTimecode } from "../timecode.js";
import { type ExportPlan, encodeFileName, xmlEscape } from "./common.js";

export function renderXmeml(plan: ExportPlan): string {
  const { rate } = plan;
  const rateXml = `<rate><timebase>${rate.timebase}</timebase><ntsc>${rate.ntsc ? "TRUE" : "FALSE"}</ntsc></rate>`;
  const displayFormat = plan.dropFrame ? "DF" : "NDF";
  const timecodeXml = (frames: number, indent: string) =>
    [
      `${indent}<timecode>`,
      `${indent}  ${rateXml}`,
      `${indent}  <string>${framesToTimecode(frames, rate, plan.dropFrame)}</string>`,
      `${indent}  <frame>${frames}</frame>`,
      `${indent}  <displayformat>${displayFormat}</displayformat>`,
      `${indent}</timecode>`,
    ].join("\n");
  const name = xmlEscape(plan.filename);
  const sizeXml = `<width>${plan.width}</width><height>${plan.height}</height>`;

  const fileXml = (indent: string) =>
    [
      `${indent}<file id="file-1">`,
      `${indent}  <name>${name}</name>`,
      `${indent}  <pathurl>file://localhost/${xmlEscape(encodeFileName(plan.filename))}</pathurl>`,
      `${indent}  ${rateXml}`,
      `${indent}  <duration>${plan.mediaFrames}</duration>`,
      timecodeXml(plan.sourceStartFrames, `${indent}  `),
      `${indent}  <media>`,
      ...(plan.hasVideo
        ? [
            `${indent}    <video>`,
            `${indent}      <samplecharacteristics>`,
            `${indent}        ${rateXml}`,
            `${indent}        ${sizeXml}`,
            `${indent}      </samplecharacteristics>`,
            `${indent}    </video>`,
          ]
        : []),
      ...(plan.hasAudio
        ? [
            `${indent}    <audio>`,
            `${indent}      <samplecharacteristics><depth>16</depth><samplerate>${plan.sampleRate}</samplerate></samplecharacteristics>`,
            `${indent}      <channelcount>2</channelcount>`,
            `${indent}    </audio>`,
          ]
        : []),
      `${indent}  </media>`,
      `${indent}</file>`,
    ].join("\n");

  let clipId = 0;
  let fileDefined = false;
  const clipItems = (kind: "video" | "audio", indent: string) =>
    plan.events.map((ev) => {
      clipId += 1;
      const file = fileDefined ? `${indent}  <file id="file-1"/>` : fileXml(`${indent}  `);
      fileDefined = true;
      return [
        `${indent}<clipitem id="clipitem-${clipId}">`,
        `${indent}  <name>${name}</name>`,
        `${indent}  <enabled>TRUE</enabled>`,
        `${indent}  <duration>${plan.mediaFrames}</duration>`,
        `${indent}  ${rateXml}`,
        `${indent}  <start>${ev.recIn}</start>`,
        `${indent}  <end>${ev.recOut}</end>`,
        `${indent}  <in>${ev.srcIn}</in>`,
        `${indent}  <out>${ev.srcOut}</out>`,
        file,
        ...(kind === "audio"
          ? [`${indent}  <sourcetrack><mediatype>audio</mediatype><trackindex>1</trackindex></sourcetrack>`]
          : []),
        `${indent}</clipitem>`,
      ].join("\n");
    });

  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<!DOCTYPE xmeml>`,
    `<xmeml version="4">`,
    `  <sequence id="sequence-1">`,
    `    <name>${xmlEscape(plan.title)}</name>`,
    `    <duration>${plan.recordFrames}</duration>`,
    `    ${rateXml}`,
    timecodeXml(plan.recordStartFrames, "    "),
    `    <media>`,
    // Audio-only sources still get a video element with a format: importers build the sequence
    // settings from it, and it simply holds no tracks.
    `      <video>`,
    `        <format>`,
    `          <samplecharacteristics>`,
    `            ${rateXml}`,
    `            ${sizeXml}`,
    `          </samplecharacteristics>`,
    `        </format>`,
  ];
  if (plan.hasVideo) out.push(`        <track>`, ...clipItems("video", "          "), `        </track>`);
  out.push(`      </video>`);
  if (plan.hasAudio) {
    out.push(`      <audio>`, `        <track>`, ...clipItems("audio", "          "), `        </track>`, `      </audio>`);
  }
  out.push(`    </media>`, `  </sequence>`, `</xmeml>`, "");
  return out.join("\n");
}
