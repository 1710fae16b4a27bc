// A `history` Bundle from stored versions: each entry's resource is the stored JSON text spliced in
// as-is (never re-serialized); deletions are entries with request DELETE and no resource.
export interface HistoryVersion {
  resourceType: string;
  id: string;
  versionId: number;
  lastUpdated: Date;
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  json: string | null;
}

export interface HistoryLinks {
  self: string;
  next?: string;
}

const statusByMethod = {
  POST: '201 Created',
  PUT: '200 OK',
  PATCH: '200 OK',
  DELETE: '204 No Content',
} as const;

function entryJson(baseUrl: string, version: HistoryVersion): string {
  const url = version.method === 'POST' ? version.resourceType : `${version.resourceType}/${version.id}`;
  // An update that created the resource (update-as-create) answered 201, like a POST.
  const status =
    version.method === 'PUT' && version.versionId === 1 ? '201 Created' : statusByMethod[version.method];
  const fullUrl = JSON.stringify(`${baseUrl}/${version.resourceType}/${version.id}`);
  const request = JSON.stringify({ method: version.method, url });
  const response = JSON.stringify({
    status,
    etag: `W/"${version.versionId}"`,
    lastModified: version.lastUpdated.toISOString(),
  });
  const resource = version.json === null ? '' : `"resource":${version.json},`;
  return `{"fullUrl":${fullUrl},${resource}"request":${request},"response":${response}}`;
}

/** The Bundle as JSON text; `versions` newest first. */
export function historyBundleJson(
  baseUrl: string,
  versions: readonly HistoryVersion[],
  links: HistoryLinks,
): string {
  const link = [
    { relation: 'self', url: links.self },
    ...(links.next ? [{ relation: 'next', url: links.next }] : []),
  ];
  const entries = versions.map((version) => entryJson(baseUrl, version)).join(',');
  return `{"resourceType":"Bundle","type":"history","link":${JSON.stringify(link)},"entry":[${entries}]}`;
}
