import { Chip, makeStyles, Typography } from '@material-ui/core';
import {
  AuditRecord,
  AuditVerification,
} from '@promotion-for-backstage/plugin-promotion-common';
import { Abbreviated, Person, RelativeTime } from '../Shared';
import { actionText, recordFacts } from './auditRecordText';

const useStyles = makeStyles(theme => ({
  item: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.25),
    padding: theme.spacing(1, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
  heading: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  facts: {
    margin: 0,
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(1),
    '& dt': {
      color: theme.palette.text.secondary,
    },
    '& dd': {
      margin: 0,
      wordBreak: 'break-word',
    },
  },
  fact: {
    display: 'contents',
  },
  chain: {
    fontFamily: 'monospace',
  },
  outside: {
    color: theme.palette.error.main,
  },
}));

/** Where a record stands in the verified chain, in words. */
function chainStanding(
  record: AuditRecord,
  verification: AuditVerification | undefined,
): { text: string; broken: boolean } | undefined {
  if (!verification) return undefined;
  if (verification.firstBroken && record.seq >= verification.firstBroken.seq) {
    return { text: 'not covered by the verified chain', broken: true };
  }
  if (record.seq <= verification.headSeq) {
    return { text: 'verified', broken: false };
  }
  // Appended after the verification walked the chain.
  return undefined;
}

/** One record of the audit timeline. */
export const AuditRecordItem = (props: {
  record: AuditRecord;
  verification?: AuditVerification;
}) => {
  const { record, verification } = props;
  const classes = useStyles();
  const facts = recordFacts(record.details);
  const standing = chainStanding(record, verification);
  return (
    <li className={classes.item} data-testid={`audit-record-${record.seq}`}>
      <div className={classes.heading}>
        <Typography variant="body2">
          <strong>{actionText(record)}</strong>
        </Typography>
        {record.environment && (
          <Chip size="small" variant="outlined" label={record.environment} />
        )}
        <Typography variant="caption" color="textSecondary">
          by <Person who={record.actor} />,{' '}
          <RelativeTime iso={record.createdAt} />
        </Typography>
      </div>
      {facts.length > 0 && (
        <Typography component="dl" variant="caption" className={classes.facts}>
          {facts.map(fact => (
            <div key={fact.label} className={classes.fact}>
              <dt>{fact.label}</dt>
              <dd>{fact.value}</dd>
            </div>
          ))}
        </Typography>
      )}
      <Typography variant="caption" color="textSecondary">
        <span className={classes.chain}>
          #{record.seq} ·{' '}
          <Abbreviated full={record.hash} short={record.hash.slice(0, 12)} />
        </span>
        {standing && (
          <span className={standing.broken ? classes.outside : undefined}>
            {' '}
            · {standing.text}
          </span>
        )}
      </Typography>
    </li>
  );
};
