export { createContext, type AppContext } from './context';
