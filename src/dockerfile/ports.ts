import type { ExposedPort } from "./model.js";

/** Docker refuses port ranges wider than the port space; we also bound the list we build. */
export const MAX_EXPOSED_PORTS = 65536;

/**
 * One EXPOSE word: `80`, `80/tcp`, `53/udp`, `8000-8002`, `8000-8002/tcp`. Returns the ports,
 * or a reason when the word is not a port (Docker fails the build on those).
 */
export function readExposeWord(word: string): ExposedPort[] | string {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?(?:\/([A-Za-z]+))?$/.exec(word);
  if (!m) return `EXPOSE: '${word}' is not a port, a port range or port/protocol`;
  const protocol = (m[3] ?? "tcp").toLowerCase();
  if (protocol !== "tcp" && protocol !== "udp" && protocol !== "sctp") {
    return `EXPOSE: unknown protocol '${m[3]}' in '${word}' (tcp, udp or sctp)`;
  }
  const first = Number(m[1]);
  const last = m[2] === undefined ? first : Number(m[2]);
  if (first > 65535 || last > 65535 || last < first) return `EXPOSE: '${word}' is not a valid port range`;
  const ports: ExposedPort[] = [];
  for (let p = first; p <= last; p++) ports.push({ port: p, protocol });
  return ports;
}
