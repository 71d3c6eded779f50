import { ReactNode } from 'react';
import { makeStyles, Typography } from '@material-ui/core';

const useStyles = makeStyles(theme => ({
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content minmax(0, 1fr)',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(1),
    margin: 0,
  },
  label: {
    color: theme.palette.text.secondary,
  },
  value: {
    margin: 0,
    overflowWrap: 'anywhere',
  },
}));

/**
 * Labelled values in two aligned columns, as a card lists what an
 * environment runs. A description list, so screen readers pair each value
 * with its label.
 */
export const Facts = (props: { children: ReactNode }) => {
  const classes = useStyles();
  return <dl className={classes.facts}>{props.children}</dl>;
};

/** One labelled value of {@link Facts}. */
export const Fact = (props: { label: string; children: ReactNode }) => {
  const classes = useStyles();
  return (
    <>
      <Typography component="dt" variant="body2" className={classes.label}>
        {props.label}
      </Typography>
      <Typography component="dd" variant="body2" className={classes.value}>
        {props.children}
      </Typography>
    </>
  );
};
