/**
 * Resolves application variables, then each component's variables from their templates, as Spin does:
 * providers in runtime-config order (env: `<prefix><NAME>` with the name upper-cased, also read from a
 * dotenv file), then the manifest default. A required variable with no value stops the app at start, with
 * every missing name in one message.
 */
import { readFileSync } from 'node:fs';
import { RuntimeError } from '../errors.js';
import { parseTemplate, renderTemplate } from '../manifest/template.js';
import type { AppManifest } from '../manifest/types.js';
import type { EnvVariablesProvider } from './runtime-config.js';

export interface ResolvedVariables {
  /** A component's variable (`spin:variables` get), or undefined if the component does not declare it. */
  get(componentId: string, name: string): string | undefined;
  /** Every variable a component declares, with its value. */
  all(componentId: string): [string, string][];
  /** Names of the variables declared secret, so logs can leave their values out. */
  readonly secrets: ReadonlySet<string>;
  /** Application variables that have a value (for templates outside `[component.x.variables]`). */
  readonly application: ReadonlyMap<string, string>;
}

export function resolveVariables(
  manifest: AppManifest,
  providers: readonly EnvVariablesProvider[],
  env: NodeJS.ProcessEnv = process.env,
): ResolvedVariables {
  const sources = providers.map((provider) => providerLookup(provider, env));
  const values = new Map<string, string>();
  const missing: string[] = [];
  for (const [name, declaration] of manifest.variables) {
    const fromProvider = sources.map((lookup) => lookup(name)).find((value) => value !== undefined);
    const value = fromProvider ?? declaration.default;
    if (value !== undefined) values.set(name, value);
    else if (declaration.required) missing.push(name);
  }
  if (missing.length > 0) {
    const hints = missing.map(
      (name) => `${name} (e.g. ${providers[0]?.prefix ?? 'SPIN_VARIABLE_'}${name.toUpperCase()})`,
    );
    throw new RuntimeError('VariableMissing', `required variables have no value: ${hints.join(', ')}`, {
      file: manifest.file,
      field: 'variables',
    });
  }

  const components = new Map<string, Map<string, string>>();
  for (const [id, component] of manifest.components) {
    const rendered = new Map<string, string>();
    for (const [name, template] of component.variables) {
      const parts = parseTemplate(template, (message) => {
        throw new RuntimeError('ManifestInvalid', message, {
          file: manifest.file,
          field: `component.${id}.variables.${name}`,
        });
      });
      rendered.set(
        name,
        renderTemplate(parts, (reference) => values.get(reference) ?? ''),
      );
    }
    components.set(id, rendered);
  }
  const secrets = new Set([...manifest.variables].filter(([, d]) => d.secret).map(([name]) => name));
  return {
    get: (componentId, name) => components.get(componentId)?.get(name),
    all: (componentId) => [...(components.get(componentId) ?? [])],
    secrets,
    application: values,
  };
}

function providerLookup(
  provider: EnvVariablesProvider,
  env: NodeJS.ProcessEnv,
): (name: string) => string | undefined {
  const dotenv = provider.dotenvPath ? readDotenv(provider.dotenvPath) : new Map<string, string>();
  return (name) => {
    const key = `${provider.prefix}${name.toUpperCase()}`;
    return env[key] ?? dotenv.get(key);
  };
}

/** `KEY=value` lines; `#` comments and blank lines skipped; surrounding quotes removed. */
function readDotenv(path: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RuntimeError(
      'RuntimeConfigInvalid',
      `cannot read dotenv file ${path}`,
      { file: path },
      { cause: error },
    );
  }
  const values = new Map<string, string>();
  text.split('\n').forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(trimmed);
    if (!match)
      throw new RuntimeError('RuntimeConfigInvalid', `expected KEY=value`, { file: path, line: index + 1 });
    values.set(match[1] ?? '', (match[2] ?? '').replace(/^(['"])(.*)\1$/, '$2'));
  });
  return values;
}
