import { Typography } from '@material-ui/core';
import { Link } from '@backstage/core-components';
import {
  ChangeTicketRule,
  changeTicketUrl,
} from '@promotion-for-backstage/plugin-promotion-common';

/**
 * The change ticket a request was made under, linked to its page where the
 * environment names one (`changeTicket.url`).
 */
export const ChangeTicketLink = (props: {
  ticket: string;
  rule?: ChangeTicketRule;
}) => {
  const { ticket, rule } = props;
  const url = changeTicketUrl(rule, ticket);
  return (
    <Typography variant="body2" data-testid="change-ticket">
      Change ticket{' '}
      {url ? (
        <Link to={url} target="_blank" rel="noopener">
          {ticket}
        </Link>
      ) : (
        <strong>{ticket}</strong>
      )}
    </Typography>
  );
};
