import { Chip } from '@material-ui/core';
import HistoryIcon from '@material-ui/icons/History';
import { Promotion } from '@promotion-for-backstage/plugin-promotion-common';

/**
 * Marks a request that sets an environment back rather than moving a build
 * on, wherever requests are listed; an ordinary promotion needs no mark.
 */
export const RequestKindChip = (props: {
  request: Pick<Promotion, 'kind'>;
}) => {
  if (props.request.kind !== 'rollback') {
    return null;
  }
  return (
    <Chip
      size="small"
      variant="outlined"
      icon={<HistoryIcon />}
      label="Rollback"
      data-testid="request-kind-rollback"
    />
  );
};
