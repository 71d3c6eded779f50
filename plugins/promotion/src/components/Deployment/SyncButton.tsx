import SyncIcon from '@material-ui/icons/Sync';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { PipelineEnvironment } from '@promotion-for-backstage/plugin-promotion-common';
import { promotionApiRef, SyncOutcome } from '../../api';
import { DialogButton } from '../Shared';
import { SyncDialog } from './SyncDialog';

function syncedText(outcome: SyncOutcome): string {
  const started = `Argo CD is syncing ${outcome.application}`;
  // The landed promotion that waited for the sync now counts down to its deadline.
  return outcome.promotionId
    ? `${started}; the promotion that landed in ${outcome.environment} is followed until it runs healthy`
    : started;
}

/**
 * "Sync" on the card of a manual-sync Argo CD environment, for those the
 * backend allows (`sync` in `allowedActions`). Once Argo CD accepts, the
 * alert bar says so and `onDone` reads the pipeline again, so the card shows
 * the sync under way.
 */
export const SyncButton = (props: {
  entityRef: string;
  environment: PipelineEnvironment;
  onDone: () => unknown;
}) => {
  const { entityRef, environment, onDone } = props;
  const promotionApi = useApi(promotionApiRef);
  const alertApi = useApi(alertApiRef);
  // The backend offers `sync` only where the environment has an Argo CD
  // source; its Application is the name people know it by there.
  const application = environment.deployment?.resource ?? environment.name;

  return (
    <DialogButton
      allowed={environment.allowedActions.includes('sync')}
      variant="outlined"
      startIcon={<SyncIcon />}
      dialog={close => (
        <SyncDialog
          application={application}
          environment={environment.name}
          onCancel={close}
          onConfirm={async reason => {
            const outcome = await promotionApi.syncEnvironment(
              entityRef,
              environment.name,
              reason ? { reason } : {},
            );
            alertApi.post({
              message: syncedText(outcome),
              severity: 'success',
              display: 'transient',
            });
            close();
            onDone();
          }}
        />
      )}
    >
      Sync
    </DialogButton>
  );
};
