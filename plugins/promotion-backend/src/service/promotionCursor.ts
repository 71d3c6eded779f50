import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { PromotionCursor } from '../database';

const cursorSchema = z.tuple([z.iso.datetime(), z.uuid()]);

/**
 * The `nextCursor` of GET /promotions: where a page ended, opaque to callers
 * (base64url of the last request's creation time and id).
 */
export function promotionCursor(last: PromotionCursor): string {
  return Buffer.from(JSON.stringify([last.createdAt, last.id])).toString(
    'base64url',
  );
}

/** Reads a cursor back; anything that is not one this API gave is a 400. */
export function parsePromotionCursor(cursor: string): PromotionCursor {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success) {
    throw new InputError(
      "Invalid query: cursor: not a cursor this API gave; pass a page's nextCursor as it is",
    );
  }
  const [createdAt, id] = parsed.data;
  return { createdAt, id };
}
