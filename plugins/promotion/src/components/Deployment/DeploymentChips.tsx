import { ComponentType } from 'react';
import { Chip, makeStyles } from '@material-ui/core';
import AutorenewIcon from '@material-ui/icons/Autorenew';
import CancelIcon from '@material-ui/icons/Cancel';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import HelpOutlineIcon from '@material-ui/icons/HelpOutline';
import PauseCircleIcon from '@material-ui/icons/PauseCircleFilled';
import SyncProblemIcon from '@material-ui/icons/SyncProblem';
import WarningIcon from '@material-ui/icons/Warning';
import {
  DeploymentHealth,
  DeploymentStatus,
  DeploymentSync,
} from '@promotion-for-backstage/plugin-promotion-common';
import { HEALTH_TEXT, SYNC_TEXT } from './deploymentText';

type Tone = 'ok' | 'info' | 'warning' | 'error' | 'unknown';

const useStyles = makeStyles(theme => ({
  chips: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
    listStyle: 'none',
    margin: 0,
    padding: 0,
  },
  ok: { color: theme.palette.success.main },
  info: { color: theme.palette.info.main },
  warning: { color: theme.palette.warning.main },
  error: { color: theme.palette.error.main },
  unknown: { color: theme.palette.text.secondary },
}));

type Look = { icon: ComponentType<{ className?: string }>; tone: Tone };

const SYNC_LOOK: Record<DeploymentSync, Look> = {
  synced: { icon: CheckCircleIcon, tone: 'ok' },
  'out-of-sync': { icon: SyncProblemIcon, tone: 'warning' },
  unknown: { icon: HelpOutlineIcon, tone: 'unknown' },
};

// Suspended is a paused rollout waiting for someone, not a fault; missing
// means the workload is not there at all, which is.
const HEALTH_LOOK: Record<DeploymentHealth, Look> = {
  healthy: { icon: CheckCircleIcon, tone: 'ok' },
  progressing: { icon: AutorenewIcon, tone: 'info' },
  degraded: { icon: CancelIcon, tone: 'error' },
  suspended: { icon: PauseCircleIcon, tone: 'info' },
  missing: { icon: WarningIcon, tone: 'warning' },
  unknown: { icon: HelpOutlineIcon, tone: 'unknown' },
};

const StateChip = (props: { look: Look; text: string }) => {
  const { look, text } = props;
  const classes = useStyles();
  const Icon = look.icon;
  return (
    <li>
      <Chip
        size="small"
        variant="outlined"
        icon={<Icon className={classes[look.tone]} />}
        label={text}
      />
    </li>
  );
};

/**
 * Sync and health as the deployment source reports them, the way gate
 * results show: an outlined chip each, whose icon and colour repeat the
 * word; plus a chip while a sync runs.
 */
export const DeploymentChips = (props: { deployment: DeploymentStatus }) => {
  const { sync, health, operationRunning } = props.deployment;
  const classes = useStyles();
  return (
    <ul className={classes.chips} aria-label="Sync and health">
      <StateChip look={SYNC_LOOK[sync]} text={SYNC_TEXT[sync]} />
      <StateChip look={HEALTH_LOOK[health]} text={HEALTH_TEXT[health]} />
      {operationRunning && (
        <StateChip
          look={{ icon: AutorenewIcon, tone: 'info' }}
          text="Sync running"
        />
      )}
    </ul>
  );
};
