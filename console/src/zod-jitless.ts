import { z } from 'zod';

// zod compiles object parsers with `new Function` unless told not to, and the console's
// Content-Security-Policy forbids eval (infra/console-headers.ts). zod probes for eval when a
// schema is built, at module load: this must run first, so main.ts imports it first and
// auth/session.ts (which the first schemas load after, in the shared chunk) imports it too.
z.config({ jitless: true });
