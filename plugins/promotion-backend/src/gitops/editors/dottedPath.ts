/**
 * Parses a dotted locator such as `image.digest`, `containers[0].image` or
 * `annotations.example\.com/digest` (a backslash keeps a literal dot) into
 * map keys (strings) and sequence indexes (numbers).
 */
export function parseDottedPath(path: string): Array<string | number> {
  const parts: Array<string | number> = [];
  let current = '';
  let pendingKey = false;
  for (let i = 0; i < path.length; i++) {
    const char = path[i];
    if (char === '\\' && i + 1 < path.length) {
      current += path[++i];
      pendingKey = true;
    } else if (char === '.') {
      if (pendingKey || current) parts.push(current);
      else if (!parts.length || typeof parts[parts.length - 1] !== 'number') {
        throw new Error(`Invalid path '${path}': empty key`);
      }
      current = '';
      pendingKey = false;
    } else if (char === '[') {
      if (pendingKey || current) parts.push(current);
      const close = path.indexOf(']', i);
      const index = path.slice(i + 1, close);
      if (close < 0 || !/^\d+$/.test(index)) {
        throw new Error(`Invalid path '${path}': expected [number] at ${i}`);
      }
      parts.push(Number(index));
      current = '';
      pendingKey = false;
      i = close;
    } else {
      current += char;
      pendingKey = true;
    }
  }
  if (pendingKey || current) parts.push(current);
  else if (path.endsWith('.')) {
    throw new Error(`Invalid path '${path}': empty key`);
  }
  if (parts.length === 0) {
    throw new Error(`Invalid path '${path}': empty`);
  }
  return parts;
}

/**
 * Formats parsed parts back into the dotted syntax, e.g. for naming the part
 * of a locator that a file lacks: `containers[5]`, `annotations.example\.com/digest`.
 */
export function formatDottedPath(parts: Array<string | number>): string {
  return parts
    .map((part, i) =>
      typeof part === 'number'
        ? `[${part}]`
        : `${i ? '.' : ''}${part.replace(/[\\.[]/g, char => `\\${char}`)}`,
    )
    .join('');
}
