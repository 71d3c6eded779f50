import { ReactNode } from 'react';
import { Typography } from '@material-ui/core';
import { GateRun } from '@promotion-for-backstage/plugin-promotion-common';
import { GateRunList } from '../GateRuns';

/**
 * The gates a dry run evaluated, as of now, and what their results mean for
 * the request; `none` says so when no gate applies.
 */
export const PlanGates = (props: {
  runs: GateRun[];
  none: ReactNode;
  outlook?: string;
}) => {
  const { runs, none, outlook } = props;
  return (
    <>
      {runs.length > 0 ? (
        <GateRunList runs={runs} />
      ) : (
        <Typography variant="body2" color="textSecondary">
          {none}
        </Typography>
      )}
      {outlook && (
        <Typography variant="body2" color="textSecondary">
          {outlook}
        </Typography>
      )}
    </>
  );
};
