import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnsafePathError, isInside, joinInside, resolveInside, safeSegment } from "./safe-path.js";

// Layout on a real temporary directory:
//   root/data/              the trusted dir
//   root/data/sub/file.txt
//   root/data/link-in   ->  data/sub             (a symlink that stays inside)
//   root/data/link-out  ->  root/data-evil       (a symlink that escapes)
//   root/data/dangling  ->  root/data-evil/new   (escapes, target not yet there)
//   root/data-evil/secret.txt                    (a sibling sharing the prefix)
let root: string;
let data: string;

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof UnsafePathError) return err.reason;
    throw err;
  }
  return "allowed";
}

beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "safe-path-")));
  data = path.join(root, "data");
  fs.mkdirSync(path.join(data, "sub"), { recursive: true });
  fs.writeFileSync(path.join(data, "sub", "file.txt"), "ok");
  fs.mkdirSync(path.join(root, "data-evil"));
  fs.writeFileSync(path.join(root, "data-evil", "secret.txt"), "secret");
  fs.symlinkSync(path.join(data, "sub"), path.join(data, "link-in"));
  fs.symlinkSync(path.join(root, "data-evil"), path.join(data, "link-out"));
  fs.symlinkSync(path.join(root, "data-evil", "new"), path.join(data, "dangling"));
  fs.symlinkSync("loop-b", path.join(data, "loop-a"));
  fs.symlinkSync("loop-a", path.join(data, "loop-b"));
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe("allowed paths", () => {
  it("resolves plain relative paths, existing or not, inside the dir", () => {
    expect(resolveInside(data, "sub/file.txt")).toBe(path.join(data, "sub", "file.txt"));
    expect(resolveInside(data, "sub/new/deeper.bin")).toBe(path.join(data, "sub", "new", "deeper.bin"));
    expect(resolveInside(data, "./sub/../sub/file.txt")).toBe(path.join(data, "sub", "file.txt"));
    expect(resolveInside(data, ".")).toBe(data);
    expect(joinInside(data, "sub", "file.txt")).toBe(path.join(data, "sub", "file.txt"));
  });

  it("follows a symlink that stays inside", () => {
    expect(resolveInside(data, "link-in/file.txt")).toBe(path.join(data, "sub", "file.txt"));
  });
});

describe("attack: traversal with ..", () => {
  it.each(["..", "../data-evil/secret.txt", "sub/../../data-evil", "sub/../../../etc/passwd", "./../data/../data-evil"])(
    "%s is refused",
    (p) => {
      expect(reason(() => resolveInside(data, p))).toBe("escape");
    },
  );
  it("a .. that stays inside is fine", () => {
    expect(resolveInside(data, "sub/../sub/file.txt")).toBe(path.join(data, "sub", "file.txt"));
  });
});

describe("attack: absolute paths", () => {
  it.each(["/etc/passwd", "/", "C:\\Windows\\win.ini", "\\\\server\\share\\x"])("%s is refused", (p) => {
    expect(reason(() => resolveInside(data, p))).toBe("absolute");
  });
  it("even an absolute path that points inside is refused where a relative one is expected", () => {
    expect(reason(() => resolveInside(data, path.join(data, "sub", "file.txt")))).toBe("absolute");
  });
});

describe("attack: NUL bytes and empty", () => {
  it.each(["sub/file.txt\0.png", "\0", "sub\0/../../x"])("%j is refused", (p) => {
    expect(reason(() => resolveInside(data, p))).toBe("nul");
  });
  it("empty is refused", () => {
    expect(reason(() => resolveInside(data, ""))).toBe("empty");
    expect(reason(() => safeSegment(""))).toBe("empty");
  });
});

describe("attack: prefix sibling (/data-evil next to /data)", () => {
  it("isInside compares against dir + separator, not a bare prefix", () => {
    expect(isInside(data, path.join(root, "data-evil", "secret.txt"))).toBe(false);
    expect(isInside(data, path.join(root, "data-evil"))).toBe(false);
    expect(isInside(data, data)).toBe(true);
    expect(isInside(data, path.join(data, "x"))).toBe(true);
    expect(isInside(data + path.sep, path.join(data, "x"))).toBe(true);
  });
  it("../data-evil is refused", () => {
    expect(reason(() => resolveInside(data, "../data-evil/secret.txt"))).toBe("escape");
  });
});

describe("attack: symlinks that escape", () => {
  it("a symlinked directory pointing out is refused, for existing and new files", () => {
    expect(reason(() => resolveInside(data, "link-out/secret.txt"))).toBe("escape");
    expect(reason(() => resolveInside(data, "link-out/new-file"))).toBe("escape");
    expect(reason(() => resolveInside(data, "link-out"))).toBe("escape");
  });
  it("a dangling symlink whose target would be created outside is refused", () => {
    expect(reason(() => resolveInside(data, "dangling"))).toBe("escape");
  });
  it("a symlink loop is refused", () => {
    expect(reason(() => resolveInside(data, "loop-a"))).toBe("escape");
  });
  it("a trusted dir that is itself reached through a symlink still works", () => {
    const alias = path.join(root, "alias");
    fs.symlinkSync(data, alias);
    expect(resolveInside(alias, "sub/file.txt")).toBe(path.join(data, "sub", "file.txt"));
    expect(reason(() => resolveInside(alias, "../data-evil"))).toBe("escape");
  });
});

describe("attack: encoded forms", () => {
  // The module takes decoded paths (the HTTP layer decodes once). An encoded form that arrives undecoded is a
  // literal, harmless file name inside the dir; decoding it first is caught like the plain form.
  it.each(["%2e%2e/%2e%2e/etc/passwd", "..%2f..%2fetc", "%2e%2e%5c%2e%2e", "\uff0e\uff0e/x", "..\u2215x"])(
    "%s undecoded stays inside as a literal name",
    (p) => {
      const out = resolveInside(data, p);
      expect(isInside(data, out)).toBe(true);
    },
  );
  it.each(["%2e%2e/%2e%2e/etc/passwd", "..%2f..%2fetc", "%2E%2E%2Fdata-evil"])("%s once decoded is refused", (p) => {
    expect(reason(() => resolveInside(data, decodeURIComponent(p)))).toBe("escape");
  });
  it("%00 decoded is a NUL", () => {
    expect(reason(() => resolveInside(data, decodeURIComponent("file.txt%00.png")))).toBe("nul");
  });
});

describe("single components", () => {
  it.each(["..", ".", "a/b", "a\\b", "../x", "x\0"])("safeSegment(%j) refuses", (s) => {
    expect(reason(() => safeSegment(s))).not.toBe("allowed");
  });
  it("joinInside refuses a segment that smuggles a separator", () => {
    expect(reason(() => joinInside(data, "sub", "../../data-evil"))).toBe("segment");
    expect(reason(() => joinInside(data, "link-out", "secret.txt"))).toBe("escape");
  });
  it("accepts ids and ordinary names", () => {
    expect(safeSegment("3f0c2a8e-7b1d-4c1e-9a55-0e1f2a3b4c5d")).toBe("3f0c2a8e-7b1d-4c1e-9a55-0e1f2a3b4c5d");
    expect(safeSegment("interview take 2.mp4")).toBe("interview take 2.mp4");
  });
});
