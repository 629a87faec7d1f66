// Zoom and pan for the timeline bar. At an hour of source and a thousand spans a span is under a pixel wide,
// so the bar (the toolbar of span buttons, each placed in percent of the bar's width) goes into a scrolling
// viewport and is made `zoom` times as wide: every span stays exactly where its times put it, at any zoom.
// The ruler marks the visible stretch. Zoom and position outlive redraws (resize, theme) of the same cut.

import { clock, ticks, type Span } from "./model.js";
import { maxZoom, reveal, scrollToCentre, stretchLabel, tickLabel, visibleStretch } from "./viewport.js";

type Options = {
  /** The cut's id: zoom and position are kept across redraws of the same cut only. */
  key: string;
  segments: readonly Span[];
  length: number;
  /** The width to draw the ruler for before the viewport is laid out. */
  width: number;
  /** Says a change once through the view's status region. */
  announce(message: string): void;
};

let kept: { key: string; zoom: number; centre: number | null } = { key: "", zoom: 1, centre: null };

function node<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string>, text = ""): HTMLElementTagNameMap[K] {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  n.textContent = text;
  return n;
}

/** The bar in its scrolling viewport, the ruler of what is visible, and the zoom controls, in that order. */
export function zoomable(bar: HTMLElement, o: Options): HTMLElement[] {
  if (kept.key !== o.key) kept = { key: o.key, zoom: 1, centre: null };
  const view = node("div", { class: "bar-view" });
  view.append(bar);
  bar.setAttribute("aria-label", `${bar.getAttribute("aria-label") ?? "Timeline"}; plus and minus zoom, 0 shows the whole source`);
  const ruler = node("div", { class: "ruler", "aria-hidden": "true" });
  // aria-disabled, not disabled: the button keeps the focus when it reaches the end of its range.
  const out = node("button", { type: "button", id: "zoom-out", "aria-label": "Zoom out" }, "−");
  const into = node("button", { type: "button", id: "zoom-in", "aria-label": "Zoom in" }, "+");
  const whole = node("button", { type: "button", id: "zoom-whole" }, "Whole source");
  const range = node("span", { class: "range", id: "zoom-range" });
  const controls = node("div", { class: "zoom", role: "group", "aria-label": "Timeline zoom" });
  controls.append(out, into, whole, range);

  const width = (): number => view.clientWidth || o.width;
  let deepest = maxZoom(o.segments, o.length, width());
  // Until the viewport is laid out, scroll positions mean nothing: the first resize callback restores the kept one.
  let placed = false;

  const spanOf = (el: Element | null): Span | null => {
    const h = el instanceof HTMLElement && el.classList.contains("span") && bar.contains(el) ? el.dataset : null;
    return h ? { start: Number(h.start), end: Number(h.end) } : null;
  };
  /** The span zoom centres on: the focused one, else the selected one. */
  const anchor = (): Span | null => spanOf(document.activeElement) ?? spanOf(bar.querySelector('.span[aria-pressed="true"]'));

  const show = (): void => {
    const stretch = visibleStretch(view.scrollLeft, width(), kept.zoom, o.length);
    const marks = ticks(stretch.to, width(), 64, stretch.from);
    const step = marks.length > 1 ? marks[1]! - marks[0]! : 1;
    ruler.replaceChildren(
      ...marks.map((t) => {
        const tick = node("span", { class: "tick" }, tickLabel(t, step));
        const at = (t - stretch.from) / (stretch.to - stretch.from || 1);
        tick.style.left = `${(at * 100).toFixed(4)}%`;
        if (at > 0.92) tick.classList.add("end");
        return tick;
      }),
    );
    range.textContent = stretchLabel(stretch, o.length, kept.zoom);
    out.setAttribute("aria-disabled", String(kept.zoom <= 1));
    whole.setAttribute("aria-disabled", String(kept.zoom <= 1));
    into.setAttribute("aria-disabled", String(kept.zoom >= deepest));
  };

  /** Notes where the viewport now is (its middle, in source seconds) and redraws the ruler and the range. */
  const moved = (): void => {
    const s = visibleStretch(view.scrollLeft, width(), kept.zoom, o.length);
    if (placed) kept.centre = (s.from + s.to) / 2;
    show();
  };
  const scrollTo = (left: number): void => {
    view.scrollLeft = left;
    moved();
  };

  const bring = (span: Span | null): void => {
    if (placed && span) scrollTo(reveal(span, view.scrollLeft, width(), kept.zoom, o.length));
  };

  const setZoom = (zoom: number): void => {
    const next = Math.max(1, Math.min(deepest, zoom));
    if (next === kept.zoom) return;
    const a = anchor();
    const centre = a ? (a.start + a.end) / 2 : (kept.centre ?? o.length / 2);
    kept.zoom = next;
    bar.style.width = `${next * 100}%`;
    scrollTo(scrollToCentre(centre, width(), next, o.length));
    const s = visibleStretch(view.scrollLeft, width(), next, o.length);
    o.announce(next <= 1 ? "Zoom 1×, the whole source." : `Zoom ${next}×, showing ${clock(s.from)} to ${clock(s.to)}.`);
  };

  bar.style.width = `${kept.zoom * 100}%`;
  show();

  into.addEventListener("click", () => setZoom(kept.zoom * 2));
  out.addEventListener("click", () => setZoom(kept.zoom / 2));
  whole.addEventListener("click", () => setZoom(1));
  bar.addEventListener("keydown", (e) => {
    const zoom = { "+": kept.zoom * 2, "=": kept.zoom * 2, "-": kept.zoom / 2, _: kept.zoom / 2, "0": 1 }[e.key];
    if (zoom === undefined || e.ctrlKey || e.metaKey || e.altKey) return;
    e.preventDefault();
    setZoom(zoom);
  });
  // The focused span (arrow keys, Go to) and a newly selected one (a word row) are kept in view.
  bar.addEventListener("focusin", (e) => bring(spanOf(e.target as Element)));
  new MutationObserver((records) => {
    const chosen = records.find((r) => r.oldValue !== "true" && (r.target as Element).getAttribute("aria-pressed") === "true");
    if (chosen) bring(spanOf(chosen.target as Element));
  }).observe(bar, { subtree: true, attributeFilter: ["aria-pressed"], attributeOldValue: true });
  // A span scrolled under a resting pointer gets a mouseenter too, at the pointer's old position. That is not the
  // user pointing: let it through and the hovered span's detail replaces the focused one's while arrow keys pan.
  let pointer = "";
  view.addEventListener("mousemove", (e) => void (pointer = `${e.screenX},${e.screenY}`), true);
  view.addEventListener("mouseenter", (e) => {
    if (e.target !== view && `${e.screenX},${e.screenY}` === pointer) e.stopPropagation();
  }, true);
  view.addEventListener("scroll", () => {
    if (placed && view.isConnected) moved();
  });
  new ResizeObserver(() => {
    if (!view.isConnected || view.clientWidth === 0) return;
    deepest = maxZoom(o.segments, o.length, view.clientWidth);
    if (kept.zoom > deepest) {
      kept.zoom = deepest;
      bar.style.width = `${deepest * 100}%`;
    }
    placed = true;
    scrollTo(kept.centre === null ? 0 : scrollToCentre(kept.centre, view.clientWidth, kept.zoom, o.length));
    bring(spanOf(document.activeElement));
  }).observe(view);
  return [view, ruler, controls];
}
