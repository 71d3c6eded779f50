import { makeStyles, Typography } from '@material-ui/core';
import { EnvironmentVersion } from '@promotion-for-backstage/plugin-promotion-common';
import { shortDigest } from '../../lib';
import { Abbreviated, Person, RelativeTime } from '../Shared';

const useStyles = makeStyles(theme => ({
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
  },
  entry: {
    display: 'flex',
    flexDirection: 'column',
    padding: theme.spacing(0.75, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
  code: {
    fontFamily: 'monospace',
  },
  now: {
    marginLeft: theme.spacing(1),
    color: theme.palette.success.main,
    fontWeight: theme.typography.fontWeightBold as number,
  },
  bypassed: {
    color: theme.palette.error.main,
  },
}));

/**
 * The builds an environment ran, newest first: each one's tag and short
 * digest, who pinned it, when, and the commit that did.
 */
export const VersionList = (props: {
  environment: string;
  versions: EnvironmentVersion[];
}) => {
  const { environment, versions } = props;
  const classes = useStyles();
  return (
    <ul
      className={classes.list}
      aria-label={`Builds that ran in ${environment}`}
      data-testid={`version-history-${environment}`}
    >
      {versions.map(({ artifact, commit }, index) => (
        <li key={`${commit.sha}-${index}`} className={classes.entry}>
          <Typography variant="body2">
            {artifact.tag && <strong>{artifact.tag}</strong>}{' '}
            {artifact.digest && (
              <span className={classes.code}>
                <Abbreviated
                  full={artifact.digest}
                  short={shortDigest(artifact.digest)}
                />
              </span>
            )}
            {!artifact.tag && !artifact.digest && artifact.image}
            {index === 0 && <span className={classes.now}>runs now</span>}
          </Typography>
          <Typography variant="caption" color="textSecondary">
            pinned by <Person who={commit.author} />,{' '}
            <RelativeTime iso={commit.date} />, commit{' '}
            <Abbreviated full={commit.sha} short={commit.sha.slice(0, 7)} />
            {commit.bypassedBy && (
              <span className={classes.bypassed}>
                {' '}
                · emergency bypass by <Person who={commit.bypassedBy} />
              </span>
            )}
          </Typography>
        </li>
      ))}
    </ul>
  );
};
