import {
  Content,
  ErrorPanel,
  Header,
  InfoCard,
  Page,
} from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { SignInOption } from './signInOptions';

// The layout of Backstage's own SignInPage: a list of cards of equal height.
const useStyles = makeStyles(theme => ({
  container: { padding: 0, listStyle: 'none' },
  item: {
    display: 'flex',
    flexDirection: 'column',
    width: '100%',
    maxWidth: 400,
    margin: 0,
    padding: 0,
  },
  error: { marginBottom: theme.spacing(2) },
}));

// A ResponseError's message holds only the status; the backend's reason is its cause.
function reasonOf(error: Error) {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : error.message;
}

/** The cards to choose who to sign in as, with the error of the last attempt. */
export function SignInChoices(props: {
  options: SignInOption[];
  onChoose(option: SignInOption): void;
  error?: Error;
}) {
  const { options, onChoose, error } = props;
  const classes = useStyles();
  const configApi = useApi(configApiRef);

  return (
    <Page themeId="home">
      <Header title={configApi.getString('app.title')} />
      <Content>
        {error && (
          <div className={classes.error}>
            <ErrorPanel
              error={error}
              title={`Sign-in failed: ${reasonOf(error)}`}
            />
          </div>
        )}
        <Grid
          container
          spacing={2}
          component="ul"
          classes={{ container: classes.container }}
        >
          {options.map(option => (
            <Grid
              key={option.id}
              item
              component="li"
              classes={{ item: classes.item }}
            >
              <InfoCard
                variant="fullHeight"
                title={option.title}
                actions={
                  <Button
                    color="primary"
                    variant="outlined"
                    onClick={() => onChoose(option)}
                  >
                    {option.action}
                  </Button>
                }
              >
                <Typography variant="body1" style={{ whiteSpace: 'pre-line' }}>
                  {option.description}
                </Typography>
              </InfoCard>
            </Grid>
          ))}
        </Grid>
      </Content>
    </Page>
  );
}
