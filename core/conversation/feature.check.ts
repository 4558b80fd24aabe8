import type { CommandDef, DialogDef } from './feature.types.ts';

/**
 * Declarations are checked once, when the conversation is built: a duplicate id, word or dialog name would make one
 * feature silently shadow another, so the app refuses to start instead.
 */
export function checkDeclarations(commands: readonly CommandDef[], dialogs: readonly DialogDef[]): void {
  const problems: string[] = [];
  const ids = new Set<string>();
  // A word may name two commands only where they are used in different places (see CommandMatcher).
  const words = new Map<string, CommandDef[]>();
  for (const c of commands) {
    if (ids.has(c.id)) problems.push(`command id "${c.id}" is declared twice`);
    ids.add(c.id);
    if (c.ko.length === 0) problems.push(`command "${c.id}" has no Korean word`);
    if (c.where.length === 0) problems.push(`command "${c.id}" is used nowhere`);
    if (c.opensDialog && !dialogs.some((d) => d.name === c.opensDialog))
      problems.push(`command "${c.id}" opens an undeclared dialog "${c.opensDialog}"`);
    for (const word of [...c.ko, ...c.en]) {
      const key = word.replace(/\s+/g, '').toLowerCase();
      const others = words.get(key) ?? [];
      for (const other of others)
        if (other.id !== c.id && other.where.some((w) => c.where.includes(w)))
          problems.push(`"${word}" is a word of both "${other.id}" and "${c.id}" in one place`);
      words.set(key, [...others, c]);
    }
  }
  const names = new Set<string>();
  for (const d of dialogs) {
    if (names.has(d.name)) problems.push(`dialog "${d.name}" is declared twice`);
    names.add(d.name);
  }
  if (problems.length) throw new Error(`feature declarations: ${problems.join('; ')}`);
}
