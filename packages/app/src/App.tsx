import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import promotionPlugin from '@promotion-for-backstage/plugin-promotion/alpha';
import { navModule } from './modules/nav';
import { signInModule } from './modules/signIn';

export default createApp({
  features: [catalogPlugin, promotionPlugin, navModule, signInModule],
});
