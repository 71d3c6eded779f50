import { Button, makeStyles, Typography } from '@material-ui/core';
import { Link } from '@backstage/core-components';
import { EntityDisplayName } from '@backstage/plugin-catalog-react';
import {
  ChangeTicketRule,
  Promotion,
} from '@promotion-for-backstage/plugin-promotion-common';
import { RequestActions } from '../../hooks';
import { requestName } from '../../lib';
import {
  ApprovalList,
  BypassButton,
  BypassNotice,
  CancelButton,
  DecisionButtons,
} from '../Approvals';
import { ChangeTicketLink } from '../ChangeTicket';
import { blockingRuns, GateRunChips, gateRunText } from '../GateRuns';
import { PromotionStatusLabel } from '../PromotionStatusLabel';
import { buildName, RequestKindChip } from '../Rollback';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
  },
  actions: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
}));

// The server says what the caller may do (permission, state, who asked);
// the state check only keeps a button from outliving a state it was for.
function mayRerunGates(request: Promotion): boolean {
  return (
    request.status === 'gating' &&
    Boolean(request.allowedActions?.includes('rerun-gates'))
  );
}

const Requester = (props: { request: Promotion }) => {
  const { requestedBy, requesterKind } = props.request;
  if (requesterKind === 'scheduler') {
    return <>automatically</>;
  }
  if (requesterKind === 'service') {
    return <>by CI ({requestedBy})</>;
  }
  return (
    <>
      by{' '}
      <EntityDisplayName entityRef={requestedBy} defaultKind="user" hideIcon />
    </>
  );
};

/**
 * An open request on its target's card: a loud notice if it was bypassed,
 * its state in words, its latest gate results, its approvals and who gave
 * them, the pull request that carries it, and what can still be done.
 */
export const ActiveRequest = (props: {
  request: Promotion;
  actions?: RequestActions;
  /** The target's change ticket rule, to link the request's ticket to its page. */
  changeTicketRule?: ChangeTicketRule;
}) => {
  const { request, actions, changeTicketRule } = props;
  const classes = useStyles();
  const gateRuns = request.gateRuns ?? [];
  // While gating, the failing or waiting gates are why nothing happens;
  // show their messages rather than hiding them in tooltips.
  const waitingOn = request.status === 'gating' ? blockingRuns(gateRuns) : [];
  const busy = Boolean(actions?.busy[request.id]);
  const canRerun = mayRerunGates(request);

  return (
    <li className={classes.root} data-testid={`request-${request.id}`}>
      {request.bypass && <BypassNotice bypass={request.bypass} />}
      <span>
        <RequestKindChip request={request} />{' '}
        <PromotionStatusLabel status={request.status} />{' '}
        {request.kind === 'rollback' ? (
          <>back to {buildName(request.artifact)}</>
        ) : (
          <>from {request.sourceEnvironment}</>
        )}{' '}
        <Requester request={request} />
      </span>
      {request.changeTicket && (
        <ChangeTicketLink
          ticket={request.changeTicket}
          rule={changeTicketRule}
        />
      )}
      {gateRuns.length > 0 && <GateRunChips runs={gateRuns} />}
      {waitingOn.map(run => (
        <Typography key={run.gate} variant="caption" color="textSecondary">
          {run.gate}: {gateRunText(run)}
        </Typography>
      ))}
      <ApprovalList request={request} />
      {request.pullRequest && (
        <Typography variant="body2">
          <Link to={request.pullRequest.url}>
            Pull request #{request.pullRequest.number}
          </Link>
        </Typography>
      )}
      {actions && (
        <div className={classes.actions}>
          <DecisionButtons request={request} actions={actions} />
          {canRerun && (
            <Button
              size="small"
              variant="outlined"
              disabled={busy}
              aria-label={`Re-run gates for ${requestName(request)}`}
              onClick={() => actions.rerunGates(request)}
            >
              Re-run gates
            </Button>
          )}
          <CancelButton request={request} actions={actions} />
          <BypassButton request={request} actions={actions} />
        </div>
      )}
    </li>
  );
};
