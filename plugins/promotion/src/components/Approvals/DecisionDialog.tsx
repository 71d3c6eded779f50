import { useState } from 'react';
import { DialogContentText, makeStyles } from '@material-ui/core';
import {
  ApprovalDecision,
  approvalDecisionSchema,
  boundDigest,
  Promotion,
  REJECTION_REASON_MIN,
} from '@promotion-for-backstage/plugin-promotion-common';
import { requestName } from '../../lib';
import { ConfirmDialog, NoteField } from '../Shared';
import { ApprovalList } from './ApprovalList';
import { RequestSummary } from './RequestSummary';

const useStyles = makeStyles(theme => ({
  approvals: {
    marginBottom: theme.spacing(2),
  },
}));

type Decision = ApprovalDecision['decision'];

const TEXT: Record<
  Decision,
  {
    title: string;
    confirm: string;
    confirmName: string;
    /** The comment field: optional for an approval, the required reason of a rejection. */
    note: { label: string; required: boolean; helperText?: string };
    /** Given what runs: `promotion` or `rollback`. */
    hint: (what: string) => string;
  }
> = {
  approve: {
    title: 'Approve',
    confirm: 'Confirm approval',
    confirmName: 'Confirm approval',
    note: { label: 'Comment (optional)', required: false },
    hint: what => `The ${what} runs once it has all the approvals it needs.`,
  },
  reject: {
    title: 'Reject',
    confirm: 'Confirm rejection',
    confirmName: 'Confirm rejection',
    note: {
      label: 'Reason',
      required: true,
      helperText: `At least ${REJECTION_REASON_MIN} characters: the requester reads why`,
    },
    hint: () =>
      'One rejection ends the request; it cannot be approved afterwards.',
  },
};

/** @internal */
export type DecisionDialogProps = {
  request: Promotion;
  decision: Decision;
  onCancel: () => void;
  /**
   * Resolves once the decision was sent and answered; the dialog then
   * closes. The decision names the digest the dialog showed.
   */
  onConfirm: (decision: ApprovalDecision) => Promise<void>;
};

/**
 * Asks for an optional comment before approving a request, or for the reason
 * before rejecting one. The decision is checked with the backend's own
 * schema, so Confirm is enabled exactly when the backend would accept it.
 */
export const DecisionDialog = (props: DecisionDialogProps) => {
  const { request, decision, onCancel, onConfirm } = props;
  const text = TEXT[decision];
  const classes = useStyles();
  const [comment, setComment] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const trimmed = comment.trim();
  // The build this dialog showed: the backend refuses the decision (409)
  // if the request carries another one, so nobody approves what they did
  // not see.
  const shown = boundDigest(request);
  const parsed = approvalDecisionSchema.safeParse({
    decision,
    ...(trimmed ? { comment: trimmed } : {}),
    ...(shown ? { digest: shown } : {}),
  });

  // The request actions report a refusal themselves and never reject.
  const confirm = async () => {
    if (!parsed.success) return;
    setSubmitting(true);
    await onConfirm(parsed.data);
  };

  return (
    <ConfirmDialog
      titleId={`decision-dialog-title-${request.id}`}
      title={
        <>
          {text.title} the {requestName(request)}
        </>
      }
      maxWidth="sm"
      submitting={submitting}
      onCancel={onCancel}
      confirmText={text.confirm}
      confirmName={text.confirmName}
      danger={decision === 'reject'}
      ready={parsed.success}
      onConfirm={confirm}
    >
      <RequestSummary request={request} />
      <div className={classes.approvals}>
        <ApprovalList request={request} />
      </div>
      <DialogContentText variant="body2">
        {' '}
        {text.hint(request.kind === 'rollback' ? 'rollback' : 'promotion')}
      </DialogContentText>
      <NoteField
        id={`decision-comment-${request.id}`}
        label={text.note.label}
        required={text.note.required}
        helperText={text.note.helperText}
        value={comment}
        onChange={setComment}
        invalid={!parsed.success}
        disabled={submitting}
      />
    </ConfirmDialog>
  );
};
