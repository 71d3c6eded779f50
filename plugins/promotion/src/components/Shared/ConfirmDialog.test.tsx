import { useState } from 'react';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ConfirmDialog } from './ConfirmDialog';
import { useSubmission } from './useSubmission';

/** A confirmation as the dialogs make it: sent once, closed on success. */
const Confirmation = (props: {
  send: () => Promise<void>;
  ready?: boolean;
}) => {
  const [open, setOpen] = useState(true);
  const { submitting, error, submit } = useSubmission();
  if (!open) {
    return <p>closed</p>;
  }
  return (
    <ConfirmDialog
      titleId="archive-title"
      title="Archive the build?"
      maxWidth="sm"
      error={error && `The build was not archived: ${error}`}
      submitting={submitting}
      cancelText="Keep it"
      onCancel={() => setOpen(false)}
      confirmText="Archive"
      ready={props.ready}
      onConfirm={() =>
        submit(async () => {
          await props.send();
          setOpen(false);
        })
      }
    >
      It leaves the list of builds.
    </ConfirmDialog>
  );
};

function deferred() {
  let settle: { resolve: () => void; reject: (e: Error) => void } = {
    resolve: () => {},
    reject: () => {},
  };
  const promise = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  return { promise, ...settle };
}

describe('ConfirmDialog', () => {
  it('holds both buttons and the dialog while the confirmation is on its way, and shows a refusal', async () => {
    const first = deferred();
    const second = deferred();
    const send = jest
      .fn()
      .mockReturnValueOnce(first.promise)
      .mockReturnValueOnce(second.promise);
    render(<Confirmation send={send} />);

    const dialog = screen.getByRole('dialog', { name: 'Archive the build?' });
    await userEvent.click(screen.getByRole('button', { name: 'Archive' }));

    expect(screen.getByRole('button', { name: 'Archive' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Keep it' })).toBeDisabled();
    expect(screen.getByRole('progressbar')).toBeInTheDocument();
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(dialog).toBeInTheDocument();

    first.reject(new Error('it is still deployed'));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The build was not archived: it is still deployed',
    );
    expect(screen.getByRole('button', { name: 'Archive' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Keep it' })).toBeEnabled();

    await userEvent.click(screen.getByRole('button', { name: 'Archive' }));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    second.resolve();
    expect(await screen.findByText('closed')).toBeInTheDocument();
  });

  it('keeps Confirm disabled until the confirmation is ready, while backing out still works', async () => {
    const send = jest.fn().mockResolvedValue(undefined);
    render(<Confirmation send={send} ready={false} />);

    expect(screen.getByRole('button', { name: 'Archive' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Keep it' }));
    await waitFor(() => expect(screen.getByText('closed')).toBeInTheDocument());
    expect(send).not.toHaveBeenCalled();
  });
});
