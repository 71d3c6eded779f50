import { useState } from 'react';
import { DialogContentText } from '@material-ui/core';
import { syncRequestSchema } from '@promotion-for-backstage/plugin-promotion-common';
import { ConfirmDialog, NoteField, useSubmission } from '../Shared';

/** @internal */
export type SyncDialogProps = {
  /** The Argo CD Application, e.g. `payments-prod`. */
  application: string;
  environment: string;
  onCancel: () => void;
  /**
   * Resolves once Argo CD accepted the sync; the dialog then closes. Rejects
   * with the backend's reason (Argo CD's refusal, a missing permission): the
   * dialog stays open with the reason typed and shows why.
   */
  onConfirm: (reason?: string) => Promise<void>;
};

/**
 * Asks before a manual-sync Argo CD Application applies what has landed,
 * with an optional reason for the audit log.
 */
export const SyncDialog = (props: SyncDialogProps) => {
  const { application, environment, onCancel, onConfirm } = props;
  const [reason, setReason] = useState('');
  const { submitting, error, submit } = useSubmission();
  // The backend's own rule (at most 2000 characters once trimmed).
  const parsed = syncRequestSchema.safeParse({ reason });

  const confirm = async () => {
    if (!parsed.success) {
      return;
    }
    await submit(() => onConfirm(parsed.data.reason || undefined));
  };

  return (
    <ConfirmDialog
      titleId={`sync-dialog-title-${environment}`}
      title={<>Sync {application} in Argo CD?</>}
      maxWidth="sm"
      // The backend's message says what was not done ("Not synced: …").
      error={error}
      submitting={submitting}
      onCancel={onCancel}
      confirmText="Sync"
      ready={parsed.success}
      onConfirm={confirm}
    >
      <DialogContentText>
        Argo CD applies what git holds for {environment} now: the change that
        landed last, and anything else committed there since.
      </DialogContentText>
      <NoteField
        id={`sync-reason-${environment}`}
        label="Reason (optional)"
        value={reason}
        onChange={setReason}
        invalid={!parsed.success}
        helperText="Why now, for the audit log"
        disabled={submitting}
      />
    </ConfirmDialog>
  );
};
