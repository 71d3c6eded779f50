import { makeStyles, Typography } from '@material-ui/core';
import { PromotionPlan } from '@promotion-for-backstage/plugin-promotion-common';
import { DiffView } from '../DiffView';

const useStyles = makeStyles({
  path: {
    fontFamily: 'monospace',
    overflowWrap: 'anywhere',
  },
});

/** The exact change a dry run prepared: each file, where it lives, and its diff. */
export const PlanChanges = (props: { changes: PromotionPlan['changes'] }) => {
  const { changes } = props;
  const classes = useStyles();
  return (
    <>
      {changes.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          No file changes.
        </Typography>
      )}
      {changes.map(change => (
        <div key={`${change.repository}:${change.path}`}>
          <Typography variant="body2">
            <span className={classes.path}>{change.path}</span> in{' '}
            {change.repository}
          </Typography>
          <DiffView diff={change.diff} title={`Diff of ${change.path}`} />
        </div>
      ))}
    </>
  );
};
