import { Artifact } from '@promotion-for-backstage/plugin-promotion-common';
import { parseImageName } from '../gates/parseImageName';

/**
 * Whether one of the images a workload runs (`repo:tag`, `repo@digest` or
 * `repo:tag@digest`, as Argo CD and Kubernetes report them) is the build.
 * The digest decides when the build has one; a tag only for a tag-only pin.
 * Repositories match when one ends with the other, so a mirror's host or
 * Docker Hub's `docker.io/library/` prefix does not hide a match.
 */
export function runsArtifact(images: string[], artifact: Artifact): boolean {
  const wanted = parseImageName(artifact.image).repository;
  return images.some(image => {
    const repository = parseImageName(image).repository;
    if (!(repository.endsWith(wanted) || wanted.endsWith(repository))) {
      return false;
    }
    const [name, digest] = image.split('@', 2);
    if (artifact.digest) return digest === artifact.digest;
    const lastSlash = name.lastIndexOf('/');
    const colon = name.indexOf(':', lastSlash + 1);
    return (
      !!artifact.tag && colon >= 0 && name.slice(colon + 1) === artifact.tag
    );
  });
}
