/** A unified diff of two texts (3 lines of context), as `diff -u` and `git apply` read it. */
export function unifiedDiff(oldName: string, newName: string, before: string, after: string, context = 3): string {
  if (before === after) return "";
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  const out: string[] = [`--- ${oldName}`, `+++ ${newName}`];
  // group ops into hunks
  let i = 0;
  while (i < ops.length) {
    while (i < ops.length && ops[i]!.kind === "same") i++;
    if (i >= ops.length) break;
    let start = Math.max(0, i - context);
    let end = i;
    // extend while changes are within 2*context of each other
    for (;;) {
      while (end < ops.length && ops[end]!.kind !== "same") end++;
      let next = end;
      while (next < ops.length && ops[next]!.kind === "same") next++;
      if (next < ops.length && next - end <= 2 * context) {
        end = next;
        continue;
      }
      end = Math.min(ops.length, end + context);
      break;
    }
    const hunk = ops.slice(start, end);
    const oldStart = hunk[0]!.oldIndex;
    const newStart = hunk[0]!.newIndex;
    const oldCount = hunk.filter((o) => o.kind !== "add").length;
    const newCount = hunk.filter((o) => o.kind !== "del").length;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    for (const o of hunk) {
      const prefix = o.kind === "same" ? " " : o.kind === "add" ? "+" : "-";
      out.push(prefix + o.line.text);
      if (!o.line.eol) out.push("\\ No newline at end of file");
    }
    i = end;
    start = end;
  }
  return out.join("\n") + "\n";
}

function range(start: number, count: number): string {
  // diff -u: an empty range names the line before it
  return count === 0 ? `${start},0` : count === 1 ? `${start + 1}` : `${start + 1},${count}`;
}

interface Line {
  text: string;
  eol: boolean;
}

function splitLines(s: string): Line[] {
  const parts = s.split("\n");
  const last = parts.pop()!;
  const lines = parts.map((t) => ({ text: t, eol: true }));
  if (last !== "") lines.push({ text: last, eol: false });
  return lines;
}

interface Op {
  kind: "same" | "add" | "del";
  line: Line;
  oldIndex: number;
  newIndex: number;
}

/** LCS over the lines between the common prefix and suffix (edits are small and local). */
function diffLines(a: Line[], b: Line[]): Op[] {
  const key = (l: Line) => (l.eol ? l.text + "\n" : l.text);
  let pre = 0;
  while (pre < a.length && pre < b.length && key(a[pre]!) === key(b[pre]!)) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && key(a[a.length - 1 - suf]!) === key(b[b.length - 1 - suf]!)) suf++;
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  const ops: Op[] = [];
  for (let k = 0; k < pre; k++) ops.push({ kind: "same", line: a[k]!, oldIndex: k, newIndex: k });
  const n = am.length;
  const m = bm.length;
  const middle: Op[] = [];
  if (n * m <= 25_000_000) {
    const lcs = new Int32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        lcs[i * (m + 1) + j] = key(am[i]!) === key(bm[j]!) ? lcs[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && key(am[i]!) === key(bm[j]!)) {
        middle.push({ kind: "same", line: am[i]!, oldIndex: pre + i, newIndex: pre + j });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[(i + 1) * (m + 1) + j]! >= lcs[i * (m + 1) + j + 1]!)) {
        middle.push({ kind: "del", line: am[i]!, oldIndex: pre + i, newIndex: pre + j });
        i++;
      } else {
        middle.push({ kind: "add", line: bm[j]!, oldIndex: pre + i, newIndex: pre + j });
        j++;
      }
    }
  } else {
    am.forEach((l, i) => middle.push({ kind: "del", line: l, oldIndex: pre + i, newIndex: pre }));
    bm.forEach((l, j) => middle.push({ kind: "add", line: l, oldIndex: pre + n, newIndex: pre + j }));
  }
  ops.push(...middle);
  for (let k = 0; k < suf; k++) ops.push({ kind: "same", line: a[a.length - suf + k]!, oldIndex: a.length - suf + k, newIndex: b.length - suf + k });
  return ops;
}
