/**
 * Typed encoders and decoders for the containerd messages in containerd-types.ts. Decoded messages are
 * plain objects with every field present (protobuf defaults filled in), 64-bit integers as numbers.
 */
import { CONTAINERD_DESCRIPTORS } from './containerd-types.js';
import { MessageCodec, protoRoot, type AnyMessage, type TimestampMessage } from './google.js';

type Timestamp = TimestampMessage;
type Any = AnyMessage;
export interface Mount {
  readonly type: string;
  readonly source: string;
  readonly target: string;
  readonly options: readonly string[];
}
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface Codec<T extends object> {
  encode(message: Partial<T>): Uint8Array;
  decode(bytes: Uint8Array): T;
  readonly fullName: string;
}

/** The decoded message type of a codec. */
export type MessageOf<C> = C extends Codec<infer T> ? T : never;

protoRoot.addJSON(CONTAINERD_DESCRIPTORS.nested ?? {});

/** Messages are encoded from partial objects: fields left out are protobuf defaults. */
function codec<T extends object>(fullName: string): Codec<T> {
  const inner = new MessageCodec<T>(fullName);
  return {
    fullName,
    encode: (message) => inner.encode(message as T),
    decode: (bytes) => inner.decode(bytes),
  };
}

/** An `Any` holding `message`, with containerd's convention of the bare full name as the type URL. */
export function packAny<T extends object>(messageCodec: Codec<T>, message: Partial<T>): Any {
  return { typeUrl: messageCodec.fullName, value: messageCodec.encode(message) };
}

const TASK = 'containerd.task.v2';
const EVENTS = 'containerd.events';

export enum TaskStatus {
  Unknown = 0,
  Created = 1,
  Running = 2,
  Stopped = 3,
}

export const Messages = {
  CreateTaskRequest: codec<{
    id: string;
    bundle: string;
    rootfs: Mount[];
    terminal: boolean;
    stdin: string;
    stdout: string;
    stderr: string;
    checkpoint: string;
    parentCheckpoint: string;
    options: Any | null;
  }>(`${TASK}.CreateTaskRequest`),
  CreateTaskResponse: codec<{ pid: number }>(`${TASK}.CreateTaskResponse`),
  StartRequest: codec<{ id: string; execId: string }>(`${TASK}.StartRequest`),
  StartResponse: codec<{ pid: number }>(`${TASK}.StartResponse`),
  DeleteRequest: codec<{ id: string; execId: string }>(`${TASK}.DeleteRequest`),
  DeleteResponse: codec<{ pid: number; exitStatus: number; exitedAt: Timestamp | null }>(
    `${TASK}.DeleteResponse`,
  ),
  StateRequest: codec<{ id: string; execId: string }>(`${TASK}.StateRequest`),
  StateResponse: codec<{
    id: string;
    bundle: string;
    pid: number;
    status: TaskStatus;
    stdin: string;
    stdout: string;
    stderr: string;
    terminal: boolean;
    exitStatus: number;
    exitedAt: Timestamp | null;
    execId: string;
  }>(`${TASK}.StateResponse`),
  KillRequest: codec<{ id: string; execId: string; signal: number; all: boolean }>(`${TASK}.KillRequest`),
  WaitRequest: codec<{ id: string; execId: string }>(`${TASK}.WaitRequest`),
  WaitResponse: codec<{ exitStatus: number; exitedAt: Timestamp | null }>(`${TASK}.WaitResponse`),
  ConnectRequest: codec<{ id: string }>(`${TASK}.ConnectRequest`),
  ConnectResponse: codec<{ shimPid: number; taskPid: number; version: string }>(`${TASK}.ConnectResponse`),
  ShutdownRequest: codec<{ id: string; now: boolean }>(`${TASK}.ShutdownRequest`),
  StatsRequest: codec<{ id: string }>(`${TASK}.StatsRequest`),
  StatsResponse: codec<{ stats: Any | null }>(`${TASK}.StatsResponse`),
  PidsRequest: codec<{ id: string }>(`${TASK}.PidsRequest`),
  PidsResponse: codec<{ processes: { pid: number; info?: Any | null }[] }>(`${TASK}.PidsResponse`),
  Empty: codec<Record<string, never>>('google.protobuf.Empty'),

  TaskCreate: codec<{
    containerId: string;
    bundle: string;
    rootfs: Mount[];
    io: { stdin: string; stdout: string; stderr: string; terminal: boolean } | null;
    checkpoint: string;
    pid: number;
  }>(`${EVENTS}.TaskCreate`),
  TaskStart: codec<{ containerId: string; pid: number }>(`${EVENTS}.TaskStart`),
  TaskExit: codec<{
    containerId: string;
    id: string;
    pid: number;
    exitStatus: number;
    exitedAt: Timestamp | null;
  }>(`${EVENTS}.TaskExit`),
  TaskDelete: codec<{
    containerId: string;
    pid: number;
    exitStatus: number;
    exitedAt: Timestamp | null;
    id: string;
  }>(`${EVENTS}.TaskDelete`),
  ForwardRequest: codec<{
    envelope: { timestamp: Timestamp | null; namespace: string; topic: string; event: Any | null } | null;
  }>('containerd.services.events.ttrpc.v1.ForwardRequest'),

  GetContainerRequest: codec<{ id: string }>('containerd.services.containers.v1.GetContainerRequest'),
  GetContainerResponse: codec<{
    container: { id: string; labels: Record<string, string>; image: string } | null;
  }>('containerd.services.containers.v1.GetContainerResponse'),
  GetImageRequest: codec<{ name: string }>('containerd.services.images.v1.GetImageRequest'),
  GetImageResponse: codec<{
    image: { name: string; labels: Record<string, string>; target: Descriptor | null } | null;
  }>('containerd.services.images.v1.GetImageResponse'),
  ReadContentRequest: codec<{ digest: string; offset: number; size: number }>(
    'containerd.services.content.v1.ReadContentRequest',
  ),
  ReadContentResponse: codec<{ offset: number; data: Uint8Array }>(
    'containerd.services.content.v1.ReadContentResponse',
  ),
  CgroupsV2Metrics: codec<{ pids: { current: number; limit: number } | null }>(
    'io.containerd.cgroups.v2.Metrics',
  ),
  RuntimeInfo: codec<{
    name: string;
    version: { version: string; revision: string } | null;
    options: Any | null;
    features: Any | null;
    annotations: Record<string, string>;
  }>('containerd.types.RuntimeInfo'),
  RuntimeOptions: codec<{ typeUrl: string; configPath: string; configBody: Uint8Array }>(
    'runtimeoptions.v1.Options',
  ),
} as const;
