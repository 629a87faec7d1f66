import { describe, expect, it } from "vitest";
import { buildQuery, encodeSegment, fillPath, normalizeBaseUrl, PathSegmentError, resolveLocation } from "./paths.js";

describe("encodeSegment / fillPath", () => {
  it("rejects segments that would change the route", () => {
    for (const bad of ["", ".", ".."]) expect(() => encodeSegment(bad)).toThrow(PathSegmentError);
  });
  it("percent-encodes everything that could escape the segment", () => {
    expect(encodeSegment("../credits")).toBe("..%2Fcredits");
    expect(encodeSegment("a b?c#d")).toBe("a%20b%3Fc%23d");
    expect(fillPath("/v1/cuts/{id}/export", { id: "x/y" })).toBe("/v1/cuts/x%2Fy/export");
  });
  it("refuses a missing parameter", () => {
    expect(() => fillPath("/v1/cuts/{id}", {})).toThrow(PathSegmentError);
  });
  it("builds a query without null/undefined values", () => {
    expect(buildQuery({ limit: 5, offset: undefined, state: null, format: "edl" })).toBe("?limit=5&format=edl");
    expect(buildQuery({})).toBe("");
  });
});

describe("normalizeBaseUrl", () => {
  it("tolerates a trailing slash or /v1", () => {
    for (const u of ["https://api.roughy.ai", "https://api.roughy.ai/", "https://api.roughy.ai/v1", "https://api.roughy.ai/v1/"]) {
      expect(normalizeBaseUrl(u)).toBe("https://api.roughy.ai");
    }
    expect(normalizeBaseUrl("http://127.0.0.1:4010/prefix/v1/")).toBe("http://127.0.0.1:4010/prefix");
    expect(normalizeBaseUrl(undefined)).toBe("https://api.roughy.ai");
  });
  it("refuses non-http URLs and embedded credentials", () => {
    expect(() => normalizeBaseUrl("ftp://x")).toThrow(TypeError);
    expect(() => normalizeBaseUrl("not a url")).toThrow(TypeError);
    expect(() => normalizeBaseUrl("https://u:p@api.roughy.ai")).toThrow(TypeError);
  });
});

describe("resolveLocation", () => {
  it("resolves relative and keeps absolute Locations", () => {
    expect(resolveLocation("/v1/cuts/1", "http://h:1/v1/cuts")).toBe("http://h:1/v1/cuts/1");
    expect(resolveLocation("https://up.example/t/1", "http://h:1/v1/assets")).toBe("https://up.example/t/1");
  });
});
