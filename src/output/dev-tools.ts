/**
 * Search requests as Kibana Dev Tools (Console) takes them: a comment, `GET <index>/_search` with the
 * request's URL parameters, then the body. The index list and `ignore_unavailable` /
 * `allow_no_indices` belong in the URL of a `_search` request, not in its body (Elasticsearch
 * rejects them there): a body built as the client call's parameters is split accordingly.
 */
import type { Json, JsonObject } from '../ecs/fields.js';

export interface SearchRequest {
  /** What the request is for, printed as a `#` comment above it. */
  title: string;
  method: 'GET';
  /** The index list, `/_search`, and the URL parameters (`?ignore_unavailable=true&allow_no_indices=true`). */
  path: string;
  body: JsonObject;
}

/** Parameters of the search client call that are URL parameters of the HTTP request. */
const URL_PARAMETERS = ['ignore_unavailable', 'allow_no_indices', 'expand_wildcards'] as const;

/** A request from client-call parameters (`index`, URL flags and the body's keys in one object). */
export function searchRequest(title: string, params: JsonObject, index: readonly string[] = []): SearchRequest {
  const body: JsonObject = {};
  const query: string[] = [];
  let target = index.join(',');
  for (const [key, value] of Object.entries(params)) {
    if (key === 'index') target = indexList(value) ?? target;
    else if ((URL_PARAMETERS as readonly string[]).includes(key)) query.push(`${key}=${String(value)}`);
    else body[key] = value;
  }
  const path = `${target === '' ? '' : `${target}/`}_search${query.length > 0 ? `?${query.join('&')}` : ''}`;
  return { title, method: 'GET', path, body };
}

function indexList(v: Json | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(',');
  return undefined;
}

/** The requests as Console text: each one a comment line, the request line and the body, blank-line separated. */
export function renderDevTools(requests: readonly SearchRequest[]): string {
  return requests
    .map((r) => {
      const comment = r.title
        .split('\n')
        .map((l) => `# ${l}`)
        .join('\n');
      return `${comment}\n${r.method} ${r.path}\n${JSON.stringify(r.body, null, 2)}\n`;
    })
    .join('\n');
}
