import { useState } from 'react';
import { TextField } from '@material-ui/core';
import {
  ChangeTicketRule,
  changeTicketSchema,
  matchesChangeTicketPattern,
} from '@promotion-for-backstage/plugin-promotion-common';

/**
 * What is wrong with a change ticket as typed, or undefined when the
 * environment would take it: the same checks as the backend's, so that
 * Promote is never offered for a request it would refuse.
 */
export function changeTicketProblem(
  value: string,
  rule: ChangeTicketRule | undefined,
): string | undefined {
  const ticket = value.trim();
  if (!ticket) {
    return rule?.required
      ? 'This environment needs a change ticket'
      : undefined;
  }
  const parsed = changeTicketSchema.safeParse(ticket);
  if (!parsed.success) return parsed.error.issues[0].message;
  if (!matchesChangeTicketPattern(rule, ticket)) {
    return `Must match ${rule?.pattern}`;
  }
  return undefined;
}

/** @internal */
export type ChangeTicketFieldProps = {
  rule: ChangeTicketRule;
  value: string;
  onChange: (value: string) => void;
  /** Called with the ticket once it has been left with a valid value, e.g. to plan again with it. */
  onSettled?: (ticket: string) => void;
  disabled?: boolean;
};

/** The change ticket of a promotion or rollback, as the target environment asks for it. */
export const ChangeTicketField = (props: ChangeTicketFieldProps) => {
  const { rule, value, onChange, onSettled, disabled } = props;
  const [touched, setTouched] = useState(false);
  const problem = changeTicketProblem(value, rule);
  const hint = rule.pattern
    ? `The CAB change this is made under, e.g. one matching ${rule.pattern}`
    : 'The CAB change this is made under';
  return (
    <TextField
      id="change-ticket"
      label={rule.required ? 'Change ticket' : 'Change ticket (optional)'}
      value={value}
      required={rule.required}
      disabled={disabled}
      error={touched && Boolean(problem)}
      helperText={(touched && problem) || hint}
      onChange={e => onChange(e.target.value)}
      onBlur={() => {
        setTouched(true);
        if (!problem) onSettled?.(value.trim());
      }}
      fullWidth
      margin="dense"
      variant="outlined"
      inputProps={{ maxLength: 100, spellCheck: false }}
    />
  );
};
