import { BatchAnswerParser, GitBatch } from './GitBatch';

/** An object of the repository, as `git cat-file --batch` gives it. */
export interface GitObject {
  sha: string;
  type: string;
  content: Buffer;
}

/** One entry of a tree object. */
export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  /** The name as text, to compare with paths. */
  name: string;
  /** The name's bytes as stored, written back unchanged whatever their encoding. */
  nameBytes: Buffer;
}

const NUL = Buffer.from([0]);

/**
 * `<sha> <type> <size>\n<content>\n` for an object, `<name> missing\n` (or
 * `ambiguous`) for a name that names none.
 */
export const parseCatFileAnswer: BatchAnswerParser<
  GitObject | undefined
> = output => {
  const headerEnd = output.indexOf(0x0a);
  if (headerEnd < 0) return undefined;
  const header = output.subarray(0, headerEnd).toString('utf8');
  const match = /^([0-9a-f]{40,64}) (\S+) (\d+)$/.exec(header);
  if (!match) return { value: undefined, length: headerEnd + 1 };
  const start = headerEnd + 1;
  const size = Number(match[3]);
  if (output.length < start + size + 1) return undefined;
  return {
    value: {
      sha: match[1],
      type: match[2],
      content: output.subarray(start, start + size),
    },
    length: start + size + 1,
  };
};

/** One line of output, such as the sha `mktree` prints for each tree. */
export const parseLine: BatchAnswerParser<string> = output => {
  const end = output.indexOf(0x0a);
  if (end < 0) return undefined;
  return { value: output.subarray(0, end).toString('utf8'), length: end + 1 };
};

/**
 * Reads objects and writes trees of one repository through two long-lived
 * git processes (`cat-file --batch` and `mktree --batch`), so that walking
 * and rewriting the trees on a changed file's path costs no process starts.
 * Objects are named as git names them: a sha, `<commit>:<path>`,
 * `<commit>^{tree}` or a full ref name.
 */
export class GitObjects {
  private readonly reader: GitBatch<GitObject | undefined>;
  private readonly treeWriter: GitBatch<string>;

  constructor(gitDir: string) {
    this.reader = new GitBatch(
      gitDir,
      ['cat-file', '--batch'],
      parseCatFileAnswer,
    );
    // --missing: a running mktree looks for objects among the packs it found
    // when it started (git's "quick" look-up), so without it a tree naming an
    // object that a later fetch brought in a new pack would be refused. The
    // entries come from trees read from this repository and blobs just
    // written to it; a push of a commit that named a missing object fails.
    this.treeWriter = new GitBatch(
      gitDir,
      ['mktree', '--missing', '--batch', '-z'],
      parseLine,
    );
  }

  /** The object, or undefined when the name names none. */
  async read(name: string): Promise<GitObject | undefined> {
    if (/[\n\0]/.test(name)) {
      throw new Error(
        `Cannot look up a git object named ${JSON.stringify(name)}`,
      );
    }
    return this.reader.request(`${name}\n`);
  }

  /** The entries of the tree with this sha. */
  async readTree(sha: string): Promise<TreeEntry[]> {
    const object = await this.read(sha);
    if (object?.type !== 'tree') throw new Error(`${sha} is not a tree`);
    return parseTree(object.content, sha.length / 2);
  }

  /** Writes a tree with these entries (in any order); resolves with its sha. */
  writeTree(entries: TreeEntry[]): Promise<string> {
    const input = Buffer.concat([
      ...entries.flatMap(e => [
        Buffer.from(`${e.mode} ${e.type} ${e.sha}\t`),
        e.nameBytes,
        NUL,
      ]),
      NUL, // an empty entry ends the tree
    ]);
    return this.treeWriter.request(input);
  }

  close() {
    this.reader.close();
    this.treeWriter.close();
  }
}

/** A tree object's content: entries of `<mode> <name>\0<binary sha>`. */
export function parseTree(content: Buffer, hashBytes: number): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let offset = 0;
  while (offset < content.length) {
    const space = content.indexOf(0x20, offset);
    const nul = content.indexOf(0x00, space);
    if (space < 0 || nul < 0 || nul + 1 + hashBytes > content.length) {
      throw new Error('Malformed tree object');
    }
    const mode = content.subarray(offset, space).toString('latin1');
    const nameBytes = content.subarray(space + 1, nul);
    entries.push({
      mode,
      type: typeOfMode(mode),
      sha: content.subarray(nul + 1, nul + 1 + hashBytes).toString('hex'),
      name: nameBytes.toString('utf8'),
      nameBytes,
    });
    offset = nul + 1 + hashBytes;
  }
  return entries;
}

function typeOfMode(mode: string): TreeEntry['type'] {
  if (mode === '40000') return 'tree';
  if (mode === '160000') return 'commit';
  return 'blob';
}
