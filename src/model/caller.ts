/** Who made the write, from `data.claims`. */
export interface Caller {
  objectId?: string;
  appId?: string;
  /** UPN for people, else the `name` claim. */
  name?: string;
}
