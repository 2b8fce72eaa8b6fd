/**
 * How a host function returns `err(payload)` to a guest: jco's glue turns a thrown value that has its own
 * `payload` property into `err(payload)`; any other thrown Error traps the guest instead.
 */
export class GuestErr extends Error {
  constructor(readonly payload: unknown) {
    super('returned err to the guest');
  }
}

export function returnErr(payload?: unknown): never {
  throw new GuestErr(payload);
}
