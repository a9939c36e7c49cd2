// Run by config.test.ts as a child process: loadConfig must end it with one line.
import { z } from 'zod';
import { loadConfig, portVar } from '../config.js';

loadConfig('probe', z.object({ SERVICE_PORT: portVar(9090) }));
