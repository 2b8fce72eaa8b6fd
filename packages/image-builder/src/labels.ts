/** The `org.opencontainers.image.*` labels and annotations (image-spec annotations.md) by their short names. */
export interface ImageDescription {
  readonly title?: string;
  readonly description?: string;
  readonly version?: string;
  /** Source control revision (a commit). */
  readonly revision?: string;
  /** URL of the source. */
  readonly source?: string;
  readonly url?: string;
  readonly vendor?: string;
  /** SPDX expression. */
  readonly licenses?: string;
  /** RFC 3339 date-time. */
  readonly created?: string;
}

export function openContainersLabels(description: ImageDescription): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(description)) {
    if (typeof value === 'string' && value !== '') labels[`org.opencontainers.image.${key}`] = value;
  }
  return labels;
}
