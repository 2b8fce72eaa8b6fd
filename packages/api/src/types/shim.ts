/**
 * Shim (`runtime.spinkube.dev/v1alpha1`, cluster-scoped): a containerd shim the runtime-class-manager
 * installs on selected nodes, with the RuntimeClass that schedules pods onto them.
 */
import { Type, type Static } from 'typebox';
import { kindSchema, stringEnum, stringMap } from '../schema/builders.js';
import { ConditionSchema } from '../schema/condition.js';

export const SHIM_PLATFORM_OS = ['linux'] as const;
export const SHIM_PLATFORM_ARCH = ['amd64', 'arm64', 'x86_64', 'aarch64'] as const;
export const SHIM_ROLLOUT_TYPES = ['rolling', 'recreate'] as const;

export const ShimPlatformSchema = Type.Object(
  {
    os: stringEnum(SHIM_PLATFORM_OS, { description: 'Node operating system.' }),
    arch: stringEnum(SHIM_PLATFORM_ARCH, { description: 'Node architecture (Go or uname spelling).' }),
    location: Type.String({ description: 'URL of a tar.gz archive holding the shim binary.' }),
    sha256: Type.Optional(Type.String({ description: 'Hex SHA-256 of the archive.' })),
  },
  { description: 'Where to fetch the shim for one platform.' },
);

export const ShimFetchStrategySchema = Type.Object(
  {
    type: Type.Optional(
      Type.String({ description: 'Deprecated and ignored (older manifests say anonymousHttp).' }),
    ),
    anonHttp: Type.Optional(
      Type.Object(
        { location: Type.String({ description: 'URL of a tar.gz archive holding the shim binary.' }) },
        { description: 'A single-platform download without authentication.' },
      ),
    ),
    platforms: Type.Optional(
      Type.Array(ShimPlatformSchema, { description: 'Per-platform downloads; preferred over anonHttp.' }),
    ),
  },
  { description: 'Where the node installer fetches the shim from.' },
);

export const ShimSpecSchema = Type.Object(
  {
    nodeSelector: Type.Optional(
      stringMap({
        description:
          'Labels of the nodes to install on; all nodes when unset. Also the RuntimeClass scheduling.',
      }),
    ),
    fetchStrategy: ShimFetchStrategySchema,
    runtimeClass: Type.Object(
      {
        name: Type.String({ description: 'Name of the RuntimeClass to create.' }),
        handler: Type.String({ description: 'CRI handler of the RuntimeClass; must equal the Shim name.' }),
      },
      { description: 'The RuntimeClass created for this shim.' },
    ),
    rolloutStrategy: Type.Object(
      {
        type: stringEnum(SHIM_ROLLOUT_TYPES, { description: 'How nodes are updated.' }),
        rolling: Type.Optional(
          Type.Object(
            { maxUpdate: Type.Integer({ description: 'Nodes updated at once.' }) },
            { description: 'Settings of the rolling strategy.' },
          ),
        ),
      },
      { description: 'How the shim is rolled out to nodes.' },
    ),
    containerdRuntimeOptions: Type.Optional(
      stringMap({
        description:
          "containerd runtime options written verbatim under the runtime's options table, e.g. SystemdCgroup.",
      }),
    ),
  },
  { description: 'The desired state of a Shim.' },
);

export const ShimStatusSchema = Type.Object(
  {
    conditions: Type.Optional(
      Type.Array(ConditionSchema, { description: "Observations of the shim's state." }),
    ),
    nodes: Type.Integer({ description: 'Nodes that match the node selector.' }),
    nodesReady: Type.Integer({ description: 'Matching nodes where the shim is installed.' }),
  },
  { description: 'The observed state of a Shim.' },
);

export const ShimSchema = kindSchema(
  ShimSpecSchema,
  ShimStatusSchema,
  'A containerd shim installed on nodes by the runtime-class-manager.',
);

export type ShimPlatform = Static<typeof ShimPlatformSchema>;
export type ShimFetchStrategy = Static<typeof ShimFetchStrategySchema>;
export type ShimSpec = Static<typeof ShimSpecSchema>;
export type ShimStatus = Static<typeof ShimStatusSchema>;
export type Shim = Static<typeof ShimSchema>;
