import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { DialogContentText, makeStyles, Typography } from '@material-ui/core';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Artifact,
  createRollbackRequestSchema,
  Promotion,
} from '@promotion-for-backstage/plugin-promotion-common';
import { promotionApiRef, RollbackRequest } from '../../api';
import { entityName, errorMessage } from '../../lib';
import { ChangeTicketField, changeTicketProblem } from '../ChangeTicket';
import { ConfirmDialog, NoteField, useSubmission } from '../Shared';
import { ImpactView } from './ImpactView';
import { defaultChoice, rollbackChoices } from './rollbackChoices';
import { VersionHistory } from './VersionHistory';

const useStyles = makeStyles(theme => ({
  section: {
    margin: theme.spacing(1, 0, 2),
  },
}));

// The same rule as the backend's, so Confirm is enabled exactly when the
// reason would be accepted.
const reasonSchema = createRollbackRequestSchema.shape.reason;

/** Which build to ask for: by digest when the pin has one, else by tag. */
function buildOf(artifact: Artifact): Pick<RollbackRequest, 'digest' | 'tag'> {
  if (artifact.digest) {
    return { digest: artifact.digest };
  }
  return artifact.tag ? { tag: artifact.tag } : {};
}

/** @internal */
export type RollbackDialogProps = {
  entityRef: string;
  environment: string;
  /** Open requests into the environment, to describe those the rollback supersedes. */
  openRequests?: Promotion[];
  onCancel: () => void;
  /**
   * Resolves once the rollback was accepted; the dialog then closes. Rejects
   * with the backend's reason when it is refused: the dialog stays open with
   * the reason typed and shows why.
   */
  onConfirm: (request: RollbackRequest) => Promise<void>;
};

/**
 * Sets an environment back to a build it ran before. It lists the
 * environment's history to choose from (by default the build before the
 * current one), asks the backend for the dry run of that choice and shows its
 * impact analysis before anything can be confirmed. A reason of at least 10
 * characters is required; a rollback the analysis blocks cannot be confirmed.
 */
export const RollbackDialog = (props: RollbackDialogProps) => {
  const { entityRef, environment, onCancel, onConfirm } = props;
  const classes = useStyles();
  const promotionApi = useApi(promotionApiRef);
  const [picked, setPicked] = useState<number>();
  const [reason, setReason] = useState('');
  const [ticket, setTicket] = useState('');
  const { submitting, error, submit, clearError } = useSubmission();
  const name = entityName(entityRef);

  const history = useAsync(
    () => promotionApi.getHistory(entityRef, environment),
    [promotionApi, entityRef, environment],
  );
  const choices = useMemo(
    () => rollbackChoices(history.value?.versions ?? []),
    [history.value],
  );
  const selected = picked ?? defaultChoice(choices);
  const target = selected === undefined ? undefined : choices[selected];
  const build = target && buildOf(target.version.artifact);

  const planned = useAsync(
    async () =>
      build
        ? promotionApi.planRollback({ entityRef, environment, ...build })
        : undefined,
    [promotionApi, entityRef, environment, build?.digest, build?.tag],
  );
  // While another choice is planned, the previous plan is not the one shown.
  const plan = planned.loading ? undefined : planned.value;

  const parsedReason = reasonSchema.safeParse(reason);
  const blocked = plan?.impact.recommendation === 'blocked';
  const ticketProblem = changeTicketProblem(ticket, plan?.changeTicket);
  const ready =
    Boolean(plan) && parsedReason.success && !blocked && !ticketProblem;

  const confirm = async () => {
    if (!plan || !parsedReason.success || blocked || ticketProblem) {
      return;
    }
    const changeTicket = ticket.trim();
    const request: RollbackRequest = {
      entityRef,
      environment,
      // The build that was analysed, whatever else changed meanwhile.
      ...buildOf(plan.artifact),
      reason: parsedReason.data,
      ...(changeTicket ? { changeTicket } : {}),
    };
    await submit(() => onConfirm(request));
  };

  const noEarlierBuild = history.value !== undefined && selected === undefined;

  return (
    <ConfirmDialog
      titleId={`rollback-dialog-title-${environment}`}
      title={
        <>
          Roll back {name} in {environment}
        </>
      }
      maxWidth="md"
      error={error && `The rollback was refused: ${error}`}
      submitting={submitting}
      onCancel={onCancel}
      confirmText="Confirm rollback"
      confirmName={`Confirm rollback of ${name} in ${environment}`}
      ready={ready}
      onConfirm={confirm}
    >
      <DialogContentText>
        Sets {environment} back to a build it ran before. The rollback is
        recorded with your name and reason in the audit log and the commit, and
        holds automatic promotion into {environment} until someone releases the
        hold.
      </DialogContentText>
      <div className={classes.section}>
        <Typography variant="subtitle2" component="h3">
          Go back to
        </Typography>
        {history.loading && <Progress />}
        {history.error && (
          <Typography role="alert" color="error">
            Could not read the history of {environment}:{' '}
            {errorMessage(history.error)}
          </Typography>
        )}
        {noEarlierBuild && (
          <Typography variant="body2" color="textSecondary">
            {environment} has run no earlier build; there is nothing to go back
            to.
          </Typography>
        )}
        {choices.length > 0 && (
          <VersionHistory
            label={`Build to go back to in ${environment}`}
            choices={choices}
            selected={selected}
            onSelect={index => {
              setPicked(index);
              clearError();
            }}
            disabled={submitting}
          />
        )}
      </div>
      <div className={classes.section}>
        {planned.loading && (
          <>
            <Typography variant="body2" color="textSecondary">
              Analysing the impact and preparing the change…
            </Typography>
            <Progress />
          </>
        )}
        {planned.error && !planned.loading && (
          <Typography role="alert" color="error">
            This rollback cannot be requested: {errorMessage(planned.error)}
          </Typography>
        )}
        {plan && <ImpactView plan={plan} openRequests={props.openRequests} />}
      </div>
      {plan?.changeTicket && (
        <ChangeTicketField
          rule={plan.changeTicket}
          value={ticket}
          onChange={setTicket}
          disabled={submitting}
        />
      )}
      <NoteField
        id={`rollback-reason-${environment}`}
        label="Reason"
        required
        value={reason}
        onChange={setReason}
        invalid={!parsedReason.success}
        helperText="At least 10 characters: what goes wrong with the current build"
        disabled={submitting}
      />
    </ConfirmDialog>
  );
};
