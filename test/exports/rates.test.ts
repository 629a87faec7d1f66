// Rates a format can carry: EDL and xmeml count in SMPTE timecode, so a rate without whole frames per second
// (12.5, 29.83) is refused with the formats that can carry it, instead of an export that drifts from the media;
// through the sandbox's API, with an audio-only asset whose frame_rate the caller chooses.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryResumeStore, type RoughyError } from "../../src/client/index.js";
import { parseExport, renderExport, type ExportFormat } from "../../src/sandbox/media/exports/index.js";
import { eventually, FIXTURES, startHarness, type Harness } from "../client/harness.js";
import { loadTruth } from "../engine/quality.js";
import { readXml } from "./helpers.js";

let h: Harness;
let cutId: string;

beforeAll(async () => {
  h = await startHarness();
  const project = await h.client.projects.create({ name: "rates" });
  const up = await h.client.uploads.uploadFile({ path: join(FIXTURES, "interview.m4a"), projectId: project.id, resumeStore: new MemoryResumeStore() });
  expect((await h.control("PUT", `/sandbox/assets/${up.asset.id}/transcript`, { words: loadTruth().words })).status).toBeLessThan(300);
  await h.client.waitForCuttable(up.asset.id, { timeoutMs: 60_000 });
  const created = await h.client.cuts.create({ asset_id: up.asset.id });
  cutId = created.cut.id;
  await eventually(async () => ((await h.client.cuts.get(cutId)).state === "completed" ? true : undefined), 200);
});

afterAll(async () => {
  await h?.stop();
});

describe("frame rates each format can carry", () => {
  it.each([
    ["edl", 12.5],
    ["xmeml", 12.5],
    ["edl", 29.83],
    ["edl", 120],
  ] as Array<[ExportFormat, number]>)("%s at %s fps is refused with the formats that can carry it", async (format, fps) => {
    const err = (await h.client.cuts.export(cutId, format, { frameRate: fps }).catch((e: unknown) => e)) as RoughyError;
    expect(err.code).toBe("unsupported_format");
    expect(err.message).toMatch(/fcpxml|otio/);
  });

  it.each([12.5, 29.83])("fcpxml and otio keep %s fps exactly", async (fps) => {
    for (const format of ["fcpxml", "otio"] as const) {
      const file = await h.client.cuts.export(cutId, format, { frameRate: fps });
      expect(parseExport(format, file.content).length).toBeGreaterThan(0);
    }
  });

  it("xmeml at 120 fps and 119.88 fps writes the timebase and NTSC flag Premiere reads", () => {
    const at = (fps: number) =>
      readXml(
        renderExport("xmeml", {
          segments: [{ start: 1, end: 2 }],
          source: { filename: "a.mov", duration: 3, media_type: "video", frame_rate: fps, has_audio: true, has_video: true },
          frameRate: fps,
          title: "t",
        }).body,
      ).xmeml.sequence.rate;
    expect(at(120)).toEqual({ timebase: 120, ntsc: "FALSE" });
    expect(at(119.88)).toEqual({ timebase: 120, ntsc: "TRUE" });
  });
});
