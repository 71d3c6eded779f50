import { ReactNode } from 'react';
import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  // The usual clip pattern: read by screen readers, takes no space on screen.
  root: {
    position: 'absolute',
    width: 1,
    height: 1,
    padding: 0,
    margin: -1,
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
    border: 0,
  },
});

/** Text for screen readers only, where the screen shows it in another form. */
export const VisuallyHidden = (props: { children: ReactNode }) => {
  const classes = useStyles();
  return <span className={classes.root}>{props.children}</span>;
};
