import { ManifestEditError } from './ManifestEditError';
import { PinnedValues } from './types';

const describe = (pin: PinnedValues | undefined) =>
  JSON.stringify({ tag: pin?.tag, digest: pin?.digest });

/**
 * Checks that an edited manifest parses and pins exactly what was written.
 * Edits splice bytes into text that is never re-serialised, so this is what
 * proves the result still means what the promotion says; an edit that fails
 * it is refused rather than committed.
 *
 * @param read - reads the pin of the edited text (the editor's `readPin`)
 */
export function assertReadsBack(
  file: string,
  pin: PinnedValues,
  read: () => PinnedValues | undefined,
): void {
  let readBack: PinnedValues | undefined;
  try {
    readBack = read();
  } catch (error) {
    const problem = (error as Error).message.replace(`${file}: `, '');
    throw new ManifestEditError(
      file,
      `the edited file would not read back (${problem}); it was not changed`,
    );
  }
  const differs = (['tag', 'digest'] as const).some(
    key => pin[key] !== undefined && readBack?.[key] !== pin[key],
  );
  if (differs) {
    throw new ManifestEditError(
      file,
      `the edited file would read back as ${describe(
        readBack,
      )} instead of ${describe(pin)}; it was not changed`,
    );
  }
}
