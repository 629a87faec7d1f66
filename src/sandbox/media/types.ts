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
  /** Clockwise degrees the picture is turned for display (0, 90, 180, 270): phone video is often 90. */
  rotation?: number;
  /** The picture's size as shown, after rotation (width and height swap at 90 and 270). */
  display_width?: number;
  display_height?: number;
  /** Channels of each audio stream, in stream order ([2] for one stereo stream, [1, 1] for two mono). */
  audio_channels?: number[];
}
