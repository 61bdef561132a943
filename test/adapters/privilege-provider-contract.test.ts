import { graphEntra, memoryEntra } from '../contracts/entra-adapters.ts';
import { privilegeProviderContract } from '../contracts/privilege-provider.contract.ts';

privilegeProviderContract('memory', memoryEntra);
privilegeProviderContract('Graph over the simulated tenant', graphEntra);
