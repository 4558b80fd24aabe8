export * from './places.schema.ts';
export * from './members.schema.ts';
export * from './messaging.schema.ts';
export * from './runtime.schema.ts';
export * from './feedback.schema.ts';
export * from './notices.schema.ts';
export * from './workshops.schema.ts';
