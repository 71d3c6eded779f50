import { makeStyles, Typography } from '@material-ui/core';
import { DeploymentStatus } from '@promotion-for-backstage/plugin-promotion-common';
import { Abbreviated, Fact, Facts, RelativeTime } from '../Shared';
import { rolloutProgress, shortRevision } from './deploymentText';
import { runningImageName } from './runningImage';

const useStyles = makeStyles({
  images: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
  },
});

const Rollout = (props: {
  rollout: NonNullable<DeploymentStatus['rollout']>;
}) => {
  const { name, phase, message } = props.rollout;
  const progress = rolloutProgress(props.rollout);
  return (
    <>
      {name}
      {phase && <> ({phase})</>}
      {progress && <>: {progress}</>}
      {message && (
        <Typography variant="caption" color="textSecondary" display="block">
          {message}
        </Typography>
      )}
    </>
  );
};

/**
 * What the deployment source says runs, next to what the branch pins: the
 * images (short, the full reference on hover and for screen readers), the
 * revision applied, when it was applied and since when it has been healthy,
 * and a rollout's progress.
 */
export const DeploymentFacts = (props: {
  deployment: DeploymentStatus;
  environment: string;
}) => {
  const { deployment, environment } = props;
  const classes = useStyles();
  const { images, revision, lastSyncedAt, healthySince, rollout } = deployment;
  return (
    <Facts>
      {images.length > 0 && (
        <Fact label="Running">
          <ul
            className={classes.images}
            data-testid={`deployment-${environment}-images`}
          >
            {images.map(image => (
              <li key={image}>
                <Abbreviated full={image} short={runningImageName(image)} />
              </li>
            ))}
          </ul>
        </Fact>
      )}
      {revision && (
        <Fact label="Revision">
          <Abbreviated full={revision} short={shortRevision(revision)} />
        </Fact>
      )}
      {lastSyncedAt && (
        <Fact label="Last sync">
          <RelativeTime iso={lastSyncedAt} />
        </Fact>
      )}
      {healthySince && (
        <Fact label="Healthy since">
          <RelativeTime iso={healthySince} />
        </Fact>
      )}
      {rollout && (
        <Fact label="Rollout">
          <Rollout rollout={rollout} />
        </Fact>
      )}
    </Facts>
  );
};
