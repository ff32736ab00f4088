#!/usr/bin/env node
// The biomon command-line tool. TypeScript runs through tsx (Node 20 cannot strip types).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
