// The media toolchain: which ffmpeg and ffprobe run, how a child process is bounded, how a file is probed and
// how ffmpeg is told to read it as what it was probed as. A leaf: it imports nothing else of ours, so the
// sandbox and the MCP side's local probe share it (the REST client never does).
export { chooseToolchain, describeToolchain, ensureExecutable, MediaToolsUnavailableError, parseVersion, recentEnough, toolchain, type Tool, type Toolchain, type ToolSource } from "./toolchain.js";
export { DEFAULT_PROCESS_TIMEOUT_MS, ProcessAbortedError, ProcessTimeoutError, runProcess, type RunOptions, type RunResult } from "./run.js";
export { demuxerName, fileUrl, inputArgs, isMediaDemuxer, MEDIA_DEMUXERS, probeInputArgs, referencingKind, REFERENCING_DEMUXERS } from "./formats.js";
export { MediaProbeError, parseFfmpegListing, parseFfprobeJson, probeFile, type ProbedMedia, type ProbedStream, type ProbeFailure, type ProbeOptions } from "./probe.js";
