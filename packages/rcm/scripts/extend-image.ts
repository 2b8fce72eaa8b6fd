/**
 * An image built by @spinkube/image-builder with one more layer on top and a changed run config (the node
 * installer's image: `executableImage` plus nsenter, run as root). The image's own config (user, entrypoint,
 * env, ports, labels; layer diff ids and history) is read back and built again with `buildImage`, so the
 * result is what `buildImage` would have made from all the layers at once.
 */
import { buildImage, type BuiltImage, type ImageLayer, type RunConfig } from '@spinkube/image-builder';

interface ConfigJson {
  readonly created: string;
  readonly config: {
    readonly User?: string;
    readonly Env?: readonly string[];
    readonly Entrypoint?: readonly string[];
    readonly Cmd?: readonly string[];
    readonly WorkingDir?: string;
    readonly ExposedPorts?: Readonly<Record<string, unknown>>;
    readonly StopSignal?: string;
    readonly Labels?: Readonly<Record<string, string>>;
  };
  readonly rootfs: { readonly diff_ids: readonly string[] };
  readonly history: readonly { readonly created_by: string }[];
}

export function extendImage(image: BuiltImage, layer: ImageLayer, run: Partial<RunConfig>): BuiltImage {
  const config = JSON.parse(Buffer.from(image.config.bytes).toString('utf8')) as ConfigJson;
  const manifest = JSON.parse(Buffer.from(image.manifest.bytes).toString('utf8')) as {
    annotations?: Record<string, string>;
  };
  const layers: ImageLayer[] = image.layers.map((blob, index) => ({
    blob,
    diffId: config.rootfs.diff_ids[index] ?? '',
    comment: config.history[index]?.created_by ?? '',
  }));
  const own = config.config;
  const runConfig: RunConfig = {
    ...(own.User === undefined ? {} : { user: own.User }),
    ...(own.Entrypoint ? { entrypoint: own.Entrypoint } : {}),
    ...(own.Cmd ? { cmd: own.Cmd } : {}),
    ...(own.Env ? { env: Object.fromEntries(own.Env.map((entry) => splitOnce(entry, '='))) } : {}),
    ...(own.WorkingDir === undefined ? {} : { workingDir: own.WorkingDir }),
    ...(own.ExposedPorts ? { exposedPorts: Object.keys(own.ExposedPorts) } : {}),
    ...(own.StopSignal === undefined ? {} : { stopSignal: own.StopSignal }),
    ...(own.Labels ? { labels: own.Labels } : {}),
  };
  return buildImage({
    layers: [...layers, layer],
    config: { ...runConfig, ...run },
    platform: image.platform,
    created: new Date(config.created),
    ...(manifest.annotations ? { annotations: manifest.annotations } : {}),
  });
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)];
}
