import { InputError } from '@backstage/errors';
import {
  ChangeTicketRule,
  matchesChangeTicketPattern,
} from '@promotion-for-backstage/plugin-promotion-common';
import { EnvironmentConfig } from '../config';

/** What the environment asks of change tickets, as the API shows it; undefined when it has no `changeTicket` config. */
export function changeTicketRule(
  environment: EnvironmentConfig,
): ChangeTicketRule | undefined {
  const config = environment.changeTicket;
  if (!config) return undefined;
  return {
    required: config.required,
    ...(config.pattern ? { pattern: config.pattern } : {}),
    ...(config.url ? { url: config.url } : {}),
  };
}

/**
 * Refuses a request whose change ticket the environment would not take: a
 * missing one where it is required (a dry run may ask before the ticket is
 * known, and learns from the plan that one is needed), or one not of the
 * configured form.
 */
export function checkChangeTicket(
  environment: EnvironmentConfig,
  ticket: string | undefined,
  options: { dryRun: boolean },
): void {
  const rule = changeTicketRule(environment);
  if (ticket === undefined) {
    if (rule?.required && !options.dryRun) {
      throw new InputError(
        `'${environment.name}' needs a change ticket: name it in changeTicket`,
      );
    }
    return;
  }
  if (!matchesChangeTicketPattern(rule, ticket)) {
    throw new InputError(
      `Invalid changeTicket: '${ticket}' is not of the form '${environment.name}' takes (${rule?.pattern})`,
    );
  }
}
