// The operator's brake: pin → trainers keep publishing → estimators stay → unpin; aliases,
// rollback and the audit trail of every move.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, jsonError, KEPLER_BPFONLY, tempStore } from './helpers/cli.ts';

const MODEL = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';
const WEIGHTS = join(KEPLER_BPFONLY, 'SGDRegressorTrainer_0.json');

interface Move {
  model: string;
  seq: number;
  ref: string;
  action: string;
  from: number | null;
  to: number | null;
  at: string;
  by: string;
  reason: string | null;
  rollbackOf: number | null;
}

describe('pins, aliases, rollback and history', { timeout: 300_000 }, () => {
  let s: Awaited<ReturnType<typeof tempStore>>;
  const resolveVersion = async (ref: string) =>
    json<{ version: number; via: string }>(await s.cli('resolve', ref, '--json'));

  beforeAll(async () => {
    s = await tempStore();
    await s.cli('init');
    for (let i = 0; i < 2; i++) expect((await s.cli('push', MODEL, WEIGHTS, '-q')).code).toBe(0);
  });
  afterAll(() => s.cleanup());

  it('pin → publish → resolve stays on the pin → unpin → resolve follows latest', async () => {
    const pinned = json<Move>(await s.cli('pin', `${MODEL}@1`, '--reason', 'v2 regressed on dram', '--json'));
    expect(pinned).toMatchObject({ model: MODEL, ref: 'pin', action: 'set', from: null, to: 1, seq: 1 });
    expect(pinned.by).toMatch(/^tester@/);
    expect(pinned.reason).toBe('v2 regressed on dram');

    expect(json<{ version: number }>(await s.cli('push', MODEL, WEIGHTS, '--json')).version).toBe(3);
    expect(await resolveVersion(MODEL)).toMatchObject({ version: 1, via: 'pin' });
    expect(json<{ pin: number; latest: number }[]>(await s.cli('ls', '--json'))[0]).toMatchObject({
      pin: 1,
      latest: 3,
    });

    const unpinned = await s.cli('unpin', MODEL, '--reason', 'v3 fixed it');
    expect(unpinned.code).toBe(0);
    expect(unpinned.stdout).toContain('was 1');
    expect(await resolveVersion(MODEL)).toMatchObject({ version: 3, via: 'latest' });

    // Unpinning again changes nothing and adds nothing to the audit trail.
    const again = await s.cli('unpin', MODEL, '--json');
    expect(again.code).toBe(0);
    expect(json(again)).toMatchObject({ action: 'none' });
  });

  it('sets and removes aliases, rolls back, and records every move with who and why', async () => {
    const set = await s.cli('alias', 'set', MODEL, 'stable', '2', '--reason', 'canary passed');
    expect(set.code, set.stderr).toBe(0);
    expect(await resolveVersion(`${MODEL}@stable`)).toMatchObject({ version: 2, via: 'alias' });
    await s.cli('alias', 'set', MODEL, 'stable', '3');
    expect((await resolveVersion(`${MODEL}@stable`)).version).toBe(3);

    const back = json<Move>(await s.cli('rollback', MODEL, '--alias', 'stable', '--json'));
    expect(back).toMatchObject({ ref: 'stable', from: 3, to: 2, rollbackOf: expect.any(Number) });
    expect((await resolveVersion(`${MODEL}@stable`)).version).toBe(2);

    expect((await s.cli('alias', 'rm', MODEL, 'stable')).code).toBe(0);
    const gone = await s.cli('resolve', `${MODEL}@stable`, '--json');
    expect(gone.code).toBe(3);
    expect(jsonError(gone).code).toBe('ALIAS_NOT_FOUND');

    const history = json<Move[]>(await s.cli('history', MODEL, '--json'));
    expect(history.map((m) => [m.ref, m.from, m.to])).toEqual([
      ['pin', null, 1],
      ['pin', 1, null],
      ['stable', null, 2],
      ['stable', 2, 3],
      ['stable', 3, 2],
      ['stable', 2, null],
    ]);
    expect(history.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const m of history) {
      expect(m.by).toMatch(/^tester@./);
      expect(Date.parse(m.at)).not.toBeNaN();
    }
    expect(history[1]!.reason).toBe('v3 fixed it');
    expect(history[2]!.reason).toBe('canary passed');

    const table = (await s.cli('history', MODEL)).stdout.trimEnd().split('\n');
    expect(table[0]).toMatch(/^#\s+WHEN\s+WHO\s+REF\s+FROM\s+TO\s+WHY$/);
    expect(table[1]).toMatch(/^1\s+(just now|.*ago)\s+tester@\S+\s+pin\s+none\s+1\s+v2 regressed on dram$/);
  });

  it('refuses moves to versions that do not exist and malformed targets', async () => {
    const cases: [args: string[], exit: number, code: string, mentions: string][] = [
      [['pin', `${MODEL}@42`], 3, 'VERSION_NOT_FOUND', '42'],
      [['pin', 'no/such/model@1'], 3, 'VERSION_NOT_FOUND', 'no/such/model'],
      [['pin', MODEL], 2, 'INVALID_ARGUMENT', MODEL],
      [['pin', `${MODEL}@stable`], 2, 'INVALID_ARGUMENT', 'stable'],
      [['alias', 'set', MODEL, 'stable', '42'], 3, 'VERSION_NOT_FOUND', '42'],
      [['alias', 'set', MODEL, '9lives', '1'], 2, 'INVALID_ARGUMENT', '9lives'],
      [['alias', 'set', MODEL, 'stable', 'two'], 2, 'INVALID_ARGUMENT', 'two'],
      [['unpin', 'no/such/model'], 3, 'MODEL_NOT_FOUND', 'no/such/model'],
      [['history', 'no/such/model'], 3, 'MODEL_NOT_FOUND', 'no/such/model'],
      [['rollback', MODEL, '--alias', 'canary'], 2, 'INVALID_ARGUMENT', 'canary'],
    ];
    const results = await Promise.all(cases.map(([args]) => s.cli(...args, '--json')));
    for (const [i, [args, exit, code, mentions]] of cases.entries()) {
      const r = results[i]!;
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(exit);
      expect(jsonError(r).code, args.join(' ')).toBe(code);
      expect(jsonError(r).message).toContain(mentions);
    }
    // None of the refused moves reached the log.
    expect(json<Move[]>(await s.cli('history', MODEL, '--json'))).toHaveLength(6);
  });
});
