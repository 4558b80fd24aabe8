import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

/**
 * Inside every feature folder, layers (issue 14): pure rules, queries in a repository, usecases that take one object
 * and return a named result, commands and dialogs that only parse and format. A second entry point (the staff
 * console) calls the same usecases and cannot skip what they tell others.
 */
const core = join(import.meta.dirname, '..', '..', 'core');
const featureFolders = readdirSync(core, { withFileTypes: true })
  .filter((d) => d.isDirectory() && readdirSync(join(core, d.name)).some((f) => f.endsWith('.feature.ts')))
  .map((d) => d.name);
const filesOf = (role: RegExp) =>
  featureFolders.flatMap((folder) =>
    readdirSync(join(core, folder))
      .filter((f) => role.test(f))
      .map((f) => [`${folder}/${f}`, readFileSync(join(core, folder, f), 'utf8')] as const),
  );

/** A parameter list with nested braces, brackets and generics folded away, so only its own commas remain. */
function topLevel(params: string): string {
  let text = params;
  for (let before = ''; before !== text;)
    [before, text] = [text, text.replace(/\{[^{}]*\}|<[^<>]*>|\([^()]*\)|\[[^[\]]*\]/g, '_')];
  return text;
}

const QUERY = /from 'drizzle-orm(?:\/[a-z-]+)?'|from '\.\.\/\.\.\/db\/schema\/index\.ts'/;

describe('every feature is layered', () => {
  test('there are features to check', () => {
    expect(featureFolders.length).toBeGreaterThanOrEqual(8);
  });

  test.each(filesOf(/\.(commands|dialog|feature)\.ts$/))('%s only parses and formats', (_file, text) => {
    expect(text).not.toMatch(QUERY);
    expect(text).not.toMatch(/\.tx\.(select|insert|update|delete|execute)\(|turn\.notify\(/);
  });

  test.each(filesOf(/\.usecases\.ts$/))('%s runs no query of its own', (_file, text) => {
    expect(text).not.toMatch(QUERY);
  });

  test.each(filesOf(/\.usecases\.ts$/))('every usecase exported by %s takes one object', (_file, text) => {
    const signatures = [...text.matchAll(/^export (?:async )?function (\w+)(?:<[^>]*>)?\(([\s\S]*?)\)(?::|\s*\{)/gm)];
    const positional = signatures
      .filter(
        ([, , params = '']) =>
          topLevel(params)
            .split(',')
            .filter((p) => p.trim()).length > 1,
      )
      .map(([, name]) => name);
    expect(positional).toEqual([]);
  });

  test.each(filesOf(/\.rules\.ts$/))('%s is pure: no database, no clock of its own', (_file, text) => {
    expect(text).not.toMatch(/drizzle|db\.client|new Date\(\)|Date\.now\(\)|deps\./);
  });
});
