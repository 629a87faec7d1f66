// The zoomed bar's arithmetic (ui/src/viewport.ts, and the windowed ruler marks of ui/src/model.ts): how deep
// zoom goes, what a scroll position shows, where a span is brought into view. Numbers worked by hand here.
import { describe, expect, it } from "vitest";
import { ticks } from "../../ui/src/model.js";
import { MAX_BAR_PX, maxZoom, reveal, scrollToCentre, stretchLabel, tickLabel, visibleStretch } from "../../ui/src/viewport.js";

describe("the zoomed bar", () => {
  it("zooms until the shortest span is 8 px wide, in powers of two, at least 4×, never past a million px", () => {
    // A 2 s span of an hour on 720 px is 0.4 px: 32× makes it 12.8 px (16× would be 6.4).
    expect(maxZoom([{ start: 0, end: 2 }, { start: 10, end: 30 }], 3600, 720)).toBe(32);
    // Wide spans already: 4× all the same.
    expect(maxZoom([{ start: 0, end: 30 }], 60, 720)).toBe(4);
    // A 10 ms blip in an hour would want 4,000,000×: the bar stops at a million px.
    const deep = maxZoom([{ start: 0, end: 0.01 }], 3600, 720);
    expect(deep * 720).toBeLessThanOrEqual(MAX_BAR_PX);
    expect(deep * 2 * 720).toBeGreaterThan(MAX_BAR_PX);
    expect(maxZoom([], 0, 720)).toBe(1);
  });

  it("shows the stretch a scroll position looks at, and centres a time where the bar allows", () => {
    // 600 px viewport, 4× bar (2,400 px) over 1,200 s: 2 px a second.
    expect(visibleStretch(0, 600, 1, 1200)).toEqual({ from: 0, to: 1200 });
    expect(visibleStretch(600, 600, 4, 1200)).toEqual({ from: 300, to: 600 });
    expect(scrollToCentre(450, 600, 4, 1200)).toBe(600);
    expect(scrollToCentre(10, 600, 4, 1200)).toBe(0);
    expect(scrollToCentre(1190, 600, 4, 1200)).toBe(1800);
  });

  it("leaves a span in view where it is, and centres one outside the viewport or its margins", () => {
    // Viewport 300..900 s of bar px (150..450 s); margin 60 px.
    expect(reveal({ start: 200, end: 210 }, 300, 600, 4, 1200)).toBe(300);
    // Past the right margin (span at 860..880 px): centred on 435 s = 870 px, so scrolled to 570.
    expect(reveal({ start: 430, end: 440 }, 300, 600, 4, 1200)).toBe(570);
    // Left of the viewport.
    expect(reveal({ start: 0, end: 5 }, 300, 600, 4, 1200)).toBe(0);
    // Wider than the viewport: its start, with the margin before it.
    expect(reveal({ start: 500, end: 900 }, 0, 600, 4, 1200)).toBe(940);
  });

  it("marks the ruler of a visible stretch at round steps, labelled in tenths when under a second apart", () => {
    expect(ticks(330, 600, 64, 300)).toEqual([300, 305, 310, 315, 320, 325, 330]);
    expect(ticks(91.3, 600, 64, 87.3)).toEqual([87.5, 88, 88.5, 89, 89.5, 90, 90.5, 91]);
    expect(tickLabel(87.5, 0.5)).toBe("1:27.5");
    expect(tickLabel(3725.5, 0.5)).toBe("1:02:05.5");
    expect(tickLabel(3725, 5)).toBe("1:02:05");
    expect(stretchLabel({ from: 0, to: 3662 }, 3662, 1)).toBe("Whole source, 1:01:02");
    expect(stretchLabel({ from: 600, to: 840 }, 3662, 16)).toBe("10:00–14:00 of 1:01:02 (16×)");
  });
});
