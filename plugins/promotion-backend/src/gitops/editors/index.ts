import { ManifestFormat } from '../../config';
import { DottedPathEditor } from './DottedPathEditor';
import { KustomizeImageEditor } from './KustomizeImageEditor';
import { ManifestEditor } from './types';

export { ManifestEditError } from './ManifestEditError';
export type { ManifestEditor, PinnedValues } from './types';

/** Where in a manifest an entity's image is pinned. */
export interface PinLocator {
  format: ManifestFormat;
  image: string;
  digestPath?: string;
  tagPath?: string;
}

/** The editor for a manifest format. */
export function createManifestEditor(locator: PinLocator): ManifestEditor {
  if (locator.format === 'kustomize') {
    return new KustomizeImageEditor(locator.image);
  }
  return new DottedPathEditor({
    digest: locator.digestPath,
    tag: locator.tagPath,
  });
}
