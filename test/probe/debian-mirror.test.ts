import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, expect, test } from "vitest";
import { aptSources, debianMirror } from "../support/debian-mirror.js";

// The real-software tests bootstrap Debian from the mirror the machine is configured with.
const dirs: string[] = [];
function etcApt(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "shipshape-apt-"));
  dirs.push(dir);
  mkdirSync(path.join(dir, "sources.list.d"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

test("deb822 .sources: the stanza carrying the suite's main component, not security or disabled ones", () => {
  const dir = etcApt({
    "sources.list.d/debian.sources": [
      "Types: deb",
      "# http://snapshot.debian.org/archive/debian/20250520T000000Z",
      "URIs: http://mirror.example/debian",
      "Suites: bookworm bookworm-updates",
      "Components: main",
      "",
      "Types: deb",
      "URIs: http://mirror.example/debian-security",
      "Suites: bookworm-security",
      "Components: main",
      "",
    ].join("\n"),
    "sources.list.d/off.sources": "Types: deb\nEnabled: no\nURIs: http://off.example/debian\nSuites: bookworm\nComponents: main\n",
    "sources.list.d/other.list.disabled-by-farm": "deb http://ignored.example/debian bookworm main\n",
  });
  expect(debianMirror("bookworm", dir)).toBe("http://mirror.example/debian");
  expect(aptSources(dir).map((s) => s.uri)).toEqual(["http://mirror.example/debian", "http://mirror.example/debian-security"]);
});

test("one-line sources.list, with options and comments", () => {
  const dir = etcApt({
    "sources.list": "# deb http://commented.example/debian bookworm main\ndeb [arch=amd64 signed-by=/k.gpg] http://one.example/debian bookworm main contrib\n",
  });
  expect(debianMirror("bookworm", dir)).toBe("http://one.example/debian");
  expect(debianMirror("trixie", dir)).toBeUndefined();
});
