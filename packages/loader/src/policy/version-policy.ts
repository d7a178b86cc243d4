// Which version to serve: the registry's resolution (pin > latest for a plain reference, the alias,
// or the fixed version), plus the rule that a watcher never goes backwards on its own. A lower
// version is accepted only when an operator's ref says so (pin, alias, fixed version), never
// because a "latest" read looked older (a lagging replica or cache must not roll estimators back).
import { type Head, type Reference, type ResolvedVia, selectVersion } from '@modelshelf/registry';

export interface Target {
  version: number;
  via: ResolvedVia;
}

export function chooseTarget(ref: Reference, head: Head): Target {
  return selectVersion(ref, head);
}

export function shouldMove(current: { version: number; via: string } | undefined, target: Target): boolean {
  if (!current) return true;
  if (target.version === current.version) return false;
  if (target.version > current.version) return true;
  // Going down: only on an operator's word, or when leaving a pin/alias for latest (unpin).
  return target.via !== 'latest' || current.via !== 'latest';
}
