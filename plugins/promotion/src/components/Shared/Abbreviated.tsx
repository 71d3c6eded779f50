import { makeStyles } from '@material-ui/core';
import { VisuallyHidden } from './VisuallyHidden';

const useStyles = makeStyles({
  code: {
    fontFamily: 'monospace',
  },
});

/**
 * A long identifier (a digest, a commit sha) shortened on screen, with the
 * full value as the hover title and, since a title is not reliably read,
 * as the text screen readers get.
 */
export const Abbreviated = (props: {
  full: string;
  short: string;
  'data-testid'?: string;
}) => {
  const { full, short } = props;
  const classes = useStyles();
  return (
    <span
      className={classes.code}
      title={full}
      data-testid={props['data-testid']}
    >
      <span aria-hidden="true">{short}</span>
      <VisuallyHidden>{full}</VisuallyHidden>
    </span>
  );
};
