import { useCallback, useMemo, useRef, useState } from 'react';
import useMountedState from 'react-use/esm/useMountedState';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import {
  ApprovalDecision,
  Promotion,
} from '@promotion-for-backstage/plugin-promotion-common';
import { promotionApiRef } from '../api';
import { approvalProgress, errorMessage, requestName } from '../lib';

/**
 * How an action went: the backend accepted it, or refused it with a reason
 * meant for the person.
 *
 * @internal
 */
export type ActionResult = { ok: true } | { ok: false; error: string };

/**
 * What a person can do with an open request. Each resolves once the backend
 * answered and the page shows the data read again afterwards; none rejects.
 *
 * @internal
 */
export type RequestActions = {
  cancel: (request: Promotion) => Promise<ActionResult>;
  rerunGates: (request: Promotion) => Promise<ActionResult>;
  decide: (
    request: Promotion,
    decision: ApprovalDecision,
  ) => Promise<ActionResult>;
  /** A refusal is returned, not alerted: the bypass dialog shows it. */
  bypass: (request: Promotion, reason: string) => Promise<ActionResult>;
  /**
   * Requests with an action under way, until the data read again after it
   * is on screen; their buttons are disabled.
   */
  busy: Record<string, boolean>;
};

function approvedText(request: Promotion, result: Promotion): string {
  const what = `the ${requestName(request)}`;
  if (result.status !== 'awaiting-approval') {
    return `Approved ${what}; it runs now`;
  }
  const progress = approvalProgress(result);
  const missing = progress ? progress.required - progress.given : 0;
  return missing > 0
    ? `Approved ${what}; it needs ${missing} more ${
        missing === 1 ? 'approval' : 'approvals'
      }`
    : `Approved ${what}`;
}

/**
 * Actions on open requests. Whatever the answer, `onDone` runs afterwards
 * (the caller reads its data again): on success to show the new state, on a
 * refusal (say, a 409 because someone else decided meanwhile) to show why.
 * The request stays busy until `onDone` resolves, so a button for a state the
 * request has left is never enabled again in between. The backend's own
 * message is shown on a refusal.
 */
export function useRequestActions(options: {
  onDone: () => unknown;
}): RequestActions {
  const promotionApi = useApi(promotionApiRef);
  const alertApi = useApi(alertApiRef);
  const isMounted = useMountedState();
  const [busy, setBusy] = useState<Record<string, boolean>>({});

  const onDone = useRef(options.onDone);
  onDone.current = options.onDone;

  const run = useCallback(
    async (
      request: Promotion,
      action: () => Promise<Promotion>,
      texts: {
        failure: string;
        success: (result: Promotion) => string;
        /** The caller shows a refusal itself. */
        quietFailure?: boolean;
      },
    ): Promise<ActionResult> => {
      setBusy(all => ({ ...all, [request.id]: true }));
      let outcome: ActionResult;
      try {
        const result = await action();
        alertApi.post({
          message: texts.success(result),
          severity: 'success',
          display: 'transient',
        });
        outcome = { ok: true };
      } catch (error) {
        outcome = { ok: false, error: errorMessage(error) };
        if (!texts.quietFailure) {
          alertApi.post({
            message: `${texts.failure}: ${outcome.error}`,
            severity: 'error',
          });
        }
      }
      if (isMounted()) {
        await onDone.current();
      }
      if (isMounted()) {
        setBusy(({ [request.id]: _done, ...rest }) => rest);
      }
      return outcome;
    },
    [alertApi, isMounted],
  );

  const cancel = useCallback(
    (request: Promotion) =>
      run(request, () => promotionApi.cancelPromotion(request.id), {
        failure: `Could not cancel the ${requestName(request)}`,
        success: () => `Cancelled the ${requestName(request)}`,
      }),
    [promotionApi, run],
  );

  const rerunGates = useCallback(
    (request: Promotion) =>
      run(request, () => promotionApi.rerunGates(request.id), {
        failure: `Could not re-run the gates of the ${requestName(request)}`,
        success: () => `Ran the gates of the ${requestName(request)} again`,
      }),
    [promotionApi, run],
  );

  const decide = useCallback(
    (request: Promotion, decision: ApprovalDecision) =>
      run(request, () => promotionApi.decide(request.id, decision), {
        failure: `Could not ${decision.decision} the ${requestName(request)}`,
        success: result =>
          decision.decision === 'approve'
            ? approvedText(request, result)
            : `Rejected the ${requestName(request)}`,
      }),
    [promotionApi, run],
  );

  const bypass = useCallback(
    (request: Promotion, reason: string) =>
      run(request, () => promotionApi.bypass(request.id, reason), {
        failure: `Could not bypass the ${requestName(request)}`,
        success: () =>
          `Emergency bypass recorded: the ${requestName(request)} runs now`,
        quietFailure: true,
      }),
    [promotionApi, run],
  );

  return useMemo(
    () => ({ cancel, rerunGates, decide, bypass, busy }),
    [cancel, rerunGates, decide, bypass, busy],
  );
}
