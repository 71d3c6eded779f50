import { Entity } from '@backstage/catalog-model';
import { ANNOTATION_PROMOTION_IMAGE } from '@promotion-for-backstage/plugin-promotion-common';

/**
 * True when the entity opted in to promotion by naming its image; use it to
 * show the Promotion tab and card only where they have something to say.
 *
 * @public
 */
export function isPromotionAvailable(entity: Entity): boolean {
  return Boolean(entity.metadata.annotations?.[ANNOTATION_PROMOTION_IMAGE]);
}
