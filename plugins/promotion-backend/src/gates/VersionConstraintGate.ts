import {
  Gate,
  GateContext,
  GateFactory,
  GateResult,
} from '@promotion-for-backstage/plugin-promotion-node';
import { satisfies, valid, validRange } from 'semver';
import { z } from 'zod';
import { gateBlockSchema, readGateConfig } from './readGateConfig';

const versionConstraintSchema = gateBlockSchema({
  range: z.string().refine(range => validRange(range) !== null, {
    error: "expected a semver range like '>=1.2.0 <2'",
  }),
  includePrerelease: z.boolean().default(false),
});

/**
 * A tag read as a version: `v1.2.3`, `1.2`, `2` and `1.2.3-rc.1` are versions.
 * Anything else is not, rather than being coerced, because semver's `coerce`
 * would read a tag like `sha-abc12345` as version 12345.0.0.
 */
export function versionOfTag(tag: string): string | null {
  const match =
    /^[vV=]?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(
      tag,
    );
  if (!match) return null;
  const [, major, minor = '0', patch = '0', prerelease = '', build = ''] =
    match;
  return valid(`${major}.${minor}.${patch}${prerelease}${build}`);
}

/**
 * `type: version-constraint` — the artifact's tag is a version inside
 * `range`, e.g. to keep a major upgrade out of an environment.
 */
export class VersionConstraintGate implements Gate {
  readonly name: string;

  constructor(
    private readonly range: string,
    private readonly includePrerelease: boolean,
  ) {
    this.name = `version ${range}`;
  }

  async evaluate({ artifact }: GateContext): Promise<GateResult> {
    if (!artifact.tag) {
      return {
        status: 'failed',
        message: `${artifact.image} is pinned without a tag, so its version cannot be checked against ${this.range}.`,
      };
    }
    const version = versionOfTag(artifact.tag);
    if (!version) {
      return {
        status: 'failed',
        message: `Tag '${artifact.tag}' is not a semantic version, so it cannot be checked against ${this.range}.`,
      };
    }
    const details = { tag: artifact.tag, version, range: this.range };
    if (
      !satisfies(version, this.range, {
        includePrerelease: this.includePrerelease,
      })
    ) {
      return {
        status: 'failed',
        message: `Version ${version} (tag '${artifact.tag}') is outside ${this.range}.`,
        details,
      };
    }
    return {
      status: 'passed',
      message: `Version ${version} is within ${this.range}.`,
      details,
    };
  }
}

/** Makes {@link VersionConstraintGate}s from `{ type: version-constraint, range }`. */
export const versionConstraintGateFactory: GateFactory = {
  type: 'version-constraint',
  create({ config }) {
    const { range, includePrerelease } = readGateConfig(
      config,
      versionConstraintSchema,
    );
    return new VersionConstraintGate(range, includePrerelease);
  },
};
