/**
 * Serving certificates from a directory holding `tls.crt` and `tls.key`, for controllers whose certificates
 * someone else manages (cert-manager writing a Secret mounted as a volume, as upstream spin-operator does at
 * `/tmp/k8s-webhook-server/serving-certs`). The files are watched and also polled, since a Secret volume is
 * updated by swapping a symlink, which file watches do not always report. A pair read halfway through an
 * update (a new certificate with the old key) is skipped until both files agree.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError, logErrorToStderr } from '../leader/api-request.js';
import {
  CertificateListeners,
  checkServingCertificate,
  sameCertificate,
  type CertificateSource,
  type ServingCertificate,
} from './serving-certificate.js';

/** Where controller-runtime, and so upstream spin-operator, reads its webhook certificate. */
export const DEFAULT_WEBHOOK_CERT_DIR = '/tmp/k8s-webhook-server/serving-certs';
/** How long a pair read mid-update gets to settle before it is read again. */
const SETTLE_MS = 100;

export interface CertificateDirectoryOptions {
  /** The directory (default `/tmp/k8s-webhook-server/serving-certs`). */
  readonly dir?: string;
  readonly certName?: string;
  readonly keyName?: string;
  /** Time between reads of the files, besides reacting to file events (default 10 s). */
  readonly pollIntervalMs?: number;
  /** Where unreadable or mismatched files are reported; one JSON line on stderr by default. */
  readonly onError?: (error: unknown) => void;
}

export class CertificateDirectory implements CertificateSource {
  readonly dir: string;
  private readonly certPath: string;
  private readonly keyPath: string;
  private readonly listeners: CertificateListeners;
  private readonly onError: (error: unknown) => void;
  private loaded: ServingCertificate | undefined;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> | undefined;
  private reloadAfter: Promise<void> | undefined;
  private lastError = '';

  constructor(private readonly options: CertificateDirectoryOptions = {}) {
    this.dir = options.dir ?? DEFAULT_WEBHOOK_CERT_DIR;
    this.certPath = join(this.dir, options.certName ?? 'tls.crt');
    this.keyPath = join(this.dir, options.keyName ?? 'tls.key');
    this.onError = options.onError ?? logErrorToStderr('webhook-cert-dir');
    this.listeners = new CertificateListeners(this.onError);
  }

  /** Reads the pair (rejecting if it is missing or mismatched), then watches for changes until `stop()`. */
  async start(): Promise<void> {
    if (this.timer) return;
    this.loaded = await this.read();
    try {
      this.watcher = watch(this.dir, () => {
        void this.reload();
      });
      this.watcher.on('error', (error) => {
        this.onError(error);
      });
    } catch (error) {
      // Polling alone still picks changes up.
      this.onError(error);
    }
    this.timer = setInterval(() => {
      void this.reload();
    }, this.options.pollIntervalMs ?? 10_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }

  current(): ServingCertificate | undefined {
    return this.loaded;
  }

  onChange(listener: (certificate: ServingCertificate) => void): () => void {
    return this.listeners.add(listener);
  }

  /**
   * Reads the files again; a new, consistent pair is passed to the listeners. The read starts after the
   * call: one already under way may have read the files before the change the caller knows of, so callers
   * arriving meanwhile share a single read that follows it.
   */
  reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAfter ??= this.reloading.then(() => {
        this.reloadAfter = undefined;
        return this.reload();
      });
      return this.reloadAfter;
    }
    this.reloading = this.readChanges().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private async readChanges(): Promise<void> {
    let next: ServingCertificate;
    try {
      next = await this.readSettled();
    } catch (error) {
      // Report each distinct problem once, not on every poll.
      const message = describeError(error);
      if (message !== this.lastError) this.onError(error);
      this.lastError = message;
      return;
    }
    this.lastError = '';
    if (sameCertificate(this.loaded, next)) return;
    this.loaded = next;
    this.listeners.notify(next);
  }

  /**
   * A read of both files can straddle the swap of a Secret volume (the old certificate, the new key), which
   * is over at once: such a pair is read again after a moment, and only a problem that stays is reported.
   */
  private async readSettled(): Promise<ServingCertificate> {
    try {
      return await this.read();
    } catch {
      await sleep(SETTLE_MS);
      return this.read();
    }
  }

  private async read(): Promise<ServingCertificate> {
    const [certPem, keyPem] = await Promise.all([
      readFile(this.certPath, 'utf8'),
      readFile(this.keyPath, 'utf8'),
    ]);
    const certificate = { certPem, keyPem };
    try {
      checkServingCertificate(certificate);
    } catch (error) {
      throw new Error(`${this.certPath}, ${this.keyPath}: ${describeError(error)}`, { cause: error });
    }
    return certificate;
  }
}
