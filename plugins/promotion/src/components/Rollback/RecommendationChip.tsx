import { Chip, makeStyles } from '@material-ui/core';
import BlockIcon from '@material-ui/icons/Block';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import WarningIcon from '@material-ui/icons/Warning';
import { RollbackImpact } from '@promotion-for-backstage/plugin-promotion-common';

type Recommendation = RollbackImpact['recommendation'];

/** The verdict in words: the colour and icon repeat it, they never carry it alone. */
export const RECOMMENDATION_TEXT: Record<Recommendation, string> = {
  safe: 'Safe',
  risky: 'Risky',
  blocked: 'Blocked',
};

const ICONS = {
  safe: CheckCircleIcon,
  risky: WarningIcon,
  blocked: BlockIcon,
};

const useStyles = makeStyles(theme => {
  const colours = (main: string, contrastText: string) => ({
    backgroundColor: main,
    color: contrastText,
    '& $icon': { color: contrastText },
  });
  return {
    icon: {},
    safe: colours(
      theme.palette.success.main,
      theme.palette.success.contrastText,
    ),
    risky: colours(
      theme.palette.warning.main,
      theme.palette.warning.contrastText,
    ),
    blocked: colours(
      theme.palette.error.main,
      theme.palette.error.contrastText,
    ),
  };
});

/** The impact analysis' recommendation for a rollback, in the theme's status colours. */
export const RecommendationChip = (props: {
  recommendation: Recommendation;
}) => {
  const { recommendation } = props;
  const classes = useStyles();
  const Icon = ICONS[recommendation];
  return (
    <Chip
      size="small"
      className={classes[recommendation]}
      icon={<Icon className={classes.icon} />}
      label={RECOMMENDATION_TEXT[recommendation]}
      data-testid="rollback-recommendation"
      data-recommendation={recommendation}
    />
  );
};
