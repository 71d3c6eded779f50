import { ReactNode } from 'react';
import {
  Dialog,
  DialogContent,
  DialogTitle,
  makeStyles,
  Typography,
} from '@material-ui/core';
import { ConfirmActions, ConfirmActionsProps } from './ConfirmActions';

const useStyles = makeStyles(theme => ({
  error: {
    marginTop: theme.spacing(1.5),
  },
}));

/** @internal */
export type ConfirmDialogProps = ConfirmActionsProps & {
  /** Id of the title, which names the dialog for screen readers. */
  titleId: string;
  title: ReactNode;
  maxWidth: 'sm' | 'md';
  /** Why the last confirmation was refused, below the content. */
  error?: ReactNode;
  children: ReactNode;
};

/**
 * A dialog that asks before something is sent: a title, what it means, and
 * the buttons to back out or confirm. It cannot be dismissed while the
 * confirmation is on its way.
 */
export const ConfirmDialog = (props: ConfirmDialogProps) => {
  const { titleId, title, maxWidth, error, children, ...actions } = props;
  const classes = useStyles();
  return (
    <Dialog
      open
      onClose={actions.submitting ? undefined : actions.onCancel}
      aria-labelledby={titleId}
      fullWidth
      maxWidth={maxWidth}
    >
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <DialogContent>
        {children}
        {error && (
          <Typography role="alert" color="error" className={classes.error}>
            {error}
          </Typography>
        )}
      </DialogContent>
      <ConfirmActions {...actions} />
    </Dialog>
  );
};
