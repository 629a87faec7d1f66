// Shapes shared by the sandbox's media modules (probe, engine, exports, subtitles, render).
// Times are seconds on the source timeline unless a name says otherwise; segment ends are exclusive.

export interface Segment {
  start: number;
  end: number;
}

export interface Word {
  word: string;
  start: number;
  end: number;
  confidence?: number;
}

export interface MediaInfo {
  media_type: "video" | "audio";
  duration: number;
  has_video: boolean;
  has_audio: boolean;
  /** Exact frames per second (30000/1001 for 29.97), null for audio-only media. */
  frame_rate: number | null;
  frame_rate_num?: number;
  frame_rate_den?: number;
  width?: number;
  height?: number;
  sample_rate?: number;
  start_timecode?: string | null;
  /** The media's own clock at its first sample, seconds, when it gives one as a sample count (BWF time_reference). */
  start_seconds?: number;
  /** The container as probed (ffmpeg's format_name); every later ffmpeg run forces it (ffmpeg.ts assetInput). */
  format?: string;
  /** Container index of the picture (cover art excluded). */
  video_stream?: number;
  /** Clockwise display rotation of the video (0, 90, 180, 270); width/height are the coded size. */
  rotation?: number;
  /** The picture's size as shown, after rotation. */
  display_width?: number;
  display_height?: number;
  /** Every audio stream, in container order. */
  audio_streams?: AudioStreamInfo[];
  /** Container index of the audio stream the cut listens to (the one carrying speech); null without audio. */
  speech_stream?: number | null;
  /** Which reader answered the probe ("ffprobe", or "ffmpeg" when ffprobe failed). */
  probe_reader?: string;
}

export interface AudioStreamInfo {
  /** Container stream index (`-map 0:N`). */
  index: number;
  codec: string | null;
  channels: number | null;
  channel_layout: string | null;
  sample_rate: number | null;
  language: string | null;
  /** Speech-band level measured at preparation (dBFS), when there is more than one audio stream. */
  speech_level_db?: number | null;
}
