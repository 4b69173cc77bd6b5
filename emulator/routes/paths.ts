// URL path helpers shared by the server and `$batch`.

/** Rewrites OData key segments `collection('id')` / `collection(id)` to `collection/id`. */
export function normalizeKeySegments(pathname: string): string {
  return pathname.replace(/\/([A-Za-z$][A-Za-z0-9]*)\('?([^'()/]*)'?\)/g, "/$1/$2");
}
