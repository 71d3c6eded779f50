import { makeStyles } from '@material-ui/core';
import { alpha } from '@material-ui/core/styles';
import { diffLines } from './diffLines';

const useStyles = makeStyles(theme => {
  const dark = theme.palette.type === 'dark';
  return {
    diff: {
      margin: 0,
      padding: theme.spacing(1, 0),
      overflowX: 'auto',
      fontFamily: 'monospace',
      fontSize: theme.typography.body2.fontSize,
      color: theme.palette.text.primary,
      lineHeight: 1.5,
      backgroundColor: theme.palette.background.default,
      border: `1px solid ${theme.palette.divider}`,
      borderRadius: theme.shape.borderRadius,
    },
    line: {
      display: 'block',
      minHeight: '1.5em',
      padding: theme.spacing(0, 1),
      whiteSpace: 'pre',
    },
    header: {
      color: theme.palette.text.secondary,
    },
    hunk: {
      color: dark ? theme.palette.info.light : theme.palette.info.dark,
    },
    context: {},
    added: {
      color: dark ? theme.palette.success.light : theme.palette.success.dark,
      backgroundColor: alpha(theme.palette.success.main, 0.15),
    },
    removed: {
      color: dark ? theme.palette.error.light : theme.palette.error.dark,
      backgroundColor: alpha(theme.palette.error.main, 0.15),
    },
  };
});

/**
 * A unified diff as people read it in code review: monospace, added lines
 * green and removed lines red. The `+`/`-` stay in the text, so the meaning
 * does not depend on colour. With a title it is a named region that screen
 * readers can jump to, and a tab stop, so a keyboard can scroll long lines.
 */
export const DiffView = (props: { diff: string; title?: string }) => {
  const classes = useStyles();
  const named = props.title
    ? { role: 'region', 'aria-label': props.title, tabIndex: 0 }
    : {};
  return (
    <pre className={classes.diff} {...named}>
      {diffLines(props.diff).map((line, index) => (
        <code
          key={index}
          className={`${classes.line} ${classes[line.kind]}`}
          data-diff-line={line.kind}
        >
          {line.text}
        </code>
      ))}
    </pre>
  );
};
