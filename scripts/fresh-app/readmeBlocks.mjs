// Reads the code blocks of a README that name the file they belong to on their first
// line (`// packages/backend/src/index.ts`, `# app-config.yaml`), so that the install test
// does what the README says and a README that stops working fails the test.
import { readFileSync } from 'node:fs';

/** Every fenced block of `readmePath` whose first line names `file`, dedented. */
export function blocksFor(readmePath, file) {
  const text = readFileSync(readmePath, 'utf8');
  const fence = /^( *)```[a-z]*\n([\s\S]*?)^\1```$/gm;
  const found = [];
  for (const match of text.matchAll(fence)) {
    const indent = match[1].length;
    const lines = match[2]
      .replace(/\n$/, '')
      .split('\n')
      .map(line => line.slice(Math.min(indent, line.search(/\S|$/))));
    const first = lines[0].replace(/^(\/\/|#)\s*/, '').trim();
    if (first === file) {
      found.push(lines.join('\n') + '\n');
    }
  }
  if (found.length === 0) {
    throw new Error(`${readmePath} has no code block for ${file}`);
  }
  return found;
}

/** The one block of `readmePath` for `file`. */
export function blockFor(readmePath, file) {
  const blocks = blocksFor(readmePath, file);
  if (blocks.length !== 1) {
    throw new Error(
      `${readmePath} has ${blocks.length} blocks for ${file}, expected one`,
    );
  }
  return blocks[0];
}
