/** What a line of a unified diff is, which decides how it is shown. */
export type DiffLineKind = 'header' | 'hunk' | 'context' | 'added' | 'removed';

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
}

const HUNK = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/;

/**
 * Splits a unified diff into typed lines. Inside a hunk the line counts of its
 * `@@` header decide where it ends, so a removed YAML document marker (`----`)
 * is still a removed line and not mistaken for a `---` file header.
 */
export function diffLines(diff: string): DiffLine[] {
  let oldLeft = 0;
  let newLeft = 0;
  const lines = diff.endsWith('\n') ? diff.slice(0, -1) : diff;
  if (!lines) {
    return [];
  }
  return lines.split('\n').map(text => {
    if (oldLeft > 0 || newLeft > 0) {
      if (text.startsWith('+')) {
        newLeft -= 1;
        return { kind: 'added', text };
      }
      if (text.startsWith('-')) {
        oldLeft -= 1;
        return { kind: 'removed', text };
      }
      if (!text.startsWith('\\')) {
        oldLeft -= 1;
        newLeft -= 1;
        return { kind: 'context', text };
      }
      // "\ No newline at end of file" belongs to the line before it.
      return { kind: 'header', text };
    }
    const hunk = HUNK.exec(text);
    if (hunk) {
      oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
      newLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
      return { kind: 'hunk', text };
    }
    return { kind: 'header', text };
  });
}
