import { useState } from 'react';
import { errorMessage } from '../../lib';

/**
 * Sends a dialog's confirmation once. While it is on its way `submitting` is
 * true; when it is refused, `error` holds the reason and the dialog can be
 * confirmed again. On success the caller closes the dialog, so nothing is
 * reset.
 */
export function useSubmission() {
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (send: () => Promise<void>) => {
    setSubmitting(true);
    setError(undefined);
    try {
      await send();
    } catch (e) {
      setError(errorMessage(e));
      setSubmitting(false);
    }
  };

  return {
    submitting,
    error,
    submit,
    /** For a change that makes the refusal no longer about what is shown. */
    clearError: () => setError(undefined),
  };
}
