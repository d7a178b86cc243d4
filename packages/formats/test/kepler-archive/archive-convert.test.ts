// Every real archive converts to a runnable model; refusals are typed and name what they refuse.
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ArchiveError, predict, readKeplerArchive, readZip } from '../../src/kepler-archive/index.ts';
import { ARCHIVES, readArchive, sampleRows, shortName } from './fixtures.ts';

const EXPECTED_KIND: Record<string, string> = {
  LinearRegressionTrainer: 'linear',
  SGDRegressorTrainer: 'linear',
  PolynomialRegressionTrainer: 'linear',
  GradientBoostingRegressorTrainer: 'gradient-boosting',
  KNeighborsRegressorTrainer: 'k-neighbors',
  SVRRegressorTrainer: 'svr',
  XgboostFitTrainer: 'xgboost',
  ExponentialRegressionTrainer: 'curve-fit',
  LogarithmicRegressionTrainer: 'curve-fit',
  LogisticRegressionTrainer: 'curve-fit',
};

describe('kepler-model-db archives convert', () => {
  it('has the 22 current fixture archives and 7 older ones', () => {
    expect(ARCHIVES.filter((p) => p.includes('/v0.7/'))).toHaveLength(22);
    expect(ARCHIVES).toHaveLength(29);
  });
  for (const path of ARCHIVES) {
    it(`${shortName(path)} converts and predicts finite watts`, () => {
      const m = readKeplerArchive(path, readArchive(path));
      const rapl = path.includes('/rapl-sysfs/') || path.includes('/rapl/');
      expect(m.components.map((c) => c.name)).toEqual(
        rapl ? ['package', 'core', 'uncore', 'dram'] : ['platform'],
      );
      expect(m.features.length).toBeGreaterThan(0);
      expect(m.outputType).toMatch(/^(AbsPower|DynPower)$/);
      expect(typeof m.mae).toBe('number');
      for (const c of m.components) {
        expect(c.estimator.kind).toBe(EXPECTED_KIND[m.trainer]);
        expect(['max-abs', 'min-max', 'standard']).toContain(c.transforms[0]?.kind);
      }
      if (m.trainer === 'PolynomialRegressionTrainer')
        expect(m.components[0]!.transforms[1]?.kind).toBe('polynomial');
      const rows = 32;
      const y = predict(m, sampleRows(m, rows, 7), rows);
      expect(y).toHaveLength(rows * m.components.length);
      for (const v of y) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(0); // Kepler's clamp
      }
    });
  }
});

function archiveWith(members: Record<string, Uint8Array>): Uint8Array {
  return zipSync(members);
}
const meta = (extra: object = {}) =>
  strToU8(
    JSON.stringify({
      model_name: 'LinearRegressionTrainer_0',
      model_class: 'scikit',
      model_file: 'LinearRegressionTrainer_0.json',
      features: ['bpf_cpu_time_ms'],
      output_type: 'AbsPower',
      mae: 1,
      ...extra,
    }),
  );
const index = strToU8(
  JSON.stringify({ platform: { model_file: 'platform.pkl', features: ['bpf_cpu_time_ms'], fe_files: [] } }),
);

describe('refusals', () => {
  it('names a class outside the allow-list', () => {
    const evil = new Uint8Array(Buffer.from("cos\nsystem\n(S'id'\ntR.", 'latin1'));
    const zip = archiveWith({
      'metadata.json': meta(),
      'LinearRegressionTrainer_0.json': index,
      'platform.pkl': evil,
    });
    let err: unknown;
    try {
      readKeplerArchive('evil.zip', zip);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as ArchiveError).cls).toBe('os.system');
    expect((err as ArchiveError).message).toContain('os.system');
    expect((err as ArchiveError).message).toContain('platform.pkl');
  });
  it('names an allowed but unconvertible class', () => {
    const scaler = new Uint8Array(
      Buffer.from('\x80\x04\x8c\x1bsklearn.preprocessing._data\x8c\x0cMaxAbsScaler\x93)\x81}b.', 'latin1'),
    );
    const zip = archiveWith({
      'metadata.json': meta(),
      'LinearRegressionTrainer_0.json': index,
      'platform.pkl': scaler,
    });
    expect(() => readKeplerArchive('x.zip', zip)).toThrow(/MaxAbsScaler: is not a model/);
  });
  it('refuses member names that escape, too many entries, and lying sizes', () => {
    expect(() => readZip('t.zip', zipSync({ '../etc/passwd': strToU8('x') }))).toThrow(ArchiveError);
    expect(() => readZip('t.zip', zipSync({ '/abs': strToU8('x') }))).toThrow(/unsafe member name/);
    const many = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`f${i}`, strToU8('x')]));
    expect(() => readZip('t.zip', zipSync(many))).toThrow(/more than 64 entries/);
    expect(() => readZip('t.zip', zipSync({ big: new Uint8Array(2048) }), { maxEntryBytes: 1024 })).toThrow(
      /inflates/,
    );
    expect(() => readZip('t.zip', new Uint8Array([1, 2, 3]))).toThrow(ArchiveError);
  });
  it('never inflates past a lying declared size (a zip bomb stays as small as it says)', () => {
    const zip = zipSync({ 'a.pkl': new Uint8Array(20_000_000) }, { level: 9 });
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    for (let i = 0; i + 4 <= zip.length; i++) {
      const sig = view.getUint32(i, true);
      if (sig === 0x04034b50) view.setUint32(i + 22, 10, true); // local header uncompressed size
      if (sig === 0x02014b50) view.setUint32(i + 24, 10, true); // central directory uncompressed size
    }
    let size = -1;
    try {
      size = readZip('bomb.zip', zip).get('a.pkl')?.length ?? -1;
    } catch (e) {
      expect(e).toBeInstanceOf(ArchiveError);
      return;
    }
    expect(size).toBeLessThanOrEqual(10);
  });
  it('refuses keras archives and missing members plainly', () => {
    expect(() =>
      readKeplerArchive('k.zip', archiveWith({ 'metadata.json': meta({ model_class: 'keras' }) })),
    ).toThrow(/keras/);
    expect(() => readKeplerArchive('m.zip', archiveWith({ 'metadata.json': meta() }))).toThrow(/missing/);
  });
});

describe('curve fits read the column the sidecar reads', () => {
  // CounterIRQCombined's features contain CounterOnly, which the sidecar's group walk meets first; it
  // reads CounterOnly's main-feature index (cpu_instructions: 2; dram's cache_miss: 0) as a column of the
  // model's own features: bpf_net_tx_irq and bpf_block_irq, not the cpu_instructions column.
  const combined = ARCHIVES.filter(
    (p) => p.includes('/CounterIRQCombined/') && /(Logarithmic|Exponential)RegressionTrainer/.test(p),
  );
  it('has CounterIRQCombined curve fits to check', () => expect(combined.length).toBeGreaterThan(0));
  for (const path of combined) {
    it(`${shortName(path)}: package, core, uncore read column 2 and dram column 0`, () => {
      const m = readKeplerArchive(path, readArchive(path));
      expect(m.features.slice(0, 3)).toEqual(['bpf_block_irq', 'bpf_net_rx_irq', 'bpf_net_tx_irq']);
      expect(
        m.components.map((c) => [c.name, c.estimator.kind === 'curve-fit' && c.estimator.featureIndex]),
      ).toEqual([
        ['package', 2],
        ['core', 2],
        ['uncore', 2],
        ['dram', 0],
      ]);
      // Scaling the cpu_instructions column leaves every watt unchanged; scaling column 2 moves package.
      const base = sampleRows(m, 1, 3);
      const scaled = (column: number) => {
        const x = Float64Array.from(base);
        x[column] = x[column]! * 3 + 1;
        return Array.from(predict(m, x, 1));
      };
      expect(scaled(m.features.indexOf('cpu_instructions'))).toEqual(Array.from(predict(m, base, 1)));
      expect(scaled(2)[0]).not.toBe(predict(m, base, 1)[0]);
    });
  }
});
