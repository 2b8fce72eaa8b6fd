/**
 * The CustomResourceDefinitions SpinKube ships, declared once: names and scope come from the resource
 * descriptors, schemas from the TypeBox types, and printer columns and subresources from here.
 */
import type { TSchema } from 'typebox';
import {
  ShimResource,
  SpinAppExecutorResource,
  SpinAppResource,
  type ResourceDescriptor,
} from '../resources.js';
import { ShimSchema } from '../types/shim.js';
import { SpinAppExecutorSchema } from '../types/spinapp-executor.js';
import { SpinAppSchema } from '../types/spinapp.js';

export interface PrinterColumn {
  readonly name: string;
  readonly type: 'integer' | 'string' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly priority?: number;
  readonly description?: string;
}

export interface ScaleSubresource {
  readonly specReplicasPath: string;
  readonly statusReplicasPath: string;
  readonly labelSelectorPath?: string;
}

export interface CrdDefinition {
  readonly resource: ResourceDescriptor;
  readonly schema: TSchema;
  readonly printerColumns: readonly PrinterColumn[];
  readonly subresources: { readonly status?: true; readonly scale?: ScaleSubresource };
  /** Where the generated YAML is written, relative to the repository root. */
  readonly fileName: string;
}

/** Where the scale subresource of a SpinApp reads and writes: `spinapps/scale`. */
export const SpinAppScale: ScaleSubresource = {
  specReplicasPath: '.spec.replicas',
  statusReplicasPath: '.status.replicas',
  labelSelectorPath: '.status.selector',
};

export const SpinAppCrd: CrdDefinition = {
  resource: SpinAppResource,
  schema: SpinAppSchema,
  printerColumns: [
    { name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas' },
    { name: 'Desired', type: 'integer', jsonPath: '.spec.replicas' },
    { name: 'Executor', type: 'string', jsonPath: '.spec.executor' },
    { name: 'Deployment', type: 'string', jsonPath: '.status.deploymentName', priority: 1 },
    { name: 'Service', type: 'string', jsonPath: '.status.serviceName', priority: 1 },
  ],
  // Upstream has only `status` (spin-operator #24, #86). The scale subresource lets `kubectl scale` and an
  // HPA or KEDA target the SpinApp itself; it is additive and documented in docs/compatibility.md.
  subresources: { status: true, scale: SpinAppScale },
  fileName: 'core.spinkube.dev_spinapps.yaml',
};

export const SpinAppExecutorCrd: CrdDefinition = {
  resource: SpinAppExecutorResource,
  schema: SpinAppExecutorSchema,
  printerColumns: [],
  subresources: { status: true },
  fileName: 'core.spinkube.dev_spinappexecutors.yaml',
};

export const ShimCrd: CrdDefinition = {
  resource: ShimResource,
  schema: ShimSchema,
  printerColumns: [
    { name: 'RuntimeClass', type: 'string', jsonPath: '.spec.runtimeClass.name' },
    { name: 'Ready', type: 'integer', jsonPath: '.status.nodesReady' },
    { name: 'Nodes', type: 'integer', jsonPath: '.status.nodes' },
  ],
  // Upstream has no status subresource, so every status write was a full update that bumped the
  // generation and raced with spec edits. A status subresource is an additive fix.
  subresources: { status: true },
  fileName: 'runtime.spinkube.dev_shims.yaml',
};

export const ALL_CRDS: readonly CrdDefinition[] = [SpinAppCrd, SpinAppExecutorCrd, ShimCrd];
