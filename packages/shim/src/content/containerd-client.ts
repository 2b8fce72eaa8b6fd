/**
 * The three containerd gRPC calls the shim needs to find a task's image content: the container's image
 * name, the image's target descriptor, and blobs from the content store. One channel per containerd,
 * opened on first use; every call names its containerd namespace.
 */
import { Client, Metadata, credentials, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { Messages, type Codec, type Descriptor } from '../proto/shim-messages.js';

const CALL_TIMEOUT_MS = 30_000;

export class ContainerdClient {
  private client: Client | undefined;

  constructor(private readonly address: string) {}

  /** The image a container was created from, or undefined if it has none (e.g. `ctr run --rootfs`). */
  async containerImage(namespace: string, id: string): Promise<string | undefined> {
    const response = await this.unary(
      namespace,
      '/containerd.services.containers.v1.Containers/Get',
      Messages.GetContainerRequest,
      Messages.GetContainerResponse,
      { id },
    );
    const image = response.container?.image;
    return image === undefined || image === '' ? undefined : image;
  }

  async imageTarget(namespace: string, name: string): Promise<Descriptor> {
    const response = await this.unary(
      namespace,
      '/containerd.services.images.v1.Images/Get',
      Messages.GetImageRequest,
      Messages.GetImageResponse,
      { name },
    );
    const target = response.image?.target;
    if (!target) throw new Error(`image ${name} has no target descriptor`);
    return target;
  }

  /** A whole blob from the content store. */
  readBlob(namespace: string, digest: string): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const chunks: Uint8Array[] = [];
      const call = this.channel().makeServerStreamRequest(
        '/containerd.services.content.v1.Content/Read',
        (request: { digest: string }) => Buffer.from(Messages.ReadContentRequest.encode(request)),
        (bytes: Buffer) => Messages.ReadContentResponse.decode(bytes),
        { digest },
        metadataFor(namespace),
        { deadline: Date.now() + CALL_TIMEOUT_MS },
      );
      call.on('data', (chunk: { data: Uint8Array }) => chunks.push(chunk.data));
      call.on('error', (error: ServiceError) => {
        reject(describe(error, `reading ${digest} from the content store`));
      });
      call.on('end', () => {
        resolve(Buffer.concat(chunks));
      });
    });
  }

  /** Opens the channel now, so the first call of the first app does not pay for connecting. */
  connect(): void {
    this.channel().waitForReady(Date.now() + CALL_TIMEOUT_MS, () => undefined);
  }

  close(): void {
    this.client?.close();
    this.client = undefined;
  }

  private channel(): Client {
    this.client ??= new Client(`unix://${this.address}`, credentials.createInsecure(), {
      'grpc.max_receive_message_length': 64 << 20,
    });
    return this.client;
  }

  private unary<Req extends object, Res extends object>(
    namespace: string,
    path: string,
    request: Codec<Req>,
    response: Codec<Res>,
    message: Partial<Req>,
  ): Promise<Res> {
    return new Promise((resolve, reject) => {
      this.channel().makeUnaryRequest(
        path,
        (value: Partial<Req>) => Buffer.from(request.encode(value)),
        (bytes: Buffer) => response.decode(bytes),
        message,
        metadataFor(namespace),
        { deadline: Date.now() + CALL_TIMEOUT_MS },
        (error, value) => {
          if (error) reject(describe(error, path));
          else if (value === undefined) reject(new Error(`${path} returned nothing`));
          else resolve(value);
        },
      );
    });
  }
}

/** A gRPC error with containerd's message; `notFound` tells a missing object from a failure. */
export class ContainerdError extends Error {
  constructor(
    message: string,
    readonly notFound: boolean,
  ) {
    super(message);
    this.name = 'ContainerdError';
  }
}

function describe(error: ServiceError, what: string): ContainerdError {
  return new ContainerdError(
    `${what}: ${error.details || error.message}`,
    error.code === GrpcStatus.NOT_FOUND,
  );
}

function metadataFor(namespace: string): Metadata {
  const metadata = new Metadata();
  metadata.set('containerd-namespace', namespace);
  return metadata;
}
