/**
 * The containerd messages the shim exchanges, described here for protobufjs (field names and numbers are
 * containerd's wire contract; the descriptions are ours, containerd's .proto files are not vendored).
 * Only the fields the shim reads or writes are described; protobuf skips the others when decoding.
 */
import type { INamespace } from 'protobufjs';

const ANY = '.google.protobuf.Any';
const TIMESTAMP = '.google.protobuf.Timestamp';
const MOUNT = '.containerd.types.Mount';
const STRING_MAP = { keyType: 'string', type: 'string' } as const;

/** `containerd.types`: mounts, OCI descriptors and the event envelope. */
const types: INamespace = {
  nested: {
    Mount: {
      fields: {
        type: { type: 'string', id: 1 },
        source: { type: 'string', id: 2 },
        target: { type: 'string', id: 3 },
        options: { rule: 'repeated', type: 'string', id: 4 },
      },
    },
    Descriptor: {
      fields: {
        mediaType: { type: 'string', id: 1 },
        digest: { type: 'string', id: 2 },
        size: { type: 'int64', id: 3 },
        annotations: { ...STRING_MAP, id: 5 },
      },
    },
    /** What `<shim> -info` prints (containerd 2.x asks every shim for it). */
    RuntimeVersion: { fields: { version: { type: 'string', id: 1 }, revision: { type: 'string', id: 2 } } },
    RuntimeInfo: {
      fields: {
        name: { type: 'string', id: 1 },
        version: { type: 'RuntimeVersion', id: 2 },
        /** The options containerd passed on stdin, echoed. */
        options: { type: ANY, id: 3 },
        /** OCI runtime features (runtime-spec features.md); a Spin shim runs no OCI runtime, so none. */
        features: { type: ANY, id: 4 },
        annotations: { ...STRING_MAP, id: 5 },
      },
    },
    Envelope: {
      fields: {
        timestamp: { type: TIMESTAMP, id: 1 },
        namespace: { type: 'string', id: 2 },
        topic: { type: 'string', id: 3 },
        event: { type: ANY, id: 4 },
      },
    },
  },
};

/** `containerd.v1.types`: process status and info. */
const v1Types: INamespace = {
  nested: {
    Status: { values: { UNKNOWN: 0, CREATED: 1, RUNNING: 2, STOPPED: 3, PAUSED: 4, PAUSING: 5 } },
    ProcessInfo: { fields: { pid: { type: 'uint32', id: 1 }, info: { type: ANY, id: 2 } } },
  },
};

/** The task service's messages (`containerd.task.v2`; v3 has the same messages). */
const task: INamespace = {
  nested: {
    CreateTaskRequest: {
      fields: {
        id: { type: 'string', id: 1 },
        bundle: { type: 'string', id: 2 },
        rootfs: { rule: 'repeated', type: MOUNT, id: 3 },
        terminal: { type: 'bool', id: 4 },
        stdin: { type: 'string', id: 5 },
        stdout: { type: 'string', id: 6 },
        stderr: { type: 'string', id: 7 },
        checkpoint: { type: 'string', id: 8 },
        parentCheckpoint: { type: 'string', id: 9 },
        options: { type: ANY, id: 10 },
      },
    },
    CreateTaskResponse: { fields: { pid: { type: 'uint32', id: 1 } } },
    StartRequest: { fields: { id: { type: 'string', id: 1 }, execId: { type: 'string', id: 2 } } },
    StartResponse: { fields: { pid: { type: 'uint32', id: 1 } } },
    DeleteRequest: { fields: { id: { type: 'string', id: 1 }, execId: { type: 'string', id: 2 } } },
    DeleteResponse: {
      fields: {
        pid: { type: 'uint32', id: 1 },
        exitStatus: { type: 'uint32', id: 2 },
        exitedAt: { type: TIMESTAMP, id: 3 },
      },
    },
    StateRequest: { fields: { id: { type: 'string', id: 1 }, execId: { type: 'string', id: 2 } } },
    StateResponse: {
      fields: {
        id: { type: 'string', id: 1 },
        bundle: { type: 'string', id: 2 },
        pid: { type: 'uint32', id: 3 },
        status: { type: '.containerd.v1.types.Status', id: 4 },
        stdin: { type: 'string', id: 5 },
        stdout: { type: 'string', id: 6 },
        stderr: { type: 'string', id: 7 },
        terminal: { type: 'bool', id: 8 },
        exitStatus: { type: 'uint32', id: 9 },
        exitedAt: { type: TIMESTAMP, id: 10 },
        execId: { type: 'string', id: 11 },
      },
    },
    KillRequest: {
      fields: {
        id: { type: 'string', id: 1 },
        execId: { type: 'string', id: 2 },
        signal: { type: 'uint32', id: 3 },
        all: { type: 'bool', id: 4 },
      },
    },
    WaitRequest: { fields: { id: { type: 'string', id: 1 }, execId: { type: 'string', id: 2 } } },
    WaitResponse: {
      fields: { exitStatus: { type: 'uint32', id: 1 }, exitedAt: { type: TIMESTAMP, id: 2 } },
    },
    ConnectRequest: { fields: { id: { type: 'string', id: 1 } } },
    ConnectResponse: {
      fields: {
        shimPid: { type: 'uint32', id: 1 },
        taskPid: { type: 'uint32', id: 2 },
        version: { type: 'string', id: 3 },
      },
    },
    ShutdownRequest: { fields: { id: { type: 'string', id: 1 }, now: { type: 'bool', id: 2 } } },
    StatsRequest: { fields: { id: { type: 'string', id: 1 } } },
    StatsResponse: { fields: { stats: { type: ANY, id: 1 } } },
    PidsRequest: { fields: { id: { type: 'string', id: 1 } } },
    PidsResponse: {
      fields: { processes: { rule: 'repeated', type: '.containerd.v1.types.ProcessInfo', id: 1 } },
    },
  },
};

/** `containerd.events`: the task lifecycle events the shim publishes. */
const events: INamespace = {
  nested: {
    TaskIO: {
      fields: {
        stdin: { type: 'string', id: 1 },
        stdout: { type: 'string', id: 2 },
        stderr: { type: 'string', id: 3 },
        terminal: { type: 'bool', id: 4 },
      },
    },
    TaskCreate: {
      fields: {
        containerId: { type: 'string', id: 1 },
        bundle: { type: 'string', id: 2 },
        rootfs: { rule: 'repeated', type: MOUNT, id: 3 },
        io: { type: 'TaskIO', id: 4 },
        checkpoint: { type: 'string', id: 5 },
        pid: { type: 'uint32', id: 6 },
      },
    },
    TaskStart: { fields: { containerId: { type: 'string', id: 1 }, pid: { type: 'uint32', id: 2 } } },
    TaskExit: {
      fields: {
        containerId: { type: 'string', id: 1 },
        id: { type: 'string', id: 2 },
        pid: { type: 'uint32', id: 3 },
        exitStatus: { type: 'uint32', id: 4 },
        exitedAt: { type: TIMESTAMP, id: 5 },
      },
    },
    TaskDelete: {
      fields: {
        containerId: { type: 'string', id: 1 },
        pid: { type: 'uint32', id: 2 },
        exitStatus: { type: 'uint32', id: 3 },
        exitedAt: { type: TIMESTAMP, id: 4 },
        id: { type: 'string', id: 5 },
      },
    },
  },
};

/** `containerd.services.events.ttrpc.v1`: how a shim hands events to containerd. */
const eventsTtrpc: INamespace = {
  nested: { ForwardRequest: { fields: { envelope: { type: '.containerd.types.Envelope', id: 1 } } } },
};

/** The gRPC services the shim reads an image through: containers, images, content. */
const containers: INamespace = {
  nested: {
    Container: {
      fields: {
        id: { type: 'string', id: 1 },
        labels: { ...STRING_MAP, id: 2 },
        image: { type: 'string', id: 3 },
      },
    },
    GetContainerRequest: { fields: { id: { type: 'string', id: 1 } } },
    GetContainerResponse: { fields: { container: { type: 'Container', id: 1 } } },
  },
};

const images: INamespace = {
  nested: {
    Image: {
      fields: {
        name: { type: 'string', id: 1 },
        labels: { ...STRING_MAP, id: 2 },
        target: { type: '.containerd.types.Descriptor', id: 3 },
      },
    },
    GetImageRequest: { fields: { name: { type: 'string', id: 1 } } },
    GetImageResponse: { fields: { image: { type: 'Image', id: 1 } } },
  },
};

const content: INamespace = {
  nested: {
    ReadContentRequest: {
      fields: {
        digest: { type: 'string', id: 1 },
        offset: { type: 'int64', id: 2 },
        size: { type: 'int64', id: 3 },
      },
    },
    ReadContentResponse: { fields: { offset: { type: 'int64', id: 1 }, data: { type: 'bytes', id: 2 } } },
  },
};

/** CRI's runtime options for non-runc runtimes (`runtimeoptions.v1.Options`). */
const runtimeOptions: INamespace = {
  nested: {
    Options: {
      fields: {
        typeUrl: { type: 'string', id: 1 },
        configPath: { type: 'string', id: 2 },
        configBody: { type: 'bytes', id: 3 },
      },
    },
  },
};

/** `io.containerd.cgroups.v2`: the only Stats the shim can give per task is its process count. */
const cgroupsV2: INamespace = {
  nested: {
    PidsStat: { fields: { current: { type: 'uint64', id: 1 }, limit: { type: 'uint64', id: 2 } } },
    Metrics: { fields: { pids: { type: 'PidsStat', id: 1 } } },
  },
};

/** Everything above, as one protobufjs JSON namespace tree. */
export const CONTAINERD_DESCRIPTORS: INamespace = {
  nested: {
    containerd: {
      nested: {
        types: types,
        v1: { nested: { types: v1Types } },
        task: { nested: { v2: task } },
        events: events,
        services: {
          nested: {
            events: { nested: { ttrpc: { nested: { v1: eventsTtrpc } } } },
            containers: { nested: { v1: containers } },
            images: { nested: { v1: images } },
            content: { nested: { v1: content } },
          },
        },
      },
    },
    runtimeoptions: { nested: { v1: runtimeOptions } },
    io: { nested: { containerd: { nested: { cgroups: { nested: { v2: cgroupsV2 } } } } } },
  },
};
