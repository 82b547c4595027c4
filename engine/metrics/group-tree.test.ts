import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GroupTree, flattenChecks } from './group-tree.ts';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('GroupTree', () => {
  it('builds k6 root_group: md5 ids of the :: paths, checks with passes and fails, first-seen order', () => {
    const t = new GroupTree();
    t.check('', 'status is 200', true);
    t.check('', 'status is 200', false);
    t.check('', 'status is 200', true);
    t.group('::browse');
    t.check('::browse::list', 'has items', true);
    t.check('::browse', 'fast', false);
    t.group('::empty');
    expect(t.toJSON()).toEqual({
      name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e',
      groups: [
        {
          name: 'browse', path: '::browse', id: md5('::browse'),
          groups: [{
            name: 'list', path: '::browse::list', id: md5('::browse::list'), groups: [],
            checks: [{ name: 'has items', path: '::browse::list::has items', id: md5('::browse::list::has items'), passes: 1, fails: 0 }],
          }],
          checks: [{ name: 'fast', path: '::browse::fast', id: md5('::browse::fast'), passes: 0, fails: 1 }],
        },
        { name: 'empty', path: '::empty', id: md5('::empty'), groups: [], checks: [] },
      ],
      checks: [{ name: 'status is 200', path: '::status is 200', id: md5('::status is 200'), passes: 2, fails: 1 }],
    });
  });

  it('merges another tree by path, adding counts', () => {
    const a = new GroupTree();
    const b = new GroupTree();
    a.check('', 'ok', true);
    a.check('::g', 'x', true);
    b.check('::g', 'x', false);
    b.check('::g', 'y', true);
    b.check('::h', 'z', true);
    a.merge(structuredClone(b.toJSON()));
    const j = a.toJSON();
    expect(flattenChecks(j).map((c) => [c.path, c.passes, c.fails])).toEqual([
      ['::ok', 1, 0], ['::g::x', 1, 1], ['::g::y', 1, 0], ['::h::z', 1, 0],
    ]);
    expect(j.groups.map((g) => g.id)).toEqual([md5('::g'), md5('::h')]);
  });
});
