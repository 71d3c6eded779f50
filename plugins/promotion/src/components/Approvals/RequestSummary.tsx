import { makeStyles, Typography } from '@material-ui/core';
import { Promotion } from '@promotion-for-backstage/plugin-promotion-common';
import { entityName, shortDigest } from '../../lib';
import { Abbreviated } from '../Shared';
import { ChangeTicketLink } from '../ChangeTicket';
import { buildName } from '../Rollback/buildName';
import { RequestKindChip } from '../Rollback/RequestKindChip';

const useStyles = makeStyles(theme => ({
  root: {
    marginBottom: theme.spacing(2),
  },
}));

/** The build of a request, and where it goes. */
const BuildSummary = (props: { request: Promotion }) => {
  const { request } = props;
  const { artifact } = request;
  // A tag-only pin shows the digest its tag resolved to: what is approved.
  const digest = artifact.digest ?? request.resolvedDigest;
  const classes = useStyles();
  if (request.kind === 'rollback') {
    return (
      // A div: the chip is one, and a paragraph cannot hold it.
      <Typography
        component="div"
        className={classes.root}
        data-testid="request-summary"
      >
        <RequestKindChip request={request} />{' '}
        <strong>{entityName(request.entityRef)}</strong> in{' '}
        <strong>{request.targetEnvironment}</strong> back to{' '}
        <strong>{buildName({ ...artifact, digest })}</strong>
      </Typography>
    );
  }
  return (
    <Typography className={classes.root} data-testid="request-summary">
      <strong>{entityName(request.entityRef)}</strong> from{' '}
      <strong>{request.sourceEnvironment}</strong> to{' '}
      <strong>{request.targetEnvironment}</strong>:{' '}
      {digest ? (
        <Abbreviated full={digest} short={shortDigest(digest)} />
      ) : (
        artifact.image
      )}
      {artifact.tag && ` (${artifact.tag})`}
    </Typography>
  );
};

/**
 * What a dialog is about: which entity moves which build where, or, for a
 * rollback, which environment goes back to which build (a rollback has no
 * source environment to name).
 */
export const RequestSummary = (props: { request: Promotion }) => {
  const { request } = props;
  return (
    <>
      <BuildSummary request={request} />
      {request.changeTicket && (
        <ChangeTicketLink ticket={request.changeTicket} />
      )}
    </>
  );
};
