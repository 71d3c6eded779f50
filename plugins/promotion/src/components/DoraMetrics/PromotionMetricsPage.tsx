import { useState } from 'react';
import { Box, MenuItem, TextField, Typography } from '@material-ui/core';
import {
  Content,
  InfoCard,
  PageWithHeader,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { DoraMetrics } from '@promotion-for-backstage/plugin-promotion-common';
import { DoraMetricsView } from './DoraMetricsView';
import { ALL_ENTITIES, GroupPicker } from './GroupPicker';
import { useDoraMetrics } from './useDoraMetrics';

const WINDOWS = [
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '90d', label: 'Last 90 days' },
];

function scopeText(metrics: DoraMetrics): string {
  const { scope } = metrics;
  if (scope.kind === 'group') {
    const count = scope.entityRefs.length;
    return `${count} ${count === 1 ? 'entity' : 'entities'} owned by ${
      scope.group
    }`;
  }
  if (scope.kind === 'all') {
    const count = scope.entityCount;
    return `${count} ${
      count === 1 ? 'entity' : 'entities'
    } you may see that changed production`;
  }
  return scope.entityRef;
}

/**
 * The metrics page's content, for the new frontend system, whose page
 * extension draws the header: a group (or every entity) and a window, and
 * the DORA metrics of what the signed-in user may see of it.
 */
export const PromotionMetricsContent = () => {
  const [group, setGroup] = useState(ALL_ENTITIES);
  const [window, setWindow] = useState('30d');
  const { value, error, loading } = useDoraMetrics({
    window,
    ...(group === ALL_ENTITIES ? {} : { group }),
  });
  return (
    <Content>
      <Box display="flex" mb={3} style={{ gap: 16 }}>
        <GroupPicker value={group} onChange={setGroup} />
        <TextField
          select
          id="promotion-metrics-window"
          label="Window"
          variant="outlined"
          size="small"
          value={window}
          onChange={event => setWindow(event.target.value)}
        >
          {WINDOWS.map(option => (
            <MenuItem key={option.value} value={option.value}>
              {option.label}
            </MenuItem>
          ))}
        </TextField>
      </Box>
      <InfoCard
        title="DORA metrics"
        subheader={value && !loading ? scopeText(value) : undefined}
      >
        {error && <ResponseErrorPanel error={error} />}
        {!error && (loading || !value) && <Progress />}
        {!error && !loading && value && <DoraMetricsView metrics={value} />}
      </InfoCard>
      <Typography variant="caption" color="textSecondary">
        Only entities you may see in the catalog count.
      </Typography>
    </Content>
  );
};

/**
 * The metrics page with its own header, for apps on the legacy frontend
 * system: the DORA metrics per group, or of every entity the signed-in user
 * may see.
 *
 * @public
 */
export const PromotionMetricsPage = () => (
  <PageWithHeader
    themeId="tool"
    title="Promotion metrics"
    subtitle="Deployment frequency, lead time, change failure rate and time to restore"
  >
    <PromotionMetricsContent />
  </PageWithHeader>
);
