import { Chip, makeStyles, Tooltip } from '@material-ui/core';
import { GateRun } from '@promotion-for-backstage/plugin-promotion-common';
import { VisuallyHidden } from '../Shared';
import { GateStatusIcon } from './GateStatusIcon';
import { gateRunText } from './gateRunText';

const useStyles = makeStyles(theme => ({
  chips: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
    listStyle: 'none',
    margin: 0,
    padding: 0,
  },
}));

/**
 * Gate results at a glance: a chip per gate. Its message shows as a tooltip
 * on hover and on keyboard focus (each chip is a tab stop), and screen
 * readers read it with the gate's name, so no one needs a mouse to learn why
 * a gate warned.
 */
export const GateRunChips = (props: { runs: GateRun[] }) => {
  const classes = useStyles();
  return (
    <ul className={classes.chips} aria-label="Gate results">
      {props.runs.map(run => (
        <li key={run.gate}>
          <Tooltip title={gateRunText(run)}>
            <Chip
              size="small"
              variant="outlined"
              tabIndex={0}
              icon={<GateStatusIcon status={run.status} fontSize="small" />}
              label={
                <>
                  {run.gate}
                  <VisuallyHidden>: {gateRunText(run)}</VisuallyHidden>
                </>
              }
            />
          </Tooltip>
        </li>
      ))}
    </ul>
  );
};
