// Wires the packed promotion plugins into an app made by @backstage/create-app, the way
// the plugins' READMEs tell an adopter to: the backend plugin, the permission policy,
// the config and an annotated entity from the backend README's own code blocks, the
// frontend plugin into the new frontend system app (`packages/app`) and into a legacy
// frontend system app beside it (`packages/app-legacy`).
//
// usage: node wire.mjs <app dir> <dir of the four .tgz> <gitops repo path> <backend port>
//                      <port the legacy app is served on>
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { blockFor, blocksFor } from './readmeBlocks.mjs';

const [appDir, packsDir, gitopsRepo, backendPort, legacyPort] =
  process.argv.slice(2);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const backendReadme = join(repoRoot, 'plugins/promotion-backend/README.md');
const SCOPE = '@promotion-for-backstage';
const VERSION = JSON.parse(
  readFileSync(join(repoRoot, 'plugins/promotion/package.json'), 'utf8'),
).version;

const read = file => readFileSync(join(appDir, file), 'utf8');
const write = (file, text) => writeFileSync(join(appDir, file), text);
const editJson = (file, edit) => {
  const json = JSON.parse(read(file));
  edit(json);
  write(file, `${JSON.stringify(json, null, 2)}\n`);
};
/**
 * Replaces `anchor` in `file`, however the template wraps it: whitespace in the anchor
 * matches any whitespace, and a trailing comma before a closing bracket is optional. A
 * template that changed under us fails loudly.
 */
const edit = (file, anchor, replacement) => {
  const text = read(file);
  const pattern = anchor
    .trim()
    .split(/\s+/)
    .map(word => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('\\s+')
    .replace(/\\\(/g, '\\(\\s*')
    .replace(/\\\)/g, ',?\\s*\\)');
  const match = new RegExp(pattern).exec(text);
  if (!match) {
    throw new Error(`${file} no longer contains ${JSON.stringify(anchor)}`);
  }
  write(
    file,
    text.slice(0, match.index) +
      replacement +
      text.slice(match.index + match[0].length),
  );
};
const addDependencies = (file, names) =>
  editJson(file, pkg => {
    for (const name of names) pkg.dependencies[name] = `^${VERSION}`;
  });

// The packages are not on the registry: every reference to them, direct or from one of
// them to another, resolves to the packed tarball. This repository's own pins come along:
// they hold back packages whose newest versions lack platform binaries on the registry,
// and keep yarn from building keytar, which needs a library these machines lack.
const ours = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
editJson('package.json', pkg => {
  pkg.resolutions = { ...pkg.resolutions, ...ours.resolutions };
  for (const name of [
    'promotion',
    'promotion-backend',
    'promotion-common',
    'promotion-node',
  ]) {
    pkg.resolutions[`${SCOPE}/plugin-${name}`] = `file:${resolve(
      packsDir,
      `${name}.tgz`,
    )}`;
  }
  pkg.dependenciesMeta = { ...pkg.dependenciesMeta, ...ours.dependenciesMeta };
});

// ── backend (the backend README's "Install into your Backstage") ─────────────────────
addDependencies('packages/backend/package.json', [
  `${SCOPE}/plugin-promotion-backend`,
  `${SCOPE}/plugin-promotion-common`,
]);
// The policy module imports the backend plugin API; take the range the plugin itself uses.
const backendPlugin = JSON.parse(
  readFileSync(
    join(repoRoot, 'plugins/promotion-backend/package.json'),
    'utf8',
  ),
);
editJson('packages/backend/package.json', pkg => {
  pkg.dependencies['@backstage/backend-plugin-api'] ??=
    backendPlugin.dependencies['@backstage/backend-plugin-api'];
});

const [addPlugin, replacePolicy] = blocksFor(
  backendReadme,
  'packages/backend/src/index.ts',
);
const body = block => block.split('\n').slice(1).join('\n');
edit(
  'packages/backend/src/index.ts',
  'backend.start();',
  `${body(addPlugin)}\nbackend.start();`,
);
const [commentedOut, ...policyLines] = body(replacePolicy).trim().split('\n');
edit(
  'packages/backend/src/index.ts',
  commentedOut.replace(/^\/\/\s*/, ''),
  policyLines.join('\n'),
);
write(
  'packages/backend/src/promotionPolicy.ts',
  body(blockFor(backendReadme, 'packages/backend/src/promotionPolicy.ts')),
);

// Config: the README's block, with the repository pointed at the local test repository,
// plus what a test run needs (its own port, guest sign-in, the entity's location).
const config = YAML.parse(blockFor(backendReadme, 'app-config.yaml'));
config.promotion.gitops.repositories[0].url = gitopsRepo;
const annotation = YAML.parse(blockFor(backendReadme, 'catalog-info.yaml'));
const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', annotations: annotation.metadata.annotations },
  // The guest owns it, so the README's policy lets the guest promote it.
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'user:development/guest',
  },
};
write('examples/promotion-entity.yaml', YAML.stringify(entity));
const base = `http://localhost:${backendPort}`;
const legacyBase = `http://localhost:${legacyPort}`;
write(
  'app-config.fresh-app-test.yaml',
  YAML.stringify({
    ...config,
    app: { baseUrl: base },
    backend: {
      baseUrl: base,
      listen: { port: Number(backendPort) },
      // The legacy app is served from a port of its own and calls the backend from there.
      cors: {
        origin: [base, legacyBase],
        methods: ['GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'DELETE'],
        credentials: true,
      },
      database: { client: 'better-sqlite3', connection: ':memory:' },
    },
    auth: {
      providers: { guest: { dangerouslyAllowOutsideDevelopment: true } },
    },
    catalog: {
      locations: [
        {
          type: 'file',
          target: '../../examples/promotion-entity.yaml',
          rules: [{ allow: ['Component'] }],
        },
      ],
    },
  }),
);
// The legacy app's build bakes this in: where it is served.
write(
  'app-config.fresh-app-legacy.yaml',
  YAML.stringify({ app: { baseUrl: legacyBase } }),
);

// ── frontend, new frontend system: `app.packages: all` discovers the plugin ──────────
if (!/packages:\s*all/.test(read('app-config.yaml'))) {
  throw new Error('app-config.yaml no longer sets app.packages: all');
}
addDependencies('packages/app/package.json', [`${SCOPE}/plugin-promotion`]);

// ── frontend, legacy system (the frontend README's "Legacy frontend system") ─────────
if (existsSync(join(appDir, 'packages/app-legacy'))) {
  editJson('packages/app-legacy/package.json', pkg => {
    pkg.name = 'app-legacy';
  });
  addDependencies('packages/app-legacy/package.json', [
    `${SCOPE}/plugin-promotion`,
  ]);
  const entityPage =
    'packages/app-legacy/src/components/catalog/EntityPage.tsx';
  edit(
    entityPage,
    "import { Button, Grid } from '@material-ui/core';",
    `import { Button, Grid } from '@material-ui/core';
import {
  EntityPromotionCard,
  EntityPromotionContent,
  isPromotionAvailable,
} from '${SCOPE}/plugin-promotion';`,
  );
  edit(
    entityPage,
    'const overviewContent = (\n  <Grid container spacing={3} alignItems="stretch">',
    `const overviewContent = (
  <Grid container spacing={3} alignItems="stretch">
    <EntitySwitch>
      <EntitySwitch.Case if={isPromotionAvailable}>
        <Grid item md={6}>
          <EntityPromotionCard />
        </Grid>
      </EntitySwitch.Case>
    </EntitySwitch>`,
  );
  edit(
    entityPage,
    'const serviceEntityPage = (\n  <EntityLayout>',
    `const serviceEntityPage = (
  <EntityLayout>
    <EntityLayout.Route
      path="/promotion"
      title="Promotion"
      if={isPromotionAvailable}
    >
      <EntityPromotionContent />
    </EntityLayout.Route>`,
  );
  const appTsx = 'packages/app-legacy/src/App.tsx';
  edit(
    appTsx,
    "import { SignalsDisplay } from '@backstage/plugin-signals';",
    `import { SignalsDisplay } from '@backstage/plugin-signals';
import { PromotionApprovalsPage } from '${SCOPE}/plugin-promotion';`,
  );
  edit(
    appTsx,
    '  </FlatRoutes>',
    '    <Route path="/promotion/approvals" element={<PromotionApprovalsPage />} />\n  </FlatRoutes>',
  );
  const root = 'packages/app-legacy/src/components/Root/Root.tsx';
  edit(
    root,
    "import { NotificationsSidebarItem } from '@backstage/plugin-notifications';",
    `import { NotificationsSidebarItem } from '@backstage/plugin-notifications';
import AssignmentTurnedInIcon from '@material-ui/icons/AssignmentTurnedIn';`,
  );
  edit(
    root,
    '<SidebarItem icon={ExtensionIcon} to="api-docs" text="APIs" />',
    `<SidebarItem icon={ExtensionIcon} to="api-docs" text="APIs" />
        <SidebarItem
          icon={AssignmentTurnedInIcon}
          to="promotion/approvals"
          text="Approvals"
        />`,
  );
}
console.log(`✓ wired ${SCOPE} ${VERSION} into ${appDir}`);
