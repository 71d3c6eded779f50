import { ReactNode } from 'react';
import {
  Button,
  CircularProgress,
  DialogActions,
  makeStyles,
} from '@material-ui/core';

const useStyles = makeStyles(theme => ({
  danger: {
    color: theme.palette.error.contrastText,
    backgroundColor: theme.palette.error.main,
    '&:hover': {
      backgroundColor: theme.palette.error.dark,
    },
  },
}));

/** @internal */
export type ConfirmActionsProps = {
  /** What backing out says, e.g. "Keep the request"; "Cancel" by default. */
  cancelText?: string;
  onCancel: () => void;
  confirmText: ReactNode;
  /** The confirm button's accessible name, where its text alone is not enough. */
  confirmName?: string;
  onConfirm: () => void;
  /** Whether the confirmation can be sent; while it is sent, it cannot. */
  ready?: boolean;
  /** In the error colours, for what cannot be taken back lightly. */
  danger?: boolean;
  /** Sending the confirmation: both buttons wait, the confirm one spins. */
  submitting: boolean;
};

/**
 * The buttons at the foot of a confirmation dialog: back out, or confirm.
 * Neither can be pressed while the confirmation is on its way, so it is sent
 * once and the dialog is not left half-way.
 */
export const ConfirmActions = (props: ConfirmActionsProps) => {
  const { submitting, ready = true, danger = false } = props;
  const classes = useStyles();
  return (
    <DialogActions>
      <Button onClick={props.onCancel} disabled={submitting}>
        {props.cancelText ?? 'Cancel'}
      </Button>
      <Button
        variant="contained"
        color={danger ? 'default' : 'primary'}
        className={danger ? classes.danger : undefined}
        aria-label={props.confirmName}
        onClick={props.onConfirm}
        disabled={!ready || submitting}
        startIcon={submitting ? <CircularProgress size={16} /> : undefined}
      >
        {props.confirmText}
      </Button>
    </DialogActions>
  );
};
