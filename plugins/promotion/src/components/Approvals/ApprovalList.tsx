import { makeStyles, Typography } from '@material-ui/core';
import CancelIcon from '@material-ui/icons/Cancel';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import { EntityDisplayName } from '@backstage/plugin-catalog-react';
import {
  Approval,
  Promotion,
} from '@promotion-for-backstage/plugin-promotion-common';
import { approvalProgress, formatAge, formatTime } from '../../lib';

const useStyles = makeStyles(theme => ({
  list: {
    listStyle: 'none',
    margin: theme.spacing(0.5, 0, 0),
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
  },
  decision: {
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(0.5),
  },
  icon: {
    flexShrink: 0,
  },
  approve: { color: theme.palette.success.main },
  reject: { color: theme.palette.error.main },
  comment: {
    display: 'block',
    overflowWrap: 'anywhere',
  },
}));

const DECISION_TEXT: Record<Approval['decision'], string> = {
  approve: 'Approved',
  reject: 'Rejected',
};

const Decision = (props: { approval: Approval }) => {
  const { approver, decision, comment, createdAt, counts } = props.approval;
  const classes = useStyles();
  const Icon = decision === 'approve' ? CheckCircleIcon : CancelIcon;
  return (
    <li className={classes.decision}>
      <Icon
        fontSize="small"
        className={`${classes.icon} ${classes[decision]}`}
        titleAccess={DECISION_TEXT[decision]}
      />
      <Typography variant="body2" component="div">
        <EntityDisplayName entityRef={approver} defaultKind="user" hideIcon />
        {!counts && ' (does not count)'}{' '}
        <Typography
          variant="caption"
          color="textSecondary"
          component="span"
          title={formatTime(createdAt)}
        >
          {formatAge(createdAt)}
        </Typography>
        {comment && (
          <Typography
            variant="caption"
            component="q"
            className={classes.comment}
          >
            {comment}
          </Typography>
        )}
      </Typography>
    </li>
  );
};

/**
 * Where a request is on its approval rule, "Approvals 1 of 2", and who
 * decided what, with their comments. A decision that does not count toward
 * the rule (the requester's own, for one) says so.
 */
export const ApprovalList = (props: { request: Promotion }) => {
  const { request } = props;
  const classes = useStyles();
  const progress = approvalProgress(request);
  const approvals = request.approvals ?? [];
  if (!progress && approvals.length === 0) {
    return null;
  }
  return (
    <div>
      {progress && (
        <Typography variant="body2">
          Approvals {progress.given} of {progress.required}
        </Typography>
      )}
      {approvals.length > 0 && (
        <ul className={classes.list} aria-label="Decisions">
          {approvals.map(approval => (
            <Decision key={approval.approver} approval={approval} />
          ))}
        </ul>
      )}
    </div>
  );
};
