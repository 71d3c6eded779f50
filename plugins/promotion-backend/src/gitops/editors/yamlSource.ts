import {
  Alias,
  Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Node,
  parseAllDocuments,
  Scalar,
  YAMLMap,
} from 'yaml';
import { ManifestEditError } from './ManifestEditError';

/**
 * Parses every document of a YAML stream, refusing text that is not YAML.
 * The parsed nodes are used only to find source ranges; the text itself is
 * never re-serialised, because that would reflow comments and quoting.
 */
export function parseYamlDocuments(
  text: string,
  file: string,
): Document.Parsed[] {
  const parsed = parseAllDocuments(text, { keepSourceTokens: false });
  const docs = Array.isArray(parsed) ? parsed : [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      throw new ManifestEditError(
        file,
        `is not valid YAML: ${doc.errors[0].message}`,
      );
    }
  }
  return docs;
}

/** The value of `key` in a map node, or undefined. */
export function getMapValue(map: YAMLMap, key: string): Node | undefined {
  for (const pair of map.items) {
    const pairKey = isScalar(pair.key) ? pair.key.value : pair.key;
    if (pairKey === key) {
      return (pair.value ?? undefined) as Node | undefined;
    }
  }
  return undefined;
}

/** True when the map has the key, even with an empty value. */
export function hasMapKey(map: YAMLMap, key: string): boolean {
  return map.items.some(
    pair => (isScalar(pair.key) ? pair.key.value : pair.key) === key,
  );
}

/**
 * A scalar's string value, or undefined for empty/null values. A plain scalar
 * that YAML resolves to another type (e.g. the tag `1.10`, a number) is read
 * as written, not as `String(1.1)`.
 */
export function scalarText(node: Node | undefined): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) {
    return undefined;
  }
  if (typeof node.value !== 'string' && typeof node.source === 'string') {
    return node.source;
  }
  return String(node.value);
}

/** Describes a node for error messages. */
export function describeNode(node: Node | undefined): string {
  if (isAlias(node)) return `an alias (*${node.source})`;
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a sequence';
  if (isScalar(node)) return 'a scalar';
  return 'empty';
}

/**
 * True when the node holds a value, as opposed to an empty key (`digest:`,
 * `digest: ""`). An alias or a collection counts: something is pinned there.
 */
export function holdsValue(node: Node | undefined): boolean {
  if (node === undefined) return false;
  return (
    !isScalar(node) ||
    (node.value !== null && node.value !== undefined && node.value !== '')
  );
}

/** A value for error messages: a scalar quoted, anything else described. */
export function showValue(node: Node | undefined): string {
  const text = scalarText(node);
  return text === undefined ? describeNode(node) : `'${text}'`;
}

/**
 * Why an alias cannot be edited: its value lives at the anchor, and changing
 * it there would change every other use of the anchor too.
 */
export function aliasProblem(label: string, alias: Alias): string {
  return `${label} is ${describeNode(
    alias,
  )}; write the value itself, since replacing the anchored value would change every alias of it`;
}

function isSafePlain(value: string): boolean {
  if (value === '' || /^\s|\s$/.test(value)) return false;
  // Inside a flow collection (`[{ name: x, newTag: v1 }]`) these end a plain
  // scalar; a value that contains one is quoted wherever it stands.
  if (/[,[\]{}]/.test(value)) return false;
  // A plain scalar must read back as the same string, and must not start
  // with an indicator or contain `: ` / ` #` that would split it.
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(value) || /: |\s#|:$/.test(value)) {
    return false;
  }
  const doc = parseAllDocuments(`k: ${value}\n`);
  if (!Array.isArray(doc) || doc.length !== 1 || doc[0].errors.length)
    return false;
  const read = doc[0].get('k');
  return read === value;
}

function renderSingleQuoted(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Renders `value` as scalar source in the style of `original`, so the edited
 * line keeps its quoting. A plain scalar that would read back as another type
 * (e.g. `1.10` as a number) becomes double-quoted: the smallest change that
 * keeps the value a string.
 */
export function renderScalarLike(original: Scalar, value: string): string {
  switch (original.type) {
    case Scalar.QUOTE_SINGLE:
      return renderSingleQuoted(value);
    case Scalar.QUOTE_DOUBLE:
      return JSON.stringify(value);
    default:
      // Plain; block scalars are refused before rendering (see spliceScalars).
      return isSafePlain(value) ? value : JSON.stringify(value);
  }
}

export interface ScalarEdit {
  node: Scalar;
  value: string;
  /** Names the value in error messages, e.g. `'image.digest'`. */
  label: string;
}

const STRING_TAG = 'tag:yaml.org,2002:str';

/**
 * Refuses scalars whose source cannot be replaced by a one-line value: a
 * block scalar's range runs to the next key and its content's indentation
 * is part of its syntax, and an explicit tag (`!!int 7`) would give the new
 * value a type it does not have.
 */
function assertReplaceable(file: string, edit: ScalarEdit) {
  const { node, label } = edit;
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    throw new ManifestEditError(
      file,
      `${label} is written as a block scalar ('${
        node.type === Scalar.BLOCK_LITERAL ? '|' : '>'
      }'); ` +
        'write the value on the same line as its key so the promotion can replace it',
    );
  }
  if (node.tag && node.tag !== STRING_TAG) {
    const shown = node.tag.startsWith('tag:yaml.org,2002:')
      ? `!!${node.tag.slice('tag:yaml.org,2002:'.length)}`
      : node.tag;
    throw new ManifestEditError(
      file,
      `${label} carries the YAML tag ${shown}; remove it so the value is read as text`,
    );
  }
}

/**
 * Splices new scalar values into the original text at each node's source
 * range. Only the bytes of the scalars change: comments, indentation,
 * document markers and line endings around them stay as they were.
 */
export function spliceScalars(
  text: string,
  file: string,
  edits: ScalarEdit[],
): string {
  for (const edit of edits) assertReplaceable(file, edit);
  const ordered = edits
    .filter(edit => (scalarText(edit.node) ?? '') !== edit.value)
    .map(edit => {
      if (!edit.node.range) {
        throw new ManifestEditError(
          file,
          'has a value without a source position',
        );
      }
      return { ...edit, start: edit.node.range[0], end: edit.node.range[1] };
    })
    .sort((a, b) => b.start - a.start);
  let result = text;
  for (const edit of ordered) {
    // An empty value (`digest:`) has a zero-width range right after the colon.
    const empty = edit.start === edit.end;
    const gap = empty && result[edit.start - 1] === ':' ? ' ' : '';
    // An empty value followed by a comment (`digest: # set by CI`) starts at
    // the `#`: without a space the comment would become part of the value.
    const gapAfter = empty && result[edit.end] === '#' ? ' ' : '';
    result =
      result.slice(0, edit.start) +
      gap +
      renderScalarLike(edit.node, edit.value) +
      gapAfter +
      result.slice(edit.end);
  }
  return result;
}
