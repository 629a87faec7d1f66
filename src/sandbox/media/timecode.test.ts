import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  fcpxFrameDurationString,
  fcpxTime,
  framesPerDay,
  framesToSeconds,
  framesToTimecode,
  parseFcpxTime,
  secondsToFrames,
  snapSegments,
  timecodeToFrames,
  toFrameRate,
} from "./timecode.js";

const R2997 = toFrameRate(29.97);
const R5994 = toFrameRate(59.94);

describe("toFrameRate", () => {
  it("maps typed and probed floats to the exact rationals", () => {
    for (const [input, num, den] of [
      [29.97, 30000, 1001],
      [29.97002997, 30000, 1001],
      [30000 / 1001, 30000, 1001],
      [23.976, 24000, 1001],
      [23.98, 24000, 1001],
      [59.94, 60000, 1001],
      [25, 25, 1],
      [24, 24, 1],
      [30, 30, 1],
      [50, 50, 1],
      [60, 60, 1],
      [12.5, 25, 2],
    ] as const) {
      const r = toFrameRate(input);
      expect([r.num, r.den], String(input)).toEqual([num, den]);
    }
  });

  it("gives the xmeml timebase and ntsc flag", () => {
    expect([R2997.timebase, R2997.ntsc]).toEqual([30, true]);
    expect([toFrameRate(23.976).timebase, toFrameRate(23.976).ntsc]).toEqual([24, true]);
    expect([R5994.timebase, R5994.ntsc]).toEqual([60, true]);
    expect([toFrameRate(25).timebase, toFrameRate(25).ntsc]).toEqual([25, false]);
  });

  it("rejects nonsense", () => {
    expect(() => toFrameRate(0)).toThrow(RangeError);
    expect(() => toFrameRate(Number.NaN)).toThrow(RangeError);
    expect(() => toFrameRate(-25)).toThrow(RangeError);
  });
});

describe("FCPXML times", () => {
  it("writes frame durations as Final Cut Pro does", () => {
    expect(fcpxFrameDurationString(R2997)).toBe("1001/30000s");
    expect(fcpxFrameDurationString(toFrameRate(23.976))).toBe("1001/24000s");
    expect(fcpxFrameDurationString(toFrameRate(25))).toBe("100/2500s");
    expect(fcpxFrameDurationString(toFrameRate(30))).toBe("100/3000s");
  });
  it("matches the reference example's numbers", () => {
    expect(fcpxTime(30, R2997)).toBe("30030/30000s");
    expect(fcpxTime(300, R2997)).toBe("300300/30000s");
    expect(fcpxTime(0, R2997)).toBe("0s");
    expect(parseFcpxTime("150150/30000s")).toBeCloseTo(5.005, 9);
    expect(parseFcpxTime("3s")).toBe(3);
  });
});

describe("SMPTE timecode", () => {
  it("drop-frame spot checks at 29.97", () => {
    expect(framesToTimecode(1800, R2997, true)).toBe("00:01:00;02");
    expect(framesToTimecode(1799, R2997, true)).toBe("00:00:59;29");
    expect(framesToTimecode(17982, R2997, true)).toBe("00:10:00;00");
    expect(framesToTimecode(107892, R2997, true)).toBe("01:00:00;00");
    expect(timecodeToFrames("00:01:00;02", R2997)).toBe(1800);
    expect(timecodeToFrames("00:10:00;00", R2997)).toBe(17982);
  });

  it("drop-frame spot checks at 59.94", () => {
    expect(framesToTimecode(3600, R5994, true)).toBe("00:01:00;04");
    expect(framesToTimecode(35964, R5994, true)).toBe("00:10:00;00");
  });

  it("non-drop counts every label", () => {
    expect(framesToTimecode(108000, R2997)).toBe("01:00:00:00");
    expect(framesToTimecode(30, R2997)).toBe("00:00:01:00");
    expect(framesToTimecode(25 * 3661 + 7, toFrameRate(25))).toBe("01:01:01:07");
    expect(timecodeToFrames("01:00:00:00", R2997)).toBe(108000);
  });

  it("rejects labels drop-frame skips and malformed strings", () => {
    expect(() => timecodeToFrames("00:01:00;00", R2997)).toThrow(RangeError);
    expect(() => timecodeToFrames("00:01:00;01", R2997)).toThrow(RangeError);
    expect(() => timecodeToFrames("00:61:00:00", R2997)).toThrow(RangeError);
    expect(() => timecodeToFrames("00:00:00:30", R2997)).toThrow(RangeError);
    expect(() => timecodeToFrames("1:2:3", R2997)).toThrow(RangeError);
  });

  it("wraps at 24 hours", () => {
    expect(framesToTimecode(framesPerDay(R2997, true), R2997, true)).toBe("00:00:00;00");
    expect(framesToTimecode(framesPerDay(R2997, true) - 1, R2997, true)).toBe("23:59:59;29");
  });

  const rates = [
    [R2997, true],
    [R5994, true],
    [R2997, false],
    [toFrameRate(23.976), false],
    [toFrameRate(25), false],
    [toFrameRate(24), false],
    [toFrameRate(50), false],
    [toFrameRate(60), false],
  ] as const;

  for (const [rate, df] of rates) {
    it(`frames -> timecode -> frames round-trips over 24 h at ${rate.num}/${rate.den} ${df ? "DF" : "NDF"}`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: framesPerDay(rate, df) - 1 }), (frames) => {
          const tc = framesToTimecode(frames, rate, df);
          expect(tc).toMatch(df ? /^\d\d:\d\d:\d\d;\d\d$/ : /^\d\d:\d\d:\d\d:\d\d$/);
          expect(timecodeToFrames(tc, rate)).toBe(frames);
        }),
        { numRuns: 2000 },
      );
    });
  }

  it("drop-frame labels advance by exactly one real frame each", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: framesPerDay(R2997, true) - 2 }), (frames) => {
        const a = timecodeToFrames(framesToTimecode(frames, R2997, true), R2997);
        const b = timecodeToFrames(framesToTimecode(frames + 1, R2997, true), R2997);
        expect(b - a).toBe(1);
      }),
    );
  });
});

describe("snapSegments", () => {
  it("reproduces the reference cut", () => {
    const segs = [
      { start: framesToSeconds(30, R2997), end: framesToSeconds(90, R2997) },
      { start: framesToSeconds(150, R2997), end: framesToSeconds(240, R2997) },
    ];
    expect(snapSegments(segs, R2997, 300)).toEqual([
      { srcIn: 30, srcOut: 90, recIn: 0, recOut: 60 },
      { srcIn: 150, srcOut: 240, recIn: 60, recOut: 150 },
    ]);
  });

  it("drops slivers shorter than half a frame and clamps to the media", () => {
    const r = toFrameRate(25);
    expect(snapSegments([{ start: 1.0, end: 1.01 }], r)).toEqual([]);
    expect(snapSegments([{ start: 9.5, end: 12 }], r, 250)).toEqual([{ srcIn: 238, srcOut: 250, recIn: 0, recOut: 12 }]);
  });

  it("keeps durations adding up, never emits an empty event, and stays within a frame of the input", () => {
    const segList = fc
      .array(fc.tuple(fc.double({ min: 0, max: 30, noNaN: true }), fc.double({ min: 0, max: 30, noNaN: true })), {
        maxLength: 30,
      })
      .map((pairs) => {
        // Turn gaps/lengths into ordered, non-overlapping segments.
        let t = 0;
        return pairs.map(([gap, len]) => {
          const start = t + gap;
          t = start + len;
          return { start, end: t };
        });
      });
    fc.assert(
      fc.property(segList, fc.constantFrom(23.976, 24, 25, 29.97, 30, 50, 59.94, 60), (segs, fps) => {
        const rate = toFrameRate(fps);
        const framed = snapSegments(segs, rate);
        let rec = 0;
        let lastOut = 0;
        for (const f of framed) {
          expect(f.srcOut).toBeGreaterThan(f.srcIn);
          expect(f.recIn).toBe(rec);
          expect(f.recOut - f.recIn).toBe(f.srcOut - f.srcIn);
          expect(f.srcIn).toBeGreaterThanOrEqual(lastOut);
          rec = f.recOut;
          lastOut = f.srcOut;
        }
        const total = framed.reduce((n, f) => n + f.srcOut - f.srcIn, 0);
        expect(total).toBe(rec);
        const secondsKept = segs.reduce((n, s) => n + (s.end - s.start), 0);
        // Each segment can gain or lose at most one frame (half at each end).
        expect(Math.abs(framesToSeconds(total, rate) - secondsKept)).toBeLessThanOrEqual(
          (segs.length * rate.den) / rate.num + 1e-9,
        );
        for (const s of segs) {
          expect(Math.abs(framesToSeconds(secondsToFrames(s.start, rate), rate) - s.start)).toBeLessThanOrEqual(
            (0.5 * rate.den) / rate.num + 1e-9,
          );
        }
      }),
    );
  });
});
