/** Whether process `pid` runs: the server's own check, for the tests' cleanup of servers and builds they started. */
export { processAlive as alive } from '../../server/process-alive';
