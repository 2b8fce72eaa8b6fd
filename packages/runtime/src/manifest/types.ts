/** A Spin application manifest after loading: version 2 semantics, every reference checked. */

export interface AppManifest {
  /** Absolute path of the manifest file. */
  readonly file: string;
  /** Directory that relative paths in the manifest are resolved against. */
  readonly dir: string;
  readonly application: ApplicationInfo;
  readonly variables: ReadonlyMap<string, VariableDeclaration>;
  readonly httpTriggers: readonly HttpTrigger[];
  readonly components: ReadonlyMap<string, ComponentSpec>;
  /** The manifest line of a field path (`component.hello.source`), for errors found after loading. */
  lineOf(field: string): number | undefined;
}

export interface ApplicationInfo {
  readonly name: string;
  readonly version?: string;
  readonly description?: string;
  readonly authors: readonly string[];
  /** `[application.trigger.http] base`, default `/`. */
  readonly httpBase: string;
}

export interface VariableDeclaration {
  readonly default?: string;
  readonly required: boolean;
  readonly secret: boolean;
}

export type HttpRoute = { readonly kind: 'path'; readonly path: string } | { readonly kind: 'private' };

export type HttpExecutor =
  { readonly type: 'spin' } | { readonly type: 'wagi'; readonly argv?: string; readonly entrypoint?: string };

export interface HttpTrigger {
  readonly id: string;
  readonly route: HttpRoute;
  /** Id of the component that handles the route (inline components get a generated id). */
  readonly component: string;
  readonly executor: HttpExecutor;
}

export type ComponentSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'url'; readonly url: string; readonly digest: string }
  | {
      readonly kind: 'registry';
      readonly registry?: string;
      readonly package: string;
      readonly version: string;
    };

/** A file or glob to mount into the component, read-only. */
export type FileMount =
  | { readonly kind: 'glob'; readonly pattern: string }
  | { readonly kind: 'placement'; readonly source: string; readonly destination: string }
  /** One file at an absolute host path (an app pulled from a registry places each cached file so). */
  | { readonly kind: 'file'; readonly source: string; readonly destination: string };

export interface ComponentSpec {
  readonly id: string;
  /**
   * Field path of the component in its manifest, for errors found later: `component.hello`, or
   * `trigger.http[0].component` for an inline component. `component.<id>` when absent.
   */
  readonly fieldPath?: string;
  readonly description?: string;
  readonly source: ComponentSource;
  readonly files: readonly FileMount[];
  readonly excludeFiles: readonly string[];
  readonly allowedOutboundHosts: readonly string[];
  readonly keyValueStores: readonly string[];
  readonly sqliteDatabases: readonly string[];
  readonly aiModels: readonly string[];
  readonly environment: ReadonlyMap<string, string>;
  /** Component variables: name → template text (`"Hello {{ name }}"`). */
  readonly variables: ReadonlyMap<string, string>;
}
