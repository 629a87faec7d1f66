// Builds the media the format tests upload, cut and render: the containers, codecs and quirks people actually
// shoot (MPEG-TS and AVCHD, MXF, Matroska, WebM, mov with a timecode track, WAV at 16/24 bit and 8/48 kHz, mp3,
// m4a with cover art, speech on a second audio stream, a phone video rotated 90 degrees, a silent video, a
// variable-frame-rate video). Short clips (about 5 s) of flite speech over ffmpeg lavfi pictures, so the suite
// stays fast. Nothing is committed: the tests run this into .cache/ (git-ignored) when the set is missing.
// Run: node scripts/make-media-fixtures.mjs [OUT_DIR]   (default .cache/media-fixtures)
// Needs flite and an ffmpeg with libx264, libmp3lame, libvpx and libopus (Debian's; FIXTURE_FFMPEG overrides).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Bump when the set changes: the tests regenerate a set whose stamp differs. */
export const FIXTURE_SET_VERSION = "1";
const VOICE = "kal16";
const RATE = 16000;
const SENTENCES = ["Thanks for having me on the show today.", "We cut interviews down to the message."];
const LEAD = 0.5;
const PAUSE = 1.5;
const TAIL = 0.6;

function ffmpegBin() {
  return process.env.FIXTURE_FFMPEG || "ffmpeg";
}

function ff(args) {
  execFileSync(ffmpegBin(), ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args], { stdio: ["ignore", "ignore", "pipe"] });
}

/** The PCM samples of a 16-bit mono WAV (flite's output), found by walking its chunks. */
function pcmOf(wav) {
  let at = 12;
  while (at + 8 <= wav.length) {
    const id = wav.toString("ascii", at, at + 4);
    const size = wav.readUInt32LE(at + 4);
    if (id === "data") return wav.subarray(at + 8, at + 8 + size);
    at += 8 + size + (size % 2);
  }
  throw new Error("no data chunk in flite's WAV");
}

/** A 16-bit mono PCM WAV of `pcm` (also used by make-fixtures.mjs). */
export function wavFile(pcm, rate) {
  const h = Buffer.alloc(44);
  h.write("RIFF", 0);
  h.writeUInt32LE(36 + pcm.length, 4);
  h.write("WAVEfmt ", 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36);
  h.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([h, pcm]);
}

/** The speech track (lead silence, sentence, pause, sentence, tail) and where its speech and pause lie. */
function speechTrack(work) {
  const silence = (s) => Buffer.alloc(Math.round(s * RATE) * 2);
  const parts = SENTENCES.map((text, i) => {
    const out = join(work, `s${i}.wav`);
    execFileSync("flite", ["-voice", VOICE, "-t", text, "-o", out]);
    return pcmOf(readFileSync(out));
  });
  const [a, b] = parts;
  const pcm = Buffer.concat([silence(LEAD), a, silence(PAUSE), b, silence(TAIL)]);
  const aEnd = LEAD + a.length / 2 / RATE;
  const bStart = aEnd + PAUSE;
  const truth = { duration: pcm.length / 2 / RATE, speech: [[LEAD, aEnd], [bStart, bStart + b.length / 2 / RATE]], pause: [aEnd, bStart] };
  const file = join(work, "speech.wav");
  writeFileSync(file, wavFile(pcm, RATE));
  return { file, truth };
}

const PICTURE = (size = "320x240", rate = 25) => ["-f", "lavfi", "-i", `testsrc2=size=${size}:rate=${rate}`];
const X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"];

/**
 * Steps on the made file, stream-copied. A display rotation set while encoding is dropped by ffmpeg 5; set on a
 * copy it becomes the display matrix a phone writes.
 */
const AFTER = {
  "phone-rotated.mp4": ["-map", "0", "-c", "copy", "-metadata:s:v:0", "rotate=90", "-f", "mp4"],
};

/** name → ffmpeg arguments after the speech input (input 0) ; `-t` is added from the speech track's length. */
function recipes(speech) {
  const sp = ["-i", speech];
  return {
    "camera.ts": [...sp, ...PICTURE(), "-map", "1:v", "-map", "0:a", ...X264, "-c:a", "aac", "-ar", "48000", "-f", "mpegts"],
    "avchd.m2ts": [...sp, ...PICTURE(), "-map", "1:v", "-map", "0:a", ...X264, "-c:a", "ac3", "-ar", "48000", "-mpegts_m2ts_mode", "1", "-f", "mpegts"],
    "broadcast.mxf": [...sp, ...PICTURE("720x576"), "-map", "1:v", "-map", "0:a", "-c:v", "mpeg2video", "-q:v", "5", "-c:a", "pcm_s16le", "-ar", "48000", "-f", "mxf"],
    "interview.mkv": [...sp, ...PICTURE(), "-map", "1:v", "-map", "0:a", ...X264, "-c:a", "flac", "-f", "matroska"],
    "interview.webm": [...sp, ...PICTURE("160x120"), "-map", "1:v", "-map", "0:a", "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "200k", "-c:a", "libopus", "-ar", "48000", "-f", "webm"],
    "timecode.mov": [...sp, ...PICTURE("320x240", "30000/1001"), "-map", "1:v", "-map", "0:a", ...X264, "-c:a", "aac", "-timecode", "01:00:00;00", "-f", "mov"],
    "pcm16-44k.wav": [...sp, "-c:a", "pcm_s16le", "-ar", "44100", "-f", "wav"],
    "pcm16-48k.wav": [...sp, "-c:a", "pcm_s16le", "-ar", "48000", "-f", "wav"],
    "pcm24-48k.wav": [...sp, "-c:a", "pcm_s24le", "-ar", "48000", "-f", "wav"],
    "phone-8k.wav": [...sp, "-c:a", "pcm_s16le", "-ar", "8000", "-f", "wav"],
    "voice.mp3": [...sp, "-c:a", "libmp3lame", "-b:a", "96k", "-ar", "44100", "-f", "mp3"],
    "cover.m4a": [...sp, "-f", "lavfi", "-i", "testsrc2=size=300x300:rate=1", "-map", "0:a", "-map", "1:v", "-frames:v", "1", "-c:a", "aac", "-c:v", "mjpeg", "-disposition:v:0", "attached_pic", "-f", "ipod"],
    // OBS and dual-system shoots: room tone on the first audio stream, the microphone on the second.
    "second-stream.mp4": [...sp, ...PICTURE(), "-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.003:sample_rate=48000", "-map", "1:v", "-map", "2:a", "-map", "0:a", ...X264, "-c:a", "aac", "-ar", "48000", "-f", "mp4"],
    "phone-rotated.mp4": [...sp, ...PICTURE("320x180", 30), "-map", "1:v", "-map", "0:a", ...X264, "-c:a", "aac", "-f", "mp4"],
    "silent-video.mp4": [...sp, ...PICTURE(), "-map", "1:v", ...X264, "-an", "-f", "mp4"],
    // Every other frame is dropped in the middle second: the frame rate changes from 25 to 12.5 and back.
    "vfr.mp4": [...sp, ...PICTURE(), "-map", "1:v", "-map", "0:a", "-vf", "select='not(between(t,2,3)*mod(n,2))'", "-vsync", "vfr", ...X264, "-c:a", "aac", "-f", "mp4"],
  };
}

export function makeMediaFixtures(outDir = join(ROOT, ".cache", "media-fixtures")) {
  const stamp = join(outDir, "fixtures.json");
  if (existsSync(stamp) && JSON.parse(readFileSync(stamp, "utf8")).version === FIXTURE_SET_VERSION) return JSON.parse(readFileSync(stamp, "utf8"));
  const work = join(tmpdir(), `roughy-media-fixtures-${process.pid}-${Date.now()}`);
  mkdirSync(work, { recursive: true });
  try {
    const { file: speech, truth } = speechTrack(work);
    const files = {};
    for (const [name, args] of Object.entries(recipes(speech))) {
      const out = join(work, name);
      ff([...args.slice(0, -2), "-t", truth.duration.toFixed(3), ...args.slice(-2), out]);
      if (AFTER[name]) {
        ff(["-i", out, ...AFTER[name], `${out}.tmp`]);
        renameSync(`${out}.tmp`, out);
      }
      files[name] = name;
    }
    const manifest = { version: FIXTURE_SET_VERSION, truth, files: Object.keys(files) };
    writeFileSync(join(work, "fixtures.json"), JSON.stringify(manifest, null, 2));
    rmSync(join(work, "s0.wav"));
    rmSync(join(work, "s1.wav"));
    // Made aside and moved in whole: a reader never sees half a set.
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(dirname(outDir), { recursive: true });
    renameSync(work, outDir);
    return manifest;
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const manifest = makeMediaFixtures(process.argv[2]);
  process.stdout.write(`${manifest.files.length} media fixtures\n`);
}
