import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles(theme => ({
  chart: { display: 'block', width: '100%', overflow: 'visible' },
  line: {
    fill: 'none',
    stroke: theme.palette.primary.main,
    strokeWidth: 2,
    strokeLinejoin: 'round',
  },
  // A zero-length line with round caps: a dot that stays round however the
  // chart is stretched, as the line's stroke does.
  point: {
    stroke: theme.palette.primary.main,
    strokeWidth: 6,
    strokeLinecap: 'round',
  },
  baseline: { stroke: theme.palette.divider, strokeWidth: 1 },
}));

export interface SparkLineProps {
  /** One value per bucket; buckets without a value are skipped, the line joins the others. */
  values: Array<number | null>;
  describe: (value: number, index: number) => string;
  label: string;
  height?: number;
}

const WIDTH = 100;

/**
 * A small line of values over the buckets, drawn as SVG, with a point (and
 * its title) at each bucket that has a value.
 */
export const SparkLine = (props: SparkLineProps) => {
  const classes = useStyles();
  const { values, describe, label, height = 32 } = props;
  const max = Math.max(0, ...values.map(value => value ?? 0));
  const slot = WIDTH / Math.max(values.length, 1);
  const points = values.flatMap((value, i) =>
    value === null
      ? []
      : [
          {
            i,
            value,
            x: i * slot + slot / 2,
            // Keep the line inside the box, points included.
            y:
              max === 0
                ? height - 2
                : height - 2 - (value / max) * (height - 4),
          },
        ],
  );
  return (
    <svg
      className={classes.chart}
      viewBox={`0 0 ${WIDTH} ${height}`}
      preserveAspectRatio="none"
      height={height}
      role="img"
      aria-label={label}
    >
      {points.length > 1 && (
        <polyline
          className={classes.line}
          points={points.map(p => `${p.x},${p.y}`).join(' ')}
          vectorEffect="non-scaling-stroke"
        />
      )}
      {points.map(point => (
        <line
          key={point.i}
          data-testid="point"
          className={classes.point}
          x1={point.x}
          x2={point.x}
          y1={point.y}
          y2={point.y}
          vectorEffect="non-scaling-stroke"
        >
          <title>{describe(point.value, point.i)}</title>
        </line>
      ))}
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
