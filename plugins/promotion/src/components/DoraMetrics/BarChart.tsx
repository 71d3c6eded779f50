import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles(theme => ({
  chart: { display: 'block', width: '100%', overflow: 'visible' },
  bar: { fill: theme.palette.primary.main },
  warn: { fill: theme.palette.error.main },
  baseline: { stroke: theme.palette.divider, strokeWidth: 1 },
}));

export interface BarChartProps {
  /** One value per bucket; null draws no bar (nothing to measure there). */
  values: Array<number | null>;
  /** What each bar says when pointed at, e.g. `3 Dec: 2 deployments`. */
  describe: (value: number | null, index: number) => string;
  /** What the chart shows, for screen readers. */
  label: string;
  /** The value of a full-height bar; by default the largest value. */
  max?: number;
  /** Bars in the error colour (failure rates). */
  tone?: 'default' | 'warn';
  height?: number;
}

const WIDTH = 100;

/**
 * A small bar chart drawn as SVG: one bar per bucket, scaled to the largest
 * value (or `max`), each with a title that names the bucket and its value.
 */
export const BarChart = (props: BarChartProps) => {
  const classes = useStyles();
  const { values, describe, label, tone = 'default', height = 32 } = props;
  const max = props.max ?? Math.max(0, ...values.map(value => value ?? 0));
  const slot = WIDTH / Math.max(values.length, 1);
  const gap = Math.min(slot * 0.2, 1);
  return (
    <svg
      className={classes.chart}
      viewBox={`0 0 ${WIDTH} ${height}`}
      preserveAspectRatio="none"
      height={height}
      role="img"
      aria-label={label}
    >
      {values.map((value, i) => {
        const barHeight =
          value === null || max === 0 ? 0 : (value / max) * height;
        return (
          <rect
            key={i}
            data-testid="bar"
            className={tone === 'warn' ? classes.warn : classes.bar}
            x={i * slot + gap / 2}
            y={height - barHeight}
            width={slot - gap}
            height={barHeight}
          >
            <title>{describe(value, i)}</title>
          </rect>
        );
      })}
      <line
        className={classes.baseline}
        x1={0}
        x2={WIDTH}
        y1={height}
        y2={height}
        vectorEffect="non-scaling-stroke"
      />
    </svg>
  );
};
