import { isAlias, isMap, isScalar, isSeq, Node, YAMLMap } from 'yaml';
import { assertReadsBack } from './assertReadsBack';
import { ManifestEditError } from './ManifestEditError';
import { ManifestEditor, PinnedValues } from './types';
import {
  aliasProblem,
  describeNode,
  getMapValue,
  hasMapKey,
  holdsValue,
  showValue,
  parseYamlDocuments,
  scalarText,
  ScalarEdit,
  spliceScalars,
} from './yamlSource';

const FIELDS = { digest: 'digest', tag: 'newTag' } as const;

/** What a value left in place would do, per field the promoted build does not carry. */
const STALE = {
  digest: 'that digest in place, and kustomize would keep deploying it',
  tag: 'that tag in place, naming a build that no longer runs',
} as const;

/**
 * Edits the `images[]` entry of a kustomization whose `name` is the image:
 * `digest` and `newTag` are set, `newName` is kept as it is.
 */
export class KustomizeImageEditor implements ManifestEditor {
  constructor(private readonly image: string) {}

  private findEntry(text: string, file: string): YAMLMap | undefined {
    for (const doc of parseYamlDocuments(text, file)) {
      if (!isMap(doc.contents)) continue;
      const images = getMapValue(doc.contents, 'images');
      if (images === undefined) continue;
      if (!isSeq(images)) {
        throw new ManifestEditError(
          file,
          `'images' is ${describeNode(images)}, expected a list`,
        );
      }
      for (const item of images.items) {
        if (
          isMap(item) &&
          scalarText(getMapValue(item, 'name')) === this.image
        ) {
          return item;
        }
      }
    }
    return undefined;
  }

  readPin(text: string, file: string): PinnedValues | undefined {
    const entry = this.findEntry(text, file);
    if (!entry) return undefined;
    const pin: PinnedValues = {};
    const digest = scalarText(getMapValue(entry, FIELDS.digest));
    const tag = scalarText(getMapValue(entry, FIELDS.tag));
    if (digest) pin.digest = digest;
    if (tag) pin.tag = tag;
    return pin;
  }

  writePin(text: string, file: string, pin: PinnedValues): string {
    const entry = this.findEntry(text, file);
    if (!entry) {
      throw new ManifestEditError(
        file,
        `has no images[] entry with name '${
          this.image
        }'; add one with the keys this promotion sets (${Object.keys(pin)
          .map(k => FIELDS[k as keyof PinnedValues])
          .join(', ')})`,
      );
    }
    const keys = Object.keys(FIELDS) as Array<keyof PinnedValues>;
    const edits: ScalarEdit[] = [];
    for (const key of keys) {
      const value = pin[key];
      if (value === undefined) continue;
      const field = FIELDS[key];
      const node: Node | undefined = getMapValue(entry, field);
      const label = `'${field}' of images[] entry '${this.image}'`;
      if (isAlias(node))
        throw new ManifestEditError(file, aliasProblem(label, node));
      if (!isScalar(node)) {
        throw new ManifestEditError(
          file,
          !hasMapKey(entry, field)
            ? `images[] entry '${this.image}' has no '${field}' key; add '${field}:' to it so the promotion can set it`
            : `images[] entry '${this.image}' has '${field}' as ${describeNode(
                node,
              )}, expected a scalar`,
        );
      }
      edits.push({ node, value, label });
    }
    // A value the build does not carry would stay as it is: with a tag-only
    // build the old digest keeps deploying while the promotion says done.
    for (const key of keys) {
      const node = getMapValue(entry, FIELDS[key]);
      if (pin[key] === undefined && holdsValue(node)) {
        const other = FIELDS[key === 'tag' ? 'digest' : 'tag'];
        throw new ManifestEditError(
          file,
          `images[] entry '${this.image}' pins ${FIELDS[key]} ${showValue(
            node,
          )} but the promoted build has no ${key}; ` +
            `setting only ${other} would leave ${STALE[key]}. ` +
            `Promote a build that has a ${key}, or remove '${FIELDS[key]}' from the entry`,
        );
      }
    }
    const edited = spliceScalars(text, file, edits);
    assertReadsBack(file, pin, () => this.readPin(edited, file));
    return edited;
  }
}
