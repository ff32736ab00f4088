export { apiModule } from './app';
