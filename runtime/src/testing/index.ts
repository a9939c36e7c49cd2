export { listeningPort, type ServiceProcess, startService } from './serviceProcess.js';
