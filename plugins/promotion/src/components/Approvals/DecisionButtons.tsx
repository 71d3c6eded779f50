import { useState } from 'react';
import { Button } from '@material-ui/core';
import {
  ApprovalDecision,
  Promotion,
} from '@promotion-for-backstage/plugin-promotion-common';
import { RequestActions } from '../../hooks';
import { requestName } from '../../lib';
import { DecisionDialog } from './DecisionDialog';

// The server says who may decide (permission, self-approval, an earlier
// decision); the state check keeps a button from outliving a state it was for.
function mayDecide(request: Promotion, decision: ApprovalDecision['decision']) {
  return (
    request.status === 'awaiting-approval' &&
    Boolean(request.allowedActions?.includes(decision))
  );
}

/**
 * Approve and Reject for a request, as its `allowedActions` allow; each asks
 * for an optional comment in a dialog before it is sent. Their accessible
 * names say which request they decide, e.g. "Approve promotion of payments
 * to prod", since a screen reader may list every button on the page at once.
 */
export const DecisionButtons = (props: {
  request: Promotion;
  actions: Pick<RequestActions, 'decide' | 'busy'>;
}) => {
  const { request, actions } = props;
  const [deciding, setDeciding] = useState<ApprovalDecision['decision']>();
  const busy = Boolean(actions.busy[request.id]);
  const canApprove = mayDecide(request, 'approve');
  const canReject = mayDecide(request, 'reject');

  // A dialog that is open stays until it is answered or dismissed, even if a
  // refresh shows the request moved on meanwhile; the backend then says why.
  if (!canApprove && !canReject && !deciding) {
    return null;
  }
  return (
    <>
      {canApprove && (
        <Button
          size="small"
          variant="contained"
          color="primary"
          disabled={busy}
          aria-label={`Approve ${requestName(request)}`}
          onClick={() => setDeciding('approve')}
        >
          Approve
        </Button>
      )}
      {canReject && (
        <Button
          size="small"
          variant="outlined"
          disabled={busy}
          aria-label={`Reject ${requestName(request)}`}
          onClick={() => setDeciding('reject')}
        >
          Reject
        </Button>
      )}
      {deciding && (
        <DecisionDialog
          request={request}
          decision={deciding}
          onCancel={() => setDeciding(undefined)}
          onConfirm={async decision => {
            await actions.decide(request, decision);
            setDeciding(undefined);
          }}
        />
      )}
    </>
  );
};
