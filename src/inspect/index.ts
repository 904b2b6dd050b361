export { inspect, type InspectOption } from './inspectPlugin.js';
