import { List, ListItem, ListItemText, Typography } from '@material-ui/core';
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
import {
  ANNOTATION_PROMOTION_IMAGE,
  PipelineEnvironment,
} from '@promotion-for-backstage/plugin-promotion-common';
import { usePipeline, usePromotionTabLink } from '../../hooks';
import { isPromotionAvailable } from '../../isPromotionAvailable';
import { formatAge, formatTime, shortDigest } from '../../lib';
import { Abbreviated } from '../Shared';

const EnvironmentRow = (props: { environment: PipelineEnvironment }) => {
  const { name, artifact, commit } = props.environment;
  return (
    <ListItem dense disableGutters>
      <ListItemText
        primary={name}
        secondary={
          artifact ? (
            <>
              {artifact.digest ? (
                <Abbreviated
                  full={artifact.digest}
                  short={shortDigest(artifact.digest)}
                />
              ) : (
                artifact.tag
              )}
              {commit && (
                <span title={formatTime(commit.date)}>
                  {' '}
                  · {formatAge(commit.date)}
                </span>
              )}
            </>
          ) : (
            'Nothing deployed yet'
          )
        }
      />
    </ListItem>
  );
};

const PipelineSummary = (props: { entityRef: string }) => {
  const { value: pipeline, error } = usePipeline(props.entityRef);
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!pipeline) {
    return <Progress />;
  }
  if (pipeline.environments.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No environments configured.
      </Typography>
    );
  }
  return (
    <List dense disablePadding>
      {pipeline.environments.map(environment => (
        <EnvironmentRow key={environment.name} environment={environment} />
      ))}
    </List>
  );
};

/** @public */
export type EntityPromotionCardProps = {
  /**
   * The Promotion tab's path below the entity page, for legacy apps that
   * mount it elsewhere than `promotion`; the new frontend system reads it
   * from the tab's configuration.
   */
  tabPath?: string;
};

/**
 * Overview card: which build each environment runs and for how long, with a
 * link to the Promotion tab, where it can be moved on.
 *
 * @public
 */
export const EntityPromotionCard = (props: EntityPromotionCardProps) => {
  const { entity } = useEntity();
  const tabLink = usePromotionTabLink(props.tabPath);
  const available = isPromotionAvailable(entity);
  return (
    <InfoCard
      title="Promotion"
      deepLink={
        available
          ? {
              title: 'View Promotion tab',
              link: tabLink(stringifyEntityRef(entity)),
            }
          : undefined
      }
    >
      {available ? (
        <PipelineSummary entityRef={stringifyEntityRef(entity)} />
      ) : (
        <MissingAnnotationEmptyState annotation={ANNOTATION_PROMOTION_IMAGE} />
      )}
    </InfoCard>
  );
};
