import { HumanDuration } from '@backstage/types';

export interface Config {
  /**
   * Configuration of the promotion plugins. Every key is checked at start-up:
   * a key that is not described here (say, a misspelt `aproval`) stops the
   * backend with its full path, e.g. `promotion.environments[2].aproval:
   * unknown key; did you mean 'approval'?`, instead of being ignored.
   *
   * Durations (`approval.expiresAfter`, `requestExpiresAfter`, gate `duration`,
   * `timeout` and `retryAfter`) are written as an object (`{ hours: 72 }`), a
   * short string (`'72h'`, `'30m'`) or an ISO 8601 duration (`'P3D'`).
   */
  promotion: {
    /**
     * The pipeline: environments in promotion order. A build enters the first
     * environment from CI; each later one is promoted from the one before it
     * (or from those listed in `acceptsFrom`).
     */
    environments: Array<{
      /** Slug of the environment (`[a-z0-9-]+`), e.g. `staging`. */
      name: string;
      /** Repository id (from `gitops.repositories`) that holds this environment's manifests, when not the default. */
      repository?: string;
      /**
       * Path template(s) of this environment's manifest(s), when not the default. Several
       * paths (e.g. `prod-eu` and `prod-us` overlays) are changed together in one commit.
       * Placeholders: `{{ entity.metadata.name }}`, `{{ entity.metadata.namespace }}`,
       * `{{ entity.kind }}`, `{{ environment }}`. Paths that leave the repository are refused.
       */
      path?: string | string[];
      /** How a promotion lands: one `commit` on the branch (default) or a `pull-request`. */
      delivery?: 'commit' | 'pull-request';
      /**
       * With pull-request delivery: `auto` lets the backend merge once gates and approvals
       * passed; `manual` (default) waits for people to merge. A pull request closed
       * without merging ends the promotion as failed.
       */
      merge?: 'auto' | 'manual';
      /** The scheduler promotes from the previous environment whenever all gates pass. Default false. */
      autoPromote?: boolean;
      /** Earlier environments, besides the previous one, that may promote into this one. */
      acceptsFrom?: string[];
      /** Whether CI (a service listed in `promotion.ci.subjects`) may bring a build straight into this environment. Default false. */
      acceptsCi?: boolean;
      /**
       * Checks a promotion into this environment must pass. Each has a `type`, an optional
       * `mode` (`enforce`, the default, blocks; `warn` records and shows, never blocks) and
       * an optional `name`. Built-in types:
       * - `source-match`: the artifact is what runs in the source environment now.
       * - `soak` with `duration`: the artifact has run in the source for at least that long,
       *   counted from when the source's `deployment` reported it running healthy (where the
       *   source has one), else from when it was pinned on the source's branch.
       * - `deployed`: the source's `deployment` (Argo CD or Flux) reports the artifact running
       *   there, in sync and healthy. Waits (pending) while it is not yet, or while the source
       *   cannot be asked; fails when it runs degraded or the source has no `deployment`.
       * - `http` with `url` (template with `{{ artifact.image }}`, `{{ artifact.repository }}`,
       *   `{{ artifact.tag }}`, `{{ artifact.digest }}`, `{{ entity.metadata.name }}`,
       *   `{{ entity.metadata.namespace }}`, `{{ environment }}`), `method` (GET or POST),
       *   `headers`, `timeout` (default 10s, at most 10 minutes; the gate gets all of it),
       *   `retryAfter` (default 1 minute) and `expect`.
       *   Passes on any 2xx, or with `expect.status` only on the listed statuses; with
       *   `expect.field` and `expect.equals` the answer must also be JSON whose field (a
       *   dotted path) equals the value. Any other answer fails. A service that cannot
       *   answer now (unreachable, no answer within `timeout`, 5xx, 408 or 429 unless listed
       *   in `expect.status`) leaves the gate pending: it is asked again after `retryAfter`.
       * - `version-constraint` with `range` (semver range on the tag) and `includePrerelease`.
       * - `registry` with `registries`: the digest exists in every listed registry (OCI
       *   distribution API). An entry is `{ registry, repository? }` (a registry of
       *   `promotion.registries`, asked with its credentials) or `{ url, repository?, token? }`.
       *   Without `registries`: the environment's primary registry.
       * Backend modules add types through `promotionGatesExtensionPoint`.
       */
      gates?: Array<{
        type: string;
        mode?: 'enforce' | 'warn';
        name?: string;
        duration?: HumanDuration | string;
        url?: string;
        method?: 'GET' | 'POST';
        /** @visibility secret */
        headers?: { [name: string]: string };
        timeout?: HumanDuration | string;
        /** http: how long to wait before asking a service that could not answer again. Default 1 minute. */
        retryAfter?: HumanDuration | string;
        /** http: what a passing answer looks like; at least `status`, or `field` with `equals`. */
        expect?: {
          /** Statuses that pass, e.g. `[200, 204]`, instead of any 2xx. */
          status?: number | number[];
          /** Dotted path into the JSON answer, e.g. `result.checks.0.verdict`. */
          field?: string;
          /** The value the field must equal (compared as JSON). */
          equals?: any;
        };
        range?: string;
        includePrerelease?: boolean;
        registries?: Array<
          | {
              /** Id of a registry in `promotion.registries`. */
              registry: string;
              /** Repository template; default: the registry's own `repository`. */
              repository?: string;
            }
          | {
              url: string;
              /** Repository template; default: the image name without its host. */
              repository?: string;
              /** @visibility secret */
              token?: string;
            }
        >;
        [key: string]: any;
      }>;
      /**
       * When promotion into this environment is allowed. Each entry is one of:
       * - `allow`: a recurring window, `days` (mon…sun; every day when left out) and
       *   `from`/`to` as HH:MM (`to` may be `24:00`) in an IANA `timezone`. A window may
       *   run past midnight (`from: '22:00', to: '02:00'`); it belongs to the day it opens.
       *   With allow windows, promotion happens only inside one of them.
       * - `deny` with `days`/`from`/`to`/`timezone` as an allow window and an optional
       *   `reason`: a recurring window when promotion is refused, e.g. Friday afternoons.
       * - `deny` with `from`/`to` as ISO 8601 times with an offset and a `reason`: a freeze.
       * Deny windows and freezes win over allow windows. Edges are wall-clock times in
       * the time zone, so a window keeps its hours across a DST change (and lasts an hour
       * more or less that day); a time the clocks skip means the moment of the jump.
       * Evaluated as the built-in `window` gate, first, and again just before execution;
       * while closed the request waits, and is evaluated again the moment it opens.
       */
      windows?: Array<{
        allow?: {
          days?: Array<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'>;
          from: string;
          to: string;
          timezone: string;
        };
        deny?:
          | {
              days?: Array<
                'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'
              >;
              from: string;
              to: string;
              timezone: string;
              reason?: string;
            }
          | { from: string; to: string; reason: string };
      }>;
      approval?: {
        /** Distinct approvers needed. The requester never counts alone. Default 0 (no approval). */
        required?: number;
        /** Whether the requester's own approval may count (never as the only one: then `required` must be ≥ 2). Default false. */
        allowSelfApproval?: boolean;
        /** How long the whole request may wait before it expires, e.g. `{ hours: 72 }` or `'72h'`. Default: `promotion.requestExpiresAfter`. */
        expiresAfter?: HumanDuration | string;
        /** Entity refs told when approval is wanted. Default: the entity's owners (never the requester). */
        notify?: string[];
      };
      /**
       * What happens in OCI registries (`promotion.registries`) when a build is promoted
       * into this environment. Without it, nothing is written to any registry; a build
       * pinned by tag alone still has its digest resolved in the registry serving its host.
       */
      registry?: {
        /** Id of the registry the build is pushed to by CI. Default: the registry whose `hosts` (or URL host) serve the image. */
        primary?: string;
        /**
         * Tags written in the primary and every secondary once the change has landed.
         * `true` writes the defaults; each template knows `{{ version }}` (the build's tag,
         * or the first 12 hex digits of its digest) and `{{ environment }}`, and `false`
         * skips that tag. Immutable tags are never moved: one that names another digest
         * fails the request before anything is written.
         */
        tags?:
          | true
          | {
              /** Written by a promotion. Default: `{{ version }}-{{ environment }}`. */
              immutable?: string | false;
              /** Moved by every promotion and rollback. Default: `latest-{{ environment }}`. */
              mutable?: string | false;
              /** Written by a rollback instead of `immutable`. Default: `{{ version }}-{{ environment }}-rollback`. */
              rollback?: string | false;
            };
        /**
         * Copies the build (its manifest, an index's platform manifests, and every blob the
         * registry lacks) from the primary to these registries before the change lands, then
         * checks the digest in each.
         */
        crossRegistrySync?: {
          /** Ids in `promotion.registries`; never the primary. */
          secondaries: string[];
          /** How the copies are checked: every registry answers the same digest. Default and only value: `digest_match`. */
          verification?: 'digest_match';
        };
      };
      /**
       * Where the environment is deployed from its branch. The pipeline then shows what runs
       * (sync status, health, images, last sync, an Argo Rollouts canary's step and weight),
       * the `deployed` and `soak` gates of the next environment use it, and a landed request
       * is followed until it runs healthy: `succeeded` becomes `deployed`, or `failed` (with
       * what the source said) when it runs degraded or is not healthy within `timeout`.
       */
      deployment?:
        | {
            /** An Argo CD Application, read (and, for a manual-sync one, synced) through Argo CD's API. */
            source: 'argocd';
            /** Id of an instance in `promotion.argocd`. Default: the only one. */
            instance?: string;
            /** Application name template (`{{ entity.metadata.name }}`, `{{ entity.metadata.namespace }}`, `{{ environment }}`). Default: `{{ entity.metadata.name }}-{{ environment }}`. */
            application?: string;
            /**
             * How long a landed change may take to run healthy, e.g. `{ minutes: 15 }` or `'15m'`.
             * For an Application without automated sync (`spec.syncPolicy.automated`) it counts
             * from the sync: the Sync action (`promotion.target.sync`) or one started in Argo CD.
             * Default 15 minutes.
             */
            timeout?: HumanDuration | string;
          }
        | {
            /** A Flux Kustomization or HelmRelease, read through the Kubernetes API. */
            source: 'flux';
            /** Name of a cluster in `kubernetes.clusterLocatorMethods` (type `config`, `authProvider: serviceAccount` with `serviceAccountToken`; `caData` and `skipTLSVerify` apply). Default: the only one. */
            cluster?: string;
            /** Default: `Kustomization`. */
            kind?: 'Kustomization' | 'HelmRelease';
            /** Namespace of the Flux object (template as `name`). Default: `flux-system`. */
            namespace?: string;
            /** Name template of the Flux object. Default: `{{ entity.metadata.name }}-{{ environment }}`. */
            name?: string;
            /** How long a landed change may take to run healthy. Default 15 minutes. */
            timeout?: HumanDuration | string;
          };
      /**
       * A change ticket (a CAB change, an ITSM record) on the requests into this
       * environment: it is stored with the request, written to the audit log, the commit
       * (`Change-Ticket:` trailer) and the pull request's body, shown in the UI, and given
       * to gates (`{{ changeTicket }}` in an http gate's URL, `changeTicket` in its POST
       * body) so that a change-management service can verify it. Without this key a
       * request may still name one.
       */
      changeTicket?: {
        /** Whether promotions and rollbacks into this environment must name a ticket (400 without). Default false. Not with `autoPromote`. */
        required?: boolean;
        /** A regular expression the whole reference must match, e.g. `'^CHG[0-9]{7}$'`. */
        pattern?: string;
        /** The ticket's page, linked from the UI and the pull request, e.g. `'https://itsm.internal/change/{{ ticket }}'`. */
        url?: string;
      };
      /** Rollbacks into this environment (`POST /rollbacks`). */
      rollback?: {
        /** Whether a rollback waits for the environment's `approval` like a promotion. Default true. */
        requireApproval?: boolean;
      };
    }>;
    gitops: {
      /** The GitOps repositories. Each environment is a directory on one branch, never a branch of its own. */
      repositories: Array<{
        /** Id used by `defaults.repository`, environments and the repository annotation. */
        id: string;
        /**
         * Any git URL (https, ssh, scp-like `host:path` or `user@host:path`, file) or a local
         * path (relative to the backend's working directory), told apart as git does: with
         * no `://`, a colon before any slash makes it ssh. Credentials for https come from
         * Backstage's `integrations` config.
         */
        url: string;
        /** Branch the environments live on. Default: `main`. */
        branch?: string;
      }>;
      defaults?: {
        /** Repository id used when neither the environment nor the entity names one. Default: the first repository. */
        repository?: string;
        /**
         * Path template of the manifest that pins an entity's image.
         * Default: `apps/{{ entity.metadata.name }}/overlays/{{ environment }}/kustomization.yaml`.
         */
        path?: string;
        /** Manifest format: `kustomize` (images[] entry), `helm-values` or `yaml` (dotted paths). Default: `kustomize`. */
        format?: 'kustomize' | 'helm-values' | 'yaml';
      };
      /** Author and committer of promotion commits. */
      author?: {
        /** Default: `Backstage Promotion`. */
        name?: string;
        /** Default: `promotion@backstage.local`. */
        email?: string;
      };
    };
    /**
     * OCI registries that builds are resolved in (tag-only pins get their digest),
     * copied between (`crossRegistrySync`) and tagged in (`registry.tags`), and that
     * the `registry` gate may name.
     */
    registries?: Array<{
      /** Slug other settings name it by, e.g. `harbor`. */
      id: string;
      /** Base URL, e.g. `https://harbor.acme.internal`. */
      url: string;
      /** Image hosts this registry serves (a pull-through name, say). Default: the URL's host. */
      hosts?: string[];
      /**
       * Template of the build's repository in this registry. Default: `{{ artifact.repository }}`
       * (the image name without its host). Knows the `http` gate's placeholders.
       */
      repository?: string;
      /**
       * Credentials, when the registry needs any: a `token` sent as `Authorization: Bearer`,
       * or `username` and `password`, sent as Basic auth (ECR, ACR, Harbor robot accounts)
       * or to the registry's token service when it answers with a Bearer challenge
       * (Docker Hub, GHCR). Without them, the token service is asked anonymously.
       */
      auth?: {
        /** @visibility secret */
        token?: string;
        username?: string;
        /** @visibility secret */
        password?: string;
      };
    }>;
    /**
     * Argo CD instances that environments' `deployment` may name. The token is an Argo CD
     * account or project-role token with `applications, get` (and `applications, sync` for
     * the Sync action) on the promoted Applications.
     */
    argocd?: Array<{
      /** Slug environments name it by, e.g. `main`. */
      id: string;
      /** Base URL of the Argo CD server, e.g. `https://argocd.acme.internal`. */
      url: string;
      /** @visibility secret */
      token: string;
    }>;
    /** Tags that may never be promoted (glob patterns). Default: `['latest']`. */
    denyTags?: string[];
    /** How long a request may wait (gates, approvals) before it expires, unless its environment's approval says otherwise. Default: 7 days. */
    requestExpiresAfter?: HumanDuration | string;
    /**
     * How old what the entity tab shows (pipeline, version history) may be. Within this long
     * a read reuses the branch tip of the last fetch (no git command), the entity as the
     * catalog gave it to the same user, and the permission policy's answer for that user
     * (which only decides which actions the tab offers). A commit another writer (CI, a
     * person, another replica) pushed shows within this long; this backend's own promotions
     * show at once. Requests, approvals, promotions and rollbacks always fetch and ask the
     * catalog and the policy anew. A duration like `5s` or `{ seconds: 5 }`. Default: 5 seconds.
     */
    maxReadAge?: HumanDuration | string;
    /**
     * Environments that need approval refuse requests while the permission framework is
     * disabled, unless this is true. For local demos only. Default false.
     */
    allowWithoutPermissions?: boolean;
    ci?: {
      /**
       * Subjects of service principals that may bring builds into environments with
       * `acceptsCi`, e.g. `external:ci` for a static token configured under
       * `backend.auth.externalAccess`. Every other service caller is refused.
       */
      subjects?: string[];
    };
    /** DORA metrics (`GET /metrics/dora`). */
    metrics?: {
      /**
       * The environment whose changes count as production changes: deployments, failures
       * and restores, and where lead time ends (it starts in the pipeline's first
       * environment). One of `environments`. Default: the pipeline's last environment.
       */
      productionEnvironment?: string;
    };
  };
}
