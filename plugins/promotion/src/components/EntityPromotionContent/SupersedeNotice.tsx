import { makeStyles, Typography } from '@material-ui/core';
import WarningIcon from '@material-ui/icons/Warning';
import { EntityDisplayName } from '@backstage/plugin-catalog-react';
import { Promotion } from '@promotion-for-backstage/plugin-promotion-common';
import { shortDigest } from '../../lib';
import { PROMOTION_STATUS_TEXT } from '../PromotionStatusLabel';
import { WarningNotice } from '../Shared';

const useStyles = makeStyles(theme => ({
  root: {
    marginBottom: theme.spacing(2),
  },
  list: {
    margin: 0,
    paddingLeft: theme.spacing(2.5),
  },
}));

const Who = (props: { request: Promotion }) => {
  const { requestedBy, requesterKind } = props.request;
  if (requesterKind === 'scheduler') {
    return <>automatic promotion</>;
  }
  if (requesterKind === 'service') {
    return <>CI ({requestedBy})</>;
  }
  return (
    <EntityDisplayName entityRef={requestedBy} defaultKind="user" hideIcon />
  );
};

/** One superseded request, as the card shows it: its build, state and requester. */
const Superseded = (props: { id: string; request?: Promotion }) => {
  const { id, request } = props;
  if (!request) {
    return <li>request {id}</li>;
  }
  const { digest, tag } = request.artifact;
  const build = digest ? shortDigest(digest) : tag ?? request.artifact.image;
  return (
    <li>
      the request for {build} from {request.sourceEnvironment} (
      {PROMOTION_STATUS_TEXT[request.status].toLocaleLowerCase('en-US')},
      requested by <Who request={request} />)
    </li>
  );
};

/**
 * Says, before anyone confirms, that the new request replaces open ones
 * into the same environment: they end as superseded and their gate results
 * and approvals no longer count.
 */
export const SupersedeNotice = (props: {
  /** Ids the dry run says the request supersedes. */
  ids: string[];
  /** The open requests the page knows, to describe them. */
  known: Promotion[];
}) => {
  const { ids, known } = props;
  const classes = useStyles();
  if (ids.length === 0) {
    return null;
  }
  return (
    <WarningNotice
      icon={WarningIcon}
      className={classes.root}
      data-testid="supersede-notice"
    >
      <Typography variant="body2" component="div">
        {ids.length === 1
          ? 'This request supersedes an open request to the same environment; it ends as superseded, and its gate results and approvals do not carry over:'
          : 'This request supersedes open requests to the same environment; they end as superseded, and their gate results and approvals do not carry over:'}
        <ul className={classes.list}>
          {ids.map(id => (
            <Superseded
              key={id}
              id={id}
              request={known.find(request => request.id === id)}
            />
          ))}
        </ul>
      </Typography>
    </WarningNotice>
  );
};
