import { Button, makeStyles, Typography } from '@material-ui/core';
import VerifiedUserIcon from '@material-ui/icons/VerifiedUser';
import ErrorIcon from '@material-ui/icons/Error';
import { AuditVerification } from '@promotion-for-backstage/plugin-promotion-common';
import { errorMessage } from '../../lib';
import { Abbreviated } from '../Shared';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    padding: theme.spacing(1, 1.5),
    borderRadius: theme.shape.borderRadius,
    border: `1px solid ${theme.palette.divider}`,
    marginBottom: theme.spacing(1.5),
  },
  ok: {
    color: theme.palette.success.main,
  },
  broken: {
    color: theme.palette.error.main,
    borderColor: theme.palette.error.main,
  },
  text: {
    flex: '1 1 auto',
  },
}));

/**
 * What the walk of the whole audit chain found: intact up to its head (and
 * how many records that is), or the first broken record and why. The chain
 * is the tamper evidence of every record below, so it is shown above them.
 */
export const ChainVerification = (props: {
  verification?: AuditVerification;
  loading: boolean;
  error?: Error;
  onVerify: () => void;
}) => {
  const { verification, loading, error, onVerify } = props;
  const classes = useStyles();
  const broken = verification && !verification.ok;
  let message;
  if (loading) {
    message = 'Verifying the audit chain…';
  } else if (error) {
    message = `The audit chain could not be verified: ${errorMessage(error)}`;
  } else if (verification?.ok) {
    message = (
      <>
        Chain intact: {verification.checked.toLocaleString('en-US')} records
        verified up to #{verification.headSeq} (
        <Abbreviated
          full={verification.headHash}
          short={verification.headHash.slice(0, 12)}
        />
        )
      </>
    );
  } else if (verification?.firstBroken) {
    message = `Chain broken at record #${verification.firstBroken.seq}: ${verification.firstBroken.reason}`;
  }
  return (
    <div
      className={`${classes.root} ${broken || error ? classes.broken : ''}`}
      role="status"
      data-testid="audit-chain-verification"
    >
      {verification?.ok && !loading && (
        <VerifiedUserIcon className={classes.ok} fontSize="small" />
      )}
      {(broken || error) && !loading && (
        <ErrorIcon className={classes.broken} fontSize="small" />
      )}
      <Typography variant="body2" className={classes.text}>
        {message}
      </Typography>
      <Button size="small" onClick={onVerify} disabled={loading}>
        Verify again
      </Button>
    </div>
  );
};
