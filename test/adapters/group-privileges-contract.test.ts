import { graphEntra, memoryEntra } from '../contracts/entra-adapters.ts';
import { groupPrivilegesContract } from '../contracts/group-privileges.contract.ts';

groupPrivilegesContract('memory', memoryEntra);
groupPrivilegesContract('Graph over the simulated tenant', graphEntra);
