// Input of staff's review of a reported identifier (the JSON API's body; the page form's fields).
import { z } from 'zod';
import type { ScamIdentifierKind } from '../../bot/ports.js';
import { MAX_IDENTIFIER_LENGTH } from './identifiers.js';

const KINDS = ['phone', 'url', 'account'] as const satisfies readonly ScamIdentifierKind[];

export const reviewInput = z.object({
  kind: z.enum(KINDS),
  identifier: z.string().min(1).max(MAX_IDENTIFIER_LENGTH),
}).strict();
