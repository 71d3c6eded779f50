import { Button, makeStyles, Typography } from '@material-ui/core';
import { InfoCard } from '@backstage/core-components';
import {
  PipelineEnvironment,
  Promotion,
} from '@promotion-for-backstage/plugin-promotion-common';
import { RequestActions } from '../../hooks';
import { formatAge, formatTime, shortDigest } from '../../lib';
import { Abbreviated, Fact, Facts, Person } from '../Shared';
import { DeploymentStatusView, SyncButton } from '../Deployment';
import { HoldNotice, RollbackButton } from '../Rollback';
import { ActiveRequest } from './ActiveRequest';

const useStyles = makeStyles(theme => ({
  root: {
    height: '100%',
  },
  bypassed: {
    color: theme.palette.warning.dark,
    fontWeight: theme.typography.fontWeightBold as number,
  },
  requests: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1.5),
  },
  actions: {
    flexDirection: 'column',
    alignItems: 'flex-start',
  },
}));

/** @internal */
export type EnvironmentCardProps = {
  environment: PipelineEnvironment;
  /** Open requests into this environment, including ones followed locally. */
  requests: Promotion[];
  /** What can be done with those requests; without it they are read-only. */
  requestActions?: RequestActions;
  /** The entity, for the environment's own actions: rollback, releasing a hold, sync. */
  entityRef?: string;
  /** Called after a rollback, a released hold or a sync, to read the pipeline again. */
  onChanged?: () => unknown;
  /** Absent on the last environment, which has nowhere to promote to. */
  promote?: {
    target: string;
    /** Why promoting is not possible now; the button is disabled with it. */
    blocker?: string;
    onClick: () => void;
  };
};

/** One environment of the pipeline: what it runs, since when, and what comes next. */
export const EnvironmentCard = (props: EnvironmentCardProps) => {
  const { environment, requests, requestActions, promote, entityRef } = props;
  const onChanged = props.onChanged ?? (() => {});
  const { name, artifact, commit } = environment;
  const classes = useStyles();

  const promoteAction = promote && (
    <>
      <Button
        variant="contained"
        color="primary"
        disabled={Boolean(promote.blocker)}
        onClick={promote.onClick}
      >
        Promote to {promote.target}
      </Button>
      {promote.blocker && (
        <Typography variant="caption" color="textSecondary">
          {promote.blocker}
        </Typography>
      )}
    </>
  );

  // Always rendered: the button shows only where `allowedActions` include
  // `rollback`, and an open dialog outlives a refresh that takes it away.
  const rollbackAction = entityRef && (
    <RollbackButton
      entityRef={entityRef}
      environment={environment}
      openRequests={requests}
      onDone={onChanged}
    />
  );
  // Likewise: shown where `allowedActions` include `sync`.
  const syncAction = entityRef && (
    <SyncButton
      entityRef={entityRef}
      environment={environment}
      onDone={onChanged}
    />
  );
  const actions = (promoteAction || rollbackAction || syncAction) && (
    <>
      {promoteAction}
      {rollbackAction}
      {syncAction}
    </>
  );

  return (
    <div className={classes.root} data-testid={`env-${name}`}>
      <InfoCard
        title={name}
        variant="fullHeight"
        actions={actions}
        actionsClassName={classes.actions}
      >
        {entityRef && (
          <HoldNotice
            entityRef={entityRef}
            environment={environment}
            onReleased={onChanged}
          />
        )}
        {environment.deployment && (
          <DeploymentStatusView
            deployment={environment.deployment}
            environment={name}
          />
        )}
        <Facts>
          <Fact label="Digest">
            {artifact?.digest ? (
              <Abbreviated
                full={artifact.digest}
                short={shortDigest(artifact.digest)}
                data-testid={`env-${name}-digest`}
              />
            ) : (
              <span data-testid={`env-${name}-digest`}>—</span>
            )}
          </Fact>
          {artifact?.tag && <Fact label="Tag">{artifact.tag}</Fact>}
          <Fact label="Image">{artifact?.image ?? 'Nothing deployed yet'}</Fact>
          {commit && (
            <>
              <Fact label="Pinned">
                by <Person who={commit.author} />,{' '}
                <span title={formatTime(commit.date)}>
                  {formatAge(commit.date)}
                </span>
              </Fact>
              <Fact label="Commit">
                <Abbreviated full={commit.sha} short={commit.sha.slice(0, 7)} />
              </Fact>
              {commit.bypassedBy && (
                <Fact label="Bypass">
                  <span className={classes.bypassed}>
                    Promoted with an emergency bypass by{' '}
                    <Person who={commit.bypassedBy} />
                  </span>
                </Fact>
              )}
            </>
          )}
          {requests.length > 0 && (
            <Fact label="Open">
              <ul className={classes.requests}>
                {requests.map(request => (
                  <ActiveRequest
                    key={request.id}
                    request={request}
                    actions={requestActions}
                    changeTicketRule={environment.changeTicket}
                  />
                ))}
              </ul>
            </Fact>
          )}
        </Facts>
      </InfoCard>
    </div>
  );
};
