import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { makeStyles, Typography } from '@material-ui/core';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Artifact,
  Promotion,
} from '@promotion-for-backstage/plugin-promotion-common';
import { promotionApiRef, PromotionRequest } from '../../api';
import { errorMessage } from '../../lib';
import { ChangeTicketField, changeTicketProblem } from '../ChangeTicket';
import { ConfirmDialog, NoteField, useSubmission } from '../Shared';
import { PromotionPlanView } from './PromotionPlanView';
import { SupersedeNotice } from './SupersedeNotice';

const useStyles = makeStyles(theme => ({
  field: {
    marginBottom: theme.spacing(1.5),
  },
  code: {
    fontFamily: 'monospace',
    wordBreak: 'break-all',
  },
  plan: {
    margin: theme.spacing(1, 0, 2),
  },
}));

/** How a request names the planned build: its digest, else its tag. */
function plannedBuild(
  artifact: Artifact,
): Pick<PromotionRequest, 'digest' | 'tag'> {
  if (artifact.digest) {
    return { digest: artifact.digest };
  }
  return artifact.tag ? { tag: artifact.tag } : {};
}

/** @internal */
export type PromoteDialogProps = {
  /** Which move to plan and, once confirmed, to request. */
  request: Pick<
    PromotionRequest,
    'entityRef' | 'sourceEnvironment' | 'targetEnvironment'
  >;
  /** What the source ran when the page loaded, shown until the plan arrives. */
  artifact: Artifact;
  /**
   * Open requests into the target, to describe those the plan says the new
   * request supersedes.
   */
  openRequests?: Promotion[];
  onCancel: () => void;
  /** Resolves when the request is accepted; a rejection is shown in the dialog. */
  onConfirm: (request: PromotionRequest) => Promise<void>;
};

/**
 * Shows what a promotion would do, from a dry run, before it can be
 * confirmed: the open requests it supersedes, gate results, approvals,
 * delivery and the exact diff. A plan the
 * backend refuses keeps Promote disabled with the reason. It stays open with
 * the backend's explanation when the request itself is refused, so the person
 * can adjust the reason or cancel.
 */
export const PromoteDialog = (props: PromoteDialogProps) => {
  const { request, onCancel, onConfirm } = props;
  const source = request.sourceEnvironment;
  const target = request.targetEnvironment;
  const classes = useStyles();
  const promotionApi = useApi(promotionApiRef);
  const [reason, setReason] = useState('');
  const [ticket, setTicket] = useState('');
  // The ticket the plan was made with: gates may ask about it.
  const [plannedTicket, setPlannedTicket] = useState('');
  const { submitting, error, submit } = useSubmission();

  const {
    value: plan,
    error: planError,
    loading: planning,
  } = useAsync(
    () =>
      promotionApi.planPromotion({
        ...request,
        ...(plannedTicket ? { changeTicket: plannedTicket } : {}),
      }),
    // The request is rebuilt on every render; its parts are what matter.
    [promotionApi, request.entityRef, source, target, plannedTicket],
  );
  const artifact = plan?.artifact ?? props.artifact;
  const ticketRule = plan?.changeTicket;
  const ticketProblem = changeTicketProblem(ticket, ticketRule);

  const confirm = async () => {
    if (!plan) {
      return;
    }
    const trimmed = reason.trim();
    const changeTicket = ticket.trim();
    const promotion: PromotionRequest = {
      ...request,
      // Promote the build that was planned, even if the source moved on
      // while the dialog was open: by its digest, or for a tag-only build by
      // its tag (the backend takes it only if it ran in the source).
      ...plannedBuild(plan.artifact),
      ...(trimmed ? { reason: trimmed } : {}),
      ...(changeTicket ? { changeTicket } : {}),
    };
    await submit(() => onConfirm(promotion));
  };

  return (
    <ConfirmDialog
      titleId="promote-dialog-title"
      title={<>Promote to {target}</>}
      maxWidth="md"
      error={error}
      submitting={submitting}
      onCancel={onCancel}
      confirmText="Promote"
      ready={Boolean(plan) && !planning && !ticketProblem}
      onConfirm={confirm}
    >
      <Typography className={classes.field}>
        From <strong>{source}</strong> to <strong>{target}</strong>
      </Typography>
      <Typography variant="body2" color="textSecondary">
        Image
      </Typography>
      <Typography className={`${classes.field} ${classes.code}`}>
        {artifact.image}
        {artifact.tag ? `:${artifact.tag}` : ''}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        Digest
      </Typography>
      <Typography
        className={`${classes.field} ${classes.code}`}
        data-testid="promote-dialog-digest"
      >
        {artifact.digest ??
          (plan?.resolvedDigest
            ? `${plan.resolvedDigest} (the tag's digest in the registry now)`
            : 'not pinned')}
      </Typography>
      <div className={classes.plan}>
        {planning && (
          <>
            <Typography variant="body2" color="textSecondary">
              Checking gates and preparing the change…
            </Typography>
            <Progress />
          </>
        )}
        {planError && (
          <Typography role="alert" color="error">
            This promotion cannot be requested: {errorMessage(planError)}
          </Typography>
        )}
        {plan && !planning && (
          <>
            <SupersedeNotice
              ids={plan.supersedes}
              known={props.openRequests ?? []}
            />
            <PromotionPlanView plan={plan} />
          </>
        )}
      </div>
      {ticketRule && (
        <ChangeTicketField
          rule={ticketRule}
          value={ticket}
          onChange={setTicket}
          onSettled={setPlannedTicket}
          disabled={submitting}
        />
      )}
      <NoteField
        id="promote-reason"
        label="Reason (optional)"
        value={reason}
        onChange={setReason}
        disabled={submitting}
      />
    </ConfirmDialog>
  );
};
