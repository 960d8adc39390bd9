/**
 * A one-line status on stderr for long work. Silent when stderr is not a terminal, so
 * CI logs and piped JSON stay clean.
 */
export interface Progress {
  update(message: string): void;
  done(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, enabled = Boolean(stream.isTTY)): Progress {
  if (!enabled) return { update() {}, done() {} };
  let shown = false;
  return {
    update(message) {
      const width = stream.columns ? stream.columns - 1 : 79;
      stream.write(`\r\x1b[K${message.slice(0, width)}`);
      shown = true;
    },
    done() {
      if (shown) stream.write("\r\x1b[K");
      shown = false;
    },
  };
}
