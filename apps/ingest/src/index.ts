export { ingestModule } from './app';
