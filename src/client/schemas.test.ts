import { describe, expect, it } from "vitest";
import { CutSchema, parseTimestamp } from "./schemas.js";

describe("parseTimestamp accepts every FastAPI form", () => {
  const same = Date.parse("2023-11-07T05:31:56.000Z");
  it.each([
    "2023-11-07T05:31:56Z",
    "2023-11-07T05:31:56+00:00",
    "2023-11-07T05:31:56.000000+00:00",
    "2023-11-07T05:31:56.000Z",
    "2023-11-07T05:31:56",
    "2023-11-07 05:31:56+0000",
    "2023-11-07T07:31:56+02:00",
  ])("%s", (s) => {
    expect(parseTimestamp(s)?.getTime()).toBe(same);
  });
  it("keeps milliseconds of a microsecond timestamp", () => {
    expect(parseTimestamp("2023-11-07T05:31:56.123456Z")?.getTime()).toBe(same + 123);
  });
  it("rejects what is not a date-time", () => {
    for (const s of ["2023-11-07", "yesterday", "2023-13-45T99:00:00Z", ""]) expect(parseTimestamp(s)).toBeNull();
  });
});

describe("response schemas", () => {
  const cut = {
    id: "c",
    asset_id: "a",
    state: "completed",
    script: null,
    error_code: null,
    error_message: null,
    created_at: "2023-11-07T05:31:56.123456+00:00",
    started_at: null,
    completed_at: "2023-11-07T05:31:57Z",
  };
  it("passes unknown fields and unknown states through", () => {
    const parsed = CutSchema.parse({ ...cut, state: "archived", extra: { x: 1 } });
    expect(parsed.state).toBe("archived");
    expect((parsed as Record<string, unknown>).extra).toEqual({ x: 1 });
  });
  it("requires the documented cut fields", () => {
    const { script: _s, ...missing } = cut;
    expect(CutSchema.safeParse(missing).success).toBe(false);
    expect(CutSchema.safeParse({ ...cut, created_at: "last tuesday" }).success).toBe(false);
  });
});
