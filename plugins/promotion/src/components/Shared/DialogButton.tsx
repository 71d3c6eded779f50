import { ReactNode, useState } from 'react';
import { Button, ButtonProps } from '@material-ui/core';

/** @internal */
export type DialogButtonProps = Omit<ButtonProps, 'onClick'> & {
  /** Whether the button shows; an open dialog stays either way. */
  allowed: boolean;
  /** The dialog the button opens, with what closes it. */
  dialog: (close: () => void) => ReactNode;
};

/**
 * A button that asks in a dialog before it acts. An open dialog outlives a
 * refresh that takes the button away (the request moved on, a permission
 * went): the person reads the backend's answer there, with what they typed.
 */
export const DialogButton = (props: DialogButtonProps) => {
  const { allowed, dialog, ...button } = props;
  const [open, setOpen] = useState(false);
  if (!allowed && !open) {
    return null;
  }
  return (
    <>
      {allowed && <Button {...button} onClick={() => setOpen(true)} />}
      {open && dialog(() => setOpen(false))}
    </>
  );
};
