// The link step on real stores in a temporary directory: a remembered upload links, media_path wins and is
// checked, a remote caller and an unknown asset are told to relink, and an EDL says why it has no path.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderExport } from "../sandbox/media/exports/index.js";
import { FileMediaPathStore } from "./media-paths.js";
import { MediaPathError, linkExport, rememberMediaPath } from "./link-media.js";

let dir: string;
let store: FileMediaPathStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "link-media-"));
  store = new FileMediaPathStore(join(dir, "media-paths.json"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const body = (format: "xmeml" | "otio" | "edl") =>
  renderExport(format, {
    segments: [{ start: 1, end: 2 }],
    source: { filename: "take.mov", duration: 5, media_type: "video", frame_rate: 25, has_audio: true, has_video: true },
    frameRate: 25,
    title: "t",
  }).body;

const otioUrl = (text: string) => JSON.parse(text).tracks.children[0].children[0].media_references.DEFAULT_MEDIA.target_url as string;

describe("linkExport", () => {
  it("points at the file the server uploaded, per asset, even when two share a name", async () => {
    await rememberMediaPath("a1", "/Volumes/A/day1/take.mov", store);
    await rememberMediaPath("a2", "/Volumes/A/day2/take.mov", store);
    const one = await linkExport({ format: "otio", body: body("otio"), assetId: "a1", store });
    const two = await linkExport({ format: "otio", body: body("otio"), assetId: "a2", store });
    expect(one.media).toEqual({ linked: true, path: "/Volumes/A/day1/take.mov", note: null });
    expect(fileURLToPath(otioUrl(one.body))).toBe("/Volumes/A/day1/take.mov");
    expect(fileURLToPath(otioUrl(two.body))).toBe("/Volumes/A/day2/take.mov");
  });

  it("takes media_path over the memory, and for a remote caller only media_path", async () => {
    await rememberMediaPath("a1", "/srv/uploads/take.mov", store);
    const given = await linkExport({ format: "xmeml", body: body("xmeml"), assetId: "a1", mediaPath: "D:\\Rushes\\take.mov", store });
    expect(given.media.path).toBe("D:\\Rushes\\take.mov");
    expect(given.body).toContain("<pathurl>file://localhost/D:/Rushes/take.mov</pathurl>");
    const remote = await linkExport({ format: "xmeml", body: body("xmeml"), assetId: "a1", remote: true, store });
    expect(remote.media.linked).toBe(false);
    expect(remote.media.note).toMatch(/relink.*media_path/);
    expect(remote.body).toBe(body("xmeml"));
  });

  it("tells the caller to relink when the server never saw the file", async () => {
    const r = await linkExport({ format: "otio", body: body("otio"), assetId: "unknown", store });
    expect(r.media).toMatchObject({ linked: false, path: null });
    expect(r.media.note).toMatch(/media_path/);
  });

  it("leaves an EDL as it is and says why", async () => {
    await rememberMediaPath("a1", "/x/take.mov", store);
    const r = await linkExport({ format: "edl", body: body("edl"), assetId: "a1", store });
    expect(r.body).toBe(body("edl"));
    expect(r.media.linked).toBe(false);
    expect(r.media.note).toMatch(/FROM CLIP NAME/);
    // And what it cannot carry, with the formats that can.
    expect(r.media.note).toMatch(/at most 4 audio channels.*xmeml, fcpxml or otio/);
  });

  it("refuses a media_path that is not absolute, naming the argument", async () => {
    await expect(linkExport({ format: "otio", body: body("otio"), assetId: "a1", mediaPath: "take.mov", store })).rejects.toThrow(MediaPathError);
    await expect(linkExport({ format: "otio", body: body("otio"), assetId: "a1", mediaPath: "take.mov", store })).rejects.toThrow(/^media_path /);
  });
});
