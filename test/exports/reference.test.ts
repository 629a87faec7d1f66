// Our writers against the checked reference examples (read back by OpenTimelineIO 0.18, FCPXML
// validated against Apple's DTD): same cut, same timing, compared as parsed structures.
import { describe, expect, it } from "vitest";
import { renderExport, type ExportInput } from "../../src/sandbox/media/exports/index.js";
import { parseVtt } from "../../src/sandbox/media/subtitles/index.js";
import { HAVE_REFERENCE, type Loose, fcpxSeconds, readEdl, readReference, readXml, xmllint } from "./helpers.js";

if (!HAVE_REFERENCE) {
  console.warn("reference examples not found at ../shared/reference/examples: skipping reference comparisons");
}

const F = 1001 / 30000;
// The cut in nle-formats.md: 29.97 NDF, 300 frames, keep [30, 90) and [150, 240).
const INPUT: ExportInput = {
  segments: [
    { start: 30 * F, end: 90 * F },
    { start: 150 * F, end: 240 * F },
  ],
  source: {
    filename: "interview.mp4",
    duration: 300 * F,
    media_type: "video",
    frame_rate: 30000 / 1001,
    width: 1920,
    height: 1080,
    sample_rate: 48000,
    has_audio: true,
    has_video: true,
  },
  frameRate: 30000 / 1001,
  title: "my_cut",
};

describe.skipIf(!HAVE_REFERENCE)("reference examples", () => {
  it("EDL: same header and event timing as cut.edl", () => {
    const ours = readEdl(renderExport("edl", INPUT).body);
    const ref = readEdl(readReference("cut.edl"));
    expect(ours.title).toBe(ref.title);
    expect(ours.fcm).toBe(ref.fcm);
    expect(ours.clipNames).toEqual(ref.clipNames);
    // The reel differs on purpose: AX (auxiliary) relinks by clip name without a reel lookup.
    const timing = (e: (typeof ours.events)[number]) => [e.num, e.channels, e.transition, e.srcIn, e.srcOut, e.recIn, e.recOut];
    expect(ours.events.map(timing)).toEqual(ref.events.map(timing));
    expect(ours.events.every((e) => e.reel === "AX")).toBe(true);
  });

  it("xmeml: same sequence, tracks, clip timing and file references as cut.xml", () => {
    const body = renderExport("xmeml", INPUT).body;
    if (xmllint(body) !== null) expect(xmllint(body)).toBe("");
    const ours: Loose = readXml(body).xmeml;
    const ref: Loose = readXml(readReference("cut.xml")).xmeml;
    expect(ours["@_version"]).toBe(ref["@_version"]);
    const so = ours.sequence;
    const sr = ref.sequence;
    for (const key of ["name", "duration", "rate", "timecode"]) expect(so[key], key).toEqual(sr[key]);
    expect(so.media.video.format).toEqual(sr.media.video.format);
    const clips = (track: Loose) =>
      track.clipitem.map((c: Loose) => ({
        name: c.name,
        duration: c.duration,
        rate: c.rate,
        start: c.start,
        end: c.end,
        in: c.in,
        out: c.out,
        fileId: c.file["@_id"],
        sourcetrack: c.sourcetrack,
      }));
    expect(so.media.video.track.map(clips)).toEqual(sr.media.video.track.map(clips));
    // The reference holds one audio track; a stereo source gets one per channel (A1 left, A2 right, each from its
    // own source channel), as Premiere lays a stereo clip out, with the same timing.
    const refAudio = sr.media.audio.track[0].clipitem.map((c: Loose) => clips({ clipitem: [c] })[0]);
    expect(so.media.audio.track.map(clips)).toEqual(
      [1, 2].map((ch) => refAudio.map((c: Loose) => ({ ...c, sourcetrack: { ...c.sourcetrack, trackindex: ch } }))),
    );
    expect(so.media.audio.track.map((t: Loose) => t.outputchannelindex)).toEqual([1, 2]);
    // The file is defined fully once (same fields as the reference, pathurl aside), then referenced.
    const defined = (seq: Loose) =>
      [...seq.media.video.track, ...seq.media.audio.track].flatMap((t: Loose) => t.clipitem).filter((c: Loose) => c.file.name !== undefined);
    expect(defined(so)).toHaveLength(1);
    const { pathurl: ourUrl, ...ourFile } = defined(so)[0].file;
    const { pathurl: refUrl, ...refFile } = defined(sr)[0].file;
    expect(ourFile).toEqual(refFile);
    expect(ourUrl).toBe("file://localhost/interview.mp4");
    expect(refUrl).toMatch(/^file:\/\/localhost\/.*interview\.mp4$/);
  });

  it("FCPXML 1.10: same resources, sequence and spine timing as cut_v1_10.fcpxml", () => {
    const body = renderExport("fcpxml", INPUT).body;
    if (xmllint(body) !== null) expect(xmllint(body)).toBe("");
    const ours: Loose = readXml(body).fcpxml;
    const ref: Loose = readXml(readReference("cut_v1_10.fcpxml")).fcpxml;
    expect(ours["@_version"]).toBe("1.10");
    expect(ours.resources.format).toEqual(ref.resources.format);
    const asset = (a: Loose) => {
      const { "media-rep": rep, ...rest } = a;
      return { ...rest, kind: rep["@_kind"] };
    };
    expect(ours.resources.asset.map(asset)).toEqual(ref.resources.asset.map(asset));
    expect(ours.resources.asset[0]["media-rep"]["@_src"]).toBe("file:///interview.mp4");
    const seq = (x: Loose) => {
      const { spine, ...attrs } = x.library.event.project.sequence;
      return { attrs, clips: spine["asset-clip"], project: x.library.event.project["@_name"] };
    };
    // Same sequence but for tcStart: ours starts at 01:00:00:00 like the EDL, xmeml and OTIO timelines
    // (108000 frames of 1001/30000 s), where the reference starts at zero.
    const { "@_tcStart": tcStart, ...ourAttrs } = seq(ours).attrs;
    const { "@_tcStart": refStart, ...refAttrs } = seq(ref).attrs;
    expect({ ...seq(ours), attrs: ourAttrs }).toEqual({ ...seq(ref), attrs: refAttrs });
    expect(refStart).toBe("0s");
    expect(fcpxSeconds(tcStart)).toBeCloseTo((108000 * 1001) / 30000, 9);
    // And the times mean what the cut says.
    const clips = seq(ours).clips as Loose[];
    expect(clips.map((c) => [c["@_offset"], c["@_start"], c["@_duration"]].map(fcpxSeconds))).toEqual([
      [0, 30 * F, 60 * F].map((x) => expect.closeTo(x, 9)),
      [60 * F, 150 * F, 90 * F].map((x) => expect.closeTo(x, 9)),
    ]);
  });

  it("OTIO: same schema, fields and times as cut.otio", () => {
    const ours = JSON.parse(renderExport("otio", INPUT).body) as Loose;
    const ref = JSON.parse(readReference("cut.otio")) as Loose;
    // Identical apart from where the media lives (the sandbox knows only the file name) and the audio layout
    // Resolve reads from metadata, which OTIO carries without interpreting.
    const strip = (node: Loose): Loose =>
      JSON.parse(JSON.stringify(node), (k, v: unknown) => (k === "target_url" ? "<url>" : k === "Resolve_OTIO" ? undefined : v));
    expect(strip(ours)).toEqual(strip(ref));
    const [v1, a1] = ours.tracks.children;
    expect(a1.metadata).toEqual({ Resolve_OTIO: { "Audio Type": "Stereo" } });
    expect(a1.children.map((c: Loose) => c.metadata.Resolve_OTIO)).toEqual([1, 2].map((id) => ({
      "Link Group ID": id,
      Channels: [0, 1].map((ch) => ({ "Source Channel ID": ch, "Source Track ID": 0 })),
    })));
    expect(v1.children.map((c: Loose) => c.metadata)).toEqual([1, 2].map((id) => ({ Resolve_OTIO: { "Link Group ID": id } })));
    const clip = ours.tracks.children[0].children[0];
    expect(clip.media_references.DEFAULT_MEDIA.target_url).toBe("file:///interview.mp4");
    // Doubles are written as OTIO writes them.
    expect(renderExport("otio", INPUT).body).toContain('"rate": 29.97002997002997');
    expect(renderExport("otio", INPUT).body).toContain('"value": 108000.0');
  });

  it("karaoke.vtt reads back as cues with per-word times", () => {
    const cues = parseVtt(readReference("karaoke.vtt"));
    expect(cues).toHaveLength(2);
    expect(cues[0]?.words.map((w) => [w.word, w.start])).toEqual([
      ["Hello", 0],
      ["brave", 0.48],
      ["new", 1.02],
      ["world", 1.4],
    ]);
    expect(cues[1]?.words.map((w) => w.word)).toEqual(["So", "this", "is", "it"]);
    expect(cues[1]?.words[3]).toEqual({ word: "it", start: 3.1, end: 5 });
  });
});
