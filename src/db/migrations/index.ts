import type { Migration } from '../migrate.js';

// Append new migrations at the end; never edit or reorder one that has shipped.
export const migrations: Migration[] = [];
