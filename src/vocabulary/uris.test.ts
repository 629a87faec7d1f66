// The one resource URI parser: every template parses, anything else is a protocol error (InvalidParams).
import { describe, expect, it } from "vitest";
import { ProtocolError } from "@modelcontextprotocol/server";
import { entityUri, exportUri, parseRoughyUri, subtitleUri } from "./uris.js";

const ID = "3f2b8c1e-9a4d-4e5f-8b6a-1c2d3e4f5a6b";

describe("parseRoughyUri", () => {
  it("parses every template and round-trips the builders", () => {
    expect(parseRoughyUri(exportUri(ID, "fcpxml"))).toEqual({ type: "export", cutId: ID, format: "fcpxml" });
    expect(parseRoughyUri(`${exportUri(ID, "edl")}?frame_rate=29.97`)).toEqual({ type: "export", cutId: ID, format: "edl", frameRate: 29.97 });
    expect(parseRoughyUri(subtitleUri(ID, "vtt"))).toEqual({ type: "subtitle", cutId: ID, format: "vtt" });
    for (const kind of ["project", "asset", "cut", "render"] as const) {
      expect(parseRoughyUri(entityUri(kind, ID))).toEqual({ type: "entity", kind, id: ID });
    }
  });

  it.each([
    ["unknown scheme", `file:///cuts/${ID}`],
    ["unknown collection", `roughy://jobs/${ID}`],
    ["not a uuid", "roughy://cuts/123"],
    ["unknown export format", `roughy://cuts/${ID}/export/aaf`],
    ["subtitle format as export", `roughy://cuts/${ID}/export/srt`],
    ["unknown subtitle format", `roughy://cuts/${ID}/subtitle/ass`],
    ["trailing segment", `roughy://cuts/${ID}/export/edl/x`],
    ["traversal", `roughy://cuts/${ID}/../assets/${ID}`],
    ["bad frame rate", `roughy://cuts/${ID}/export/edl?frame_rate=abc`],
    ["other query", `roughy://cuts/${ID}/export/edl?x=1`],
    ["query on an entity", `roughy://cuts/${ID}?frame_rate=25`],
  ])("rejects %s", (_name, uri) => {
    expect(() => parseRoughyUri(uri)).toThrow(ProtocolError);
    try {
      parseRoughyUri(uri);
    } catch (e) {
      expect((e as ProtocolError).code).toBe(-32602);
      // The 2026-07-28 spec: a missing resource's error names the URI in data.uri.
      expect((e as ProtocolError).data).toEqual({ uri });
    }
  });

  it("leaves a huge URI out of the error's data", () => {
    const uri = `roughy://cuts/${"x".repeat(5000)}`;
    expect(() => parseRoughyUri(uri)).toThrow(ProtocolError);
    try {
      parseRoughyUri(uri);
    } catch (e) {
      expect((e as ProtocolError).data).toBeUndefined();
    }
  });
});
