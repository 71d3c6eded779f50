import HistoryIcon from '@material-ui/icons/History';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import {
  PipelineEnvironment,
  Promotion,
} from '@promotion-for-backstage/plugin-promotion-common';
import { promotionApiRef, RollbackResult } from '../../api';
import { entityName, requestName } from '../../lib';
import { PROMOTION_STATUS_TEXT } from '../PromotionStatusLabel';
import { DialogButton } from '../Shared';
import { buildName } from './buildName';
import { RollbackDialog } from './RollbackDialog';

function requestedText(what: string, created: RollbackResult): string {
  const state =
    PROMOTION_STATUS_TEXT[created.status].toLocaleLowerCase('en-US');
  return `Requested the ${what}, back to ${buildName(
    created.artifact,
  )}: ${state}`;
}

/**
 * "Roll back" on an environment's card, when its `allowedActions` allow it,
 * with the dialog that shows the impact first. Once the backend accepts the
 * rollback, the app's alert bar says so and `onDone` reads the pipeline
 * again, where the request shows on the card until it ends.
 */
export const RollbackButton = (props: {
  entityRef: string;
  environment: PipelineEnvironment;
  /** Open requests into the environment, which a rollback may supersede. */
  openRequests?: Promotion[];
  onDone: () => unknown;
}) => {
  const { entityRef, environment, openRequests, onDone } = props;
  const promotionApi = useApi(promotionApiRef);
  const alertApi = useApi(alertApiRef);
  const what = requestName({
    kind: 'rollback',
    entityRef,
    targetEnvironment: environment.name,
  });

  return (
    <DialogButton
      allowed={environment.allowedActions.includes('rollback')}
      variant="outlined"
      startIcon={<HistoryIcon />}
      aria-label={`Roll back ${entityName(entityRef)} in ${environment.name}`}
      dialog={close => (
        <RollbackDialog
          entityRef={entityRef}
          environment={environment.name}
          openRequests={openRequests}
          onCancel={close}
          onConfirm={async request => {
            const created = await promotionApi.requestRollback(request);
            alertApi.post({
              message: requestedText(what, created),
              severity: 'success',
              display: 'transient',
            });
            close();
            onDone();
          }}
        />
      )}
    >
      Roll back
    </DialogButton>
  );
};
