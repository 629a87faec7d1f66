// Scripted and scriptless cuts of real recorded speech (LibriVox read speech and CMU recordings from Debian's
// pocketsphinx-testdata, assembled by scripts/make-real-speech.mjs into interview-like clips with a restarted
// sentence, 1-3 s pauses and an off-script aside, a noisy room, and telephone variants), scored against the
// clips' force-aligned truth. Each cut runs once; the assertions reuse it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ffmpegBinary } from "../../src/sandbox/media/ffmpeg.js";
import { computeCut, type CutPlan } from "../../src/sandbox/engine/plan.js";
import { createPocketsphinx } from "../../src/sandbox/engine/pocketsphinx.js";
import { loadRealClips, realSpeechAvailable, scoreCut, type RealClip } from "./quality.js";

const ps = createPocketsphinx();
const ready = (await ps.available()) && realSpeechAvailable();

describe.skipIf(!ready)("real recorded speech (skipped: needs pocketsphinx, pocketsphinx-en-us and pocketsphinx-testdata)", () => {
  let clips: RealClip[];
  const scripted = new Map<string, CutPlan>();
  beforeAll(async () => {
    clips = loadRealClips();
    // two at a time: the machine has two cores
    for (let i = 0; i < clips.length; i += 2) {
      await Promise.all(clips.slice(i, i + 2).map(async (c) => {
        scripted.set(c.name, await computeCut({ mediaPath: c.mediaPath, info: c.info, script: c.script, transcript: null, transcriber: ps }));
      }));
    }
  });

  it("builds clips whose truth has script, a restart, an aside and long pauses, including an 8 kHz one", () => {
    expect(clips.map((c) => c.name)).toEqual(expect.arrayContaining(["austen-a", "austen-a-phone", "austen-b", "cards"]));
    for (const c of clips) {
      const kinds = new Set(c.truth.pieces.map((p) => p.kind));
      expect([...kinds].sort()).toEqual(["aside", "pause", "restart", "script"]);
      expect(Math.max(...c.truth.pieces.filter((p) => p.kind === "pause").map((p) => p.end - p.start))).toBeGreaterThanOrEqual(1.4);
    }
    expect(clips.find((c) => c.name === "austen-a-phone")?.info.sample_rate).toBe(8000);
  });

  it("keeps >= 99% of script words, removes >= 97% of unwanted time and never cuts inside a word, on every clip", () => {
    for (const c of clips) {
      const q = scoreCut(c.truth, scripted.get(c.name)!.segments);
      expect({ clip: c.name, kept: q.scriptWordsKept >= 0.99, removed: q.unwantedRemoved >= 0.97, inside: q.insideWord }).toEqual({ clip: c.name, kept: true, removed: true, inside: [] });
    }
  });

  it("names why each dropped word went as the clip was assembled: the restarted sentence, the aside", () => {
    // measured: 101 of 101 dropped words over the six clips carry their piece's kind
    for (const c of clips) {
      const plan = scripted.get(c.name)!;
      const kindAt = (t: number) => c.truth.pieces.find((p) => p.start <= t && t <= p.end)?.kind;
      const right = plan.dropped.filter((d) => d.reason === kindAt((d.start + d.end) / 2)).length;
      expect({ clip: c.name, right: right >= 0.95 * plan.dropped.length }).toEqual({ clip: c.name, right: true });
      for (const p of c.truth.pieces.filter((x) => x.kind === "restart" || x.kind === "aside")) {
        const named = plan.dropped.filter((d) => d.reason === p.kind && d.start >= p.start - 0.05 && d.end <= p.end + 0.05);
        expect({ clip: c.name, piece: p.text, named: named.length >= 0.8 * (p.words?.length ?? 1) }).toEqual({ clip: c.name, piece: p.text, named: true });
      }
    }
  });

  it("says recognition was degraded on the telephone clip only", () => {
    for (const c of clips) {
      const codes = (scripted.get(c.name)!.warnings ?? []).map((w) => w.code);
      expect({ clip: c.name, codes }).toEqual({ clip: c.name, codes: c.info.sample_rate === 8000 ? ["recognition_degraded"] : [] });
    }
  });

  it("reports words in the script's spelling where they were said, and no word where nothing was said", () => {
    for (const c of clips) {
      const plan = scripted.get(c.name)!;
      const inCut = plan.words.filter((w) => plan.segments.some((s) => w.start >= s.start - 0.01 && w.end <= s.end + 0.01));
      for (const w of inCut) {
        // every word shown in the cut overlaps a truly spoken word, and a filler is never shown (none was said)
        const said = c.truth.words.filter((t) => Math.min(t.end, w.end) - Math.max(t.start, w.start) > 0);
        expect({ clip: c.name, word: w.word, at: w.start, said: said.length > 0 }).toEqual({ clip: c.name, word: w.word, at: w.start, said: true });
        expect(["um", "uh", "ah", "er", "hmm"]).not.toContain(w.word);
      }
    }
    const words = (name: string) => scripted.get(name)!.words.map((w) => w.word);
    expect(words("austen-a")).toContain("Mr."); // said "mister"
    expect(words("austen-a")).toContain("ill-disposed"); // "ill" + "disposed" heard as two words
    expect(words("cards")).toEqual(expect.arrayContaining(["10", "8", "4", "7"])); // digits in the script
  });

  it("fails with script_not_spoken for a script the recording does not carry", async () => {
    const c = clips.find((x) => x.name === "cards")!;
    const script = "Our quarterly revenue exceeded analyst expectations, driven by strong demand for the new platform. We expect growth to continue next year as more teams adopt it.";
    await expect(computeCut({ mediaPath: c.mediaPath, info: c.info, script, transcript: null, transcriber: ps })).rejects.toMatchObject({ code: "script_not_spoken" });
  });

  it("falls back to pauses, with a warning, for a language the recogniser does not know", async () => {
    const c = clips.find((x) => x.name === "austen-a")!;
    for (const [language, script] of [["ja", c.script], [null, "Он не был дурным молодым человеком. Разве что немного холодным."]] as const) {
      const plan = await computeCut({ mediaPath: c.mediaPath, info: c.info, script, transcript: null, transcriber: ps, language });
      expect(plan.warnings?.map((w) => w.code)).toEqual(["language_unsupported"]);
      const q = scoreCut(c.truth, plan.segments);
      expect(q.scriptWordsKept).toBe(1); // a pause-based plan keeps all speech
      // long pauses cut down to about a breath each side (the level-based speech edges include breaths)
      expect(q.longestPauseKept).toBeLessThanOrEqual(0.7);
      expect(plan.segments.length).toBeGreaterThan(3);
    }
  });

  it("scriptless: keeps every real sentence (none is taken for a filler or a stutter)", async () => {
    const c = clips.find((x) => x.name === "cards")!;
    const plan = await computeCut({ mediaPath: c.mediaPath, info: c.info, script: null, transcript: null, transcriber: ps });
    const q = scoreCut(c.truth, plan.segments);
    expect(q.scriptWordsKept).toBeGreaterThanOrEqual(0.99);
    expect(q.insideWord).toEqual([]);
    expect(q.longestPauseKept).toBeLessThanOrEqual(0.6);
  });
});

describe.skipIf(!ready)("sound without words", () => {
  const dir = mkdtempSync(join(tmpdir(), "roughy-tones-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a scriptless cut of tone bursts falls to the pause rules and keeps the sound", async () => {
    // three 1 s bursts of a warbling tone with 2 s of silence between: sound, but nothing a recogniser can read
    const media = join(dir, "tones.wav");
    execFileSync(ffmpegBinary(), ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
      "aevalsrc=0.3*sin(2*PI*(300+80*sin(2*PI*3*t))*t)*lt(mod(t\\,3)\\,1):s=16000:d=9", "-c:a", "pcm_s16le", media]);
    const plan = await computeCut({ mediaPath: media, info: { media_type: "audio", duration: 9, has_video: false, has_audio: true, frame_rate: null, sample_rate: 16000 }, script: null, transcript: null, transcriber: ps });
    expect(plan.segments.length).toBe(3);
    for (const [k, s] of plan.segments.entries()) {
      expect(s.start).toBeLessThanOrEqual(3 * k + 0.01);
      expect(s.end).toBeGreaterThanOrEqual(3 * k + 0.99);
    }
  });
});
