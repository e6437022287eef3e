import parseSpdx from 'spdx-expression-parse';

/**
 * The licenses of an SPDX expression that make it unacceptable to a root refusing `refuse`, or
 * [] when it is acceptable. A choice (`A OR B`) is acceptable when either side is: the root
 * takes the component under the other license. A combination (`A AND B`) binds both, so it is
 * refused when either side is. Ids match exactly: refusing GPL-3.0-only does not refuse
 * GPL-3.0-or-later (SPDX's own id, which anyone may take under a later version), nor the other
 * way round; `ID WITH EXCEPTION` is refused when ID is, or when the whole `ID WITH EXCEPTION` is.
 */
export function refusedLicenses(expression: string, refuse: readonly string[]): string[] {
  if (refuse.length === 0) return [];
  return refusedIn(parseSpdx(expression), new Set(refuse));
}

function refusedIn(node: parseSpdx.Info, refuse: ReadonlySet<string>): string[] {
  if ('license' in node) {
    const id = node.plus ? `${node.license}+` : node.license;
    const withException = node.exception === undefined ? undefined : `${id} WITH ${node.exception}`;
    if (withException !== undefined && refuse.has(withException)) return [withException];
    return refuse.has(id) ? [id] : [];
  }
  const left = refusedIn(node.left, refuse);
  const right = refusedIn(node.right, refuse);
  if (node.conjunction === 'or') return left.length > 0 && right.length > 0 ? unique([...left, ...right]) : [];
  return unique([...left, ...right]);
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
