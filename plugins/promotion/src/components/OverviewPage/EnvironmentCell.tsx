import { makeStyles, Tooltip, Typography } from '@material-ui/core';
import WarningIcon from '@material-ui/icons/Warning';
import { Link } from '@backstage/core-components';
import {
  Artifact,
  OverviewEnvironment,
} from '@promotion-for-backstage/plugin-promotion-common';
import { shortDigest } from '../../lib';
import { GateStatusIcon } from '../GateRuns';
import { PromotionStatusLabel } from '../PromotionStatusLabel';
import { Abbreviated } from '../Shared';
import { waitingText } from './waitingText';

const useStyles = makeStyles(theme => ({
  cell: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    minWidth: 160,
  },
  line: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
  },
  request: {
    borderLeft: `3px solid ${theme.palette.warning.main}`,
    paddingLeft: theme.spacing(1),
  },
}));

/** A build in a few characters: its short digest and tag, or the tag alone. */
export const ArtifactText = (props: { artifact: Artifact }) => {
  const { digest, tag } = props.artifact;
  return (
    <Typography variant="body2" component="span">
      {digest && <Abbreviated full={digest} short={shortDigest(digest)} />}
      {digest && tag && ' '}
      {tag}
    </Typography>
  );
};

/**
 * One entity × environment: what runs there, and the request into it that has
 * not ended yet, with why it waits, linked to the entity's Promotion tab.
 */
export const EnvironmentCell = (props: {
  environment?: OverviewEnvironment;
  tabLink: string;
}) => {
  const classes = useStyles();
  const { environment, tabLink } = props;
  if (!environment) {
    return (
      <Typography variant="body2" color="textSecondary">
        Not in its pipeline
      </Typography>
    );
  }
  const request = environment.activeRequest;
  const wait = request && waitingText(request);
  return (
    <div className={classes.cell}>
      {environment.error && (
        <Tooltip title={environment.error}>
          <span className={classes.line}>
            <WarningIcon fontSize="small" color="error" />
            <Typography variant="body2" component="span">
              Could not read
            </Typography>
          </span>
        </Tooltip>
      )}
      {!environment.error &&
        (environment.artifact ? (
          <ArtifactText artifact={environment.artifact} />
        ) : (
          <Typography variant="body2" color="textSecondary">
            Nothing pinned
          </Typography>
        ))}
      {environment.hold && (
        <Typography variant="caption" color="textSecondary">
          Held: {environment.hold.reason}
        </Typography>
      )}
      {request && wait && (
        <div className={classes.request} data-testid="active-request">
          <Typography variant="caption" component="div">
            <PromotionStatusLabel status={request.status} />
          </Typography>
          <span className={classes.line}>
            {request.waiting.reason === 'gate' && (
              <GateStatusIcon
                status={request.waiting.status}
                fontSize="small"
              />
            )}
            <Typography variant="body2" component="span" title={wait.detail}>
              <Link to={tabLink}>{wait.text}</Link>
            </Typography>
          </span>
          <Typography variant="caption" color="textSecondary" component="div">
            {request.kind === 'rollback' ? 'back to ' : ''}
            <ArtifactText artifact={request.artifact} />
            {request.kind === 'rollback'
              ? ''
              : ` from ${request.sourceEnvironment}`}
          </Typography>
          {wait.detail && (
            <Typography variant="caption" color="textSecondary" component="div">
              {wait.detail}
            </Typography>
          )}
        </div>
      )}
    </div>
  );
};
