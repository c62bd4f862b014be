import { InvalidInputError } from '../errors.js';

export interface TableNames {
  findings: string;
  processedEvents: string;
  exemptions: string;
  exemptionHistory: string;
  settings: string;
  settingsHistory: string;
  leases: string;
  sweeps: string;
  rollouts: string;
}

/** Table Storage: alphanumeric, starting with a letter, 3 to 63 characters. */
const TABLE_NAME = /^[A-Za-z][A-Za-z0-9]{2,62}$/;

/** The tables of one deployment (or one test), all named `{prefix}{Table}`. */
export function tableNames(prefix = ''): TableNames {
  if (prefix !== '' && !/^[A-Za-z][A-Za-z0-9]*$/.test(prefix)) {
    throw new InvalidInputError(`table prefix ${JSON.stringify(prefix)} must be letters and digits, starting with a letter`);
  }
  const names: TableNames = {
    findings: `${prefix}Findings`,
    processedEvents: `${prefix}ProcessedEvents`,
    exemptions: `${prefix}Exemptions`,
    exemptionHistory: `${prefix}ExemptionHistory`,
    settings: `${prefix}Settings`,
    settingsHistory: `${prefix}SettingsHistory`,
    leases: `${prefix}Leases`,
    sweeps: `${prefix}Sweeps`,
    rollouts: `${prefix}Rollouts`,
  };
  for (const name of Object.values(names)) {
    if (!TABLE_NAME.test(name)) throw new InvalidInputError(`table name ${name} is longer than 63 characters: shorten the prefix`);
  }
  return names;
}
