/**
 * k6's root_group: groups nest by path ("::outer::inner", root is ""), each with its checks in
 * first-seen order. Ids are md5(path) in hex, as k6 computes them, so summaries from both engines
 * line up. Worker threads each keep a tree; merge() adds one into another by path.
 */
import { createHash } from 'node:crypto';
import type { K6Check, K6Group } from '../../harness/result-types.ts';
import type { GroupTreeApi } from './types.ts';

export const GROUP_SEPARATOR = '::';

interface GroupNode {
  name: string;
  path: string;
  id: string;
  groups: GroupNode[];
  groupsByName: Map<string, GroupNode>;
  checks: K6Check[];
  checksByName: Map<string, K6Check>;
}

function md5(s: string): string {
  return createHash('md5').update(s).digest('hex');
}

function newNode(name: string, path: string): GroupNode {
  return { name, path, id: md5(path), groups: [], groupsByName: new Map(), checks: [], checksByName: new Map() };
}

export class GroupTree implements GroupTreeApi {
  private readonly root = newNode('', '');
  /** Group path → node, so the per-check lookup is one Map hit. */
  private readonly byPath = new Map<string, GroupNode>([['', this.root]]);

  check(groupPath: string, name: string, ok: boolean): void {
    const node = this.byPath.get(groupPath) ?? this.nodeFor(groupPath);
    let c = node.checksByName.get(name);
    if (c === undefined) {
      const path = node.path + GROUP_SEPARATOR + name;
      c = { name, path, id: md5(path), passes: 0, fails: 0 };
      node.checksByName.set(name, c);
      node.checks.push(c);
    }
    if (ok) c.passes++;
    else c.fails++;
  }

  group(groupPath: string): void {
    this.nodeFor(groupPath);
  }

  toJSON(): K6Group {
    const out = (n: GroupNode): K6Group => ({
      name: n.name, path: n.path, id: n.id,
      groups: n.groups.map(out),
      checks: n.checks.map((c) => ({ ...c })),
    });
    return out(this.root);
  }

  merge(other: K6Group): void {
    const walk = (g: K6Group) => {
      const node = this.nodeFor(g.path);
      for (const c of g.checks) {
        let mine = node.checksByName.get(c.name);
        if (mine === undefined) {
          mine = { name: c.name, path: c.path, id: c.id, passes: 0, fails: 0 };
          node.checksByName.set(c.name, mine);
          node.checks.push(mine);
        }
        mine.passes += c.passes;
        mine.fails += c.fails;
      }
      for (const sub of g.groups) walk(sub);
    };
    walk(other);
  }

  private nodeFor(groupPath: string): GroupNode {
    const found = this.byPath.get(groupPath);
    if (found) return found;
    // "::a::b" → ["a", "b"]; create every missing ancestor on the way down.
    const names = groupPath.startsWith(GROUP_SEPARATOR) ? groupPath.slice(GROUP_SEPARATOR.length).split(GROUP_SEPARATOR) : groupPath.split(GROUP_SEPARATOR);
    let node = this.root;
    for (const name of names) {
      let child = node.groupsByName.get(name);
      if (child === undefined) {
        child = newNode(name, node.path + GROUP_SEPARATOR + name);
        node.groupsByName.set(name, child);
        node.groups.push(child);
        this.byPath.set(child.path, child);
      }
      node = child;
    }
    return node;
  }
}

/** Every check in the tree, depth first (groups in order), for summaries that list checks flat. */
export function flattenChecks(group: K6Group): K6Check[] {
  return [...group.checks, ...group.groups.flatMap(flattenChecks)];
}
