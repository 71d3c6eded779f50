/**
 * Entity annotations read by the promotion plugins.
 *
 * The image annotation is the opt-in: an entity without it has no Promotion tab.
 * The others override `promotion.gitops.defaults` for one entity.
 */

/** The image name exactly as it is written in the GitOps manifests. @public */
export const ANNOTATION_PROMOTION_IMAGE = 'promotion.backstage.io/image';
/** Id of the GitOps repository (from `promotion.gitops.repositories`). @public */
export const ANNOTATION_PROMOTION_REPOSITORY =
  'promotion.backstage.io/repository';
/** Path template of the manifest inside the repository. @public */
export const ANNOTATION_PROMOTION_PATH = 'promotion.backstage.io/path';
/** Manifest format: `kustomize`, `helm-values` or `yaml`. @public */
export const ANNOTATION_PROMOTION_FORMAT = 'promotion.backstage.io/format';
/** Dotted path of the digest in a `helm-values`/`yaml` manifest. @public */
export const ANNOTATION_PROMOTION_DIGEST_PATH =
  'promotion.backstage.io/digest-path';
/** Dotted path of the tag in a `helm-values`/`yaml` manifest. @public */
export const ANNOTATION_PROMOTION_TAG_PATH = 'promotion.backstage.io/tag-path';
/** Comma-separated subset of the pipeline's environments. @public */
export const ANNOTATION_PROMOTION_ENVIRONMENTS =
  'promotion.backstage.io/environments';
