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
}
