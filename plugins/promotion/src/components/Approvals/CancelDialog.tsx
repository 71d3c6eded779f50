import { useState } from 'react';
import { DialogContentText } from '@material-ui/core';
import { Promotion } from '@promotion-for-backstage/plugin-promotion-common';
import { requestName } from '../../lib';
import { ConfirmDialog } from '../Shared';
import { RequestSummary } from './RequestSummary';

/** @internal */
export type CancelDialogProps = {
  request: Promotion;
  /** Closes the dialog and leaves the request as it is. */
  onKeep: () => void;
  /** Resolves once the cancel was sent and answered; the dialog then closes. */
  onConfirm: () => Promise<void>;
};

/** What cancelling does to what the request has written so far. */
function cancelEffect(request: Promotion): string {
  if (request.status === 'awaiting-merge') {
    // A pull request merged meanwhile is not undone: the backend refuses
    // the cancel and the request ends as succeeded.
    return 'Its pull request will be closed without merging, so nothing changes in the environment.';
  }
  return 'Nothing has been written yet.';
}

/** Asks before a request is withdrawn for good. */
export const CancelDialog = (props: CancelDialogProps) => {
  const { request, onKeep, onConfirm } = props;
  const [submitting, setSubmitting] = useState(false);

  // The request actions report a refusal themselves and never reject.
  const confirm = async () => {
    setSubmitting(true);
    await onConfirm();
  };

  return (
    <ConfirmDialog
      titleId={`cancel-dialog-title-${request.id}`}
      title={<>Cancel the {requestName(request)}?</>}
      maxWidth="sm"
      submitting={submitting}
      cancelText="Keep the request"
      onCancel={onKeep}
      confirmText="Cancel the request"
      onConfirm={confirm}
    >
      <RequestSummary request={request} />
      <DialogContentText>
        {cancelEffect(request)} The request ends as cancelled, with its gate
        results and approvals; to{' '}
        {request.kind === 'rollback' ? 'go back to' : 'promote'} this build
        later, request it again.
      </DialogContentText>
    </ConfirmDialog>
  );
};
