import {
  List,
  ListItem,
  ListItemIcon,
  ListItemText,
  makeStyles,
} from '@material-ui/core';
import { GateRun } from '@promotion-for-backstage/plugin-promotion-common';
import { GateStatusIcon } from './GateStatusIcon';
import { gateRunText } from './gateRunText';

const useStyles = makeStyles(theme => ({
  icon: {
    minWidth: theme.spacing(4),
    marginTop: theme.spacing(0.5),
  },
}));

/** Gate results in full: one line per gate with its verdict and message. */
export const GateRunList = (props: { runs: GateRun[] }) => {
  const classes = useStyles();
  return (
    <List dense disablePadding aria-label="Gates">
      {props.runs.map(run => (
        <ListItem key={run.gate} disableGutters alignItems="flex-start">
          <ListItemIcon className={classes.icon}>
            <GateStatusIcon status={run.status} fontSize="small" />
          </ListItemIcon>
          <ListItemText primary={run.gate} secondary={gateRunText(run)} />
        </ListItem>
      ))}
    </List>
  );
};
