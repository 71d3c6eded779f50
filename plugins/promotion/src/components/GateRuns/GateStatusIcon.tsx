import { makeStyles } from '@material-ui/core';
import { SvgIconProps } from '@material-ui/core/SvgIcon';
import CancelIcon from '@material-ui/icons/Cancel';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ScheduleIcon from '@material-ui/icons/Schedule';
import WarningIcon from '@material-ui/icons/Warning';
import { GateStatus } from '@promotion-for-backstage/plugin-promotion-common';
import { GATE_STATUS_TEXT } from './gateRunText';

const useStyles = makeStyles(theme => ({
  passed: { color: theme.palette.success.main },
  failed: { color: theme.palette.error.main },
  pending: { color: theme.palette.info.main },
  warning: { color: theme.palette.warning.main },
}));

const ICONS = {
  passed: CheckCircleIcon,
  failed: CancelIcon,
  pending: ScheduleIcon,
  warning: WarningIcon,
};

/** A gate verdict as a coloured icon whose accessible name is the verdict. */
export const GateStatusIcon = (props: {
  status: GateStatus;
  fontSize?: SvgIconProps['fontSize'];
}) => {
  const classes = useStyles();
  const Icon = ICONS[props.status];
  return (
    <Icon
      className={classes[props.status]}
      fontSize={props.fontSize}
      titleAccess={GATE_STATUS_TEXT[props.status]}
    />
  );
};
