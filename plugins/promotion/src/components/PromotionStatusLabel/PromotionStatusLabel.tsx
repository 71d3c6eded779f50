import { ComponentType, PropsWithChildren } from 'react';
import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';
import { PromotionStatus } from '@promotion-for-backstage/plugin-promotion-common';
import { PROMOTION_STATUS_TEXT } from './statusText';

// Pending means a person or a check has to act; running means the backend is
// working on it. The icons carry that difference at a glance.
const STATUS_ICONS: Record<
  PromotionStatus,
  ComponentType<PropsWithChildren<{}>>
> = {
  gating: StatusPending,
  'awaiting-approval': StatusPending,
  'awaiting-merge': StatusPending,
  approved: StatusRunning,
  executing: StatusRunning,
  succeeded: StatusOK,
  deployed: StatusOK,
  failed: StatusError,
  rejected: StatusAborted,
  expired: StatusAborted,
  cancelled: StatusAborted,
  superseded: StatusAborted,
};

/** A promotion status in words with its traffic-light icon, e.g. "Awaiting approval". */
export const PromotionStatusLabel = (props: { status: PromotionStatus }) => {
  const Icon = STATUS_ICONS[props.status];
  return <Icon>{PROMOTION_STATUS_TEXT[props.status]}</Icon>;
};
