export { createDemoTokens } from './commands/tokens.command';
