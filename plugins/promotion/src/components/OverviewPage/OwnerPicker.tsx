import { MenuItem, TextField } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import {
  humanizeEntityRef,
  catalogApiRef,
} from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';

/** `all`, `mine`, or a group's entity ref. */
export type OwnerChoice = string;

/**
 * Whose entities the overview lists: everyone's, the signed-in user's (and
 * their groups'), or one group's, from the groups in the catalog.
 */
export const OwnerPicker = (props: {
  value: OwnerChoice;
  onChange: (value: OwnerChoice) => void;
}) => {
  const catalogApi = useApi(catalogApiRef);
  const groups = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'group' },
      fields: ['kind', 'metadata.namespace', 'metadata.name', 'metadata.title'],
    });
    return items
      .map(group => ({
        ref: stringifyEntityRef(group),
        label:
          group.metadata.title ??
          humanizeEntityRef(group, { defaultKind: 'group' }),
      }))
      .sort((a, b) => a.label.localeCompare(b.label));
  }, [catalogApi]);
  return (
    <TextField
      select
      id="promotion-overview-owner"
      label="Owner"
      variant="outlined"
      size="small"
      value={props.value}
      onChange={event => props.onChange(event.target.value as string)}
      style={{ minWidth: 220 }}
      helperText={groups.error ? 'Could not load the groups' : undefined}
    >
      <MenuItem value="all">All owners</MenuItem>
      <MenuItem value="mine">Owned by me</MenuItem>
      {(groups.value ?? []).map(group => (
        <MenuItem key={group.ref} value={group.ref}>
          {group.label}
        </MenuItem>
      ))}
    </TextField>
  );
};
