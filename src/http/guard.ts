// The checks a request passes before any MCP work: DNS-rebinding protection (Host and Origin must be on
// the allowed lists), and the caller's own Roughy key from `Authorization: Bearer`. Pure functions, so the
// rules are tested on their own (guard.test.ts).

/** Host header values a loopback server answers to by default: the names a local client uses, with the port. */
export function defaultAllowedHosts(host: string, port: number): string[] {
  const names = new Set(["localhost", "127.0.0.1", "[::1]"]);
  // A server bound to a concrete name also answers to it; a wildcard bind (0.0.0.0, ::) names nothing useful,
  // so such a deployment must list its public names with --allowed-hosts.
  if (host !== "0.0.0.0" && host !== "::" && host !== "") names.add(host.includes(":") && !host.startsWith("[") ? `[${host}]` : host);
  return [...names].map((name) => `${name}:${port}`);
}

/** Origins of browser pages allowed to call the server: the same loopback names over http. */
export function defaultAllowedOrigins(allowedHosts: readonly string[]): string[] {
  return allowedHosts.map((host) => `http://${host}`);
}

/** Splits a comma-separated list (flags and env), dropping empty entries. */
export function parseList(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** "[::1]:3000" -> ["[::1]", "3000"], "example.com" -> ["example.com", null]. */
function splitHostPort(value: string): [string, string | null] {
  const v = value.trim().toLowerCase();
  if (v.startsWith("[")) {
    const end = v.indexOf("]");
    if (end < 0) return [v, null];
    const rest = v.slice(end + 1);
    return [v.slice(0, end + 1), rest.startsWith(":") ? rest.slice(1) : null];
  }
  const colon = v.lastIndexOf(":");
  if (colon < 0) return [v, null];
  return [v.slice(0, colon), v.slice(colon + 1)];
}

/**
 * Whether a Host header names this server. An entry with a port must match exactly; an entry without one
 * (e.g. "mcp.example.com" behind a proxy on 443) matches that name on any port. No Host header: refused.
 */
export function hostAllowed(hostHeader: string | undefined, allowed: readonly string[]): boolean {
  if (!hostHeader) return false;
  const [name, port] = splitHostPort(hostHeader);
  return allowed.some((entry) => {
    const [allowedName, allowedPort] = splitHostPort(entry);
    return allowedName === name && (allowedPort === null || allowedPort === port);
  });
}

/**
 * Whether an Origin header is acceptable. Browsers send one on cross-origin requests, which is what a
 * rebinding attack is; other clients (SDKs, curl) send none, and that is allowed. "null" is an origin too.
 */
export function originAllowed(originHeader: string | undefined, allowed: readonly string[]): boolean {
  if (originHeader === undefined) return true;
  const origin = originHeader.trim().toLowerCase().replace(/\/+$/, "");
  return allowed.some((entry) => entry.trim().toLowerCase().replace(/\/+$/, "") === origin);
}

/** The key in `Authorization: Bearer <key>`, or null when absent or of another scheme. */
export function bearerKey(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}
