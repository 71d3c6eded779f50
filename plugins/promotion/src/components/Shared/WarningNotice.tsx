import { ComponentType, ReactNode } from 'react';
import { makeStyles } from '@material-ui/core';
import { alpha } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
    padding: theme.spacing(1),
    borderLeft: `4px solid ${theme.palette.warning.main}`,
    borderRadius: theme.shape.borderRadius,
    backgroundColor: alpha(theme.palette.warning.main, 0.15),
  },
  icon: {
    color: theme.palette.warning.main,
    flexShrink: 0,
  },
}));

/**
 * A box in the warning colours for what people must not miss: a bypass, a
 * hold, requests about to be superseded.
 */
export const WarningNotice = (props: {
  icon: ComponentType<{ className?: string; fontSize?: 'small' }>;
  /** Spacing around the box, where it sits among others. */
  className?: string;
  'data-testid': string;
  children: ReactNode;
}) => {
  const { icon: Icon, className, children } = props;
  const classes = useStyles();
  return (
    <div
      className={className ? `${classes.root} ${className}` : classes.root}
      data-testid={props['data-testid']}
    >
      <Icon className={classes.icon} fontSize="small" />
      {children}
    </div>
  );
};
