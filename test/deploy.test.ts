// Deployment files cannot be applied here (no cluster, no Docker engine), so they are checked
// structurally: every YAML parses into Kubernetes objects, kustomizations list files that exist,
// images, commands and environment are wired to what the CLI really accepts, the estimator's S3
// policy cannot write, and every modelshelf container runs unprivileged. When `kubectl kustomize`
// is available the base and the overlay are also built and the results checked.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildProgram } from '../packages/cli/src/index.ts';
import { skipUnless } from './support/skips.ts';

const ROOT = join(import.meta.dirname, '..');
const K8S = join(ROOT, 'deploy/k8s');

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are checked field by field below
type Obj = Record<string, any>;

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(f) ? [p] : [];
  });

const parseDocs = (text: string, name: string): Obj[] =>
  parseAllDocuments(text).map((d) => {
    if (d.errors.length > 0) throw new Error(`${name}: ${d.errors[0]!.message}`);
    return d.toJS() as Obj;
  });

const load = (path: string): Obj[] => parseDocs(readFileSync(path, 'utf8'), relative(ROOT, path));

function objects(dir: string): Obj[] {
  return load(join(dir, 'kustomization.yaml'))[0]!.resources.flatMap((r: string) => {
    const p = join(dir, r);
    return existsSync(join(p, 'kustomization.yaml')) ? objects(p) : load(p);
  });
}

const find = (objs: Obj[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata?.name === name) as Obj;
const podOf = (o: Obj): Obj =>
  o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec;
const container = (pod: Obj, name: string): Obj => pod.containers.find((c: Obj) => c.name === name);

/** Long option names a `modelshelf` subcommand accepts, from the real program. */
async function optionsOf(name: string): Promise<Set<string>> {
  const program = buildProgram();
  const cmd = program.commands.find((c) => c.name() === name);
  if (!cmd) throw new Error(`modelshelf has no ${name} command`);
  return new Set(cmd.options.map((o) => o.long!).filter(Boolean));
}
const flags = (args: string[]) => args.join(' ').match(/--[a-z][a-z-]*/g) ?? [];

let base: Obj[];
beforeAll(() => {
  base = objects(join(K8S, 'base'));
});

describe('deploy/k8s', () => {
  it('every YAML file parses into documents with apiVersion, kind and a name', () => {
    const files = yamlFiles(K8S);
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      for (const doc of load(f)) {
        expect(doc.apiVersion, relative(ROOT, f)).toMatch(/^[a-z0-9.]+(\/v[0-9a-z]+)?$|^v1$/);
        expect(doc.kind, relative(ROOT, f)).toMatch(/^[A-Z][A-Za-z]+$/);
        if (doc.kind !== 'Kustomization') expect(doc.metadata?.name, relative(ROOT, f)).toBeTruthy();
      }
    }
  });

  it('kustomizations list resources that exist, and the base holds the expected objects', () => {
    for (const dir of [join(K8S, 'base'), join(K8S, 'overlays/shared-volume')]) {
      const k = load(join(dir, 'kustomization.yaml'))[0]!;
      expect(k.kind).toBe('Kustomization');
      for (const r of k.resources)
        expect(existsSync(join(dir, r)), `${relative(ROOT, dir)} → ${r}`).toBe(true);
    }
    const kinds = base.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(kinds).toEqual(
      [
        'ConfigMap/kepler-cfm',
        'ConfigMap/modelshelf-config',
        'CronJob/modelshelf-trainer',
        'Job/modelshelf-trainer-sharded',
        'DaemonSet/kepler-exporter',
        'Namespace/kepler',
        'Secret/modelshelf-s3-estimator',
        'Secret/modelshelf-s3-trainer',
        'ServiceAccount/kepler-exporter',
        'ServiceAccount/modelshelf-trainer',
      ].sort(),
    );
  });

  it('uses the images the kustomization maps, built from the Dockerfile targets', () => {
    const k = load(join(K8S, 'base/kustomization.yaml'))[0]!;
    const mapped = new Set(k.images.map((i: Obj) => i.name));
    const dockerfile = readFileSync(join(ROOT, 'deploy/docker/Dockerfile'), 'utf8');
    const stages = new Set([...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]!));
    const trainer = container(podOf(find(base, 'CronJob', 'modelshelf-trainer')), 'trainer');
    const estimator = container(podOf(find(base, 'DaemonSet', 'kepler-exporter')), 'estimator');
    for (const [c, target] of [
      [trainer, 'trainer'],
      [estimator, 'estimator'],
    ] as const) {
      expect(mapped).toContain(c.image);
      expect(c.image).toBe(`modelshelf-${target}`);
      expect(stages).toContain(target);
    }
  });

  it('passes only options the trainer and estimator commands accept, and wires config and the right secret', async () => {
    const cron = find(base, 'CronJob', 'modelshelf-trainer');
    const trainer = container(podOf(cron), 'trainer');
    const script = trainer.args.join(' ');
    expect(script).toMatch(/modelshelf init && exec modelshelf train /);
    const trainOptions = await optionsOf('train');
    for (const f of flags(trainer.args)) expect(trainOptions, `train ${f}`).toContain(f);
    expect(script).toContain('"$PROMETHEUS_URL"');
    const estimator = container(podOf(find(base, 'DaemonSet', 'kepler-exporter')), 'estimator');
    const estimatorOptions = await optionsOf('estimator');
    for (const f of flags(estimator.args)) expect(estimatorOptions, `estimator ${f}`).toContain(f);
    const config = find(base, 'ConfigMap', 'modelshelf-config').data;
    expect(config.MODELSHELF_STORE).toMatch(/^s3:\/\/[^/]+\/.+/);
    expect(config.PROMETHEUS_URL).toMatch(/^https?:\/\//);
    for (const [c, secret] of [
      [trainer, 'modelshelf-s3-trainer'],
      [estimator, 'modelshelf-s3-estimator'],
    ] as const) {
      expect(c.envFrom).toEqual([
        { configMapRef: { name: 'modelshelf-config' } },
        { secretRef: { name: secret } },
      ]);
      const s = find(base, 'Secret', secret);
      expect(Object.keys(s.stringData).sort()).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
      for (const v of Object.values(s.stringData)) expect(v).toMatch(/^REPLACE_WITH_/);
    }
  });

  it('runs a sharded training as a suspended Indexed Job: pod I trains --shard I/N under one run id', async () => {
    const job = find(base, 'Job', 'modelshelf-trainer-sharded');
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', suspend: true });
    const trainer = container(podOf(job), 'trainer');
    const env = Object.fromEntries(trainer.env.map((e: Obj) => [e.name, e]));
    const shards = Number(env.SHARDS.value);
    expect(job.spec.completions).toBe(shards);
    expect(job.spec.parallelism).toBe(shards);
    expect(env.RUN_ID.valueFrom.fieldRef.fieldPath).toBe("metadata.labels['controller-uid']");
    const script = trainer.args.join(' ');
    expect(script).toMatch(/modelshelf init && exec modelshelf train /);
    expect(script).toContain('--shard "$JOB_COMPLETION_INDEX/$SHARDS" --run-id "$RUN_ID"');
    const trainOptions = await optionsOf('train');
    for (const f of flags(trainer.args)) expect(trainOptions, `train ${f}`).toContain(f);
    expect(trainer.envFrom).toEqual(
      container(podOf(find(base, 'CronJob', 'modelshelf-trainer')), 'trainer').envFrom,
    );
  });

  it("shares the estimator's socket with Kepler at the path Kepler dials", () => {
    const pod = podOf(find(base, 'DaemonSet', 'kepler-exporter'));
    const estimator = container(pod, 'estimator');
    const kepler = container(pod, 'kepler-exporter');
    const dockerfile = readFileSync(join(ROOT, 'deploy/docker/Dockerfile'), 'utf8');
    const socket = /"--socket", "([^"]+)"/.exec(dockerfile)![1]!;
    const socketMount = estimator.volumeMounts.find((m: Obj) => m.mountPath === dirname(socket));
    expect(socketMount, `estimator mounts ${dirname(socket)}`).toBeDefined();
    // Kepler's client dials /tmp/estimator.sock: the same volume must be its /tmp.
    const keplerMount = kepler.volumeMounts.find((m: Obj) => m.name === socketMount.name);
    expect(`${keplerMount.mountPath}/${socket.split('/').pop()}`).toBe('/tmp/estimator.sock');
    expect(pod.volumes.find((v: Obj) => v.name === socketMount.name).emptyDir).toBeDefined();
    const port = estimator.ports[0].containerPort;
    expect(estimator.args[estimator.args.indexOf('--metrics-port') + 1]).toBe(String(port));
    expect(estimator.readinessProbe.httpGet.path).toBe('/readyz');
    expect(estimator.livenessProbe.httpGet.path).toBe('/healthz');
    const cfm = find(base, 'ConfigMap', 'kepler-cfm').data.MODEL_CONFIG;
    expect(cfm).toMatch(/NODE_COMPONENTS_ESTIMATOR=true/);
  });

  it('runs every modelshelf container as non-root, without privilege escalation, on a read-only root', () => {
    const pods = [
      [podOf(find(base, 'CronJob', 'modelshelf-trainer')), 'trainer'],
      [podOf(find(base, 'Job', 'modelshelf-trainer-sharded')), 'trainer'],
      [podOf(find(base, 'DaemonSet', 'kepler-exporter')), 'estimator'],
    ] as const;
    for (const [pod, name] of pods) {
      const c = container(pod, name);
      const sc = { ...pod.securityContext, ...c.securityContext };
      expect(sc.runAsNonRoot, name).toBe(true);
      expect(sc.runAsUser, name).toBeGreaterThan(0);
      expect(sc.allowPrivilegeEscalation, name).toBe(false);
      expect(sc.privileged ?? false, name).toBe(false);
      expect(sc.readOnlyRootFilesystem, name).toBe(true);
      expect(sc.capabilities.drop, name).toEqual(['ALL']);
      // tsx writes its compile cache under /tmp: it must be a writable volume.
      expect(
        c.volumeMounts.some((m: Obj) => m.mountPath === '/tmp'),
        `${name} /tmp`,
      ).toBe(true);
    }
    expect(find(base, 'ServiceAccount', 'modelshelf-trainer').automountServiceAccountToken).toBe(false);
  });
});

describe('deploy/s3-policies', () => {
  const policy = (name: string) =>
    JSON.parse(readFileSync(join(ROOT, 'deploy/s3-policies', name), 'utf8')) as { Statement: Obj[] };
  const actions = (p: { Statement: Obj[] }) => p.Statement.flatMap((s) => [s.Action].flat() as string[]);
  const WRITE = /^s3:(Put|Delete|Abort|Create|Restore|Replicate|Bypass)|^s3:\*$|^\*$/;

  it('gives the estimator read and list only', () => {
    const p = policy('estimator.json');
    expect(p.Statement.every((s) => s.Effect === 'Allow')).toBe(true);
    const granted = actions(p);
    expect(granted.filter((a) => WRITE.test(a))).toEqual([]);
    expect(new Set(granted)).toEqual(new Set(['s3:GetObject', 's3:ListBucket']));
  });

  it('lets the trainer create under its prefix and delete only its upload claims', () => {
    const p = policy('trainer.json');
    expect(actions(p)).toContain('s3:PutObject');
    for (const s of p.Statement) {
      for (const a of [s.Action].flat() as string[]) expect(a).not.toMatch(/\*/);
      const resources = [s.Resource].flat() as string[];
      if ([s.Action].flat().includes('s3:DeleteObject'))
        expect(resources).toEqual(['arn:aws:s3:::models/kepler/.modelshelf/claims/*']);
    }
  });

  it('scopes every policy to the bucket and prefix of the configured store', () => {
    const store = find(base, 'ConfigMap', 'modelshelf-config').data.MODELSHELF_STORE as string;
    const [, bucket, prefix] = /^s3:\/\/([^/]+)\/(.+)$/.exec(store)!;
    for (const name of ['trainer.json', 'estimator.json', 'gc.json']) {
      for (const s of policy(name).Statement) {
        for (const r of [s.Resource].flat() as string[]) {
          expect(
            [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/${prefix}/*`].some(
              (ok) => r === ok || r.startsWith(`arn:aws:s3:::${bucket}/${prefix}/`),
            ),
            `${name}: ${r}`,
          ).toBe(true);
        }
        if (s.Condition)
          // Only keys below `<prefix>/`: a bare `<prefix>` would also list `<prefix>-other/…`.
          expect(s.Condition.StringLike['s3:prefix']).toEqual([`${prefix}/*`]);
      }
    }
  });
});

describe('deploy/docker/Dockerfile', () => {
  const text = readFileSync(join(ROOT, 'deploy/docker/Dockerfile'), 'utf8');
  const stages = text.split(/^(?=FROM )/m).filter((s) => s.startsWith('FROM'));
  const stage = (name: string) => stages.find((s) => new RegExp(`^FROM \\S+ AS ${name}$`, 'm').test(s))!;

  it('builds on node:20-bookworm-slim with pnpm 12.4.2 and the frozen lockfile', () => {
    expect(text).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(stages.every((s) => /^FROM (\$\{NODE_IMAGE\}|app) AS /.test(s))).toBe(true);
    expect(text).toContain('pnpm@12.4.2');
    expect(text).toMatch(/pnpm install --frozen-lockfile --prod/);
  });

  it('ships no tests, fixtures or dev tools, and runs both targets as a non-root user', () => {
    const copies = [...text.matchAll(/^COPY (?!--from)(?:--\S+ )*(\S+)/gm)].map((m) => m[1]!);
    for (const c of copies) expect(c).not.toMatch(/test|fixtures|bench|node_modules/);
    for (const name of ['trainer', 'estimator']) {
      // The last USER before the stage's ENTRYPOINT (inherited from app when the stage sets none).
      const users = [...`${stage('app')}${stage(name)}`.matchAll(/^USER (\S+)$/gm)].map((m) => m[1]!);
      expect(users.at(-1), name).toMatch(/^[1-9][0-9]*:[1-9][0-9]*$/);
    }
    expect(stage('trainer')).toMatch(/ENTRYPOINT \["modelshelf", "train"\]/);
    expect(stage('estimator')).toMatch(/ENTRYPOINT \["modelshelf", "estimator", "--socket", /);
    const ignore = readFileSync(join(ROOT, 'deploy/docker/Dockerfile.dockerignore'), 'utf8');
    // Everything is excluded from the build context except what the COPY lines need.
    expect(ignore).toMatch(/^\*\*$/m);
    const allowed = [...ignore.matchAll(/^!(\S+)$/gm)].map(
      (m) =>
        new RegExp(
          `^${m[1]!
            .split('**')
            .map((part) => part.replaceAll('*', '[^/]*'))
            .join('.*')}$`,
        ),
    );
    for (const c of copies) {
      expect(
        allowed.some((re) => re.test(c) || re.test(`${c}/x.ts`)),
        `${c} is in the build context`,
      ).toBe(true);
    }
  });
});

describe('deploy/docker/Dockerfile runs the compiled CLI', () => {
  const text = readFileSync(join(ROOT, 'deploy/docker/Dockerfile'), 'utf8');
  const stages = text.split(/^(?=FROM )/m).filter((s) => s.startsWith('FROM'));
  const stage = (name: string) => stages.find((s) => new RegExp(`^FROM \\S+ AS ${name}$`, 'm').test(s)) ?? '';
  const bin = readFileSync(join(ROOT, 'packages/cli/bin/modelshelf.js'), 'utf8');

  it('builds dist/ with a full install in a build stage', () => {
    const build = stage('build');
    expect(build).toMatch(/pnpm install --frozen-lockfile(?! --prod)/);
    expect(build).not.toMatch(/--prod/);
    expect(build).toContain('packages/cli/dist/main.mjs');
    // Built under the runtime's WORKDIR: dist imports dependencies by absolute path.
    expect(build).toMatch(/^WORKDIR \/app$/m);
    expect(stage('app')).toMatch(/^WORKDIR \/app$/m);
  });

  it('copies dist/ and production-only dependencies into the runtime stage', () => {
    const app = stage('app');
    expect(app).toMatch(/^COPY --from=build \S* ?\/app\/packages\/cli\/dist packages\/cli\/dist$/m);
    const fromDeps = [...app.matchAll(/^COPY --from=(\S+)/gm)].map((m) => m[1]);
    expect(fromDeps).toEqual(['deps', 'build']);
    expect(stage('deps')).toMatch(/pnpm install --frozen-lockfile --prod/);
    // Nothing else is taken from the build stage (its node_modules holds the dev tools).
    expect(app.match(/--from=build/g)).toHaveLength(1);
  });

  it('has an entrypoint whose binary runs dist/main.mjs when it exists', () => {
    expect(text).toMatch(/ln -s \/app\/packages\/cli\/bin\/modelshelf\.js \/usr\/local\/bin\/modelshelf/);
    expect(bin).toMatch(/new URL\('\.\.\/dist\/main\.mjs', import\.meta\.url\)/);
    expect(bin).toMatch(/if \(existsSync\(compiled\)\) \{\s*await import\(compiled\.href\)/);
    for (const name of ['trainer', 'estimator'])
      expect(stage(name), name).toMatch(/ENTRYPOINT \["modelshelf"/);
  });
});

describe('kustomize build (when kubectl is installed)', () => {
  let installed = true;
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
  } catch {
    installed = false;
  }
  const kubectl = skipUnless({
    suite: 'deploy: kustomize build checks (the structure is still checked)',
    missing: installed ? undefined : 'kubectl is not installed',
    enable: 'install kubectl (optional: CI does not need it)',
    optional: true,
  });
  const build = (dir: string) =>
    parseDocs(execFileSync('kubectl', ['kustomize', join(K8S, dir)], { encoding: 'utf8' }), dir);

  it.skipIf(!kubectl)('builds the base with the images mapped and everything in the kepler namespace', () => {
    const out = build('base');
    for (const o of out.filter((o) => o.kind !== 'Namespace')) expect(o.metadata.namespace).toBe('kepler');
    const images = out
      .flatMap((o) => (['CronJob', 'DaemonSet'].includes(o.kind) ? podOf(o).containers : []))
      .map((c: Obj) => c.image);
    expect(images).toEqual(
      expect.arrayContaining([
        'ghcr.io/modelshelf/modelshelf-trainer:0.1.0',
        'ghcr.io/modelshelf/modelshelf-estimator:0.1.0',
      ]),
    );
  });

  it.skipIf(!kubectl)(
    'builds the shared-volume overlay: a RWX claim, no S3 secrets, read-only for the estimator',
    () => {
      const out = build('overlays/shared-volume');
      expect(out.filter((o) => o.kind === 'Secret')).toEqual([]);
      expect(find(out, 'PersistentVolumeClaim', 'modelshelf-registry').spec.accessModes).toEqual([
        'ReadWriteMany',
      ]);
      const config = find(out, 'ConfigMap', 'modelshelf-config').data;
      expect(config).toMatchObject({ MODELSHELF_STORE: '/registry' });
      expect(config.AWS_ENDPOINT_URL).toBeUndefined();
      const trainer = container(podOf(find(out, 'CronJob', 'modelshelf-trainer')), 'trainer');
      const sharded = container(podOf(find(out, 'Job', 'modelshelf-trainer-sharded')), 'trainer');
      const estimator = container(podOf(find(out, 'DaemonSet', 'kepler-exporter')), 'estimator');
      for (const c of [trainer, sharded, estimator])
        expect(c.envFrom).toEqual([{ configMapRef: { name: 'modelshelf-config' } }]);
      for (const c of [trainer, sharded])
        expect(c.volumeMounts).toContainEqual({ name: 'registry', mountPath: '/registry' });
      expect(estimator.volumeMounts).toContainEqual({
        name: 'registry',
        mountPath: '/registry',
        readOnly: true,
      });
    },
  );
});
