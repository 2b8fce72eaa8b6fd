/**
 * The node's CNI network (Debian's containernetworking-plugins): a `cni0` bridge in the node's namespace
 * with the node as gateway, addresses from the node's pod CIDR (host-local, state in the cluster's own
 * directory), masquerade for traffic leaving the pod network (pods reach the API server on the host bridge
 * as the node), hairpin so a pod reaches itself through a Service, and portmap for hostPorts.
 */
export interface CniNetwork {
  readonly podCidr: string;
  /** host-local's state (which address went to which pod). */
  readonly ipamDir: string;
}

export const CNI_CONFIG_FILE = '10-spinkube.conflist';

export function renderCniConfig(network: CniNetwork): string {
  return `${JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: 'spinkube',
      plugins: [
        {
          type: 'bridge',
          bridge: 'cni0',
          isGateway: true,
          ipMasq: true,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: network.podCidr }]],
            routes: [{ dst: '0.0.0.0/0' }],
            dataDir: network.ipamDir,
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  )}\n`;
}
