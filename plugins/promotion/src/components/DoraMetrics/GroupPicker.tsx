import { MenuItem, TextField } from '@material-ui/core';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';

/** The value of the "everything" choice; never a group's ref, which holds a colon. */
export const ALL_ENTITIES = 'all';

/**
 * Picks a group from the catalog, as the signed-in user may see it, or
 * every entity.
 */
export const GroupPicker = (props: {
  value: string;
  onChange: (groupRef: string) => void;
}) => {
  const catalogApi = useApi(catalogApiRef);
  const { value: groups = [], loading } = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Group' },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'spec.profile.displayName',
      ],
    });
    return items
      .map(group => ({
        ref: stringifyEntityRef(group),
        name:
          (group.spec?.profile as { displayName?: string } | undefined)
            ?.displayName ??
          group.metadata.title ??
          group.metadata.name,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }, [catalogApi]);
  return (
    <TextField
      select
      id="promotion-metrics-group"
      label="Group"
      variant="outlined"
      size="small"
      value={props.value}
      onChange={event => props.onChange(event.target.value)}
      disabled={loading}
      style={{ minWidth: 240 }}
    >
      <MenuItem value={ALL_ENTITIES}>All entities</MenuItem>
      {groups.map(group => (
        <MenuItem key={group.ref} value={group.ref}>
          {group.name}
        </MenuItem>
      ))}
    </TextField>
  );
};
