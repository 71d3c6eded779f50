import { ResponseError } from '@backstage/errors';

/**
 * The sentence to show a person. A ResponseError's own message only names
 * the status code; the backend's explanation is in its cause.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof ResponseError) {
    return error.cause?.message || error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
