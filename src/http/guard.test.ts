import { describe, expect, it } from "vitest";
import { bearerKey, defaultAllowedHosts, defaultAllowedOrigins, hostAllowed, originAllowed, parseList } from "./guard.js";

describe("Host checks (DNS rebinding)", () => {
  const allowed = defaultAllowedHosts("127.0.0.1", 3000);

  it("accepts the loopback names with the server's port", () => {
    for (const host of ["localhost:3000", "127.0.0.1:3000", "[::1]:3000", "LOCALHOST:3000"]) expect(hostAllowed(host, allowed)).toBe(true);
  });

  it("refuses other names, other ports, a missing port and a missing header", () => {
    for (const host of ["evil.example:3000", "localhost:3001", "localhost", "127.0.0.1.evil.example:3000", "[::2]:3000", ""]) {
      expect(hostAllowed(host, allowed)).toBe(false);
    }
    expect(hostAllowed(undefined, allowed)).toBe(false);
  });

  it("an entry without a port allows that name on any port (behind a proxy)", () => {
    expect(hostAllowed("mcp.example.com", ["mcp.example.com"])).toBe(true);
    expect(hostAllowed("mcp.example.com:443", ["mcp.example.com"])).toBe(true);
    expect(hostAllowed("evil.example.com", ["mcp.example.com"])).toBe(false);
  });

  it("a concrete bind address is allowed; a wildcard bind adds nothing", () => {
    expect(hostAllowed("10.0.0.5:8080", defaultAllowedHosts("10.0.0.5", 8080))).toBe(true);
    expect(defaultAllowedHosts("0.0.0.0", 8080)).toEqual(["localhost:8080", "127.0.0.1:8080", "[::1]:8080"]);
  });
});

describe("Origin checks", () => {
  const origins = defaultAllowedOrigins(defaultAllowedHosts("127.0.0.1", 3000));

  it("allows no Origin (non-browser clients) and the loopback origins", () => {
    expect(originAllowed(undefined, origins)).toBe(true);
    expect(originAllowed("http://localhost:3000", origins)).toBe(true);
    expect(originAllowed("http://127.0.0.1:3000/", origins)).toBe(true);
  });

  it("refuses other origins, including null and https on the same name", () => {
    for (const origin of ["http://evil.example", "null", "https://localhost:3000", "http://localhost:3001"]) expect(originAllowed(origin, origins)).toBe(false);
  });
});

describe("bearer keys and lists", () => {
  it("takes the key from Authorization: Bearer only", () => {
    expect(bearerKey("Bearer sk_abc")).toBe("sk_abc");
    expect(bearerKey("bearer   sk_abc ")).toBe("sk_abc");
    expect(bearerKey("Basic dXNlcjpwYXNz")).toBeNull();
    expect(bearerKey("Bearer")).toBeNull();
    expect(bearerKey("Bearer a b")).toBeNull();
    expect(bearerKey(undefined)).toBeNull();
  });

  it("splits comma lists", () => {
    expect(parseList(" a:1, ,b ")).toEqual(["a:1", "b"]);
    expect(parseList(undefined)).toEqual([]);
  });
});
