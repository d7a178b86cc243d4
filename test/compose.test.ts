// docker-compose.yml cannot run here (no Docker engine), so its structure is checked instead:
// the services and profiles exist, the registry wiring is right, every dependency resolves,
// volumes are declared, and no secret is hard-coded beyond the local demo defaults.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string } | string;
  user?: string;
  profiles?: string[];
  environment?: Record<string, string>;
  depends_on?: string[] | Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
  command?: string[] | string;
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const ROOT = join(import.meta.dirname, '..');
const DEMO_DEFAULTS = ['modelshelf', 'modelshelf-demo-only'];
const deps = (s: Service) => (Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {}));

describe('docker-compose.yml', () => {
  let compose: Compose;
  let raw: string;
  beforeAll(async () => {
    raw = await readFile(new URL('../docker-compose.yml', import.meta.url), 'utf8');
    compose = parse(raw, { merge: true }) as Compose;
  });

  it('has MinIO, a one-shot bucket creator, a trainer and an estimator by default', () => {
    const s = compose.services;
    expect(s.minio?.image).toMatch(/^minio\/minio(:|$)/);
    expect(s.createbucket?.image).toMatch(/^minio\/mc(:|$)/);
    expect(String(s.createbucket?.command)).toContain('mc mb --ignore-existing local/models');
    for (const name of ['minio', 'createbucket', 'trainer', 'estimator'])
      expect(s[name]?.profiles).toBeUndefined();
  });

  it('wires trainer and estimator to the bucket through the standard AWS settings', () => {
    for (const name of ['trainer', 'estimator']) {
      const env = compose.services[name]!.environment!;
      expect(env.MODELSHELF_STORE).toBe('s3://models/kepler');
      expect(env.AWS_ENDPOINT_URL).toBe('http://minio:9000');
      expect(env.AWS_ACCESS_KEY_ID).toMatch(/^\$\{AWS_ACCESS_KEY_ID:-/);
      expect(env.AWS_SECRET_ACCESS_KEY).toMatch(/^\$\{AWS_SECRET_ACCESS_KEY:-/);
      expect(deps(compose.services[name]!)).toContain('createbucket');
      expect(compose.services[name]!.build).toMatchObject({
        context: '.',
        dockerfile: 'deploy/docker/Dockerfile',
        target: name,
      });
    }
    // The bucket in the store URI is the one createbucket makes.
    const bucket = /^s3:\/\/([^/]+)/.exec(compose.services.trainer!.environment!.MODELSHELF_STORE!)![1];
    expect(String(compose.services.createbucket!.command)).toContain(`local/${bucket}`);
  });

  it('has a shared-volume profile using one named volume instead of S3', () => {
    const inProfile = Object.entries(compose.services).filter(([, s]) =>
      s.profiles?.includes('shared-volume'),
    );
    expect(inProfile.map(([n]) => n).sort()).toEqual(['estimator-volume', 'trainer-volume']);
    expect(compose.services['trainer-volume']!.build).toMatchObject({ target: 'trainer' });
    expect(compose.services['estimator-volume']!.build).toMatchObject({ target: 'estimator' });
    // The estimator only reads the shared volume.
    expect(compose.services['estimator-volume']!.volumes).toContain('registry:/registry:ro');
    for (const [, s] of inProfile) {
      expect(s.environment?.MODELSHELF_STORE).toBe('/registry');
      expect(s.environment?.AWS_ENDPOINT_URL).toBeUndefined();
      expect(s.volumes?.some((v) => v.startsWith('registry:/registry'))).toBe(true);
    }
  });

  it('every depends_on target and every named volume exists', () => {
    const names = new Set(Object.keys(compose.services));
    const declared = new Set(Object.keys(compose.volumes ?? {}));
    for (const [name, s] of Object.entries(compose.services)) {
      for (const d of deps(s)) expect(names, `${name} depends on ${d}`).toContain(d);
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0]!;
        if (!source.startsWith('.') && !source.startsWith('/'))
          expect(declared, `${name} uses ${source}`).toContain(source);
      }
    }
  });

  it('binds published ports to loopback and hard-codes no secrets beyond the demo defaults', () => {
    for (const s of Object.values(compose.services))
      for (const p of s.ports ?? []) expect(p).toMatch(/^127\.0\.0\.1:/);
    for (const s of Object.values(compose.services)) {
      for (const [k, v] of Object.entries(s.environment ?? {})) {
        if (!/SECRET|PASSWORD|ACCESS_KEY|ROOT_USER/.test(k)) continue;
        // Always overridable from the environment; the fallback is only a demo default.
        const m = /^\$\{[A-Z_]+:-(.*)\}$/.exec(v);
        expect(m, `${k} must come from the environment`).not.toBeNull();
        const fallback = m![1]!.replace(/^\$\{[A-Z_]+:-/, '').replace(/\}$/, '');
        expect(DEMO_DEFAULTS).toContain(fallback);
      }
    }
    expect(raw).not.toMatch(/AKIA[0-9A-Z]{16}/);
    expect(raw).not.toMatch(/[A-Za-z0-9/+]{40}/);
  });

  it('has a periodic trainer profile retraining from Prometheus with the improvement gate of watch mode', () => {
    const periodic = compose.services['trainer-periodic']!;
    expect(periodic.profiles).toEqual(['periodic']);
    const args = periodic.command as string[];
    expect(args).toContain('--prometheus');
    expect(args[args.indexOf('--watch-interval') + 1]).toMatch(/^\$\{TRAIN_INTERVAL:-\d+[smh]\}$/);
    expect(periodic.environment?.MODELSHELF_STORE).toBe('s3://models/kepler');
  });

  it('trains the one-shot trainers from a data file that exists in the repository', () => {
    for (const name of ['trainer', 'trainer-volume']) {
      const s = compose.services[name]!;
      const mount = s.volumes!.find((v) => v.endsWith(':/data:ro'))!;
      const file = /--data \/data\/(\S+)/.exec(String(s.command))![1]!;
      expect(existsSync(join(ROOT, mount.split(':')[0]!, file)), `${name} reads ${file}`).toBe(true);
      expect(String(s.command)).toContain('modelshelf init');
    }
  });

  it('runs the estimator image with its socket in a named volume and metrics on loopback', () => {
    for (const [name, volume] of [
      ['estimator', 'estimator-socket'],
      ['estimator-volume', 'estimator-socket-volume'],
    ] as const) {
      const s = compose.services[name]!;
      expect(s.volumes).toContain(`${volume}:/var/run/modelshelf`);
      expect(s.command).toEqual(expect.arrayContaining(['--metrics-host', '0.0.0.0']));
      expect(s.ports?.some((p) => p.endsWith(':8101'))).toBe(true);
    }
  });

  it('builds only targets that the Dockerfile defines', async () => {
    const dockerfile = await readFile(join(ROOT, 'deploy/docker/Dockerfile'), 'utf8');
    const stages = new Set([...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]));
    for (const [name, s] of Object.entries(compose.services)) {
      if (typeof s.build !== 'object') continue;
      expect(stages, `${name} builds ${s.build.target}`).toContain(s.build.target);
      expect(existsSync(join(ROOT, s.build.dockerfile ?? 'Dockerfile'))).toBe(true);
    }
  });
});
