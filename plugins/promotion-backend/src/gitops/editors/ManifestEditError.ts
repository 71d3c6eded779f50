import { InputError } from '@backstage/errors';

/**
 * A manifest that cannot be edited as asked. The message names the file and
 * the locator and says what to change in the file, because the person reading
 * it is usually the service owner looking at a failed promotion.
 */
export class ManifestEditError extends InputError {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
  }
}
