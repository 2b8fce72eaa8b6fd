import { describe, expect, it } from 'vitest';
import {
  CORE_API_VERSION,
  Labels,
  PlatformNames,
  RUNTIME_API_VERSION,
  SPIN_LAYER_MEDIA_TYPES,
} from './constants.js';

describe('platform constants', () => {
  it('uses the upstream API versions', () => {
    expect(CORE_API_VERSION).toBe('core.spinkube.dev/v1alpha1');
    expect(RUNTIME_API_VERSION).toBe('runtime.spinkube.dev/v1alpha1');
  });

  it('builds the per-app status label the Service selects on', () => {
    expect(Labels.appStatus('simple-spinapp')).toBe('core.spinkube.dev/app.simple-spinapp.status');
    expect(Labels.appName).toBe('core.spinkube.dev/app-name');
  });

  it('ties the shim name, CRI handler and binary together', () => {
    expect(PlatformNames.runtimeHandler).toBe(PlatformNames.shim);
    expect(PlatformNames.shimBinary).toBe(`containerd-shim-${PlatformNames.shim}`);
    // containerd maps io.containerd.spin.v2 to containerd-shim-spin-v2 by its last two dot-separated parts.
    expect(`containerd-shim-${PlatformNames.runtimeType.split('.').slice(-2).join('-')}`).toBe(
      PlatformNames.shimBinary,
    );
  });

  it('accepts the five Spin layer media types, component wasm first', () => {
    expect(SPIN_LAYER_MEDIA_TYPES).toHaveLength(5);
    expect(SPIN_LAYER_MEDIA_TYPES[0]).toBe('application/vnd.wasm.content.layer.v1+wasm');
  });
});
