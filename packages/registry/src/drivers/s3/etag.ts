// ETags as the driver hands them out are the bare hex token (no quotes, no W/ prefix), so that
// equal content yields equal strings whatever quoting the server used on the wire.
//
// Compare-and-swap and the Ceph RGW 16 quirk (measured against RGW 16.2, see docs in s3.ts):
//   RGW answers 412 to `If-Match: "<etag>"` (the standard quoted form) even when the etag matches,
//   but honours `If-Match: <etag>` unquoted: it succeeds on a match and answers 412 on a mismatch
//   or an absent key. AWS S3 and MinIO accept the quoted form.
// The driver therefore tracks an If-Match dialect per client, starting with the standard one.
// On a 412 in the quoted dialect it reads the object's current etag (HEAD). Only if that equals
// the expected etag (so the server refused a tag that matches) does it switch to the unquoted
// dialect and retry, again conditionally. A genuine conflict (another etag, or no object) is
// reported as PreconditionFailedError without any retry. The retry never weakens the condition,
// so it cannot turn a conflict into a lost update: each attempt is an atomic conditional write,
// and a failed one changes nothing.

export type IfMatchDialect = 'quoted' | 'unquoted';

export function bareEtag(etag: string | undefined): string | undefined {
  if (etag === undefined) return undefined;
  return etag.replace(/^W\//, '').replace(/^"+|"+$/g, '');
}

export const quotedEtag = (etag: string) => `"${bareEtag(etag)}"`;

export const ifMatchValue = (etag: string, dialect: IfMatchDialect) =>
  dialect === 'quoted' ? quotedEtag(etag) : bareEtag(etag)!;
