/** The cluster's Service IP range (the API server's `--service-cluster-ip-range`), shared by every node. */
export const SERVICE_CIDR = '10.96.0.0/16';
