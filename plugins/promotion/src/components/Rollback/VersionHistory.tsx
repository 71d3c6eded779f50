import { makeStyles, Radio, RadioGroup, Typography } from '@material-ui/core';
import { formatAge, formatTime, shortDigest } from '../../lib';
import { Abbreviated, Person } from '../Shared';
import { RollbackChoice } from './rollbackChoices';

const useStyles = makeStyles(theme => ({
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
  },
  entry: {
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
    padding: theme.spacing(0.5, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
  radio: {
    padding: theme.spacing(0.5),
  },
  text: {
    display: 'flex',
    flexDirection: 'column',
    paddingTop: theme.spacing(0.5),
  },
  build: {
    cursor: 'pointer',
  },
  disabled: {
    color: theme.palette.text.disabled,
    cursor: 'default',
  },
  code: {
    fontFamily: 'monospace',
  },
}));

/**
 * An environment's history, newest first, as a choice of the build to go
 * back to: each entry's tag and short digest, who pinned it and when. What
 * runs now, and older entries of a build listed above, are shown but cannot
 * be chosen.
 */
export const VersionHistory = (props: {
  /** Names the group for screen readers, e.g. "Go back to, in staging". */
  label: string;
  choices: RollbackChoice[];
  selected?: number;
  onSelect: (index: number) => void;
  disabled?: boolean;
}) => {
  const { label, choices, selected, onSelect, disabled } = props;
  const classes = useStyles();

  return (
    <RadioGroup
      aria-label={label}
      value={selected === undefined ? '' : String(selected)}
      onChange={event => onSelect(Number(event.target.value))}
    >
      <ul className={classes.list} data-testid="rollback-history">
        {choices.map(({ version, index, unavailable }) => {
          const { artifact, commit } = version;
          const inputId = `rollback-version-${index}`;
          const detailsId = `${inputId}-details`;
          const off = Boolean(disabled || unavailable);
          return (
            <li key={`${commit.sha}-${index}`} className={classes.entry}>
              <Radio
                id={inputId}
                value={String(index)}
                disabled={off}
                className={classes.radio}
                size="small"
                inputProps={{ 'aria-describedby': detailsId }}
              />
              <div className={classes.text}>
                <Typography
                  variant="body2"
                  component="label"
                  htmlFor={inputId}
                  className={off ? classes.disabled : classes.build}
                >
                  {artifact.tag && <strong>{artifact.tag}</strong>}{' '}
                  {artifact.digest && (
                    <span className={classes.code}>
                      {shortDigest(artifact.digest)}
                    </span>
                  )}
                  {!artifact.tag && !artifact.digest && artifact.image}
                </Typography>
                <Typography
                  variant="caption"
                  color="textSecondary"
                  id={detailsId}
                >
                  {unavailable && <>{unavailable}; </>}
                  pinned by <Person who={commit.author} />,{' '}
                  <span title={formatTime(commit.date)}>
                    {formatAge(commit.date)}
                  </span>
                  , commit{' '}
                  <Abbreviated
                    full={commit.sha}
                    short={commit.sha.slice(0, 7)}
                  />
                </Typography>
              </div>
            </li>
          );
        })}
      </ul>
    </RadioGroup>
  );
};
