// The arithmetic of the zoomed bar: how deep zoom may go, which stretch of the source a scroll position shows,
// where to scroll so a span is in view, and the ruler's labels. No DOM here, so the tests hold the drawn view
// to the same numbers.

import { clock, type Span } from "./model.js";

/** How narrow the shortest span may be at the deepest zoom (px): wide enough to point at and to see. */
export const MIN_SPAN_PX = 8;
/** How wide the zoomed bar may get (px). Spans are placed in percent of it, so precision caps it, not the browser. */
export const MAX_BAR_PX = 2 ** 20;

/** The deepest zoom worth offering, a power of two: where the shortest span is MIN_SPAN_PX wide (at least 4×). */
export function maxZoom(segments: readonly Span[], length: number, widthPx: number): number {
  if (!(length > 0) || !(widthPx > 0)) return 1;
  const shortest = segments.reduce((m, s) => Math.min(m, s.end - s.start), Infinity);
  const need = shortest > 0 && Number.isFinite(shortest) ? (MIN_SPAN_PX * length) / (shortest * widthPx) : 1;
  let zoom = 4;
  while (zoom < need && zoom * 2 * widthPx <= MAX_BAR_PX) zoom *= 2;
  return zoom;
}

export type Stretch = { from: number; to: number };

/** The stretch of source seen through a viewport `widthPx` wide, scrolled `scrollLeft` into a bar `zoom` times as wide. */
export function visibleStretch(scrollLeft: number, widthPx: number, zoom: number, length: number): Stretch {
  const barPx = widthPx * zoom;
  if (!(barPx > 0)) return { from: 0, to: length };
  return { from: Math.max(0, (scrollLeft / barPx) * length), to: Math.min(length, ((scrollLeft + widthPx) / barPx) * length) };
}

const clamp = (x: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, x));

/** The scroll position that puts source time `t` in the middle of the viewport, as far as the bar allows. */
export function scrollToCentre(t: number, widthPx: number, zoom: number, length: number): number {
  const barPx = widthPx * zoom;
  return length > 0 ? clamp((t / length) * barPx - widthPx / 2, 0, Math.max(0, barPx - widthPx)) : 0;
}

/**
 * Where to scroll so `span` is in view with `margin` (a share of the viewport) to spare on each side: where it is
 * already, else centred on it (a span wider than the viewport shows its start).
 */
export function reveal(span: Span, scrollLeft: number, widthPx: number, zoom: number, length: number, margin = 0.1): number {
  if (!(length > 0)) return scrollLeft;
  const barPx = widthPx * zoom;
  const a = (span.start / length) * barPx;
  const b = (span.end / length) * barPx;
  const pad = margin * widthPx;
  if (b - a > widthPx - 2 * pad) return clamp(a - pad, 0, Math.max(0, barPx - widthPx));
  if (a >= scrollLeft + pad - 0.5 && b <= scrollLeft + widthPx - pad + 0.5) return scrollLeft;
  return scrollToCentre((span.start + span.end) / 2, widthPx, zoom, length);
}

/** A ruler label: tenths where the marks are under a second apart, whole seconds otherwise. */
export function tickLabel(t: number, step: number): string {
  if (step >= 1) return clock(t, false);
  return t < 600 ? clock(t) : `${clock(t, false)}.${Math.floor((t % 1) * 10 + 1e-6)}`;
}

/** "0:00–4:15 of 1:01:02 (16×)": what the zoomed bar shows, for people. */
export function stretchLabel(s: Stretch, length: number, zoom: number): string {
  return zoom <= 1 ? `Whole source, ${clock(length)}` : `${clock(s.from)}–${clock(s.to)} of ${clock(length)} (${zoom}×)`;
}
