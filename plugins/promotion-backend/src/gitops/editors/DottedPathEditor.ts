import { Alias, isAlias, isMap, isScalar, isSeq, Node, Scalar } from 'yaml';
import { assertReadsBack } from './assertReadsBack';
import { formatDottedPath, parseDottedPath } from './dottedPath';
import { ManifestEditError } from './ManifestEditError';
import { ManifestEditor, PinnedValues } from './types';
import {
  aliasProblem,
  describeNode,
  getMapValue,
  holdsValue,
  showValue,
  parseYamlDocuments,
  scalarText,
  ScalarEdit,
  spliceScalars,
} from './yamlSource';

type Lookup =
  | { found: true; node: Node | undefined }
  | { found: false; missing: string }
  | { found: false; alias: Alias; at: string };

/** What a value left in place would do, per value the promoted build does not carry. */
const STALE = {
  digest: 'that digest in place, and the old build would keep running',
  tag: 'that tag in place, naming a build that no longer runs',
} as const;

/**
 * Edits scalars at dotted paths of a Helm values file or any YAML file, e.g.
 * `image.digest` and `image.tag`. The first document that has the path is used.
 */
export class DottedPathEditor implements ManifestEditor {
  constructor(private readonly paths: { digest?: string; tag?: string }) {
    if (!paths.digest && !paths.tag) {
      throw new Error(
        'A helm-values or yaml manifest needs a digest path or a tag path',
      );
    }
  }

  private lookup(text: string, file: string, path: string): Lookup {
    const parts = parseDottedPath(path);
    let missing = path;
    for (const doc of parseYamlDocuments(text, file)) {
      let node: Node | undefined = doc.contents ?? undefined;
      let index = 0;
      for (; index < parts.length; index++) {
        const part = parts[index];
        if (isAlias(node)) {
          return {
            found: false,
            alias: node,
            at: formatDottedPath(parts.slice(0, index)),
          };
        }
        if (typeof part === 'number' && isSeq(node)) {
          node = node.items[part] as Node | undefined;
          if (node === undefined) break;
        } else if (typeof part === 'string' && isMap(node)) {
          const hasKey = node.items.some(
            pair => (isScalar(pair.key) ? pair.key.value : pair.key) === part,
          );
          if (!hasKey) break;
          node = getMapValue(node, part);
        } else {
          break;
        }
      }
      if (index === parts.length) return { found: true, node };
      missing = formatDottedPath(parts.slice(0, index + 1));
    }
    return { found: false, missing };
  }

  readPin(text: string, file: string): PinnedValues | undefined {
    const pin: PinnedValues = {};
    for (const key of ['digest', 'tag'] as const) {
      const path = this.paths[key];
      if (!path) continue;
      const result = this.lookup(text, file, path);
      const value = result.found ? scalarText(result.node) : undefined;
      if (value) pin[key] = value;
    }
    return pin.digest || pin.tag ? pin : undefined;
  }

  writePin(text: string, file: string, pin: PinnedValues): string {
    const edits: ScalarEdit[] = [];
    const keys = ['digest', 'tag'] as const;
    for (const key of keys) {
      const value = pin[key];
      if (value === undefined) continue;
      const path = this.paths[key];
      if (!path) {
        throw new ManifestEditError(
          file,
          `the source pins a ${key} but no ${key} path is configured; set promotion.backstage.io/${key}-path`,
        );
      }
      const result = this.lookup(text, file, path);
      if (!result.found && 'alias' in result) {
        throw new ManifestEditError(
          file,
          `'${result.at}' is ${describeNode(
            result.alias,
          )}; the promotion does not edit through aliases, ` +
            `since that would change the anchored value for everything that uses it; set '${path}' on its own`,
        );
      }
      if (!result.found) {
        throw new ManifestEditError(
          file,
          `has no '${path}' (missing '${result.missing}'); add it so the promotion can set it`,
        );
      }
      if (isAlias(result.node))
        throw new ManifestEditError(
          file,
          aliasProblem(`'${path}'`, result.node),
        );
      if (!isScalar(result.node)) {
        throw new ManifestEditError(
          file,
          `'${path}' is ${describeNode(
            result.node,
          )}; it must hold a scalar value to be replaced`,
        );
      }
      edits.push({ node: result.node as Scalar, value, label: `'${path}'` });
    }
    // A value the build does not carry would stay as it is: with a tag-only
    // build the old digest keeps running while the promotion says done.
    for (const key of keys) {
      const path = this.paths[key];
      if (pin[key] !== undefined || !path) continue;
      const result = this.lookup(text, file, path);
      if (result.found && holdsValue(result.node)) {
        throw new ManifestEditError(
          file,
          `'${path}' pins ${showValue(
            result.node,
          )} but the promoted build has no ${key}; ` +
            `setting only the ${key === 'tag' ? 'digest' : 'tag'} would leave ${
              STALE[key]
            }. ` +
            `Promote a build that has a ${key}, or empty '${path}'`,
        );
      }
    }
    const edited = spliceScalars(text, file, edits);
    assertReadsBack(file, pin, () => this.readPin(edited, file));
    return edited;
  }
}
