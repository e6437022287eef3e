/** The errno code of a Node system error (ENOENT, EXDEV…), or undefined for anything else. */
export function errnoOf(err: unknown): string | undefined {
  if (err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string') {
    return (err as NodeJS.ErrnoException).code;
  }
  return undefined;
}
