import { handleInboundEvent } from './conversation/conversation.engine.ts';

/** The one list of features (temporary shim while the engine moves to feature declarations). */
export const conversation = { handleInboundEvent };
