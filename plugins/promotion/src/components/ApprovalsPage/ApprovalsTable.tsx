import { makeStyles, Typography } from '@material-ui/core';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  Link,
  ResponseErrorPanel,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import { EntityDisplayName } from '@backstage/plugin-catalog-react';
import { Promotion } from '@promotion-for-backstage/plugin-promotion-common';
import {
  useAwaitingMyApproval,
  usePromotionTabLink,
  useRequestActions,
} from '../../hooks';
import {
  approvalProgress,
  errorMessage,
  formatAge,
  formatTime,
  shortDigest,
} from '../../lib';
import { DecisionButtons } from '../Approvals';
import { RequestKindChip } from '../Rollback';
import { gateSummary, GateStatusIcon } from '../GateRuns';
import { Abbreviated } from '../Shared';

const useStyles = makeStyles(theme => ({
  warning: {
    marginBottom: theme.spacing(2),
  },
  gates: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
  },
  actions: {
    display: 'flex',
    gap: theme.spacing(1),
    whiteSpace: 'nowrap',
  },
  empty: {
    padding: theme.spacing(3),
    textAlign: 'center',
  },
}));

/** The entity's Promotion tab, where the request is shown in full. */
const EntityCell = (props: { request: Promotion; tabPath?: string }) => {
  const { entityRef } = props.request;
  const tabLink = usePromotionTabLink(props.tabPath);
  return (
    <Link to={tabLink(entityRef)}>
      <EntityDisplayName entityRef={entityRef} hideIcon />
    </Link>
  );
};

const EnvironmentCell = (props: { request: Promotion }) => (
  <>
    <Typography variant="body2">{props.request.targetEnvironment}</Typography>
    {props.request.kind === 'rollback' ? (
      <RequestKindChip request={props.request} />
    ) : (
      <Typography variant="caption" color="textSecondary">
        from {props.request.sourceEnvironment}
      </Typography>
    )}
  </>
);

const ArtifactCell = (props: { request: Promotion }) => {
  const { artifact } = props.request;
  return (
    <Typography variant="body2" component="span">
      {artifact.digest ? (
        <Abbreviated
          full={artifact.digest}
          short={shortDigest(artifact.digest)}
        />
      ) : (
        artifact.image
      )}
      {artifact.tag && ` ${artifact.tag}`}
    </Typography>
  );
};

const RequesterCell = (props: { request: Promotion }) => {
  const { requestedBy, requesterKind } = props.request;
  if (requesterKind === 'scheduler') {
    return <>Automatic promotion</>;
  }
  if (requesterKind === 'service') {
    return <>CI ({requestedBy})</>;
  }
  return (
    <EntityDisplayName entityRef={requestedBy} defaultKind="user" hideIcon />
  );
};

const GatesCell = (props: { request: Promotion }) => {
  const classes = useStyles();
  const { text, worst } = gateSummary(props.request.gateRuns);
  return (
    <span className={classes.gates}>
      {worst && <GateStatusIcon status={worst} fontSize="small" />}
      <Typography variant="body2" component="span">
        {text}
      </Typography>
    </span>
  );
};

function approvalsText(request: Promotion): string {
  const progress = approvalProgress(request);
  return progress ? `${progress.given}/${progress.required}` : '—';
}

/** @public */
export type ApprovalsTableProps = {
  /**
   * The Promotion tab's path below the entity page, for legacy apps that
   * mount it elsewhere than `promotion`; the new frontend system reads it
   * from the tab's configuration.
   */
  tabPath?: string;
};

/**
 * What waits for the signed-in user's decision, as the backend says
 * (`awaitingMyApproval`), oldest first, with Approve and Reject as each
 * request's `allowedActions` allow. After a decision, every half minute and
 * when the person returns to the page the list is read again; a failed read
 * keeps the last list under a warning.
 */
export const ApprovalsTable = (props: ApprovalsTableProps) => {
  const classes = useStyles();
  const { value, loading, error, reload } = useAwaitingMyApproval();
  const actions = useRequestActions({ onDone: reload });

  if (error && !value) {
    return <ResponseErrorPanel error={error} />;
  }

  // Copies, because the table writes its own bookkeeping into each row.
  const rows = [...(value ?? [])]
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map(request => ({ ...request }));

  const columns: TableColumn<Promotion>[] = [
    {
      title: 'Entity',
      field: 'entityRef',
      highlight: true,
      customSort: (a, b) =>
        parseEntityRef(a.entityRef).name.localeCompare(
          parseEntityRef(b.entityRef).name,
        ),
      render: request => (
        <EntityCell request={request} tabPath={props.tabPath} />
      ),
    },
    {
      title: 'Environment',
      field: 'targetEnvironment',
      render: request => <EnvironmentCell request={request} />,
    },
    {
      title: 'Artifact',
      sorting: false,
      render: request => <ArtifactCell request={request} />,
    },
    {
      title: 'Requested by',
      field: 'requestedBy',
      render: request => <RequesterCell request={request} />,
    },
    {
      title: 'Requested',
      field: 'createdAt',
      render: request => (
        <span title={formatTime(request.createdAt)}>
          {formatAge(request.createdAt)}
        </span>
      ),
    },
    {
      title: 'Approvals',
      sorting: false,
      render: request => approvalsText(request),
    },
    {
      title: 'Gates',
      sorting: false,
      render: request => <GatesCell request={request} />,
    },
    {
      title: 'Actions',
      sorting: false,
      render: request => (
        <div className={classes.actions}>
          <DecisionButtons request={request} actions={actions} />
        </div>
      ),
    },
  ];

  return (
    <>
      {error && (
        <div className={classes.warning}>
          <WarningPanel
            severity="warning"
            title="Could not refresh the list; showing what it was"
            message={errorMessage(error)}
          />
        </div>
      )}
      <Table<Promotion>
        title={`Waiting for your approval${value ? ` (${rows.length})` : ''}`}
        columns={columns}
        data={rows}
        isLoading={loading}
        options={{
          paging: rows.length > 20,
          pageSize: 20,
          search: false,
          padding: 'dense',
          draggable: false,
        }}
        emptyContent={
          <div className={classes.empty}>
            <Typography variant="h6" component="p">
              Nothing waits for your approval
            </Typography>
            <Typography variant="body2" color="textSecondary">
              Promotion requests you may approve show up here while they await
              approval.
            </Typography>
          </div>
        }
      />
    </>
  );
};
