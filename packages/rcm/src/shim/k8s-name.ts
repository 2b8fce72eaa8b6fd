/** A name cut to Kubernetes' 63 characters, without the non-alphanumeric tail the cut may leave (upstream's trimK8sName). */
export function trimK8sName(name: string): string {
  return name.slice(0, 63).replace(/[^a-zA-Z0-9]+$/, '');
}
