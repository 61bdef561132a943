/**
 * Node's module compile cache, on before the platform SDKs load (they are imported when their
 * platform is configured, after this module runs): later starts skip compiling them and
 * stripping our TypeScript again. The cache lives in the system's temporary folder (or
 * NODE_COMPILE_CACHE); where that cannot be written the bot starts as before, only slower.
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 */
import { enableCompileCache } from 'node:module';

enableCompileCache();
