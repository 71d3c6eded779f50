import { makeStyles, Typography } from '@material-ui/core';
import WarningIcon from '@material-ui/icons/Warning';
import { Link } from '@backstage/core-components';
import { DeploymentStatus } from '@promotion-for-backstage/plugin-promotion-common';
import { WarningNotice } from '../Shared';
import { DeploymentChips } from './DeploymentChips';
import { DeploymentFacts } from './DeploymentFacts';
import { SOURCE_TEXT } from './deploymentText';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(2),
    paddingBottom: theme.spacing(1.5),
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
  source: {
    overflowWrap: 'anywhere',
  },
  text: {
    overflowWrap: 'anywhere',
  },
}));

/**
 * What really runs in an environment, as its Argo CD Application or Flux
 * resource reports it, rather than what its branch pins: sync and health,
 * the running images and a rollout's progress, with a link to the source.
 *
 * When the source could not be read, its sync and health are only
 * `unknown`; the reason is shown instead, since that is what someone
 * looking at a card in an incident needs to know.
 */
export const DeploymentStatusView = (props: {
  deployment: DeploymentStatus;
  environment: string;
}) => {
  const { deployment, environment } = props;
  const classes = useStyles();
  const where = `${SOURCE_TEXT[deployment.source]} · ${deployment.resource}`;

  return (
    <section
      className={classes.root}
      aria-label={`Deployment of ${environment}`}
      data-testid={`deployment-${environment}`}
    >
      <Typography variant="body2" className={classes.source}>
        {deployment.url ? <Link to={deployment.url}>{where}</Link> : where}
        {deployment.manualSync && (
          <Typography component="span" variant="caption" color="textSecondary">
            {' '}
            · Manual sync
          </Typography>
        )}
      </Typography>
      {deployment.error ? (
        <WarningNotice
          icon={WarningIcon}
          data-testid={`deployment-${environment}-error`}
        >
          <Typography variant="body2" className={classes.text}>
            <strong>What runs is not known.</strong> {deployment.error}
          </Typography>
        </WarningNotice>
      ) : (
        <>
          <DeploymentChips deployment={deployment} />
          {deployment.message && (
            <Typography
              variant="caption"
              color="textSecondary"
              className={classes.text}
            >
              {deployment.message}
            </Typography>
          )}
          <DeploymentFacts deployment={deployment} environment={environment} />
        </>
      )}
    </section>
  );
};
