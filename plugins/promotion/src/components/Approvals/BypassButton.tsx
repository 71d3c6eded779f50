import { makeStyles } from '@material-ui/core';
import { Promotion } from '@promotion-for-backstage/plugin-promotion-common';
import { RequestActions } from '../../hooks';
import { requestName } from '../../lib';
import { DialogButton } from '../Shared';
import { BypassDialog } from './BypassDialog';

const useStyles = makeStyles(theme => ({
  button: {
    color: theme.palette.error.main,
    borderColor: theme.palette.error.main,
  },
}));

// Only a request that waits on gates or approvals can be bypassed.
function mayBypass(request: Promotion): boolean {
  return (
    (request.status === 'gating' || request.status === 'awaiting-approval') &&
    Boolean(request.allowedActions?.includes('bypass'))
  );
}

/** Emergency bypass for a request, when its `allowedActions` allow it. */
export const BypassButton = (props: {
  request: Promotion;
  actions: Pick<RequestActions, 'bypass' | 'busy'>;
}) => {
  const { request, actions } = props;
  const classes = useStyles();
  return (
    <DialogButton
      allowed={mayBypass(request)}
      size="small"
      variant="outlined"
      className={classes.button}
      disabled={Boolean(actions.busy[request.id])}
      aria-label={`Emergency bypass for ${requestName(request)}`}
      dialog={close => (
        <BypassDialog
          request={request}
          onCancel={close}
          onConfirm={async reason => {
            const result = await actions.bypass(request, reason);
            if (!result.ok) {
              throw new Error(result.error);
            }
            close();
          }}
        />
      )}
    >
      Emergency bypass
    </DialogButton>
  );
};
