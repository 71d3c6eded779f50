import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { ANNOTATION_PROMOTION_IMAGE } from '@promotion-for-backstage/plugin-promotion-common';
import { isPromotionAvailable } from '../../isPromotionAvailable';
import { PromotionPipeline } from './PromotionPipeline';

/**
 * The Promotion tab of an entity page: where each build runs and the way to
 * move it to the next environment.
 *
 * @public
 */
export const EntityPromotionContent = () => {
  const { entity } = useEntity();
  if (!isPromotionAvailable(entity)) {
    return (
      <MissingAnnotationEmptyState annotation={ANNOTATION_PROMOTION_IMAGE} />
    );
  }
  return <PromotionPipeline entityRef={stringifyEntityRef(entity)} />;
};
