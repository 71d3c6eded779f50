import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

// Kinds that name people in the catalog; a `Promoted-By` trailer or a bypass
// carries a signed-in user's entity ref.
const PEOPLE_KINDS = ['user', 'group'];

/**
 * The entity ref in `value` when it names a user or group
 * (`user:default/alice`), else undefined: a git author name ("Jane Doe"), a
 * CI subject (`external:ci`) or the scheduler (`plugin:promotion`) are not
 * catalog entities and are shown as they are.
 */
export function peopleRef(value: string): string | undefined {
  if (!/^[\w.-]+:([\w.-]+\/)?[\w.@-]+$/.test(value)) {
    return undefined;
  }
  try {
    const ref = parseEntityRef(value);
    return PEOPLE_KINDS.includes(ref.kind.toLocaleLowerCase('en-US'))
      ? stringifyEntityRef(ref)
      : undefined;
  } catch {
    return undefined;
  }
}
