/**
 * The locked app `spin registry push` writes for a loaded manifest, given each component's content by
 * digest: metadata, variables, one trigger entry per route, and per component its wasm and files (content
 * of at most 128 bytes inline, as Spin does, since some registries refuse tiny blobs).
 */
import type { AppManifest, ComponentSpec, HttpTrigger } from '../manifest/types.js';
import type { JsonObject } from './json-reader.js';
import {
  SERVICE_CHAINING,
  type ContentPath,
  type LockedApp,
  type LockedComponent,
  type LockedTrigger,
  type LockedVariable,
} from './locked-app.js';

/** Content up to this size is carried in the lock instead of a layer. */
export const INLINE_MAX_SIZE = 128;

export interface ComponentContent {
  readonly wasmDigest: string;
  /** Files by guest path, each with its digest; `inline` set when it goes into the lock. */
  readonly files: readonly LockedFile[];
}

export interface LockedFile {
  readonly guestPath: string;
  readonly digest: string;
  readonly inline?: Uint8Array;
}

export function lockedAppFromManifest(
  manifest: AppManifest,
  content: ReadonlyMap<string, ComponentContent>,
): LockedApp {
  const components = [...manifest.components.values()].map((spec) => {
    const componentContent = content.get(spec.id);
    if (!componentContent) throw new Error(`no content given for component "${spec.id}"`);
    return lockedComponent(spec, componentContent);
  });
  const chaining = components.some((component) => component.host_requirements !== undefined);
  const { application } = manifest;
  const metadata: JsonObject = {
    name: application.name,
    ...(application.version === undefined ? {} : { version: application.version }),
    ...(application.description === undefined ? {} : { description: application.description }),
    authors: [...application.authors],
    triggers: { http: { base: application.httpBase } },
    // Spin repeats the settings of an app's only trigger type here, for older readers.
    trigger: { type: 'http', base: application.httpBase },
  };
  return {
    spin_lock_version: chaining ? 1 : 0,
    ...(chaining ? { must_understand: ['component_host_requirements'] } : {}),
    metadata,
    ...(manifest.variables.size > 0
      ? {
          variables: Object.fromEntries(
            [...manifest.variables].map(([name, variable]): [string, LockedVariable] => [
              name,
              {
                ...(variable.default === undefined ? {} : { default: variable.default }),
                ...(variable.secret ? { secret: true } : {}),
              },
            ]),
          ),
        }
      : {}),
    triggers: manifest.httpTriggers.map(lockedTrigger),
    components,
  };
}

function lockedTrigger(trigger: HttpTrigger): LockedTrigger {
  const { executor } = trigger;
  return {
    id: trigger.id,
    trigger_type: 'http',
    trigger_config: {
      component: trigger.component,
      route: trigger.route.kind === 'path' ? trigger.route.path : { private: true },
      ...(executor.type === 'spin' ? {} : { executor: { ...executor } }),
    },
  };
}

function lockedComponent(spec: ComponentSpec, content: ComponentContent): LockedComponent {
  const files = content.files.map((file): ContentPath => ({
    ...(file.inline ? { inline: Buffer.from(file.inline).toString('base64') } : {}),
    digest: file.digest,
    // Relative to the guest's `/`, as Spin writes them.
    path: file.guestPath.replace(/^\/+/, ''),
  }));
  const chaining = spec.allowedOutboundHosts.some((host) => /\.spin\.internal(?::|\/|$)/.test(host));
  return {
    id: spec.id,
    metadata: {
      ...(spec.description === undefined ? {} : { description: spec.description }),
      allowed_outbound_hosts: [...spec.allowedOutboundHosts],
      key_value_stores: [...spec.keyValueStores],
      databases: [...spec.sqliteDatabases],
      ai_models: [...spec.aiModels],
    },
    source: { content_type: 'application/wasm', digest: content.wasmDigest },
    ...(spec.environment.size > 0 ? { env: Object.fromEntries(spec.environment) } : {}),
    ...(files.length > 0 ? { files } : {}),
    ...(spec.variables.size > 0 ? { config: Object.fromEntries(spec.variables) } : {}),
    ...(chaining ? { host_requirements: { [SERVICE_CHAINING]: 'required' } } : {}),
  };
}
