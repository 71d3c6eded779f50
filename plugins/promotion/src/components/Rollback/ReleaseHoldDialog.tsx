import { DialogContentText } from '@material-ui/core';
import { ConfirmDialog, useSubmission } from '../Shared';

/** @internal */
export type ReleaseHoldDialogProps = {
  /** e.g. `payments in staging`. */
  what: string;
  environment: string;
  onCancel: () => void;
  /**
   * Resolves once the hold is released; the dialog then closes. A refusal
   * is shown in the dialog.
   */
  onConfirm: () => Promise<void>;
};

/** Asks before automatic promotion into a rolled-back environment goes on. */
export const ReleaseHoldDialog = (props: ReleaseHoldDialogProps) => {
  const { what, environment, onCancel, onConfirm } = props;
  const { submitting, error, submit } = useSubmission();

  return (
    <ConfirmDialog
      titleId={`release-hold-title-${environment}`}
      title={<>Release the hold on {what}?</>}
      maxWidth="sm"
      error={error && `The hold was not released: ${error}`}
      submitting={submitting}
      cancelText="Keep the hold"
      onCancel={onCancel}
      confirmText="Release hold"
      onConfirm={() => submit(onConfirm)}
    >
      <DialogContentText>
        Automatic promotion into {environment} starts again: the next scheduled
        promotion may bring in the newest build of the environment before it,
        the one that was rolled back included, unless a fixed build has replaced
        it there. Release the hold once a fix is on its way.
      </DialogContentText>
    </ConfirmDialog>
  );
};
