// Media online on import, through a real MCP client against the sandbox: exports of a file the server uploaded
// point at that file (xmeml, FCPXML and OTIO, read back with fast-xml-parser/JSON and Node's fileURLToPath);
// two sources named alike in two folders each keep their own; the export resource agrees with export_cut; an
// asset the server never saw says it needs relinking and takes media_path; a relative media_path is refused by
// name; cut_to_script's saved files point at the source beside them.
import { copyFile, mkdir, readFile, realpath } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, FIXTURE_MP4, FIXTURE_SCRIPT, startTestSandbox, textOf, type Connected, type TestSandbox } from "../helpers/mcp-harness.js";
import { startWorkspace, uploadAndCut, type Workspace } from "../helpers/workspace.js";
import { type Loose, readXml } from "./helpers.js";

let sb: TestSandbox;
let conn: Connected;
let ws: Workspace;
const cuts: Record<"day1" | "day2", { cutId: string; assetId: string; media: string }> = {} as never;

type Media = { linked: boolean; path: string | null; note: string | null };

function urlsOf(format: string, body: string): string[] {
  if (format === "otio") {
    const doc = JSON.parse(body) as Loose;
    return doc.tracks.children.flatMap((t: Loose) => t.children.map((c: Loose) => c.media_references.DEFAULT_MEDIA.target_url));
  }
  const x: Loose = readXml(body);
  if (format === "fcpxml") return x.fcpxml.resources.asset.map((a: Loose) => a["media-rep"]["@_src"]);
  const seq = x.xmeml.sequence;
  return [...seq.media.video.track, ...seq.media.audio.track].flatMap((t: Loose) => t.clipitem).filter((c: Loose) => c.file.pathurl).map((c: Loose) => c.file.pathurl);
}

async function exported(cutId: string, format: string, extra: Record<string, unknown> = {}): Promise<{ body: string; media: Media }> {
  const r = await conn.call("export_cut", { cut_id: cutId, format, ...extra });
  expect(r.isError, textOf(r)).toBeFalsy();
  const data = r.structuredContent as { text: string | null; saved_to: string | null; media_path: string | null; media_note: string | null };
  const media = { linked: data.media_path !== null, path: data.media_path, note: data.media_note };
  return { body: data.text ?? (await readFile(data.saved_to!, "utf8")), media };
}

beforeAll(async () => {
  sb = await startTestSandbox();
  ws = await startWorkspace("roughy-relink-", { copyMedia: false });
  conn = await connect({ sandbox: sb.sandbox, allowDirs: [ws.dir] });
  for (const day of ["day1", "day2"] as const) {
    // The same name in two folders: "Entrevista café 01.mp4".
    await mkdir(path.join(ws.dir, day));
    const media = path.join(ws.dir, day, "Entrevista café 01.mp4");
    await copyFile(FIXTURE_MP4, media);
    const { cutId, assetId } = await uploadAndCut(conn, sb, media);
    cuts[day] = { cutId, assetId, media: await realpath(media) };
  }
});

afterAll(async () => {
  await conn?.close();
  await sb?.close();
  await ws?.close();
});

describe("export_cut's output schema", () => {
  it("declares media_path and media_note, so a client that keeps only declared fields still gets them", async () => {
    const { tools } = await conn.client.listTools();
    const props = tools.find((t) => t.name === "export_cut")?.outputSchema?.properties as Record<string, unknown>;
    expect(Object.keys(props)).toEqual(expect.arrayContaining(["media_path", "media_note"]));
  });
});

describe("exports point at the file the server uploaded", () => {
  it.each(["xmeml", "fcpxml", "otio"])("%s: each of two same-named sources links to its own folder", async (format) => {
    for (const day of ["day1", "day2"] as const) {
      const { body, media } = await exported(cuts[day].cutId, format);
      expect(media).toEqual({ linked: true, path: cuts[day].media, note: null });
      const urls = urlsOf(format, body);
      expect(urls.length).toBeGreaterThan(0);
      for (const u of urls) expect(fileURLToPath(u)).toBe(cuts[day].media);
    }
  });

  it("the export resource points where export_cut does", async () => {
    const read = await conn.client.readResource({ uri: `roughy://cuts/${cuts.day2.cutId}/export/otio` });
    const text = (read.contents[0] as { text: string }).text;
    for (const u of urlsOf("otio", text)) expect(fileURLToPath(u)).toBe(cuts.day2.media);
  });

  it("an EDL says it relinks by clip name", async () => {
    const { body, media } = await exported(cuts.day1.cutId, "edl");
    expect(media.linked).toBe(false);
    expect(media.note).toMatch(/FROM CLIP NAME/);
    const text = textOf(await conn.call("export_cut", { cut_id: cuts.day1.cutId, format: "edl" }));
    expect(text).toMatch(/FROM CLIP NAME/);
    // What the format cannot carry, and which formats can.
    expect(text).toMatch(/at most 4 audio channels.*xmeml, fcpxml or otio/);
    expect(body).toContain("* FROM CLIP NAME: Entrevista café 01.mp4");
  });
});

describe("cut_to_script's saved files", () => {
  it("point at the source the server uploaded", async () => {
    const out = path.join(ws.dir, "out");
    await mkdir(out);
    const r = await conn.call("cut_to_script", {
      asset_id: cuts.day2.assetId,
      script: await readFile(FIXTURE_SCRIPT, "utf8"),
      exports: ["xmeml", "otio"],
      render: "none",
      output_dir: out,
      wait_seconds: 50,
    });
    expect(r.isError, textOf(r)).toBeFalsy();
    const saved = (r.structuredContent as { exports: Array<{ format: string; path: string }> }).exports;
    expect(saved.map((e) => e.format).sort()).toEqual(["otio", "xmeml"]);
    for (const e of saved) {
      for (const u of urlsOf(e.format, await readFile(e.path, "utf8"))) expect(fileURLToPath(u)).toBe(cuts.day2.media);
    }
  });
});

describe("a file the server did not upload", () => {
  let cutId: string;
  beforeAll(async () => {
    // Uploaded by someone else (straight through the API): this server never saw the file.
    const other = await connect({ sandbox: sb.sandbox, allowDirs: [ws.dir] });
    const store = process.env.ROUGHY_UPLOAD_STORE;
    process.env.ROUGHY_UPLOAD_STORE = path.join(ws.dir, "elsewhere", "uploads.json");
    try {
      const media = path.join(ws.dir, "elsewhere.mp4");
      await copyFile(FIXTURE_MP4, media);
      ({ cutId } = await uploadAndCut(other, sb, media));
    } finally {
      process.env.ROUGHY_UPLOAD_STORE = store;
      await other.close();
    }
  });

  it("says the media will need relinking and how", async () => {
    const { body, media } = await exported(cutId, "xmeml");
    expect(media.linked).toBe(false);
    expect(media.note).toMatch(/relink.*media_path/);
    for (const u of urlsOf("xmeml", body)) expect(u).toBe("file://localhost/elsewhere.mp4");
  });

  it("takes media_path in the editing machine's own form", async () => {
    const { body, media } = await exported(cutId, "xmeml", { media_path: "C:\\Users\\Ana\\Vídeos\\elsewhere.mp4" });
    expect(media).toEqual({ linked: true, path: "C:\\Users\\Ana\\Vídeos\\elsewhere.mp4", note: null });
    for (const u of urlsOf("xmeml", body)) expect(fileURLToPath(u, { windows: true })).toBe("C:\\Users\\Ana\\Vídeos\\elsewhere.mp4");
  });

  it("refuses a relative media_path by name, with an example", async () => {
    const r = await conn.call("export_cut", { cut_id: cutId, format: "fcpxml", media_path: "Videos/elsewhere.mp4" });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/media_path .*absolute/);
  });
});
