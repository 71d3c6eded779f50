import { makeStyles, Typography } from '@material-ui/core';
import {
  Artifact,
  RegistryPlan,
} from '@promotion-for-backstage/plugin-promotion-common';
import { shortDigest } from '../../lib';
import { Abbreviated } from '../Shared';

const useStyles = makeStyles(theme => ({
  section: {
    marginBottom: theme.spacing(2),
  },
  heading: {
    marginBottom: theme.spacing(0.5),
  },
}));

/**
 * What a dry run says happens in OCI registries: the digest a tag-only pin
 * resolves to (approvals bind to it), where the build is copied before the
 * change lands, and the tags written once it has. Nothing when neither applies.
 */
export const PlanRegistry = (props: {
  plan: {
    artifact: Artifact;
    resolvedDigest?: string;
    registry?: RegistryPlan;
  };
}) => {
  const { artifact, resolvedDigest, registry } = props.plan;
  const classes = useStyles();
  if (!resolvedDigest && !registry) return null;
  return (
    <div className={classes.section} data-testid="plan-registry">
      <Typography variant="subtitle2" className={classes.heading}>
        Registry
      </Typography>
      {resolvedDigest && (
        <Typography variant="body2" data-testid="plan-resolved-digest">
          Tag {artifact.tag} is{' '}
          <Abbreviated
            full={resolvedDigest}
            short={shortDigest(resolvedDigest)}
          />{' '}
          now; the request is bound to that digest
        </Typography>
      )}
      {registry && (
        <>
          <Typography variant="body2">
            From {registry.primary} ({registry.repository})
          </Typography>
          {registry.copyTo.length > 0 && (
            <Typography variant="body2">
              Copied to {registry.copyTo.join(', ')} and checked there before
              the change lands
            </Typography>
          )}
          {registry.tags.length > 0 && (
            <Typography variant="body2">
              Tagged {registry.tags.join(', ')} once it has landed
            </Typography>
          )}
        </>
      )}
    </div>
  );
};
