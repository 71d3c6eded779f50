import { formatAge } from '../../lib';

/**
 * A moment as "5 minutes ago", with the exact ISO time as the hover title
 * and in `dateTime`, for when minutes matter (did the sync start before or
 * after the incident?).
 */
export const RelativeTime = (props: { iso: string }) => (
  <time dateTime={props.iso} title={props.iso}>
    {formatAge(props.iso)}
  </time>
);
