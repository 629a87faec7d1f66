// URL building in one small pure module: every id that goes into a path passes through encodeSegment, so
// an id like "../credits" can never turn one request into another, and the base URL a user types
// ("https://api.roughy.ai/", ".../v1") is normalised once.

export class PathSegmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PathSegmentError";
  }
}

/** Percent-encodes one path segment; rejects the empty, `.` and `..` segments, which would change the route. */
export function encodeSegment(value: string): string {
  if (typeof value !== "string") throw new PathSegmentError("A path id must be a string.");
  if (value === "" || value === "." || value === "..") {
    throw new PathSegmentError(`"${value}" is not a usable id in a URL path.`);
  }
  return encodeURIComponent(value);
}

/** Fills `{name}` placeholders of a path template with encoded segments. */
export function fillPath(template: string, params: Readonly<Record<string, string>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new PathSegmentError(`Missing path parameter "${name}".`);
    return encodeSegment(value);
  });
}

export type QueryValue = string | number | boolean | null | undefined;

/** `?a=1&b=2`, leaving out null/undefined values; empty string when nothing is left. */
export function buildQuery(query: Readonly<Record<string, QueryValue>> | undefined): string {
  if (!query) return "";
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) sp.append(k, String(v));
  const s = sp.toString();
  return s === "" ? "" : `?${s}`;
}

export const DEFAULT_BASE_URL = "https://api.roughy.ai";

/**
 * Normalises a base URL to origin plus any path prefix, without a trailing "/" or "/v1" (the client adds
 * "/v1/..." itself). Throws on something that is not an http(s) URL.
 */
export function normalizeBaseUrl(input: string | undefined): string {
  const raw = (input ?? "").trim() || DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(`Roughy base URL "${raw}" is not a URL (expected e.g. ${DEFAULT_BASE_URL}).`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`Roughy base URL must be http(s), not ${url.protocol}`);
  }
  if (url.username || url.password) throw new TypeError("Roughy base URL must not carry credentials.");
  let path = url.pathname.replace(/\/+$/, "");
  if (/\/v1$/i.test(path)) path = path.slice(0, -3);
  path = path.replace(/\/+$/, "");
  return `${url.origin}${path}`;
}

/** Resolves a `Location` (or a URL field) that may be absolute or relative against the request URL. */
export function resolveLocation(location: string, requestUrl: string): string {
  return new URL(location, requestUrl).toString();
}
