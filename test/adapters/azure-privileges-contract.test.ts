import { azurePrivilegesContract } from '../contracts/azure-privileges.contract.ts';
import { AZURE_SCOPES } from '../contracts/azure-world.ts';
import { azureEntra, memoryEntra } from '../contracts/entra-adapters.ts';

azurePrivilegesContract('memory', memoryEntra);
azurePrivilegesContract('ARM over the simulated tenant', (world) =>
  azureEntra(world, AZURE_SCOPES),
);
