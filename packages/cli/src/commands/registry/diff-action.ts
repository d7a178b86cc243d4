// The action of `modelshelf diff` (descriptor: diff.ts), loaded only when the command runs.
import type { Command } from 'commander';
import { formatSize, outputFor, shortDigest, withStore } from '../../kit/index.ts';
import { diffFiles, diffMetadata, type MetadataChange } from './diff-versions.ts';

const value = (v: unknown) => (v === undefined ? '-' : typeof v === 'string' ? v : JSON.stringify(v));

function describeMetadata(c: MetadataChange): string {
  if (c.change === 'added') return `+ ${c.key}: ${value(c.to)}`;
  if (c.change === 'removed') return `- ${c.key}: ${value(c.from)}`;
  const delta =
    c.delta !== undefined ? ` (${c.delta > 0 ? '+' : ''}${c.delta}${c.verdict ? `, ${c.verdict}` : ''})` : '';
  return `~ ${c.key}: ${value(c.from)} → ${value(c.to)}${delta}`;
}

export async function diffAction(fromRef: string, toRef: string, _opts: object, cmd: Command): Promise<void> {
  const out = outputFor(cmd);
  const [a, b] = await withStore(cmd, (s) => Promise.all([s.resolve(fromRef), s.resolve(toRef)]));
  const metadata = diffMetadata(a.manifest.metadata, b.manifest.metadata);
  const files = diffFiles(a.manifest.files, b.manifest.files);
  const side = (r: typeof a) => ({ model: r.model, version: r.version, digest: r.digest });
  if (out.json)
    return out.printJson({
      from: side(a),
      to: side(b),
      metadata,
      files: files.changes,
      unchangedFiles: files.unchanged,
    });
  const c = out.color;
  out.line(`${c.paint('bold', `${a.model}@${a.version}`)} → ${c.paint('bold', `${b.model}@${b.version}`)}`);
  if (a.digest === b.digest) return out.line('identical (same manifest digest)');
  out.line('');
  out.line('metadata:');
  if (metadata.length === 0) out.line('  (no changes)');
  for (const m of metadata) {
    const line = `  ${describeMetadata(m)}`;
    out.line(
      m.verdict === 'improved' ? c.paint('green', line) : m.verdict === 'worse' ? c.paint('red', line) : line,
    );
  }
  out.line('');
  out.line(`files: (${files.unchanged} unchanged)`);
  for (const f of files.changes) {
    const detail =
      f.change === 'changed'
        ? `${formatSize(f.from!.size)} ${shortDigest(f.from!.sha256)} → ${formatSize(f.to!.size)} ${shortDigest(f.to!.sha256)}`
        : formatSize((f.to ?? f.from)!.size);
    out.line(`  ${{ added: '+', removed: '-', changed: '~' }[f.change]} ${f.path}  ${detail}`);
  }
}
