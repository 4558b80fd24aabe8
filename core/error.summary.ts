/** Error text without message contents: postgres errors carry parameters, which may be personal data. */
export function errorSummary(error: unknown): string {
  if (error instanceof Error) {
    const own = `${error.name}: ${error.message.split('\n')[0] ?? ''}`.slice(0, 300);
    return error.cause instanceof Error ? `${own} (cause: ${error.cause.message.split('\n')[0] ?? ''})` : own;
  }
  return String(error);
}
