import { makeStyles, Typography } from '@material-ui/core';
import { Promotion } from '@internal/plugin-promotion-common';
import { entityName, shortDigest } from '../../lib';
import { Abbreviated } from '../Shared';
import { buildName } from '../Rollback/buildName';
import { RequestKindChip } from '../Rollback/RequestKindChip';

const useStyles = makeStyles(theme => ({
  root: {
    marginBottom: theme.spacing(2),
  },
}));

/**
 * What a dialog is about: which entity moves which build where, or, for a
 * rollback, which environment goes back to which build (a rollback has no
 * source environment to name).
 */
export const RequestSummary = (props: { request: Promotion }) => {
  const { request } = props;
  const { artifact } = request;
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
        <strong>{buildName(artifact)}</strong>
      </Typography>
    );
  }
  return (
    <Typography className={classes.root} data-testid="request-summary">
      <strong>{entityName(request.entityRef)}</strong> from{' '}
      <strong>{request.sourceEnvironment}</strong> to{' '}
      <strong>{request.targetEnvironment}</strong>:{' '}
      {artifact.digest ? (
        <Abbreviated
          full={artifact.digest}
          short={shortDigest(artifact.digest)}
        />
      ) : (
        artifact.image
      )}
      {artifact.tag && ` (${artifact.tag})`}
    </Typography>
  );
};
