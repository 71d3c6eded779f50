/**
 * A registry could not do what a promotion needs of it: unreachable, refused
 * the credentials, lacks the build, or holds an immutable tag elsewhere. The
 * message names the registry and says what it answered.
 */
export class RegistryError extends Error {
  constructor(
    message: string,
    /** The HTTP status the registry answered, when it answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}
