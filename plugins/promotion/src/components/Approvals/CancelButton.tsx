import {
  Promotion,
  PromotionStatus,
} from '@promotion-for-backstage/plugin-promotion-common';
import { RequestActions } from '../../hooks';
import { requestName } from '../../lib';
import { DialogButton } from '../Shared';
import { CancelDialog } from './CancelDialog';

/**
 * States the backend can cancel: before anything is written, and while a
 * pull request waits for its merge (the backend closes it unmerged first).
 */
const CANCELLABLE: PromotionStatus[] = [
  'gating',
  'awaiting-approval',
  'approved',
  'awaiting-merge',
];

// The server says what the caller may do (permission, state, who asked);
// the state check only keeps a button from outliving a state it was for.
function mayCancel(request: Promotion): boolean {
  return (
    CANCELLABLE.includes(request.status) &&
    Boolean(request.allowedActions?.includes('cancel'))
  );
}

/**
 * Cancel for a request, when its `allowedActions` allow it. A cancel cannot
 * be undone (the request would have to be made, gated and approved again),
 * so it asks first.
 */
export const CancelButton = (props: {
  request: Promotion;
  actions: Pick<RequestActions, 'cancel' | 'busy'>;
}) => {
  const { request, actions } = props;
  return (
    <DialogButton
      allowed={mayCancel(request)}
      size="small"
      disabled={Boolean(actions.busy[request.id])}
      aria-label={`Cancel ${requestName(request)}`}
      dialog={close => (
        <CancelDialog
          request={request}
          onKeep={close}
          onConfirm={async () => {
            await actions.cancel(request);
            close();
          }}
        />
      )}
    >
      Cancel
    </DialogButton>
  );
};
