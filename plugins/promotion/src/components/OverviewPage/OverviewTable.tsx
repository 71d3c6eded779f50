import { useEffect, useState } from 'react';
import {
  makeStyles,
  TablePagination,
  TextField,
  Typography,
} from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  Link,
  ResponseErrorPanel,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  OverviewEntity,
  OverviewQuery,
} from '@promotion-for-backstage/plugin-promotion-common';
import { usePromotionTabLink } from '../../hooks';
import { errorMessage } from '../../lib';
import { EnvironmentCell } from './EnvironmentCell';
import { OwnerChoice, OwnerPicker } from './OwnerPicker';
import { useOverview } from './useOverview';

const PAGE_SIZES = [25, 50, 100];

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  warning: {
    marginBottom: theme.spacing(2),
  },
  empty: {
    padding: theme.spacing(3),
    textAlign: 'center',
  },
}));

/** @public */
export type OverviewTableProps = {
  /**
   * The Promotion tab's path below the entity page, for legacy apps that
   * mount it elsewhere than `promotion`; the new frontend system reads it
   * from the tab's configuration.
   */
  tabPath?: string;
};

/** The owners to ask for: none for everyone; the user's ownership refs for "mine". */
function useOwners(choice: OwnerChoice) {
  const identityApi = useApi(identityApiRef);
  const mine = useAsync(
    async () =>
      choice === 'mine'
        ? (await identityApi.getBackstageIdentity()).ownershipEntityRefs
        : undefined,
    [identityApi, choice],
  );
  if (choice === 'all') return { owners: undefined, ready: true };
  if (choice === 'mine')
    return { owners: mine.value, ready: !mine.loading && !!mine.value };
  return { owners: [choice], ready: true };
}

/**
 * Every annotated entity the signed-in user may see × environment, a page at
 * a time, filtered by owner and by words in the name or title: what runs
 * where, and each request that waits, with why.
 */
export const OverviewTable = (props: OverviewTableProps) => {
  const classes = useStyles();
  const tabLink = usePromotionTabLink(props.tabPath);
  const [words, setWords] = useState('');
  const [q, setQ] = useState('');
  useDebounce(() => setQ(words.trim()), 300, [words]);
  const [ownerChoice, setOwnerChoice] = useState<OwnerChoice>('all');
  const { owners, ready } = useOwners(ownerChoice);
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(PAGE_SIZES[1]);
  // A new filter starts from the first page.
  useEffect(() => setPage(0), [q, ownerChoice, pageSize]);

  const query: OverviewQuery = {
    ...(owners && owners.length > 0 ? { owner: owners } : {}),
    ...(q ? { q } : {}),
    limit: pageSize,
    offset: page * pageSize,
  };
  const { value, loading, error } = useOverview(query);

  const filters = (
    <div className={classes.filters}>
      <TextField
        label="Filter by name"
        variant="outlined"
        size="small"
        value={words}
        onChange={event => setWords(event.target.value)}
        inputProps={{ 'aria-label': 'Filter by name' }}
      />
      <OwnerPicker value={ownerChoice} onChange={setOwnerChoice} />
    </div>
  );

  if (error && !value) {
    return (
      <>
        {filters}
        <ResponseErrorPanel error={error} />
      </>
    );
  }

  const environments = value?.environments ?? [];
  const columns: TableColumn<OverviewEntity>[] = [
    {
      title: 'Entity',
      highlight: true,
      render: entity => (
        <Link to={tabLink(entity.entityRef)}>
          {entity.title ?? parseEntityRef(entity.entityRef).name}
        </Link>
      ),
    },
    {
      title: 'Owner',
      render: entity =>
        entity.owner ? (
          <EntityRefLink entityRef={entity.owner} defaultKind="group" />
        ) : (
          '—'
        ),
    },
    ...environments.map(
      (name): TableColumn<OverviewEntity> => ({
        title: name,
        render: entity =>
          entity.error ? (
            <Typography variant="body2" color="error">
              {entity.error}
            </Typography>
          ) : (
            <EnvironmentCell
              environment={entity.environments.find(e => e.name === name)}
              tabLink={tabLink(entity.entityRef)}
            />
          ),
      }),
    ),
  ];
  // Copies, because the table writes its own bookkeeping into each row.
  const rows = (value?.items ?? []).map(item => ({ ...item }));

  return (
    <>
      {filters}
      {error && (
        <div className={classes.warning}>
          <WarningPanel
            severity="warning"
            title="Could not refresh the overview; showing what it was"
            message={errorMessage(error)}
          />
        </div>
      )}
      <Table<OverviewEntity>
        title={`Promotions${value ? ` (${value.totalItems})` : ''}`}
        columns={columns}
        data={rows}
        isLoading={loading || !ready}
        options={{
          paging: false,
          search: false,
          sorting: false,
          padding: 'dense',
          draggable: false,
        }}
        emptyContent={
          <div className={classes.empty}>
            <Typography variant="h6" component="p">
              No entities to show
            </Typography>
            <Typography variant="body2" color="textSecondary">
              Entities with the promotion.backstage.io/image annotation that you
              may see, and that match the filters, show up here.
            </Typography>
          </div>
        }
      />
      {value && value.totalItems > 0 && (
        <TablePagination
          component="div"
          count={value.totalItems}
          page={page}
          rowsPerPage={pageSize}
          rowsPerPageOptions={PAGE_SIZES}
          onPageChange={(_event, next) => setPage(next)}
          onRowsPerPageChange={event => setPageSize(Number(event.target.value))}
        />
      )}
    </>
  );
};
