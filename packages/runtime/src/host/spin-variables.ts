/**
 * Spin variables for a component: `fermyon:spin/variables@2.0.0`, `spin:variables/variables@3.x` and
 * `wasi:config/store`. A component sees only the variables its manifest declares (`[component.x.variables]`),
 * already rendered from the application variables.
 */
import { returnErr } from './guest-err.js';

export interface ComponentVariables {
  get(name: string): string | undefined;
  all(): [string, string][];
}

const NAME = /^[a-z][a-z0-9_]*$/;

export function variablesImports(variables: ComponentVariables): Record<string, object> {
  const get = (name: string): string => {
    if (!NAME.test(name)) returnErr({ tag: 'invalid-name', val: name });
    const value = variables.get(name);
    if (value === undefined) returnErr({ tag: 'undefined', val: name });
    return value;
  };
  return {
    'fermyon:spin/variables': { get },
    'spin:variables/variables': { get },
    'wasi:config/store': {
      get: (key: string): string | undefined => variables.get(key),
      getAll: (): [string, string][] => variables.all(),
    },
  };
}
