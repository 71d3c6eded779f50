import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { makeStyles, Tab, Tabs, Typography } from '@material-ui/core';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { promotionApiRef } from '../../api';
import { errorMessage } from '../../lib';
import { VersionList } from './VersionList';

const useStyles = makeStyles(theme => ({
  body: {
    padding: theme.spacing(1, 2, 2),
  },
}));

/** An environment as the history card offers it: its name and what pins it now. */
export type HistoryEnvironment = {
  name: string;
  /** The commit that pinned what runs now; the history is read again when it changes. */
  pinnedBy?: string;
};

/**
 * Every environment's version history on the tab, one environment at a
 * time: what ran there, newest first, for anyone who may see the entity
 * (rolling back is not needed to look).
 */
export const EnvironmentHistoryCard = (props: {
  entityRef: string;
  environments: HistoryEnvironment[];
}) => {
  const { entityRef, environments } = props;
  const classes = useStyles();
  const promotionApi = useApi(promotionApiRef);
  const [picked, setPicked] = useState<string>();
  const selected =
    environments.find(env => env.name === picked) ??
    environments[environments.length - 1];

  const history = useAsync(
    async () =>
      selected ? promotionApi.getHistory(entityRef, selected.name) : undefined,
    [promotionApi, entityRef, selected?.name, selected?.pinnedBy],
  );

  return (
    <InfoCard title="Version history" noPadding>
      <Tabs
        value={selected?.name ?? false}
        onChange={(_, name: string) => setPicked(name)}
        indicatorColor="primary"
        textColor="primary"
        variant="scrollable"
        aria-label="Environment"
      >
        {environments.map(env => (
          <Tab key={env.name} value={env.name} label={env.name} />
        ))}
      </Tabs>
      <div className={classes.body}>
        {history.loading && !history.value && <Progress />}
        {history.error && (
          <Typography role="alert" color="error">
            Could not read the history of {selected?.name}:{' '}
            {errorMessage(history.error)}
          </Typography>
        )}
        {history.value &&
          (history.value.versions.length === 0 ? (
            <Typography variant="body2" color="textSecondary">
              Nothing has been pinned in {selected?.name} yet.
            </Typography>
          ) : (
            <VersionList
              environment={history.value.environment}
              versions={history.value.versions}
            />
          ))}
      </div>
    </InfoCard>
  );
};
