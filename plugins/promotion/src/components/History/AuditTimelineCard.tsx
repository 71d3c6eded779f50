import { useEffect, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  Button,
  makeStyles,
  MenuItem,
  TextField,
  Typography,
} from '@material-ui/core';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { AuditRecord } from '@promotion-for-backstage/plugin-promotion-common';
import { promotionApiRef } from '../../api';
import { errorMessage } from '../../lib';
import { ChainVerification } from './ChainVerification';
import { AuditRecordItem } from './AuditRecordItem';

/** Records per page of the timeline. */
export const AUDIT_PAGE_SIZE = 20;

const useStyles = makeStyles(theme => ({
  filter: {
    minWidth: 180,
    marginBottom: theme.spacing(1),
  },
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
  },
  more: {
    marginTop: theme.spacing(1),
  },
}));

function forbidden(error: unknown) {
  return error instanceof ResponseError && error.statusCode === 403;
}

/**
 * The entity's audit log as a timeline, newest first: who did what to which
 * environment, with the build, change ticket, commit, reason and errors the
 * records keep, and above it whether the whole hash chain verifies. Each
 * record shows its place in the chain (sequence number and hash).
 */
export const AuditTimelineCard = (props: {
  entityRef: string;
  environments: string[];
  /** Changes whenever the pipeline does, so new records are read. */
  revision?: string;
}) => {
  const { entityRef, environments, revision } = props;
  const classes = useStyles();
  const promotionApi = useApi(promotionApiRef);
  const [environment, setEnvironment] = useState('');
  const [older, setOlder] = useState<AuditRecord[]>([]);
  const [olderCursor, setOlderCursor] = useState<number>();
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<Error>();

  const query = {
    entityRef,
    order: 'desc' as const,
    limit: AUDIT_PAGE_SIZE,
    ...(environment ? { environment } : {}),
  };
  const newest = useAsync(
    () => promotionApi.listAuditRecords(query),
    // The query is rebuilt on every render; its parts are what matter.
    [promotionApi, entityRef, environment, revision],
  );
  const verification = useAsyncRetry(
    () => promotionApi.verifyAudit(),
    [promotionApi],
  );

  // A new first page starts the timeline over.
  useEffect(() => {
    setOlder([]);
    setOlderCursor(undefined);
    setOlderError(undefined);
  }, [newest.value]);

  if (forbidden(newest.error)) {
    return (
      <InfoCard title="Audit log">
        <Typography variant="body2" color="textSecondary">
          Reading the audit log needs the promotion.audit.read permission.
        </Typography>
      </InfoCard>
    );
  }

  const cursor = older.length > 0 ? olderCursor : newest.value?.nextCursor;
  const records = [...(newest.value?.items ?? []), ...older];
  const loadOlder = async () => {
    if (cursor === undefined) return;
    setLoadingOlder(true);
    setOlderError(undefined);
    try {
      const page = await promotionApi.listAuditRecords({
        ...query,
        before: cursor,
      });
      setOlder(current => [...current, ...page.items]);
      setOlderCursor(page.nextCursor);
    } catch (error) {
      setOlderError(error as Error);
    } finally {
      setLoadingOlder(false);
    }
  };

  return (
    <InfoCard title="Audit log">
      <ChainVerification
        verification={verification.value}
        loading={verification.loading}
        error={verification.error}
        onVerify={verification.retry}
      />
      <TextField
        id="audit-environment"
        select
        SelectProps={{ displayEmpty: true }}
        InputLabelProps={{ shrink: true }}
        size="small"
        variant="outlined"
        label="Environment"
        className={classes.filter}
        value={environment}
        onChange={event => setEnvironment(event.target.value)}
      >
        <MenuItem value="">All environments</MenuItem>
        {environments.map(name => (
          <MenuItem key={name} value={name}>
            {name}
          </MenuItem>
        ))}
      </TextField>
      {newest.loading && !newest.value && <Progress />}
      {newest.error && (
        <Typography role="alert" color="error">
          Could not read the audit log: {errorMessage(newest.error)}
        </Typography>
      )}
      {newest.value && records.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          Nothing has been recorded for{' '}
          {environment ? `${environment} of this entity` : 'this entity'} yet.
        </Typography>
      )}
      <ol
        className={classes.list}
        aria-label="Audit records, newest first"
        data-testid="audit-timeline"
      >
        {records.map(record => (
          <AuditRecordItem
            key={record.seq}
            record={record}
            verification={verification.loading ? undefined : verification.value}
          />
        ))}
      </ol>
      {olderError && (
        <Typography role="alert" color="error">
          Could not read older records: {errorMessage(olderError)}
        </Typography>
      )}
      {cursor !== undefined && (
        <Button
          className={classes.more}
          variant="outlined"
          size="small"
          disabled={loadingOlder}
          onClick={loadOlder}
        >
          Show older records
        </Button>
      )}
    </InfoCard>
  );
};
