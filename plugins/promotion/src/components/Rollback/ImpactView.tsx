import { ReactNode } from 'react';
import { makeStyles, Typography } from '@material-ui/core';
import {
  EnvironmentVersion,
  Promotion,
  RollbackPlan,
} from '@promotion-for-backstage/plugin-promotion-common';
import { formatAge, formatTime } from '../../lib';
import { SupersedeNotice } from '../EntityPromotionContent/SupersedeNotice';
import { PlanChanges, PlanDelivery, PlanGates, PlanRegistry } from '../Plan';
import { Person } from '../Shared';
import { buildName } from './buildName';
import { RecommendationChip } from './RecommendationChip';

const useStyles = makeStyles(theme => ({
  section: {
    marginBottom: theme.spacing(2),
  },
  heading: {
    marginBottom: theme.spacing(0.5),
  },
  verdict: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(0.5),
  },
  list: {
    margin: 0,
    paddingLeft: theme.spacing(2.5),
  },
}));

const Section = (props: { title: string; children: ReactNode }) => {
  const classes = useStyles();
  return (
    <section className={classes.section} aria-label={props.title}>
      <Typography
        variant="subtitle2"
        component="h3"
        className={classes.heading}
      >
        {props.title}
      </Typography>
      {props.children}
    </section>
  );
};

/** Who pinned a version and when, as the environment cards say it. */
const Pinned = (props: { version: EnvironmentVersion; verb: string }) => {
  const { commit } = props.version;
  return (
    <>
      {props.verb} by <Person who={commit.author} />,{' '}
      <span title={formatTime(commit.date)}>{formatAge(commit.date)}</span>
    </>
  );
};

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

// Windows and freezes that do not pass now do not refuse the rollback: it
// waits for them, like a promotion waits for its gates.
function windowOutlook(plan: RollbackPlan): string | undefined {
  if (plan.gateRuns.some(run => ['failed', 'pending'].includes(run.status))) {
    return 'The rollback will wait until they pass, or until it expires.';
  }
  return undefined;
}

/**
 * What going back means, from the rollback's dry run: the recommendation and
 * why, the build it goes back to, the builds it backs out with who promoted
 * them and when, later environments running one of those, the windows as of
 * now, approvals, the requests it supersedes and the exact change.
 */
export const ImpactView = (props: {
  plan: RollbackPlan;
  /** Open requests into the environment, to describe those it supersedes. */
  openRequests?: Promotion[];
}) => {
  const { plan } = props;
  const { impact } = plan;
  const classes = useStyles();

  return (
    <div data-testid="rollback-impact">
      <Section title="Recommendation">
        <div className={classes.verdict}>
          <RecommendationChip recommendation={impact.recommendation} />
          {impact.recommendation === 'blocked' && (
            <Typography variant="body2" color="error">
              This rollback cannot be requested; choose another build.
            </Typography>
          )}
        </div>
        {impact.reasons.length > 0 && (
          <ul className={classes.list} aria-label="Why">
            {impact.reasons.map(reason => (
              <Typography key={reason} component="li" variant="body2">
                {reason}
              </Typography>
            ))}
          </ul>
        )}
      </Section>
      <Section title="Goes back to">
        <Typography variant="body2">
          <strong>{buildName(impact.target.artifact)}</strong>,{' '}
          <Pinned version={impact.target} verb="pinned" />
        </Typography>
      </Section>
      <Section title="Builds backed out">
        <ul className={classes.list} aria-label="Builds backed out">
          {impact.backedOut.map(version => (
            <Typography
              key={`${version.commit.sha}`}
              component="li"
              variant="body2"
            >
              <strong>{buildName(version.artifact)}</strong>,{' '}
              <Pinned version={version} verb="promoted" />
            </Typography>
          ))}
        </ul>
        <Typography variant="caption" color="textSecondary">
          {plural(impact.commitsBetween, 'commit has', 'commits have')} changed
          the pin since {buildName(impact.target.artifact)} was pinned.
        </Typography>
      </Section>
      <Section title="Later environments">
        {impact.downstream.length > 0 ? (
          <ul className={classes.list} aria-label="Later environments affected">
            {impact.downstream.map(env => (
              <Typography key={env.environment} component="li" variant="body2">
                <strong>{env.environment}</strong> runs{' '}
                {buildName(env.artifact)}, which this backs out
              </Typography>
            ))}
          </ul>
        ) : (
          <Typography variant="body2" color="textSecondary">
            No later environment runs a build backed out here.
          </Typography>
        )}
      </Section>
      <Section title="Windows and freezes">
        <PlanGates
          runs={plan.gateRuns}
          none={<>None apply to {plan.environment}.</>}
          outlook={windowOutlook(plan)}
        />
      </Section>
      <PlanDelivery plan={plan} />
      <PlanRegistry plan={plan} />
      <SupersedeNotice ids={plan.supersedes} known={props.openRequests ?? []} />
      <Section title="Changes">
        <PlanChanges changes={plan.changes} />
      </Section>
    </div>
  );
};
