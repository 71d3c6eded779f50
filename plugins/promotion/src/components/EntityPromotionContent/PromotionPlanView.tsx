import { makeStyles, Typography } from '@material-ui/core';
import { PromotionPlan } from '@promotion-for-backstage/plugin-promotion-common';
import { PlanChanges, PlanDelivery, PlanGates, PlanRegistry } from '../Plan';

const useStyles = makeStyles(theme => ({
  section: {
    marginBottom: theme.spacing(2),
  },
  heading: {
    marginBottom: theme.spacing(0.5),
  },
}));

// Failing or waiting gates do not refuse a request: it waits in "Checking
// gates" until they pass, is cancelled, or expires. Say so before people ask.
function gateOutlook(plan: PromotionPlan): string | undefined {
  if (plan.gateRuns.some(run => run.status === 'failed')) {
    return 'A gate fails now: the request will wait until its gates pass (re-run them after a fix), or until it expires.';
  }
  if (plan.gateRuns.some(run => run.status === 'pending')) {
    return 'The request will wait until the pending gates pass.';
  }
  return undefined;
}

/** What a promotion would do, from its dry run: gates, approvals, delivery and the exact change. */
export const PromotionPlanView = (props: { plan: PromotionPlan }) => {
  const { plan } = props;
  const classes = useStyles();

  return (
    <div data-testid="promotion-plan">
      <div className={classes.section}>
        <Typography variant="subtitle2" className={classes.heading}>
          Gates
        </Typography>
        <PlanGates
          runs={plan.gateRuns}
          none={<>No gates apply to {plan.targetEnvironment}.</>}
          outlook={gateOutlook(plan)}
        />
      </div>
      <PlanDelivery plan={plan} />
      <PlanRegistry plan={plan} />
      <div className={classes.section}>
        <Typography variant="subtitle2" className={classes.heading}>
          Changes
        </Typography>
        <PlanChanges changes={plan.changes} />
      </div>
    </div>
  );
};
