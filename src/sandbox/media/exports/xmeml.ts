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
      ...(plan.audioChannels > 0
        ? [
            `${indent}    <audio>`,
            `${indent}      <samplecharacteristics><depth>16</depth><samplerate>${plan.sampleRate}</samplerate></samplecharacteristics>`,
            `${indent}      <channelcount>${plan.audioChannels}</channelcount>`,
            `${indent}    </audio>`,
          ]
        : []),
      `${indent}  </media>`,
      `${indent}</file>`,
    ].join("\n");

  // Ids are fixed per event and track, so every clip item can name the others of its event before they are
  // written: video on V1, then one item per audio channel on A1..An, as Premiere and FCP 7 write a linked clip.
  const channels = plan.hasAudio ? plan.audioChannels : 0;
  const perEvent = (plan.hasVideo ? 1 : 0) + channels;
  const idOf = (event: number, slot: number) => `clipitem-${event * perEvent + slot + 1}`;
  // Each stream is a link group (a stereo stream is one pair); its channels pan apart on a stereo stream only.
  const channelStream: number[] = plan.audioStreams.flatMap((n, stream) => Array.from({ length: n }, () => stream));
  const links = (event: number, indent: string) => {
    const out: string[] = [];
    if (plan.hasVideo) {
      out.push(`${indent}<link><linkclipref>${idOf(event, 0)}</linkclipref><mediatype>video</mediatype><trackindex>1</trackindex><clipindex>${event + 1}</clipindex></link>`);
    }
    for (let c = 0; c < channels; c++) {
      out.push(
        `${indent}<link><linkclipref>${idOf(event, (plan.hasVideo ? 1 : 0) + c)}</linkclipref><mediatype>audio</mediatype>` +
          `<trackindex>${c + 1}</trackindex><clipindex>${event + 1}</clipindex><groupindex>${(channelStream[c] ?? 0) + 1}</groupindex></link>`,
      );
    }
    // A lone clip item has nothing to link to.
    return perEvent > 1 ? out : [];
  };

  let fileDefined = false;
  const clipItems = (kind: "video" | "audio", channel: number, indent: string) =>
    plan.events.map((ev, event) => {
      const file = fileDefined ? `${indent}  <file id="file-1"/>` : fileXml(`${indent}  `);
      fileDefined = true;
      const slot = kind === "video" ? 0 : (plan.hasVideo ? 1 : 0) + channel - 1;
      return [
        `${indent}<clipitem id="${idOf(event, slot)}">`,
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
          ? [`${indent}  <sourcetrack><mediatype>audio</mediatype><trackindex>${channel}</trackindex></sourcetrack>`]
          : []),
        ...links(event, `${indent}  `),
        `${indent}</clipitem>`,
      ].join("\n");
    });

  const audioTrack = (channel: number) => {
    const stream = channelStream[channel - 1] ?? 0;
    const first = plan.audioStreams.slice(0, stream).reduce((n, c) => n + c, 0) + 1;
    // A stereo stream's left channel goes to the left output and its right to the right; mono stays centred.
    const output = plan.audioStreams[stream] === 2 ? [`          <outputchannelindex>${channel - first + 1}</outputchannelindex>`] : [];
    return [`        <track>`, ...clipItems("audio", channel, "          "), ...output, `        </track>`];
  };

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
  if (plan.hasVideo) out.push(`        <track>`, ...clipItems("video", 1, "          "), `        </track>`);
  out.push(`      </video>`);
  if (channels > 0) {
    out.push(
      `      <audio>`,
      `        <numOutputChannels>2</numOutputChannels>`,
      `        <format>`,
      `          <samplecharacteristics><depth>16</depth><samplerate>${plan.sampleRate}</samplerate></samplecharacteristics>`,
      `        </format>`,
    );
    for (let c = 1; c <= channels; c++) out.push(...audioTrack(c));
    out.push(`      </audio>`);
  }
  out.push(`    </media>`, `  </sequence>`, `</xmeml>`, "");
  return out.join("\n");
}
