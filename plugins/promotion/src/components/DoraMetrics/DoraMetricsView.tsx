import { Grid, Typography } from '@material-ui/core';
import { DoraMetrics } from '@promotion-for-backstage/plugin-promotion-common';
import { BarChart } from './BarChart';
import {
  formatBucket,
  formatDuration,
  formatFrequency,
  formatRate,
} from './formatMetric';
import { MetricTile } from './MetricTile';
import { SparkLine } from './SparkLine';

const plural = (count: number, one: string, many = `${one}s`) =>
  `${count} ${count === 1 ? one : many}`;

/** The window in words: `the last 30 days`, or `12 Nov – 3 Dec`. */
function windowText(metrics: DoraMetrics): string {
  const { from, to, days } = metrics.window;
  const endsNow = Math.abs(Date.parse(to) - Date.now()) < 60 * 60 * 1000;
  // A window up to now is whole days back to a midnight, today so far included.
  return endsNow
    ? `the last ${plural(Math.ceil(days - 1e-9), 'day')}`
    : `${formatBucket(from)} – ${formatBucket(to)}`;
}

/**
 * The four DORA metrics of a scope, each with its figure for the window and
 * a chart of its series. `compact` lays them out two by two, for a card.
 */
export const DoraMetricsView = (props: {
  metrics: DoraMetrics;
  compact?: boolean;
}) => {
  const { metrics, compact } = props;
  const {
    buckets,
    deploymentFrequency,
    leadTime,
    changeFailureRate,
    timeToRestore,
  } = metrics;
  const at = (i: number) => formatBucket(buckets[i].start);
  const per = metrics.window.bucket;
  const tile = { xs: 12, sm: 6, md: compact ? 6 : 3 } as const;
  return (
    <>
      <Typography variant="body2" color="textSecondary" paragraph>
        Changes to {metrics.productionEnvironment} over {windowText(metrics)},
        per {per}; lead time counts from {metrics.firstEnvironment}.
      </Typography>
      <Grid container spacing={3}>
        <Grid item {...tile}>
          <MetricTile
            title="Deployment frequency"
            figure={formatFrequency(deploymentFrequency.perDay)}
            caption={`${plural(deploymentFrequency.total, 'deployment')} to ${
              metrics.productionEnvironment
            }`}
            chart={
              <BarChart
                label={`Deployments per ${per}`}
                values={deploymentFrequency.series}
                describe={(value, i) =>
                  `${at(i)}: ${plural(value ?? 0, 'deployment')}`
                }
              />
            }
          />
        </Grid>
        <Grid item {...tile}>
          <MetricTile
            title="Lead time for changes"
            figure={formatDuration(leadTime.medianMs)}
            caption={
              leadTime.count === 0
                ? 'No build reached production'
                : `Median of ${plural(
                    leadTime.count,
                    'build',
                  )}; p90 ${formatDuration(leadTime.p90Ms)}`
            }
            chart={
              <SparkLine
                label={`Median lead time per ${per}`}
                values={leadTime.series}
                describe={(value, i) => `${at(i)}: ${formatDuration(value)}`}
              />
            }
          />
        </Grid>
        <Grid item {...tile}>
          <MetricTile
            title="Change failure rate"
            figure={formatRate(changeFailureRate.rate)}
            caption={`${changeFailureRate.failures} of ${plural(
              changeFailureRate.attempts,
              'change',
            )} failed or rolled back`}
            chart={
              <BarChart
                label={`Change failure rate per ${per}`}
                tone="warn"
                max={1}
                values={changeFailureRate.series.map(point => point.rate)}
                describe={(value, i) => {
                  const { failures, attempts } = changeFailureRate.series[i];
                  return attempts === 0
                    ? `${at(i)}: no changes`
                    : `${at(i)}: ${formatRate(
                        value,
                      )} (${failures} of ${attempts})`;
                }}
              />
            }
          />
        </Grid>
        <Grid item {...tile}>
          <MetricTile
            title="Time to restore"
            figure={formatDuration(timeToRestore.medianMs)}
            caption={
              timeToRestore.count + timeToRestore.open === 0
                ? 'No failures'
                : `Median of ${plural(timeToRestore.count, 'restore')}${
                    timeToRestore.open > 0
                      ? `; ${timeToRestore.open} not restored yet`
                      : ''
                  }`
            }
            chart={
              <SparkLine
                label={`Median time to restore per ${per}`}
                values={timeToRestore.series}
                describe={(value, i) => `${at(i)}: ${formatDuration(value)}`}
              />
            }
          />
        </Grid>
      </Grid>
    </>
  );
};
