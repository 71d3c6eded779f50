import { useState } from 'react';
import { Button, makeStyles, Typography } from '@material-ui/core';
import PauseCircleIcon from '@material-ui/icons/PauseCircleFilled';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { PipelineEnvironment } from '@promotion-for-backstage/plugin-promotion-common';
import { promotionApiRef } from '../../api';
import { entityName, formatAge, formatTime } from '../../lib';
import { Person, WarningNotice } from '../Shared';
import { ReleaseHoldDialog } from './ReleaseHoldDialog';

const useStyles = makeStyles(theme => ({
  root: {
    marginBottom: theme.spacing(1.5),
  },
  body: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
  },
  text: {
    overflowWrap: 'anywhere',
  },
}));

/**
 * Says that a rollback stopped automatic promotion into the environment,
 * since when, by whom and why, with "Release hold" for those the backend
 * allows (`release-hold` in the environment's `allowedActions`). After a
 * release the alert bar says so and `onReleased` reads the pipeline again.
 *
 * An open dialog outlives a refresh that finds the hold gone (someone else
 * released it, a promotion ended it): the notice goes, the dialog stays, and
 * confirming shows the backend's answer there.
 */
export const HoldNotice = (props: {
  entityRef: string;
  environment: PipelineEnvironment;
  onReleased: () => unknown;
}) => {
  const { entityRef, environment, onReleased } = props;
  const classes = useStyles();
  const promotionApi = useApi(promotionApiRef);
  const alertApi = useApi(alertApiRef);
  // Held here rather than in a DialogButton inside the notice, which would
  // go with the notice and take an open dialog with it.
  const [releasing, setReleasing] = useState(false);
  const { hold } = environment;
  const what = `${entityName(entityRef)} in ${environment.name}`;
  const close = () => setReleasing(false);

  const dialog = releasing && (
    <ReleaseHoldDialog
      what={what}
      environment={environment.name}
      onCancel={close}
      onConfirm={async () => {
        await promotionApi.releaseHold(entityRef, environment.name);
        alertApi.post({
          message: `Released the hold on ${what}: automatic promotion goes on`,
          severity: 'success',
          display: 'transient',
        });
        close();
        onReleased();
      }}
    />
  );
  // One tree with or without the hold, so an open dialog keeps what it shows.
  return (
    <>
      {hold && (
        <WarningNotice
          icon={PauseCircleIcon}
          className={classes.root}
          data-testid={`hold-${environment.name}`}
        >
          <div className={classes.body}>
            <Typography variant="body2" className={classes.text}>
              <strong>
                Automatic promotion held since{' '}
                <time dateTime={hold.createdAt}>
                  {formatTime(hold.createdAt)}
                </time>{' '}
                ({formatAge(hold.createdAt)}) by <Person who={hold.setBy} />
              </strong>
              : {hold.reason}
            </Typography>
            {environment.allowedActions.includes('release-hold') && (
              <Button
                size="small"
                variant="outlined"
                aria-label={`Release hold on ${what}`}
                onClick={() => setReleasing(true)}
              >
                Release hold
              </Button>
            )}
          </div>
        </WarningNotice>
      )}
      {dialog}
    </>
  );
};
