import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DialogButton } from './DialogButton';

const Archive = (props: { allowed: boolean }) => (
  <DialogButton
    allowed={props.allowed}
    aria-label="Archive build 1.4.0"
    dialog={close => (
      <div role="dialog" aria-label="Archive the build?">
        <button onClick={close}>Keep it</button>
      </div>
    )}
  >
    Archive
  </DialogButton>
);

describe('DialogButton', () => {
  it('shows nothing when the action is not allowed', () => {
    const { container } = render(<Archive allowed={false} />);
    expect(container).toBeEmptyDOMElement();
  });

  it('keeps an open dialog when the action stops being allowed, until it is closed', async () => {
    const { rerender, container } = render(<Archive allowed />);
    await userEvent.click(
      screen.getByRole('button', { name: 'Archive build 1.4.0' }),
    );
    expect(screen.getByRole('dialog')).toBeInTheDocument();

    rerender(<Archive allowed={false} />);
    expect(
      screen.queryByRole('button', { name: 'Archive build 1.4.0' }),
    ).not.toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Keep it' }));
    expect(container).toBeEmptyDOMElement();
  });
});
