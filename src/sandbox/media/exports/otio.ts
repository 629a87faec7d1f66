// OpenTimelineIO JSON writer (Timeline.1 / Stack.1 / Track.1 / Clip.2 / ExternalReference.1).
// This is also the machine-readable form of a cut's segments for clients, so it follows the schema
// OpenTimelineIO 0.18 writes, field for field, as in the checked reference example.
// Audio: OTIO's core schema has no channels, so the layout is the one Resolve writes and reads itself: one audio
// track per source audio stream (a stereo stream is one stereo track, two mono streams two mono tracks), each
// clip naming the stream and channels it plays in `Resolve_OTIO.Channels`, and picture and sound of one event
// sharing a `Link Group ID`. An importer that ignores the metadata still plays each stream once, on its own track.
// What the cut left out, and why, rides in the timeline's metadata under our own key, as OTIO adapters keep
// their applications' data (`fcp_xml`, `cmx_3600`, `Resolve_OTIO`): `roughy.dropped_words`, seconds from the
// file's start (the API's segment clock, not the timecode). Absent when the cut did not record them.
import { type ExportPlan, encodeFileName } from "./common.js";

// OTIO stores times as doubles and writes them with a decimal point ("30.0"); JSON.stringify would
// write 30. Doubles are tagged during building and unwrapped after serialisation.
const DOUBLE_TAG = "\uE000double:";

function double(value: number): string {
  return `${DOUBLE_TAG}${value}`;
}

function unwrapDoubles(json: string): string {
  return json.replace(/"\uE000double:([^"]+)"/g, (_m, v: string) => (/^-?\d+$/.test(v) ? `${v}.0` : v));
}

// Resolve's names for a track's channel format; other counts are left to the importer, which reads the clip's
// channel map.
const AUDIO_TYPES: Record<number, string> = { 1: "Mono", 2: "Stereo" };

export function renderOtio(plan: ExportPlan): string {
  // A private-use character in a name could imitate the tag; names never need one.
  const filename = plan.filename.replace(/\uE000/g, "");
  // 30000/1001 in a double is 29.97002997002997, exactly what OTIO writes.
  const rate = plan.rate.fps;
  const rt = (value: number) => ({ OTIO_SCHEMA: "RationalTime.1", rate: double(rate), value: double(value) });
  const range = (start: number, duration: number) => ({
    OTIO_SCHEMA: "TimeRange.1",
    start_time: rt(start),
    duration: rt(duration),
  });
  const targetUrl = `file:///${encodeFileName(filename)}`;
  const clip = (srcIn: number, srcOut: number, metadata: Record<string, unknown>) => ({
    OTIO_SCHEMA: "Clip.2",
    name: filename,
    metadata,
    // Source ranges are in the media's own time, so they carry its start timecode, as does the
    // reference's available_range.
    source_range: range(plan.sourceStartFrames + srcIn, srcOut - srcIn),
    effects: [],
    markers: [],
    enabled: true,
    media_references: {
      DEFAULT_MEDIA: {
        OTIO_SCHEMA: "ExternalReference.1",
        name: filename,
        metadata: {},
        target_url: targetUrl,
        available_range: range(plan.sourceStartFrames, plan.mediaFrames),
        available_image_bounds: null,
      },
    },
    active_media_reference_key: "DEFAULT_MEDIA",
  });
  // A lone track has nothing to link to.
  const linked = (plan.hasVideo ? 1 : 0) + (plan.hasAudio ? plan.audioStreams.length : 0) > 1;
  const link = (event: number) => (linked ? { "Link Group ID": event + 1 } : {});
  const track = (name: string, kind: "Video" | "Audio", trackMeta: Record<string, unknown>, clipMeta: (event: number) => Record<string, unknown>) => ({
    OTIO_SCHEMA: "Track.1",
    name,
    kind,
    metadata: trackMeta,
    source_range: null,
    effects: [],
    markers: [],
    enabled: true,
    children: plan.events.map((ev, i) => clip(ev.srcIn, ev.srcOut, clipMeta(i))),
  });
  const video = plan.hasVideo ? [track("V1", "Video", {}, (i) => (linked ? { Resolve_OTIO: link(i) } : {}))] : [];
  const audio = plan.hasAudio
    ? plan.audioStreams.map((channels, stream) => {
        const type = AUDIO_TYPES[channels];
        const channelMap = Array.from({ length: channels }, (_, c) => ({ "Source Channel ID": c, "Source Track ID": stream }));
        return track(`A${stream + 1}`, "Audio", type ? { Resolve_OTIO: { "Audio Type": type } } : {}, (i) => ({
          Resolve_OTIO: { ...link(i), Channels: channelMap },
        }));
      })
    : [];
  const tracks = [...video, ...audio];
  const ms = (t: number) => Math.round(t * 1000) / 1000;
  const untagged = (text: string) => text.replace(/\uE000/g, "");
  const metadata = plan.dropped
    ? { roughy: { dropped_words: plan.dropped.map((d) => ({ start: ms(d.start), end: ms(d.end), text: untagged(d.word), reason: untagged(d.reason) })) } }
    : {};
  const timeline = {
    OTIO_SCHEMA: "Timeline.1",
    name: untagged(plan.title),
    metadata,
    global_start_time: rt(plan.recordStartFrames),
    tracks: {
      OTIO_SCHEMA: "Stack.1",
      name: "tracks",
      metadata: {},
      source_range: null,
      effects: [],
      markers: [],
      enabled: true,
      children: tracks,
    },
  };
  return unwrapDoubles(JSON.stringify(timeline, null, 4)) + "\n";
}
