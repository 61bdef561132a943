import { directoryContract } from '../contracts/directory.contract.ts';
import { graphEntra, memoryEntra } from '../contracts/entra-adapters.ts';

directoryContract('memory', memoryEntra);
directoryContract('Graph over the simulated tenant', graphEntra);
