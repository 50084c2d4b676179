/**
 * lodash `get` as Kibana's reason formatter uses it: a key present as written (a flat dotted key)
 * wins, else the path is split on dots and walked through nested objects.
 */
export function get(obj: unknown, path: string): unknown {
  if (typeof obj !== 'object' || obj === null) return undefined;
  if (path in obj) return (obj as Record<string, unknown>)[path];
  let cur: unknown = obj;
  for (const seg of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}
