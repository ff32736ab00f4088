export { apiModule } from './app';
export { webRoutes, WEB_DIST_DIR } from './routes/web.routes';
