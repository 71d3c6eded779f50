import { Fragment, useState } from 'react';
import { Button, Grid, makeStyles } from '@material-ui/core';
import ArrowForwardIcon from '@material-ui/icons/ArrowForward';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import {
  PipelineEnvironment,
  Promotion,
} from '@promotion-for-backstage/plugin-promotion-common';
import { usePipeline, useRequestActions } from '../../hooks';
import { errorMessage } from '../../lib';
import { AuditTimelineCard, EnvironmentHistoryCard } from '../History';
import { EnvironmentCard } from './EnvironmentCard';
import { PromoteDialog } from './PromoteDialog';
import { promoteBlocker } from './promoteBlocker';
import { usePromotionRunner } from './usePromotionRunner';

const useStyles = makeStyles(theme => ({
  row: {
    display: 'flex',
    alignItems: 'stretch',
    gap: theme.spacing(2),
    overflowX: 'auto',
    paddingBottom: theme.spacing(1),
  },
  cell: {
    flex: '1 1 0',
    minWidth: 260,
  },
  retry: {
    marginTop: theme.spacing(2),
  },
  records: {
    marginTop: theme.spacing(1),
  },
  arrow: {
    alignSelf: 'center',
    flexShrink: 0,
    color: theme.palette.text.secondary,
  },
}));

/**
 * What changes in the pipeline when something is recorded: pins, and the
 * state and decisions of open requests. The audit timeline reads again when
 * it changes.
 */
function pipelineRevision(environments: PipelineEnvironment[]): string {
  return environments
    .map(
      env =>
        `${env.name}:${env.commit?.sha ?? ''}:${env.activeRequests
          .map(r => `${r.id}/${r.status}/${r.approvals?.length ?? 0}`)
          .join(',')}:${env.hold?.createdAt ?? ''}`,
    )
    .join('|');
}

// The pipeline is read when the page opens, a followed promotion is newer.
function openRequests(
  environment: PipelineEnvironment,
  followed: Promotion | undefined,
): Promotion[] {
  const fromServer = environment.activeRequests.filter(
    request => request.id !== followed?.id,
  );
  return followed ? [...fromServer, followed] : fromServer;
}

/**
 * The environments of one entity in pipeline order, with promotion between
 * neighbours. Requests made by the scheduler, CI or other people, and gates
 * that wait for time, move without this page doing anything, so it reads the
 * pipeline again as its open requests need (see `usePipeline`).
 */
export const PromotionPipeline = (props: { entityRef: string }) => {
  const { entityRef } = props;
  const classes = useStyles();
  const {
    value: pipeline,
    error,
    reload,
  } = usePipeline(entityRef, { live: true });
  const { promote, running } = usePromotionRunner({ onSettled: reload });
  const requestActions = useRequestActions({ onDone: reload });
  const [promoting, setPromoting] = useState<{
    source: PipelineEnvironment;
    target: string;
  }>();

  if (!pipeline) {
    if (!error) {
      return <Progress />;
    }
    // It is read again on its own every little while; Retry is for now.
    return (
      <>
        <ResponseErrorPanel error={error} />
        <Button
          className={classes.retry}
          variant="outlined"
          onClick={() => reload()}
        >
          Retry
        </Button>
      </>
    );
  }
  const environments = pipeline.environments;
  if (environments.length === 0) {
    return (
      <EmptyState
        missing="info"
        title="No environments"
        description="The promotion backend knows no environments for this entity. Check the pipeline in its promotion configuration."
      />
    );
  }

  const promotingInto = environments.find(
    environment => environment.name === promoting?.target,
  );

  return (
    <>
      {error && (
        <WarningPanel
          severity="warning"
          title="Could not refresh the pipeline; showing what it was"
          message={errorMessage(error)}
        />
      )}
      <div className={classes.row}>
        {environments.map((environment, index) => {
          const next = environments[index + 1];
          return (
            <Fragment key={environment.name}>
              {index > 0 && <ArrowForwardIcon className={classes.arrow} />}
              <div className={classes.cell}>
                <EnvironmentCard
                  entityRef={entityRef}
                  onChanged={reload}
                  environment={environment}
                  requests={openRequests(
                    environment,
                    running[environment.name],
                  )}
                  requestActions={requestActions}
                  promote={
                    next && {
                      target: next.name,
                      blocker: promoteBlocker(
                        environment,
                        next,
                        openRequests(next, running[next.name]),
                      ),
                      onClick: () =>
                        setPromoting({
                          source: environment,
                          target: next.name,
                        }),
                    }
                  }
                />
              </div>
            </Fragment>
          );
        })}
      </div>
      <Grid container spacing={2} className={classes.records}>
        <Grid item xs={12} md={5}>
          <EnvironmentHistoryCard
            entityRef={entityRef}
            environments={environments.map(env => ({
              name: env.name,
              pinnedBy: env.commit?.sha,
            }))}
          />
        </Grid>
        <Grid item xs={12} md={7}>
          <AuditTimelineCard
            entityRef={entityRef}
            environments={environments.map(env => env.name)}
            revision={pipelineRevision(environments)}
          />
        </Grid>
      </Grid>
      {promoting?.source.artifact && (
        <PromoteDialog
          request={{
            entityRef,
            sourceEnvironment: promoting.source.name,
            targetEnvironment: promoting.target,
          }}
          artifact={promoting.source.artifact}
          openRequests={
            promotingInto
              ? openRequests(promotingInto, running[promotingInto.name])
              : []
          }
          onCancel={() => setPromoting(undefined)}
          onConfirm={async request => {
            await promote(request);
            setPromoting(undefined);
          }}
        />
      )}
    </>
  );
};
