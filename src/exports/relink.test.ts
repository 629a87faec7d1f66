// Relinked exports read back by parsers that share nothing with the writer: fast-xml-parser and JSON for the
// bodies, Node's own fileURLToPath (in its POSIX and Windows readings) for the URLs.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { XMLParser } from "fast-xml-parser";
import { renderExport, type ExportFormat } from "../sandbox/media/exports/index.js";
import { LocalPathError, fileUrl, formatLocalPath, parseLocalPath, relinkExport } from "./relink.js";

const FILENAME = "Entrevista café #1 & 50% (final).mov";

function exportOf(format: ExportFormat, filename = FILENAME): string {
  return renderExport(format, {
    segments: [
      { start: 1, end: 3 },
      { start: 5, end: 8 },
    ],
    source: { filename, duration: 10, media_type: "video", frame_rate: 25, width: 1920, height: 1080, sample_rate: 48000, has_audio: true, has_video: true },
    frameRate: 25,
    title: "cut",
  }).body;
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", parseTagValue: false });

function collect(node: unknown, key: string, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => collect(n, key, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === key && typeof v === "string") out.push(v);
      else collect(v, key, out);
    }
  }
  return out;
}

/** The media URLs of an export as its readers find them. */
function mediaUrls(format: ExportFormat, body: string): string[] {
  if (format === "otio") return collect(JSON.parse(body), "target_url");
  if (format === "xmeml") return collect(xml.parse(body), "pathurl");
  return collect(xml.parse(body), "@_src");
}

const CASES: Array<{ name: string; path: string; windows: boolean; back: string }> = [
  { name: "macOS", path: `/Users/ana/Películas/Rodaje 2/${FILENAME}`, windows: false, back: `/Users/ana/Películas/Rodaje 2/${FILENAME}` },
  { name: "Linux", path: `/home/ana/./media/../media/${FILENAME}`, windows: false, back: `/home/ana/media/${FILENAME}` },
  { name: "Windows drive", path: `d:\\Projects\\Café 2\\${FILENAME}`, windows: true, back: `D:\\Projects\\Café 2\\${FILENAME}` },
  { name: "Windows forward slashes", path: `C:/Users/Ana/${FILENAME}`, windows: true, back: `C:\\Users\\Ana\\${FILENAME}` },
  { name: "Windows long-path prefix", path: `\\\\?\\C:\\Media\\${FILENAME}`, windows: true, back: `C:\\Media\\${FILENAME}` },
  { name: "UNC share", path: `\\\\nas01\\footage\\day 1\\${FILENAME}`, windows: true, back: `\\\\nas01\\footage\\day 1\\${FILENAME}` },
];

describe("relinkExport", () => {
  for (const format of ["xmeml", "fcpxml", "otio"] as const) {
    for (const c of CASES) {
      it(`${format}: every media reference decodes to the ${c.name} path`, () => {
        const before = exportOf(format);
        const { body, relinked } = relinkExport(format, before, c.path);
        const urls = mediaUrls(format, body);
        expect(urls.length).toBeGreaterThan(0);
        expect(relinked).toBe(urls.length);
        for (const url of urls) {
          expect(fileURLToPath(url, { windows: c.windows })).toBe(c.back);
          if (format === "xmeml" && c.name !== "UNC share") expect(url.startsWith("file://localhost/")).toBe(true);
          if (format !== "xmeml" && c.name !== "UNC share") expect(url.startsWith("file:///")).toBe(true);
        }
        // Nothing but the references changed.
        const strip = (s: string) => s.replace(/file:\/\/[^<"]*/g, "URL");
        expect(strip(body)).toBe(strip(before));
      });
    }
  }

  it("leaves an EDL as it is: CMX 3600 has no place for a path", () => {
    const edl = exportOf("edl");
    expect(relinkExport("edl", edl, "/Users/ana/take.mov")).toEqual({ body: edl, relinked: 0 });
  });

  it("points each export at its own file when two sources share a name", () => {
    const a = relinkExport("xmeml", exportOf("xmeml", "take.mov"), "/Volumes/A/day1/take.mov").body;
    const b = relinkExport("xmeml", exportOf("xmeml", "take.mov"), "/Volumes/A/day2/take.mov").body;
    expect(mediaUrls("xmeml", a).map((u) => fileURLToPath(u))).toEqual(["/Volumes/A/day1/take.mov"]);
    expect(mediaUrls("xmeml", b).map((u) => fileURLToPath(u))).toEqual(["/Volumes/A/day2/take.mov"]);
  });

  it("relinks FCPXML 1.8, where the asset itself carries src", () => {
    const v18 = `<fcpxml version="1.8"><resources><asset id="r2" audioSources="1" src="file:///take.mov"/></resources></fcpxml>`;
    const { body, relinked } = relinkExport("fcpxml", v18, "/Users/ana/take.mov");
    expect(relinked).toBe(1);
    expect(collect(xml.parse(body), "@_src")).toEqual(["file:///Users/ana/take.mov"]);
    expect(collect(xml.parse(body), "@_audioSources")).toEqual(["1"]);
  });
});

describe("fileUrl and parseLocalPath", () => {
  it("escapes every character outside RFC 3986's unreserved set in each segment", () => {
    expect(fileUrl("/a/b c/x#1?%&'(1)!*.mov")).toBe("file:///a/b%20c/x%231%3F%25%26%27%281%29%21%2A.mov");
    expect(fileUrl("/a/e\u0301.mov")).toBe("file:///a/e%CC%81.mov");
    expect(fileUrl("C:\\a b\\c.mov", { localhost: true })).toBe("file://localhost/C:/a%20b/c.mov");
    expect(fileUrl("\\\\?\\UNC\\nas\\share\\c.mov", { localhost: true })).toBe("file://nas/share/c.mov");
  });

  it("writes each path back in its own form", () => {
    expect(formatLocalPath(parseLocalPath("/a//b/./c.mov"))).toBe("/a/b/c.mov");
    expect(formatLocalPath(parseLocalPath("c:/a/../b.mov"))).toBe("C:\\b.mov");
    expect(formatLocalPath(parseLocalPath("\\\\srv\\share\\b.mov"))).toBe("\\\\srv\\share\\b.mov");
  });

  it.each([
    ["a relative path", "media/take.mov"],
    ["a home-relative path", "~/take.mov"],
    ["a drive-relative path", "C:take.mov"],
    ["a NUL byte", "/a/take\u0000.mov"],
    ["a root", "/"],
    ["a drive root", "C:\\"],
    ["a UNC server without a share", "\\\\nas"],
    ["an empty string", ""],
  ])("refuses %s", (_why, p) => {
    expect(() => parseLocalPath(p)).toThrow(LocalPathError);
  });
});
