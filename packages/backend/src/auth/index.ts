/** Sign-in for the example app: the example users provider. */
export { exampleUsersAuthModule } from './exampleUsersAuthModule';
