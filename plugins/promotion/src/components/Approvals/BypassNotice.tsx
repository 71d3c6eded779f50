import { makeStyles, Typography } from '@material-ui/core';
import WarningIcon from '@material-ui/icons/Warning';
import { EntityDisplayName } from '@backstage/plugin-catalog-react';
import { Promotion } from '@promotion-for-backstage/plugin-promotion-common';
import { WarningNotice } from '../Shared';

const useStyles = makeStyles({
  text: {
    overflowWrap: 'anywhere',
  },
});

/**
 * The loud mark of a request that skipped its gates or approvals in an
 * emergency: who did it and why, in the warning colours.
 */
export const BypassNotice = (props: {
  bypass: NonNullable<Promotion['bypass']>;
}) => {
  const { by, reason } = props.bypass;
  const classes = useStyles();
  return (
    <WarningNotice icon={WarningIcon} data-testid="bypass-notice">
      <Typography variant="body2" className={classes.text}>
        <strong>
          Emergency bypass by{' '}
          <EntityDisplayName entityRef={by} defaultKind="user" hideIcon />
        </strong>
        : {reason}
      </Typography>
    </WarningNotice>
  );
};
