// Which container formats are read as media, and how ffmpeg is told to read a file as the format it was
// probed as. A demuxer that opens other files (an HLS or DASH playlist, a concat list, an image sequence, a
// filter graph) would let an upload make ffmpeg read anything the process can; so probing only accepts the
// demuxers below (ffmpeg's `format_whitelist`, checked before a demuxer reads its header), and every later
// run forces the probed demuxer with `-f` and allows only the `file` protocol.

/** Demuxers of recorded media (ffmpeg short names; a name a build lacks is harmless). */
export const MEDIA_DEMUXERS: readonly string[] = [
  "mov", "mp4", "matroska", "webm", "mpegts", "mxf", "avi", "asf", "flv", "mpeg", "dv", "gxf", "nut", "rm", "ogg",
  "wav", "w64", "aiff", "caf", "au", "mp3", "aac", "flac", "ac3", "eac3", "dts", "amr", "wv", "ape", "tta",
];

/** Formats that point at other files or streams: refused as uploads, with their own message. */
export const REFERENCING_DEMUXERS: readonly string[] = [
  "hls", "applehttp", "concat", "ffconcat", "dash", "webm_dash_manifest", "image2", "image2pipe", "sdp", "rtsp", "rtp", "lavfi", "tee",
];

const PLAYLIST_WORDS: Record<string, string> = {
  hls: "an HLS playlist (m3u8)",
  applehttp: "an HLS playlist (m3u8)",
  concat: "an ffmpeg concat list",
  ffconcat: "an ffmpeg concat list",
  dash: "a DASH manifest",
  webm_dash_manifest: "a DASH manifest",
  sdp: "an SDP session description",
};

/** "an HLS playlist (m3u8)" for a referencing demuxer's name (any of its comma-separated names), else null. */
export function referencingKind(formatName: string): string | null {
  for (const name of formatName.split(",")) {
    if (REFERENCING_DEMUXERS.includes(name)) return PLAYLIST_WORDS[name] ?? `a ${name} file, which refers to other files`;
  }
  return null;
}

export function isMediaDemuxer(formatName: string): boolean {
  return formatName.split(",").some((n) => MEDIA_DEMUXERS.includes(n));
}

/** The demuxer name `-f` accepts for a probed format_name ("mov,mp4,m4a,3gp,3g2,mj2" → "mov"). */
export function demuxerName(formatName: string): string {
  return formatName.split(",")[0] as string;
}

/** `file:` keeps a path with a colon in a directory or file name from being read as a protocol. */
export function fileUrl(file: string): string {
  return `file:${file}`;
}

/**
 * ffmpeg's input options for a probed file: the forced demuxer, only the file protocol, then the input.
 * Everything that reads an upload builds its command from this.
 */
export function inputArgs(file: string, formatName: string): string[] {
  return ["-protocol_whitelist", "file", "-f", demuxerName(formatName), "-i", fileUrl(file)];
}

/** Input options for probing: any recorded-media demuxer may claim the file, nothing else, only from disk. */
export function probeInputArgs(): string[] {
  return ["-protocol_whitelist", "file", "-format_whitelist", MEDIA_DEMUXERS.join(",")];
}
