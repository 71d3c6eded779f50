import { useState } from 'react';
import { DialogContentText } from '@material-ui/core';
import {
  bypassRequestSchema,
  Promotion,
} from '@promotion-for-backstage/plugin-promotion-common';
import { requestName } from '../../lib';
import { ConfirmDialog, NoteField, useSubmission } from '../Shared';
import { RequestSummary } from './RequestSummary';

/** What the bypass skips, by the state the request waits in. */
function skipped(request: Promotion): string {
  return request.status === 'gating'
    ? 'skips the gates that have not passed'
    : 'skips the wait for approval';
}

/** @internal */
export type BypassDialogProps = {
  request: Promotion;
  onCancel: () => void;
  /**
   * Resolves once the bypass was accepted; the dialog then closes. Rejects
   * with the backend's reason when it is refused: the dialog stays open with
   * the reason typed and shows why.
   */
  onConfirm: (reason: string) => Promise<void>;
};

/**
 * Explains what an emergency bypass is and asks for its reason. The reason is
 * checked with the backend's own schema (at least 10 characters once
 * trimmed), so Bypass is enabled exactly when the backend would accept it.
 */
export const BypassDialog = (props: BypassDialogProps) => {
  const { request, onCancel, onConfirm } = props;
  const [reason, setReason] = useState('');
  const { submitting, error, submit } = useSubmission();
  const parsed = bypassRequestSchema.safeParse({ reason });

  const confirm = async () => {
    if (!parsed.success) {
      return;
    }
    await submit(() => onConfirm(parsed.data.reason));
  };

  return (
    <ConfirmDialog
      titleId={`bypass-dialog-title-${request.id}`}
      title={<>Emergency bypass of the {requestName(request)}</>}
      maxWidth="sm"
      error={error && `The bypass was refused: ${error}`}
      submitting={submitting}
      onCancel={onCancel}
      confirmText="Confirm bypass"
      confirmName="Confirm bypass"
      danger
      ready={parsed.success}
      onConfirm={confirm}
    >
      <RequestSummary request={request} />
      <DialogContentText>
        <strong>For incidents only.</strong> A bypass {skipped(request)} and
        starts the {request.kind === 'rollback' ? 'rollback' : 'promotion'} now.
      </DialogContentText>
      <DialogContentText>
        It is recorded loudly: in the audit log, on this request and in the
        commit, with your name and reason, and the approvers are notified.
      </DialogContentText>
      <NoteField
        id={`bypass-reason-${request.id}`}
        label="Reason"
        required
        value={reason}
        onChange={setReason}
        invalid={!parsed.success}
        helperText="At least 10 characters: the incident, and why this cannot wait"
        disabled={submitting}
      />
    </ConfirmDialog>
  );
};
