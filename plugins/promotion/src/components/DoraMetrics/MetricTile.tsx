import { ReactNode } from 'react';
import { Box, makeStyles, Typography } from '@material-ui/core';

const useStyles = makeStyles(theme => ({
  tile: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    minWidth: 0,
  },
  figure: { fontWeight: theme.typography.fontWeightBold as number },
}));

/** One DORA metric: its name, its figure for the window, a line that explains it, and its chart. */
export const MetricTile = (props: {
  title: string;
  figure: string;
  caption: string;
  chart: ReactNode;
}) => {
  const classes = useStyles();
  return (
    <Box className={classes.tile} component="section" aria-label={props.title}>
      <Typography variant="overline" color="textSecondary" component="h3">
        {props.title}
      </Typography>
      <Typography variant="h5" component="p" className={classes.figure}>
        {props.figure}
      </Typography>
      <Typography variant="caption" color="textSecondary">
        {props.caption}
      </Typography>
      {props.chart}
    </Box>
  );
};
