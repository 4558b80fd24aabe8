export * from './places.schema.ts';
export * from './members.schema.ts';
export * from './messaging.schema.ts';
