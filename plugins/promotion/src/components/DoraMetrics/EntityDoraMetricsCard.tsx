import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { ANNOTATION_PROMOTION_IMAGE } from '@promotion-for-backstage/plugin-promotion-common';
import { isPromotionAvailable } from '../../isPromotionAvailable';
import { DoraMetricsView } from './DoraMetricsView';
import { useDoraMetrics } from './useDoraMetrics';

const EntityMetrics = (props: { entityRef: string }) => {
  const { value, error, loading } = useDoraMetrics({
    entityRef: props.entityRef,
  });
  if (error) return <ResponseErrorPanel error={error} />;
  if (loading || !value) return <Progress />;
  return <DoraMetricsView metrics={value} compact />;
};

/**
 * Overview card: the entity's DORA metrics over the last 30 days, each
 * figure with a small chart of its days.
 *
 * @public
 */
export const EntityDoraMetricsCard = () => {
  const { entity } = useEntity();
  return (
    <InfoCard title="DORA metrics">
      {isPromotionAvailable(entity) ? (
        <EntityMetrics entityRef={stringifyEntityRef(entity)} />
      ) : (
        <MissingAnnotationEmptyState annotation={ANNOTATION_PROMOTION_IMAGE} />
      )}
    </InfoCard>
  );
};
