import { ChangeTicketRule } from './types';

/**
 * The page of a change ticket, from the environment's `changeTicket.url`
 * template; undefined when the environment names no page. The backend links
 * it from pull requests and the frontend from requests, alike.
 * @public
 */
export function changeTicketUrl(
  rule: Pick<ChangeTicketRule, 'url'> | undefined,
  ticket: string,
): string | undefined {
  if (!rule?.url) return undefined;
  return rule.url.replace(/\{\{\s*ticket\s*\}\}/g, () =>
    encodeURIComponent(ticket),
  );
}

/**
 * Whether a reference has the form the environment asks for: its whole text
 * matches `pattern`, when there is one.
 * @public
 */
export function matchesChangeTicketPattern(
  rule: Pick<ChangeTicketRule, 'pattern'> | undefined,
  ticket: string,
): boolean {
  if (!rule?.pattern) return true;
  return new RegExp(`^(?:${rule.pattern})$`, 'u').test(ticket);
}
