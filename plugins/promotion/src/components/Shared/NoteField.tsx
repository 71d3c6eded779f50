import { ReactNode, useState } from 'react';
import { TextField } from '@material-ui/core';

/** @internal */
export type NoteFieldProps = {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  required?: boolean;
  helperText?: ReactNode;
  disabled?: boolean;
  /** Marks the field once it has been left, not while it is first typed in. */
  invalid?: boolean;
};

/**
 * A reason or comment that goes with a request into the audit log: a few
 * lines, at most the 2000 characters the backend accepts.
 */
export const NoteField = (props: NoteFieldProps) => {
  const { onChange, invalid = false, ...field } = props;
  const [touched, setTouched] = useState(false);
  return (
    <TextField
      {...field}
      onChange={e => onChange(e.target.value)}
      onBlur={() => setTouched(true)}
      error={touched && invalid}
      fullWidth
      multiline
      minRows={2}
      variant="outlined"
      inputProps={{ maxLength: 2000 }}
    />
  );
};
