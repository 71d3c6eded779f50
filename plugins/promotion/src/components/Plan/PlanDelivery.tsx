import { makeStyles, Typography } from '@material-ui/core';
import { PromotionPlan } from '@promotion-for-backstage/plugin-promotion-common';

const useStyles = makeStyles(theme => ({
  section: {
    marginBottom: theme.spacing(2),
  },
}));

function approvalsText(required: number): string {
  if (required === 0) {
    return 'No approval needed';
  }
  return `Needs ${required} ${required === 1 ? 'approval' : 'approvals'}`;
}

/** How many approvals a dry run says the request needs, and how it is delivered. */
export const PlanDelivery = (props: {
  plan: Pick<PromotionPlan, 'approvalsRequired' | 'delivery'>;
}) => {
  const { plan } = props;
  const classes = useStyles();
  return (
    <div className={classes.section}>
      <Typography variant="body2">
        {approvalsText(plan.approvalsRequired)}
      </Typography>
      <Typography variant="body2">
        Delivered as{' '}
        {plan.delivery === 'pull-request' ? 'a pull request' : 'a commit'}
      </Typography>
    </div>
  );
};
